//! Base versus policy: both scenarios run replication by replication with the same
//! seed, so inputs they share take the same draws (common random numbers), and every
//! change is computed within a replication before it is summarised. The bands of a
//! change are therefore the bands of the paired difference, not of two unrelated runs.

use std::collections::BTreeMap;

use std::ops::Range;

use crate::demand::ReferenceCosts;
use crate::figures::{RouteInfo, YearFigures};
use crate::model::Scenario;
use crate::results::{Collector, Results, Row, Table};
use crate::runner::{RunOptions, draws, replicate_range};
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

/// One chunk of paired replications as `compare_observed` hands it on: the index of its
/// first replication, both engines (for their route registries) and each replication's
/// (base, policy) figures, in replication order.
pub struct PairedChunk<'c, 'e> {
    pub first: u64,
    pub base: &'c Engine<'e>,
    pub policy: &'c Engine<'e>,
    pub pairs: &'c [(Vec<YearFigures>, Vec<YearFigures>)],
}

/// What pairs the two scenarios: the common years, corridors by id, common demand rows.
struct Layout {
    years: Vec<i32>,
    /// The base's corridors, then the policy's new ones, then `unserved`.
    corridor_ids: Vec<String>,
    /// Each scenario's corridor rows (and unserved) in `corridor_ids`.
    cb: Vec<usize>,
    cp: Vec<usize>,
    /// (id, row in base, row in policy) of demand rows present in both.
    common_demand: Vec<(String, usize, usize)>,
    /// Index of the first common year in each scenario's horizon.
    yb: usize,
    yp: usize,
}

impl Layout {
    fn new(base: &Scenario, policy: &Scenario) -> Result<Layout, CompareError> {
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
        Ok(Layout {
            years: (first..=last).collect(),
            corridor_ids,
            cb,
            cp,
            common_demand,
            yb: (first - base.first_year) as usize,
            yp: (first - policy.first_year) as usize,
        })
    }

    /// Number of change figures: corridors, then flows.
    fn sizes(&self) -> (usize, usize) {
        let ny = self.years.len();
        (
            ny * self.corridor_ids.len() * CORRIDOR_CHANGE_METRICS.len(),
            ny * self.common_demand.len() * OD_CHANGE_METRICS.len(),
        )
    }
}

/// Replications of a comparison: those requested (or the larger of the two scenarios'
/// counts), or one when neither scenario is uncertain.
pub fn replications(base: &Scenario, policy: &Scenario, opts: &RunOptions) -> u64 {
    if base.is_stochastic() || policy.is_stochastic() {
        opts.replications
            .unwrap_or(base.replications.max(policy.replications))
    } else {
        1
    }
}

/// A comparison's figures for some of its replications, collected but not summarised
/// (all of them, or a shard's share: see `shard`).
pub struct ComparePart {
    pub(crate) base: Collector,
    pub(crate) base_routes: Vec<RouteInfo>,
    pub(crate) policy: Collector,
    pub(crate) policy_routes: Vec<RouteInfo>,
    /// Changes per (year, corridor, metric) and per (year, common flow, metric).
    pub(crate) corridors: Vec<Acc>,
    pub(crate) od: Vec<Acc>,
    pub(crate) budget: usize,
}

