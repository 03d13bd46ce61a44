//! The validated scenario: names resolved to dense indices, units checked, defaults
//! applied. Built once by `scenario::load`, then shared read-only by every year and
//! every replication.

use crate::scenario::num::Param;

/// Transport mode of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Rail,
    Road,
    Ferry,
    Sea,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Rail, Mode::Road, Mode::Ferry, Mode::Sea];
    pub const NAMES: [&'static str; 4] = ["rail", "road", "ferry", "sea"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
    }

    /// Water modes load and unload at ports.
    pub fn is_water(self) -> bool {
        matches!(self, Mode::Ferry | Mode::Sea)
    }
}

/// What a node is; decides which node costs apply by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    City,
    Port,
    Border,
    Terminal,
}

impl NodeKind {
    pub const NAMES: [&'static str; 4] = ["city", "port", "border", "terminal"];

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(s: &str) -> Option<NodeKind> {
        match s {
            "city" => Some(NodeKind::City),
            "port" => Some(NodeKind::Port),
            "border" => Some(NodeKind::Border),
            "terminal" => Some(NodeKind::Terminal),
            _ => None,
        }
    }
}

/// Costs of passing, transferring at, or handling at a node (hours and USD per tonne).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeCosts {
    pub border_dwell_h: Param,
    pub border_fee_usd_per_t: Param,
    pub transshipment_h: Param,
    pub transshipment_usd_per_t: Param,
    pub gauge_change_h: Param,
    pub gauge_change_usd_per_t: Param,
    pub port_handling_h: Param,
    pub port_handling_usd_per_t: Param,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub country: String,
    pub kind: NodeKind,
    pub costs: NodeCosts,
    /// `false` for a zone that routes may start or end at but never pass through
    /// (TNTP's nodes below the first through node).
    pub through_traffic: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Corridor {
    pub id: String,
    pub name: String,
    /// Marks the corridor whose effect a study is about (bands drawn for it).
    pub new: bool,
    /// Colour in every chart (red, green, blue); `None` takes the default palette.
    pub color: Option<[u8; 3]>,
    /// Calibration constant (USD/t) added once to the cost of every route that uses at
    /// least one link of the corridor (an alternative-specific constant); 0 by default.
    pub constant_usd_per_t: f64,
}

/// Running time of a link: from a speed, or fixed (ferries, sea legs).
#[derive(Debug, Clone, PartialEq)]
pub enum Running {
    SpeedKmh(Param),
    FixedH(Param),
}

/// BPR congestion: t = t0 (1 + alpha (x / c)^beta).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bpr {
    pub alpha: f64,
    pub beta: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub id: String,
    pub from: usize,
    pub to: usize,
    pub mode: Mode,
    pub length_km: Param,
    pub running: Running,
    /// Per direction, tonnes per year.
    pub capacity_tpy: Param,
    pub tariff_usd_per_t: Param,
    pub tariff_usd_per_tkm: Param,
    pub gauge_mm: Option<u32>,
    pub corridor: usize,
    pub two_way: bool,
    pub open_from: Option<Param>,
    pub open_until: Option<Param>,
    pub bpr: Bpr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub id: String,
    pub origin: usize,
    pub destination: usize,
    pub commodity: String,
    pub tonnes_per_year: Param,
    /// Yearly growth; with a schedule, the first step's rate (up to `growth_later[0]`).
    pub growth_per_year: Param,
    /// The later steps of a growth schedule, in year order (empty for a single rate).
    pub growth_later: Vec<GrowthStep>,
    pub value_of_time_usd_per_t_h: Param,
    /// Constant elasticity of tonnes with respect to the flow's composite generalized
    /// cost (0: fixed demand); see `demand.rs`.
    pub elasticity: Param,
    /// The modes the flow's routes may use (empty: all): a flow that stands for one
    /// mode's traffic (trucks counted at a border) cannot change mode. Applies to the
    /// candidate search and to the network check (`equilibrium::candidates`).
    pub modes: Vec<Mode>,
    /// Nodes the flow's routes may not pass through (a port or border closed to it).
    pub avoid_nodes: Vec<usize>,
}

impl Demand {
    /// Whether the flow is restricted to some modes or kept off some nodes.
    pub fn is_restricted(&self) -> bool {
        !self.modes.is_empty() || !self.avoid_nodes.is_empty()
    }
}

