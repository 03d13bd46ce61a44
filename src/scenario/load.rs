//! Reading scenario files: the `base` chain, TOML parsing with located errors, and the
//! hand-over to merging and validation.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::limits;
use super::merge::{Layer, merge};
use super::problem::{LineIndex, Location, Problem, Problems, Severity};
use super::raw::{RawFile, ReadError};
use super::validate::validate;
use crate::model::Scenario;

/// A `base` chain longer than this is treated as a mistake.
const MAX_BASE_DEPTH: usize = 32;
/// Scenario files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The end of the note that stands for problems not kept (see `problem::MAX_KEPT`).
const OMITTED: &str = " more errors not shown";

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The files are unreadable or invalid; every problem found is listed.
    #[error("{}", render(.0))]
    Invalid(Vec<Problem>),
}

fn render(problems: &[Problem]) -> String {
    let mut errors = 0;
    for p in problems.iter().filter(|p| p.severity == Severity::Error) {
        errors += match p.message.split_once(OMITTED) {
            Some((n, _)) if p.key.is_empty() => n.parse::<usize>().unwrap_or(1),
            _ => 1,
        };
    }
    let mut out: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    out.push(format!(
        "{errors} error{} found",
        if errors == 1 { "" } else { "s" }
    ));
    out.join("\n")
}

impl ScenarioError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid(p) => p,
        }
    }
}

/// A scenario with the warnings found while loading it.
#[derive(Debug)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Problem>,
    /// The files read, leaf first.
    pub files: Vec<PathBuf>,
    /// `[sensitivity]` and `[[sweep]]`, validated.
    pub study: super::study::Study,
}

/// Reads a scenario file, follows its `base` chain, merges and validates it.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    load_chain(path, None)
}

/// Like `load`, with the text of the scenario file given instead of read from `path`
/// (its `base` files are still read, relative to `path`'s folder). For tests and fuzzing.
pub fn load_source(path: &Path, text: &str) -> Result<Loaded, ScenarioError> {
    load_chain(path, Some(text.to_string()))
}

