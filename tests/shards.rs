//! `--shard K/N` and `merge` end to end with the built binary: shards run as separate
//! processes and merged give the single run's folder byte for byte (exact and sketched
//! percentiles, any number of shards, any order of the files); incomplete or mixed sets
//! of shard files are refused with the file named.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/shards.toml");

fn corridor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Every file under `dir`, relative path and bytes, sorted.
fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Runs the `N` shards of the fixture (with `extra` flags) into `dir`, returns the files.
fn run_shards(dir: &Path, n: u64, extra: &[&str]) -> Vec<PathBuf> {
    (0..n)
        .map(|k| {
            let shard = format!("{k}/{n}");
            let mut args = vec![
                "run",
                FIXTURE,
                "--quiet",
                "--shard",
                &shard,
                "--out",
                s(dir),
            ];
            args.extend(extra);
            ok(corridor(&args));
            let width = (n - 1).max(1).to_string().len();
            dir.join(format!("shards-{k:0width$}-of-{n}.shard"))
        })
        .collect()
}

/// The single run and the merges of `counts` shards write identical folders (7 shards
/// are given in a shuffled order, 3 as their folder).
fn merges_match_the_single_run(extra: &[&str], want_percentiles: &str, counts: &[u64]) {
    let tmp = tempfile::tempdir().unwrap();
    let single = tmp.path().join("single");
    let mut args = vec!["run", FIXTURE, "--quiet", "--out", s(&single)];
    args.extend(extra);
    ok(corridor(&args));
    let want = read_all(&single);
    let summary = String::from_utf8(
        want.iter()
            .find(|(n, _)| n.ends_with("summary.json"))
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    assert!(
        summary.contains(&format!("\"percentiles\": \"{want_percentiles}")),
        "{summary}"
    );
    assert!(
        summary.contains("shorter than the straight line"),
        "warnings kept"
    );
    assert!(want.len() > 10, "charts and tables written: {}", want.len());
    // The fixture's queue point: its daily trace (issue 12) is merged like every table.
    assert!(
        want.iter().any(|(n, _)| n.ends_with("queue_trace.csv")),
        "the queue trace is written"
    );
    for &n in counts {
        let dir = tmp.path().join(format!("shards-{n}"));
        let mut files = run_shards(&dir, n, extra);
        if n == 7 {
            // A fixed shuffle: 3, 0, 6, 1, 5, 2, 4.
            files = [3, 0, 6, 1, 5, 2, 4]
                .iter()
                .map(|i| files[*i].clone())
                .collect();
        }
        if n == 3 {
            files = vec![dir];
        }
        let out = tmp.path().join(format!("merged-{n}"));
        let mut args = vec!["merge", "--quiet", "--out", s(&out)];
        args.extend(files.iter().map(|f| s(f)));
        ok(corridor(&args));
        let got = read_all(&out);
        assert_eq!(
            got.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            want.iter().map(|(n, _)| n).collect::<Vec<_>>()
        );
        for ((name, a), (_, b)) in got.iter().zip(&want) {
            assert!(a == b, "{n} shards: {name} differs from the single run");
        }
    }
}

#[test]
fn merged_shards_equal_the_single_run_with_exact_percentiles() {
    merges_match_the_single_run(&["--replications", "24"], "exact", &[1, 2, 3, 7]);
}

#[test]
fn merged_shards_equal_the_single_run_with_sketched_percentiles() {
    // 40 replications of about 320 fixed values each: past a budget of 1,000 values
    // the single run and every shard sketch from the start.
    merges_match_the_single_run(&["--exact-values", "1000"], "sketched", &[1, 2, 3, 7]);
}

#[test]
fn merged_shards_equal_the_single_run_when_route_values_cross_the_budget() {
    // 30 replications: 9,600 fixed values, about 12,000 with the routes' values. With a
    // budget of 11,000 the single run sketches only once it has seen the routes; each
    // shard of 10 replications stays exact on its own, and the merge sketches.
    merges_match_the_single_run(
        &["--replications", "30", "--exact-values", "11000"],
        "sketched",
        &[3],
    );
}

#[test]
fn a_sharded_comparison_merges_into_the_single_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let base = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/two-routes.toml"
    );
    let single = tmp.path().join("single");
    let flags = ["--replications", "12", "--seed", "3", "--quiet"];
    let mut args = vec!["compare", base, FIXTURE, "--out", s(&single)];
    args.extend(flags);
    ok(corridor(&args));
    let shards = tmp.path().join("shards");
    for k in ["2/3", "0/3", "1/3"] {
        let mut args = vec!["compare", base, FIXTURE, "--shard", k, "--out", s(&shards)];
        args.extend(flags);
        ok(corridor(&args));
    }
    let merged = tmp.path().join("merged");
    ok(corridor(&["merge", "-q", s(&shards), "--out", s(&merged)]));
    let want = read_all(&single);
    assert!(want.iter().any(|(n, _)| n.ends_with("corridor_change.csv")));
    assert_eq!(read_all(&merged), want);
}

