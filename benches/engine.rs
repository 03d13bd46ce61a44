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
/// of a long study).
#[divan::bench]
fn one_replication_warm(bencher: divan::Bencher) {
    let s = default_scenario();
    let engine = Engine::new(&s);
    let u = runner::uniforms(&s, 1, 0);
    engine.run(Some(&u));
    let mut rep = 0;
    bencher.bench_local(|| {
        rep += 1;
        let u = runner::uniforms(&s, 1, rep % 64);
        engine.run(Some(&u))
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