fn load_chain(path: &Path, leaf_text: Option<String>) -> Result<Loaded, ScenarioError> {
    let mut problems = Problems::default();
    let mut layers: Vec<Layer> = Vec::new();
    let mut keys = KeyIndex::default();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut totals = [0usize; 7];
    let mut given = leaf_text;
    let mut next = Some((path.to_path_buf(), Location::default(), String::new()));
    while let Some((file, referrer, key)) = next.take() {
        let canonical = file.canonicalize().unwrap_or_else(|_| file.clone());
        if let Some(start) = seen.iter().position(|c| *c == canonical) {
            let mut cycle: Vec<String> = layers[start..].iter().map(|l| tidy(&l.file)).collect();
            cycle.push(tidy(&file));
            problems.error(
                &referrer,
                key,
                format!(
                    "the `base` chain loops: {}; remove the `base` key from one of these files",
                    cycle.join(" -> ")
                ),
            );
            break;
        }
        if seen.len() >= MAX_BASE_DEPTH {
            problems.error(
                &referrer,
                key,
                format!(
                    "the `base` chain is deeper than {MAX_BASE_DEPTH} files; \
                     a base of a base ... this deep is most likely a mistake"
                ),
            );
            break;
        }
        seen.push(canonical);
        let is_leaf = referrer.file.as_os_str().is_empty();
        let text = match given.take() {
            Some(t) if t.len() as u64 > MAX_FILE_BYTES => Err((too_big(t.len() as u64), None)),
            Some(t) => Ok(t),
            None => read_text(&file, is_leaf),
        };
        let text = match text {
            Ok(t) => t,
            Err((msg, at)) => {
                let loc = if let Some((line, column)) = at {
                    Location {
                        file: file.clone(),
                        line: Some(line),
                        column: Some(column),
                    }
                } else if is_leaf {
                    Location {
                        file: file.clone(),
                        ..Location::default()
                    }
                } else {
                    referrer
                };
                problems.error(&loc, key, msg);
                break;
            }
        };
        let tables = limits::count_tables(&text, limits::MAX_TABLES_PER_FILE);
        if tables > limits::MAX_TABLES_PER_FILE {
            problems.error(
                &Location {
                    file: file.clone(),
                    ..Location::default()
                },
                "",
                format!(
                    "the file holds more than {} tables (`[[...]]` items and `{{ ... }}` \
                     tables); split the study into smaller scenarios",
                    limits::MAX_TABLES_PER_FILE
                ),
            );
            break;
        }
        let Some(raw) = parse(&file, &text, &mut problems) else {
            break;
        };
        if let Err(msg) = limits::add_counts(&mut totals, &raw) {
            problems.error(
                &Location {
                    file: file.clone(),
                    ..Location::default()
                },
                "",
                msg,
            );
            break;
        }
        if let Some(base) = &raw.scenario.base {
            let loc = locate_key(&file, &text, "base");
            if base.trim().is_empty() {
                problems.error(
                    &loc,
                    "scenario.base",
                    "`base` is empty; name the scenario file this one extends \
                     (relative to this file's folder), or remove the key",
                );
                break;
            }
            let base_path = file.parent().unwrap_or(Path::new(".")).join(base);
            next = Some((base_path, loc, "scenario.base".to_string()));
        }
        keys.add(&file, &text);
        layers.push(Layer { file, text, raw });
    }
    if problems.has_errors() {
        return Err(ScenarioError::Invalid(finish(problems, path)));
    }
    let files: Vec<PathBuf> = layers.iter().map(|l| l.file.clone()).collect();
    let leaf_settings = layers.first().map(|l| Location {
        file: l.file.clone(),
        ..Location::default()
    });
    layers.reverse();
    let merged = merge(layers);
    let scenario = validate(&merged, &mut problems);
    let study = scenario
        .as_ref()
        .map(|s| super::study::validate(&merged, s, &mut problems))
        .unwrap_or_default();
    if let Some(s) = &scenario
        && !problems.has_errors()
        && let Some(msg) = limits::run_size_error(s, s.replications)
    {
        let loc = leaf_settings.unwrap_or_default();
        problems.error(&loc, "scenario", msg);
    }
    keys.refine(&mut problems.list);
    match scenario {
        Some(s) if !problems.has_errors() => Ok(Loaded {
            scenario: s,
            warnings: problems.warnings(),
            files,
            study,
        }),
        _ => Err(ScenarioError::Invalid(finish(problems, path))),
    }
}

/// The problems to report, with a note for those beyond `problem::MAX_KEPT`.
fn finish(problems: Problems, path: &Path) -> Vec<Problem> {
    let mut list = problems.list;
    if problems.omitted_errors > 0 || problems.omitted_warnings > 0 {
        list.push(Problem {
            severity: Severity::Error,
            location: Location {
                file: path.to_path_buf(),
                ..Location::default()
            },
            key: String::new(),
            message: format!(
                "{}{OMITTED} (and {} more warnings); only the first {} of each are listed: \
                 fix these and run again",
                problems.omitted_errors,
                problems.omitted_warnings,
                super::problem::MAX_KEPT
            ),
        });
    }
    list
}

/// A path for messages: `a/b/../c.toml` shown as `a/c.toml` (lexically, links ignored).
fn tidy(path: &Path) -> String {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect::<PathBuf>().display().to_string()
}

fn too_big(len: u64) -> String {
    format!(
        "the file is {len} bytes; scenario files are limited to {MAX_FILE_BYTES} bytes (16 MiB)"
    )
}

/// Reads a whole scenario file as UTF-8, refusing folders, devices and files too big.
/// An error carries the line and column it is about, when it is about one.
fn read_text(file: &Path, is_leaf: bool) -> Result<String, (String, Option<(usize, usize)>)> {
    read_text_inner(file, is_leaf)
        .map_err(|e| (e, None))
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                let good = e.utf8_error().valid_up_to();
                let bytes = e.as_bytes();
                let before = String::from_utf8_lossy(&bytes[..good]);
                let loc = Location::at(PathBuf::new(), &before, before.len());
                (
                    format!(
                        "the file is not valid UTF-8 text (byte {:#04x} at offset {good} is not \
                     UTF-8; the file was probably saved as Latin-1 or Windows-1252): save it \
                     as UTF-8",
                        bytes[good]
                    ),
                    loc.line.zip(loc.column),
                )
            })
        })
}

