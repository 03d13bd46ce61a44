//! Results: figures of every replication collected in replication order, then
//! summarised into tables (one row per year and item, columns per metric and statistic).

use rayon::prelude::*;

mod queue_trace;

use crate::figures::{
    CONVERGENCE_METRICS, CORRIDOR_METRICS, DEMAND_METRICS, DISRUPTION_METRICS, INDUCED_METRICS,
    LINK_METRICS, MEASURE_METRICS, QUEUE_CONVERGENCE_METRICS, QUEUE_METRICS, ROUTE_METRICS,
    RouteFigure, RouteInfo, YearFigures,
};
use crate::figures::{QUEUE_DAYS, QUEUE_TRACE_FIGURES};
use crate::model::Scenario;
use crate::network::Instance;
use crate::stats::{Acc, EXACT_BUDGET, Summary};

/// A results table: key columns, then every metric with its statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub key_columns: Vec<&'static str>,
    pub metrics: Vec<&'static str>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub keys: Vec<String>,
    pub stats: Vec<Summary>,
}

impl Table {
    /// Index of a metric column, for readers of the table.
    pub fn metric(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| *m == name)
    }

    pub fn key(&self, name: &str) -> Option<usize> {
        self.key_columns.iter().position(|m| *m == name)
    }
}

/// All tables of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub routes: Table,
    pub corridors: Table,
    pub links: Table,
    pub od: Table,
    pub convergence: Table,
    /// Per year, when the scenario has disruptions.
    pub disruptions: Option<Table>,
    /// Per year and measure, when the scenario has `[[measures]]`.
    pub measures: Option<Table>,
    /// Per year and queue point, when the scenario has queue points (`queues.csv`).
    pub queues: Option<Table>,
    /// Per queue point and day of `Scenario::queue_trace_year`, when the scenario has
    /// queue points (`queue_trace.csv`, see `queue_trace`).
    pub queue_trace: Option<Table>,
    /// Replications actually simulated.
    pub replications: u64,
    /// Whether percentiles are sketched (within `stats::SKETCH_ACCURACY`) or exact.
    pub sketched: bool,
}

impl Results {
    pub fn tables(&self) -> Vec<&Table> {
        let mut t = vec![
            &self.corridors,
            &self.routes,
            &self.links,
            &self.od,
            &self.convergence,
        ];
        t.extend(self.disruptions.as_ref());
        t.extend(self.measures.as_ref());
        t.extend(self.queues.as_ref());
        t.extend(self.queue_trace.as_ref());
        t
    }

    /// Warnings for the years in which some flow had a cheaper route over the network
    /// than all its candidate routes (`convergence.csv`, `flows_missing_routes`; see
    /// `equilibrium::candidates`). Empty when the candidate sets hold every route the
    /// equilibrium needs. The library returns them; the command line prints them.
    pub fn candidate_route_warnings(&self) -> Vec<String> {
        let t = &self.convergence;
        let (Some(miss), Some(ng), Some(g)) = (
            t.metric("flows_missing_routes"),
            t.metric("network_gap"),
            t.metric("gap"),
        ) else {
            return Vec::new();
        };
        let years: Vec<&Row> = t.rows.iter().filter(|r| r.stats[miss].mean > 0.0).collect();
        let Some(first) = years.first() else {
            return Vec::new();
        };
        let most = years
            .iter()
            .map(|r| r.stats[miss].p[4])
            .fold(0.0, f64::max)
            .round();
        let worst = years
            .iter()
            .max_by(|a, b| a.stats[ng].mean.total_cmp(&b.stats[ng].mean))
            .unwrap_or(first);
        vec![format!(
            "candidate routes miss cheaper routes over the network in {} year{} ({}{}): up to {} flow{} \
             (95th percentile) had a route cheaper than all its candidates at the final flows; in {} the \
             relative gap against network shortest paths is {:.2e} against {:.2e} over the candidates. \
             If the cheaper route is real, raise route_choice.k_routes or max_detour, set \
             distinct_corridors = false, or (for flows with explicit [[routes]]) add it; if the flow cannot \
             take it, say so with the flow's `modes` or `avoid_nodes` (`examples/missed_routes.rs` lists the \
             flows and routes)",
            years.len(),
            if years.len() == 1 { "" } else { "s" },
            first.keys[0],
            if years.len() > 1 {
                format!("-{}", years[years.len() - 1].keys[0])
            } else {
                String::new()
            },
            most,
            if most == 1.0 { "" } else { "s" },
            worst.keys[0],
            worst.stats[ng].mean,
            worst.stats[g].mean,
        )]
    }
}

