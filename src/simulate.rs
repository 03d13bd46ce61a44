//! One replication: draw the inputs, then for every year build the network state, take
//! its candidate routes (shared across replications), solve the equilibrium and record
//! the figures.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc as Shared, Mutex, OnceLock};

use crate::assignment::{
    ArcData, Assignment, RouteData, assign, carry_flows, extrapolate_flows, refill,
};
use crate::demand::{DemandCurves, ReferenceCosts, composite_cost, induced_figures, solve_year};
use crate::equilibrium::candidates;
use crate::figures::{RouteFigure, RouteInfo, YearFigures};
use crate::memo::AssignmentMemo;
use crate::model::Scenario;
use crate::network::{Arcs, Instance, NodeValues, YearState};
use crate::network_costs::cheapest_costs;
use crate::queues::QueueLayer;
use crate::route_data::{RouteDataCache, route_data};
use crate::routes::{RouteSet, build_route_set, cheapest_route};
use crate::shared_years::{SharedYears, copy_figures, engine_number};

/// A topology's candidate routes and their global ids.
type RouteEntry = (Shared<RouteSet>, Shared<Vec<usize>>);

/// Immutable model plus the shared caches: candidate routes per topology.
pub struct Engine<'a> {
    pub scenario: &'a Scenario,
    pub arcs: Arcs,
    pub nominal: Instance,
    /// Per network state, its entry, built once: a thread that needs a state another
    /// is building waits for it instead of building it twice.
    route_sets: Mutex<HashMap<Vec<bool>, Shared<OnceLock<RouteEntry>>>>,
    registry: Mutex<Registry>,
    /// Whether replications record `YearFigures::induced` (default true). Its
    /// composite costs take a logsum over every route each year; a run that does not
    /// report them (fixed demand, no appraisal) switches them off.
    pub record_induced: bool,
    /// With `record_missed_routes`: the flows the network check found missing a route,
    /// spelled out (`examples/missed_routes.rs`). `None` (the default): not recorded.
    missed: Option<Mutex<Vec<candidates::MissedRoute>>>,
    /// Years solved before, per thread: a year whose inputs equal an earlier one's
    /// takes its equilibrium (`memo`; the same bytes either way).
    memo: AssignmentMemo,
    /// Each route set's fixed route costs, for replications that share it.
    route_data: RouteDataCache,
    /// What each measure counts.
    measures: crate::measures::Counted,
    /// This engine's number, for the years a thread keeps (`shared_years`).
    number: u64,
    /// Whether a replication takes the first years it shares with the last one its
    /// thread simulated instead of simulating them (`shared_years`; default true, the
    /// same bytes either way).
    pub share_years: bool,
}

#[derive(Debug, Clone, Default)]
struct Registry {
    ids: HashMap<(usize, String), usize>,
    info: Vec<RouteInfo>,
}

/// Memo lanes of a year (`AssignmentMemo::assign`): its normal period, its first two
/// disrupted periods, and any later ones together.
const MEMO_LANES_PER_YEAR: usize = 4;

