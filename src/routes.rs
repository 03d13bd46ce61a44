//! Candidate routes: the k shortest loopless routes by generalized cost for each demand
//! row (Yen, 1971, "Finding the k shortest loopless paths in a network", Management
//! Science 17(11)), searched over arcs so that node costs that depend on the pair of
//! arcs (transfers, gauge changes) are priced exactly; then path-size factors
//! (Ben-Akiva and Bierlaire, 1999) for the routes that share links.
//!
//! Candidates are computed once per network topology (which links are open) at nominal
//! input values and shared by every year and replication with that topology; the flows
//! are searched in parallel (rayon), collected in flow order.

use std::collections::BinaryHeap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::cost::node_step;
use crate::model::Scenario;
use crate::network::{Arcs, Instance, NodeValues};
use crate::turns::Turns;

/// One candidate route.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Arcs in travel order.
    pub arcs: Vec<usize>,
    /// ln of the path-size factor (0 when the route shares no link).
    pub ln_path_size: f64,
    /// The corridor the route is attributed to (see `attribute_corridor`).
    pub corridor: usize,
    pub length_km: f64,
    /// Stable identity: link ids in travel order joined by `>`.
    pub key: String,
    /// Readable: the corridors traversed, in order.
    pub name: String,
}

/// The candidate routes of every demand row for one topology.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteSet {
    pub by_demand: Vec<Vec<Route>>,
    /// The same routes flattened for the assignment: routes of row d are
    /// `start[d]..start[d + 1]`.
    pub start: Arc<Vec<usize>>,
    pub paths: Arc<Paths>,
    pub ln_path_size: Arc<Vec<f64>>,
    /// Each route's corridor, flattened like `paths` (a year's figures read it for
    /// every route; the `Route`s themselves are 96 bytes apart).
    pub corridor: Vec<u32>,
}

/// Routes as arc sequences in one flat array (compressed rows): route r is
/// `arcs[offsets[r]..offsets[r + 1]]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paths {
    pub offsets: Vec<usize>,
    pub arcs: Vec<u32>,
}

impl Paths {
    #[inline]
    pub fn path(&self, r: usize) -> &[u32] {
        &self.arcs[self.offsets[r]..self.offsets[r + 1]]
    }

    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u32]> {
        (0..self.len()).map(|r| self.path(r))
    }
}

impl RouteSet {
    pub fn new(by_demand: Vec<Vec<Route>>) -> RouteSet {
        let mut start = vec![0];
        let mut paths = Paths {
            offsets: vec![0],
            arcs: Vec::new(),
        };
        let mut ln_ps = Vec::new();
        let mut corridor = Vec::new();
        for routes in &by_demand {
            for r in routes {
                paths.arcs.extend(r.arcs.iter().map(|&a| a as u32));
                paths.offsets.push(paths.arcs.len());
                ln_ps.push(r.ln_path_size);
                corridor.push(r.corridor as u32);
            }
            start.push(ln_ps.len());
        }
        RouteSet {
            by_demand,
            start: Arc::new(start),
            paths: Arc::new(paths),
            ln_path_size: Arc::new(ln_ps),
            corridor,
        }
    }
}

/// A label in Dijkstra's queue (a max-heap): popped cheapest first in
/// `f64::total_cmp`'s order, then lowest state. Held as one integer key whose unsigned
/// order is that order reversed, so that the heap compares integers.
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Entry(std::cmp::Reverse<u128>);

impl Entry {
    const SIGN: u64 = 1 << 63;

    pub(crate) fn new(cost: f64, state: usize) -> Self {
        // `total_cmp`'s order as unsigned: negative costs' bits flipped, the sign bit
        // set on the others.
        let b = cost.to_bits();
        let ordered = if b & Self::SIGN != 0 {
            !b
        } else {
            b | Self::SIGN
        };
        Entry(std::cmp::Reverse(
            (u128::from(ordered) << 64) | state as u128,
        ))
    }

    pub(crate) fn cost(self) -> f64 {
        let ordered = (self.0.0 >> 64) as u64;
        f64::from_bits(if ordered & Self::SIGN != 0 {
            ordered & !Self::SIGN
        } else {
            !ordered
        })
    }

