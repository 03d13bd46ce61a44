//! Each candidate route's fixed money and hours per tonne (link charges and node steps:
//! borders, ports, transshipment, gauge breaks) and its availability, for one network
//! state at one replication's values: what an assignment adds its running times to.
//!
//! Replications that share a network state share its candidate routes, and their
//! values differ only at the few nodes and links a draw reaches (a TRIPP fee and border
//! time in `tripp-opens`). `RouteDataCache` keeps, per route set, the data of the first
//! replication that needed it; a later one computes afresh only the routes through a
//! node or link whose values differ and copies every other route's sums. A copied sum
//! was computed by the same code from the same values, so the result is the same bytes
//! as a computation from scratch, whichever replication filled the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::assignment::RouteData;
use crate::cost::node_step;
use crate::model::Scenario;
use crate::network::{Arcs, NodeValues, YearState};
use crate::routes::RouteSet;

/// What a route set's fixed costs were computed from, the route data they gave, and
/// which routes pass each node and each link.
#[derive(Debug)]
struct Cached {
    nodes: Vec<NodeValues>,
    charges: Vec<f64>,
    data: RouteData,
    through_node: Vec<Vec<u32>>,
    on_link: Vec<Vec<u32>>,
}

/// Route data per route set, shared by the replications of one engine (see the module
/// documentation). Route sets live as long as the engine (`simulate::Engine` keeps
/// them), so a set's address names it; and a route set belongs to one set of open
/// links, so its routes' availability is the cached one.
#[derive(Debug, Default)]
pub struct RouteDataCache {
    sets: Mutex<HashMap<usize, Arc<Cached>>>,
}

