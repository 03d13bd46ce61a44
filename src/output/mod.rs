//! Writing a run's files: everything is rendered to bytes first, written into a
//! temporary folder beside the destination, and moved into place only when complete,
//! so a failed or interrupted run never leaves a half-written folder over a good one.

pub mod csv;
pub mod summary;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A folder name from a scenario name: letters, digits, `-`, `_` and `.` kept, anything
/// else (path separators, `..`, spaces) replaced, so output stays inside `--out`.
pub fn safe_dir_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .take(100)
        .collect();
    while s.starts_with('.') || s.starts_with('-') {
        s.remove(0);
    }
    if s.is_empty() { "scenario".into() } else { s }
}

/// Writes `files` (relative path, bytes) as the folder `dest`, replacing it whole.
pub fn write_folder(dest: &Path, files: &[(PathBuf, Vec<u8>)]) -> io::Result<()> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    let tmp = parent.join(format!(".{name}.partial-{}", std::process::id()));
    if tmp.exists() {
        fs::remove_dir_all(&tmp)?;
    }
    let result = (|| {
        for (rel, bytes) in files {
            let path = tmp.join(rel);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::write(&path, bytes)?;
        }
        // Swap: move the old folder aside, the new one in, then delete the old.
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        if dest.exists() {
            fs::rename(dest, &old)?;
        }
        if let Err(e) = fs::rename(&tmp, dest) {
            if old.exists() {
                let _ = fs::rename(&old, dest);
            }
            return Err(e);
        }
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    })();
    if result.is_err() && tmp.exists() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// Every file of a run, rendered to bytes: the tables as CSV and `summary.json`.
pub fn render(
    s: &crate::model::Scenario,
    r: &crate::results::Results,
    seed: u64,
    requested: u64,
    warnings: &[crate::scenario::problem::Problem],
) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = r
        .tables()
        .iter()
        .map(|t| (PathBuf::from(format!("{}.csv", t.name)), csv::to_csv(t)))
        .collect();
    let doc = summary::summary(s, r, seed, requested, warnings);
    let mut json = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    json.push(b'\n');
    files.push((PathBuf::from("summary.json"), json));
    files
}

/// Every file of a comparison: the change tables as CSV and `summary.json`.
pub fn render_comparison(
    base: &crate::model::Scenario,
    policy: &crate::model::Scenario,
    c: &crate::compare::Comparison,
    seed: u64,
) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = [&c.corridors, &c.od]
        .iter()
        .map(|t| (PathBuf::from(format!("{}.csv", t.name)), csv::to_csv(t)))
        .collect();
    let doc = summary::comparison_summary(base, policy, c, seed);
    let mut json = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    json.push(b'\n');
    files.push((PathBuf::from("summary.json"), json));
    files
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
    }
}