/// Figures of a fixed layout: one row of `width` values per replication, stored row
/// after row (one copy per replication), or one sketch per figure past the budget.
#[derive(Debug, Clone)]
pub(crate) enum Columns {
    Exact { width: usize, data: Vec<f64> },
    Sketched(Vec<Acc>),
}

impl Columns {
    fn new(width: usize) -> Columns {
        Columns::Exact {
            width,
            data: Vec::new(),
        }
    }

    fn push_rows(&mut self, rows: &[Vec<f64>]) {
        match self {
            Columns::Exact { data, .. } => rows.iter().for_each(|r| data.extend_from_slice(r)),
            Columns::Sketched(accs) => accs.par_iter_mut().enumerate().for_each_init(
                || Vec::with_capacity(rows.len()),
                |column: &mut Vec<f64>, (f, acc)| {
                    column.clear();
                    column.extend(rows.iter().map(|r| r[f]));
                    acc.push_many(column);
                },
            ),
        }
    }

    /// Pushes a chunk of replications' figures of one group whose figures are, per
    /// year, one row of `M` metrics per item (`rows`), laid out per replication as
    /// years x items x metrics. Exact storage appends row after row; sketches take each
    /// figure's values over the chunk as one block (figures in parallel, each in
    /// replication order), gathered through each replication's rows of a year, found
    /// once per chunk (a bounds check and a load per value).
    fn push_rows_of<const M: usize>(
        &mut self,
        reps: &[Vec<YearFigures>],
        rows: impl Fn(&YearFigures) -> &[[f64; M]] + Sync,
    ) {
        let Some(first) = reps.first() else { return };
        let items = first.first().map_or(0, |y| rows(y).len());
        let per_year = items * M;
        if per_year == 0 {
            return;
        }
        match self {
            Columns::Exact { width, data } => {
                data.reserve(reps.len() * *width);
                for years in reps {
                    debug_assert_eq!(years.len() * per_year, *width);
                    for y in years {
                        rows(y).iter().for_each(|row| data.extend_from_slice(row));
                    }
                }
            }
            Columns::Sketched(accs) => {
                // Per year, every replication's rows (in replication order).
                let by_year: Vec<Vec<&[[f64; M]]>> = (0..first.len())
                    .map(|y| reps.iter().map(|years| rows(&years[y])).collect())
                    .collect();
                debug_assert!(by_year.iter().flatten().all(|r| r.len() == items));
                accs.par_iter_mut().enumerate().for_each_init(
                    || Vec::with_capacity(reps.len()),
                    |column: &mut Vec<f64>, (f, acc)| {
                        let (y, rest) = (f / per_year, f % per_year);
                        let (i, m) = (rest / M, rest % M);
                        column.clear();
                        column.extend(by_year[y].iter().map(|r| r[i][m]));
                        acc.push_many(column);
                    },
                )
            }
        }
    }

    /// Appends the figures of later replications (see `Acc::append`).
    fn append(&mut self, later: Columns) {
        match (&mut *self, later) {
            (Columns::Exact { data, .. }, Columns::Exact { data: more, .. }) => {
                data.extend_from_slice(&more)
            }
            (_, mut more) => {
                self.switch_to_sketch();
                more.switch_to_sketch();
                if let (Columns::Sketched(a), Columns::Sketched(b)) = (self, more) {
                    a.par_iter_mut()
                        .zip(b.into_par_iter())
                        .for_each(|(a, b)| a.append(b));
                }
            }
        }
    }

    fn switch_to_sketch(&mut self) {
        if let Columns::Exact { width, data } = self {
            let mut accs = vec![Acc::default(); *width];
            for row in data.chunks_exact((*width).max(1)) {
                for (acc, v) in accs.iter_mut().zip(row) {
                    acc.push(*v);
                }
            }
            accs.iter_mut().for_each(Acc::switch_to_sketch);
            *self = Columns::Sketched(accs);
        }
    }

    /// Every figure's summary, in figure order (in parallel over the figures).
    fn summaries(&mut self) -> Vec<Summary> {
        match self {
            Columns::Exact { width, data } => (0..*width)
                .into_par_iter()
                .map(|f| {
                    let mut column: Vec<f64> =
                        data.iter().skip(f).step_by(*width).copied().collect();
                    Summary::of(&mut column)
                })
                .collect(),
            Columns::Sketched(accs) => accs.par_iter_mut().map(|a| a.summary()).collect(),
        }
    }
}

/// Figures `at..at + n` of summaries `s`.
fn part(s: &[Summary], at: usize, n: usize) -> Vec<Summary> {
    s[at..at + n].to_vec()
}

