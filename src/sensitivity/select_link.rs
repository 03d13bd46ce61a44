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
                if uses.get(rf.gid()).copied().unwrap_or(false) {
                    t[info[rf.gid()].demand] += rf.tonnes();
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
    /// The flows that use the selection, all their tonnes by corridor (every route,
    /// not only those through the selection): `[year][rep][corridor]`.
    pub flows_by_corridor: Vec<Vec<Vec<f64>>>,
    pub replications: u64,
}

/// Every replication's figures and the route ids' meaning.
fn simulate_all(
    s: &Scenario,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<(Vec<Vec<YearFigures>>, Vec<RouteInfo>), rayon::ThreadPoolBuildError> {
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
    Ok((all, engine.route_info()))
}

/// Tonnes by corridor of the flows `chosen` (by demand index) in one year.
fn by_corridor(s: &Scenario, y: &YearFigures, info: &[RouteInfo], chosen: &[bool]) -> Vec<f64> {
    let mut t = vec![0.0; s.corridors.len()];
    for rf in &y.routes {
        let ri = &info[rf.gid()];
        if chosen[ri.demand] {
            t[ri.corridor] += rf.tonnes();
        }
    }
    t
}

/// Runs the scenario's replications and attributes the selection's tonnes to flows.
pub fn run(
    s: &Scenario,
    sel: Selection,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<SelectLink, rayon::ThreadPoolBuildError> {
    let (all, info) = simulate_all(s, opts, progress)?;
    let reps = all.len() as u64;
    let uses = routes_using(s, &info, sel);
    let ny = s.n_years();
    let mut per_rep = vec![Vec::with_capacity(reps as usize); ny];
    let mut link_tonnes = vec![Vec::with_capacity(reps as usize); ny];
    let mut flows_by_corridor = vec![Vec::with_capacity(reps as usize); ny];
    for years in &all {
        for (y, t) in flow_tonnes(s, years, &info, &uses).into_iter().enumerate() {
            let chosen: Vec<bool> = t.iter().map(|v| *v > 0.0).collect();
            flows_by_corridor[y].push(by_corridor(s, &years[y], &info, &chosen));
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
        flows_by_corridor,
        replications: reps,
    })
}

/// Where the selection's freight came from: for the flows that use the selection in
/// the policy (replication by replication and year by year), their tonnes by corridor
/// in a base scenario and in the policy, and the change, paired by replication (the
/// same seed: inputs the two share take the same draws). Flows are matched by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Diversion {
    pub years: Vec<i32>,
    /// Corridor ids of either scenario, policy's first.
    pub corridors: Vec<String>,
    /// `[year][corridor]` over replications.
    pub base: Vec<Vec<Summary>>,
    pub policy: Vec<Vec<Summary>>,
    pub change: Vec<Vec<Summary>>,
}

/// Runs the base with the policy's seed and replications and compares (see `Diversion`).
pub fn diversion(
    base: &Scenario,
    policy: &Scenario,
    sl: &SelectLink,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Diversion, rayon::ThreadPoolBuildError> {
    let mut o = opts.clone();
    o.seed = Some(opts.seed.unwrap_or(policy.seed));
    o.replications = Some(sl.replications);
    let (all, info) = simulate_all(base, &o, progress)?;
    let mut corridors: Vec<String> = policy.corridors.iter().map(|c| c.id.clone()).collect();
    for c in &base.corridors {
        if !corridors.contains(&c.id) {
            corridors.push(c.id.clone());
        }
    }
    let pos = |id: &str| corridors.iter().position(|c| c == id).unwrap_or(0);
    let policy_cols: Vec<usize> = policy.corridors.iter().map(|c| pos(&c.id)).collect();
    let base_cols: Vec<usize> = base.corridors.iter().map(|c| pos(&c.id)).collect();
    // Base demand index of each policy flow, by id.
    let base_demand: Vec<Option<usize>> = policy
        .demand
        .iter()
        .map(|d| base.demand.iter().position(|b| b.id == d.id))
        .collect();
    let years: Vec<i32> = policy
        .years()
        .filter(|y| (base.first_year..=base.last_year).contains(y))
        .collect();
    let nc = corridors.len();
    let (mut bs, mut ps, mut cs) = (Vec::new(), Vec::new(), Vec::new());
    for &year in &years {
        let (yp, yb) = (
            (year - policy.first_year) as usize,
            (year - base.first_year) as usize,
        );
        let reps = sl.per_rep[yp].len().min(all.len());
        let mut cols: [Vec<Vec<f64>>; 3] = [
            vec![Vec::new(); nc],
            vec![Vec::new(); nc],
            vec![Vec::new(); nc],
        ];
        for (rep, figs) in all.iter().enumerate().take(reps) {
            let mut chosen = vec![false; base.demand.len()];
            for (d, t) in sl.per_rep[yp][rep].iter().enumerate() {
                if *t > 0.0
                    && let Some(b) = base_demand[d]
                {
                    chosen[b] = true;
                }
            }
            let bt = by_corridor(base, &figs[yb], &info, &chosen);
            let mut b_row = vec![0.0; nc];
            for (c, v) in bt.iter().enumerate() {
                b_row[base_cols[c]] += v;
            }
            let mut p_row = vec![0.0; nc];
            for (c, v) in sl.flows_by_corridor[yp][rep].iter().enumerate() {
                p_row[policy_cols[c]] += v;
            }
            for c in 0..nc {
                cols[0][c].push(b_row[c]);
                cols[1][c].push(p_row[c]);
                cols[2][c].push(p_row[c] - b_row[c]);
            }
        }
        let [b, p, ch] = cols.map(|v| {
            v.into_iter()
                .map(|mut x| Summary::of(&mut x))
                .collect::<Vec<_>>()
        });
        bs.push(b);
        ps.push(p);
        cs.push(ch);
    }
    Ok(Diversion {
        years,
        corridors,
        base: bs,
        policy: ps,
        change: cs,
    })
}
