//! Base versus policy: both scenarios run replication by replication with the same
//! seed, so inputs they share take the same draws (common random numbers), and every
//! change is computed within a replication before it is summarised. The bands of a
//! change are therefore the bands of the paired difference, not of two unrelated runs.

use std::collections::BTreeMap;

use crate::figures::YearFigures;
use crate::model::Scenario;
use crate::results::{Collector, Results, Row, Table};
use crate::runner::{RunOptions, draws, replicate};
use crate::simulate::Engine;
use crate::stats::Acc;

/// Change in each corridor's freight (policy minus base).
pub const CORRIDOR_CHANGE_METRICS: [&str; 5] = [
    "tonnes_base",
    "tonnes_policy",
    "tonnes_change",
    "share_change",
    "tonne_km_change",
];
/// Change in each flow's cost and transit time (policy minus base), for the tonnes served.
pub const OD_CHANGE_METRICS: [&str; 3] = [
    "cost_change_usd_per_t",
    "transit_time_change_h",
    "unserved_change_t",
];

/// A comparison: both runs and the paired changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub base: Results,
    pub policy: Results,
    /// Year x corridor (by id, both scenarios' corridors, then `unserved`).
    pub corridors: Table,
    /// Year x demand row present in both scenarios (by id).
    pub od: Table,
    pub years: Vec<i32>,
}

/// Why two scenarios cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("the horizons {0}-{1} and {2}-{3} share no year")]
    NoCommonYear(i32, i32, i32, i32),
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

