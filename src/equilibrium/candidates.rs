//! Whether a scenario's candidate routes hold the routes its equilibrium needs: the
//! relative gap of the assigned flows against network shortest paths (docs/MODEL.md,
//! "Relative gap"), and the flows whose cheapest network route is cheaper than every
//! one of their candidates.
//!
//! The assignment's own gap is measured over the candidate routes only; it can say
//! "converged" while cheaper routes exist outside the candidate set. This check
//! closes that hole with the costs of the final flows.

use crate::assignment::{Assignment, RouteData};

/// A cheapest network route this much (relative) below the cheapest candidate counts
/// as missed.
pub const MISSED_ROUTE_TOLERANCE: f64 = 1e-6;

/// The network gap of one assignment and the flows missing a cheaper route.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CandidateCheck {
    /// (sum_r f_r c_r - sum_d served_d c*_d) / sum_r f_r c_r, with c*_d the cheapest
    /// cost of row d over the whole network at the final flows.
    pub network_gap: f64,
    /// Rows with demand whose cheapest network route is cheaper than all their
    /// available candidates (or that have no available candidate but a network route).
    pub flows_missing_routes: usize,
}

/// Checks `a` against `cheapest[d]`, the network shortest-path cost of each row.
pub fn check(
    routes: &RouteData,
    a: &Assignment,
    demand_t: &[f64],
    cheapest: &[f64],
) -> CandidateCheck {
    let (mut total, mut shortest) = (0.0, 0.0);
    let mut missing = 0;
    for d in 0..routes.n_rows() {
        let r = routes.rows(d);
        let best_candidate = r
            .clone()
            .filter(|&i| routes.available[i])
            .map(|i| a.route_cost_usd[i])
            .fold(f64::INFINITY, f64::min);
        let c_star = cheapest[d].min(best_candidate);
        if demand_t[d] > 0.0
            && cheapest[d].is_finite()
            && cheapest[d] < best_candidate - MISSED_ROUTE_TOLERANCE * best_candidate.abs()
        {
            missing += 1;
        }
        for i in r {
            let f = a.route_flow_t[i];
            if f > 0.0 {
                total += f * a.route_cost_usd[i];
                shortest += f * c_star;
            }
        }
    }
    CandidateCheck {
        network_gap: if total > 0.0 {
            ((total - shortest) / total).max(0.0)
        } else {
            0.0
        },
        flows_missing_routes: missing,
    }
}

/// A flow whose cheapest network route is cheaper than all its candidates: what the
/// count `flows_missing_routes` counts, spelled out for a modeller to decide whether
/// the route is real (add it to the candidates) or not (restrict the network).
#[derive(Debug, Clone, PartialEq)]
pub struct MissedRoute {
    pub year: i32,
    /// Demand row.
    pub demand: usize,
    /// The cheapest available candidate's arcs in travel order and its cost, USD/t;
    /// `None` when no candidate is available.
    pub best_candidate: Option<(Vec<usize>, f64)>,
    /// The cheaper network route, as arcs in travel order, and its cost, USD/t.
    pub network_arcs: Vec<usize>,
    pub network_usd_per_t: f64,
}

/// The rows that `check` counts as missing a route, with the cheaper route over the
/// network found by `route_of(d)` (arcs and cost at the same final flows).
pub fn missed_routes(
    year: i32,
    routes: &RouteData,
    a: &Assignment,
    demand_t: &[f64],
    cheapest: &[f64],
    mut route_of: impl FnMut(usize) -> Option<(Vec<usize>, f64)>,
) -> Vec<MissedRoute> {
    let mut out = Vec::new();
    for d in 0..routes.n_rows() {
        let best = routes
            .rows(d)
            .filter(|&i| routes.available[i])
            .map(|i| (i, a.route_cost_usd[i]))
            .min_by(|x, y| x.1.total_cmp(&y.1));
        let best_usd = best.map_or(f64::INFINITY, |b| b.1);
        if demand_t[d] > 0.0
            && cheapest[d].is_finite()
            && cheapest[d] < best_usd - MISSED_ROUTE_TOLERANCE * best_usd.abs()
            && let Some((network_arcs, network_usd_per_t)) = route_of(d)
        {
            out.push(MissedRoute {
                year,
                demand: d,
                best_candidate: best.map(|(i, usd)| {
                    let arcs = routes.paths.path(i).iter().map(|&x| x as usize).collect();
                    (arcs, usd)
                }),
                network_arcs,
                network_usd_per_t,
            });
        }
    }
    out
}
