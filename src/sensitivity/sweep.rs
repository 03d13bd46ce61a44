//! Sweeps: outputs over a grid of values of one or two inputs. Each point is the
//! scenario with the inputs set to the point's values (`scenario::overrides`) and run
//! for its replications with the same seed, so every point sees the same draws of all
//! other inputs (common random numbers) and a point's results do not depend on which
//! other points ran. All (point, replication) pairs go through `runner::replicate` in
//! one parallel loop and are collected in index order.

use super::output_value;
use crate::model::Scenario;
use crate::runner::{self, RunOptions, replicate};
use crate::scenario::overrides;
use crate::scenario::study::{Sweep, Threshold};
use crate::simulate::Engine;
use crate::stats::Summary;

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The value of each swept input.
    pub values: Vec<f64>,
    /// Per replication, per output of the sweep.
    pub per_rep: Vec<Vec<f64>>,
}

impl Point {
    /// Summary of output `o` over the replications.
    pub fn summary(&self, o: usize) -> Summary {
        let mut v: Vec<f64> = self
            .per_rep
            .iter()
            .map(|r| r[o])
            .filter(|x| x.is_finite())
            .collect();
        Summary::of(&mut v)
    }
}

/// A sweep's points, and its switching value when it asks for one.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResult {
    pub sweep: Sweep,
    pub points: Vec<Point>,
    pub replications: u64,
    pub seed: u64,
    pub switching: Option<super::switching::Switching>,
}

/// The grid of a sweep: every value of input 1, crossed with every value of input 2.
pub fn grid(sweep: &Sweep) -> Vec<Vec<f64>> {
    let mut out: Vec<Vec<f64>> = vec![Vec::new()];
    for input in &sweep.inputs {
        out = out
            .into_iter()
            .flat_map(|p| {
                input.values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(*v);
                    q
                })
            })
            .collect();
    }
    out
}

/// The scenario at one point.
pub fn at_point(s: &Scenario, sweep: &Sweep, values: &[f64]) -> Scenario {
    let mut c = s.clone();
    for (input, v) in sweep.inputs.iter().zip(values) {
        overrides::apply(&mut c, &input.target, *v);
    }
    c
}

/// Replications of a sweep: its own, the command line's, or the scenario's.
pub fn replications(s: &Scenario, sweep: &Sweep, opts: &RunOptions) -> u64 {
    if !s.is_stochastic() {
        return 1;
    }
    opts.replications
        .or(sweep.replications)
        .unwrap_or(s.replications)
}

/// Runs `reps` replications of each of `points` and returns each point's outputs.
pub fn run_points(
    s: &Scenario,
    sweep: &Sweep,
    points: &[Vec<f64>],
    reps: u64,
    seed: u64,
    threads: Option<usize>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Vec<Point>, rayon::ThreadPoolBuildError> {
    let scenarios: Vec<Scenario> = points.iter().map(|p| at_point(s, sweep, p)).collect();
    let engines: Vec<Engine> = scenarios.iter().map(Engine::new).collect();
    let mut flat: Vec<Vec<f64>> = Vec::with_capacity(points.len() * reps as usize);
    replicate(
        points.len() as u64 * reps,
        threads,
        progress,
        |i| {
            let (p, rep) = ((i / reps) as usize, i % reps);
            let sc = &scenarios[p];
            let years = engines[p].run(runner::draws(sc, seed, rep).as_deref());
            sweep
                .outputs
                .iter()
                .map(|o| output_value(sc, o, &years))
                .collect::<Vec<f64>>()
        },
        |chunk| flat.extend(chunk),
    )?;
    let mut it = flat.into_iter();
    Ok(points
        .iter()
        .map(|p| Point {
            values: p.clone(),
            per_rep: it.by_ref().take(reps as usize).collect(),
        })
        .collect())
}

/// The value of the switching criterion g = output - threshold at every replication of
/// a point (falls below where g < 0).
pub fn criterion(sweep: &Sweep, p: &Point) -> Vec<f64> {
    let Some(sw) = &sweep.switch else {
        return Vec::new();
    };
    let find = |name: &str| sweep.outputs.iter().position(|o| o.name == name);
    let Some(o) = find(&sw.output.name) else {
        return Vec::new();
    };
    p.per_rep
        .iter()
        .map(|r| {
            let thr = match &sw.below {
                Threshold::Value(v) => *v,
                Threshold::Output(b) => find(&b.name).map_or(f64::NAN, |i| r[i]),
            };
            r[o] - thr
        })
        .collect()
}

/// Runs a sweep: every point of its grid, then its switching value.
pub fn run(
    s: &Scenario,
    sweep: &Sweep,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<SweepResult, rayon::ThreadPoolBuildError> {
    let reps = replications(s, sweep, opts);
    let seed = opts.seed.unwrap_or(s.seed);
    let points = run_points(s, sweep, &grid(sweep), reps, seed, opts.threads, progress)?;
    let switching = match &sweep.switch {
        Some(_) => Some(super::switching::find(
            s,
            sweep,
            &points,
            reps,
            seed,
            opts.threads,
        )?),
        None => None,
    };
    Ok(SweepResult {
        sweep: sweep.clone(),
        points,
        replications: reps,
        seed,
        switching,
    })
}
