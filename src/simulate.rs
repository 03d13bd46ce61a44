//! One replication: draw the inputs, then for every year build the network state, take
//! its candidate routes (shared across replications), solve the equilibrium and record
//! the figures.

use std::collections::HashMap;
use std::sync::{Arc as Shared, Mutex};

use crate::assignment::{ArcData, Assignment, RouteData, assign};
use crate::cost::node_step;
use crate::model::Scenario;
use crate::network::{Arcs, Instance, YearState};
use crate::routes::{RouteSet, build_route_set};

/// Link figures: tonnes (both directions), utilization (busiest direction, flow /
/// capacity), congestion delay (busiest direction, hours), open (1 or 0).
pub const LINK_METRICS: [&str; 4] = ["tonnes", "utilization", "congestion_delay_h", "open"];
/// Corridor figures, for the routes attributed to each corridor.
pub const CORRIDOR_METRICS: [&str; 5] = [
    "tonnes",
    "share",
    "tonne_km",
    "cost_usd_per_t",
    "transit_time_h",
];
/// Demand-row figures.
pub const DEMAND_METRICS: [&str; 5] = [
    "demand_t",
    "served_t",
    "unserved_t",
    "cost_usd_per_t",
    "transit_time_h",
];
/// Route figures; share is of the route's demand row.
pub const ROUTE_METRICS: [&str; 4] = ["tonnes", "share", "cost_usd_per_t", "transit_time_h"];
/// Equilibrium diagnostics per year.
pub const CONVERGENCE_METRICS: [&str; 3] = ["iterations", "gap", "converged"];

/// A route's figures in one year of one replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteFigure {
    /// Global route id (see `Engine::route_info`).
    pub gid: usize,
    pub values: [f64; 4],
}

/// Everything recorded for one year of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct YearFigures {
    pub links: Vec<[f64; 4]>,
    /// One row per corridor, then one for unserved demand.
    pub corridors: Vec<[f64; 5]>,
    pub demand: Vec<[f64; 5]>,
    pub routes: Vec<RouteFigure>,
    pub convergence: [f64; 3],
}

/// Identity of a global route id.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteInfo {
    pub demand: usize,
    pub key: String,
    pub name: String,
    pub corridor: usize,
}

/// Immutable model plus the shared caches: candidate routes per topology.
pub struct Engine<'a> {
    pub scenario: &'a Scenario,
    pub arcs: Arcs,
    pub nominal: Instance,
    route_sets: Mutex<HashMap<Vec<bool>, Shared<RouteSet>>>,
    registry: Mutex<Registry>,
}

#[derive(Default)]
struct Registry {
    ids: HashMap<(usize, String), usize>,
    info: Vec<RouteInfo>,
}

