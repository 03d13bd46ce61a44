//! Shortest-path trees (Dijkstra, 1959, with a binary heap and lazy deletion) over the
//! CSR network at given link costs, with zones that carry no through traffic: such a
//! node is settled but its out-links are only followed when it is the origin.
//!
//! A `Tree` is a reusable workspace: after the first origin nothing is allocated.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::network::Network;

#[derive(Clone, Copy, PartialEq)]
struct Entry {
    dist: f64,
    node: u32,
}

impl Eq for Entry {}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        // Min-heap on distance; ties by node for a fixed order.
        other
            .dist
            .total_cmp(&self.dist)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A shortest-path tree from one origin: distance and the link into each node.
#[derive(Debug, Clone)]
pub struct Tree {
    pub dist: Vec<f64>,
    /// Link into each node on its shortest path; `u32::MAX` at the origin and at nodes
    /// not reached.
    pub pred: Vec<u32>,
    heap: BinaryHeap<Entry>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "({}, {})", self.dist, self.node)
    }
}

impl Tree {
    pub fn new(n_nodes: usize) -> Tree {
        Tree {
            dist: vec![f64::INFINITY; n_nodes],
            pred: vec![u32::MAX; n_nodes],
            heap: BinaryHeap::with_capacity(n_nodes),
        }
    }

    /// Fills the tree from `origin` at `link_cost`.
    pub fn grow(&mut self, net: &Network, link_cost: &[f64], origin: usize) {
        self.dist.iter_mut().for_each(|d| *d = f64::INFINITY);
        self.pred.iter_mut().for_each(|p| *p = u32::MAX);
        self.heap.clear();
        self.dist[origin] = 0.0;
        self.heap.push(Entry {
            dist: 0.0,
            node: origin as u32,
        });
        while let Some(Entry { dist, node }) = self.heap.pop() {
            let u = node as usize;
            if dist > self.dist[u] {
                continue;
            }
            if u != origin && !net.passable(u) {
                continue;
            }
            let (a, b) = (net.first_out[u] as usize, net.first_out[u + 1] as usize);
            for &l in &net.out_link[a..b] {
                let v = net.head[l as usize] as usize;
                let nd = dist + link_cost[l as usize];
                if nd < self.dist[v] {
                    self.dist[v] = nd;
                    self.pred[v] = l;
                    self.heap.push(Entry {
                        dist: nd,
                        node: v as u32,
                    });
                }
            }
        }
    }

    /// Appends the links of the shortest path to `dest` to `out`, in travel order.
    /// Returns false (appending nothing) if `dest` was not reached.
    pub fn path_to(&self, net: &Network, dest: usize, out: &mut Vec<u32>) -> bool {
        if !self.dist[dest].is_finite() {
            return false;
        }
        let start = out.len();
        let mut v = dest;
        while self.pred[v] != u32::MAX {
            let l = self.pred[v];
            out.push(l);
            v = net.tail[l as usize] as usize;
        }
        out[start..].reverse();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::equilibrium::network::Link;

    fn net(first_through: usize) -> Network {
        let l = |tail, head, fft| Link {
            tail,
            head,
            fft,
            capacity: 1.0,
            b: 0.0,
            power: 0.0,
            fixed: 0.0,
        };
        // 0 -> 2 -> 3 costs 2; 0 -> 1 -> 3 costs 1.5 but node 1 is a zone.
        Network::new(
            4,
            first_through,
            &[l(0, 2, 1.0), l(2, 3, 1.0), l(0, 1, 0.5), l(1, 3, 1.0)],
        )
        .unwrap()
    }

    #[test]
    fn zones_carry_no_through_traffic() {
        let n = net(0);
        let cost = n.fft.clone();
        let mut t = Tree::new(4);
        t.grow(&n, &cost, 0);
        assert_eq!(t.dist[3], 1.5);
        let mut p = Vec::new();
        assert!(t.path_to(&n, 3, &mut p));
        assert_eq!(p, vec![2, 3]);
        // Nodes 0 and 1 are zones: 1 is still reached, but not passed through.
        let n = net(2);
        t.grow(&n, &cost, 0);
        assert_eq!((t.dist[1], t.dist[3]), (0.5, 2.0));
        p.clear();
        t.path_to(&n, 3, &mut p);
        assert_eq!(p, vec![0, 1]);
        // From zone 1 itself the out-link is usable.
        t.grow(&n, &cost, 1);
        assert_eq!(t.dist[3], 1.0);
        assert!(!t.dist[0].is_finite());
    }
}
