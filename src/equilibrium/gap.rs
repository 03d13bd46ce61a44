//! The relative gap, one definition for the whole tool (docs/MODEL.md, "Relative
//! gap"): (total cost - shortest-path cost) / total cost, where the total cost is
//! sum over links of flow x cost at those flows and the shortest-path cost is sum over
//! pairs of demand x the cost of the cheapest route over the whole network at the
//! same link costs. It is 0 exactly at a user equilibrium (Wardrop, 1952) and needs
//! nothing but the final link flows, so any tool's flows can be judged by it.

use rayon::prelude::*;

use super::network::{Demand, Network, NetworkError};
use super::shortest::Tree;

/// Total and shortest-path cost of a flow pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gap {
    pub total_cost: f64,
    pub shortest_cost: f64,
}

impl Gap {
    /// (total - shortest) / total; 0 when nothing moves.
    pub fn relative(&self) -> f64 {
        if self.total_cost > 0.0 {
            (self.total_cost - self.shortest_cost) / self.total_cost
        } else {
            0.0
        }
    }
}

/// Measures the gap of `link_flow` from scratch: link costs at those flows, then a
/// shortest-path tree per origin (in parallel, summed in origin order).
pub fn measure(net: &Network, demand: &Demand, link_flow: &[f64]) -> Result<Gap, NetworkError> {
    let cost: Vec<f64> = (0..net.n_links())
        .map(|l| net.cost(l, link_flow[l]))
        .collect();
    let total_cost = link_flow.iter().zip(&cost).map(|(x, c)| x * c).sum();
    let per_origin: Vec<Result<f64, NetworkError>> = (0..demand.origins.len())
        .into_par_iter()
        .map_init(
            || Tree::new(net.n_nodes),
            |tree, i| {
                let o = demand.origins[i] as usize;
                tree.grow(net, &cost, o);
                let mut s = 0.0;
                for q in demand.start[i]..demand.start[i + 1] {
                    let d = demand.dest[q] as usize;
                    if !tree.dist[d].is_finite() {
                        return Err(NetworkError::Unreachable {
                            origin: o,
                            destination: d,
                            flow: demand.flow[q],
                        });
                    }
                    s += demand.flow[q] * tree.dist[d];
                }
                Ok(s)
            },
        )
        .collect();
    let mut shortest_cost = 0.0;
    for s in per_origin {
        shortest_cost += s?;
    }
    Ok(Gap {
        total_cost,
        shortest_cost,
    })
}

/// How a solution compares with a reference (best-known) flow pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowDifference {
    pub beckmann_known: f64,
    /// (ours - known) / known.
    pub beckmann_relative: f64,
    /// Largest |ours - known| / known over links whose cost rises with flow (b > 0,
    /// power > 0) where the known flow exceeds 1% of capacity.
    pub worst_relative: f64,
    pub worst_link: usize,
}

/// Compares `flow` with `known` by objective and by link flow.
pub fn compare_flows(net: &Network, flow: &[f64], known: &[f64]) -> FlowDifference {
    let beckmann_known = net.beckmann(known);
    let ours = net.beckmann(flow);
    let (mut worst_relative, mut worst_link) = (0.0_f64, 0);
    for (l, &k) in known.iter().enumerate() {
        if net.b[l] > 0.0 && net.power[l] > 0.0 && k > 0.01 * net.capacity[l] {
            let d = (flow[l] - k).abs() / k;
            if d > worst_relative {
                (worst_relative, worst_link) = (d, l);
            }
        }
    }
    FlowDifference {
        beckmann_known,
        beckmann_relative: if beckmann_known != 0.0 {
            (ours - beckmann_known) / beckmann_known
        } else {
            0.0
        },
        worst_relative,
        worst_link,
    }
}
