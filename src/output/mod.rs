//! Writing a run's files: everything is rendered to bytes first, written into a
//! temporary folder beside the destination, and moved into place only when complete,
//! so a failed or interrupted run never leaves a half-written folder over a good one.

pub mod appraisal;
#[cfg(feature = "parquet")]
pub mod columnar;
pub mod csv;
pub mod replications;
pub mod sensitivity;
pub mod summary;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use crate::folder_name::safe_dir_name;

/// Writes `files` (relative path, bytes) as the folder `dest`, replacing it whole.
pub fn write_folder(dest: &Path, files: &[(PathBuf, Vec<u8>)]) -> io::Result<()> {
    let staging = Staging::new(dest)?;
    for (rel, bytes) in files {
        staging.write(rel, bytes)?;
    }
    staging.commit()
}

/// A run's folder being built: a hidden temporary folder beside the destination that
/// replaces the destination whole on `commit`, or disappears if dropped before it.
pub struct Staging {
    dest: PathBuf,
    tmp: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(dest: &Path) -> io::Result<Staging> {
        let parent = dest.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "run".into());
        clean_stale(parent, &name, dest);
        let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir_all(&tmp)?;
        Ok(Staging {
            dest: dest.to_path_buf(),
            tmp,
            committed: false,
        })
    }

    /// Where a file of the folder is written before the commit.
    pub fn path(&self, rel: &Path) -> PathBuf {
        self.tmp.join(rel)
    }

    pub fn write(&self, rel: &Path, bytes: &[u8]) -> io::Result<()> {
        let path = self.tmp.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&path, bytes)
    }

    /// Moves the old folder aside, the new one in, then deletes the old.
    pub fn commit(mut self) -> io::Result<()> {
        let parent = self.dest.parent().unwrap_or(Path::new("."));
        let name = self
            .dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "run".into());
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        if self.dest.exists() {
            fs::rename(&self.dest, &old)?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.dest) {
            if old.exists() {
                let _ = fs::rename(&old, &self.dest);
            }
            return Err(e);
        }
        self.committed = true;
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && self.tmp.exists() {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Whether process `pid` may still be running (so its temporary folder is in use).
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Without a portable liveness test, assume it runs: leftovers stay (they are
        // hidden and ignored by git) rather than risk deleting a live run's folder.
        let _ = pid;
        true
    }
}

