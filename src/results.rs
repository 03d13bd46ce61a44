//! Results: figures of every replication collected in replication order, then
//! summarised into tables (one row per year and item, columns per metric and statistic).

use rayon::prelude::*;

use crate::figures::{
    CONVERGENCE_METRICS, CORRIDOR_METRICS, DEMAND_METRICS, DISRUPTION_METRICS, INDUCED_METRICS,
    LINK_METRICS, ROUTE_METRICS, RouteInfo, YearFigures,
};
use crate::model::Scenario;
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
        t
    }
}

/// Figures of a fixed layout: one row of `width` values per replication, stored row
/// after row (one copy per replication), or one sketch per figure past the budget.
#[derive(Debug, Clone)]
enum Columns {
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
            // Blocks of figures in parallel; within a block, replication by replication
            // (each figure still gets its values in replication order): consecutive
            // pushes go to different figures, so their running means (a chain of
            // divisions within one figure) overlap (performance, issue 15).
            Columns::Sketched(accs) => {
                const BLOCK: usize = 64;
                accs.par_chunks_mut(BLOCK)
                    .enumerate()
                    .for_each(|(b, block)| {
                        let (at, n) = (b * BLOCK, block.len());
                        for row in rows {
                            for (acc, v) in block.iter_mut().zip(&row[at..at + n]) {
                                acc.push(*v);
                            }
                        }
                    })
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

    /// Summaries of figures `at..at + n`.
    fn summaries(&mut self, at: usize, n: usize) -> Vec<Summary> {
        match self {
            Columns::Exact { width, data } => (at..at + n)
                .into_par_iter()
                .map(|f| {
                    let mut column: Vec<f64> =
                        data.iter().skip(f).step_by(*width).copied().collect();
                    Summary::of(&mut column)
                })
                .collect(),
            Columns::Sketched(accs) => accs[at..at + n]
                .par_iter_mut()
                .map(|a| a.summary())
                .collect(),
        }
    }
}

/// Collects figures replication by replication (call `add` in replication order).
pub struct Collector {
    n_years: usize,
    links: Columns,
    corridors: Columns,
    demand: Columns,
    convergence: Columns,
    disruptions: Columns,
    /// Variable-demand figures per year and flow; empty unless some flow is elastic.
    induced: Columns,
    /// Whether some flow is elastic (the od table then has `INDUCED_METRICS` too).
    elastic: bool,
    /// Per year, per global route id.
    routes: Vec<Vec<Option<Box<[Acc; 4]>>>>,
    /// Values held exactly; past `budget` everything switches to sketches.
    stored: usize,
    budget: usize,
    sketched: bool,
    reps: u64,
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
            routes: vec![Vec::new(); ny],
            stored: 0,
            budget,
            sketched: false,
            reps: 0,
        }
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
        // Each replication's row of a group, written straight from its figures
        // (no copy of the figures, no regrowth of the row: performance, issue 15).
        fn rows(
            reps: &[Vec<YearFigures>],
            part: impl Fn(&YearFigures, &mut Vec<f64>),
        ) -> Vec<Vec<f64>> {
            let mut width = 0;
            reps.iter()
                .map(|years| {
                    let mut row = Vec::with_capacity(width);
                    years.iter().for_each(|y| part(y, &mut row));
                    width = row.len();
                    row
                })
                .collect()
        }
        let elastic = self.elastic;
        let groups: [(&mut Columns, Vec<Vec<f64>>); 6] = [
            (
                &mut self.links,
                rows(reps, |y, row| row.extend(y.links.iter().flatten())),
            ),
            (
                &mut self.corridors,
                rows(reps, |y, row| row.extend(y.corridors.iter().flatten())),
            ),
            (
                &mut self.demand,
                rows(reps, |y, row| row.extend(y.demand.iter().flatten())),
            ),
            (
                &mut self.convergence,
                rows(reps, |y, row| row.extend(y.convergence)),
            ),
            (
                &mut self.disruptions,
                rows(reps, |y, row| {
                    let d = y.disruption;
                    row.extend([d[0], d[1] / 1e6, d[2] / 1e6, d[3]]);
                }),
            ),
            (
                &mut self.induced,
                rows(reps, |y, row| {
                    if elastic {
                        row.extend(y.induced.iter().flatten());
                    }
                }),
            ),
        ];
        for (cols, rows) in groups {
            cols.push_rows(&rows);
        }
        let sketched = self.sketched;
        let route_values: usize = reps.iter().flatten().map(|y| 4 * y.routes.len()).sum();
        self.routes
            .par_iter_mut()
            .enumerate()
            .for_each(|(y, slots)| {
                for years in reps {
                    for rf in &years[y].routes {
                        if slots.len() <= rf.gid {
                            slots.resize(rf.gid + 1, None);
                        }
                        let acc = slots[rf.gid].get_or_insert_with(|| {
                            let mut a: Box<[Acc; 4]> = Box::default();
                            if sketched {
                                a.iter_mut().for_each(Acc::switch_to_sketch);
                            }
                            a
                        });
                        for (m, v) in rf.values.iter().enumerate() {
                            acc[m].push(*v);
                        }
                    }
                }
            });
        self.reps += reps.len() as u64;
        if !self.sketched {
            self.stored += route_values + reps.len() * self.row_width();
            if self.stored > self.budget {
                self.sketch_all();
            }
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
                    stats: self.links.summaries(at, LINK_METRICS.len()),
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
                    stats: self.corridors.summaries(at, CORRIDOR_METRICS.len()),
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
                let mut stats = self.demand.summaries(at, DEMAND_METRICS.len());
                if self.elastic {
                    let at = (y * nd + d) * INDUCED_METRICS.len();
                    stats.extend(self.induced.summaries(at, INDUCED_METRICS.len()));
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
        for (y, year) in years.iter().enumerate() {
            let at = y * CONVERGENCE_METRICS.len();
            convergence.rows.push(Row {
                keys: vec![year.clone()],
                stats: self.convergence.summaries(at, CONVERGENCE_METRICS.len()),
            });
        }

        let disruptions = (!s.disruptions.is_empty()).then(|| {
            let mut t = table("disruptions", &["year"], &DISRUPTION_METRICS);
            for (y, year) in years.iter().enumerate() {
                let at = y * DISRUPTION_METRICS.len();
                t.rows.push(Row {
                    keys: vec![year.clone()],
                    stats: self.disruptions.summaries(at, DISRUPTION_METRICS.len()),
                });
            }
            t
        });

        // Routes: a replication without the route (another topology) carried 0 tonnes on it.
        let mut route_rows: Vec<((usize, usize, String), Row)> = Vec::new();
        for (y, slots) in std::mem::take(&mut self.routes).into_iter().enumerate() {
            for (gid, acc) in slots.into_iter().enumerate() {
                let Some(mut acc) = acc else { continue };
                let ri = &info[gid];
                for a in acc.iter_mut().take(2) {
                    a.pad_zeros(reps);
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
                        stats: acc.iter_mut().map(Acc::summary).collect(),
                    },
                ));
            }
        }
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
