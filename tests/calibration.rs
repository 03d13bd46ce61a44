//! Calibration of the regional seed (`seeds/south-caucasus.toml`) against the volumes
//! observed in the base year, as tabulated in `docs/DATA.md`.
//!
//! Each figure is the model's 2024 tonnes (both directions) on a set of links, compared
//! with an observation from the data sheet. The test fails if any drifts more than 20%
//! from its observation, so that a change to the network, the tariffs or the engine that
//! moves the base year away from what was seen is noticed.

use std::path::PathBuf;

use corridor_sim::results::Results;
use corridor_sim::runner::{RunOptions, run};
use corridor_sim::scenario::load;

/// Allowed relative difference between model and observation.
const TOLERANCE: f64 = 0.20;
const BASE_YEAR: &str = "2024";

/// One calibrated figure: the links whose tonnes add up to it and the observed value.
struct Target {
    what: &'static str,
    links: &'static [&'static str],
    observed_t: f64,
    source: &'static str,
}

const TARGETS: [Target; 3] = [
    Target {
        what: "Middle Corridor (Kazakh Caspian crossings to Alat)",
        links: &["aktau-alat", "aktau-alat-tanker", "kuryk-alat"],
        observed_t: 4.5e6,
        source: "S40: 4.5 Mt in 2024",
    },
    Target {
        what: "Caspian ferry and cargo-ship crossings into Alat (Baku port)",
        links: &["aktau-alat", "kuryk-alat", "turkmenbashi-alat"],
        observed_t: 7.6e6,
        source: "S58/S59: 7.6 Mt handled at Baku port in 2024",
    },
    Target {
        what: "Baku-Tbilisi-Kars (Akhalkalaki-Kartsakhi)",
        links: &["akhalkalaki-kartsakhi"],
        observed_t: 0.54e6,
        source: "S48b: 540,000 t Jan-Oct 2022, the latest BTK figure",
    },
];

fn seed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds/south-caucasus.toml")
}

fn run_seed() -> Results {
    let loaded = load(&seed_path()).expect("the seed loads");
    let opts = RunOptions {
        replications: Some(1),
        seed: None,
        threads: Some(1),
        exact_values: None,
    };
    run(&loaded.scenario, &opts, &mut |_, _| {}).expect("the seed runs")
}

/// Mean tonnes on `link` in `year`, from the links table.
fn link_tonnes(r: &Results, year: &str, link: &str) -> f64 {
    let t = &r.links;
    let tonnes = t.metric("tonnes").expect("links table has tonnes");
    let col = t.key("link").expect("links table has a link column");
    t.rows
        .iter()
        .find(|row| row.keys[0] == year && row.keys[col] == link)
        .unwrap_or_else(|| panic!("no row for link {link} in {year}"))
        .stats[tonnes]
        .mean
}

/// Mean tonnes attributed to `corridor` in `year`, from the corridors table.
fn corridor_tonnes(r: &Results, year: &str, corridor: &str) -> f64 {
    let t = &r.corridors;
    let tonnes = t.metric("tonnes").expect("corridors table has tonnes");
    let col = t
        .key("corridor")
        .expect("corridors table has a corridor column");
    t.rows
        .iter()
        .find(|row| row.keys[0] == year && row.keys[col] == corridor)
        .unwrap_or_else(|| panic!("no row for corridor {corridor} in {year}"))
        .stats[tonnes]
        .mean
}