    pub(crate) fn state(self) -> usize {
        self.0.0 as u64 as usize
    }
}

/// The search graph for one topology and one value of time.
struct Search<'a> {
    s: &'a Scenario,
    arcs: &'a Arcs,
    nodes: &'a [NodeValues],
    open: &'a [bool],
    /// The turns of `open` with the node values `nodes`.
    turns: &'a Turns,
    vot: f64,
    arc_cost: Vec<f64>,
    /// Arcs the flow may use (`None`: all): its `modes` and `avoid_nodes`.
    allowed: Option<Vec<bool>>,
}

/// Working space of the arc searches (`Search::shortest`; `Search::costs_to` in the
/// tests): labels, predecessors, settled flags and the queue, kept across the searches
/// of Yen's loop so that none allocates them afresh.
#[derive(Default)]
struct Scratch {
    dist: Vec<f64>,
    pred: Vec<usize>,
    done: Vec<bool>,
    heap: BinaryHeap<Entry>,
}

/// The arcs demand row `d` may use, or `None` when the flow is unrestricted: arcs of
/// its modes that do not enter a node it avoids (docs/FORMAT.md, `[[demand]]` `modes`
/// and `avoid_nodes`).
pub fn allowed_arcs(s: &Scenario, arcs: &Arcs, d: usize) -> Option<Vec<bool>> {
    let dem = &s.demand[d];
    if !dem.is_restricted() {
        return None;
    }
    Some(
        arcs.arcs
            .iter()
            .map(|a| {
                let mode = s.links[a.link].mode;
                (dem.modes.is_empty() || dem.modes.contains(&mode))
                    && !dem.avoid_nodes.contains(&a.head)
                    && !dem.avoid_nodes.contains(&a.tail)
            })
            .collect(),
    )
}

impl<'a> Search<'a> {
    fn new(
        s: &'a Scenario,
        arcs: &'a Arcs,
        inst: &'a Instance,
        open: &'a [bool],
        turns: &'a Turns,
        vot: f64,
    ) -> Self {
        let arc_cost = arcs
            .arcs
            .iter()
            .map(|a| {
                let l = &inst.links[a.link];
                l.charge_usd_per_t() + vot * l.t0_h
            })
            .collect();
        Search {
            s,
            arcs,
            nodes: &inst.nodes,
            open,
            turns,
            vot,
            arc_cost,
            allowed: None,
        }
    }

    fn step(&self, node: usize, prev: Option<usize>, next: Option<usize>) -> f64 {
        node_step(
            self.s,
            &self.nodes[node],
            prev.map(|a| &self.arcs.arcs[a]),
            next.map(|a| &self.arcs.arcs[a]),
        )
        .cost(self.vot)
    }

    /// Cost of a whole arc sequence from origin to destination.
    fn route_cost(&self, path: &[usize]) -> f64 {
        let arcs = &self.arcs.arcs;
        let mut c = 0.0;
        let mut prev = None;
        for &a in path {
            c += self.step(arcs[a].tail, prev, Some(a)) + self.arc_cost[a];
            prev = Some(a);
        }
        if let Some(&last) = path.last() {
            c += self.step(arcs[last].head, Some(last), None);
        }
        c
    }

    #[inline]
    fn usable(&self, a: usize, banned_arcs: &[bool], banned_nodes: &[bool]) -> bool {
        self.open[self.arcs.arcs[a].link] && self.allowed_past(a, banned_arcs, banned_nodes)
    }

    /// Whether the flow may take arc `a` (open or not) past the bans of a spur search.
    #[inline]
    fn allowed_past(&self, a: usize, banned_arcs: &[bool], banned_nodes: &[bool]) -> bool {
        !banned_arcs[a]
            && !banned_nodes[self.arcs.arcs[a].head]
            && self.allowed.as_ref().is_none_or(|m| m[a])
    }

