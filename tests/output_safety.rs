//! Output folders: a failed or interrupted run leaves the previous results untouched,
//! leftovers of killed runs are cleaned up by the next run, and no scenario name can
//! make a run write outside `--out`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corridor_sim::output::write_folder;

fn corridor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
}

fn fixture() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/two-routes.toml");
    fs::read_to_string(p).expect("fixture")
}

/// The fixture under another name; `slow` adds uncertainty and millions of replications
/// so that the run is still simulating when it is killed.
fn scenario(dir: &Path, file: &str, name: &str, slow: bool) -> PathBuf {
    let mut text = fixture().replace("name = \"two-routes\"", &format!("name = {name:?}"));
    if slow {
        text = text
            .replace(
                "capacity_tpy = 1000\n",
                "capacity_tpy = { dist = \"uniform\", min = 900, max = 1100 }\n",
            )
            .replace("[scenario]\n", "[scenario]\nreplications = 5000000\n");
    }
    let path = dir.join(file);
    fs::write(&path, text).expect("write scenario");
    path
}

/// An "old results" folder with a marker file.
fn old_results(out: &Path, name: &str) -> PathBuf {
    let dest = out.join(name);
    fs::create_dir_all(&dest).expect("mkdir");
    fs::write(dest.join("marker.txt"), "previous results").expect("marker");
    dest
}

fn assert_old_intact(dest: &Path) {
    assert_eq!(
        fs::read_to_string(dest.join("marker.txt")).ok().as_deref(),
        Some("previous results"),
        "the previous results in {} were touched",
        dest.display()
    );
}

/// The entries of an output folder, less the `index.html` that lists its runs.
fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "index.html")
        .collect();
    v.sort();
    v
}

/// Sends `signal` (e.g. "-INT" for Ctrl-C) to a running child with the `kill` command.
fn signal(pid: u32, signal: &str) {
    let ok = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "kill {signal} {pid} failed");
}

/// Whether signal `number` is ignored by this process (Linux: the `SigIgn` mask of
/// /proc/self/status), as its children then inherit; false where that cannot be read.
fn ignored_here(number: u32) -> bool {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let mask = status.lines().find_map(|l| l.strip_prefix("SigIgn:"))?;
            u64::from_str_radix(mask.trim(), 16).ok()
        })
        .is_some_and(|mask| mask >> (number - 1) & 1 == 1)
}

#[test]
fn a_killed_run_leaves_the_previous_results_untouched() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = scenario(tmp.path(), "slow.toml", "slow", true);
    let out = tmp.path().join("out");
    let dest = old_results(&out, "slow");
    // SIGKILL (a kill -9, an out-of-memory kill) and SIGINT (Ctrl-C), mid-way.
    for (sig, number) in [("-KILL", 9), ("-INT", 2), ("-TERM", 15)] {
        if ignored_here(number) {
            // The child would inherit the ignored disposition (a test suite started as
            // a background job of a non-interactive shell ignores SIGINT) and run to
            // the end: nothing to test about an interruption that cannot happen.
            eprintln!("{sig} is ignored by this test process and its children: case skipped");
            continue;
        }
        let mut child = corridor()
            .args(["run", "--quiet", "--out"])
            .arg(&out)
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn corridor");
        std::thread::sleep(Duration::from_millis(800));
        assert!(
            child.try_wait().expect("try_wait").is_none(),
            "the slow run finished before it could be interrupted"
        );
        signal(child.id(), sig);
        let status = child.wait().expect("wait");
        assert!(!status.success(), "{sig}: {status:?}");
        assert_old_intact(&dest);
        assert_eq!(names_in(&dest), ["marker.txt"]);
    }
}

#[test]
fn a_later_run_cleans_up_after_killed_runs() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = scenario(tmp.path(), "quick.toml", "quick", false);
    let out = tmp.path().join("out");
    old_results(&out, "quick");
    // Leftovers of runs that died (process ids above Linux's maximum, so never alive),
    // and a folder of another scenario that must be left alone.
    let dead_partial = out.join(".quick.partial-999999999");
    fs::create_dir_all(&dead_partial).expect("mkdir");
    fs::write(dead_partial.join("links.csv"), "half a fil").expect("write");
    let dead_old = out.join(".quick.old-999999998");
    fs::create_dir_all(&dead_old).expect("mkdir");
    let other = out.join(".other.partial-999999999");
    fs::create_dir_all(&other).expect("mkdir");
    let o = corridor()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .expect("run");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        names_in(&out),
        [".other.partial-999999999", "quick"],
        "leftovers of `quick` remain"
    );
    let written = names_in(&out.join("quick"));
    assert!(written.contains(&"summary.json".to_string()), "{written:?}");
    assert!(
        !written.contains(&"marker.txt".to_string()),
        "old folder not replaced"
    );
}