/// A later rate of a growth schedule: it applies to the growth into every year after
/// `after_year` (up to the next step's `after_year`).
#[derive(Debug, Clone, PartialEq)]
pub struct GrowthStep {
    pub after_year: i32,
    pub rate: Param,
}

/// An explicit candidate route for an origin-destination pair: links in travel order,
/// each with the direction it is used in (`true` = from -> to).
#[derive(Debug, Clone, PartialEq)]
pub struct ExplicitRoute {
    pub id: String,
    pub origin: usize,
    pub destination: usize,
    pub links: Vec<(usize, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    Open,
    Close,
    Change,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub year: Param,
    pub link: usize,
    pub action: EventAction,
    pub capacity_tpy: Option<Param>,
    pub tariff_usd_per_t: Option<Param>,
    pub tariff_usd_per_tkm: Option<Param>,
    pub speed_kmh: Option<Param>,
    pub time_h: Option<Param>,
}

/// A risk that may strike in any year: with `annual_probability` it happens once in a
/// year, lasts `duration_days` (capped by its season), and while it lasts the links it
/// touches lose `capacity_loss` of their capacity (1 = closed) and take `added_dwell_h`
/// more hours.
#[derive(Debug, Clone, PartialEq)]
pub struct Disruption {
    pub id: String,
    /// Links whose capacity it cuts and whose running time it lengthens.
    pub links: Vec<usize>,
    /// Nodes where passing freight waits `added_dwell_h`.
    pub nodes: Vec<usize>,
    pub annual_probability: Param,
    /// Drawn afresh for every year it strikes.
    pub duration_days: crate::distributions::Dist,
    pub capacity_loss: Param,
    pub added_dwell_h: Param,
    /// Longest it can last in a year: the season's length, or 365 days.
    pub max_days: f64,
    pub first_year: i32,
    pub last_year: i32,
    /// First day of the season (0-based day of the year) and its length in days; the
    /// whole year when no season is given. Used by queue points to place its days.
    pub season_start_day: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceModel {
    /// Path-size logit stochastic user equilibrium.
    Logit,
    /// Deterministic user equilibrium (Wardrop) over the candidate routes.
    Deterministic,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RouteChoice {
    pub model: ChoiceModel,
    pub k_routes: usize,
    pub max_detour: f64,
    pub logit_scale_per_usd: f64,
    pub path_size: bool,
    /// Keep only the cheapest candidate per sequence of corridors.
    pub distinct_corridors: bool,
    pub max_iterations: usize,
    pub tolerance: f64,
}

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub title: String,
    pub description: String,
    pub first_year: i32,
    pub last_year: i32,
    pub base_year: i32,
    pub seed: u64,
    pub replications: u64,
    pub route_choice: RouteChoice,
    pub corridors: Vec<Corridor>,
    pub nodes: Vec<Node>,
    pub links: Vec<Link>,
    pub demand: Vec<Demand>,
    pub routes: Vec<ExplicitRoute>,
    pub events: Vec<Event>,
    pub disruptions: Vec<Disruption>,
    /// Queue points simulated day by day (empty: the static BPR model only).
    pub queues: Vec<QueuePoint>,
    /// The year whose daily queue trace is recorded (`queue_trace.csv`); within the
    /// horizon. Used only with queue points.
    pub queue_trace_year: i32,
    /// How many uniform numbers one replication draws (one per random input or share group).
    pub n_draws: usize,
    /// Named link and node sets whose tonnes are reported and compared with observations.
    pub measures: Vec<Measure>,
    /// What `corridor calibrate` fits.
    pub calibration: Calibration,
    /// The name of each draw (`links.<id>.<key>` or `share.<name>`): a replication's
    /// uniform for a draw depends on (seed, replication, name) only, so the same input
    /// takes the same value in every scenario run with the same seed (common random
    /// numbers, which make base-versus-policy differences paired).
    pub draw_keys: Vec<String>,
}

impl Scenario {
    pub fn years(&self) -> impl Iterator<Item = i32> + Clone {
        self.first_year..=self.last_year
    }

    pub fn n_years(&self) -> usize {
        (self.last_year - self.first_year + 1) as usize
    }

    /// Whether any demand row responds to cost (a non-zero or uncertain elasticity).
    pub fn has_elastic_demand(&self) -> bool {
        self.demand
            .iter()
            .any(|d| d.elasticity.is_random() || d.elasticity.nominal() != 0.0)
    }

    /// Whether any input is uncertain.
    pub fn is_stochastic(&self) -> bool {
        self.n_draws > 0
            || !self.disruptions.is_empty()
            || self.queues.iter().any(|q| q.dispersion > 0.0)
    }

