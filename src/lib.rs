//! corridor-sim: freight flows over a new transit corridor against the routes it
//! competes with.
//!
//! The pipeline, one module per step:
//! `scenario` (files -> validated `model::Scenario`) -> `network` (arcs, one
//! replication's values, the state of a year) -> `routes` (k shortest candidate routes
//! per topology, path-size factors) -> `assignment` (path-size logit SUE or Wardrop
//! equilibrium with BPR congestion; `demand` makes tonnes respond to cost around it) ->
//! `simulate` (one replication over the horizon,
//! recording the `figures` catalogue; equilibria solved before are taken from `memo`,
//! and the first years a replication shares with its thread's last one from
//! `shared_years`, the same bytes either way) ->
//! `runner` (replications in parallel) -> `results` (summaries) -> `charts` and `report`
//! (charts, GeoJSON, HTML pages) -> `output` (the files of a run, written atomically).
//!
//! # Determinism
//! The same scenario and seed give byte-identical tables whatever the thread count:
//! each replication draws from its own ChaCha8 stream derived from (seed, index);
//! replications are folded into the results in index order; maps that reach output
//! are ordered; numbers are formatted the same way on every run (`number_text`, below
//! `results`, whose tables carry some text cells, and the writers).
//!
//! The library never prints; `main.rs` owns the terminal and the exit codes.

pub mod appraisal;
pub mod assignment;
pub mod calibrate;
pub mod charts;
pub mod compare;
pub mod cost;
pub mod demand;
pub mod distributions;
pub mod equilibrium;
pub mod exact_sum;
pub mod exp;
pub mod figures;
pub mod folder_name;
pub mod import;
pub mod measures;
pub mod memo;
pub mod model;
pub mod network;
pub mod network_costs;
pub mod number_text;
pub mod output;
pub mod queues;
pub mod report;
pub mod results;
pub mod route_data;
pub mod routes;
pub mod runner;
pub mod scenario;
pub mod sensitivity;
pub mod shard;
mod shared_years;
pub mod simulate;
pub mod stats;
#[cfg(test)]
mod test_rng;
#[cfg(test)]
mod test_scenario;
pub mod turns;

/// The most replications one run accepts.
pub const MAX_REPLICATIONS: u64 = 10_000_000;