    /// Dijkstra over arcs from `start` (reached via `via`, or as the origin) to `dest`.
    fn shortest(
        &self,
        start: usize,
        via: Option<usize>,
        dest: usize,
        banned_arcs: &[bool],
        banned_nodes: &[bool],
        scratch: &mut Scratch,
    ) -> Option<Vec<usize>> {
        let n_arcs = self.arcs.arcs.len();
        let Scratch {
            dist,
            pred,
            done,
            heap,
        } = scratch;
        dist.clear();
        dist.resize(n_arcs, f64::INFINITY);
        pred.clear();
        pred.resize(n_arcs, usize::MAX);
        done.clear();
        done.resize(n_arcs, false);
        heap.clear();
        for &b in &self.arcs.out[start] {
            if !self.usable(b, banned_arcs, banned_nodes) {
                continue;
            }
            if via.is_some_and(|v| self.arcs.arcs[v].link == self.arcs.arcs[b].link) {
                continue;
            }
            let c = self.step(start, via, Some(b)) + self.arc_cost[b];
            if c < dist[b] {
                dist[b] = c;
                heap.push(Entry::new(c, b));
            }
        }
        // States >= n_arcs are "arrived at dest via arc state - n_arcs".
        while let Some(entry) = heap.pop() {
            let (cost, state) = (entry.cost(), entry.state());
            if state >= n_arcs {
                let mut path = vec![state - n_arcs];
                while pred[*path.last()?] != usize::MAX {
                    path.push(pred[*path.last()?]);
                }
                path.reverse();
                return Some(path);
            }
            if done[state] {
                continue;
            }
            done[state] = true;
            let head = self.arcs.arcs[state].head;
            if head == dest {
                let c = cost + self.turns.close(state).cost(self.vot);
                heap.push(Entry::new(c, n_arcs + state));
                continue;
            }
            // (The turns are open, not back along the arc's own link, and none where
            // the head carries no through traffic.)
            for &(b, step) in self.turns.after(state) {
                let b = b as usize;
                if done[b] || !self.allowed_past(b, banned_arcs, banned_nodes) {
                    continue;
                }
                let c = cost + step.cost(self.vot) + self.arc_cost[b];
                if c < dist[b] {
                    dist[b] = c;
                    pred[b] = state;
                    heap.push(Entry::new(c, b));
                }
            }
        }
        None
    }

    fn loopless(&self, origin: usize, path: &[usize]) -> bool {
        let mut seen = vec![false; self.s.nodes.len()];
        seen[origin] = true;
        path.iter().all(|&a| {
            let h = self.arcs.arcs[a].head;
            !std::mem::replace(&mut seen[h], true)
        })
    }

    /// What makes two routes alternatives rather than near-duplicates: the corridors a
    /// route traverses (consecutive repeats merged) and, among them, the ports and
    /// borders it passes. Routes through different ports or border crossings of the
    /// same corridors (the Aktau and Kuryk ferries) are distinct; routes that differ
    /// only by a feeder or a parallel road/rail link between the same gateways are not.
    /// (The corridors, then a separator, then the gateways.)
    fn corridor_sequence(&self, path: &[usize]) -> Vec<usize> {
        let mut seq: Vec<usize> = path
            .iter()
            .map(|&a| self.s.links[self.arcs.arcs[a].link].corridor)
            .collect();
        seq.dedup();
        seq.push(usize::MAX);
        seq.extend(path.iter().map(|&a| self.arcs.arcs[a].head).filter(|&n| {
            matches!(
                self.s.nodes[n].kind,
                crate::model::NodeKind::Port | crate::model::NodeKind::Border
            )
        }));
        seq
    }

