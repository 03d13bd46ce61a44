//! Deterministic user equilibrium (Wardrop's first principle) by path-based gradient
//! projection with column generation (Jayakrishnan, Tsai, Prashker and Rajadhyaksha,
//! 1994, TRR 1443; Chen, Jayakrishnan and Tsai, 2002, J. Transp. Eng. 128(1); the
//! outer/inner scheme of Florian, Constantin and Florian, 2009, TRR 2090).
//!
//! Each outer iteration:
//! 1. link flows are rebuilt exactly from the path flows and priced;
//! 2. shortest-path trees from every origin are grown in parallel (rayon) at those
//!    costs; they give the relative gap of the current flows, and the shortest path of
//!    each pair, added to its path set when new (column generation);
//! 3. one gradient-projection sweep over all pairs in a fixed order (origin, then
//!    destination): each pair shifts flow from its dearer paths to its cheapest with a
//!    Newton step diff / (sum of cost derivatives on the links the two paths do not
//!    share), link costs updated at once (Gauss-Seidel);
//! 4. further sweeps over the pairs with several paths (no shortest paths needed) while
//!    they keep reducing the path-set gap.
//!
//! Determinism: the parallel step only fills per-origin buffers that are read in
//! origin order; every flow update is sequential. Results are identical whatever the
//! number of threads.

use std::time::Instant;

use rayon::prelude::*;

use super::gap::Gap;
use super::network::{Demand, Network, NetworkError};
use super::shortest::Tree;

/// Stopping rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Stop when the relative gap (see `gap.rs`) is at or below this.
    pub gap: f64,
    pub max_iterations: usize,
    /// Most inner sweeps per outer iteration.
    pub max_inner: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            gap: 1e-8,
            max_iterations: 500,
            max_inner: 20,
        }
    }
}

/// One outer iteration as recorded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub iteration: usize,
    /// Seconds since the solver started (wall clock).
    pub seconds: f64,
    /// The gap of the flows at the start of this iteration.
    pub gap: f64,
    pub beckmann: f64,
    /// Paths with flow, over all pairs.
    pub paths: usize,
}

/// The equilibrium found.
#[derive(Debug, Clone)]
pub struct Solution {
    pub link_flow: Vec<f64>,
    pub link_cost: Vec<f64>,
    /// The gap of `link_flow`, measured against fresh shortest paths at its costs.
    pub gap: Gap,
    pub beckmann: f64,
    pub iterations: usize,
    pub converged: bool,
    pub history: Vec<Progress>,
}

/// A path of one pair: its links and flow.
#[derive(Debug, Clone)]
struct Path {
    links: Vec<u32>,
    flow: f64,
}

/// The shortest paths of one origin's pairs at the current costs (the trees
/// themselves live one per worker thread, so memory grows with pairs, not with
/// origins x nodes).
struct OriginScratch {
    /// Path of pair k (local index): `links[offsets[k]..offsets[k + 1]]`.
    offsets: Vec<usize>,
    links: Vec<u32>,
    cost: Vec<f64>,
}

/// The mutable state of the sweeps: link flows, costs and derivatives, and marks for
/// the links of two paths.
struct State<'n> {
    net: &'n Network,
    flow: Vec<f64>,
    cost: Vec<f64>,
    deriv: Vec<f64>,
    mark_a: Vec<u32>,
    mark_b: Vec<u32>,
    epoch: u32,
}

