//! Variable demand: tonnes that respond to what the trip costs (induced and suppressed
//! trade), solved jointly with route choice.
//!
//! Each flow's tonnes follow a constant-elasticity demand curve pivoted on its fixed
//! demand (base-year tonnes grown by `growth_per_year`):
//!
//!   D = D_fixed x (C / C_ref)^e
//!
//! (appraisal research sheet §4: T1 = T0 (GC1 / GC0)^e; ADB practical guide's forecast
//! form T_t = T_0 (1 + g)^(t y) (C_t / C_0)^n). C is the flow's composite cost, the
//! cost of the whole choice set as the route-choice model sees it: for path-size logit
//! the logsum, the expected minimum perceived cost
//! -(1/theta) ln sum_r exp(-theta c_r + ln PS_r) (McFadden 1981; Small and Rosen 1981),
//! for the deterministic model the cheapest available route. In a year split into
//! periods (disruptions) C is the period-weighted mean over the periods in which the
//! flow has a route; demand is one yearly figure shared by all periods. C_ref is by
//! default the flow's own composite cost in the base year on the undisrupted network
//! with the base-year tonnes (the pivot where the tonnes were observed), or a cost given
//! per flow and year (`ReferenceCosts`: an appraisal passes the base scenario's costs of
//! the same replication, so that the policy's tonnes respond to its change in cost).
//!
//! The joint equilibrium (demand consistent with the costs its own assignment produces)
//! is found by iterating between the two (the diagonalization of variable-demand
//! assignment, Sheffi 1985, Urban Transportation Networks, ch. 6): assign the current
//! tonnes, price the composite costs, move the tonnes towards the demand curve's
//! answer by a self-regulated averaging step (the same rule as the logit solver: Liu,
//! He and He, 2009), warm-starting every assignment from the previous round's flows.
//! The convergence measure is the relative demand gap
//! sum_d |D(C(D))_d - D_d| / sum_d D_fixed_d; the round stops at the route-choice
//! tolerance. With every elasticity 0 the first round is the fixed-demand assignment
//! and the gap is 0, so nothing changes.

use std::collections::BTreeMap;

use crate::assignment::{Assignment, PeriodData, RouteData};
use crate::figures::YearFigures;
use crate::model::{ChoiceModel, RouteChoice, Scenario};

/// The most demand-assignment rounds in one year.
pub const MAX_DEMAND_ITERATIONS: usize = 200;

/// Reference composite costs (USD/t) per flow (demand id) and year, around which
/// elastic demand pivots instead of the flow's own base-year cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferenceCosts {
    by_flow: BTreeMap<String, BTreeMap<i32, f64>>,
}

impl ReferenceCosts {
    pub fn new() -> ReferenceCosts {
        ReferenceCosts::default()
    }

    /// Sets the reference cost of flow `flow` (a demand id) in `year`.
    pub fn insert(&mut self, flow: &str, year: i32, usd_per_t: f64) {
        self.by_flow
            .entry(flow.to_string())
            .or_default()
            .insert(year, usd_per_t);
    }

    /// The reference cost of a flow in a year, if one is given and usable (finite and
    /// positive); otherwise the flow falls back on its own base-year cost.
    pub fn get(&self, flow: &str, year: i32) -> Option<f64> {
        self.by_flow
            .get(flow)?
            .get(&year)
            .copied()
            .filter(|c| c.is_finite() && *c > 0.0)
    }

    /// The composite cost of every flow and year of one replication's figures (as run
    /// by `Engine::run` on scenario `s`): the base scenario's costs for a policy run.
    pub fn from_figures(s: &Scenario, years: &[YearFigures]) -> ReferenceCosts {
        let mut r = ReferenceCosts::new();
        for (year, yf) in s.years().zip(years) {
            for (d, row) in yf.induced.iter().enumerate() {
                if let Some(dem) = s.demand.get(d) {
                    r.insert(&dem.id, year, row[INDUCED_COMPOSITE]);
                }
            }
        }
        r
    }
}

/// Position of the composite cost in `YearFigures::induced` rows (see
/// `figures::INDUCED_METRICS`).
pub const INDUCED_COMPOSITE: usize = 2;

/// The composite cost (USD/t) of flow `d` at route costs `cost`: the logsum for the
/// logit model, the cheapest available route for the deterministic one; infinite when
/// no route is available.
pub fn composite_cost(rc: &RouteChoice, routes: &RouteData, cost: &[f64], d: usize) -> f64 {
    let avail = routes.rows(d).filter(|&r| routes.available[r]);
    match rc.model {
        ChoiceModel::Deterministic => avail.map(|r| cost[r]).fold(f64::INFINITY, f64::min),
        ChoiceModel::Logit => {
            let theta = rc.logit_scale_per_usd;
            // log-sum-exp around the largest utility, for accuracy.
            let best = avail
                .clone()
                .map(|r| -theta * cost[r] + routes.ln_path_size[r])
                .fold(f64::NEG_INFINITY, f64::max);
            if best == f64::NEG_INFINITY {
                return f64::INFINITY;
            }
            let sum: f64 = avail
                .map(|r| (-theta * cost[r] + routes.ln_path_size[r] - best).exp())
                .sum();
            -(best + sum.ln()) / theta
        }
    }
}

