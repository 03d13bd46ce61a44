//! Exact user equilibrium on whole road networks: the solver behind `corridor tntp`
//! and the network shortest paths behind the relative gap every run reports.
//!
//! - `network`: links in dense arrays with CSR out-links, BPR costs with fixed parts,
//!   zones that carry no through traffic, demand grouped by origin;
//! - `shortest`: Dijkstra trees with reusable workspaces;
//! - `solver`: path-based gradient projection with column generation, shortest paths
//!   in parallel over origins, results independent of the thread count;
//! - `gap`: the one relative-gap definition, recomputed from link flows.

pub mod candidates;
pub mod gap;
pub mod network;
pub mod shortest;
pub mod solver;

pub use gap::{FlowDifference, Gap, compare_flows, measure};
pub use network::{Demand, Link, Network, NetworkError};
pub use solver::{Options, Progress, Solution, solve};
