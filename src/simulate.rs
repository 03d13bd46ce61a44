//! One replication: draw the inputs, then for every year build the network state, take
//! its candidate routes (shared across replications), solve the equilibrium and record
//! the figures.

use std::collections::HashMap;
use std::sync::{Arc as Shared, Mutex};

use crate::assignment::{ArcData, Assignment, PeriodData, RouteData, Scratch, assign, assign_into};
use crate::cost::node_step;
use crate::demand::{
    DemandCurves, DemandScratch, ReferenceCosts, YearDemand, composite_cost, induced_figures,
    solve_year,
};
use crate::figures::{RouteFigure, RouteInfo, YearFigures};
use crate::model::Scenario;
use crate::network::{Arcs, Instance, NodeValues, YearState};
use crate::routes::{RouteSet, build_route_set};

/// A topology's candidate routes and their global ids.
type RouteEntry = (Shared<RouteSet>, Shared<Vec<usize>>);

/// Immutable model plus the shared caches: candidate routes per topology.
pub struct Engine<'a> {
    pub scenario: &'a Scenario,
    pub arcs: Arcs,
    pub nominal: Instance,
    route_sets: Mutex<HashMap<Vec<bool>, RouteEntry>>,
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
    /// Candidate routes for a network state: the open links and the events that have
    /// happened (a faster or cheaper link can bring new routes in), priced at nominal
    /// values. Computed once per state and shared.
    fn route_set(&self, open: &[bool], active: &[bool]) -> RouteEntry {
        let key: Vec<bool> = open.iter().chain(active).copied().collect();
        if let Some(e) = self.lock_sets().get(&key) {
            return e.clone();
        }
        // Built outside the lock; if another thread won the race its set is kept.
        let nominal = self.nominal.with_events(active);
        let rs = Shared::new(build_route_set(self.scenario, &self.arcs, &nominal, open));
        let mut sets = self.lock_sets();
        if let Some(e) = sets.get(&key) {
            return e.clone();
        }
        let entry = (rs.clone(), self.gids(&rs));
        sets.insert(key, entry.clone());
        entry
    }

    fn lock_sets(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<bool>, RouteEntry>> {
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

    /// Runs one replication with the given uniforms (`None`: nominal values and no
    /// disruption). Elastic demand pivots on each flow's own base-year cost.
    pub fn run(&self, uniforms: Option<&[f64]>) -> Vec<YearFigures> {
        self.run_with(uniforms, None)
    }

    /// Runs one replication; elastic demand pivots on `reference` where it gives a
    /// flow's cost in a year (an appraisal passes the base scenario's composite costs
    /// of the same replication, `ReferenceCosts::from_figures`), else on the flow's own
    /// base-year cost.
    pub fn run_with(
        &self,
        uniforms: Option<&[f64]>,
        reference: Option<&ReferenceCosts>,
    ) -> Vec<YearFigures> {
        let s = self.scenario;
        let inst = Instance::new(s, uniforms);
        let mut out = Vec::with_capacity(s.n_years());
        // Buffers reused from year to year: a year allocates only its figures.
        let mut w = YearBuffers::default();
        // The previous year's network state and its routes: most years change nothing.
        let mut last: Option<(Vec<bool>, Vec<bool>, RouteEntry)> = None;
        // The route set whose flows `w.assignments[0]` holds (last year's normal period).
        let mut warm_rs: Option<Shared<RouteSet>> = None;
        // The network state (route set, events) that `w.data[0]` was built for.
        let mut normal_key: Option<(Shared<RouteSet>, Vec<bool>)> = None;
        let elastic = s.has_elastic_demand();
        let own_reference = if elastic {
            self.base_year_costs(&inst)
        } else {
            vec![f64::NAN; s.demand.len()]
        };
        for (yi, year) in s.years().enumerate() {
            inst.year_state_into(year, &mut w.state);
            inst.active_events_into(year, &mut w.active);
            let (rs, gids) = match &last {
                Some((open, act, entry)) if *open == w.state.open && *act == w.active => {
                    entry.clone()
                }
                _ => {
                    let entry = self.route_set(&w.state.open, &w.active);
                    last = Some((w.state.open.clone(), w.active.clone(), entry.clone()));
                    entry
                }
            };
            w.fixed_t.clear();
            w.fixed_t
                .extend((0..s.demand.len()).map(|d| inst.demand_t(d, s.base_year, year)));
            w.reference_usd.clear();
            w.reference_usd
                .extend(s.demand.iter().enumerate().map(|(d, dem)| {
                    reference
                        .and_then(|r| r.get(&dem.id, year))
                        .unwrap_or(own_reference[d])
                }));
            let n_periods = self.periods(&inst, year, yi, uniforms, &mut w);
            if w.data.len() < n_periods {
                w.data.resize_with(n_periods, PeriodData::default);
            }
            // The normal period's route costs and arcs change only with the network
            // state (route set, events): reuse last year's when it is the same.
            let reuse = normal_key
                .as_ref()
                .is_some_and(|(prev, act)| Shared::ptr_eq(prev, &rs) && *act == w.active);
            if !reuse {
                route_data(
                    s,
                    &self.arcs,
                    &inst.nodes,
                    &w.state,
                    &rs,
                    &mut w.data[0].routes,
                );
                arc_data(s, &self.arcs, &w.state, &mut w.data[0].arcs);
                normal_key = Some((rs.clone(), w.active.clone()));
            }
            for p in 1..n_periods {
                let (state, nodes) = &w.disrupted[p - 1];
                let data = &mut w.data[p];
                route_data(s, &self.arcs, nodes, state, &rs, &mut data.routes);
                arc_data(s, &self.arcs, state, &mut data.arcs);
            }
            if w.assignments.len() < n_periods {
                w.assignments.resize_with(n_periods, Assignment::default);
            }
            // The normal period starts from last year's flows (same routes), each
            // disrupted period from this year's normal flows; later demand rounds
            // from their own previous round.
            let year_warm = warm_rs
                .as_ref()
                .is_some_and(|prev| Shared::ptr_eq(prev, &rs));
            let data = &w.data[..n_periods];
            let scratch = &mut w.scratch;
            let assign_all = |demand_t: &[f64], later_round: bool, a: &mut [Assignment]| {
                for (p, period) in data.iter().enumerate() {
                    let warm = if later_round || p == 0 {
                        later_round || year_warm
                    } else {
                        let (normal, rest) = a.split_at_mut(p);
                        rest[0].route_flow_t.clone_from(&normal[0].route_flow_t);
                        true
                    };
                    assign_into(
                        &s.route_choice,
                        &period.arcs,
                        &period.routes,
                        demand_t,
                        &inst.vot_usd_per_t_h,
                        warm,
                        &mut a[p],
                        scratch,
                    );
                }
            };
            let curves = DemandCurves {
                fixed_t: &w.fixed_t,
                elasticity: &inst.elasticity,
                reference_usd_per_t: &w.reference_usd,
            };
            let assignments = &mut w.assignments[..n_periods];
            solve_year(
                &s.route_choice,
                &curves,
                &w.weights,
                data,
                assignments,
                &mut w.demand_scratch,
                &mut w.year_demand,
                assign_all,
            );
            let acc = &mut w.acc;
            acc.reset(s, &rs, &w.year_demand.demand_t);
            for (p, (period, a)) in data.iter().zip(assignments.iter()).enumerate() {
                let (state, disruption) = match p {
                    0 => (&w.state, None),
                    _ => (&w.disrupted[p - 1].0, Some(())),
                };
                let period_facts = PeriodFacts {
                    weight: w.weights[p],
                    days: w.days[p],
                    state,
                    disrupted: disruption.is_some(),
                };
                acc.add(self, &period_facts, &period.routes, a);
            }
            if elastic {
                acc.gap = acc.gap.max(w.year_demand.gap);
                acc.converged &= w.year_demand.converged;
            }
            let mut figures = acc.finish(self, &w.state, &rs, &gids);
            figures.induced = induced_figures(&w.fixed_t, &w.year_demand, &w.reference_usd);
            out.push(figures);
            warm_rs = Some(rs);
        }
        out
    }

    /// Each flow's composite cost in the base year on the undisrupted network with the
    /// base-year tonnes: where elastic demand pivots by default.
    fn base_year_costs(&self, inst: &Instance) -> Vec<f64> {
        let s = self.scenario;
        let b = s.base_year;
        let state = inst.year_state(b);
        let (rs, _) = self.route_set(&state.open, &inst.active_events(b));
        let mut routes = RouteData::default();
        route_data(s, &self.arcs, &inst.nodes, &state, &rs, &mut routes);
        let mut arcs = ArcData::default();
        arc_data(s, &self.arcs, &state, &mut arcs);
        let demand_t: Vec<f64> = (0..s.demand.len())
            .map(|d| inst.demand_t(d, b, b))
            .collect();
        let a = assign(
            &s.route_choice,
            &arcs,
            &routes,
            &demand_t,
            &inst.vot_usd_per_t_h,
            None,
        );
        (0..s.demand.len())
            .map(|d| composite_cost(&s.route_choice, &routes, &a.route_cost_usd, d))
            .collect()
    }

    /// The parts of a year: the normal network first, then one period per disruption
    /// that strikes, each weighted by its share of the year. Disruptions of one year are
    /// taken not to overlap; if their days add up to more than a year they are scaled
    /// down to fit. From the year's network in `w.state`, fills `w.weights`, `w.days`
    /// and, for each disrupted period `p >= 1`, its network in `w.disrupted[p - 1]`;
    /// returns the number of periods.
    fn periods(
        &self,
        inst: &Instance,
        year: i32,
        yi: usize,
        uniforms: Option<&[f64]>,
        w: &mut YearBuffers,
    ) -> usize {
        let s = self.scenario;
        let YearBuffers {
            state,
            struck,
            weights,
            days: period_days,
            disrupted,
            ..
        } = w;
        struck.clear();
        if let Some(u) = uniforms {
            for (k, d) in s.disruptions.iter().enumerate() {
                if year < d.first_year || year > d.last_year {
                    continue;
                }
                let at = s.n_draws + (yi * s.disruptions.len() + k) * 2;
                if u[at] < d.annual_probability.value(uniforms) {
                    let days = d.duration_days.quantile(u[at + 1]).clamp(0.0, d.max_days);
                    if days > 0.0 {
                        struck.push((k, days));
                    }
                }
            }
        }
        let total: f64 = struck.iter().map(|(_, d)| d).sum();
        let scale = if total > 365.0 { 365.0 / total } else { 1.0 };
        weights.clear();
        period_days.clear();
        weights.push(1.0 - total * scale / 365.0);
        period_days.push(0.0);
        if disrupted.len() < struck.len() {
            disrupted.resize_with(struck.len(), Default::default);
        }
        for (i, &(k, days)) in struck.iter().enumerate() {
            let d = &s.disruptions[k];
            let loss = d.capacity_loss.value(uniforms);
            let dwell = d.added_dwell_h.value(uniforms);
            let (st, nodes) = &mut disrupted[i];
            st.clone_from(&*state);
            nodes.clone_from(&inst.nodes);
            for &l in &d.links {
                if loss >= 1.0 - 1e-12 {
                    st.open[l] = false;
                } else {
                    st.links[l].capacity_tpy *= 1.0 - loss;
                }
                if d.nodes.is_empty() {
                    st.links[l].t0_h += dwell;
                }
            }
            for &n in &d.nodes {
                nodes[n].border_h += dwell;
            }
            weights.push(days * scale / 365.0);
            period_days.push(days * scale);
        }
        1 + struck.len()
    }
}

/// Buffers of one replication's year loop, reused from year to year.
#[derive(Default)]
struct YearBuffers {
    state: YearState,
    active: Vec<bool>,
    fixed_t: Vec<f64>,
    reference_usd: Vec<f64>,
    /// Disruptions striking this year: (disruption, days).
    struck: Vec<(usize, f64)>,
    /// Per period: share of the year and days (0 for the normal period).
    weights: Vec<f64>,
    days: Vec<f64>,
    /// The network of each disrupted period (period p at p - 1).
    disrupted: Vec<(YearState, Vec<NodeValues>)>,
    /// Per period: routes and arcs (the normal period's kept while the network state
    /// stays the same), and its assignment.
    data: Vec<PeriodData>,
    assignments: Vec<Assignment>,
    scratch: Scratch,
    demand_scratch: DemandScratch,
    year_demand: YearDemand,
    acc: YearAcc,
}

/// One part of a year as the figures see it.
struct PeriodFacts<'s> {
    weight: f64,
    days: f64,
    state: &'s YearState,
    disrupted: bool,
}

