//! `--keep-replications` as Parquet: the file read back with the parquet crate holds
//! exactly the figures of the run (bit for bit, recomputed here through the library with
//! the same seed), agrees with the CSV format cell for cell, and its per-replication
//! tonnes average to the run's summary table.
#![cfg(feature = "parquet")]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use corridor_sim::figures::{CORRIDOR_METRICS, DEMAND_METRICS, YearFigures};
use corridor_sim::output::csv::fmt_num;
use corridor_sim::runner::{self, RunOptions};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

mod common;

const REPS: u64 = 7;

fn corridor() -> Command {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
}

/// The two-route fixture with uncertain demand and `REPS` replications.
fn scenario_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/two-routes.toml"
    ))
    .unwrap()
    .replace(
        "name = \"two-routes\"",
        &format!("name = \"mc\"\nreplications = {REPS}"),
    )
    .replace(
        "tonnes_per_year = 3000",
        "tonnes_per_year = { dist = \"uniform\", min = 2000, max = 4000 }",
    )
}

/// Every row of a Parquet file, as fields, with the file's column names.
fn read_parquet(path: &Path) -> (Vec<String>, Vec<Vec<Field>>) {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let names = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let rows = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| {
            r.unwrap()
                .into_columns()
                .into_iter()
                .map(|(_, f)| f)
                .collect()
        })
        .collect();
    (names, rows)
}

fn double(f: &Field) -> f64 {
    match f {
        Field::Double(v) => *v,
        Field::Null => f64::NAN,
        other => panic!("not a double: {other:?}"),
    }
}

fn run_cli(dir: &Path, scenario: &Path, extra: &[&str]) {
    let o = corridor()
        .args(["run", "--keep-replications", "--quiet", "--out"])
        .arg(dir)
        .args(extra)
        .arg(scenario)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn parquet_replications_hold_the_runs_figures_and_match_csv_and_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("mc.toml");
    std::fs::write(&scenario, scenario_text()).unwrap();
    run_cli(&tmp.path().join("pq"), &scenario, &[]);
    run_cli(
        &tmp.path().join("csv"),
        &scenario,
        &["--replications-format", "csv"],
    );
    let run_dir = tmp.path().join("pq/mc");
    assert!(!run_dir.join("replications/corridors.csv").exists());

    // The run's figures, recomputed through the library with the scenario's seed.
    let s = common::load(&scenario);
    let mut figures: Vec<Vec<YearFigures>> = Vec::new();
    runner::run_observed(
        &s,
        &RunOptions {
            replications: None,
            seed: None,
            threads: Some(2),
            exact_values: None,
        },
        &mut |_, _| {},
        &mut |first, chunk| {
            assert_eq!(first as usize, figures.len());
            figures.extend(chunk.iter().cloned());
        },
    )
    .unwrap();
    assert_eq!(figures.len() as u64, REPS);

    let (names, rows) = read_parquet(&run_dir.join("replications/corridors.parquet"));
    let mut want = vec!["replication", "year", "corridor"];
    want.extend(CORRIDOR_METRICS);
    assert_eq!(names, want);
    // 7 replications x 2 years x (2 corridors + unserved).
    assert_eq!(rows.len() as u64, REPS * 2 * 3);
    let mut i = 0;
    for (rep, years) in figures.iter().enumerate() {
        for (year, yf) in s.years().zip(years) {
            for (c, values) in yf.corridors.iter().enumerate() {
                let row = &rows[i];
                assert_eq!(row[0], Field::Int(rep as i32));
                assert_eq!(row[1], Field::Int(year));
                let id = s.corridors.get(c).map_or("unserved", |x| x.id.as_str());
                assert_eq!(row[2], Field::Str(id.into()));
                for (k, v) in values.iter().enumerate() {
                    let got = double(&row[3 + k]);
                    assert!(
                        got.to_bits() == v.to_bits() || (got.is_nan() && v.is_nan()),
                        "row {i} {}: {got} != {v}",
                        CORRIDOR_METRICS[k]
                    );
                }
                i += 1;
            }
        }
    }

    // The same cells as the CSV format, once formatted the CSV way.
    let csv =
        std::fs::read_to_string(tmp.path().join("csv/mc/replications/corridors.csv")).unwrap();
    for (row, line) in rows.iter().zip(csv.lines().skip(1)) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(
            cells[0],
            match &row[0] {
                Field::Int(v) => v.to_string(),
                f => panic!("{f:?}"),
            }
        );
        for (k, cell) in cells[3..].iter().enumerate() {
            assert_eq!(*cell, fmt_num(double(&row[3 + k])), "{line}");
        }
    }

    // Per-replication tonnes average to the summary table's mean (corridors.csv).
    let mut sums: BTreeMap<(i32, String), f64> = BTreeMap::new();
    for row in &rows {
        let (Field::Int(year), Field::Str(id)) = (&row[1], &row[2]) else {
            panic!("{row:?}")
        };
        *sums.entry((*year, id.clone())).or_default() += double(&row[3]);
    }
    let summary = std::fs::read_to_string(run_dir.join("corridors.csv")).unwrap();
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut checked = 0;
    for line in summary.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        let key = (
            cells[col("year")].parse().unwrap(),
            cells[col("corridor")].to_string(),
        );
        let mean_t: f64 = cells[col("tonnes")].parse().unwrap();
        let from_parquet = sums[&key] / REPS as f64;
        assert!(
            (from_parquet - mean_t).abs() <= 0.01,
            "{key:?}: {from_parquet} vs {mean_t}"
        );
        checked += 1;
    }
    assert_eq!(checked, 2 * 3);

    // The flow table: same shape as its CSV, demand figures in order.
    let (names, rows) = read_parquet(&run_dir.join("replications/od.parquet"));
    let mut want = vec!["replication", "year", "demand"];
    want.extend(DEMAND_METRICS);
    assert_eq!(names, want);
    assert_eq!(rows.len() as u64, REPS * 2);
    let demand_t = double(&rows[0][3]);
    assert_eq!(demand_t.to_bits(), figures[0][0].demand[0][0].to_bits());

    // Byte-identical on a second run, whatever the thread count.
    run_cli(&tmp.path().join("again"), &scenario, &["--threads", "1"]);
    for f in ["corridors.parquet", "od.parquet"] {
        assert_eq!(
            std::fs::read(run_dir.join("replications").join(f)).unwrap(),
            std::fs::read(tmp.path().join("again/mc/replications").join(f)).unwrap(),
            "{f}"
        );
    }
}