impl State<'_> {
    fn price(&mut self) {
        for l in 0..self.flow.len() {
            self.cost[l] = self.net.cost(l, self.flow[l]);
            self.deriv[l] = self.net.derivative(l, self.flow[l]);
        }
    }

    #[inline]
    fn path_cost(&self, p: &[u32]) -> f64 {
        p.iter().map(|&l| self.cost[l as usize]).sum()
    }

    #[inline]
    fn shift(&mut self, p: &[u32], delta: f64) {
        for &l in p {
            let l = l as usize;
            let x = (self.flow[l] + delta).max(0.0);
            self.flow[l] = x;
            self.cost[l] = self.net.cost(l, x);
            self.deriv[l] = self.net.derivative(l, x);
        }
    }

    /// Sum of derivatives over the links of `p` not in `q` plus those of `q` not in
    /// `p` (paths are loopless: each link at most once).
    fn curvature(&mut self, p: &[u32], q: &[u32]) -> f64 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.mark_a.iter_mut().for_each(|m| *m = 0);
            self.mark_b.iter_mut().for_each(|m| *m = 0);
            self.epoch = 1;
        }
        let e = self.epoch;
        for &l in p {
            self.mark_a[l as usize] = e;
        }
        for &l in q {
            self.mark_b[l as usize] = e;
        }
        let mut s = 0.0;
        for &l in p {
            if self.mark_b[l as usize] != e {
                s += self.deriv[l as usize];
            }
        }
        for &l in q {
            if self.mark_a[l as usize] != e {
                s += self.deriv[l as usize];
            }
        }
        s
    }

    /// One gradient-projection step on a pair's paths. Returns the pair's excess cost
    /// and total cost before the step (its contribution to the path-set gap).
    fn equilibrate(&mut self, paths: &mut Vec<Path>) -> (f64, f64) {
        if paths.len() < 2 {
            let total = paths
                .first()
                .map_or(0.0, |p| p.flow * self.path_cost(&p.links));
            return (0.0, total);
        }
        let mut m = 0;
        let mut cm = f64::INFINITY;
        let (mut total, mut demand) = (0.0, 0.0);
        for (k, p) in paths.iter().enumerate() {
            let c = self.path_cost(&p.links);
            total += p.flow * c;
            demand += p.flow;
            if c < cm {
                cm = c;
                m = k;
            }
        }
        let excess = total - cm * demand;
        let shortest = std::mem::take(&mut paths[m].links);
        for k in 0..paths.len() {
            if k == m || paths[k].flow <= 0.0 {
                continue;
            }
            let ck = self.path_cost(&paths[k].links);
            let cm = self.path_cost(&shortest);
            let diff = ck - cm;
            if diff <= 0.0 {
                continue;
            }
            let s = self.curvature(&paths[k].links, &shortest);
            let f = paths[k].flow;
            let delta = if s > 0.0 { (diff / s).min(f) } else { f };
            paths[k].flow = if delta >= f { 0.0 } else { f - delta };
            paths[m].flow += delta;
            self.shift(&paths[k].links, -delta);
            self.shift(&shortest, delta);
        }
        paths[m].links = shortest;
        // Drop paths left without flow (never the cheapest).
        let mut k = 0;
        paths.retain(|p| {
            let keep = k == m || p.flow > 0.0;
            k += 1;
            keep
        });
        (excess.max(0.0), total)
    }
}

