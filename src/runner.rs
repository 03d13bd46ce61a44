//! Replications in parallel, reproducible to the bit.
//!
//! Replication `i` draws each named input's uniform from ChaCha8 seeded with the seed
//! and the input's name, on stream `i`, so each replication's inputs depend only on
//! (seed, i), never on which thread ran it. Replications run in chunks on a rayon pool; each chunk's
//! results are collected in index order and folded into the `Collector` sequentially
//! (while the next chunk is simulated), so every sum and percentile is computed in the
//! same order whatever the thread count.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rayon::prelude::*;

use std::ops::Range;

use crate::figures::{RouteInfo, YearFigures};
use crate::model::Scenario;
use crate::results::{Collector, Results};
use crate::simulate::Engine;
use crate::stats::EXACT_BUDGET;

/// How a run is carried out (not what is simulated).
#[derive(Debug, Clone, PartialEq)]
pub struct RunOptions {
    /// Replications to simulate (overrides the scenario when set).
    pub replications: Option<u64>,
    /// Seed (overrides the scenario when set).
    pub seed: Option<u64>,
    /// Worker threads; `None` for all cores.
    pub threads: Option<usize>,
    /// Values held exactly before percentiles switch to sketches; `None` for
    /// `stats::EXACT_BUDGET`.
    pub exact_values: Option<usize>,
}

impl RunOptions {
    /// Everything from the scenario, on all cores.
    pub fn new() -> RunOptions {
        RunOptions {
            replications: None,
            seed: None,
            threads: None,
            exact_values: None,
        }
    }
}

impl Default for RunOptions {
    fn default() -> Self {
        Self::new()
    }
}

/// Replications handled per parallel chunk: bounds the memory held before folding (two
/// chunks are in flight: one folded while the next is simulated). A replication's
/// figures of `tripp-opens` are about 235 KB. Wave 5 measured 64 against 256 (whose
/// 130 MB in flight cost 4-8% of the CPU in the kernel's page clearing); since wave 10
/// most sketch blocks are counted at once (`stats::one_bucket`), so a block's cost is
/// mostly its visit to the sketch's memory and longer blocks pay: 128 took about 4%
/// less time than 64 in alternating runs (10,000 replications: peak memory 136 MB
/// against 109 MB), 256 no less than 128 (docs/PERFORMANCE.md). Results do not depend
/// on it.
const CHUNK: u64 = 128;

/// FNV-1a, a stable 64-bit hash of a draw's name.
fn fnv1a(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The generator of the draw named `name`: ChaCha8 seeded with the run seed mixed with
/// the name's hash, on stream `rep`.
fn generator(seed: u64, name: &str, rep: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv1a(name));
    rng.set_stream(rep);
    rng
}

/// Replications 0, 100, 200, ... check their candidate routes against network
/// shortest paths (`network_gap` and `flows_missing_routes` in convergence.csv are
/// over these replications): the check costs about three times a replication of the
/// default scenario, so checking every replication would quadruple a study's time.
pub const NETWORK_CHECK_EVERY: u64 = 100;

/// The uniforms of replication `rep`: first one per named input (`Scenario::draw_keys`),
/// then for every year of the horizon and every disruption one for whether it strikes
/// and one for how long. Each depends only on (seed, replication, name, calendar year),
/// so runs are reproducible whatever the threads, and two scenarios run with the same
/// seed share the draws of the inputs they have in common.
pub fn uniforms(s: &Scenario, seed: u64, rep: u64) -> Vec<f64> {
    let mut u = Vec::with_capacity(s.n_uniforms());
    u.extend(
        s.draw_keys
            .iter()
            .map(|name| generator(seed, name, rep).random::<f64>()),
    );
    let mut per_disruption: Vec<ChaCha8Rng> = s
        .disruptions
        .iter()
        .map(|d| generator(seed, &format!("disruptions.{}", d.id), rep))
        .collect();
    for year in s.years() {
        for rng in per_disruption.iter_mut() {
            // Two f64 draws (four 32-bit words) per calendar year since 1800.
            rng.set_word_pos(u128::from((year - 1800).max(0) as u32) * 4);
            u.push(rng.random::<f64>());
            u.push(rng.random::<f64>());
        }
    }
    u
}

/// One uniform per name for replication `rep`, from the same named streams as a
/// scenario's inputs: inputs outside the scenario (the appraisal's) draw reproducibly,
/// and a name shared with a scenario input (`share.<name>`) takes the same value.
pub fn named_uniforms(names: &[String], seed: u64, rep: u64) -> Vec<f64> {
    names
        .iter()
        .map(|name| generator(seed, name, rep).random::<f64>())
        .collect()
}

/// Runs replications `0..reps` of `one` on a pool of `threads` (0: all cores) in
/// chunks, and hands each chunk of results, in replication order, to `fold` (which
/// runs inside the pool and may use it).
pub fn replicate<T: Send>(
    reps: u64,
    threads: Option<usize>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    one: impl Fn(u64) -> T + Sync,
    fold: impl FnMut(Vec<T>) + Send,
) -> Result<(), rayon::ThreadPoolBuildError> {
    replicate_range(0..reps, threads, progress, one, fold)
}