/// Collects figures replication by replication (call `add` in replication order).
#[derive(Debug, Clone)]
pub struct Collector {
    pub(crate) n_years: usize,
    pub(crate) links: Columns,
    pub(crate) corridors: Columns,
    pub(crate) demand: Columns,
    pub(crate) convergence: Columns,
    pub(crate) disruptions: Columns,
    /// Variable-demand figures per year and flow; empty unless some flow is elastic.
    pub(crate) induced: Columns,
    /// Whether some flow is elastic (the od table then has `INDUCED_METRICS` too).
    pub(crate) elastic: bool,
    pub(crate) measures: Columns,
    /// Queue points per year, then the queue fixed point per year, then the daily trace
    /// of the trace year (empty without queues).
    pub(crate) queues: Columns,
    /// Per year, per global route id.
    pub(crate) routes: Vec<Vec<Option<Box<[Acc; 4]>>>>,
    /// Per year and flow, its demand when every replication has the same
    /// (`fixed_demand`): a route's share is then its tonnes over that number in every
    /// replication, so it is summarised from the tonnes' summary instead of folded (its
    /// accumulators stay empty).
    pub(crate) route_share_over: Option<Vec<Vec<f64>>>,
    /// Per year, the chunk's route values being gathered (working space of
    /// `add_chunk`, kept so that it does not reallocate).
    route_columns: Vec<RouteColumns>,
    /// Values recorded (held exactly until they pass `budget`, then everything
    /// switches to sketches).
    pub(crate) stored: usize,
    pub(crate) budget: usize,
    pub(crate) sketched: bool,
    pub(crate) reps: u64,
}

/// One year's route values of a chunk, gathered per route and metric in replication
/// order (`Collector::add_chunk`). Each global route id met in the year gets a slot,
/// kept from chunk to chunk: slot `k`'s values of its `w`-th column are
/// `values[(width k + w) n..][..counts[k]]`, with `n` the chunk's replications (a route
/// is at most once in a replication's year); the columns are the route metrics, the
/// share left out when it is not gathered.
#[derive(Debug, Clone, Default)]
struct RouteColumns {
    /// Replications of the chunk: the stride of a metric's column.
    n: usize,
    /// Whether the shares are gathered (not when they are summarised from the tonnes).
    with_share: bool,
    /// Columns per slot: 4, or 3 without the shares.
    width: usize,
    /// Per global route id, its slot + 1 (0: none yet).
    slot_of: Vec<u32>,
    /// Per slot, its global route id and the chunk's values put so far.
    gids: Vec<usize>,
    counts: Vec<u32>,
    values: Vec<f64>,
}

impl RouteColumns {
    /// Empties the columns for a chunk of `n` replications, to gather their shares or
    /// not.
    fn start(&mut self, n: usize, with_share: bool) {
        self.n = n;
        self.with_share = with_share;
        self.width = if with_share { 4 } else { 3 };
        self.counts.iter_mut().for_each(|c| *c = 0);
        self.values.resize(self.gids.len() * self.width * n, 0.0);
    }

    /// Appends a route's values of one replication (`year`: the figures it belongs to).
    #[inline]
    fn put(&mut self, rf: &RouteFigure, year: &YearFigures) {
        let g = rf.gid();
        if g >= self.slot_of.len() {
            self.slot_of.resize(g + 1, 0);
        }
        if self.slot_of[g] == 0 {
            self.gids.push(g);
            self.counts.push(0);
            self.values
                .resize(self.gids.len() * self.width * self.n, 0.0);
            self.slot_of[g] = self.gids.len() as u32;
        }
        let slot = self.slot_of[g] as usize - 1;
        let k = self.counts[slot] as usize;
        self.counts[slot] += 1;
        let (n, w) = (self.n, self.width);
        let at = w * slot * n + k;
        self.values[at] = rf.tonnes();
        if self.with_share {
            self.values[at + n] = rf.share(year);
        }
        self.values[at + (w - 2) * n] = rf.cost_usd_per_t();
        self.values[at + (w - 1) * n] = rf.transit_time_h();
    }

    /// Each route with values in this chunk (its global id, in the order the year
    /// first met them), with its four columns (the share's empty when it was not put).
    fn drain(&self) -> impl Iterator<Item = (usize, [&[f64]; 4])> + '_ {
        let (n, w) = (self.n, self.width);
        self.gids
            .iter()
            .zip(&self.counts)
            .enumerate()
            .filter(|(_, (_, c))| **c > 0)
            .map(move |(k, (&g, &c))| {
                let col = |w_th: usize| &self.values[(w * k + w_th) * n..][..c as usize];
                let share: &[f64] = if self.with_share { col(1) } else { &[] };
                (g, [col(0), share, col(w - 2), col(w - 1)])
            })
    }
}

impl Collector {
    pub fn new(s: &Scenario) -> Collector {
        Collector::with_budget(s, EXACT_BUDGET)
    }