    /// Uniforms one replication draws: the inputs' draws, then for every year and
    /// disruption one for whether it strikes and one for how long.
    pub fn n_uniforms(&self) -> usize {
        self.n_draws + self.n_years() * self.disruptions.len() * 2
    }
}

/// Which directions of a link a measure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Both,
    /// From the link's `from` to its `to`.
    Forward,
    Reverse,
}

/// An observed value of a measure in one year, in tonnes.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub year: i32,
    pub tonnes: f64,
    pub source: String,
    pub note: String,
}

/// A named set of links (each with the directions counted) and nodes: its tonnes are the
/// sum of the tonnes on its link directions plus the tonnes passing its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Measure {
    pub id: String,
    pub name: String,
    pub links: Vec<(usize, Direction)>,
    pub nodes: Vec<usize>,
    /// A counting unit (trucks, wagons, TEU) and its tonnes, for units a day.
    pub unit: Option<(String, f64)>,
    /// Weight of its relative difference in the calibration (1 by default, 0 = shown only).
    pub weight: f64,
    pub observed: Vec<Observation>,
}

impl Measure {
    /// The observation of `year`, if any.
    pub fn observed_in(&self, year: i32) -> Option<&Observation> {
        self.observed.iter().find(|o| o.year == year)
    }
}

/// A calibration constant: what it sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalibrationTarget {
    /// `corridors.<id>.constant_usd_per_t`
    CorridorConstant(usize),
    /// `nodes.<id>.border_dwell_h`
    BorderDwell(usize),
    /// `links.<id>.tariff_usd_per_t`
    LinkTariff(usize),
    /// `links.<id>.time_h`
    LinkTime(usize),
    /// `demand.<id>.tonnes_per_year`
    DemandTonnes(usize),
}

/// One constant that `corridor calibrate` fits, within its bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationParameter {
    /// As written: `links.akhalkalaki-kartsakhi.time_h`.
    pub key: String,
    pub target: CalibrationTarget,
    pub min: f64,
    pub max: f64,
}

/// `[calibration]`: the year fitted and the constants.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calibration {
    /// The year whose observations are fitted (default: the first year).
    pub year: Option<i32>,
    pub max_iterations: usize,
    pub parameters: Vec<CalibrationParameter>,
}

/// Where a queue point sits: at a node (the freight entering it, optionally of one
/// mode) or on a link (its busiest direction).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QueueAt {
    Node { node: usize, mode: Option<Mode> },
    Link(usize),
}

/// How a queue point serves its queue each day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ServicePattern {
    /// Up to the day's capacity, first come first served.
    Steady,
    /// Vessels of `vessel_units` that leave as soon as they are full, or after
    /// `max_headway_days` with what is aboard; at most capacity / vessel_units a day.
    WhenFull {
        vessel_units: f64,
        max_headway_days: f64,
    },
}

/// A queue point (`[[queues]]`): a border, port, ferry or any capacity-limited place
/// simulated day by day (see `crate::queues`).
#[derive(Debug, Clone, PartialEq)]
pub struct QueuePoint {
    pub id: String,
    pub name: String,
    pub at: QueueAt,
    /// Units (trucks, wagons, tonnes) served per day.
    pub capacity_units_per_day: Param,
    pub tonnes_per_unit: f64,
    pub unit: String,
    pub pattern: ServicePattern,
    /// Arrival factor per month (January first), mean 1 over the year's days.
    pub seasonality: [f64; 12],
    /// Variance / mean of daily arrivals: 0 steady, 1 Poisson, > 1 over-dispersed.
    pub dispersion: f64,
    /// Queue (units) above which a day counts in `days_above_threshold`.
    pub threshold_units: f64,
    /// Parallel servers (lanes, booths) for the within-day wait (Erlang C); 0 = none.
    pub servers: u32,
    /// Other traffic sharing the capacity (units per day: domestic or unmodelled flows),
    /// with the same seasonality and randomness.
    pub background_units_per_day: f64,
    /// Disruptions that cut this point's service (indices into `Scenario::disruptions`).
    pub disruptions: Vec<usize>,
    /// Yearly growth of the capacity from `Scenario::base_year`; with a schedule, the
    /// first step's rate (up to `capacity_growth_later[0]`), as demand's growth.
    pub capacity_growth_per_year: Param,
    pub capacity_growth_later: Vec<GrowthStep>,
}