#[test]
fn seed_reproduces_the_base_year_within_20_percent() {
    let r = run_seed();
    let mut failures = Vec::new();
    for t in &TARGETS {
        let model: f64 = t.links.iter().map(|l| link_tonnes(&r, BASE_YEAR, l)).sum();
        let diff = model / t.observed_t - 1.0;
        if diff.is_nan() || diff.abs() > TOLERANCE {
            failures.push(format!(
                "{}: model {:.3} Mt against {:.3} Mt observed ({}), {:+.1}%",
                t.what,
                model / 1e6,
                t.observed_t / 1e6,
                t.source,
                diff * 100.0
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "calibration drifted beyond {:.0}%:\n{}",
        TOLERANCE * 100.0,
        failures.join("\n")
    );

    // The new corridor carries nothing before its first link opens (road, 2028 in the
    // seed) and something once it is open.
    for year in ["2024", "2025", "2026", "2027"] {
        assert_eq!(corridor_tonnes(&r, year, "tripp"), 0.0, "TRIPP in {year}");
    }
    assert!(corridor_tonnes(&r, "2030", "tripp") > 0.0);
}

/// Mean of `metric` for measure `id` in `year`, from the measures table.
fn measure(r: &Results, year: &str, id: &str) -> f64 {
    let t = r.measures.as_ref().expect("the seed has measures");
    let m = t.metric("tonnes").expect("tonnes");
    t.rows
        .iter()
        .find(|row| row.keys[0] == year && row.keys[1] == id)
        .unwrap_or_else(|| panic!("no measure {id} in {year}"))
        .stats[m]
        .mean
}

/// Seed measures whose 2024 miss is explained in docs/DATA.md ("Measures against
/// observations"): the counted figure holds traffic the network does not carry.
const EXPLAINED_MISSES: [&str; 2] = ["aktau-port", "astara-road"];

#[test]
fn every_fitted_seed_measure_is_within_20_percent_in_2024() {
    let loaded = load(&seed_path()).expect("the seed loads");
    let s = &loaded.scenario;
    let r = run_seed();
    let mut checked = 0;
    let mut failures = Vec::new();
    for m in &s.measures {
        let Some(o) = m.observed_in(2024) else {
            continue;
        };
        let model = measure(&r, BASE_YEAR, &m.id);
        let diff = model / o.tonnes - 1.0;
        if m.weight == 0.0 {
            // Shown, not fitted: only the explained misses may be left out.
            assert!(
                EXPLAINED_MISSES.contains(&m.id.as_str()) || diff.abs() <= TOLERANCE,
                "{} misses by {:+.1}% without an explanation",
                m.id,
                diff * 100.0
            );
            continue;
        }
        checked += 1;
        if diff.is_nan() || diff.abs() > TOLERANCE {
            failures.push(format!("{}: {:+.1}%", m.id, diff * 100.0));
        }
    }
    assert!(checked >= 8, "only {checked} fitted measures");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The Caspian corridor row is a fraction of what crosses the Caspian: the reason
    // measures exist.
    assert!(
        corridor_tonnes(&r, BASE_YEAR, "caspian") < 0.8 * measure(&r, BASE_YEAR, "middle-corridor")
    );
}

/// The back-cast (scenarios/backcast/backcast-2022.toml, docs/DATA.md "Back-cast"): run
/// from the 2022 network, the model moves the Middle Corridor and Baku port volumes in
/// the direction observed between 2022 and 2024 (both grew). Their size is not asserted:
/// the model gives +7% and +8% against the observed x3 and +21%, for the reasons
/// documented there.
#[test]
fn backcast_from_2022_moves_in_the_observed_direction() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/backcast/backcast-2022.toml");
    let loaded = load(&path).expect("the back-cast loads");
    let opts = RunOptions {
        replications: Some(1),
        seed: None,
        threads: Some(1),
        exact_values: None,
    };
    let r = run(&loaded.scenario, &opts, &mut |_, _| {}).expect("runs");
    for id in ["middle-corridor", "baku-port"] {
        let m = loaded
            .scenario
            .measures
            .iter()
            .find(|m| m.id == id)
            .unwrap();
        let observed = m.observed_in(2024).unwrap().tonnes / m.observed_in(2022).unwrap().tonnes;
        let model = measure(&r, "2024", id) / measure(&r, "2022", id);
        assert!(
            observed > 1.0 && model > 1.0,
            "{id}: model x{model:.2}, observed x{observed:.2}"
        );
    }
    // BTK with its old 1 Mt/yr capacity in 2022 against the 540,000 t of Jan-Oct 2022.
    let btk = measure(&r, "2022", "btk");
    assert!((btk / 0.54e6 - 1.0).abs() < TOLERANCE, "BTK 2022 {btk}");
}
