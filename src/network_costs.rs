//! The cheapest generalized cost (USD/t) of each demand row over the whole open network:
//! what the network check (`equilibrium::candidates`) compares the candidate routes
//! with, and so what the relative gap of docs/MODEL.md ("Relative gap") is measured
//! against.
//!
//! One shortest-path tree per (origin, value of time), and one of its own for each flow
//! with `modes` or `avoid_nodes`. The trees are grown over arcs, not nodes, because a
//! node's cost (a border, a transfer, a gauge change, a port) depends on the pair of arcs
//! a route passes it between: a turn. The turns of the open network and their node costs
//! (USD and hours, priced at each tree's value of time) are found once per check
//! (`Turns`), not once per tree: the default scenario's check grows 23 trees a year over
//! the same turns.
//!
//! Costs are, to the bit, those of `routes::Search` grown tree by tree (the tests
//! compare them): every label is the same sum in the same order,
//! label + node step + arc cost.

use std::collections::BinaryHeap;

use crate::model::Scenario;
use crate::network::{Arcs, LinkValues, NodeValues};
use crate::routes::{Entry, allowed_arcs};
use crate::turns::Turns;

/// The cheapest cost of each demand row over the open network (`open`), with arcs
/// priced at `arc_time_h` (congested running times), the link charges of `links` and
/// the node costs of `nodes`, for the rows' values of time `vot`; infinity where a row's
/// destination cannot be reached.
pub fn cheapest_costs(
    s: &Scenario,
    arcs: &Arcs,
    nodes: &[NodeValues],
    links: &[LinkValues],
    open: &[bool],
    arc_time_h: &[f64],
    vot: &[f64],
) -> Vec<f64> {
    cheapest_costs_with(s, arcs, nodes, links, open, arc_time_h, vot, true)
}

#[allow(clippy::too_many_arguments)]
fn cheapest_costs_with(
    s: &Scenario,
    arcs: &Arcs,
    nodes: &[NodeValues],
    links: &[LinkValues],
    open: &[bool],
    arc_time_h: &[f64],
    vot: &[f64],
    early_exit: bool,
) -> Vec<f64> {
    let mut out = vec![f64::INFINITY; s.demand.len()];
    // Rows grouped by tree: (origin, value of time, row if restricted), then row.
    let mut keys: Vec<(usize, u64, usize, usize)> = s
        .demand
        .iter()
        .enumerate()
        .map(|(d, dem)| {
            let restricted = if dem.is_restricted() { d } else { usize::MAX };
            (dem.origin, vot[d].to_bits(), restricted, d)
        })
        .collect();
    keys.sort_unstable();
    let turns = Turns::new(s, arcs, nodes, open);
    let charge: Vec<f64> = arcs
        .arcs
        .iter()
        .map(|a| links[a.link].charge_usd_per_t())
        .collect();
    let nodes_non_negative = nodes.iter().all(|n| n.values().iter().all(|&x| x >= 0.0));
    let mut tree = Tree::default();
    let mut dests = Vec::new();
    for group in keys.chunk_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2 == b.2) {
        let (origin, vot_bits, restricted, _) = group[0];
        let vot = f64::from_bits(vot_bits);
        let allowed = if restricted == usize::MAX {
            None
        } else {
            allowed_arcs(s, arcs, restricted)
        };
        tree.arc_cost.clear();
        tree.arc_cost
            .extend(charge.iter().zip(arc_time_h).map(|(&c, &t)| c + vot * t));
        // With every cost non-negative a settled label is final, and the tree may stop
        // once no destination can get cheaper (`Tree::grow`).
        let stop_early = early_exit
            && nodes_non_negative
            && vot >= 0.0
            && tree.arc_cost.iter().all(|&c| c >= 0.0);
        dests.clear();
        dests.extend(group.iter().map(|&(.., d)| s.demand[d].destination));
        let graph = Graph {
            arcs,
            turns: &turns,
            open,
            allowed: allowed.as_deref(),
            vot,
        };
        tree.grow(&graph, origin, &dests, stop_early);
        for (&(.., d), &c) in group.iter().zip(&tree.best) {
            out[d] = c;
        }
    }
    out
}

/// The graph one tree grows over: the network's turns, at one value of time, over the
/// arcs a flow may use (`None`: all).
struct Graph<'a> {
    arcs: &'a Arcs,
    turns: &'a Turns,
    open: &'a [bool],
    allowed: Option<&'a [bool]>,
    vot: f64,
}

/// A tree's working space, kept across the trees of a check.
#[derive(Default)]
struct Tree {
    arc_cost: Vec<f64>,
    dist: Vec<f64>,
    heap: BinaryHeap<Entry>,
    /// Each destination's cheapest closing found so far.
    best: Vec<f64>,
}