fn fails(args: &[&str]) -> String {
    let o = corridor(args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn missing_duplicate_foreign_and_damaged_shards_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let files = run_shards(&dir, 3, &["--replications", "6"]);
    let out = tmp.path().join("out");
    let merge = |files: &[&Path]| -> String {
        let mut args = vec!["merge", "--out", s(&out)];
        args.extend(files.iter().map(|f| s(f)));
        fails(&args)
    };
    let (f0, f1, f2) = (&files[0], &files[1], &files[2]);

    let e = merge(&[f0, f2]);
    assert!(e.contains("shard 1/3 is missing"), "{e}");
    assert!(e.contains("shards-1-of-3.shard"), "{e}");

    let copy = tmp.path().join("copy-of-1.shard");
    std::fs::copy(f1, &copy).unwrap();
    let e = merge(&[f0, f1, &copy, f2]);
    assert!(e.contains("are both shard 1/3"), "{e}");
    assert!(e.contains("copy-of-1.shard"), "{e}");

    // Another seed, another number of shards, another scenario.
    let other = run_shards(
        &tmp.path().join("seed"),
        3,
        &["--replications", "6", "--seed", "99"],
    );
    let e = merge(&[f0, &other[1], f2]);
    assert!(
        e.contains(s(&other[1])) && e.contains("seed is 99, the others' 11"),
        "{e}"
    );
    let four = run_shards(&tmp.path().join("four"), 4, &["--replications", "6"]);
    let e = merge(&[f0, f1, &four[2], f2]);
    assert!(
        e.contains(s(&four[2])) && e.contains("number of shards is 4"),
        "{e}"
    );
    let two_routes = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/two-routes.toml"
    );
    let foreign = tmp.path().join("foreign");
    ok(corridor(&[
        "run",
        two_routes,
        "-q",
        "--shard",
        "1/3",
        "--out",
        s(&foreign),
    ]));
    let stranger = foreign.join("two-routes-1-of-3.shard");
    let e = merge(&[f0, &stranger, f2]);
    assert!(
        e.contains(s(&stranger)) && e.contains("scenario `two-routes`"),
        "{e}"
    );

    // Damaged: cut short, or not a shard file at all.
    let bytes = std::fs::read(f1).unwrap();
    let cut = tmp.path().join("cut.shard");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let e = merge(&[f0, &cut, f2]);
    assert!(e.contains("cut.shard") && e.contains("damaged"), "{e}");
    let e = merge(&[f0, Path::new(FIXTURE), f2]);
    assert!(
        e.contains("shards.toml") && e.contains("not a corridor shard file"),
        "{e}"
    );

    // Written by another version of corridor.
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let version = format!("\"version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version));
    let older = tmp.path().join("older.shard");
    let mut patched = bytes.clone();
    let at = text.find(&version).unwrap() + "\"version\":\"".len();
    patched[at] = b'9';
    std::fs::write(&older, &patched).unwrap();
    let e = merge(&[f0, &older, f2]);
    assert!(
        e.contains("older.shard") && e.contains("the same version"),
        "{e}"
    );

    // The scenario changed between the shards and the merge.
    let copy_dir = tmp.path().join("scenario");
    std::fs::create_dir_all(&copy_dir).unwrap();
    let scenario = copy_dir.join("study.toml");
    std::fs::copy(FIXTURE, &scenario).unwrap();
    let shards: Vec<PathBuf> = (0..2)
        .map(|k| {
            let spec = format!("{k}/2");
            let out = tmp.path().join("changed");
            ok(corridor(&[
                "run",
                s(&scenario),
                "-q",
                "--replications",
                "4",
                "--shard",
                &spec,
                "--out",
                s(&out),
            ]));
            out.join(format!("shards-{k}-of-2.shard"))
        })
        .collect();
    let edited = std::fs::read_to_string(&scenario)
        .unwrap()
        .replace("seed = 11", "seed = 12");
    std::fs::write(&scenario, edited).unwrap();
    let e = merge(&[&shards[0], &shards[1]]);
    assert!(
        e.contains("study.toml") && e.contains("has changed since the shards were run"),
        "{e}"
    );

    // The complete set still merges; shard specs are checked on the command line.
    ok(corridor(&[
        "merge",
        "-q",
        "--out",
        s(&out),
        s(f2),
        s(f0),
        s(f1),
    ]));
    let e = fails(&["run", FIXTURE, "--shard", "3/3", "--out", s(&out)]);
    assert!(e.contains("counted from 0"), "{e}");
}
