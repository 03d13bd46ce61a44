//! The sensitivity commands end to end: a run's sensitivity files, thread-independence,
//! `sweep`, `sensitivity` and `select-link` folders, and bad input exiting 2.

use std::path::Path;
use std::process::Command;

fn corridor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
}

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/caucasus-demo.toml"
);
const TWO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/two-routes.toml"
);

fn ok(args: &[&str], out: &Path) {
    let o = corridor()
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_stochastic_run_explains_its_outputs_the_same_on_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    ok(&["run", DEMO, "--replications", "12", "--threads", "1"], &a);
    ok(&["run", DEMO, "--replications", "12", "--threads", "2"], &b);
    let dir = a.join("caucasus-demo");
    let csv = std::fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    assert_eq!(
        csv,
        std::fs::read_to_string(b.join("caucasus-demo/sensitivity.csv")).unwrap()
    );
    // Default outputs: the new corridor's tonnes in 2030, 2035 and 2040.
    for y in [2030, 2035, 2040] {
        assert!(csv.contains(&format!("corridors.tripp.tonnes.{y},")), "{y}");
    }
    for stem in [
        "sensitivity_ranks_0",
        "sensitivity_tornado_2",
        "sensitivity_spider_1",
    ] {
        assert!(dir.join(format!("charts/{stem}.png")).is_file(), "{stem}");
    }
    let page = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(
        page.contains("Which assumptions matter") && page.contains("sensitivity_tornado_0.svg")
    );
    // A scenario without uncertainty gets no sensitivity files.
    ok(&["run", TWO], &a);
    assert!(!a.join("two-routes/sensitivity.csv").exists());
}

#[test]
fn sweep_sensitivity_and_select_link_write_their_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path();
    ok(
        &[
            "sweep",
            TWO,
            "--input",
            "links.north.tariff_usd_per_t",
            "--values",
            "0,10,20",
            "--output",
            "corridors.north.tonnes.2025",
            "--below",
            "1000",
        ],
        out,
    );
    let d = out.join("sweep-two-routes-cli");
    let sweep = std::fs::read_to_string(d.join("sweep.csv")).unwrap();
    assert_eq!(sweep.lines().count(), 4, "{sweep}");
    assert!(d.join("switching.csv").is_file() && d.join("charts/sweep.svg").is_file());
    ok(
        &["sensitivity", DEMO, "--samples", "8", "--resamples", "10"],
        out,
    );
    let sobol = std::fs::read_to_string(out.join("sensitivity-caucasus-demo/sobol.csv")).unwrap();
    assert!(sobol.starts_with("output,input,first_order"));
    ok(
        &[
            "select-link",
            DEMO,
            "--link",
            "meghri-ordubad",
            "--replications",
            "4",
        ],
        out,
    );
    assert!(
        out.join("select-link-caucasus-demo-meghri-ordubad/select_link.csv")
            .is_file()
    );
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("sweep-two-routes-cli"));
}

#[test]
fn unknown_names_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        vec!["select-link", DEMO, "--link", "no-such-link"],
        vec![
            "sweep",
            TWO,
            "--input",
            "links.nowhere.tariff_usd_per_t",
            "--values",
            "1",
        ],
        vec![
            "sensitivity",
            DEMO,
            "--output",
            "corridors.tripp.tones.2030",
        ],
    ] {
        let o = corridor()
            .args(&args)
            .arg("--out")
            .arg(tmp.path())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