/// As `replicate`, for the replications `range` only (a shard's share of a study,
/// see `shard`): replication `i` is the same wherever it runs. `progress` counts
/// within the range.
pub fn replicate_range<T: Send>(
    range: Range<u64>,
    threads: Option<usize>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    one: impl Fn(u64) -> T + Sync,
    mut fold: impl FnMut(Vec<T>) + Send,
) -> Result<(), rayon::ThreadPoolBuildError> {
    replicate_range_into(
        range,
        threads,
        progress,
        |rep, slot: &mut Option<T>| *slot = Some(one(rep)),
        |chunk| fold(chunk.iter_mut().filter_map(Option::take).collect()),
    )
}

/// As `replicate_range`, with each replication written into a result kept from chunk
/// to chunk (`one(rep, &mut result)`, which must overwrite all of it): two chunks of
/// results take turns, one folded while the other is filled, so a long study reuses
/// their memory instead of allocating, first touching and freeing it for every
/// replication (about 3% of a study's time, docs/PERFORMANCE.md). `fold` gets each
/// chunk's results in replication order.
pub fn replicate_range_into<T: Send + Default>(
    range: Range<u64>,
    threads: Option<usize>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    one: impl Fn(u64, &mut T) + Sync,
    mut fold: impl FnMut(&mut [T]) + Send,
) -> Result<(), rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()?;
    let total = range.end.saturating_sub(range.start);
    pool.install(|| {
        // Chunk k is folded while chunk k + 1 is filled (rayon::join: the idle worker
        // of either side steals from the other), so the folding's serial parts overlap
        // the simulation; chunks are still folded one after the other, in order.
        let (mut folding, mut filling): (Vec<T>, Vec<T>) = (Vec::new(), Vec::new());
        let mut done = range.start;
        let mut pending: Option<(usize, u64)> = None;
        loop {
            let end = (done + CHUNK).min(range.end);
            let n = (end - done) as usize;
            if filling.len() < n {
                filling.resize_with(n, T::default);
            }
            rayon::join(
                || {
                    if let Some((len, upto)) = pending.take() {
                        fold(&mut folding[..len]);
                        progress(upto - range.start, total);
                    }
                },
                || {
                    filling[..n]
                        .par_iter_mut()
                        .enumerate()
                        .for_each(|(k, result)| one(done + k as u64, result))
                },
            );
            if n == 0 {
                break;
            }
            std::mem::swap(&mut folding, &mut filling);
            pending = Some((n, end));
            done = end;
        }
    });
    Ok(())
}

/// Replications to simulate: those requested, or one when nothing is uncertain.
pub fn replications(s: &Scenario, opts: &RunOptions) -> u64 {
    if s.is_stochastic() {
        opts.replications.unwrap_or(s.replications)
    } else {
        1
    }
}

/// One replication's uniforms, or none for a scenario without uncertainty.
pub fn draws(s: &Scenario, seed: u64, rep: u64) -> Option<Vec<f64>> {
    s.is_stochastic().then(|| uniforms(s, seed, rep))
}

/// Runs the study and returns its tables. `progress` is called with the number of
/// replications done so far, from the calling thread.
pub fn run(
    s: &Scenario,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Results, rayon::ThreadPoolBuildError> {
    run_observed(s, opts, progress, &mut |_, _| {})
}

/// As `run`, also handing every chunk of replications' figures to `observe` (with the
/// index of the chunk's first replication), in replication order.
pub fn run_observed(
    s: &Scenario,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    observe: &mut (dyn FnMut(u64, &[Vec<YearFigures>]) + Send),
) -> Result<Results, rayon::ThreadPoolBuildError> {
    let (collector, info) = collect_range(s, opts, 0..replications(s, opts), progress, observe)?;
    Ok(collector.finish(s, &info))
}

/// The engine a study runs on: it records the variable-demand figures only when some
/// flow is elastic (the collector keeps them only then).
pub fn study_engine(s: &Scenario) -> Engine<'_> {
    let mut engine = Engine::new(s);
    engine.record_induced = s.has_elastic_demand();
    engine
}

/// The figures of replications `range` of the study (all of it, or a shard's share),
/// collected but not yet summarised, with what each global route id stands for.
pub fn collect_range(
    s: &Scenario,
    opts: &RunOptions,
    range: Range<u64>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    observe: &mut (dyn FnMut(u64, &[Vec<YearFigures>]) + Send),
) -> Result<(Collector, Vec<RouteInfo>), rayon::ThreadPoolBuildError> {
    collect_range_on(&study_engine(s), opts, range, progress, observe)
}

/// As `collect_range`, on `engine` (from `study_engine`).
pub fn collect_range_on(
    engine: &Engine,
    opts: &RunOptions,
    range: Range<u64>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    observe: &mut (dyn FnMut(u64, &[Vec<YearFigures>]) + Send),
) -> Result<(Collector, Vec<RouteInfo>), rayon::ThreadPoolBuildError> {
    let s = engine.scenario;
    let seed = opts.seed.unwrap_or(s.seed);
    let budget = opts.exact_values.unwrap_or(EXACT_BUDGET);
    let mut collector = Collector::for_study(s, budget, replications(s, opts));
    let mut first = range.start;
    replicate_range_into(
        range,
        opts.threads,
        progress,
        |rep, years| {
            engine.run_full_into(
                draws(s, seed, rep).as_deref(),
                None,
                Some((seed, rep)),
                rep % NETWORK_CHECK_EVERY == 0,
                years,
            )
        },
        |chunk| {
            observe(first, chunk);
            first += chunk.len() as u64;
            collector.add_chunk(chunk);
        },
    )?;
    Ok((collector, engine.route_info()))
}