/// Runs `base` and `policy` side by side and computes their paired changes.
pub fn compare(
    base: &Scenario,
    policy: &Scenario,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Comparison, CompareError> {
    compare_observed(base, policy, opts, progress, &mut |_| {})
}

/// As `compare`, also handing every chunk of paired replications to `observe`, in
/// replication order (the appraisal is computed there).
pub fn compare_observed(
    base: &Scenario,
    policy: &Scenario,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    observe: &mut (dyn FnMut(&PairedChunk) + Send),
) -> Result<Comparison, CompareError> {
    let reps = replications(base, policy, opts);
    compare_range_observed(base, policy, opts, 0..reps, progress, observe)?.finish(base, policy)
}

/// Runs replications `range` of the comparison of `base` and `policy`.
pub fn compare_range(
    base: &Scenario,
    policy: &Scenario,
    opts: &RunOptions,
    range: Range<u64>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<ComparePart, CompareError> {
    compare_range_observed(base, policy, opts, range, progress, &mut |_| {})
}

/// As `compare_range`, handing every chunk of paired replications to `observe`.
pub fn compare_range_observed(
    base: &Scenario,
    policy: &Scenario,
    opts: &RunOptions,
    range: Range<u64>,
    progress: &mut (dyn FnMut(u64, u64) + Send),
    observe: &mut (dyn FnMut(&PairedChunk) + Send),
) -> Result<ComparePart, CompareError> {
    let layout = Layout::new(base, policy)?;
    let Layout {
        years,
        cb,
        cp,
        common_demand,
        yb,
        yp,
        ..
    } = &layout;
    let (yb, yp) = (*yb, *yp);
    let seed = opts.seed.unwrap_or(base.seed);
    let reps = replications(base, policy, opts);
    let (eb, ep) = (Engine::new(base), Engine::new(policy));
    let budget = opts.exact_values.unwrap_or(crate::stats::EXACT_BUDGET);
    let (n_corr, n_od) = layout.sizes();
    let mut part = ComparePart {
        base: Collector::for_study(base, budget, reps),
        base_routes: Vec::new(),
        policy: Collector::for_study(policy, budget, reps),
        policy_routes: Vec::new(),
        corridors: vec![Acc::default(); n_corr],
        od: vec![Acc::default(); n_od],
        budget,
    };
    let nc = layout.corridor_ids.len();
    let elastic = policy.has_elastic_demand();
    let mut done = range.start;

    replicate_range(
        range,
        opts.threads,
        progress,
        |rep| {
            let fb = eb.run_full(
                draws(base, seed, rep).as_deref(),
                None,
                Some((seed, rep)),
                false,
            );
            // Elastic demand in the policy pivots on the base's composite cost of the
            // same replication, so its induced tonnes answer the policy's change in cost.
            let reference = elastic.then(|| ReferenceCosts::from_figures(base, &fb));
            let fp = ep.run_full(
                draws(policy, seed, rep).as_deref(),
                reference.as_ref(),
                Some((seed, rep)),
                false,
            );
            (fb, fp)
        },
        |chunk: Vec<(Vec<YearFigures>, Vec<YearFigures>)>| {
            observe(&PairedChunk {
                first: done,
                base: &eb,
                policy: &ep,
                pairs: &chunk,
            });
            done += chunk.len() as u64;
            let (corr_acc, od_acc) = (&mut part.corridors, &mut part.od);
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
            part.base.add_chunk(&bases);
            part.policy.add_chunk(&policies);
            part.sketch_past_budget();
        },
    )?;
    part.base_routes = eb.route_info();
    part.policy_routes = ep.route_info();
    Ok(part)
}

impl ComparePart {
    /// Bounded memory: past the budget every change is sketched (when depends only on
    /// the number of replications held, and a sketch only on its values).
    fn sketch_past_budget(&mut self) {
        let held =
            self.corridors.first().map_or(0, Acc::len) * (self.corridors.len() + self.od.len());
        if held > self.budget {
            self.corridors
                .iter_mut()
                .chain(self.od.iter_mut())
                .for_each(Acc::switch_to_sketch);
        }
    }

    /// Appends the part of the comparison that follows this one (see
    /// `Collector::append`; `remap_base` and `remap_policy` map `later`'s route ids).
    pub fn append(&mut self, later: ComparePart, remap_base: &[usize], remap_policy: &[usize]) {
        self.base.append(later.base, remap_base);
        self.policy.append(later.policy, remap_policy);
        for (a, b) in self
            .corridors
            .iter_mut()
            .chain(self.od.iter_mut())
            .zip(later.corridors.into_iter().chain(later.od))
        {
            a.append(b);
        }
        self.sketch_past_budget();
    }

    /// Summarises the comparison.
    pub fn finish(self, base: &Scenario, policy: &Scenario) -> Result<Comparison, CompareError> {
        let layout = Layout::new(base, policy)?;
        let Layout {
            years,
            corridor_ids,
            common_demand,
            ..
        } = layout;
        let nc = corridor_ids.len();
        let ComparePart {
            base: colb,
            base_routes,
            policy: colp,
            policy_routes,
            corridors: mut corr_acc,
            od: mut od_acc,
            ..
        } = self;

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
            base: colb.finish(base, &base_routes),
            policy: colp.finish(policy, &policy_routes),
            corridors,
            od,
            years,
        })
    }
}