impl Tree {
    /// Grows the tree from `origin` and leaves in `best` the cheapest cost to each node
    /// of `dests` (in the order given; infinity where unreached). With `stop_early` (every
    /// cost non-negative) the tree stops once every destination's best closing is no
    /// dearer than the label being settled: any arc settled later costs at least that
    /// label, so its closing cannot be cheaper, and the costs are, to the bit, those of
    /// the whole tree (the tests compare the two).
    fn grow(&mut self, g: &Graph, origin: usize, dests: &[usize], stop_early: bool) {
        let Tree {
            arc_cost,
            dist,
            heap,
            best,
        } = self;
        let arcs = &g.arcs.arcs;
        let allowed = |b: usize| g.allowed.is_none_or(|m| m[b]);
        dist.clear();
        dist.resize(arcs.len(), f64::INFINITY);
        heap.clear();
        best.clear();
        best.extend(
            dests
                .iter()
                .map(|&d| if d == origin { 0.0 } else { f64::INFINITY }),
        );
        for &b in &g.arcs.out[origin] {
            if g.open[arcs[b].link] && allowed(b) {
                let c = g.turns.start(b).cost(g.vot) + arc_cost[b];
                if c < dist[b] {
                    dist[b] = c;
                    heap.push(Entry::new(c, b));
                }
            }
        }
        while let Some(entry) = heap.pop() {
            let (cost, state) = (entry.cost(), entry.state());
            if cost > dist[state] {
                continue;
            }
            let head = arcs[state].head;
            if head != origin && dests.contains(&head) {
                let closing = cost + g.turns.close(state).cost(g.vot);
                for (k, &d) in dests.iter().enumerate() {
                    if d == head && closing < best[k] {
                        best[k] = closing;
                    }
                }
            }
            if stop_early && best.iter().all(|&b| b <= cost) {
                break;
            }
            for &(b, step) in g.turns.after(state) {
                let b = b as usize;
                if !allowed(b) {
                    continue;
                }
                let c = cost + step.cost(g.vot) + arc_cost[b];
                if c < dist[b] {
                    dist[b] = c;
                    heap.push(Entry::new(c, b));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::cheapest_costs_with;
    use crate::network::{Arcs, Instance};
    use crate::routes::cheapest_costs_by_search;

    /// The check's costs equal, to the bit, those of `routes::Search` grown tree by
    /// tree, and stopping each tree early changes none of them: on the shipped network
    /// with its links open and closed over the horizon, arcs from free-flowing to
    /// congested, and with the flows as shipped and with some restricted to modes or
    /// kept off nodes (trees of their own).
    #[test]
    fn check_costs_equal_tree_by_tree_search_to_the_bit() {
        let loaded = crate::test_scenario::default_scenario();
        let shipped = &loaded;
        let mut restricted = shipped.clone();
        for (d, dem) in restricted.demand.iter_mut().enumerate() {
            match d % 3 {
                0 => dem.modes = vec![dem_mode(shipped, d)],
                1 => dem.avoid_nodes = vec![(dem.origin + 7) % shipped.nodes.len()],
                _ => {}
            }
        }
        assert!(
            restricted
                .demand
                .iter()
                .filter(|d| d.is_restricted())
                .count()
                >= 18
        );
        let mut compared = 0;
        for s in [shipped, &restricted] {
            let arcs = Arcs::new(s);
            let inst = Instance::new(s, None);
            for year in [s.first_year, 2030, s.last_year] {
                let state = inst.year_state(year);
                for scale in [1.0, 1.7, 6.0] {
                    let times: Vec<f64> = arcs
                        .arcs
                        .iter()
                        .enumerate()
                        .map(|(i, a)| {
                            state.links[a.link].t0_h * (1.0 + scale * (i % 7) as f64 / 7.0)
                        })
                        .collect();
                    let args = (&inst.nodes, &state.links, &state.open, &times);
                    let vot = &inst.vot_usd_per_t_h;
                    let runs = [
                        cheapest_costs_with(s, &arcs, args.0, args.1, args.2, args.3, vot, true),
                        cheapest_costs_with(s, &arcs, args.0, args.1, args.2, args.3, vot, false),
                        cheapest_costs_by_search(
                            s, &arcs, args.0, args.1, args.2, args.3, vot, true,
                        ),
                        cheapest_costs_by_search(
                            s, &arcs, args.0, args.1, args.2, args.3, vot, false,
                        ),
                    ];
                    assert_eq!(runs[0].len(), s.demand.len());
                    for (d, &c) in runs[0].iter().enumerate() {
                        for other in &runs[1..] {
                            assert_eq!(
                                c.to_bits(),
                                other[d].to_bits(),
                                "row {d}, {year}, x{scale}"
                            );
                        }
                        if !s.demand[d].is_restricted() {
                            assert!(c.is_finite() && c > 0.0, "row {d} reached at a cost");
                        }
                    }
                    compared += runs[0].len();
                }
            }
        }
        assert!(compared >= 18 * 29);
    }

    /// The mode of the first link leaving row `d`'s origin: a mode the row can start on.
    fn dem_mode(s: &crate::model::Scenario, d: usize) -> crate::model::Mode {
        let origin = s.demand[d].origin;
        s.links
            .iter()
            .find(|l| l.from == origin || l.to == origin)
            .map(|l| l.mode)
            .expect("every origin has a link")
    }
}