    /// A collector that holds at most `budget` values exactly.
    pub fn with_budget(s: &Scenario, budget: usize) -> Collector {
        let ny = s.n_years();
        Collector {
            n_years: ny,
            links: Columns::new(ny * s.links.len() * LINK_METRICS.len()),
            corridors: Columns::new(ny * (s.corridors.len() + 1) * CORRIDOR_METRICS.len()),
            demand: Columns::new(ny * s.demand.len() * DEMAND_METRICS.len()),
            convergence: Columns::new(ny * CONVERGENCE_METRICS.len()),
            disruptions: Columns::new(ny * DISRUPTION_METRICS.len()),
            induced: Columns::new(if s.has_elastic_demand() {
                ny * s.demand.len() * INDUCED_METRICS.len()
            } else {
                0
            }),
            elastic: s.has_elastic_demand(),
            measures: Columns::new(ny * s.measures.len() * MEASURE_METRICS.len()),
            queues: Columns::new(if s.queues.is_empty() {
                0
            } else {
                ny * (s.queues.len() * QUEUE_METRICS.len() + QUEUE_CONVERGENCE_METRICS.len())
                    + s.queues.len() * QUEUE_DAYS * QUEUE_TRACE_FIGURES.len()
            }),
            routes: vec![Vec::new(); ny],
            route_share_over: fixed_demand(s),
            route_columns: vec![RouteColumns::default(); ny],
            stored: 0,
            budget,
            sketched: false,
            reps: 0,
        }
    }

    /// A collector for a study of `replications` that holds at most `budget` values
    /// exactly. When the study's fixed figures alone pass the budget it sketches from
    /// the start: the outcome is the same as switching later (a sketch depends only on
    /// the values it was given), in less memory and time.
    pub fn for_study(s: &Scenario, budget: usize, replications: u64) -> Collector {
        let mut c = Collector::with_budget(s, budget);
        let fixed = (replications as u128).saturating_mul(c.row_width() as u128);
        if fixed > budget as u128 {
            c.sketch_all();
        }
        c
    }

    /// Appends the figures of the replications that follow this collector's (another
    /// part of the same study, collected by a collector of the same budget): the
    /// result is the collector one pass over all of them gives. `remap[g]` is this
    /// collector's id of `later`'s global route `g`.
    pub fn append(&mut self, later: Collector, remap: &[usize]) {
        if later.sketched && !self.sketched {
            self.sketch_all();
        }
        let sketched = self.sketched;
        let groups = [
            (&mut self.links, later.links),
            (&mut self.corridors, later.corridors),
            (&mut self.demand, later.demand),
            (&mut self.convergence, later.convergence),
            (&mut self.disruptions, later.disruptions),
            (&mut self.induced, later.induced),
            (&mut self.measures, later.measures),
            (&mut self.queues, later.queues),
        ];
        for (cols, more) in groups {
            cols.append(more);
        }
        for (slots, more) in self.routes.iter_mut().zip(later.routes) {
            for (g, accs) in more.into_iter().enumerate() {
                let Some(mut accs) = accs else { continue };
                let at = remap[g];
                if slots.len() <= at {
                    slots.resize(at + 1, None);
                }
                if sketched {
                    accs.iter_mut().for_each(Acc::switch_to_sketch);
                }
                match &mut slots[at] {
                    Some(mine) => {
                        for (a, b) in mine.iter_mut().zip(*accs) {
                            a.append(b);
                        }
                    }
                    empty => *empty = Some(accs),
                }
            }
        }
        self.reps += later.reps;
        self.stored += later.stored;
        if !self.sketched && self.stored > self.budget {
            self.sketch_all();
        }
    }

    /// Replications collected.
    pub fn replications(&self) -> u64 {
        self.reps
    }

    /// Adds one replication's figures.
    pub fn add(&mut self, years: &[YearFigures]) {
        self.add_chunk(std::slice::from_ref(&years.to_vec()));
    }

