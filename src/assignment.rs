//! Route choice with capacity: the equilibrium of one year (or one part of a year).
//!
//! Two models over the same candidate routes:
//! - Path-size logit stochastic user equilibrium (Daganzo and Sheffi, 1977; path size
//!   after Ben-Akiva and Bierlaire, 1999): route flows f_r = D * exp(-theta c_r +
//!   ln PS_r) / sum_j exp(-theta c_j + ln PS_j), with costs c that depend on the flows
//!   through BPR congestion. Solved as a fixed point by the self-regulated method of
//!   successive averages (Liu, He and He, 2009, Networks and Spatial Economics 9(4)):
//!   the step 1/beta shrinks fast only when the error grows. The convergence measure
//!   is the relative flow gap sum_r |y_r - f_r| / sum_d D_d, where y is the logit
//!   response to the costs of f.
//! - Deterministic user equilibrium (Wardrop's first principle) by path-based gradient
//!   projection (Jayakrishnan et al., 1994, Transportation Research Record 1443). The
//!   measure is the relative gap sum_r f_r (c_r - c_min) / sum_r f_r c_r.
//!
//! Both warm-start from the flows of the previous year, which cuts iterations sharply
//! over a horizon: with two earlier years on the same routes the start follows their
//! trend (`extrapolate_flows`); after the routes changed, the routes kept start from
//! their flows and a demand row with a new route is split afresh at the congestion the
//! other flows leave (`carry_flows`).

// Parallel arrays indexed by demand row and route read more clearly with index loops.
#![allow(clippy::needless_range_loop)]

use std::sync::Arc;

use crate::cost::{bpr_derivative, bpr_time_h};
use crate::model::{Bpr, ChoiceModel, RouteChoice};
use crate::routes::Paths;

/// The arcs of the network as one assignment sees them.
#[derive(Debug, Clone, Default)]
pub struct ArcData {
    pub t0_h: Vec<f64>,
    pub capacity_tpy: Vec<f64>,
    pub bpr: Vec<Bpr>,
}

impl ArcData {
    /// Whether arc `x`'s running time depends on its flow (BPR alpha not 0 and a
    /// finite capacity); the time of any other arc is its free-flow time at any flow.
    #[inline]
    fn congestible(&self, x: usize) -> bool {
        self.bpr[x].alpha != 0.0 && self.capacity_tpy[x].is_finite()
    }
}

/// The routes of every demand row, flattened. The paths are shared with the route
/// set (no copy per year); the costs and availability are this period's.
#[derive(Debug, Clone, Default)]
pub struct RouteData {
    /// Routes of row d are `start[d]..start[d + 1]`.
    pub start: Arc<Vec<usize>>,
    pub paths: Arc<Paths>,
    /// Money charges and fixed hours (dwell, handling) per tonne.
    pub fixed_usd: Vec<f64>,
    pub fixed_h: Vec<f64>,
    pub ln_path_size: Arc<Vec<f64>>,
    /// A route through a closed arc is unavailable.
    pub available: Vec<bool>,
}

impl RouteData {
    pub fn n_rows(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    pub fn rows(&self, d: usize) -> std::ops::Range<usize> {
        self.start[d]..self.start[d + 1]
    }
}

/// The network of one period as an assignment sees it: its routes and its arcs.
#[derive(Debug, Clone, Default)]
pub struct PeriodData {
    pub routes: RouteData,
    pub arcs: ArcData,
}

/// The result of one assignment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assignment {
    pub route_flow_t: Vec<f64>,
    pub arc_flow_t: Vec<f64>,
    /// Congested arc running times, hours.
    pub arc_time_h: Vec<f64>,
    /// Route generalized cost (USD/t) and time (h) at the final flows.
    pub route_cost_usd: Vec<f64>,
    pub route_time_h: Vec<f64>,
    /// Demand with no available route, per row.
    pub unserved_t: Vec<f64>,
    pub iterations: usize,
    pub gap: f64,
    pub converged: bool,
}

/// Solves one assignment. `warm` holds route flows to start from (same routes).
pub fn assign(
    rc: &RouteChoice,
    arcs: &ArcData,
    routes: &RouteData,
    demand_t: &[f64],
    vot: &[f64],
    warm: Option<&[f64]>,
) -> Assignment {
    thread_local! {
        /// Each thread's working space, kept across its assignments.
        static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
    }
    let mut a = Assignment::default();
    if let Some(w) = warm {
        a.route_flow_t.extend_from_slice(w);
    }
    SCRATCH.with_borrow_mut(|scratch| {
        assign_into(
            rc,
            arcs,
            routes,
            demand_t,
            vot,
            warm.is_some(),
            &mut a,
            scratch,
        )
    });
    a
}

