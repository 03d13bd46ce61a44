//! Reading scenario files: the `base` chain, TOML parsing with located errors, and the
//! hand-over to merging and validation.

use std::path::{Path, PathBuf};

use super::merge::{Layer, merge};
use super::problem::{Location, Problem, Problems, Severity};
use super::raw::RawFile;
use super::suggest::did_you_mean;
use super::validate::validate;
use crate::model::Scenario;

/// A `base` chain longer than this is treated as a mistake.
const MAX_BASE_DEPTH: usize = 32;
/// Scenario files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The files are unreadable or invalid; every problem found is listed.
    #[error("{}", render(.0))]
    Invalid(Vec<Problem>),
}

fn render(problems: &[Problem]) -> String {
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
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
}

/// Reads a scenario file, follows its `base` chain, merges and validates it.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    let mut problems = Problems::default();
    let mut layers: Vec<Layer> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut next = Some((path.to_path_buf(), Location::default(), String::new()));
    while let Some((file, referrer, key)) = next.take() {
        let canonical = file.canonicalize().unwrap_or_else(|_| file.clone());
        if seen.contains(&canonical) {
            problems.error(
                &referrer,
                key,
                format!(
                    "the `base` chain loops back to {}; remove the `base` key from one of the files",
                    file.display()
                ),
            );
            break;
        }
        if seen.len() >= MAX_BASE_DEPTH {
            problems.error(
                &referrer,
                key,
                format!("the `base` chain is deeper than {MAX_BASE_DEPTH} files"),
            );
            break;
        }
        seen.push(canonical);
        let text = match read_text(&file) {
            Ok(t) => t,
            Err(msg) => {
                let loc = if referrer.file.as_os_str().is_empty() {
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
        let Some(raw) = parse(&file, &text, &mut problems) else {
            break;
        };
        if let Some(base) = &raw.scenario.base {
            let base_path = file.parent().unwrap_or(Path::new(".")).join(base);
            let loc = locate_key(&file, &text, "base");
            next = Some((base_path, loc, "scenario.base".to_string()));
        }
        layers.push(Layer { file, text, raw });
    }
    if problems.has_errors() {
        return Err(ScenarioError::Invalid(problems.list));
    }
    let files: Vec<PathBuf> = layers.iter().map(|l| l.file.clone()).collect();
    layers.reverse();
    let merged = merge(layers);
    let scenario = validate(&merged, &mut problems);
    match scenario {
        Some(s) if !problems.has_errors() => Ok(Loaded {
            scenario: s,
            warnings: problems.warnings(),
            files,
        }),
        _ => Err(ScenarioError::Invalid(problems.list)),
    }
}

fn read_text(file: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| {
        format!(
            "cannot read the scenario file {}: {}",
            file.display(),
            lower_first(&e.to_string())
        )
    })?;
    if meta.is_dir() {
        return Err(format!(
            "{} is a folder, not a scenario file (`corridor run` takes folders; `base` needs a file)",
            file.display()
        ));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} bytes; scenario files are limited to {} bytes",
            meta.len(),
            MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not valid UTF-8 text (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
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
    let de = match toml::Deserializer::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let loc = e
                .span()
                .map(|s| Location::at(file.to_path_buf(), text, s.start))
                .unwrap_or_else(|| Location {
                    file: file.to_path_buf(),
                    ..Location::default()
                });
            problems.error(&loc, "", format!("TOML syntax: {}", e.message().trim()));
            return None;
        }
    };
    match serde_path_to_error::deserialize::<_, RawFile>(de) {
        Ok(raw) => Some(raw),
        Err(e) => {
            let key = e
                .path()
                .to_string()
                .replace(".$__serde_spanned_private_value", "")
                .replace("$__serde_spanned_private_value.", "");
            let inner = e.into_inner();
            let loc = inner
                .span()
                .map(|s| Location::at(file.to_path_buf(), text, s.start))
                .unwrap_or_else(|| Location {
                    file: file.to_path_buf(),
                    ..Location::default()
                });
            let message = explain(inner.message().trim());
            problems.error(&loc, key, message);
            None
        }
    }
}

/// Adds a suggestion to serde's "unknown field" and "unknown variant" messages.
fn explain(message: &str) -> String {
    let ticked: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if message.starts_with("unknown field") && !ticked.is_empty() {
        let found = ticked[0];
        let expected = &ticked[1..];
        let hint = did_you_mean(found, expected);
        return format!(
            "unknown key `{found}`{hint}; the keys allowed here are {}",
            expected
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return format!("wrong type: found {rest}");
    }
    message.to_string()
}

/// The location of the first line that sets `key` (for keys whose value has no span).
fn locate_key(file: &Path, text: &str, key: &str) -> Location {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with(key) && t[key.len()..].trim_start().starts_with('=') {
            return Location::at(file.to_path_buf(), text, offset + (line.len() - t.len()));
        }
        offset += line.len();
    }
    Location {
        file: file.to_path_buf(),
        ..Location::default()
    }
}