    /// Yen's k shortest loopless routes, cut at `max_detour` x the cheapest cost. With
    /// `distinct`, a route that traverses the same sequence of corridors as a cheaper
    /// one is a near-duplicate: Yen still branches from it, but it is not kept, and the
    /// search goes on (up to 25 k routes examined) to find k distinct ones.
    fn k_shortest(
        &self,
        origin: usize,
        dest: usize,
        k: usize,
        max_detour: f64,
        distinct: bool,
    ) -> Vec<Vec<usize>> {
        let n_arcs = self.arcs.arcs.len();
        let n_nodes = self.s.nodes.len();
        let no_arcs = vec![false; n_arcs];
        let no_nodes = vec![false; n_nodes];
        let mut scratch = Scratch::default();
        let Some(first) = self.shortest(origin, None, dest, &no_arcs, &no_nodes, &mut scratch)
        else {
            return Vec::new();
        };
        if !self.loopless(origin, &first) {
            return Vec::new();
        }
        let best = self.route_cost(&first);
        let mut kept_sequences = vec![self.corridor_sequence(&first)];
        let mut kept: Vec<Vec<usize>> = vec![first.clone()];
        let mut accepted: Vec<Vec<usize>> = vec![first];
        let mut candidates: Vec<(f64, Vec<usize>)> = Vec::new();
        let mut banned_arcs = vec![false; n_arcs];
        let mut banned_nodes = vec![false; n_nodes];
        while kept.len() < k && accepted.len() < 25 * k {
            let last = accepted.last().cloned().unwrap_or_default();
            for i in 0..last.len() {
                let root = &last[..i];
                let spur = if i == 0 {
                    origin
                } else {
                    self.arcs.arcs[root[i - 1]].head
                };
                banned_arcs.iter_mut().for_each(|b| *b = false);
                banned_nodes.iter_mut().for_each(|b| *b = false);
                for p in &accepted {
                    if p.len() > i && p[..i] == *root {
                        banned_arcs[p[i]] = true;
                    }
                }
                banned_nodes[origin] = true;
                for &a in root {
                    banned_nodes[self.arcs.arcs[a].head] = true;
                }
                banned_nodes[spur] = false;
                if i > 0 {
                    banned_nodes[origin] = true;
                }
                let via = root.last().copied();
                let tail =
                    self.shortest(spur, via, dest, &banned_arcs, &banned_nodes, &mut scratch);
                if let Some(tail) = tail {
                    let mut path = root.to_vec();
                    path.extend(tail);
                    if self.loopless(origin, &path)
                        && !accepted.contains(&path)
                        && !candidates.iter().any(|(_, p)| *p == path)
                    {
                        candidates.push((self.route_cost(&path), path));
                    }
                }
            }
            // Cheapest candidate next; ties broken by arc sequence for determinism.
            let Some(pos) = candidates
                .iter()
                .enumerate()
                .min_by(|(_, a), (_, b)| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
                .map(|(i, _)| i)
            else {
                break;
            };
            let (cost, path) = candidates.swap_remove(pos);
            if cost > max_detour * best + 1e-9 {
                break;
            }
            let seq = self.corridor_sequence(&path);
            if !distinct || !kept_sequences.contains(&seq) {
                kept_sequences.push(seq);
                kept.push(path.clone());
            }
            accepted.push(path);
        }
        kept
    }
}

impl<'a> Search<'a> {
    /// A search over the open network with arcs priced at `arc_time_h` and the link
    /// charges of `links` (the network check and its diagnostic).
    #[allow(clippy::too_many_arguments)]
    fn at_times(
        s: &'a Scenario,
        arcs: &'a Arcs,
        nodes: &'a [NodeValues],
        links: &[crate::network::LinkValues],
        open: &'a [bool],
        turns: &'a Turns,
        arc_time_h: &[f64],
        vot: f64,
        allowed: Option<Vec<bool>>,
    ) -> Self {
        Search {
            s,
            arcs,
            nodes,
            open,
            turns,
            vot,
            arc_cost: arcs
                .arcs
                .iter()
                .zip(arc_time_h)
                .map(|(a, &t)| links[a.link].charge_usd_per_t() + vot * t)
                .collect(),
            allowed,
        }
    }
}

#[cfg(test)]
impl Search<'_> {
    /// Whether every arc cost and every node step of this search is non-negative (then
    /// a label, once settled, is final and no later one is cheaper).
    fn non_negative(&self) -> bool {
        self.vot >= 0.0
            && self.arc_cost.iter().all(|&c| c >= 0.0)
            && self
                .nodes
                .iter()
                .all(|n| n.values().iter().all(|&x| x >= 0.0))
    }