/// Removes `.NAME.partial-PID` folders of runs that died, and puts back the previous
/// results if a run died between moving them aside (`.NAME.old-PID`) and moving its
/// own folder in. Best effort: a leftover that cannot be removed is left alone.
pub fn clean_stale(parent: &Path, name: &str, dest: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let partial = format!(".{name}.partial-");
    let old = format!(".{name}.old-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let (is_old, pid) = if let Some(p) = n.strip_prefix(&partial) {
            (false, p)
        } else if let Some(p) = n.strip_prefix(&old) {
            (true, p)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if process_alive(pid) {
            continue;
        }
        let path = entry.path();
        if is_old && !dest.exists() {
            let _ = fs::rename(&path, dest);
        } else {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// What `render_run` writes beyond the tables, summary and GeoJSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Draw the charts (`corridor run --no-charts` sets this to false: the report then
    /// says that charts were not drawn).
    pub charts: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { charts: true }
    }
}

/// Every file of a run, rendered to bytes: the tables as CSV, `summary.json`,
/// `network.geojson`, the charts under `charts/` (SVG and PNG) and `index.html`.
pub fn render(
    s: &crate::model::Scenario,
    r: &crate::results::Results,
    seed: u64,
    requested: u64,
    warnings: &[crate::scenario::problem::Problem],
) -> Result<Vec<(PathBuf, Vec<u8>)>, crate::charts::ChartError> {
    let warnings: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    render_run(
        s,
        r,
        seed,
        requested,
        &warnings,
        None,
        RenderOptions::default(),
    )
}

/// As `render`, with the scenario's warnings already printed (a merge of shards takes
/// them from the shard files), the run's sensitivity analysis (`sensitivity.csv`, its
/// charts and a section of `index.html`) when there is one, and the charts drawn only
/// if `opts.charts`.
pub fn render_run(
    s: &crate::model::Scenario,
    r: &crate::results::Results,
    seed: u64,
    requested: u64,
    warnings: &[String],
    sens: Option<&crate::sensitivity::RunSensitivity>,
    opts: RenderOptions,
) -> Result<Vec<(PathBuf, Vec<u8>)>, crate::charts::ChartError> {
    // (The tables in parallel, and with the summary.)
    let (mut files, json): (Vec<(PathBuf, Vec<u8>)>, Vec<u8>) = rayon::join(
        || {
            r.tables()
                .par_iter()
                .map(|t| (PathBuf::from(format!("{}.csv", t.name)), csv::to_csv(t)))
                .collect()
        },
        || {
            let doc = summary::summary(s, r, seed, requested, warnings);
            let mut json = serde_json::to_vec_pretty(&doc).unwrap_or_default();
            json.push(b'\n');
            json
        },
    );
    files.push((PathBuf::from("summary.json"), json));
    files.push((
        PathBuf::from("network.geojson"),
        crate::report::geojson::to_bytes(s, r),
    ));
    let charts = if opts.charts {
        crate::charts::plan(s, r)
    } else {
        Vec::new()
    };
    files.extend(crate::charts::render_charts(&charts, s, r)?);
    let mut sections = Vec::new();
    if let Some(sens) = sens {
        let (more, section) = sensitivity::run_files(s, r, sens, opts.charts)?;
        files.extend(more);
        if opts.charts {
            // Without charts the table stays; the report's section (built on them) goes.
            sections.push(section);
        }
    }
    let facts = crate::report::html::RunFacts {
        seed,
        replications_requested: requested,
        warnings: warnings.to_vec(),
        sections,
    };
    let names: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let page = crate::report::html::scenario_index(s, r, &facts, &charts, &names);
    files.push((PathBuf::from("index.html"), page.into_bytes()));
    Ok(files)
}

/// The runs found in an output folder: each sub-folder holding a `summary.json`, with
/// the title, description and horizon read from it. Folders being written (hidden ones)
/// are skipped; a summary that cannot be read still lists its folder.
pub fn find_runs(out: &Path) -> io::Result<Vec<crate::report::html::RunEntry>> {
    let mut runs = Vec::new();
    for entry in fs::read_dir(out)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let summary_path = entry.path().join("summary.json");
        if name.starts_with('.') || !entry.path().is_dir() || !summary_path.is_file() {
            continue;
        }
        let doc: serde_json::Value = fs::read(&summary_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let text = |k: &str| doc[k].as_str().unwrap_or_default().to_string();
        let horizon = match (doc["first_year"].as_i64(), doc["last_year"].as_i64()) {
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => String::new(),
        };
        runs.push(crate::report::html::RunEntry {
            dir: name,
            title: text("title"),
            description: text("description"),
            horizon,
            comparison: doc["kind"] == "comparison" || doc["kind"] == "appraisal",
        });
    }
    runs.sort();
    Ok(runs)
}

/// Writes (or refreshes) `out/index.html` listing every run in `out`, atomically.
pub fn write_runs_index(out: &Path) -> io::Result<()> {
    let page = crate::report::html::runs_index(&find_runs(out)?);
    let tmp = out.join(format!(".index.html.partial-{}", std::process::id()));
    fs::write(&tmp, page)?;
    fs::rename(&tmp, out.join("index.html")).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// Every file of a comparison: the change tables as CSV, `summary.json`, the charts
/// under `charts/` (SVG and PNG) and `index.html`.
pub fn render_comparison(
    base: &crate::model::Scenario,
    policy: &crate::model::Scenario,
    c: &crate::compare::Comparison,
    seed: u64,
) -> Result<Vec<(PathBuf, Vec<u8>)>, crate::charts::ChartError> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = [&c.corridors, &c.od]
        .iter()
        .map(|t| (PathBuf::from(format!("{}.csv", t.name)), csv::to_csv(t)))
        .collect();
    let doc = summary::comparison_summary(base, policy, c, seed);
    let mut json = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    json.push(b'\n');
    files.push((PathBuf::from("summary.json"), json));
    let charts = crate::charts::plan_comparison(base, policy, c);
    files.extend(crate::charts::render_comparison_charts(
        &charts, base, policy, c,
    )?);
    let names: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let page = crate::report::html::comparison_index(base, policy, c, seed, &charts, &names);
    files.push((PathBuf::from("index.html"), page.into_bytes()));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape() {
        assert_eq!(safe_dir_name("../../etc"), "etc");
        assert_eq!(safe_dir_name("/abs/path"), "abs-path");
        assert_eq!(safe_dir_name("a b/c"), "a-b-c");
        assert_eq!(safe_dir_name(".."), "scenario");
        assert_eq!(safe_dir_name("tripp-opens"), "tripp-opens");
        assert_eq!(safe_dir_name("..\\..\\windows"), "windows");
        assert_eq!(safe_dir_name("C:\\x"), "C--x");
        assert_eq!(safe_dir_name("nul"), "_nul");
        assert_eq!(safe_dir_name("a.."), "a");
        assert_eq!(safe_dir_name("\u{0}\n"), "scenario");
    }

    #[test]
    fn stale_leftovers_are_removed_and_interrupted_swaps_undone() {
        let tmp = std::env::temp_dir().join(format!("corridor-stale-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        let dest = tmp.join("study");
        // A run died between moving the old results aside and moving its own in.
        let old = tmp.join(".study.old-999999999");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("marker.txt"), "previous").unwrap();
        // Another died while writing; a third (this process) is still running.
        fs::create_dir_all(tmp.join(".study.partial-999999998")).unwrap();
        let live = tmp.join(format!(".study.partial-{}", std::process::id()));
        fs::create_dir_all(&live).unwrap();
        clean_stale(&tmp, "study", &dest);
        assert_eq!(
            fs::read_to_string(dest.join("marker.txt")).unwrap(),
            "previous"
        );
        assert!(!old.exists());
        assert!(!tmp.join(".study.partial-999999998").exists());
        assert!(live.exists());
        fs::remove_dir_all(&tmp).unwrap();
    }
}