/// Solves one assignment into `a`, reusing its buffers (no allocation once they have
/// grown to size). With `warm`, `a.route_flow_t` holds the route flows to start from
/// (same routes), NaN for a route without one (`carry_flows`); otherwise its contents
/// are ignored. `scratch` is working space.
#[allow(clippy::too_many_arguments)]
pub fn assign_into(
    rc: &RouteChoice,
    arcs: &ArcData,
    routes: &RouteData,
    demand_t: &[f64],
    vot: &[f64],
    warm: bool,
    a: &mut Assignment,
    scratch: &mut Scratch,
) {
    let n_routes = routes.paths.len();
    if warm {
        debug_assert_eq!(a.route_flow_t.len(), n_routes);
    } else {
        refill(&mut a.route_flow_t, n_routes, 0.0);
    }
    refill(&mut a.arc_flow_t, arcs.t0_h.len(), 0.0);
    a.arc_time_h.clear();
    a.arc_time_h.extend_from_slice(&arcs.t0_h);
    refill(&mut a.route_cost_usd, n_routes, 0.0);
    refill(&mut a.route_time_h, n_routes, 0.0);
    refill(&mut a.unserved_t, routes.n_rows(), 0.0);
    a.iterations = 0;
    a.gap = 0.0;
    a.converged = true;
    scratch.arc_routes(&routes.paths, &routes.start, arcs);
    let ar = &scratch.arc_routes[0];
    scratch.later.clear();
    // Start: warm flows rescaled to this demand, or the free-flow choice (a row's
    // routes are priced at free flow only where that choice needs them; the solvers
    // price every route before they read a cost). A warm row with a route without a
    // flow (NaN) is split below, once the other flows are in place.
    for d in 0..routes.n_rows() {
        let r = routes.rows(d);
        let total_avail = r.clone().filter(|&i| routes.available[i]).count();
        if total_avail == 0 || demand_t[d] <= 0.0 {
            a.unserved_t[d] = if total_avail == 0 { demand_t[d] } else { 0.0 };
            a.route_flow_t[r].iter_mut().for_each(|f| *f = 0.0);
            continue;
        }
        if warm && a.route_flow_t[r.clone()].iter().any(|f| f.is_nan()) {
            // Its known flows stay as they were (last year's) while the congestion is
            // loaded; its new routes carry nothing yet.
            for f in &mut a.route_flow_t[r] {
                if f.is_nan() {
                    *f = 0.0;
                }
            }
            scratch.later.push(d);
            continue;
        }
        let warm_sum: f64 = if warm {
            r.clone()
                .filter(|&i| routes.available[i])
                .map(|i| a.route_flow_t[i])
                .sum()
        } else {
            0.0
        };
        if warm && warm_sum > 0.0 {
            for i in r {
                a.route_flow_t[i] = if routes.available[i] {
                    a.route_flow_t[i] * demand_t[d] / warm_sum
                } else {
                    0.0
                };
            }
        } else {
            choose(rc, routes, ar, d, demand_t[d], vot[d], a);
        }
    }
    if !scratch.later.is_empty() {
        // Rows with a new route: their routes' split at the congestion of the start's
        // other flows and their own known ones (about a third fewer sweeps than a split
        // at free flow after a change of routes on the default scenario:
        // docs/PERFORMANCE.md, wave 17).
        load_congestible(arcs, ar, a);
        for &d in &scratch.later {
            choose(rc, routes, ar, d, demand_t[d], vot[d], a);
        }
    }
    match rc.model {
        ChoiceModel::Logit => {
            // The sweeps read only the congestible arcs: the others' flows are loaded
            // once, from the flows the solve ends with.
            load_congestible(arcs, ar, a);
            solve_logit(rc, arcs, routes, demand_t, vot, a, scratch);
            load_free(arcs, &scratch.arc_routes[0], a);
        }
        ChoiceModel::Deterministic => {
            // (Its shifts move the flows of every arc on the routes.)
            load_congestible(arcs, ar, a);
            load_free(arcs, ar, a);
            solve_deterministic(rc, arcs, ar, routes, demand_t, vot, a)
        }
    }
}

/// Demand row `d`'s route flows set to the model's choice at the current arc times:
/// its routes priced, then the logit split of `demand`, or all of it on the cheapest.
fn choose(
    rc: &RouteChoice,
    routes: &RouteData,
    ar: &ArcRoutes,
    d: usize,
    demand: f64,
    vot: f64,
    a: &mut Assignment,
) {
    let r = routes.rows(d);
    price_routes(routes, ar, r.clone(), vot, a);
    let y = &mut a.route_flow_t[r.clone()];
    match rc.model {
        ChoiceModel::Logit => logit(rc, routes, &a.route_cost_usd, r, demand, y),
        ChoiceModel::Deterministic => cheapest(routes, &a.route_cost_usd, r, demand, y),
    }
}

/// How far `extrapolate_flows` carries each route's latest year-on-year change: a
/// tenth further than the change itself. A year's solution stops as soon as it is
/// within the tolerance, approached from the start, so it lags the equilibrium in the
/// direction the flows move, and the change between two solutions understates the
/// trend. Measured over the shipped scenarios (200 replications each, docs/
/// PERFORMANCE.md, wave 17): 1.1 cut the sweeps of the four whose flows trend by 7.5%
/// (those of `tripp-opens` by 12% at 10,000 replications, where 1.15 and 1.2 cut
/// fewer) and changed the others by at most 0.3%.
const TREND_GAIN: f64 = 1.1;

/// Route flows to start next year's assignment from, given this year's (`last`) and
/// the year before's (`before`) on the same routes: each route's flow carried on by
/// its latest year-on-year relative change, times `TREND_GAIN` (close to a straight
/// line in log flow, the way logit flows follow costs that drift with growing demand),
/// the ratio held within 1/2..2 so that a route just emptying or filling cannot
/// dominate its row. A route without flow in either year keeps `last`. `assign_into`
/// rescales each row to its demand, and the solution is the equilibrium whatever the
/// start: only the sweeps to reach it change.
pub fn extrapolate_flows(last: &[f64], before: &[f64]) -> Vec<f64> {
    debug_assert_eq!(last.len(), before.len());
    last.iter()
        .zip(before)
        .map(|(&l, &b)| {
            if l > 0.0 && b > 0.0 {
                l * (1.0 + TREND_GAIN * (l / b - 1.0)).clamp(0.5, 2.0)
            } else {
                l
            }
        })
        .collect()
}

/// Route flows to start from after the candidate routes changed: each route (global
/// ids `ids`) that was among `from_ids` takes its flow in `flows`, a new route NaN.
/// `assign_into` starts a demand row with a NaN from its routes' split (logit, or the
/// cheapest) at the congestion the start's known flows leave, its new routes at none:
/// a new route is often the reason for the change, and a start that leaves it out, or
/// prices the row at free flow, is far from the equilibrium. A change of routes usually
/// concerns a few rows: the others start where they were.
pub fn carry_flows(from_ids: &[usize], flows: &[f64], ids: &[usize]) -> Vec<f64> {
    debug_assert_eq!(from_ids.len(), flows.len());
    let size = from_ids.iter().max().map_or(0, |m| m + 1);
    let mut by_id = vec![f64::NAN; size];
    for (&id, &f) in from_ids.iter().zip(flows) {
        by_id[id] = f;
    }
    ids.iter()
        .map(|&id| by_id.get(id).copied().unwrap_or(f64::NAN))
        .collect()
}

/// Working space of an assignment, kept across assignments so that none allocates.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Logit responses per route.
    y: Vec<f64>,
    /// The paths seen from the arcs, for the paths of the last few assignments, the
    /// latest first (a replication's years go back and forth between a few route
    /// sets as links close and reopen).
    arc_routes: Vec<ArcRoutes>,
    /// The demand row farthest from its logit response when a start last failed the
    /// equilibrium check (`solve_logit`), checked first next time.
    far_row: Option<usize>,
    /// The warm start's demand rows with a route without a flow (`assign_into`).
    later: Vec<usize>,
}

/// How many sets of paths `Scratch` keeps seen from the arcs.
const ARC_ROUTES_KEPT: usize = 8;

