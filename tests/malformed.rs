//! The corpus of malformed scenarios: every `tests/malformed/NAME.toml` must fail to
//! load with exit code 2, and its messages must contain every line of `NAME.expect`
//! (file:line:col, key path, what was found and expected, the suggested fix).
//! `tests/suspicious/` holds legal files whose warnings must be shown without stopping
//! the run.
//!
//! In the expected fragments paths are relative to the corpus folder: the folder prefix
//! of the messages is removed before matching.

use std::path::{Path, PathBuf};
use std::process::Command;

use corridor_sim::scenario::{self, problem::Severity};

fn corpus(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn fragments(toml: &Path) -> Vec<String> {
    let expect = toml.with_extension("expect");
    let text = std::fs::read_to_string(&expect)
        .unwrap_or_else(|e| panic!("{} needs {}: {e}", toml.display(), expect.display()));
    let frags: Vec<String> = text
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    assert!(!frags.is_empty(), "{} is empty", expect.display());
    frags
}

/// Messages with the corpus folder removed from paths.
fn relative(messages: &str, toml: &Path) -> String {
    let dir = toml.parent().unwrap_or(Path::new("."));
    messages.replace(&format!("{}/", dir.display()), "")
}

fn missing(messages: &str, frags: &[String]) -> Vec<String> {
    frags
        .iter()
        .filter(|f| !messages.contains(f.as_str()))
        .cloned()
        .collect()
}

/// Files whose problem can have no line: an empty file has no line to point at.
const NO_LINE: [&str; 1] = ["empty-file"];

#[test]
fn every_malformed_file_fails_with_its_messages() {
    let files = corpus("tests/malformed");
    assert!(files.len() >= 40, "only {} malformed files", files.len());
    let mut failures = Vec::new();
    for toml in &files {
        let frags = fragments(toml);
        let err = match scenario::load(toml) {
            Ok(_) => {
                failures.push(format!("{}: loaded without error", toml.display()));
                continue;
            }
            Err(e) => e,
        };
        let messages = relative(&err.to_string(), toml);
        let lost = missing(&messages, &frags);
        if !lost.is_empty() {
            failures.push(format!(
                "{}: missing {lost:?}\n--- messages were:\n{messages}\n---",
                toml.display()
            ));
        }
        let stem = toml.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        for p in err.problems() {
            if p.location.file.as_os_str().is_empty() {
                failures.push(format!("{}: a problem without a file: {p}", toml.display()));
            }
            let lineless_ok = NO_LINE.iter().any(|n| stem.ends_with(n));
            if p.severity == Severity::Error && p.location.line.is_none() && !lineless_ok {
                failures.push(format!("{}: a problem without a line: {p}", toml.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_files_come_in_pairs() {
    for dir in ["tests/malformed", "tests/suspicious"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|x| x == "expect") {
                assert!(
                    p.with_extension("toml").exists(),
                    "{} has no .toml",
                    p.display()
                );
            }
        }
    }
}

#[test]
fn suspicious_files_load_with_their_warnings() {
    let files = corpus("tests/suspicious");
    assert!(files.len() >= 3);
    let mut failures = Vec::new();
    for toml in &files {
        let frags = fragments(toml);
        match scenario::load(toml) {
            Err(e) => failures.push(format!("{}: failed: {e}", toml.display())),
            Ok(l) => {
                let text: Vec<String> = l.warnings.iter().map(|w| w.to_string()).collect();
                let messages = relative(&text.join("\n"), toml);
                let lost = missing(&messages, &frags);
                if !lost.is_empty() {
                    failures.push(format!(
                        "{}: missing {lost:?}\n--- warnings were:\n{messages}\n---",
                        toml.display()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn corridor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
}

/// A sample of the corpus through the real binary: `validate` and `run` both exit 2,
/// print the messages on stderr, and `run` writes nothing.
#[test]
fn the_binary_exits_2_on_malformed_files() {
    let files = corpus("tests/malformed");
    let picks = [
        "unknown-key-in-link",
        "unit-after-number",
        "unknown-node-typo",
        "base-loop",
        "many-problems",
        "replications-trillion",
        "not-utf8",
    ];
    let out = tempfile::tempdir().expect("temp dir");
    for pick in picks {
        let toml = files
            .iter()
            .find(|f| f.to_string_lossy().ends_with(&format!("-{pick}.toml")))
            .unwrap_or_else(|| panic!("no corpus file for {pick}"));
        let frags = fragments(toml);
        for args in [vec!["validate"], vec!["run", "--quiet", "--out"]] {
            let mut cmd = corridor();
            cmd.args(&args);
            if args[0] == "run" {
                cmd.arg(out.path());
            }
            let o = cmd.arg(toml).output().expect("run corridor");
            let stderr = relative(&String::from_utf8_lossy(&o.stderr), toml);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{args:?} {}: {stderr}",
                toml.display()
            );
            let lost = missing(&stderr, &frags);
            assert!(
                lost.is_empty(),
                "{args:?} {}: missing {lost:?} in\n{stderr}",
                toml.display()
            );
        }
    }
    let written: Vec<_> = std::fs::read_dir(out.path())
        .into_iter()
        .flatten()
        .collect();
    assert!(written.is_empty(), "a failed run wrote {written:?}");
}

#[test]
fn the_binary_shows_warnings_and_succeeds() {
    let toml = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/suspicious/road-at-400-kmh.toml");
    let o = corridor()
        .arg("validate")
        .arg(&toml)
        .output()
        .expect("run corridor");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning in `links[0].speed_kmh`"),
        "{stderr}"
    );
}

#[test]
fn a_missing_file_and_a_folder_without_scenarios_exit_2() {
    let o = corridor()
        .args(["validate", "no/such/scenario.toml"])
        .output()
        .expect("run corridor");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no such file or directory"));
    let empty = tempfile::tempdir().expect("temp dir");
    let o = corridor()
        .arg("run")
        .arg(empty.path())
        .output()
        .expect("run corridor");
    assert_eq!(o.status.code(), Some(2));
}