impl<'a> Engine<'a> {
    pub fn new(scenario: &'a Scenario) -> Engine<'a> {
        let arcs = Arcs::new(scenario);
        Engine {
            scenario,
            measures: crate::measures::Counted::new(scenario, &arcs),
            arcs,
            nominal: Instance::new(scenario, None),
            route_sets: Mutex::new(HashMap::new()),
            registry: Mutex::new(Registry::default()),
            record_induced: true,
            missed: None,
            memo: AssignmentMemo::default(),
            route_data: RouteDataCache::default(),
            number: engine_number(),
            share_years: true,
        }
    }

    /// Starts with the candidate routes `other` has found so far (with their route
    /// ids), so that the network states it has seen are not searched again; `other`
    /// must be an engine of the same scenario (otherwise this does nothing). Route sets
    /// are a function of the scenario and the state, so the runs are the same bytes.
    pub fn with_route_sets_of(self, other: &Engine) -> Self {
        if !std::ptr::eq(self.scenario, other.scenario) {
            return self;
        }
        *self.lock_sets() = other.lock_sets().clone();
        *self.registry.lock().unwrap_or_else(|e| e.into_inner()) = other
            .registry
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        self
    }

    /// Records, in every checked year, the flows whose candidates miss a cheaper network
    /// route (read them with `missed_routes`): a diagnostic, not used by the runs.
    pub fn record_missed_routes(mut self) -> Self {
        self.missed = Some(Mutex::new(Vec::new()));
        self
    }

    /// The flows recorded by `record_missed_routes`, in the order they were checked.
    pub fn missed_routes(&self) -> Vec<candidates::MissedRoute> {
        self.missed.as_ref().map_or_else(Vec::new, |m| {
            m.lock().unwrap_or_else(|e| e.into_inner()).clone()
        })
    }

    /// Candidate routes for a topology, computed once and shared. Each route's `gid`
    /// is looked up (or made) in the registry; ids are only names, never an order.
    /// Candidate routes for a network state: the open links and the events that have
    /// happened (a faster or cheaper link can bring new routes in), priced at nominal
    /// values. Computed once per state and shared.
    fn route_set(&self, open: &[bool], active: &[bool]) -> RouteEntry {
        let key: Vec<bool> = open.iter().chain(active).copied().collect();
        let cell = self.lock_sets().entry(key).or_default().clone();
        // Built outside the map's lock, once per state (`OnceLock` makes a second
        // thread asking for the same state wait for the first).
        cell.get_or_init(|| {
            let nominal = self.nominal.with_events(active);
            let rs = Shared::new(build_route_set(self.scenario, &self.arcs, &nominal, open));
            let gids = self.gids(&rs);
            (rs, gids)
        })
        .clone()
    }

    fn lock_sets(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<Vec<bool>, Shared<OnceLock<RouteEntry>>>> {
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
    /// disruption), without the network check of the candidate routes (its figures
    /// are NaN). Elastic demand pivots on each flow's own base-year cost.
    pub fn run(&self, uniforms: Option<&[f64]>) -> Vec<YearFigures> {
        self.run_with(uniforms, None)
    }

    /// Runs one replication; elastic demand pivots on `reference` where it gives a
    /// flow's cost in a year (an appraisal passes the base scenario's composite costs
    /// of the same replication, `ReferenceCosts::from_figures`), else on the flow's own
    /// base-year cost. Queue points take nominal daily arrivals (see `run_full`).
    pub fn run_with(
        &self,
        uniforms: Option<&[f64]>,
        reference: Option<&ReferenceCosts>,
    ) -> Vec<YearFigures> {
        self.run_full(uniforms, reference, None, false)
    }

    /// As `run`, with the network check of the candidate routes when `check_network`.
    pub fn run_checked(&self, uniforms: Option<&[f64]>, check_network: bool) -> Vec<YearFigures> {
        self.run_full(uniforms, None, None, check_network)
    }

    /// As `run_with`; `draws` names the run's (seed, replication) for the queue layer's
    /// own streams (`None`: nominal daily arrivals). With `check_network`, every year's
    /// normal period is also checked against network shortest paths (`network_gap`,
    /// `flows_missing_routes`; see `equilibrium::candidates`), which costs about three
    /// times the rest of a replication on the default scenario: the runner checks a
    /// sample (`runner::NETWORK_CHECK_EVERY`).
    pub fn run_full(
        &self,
        uniforms: Option<&[f64]>,
        reference: Option<&ReferenceCosts>,
        draws: Option<(u64, u64)>,
        check_network: bool,
    ) -> Vec<YearFigures> {
        let mut out = Vec::new();
        self.run_full_into(uniforms, reference, draws, check_network, &mut out);
        out
    }

    /// `run_full` into `out`, reusing the vectors of the figures it holds (a study
    /// keeps one set per replication of a chunk: `runner::replicate_range_into`); every
    /// figure is written afresh, so what `out` held before does not matter.
    pub fn run_full_into(
        &self,
        uniforms: Option<&[f64]>,
        reference: Option<&ReferenceCosts>,
        draws: Option<(u64, u64)>,
        check_network: bool,
        out: &mut Vec<YearFigures>,
    ) {
        let s = self.scenario;
        let inst = Instance::new(s, uniforms);
        let mut queues = QueueLayer::new(s, &self.arcs, uniforms, draws);
        out.resize_with(s.n_years(), YearFigures::default);
        let mut starts = Starts::default();
        thread_local! {
            /// Each thread's year accumulator, kept across its replications so that
            /// its vectors are not grown afresh in every replication.
            static YEAR_ACC: std::cell::Cell<YearAcc> = std::cell::Cell::default();
        }
        let mut acc = YEAR_ACC.take();
        let mut shared = SharedYears::take();
        shared.start(
            self.number,
            self.share_years && queues.is_none() && !check_network,
        );
        // The previous year's network state and its routes: most years change nothing.
        let mut last: Option<(Vec<bool>, Vec<bool>, RouteEntry)> = None;
        let mut normal_data: Option<(Shared<RouteSet>, Vec<bool>, RouteData, ArcData)> = None;
        let elastic = s.has_elastic_demand();
        let own_reference = if elastic {
            self.base_year_costs(&inst)
        } else {
            vec![f64::NAN; s.demand.len()]
        };
        let mut state = YearState::default();
        // (Buffers of the year, kept across years.)
        let (mut active, mut fixed_t, mut reference_usd) = (Vec::new(), Vec::new(), Vec::new());
        for (yi, year) in s.years().enumerate() {
            inst.year_state_into(year, &mut state);
            inst.active_events_into(year, &mut active);
            let (rs, gids) = match &last {
                Some((open, act, entry)) if *open == state.open && *act == active => entry.clone(),
                _ => {
                    let entry = self.route_set(&state.open, &active);
                    last = Some((state.open.clone(), active.clone(), entry.clone()));
                    entry
                }
            };
            fixed_t.clear();
            fixed_t.extend((0..s.demand.len()).map(|d| inst.demand_t(d, s.base_year, year)));
            reference_usd.clear();
            reference_usd.extend(s.demand.iter().enumerate().map(|(d, dem)| {
                reference
                    .and_then(|r| r.get(&dem.id, year))
                    .unwrap_or(own_reference[d])
            }));
            let periods = self.periods(&inst, &state, year, yi, uniforms);
            // The normal period's route costs and arcs change only with the network
            // state (route set, events): reuse last year's when it is the same.
            let reuse = normal_data
                .as_ref()
                .is_some_and(|(prev, act, _, _)| Shared::ptr_eq(prev, &rs) && *act == active);
            if !reuse {
                normal_data = Some((
                    rs.clone(),
                    active.clone(),
                    self.route_data.route_data(
                        s,
                        &self.arcs,
                        &periods[0].nodes,
                        &periods[0].state,
                        &rs,
                    ),
                    arc_data(s, &self.arcs, &periods[0].state),
                ));
            }
            let fresh: Vec<(RouteData, ArcData)> = periods[1..]
                .iter()
                .map(|p| {
                    (
                        route_data(s, &self.arcs, &p.nodes, &p.state, &rs),
                        arc_data(s, &self.arcs, &p.state),
                    )
                })
                .collect();
            let (_, _, normal_routes, normal_arcs) = normal_data.as_ref().expect("set above");
            let data: Vec<(&RouteData, &ArcData)> = std::iter::once((normal_routes, normal_arcs))
                .chain(fresh.iter().map(|(r, a)| (r, a)))
                .collect();
            // Every input the year reads beyond the flows of the years before (which
            // are the kept ones when every earlier year was taken): `shared_years`.
            let kept = shared.year(yi, |w| {
                w.word(u64::from(self.record_induced))
                    .state(&state)
                    .bools(&active);
                for (p, (routes, _)) in periods.iter().zip(&data) {
                    w.word(p.weight.to_bits())
                        .word(p.days.to_bits())
                        .word(p.disruption.map_or(0, |k| k as u64 + 1))
                        .state(&p.state)
                        .f64s(&routes.fixed_usd)
                        .f64s(&routes.fixed_h)
                        .bools(&routes.available);
                }
                w.f64s(&fixed_t)
                    .f64s(&reference_usd)
                    .f64s(&inst.vot_usd_per_t_h)
                    .f64s(&inst.elasticity);
            });
            if let Some(k) = kept {
                copy_figures(&mut out[yi], &k.figures);
                starts.push(k.routes.clone(), k.gids.clone(), k.flows.clone());
                continue;
            }
            // The normal period starts from the flows of the years before (`Starts`),
            // each disrupted period from this year's normal flows; later demand rounds
            // from their own previous round.
            let year_start = starts.start(&rs, &gids);
            let year_warm = year_start.as_deref();
            // Queue points: the normal period's waits and assignment are solved
            // together (a fixed point, `queues::QueueLayer::solve_year`); disrupted
            // periods take the waits it leaves.
            // (Collected only when there are queue points: `Vec::new` does not allocate.)
            let struck: Vec<(usize, f64)> = if queues.is_some() {
                periods
                    .iter()
                    .filter_map(|p| p.disruption.map(|k| (k, p.days)))
                    .collect()
            } else {
                Vec::new()
            };
            let mut queue_year = (Vec::new(), [0.0; 2], Vec::new());
            let assign_all = |demand_t: &[f64], prev: Option<&[Assignment]>| {
                let mut done: Vec<Assignment> = Vec::with_capacity(data.len());
                for (p, (routes, arcs)) in data.iter().enumerate() {
                    let a = {
                        let start = match prev {
                            Some(prev) => Some(prev[p].route_flow_t.as_slice()),
                            None if p == 0 => year_warm,
                            None => Some(done[0].route_flow_t.as_slice()),
                        };
                        let solve = |arcs: &ArcData, warm: Option<&[f64]>| {
                            self.memo.assign(
                                yi * MEMO_LANES_PER_YEAR + p.min(MEMO_LANES_PER_YEAR - 1),
                                &s.route_choice,
                                arcs,
                                routes,
                                demand_t,
                                &inst.vot_usd_per_t_h,
                                warm.or(start),
                            )
                        };
                        match queues.as_mut() {
                            None => solve(arcs, None),
                            Some(q) if p == 0 => {
                                let (a, figs, conv, trace) =
                                    q.solve_year(year, &struck, uniforms, arcs, solve);
                                queue_year = (figs, conv, trace);
                                a
                            }
                            Some(q) => solve(&q.adjust(arcs), None),
                        }
                    };
                    done.push(a);
                }
                done
            };
            let weighted: Vec<(f64, &RouteData)> = periods
                .iter()
                .zip(&data)
                .map(|(p, (r, _))| (p.weight, *r))
                .collect();
            let curves = DemandCurves {
                fixed_t: &fixed_t,
                elasticity: &inst.elasticity,
                reference_usd_per_t: &reference_usd,
                want_composite: self.record_induced,
            };
            let (year_demand, assignments) =
                solve_year(&s.route_choice, &curves, &weighted, assign_all);
            acc.start(s, &rs, &year_demand.demand_t, year);
            if check_network {
                let (p0, (routes, _), a) = (&periods[0], &data[0], &assignments[0]);
                let cheapest = cheapest_costs(
                    s,
                    &self.arcs,
                    &p0.nodes,
                    &p0.state.links,
                    &p0.state.open,
                    &a.arc_time_h,
                    &inst.vot_usd_per_t_h,
                );
                let c = candidates::check(routes, a, &year_demand.demand_t, &cheapest);
                acc.check_figures = [c.network_gap, c.flows_missing_routes as f64];
                if let Some(m) = &self.missed {
                    let missed = candidates::missed_routes(
                        year,
                        routes,
                        a,
                        &year_demand.demand_t,
                        &cheapest,
                        |d| {
                            cheapest_route(
                                s,
                                &self.arcs,
                                &p0.nodes,
                                &p0.state.links,
                                &p0.state.open,
                                &a.arc_time_h,
                                inst.vot_usd_per_t_h[d],
                                d,
                            )
                        },
                    );
                    m.lock().unwrap_or_else(|e| e.into_inner()).extend(missed);
                }
            } else {
                acc.check_figures = [f64::NAN; 2];
            }
            for (period, ((routes, _), a)) in periods.iter().zip(data.iter().zip(&assignments)) {
                acc.add(self, period, routes, a);
            }
            if elastic {
                acc.gap = acc.gap.max(year_demand.gap);
                acc.converged &= year_demand.converged;
            }
            let figures = &mut out[yi];
            acc.finish_into(self, &state, &rs, &gids, figures);
            // (`finish_into` left them empty.)
            if self.record_induced {
                figures.induced = induced_figures(&fixed_t, &year_demand, &reference_usd);
            }
            (
                figures.queues,
                figures.queue_convergence,
                figures.queue_trace,
            ) = queue_year;
            let normal_flows = assignments.into_iter().next().map(|a| a.route_flow_t);
            if let Some(flows) = normal_flows {
                shared.keep(yi, figures, &rs, &gids, &flows);
                starts.push(rs, gids, flows);
            }
        }
        YEAR_ACC.set(acc);
        shared.put();
    }

    /// Each flow's composite cost in the base year on the undisrupted network with the
    /// base-year tonnes: where elastic demand pivots by default.
    fn base_year_costs(&self, inst: &Instance) -> Vec<f64> {
        let s = self.scenario;
        let b = s.base_year;
        let state = inst.year_state(b);
        let (rs, _) = self.route_set(&state.open, &inst.active_events(b));
        let routes = route_data(s, &self.arcs, &inst.nodes, &state, &rs);
        let arcs = arc_data(s, &self.arcs, &state);
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
    /// down to fit.
    fn periods<'s>(
        &self,
        inst: &'s Instance,
        state: &'s YearState,
        year: i32,
        yi: usize,
        uniforms: Option<&[f64]>,
    ) -> Vec<Period<'s>> {
        let s = self.scenario;
        let mut struck: Vec<(usize, f64)> = Vec::new();
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
        let mut periods = vec![Period {
            weight: 1.0 - total * scale / 365.0,
            days: 0.0,
            state: Cow::Borrowed(state),
            nodes: Cow::Borrowed(&inst.nodes),
            disruption: None,
        }];
        for (k, days) in struck {
            let d = &s.disruptions[k];
            let loss = d.capacity_loss.value(uniforms);
            let dwell = d.added_dwell_h.value(uniforms);
            let mut st = state.clone();
            let mut nodes = inst.nodes.clone();
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
            periods.push(Period {
                weight: days * scale / 365.0,
                days: days * scale,
                state: Cow::Owned(st),
                nodes: Cow::Owned(nodes),
                disruption: Some(k),
            });
        }
        periods
    }
}

/// The normal flows of the last two years, and what the next year starts from.
#[derive(Default)]
struct Starts {
    last: Option<SolvedYear>,
    before: Option<SolvedYear>,
}

struct SolvedYear {
    routes: Shared<RouteSet>,
    gids: Shared<Vec<usize>>,
    flows: Vec<f64>,
}

impl Starts {
    fn push(&mut self, routes: Shared<RouteSet>, gids: Shared<Vec<usize>>, flows: Vec<f64>) {
        self.before = self.last.replace(SolvedYear {
            routes,
            gids,
            flows,
        });
    }

    /// The flows a year on `routes` starts from: the trend of the last two years when
    /// both ran on these routes (about a third fewer sweeps than last year's flows
    /// alone: docs/PERFORMANCE.md, wave 8), last year's flows when only it did, and
    /// after a change of routes (an opening, an event) last year's flows of the routes
    /// kept, NaN for the new ones (`carry_flows`). None in the first year.
    fn start(&self, routes: &Shared<RouteSet>, gids: &[usize]) -> Option<Cow<'_, [f64]>> {
        let last = self.last.as_ref()?;
        if !Shared::ptr_eq(&last.routes, routes) {
            return Some(Cow::Owned(carry_flows(&last.gids, &last.flows, gids)));
        }
        Some(match &self.before {
            Some(before) if Shared::ptr_eq(&before.routes, routes) => {
                Cow::Owned(extrapolate_flows(&last.flows, &before.flows))
            }
            _ => Cow::Borrowed(last.flows.as_slice()),
        })
    }
}

/// One part of a year with its own network (borrowed for the normal period).
struct Period<'s> {
    weight: f64,
    days: f64,
    state: Cow<'s, YearState>,
    nodes: Cow<'s, [NodeValues]>,
    disruption: Option<usize>,
}

