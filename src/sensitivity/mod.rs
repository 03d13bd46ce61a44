//! Which assumptions matter: sensitivity of chosen outputs to the uncertain inputs.
//!
//! The factors are the scenario's uncertain inputs: one per draw (`Scenario::draw_keys`:
//! an input, or a `share` group that moves together) plus one per disruption. Because
//! every input is drawn by inverse CDF from a replication's uniforms
//! (`runner::uniforms`), an input is set to any percentile by setting its uniform.
//!
//! - `rank`: Spearman, SRRC and R² from the replications a run makes anyway.
//! - `oat`: one-at-a-time tornado and spider (inputs at percentiles, others at medians).
//! - `sobol`: first- and total-order Sobol' indices (Saltelli 2010 / Jansen 1999) with
//!   bootstrap intervals (`corridor sensitivity`).
//! - `sweep`, `switching`: outputs over a grid of input values, and the value at which an
//!   output crosses a threshold (`corridor sweep`).
//! - `select_link`: which flows use a link, node or corridor.

pub mod oat;
pub mod rank;
pub mod select_link;
pub mod sobol;
pub mod sweep;
pub mod switching;

use rayon::prelude::*;

use crate::figures::YearFigures;
use crate::model::Scenario;
use crate::results::Results;
use crate::runner::{self, RunOptions};
use crate::scenario::study::{OutputRef, OutputSpec, Study};
use crate::simulate::Engine;

/// An uncertain input, as the analysis moves it.
#[derive(Debug, Clone, PartialEq)]
pub enum Factor {
    /// A draw: one uniform (`Scenario::draw_keys[slot]`).
    Draw { slot: usize },
    /// A disruption: its strike and duration uniforms of every year.
    Disruption { index: usize },
}

/// The factors of a scenario: its draws, then its disruptions.
pub fn factors(s: &Scenario) -> Vec<Factor> {
    (0..s.n_draws)
        .map(|slot| Factor::Draw { slot })
        .chain((0..s.disruptions.len()).map(|index| Factor::Disruption { index }))
        .collect()
}

/// A factor's name: its draw key (`nodes.meghri.border_fee_usd_per_t`, `share.<name>`)
/// or `disruptions.<id>`.
pub fn factor_name(s: &Scenario, f: &Factor) -> String {
    match f {
        Factor::Draw { slot } => s.draw_keys[*slot].clone(),
        Factor::Disruption { index } => format!("disruptions.{}", s.disruptions[*index].id),
    }
}

/// The positions of a factor's uniforms in a replication's uniforms.
pub fn factor_columns(s: &Scenario, f: &Factor) -> Vec<usize> {
    match f {
        Factor::Draw { slot } => vec![*slot],
        Factor::Disruption { index } => {
            let nd = s.disruptions.len();
            (0..s.n_years())
                .flat_map(|yi| {
                    let at = s.n_draws + (yi * nd + index) * 2;
                    [at, at + 1]
                })
                .collect()
        }
    }
}

/// A factor's value in one replication, for rank measures against an output of `year`:
/// a draw's uniform (same ranks as the input itself), a disruption's days in that year
/// (0 when it does not strike), as `simulate` draws them.
pub fn factor_value(s: &Scenario, f: &Factor, u: &[f64], year: i32) -> f64 {
    match f {
        Factor::Draw { slot } => u[*slot],
        Factor::Disruption { index } => {
            let d = &s.disruptions[*index];
            if year < d.first_year || year > d.last_year {
                return 0.0;
            }
            let yi = (year - s.first_year) as usize;
            let at = s.n_draws + (yi * s.disruptions.len() + index) * 2;
            if u[at] < d.annual_probability.value(Some(u)) {
                d.duration_days.quantile(u[at + 1]).clamp(0.0, d.max_days)
            } else {
                0.0
            }
        }
    }
}

/// An output's value in one replication.
pub fn output_value(s: &Scenario, o: &OutputSpec, years: &[YearFigures]) -> f64 {
    let Some(f) = years.get((o.year - s.first_year) as usize) else {
        return f64::NAN;
    };
    match o.what {
        OutputRef::Corridor { index, metric } => f.corridors[index][metric],
        OutputRef::Link { index, metric } => f.links[index][metric],
        OutputRef::Demand { index, metric } => f.demand[index][metric],
    }
}

/// The rank measures of every factor for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct RankTable {
    pub output: OutputSpec,
    pub measures: rank::RankMeasures,
}

/// Replications the rank measures use at most (the first ones): enough for ρ to ±0.003,
/// and bounded memory for runs of millions of replications.
pub const RANK_MAX: usize = 100_000;

/// Replications whose factor values are recomputed together, in parallel.
const FACTOR_WINDOW: usize = 4096;

