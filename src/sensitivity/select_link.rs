//! Select-link analysis: which flows use a link, a node or a corridor, and how many
//! tonnes each, by year, with bands over replications. A route uses the selection when
//! one of its links is the link (touches the node, belongs to the corridor); its tonnes
//! are the route's tonnes of the year (`YearFigures.routes`, weighted over the year's
//! disrupted and normal periods exactly as link tonnes are). Candidate routes are
//! loopless, so on a link the flows' tonnes add up to the link's tonnes (tested).
//!
//! Route link sequences come from the global route ids (`Engine::route_info`, whose key
//! is the route's link ids joined by `>`); the solver is not touched.

use std::collections::HashMap;

use crate::figures::{RouteInfo, YearFigures};
use crate::model::Scenario;
use crate::runner::{self, RunOptions, replicate};
use crate::simulate::Engine;
use crate::stats::Summary;

/// What is selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Link(usize),
    Node(usize),
    Corridor(usize),
}

impl Selection {
    /// Resolves `link`, `node` or `corridor` and an id.
    pub fn parse(s: &Scenario, kind: &str, id: &str) -> Result<Selection, String> {
        let find = |ids: Vec<&str>, what: &str| {
            ids.iter().position(|i| *i == id).ok_or_else(|| {
                format!(
                    "no {what} `{id}` in scenario `{}`{}",
                    s.name,
                    crate::scenario::suggest::did_you_mean(id, &ids)
                )
            })
        };
        match kind {
            "link" => {
                find(s.links.iter().map(|l| l.id.as_str()).collect(), "link").map(Selection::Link)
            }
            "node" => {
                find(s.nodes.iter().map(|n| n.id.as_str()).collect(), "node").map(Selection::Node)
            }
            "corridor" => find(
                s.corridors.iter().map(|c| c.id.as_str()).collect(),
                "corridor",
            )
            .map(Selection::Corridor),
            other => Err(format!("`{other}` is not link, node or corridor")),
        }
    }

    /// `link <id>`, for titles.
    pub fn describe(&self, s: &Scenario) -> String {
        match *self {
            Selection::Link(l) => format!("link {}", s.links[l].id),
            Selection::Node(n) => format!("node {}", s.nodes[n].name),
            Selection::Corridor(c) => format!("corridor {}", s.corridors[c].name),
        }
    }

    fn uses_link(&self, s: &Scenario, l: usize) -> bool {
        let link = &s.links[l];
        match *self {
            Selection::Link(x) => x == l,
            Selection::Node(n) => link.from == n || link.to == n,
            Selection::Corridor(c) => link.corridor == c,
        }
    }
}

/// Whether each global route uses the selection, from its key (link ids joined by `>`).
pub fn routes_using(s: &Scenario, info: &[RouteInfo], sel: Selection) -> Vec<bool> {
    let index: HashMap<&str, usize> = s
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.as_str(), i))
        .collect();
    info.iter()
        .map(|r| {
            r.key
                .split('>')
                .filter_map(|id| index.get(id))
                .any(|&l| sel.uses_link(s, l))
        })
        .collect()
}

/// Tonnes of each flow (demand row) on the selection in each year of one replication:
/// `[year][flow]`. `info` names the global route ids, `uses` says which use the selection.
pub fn flow_tonnes(
    s: &Scenario,
    years: &[YearFigures],
    info: &[RouteInfo],
    uses: &[bool],
) -> Vec<Vec<f64>> {
    years
        .iter()
        .map(|y| {
            let mut t = vec![0.0; s.demand.len()];
            for rf in &y.routes {
                if uses.get(rf.gid).copied().unwrap_or(false) {
                    t[info[rf.gid].demand] += rf.values[0];
                }
            }
            t
        })
        .collect()
}

/// Select-link results.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectLink {
    pub selection: Selection,
    /// `[year][flow]` tonnes over replications.
    pub flows: Vec<Vec<Summary>>,
    /// `[year][rep][flow]`, for tests and further statistics.
    pub per_rep: Vec<Vec<Vec<f64>>>,
    /// The link's own tonnes `[year][rep]` (links only).
    pub link_tonnes: Vec<Vec<f64>>,
    pub replications: u64,
}

/// Runs the scenario's replications and attributes the selection's tonnes to flows.
pub fn run(
    s: &Scenario,
    sel: Selection,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<SelectLink, rayon::ThreadPoolBuildError> {
    let seed = opts.seed.unwrap_or(s.seed);
    let reps = runner::replications(s, opts);
    let engine = Engine::new(s);
    let mut all: Vec<Vec<YearFigures>> = Vec::with_capacity(reps as usize);
    replicate(
        reps,
        opts.threads,
        progress,
        |rep| engine.run(runner::draws(s, seed, rep).as_deref()),
        |chunk| all.extend(chunk),
    )?;
    let info = engine.route_info();
    let uses = routes_using(s, &info, sel);
    let ny = s.n_years();
    let mut per_rep = vec![Vec::with_capacity(reps as usize); ny];
    let mut link_tonnes = vec![Vec::with_capacity(reps as usize); ny];
    for years in &all {
        for (y, t) in flow_tonnes(s, years, &info, &uses).into_iter().enumerate() {
            per_rep[y].push(t);
            if let Selection::Link(l) = sel {
                link_tonnes[y].push(years[y].links[l][0]);
            }
        }
    }
    let flows = per_rep
        .iter()
        .map(|reps_y: &Vec<Vec<f64>>| {
            (0..s.demand.len())
                .map(|d| Summary::of(&mut reps_y.iter().map(|r| r[d]).collect::<Vec<_>>()))
                .collect()
        })
        .collect();
    Ok(SelectLink {
        selection: sel,
        flows,
        per_rep,
        link_tonnes,
        replications: reps,
    })
}