/// Figures of one year summed over its periods, weighted by their share of the year.
#[derive(Default)]
struct YearAcc {
    links: Vec<[f64; 4]>,
    route_t: Vec<f64>,
    route_cost_t: Vec<f64>,
    route_time_t: Vec<f64>,
    /// Cost and time of each route in the normal period (used when it carries nothing).
    route_cost0: Vec<f64>,
    route_time0: Vec<f64>,
    route_avail: Vec<bool>,
    unserved: Vec<f64>,
    demand_t: Vec<f64>,
    iterations: f64,
    gap: f64,
    converged: bool,
    /// Disruption figures: days, added cost (USD), added time (t h), added unserved (t).
    disruption: [f64; 4],
    /// Each flow's mean cost and time per served tonne in the normal period.
    normal_rows: Vec<(f64, f64)>,
    normal_unserved: f64,
}

impl YearAcc {
    /// Starts a year, reusing the buffers of the last (the link rows are handed out
    /// with each year's figures, so they alone are allocated anew).
    fn reset(&mut self, s: &Scenario, rs: &RouteSet, demand_t: &[f64]) {
        fn fill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
            v.clear();
            v.resize(n, x);
        }
        let n: usize = rs.by_demand.iter().map(Vec::len).sum();
        self.links = vec![[0.0; 4]; s.links.len()];
        fill(&mut self.route_t, n, 0.0);
        fill(&mut self.route_cost_t, n, 0.0);
        fill(&mut self.route_time_t, n, 0.0);
        fill(&mut self.route_cost0, n, f64::NAN);
        fill(&mut self.route_time0, n, f64::NAN);
        fill(&mut self.route_avail, n, false);
        fill(&mut self.unserved, demand_t.len(), 0.0);
        self.demand_t.clear();
        self.demand_t.extend_from_slice(demand_t);
        self.iterations = 0.0;
        self.gap = 0.0;
        self.converged = true;
        self.disruption = [0.0; 4];
        self.normal_rows.clear();
        self.normal_unserved = 0.0;
    }

    fn add(&mut self, e: &Engine, p: &PeriodFacts, routes: &RouteData, a: &Assignment) {
        let w = p.weight;
        for (i, arc) in e.arcs.arcs.iter().enumerate() {
            let lv = &p.state.links[arc.link];
            let x = a.arc_flow_t[i];
            let row = &mut self.links[arc.link];
            row[0] += w * x;
            if lv.capacity_tpy.is_finite() && lv.capacity_tpy > 0.0 && p.state.open[arc.link] {
                row[1] += w * x / lv.capacity_tpy;
            }
            row[2] += w * (a.arc_time_h[i] - lv.t0_h).max(0.0);
        }
        for r in 0..routes.paths.len() {
            let f = a.route_flow_t[r];
            self.route_t[r] += w * f;
            self.route_cost_t[r] += w * f * a.route_cost_usd[r];
            self.route_time_t[r] += w * f * a.route_time_h[r];
            if !p.disrupted {
                self.route_avail[r] = routes.available[r];
                if routes.available[r] {
                    self.route_cost0[r] = a.route_cost_usd[r];
                    self.route_time0[r] = a.route_time_h[r];
                }
            }
        }
        for (u, x) in self.unserved.iter_mut().zip(&a.unserved_t) {
            *u += w * x;
        }
        self.iterations += a.iterations as f64;
        self.gap = self.gap.max(a.gap);
        self.converged &= a.converged;
        // Per flow: served tonnes and their mean cost and time in this period.
        let rows = (0..routes.n_rows()).map(|d| {
            let r = routes.rows(d);
            let served: f64 = a.route_flow_t[r.clone()].iter().sum();
            let cost: f64 = r
                .clone()
                .map(|i| a.route_flow_t[i] * a.route_cost_usd[i])
                .sum();
            let time: f64 = r.map(|i| a.route_flow_t[i] * a.route_time_h[i]).sum();
            (served, cost, time)
        });
        match p.disrupted {
            false => {
                self.normal_rows.clear();
                self.normal_rows.extend(
                    rows.map(|(t, c, h)| if t > 0.0 { (c / t, h / t) } else { (0.0, 0.0) }),
                );
                self.normal_unserved = a.unserved_t.iter().sum();
            }
            true => {
                // The freight that still moves pays the difference in its own flow's
                // mean cost and time; stranded freight is counted as added unserved.
                self.disruption[0] += p.days;
                for ((served, cost, time), (c0, h0)) in rows.zip(&self.normal_rows) {
                    if served > 0.0 {
                        self.disruption[1] += w * (cost - c0 * served);
                        self.disruption[2] += w * (time - h0 * served);
                    }
                }
                let unserved: f64 = a.unserved_t.iter().sum();
                self.disruption[3] += w * (unserved - self.normal_unserved);
            }
        }
    }

    fn finish(
        &mut self,
        e: &Engine,
        state: &YearState,
        rs: &RouteSet,
        gids: &[usize],
    ) -> YearFigures {
        let s = e.scenario;
        let mut links = std::mem::take(&mut self.links);
        for (l, row) in links.iter_mut().enumerate() {
            row[3] = if state.open[l] { 1.0 } else { 0.0 };
        }
        let nc = s.corridors.len();
        let mut corridors = vec![[0.0; 5]; nc + 1];
        let mut cost_sum = vec![0.0; nc];
        let mut time_sum = vec![0.0; nc];
        let mut demand = vec![[0.0; 5]; s.demand.len()];
        let mut route_figs = Vec::with_capacity(self.route_t.len());
        let total_demand: f64 = self.demand_t.iter().sum();
        let mut r = 0;
        for (d, cands) in rs.by_demand.iter().enumerate() {
            let (mut served, mut c_sum, mut t_sum) = (0.0, 0.0, 0.0);
            for route in cands {
                let f = self.route_t[r];
                let c = route.corridor;
                served += f;
                c_sum += self.route_cost_t[r];
                t_sum += self.route_time_t[r];
                corridors[c][0] += f;
                cost_sum[c] += self.route_cost_t[r];
                time_sum[c] += self.route_time_t[r];
                let (cost, time) = if f > 0.0 {
                    (self.route_cost_t[r] / f, self.route_time_t[r] / f)
                } else {
                    (self.route_cost0[r], self.route_time0[r])
                };
                let dem = self.demand_t[d];
                route_figs.push(RouteFigure {
                    gid: gids[r],
                    values: [f, if dem > 0.0 { f / dem } else { 0.0 }, cost, time],
                });
                r += 1;
            }
            let unserved = self.unserved[d];
            demand[d] = [
                self.demand_t[d],
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
            corridors[link.corridor][2] += links[l][0] * state.links[l].length_km;
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
                self.iterations,
                self.gap,
                if self.converged { 1.0 } else { 0.0 },
            ],
            disruption: self.disruption,
            induced: Vec::new(),
        }
    }
}