    /// Adds consecutive replications' figures, in order. Figures are independent of
    /// each other, so each is filled by one worker (rayon) in replication order: the
    /// result does not depend on the number of threads.
    pub fn add_chunk(&mut self, reps: &[Vec<YearFigures>]) {
        debug_assert!(reps.iter().all(|r| r.len() == self.n_years));
        if reps.first().and_then(|r| r.first()).is_none() {
            return;
        }
        let elastic = self.elastic;
        let has_queues = reps.iter().flatten().any(|y| !y.queues.is_empty());
        let queue_rows: Vec<Vec<f64>> = reps
            .iter()
            .map(|years| {
                if !has_queues {
                    return Vec::new();
                }
                let mut row: Vec<f64> = years
                    .iter()
                    .flat_map(|y| y.queues.iter().flatten().copied())
                    .collect();
                row.extend(years.iter().flat_map(|y| y.queue_convergence));
                // The trace year's daily trace (NaN if a replication had none).
                let points = years.first().map_or(0, |y| y.queues.len());
                let width = points * QUEUE_DAYS * QUEUE_TRACE_FIGURES.len();
                match years.iter().find(|y| y.queue_trace.len() == width) {
                    Some(y) => row.extend_from_slice(&y.queue_trace),
                    None => row.resize(row.len() + width, f64::NAN),
                }
                row
            })
            .collect();
        self.links.push_rows_of(reps, |y| &y.links);
        self.corridors.push_rows_of(reps, |y| &y.corridors);
        self.demand.push_rows_of(reps, |y| &y.demand);
        self.convergence
            .push_rows_of(reps, |y| std::slice::from_ref(&y.convergence));
        // Disruptions per year, in their reported units (days, MUSD, million t h, t).
        let disruption_rows: Vec<Vec<f64>> = reps
            .iter()
            .map(|years| {
                years
                    .iter()
                    .flat_map(|y| {
                        let d = y.disruption;
                        [d[0], d[1] / 1e6, d[2] / 1e6, d[3]]
                    })
                    .collect()
            })
            .collect();
        self.disruptions.push_rows(&disruption_rows);
        if elastic {
            self.induced.push_rows_of(reps, |y| &y.induced);
        }
        self.queues.push_rows(&queue_rows);
        self.measures.push_rows_of(reps, |y| &y.measures);
        let sketched = self.sketched;
        let share_over = self.route_share_over.as_deref();
        // The engine assigned exactly the demand the shares are derived with.
        debug_assert!(share_over.is_none_or(|over| {
            reps.iter().all(|years| {
                years.iter().zip(over).all(|(y, d)| {
                    y.demand
                        .iter()
                        .zip(d)
                        .all(|(row, d)| row[0].to_bits() == d.to_bits())
                })
            })
        }));
        let route_values: usize = reps.iter().flatten().map(|y| 4 * y.routes.len()).sum();
        // Per year, each route's values over the chunk's replications (in replication
        // order) are gathered first, then pushed as one block per metric.
        self.routes
            .par_iter_mut()
            .zip(self.route_columns.par_iter_mut())
            .enumerate()
            .for_each(|(y, (slots, columns))| {
                columns.start(reps.len(), share_over.is_none());
                for years in reps {
                    let year = &years[y];
                    for rf in &year.routes {
                        columns.put(rf, year);
                    }
                }
                for (gid, values) in columns.drain() {
                    if slots.len() <= gid {
                        slots.resize(gid + 1, None);
                    }
                    let acc = slots[gid].get_or_insert_with(|| {
                        let mut a: Box<[Acc; 4]> = Box::default();
                        if sketched {
                            a.iter_mut().for_each(Acc::switch_to_sketch);
                        }
                        a
                    });
                    for (a, c) in acc.iter_mut().zip(values) {
                        a.push_many(c);
                    }
                }
            });
        self.reps += reps.len() as u64;
        self.stored += route_values + reps.len() * self.row_width();
        if !self.sketched && self.stored > self.budget {
            self.sketch_all();
        }
    }

    fn row_width(&self) -> usize {
        [
            &self.links,
            &self.corridors,
            &self.demand,
            &self.convergence,
            &self.disruptions,
            &self.induced,
            &self.measures,
            &self.queues,
        ]
        .iter()
        .map(|c| match c {
            Columns::Exact { width, .. } => *width,
            Columns::Sketched(a) => a.len(),
        })
        .sum()
    }

    /// Switches every figure to a bounded-memory sketch.
    fn sketch_all(&mut self) {
        self.sketched = true;
        for c in [
            &mut self.links,
            &mut self.corridors,
            &mut self.demand,
            &mut self.convergence,
            &mut self.disruptions,
            &mut self.induced,
            &mut self.measures,
            &mut self.queues,
        ] {
            c.switch_to_sketch();
        }
        for accs in self.routes.iter_mut().flatten().flatten() {
            accs.iter_mut().for_each(Acc::switch_to_sketch);
        }
    }

    /// Whether percentiles are sketched (approximate) rather than exact.
    pub fn is_sketched(&self) -> bool {
        self.sketched
    }

