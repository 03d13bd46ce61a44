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

/// Variable-demand figures per flow (`YearFigures::induced`): the fixed demand (base
/// tonnes grown), induced tonnes (demand minus fixed; negative when suppressed), the
/// composite cost (USD/t: logsum for logit, cheapest route for deterministic choice,
/// period-weighted) and the reference cost demand pivots on. Written to `od.csv` only
/// when some flow has a non-zero elasticity (see `demand.rs`).
pub const INDUCED_METRICS: [&str; 4] = [
    "fixed_demand_t",
    "induced_t",
    "composite_cost_usd_per_t",
    "reference_cost_usd_per_t",
];
/// Measure figures (see `measures`): tonnes on the measure's link directions and nodes,
/// the same in counting units a day (NaN without a unit), and the relative difference
/// from the year's observation (model / observed - 1; NaN without one).
pub const MEASURE_METRICS: [&str; 3] = ["tonnes", "units_per_day", "difference"];
/// Queue-point figures per year (`crate::queues`): tonnes that arrived and were
/// served, utilization (arrivals / capacity), mean and 95th-percentile wait, mean and
/// largest queue in tonnes and units, days with the queue above the point's threshold,
/// days of cut service (full-closure equivalent: the sum of the day's capacity lost), mean days to clear the backlog after a disruption (NaN when
/// none cleared that year) and the queue left at the end of the year.
pub const QUEUE_METRICS: [&str; 14] = [
    "arrivals_t",
    "served_t",
    "utilization",
    "wait_mean_h",
    "wait_p95_h",
    "queue_mean_t",
    "queue_max_t",
    "queue_mean_units",
    "queue_max_units",
    "days_above_threshold",
    "disrupted_days",
    "clear_days",
    "backlog_end_t",
    "backlog_end_units",
];
/// The queue layer's fixed point with route choice, per year: rounds and the last
/// change of the waits (hours); appended to `convergence.csv` when there are queues.
pub const QUEUE_CONVERGENCE_METRICS: [&str; 2] = ["queue_rounds", "queue_gap_h"];

/// The daily queue trace of `Scenario::queue_trace_year` (`crate::queues`), per queue
/// point and day of that year: the queue at the end of the day (units) and whether a
/// disruption cut the point's capacity that day (1 or 0). Written to `queue_trace.csv`
/// with the queue in tonnes too (units x tonnes per unit).
pub const QUEUE_TRACE_FIGURES: [&str; 2] = ["queue_units", "disrupted"];
/// Days of the queue layer's year (`crate::queues`: 365, February of leap years has
/// 28 days).
pub const QUEUE_DAYS: usize = 365;

/// A route's figures in one year of one replication: 32 bytes (a study writes and
/// reads millions of them). Its share of its flow is not stored: it is the tonnes over
/// the flow's demand that year (`share`), to the bit as the engine would compute it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RouteFigure {
    /// Global route id (see `Engine::route_info`).
    pub(crate) gid: u32,
    /// The route's demand row.
    pub(crate) demand: u32,
    /// Tonnes, generalized cost (USD/t) and transit time (h); read through the
    /// accessors below.
    pub(crate) values: [f64; 3],
}

impl RouteFigure {
    /// Global route id, as an index.
    #[inline]
    pub fn gid(&self) -> usize {
        self.gid as usize
    }

    #[inline]
    pub fn tonnes(&self) -> f64 {
        self.values[0]
    }

    #[inline]
    pub fn cost_usd_per_t(&self) -> f64 {
        self.values[1]
    }

    #[inline]
    pub fn transit_time_h(&self) -> f64 {
        self.values[2]
    }

    /// The route's share of its flow's demand in `year` (the figures this one belongs
    /// to): tonnes / demand, 0 without demand.
    #[inline]
    pub fn share(&self, year: &YearFigures) -> f64 {
        let demand = year.demand[self.demand as usize][0];
        if demand > 0.0 {
            self.tonnes() / demand
        } else {
            0.0
        }
    }
}

/// Everything recorded for one year of one replication.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Per demand row, `INDUCED_METRICS`; recorded for every scenario (the composite
    /// cost is what an appraisal's consumer surplus needs).
    pub induced: Vec<[f64; 4]>,
    /// One row per `[[measures]]` item (empty when the scenario has none).
    pub measures: Vec<[f64; 3]>,
    /// Per queue point (empty without queues), `QUEUE_METRICS`.
    pub queues: Vec<[f64; 14]>,
    /// `QUEUE_CONVERGENCE_METRICS` (zeros without queues).
    pub queue_convergence: [f64; 2],
    /// In the queue trace year only (empty otherwise and without queues): per queue
    /// point, day and `QUEUE_TRACE_FIGURES`, point-major.
    pub queue_trace: Vec<f64>,
}

/// Identity of a global route id.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteInfo {
    pub demand: usize,
    pub key: String,
    pub name: String,
    pub corridor: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_routes_metrics_are_its_values_and_its_share_of_the_flows_demand() {
        let year = YearFigures {
            demand: vec![[400.0, 0.0, 0.0, 0.0, 0.0], [0.0; 5]],
            ..YearFigures::default()
        };
        let rf = |demand| RouteFigure {
            gid: 7,
            demand,
            values: [100.0, 55.5, 36.0],
        };
        let r = rf(0);
        assert_eq!(r.gid(), 7);
        assert_eq!(
            [
                r.tonnes(),
                r.share(&year),
                r.cost_usd_per_t(),
                r.transit_time_h()
            ],
            [100.0, 0.25, 55.5, 36.0]
        );
        // A flow without demand: no share.
        assert_eq!(rf(1).share(&year), 0.0);
    }
}