impl Scratch {
    /// `paths` over `arcs` seen from the arcs, from those kept when it is there: moved
    /// to the front, the view built anew only if the congestible arcs differ.
    fn arc_routes(&mut self, paths: &Arc<Paths>, start: &Arc<Vec<usize>>, arcs: &ArcData) {
        let kept = self
            .arc_routes
            .iter()
            .position(|v| v.paths.as_ref().is_some_and(|p| Arc::ptr_eq(p, paths)));
        match kept {
            Some(k) => self.arc_routes[..=k].rotate_right(1),
            None => {
                if self.arc_routes.len() < ARC_ROUTES_KEPT {
                    self.arc_routes.push(ArcRoutes::default());
                }
                // The last one (new, or the least recently used) goes to the front.
                self.arc_routes.rotate_right(1);
            }
        }
        self.arc_routes[0].prepare(paths, start, arcs);
    }
}

/// The routes through each arc and each route's congestible arcs, for one set of paths
/// and one set of congestible arcs: built when either changes (the candidate routes
/// change with the network state, congestibility only with the queue layer's rounds),
/// so most assignments of a replication reuse them.
///
/// Loading arcs from the arcs' side (`load_congestible`, `load_free`) adds each arc's
/// route flows in route order, as adding each route's flow to its arcs does, so the
/// flows are the same to the bit; but each sum stays in a register instead of going
/// through memory once per route, and the sweeps read only the arcs whose times move.
/// A route is priced as its running hours on the arcs that are not congestible, summed
/// once (`free_h`), plus its congestible arcs' times: 5.2 arcs read instead of 8.4 on
/// the default scenario (the sums' order differs from a sum along the path, by
/// rounding only).
#[derive(Debug, Clone, Default)]
struct ArcRoutes {
    /// The paths this was built from: held, so that their address is not reused for
    /// other paths while they are cached here.
    paths: Option<Arc<Paths>>,
    /// The routes through arc x are `routes[through[x]..through[x + 1]]`, in route
    /// order, a route once per time it passes the arc.
    through: Vec<u32>,
    routes: Vec<u32>,
    /// `ArcData::congestible` of every arc, as `congested` and `congestible_arcs` were
    /// built for.
    congestible: Vec<bool>,
    /// Each route's congestible arcs, in path order.
    congested: Paths,
    /// The demand rows these paths are grouped in (`RouteData::start`): held, as
    /// `paths` is.
    start: Option<Arc<Vec<usize>>>,
    /// Each demand row's congestible arcs: those of its routes, each once, in the
    /// order its routes first reach them (as `congested` lists them).
    row_arcs: Paths,
    /// The congestible arcs, and the others, in arc order.
    congestible_arcs: Vec<u32>,
    free_arcs: Vec<u32>,
    /// The free-flow times the running hours below were summed from (bits of every
    /// arc's `t0_h`; a disrupted period or a queue round may differ).
    t0_bits: Vec<u64>,
    /// Each route's running hours on its arcs that are not congestible (their times
    /// are their free-flow times throughout), summed in path order: a route is priced
    /// as these plus its congestible arcs' times.
    free_h: Vec<f64>,
}

impl ArcRoutes {
    /// Makes this the view of `paths` over `arcs`, rebuilding only what changed.
    fn prepare(&mut self, paths: &Arc<Paths>, start: &Arc<Vec<usize>>, arcs: &ArcData) {
        let n_arcs = arcs.t0_h.len();
        let same_paths = self.paths.as_ref().is_some_and(|p| Arc::ptr_eq(p, paths))
            && self.through.len() == n_arcs + 1;
        if !same_paths {
            self.paths = Some(Arc::clone(paths));
            refill(&mut self.through, n_arcs + 1, 0);
            for &x in &paths.arcs {
                self.through[x as usize + 1] += 1;
            }
            for x in 0..n_arcs {
                self.through[x + 1] += self.through[x];
            }
            refill(&mut self.routes, paths.arcs.len(), 0);
            // Each arc's next free place, from its start: routes in order, so each
            // arc's list is in route order.
            let mut next: Vec<u32> = self.through[..n_arcs].to_vec();
            for (r, path) in paths.iter().enumerate() {
                for &x in path {
                    let at = &mut next[x as usize];
                    self.routes[*at as usize] = r as u32;
                    *at += 1;
                }
            }
        }
        let same_congestible = same_paths
            && self.start.as_ref().is_some_and(|s| Arc::ptr_eq(s, start))
            && self.congestible.len() == n_arcs
            && (0..n_arcs).all(|x| self.congestible[x] == arcs.congestible(x));
        let same_t0 = same_congestible
            && self.t0_bits.len() == n_arcs
            && (0..n_arcs).all(|x| self.t0_bits[x] == arcs.t0_h[x].to_bits());
        if !same_t0 {
            self.t0_bits.clear();
            self.t0_bits.extend(arcs.t0_h.iter().map(|t| t.to_bits()));
            self.free_h.clear();
            self.free_h.extend(paths.iter().map(|path| {
                path.iter()
                    .filter(|&&x| !arcs.congestible(x as usize))
                    .map(|&x| arcs.t0_h[x as usize])
                    .sum::<f64>()
            }));
        }
        if !same_congestible {
            self.congestible.clear();
            self.congestible
                .extend((0..n_arcs).map(|x| arcs.congestible(x)));
            self.congestible_arcs.clear();
            self.congestible_arcs
                .extend((0..n_arcs as u32).filter(|&x| self.congestible[x as usize]));
            self.free_arcs.clear();
            self.free_arcs
                .extend((0..n_arcs as u32).filter(|&x| !self.congestible[x as usize]));
            self.congested.offsets.clear();
            self.congested.offsets.push(0);
            self.congested.arcs.clear();
            for path in paths.iter() {
                self.congested
                    .arcs
                    .extend(path.iter().filter(|&&x| self.congestible[x as usize]));
                self.congested.offsets.push(self.congested.arcs.len());
            }
            self.start = Some(Arc::clone(start));
            self.row_arcs.offsets.clear();
            self.row_arcs.offsets.push(0);
            self.row_arcs.arcs.clear();
            let mut seen = vec![false; n_arcs];
            for rows in start.windows(2) {
                let from = self.row_arcs.arcs.len();
                for r in rows[0]..rows[1] {
                    for &x in self.congested.path(r) {
                        if !std::mem::replace(&mut seen[x as usize], true) {
                            self.row_arcs.arcs.push(x);
                        }
                    }
                }
                for &x in &self.row_arcs.arcs[from..] {
                    seen[x as usize] = false;
                }
                self.row_arcs.offsets.push(self.row_arcs.arcs.len());
            }
        }
    }