/// Arc data of one year, into a reused buffer.
fn arc_data(s: &Scenario, arcs: &Arcs, state: &YearState, out: &mut ArcData) {
    let ArcData {
        t0_h,
        capacity_tpy,
        bpr,
    } = out;
    t0_h.clear();
    t0_h.extend(arcs.arcs.iter().map(|a| state.links[a.link].t0_h));
    capacity_tpy.clear();
    capacity_tpy.extend(arcs.arcs.iter().map(|a| state.links[a.link].capacity_tpy));
    bpr.clear();
    bpr.extend(arcs.arcs.iter().map(|a| s.links[a.link].bpr));
}

/// Route data of one year, into a reused buffer: fixed money and hours per route from
/// link charges and node steps at this year's values.
fn route_data(
    s: &Scenario,
    arcs: &Arcs,
    nodes: &[NodeValues],
    state: &YearState,
    rs: &RouteSet,
    rd: &mut RouteData,
) {
    rd.start.clone_from(&rs.start);
    rd.paths.clone_from(&rs.paths);
    rd.ln_path_size.clone_from(&rs.ln_path_size);
    rd.fixed_usd.clear();
    rd.fixed_h.clear();
    rd.available.clear();
    for path in rs.paths.iter() {
        let (mut usd, mut h) = (0.0, 0.0);
        let mut prev = None;
        for &a in path {
            let arc = &arcs.arcs[a as usize];
            let st = node_step(s, &nodes[arc.tail], prev, Some(arc));
            usd += st.usd + state.links[arc.link].charge_usd_per_t();
            h += st.h;
            prev = Some(arc);
        }
        if let Some(last) = prev {
            let st = node_step(s, &nodes[last.head], Some(last), None);
            usd += st.usd;
            h += st.h;
        }
        rd.fixed_usd.push(usd);
        rd.fixed_h.push(h);
        rd.available
            .push(path.iter().all(|&a| state.open[arcs.arcs[a as usize].link]));
    }
}
