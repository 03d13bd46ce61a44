//! Replications in parallel, reproducible to the bit.
//!
//! Replication `i` draws its uniforms from ChaCha8 seeded with the scenario seed and
//! set to stream `i`, so each replication's inputs depend only on (seed, i), never on
//! which thread ran it. Replications run in chunks on a rayon pool; each chunk's
//! results are collected in index order and folded into the `Collector` sequentially,
//! so every sum and percentile is computed in the same order whatever the thread count.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use crate::model::Scenario;
use crate::results::{Collector, Results};
use crate::simulate::Engine;

/// How a run is carried out (not what is simulated).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Replications to simulate (overrides the scenario when set).
    pub replications: Option<u64>,
    /// Seed (overrides the scenario when set).
    pub seed: Option<u64>,
    /// Worker threads; `None` for all cores.
    pub threads: Option<usize>,
}

/// Replications handled per parallel chunk: bounds the memory held before folding.
const CHUNK: u64 = 256;

/// The uniforms of replication `rep`: stream `rep` of ChaCha8 seeded with `seed`.
pub fn uniforms(seed: u64, rep: u64, n: usize) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(rep);
    (0..n).map(|_| rng.random::<f64>()).collect()
}

/// Runs the study and returns its tables. `progress` is called with the number of
/// replications done so far, from the calling thread.
pub fn run(
    s: &Scenario,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Results, rayon::ThreadPoolBuildError> {
    let seed = opts.seed.unwrap_or(s.seed);
    let requested = opts.replications.unwrap_or(s.replications);
    // Without uncertain inputs every replication is the same: simulate one.
    let reps = if s.is_stochastic() { requested } else { 1 };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()?;
    let engine = Engine::new(s);
    let mut collector = Collector::new(s);
    pool.install(|| {
        let mut done = 0;
        while done < reps {
            let end = (done + CHUNK).min(reps);
            let chunk: Vec<_> = (done..end)
                .into_par_iter()
                .map(|rep| {
                    if s.is_stochastic() {
                        engine.run(Some(&uniforms(seed, rep, s.n_uniforms())))
                    } else {
                        engine.run(None)
                    }
                })
                .collect();
            for figs in &chunk {
                collector.add(figs);
            }
            done = end;
            progress(done, reps);
        }
    });
    Ok(collector.finish(s, &engine.route_info()))
}