/// Each flow's composite cost over a year's periods, into `out`: the weighted mean over
/// the periods in which it has a route (infinite if it has none in any period of
/// positive weight). Period `p` has weight `weights[p]`, routes `routes[p].routes` and
/// assignment `a[p]`.
pub fn year_composite(
    rc: &RouteChoice,
    weights: &[f64],
    routes: &[PeriodData],
    a: &[Assignment],
    out: &mut Vec<f64>,
) {
    let n = routes.first().map_or(0, |p| p.routes.n_rows());
    out.clear();
    out.extend((0..n).map(|d| {
        let (mut sum, mut weight) = (0.0, 0.0);
        for ((w, data), a) in weights.iter().zip(routes).zip(a) {
            let c = composite_cost(rc, &data.routes, &a.route_cost_usd, d);
            if c.is_finite() && *w > 0.0 {
                sum += w * c;
                weight += w;
            }
        }
        if weight > 0.0 {
            sum / weight
        } else {
            f64::INFINITY
        }
    }));
}

/// What the demand curve asks for at composite cost `c` against reference `c_ref`.
/// Fixed demand when the elasticity is 0 or either cost is unusable (no route: the
/// tonnes stay and are reported unserved).
#[inline]
pub fn demand_at(fixed_t: f64, elasticity: f64, c: f64, c_ref: f64) -> f64 {
    if elasticity == 0.0 || !(c.is_finite() && c > 0.0) || !(c_ref.is_finite() && c_ref > 0.0) {
        fixed_t
    } else {
        fixed_t * (c / c_ref).powf(elasticity)
    }
}

/// One year's variable-demand equilibrium.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearDemand {
    /// Tonnes assigned (the demand consistent with its own costs).
    pub demand_t: Vec<f64>,
    /// Composite cost of each flow at the final assignment, USD/t (infinite: no route).
    pub composite_usd_per_t: Vec<f64>,
    /// Demand-assignment rounds after the first.
    pub iterations: usize,
    /// Relative demand gap at the final round.
    pub gap: f64,
    pub converged: bool,
}

/// The inputs of one year's demand: fixed tonnes, elasticities and reference costs.
pub struct DemandCurves<'a> {
    pub fixed_t: &'a [f64],
    pub elasticity: &'a [f64],
    pub reference_usd_per_t: &'a [f64],
}

/// Working space of `solve_year`, kept across years so that a year allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct DemandScratch {
    target: Vec<f64>,
    inner: Vec<usize>,
}

/// Solves one year into `year` and `a` (one assignment per period, reused buffers):
/// `assign_all(demand, warm, a)` assigns the given tonnes in every period, each
/// warm-starting from the flows already in `a` when `warm` (later rounds) and as the
/// year's first round sees fit otherwise; `weights` and `periods` give each period's
/// weight and network in the same order. On return `year` holds the demand and `a` the
/// assignments of the final round; each assignment's `iterations` counts the inner
/// iterations of all rounds.
#[allow(clippy::too_many_arguments)]
pub fn solve_year(
    rc: &RouteChoice,
    curves: &DemandCurves,
    weights: &[f64],
    periods: &[PeriodData],
    a: &mut [Assignment],
    scratch: &mut DemandScratch,
    year: &mut YearDemand,
    mut assign_all: impl FnMut(&[f64], bool, &mut [Assignment]),
) {
    let fixed = curves.fixed_t;
    let total: f64 = fixed.iter().sum();
    let demand = &mut year.demand_t;
    demand.clear();
    demand.extend_from_slice(fixed);
    assign_all(demand, false, a);
    let DemandScratch { target, inner } = scratch;
    inner.clear();
    inner.extend(a.iter().map(|x| x.iterations));
    let composite = &mut year.composite_usd_per_t;
    let respond = |a: &[Assignment], composite: &mut Vec<f64>, target: &mut Vec<f64>| {
        year_composite(rc, weights, periods, a, composite);
        target.clear();
        target.extend((0..fixed.len()).map(|d| {
            demand_at(
                fixed[d],
                curves.elasticity[d],
                composite[d],
                curves.reference_usd_per_t[d],
            )
        }));
    };
    let gap_of = |demand: &[f64], target: &[f64]| {
        let err: f64 = demand.iter().zip(target).map(|(d, t)| (t - d).abs()).sum();
        if total > 0.0 { err / total } else { 0.0 }
    };
    respond(a, composite, target);
    let mut gap = gap_of(demand, target);
    let (mut beta, mut iterations) = (1.0, 0);
    while gap > rc.tolerance && iterations < MAX_DEMAND_ITERATIONS {
        iterations += 1;
        let step = 1.0 / beta;
        for (d, t) in demand.iter_mut().zip(target.iter()) {
            *d += step * (t - *d);
        }
        assign_all(demand, true, a);
        for (n, x) in inner.iter_mut().zip(a.iter()) {
            *n += x.iterations;
        }
        respond(a, composite, target);
        let g = gap_of(demand, target);
        beta += if g >= gap { 1.5 } else { 0.05 };
        gap = g;
    }
    for (x, n) in a.iter_mut().zip(inner.iter()) {
        x.iterations = *n;
    }
    year.iterations = iterations;
    year.gap = gap;
    year.converged = gap <= rc.tolerance;
}

