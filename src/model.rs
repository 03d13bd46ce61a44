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
    pub growth_per_year: Param,
    pub value_of_time_usd_per_t_h: Param,
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
    /// How many uniform numbers one replication draws (one per random input or share group).
    pub n_draws: usize,
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

    /// Whether any input is uncertain.
    pub fn is_stochastic(&self) -> bool {
        self.n_draws > 0 || !self.disruptions.is_empty()
    }

    /// Uniforms one replication draws: the inputs' draws, then for every year and
    /// disruption one for whether it strikes and one for how long.
    pub fn n_uniforms(&self) -> usize {
        self.n_draws + self.n_years() * self.disruptions.len() * 2
    }
}
