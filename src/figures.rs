//! The figure catalogue: what one replication records for each year (`YearFigures`)
//! and the names of its metrics. The simulation fills it, the scenario limits size it,
//! and results, outputs and charts read it; it lives here so that none of them has to
//! reach into another's module for it.

/// Link figures: tonnes (both directions), utilization (busiest direction, flow /
/// capacity), congestion delay (busiest direction, hours), open (1 or 0).
pub const LINK_METRICS: [&str; 4] = ["tonnes", "utilization", "congestion_delay_h", "open"];
/// Corridor figures, for the routes attributed to each corridor.
pub const CORRIDOR_METRICS: [&str; 5] = [
    "tonnes",
    "share",
    "tonne_km",
    "cost_usd_per_t",
    "transit_time_h",
];
/// Demand-row figures.
pub const DEMAND_METRICS: [&str; 5] = [
    "demand_t",
    "served_t",
    "unserved_t",
    "cost_usd_per_t",
    "transit_time_h",
];
/// Route figures; share is of the route's demand row.
pub const ROUTE_METRICS: [&str; 4] = ["tonnes", "share", "cost_usd_per_t", "transit_time_h"];
/// Disruption figures per year (zero in years without one).
pub const DISRUPTION_METRICS: [&str; 4] = [
    "disrupted_days",
    "added_cost_musd",
    "added_time_mt_h",
    "added_unserved_t",
];
/// Equilibrium diagnostics per year: the assignment's iterations, its gap over the
/// candidate routes and whether it met the tolerance; then the relative gap against
/// network shortest paths and the flows whose candidates miss a cheaper network route
/// (`equilibrium::candidates`, normal period of the year).
pub const CONVERGENCE_METRICS: [&str; 5] = [
    "iterations",
    "gap",
    "converged",
    "network_gap",
    "flows_missing_routes",
];

/// A route's figures in one year of one replication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteFigure {
    /// Global route id (see `Engine::route_info`).
    pub gid: usize,
    pub values: [f64; 4],
}

/// Everything recorded for one year of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct YearFigures {
    pub links: Vec<[f64; 4]>,
    /// One row per corridor, then one for unserved demand.
    pub corridors: Vec<[f64; 5]>,
    pub demand: Vec<[f64; 5]>,
    pub routes: Vec<RouteFigure>,
    pub convergence: [f64; 5],
    /// Days disrupted, added generalized cost (USD), added time (tonne-hours) and added
    /// unserved tonnes, against the same year without its disruptions.
    pub disruption: [f64; 4],
}

/// Identity of a global route id.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteInfo {
    pub demand: usize,
    pub key: String,
    pub name: String,
    pub corridor: usize,
}