    /// The cheapest cost from `origin` to each node of `dests` over the open network
    /// (in the order given; infinity where unreached): a shortest-path tree over arcs
    /// (node costs depend on the pair of arcs), closed at each destination by its
    /// end-of-route step. With non-negative costs the tree stops growing once every
    /// destination's best closing is no dearer than the label being settled: any arc
    /// settled later costs at least that label, so its closing cannot be cheaper, and
    /// the costs are, to the bit, those of the whole tree (`early_exit` false grows the
    /// whole tree: the tests compare the two).
    fn costs_to(
        &self,
        origin: usize,
        dests: &[usize],
        early_exit: bool,
        scratch: &mut Scratch,
    ) -> Vec<f64> {
        let n_arcs = self.arcs.arcs.len();
        let Scratch { dist, heap, .. } = scratch;
        dist.clear();
        dist.resize(n_arcs, f64::INFINITY);
        heap.clear();
        let early_exit = early_exit && self.non_negative();
        // Each destination's cheapest closing over the arcs settled so far.
        let mut best: Vec<f64> = dests
            .iter()
            .map(|&d| if d == origin { 0.0 } else { f64::INFINITY })
            .collect();
        let allowed = |b: usize| self.allowed.as_ref().is_none_or(|m| m[b]);
        for &b in &self.arcs.out[origin] {
            if self.open[self.arcs.arcs[b].link] && allowed(b) {
                let c = self.step(origin, None, Some(b)) + self.arc_cost[b];
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
            let head = self.arcs.arcs[state].head;
            if head != origin && dests.contains(&head) {
                let closing = cost + self.step(head, Some(state), None);
                for (k, &d) in dests.iter().enumerate() {
                    if d == head && closing < best[k] {
                        best[k] = closing;
                    }
                }
            }
            if early_exit && best.iter().all(|&b| b <= cost) {
                break;
            }
            if !self.s.nodes[head].through_traffic {
                continue;
            }
            for &b in &self.arcs.out[head] {
                if !self.open[self.arcs.arcs[b].link]
                    || !allowed(b)
                    || self.arcs.arcs[b].link == self.arcs.arcs[state].link
                {
                    continue;
                }
                let c = cost + self.step(head, Some(state), Some(b)) + self.arc_cost[b];
                if c < dist[b] {
                    dist[b] = c;
                    heap.push(Entry::new(c, b));
                }
            }
        }
        best
    }
}

/// The network check's costs as `network_costs::cheapest_costs` gives them, grown by
/// `Search` tree by tree (each tree prices its arcs and node steps afresh): the
/// reference the check is compared with, to the bit. `early_exit` false grows whole
/// trees.
#[cfg(test)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn cheapest_costs_by_search(
    s: &Scenario,
    arcs: &Arcs,
    nodes: &[NodeValues],
    links: &[crate::network::LinkValues],
    open: &[bool],
    arc_time_h: &[f64],
    vot: &[f64],
    early_exit: bool,
) -> Vec<f64> {
    let mut out = vec![f64::INFINITY; s.demand.len()];
    // Flows with `modes` or `avoid_nodes` get a tree of their own (`restricted` = row).
    let mut groups: std::collections::BTreeMap<(usize, u64, usize), Vec<usize>> =
        std::collections::BTreeMap::new();
    for (d, dem) in s.demand.iter().enumerate() {
        let restricted = if dem.is_restricted() { d } else { usize::MAX };
        groups
            .entry((dem.origin, vot[d].to_bits(), restricted))
            .or_default()
            .push(d);
    }
    let (mut dests, mut scratch) = (Vec::new(), Scratch::default());
    let turns = Turns::new(s, arcs, nodes, open);
    for ((origin, vot_bits, restricted), rows) in groups {
        let vot = f64::from_bits(vot_bits);
        let allowed = if restricted == usize::MAX {
            None
        } else {
            allowed_arcs(s, arcs, restricted)
        };
        let search = Search::at_times(
            s, arcs, nodes, links, open, &turns, arc_time_h, vot, allowed,
        );
        dests.clear();
        dests.extend(rows.iter().map(|&d| s.demand[d].destination));
        let costs = search.costs_to(origin, &dests, early_exit, &mut scratch);
        for (&d, c) in rows.iter().zip(costs) {
            out[d] = c;
        }
    }
    out
}