    /// The routes through arc `x`.
    #[inline]
    fn through(&self, x: usize) -> &[u32] {
        &self.routes[self.through[x] as usize..self.through[x + 1] as usize]
    }
}

/// Sets `v` to `n` copies of `x`, keeping its allocation.
#[inline]
pub(crate) fn refill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
    v.clear();
    v.resize(n, x);
}

/// Flows and congested times of the congestible arcs from the route flows: each arc's
/// flow is the sum of the flows of the routes through it, added in route order
/// (`ArcRoutes`).
fn load_congestible(arcs: &ArcData, ar: &ArcRoutes, a: &mut Assignment) {
    for &x in &ar.congestible_arcs {
        let x = x as usize;
        a.arc_flow_t[x] = arc_flow(ar, a, x);
        a.arc_time_h[x] = bpr_time_h(
            arcs.t0_h[x],
            a.arc_flow_t[x],
            arcs.capacity_tpy[x],
            arcs.bpr[x],
        );
    }
}

/// Flows of the arcs that are not congestible, from the route flows, as
/// `load_congestible` sums them. Their times are their free-flow times, which the
/// assignment set at its start and nothing changes.
fn load_free(arcs: &ArcData, ar: &ArcRoutes, a: &mut Assignment) {
    for &x in &ar.free_arcs {
        let x = x as usize;
        a.arc_flow_t[x] = arc_flow(ar, a, x);
    }
    debug_assert!(
        (0..arcs.t0_h.len())
            .all(|x| arcs.congestible(x) || a.arc_time_h[x].to_bits() == arcs.t0_h[x].to_bits())
    );
}

/// Arc `x`'s flow: the flows of the routes through it, added in route order.
#[inline]
fn arc_flow(ar: &ArcRoutes, a: &Assignment, x: usize) -> f64 {
    // (Adding a zero flow leaves the sum as it is, to the bit: +0 + -0 is +0.)
    ar.through(x)
        .iter()
        .fold(0.0, |sum, &r| sum + a.route_flow_t[r as usize])
}

/// Whether demand row `d` has nothing to assign: no demand, or no available route.
#[inline]
fn idle(a: &Assignment, demand_t: &[f64], d: usize) -> bool {
    demand_t[d] <= 0.0 || a.unserved_t[d] >= demand_t[d]
}

/// Route times and generalized costs at the current arc times.
fn update_costs(ar: &ArcRoutes, routes: &RouteData, vot: &[f64], a: &mut Assignment) {
    for d in 0..routes.n_rows() {
        price_routes(routes, ar, routes.rows(d), vot[d], a);
    }
}

/// Sets the time (running at the current arc times plus fixed hours) and the
/// generalized cost, for value of time `vot`, of each route in `range` (a demand row's,
/// or part of one): its running hours on arcs that are not congestible, summed once
/// (`ArcRoutes::free_h`), plus its congestible arcs' times.
#[inline]
fn price_routes(
    routes: &RouteData,
    ar: &ArcRoutes,
    range: std::ops::Range<usize>,
    vot: f64,
    a: &mut Assignment,
) {
    let paths = &ar.congested;
    let offsets = &paths.offsets[range.start..=range.end];
    let times = &a.arc_time_h[..];
    let free_h = &ar.free_h[range.clone()];
    let fixed_h = &routes.fixed_h[range.clone()];
    let fixed_usd = &routes.fixed_usd[range.clone()];
    let time_h = &mut a.route_time_h[range.clone()];
    let cost_usd = &mut a.route_cost_usd[range];
    for ((ends, (&free, &fixed)), (&usd, (time, cost))) in offsets
        .windows(2)
        .zip(free_h.iter().zip(fixed_h))
        .zip(fixed_usd.iter().zip(time_h.iter_mut().zip(cost_usd)))
    {
        let running = paths.arcs[ends[0]..ends[1]]
            .iter()
            .fold(free, |sum, &x| sum + times[x as usize]);
        let t = running + fixed;
        *time = t;
        *cost = usd + vot * t;
    }
}

/// Path-size logit split of `demand` over the available routes in `range`, into `y`.
fn logit(
    rc: &RouteChoice,
    routes: &RouteData,
    cost: &[f64],
    range: std::ops::Range<usize>,
    demand: f64,
    y: &mut [f64],
) {
    let theta = rc.logit_scale_per_usd;
    let available = &routes.available[range.clone()];
    let ln_path_size = &routes.ln_path_size[range.clone()];
    let cost = &cost[range];
    // Each route's utility (minus infinity for an unavailable one), kept in `y`, and
    // the best.
    let mut best = f64::NEG_INFINITY;
    for ((u, &av), (&c, &lps)) in y
        .iter_mut()
        .zip(available)
        .zip(cost.iter().zip(ln_path_size))
    {
        *u = if av {
            -theta * c + lps
        } else {
            f64::NEG_INFINITY
        };
        if *u > best {
            best = *u;
        }
    }
    let mut sum = 0.0;
    for v in y.iter_mut() {
        // (The best route's term is exp(0), exactly 1; a route without utility gets
        // nothing, as exp(-inf) is 0.)
        *v = if *v == f64::NEG_INFINITY {
            0.0
        } else {
            crate::exp::exp(*v - best)
        };
        sum += *v;
    }
    for v in y.iter_mut() {
        *v *= demand / sum;
    }
}

/// All of `demand` on the cheapest available route (lowest index on ties).
fn cheapest(
    routes: &RouteData,
    cost: &[f64],
    range: std::ops::Range<usize>,
    demand: f64,
    y: &mut [f64],
) {
    let start = range.start;
    y.iter_mut().for_each(|v| *v = 0.0);
    if let Some(best) = range
        .filter(|&r| routes.available[r])
        .min_by(|&a, &b| cost[a].total_cmp(&cost[b]))
    {
        y[best - start] = demand;
    }
}

/// The relative flow gap: sum_r |y_r - f_r| / sum_d D_d, with y the logit response to
/// the costs of f. Leaves the costs of f in `a`.
fn flow_gap(
    rc: &RouteChoice,
    ar: &ArcRoutes,
    routes: &RouteData,
    demand_t: &[f64],
    vot: &[f64],
    a: &mut Assignment,
    y: &mut [f64],
) -> f64 {
    flow_gap_until(rc, ar, routes, demand_t, vot, a, y, f64::INFINITY).0
}