    /// Summarises everything into tables.
    pub fn finish(mut self, s: &Scenario, info: &[RouteInfo]) -> Results {
        let years: Vec<String> = s.years().map(|y| y.to_string()).collect();
        let reps = self.reps as usize;
        // Every figure summarised first, each group in parallel over its figures.
        let [
            links_s,
            corridors_s,
            demand_s,
            induced_s,
            convergence_s,
            queues_s,
            disruptions_s,
            measures_s,
        ] = [
            &mut self.links,
            &mut self.corridors,
            &mut self.demand,
            &mut self.induced,
            &mut self.convergence,
            &mut self.queues,
            &mut self.disruptions,
            &mut self.measures,
        ]
        .map(|c| c.summaries());

        let mut links = table(
            "links",
            &["year", "link", "from", "to", "mode", "corridor"],
            &LINK_METRICS,
        );
        let nl = s.links.len();
        for (y, year) in years.iter().enumerate() {
            for (l, link) in s.links.iter().enumerate() {
                let at = (y * nl + l) * LINK_METRICS.len();
                links.rows.push(Row {
                    keys: vec![
                        year.clone(),
                        link.id.clone(),
                        s.nodes[link.from].id.clone(),
                        s.nodes[link.to].id.clone(),
                        link.mode.name().to_string(),
                        s.corridors[link.corridor].id.clone(),
                    ],
                    stats: part(&links_s, at, LINK_METRICS.len()),
                });
            }
        }

        let mut corridors = table(
            "corridors",
            &["year", "corridor", "corridor_name"],
            &CORRIDOR_METRICS,
        );
        let nc = s.corridors.len() + 1;
        for (y, year) in years.iter().enumerate() {
            for c in 0..nc {
                let (id, name) = match s.corridors.get(c) {
                    Some(cor) => (cor.id.clone(), cor.name.clone()),
                    None => ("unserved".to_string(), "Unserved demand".to_string()),
                };
                let at = (y * nc + c) * CORRIDOR_METRICS.len();
                corridors.rows.push(Row {
                    keys: vec![year.clone(), id, name],
                    stats: part(&corridors_s, at, CORRIDOR_METRICS.len()),
                });
            }
        }

        let od_metrics: Vec<&'static str> = if self.elastic {
            DEMAND_METRICS
                .iter()
                .chain(&INDUCED_METRICS)
                .copied()
                .collect()
        } else {
            DEMAND_METRICS.to_vec()
        };
        let mut od = table(
            "od",
            &["year", "demand", "origin", "destination", "commodity"],
            &od_metrics,
        );
        let nd = s.demand.len();
        for (y, year) in years.iter().enumerate() {
            for (d, dem) in s.demand.iter().enumerate() {
                let at = (y * nd + d) * DEMAND_METRICS.len();
                let mut stats = part(&demand_s, at, DEMAND_METRICS.len());
                if self.elastic {
                    let at = (y * nd + d) * INDUCED_METRICS.len();
                    stats.extend(part(&induced_s, at, INDUCED_METRICS.len()));
                }
                od.rows.push(Row {
                    keys: vec![
                        year.clone(),
                        dem.id.clone(),
                        s.nodes[dem.origin].id.clone(),
                        s.nodes[dem.destination].id.clone(),
                        dem.commodity.clone(),
                    ],
                    stats,
                });
            }
        }

        let mut convergence = table("convergence", &["year"], &CONVERGENCE_METRICS);
        let nq = s.queues.len();
        let nqm = QUEUE_METRICS.len();
        if nq > 0 {
            convergence.metrics.extend(QUEUE_CONVERGENCE_METRICS);
        }
        for (y, year) in years.iter().enumerate() {
            let at = y * CONVERGENCE_METRICS.len();
            let mut stats = part(&convergence_s, at, CONVERGENCE_METRICS.len());
            if nq > 0 {
                let at = years.len() * nq * nqm + y * QUEUE_CONVERGENCE_METRICS.len();
                stats.extend(part(&queues_s, at, QUEUE_CONVERGENCE_METRICS.len()));
            }
            convergence.rows.push(Row {
                keys: vec![year.clone()],
                stats,
            });
        }

        let queues = (nq > 0).then(|| {
            let mut t = table(
                "queues",
                &["year", "queue", "queue_name", "at", "unit"],
                &QUEUE_METRICS,
            );
            for (y, year) in years.iter().enumerate() {
                for (p, q) in s.queues.iter().enumerate() {
                    let at = match q.at {
                        crate::model::QueueAt::Node { node, .. } => s.nodes[node].id.clone(),
                        crate::model::QueueAt::Link(l) => s.links[l].id.clone(),
                    };
                    t.rows.push(Row {
                        keys: vec![
                            year.clone(),
                            q.id.clone(),
                            q.name.clone(),
                            at,
                            q.unit.clone(),
                        ],
                        stats: part(&queues_s, (y * nq + p) * nqm, nqm),
                    });
                }
            }
            t
        });

        let queue_trace = (nq > 0).then(|| {
            let at = years.len() * (nq * nqm + QUEUE_CONVERGENCE_METRICS.len());
            queue_trace::table(s, |p, day| {
                let nf = QUEUE_TRACE_FIGURES.len();
                part(&queues_s, at + (p * QUEUE_DAYS + day) * nf, nf)
            })
        });