impl<'a> Engine<'a> {
    pub fn new(scenario: &'a Scenario) -> Engine<'a> {
        Engine {
            scenario,
            arcs: Arcs::new(scenario),
            nominal: Instance::new(scenario, None),
            route_sets: Mutex::new(HashMap::new()),
            registry: Mutex::new(Registry::default()),
        }
    }

    /// Candidate routes for a topology, computed once and shared. Each route's `gid`
    /// is looked up (or made) in the registry; ids are only names, never an order.
    fn route_set(&self, open: &[bool]) -> (Shared<RouteSet>, Shared<Vec<usize>>) {
        if let Some(rs) = self.lock_sets().get(open) {
            return (rs.clone(), self.gids(rs));
        }
        let rs = Shared::new(build_route_set(
            self.scenario,
            &self.arcs,
            &self.nominal,
            open,
        ));
        let rs = self.lock_sets().entry(open.to_vec()).or_insert(rs).clone();
        let gids = self.gids(&rs);
        (rs, gids)
    }

    fn lock_sets(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<bool>, Shared<RouteSet>>> {
        self.route_sets.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn gids(&self, rs: &RouteSet) -> Shared<Vec<usize>> {
        let mut reg = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        for (d, routes) in rs.by_demand.iter().enumerate() {
            for r in routes {
                let next = reg.info.len();
                let id = *reg.ids.entry((d, r.key.clone())).or_insert(next);
                if id == next {
                    reg.info.push(RouteInfo {
                        demand: d,
                        key: r.key.clone(),
                        name: r.name.clone(),
                        corridor: r.corridor,
                    });
                }
                out.push(id);
            }
        }
        Shared::new(out)
    }

    /// What each global route id stands for.
    pub fn route_info(&self) -> Vec<RouteInfo> {
        self.registry
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .info
            .clone()
    }

    /// Number of distinct topologies seen so far.
    pub fn n_topologies(&self) -> usize {
        self.lock_sets().len()
    }

    /// Runs one replication with the given uniforms (`None`: nominal values).
    pub fn run(&self, uniforms: Option<&[f64]>) -> Vec<YearFigures> {
        let s = self.scenario;
        let inst = Instance::new(s, uniforms);
        let mut out = Vec::with_capacity(s.n_years());
        let mut warm: Option<(Shared<RouteSet>, Vec<f64>)> = None;
        for year in s.years() {
            let state = inst.year_state(year);
            let (rs, gids) = self.route_set(&state.open);
            let routes = route_data(s, &self.arcs, &inst, &state, &rs);
            let arcs = arc_data(s, &self.arcs, &state);
            let demand_t: Vec<f64> = (0..s.demand.len())
                .map(|d| inst.demand_t(d, s.base_year, year))
                .collect();
            let start = warm
                .as_ref()
                .filter(|(prev, _)| Shared::ptr_eq(prev, &rs))
                .map(|(_, f)| f.as_slice());
            let a = assign(
                &s.route_choice,
                &arcs,
                &routes,
                &demand_t,
                &inst.vot_usd_per_t_h,
                start,
            );
            out.push(self.figures(&inst, &state, &rs, &gids, &routes, &demand_t, &a));
            warm = Some((rs, a.route_flow_t));
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn figures(
        &self,
        inst: &Instance,
        state: &YearState,
        rs: &RouteSet,
        gids: &[usize],
        routes: &RouteData,
        demand_t: &[f64],
        a: &Assignment,
    ) -> YearFigures {
        let s = self.scenario;
        let arcs = &self.arcs;
        // Links.
        let mut links = vec![[0.0; 4]; s.links.len()];
        for (i, arc) in arcs.arcs.iter().enumerate() {
            let lv = &state.links[arc.link];
            let row = &mut links[arc.link];
            let x = a.arc_flow_t[i];
            row[0] += x;
            if lv.capacity_tpy.is_finite() {
                row[1] = f64::max(row[1], x / lv.capacity_tpy);
            }
            row[2] = f64::max(row[2], a.arc_time_h[i] - lv.t0_h);
        }
        for (l, row) in links.iter_mut().enumerate() {
            row[3] = if state.open[l] { 1.0 } else { 0.0 };
        }
        // Routes, demand rows, corridors.
        let nc = s.corridors.len();
        let mut corridors = vec![[0.0; 5]; nc + 1];
        let mut cost_sum = vec![0.0; nc];
        let mut time_sum = vec![0.0; nc];
        let mut demand = vec![[0.0; 5]; s.demand.len()];
        let mut route_figs = Vec::with_capacity(routes.arcs.len());
        let total_demand: f64 = demand_t.iter().sum();
        let mut flat = 0;
        for (d, cands) in rs.by_demand.iter().enumerate() {
            let (mut served, mut c_sum, mut t_sum) = (0.0, 0.0, 0.0);
            for route in cands {
                let r = flat;
                flat += 1;
                let f = a.route_flow_t[r];
                let (cost, time) = (a.route_cost_usd[r], a.route_time_h[r]);
                served += f;
                c_sum += f * cost;
                t_sum += f * time;
                let c = route.corridor;
                corridors[c][0] += f;
                cost_sum[c] += f * cost;
                time_sum[c] += f * time;
                route_figs.push(RouteFigure {
                    gid: gids[r],
                    values: [
                        f,
                        if demand_t[d] > 0.0 {
                            f / demand_t[d]
                        } else {
                            0.0
                        },
                        if routes.available[r] { cost } else { f64::NAN },
                        if routes.available[r] { time } else { f64::NAN },
                    ],
                });
            }
            let unserved = a.unserved_t[d];
            demand[d] = [
                demand_t[d],
                served,
                unserved,
                if served > 0.0 {
                    c_sum / served
                } else {
                    f64::NAN
                },
                if served > 0.0 {
                    t_sum / served
                } else {
                    f64::NAN
                },
            ];
            corridors[nc][0] += unserved;
        }
        for (l, link) in s.links.iter().enumerate() {
            corridors[link.corridor][2] += links[l][0] * inst.links[l].length_km;
        }
        for (c, row) in corridors.iter_mut().enumerate() {
            row[1] = if total_demand > 0.0 {
                row[0] / total_demand
            } else {
                0.0
            };
            if c < nc {
                row[3] = if row[0] > 0.0 {
                    cost_sum[c] / row[0]
                } else {
                    f64::NAN
                };
                row[4] = if row[0] > 0.0 {
                    time_sum[c] / row[0]
                } else {
                    f64::NAN
                };
            } else {
                row[2] = f64::NAN;
                row[3] = f64::NAN;
                row[4] = f64::NAN;
            }
        }
        YearFigures {
            links,
            corridors,
            demand,
            routes: route_figs,
            convergence: [
                a.iterations as f64,
                a.gap,
                if a.converged { 1.0 } else { 0.0 },
            ],
        }
    }
}

/// Arc data of one year.
fn arc_data(s: &Scenario, arcs: &Arcs, state: &YearState) -> ArcData {
    ArcData {
        t0_h: arcs.arcs.iter().map(|a| state.links[a.link].t0_h).collect(),
        capacity_tpy: arcs
            .arcs
            .iter()
            .map(|a| state.links[a.link].capacity_tpy)
            .collect(),
        bpr: arcs.arcs.iter().map(|a| s.links[a.link].bpr).collect(),
    }
}

/// Route data of one year: fixed money and hours per route from link charges and node
/// steps at this year's values.
fn route_data(
    s: &Scenario,
    arcs: &Arcs,
    inst: &Instance,
    state: &YearState,
    rs: &RouteSet,
) -> RouteData {
    let mut rd = RouteData {
        start: Vec::with_capacity(rs.by_demand.len() + 1),
        ..RouteData::default()
    };
    rd.start.push(0);
    for cands in &rs.by_demand {
        for route in cands {
            let (mut usd, mut h) = (0.0, 0.0);
            let mut prev = None;
            for &a in &route.arcs {
                let arc = &arcs.arcs[a];
                let st = node_step(s, &inst.nodes[arc.tail], prev, Some(arc));
                usd += st.usd + state.links[arc.link].charge_usd_per_t();
                h += st.h;
                prev = Some(arc);
            }
            if let Some(last) = prev {
                let st = node_step(s, &inst.nodes[last.head], Some(last), None);
                usd += st.usd;
                h += st.h;
            }
            rd.arcs.push(route.arcs.clone());
            rd.fixed_usd.push(usd);
            rd.fixed_h.push(h);
            rd.ln_path_size.push(route.ln_path_size);
            rd.available
                .push(route.arcs.iter().all(|&a| state.open[arcs.arcs[a].link]));
        }
        rd.start.push(rd.arcs.len());
    }
    rd
}