fn read_text_inner(file: &Path, is_leaf: bool) -> Result<Vec<u8>, String> {
    let what = if is_leaf {
        format!("the scenario file {}", file.display())
    } else {
        format!("the base file {}", file.display())
    };
    let why = |e: std::io::Error| {
        let mut m = lower_first(&e.to_string());
        if let Some(i) = m.find(" (os error") {
            m.truncate(i);
        }
        if is_leaf {
            format!("cannot read {what}: {m}")
        } else {
            format!(
                "cannot read {what}: {m} (`base` is relative to the folder of the file that names it)"
            )
        }
    };
    let meta = std::fs::metadata(file).map_err(why)?;
    if meta.is_dir() {
        return Err(format!(
            "{} is a folder, not a scenario file (`corridor run` takes folders; `base` needs a file)",
            file.display()
        ));
    }
    if !meta.is_file() {
        return Err(format!(
            "{} is not a regular file (a device, a pipe or a socket); scenario files are text files",
            file.display()
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(why)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Parses one file; on failure records a located problem and returns `None`.
fn parse(file: &Path, text: &str, problems: &mut Problems) -> Option<RawFile> {
    let at = |offset: Option<usize>| {
        offset
            .map(|o| Location::at(file.to_path_buf(), text, o))
            .unwrap_or_else(|| Location {
                file: file.to_path_buf(),
                ..Location::default()
            })
    };
    match super::raw::read_raw(text) {
        Ok(raw) => Some(raw),
        Err(ReadError::Syntax(e)) => {
            let offset = e.span().map(|s| s.start);
            let key = offset.map(|o| key_path_at(text, o)).unwrap_or_default();
            let message = super::explain::syntax(e.message().trim(), text, offset);
            problems.error(&at(offset), key, format!("TOML syntax: {message}"));
            None
        }
        Err(ReadError::Data { path, error }) => {
            let key = path
                .replace(".$__serde_spanned_private_value", "")
                .replace("$__serde_spanned_private_value.", "")
                .replace("$__serde_spanned_private_value", "");
            let key = if key == "." { String::new() } else { key };
            let offset = error.span().map(|s| s.start);
            let message = super::explain::data(error.message().trim(), &key);
            problems.error(&at(offset), key, message);
            None
        }
    }
}

/// The location of the first line that sets `key` (for keys whose value has no span).
fn locate_key(file: &Path, text: &str, key: &str) -> Location {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return Location::at(file.to_path_buf(), text, offset + (line.len() - t.len()));
        }
        offset += line.len();
    }
    Location {
        file: file.to_path_buf(),
        ..Location::default()
    }
}

/// Every key path a text writes (`scenario.first_year`, `links[3]`,
/// `links[3].capacity_tpy`, ...) with the byte offset where it is written and whether it
/// is a table header. A line scan, not a parser: it reads headers and `key =` lines,
/// which is all that messages need.
fn key_paths(text: &str) -> Vec<(String, usize, bool)> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let t = line.trim_start();
        let at = start + (line.len() - t.len());
        if let Some(rest) = t.strip_prefix("[[") {
            let name = clean_key(rest.split(']').next().unwrap_or(""));
            let n = counts.entry(name.clone()).or_insert(0);
            section = format!("{name}[{n}]");
            *n += 1;
            out.push((section.clone(), at, true));
        } else if let Some(rest) = t.strip_prefix('[') {
            section = clean_key(rest.split(']').next().unwrap_or(""));
            out.push((section.clone(), at, true));
        } else if let Some((k, _)) = t.split_once('=')
            && !k.trim().is_empty()
            && k.chars().all(|c| {
                c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '\t' | '"' | '\'')
            })
        {
            let k = clean_key(k);
            let path = if section.is_empty() {
                k
            } else {
                format!("{section}.{k}")
            };
            out.push((path, at, false));
        }
    }
    out
}

fn clean_key(k: &str) -> String {
    k.split('.')
        .map(|p| p.trim().trim_matches('"').trim_matches('\''))
        .collect::<Vec<_>>()
        .join(".")
}

