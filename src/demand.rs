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

use crate::assignment::{Assignment, RouteData};
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
                .map(|r| crate::exp::exp(-theta * cost[r] + routes.ln_path_size[r] - best))
                .sum();
            -(best + sum.ln()) / theta
        }
    }
}

/// Each flow's composite cost over a year's periods: the weighted mean over the periods
/// in which it has a route (infinite if it has none in any period of positive weight).
pub fn year_composite(rc: &RouteChoice, periods: &[(f64, &RouteData, &Assignment)]) -> Vec<f64> {
    let n = periods.first().map_or(0, |(_, r, _)| r.n_rows());
    (0..n)
        .map(|d| {
            let (mut sum, mut weight) = (0.0, 0.0);
            for (w, routes, a) in periods {
                let c = composite_cost(rc, routes, &a.route_cost_usd, d);
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
        })
        .collect()
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
#[derive(Debug, Clone, PartialEq)]
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
    /// Whether the caller needs the composite costs (`YearDemand::composite_usd_per_t`)
    /// even though every elasticity is 0; without either, the year is one assignment
    /// and no composite cost is priced (the vector is left empty).
    pub want_composite: bool,
}

/// Solves one year: `assign_all(demand, previous)` assigns the given tonnes in every
/// period (warm-starting from `previous` when given) and returns the period
/// assignments; `periods` gives each period's weight and route data in the same order.
/// Returns the demand and the assignments of the final round; each assignment's
/// `iterations` counts the inner iterations of all rounds.
pub fn solve_year(
    rc: &RouteChoice,
    curves: &DemandCurves,
    periods: &[(f64, &RouteData)],
    mut assign_all: impl FnMut(&[f64], Option<&[Assignment]>) -> Vec<Assignment>,
) -> (YearDemand, Vec<Assignment>) {
    let fixed = curves.fixed_t;
    let total: f64 = fixed.iter().sum();
    let mut demand = fixed.to_vec();
    let mut a = assign_all(&demand, None);
    if !curves.want_composite && curves.elasticity.iter().all(|e| *e == 0.0) {
        // Fixed demand: the first round is the answer (its demand gap is exactly 0).
        let year = YearDemand {
            demand_t: demand,
            composite_usd_per_t: Vec::new(),
            iterations: 0,
            gap: 0.0,
            converged: 0.0 <= rc.tolerance,
        };
        return (year, a);
    }
    let mut inner: Vec<usize> = a.iter().map(|x| x.iterations).collect();
    let respond = |a: &[Assignment], target: &mut Vec<f64>| -> Vec<f64> {
        let with: Vec<(f64, &RouteData, &Assignment)> = periods
            .iter()
            .zip(a)
            .map(|(&(w, r), a)| (w, r, a))
            .collect();
        let c = year_composite(rc, &with);
        target.clear();
        target.extend((0..fixed.len()).map(|d| {
            demand_at(
                fixed[d],
                curves.elasticity[d],
                c[d],
                curves.reference_usd_per_t[d],
            )
        }));
        c
    };
    let gap_of = |demand: &[f64], target: &[f64]| {
        let err: f64 = demand.iter().zip(target).map(|(d, t)| (t - d).abs()).sum();
        if total > 0.0 { err / total } else { 0.0 }
    };
    let mut target = Vec::with_capacity(fixed.len());
    let mut composite = respond(&a, &mut target);
    let mut gap = gap_of(&demand, &target);
    let (mut beta, mut iterations) = (1.0, 0);
    while gap > rc.tolerance && iterations < MAX_DEMAND_ITERATIONS {
        iterations += 1;
        let step = 1.0 / beta;
        for (d, t) in demand.iter_mut().zip(&target) {
            *d += step * (t - *d);
        }
        let next = assign_all(&demand, Some(&a));
        for (n, x) in inner.iter_mut().zip(&next) {
            *n += x.iterations;
        }
        a = next;
        composite = respond(&a, &mut target);
        let g = gap_of(&demand, &target);
        beta += if g >= gap { 1.5 } else { 0.05 };
        gap = g;
    }
    for (x, n) in a.iter_mut().zip(inner) {
        x.iterations = n;
    }
    let year = YearDemand {
        demand_t: demand,
        composite_usd_per_t: composite,
        iterations,
        gap,
        converged: gap <= rc.tolerance,
    };
    (year, a)
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