/// Runs `base` and `policy` side by side and computes their paired changes.
pub fn compare(
    base: &Scenario,
    policy: &Scenario,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Comparison, CompareError> {
    let first = base.first_year.max(policy.first_year);
    let last = base.last_year.min(policy.last_year);
    if first > last {
        return Err(CompareError::NoCommonYear(
            base.first_year,
            base.last_year,
            policy.first_year,
            policy.last_year,
        ));
    }
    let years: Vec<i32> = (first..=last).collect();
    let seed = opts.seed.unwrap_or(base.seed);
    let stochastic = base.is_stochastic() || policy.is_stochastic();
    let reps = if stochastic {
        opts.replications
            .unwrap_or(base.replications.max(policy.replications))
    } else {
        1
    };

    // Corridors by id: the base's, then the policy's new ones, then unserved.
    let mut corridor_ids: Vec<String> = base.corridors.iter().map(|c| c.id.clone()).collect();
    for c in &policy.corridors {
        if !corridor_ids.contains(&c.id) {
            corridor_ids.push(c.id.clone());
        }
    }
    corridor_ids.push("unserved".into());
    let index_of = |s: &Scenario| -> Vec<usize> {
        s.corridors
            .iter()
            .map(|c| c.id.clone())
            .chain(std::iter::once("unserved".to_string()))
            .map(|id| corridor_ids.iter().position(|x| *x == id).unwrap_or(0))
            .collect()
    };
    let (cb, cp) = (index_of(base), index_of(policy));
    let common_demand: Vec<(String, usize, usize)> = base
        .demand
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            policy
                .demand
                .iter()
                .position(|p| p.id == d.id)
                .map(|j| (d.id.clone(), i, j))
        })
        .collect();

    let (eb, ep) = (Engine::new(base), Engine::new(policy));
    let budget = opts.exact_values.unwrap_or(crate::stats::EXACT_BUDGET);
    let (mut colb, mut colp) = (
        Collector::with_budget(base, budget),
        Collector::with_budget(policy, budget),
    );
    let nc = corridor_ids.len();
    let mut corr_acc: Vec<Acc> =
        vec![Acc::default(); years.len() * nc * CORRIDOR_CHANGE_METRICS.len()];
    let mut od_acc: Vec<Acc> =
        vec![Acc::default(); years.len() * common_demand.len() * OD_CHANGE_METRICS.len()];
    let yb = (first - base.first_year) as usize;
    let yp = (first - policy.first_year) as usize;

    replicate(
        reps,
        opts.threads,
        progress,
        |rep| {
            (
                eb.run_with(draws(base, seed, rep).as_deref(), Some((seed, rep))),
                ep.run_with(draws(policy, seed, rep).as_deref(), Some((seed, rep))),
            )
        },
        |chunk: Vec<(Vec<YearFigures>, Vec<YearFigures>)>| {
            for (fb, fp) in &chunk {
                for y in 0..years.len() {
                    let (b, p) = (&fb[yb + y], &fp[yp + y]);
                    let mut rows = vec![[0.0; 5]; nc];
                    for (c, fig) in b.corridors.iter().enumerate() {
                        let r = &mut rows[cb[c]];
                        r[0] += fig[0];
                        r[3] -= fig[1];
                        r[4] -= if fig[2].is_nan() { 0.0 } else { fig[2] };
                    }
                    for (c, fig) in p.corridors.iter().enumerate() {
                        let r = &mut rows[cp[c]];
                        r[1] += fig[0];
                        r[3] += fig[1];
                        r[4] += if fig[2].is_nan() { 0.0 } else { fig[2] };
                    }
                    for (c, r) in rows.iter_mut().enumerate() {
                        r[2] = r[1] - r[0];
                        let at = (y * nc + c) * CORRIDOR_CHANGE_METRICS.len();
                        for (m, v) in r.iter().enumerate() {
                            corr_acc[at + m].push(*v);
                        }
                    }
                    for (k, (_, i, j)) in common_demand.iter().enumerate() {
                        let (db, dp) = (&b.demand[*i], &p.demand[*j]);
                        let at = (y * common_demand.len() + k) * OD_CHANGE_METRICS.len();
                        od_acc[at].push(dp[3] - db[3]);
                        od_acc[at + 1].push(dp[4] - db[4]);
                        od_acc[at + 2].push(dp[2] - db[2]);
                    }
                }
            }
            let (bases, policies): (Vec<_>, Vec<_>) = chunk.into_iter().unzip();
            colb.add_chunk(&bases);
            colp.add_chunk(&policies);
            // Bounded memory: past the budget every change is sketched.
            let held = corr_acc.first().map_or(0, Acc::len) * (corr_acc.len() + od_acc.len());
            if held > opts.exact_values.unwrap_or(crate::stats::EXACT_BUDGET) {
                corr_acc
                    .iter_mut()
                    .chain(od_acc.iter_mut())
                    .for_each(Acc::switch_to_sketch);
            }
        },
    )?;

    let names: BTreeMap<&str, &str> = base
        .corridors
        .iter()
        .chain(&policy.corridors)
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    let mut corridors = Table {
        name: "corridor_change",
        key_columns: vec!["year", "corridor", "corridor_name"],
        metrics: CORRIDOR_CHANGE_METRICS.to_vec(),
        rows: Vec::new(),
    };
    let mut od = Table {
        name: "od_change",
        key_columns: vec!["year", "demand"],
        metrics: OD_CHANGE_METRICS.to_vec(),
        rows: Vec::new(),
    };
    for (y, year) in years.iter().enumerate() {
        for (c, id) in corridor_ids.iter().enumerate() {
            let at = (y * nc + c) * CORRIDOR_CHANGE_METRICS.len();
            corridors.rows.push(Row {
                keys: vec![
                    year.to_string(),
                    id.clone(),
                    names
                        .get(id.as_str())
                        .copied()
                        .unwrap_or("Unserved demand")
                        .to_string(),
                ],
                stats: corr_acc[at..at + CORRIDOR_CHANGE_METRICS.len()]
                    .iter_mut()
                    .map(Acc::summary)
                    .collect(),
            });
        }
        for (k, (id, _, _)) in common_demand.iter().enumerate() {
            let at = (y * common_demand.len() + k) * OD_CHANGE_METRICS.len();
            od.rows.push(Row {
                keys: vec![year.to_string(), id.clone()],
                stats: od_acc[at..at + OD_CHANGE_METRICS.len()]
                    .iter_mut()
                    .map(Acc::summary)
                    .collect(),
            });
        }
    }
    Ok(Comparison {
        base: colb.finish(base, &eb.route_info()),
        policy: colp.finish(policy, &ep.route_info()),
        corridors,
        od,
        years,
    })
}