/// The largest char boundary of `text` at or before `i`.
fn boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The key path of the line at `offset` (its key, or else its table), for syntax errors.
fn key_path_at(text: &str, offset: usize) -> String {
    let offset = boundary(text, offset);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let paths = key_paths(&text[..line_end]);
    match paths.last() {
        Some((p, at, _)) if *at >= line_start => p.clone(),
        _ => paths
            .iter()
            .rev()
            .find(|(_, _, header)| *header)
            .map(|(p, _, _)| p.clone())
            .unwrap_or_default(),
    }
}

/// Key path -> (line, column) of where one file writes it.
type LineColumns = HashMap<String, (usize, usize)>;

/// Where each key path is written in each file of the chain, to give problems found
/// after merging (which know a file and a key, or only the key) their line and column.
/// The texts are kept and scanned only when there are problems to place.
#[derive(Default)]
struct KeyIndex {
    texts: Vec<(PathBuf, String)>,
    files: Vec<(PathBuf, LineColumns)>,
}

impl KeyIndex {
    fn add(&mut self, file: &Path, text: &str) {
        self.texts.push((file.to_path_buf(), text.to_string()));
    }

    fn build(&mut self) {
        for (file, text) in std::mem::take(&mut self.texts) {
            let mut map = HashMap::new();
            let lines = LineIndex::new(&text);
            for (path, at, _) in key_paths(&text) {
                let loc = lines.at(PathBuf::new(), &text, at);
                if let (Some(l), Some(c)) = (loc.line, loc.column) {
                    map.entry(path).or_insert((l, c));
                }
            }
            self.files.push((file, map));
        }
    }

    fn find(&self, file: Option<&Path>, key: &str) -> Option<Location> {
        self.files
            .iter()
            .filter(|(f, _)| file.is_none_or(|want| want == f))
            .find_map(|(f, map)| {
                map.get(key).map(|&(line, column)| Location {
                    file: f.clone(),
                    line: Some(line),
                    column: Some(column),
                })
            })
    }

    /// Points each problem at the line of its key: an item's key in the item's own file,
    /// a setting in the first file (leaf first) that writes it or its table.
    fn refine(&mut self, problems: &mut [Problem]) {
        if problems.is_empty() {
            return;
        }
        self.build();
        for p in problems.iter_mut().filter(|p| !p.key.is_empty()) {
            if p.key.contains('[') {
                // The key; for a field of an inline table in a list (`a[0].b[2].c`),
                // else the line of the list's key (`a[0].b`). Keys ending in an index
                // keep their item's line.
                let mut key = p.key.as_str();
                let nested = !key.ends_with(']');
                loop {
                    if let Some(loc) = self.find(Some(&p.location.file), key) {
                        p.location = loc;
                        break;
                    }
                    // `a[0].b[2].c` -> `a[0].b[2]` -> `a[0].b`, never `a[0]` alone.
                    let last = key.rsplit('.').next().unwrap_or(key);
                    let parent = match last.rfind('[') {
                        Some(i) if last.ends_with(']') && i > 0 => {
                            &key[..key.len() - last.len() + i]
                        }
                        _ => key.rsplit_once('.').map_or("", |(p, _)| p),
                    };
                    if !nested || !parent.contains('.') {
                        break;
                    }
                    key = parent;
                }
                continue;
            }
            if p.location.line.is_some() {
                continue;
            }
            let mut key = p.key.as_str();
            loop {
                if let Some(loc) = self.find(None, key) {
                    p.location = loc;
                    break;
                }
                match key.rsplit_once('.') {
                    Some((parent, _)) => key = parent,
                    None => break,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_follow_headers() {
        let text = "[scenario]\nname = \"x\"\n[[links]]\nid = \"a\"\n[[links]]\ncapacity_tpy = 5\n[congestion.rail]\nalpha = 1\n";
        let paths: Vec<String> = key_paths(text).into_iter().map(|(p, _, _)| p).collect();
        assert_eq!(
            paths,
            [
                "scenario",
                "scenario.name",
                "links[0]",
                "links[0].id",
                "links[1]",
                "links[1].capacity_tpy",
                "congestion.rail",
                "congestion.rail.alpha"
            ]
        );
        let off = text.find("5").unwrap();
        assert_eq!(key_path_at(text, off), "links[1].capacity_tpy");
        let text = "[[links]]\nid = \"a\"\n\n  bad line\n";
        assert_eq!(key_path_at(text, text.find("bad").unwrap()), "links[0]");
    }
}
