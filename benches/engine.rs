//! Seeded benchmarks of the engine on the shipped default scenario.
//! Run: `cargo bench --bench engine`. Whole-process timings are in docs/PERFORMANCE.md.

use std::path::Path;

use corridor_sim::model::Scenario;
use corridor_sim::runner::{self, RunOptions};
use corridor_sim::simulate::Engine;

fn main() {
    divan::main();
}

fn default_scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tripp-opens.toml");
    match corridor_sim::scenario::load(&path) {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e}"),
    }
}

/// One replication of the whole horizon, route sets already cached (the steady state
/// of a long study: each iteration a new replication, so the years it shares with the
/// ones before are those a study's replications share).
#[divan::bench]
fn one_replication_warm(bencher: divan::Bencher) {
    let s = default_scenario();
    let engine = Engine::new(&s);
    let u = runner::uniforms(&s, 1, 0);
    engine.run(Some(&u));
    let mut rep = 0;
    bencher.bench_local(|| {
        rep += 1;
        let u = runner::uniforms(&s, 1, rep);
        engine.run(Some(&u))
    });
}

/// The default scenario on the seed with its eight queue points
/// (`seeds/queue-points.toml`), as `docs/PERFORMANCE.md` measures the queue layer's
/// cost: the same file with `base` pointing there.
fn default_scenario_with_queues() -> Scenario {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(dir.join("scenarios/tripp-opens.toml"))
        .expect("default scenario")
        .replace(
            "base = \"../seeds/south-caucasus.toml\"",
            &format!("base = {:?}", dir.join("seeds/queue-points.toml")),
        );
    assert!(
        text.contains("queue-points"),
        "the default scenario's base moved"
    );
    let tmp = tempfile::Builder::new()
        .suffix(".toml")
        .tempfile()
        .expect("temporary scenario");
    std::fs::write(tmp.path(), text).expect("write");
    match corridor_sim::scenario::load(tmp.path()) {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e}"),
    }
}

/// One replication with the queue layer: the eight points day by day in every year,
/// inside the fixed point with route choice (8 x 365 x 22 = 64,240 point-days a
/// round). Against `one_replication_warm`, the layer's cost per replication.
#[divan::bench]
fn one_replication_with_queue_points(bencher: divan::Bencher) {
    let s = default_scenario_with_queues();
    assert_eq!(s.queues.len(), 8);
    let engine = Engine::new(&s);
    let u = runner::uniforms(&s, 1, 0);
    engine.run_full(Some(&u), None, Some((1, 0)), false);
    let mut rep = 0;
    bencher.bench_local(|| {
        rep += 1;
        let u = runner::uniforms(&s, 1, rep % 64);
        engine.run_full(Some(&u), None, Some((1, rep % 64)), false)
    });
}

/// One day of the queue layer's service at eight points: six steady ones (Lindley's
/// recursion) and two ferries leaving when full (`queues::day::step`), with the
/// arrivals and capacities of `seeds/queue-points.toml`'s points at about their
/// 2030 loads. Per day, the layer's innermost work; the whole year's passes are in
/// `one_replication_with_queue_points`.
#[divan::bench]
fn one_queue_day_eight_points(bencher: divan::Bencher) {
    use corridor_sim::model::ServicePattern;
    use corridor_sim::queues::day::{ServerState, step};
    let ferry = ServicePattern::WhenFull {
        vessel_units: 54.0,
        max_headway_days: 3.0,
    };
    let points: [(ServicePattern, f64, f64); 8] = [
        (ServicePattern::Steady, 1000.0, 600.0),
        (ServicePattern::Steady, 600.0, 310.0),
        (ServicePattern::Steady, 550.0, 400.0),
        (ServicePattern::Steady, 375.0, 130.0),
        (ServicePattern::Steady, 500.0, 180.0),
        (ServicePattern::Steady, 400.0, 230.0),
        (ferry, 465.0, 130.0),
        (ferry, 438.0, 276.0),
    ];
    let mut states = [ServerState::default(); 8];
    let mut day = 0u64;
    bencher.bench_local(|| {
        day += 1;
        let mut served = 0.0;
        for ((pattern, cap, mean), st) in points.iter().zip(&mut states) {
            // Arrivals varying from day to day around the mean, without a generator.
            let a = (mean * (0.7 + 0.6 * ((day * 2_654_435_761) % 1000) as f64 / 1000.0)).floor();
            served += step(st, *pattern, divan::black_box(a), *cap).served_units;
        }
        served
    });
}

/// 100 replications end to end on one thread: engine, collection and statistics.
#[divan::bench(sample_count = 5)]
fn study_100_replications_one_thread() -> corridor_sim::results::Results {
    let s = default_scenario();
    let opts = RunOptions {
        replications: Some(100),
        seed: Some(1),
        threads: Some(1),
        exact_values: None,
    };
    runner::run(&s, &opts, &mut |_, _| {}).expect("run")
}

/// One year of the default scenario cut to its first year, nominal values: the same
/// inputs every iteration, so from the third on the memo gives its equilibrium (the
/// year's assembly around a remembered equilibrium); the year is simulated, not taken
/// whole from an earlier replication (`share_years` off).
#[divan::bench]
fn one_equilibrium_year(bencher: divan::Bencher) {
    let mut s = default_scenario();
    s.last_year = s.first_year;
    let mut engine = Engine::new(&s);
    engine.share_years = false;
    engine.run(None);
    bencher.bench_local(|| engine.run(None));
}

/// Folding one chunk of 256 replications' figures into the statistics (exact mode).
#[divan::bench(sample_count = 10)]
fn fold_one_chunk_of_256(bencher: divan::Bencher) {
    let s = default_scenario();
    let engine = Engine::new(&s);
    let chunk: Vec<_> = (0..256)
        .map(|rep| engine.run(Some(&runner::uniforms(&s, 1, rep))))
        .collect();
    bencher.bench_local(|| {
        let mut c = corridor_sim::results::Collector::new(&s);
        c.add_chunk(&chunk);
        c
    });
}

/// Folding one chunk of 128 replications' figures (the study's chunk,
/// `runner::CHUNK`) into sketches (a long study's mode: every figure sketched from the
/// first replication), after a first chunk has set up the sketches.
#[divan::bench(sample_count = 20)]
fn fold_one_chunk_of_128_sketched(bencher: divan::Bencher) {
    let s = default_scenario();
    let engine = Engine::new(&s);
    let uniforms = |rep| runner::uniforms(&s, 1, rep);
    let first: Vec<_> = (0..128)
        .map(|rep| engine.run(Some(&uniforms(rep))))
        .collect();
    let chunk: Vec<_> = (128..256)
        .map(|rep| engine.run(Some(&uniforms(rep))))
        .collect();
    let mut c = corridor_sim::results::Collector::for_study(&s, 0, 10_000);
    c.add_chunk(&first);
    bencher
        .with_inputs(|| c.clone())
        .bench_local_values(|mut c| {
            c.add_chunk(&chunk);
            c
        });
}

/// Drawing one chart (tonnes by corridor with bands) as PNG, from 100 replications.
#[divan::bench(sample_count = 10)]
fn draw_one_chart_png(bencher: divan::Bencher) {
    let s = default_scenario();
    let opts = RunOptions {
        replications: Some(100),
        seed: Some(1),
        threads: Some(1),
        exact_values: None,
    };
    let r = runner::run(&s, &opts, &mut |_, _| {}).expect("run");
    let charts = corridor_sim::charts::plan(&s, &r);
    let first = charts.first().expect("a chart");
    bencher.bench_local(|| corridor_sim::charts::render_png(first, &s, &r).expect("chart"));
}