/// The cheapest route of one origin-destination pair over the whole open network,
/// priced as `network_costs::cheapest_costs` prices it (arcs at `arc_time_h`, link charges of `links`,
/// node costs of `nodes`), as arcs in travel order with its cost (USD/t); `None` when
/// the destination cannot be reached. For diagnostics: which route the network check
/// (`equilibrium::candidates`) found cheaper than a flow's candidates.
#[allow(clippy::too_many_arguments)]
pub fn cheapest_route(
    s: &Scenario,
    arcs: &Arcs,
    nodes: &[NodeValues],
    links: &[crate::network::LinkValues],
    open: &[bool],
    arc_time_h: &[f64],
    vot: f64,
    d: usize,
) -> Option<(Vec<usize>, f64)> {
    let (origin, destination) = (s.demand[d].origin, s.demand[d].destination);
    let allowed = allowed_arcs(s, arcs, d);
    let turns = Turns::new(s, arcs, nodes, open);
    let search = Search::at_times(
        s, arcs, nodes, links, open, &turns, arc_time_h, vot, allowed,
    );
    let none_arcs = vec![false; arcs.arcs.len()];
    let none_nodes = vec![false; s.nodes.len()];
    let mut scratch = Scratch::default();
    let path = search.shortest(
        origin,
        None,
        destination,
        &none_arcs,
        &none_nodes,
        &mut scratch,
    )?;
    let cost = search.route_cost(&path);
    Some((path, cost))
}

/// The corridor a route is attributed to: the first, in `[[corridors]]` order, of the
/// corridors its links belong to. Declaring the distinctive corridors (the new one and
/// the crossings it competes with) before shared feeders makes routes read naturally.
pub fn attribute_corridor(s: &Scenario, arcs: &Arcs, path: &[usize]) -> usize {
    path.iter()
        .map(|&a| s.links[arcs.arcs[a].link].corridor)
        .min()
        .unwrap_or(0)
}

fn describe(s: &Scenario, arcs: &Arcs, inst: &Instance, path: &[usize]) -> (String, String, f64) {
    let key = path
        .iter()
        .map(|&a| s.links[arcs.arcs[a].link].id.as_str())
        .collect::<Vec<_>>()
        .join(">");
    let mut names: Vec<&str> = Vec::new();
    for &a in path {
        let c = &s.corridors[s.links[arcs.arcs[a].link].corridor].name;
        if names.last() != Some(&c.as_str()) {
            names.push(c);
        }
    }
    let length = path
        .iter()
        .map(|&a| inst.links[arcs.arcs[a].link].length_km)
        .sum();
    (key, names.join(" > "), length)
}

/// Path-size factors: PS_r = sum over links a of r of (l_a / L_r) / N_a, where N_a is
/// the number of the pair's candidate routes that use link a.
pub fn path_sizes(lengths: &[Vec<f64>], links: &[Vec<usize>]) -> Vec<f64> {
    let mut counts: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for route in links {
        let mut uniq = route.clone();
        uniq.sort_unstable();
        uniq.dedup();
        for l in uniq {
            *counts.entry(l).or_default() += 1;
        }
    }
    links
        .iter()
        .zip(lengths)
        .map(|(route, lens)| {
            let total: f64 = lens.iter().sum();
            if total <= 0.0 {
                return 1.0;
            }
            route
                .iter()
                .zip(lens)
                .map(|(l, len)| len / total / counts[l] as f64)
                .sum()
        })
        .collect()
}