/// Figures of one year summed over its periods, weighted by their share of the year.
#[derive(Default)]
struct YearAcc {
    year: i32,
    links: Vec<[f64; 4]>,
    /// Tonnes per arc (direction), for the measures; empty when there are none.
    arc_t: Vec<f64>,
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
    /// The normal period's check of the candidate routes against the network
    /// (network gap, flows missing routes), or NaN when the replication is not checked.
    check_figures: [f64; 2],
    /// Disruption figures: days, added cost (USD), added time (t h), added unserved (t).
    disruption: [f64; 4],
    /// Each flow's mean cost and time per served tonne in the normal period.
    normal_rows: Vec<(f64, f64)>,
    normal_unserved: f64,
    /// Each corridor's tonnes times cost and times time (working space of `finish_into`).
    corridor_cost: Vec<f64>,
    corridor_time: Vec<f64>,
}

impl YearAcc {
    /// Starts a year: every figure at zero (costs and times of idle routes unknown),
    /// in the buffers of the year before (a replication's years reuse one `YearAcc`).
    fn start(&mut self, s: &Scenario, rs: &RouteSet, demand_t: &[f64], year: i32) {
        let n: usize = rs.by_demand.iter().map(Vec::len).sum();
        let n_arcs = if s.measures.is_empty() {
            0
        } else {
            s.links.iter().map(|l| 1 + usize::from(l.two_way)).sum()
        };
        self.year = year;
        refill(&mut self.links, s.links.len(), [0.0; 4]);
        refill(&mut self.arc_t, n_arcs, 0.0);
        refill(&mut self.route_t, n, 0.0);
        refill(&mut self.route_cost_t, n, 0.0);
        refill(&mut self.route_time_t, n, 0.0);
        refill(&mut self.route_cost0, n, f64::NAN);
        refill(&mut self.route_time0, n, f64::NAN);
        refill(&mut self.route_avail, n, false);
        refill(&mut self.unserved, demand_t.len(), 0.0);
        self.demand_t.clear();
        self.demand_t.extend_from_slice(demand_t);
        self.iterations = 0.0;
        self.gap = 0.0;
        self.converged = true;
        self.check_figures = [0.0; 2];
        self.disruption = [0.0; 4];
        self.normal_rows.clear();
        self.normal_unserved = 0.0;
    }