        let disruptions = (!s.disruptions.is_empty()).then(|| {
            let mut t = table("disruptions", &["year"], &DISRUPTION_METRICS);
            for (y, year) in years.iter().enumerate() {
                let at = y * DISRUPTION_METRICS.len();
                t.rows.push(Row {
                    keys: vec![year.clone()],
                    stats: part(&disruptions_s, at, DISRUPTION_METRICS.len()),
                });
            }
            t
        });

        let measures = (!s.measures.is_empty()).then(|| {
            let mut t = table(
                "measures",
                &[
                    "year",
                    "measure",
                    "name",
                    "unit",
                    "observed_t",
                    "observed_units_per_day",
                    "source",
                ],
                &MEASURE_METRICS,
            );
            let nm = s.measures.len();
            for (y, year) in s.years().enumerate() {
                for (i, m) in s.measures.iter().enumerate() {
                    let at = (y * nm + i) * MEASURE_METRICS.len();
                    let obs = m.observed_in(year);
                    let fmt =
                        |v: Option<f64>| v.map(crate::number_text::fmt_num).unwrap_or_default();
                    t.rows.push(Row {
                        keys: vec![
                            year.to_string(),
                            m.id.clone(),
                            m.name.clone(),
                            m.unit.as_ref().map(|u| u.0.clone()).unwrap_or_default(),
                            fmt(obs.map(|o| o.tonnes)),
                            fmt(obs
                                .filter(|_| m.unit.is_some())
                                .map(|o| crate::measures::units_per_day(m, o.tonnes))),
                            obs.map(|o| o.source.clone()).unwrap_or_default(),
                        ],
                        stats: part(&measures_s, at, MEASURE_METRICS.len()),
                    });
                }
            }
            t
        });

        // Routes: a replication without the route (another topology) carried 0 tonnes on it.
        // (Each year's routes in parallel, joined in year order.)
        let share_over = self.route_share_over.take();
        let year_rows = |(y, slots): (usize, Vec<Option<Box<[Acc; 4]>>>)| {
            let mut route_rows: Vec<((usize, usize, String), Row)> = Vec::new();
            for (gid, acc) in slots.into_iter().enumerate() {
                let Some(mut acc) = acc else { continue };
                let ri = &info[gid];
                // (A share summarised from the tonnes has nothing to pad.)
                let pad = if share_over.is_some() { 1 } else { 2 };
                for a in acc.iter_mut().take(pad) {
                    a.pad_zeros(reps);
                }
                let mut stats: Vec<Summary> = acc.iter_mut().map(Acc::summary).collect();
                if let Some(over) = &share_over {
                    stats[1] = share_of(&stats[0], over[y][ri.demand]);
                }
                let dem = &s.demand[ri.demand];
                route_rows.push((
                    (y, ri.demand, ri.key.clone()),
                    Row {
                        keys: vec![
                            years[y].clone(),
                            dem.id.clone(),
                            s.nodes[dem.origin].id.clone(),
                            s.nodes[dem.destination].id.clone(),
                            dem.commodity.clone(),
                            ri.key.clone(),
                            ri.name.clone(),
                            s.corridors[ri.corridor].id.clone(),
                        ],
                        stats,
                    },
                ));
            }
            route_rows
        };
        let mut route_rows: Vec<((usize, usize, String), Row)> = std::mem::take(&mut self.routes)
            .into_par_iter()
            .enumerate()
            .map(year_rows)
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .collect();
        route_rows.sort_by(|a, b| a.0.cmp(&b.0));
        let mut routes = table(
            "routes",
            &[
                "year",
                "demand",
                "origin",
                "destination",
                "commodity",
                "route",
                "route_name",
                "corridor",
            ],
            &ROUTE_METRICS,
        );
        routes.rows = route_rows.into_iter().map(|(_, r)| r).collect();

        Results {
            routes,
            corridors,
            links,
            od,
            convergence,
            disruptions,
            measures,
            queues,
            queue_trace,
            replications: self.reps,
            sketched: self.sketched,
        }
    }
}

fn table(name: &'static str, keys: &[&'static str], metrics: &[&'static str]) -> Table {
    Table {
        name,
        key_columns: keys.to_vec(),
        metrics: metrics.to_vec(),
        rows: Vec::new(),
    }
}

