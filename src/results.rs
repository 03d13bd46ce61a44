//! Results: figures of every replication collected in replication order, then
//! summarised into tables (one row per year and item, columns per metric and statistic).

use std::collections::BTreeMap;

use crate::model::Scenario;
use crate::simulate::{
    CONVERGENCE_METRICS, CORRIDOR_METRICS, DEMAND_METRICS, LINK_METRICS, ROUTE_METRICS, RouteInfo,
    YearFigures,
};
use crate::stats::Summary;

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
    /// Replications actually simulated.
    pub replications: u64,
}

impl Results {
    pub fn tables(&self) -> [&Table; 5] {
        [
            &self.corridors,
            &self.routes,
            &self.links,
            &self.od,
            &self.convergence,
        ]
    }
}

/// Collects figures replication by replication (call `add` in replication order).
pub struct Collector {
    n_years: usize,
    links: Vec<Vec<f64>>,
    corridors: Vec<Vec<f64>>,
    demand: Vec<Vec<f64>>,
    convergence: Vec<Vec<f64>>,
    routes: BTreeMap<(usize, usize), [Vec<f64>; 4]>,
    reps: u64,
}

impl Collector {
    pub fn new(s: &Scenario) -> Collector {
        let ny = s.n_years();
        Collector {
            n_years: ny,
            links: vec![Vec::new(); ny * s.links.len() * LINK_METRICS.len()],
            corridors: vec![Vec::new(); ny * (s.corridors.len() + 1) * CORRIDOR_METRICS.len()],
            demand: vec![Vec::new(); ny * s.demand.len() * DEMAND_METRICS.len()],
            convergence: vec![Vec::new(); ny * CONVERGENCE_METRICS.len()],
            routes: BTreeMap::new(),
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
            for rf in &yf.routes {
                let acc = self.routes.entry((y, rf.gid)).or_default();
                for (m, v) in rf.values.iter().enumerate() {
                    acc[m].push(*v);
                }
            }
        }
        self.reps += 1;
    }

    /// Summarises everything into tables.
    pub fn finish(mut self, s: &Scenario, info: &[RouteInfo]) -> Results {
        let years: Vec<String> = s.years().map(|y| y.to_string()).collect();
        let reps = self.reps as usize;
        let summarize = |accs: &mut [Vec<f64>]| -> Vec<Summary> {
            accs.iter_mut().map(|v| Summary::of(v)).collect()
        };

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

        // Routes: a replication without the route (another topology) carried 0 tonnes on it.
        let mut route_rows: Vec<((usize, usize, String), Row)> = Vec::new();
        for ((y, gid), mut acc) in std::mem::take(&mut self.routes) {
            let ri = &info[gid];
            for figure in acc.iter_mut().take(2) {
                figure.resize(reps, 0.0);
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
            replications: self.reps,
        }
    }
}

fn push_rows<const M: usize>(accs: &mut [Vec<f64>], y: usize, rows: &[[f64; M]]) {
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