    fn add(&mut self, e: &Engine, p: &Period, routes: &RouteData, a: &Assignment) {
        let w = p.weight;
        // Link by link, its forward arc then its reverse one (the arcs' own order, so
        // each figure adds the same terms in the same order as arc by arc).
        debug_assert!(
            [e.arcs.arc_of.len(), p.state.links.len(), p.state.open.len()]
                .iter()
                .all(|&n| n == self.links.len())
        );
        for ((row, &(fwd, rev)), (lv, &open)) in self
            .links
            .iter_mut()
            .zip(&e.arcs.arc_of)
            .zip(p.state.links.iter().zip(&p.state.open))
        {
            let utilised = lv.capacity_tpy.is_finite() && lv.capacity_tpy > 0.0 && open;
            for i in std::iter::once(fwd).chain(rev) {
                let x = a.arc_flow_t[i];
                row[0] += w * x;
                if utilised {
                    row[1] += w * x / lv.capacity_tpy;
                }
                row[2] += w * (a.arc_time_h[i] - lv.t0_h).max(0.0);
            }
        }
        for (t, x) in self.arc_t.iter_mut().zip(&a.arc_flow_t) {
            *t += w * x;
        }
        // Each route's weighted tonnes, tonne-costs and tonne-hours (loops without an
        // index or a branch, in the same arithmetic as the figures always had).
        let n = routes.paths.len();
        let (flow, cost, time) = (
            &a.route_flow_t[..n],
            &a.route_cost_usd[..n],
            &a.route_time_h[..n],
        );
        for (t, &f) in self.route_t[..n].iter_mut().zip(flow) {
            *t += w * f;
        }
        for ((ct, &f), &c) in self.route_cost_t[..n].iter_mut().zip(flow).zip(cost) {
            *ct += w * f * c;
        }
        for ((ht, &f), &h) in self.route_time_t[..n].iter_mut().zip(flow).zip(time) {
            *ht += w * f * h;
        }
        if p.disruption.is_none() {
            let available = &routes.available[..n];
            self.route_avail[..n].copy_from_slice(available);
            for (((c0, h0), &av), (&c, &h)) in self.route_cost0[..n]
                .iter_mut()
                .zip(&mut self.route_time0[..n])
                .zip(available)
                .zip(cost.iter().zip(time))
            {
                if av {
                    *c0 = c;
                    *h0 = h;
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
            let flow = &a.route_flow_t[r.clone()];
            let served: f64 = flow.iter().sum();
            let cost: f64 = flow
                .iter()
                .zip(&a.route_cost_usd[r.clone()])
                .map(|(f, c)| f * c)
                .sum();
            let time: f64 = flow
                .iter()
                .zip(&a.route_time_h[r])
                .map(|(f, h)| f * h)
                .sum();
            (served, cost, time)
        });
        match p.disruption {
            None => {
                self.normal_rows.clear();
                self.normal_rows.extend(
                    rows.map(|(t, c, h)| if t > 0.0 { (c / t, h / t) } else { (0.0, 0.0) }),
                );
                self.normal_unserved = a.unserved_t.iter().sum();
            }
            Some(_) => {
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

    /// The year's figures into `out`, in its vectors (the buffers stay for the next
    /// year's `start`; `out`'s induced-demand and queue figures are the caller's).
    fn finish_into(
        &mut self,
        e: &Engine,
        state: &YearState,
        rs: &RouteSet,
        gids: &[usize],
        out: &mut YearFigures,
    ) {
        let s = e.scenario;
        let mut links = std::mem::take(&mut out.links);
        links.clear();
        links.extend_from_slice(&self.links);
        for (row, &open) in links.iter_mut().zip(&state.open) {
            row[3] = if open { 1.0 } else { 0.0 };
        }
        let nc = s.corridors.len();
        let mut corridors = std::mem::take(&mut out.corridors);
        refill(&mut corridors, nc + 1, [0.0; 5]);
        let (mut cost_sum, mut time_sum) = (
            std::mem::take(&mut self.corridor_cost),
            std::mem::take(&mut self.corridor_time),
        );
        refill(&mut cost_sum, nc, 0.0);
        refill(&mut time_sum, nc, 0.0);
        let mut demand = std::mem::take(&mut out.demand);
        refill(&mut demand, s.demand.len(), [0.0; 5]);
        let mut route_figs = std::mem::take(&mut out.routes);
        route_figs.clear();
        route_figs.reserve(self.route_t.len());
        let total_demand: f64 = self.demand_t.iter().sum();
        let mut r = 0;
        for (d, cands) in rs.by_demand.iter().enumerate() {
            let (mut served, mut c_sum, mut t_sum) = (0.0, 0.0, 0.0);
            let row = r..r + cands.len();
            r = row.end;
            for (((&f, &ct), &ht), ((&c0, &h0), (&c, &gid))) in self.route_t[row.clone()]
                .iter()
                .zip(&self.route_cost_t[row.clone()])
                .zip(&self.route_time_t[row.clone()])
                .zip(
                    self.route_cost0[row.clone()]
                        .iter()
                        .zip(&self.route_time0[row.clone()])
                        .zip(rs.corridor[row.clone()].iter().zip(&gids[row])),
                )
            {
                let c = c as usize;
                served += f;
                c_sum += ct;
                t_sum += ht;
                corridors[c][0] += f;
                cost_sum[c] += ct;
                time_sum[c] += ht;
                let (cost, time) = if f > 0.0 { (ct / f, ht / f) } else { (c0, h0) };
                route_figs.push(RouteFigure {
                    gid: gid as u32,
                    demand: d as u32,
                    values: [f, cost, time],
                });
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
        for ((link, row), lv) in s.links.iter().zip(&links).zip(&state.links) {
            corridors[link.corridor][2] += row[0] * lv.length_km;
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
        (self.corridor_cost, self.corridor_time) = (cost_sum, time_sum);
        let mut measures = std::mem::take(&mut out.measures);
        crate::measures::year_figures_into(
            s,
            &e.measures,
            &self.arc_t,
            &demand,
            self.year,
            &mut measures,
        );
        *out = YearFigures {
            links,
            corridors,
            demand,
            routes: route_figs,
            convergence: [
                self.iterations,
                self.gap,
                if self.converged { 1.0 } else { 0.0 },
                self.check_figures[0],
                self.check_figures[1],
            ],
            disruption: self.disruption,
            induced: Vec::new(),
            measures,
            queues: Vec::new(),
            queue_convergence: [0.0; 2],
            queue_trace: Vec::new(),
        };
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
