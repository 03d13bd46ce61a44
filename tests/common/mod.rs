//! Shared helpers for the integration tests: scenarios from text, runs, table lookups.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use corridor_sim::model::Scenario;
use corridor_sim::results::{Results, Table};
use corridor_sim::runner::{self, RunOptions};

/// Writes `text` as `name.toml` in a fresh temporary folder (kept alive by the guard).
pub fn scenario_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("write scenario");
    (dir, path)
}

pub fn load(path: &Path) -> Scenario {
    match corridor_sim::scenario::load(path) {
        Ok(l) => l.scenario,
        Err(e) => panic!("scenario should load:\n{e}"),
    }
}

pub fn load_text(text: &str) -> Scenario {
    let (_dir, path) = scenario_file("test", text);
    load(&path)
}

pub fn run(s: &Scenario, replications: u64, threads: usize) -> Results {
    let opts = RunOptions {
        replications: Some(replications),
        seed: None,
        threads: Some(threads),
    };
    runner::run(s, &opts, &mut |_, _| {}).expect("run")
}

/// The mean of `metric` in the row whose key columns equal `keys` (by position).
pub fn value(t: &Table, keys: &[&str], metric: &str) -> f64 {
    stat(t, keys, metric).mean
}

pub fn stat(t: &Table, keys: &[&str], metric: &str) -> corridor_sim::stats::Summary {
    let m = t
        .metric(metric)
        .unwrap_or_else(|| panic!("no metric {metric} in {}", t.name));
    t.rows
        .iter()
        .find(|r| r.keys.iter().zip(keys).all(|(a, b)| a == b))
        .unwrap_or_else(|| panic!("no row {keys:?} in {}", t.name))
        .stats[m]
}

/// A network header: horizon, route choice, two nodes A and B and corridors c1..c3.
pub fn header(first: i32, last: i32, route_choice: &str) -> String {
    format!(
        r#"
[scenario]
name = "t"
first_year = {first}
last_year = {last}

[route_choice]
{route_choice}

[[corridors]]
id = "c1"
[[corridors]]
id = "c2"
[[corridors]]
id = "c3"

[[nodes]]
id = "A"
lat = 40.0
lon = 45.0
[[nodes]]
id = "M"
lat = 40.0
lon = 45.3
[[nodes]]
id = "B"
lat = 40.0
lon = 46.0
"#
    )
}

/// A link from A to B (or as given) with a fixed time and optional extra keys.
pub fn link(id: &str, from: &str, to: &str, corridor: &str, time_h: f64, extra: &str) -> String {
    format!(
        r#"
[[links]]
id = "{id}"
from = "{from}"
to = "{to}"
mode = "rail"
length_km = 100
time_h = {time_h}
corridor = "{corridor}"
{extra}
"#
    )
}

pub fn demand(tonnes: f64, vot: f64, extra: &str) -> String {
    format!(
        r#"
[[demand]]
id = "AB"
origin = "A"
destination = "B"
tonnes_per_year = {tonnes}
value_of_time_usd_per_t_h = {vot}
{extra}
"#
    )
}