/// `flow_gap`, stopping at the first demand row after which the gap summed so far
/// passes `stop_above`: the rows' terms are not negative, so the whole gap would pass
/// it too. The answer is then that partial gap (above `stop_above`), and the costs of
/// the rows not reached are not set. Otherwise it is `flow_gap`'s, to the bit. Also
/// returns the row with the largest term among those reached (`None` if none).
#[allow(clippy::too_many_arguments)]
fn flow_gap_until(
    rc: &RouteChoice,
    ar: &ArcRoutes,
    routes: &RouteData,
    demand_t: &[f64],
    vot: &[f64],
    a: &mut Assignment,
    y: &mut [f64],
    stop_above: f64,
) -> (f64, Option<usize>) {
    let total: f64 = demand_t.iter().sum();
    let gap = |err: f64| if total > 0.0 { err / total } else { 0.0 };
    let mut err = 0.0;
    let mut far: Option<(usize, f64)> = None;
    for d in 0..routes.n_rows() {
        // Every row is priced, idle ones too (the final costs cover every route).
        if idle(a, demand_t, d) {
            price_routes(routes, ar, routes.rows(d), vot[d], a);
            continue;
        }
        let term = row_term(rc, ar, routes, demand_t, vot, d, a, y);
        err += term;
        if far.is_none_or(|(_, t)| term > t) {
            far = Some((d, term));
        }
        if gap(err) > stop_above {
            return (gap(err), far.map(|(d, _)| d));
        }
    }
    (gap(err), far.map(|(d, _)| d))
}

/// Demand row `d`'s term of the flow gap, sum_r |y_r - f_r| over its routes, with its
/// routes priced at the current arc times and y their logit response (left in `y`).
#[allow(clippy::too_many_arguments)]
fn row_term(
    rc: &RouteChoice,
    ar: &ArcRoutes,
    routes: &RouteData,
    demand_t: &[f64],
    vot: &[f64],
    d: usize,
    a: &mut Assignment,
    y: &mut [f64],
) -> f64 {
    let r = routes.rows(d);
    let (s, e) = (r.start, r.end);
    price_routes(routes, ar, r.clone(), vot[d], a);
    logit(rc, routes, &a.route_cost_usd, r, demand_t[d], &mut y[s..e]);
    y[s..e]
        .iter()
        .zip(&a.route_flow_t[s..e])
        .map(|(y, f)| (y - f).abs())
        .sum::<f64>()
}

/// How much closer to equilibrium a sweep is taken to bring the flows when there is no
/// earlier sweep to measure it by: a guess that decides only when the flows are
/// measured (`solve_logit`), never what counts as converged. On the default scenario a
/// sweep brings the gap down 5 to 15 times (0.07-0.2, docs/PERFORMANCE.md, wave 8).
const FIRST_SWEEP_RATIO: f64 = 0.15;

/// Self-regulated averaging in Gauss-Seidel order: each demand row moves towards its
/// logit response to the congestion left by the rows before it, so congestion feeds
/// back within a sweep. The step 1/beta starts at 1 (a full step) and shrinks by 1.5 in
/// beta when a sweep's error grew, by 0.05 when it fell (Liu, He and He, 2009). The
/// flows are measured (all rows priced at the same arc times) once a sweep's error says
/// they are within the tolerance, or predicts that the flows it reached are (its error
/// times its ratio to the previous sweep's, `FIRST_SWEEP_RATIO` after the first); the
/// solution is the first measured within the tolerance, and its gap is the one reported.
fn solve_logit(
    rc: &RouteChoice,
    arcs: &ArcData,
    routes: &RouteData,
    demand_t: &[f64],
    vot: &[f64],
    a: &mut Assignment,
    scratch: &mut Scratch,
) {
    let Scratch {
        y,
        arc_routes,
        far_row,
        later: _,
    } = scratch;
    let arc_routes = &arc_routes[0];
    refill(y, routes.paths.len(), 0.0);
    let total: f64 = demand_t.iter().sum();
    if total <= 0.0 {
        update_costs(arc_routes, routes, vot, a);
        return;
    }
    let mut beta = 1.0;
    let mut prev_err = f64::INFINITY;
    a.converged = false;
    // Whether the start is already an equilibrium: a partial sum that passes the
    // tolerance answers no (the sweeps price every row they read, and the gap reported
    // is measured afresh at the end).
    // (Without sweeps the start's gap is the one reported: measured whole.)
    let stop_above = if rc.max_iterations > 0 {
        rc.tolerance
    } else {
        f64::INFINITY
    };
    // The row that was farthest from its response the last time a start failed is
    // checked first, alone: its term alone over the tolerance answers no, as the
    // partial sums in row order would (they are not negative and rounding keeps their
    // order, so the whole sum is at least any one term); about two starts in three that
    // fail end there on the default scenario, instead of after about 9 rows of 30.
    let far_off = match *far_row {
        Some(d) if rc.max_iterations > 0 && d < routes.n_rows() && !idle(a, demand_t, d) => {
            let term = row_term(rc, arc_routes, routes, demand_t, vot, d, a, y);
            Some(term / total).filter(|&g| g > rc.tolerance)
        }
        _ => None,
    };
    a.gap = match far_off {
        Some(g) => g,
        None => {
            let (gap, far) =
                flow_gap_until(rc, arc_routes, routes, demand_t, vot, a, y, stop_above);
            if gap > rc.tolerance {
                *far_row = far;
            }
            gap
        }
    };
    a.iterations = 0;
    if a.gap <= rc.tolerance {
        a.converged = true;
        return;
    }
    for it in 1..=rc.max_iterations {
        let step = 1.0 / beta;
        let mut err = 0.0;
        for d in 0..routes.n_rows() {
            if idle(a, demand_t, d) {
                continue;
            }
            let r = routes.rows(d);
            let (s, e) = (r.start, r.end);
            price_routes(routes, arc_routes, s..e, vot[d], a);
            logit(rc, routes, &a.route_cost_usd, r, demand_t[d], &mut y[s..e]);
            for ((i, &y), f) in (s..e).zip(&y[s..e]).zip(&mut a.route_flow_t[s..e]) {
                let delta = step * (y - *f);
                err += (y - *f).abs();
                if delta == 0.0 {
                    continue;
                }
                *f += delta;
                // Only congestible arcs need their flow within a sweep (the times of
                // the others never change); theirs are loaded afresh from the route
                // flows before the sweeps end (`load_congestible`), the others' once
                // the solve ends (`load_free`).
                for &x in arc_routes.congested.path(i) {
                    a.arc_flow_t[x as usize] += delta;
                }
            }
            // Times are read only when the next row is priced: each arc of this row's
            // routes is timed once, at its final flow (an arc whose flow did not move
            // gets the time it had: a time is a function of its arc's flow alone).
            for &x in arc_routes.row_arcs.path(d) {
                let x = x as usize;
                a.arc_time_h[x] = bpr_time_h(
                    arcs.t0_h[x],
                    a.arc_flow_t[x],
                    arcs.capacity_tpy[x],
                    arcs.bpr[x],
                );
            }
        }
        err /= total;
        a.iterations = it;
        // `err` is the gap of the flows this sweep started from (each row measured
        // against the costs its predecessors left); the flows it reached are about
        // `ratio` times closer. When that predicts a gap within the tolerance, measure
        // the reached flows honestly instead of sweeping once more to find out.
        let ratio = if prev_err.is_finite() && prev_err > 0.0 {
            err / prev_err
        } else {
            FIRST_SWEEP_RATIO
        };
        if err <= rc.tolerance || err * ratio <= rc.tolerance || it == rc.max_iterations {
            // Measure honestly at the flows reached.
            load_congestible(arcs, arc_routes, a);
            a.gap = flow_gap(rc, arc_routes, routes, demand_t, vot, a, y);
            if a.gap <= rc.tolerance {
                a.converged = true;
                break;
            }
        }
        beta += if err >= prev_err { 1.5 } else { 0.05 };
        prev_err = err;
    }
    // The costs in `a` are those of the final flows: the last `flow_gap` priced them
    // after loading the arcs (the loop always ends through that branch).
}