/// Candidate routes for every demand row on the topology `open`, priced at `nominal`.
pub fn build_route_set(s: &Scenario, arcs: &Arcs, nominal: &Instance, open: &[bool]) -> RouteSet {
    let rc = &s.route_choice;
    let turns = Turns::new(s, arcs, &nominal.nodes, open);
    // In parallel over flows (each search is independent); collected in flow order, so
    // the route set is the same for any number of threads.
    let by_demand = s
        .demand
        .par_iter()
        .enumerate()
        .map(|(d, dem)| {
            let explicit: Vec<&crate::model::ExplicitRoute> = s
                .routes
                .iter()
                .filter(|r| r.origin == dem.origin && r.destination == dem.destination)
                .collect();
            let paths: Vec<Vec<usize>> = if explicit.is_empty() {
                let vot = nominal.vot_usd_per_t_h[d];
                let mut search = Search::new(s, arcs, nominal, open, &turns, vot);
                search.allowed = allowed_arcs(s, arcs, d);
                search.k_shortest(
                    dem.origin,
                    dem.destination,
                    rc.k_routes,
                    rc.max_detour,
                    rc.distinct_corridors,
                )
            } else {
                explicit
                    .iter()
                    .filter(|r| r.links.iter().all(|&(l, _)| open[l]))
                    .filter_map(|r| {
                        r.links
                            .iter()
                            .map(|&(l, fwd)| arcs.arc_for(l, fwd))
                            .collect::<Option<Vec<usize>>>()
                    })
                    .collect()
            };
            let link_lists: Vec<Vec<usize>> = paths
                .iter()
                .map(|p| p.iter().map(|&a| arcs.arcs[a].link).collect())
                .collect();
            let lengths: Vec<Vec<f64>> = link_lists
                .iter()
                .map(|ls| ls.iter().map(|&l| nominal.links[l].length_km).collect())
                .collect();
            let ps = path_sizes(&lengths, &link_lists);
            paths
                .into_iter()
                .zip(ps)
                .map(|(path, ps)| {
                    let (key, name, length_km) = describe(s, arcs, nominal, &path);
                    Route {
                        corridor: attribute_corridor(s, arcs, &path),
                        ln_path_size: if rc.path_size { ps.ln() } else { 0.0 },
                        arcs: path,
                        length_km,
                        key,
                        name,
                    }
                })
                .collect()
        })
        .collect();
    RouteSet::new(by_demand)
}

#[cfg(test)]
mod tests {
    use super::{Entry, path_sizes};

    /// The queue's integer keys order labels as comparing (cost, state) did: cheapest
    /// first in `total_cmp`'s order, then lowest state; the cost comes back bit for bit.
    #[test]
    fn queue_keys_order_as_total_cmp_then_state() {
        let costs = [
            f64::NEG_INFINITY,
            -1e300,
            -2.5,
            -f64::MIN_POSITIVE,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            f64::MIN_POSITIVE,
            1.0,
            1.0 + f64::EPSILON,
            2.5,
            1e300,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for &a in &costs {
            for &b in &costs {
                for (sa, sb) in [(0, 0), (0, 7), (7, 0), (3, usize::MAX)] {
                    let (ea, eb) = (Entry::new(a, sa), Entry::new(b, sb));
                    // The heap pops the greatest: the cheaper label, then the lower state.
                    let expected = b.total_cmp(&a).then(sb.cmp(&sa));
                    assert_eq!(ea.cmp(&eb), expected, "({a}, {sa}) against ({b}, {sb})");
                    assert_eq!(ea.cost().to_bits(), a.to_bits());
                    assert_eq!(ea.state(), sa);
                }
            }
        }
    }

    #[test]
    fn path_size_of_two_routes_sharing_half_their_length() {
        // Routes A = {0, 1} and B = {0, 2}, every link 1 km: link 0 is shared.
        // PS = (1/2)/2 + (1/2)/1 = 0.75 for both.
        let ps = path_sizes(&[vec![1.0, 1.0], vec![1.0, 1.0]], &[vec![0, 1], vec![0, 2]]);
        assert!((ps[0] - 0.75).abs() < 1e-12 && (ps[1] - 0.75).abs() < 1e-12);
        // A distinct third route keeps PS = 1.
        let ps = path_sizes(&[vec![2.0], vec![1.0, 1.0]], &[vec![3], vec![4, 5]]);
        assert_eq!(ps, vec![1.0, 1.0]);
    }
}