/// Each flow's demand per year when it is the same in every replication: no drawn
/// demand input and no elastic flow (the engine then assigns exactly these tonnes,
/// `network::Instance::demand_t`). `None` otherwise.
fn fixed_demand(s: &Scenario) -> Option<Vec<Vec<f64>>> {
    let drawn = s.has_elastic_demand()
        || s.demand.iter().any(|d| {
            d.tonnes_per_year.is_random()
                || d.growth_per_year.is_random()
                || d.growth_later.iter().any(|g| g.rate.is_random())
        });
    if drawn {
        return None;
    }
    let inst = Instance::new(s, None);
    Some(
        s.years()
            .map(|y| {
                (0..s.demand.len())
                    .map(|d| inst.demand_t(d, s.base_year, y))
                    .collect()
            })
            .collect(),
    )
}

/// The summary of a route's share from that of its tonnes when its flow's demand is
/// `demand` in every replication: each share is tonnes / demand (0 without demand, as
/// `RouteFigure::share` gives it), so the mean, the standard deviation and every percentile
/// scale by 1 / demand.
fn share_of(tonnes: &Summary, demand: f64) -> Summary {
    if tonnes.n == 0 {
        return Summary::EMPTY;
    }
    if demand > 0.0 {
        Summary {
            mean: tonnes.mean / demand,
            sd: tonnes.sd / demand,
            p: tonnes.p.map(|q| q / demand),
            n: tonnes.n,
        }
    } else {
        Summary {
            mean: 0.0,
            sd: 0.0,
            p: [0.0; 5],
            n: tonnes.n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value no other (replication, year, route, metric) shares.
    fn value(rep: usize, y: usize, g: usize, m: usize) -> f64 {
        (rep * 100_000 + y * 1_000 + g * 10 + m) as f64 + 0.5
    }

    /// Replications whose years carry routes that differ from one replication to the
    /// next (some missing, in an order of their own), with every other figure at the
    /// scenario's sizes and the demand `demand[y][d]`.
    fn replications(s: &Scenario, demand: &[Vec<f64>], n: usize) -> Vec<Vec<YearFigures>> {
        (0..n)
            .map(|rep| {
                (0..s.n_years())
                    .map(|y| {
                        let mut routes: Vec<RouteFigure> = (0..7)
                            .filter(|g| (g + rep + y) % 3 != 0)
                            .map(|g| {
                                let gid = 5 * g + y % 2;
                                RouteFigure {
                                    gid: gid as u32,
                                    demand: (g % demand[y].len()) as u32,
                                    values: std::array::from_fn(|m| value(rep, y, gid, m)),
                                }
                            })
                            .collect();
                        if rep % 2 == 1 {
                            routes.reverse();
                        }
                        YearFigures {
                            links: vec![[0.0; 4]; s.links.len()],
                            corridors: vec![[0.0; 5]; s.corridors.len() + 1],
                            demand: demand[y].iter().map(|&d| [d, 0.0, 0.0, 0.0, 0.0]).collect(),
                            measures: vec![[0.0; 3]; s.measures.len()],
                            routes,
                            ..YearFigures::default()
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn each_routes_values_reach_its_accumulators_in_replication_order() {
        let s = crate::test_scenario::default_scenario();
        for with_share in [false, true] {
            // Exact accumulators (no budget), so that the order of values shows.
            let mut c = Collector::with_budget(&s, usize::MAX);
            let demand = c
                .route_share_over
                .clone()
                .expect("the default scenario's demand is not drawn");
            if with_share {
                c.route_share_over = None;
            }
            let reps = replications(&s, &demand, 9);
            // Two chunks of different lengths: the columns' stride changes between them.
            c.add_chunk(&reps[..5]);
            c.add_chunk(&reps[5..]);
            for y in 0..s.n_years() {
                for g in 0..40 {
                    // By definition: the route's values of each metric, replication
                    // after replication, where it was.
                    let want: Vec<Vec<f64>> = (0..4)
                        .map(|m| {
                            reps.iter()
                                .flat_map(|r| {
                                    let year = &r[y];
                                    year.routes
                                        .iter()
                                        .filter(|rf| rf.gid() == g)
                                        .map(move |rf| match m {
                                            // The share: tonnes over the flow's demand.
                                            1 => rf.values[0] / year.demand[rf.demand as usize][0],
                                            0 => rf.values[0],
                                            _ => rf.values[m - 1],
                                        })
                                })
                                .collect()
                        })
                        .collect();
                    let Some(accs) = c.routes[y].get(g).and_then(Option::as_ref) else {
                        assert!(want[0].is_empty(), "year {y} route {g} missing");
                        continue;
                    };
                    for (m, acc) in accs.iter().enumerate() {
                        let Acc::Exact(got) = acc else {
                            panic!("a sketch without a budget")
                        };
                        if m == 1 && !with_share {
                            assert!(got.is_empty(), "a share summarised from the tonnes");
                        } else {
                            assert_eq!(got, &want[m], "year {y} route {g} metric {m}");
                        }
                    }
                }
            }
        }
    }
}