/// What a run adds about sensitivity: rank measures from its replications and the
/// one-at-a-time tornado.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSensitivity {
    pub factor_names: Vec<String>,
    pub ranks: Vec<RankTable>,
    pub oat: Option<oat::Oat>,
}

/// The outputs a run's sensitivity analysis explains, for one replication's figures
/// (`None` when the run has no analysis: no uncertain input or no output named).
pub fn output_values(s: &Scenario, study: &Study, years: &[YearFigures]) -> Option<Vec<f64>> {
    (s.is_stochastic() && !study.outputs.is_empty()).then(|| {
        study
            .outputs
            .iter()
            .map(|o| output_value(s, o, years))
            .collect()
    })
}

/// Runs the study, recording the explained outputs of its first `RANK_MAX`
/// replications, and returns its tables with the sensitivity analysis.
pub fn run(
    s: &Scenario,
    study: &Study,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    observe: &mut (dyn FnMut(u64, &[Vec<YearFigures>]) + Send),
) -> Result<(Results, Option<RunSensitivity>), rayon::ThreadPoolBuildError> {
    let mut values: Vec<Vec<f64>> = Vec::new();
    let engine = runner::study_engine(s);
    let range = 0..runner::replications(s, opts);
    let (collector, info) =
        runner::collect_range_on(&engine, opts, range, progress, &mut |first, chunk| {
            for (i, years) in chunk.iter().enumerate() {
                if first + i as u64 >= RANK_MAX as u64 {
                    break;
                }
                if let Some(v) = output_values(s, study, years) {
                    values.push(v);
                }
            }
            observe(first, chunk);
        })?;
    let results = collector.finish(s, &info);
    Ok((
        results,
        analyse_after(s, study, opts, &values, Some(&engine))?,
    ))
}

/// The sensitivity analysis of a run from the explained outputs of its first
/// replications (`values[rep][output]`, replication 0 first): rank measures on the
/// replications' inputs, and the one-at-a-time tornado. A merge of shards calls it with
/// the shards' values joined in replication order, so it gives what one run gives.
pub fn analyse(
    s: &Scenario,
    study: &Study,
    opts: &RunOptions,
    values: &[Vec<f64>],
) -> Result<Option<RunSensitivity>, rayon::ThreadPoolBuildError> {
    analyse_after(s, study, opts, values, None)
}

/// As `analyse`, after a study run on `study_engine`: the one-at-a-time runs start with
/// the candidate routes it found (the same bytes, without searching them again).
fn analyse_after(
    s: &Scenario,
    study: &Study,
    opts: &RunOptions,
    values: &[Vec<f64>],
    study_engine: Option<&Engine>,
) -> Result<Option<RunSensitivity>, rayon::ThreadPoolBuildError> {
    let wanted = s.is_stochastic() && !study.outputs.is_empty();
    if !wanted || values.len() < 3 {
        return Ok(None);
    }
    let seed = opts.seed.unwrap_or(s.seed);
    let fs = factors(s);
    // xs[output][factor][rep], from each replication's uniforms recomputed one at a time.
    let mut xs: Vec<Vec<Vec<f64>>> =
        vec![vec![Vec::with_capacity(values.len()); fs.len()]; study.outputs.len()];
    // Each replication's factor values ([output][factor] flattened), in parallel over
    // a window of replications at a time (bounded memory), appended in order.
    let n = values.len() as u64;
    for window in (0..n).step_by(FACTOR_WINDOW) {
        let per_rep: Vec<Vec<f64>> = (window..(window + FACTOR_WINDOW as u64).min(n))
            .into_par_iter()
            .map(|rep| {
                let u = runner::uniforms(s, seed, rep);
                study
                    .outputs
                    .iter()
                    .flat_map(|out| fs.iter().map(|f| factor_value(s, f, &u, out.year)))
                    .collect()
            })
            .collect();
        for rep_values in &per_rep {
            for (o, row) in xs.iter_mut().enumerate() {
                for (f, x) in row.iter_mut().enumerate() {
                    x.push(rep_values[o * fs.len() + f]);
                }
            }
        }
    }
    let ranks = study
        .outputs
        .par_iter()
        .enumerate()
        .map(|(o, out)| {
            let y: Vec<f64> = values.iter().map(|v| v[o]).collect();
            RankTable {
                output: out.clone(),
                measures: rank::rank_measures(&xs[o], &y),
            }
        })
        .collect();
    let oat = if study.tornado {
        Some(oat::run(s, &study.outputs, opts.threads, study_engine)?)
    } else {
        None
    };
    Ok(Some(RunSensitivity {
        factor_names: fs.iter().map(|f| factor_name(s, f)).collect(),
        ranks,
        oat,
    }))
}