/// The `YearFigures::induced` rows of a year: fixed demand, induced tonnes (demand
/// minus fixed), composite cost and the reference it was compared with (NaN where
/// there is none: no route, or no reference).
pub fn induced_figures(fixed_t: &[f64], year: &YearDemand, reference: &[f64]) -> Vec<[f64; 4]> {
    let nan_if_not_finite = |v: f64| if v.is_finite() { v } else { f64::NAN };
    (0..fixed_t.len())
        .map(|d| {
            [
                fixed_t[d],
                year.demand_t[d] - fixed_t[d],
                nan_if_not_finite(year.composite_usd_per_t[d]),
                nan_if_not_finite(reference[d]),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn rc(model: ChoiceModel) -> RouteChoice {
        RouteChoice {
            model,
            k_routes: 3,
            max_detour: 2.0,
            logit_scale_per_usd: 0.05,
            path_size: true,
            distinct_corridors: false,
            max_iterations: 100,
            tolerance: 1e-9,
        }
    }

    /// One flow with three routes (the third closed); path sizes 0.75, 0.75, 1.
    fn routes() -> RouteData {
        RouteData {
            start: Arc::new(vec![0, 3]),
            ln_path_size: Arc::new(vec![0.75_f64.ln(), 0.75_f64.ln(), 0.0]),
            available: vec![true, true, false],
            ..RouteData::default()
        }
    }

    #[test]
    fn the_logsum_is_the_expected_minimum_perceived_cost() {
        let (r, cost) = (routes(), [100.0, 120.0, 10.0]);
        // -(1/0.05) ln(0.75 e^-5 + 0.75 e^-6): the closed third route does not count.
        let want = -20.0 * (0.75 * (-5.0_f64).exp() + 0.75 * (-6.0_f64).exp()).ln();
        let got = composite_cost(&rc(ChoiceModel::Logit), &r, &cost, 0);
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        // Below the cheapest route's cost only through the second route's chance and
        // the overlap penalty: 100 - 20 ln(0.75 (1 + e^-1)).
        assert!((got - (100.0 - 20.0 * (0.75 * (1.0 + (-1.0_f64).exp())).ln())).abs() < 1e-9);
        let min = composite_cost(&rc(ChoiceModel::Deterministic), &r, &cost, 0);
        assert_eq!(min, 100.0);
        let mut closed = routes();
        closed.available = vec![false; 3];
        assert_eq!(
            composite_cost(&rc(ChoiceModel::Logit), &closed, &cost, 0),
            f64::INFINITY
        );
    }

    #[test]
    fn the_demand_curve_has_constant_elasticity_and_pivots_at_the_reference() {
        // Research sheet §2: T0 = 1e6 t, GC 100 -> 90, e = -1: T1 = 1,111,111 t.
        let t1 = demand_at(1e6, -1.0, 90.0, 100.0);
        assert!((t1 - 1e6 / 0.9).abs() < 1e-6);
        // 1% dearer, e = -0.7: about 0.7% fewer tonnes.
        let d = demand_at(1.0, -0.7, 101.0, 100.0);
        assert!((d - 1.01_f64.powf(-0.7)).abs() < 1e-15 && (d - (1.0 - 0.007)).abs() < 1e-4);
        // At the reference, and with elasticity 0, the fixed demand exactly.
        assert_eq!(demand_at(123.0, -1.3, 80.0, 80.0), 123.0);
        assert_eq!(demand_at(123.0, 0.0, 10.0, 80.0), 123.0);
        // No route or no reference: fixed.
        assert_eq!(demand_at(123.0, -1.0, f64::INFINITY, 80.0), 123.0);
        assert_eq!(demand_at(123.0, -1.0, 50.0, f64::NAN), 123.0);
    }

    #[test]
    fn reference_costs_skip_unusable_values() {
        let mut r = ReferenceCosts::new();
        r.insert("a", 2030, 80.0);
        r.insert("a", 2031, f64::NAN);
        r.insert("a", 2032, 0.0);
        assert_eq!(r.get("a", 2030), Some(80.0));
        assert_eq!(r.get("a", 2031), None);
        assert_eq!(r.get("a", 2032), None);
        assert_eq!(r.get("b", 2030), None);
    }
}