/// Kills runs at many moments, including while they write, and checks that the result
/// folder is always either the previous one or a complete new one; the next run then
/// finishes cleanly whatever was left.
#[test]
fn runs_killed_at_any_moment_never_leave_half_a_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let file = scenario(tmp.path(), "quick.toml", "quick", false);
    let out = tmp.path().join("out");
    let dest = old_results(&out, "quick");
    // How long a whole run takes, to spread the kills over it.
    let t = Instant::now();
    let o = corridor()
        .args(["run", "--quiet", "--out"])
        .arg(tmp.path().join("probe"))
        .arg(&file)
        .output()
        .expect("run");
    assert!(o.status.success());
    let full = t.elapsed();
    let complete = names_in(&tmp.path().join("probe").join("quick"));
    for i in 0..12u32 {
        let mut child = corridor()
            .args(["run", "--quiet", "--out"])
            .arg(&out)
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(full * i / 10);
        let _ = child.kill();
        let _ = child.wait();
        let now = names_in(&dest);
        let old = now == ["marker.txt"];
        let new = now == complete;
        let mid_swap =
            !dest.exists() && names_in(&out).iter().any(|n| n.starts_with(".quick.old-"));
        assert!(
            old || new || mid_swap,
            "after a kill at {:?}: {now:?} in {}",
            full * i / 10,
            dest.display()
        );
    }
    let o = corridor()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .expect("run");
    assert!(o.status.success());
    assert_eq!(names_in(&out), ["quick"]);
    assert_eq!(names_in(&dest), complete);
}

#[test]
fn a_write_that_fails_keeps_the_old_folder_and_removes_its_temporary() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dest = old_results(tmp.path(), "study");
    // `a` as a file, then `a/b`: the second write fails half-way through the folder.
    let files = vec![
        (PathBuf::from("one.csv"), b"x\n".to_vec()),
        (PathBuf::from("a"), b"file".to_vec()),
        (PathBuf::from("a/b.csv"), b"y\n".to_vec()),
    ];
    assert!(write_folder(&dest, &files).is_err());
    assert_old_intact(&dest);
    assert_eq!(names_in(tmp.path()), ["study"]);
    // And a write that succeeds replaces the folder whole.
    let files = vec![(PathBuf::from("one.csv"), b"x\n".to_vec())];
    write_folder(&dest, &files).expect("write");
    assert_eq!(names_in(&dest), ["one.csv"]);
    assert_eq!(names_in(tmp.path()), ["study"]);
}

#[test]
fn scenario_names_cannot_escape_the_output_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let inside = tmp.path().join("a").join("b");
    fs::create_dir_all(&inside).expect("mkdir");
    let out = inside.join("out");
    let abs = tmp.path().join("absolute-target");
    let names = [
        "../../escape".to_string(),
        "../..".to_string(),
        abs.display().to_string(),
        "sub/../../../up".to_string(),
        "..\\..\\windows".to_string(),
        ".hidden".to_string(),
        "nul".to_string(),
        "x/".repeat(200),
    ];
    let mut files = Vec::new();
    for (i, n) in names.iter().enumerate() {
        files.push(scenario(&inside, &format!("s{i}.toml"), n, false));
    }
    let o = corridor()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .args(&files)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    // Nothing was created beside or above `out`, nor at the absolute path.
    let mut expected_inside: Vec<String> = (0..names.len()).map(|i| format!("s{i}.toml")).collect();
    expected_inside.push("out".into());
    expected_inside.sort();
    assert_eq!(names_in(&inside), expected_inside);
    assert_eq!(names_in(&tmp.path().join("a")), ["b"]);
    assert_eq!(names_in(tmp.path()), ["a"]);
    assert!(!abs.exists());
    // Every result folder is a plain, visible child of `out`.
    let made = names_in(&out);
    assert_eq!(made.len(), names.len(), "{made:?}");
    for m in &made {
        assert!(
            !m.starts_with('.') && !m.contains('/') && !m.contains('\\'),
            "{m}"
        );
        assert!(out.join(m).join("summary.json").is_file(), "{m}");
    }
    assert!(made.contains(&"escape".to_string()), "{made:?}");
    assert!(made.contains(&"_nul".to_string()), "{made:?}");
}

#[test]
fn two_scenarios_with_one_folder_name_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let a = scenario(tmp.path(), "a.toml", "../same", false);
    let b = scenario(tmp.path(), "b.toml", "same", false);
    let out = tmp.path().join("out");
    let o = corridor()
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .args([&a, &b])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("also named"));
    assert_eq!(names_in(&out), ["same"]);
}