fn relative_gap(routes: &RouteData, a: &Assignment) -> f64 {
    let (mut excess, mut total) = (0.0, 0.0);
    for d in 0..routes.n_rows() {
        let r = routes.rows(d);
        let min = r
            .clone()
            .filter(|&i| routes.available[i])
            .map(|i| a.route_cost_usd[i])
            .fold(f64::INFINITY, f64::min);
        for i in r {
            let f = a.route_flow_t[i];
            if f > 0.0 {
                excess += f * (a.route_cost_usd[i] - min);
                total += f * a.route_cost_usd[i];
            }
        }
    }
    if total > 0.0 { excess / total } else { 0.0 }
}

fn solve_deterministic(
    rc: &RouteChoice,
    arcs: &ArcData,
    ar: &ArcRoutes,
    routes: &RouteData,
    demand_t: &[f64],
    vot: &[f64],
    a: &mut Assignment,
) {
    a.converged = false;
    for it in 1..=rc.max_iterations {
        update_costs(ar, routes, vot, a);
        let gap = relative_gap(routes, a);
        a.iterations = it;
        a.gap = gap;
        if gap <= rc.tolerance {
            a.converged = true;
            break;
        }
        for d in 0..routes.n_rows() {
            if idle(a, demand_t, d) {
                continue;
            }
            let r = routes.rows(d);
            // Costs of this row's routes at the current arc flows.
            price_routes(routes, ar, r.clone(), vot[d], a);
            let Some(m) = r
                .clone()
                .filter(|&i| routes.available[i])
                .min_by(|&x, &y| a.route_cost_usd[x].total_cmp(&a.route_cost_usd[y]))
            else {
                continue;
            };
            for i in r.clone() {
                if i == m || a.route_flow_t[i] <= 0.0 {
                    continue;
                }
                let diff = a.route_cost_usd[i] - a.route_cost_usd[m];
                if diff <= 0.0 {
                    continue;
                }
                // Second derivative along the shift: arcs on exactly one of the two routes.
                let (pi, pm) = (routes.paths.path(i), routes.paths.path(m));
                let slope = |x: u32| {
                    let x = x as usize;
                    bpr_derivative(
                        arcs.t0_h[x],
                        a.arc_flow_t[x],
                        arcs.capacity_tpy[x],
                        arcs.bpr[x],
                    )
                };
                let s = vot[d]
                    * (pi
                        .iter()
                        .filter(|x| !pm.contains(x))
                        .map(|&x| slope(x))
                        .sum::<f64>()
                        + pm.iter()
                            .filter(|x| !pi.contains(x))
                            .map(|&x| slope(x))
                            .sum::<f64>());
                let shift = if s > 0.0 {
                    (diff / s).min(a.route_flow_t[i])
                } else {
                    a.route_flow_t[i]
                };
                a.route_flow_t[i] -= shift;
                a.route_flow_t[m] += shift;
                for (path, delta) in [(pi, -shift), (pm, shift)] {
                    for &x in path {
                        let x = x as usize;
                        a.arc_flow_t[x] += delta;
                        a.arc_time_h[x] = bpr_time_h(
                            arcs.t0_h[x],
                            a.arc_flow_t[x],
                            arcs.capacity_tpy[x],
                            arcs.bpr[x],
                        );
                    }
                }
                // Refresh the two routes' costs for the next shift in this row.
                for j in [i, m] {
                    price_routes(routes, ar, j..j + 1, vot[d], a);
                }
            }
        }
    }
    update_costs(ar, routes, vot, a);
    a.gap = relative_gap(routes, a);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One demand row over three parallel one-arc routes with BPR congestion.
    fn three_roads() -> (RouteChoice, ArcData, RouteData) {
        let rc = RouteChoice {
            model: ChoiceModel::Logit,
            k_routes: 3,
            max_detour: 2.0,
            logit_scale_per_usd: 0.2,
            path_size: false,
            distinct_corridors: false,
            max_iterations: 200,
            tolerance: 1e-4,
        };
        let arcs = ArcData {
            t0_h: vec![10.0, 12.0, 15.0],
            capacity_tpy: vec![1000.0, 1500.0, 800.0],
            bpr: vec![
                Bpr {
                    alpha: 0.15,
                    beta: 4.0
                };
                3
            ],
        };
        let routes = RouteData {
            start: Arc::new(vec![0, 3]),
            paths: Arc::new(Paths {
                offsets: vec![0, 1, 2, 3],
                arcs: vec![0, 1, 2],
            }),
            fixed_usd: vec![5.0, 0.0, 2.0],
            fixed_h: vec![0.0; 3],
            ln_path_size: Arc::new(vec![0.0; 3]),
            available: vec![true; 3],
        };
        (rc, arcs, routes)
    }

    /// Two demand rows over the three roads of `three_roads`, the second with its own
    /// charges.
    fn two_rows_over_three_roads() -> (RouteChoice, ArcData, RouteData) {
        let (rc, arcs, one) = three_roads();
        let routes = RouteData {
            start: Arc::new(vec![0, 3, 6]),
            paths: Arc::new(Paths {
                offsets: (0..=6).collect(),
                arcs: vec![0, 1, 2, 0, 1, 2],
            }),
            fixed_usd: [one.fixed_usd, vec![1.0, 3.0, 0.0]].concat(),
            fixed_h: vec![0.0; 6],
            ln_path_size: Arc::new(vec![0.0; 6]),
            available: vec![true; 6],
        };
        (rc, arcs, routes)
    }

    /// The relative flow gap of `flows`, computed here from the definitions (BPR times,
    /// logit response) rather than by the solver's own functions.
    fn gap_by_hand(
        rc: &RouteChoice,
        arcs: &ArcData,
        routes: &RouteData,
        d: f64,
        flows: &[f64],
    ) -> f64 {
        let cost: Vec<f64> = (0..3)
            .map(|i| {
                let x = flows[i] / arcs.capacity_tpy[i];
                routes.fixed_usd[i] + arcs.t0_h[i] * (1.0 + 0.15 * x.powi(4))
            })
            .collect();
        let w: Vec<f64> = cost
            .iter()
            .map(|c| (-rc.logit_scale_per_usd * c).exp())
            .collect();
        let sum: f64 = w.iter().sum();
        (0..3)
            .map(|i| (d * w[i] / sum - flows[i]).abs())
            .sum::<f64>()
            / d
    }

    #[test]
    fn each_rows_arcs_are_the_congestible_arcs_of_its_routes_once() {
        // Five arcs: 3 is not congestible (alpha 0), 4 has no capacity limit. Row 0's
        // routes share arc 1 and pass arc 2 twice; row 1's repeat row 0's arcs.
        let bpr = Bpr {
            alpha: 0.15,
            beta: 4.0,
        };
        let arcs = ArcData {
            t0_h: vec![1.0; 5],
            capacity_tpy: vec![10.0, 10.0, 10.0, 10.0, f64::INFINITY],
            bpr: vec![bpr, bpr, bpr, Bpr { alpha: 0.0, ..bpr }, bpr],
        };
        let paths = Arc::new(Paths {
            offsets: vec![0, 3, 7, 9, 10],
            arcs: vec![2, 1, 3, 4, 1, 2, 0, 3, 4, 1],
        });
        let start = Arc::new(vec![0, 2, 4]);
        let mut ar = ArcRoutes::default();
        ar.prepare(&paths, &start, &arcs);
        // By definition: each row's routes' arcs that are congestible, in path order,
        // each kept where first reached.
        for d in 0..2 {
            let mut want: Vec<u32> = Vec::new();
            for r in start[d]..start[d + 1] {
                for &x in paths.path(r) {
                    if arcs.congestible(x as usize) && !want.contains(&x) {
                        want.push(x);
                    }
                }
            }
            assert_eq!(ar.row_arcs.path(d), want.as_slice(), "row {d}");
        }
        assert_eq!(ar.row_arcs.path(0), &[2, 1, 0]);
        assert_eq!(ar.row_arcs.path(1), &[1]);
        // Another grouping of the same paths is seen and rebuilt.
        let one_row = Arc::new(vec![0, 4]);
        ar.prepare(&paths, &one_row, &arcs);
        assert_eq!(ar.row_arcs.path(0), &[2, 1, 0]);
        assert_eq!(ar.row_arcs.len(), 1);
    }

    #[test]
    fn checking_the_farthest_row_first_changes_no_result() {
        // Two rows over the same three roads; starts far from equilibrium in one row
        // or the other, or at it. Each is solved on a thread that has just solved
        // other starts (its scratch remembers a far row) and on a fresh thread: the
        // results must be the same to the bit.
        let (rc, arcs, routes) = two_rows_over_three_roads();
        let vot = [1.0, 2.0];
        let demand = [900.0, 1300.0];
        let exact = assign(&rc, &arcs, &routes, &demand, &vot, None).route_flow_t;
        let mut starts: Vec<Vec<f64>> = vec![exact.clone()];
        for (row, shift) in [(0, 200.0), (1, 300.0), (1, 5.0), (0, 0.01)] {
            let mut s = exact.clone();
            s[3 * row] += shift;
            s[3 * row + 2] -= shift.min(s[3 * row + 2]);
            starts.push(s);
        }
        let solve_all = || -> Vec<Assignment> {
            starts
                .iter()
                .map(|s| assign(&rc, &arcs, &routes, &demand, &vot, Some(s)))
                .collect()
        };
        let primed = solve_all();
        for (k, s) in starts.iter().enumerate() {
            let fresh = std::thread::scope(|t| {
                t.spawn(|| assign(&rc, &arcs, &routes, &demand, &vot, Some(s)))
                    .join()
                    .expect("solve")
            });
            assert_eq!(primed[k], fresh, "start {k}");
        }
        assert!(primed.iter().skip(1).any(|a| a.iterations > 0));
    }

    #[test]
    fn extrapolated_flows_continue_a_geometric_trend_within_bounds() {
        let got = extrapolate_flows(
            &[110.0, 50.0, 0.0, 400.0, 7.0],
            &[100.0, 60.0, 5.0, 100.0, 0.0],
        );
        // Up 10%: up 11%; down a sixth: down 1.1 sixths.
        assert!((got[0] - 110.0 * 1.11).abs() <= 1e-12, "{got:?}");
        assert!(
            (got[1] - 50.0 * (1.0 - 1.1 / 6.0)).abs() <= 1e-12,
            "{got:?}"
        );
        // Empty now: stays empty; quadrupled: doubled at most; new: kept as it is.
        assert_eq!(&got[2..], &[0.0, 800.0, 7.0]);
        // Halved or worse: halved at most.
        assert_eq!(extrapolate_flows(&[40.0], &[100.0]), vec![20.0]);
    }

    #[test]
    fn carried_flows_follow_their_route_ids() {
        // Last year: routes 7, 2, 9 and 5; this year a first row of 9 and 7 (2 is gone),
        // a second of 4 (new) and 5.
        let got = carry_flows(&[7, 2, 9, 5], &[10.0, 20.0, 30.0, 40.0], &[9, 7, 4, 5]);
        assert_eq!(&got[..2], &[30.0, 10.0]);
        assert!(got[2].is_nan());
        assert_eq!(got[3], 40.0);
        assert!(carry_flows(&[], &[], &[1, 2]).iter().all(|f| f.is_nan()));
    }

    #[test]
    fn a_row_with_a_new_route_starts_from_its_split_at_the_known_congestion() {
        // Row 0 gains road 2 this year; row 1 had all three roads before. Last year's
        // equilibrium on the old routes is carried to the new ones.
        let (rc, arcs, _) = three_roads();
        let vot = [1.0, 2.0];
        let before = RouteData {
            start: Arc::new(vec![0, 2, 5]),
            paths: Arc::new(Paths {
                offsets: (0..=5).collect(),
                arcs: vec![0, 1, 0, 1, 2],
            }),
            fixed_usd: vec![5.0, 0.0, 1.0, 3.0, 0.0],
            fixed_h: vec![0.0; 5],
            ln_path_size: Arc::new(vec![0.0; 5]),
            available: vec![true; 5],
        };
        let last = assign(&rc, &arcs, &before, &[900.0, 1300.0], &vot, None);
        assert!(last.converged);
        let (_, _, now) = two_rows_over_three_roads();
        let demand = [950.0, 1400.0];
        let start = carry_flows(&[0, 1, 3, 4, 5], &last.route_flow_t, &[0, 1, 2, 3, 4, 5]);
        assert!(start[2].is_nan());
        // The start itself (no sweep), against the definition computed here: row 1
        // rescaled to its demand, row 0's known flows as they were, BPR times, and
        // row 0 split by logit at those costs.
        let at_start = |warm: Option<&[f64]>| {
            let rc0 = RouteChoice {
                max_iterations: 0,
                ..rc.clone()
            };
            assign(&rc0, &arcs, &now, &demand, &vot, warm)
        };
        let got = at_start(Some(&start)).route_flow_t;
        let row1_known: f64 = start[3..].iter().sum();
        let weights = |start: &[f64]| -> Vec<f64> {
            let mut arc_flow = [start[0], start[1], 0.0];
            for x in 0..3 {
                arc_flow[x] += start[3 + x] * demand[1] / row1_known;
            }
            (0..3)
                .map(|x| {
                    let ratio = arc_flow[x] / arcs.capacity_tpy[x];
                    let time = arcs.t0_h[x] * (1.0 + 0.15 * ratio.powi(4));
                    (-rc.logit_scale_per_usd * (now.fixed_usd[x] + vot[0] * time)).exp()
                })
                .collect()
        };
        let weight = weights(&start);
        let sum: f64 = weight.iter().sum();
        for x in 0..3 {
            let want = demand[0] * weight[x] / sum;
            assert!(
                (got[x] - want).abs() <= 1e-9 * demand[0],
                "{x}: {got:?} {want}"
            );
            let want = start[3 + x] * demand[1] / row1_known;
            assert!(
                (got[3 + x] - want).abs() <= 1e-9 * demand[1],
                "{x}: {got:?} {want}"
            );
        }
        // Closer to the equilibrium than the same row split at free flow (what a row
        // with a new route started from before), and solved in fewer sweeps.
        let mut free_flow_row = start.clone();
        free_flow_row[..3].iter_mut().for_each(|f| *f = 0.0);
        assert!(at_start(Some(&start)).gap < at_start(Some(&free_flow_row)).gap / 2.0);
        let solved = assign(&rc, &arcs, &now, &demand, &vot, Some(&start));
        let from_free = assign(&rc, &arcs, &now, &demand, &vot, Some(&free_flow_row));
        assert!(solved.converged && from_free.converged);
        assert!(
            solved.iterations < from_free.iterations,
            "{} vs {}",
            solved.iterations,
            from_free.iterations
        );
        let total: f64 = solved.route_flow_t.iter().sum();
        assert!((total - demand.iter().sum::<f64>()).abs() <= 1e-9 * total);
        // The deterministic model starts the row on its cheapest route at that
        // congestion: with 2,500 t of row 0 on road 1 last year, not road 1, the
        // cheapest at free flow (12 against 15 and 17).
        let det = RouteChoice {
            model: ChoiceModel::Deterministic,
            max_iterations: 0,
            ..rc.clone()
        };
        let mut start = start.clone();
        start[1] = 2500.0;
        let got = assign(&det, &arcs, &now, &demand, &vot, Some(&start)).route_flow_t;
        let weight = weights(&start);
        let cheapest = (0..3).max_by(|&i, &j| weight[i].total_cmp(&weight[j]));
        assert_ne!(cheapest, Some(1), "{weight:?}");
        for x in 0..3 {
            let want = if Some(x) == cheapest { demand[0] } else { 0.0 };
            assert_eq!(got[x], want, "{got:?}");
        }
    }

    #[test]
    fn each_year_stops_within_the_tolerance_and_extrapolation_saves_sweeps() {
        let (rc, arcs, routes) = three_roads();
        let vot = [1.0];
        let mut sweeps = [0usize; 2];
        for (k, extrapolate) in [false, true].into_iter().enumerate() {
            let (mut last, mut before): (Option<Vec<f64>>, Option<Vec<f64>>) = (None, None);
            for year in 0..12 {
                let d = 2000.0 * 1.06f64.powi(year);
                let start = match (&last, &before) {
                    (Some(l), Some(b)) if extrapolate => Some(extrapolate_flows(l, b)),
                    (Some(l), _) => Some(l.clone()),
                    _ => None,
                };
                let a = assign(&rc, &arcs, &routes, &[d], &vot, start.as_deref());
                assert!(a.converged, "year {year}: {a:?}");
                let by_hand = gap_by_hand(&rc, &arcs, &routes, d, &a.route_flow_t);
                assert!(by_hand <= rc.tolerance, "year {year}: gap {by_hand}");
                assert!((by_hand - a.gap).abs() <= 1e-9, "{by_hand} vs {}", a.gap);
                let total: f64 = a.route_flow_t.iter().sum();
                assert!((total - d).abs() <= 1e-9 * d);
                sweeps[k] += a.iterations;
                before = last.replace(a.route_flow_t);
            }
        }
        assert!(
            sweeps[1] < sweeps[0],
            "sweeps from last year's flows and extrapolated: {sweeps:?}"
        );
    }
}