impl RouteDataCache {
    /// `route_data(s, arcs, nodes, state, rs)`, the same bytes, computing only the
    /// routes through a node or link whose values differ from those the route set's
    /// cached data was computed with. `state.open` must be the open links `rs` was
    /// built for.
    pub fn route_data(
        &self,
        s: &Scenario,
        arcs: &Arcs,
        nodes: &[NodeValues],
        state: &YearState,
        rs: &Arc<RouteSet>,
    ) -> RouteData {
        let key = Arc::as_ptr(rs) as usize;
        let cached = self.lock().get(&key).cloned();
        let charges: Vec<f64> = state.links.iter().map(|l| l.charge_usd_per_t()).collect();
        let Some(c) = cached else {
            let data = route_data(s, arcs, nodes, state, rs);
            let (mut through_node, mut on_link) = (
                vec![Vec::new(); nodes.len()],
                vec![Vec::new(); charges.len()],
            );
            for (r, path) in rs.paths.iter().enumerate() {
                for &a in path {
                    let arc = &arcs.arcs[a as usize];
                    let once = |list: &mut Vec<u32>| {
                        if list.last() != Some(&(r as u32)) {
                            list.push(r as u32);
                        }
                    };
                    once(&mut through_node[arc.tail]);
                    once(&mut through_node[arc.head]);
                    once(&mut on_link[arc.link]);
                }
            }
            self.lock().entry(key).or_insert_with(|| {
                Arc::new(Cached {
                    nodes: nodes.to_vec(),
                    charges,
                    data: data.clone(),
                    through_node,
                    on_link,
                })
            });
            return data;
        };
        debug_assert_eq!(
            c.data.available,
            route_data(s, arcs, nodes, state, rs).available
        );
        let mut data = c.data.clone();
        let mut redo = vec![false; rs.paths.len()];
        for (n, (a, b)) in nodes.iter().zip(&c.nodes).enumerate() {
            if !same_node(a, b) {
                c.through_node[n]
                    .iter()
                    .for_each(|&r| redo[r as usize] = true);
            }
        }
        for (l, (a, b)) in charges.iter().zip(&c.charges).enumerate() {
            if a.to_bits() != b.to_bits() {
                c.on_link[l].iter().for_each(|&r| redo[r as usize] = true);
            }
        }
        let mut fixed = Fixed::new(s);
        for (r, _) in redo.iter().enumerate().filter(|(_, redo)| **redo) {
            (data.fixed_usd[r], data.fixed_h[r]) =
                fixed.of(s, arcs, nodes, state, rs.paths.path(r));
        }
        data
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<usize, Arc<Cached>>> {
        self.sets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether two nodes' values are equal to the bit.
fn same_node(a: &NodeValues, b: &NodeValues) -> bool {
    a.values().map(f64::to_bits) == b.values().map(f64::to_bits)
}

/// A route's fixed money and hours, with the corridor constants (calibration) and
/// working space.
struct Fixed {
    constants: Vec<f64>,
    any_constant: bool,
    used: Vec<bool>,
}

impl Fixed {
    fn new(s: &Scenario) -> Fixed {
        let constants: Vec<f64> = s.corridors.iter().map(|c| c.constant_usd_per_t).collect();
        Fixed {
            any_constant: constants.iter().any(|c| *c != 0.0),
            used: vec![false; constants.len()],
            constants,
        }
    }

    /// Money (USD/t) and hours of the route `path`: each corridor constant it uses
    /// once, then its link charges and node steps in travel order.
    fn of(
        &mut self,
        s: &Scenario,
        arcs: &Arcs,
        nodes: &[NodeValues],
        state: &YearState,
        path: &[u32],
    ) -> (f64, f64) {
        let (mut usd, mut h) = (0.0, 0.0);
        if self.any_constant {
            self.used.iter_mut().for_each(|u| *u = false);
            for &a in path {
                self.used[s.links[arcs.arcs[a as usize].link].corridor] = true;
            }
            usd += self
                .used
                .iter()
                .zip(&self.constants)
                .filter(|(u, _)| **u)
                .map(|(_, c)| c)
                .sum::<f64>();
        }
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
        (usd, h)
    }
}

/// Route data of one period: fixed money and hours per route from the link charges of
/// `state` and the node steps at `nodes`, and each route's availability.
pub fn route_data(
    s: &Scenario,
    arcs: &Arcs,
    nodes: &[NodeValues],
    state: &YearState,
    rs: &RouteSet,
) -> RouteData {
    let n = rs.paths.len();
    let mut rd = RouteData {
        start: rs.start.clone(),
        paths: rs.paths.clone(),
        fixed_usd: Vec::with_capacity(n),
        fixed_h: Vec::with_capacity(n),
        ln_path_size: rs.ln_path_size.clone(),
        available: Vec::with_capacity(n),
    };
    let mut fixed = Fixed::new(s);
    for path in rs.paths.iter() {
        let (usd, h) = fixed.of(s, arcs, nodes, state, path);
        rd.fixed_usd.push(usd);
        rd.fixed_h.push(h);
        rd.available
            .push(path.iter().all(|&a| state.open[arcs.arcs[a as usize].link]));
    }
    rd
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::Instance;
    use crate::routes::build_route_set;

    /// Replications of `tripp-opens` draw the TRIPP fee and border time (node values)
    /// and opening years: whichever replication fills the cache, every other one's
    /// route data from it must be its own, to the bit, and some routes must differ
    /// between replications (or the test would not test the recomputation).
    #[test]
    fn cached_route_data_is_each_replications_own() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tripp-opens.toml");
        let s = crate::scenario::load(&path).expect("loads").scenario;
        let arcs = Arcs::new(&s);
        let year = 2040;
        let insts: Vec<Instance> = (0..12)
            .map(|rep| Instance::new(&s, Some(&crate::runner::uniforms(&s, 5, rep))))
            .collect();
        // One network state (the first replication's), every replication's values.
        let state0 = insts[0].year_state(year);
        let rs = Arc::new(build_route_set(
            &s,
            &arcs,
            &Instance::new(&s, None),
            &state0.open,
        ));
        let mut differs = 0;
        for fill in [0, 5] {
            let cache = RouteDataCache::default();
            let first = cache.route_data(&s, &arcs, &insts[fill].nodes, &state0, &rs);
            for inst in &insts {
                let mut state = inst.year_state(year);
                state.open.clone_from(&state0.open);
                let want = route_data(&s, &arcs, &inst.nodes, &state, &rs);
                let got = cache.route_data(&s, &arcs, &inst.nodes, &state, &rs);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&got.fixed_usd), bits(&want.fixed_usd));
                assert_eq!(bits(&got.fixed_h), bits(&want.fixed_h));
                assert_eq!(got.available, want.available);
                differs += usize::from(bits(&want.fixed_usd) != bits(&first.fixed_usd));
            }
        }
        assert!(
            differs >= 10,
            "{differs} replications with other route costs"
        );
    }
}