/// Solves the user equilibrium of `demand` on `net`.
pub fn solve(net: &Network, demand: &Demand, opts: &Options) -> Result<Solution, NetworkError> {
    let started = Instant::now();
    let n_links = net.n_links();
    let n_origins = demand.origins.len();
    let mut st = State {
        net,
        flow: vec![0.0; n_links],
        cost: vec![0.0; n_links],
        deriv: vec![0.0; n_links],
        mark_a: vec![0; n_links],
        mark_b: vec![0; n_links],
        epoch: 0,
    };
    st.price();
    let mut scratch: Vec<OriginScratch> = (0..n_origins)
        .map(|i| {
            let n_pairs = demand.start[i + 1] - demand.start[i];
            OriginScratch {
                offsets: Vec::with_capacity(n_pairs + 1),
                links: Vec::new(),
                cost: Vec::with_capacity(n_pairs),
            }
        })
        .collect();
    let mut pairs: Vec<Vec<Path>> = vec![Vec::new(); demand.n_pairs()];
    let mut history = Vec::new();
    let mut iterations = 0;
    let mut converged = false;
    let mut gap;
    loop {
        // 1. Exact link flows from the paths, then costs.
        if iterations > 0 {
            st.flow.iter_mut().for_each(|x| *x = 0.0);
            for paths in &pairs {
                for p in paths {
                    for &l in &p.links {
                        st.flow[l as usize] += p.flow;
                    }
                }
            }
            st.price();
        }
        // 2. Shortest paths from every origin, in parallel.
        shortest_paths(net, demand, &st.cost, &mut scratch);
        let mut sptt = 0.0;
        for (i, sc) in scratch.iter().enumerate() {
            for (k, c) in sc.cost.iter().enumerate() {
                let q = demand.start[i] + k;
                if !c.is_finite() {
                    return Err(NetworkError::Unreachable {
                        origin: demand.origins[i] as usize,
                        destination: demand.dest[q] as usize,
                        flow: demand.flow[q],
                    });
                }
                sptt += demand.flow[q] * c;
            }
        }
        gap = if iterations == 0 {
            Gap {
                total_cost: f64::INFINITY,
                shortest_cost: sptt,
            }
        } else {
            Gap {
                total_cost: st.flow.iter().zip(&st.cost).map(|(x, c)| x * c).sum(),
                shortest_cost: sptt,
            }
        };
        if iterations > 0 {
            history.push(Progress {
                iteration: iterations,
                seconds: started.elapsed().as_secs_f64(),
                gap: gap.relative(),
                beckmann: net.beckmann(&st.flow),
                paths: pairs.iter().map(Vec::len).sum(),
            });
            if gap.relative() <= opts.gap {
                converged = true;
                break;
            }
            if iterations >= opts.max_iterations {
                break;
            }
        }
        iterations += 1;
        // 3. Column generation and one sweep, pairs in (origin, destination) order.
        for (i, sc) in scratch.iter().enumerate() {
            for k in 0..sc.cost.len() {
                let q = demand.start[i] + k;
                let sp = &sc.links[sc.offsets[k]..sc.offsets[k + 1]];
                let paths = &mut pairs[q];
                if paths.is_empty() {
                    // All-or-nothing start.
                    paths.push(Path {
                        links: sp.to_vec(),
                        flow: demand.flow[q],
                    });
                    st.shift(sp, demand.flow[q]);
                    continue;
                }
                if !paths.iter().any(|p| p.links == sp) {
                    paths.push(Path {
                        links: sp.to_vec(),
                        flow: 0.0,
                    });
                }
                st.equilibrate(paths);
            }
        }
        // 4. Inner sweeps over the pairs with a choice, while they pay.
        let target = gap.relative().min(1.0) * 0.1;
        for _ in 0..opts.max_inner {
            let (mut e, mut t) = (0.0, 0.0);
            for paths in pairs.iter_mut().filter(|p| p.len() > 1) {
                let (pe, pt) = st.equilibrate(paths);
                e += pe;
                t += pt;
            }
            if t <= 0.0 || e / t <= target.max(opts.gap * 0.1) {
                break;
            }
        }
    }
    let link_cost = st.cost.clone();
    Ok(Solution {
        beckmann: net.beckmann(&st.flow),
        link_flow: st.flow,
        link_cost,
        gap,
        iterations,
        converged,
        history,
    })
}

/// Fills each origin's scratch with its shortest-path tree at `cost` and the path and
/// cost to each of its destinations.
fn shortest_paths(net: &Network, demand: &Demand, cost: &[f64], scratch: &mut [OriginScratch]) {
    scratch.par_iter_mut().enumerate().for_each_init(
        || Tree::new(net.n_nodes),
        |tree, (i, sc)| {
            tree.grow(net, cost, demand.origins[i] as usize);
            sc.offsets.clear();
            sc.links.clear();
            sc.cost.clear();
            sc.offsets.push(0);
            for q in demand.start[i]..demand.start[i + 1] {
                let d = demand.dest[q] as usize;
                sc.cost.push(tree.dist[d]);
                tree.path_to(net, d, &mut sc.links);
                sc.offsets.push(sc.links.len());
            }
        },
    );
}
