//! Results: figures of every replication collected in replication order, then
//! summarised into tables (one row per year and item, columns per metric and statistic).

use std::collections::BTreeMap;

use crate::model::Scenario;
use crate::simulate::{
    CONVERGENCE_METRICS, CORRIDOR_METRICS, DEMAND_METRICS, DISRUPTION_METRICS, LINK_METRICS,
    ROUTE_METRICS, RouteInfo, YearFigures,
};
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

/// Collects figures replication by replication (call `add` in replication order).
pub struct Collector {
    n_years: usize,
    links: Vec<Acc>,
    corridors: Vec<Acc>,
    demand: Vec<Acc>,
    convergence: Vec<Acc>,
    disruptions: Vec<Acc>,
    routes: BTreeMap<(usize, usize), [Acc; 4]>,
    /// Values held exactly; past `EXACT_BUDGET` everything switches to sketches.
    stored: usize,
    sketched: bool,
    reps: u64,
}

impl Collector {
    pub fn new(s: &Scenario) -> Collector {
        let ny = s.n_years();
        Collector {
            n_years: ny,
            links: vec![Acc::default(); ny * s.links.len() * LINK_METRICS.len()],
            corridors: vec![Acc::default(); ny * (s.corridors.len() + 1) * CORRIDOR_METRICS.len()],
            demand: vec![Acc::default(); ny * s.demand.len() * DEMAND_METRICS.len()],
            convergence: vec![Acc::default(); ny * CONVERGENCE_METRICS.len()],
            disruptions: vec![Acc::default(); ny * DISRUPTION_METRICS.len()],
            routes: BTreeMap::new(),
            stored: 0,
            sketched: false,
            reps: 0,
        }
    }

    pub fn add(&mut self, years: &[YearFigures]) {
        debug_assert_eq!(years.len(), self.n_years);
        for (y, yf) in years.iter().enumerate() {
            push_rows(&mut self.links, y, &yf.links);
            push_rows(&mut self.corridors, y, &yf.corridors);
            push_rows(&mut self.demand, y, &yf.demand);
            push_rows(
                &mut self.convergence,
                y,
                std::slice::from_ref(&yf.convergence),
            );
            let d = yf.disruption;
            let scaled = [d[0], d[1] / 1e6, d[2] / 1e6, d[3]];
            push_rows(&mut self.disruptions, y, std::slice::from_ref(&scaled));
            for rf in &yf.routes {
                let sketched = self.sketched;
                let acc = self.routes.entry((y, rf.gid)).or_insert_with(|| {
                    let mut a: [Acc; 4] = Default::default();
                    if sketched {
                        a.iter_mut().for_each(Acc::to_sketch);
                    }
                    a
                });
                for (m, v) in rf.values.iter().enumerate() {
                    acc[m].push(*v);
                }
            }
        }
        self.reps += 1;
        if !self.sketched {
            self.stored += years
                .iter()
                .map(|y| {
                    4 * (y.links.len() + y.routes.len())
                        + 5 * (y.corridors.len() + y.demand.len())
                        + 7
                })
                .sum::<usize>();
            if self.stored > EXACT_BUDGET {
                self.sketch_all();
            }
        }
    }

    /// Switches every figure to a bounded-memory sketch.
    fn sketch_all(&mut self) {
        self.sketched = true;
        for acc in self
            .links
            .iter_mut()
            .chain(&mut self.corridors)
            .chain(&mut self.demand)
            .chain(&mut self.convergence)
            .chain(&mut self.disruptions)
        {
            acc.to_sketch();
        }
        for accs in self.routes.values_mut() {
            accs.iter_mut().for_each(Acc::to_sketch);
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
        let summarize =
            |accs: &mut [Acc]| -> Vec<Summary> { accs.iter_mut().map(Acc::summary).collect() };

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
                    stats: summarize(&mut self.links[at..at + LINK_METRICS.len()]),
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
                    stats: summarize(&mut self.corridors[at..at + CORRIDOR_METRICS.len()]),
                });
            }
        }

        let mut od = table(
            "od",
            &["year", "demand", "origin", "destination", "commodity"],
            &DEMAND_METRICS,
        );
        let nd = s.demand.len();
        for (y, year) in years.iter().enumerate() {
            for (d, dem) in s.demand.iter().enumerate() {
                let at = (y * nd + d) * DEMAND_METRICS.len();
                od.rows.push(Row {
                    keys: vec![
                        year.clone(),
                        dem.id.clone(),
                        s.nodes[dem.origin].id.clone(),
                        s.nodes[dem.destination].id.clone(),
                        dem.commodity.clone(),
                    ],
                    stats: summarize(&mut self.demand[at..at + DEMAND_METRICS.len()]),
                });
            }
        }

        let mut convergence = table("convergence", &["year"], &CONVERGENCE_METRICS);
        for (y, year) in years.iter().enumerate() {
            let at = y * CONVERGENCE_METRICS.len();
            convergence.rows.push(Row {
                keys: vec![year.clone()],
                stats: summarize(&mut self.convergence[at..at + CONVERGENCE_METRICS.len()]),
            });
        }

        let disruptions = (!s.disruptions.is_empty()).then(|| {
            let mut t = table("disruptions", &["year"], &DISRUPTION_METRICS);
            for (y, year) in years.iter().enumerate() {
                let at = y * DISRUPTION_METRICS.len();
                t.rows.push(Row {
                    keys: vec![year.clone()],
                    stats: summarize(&mut self.disruptions[at..at + DISRUPTION_METRICS.len()]),
                });
            }
            t
        });

        // Routes: a replication without the route (another topology) carried 0 tonnes on it.
        let mut route_rows: Vec<((usize, usize, String), Row)> = Vec::new();
        for ((y, gid), mut acc) in std::mem::take(&mut self.routes) {
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
                    stats: summarize(&mut acc),
                },
            ));
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

fn push_rows<const M: usize>(accs: &mut [Acc], y: usize, rows: &[[f64; M]]) {
    let base = y * rows.len() * M;
    for (i, row) in rows.iter().enumerate() {
        for (m, v) in row.iter().enumerate() {
            accs[base + i * M + m].push(*v);
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
