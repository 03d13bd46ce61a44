//! The serde mirror of a scenario file: exactly what the user wrote, with no logic.
//!
//! Every item field is optional here because a scenario may extend a base file and
//! restate only what differs; whether a field is required is decided in `validate.rs`
//! after the `base` chain has been merged (see `merge.rs`). Items keep their source span
//! so that problems of meaning can still point at a file and a line.
//!
//! These structs are also the source of the JSON Schema that `corridor schema` prints
//! (`src/scenario/schema.rs`, shipped as `schema/scenario.schema.json`), so that editor
//! completion cannot drift from the parser. A new struct joins the schema by:
//! 1. deriving `JsonSchema` beside `Deserialize` (keep `#[serde(deny_unknown_fields)]`:
//!    it becomes `additionalProperties: false`, so editors flag misspelt keys);
//! 2. a one-paragraph `///` doc comment on the struct and on every field, giving the
//!    meaning, the unit and the default (they become the schema's `description`s);
//! 3. for a `Vec<Spanned<RawX>>` field of `RawFile`, `#[schemars(with = "Vec<RawX>")]`
//!    (`toml::Spanned` is a foreign type: the schema describes what it wraps);
//! 4. `Num` fields (number or distribution) need nothing: `num.rs` implements the schema.
//!
//! Then run `cargo run -- schema > schema/scenario.schema.json`; `tests/schema.rs` fails
//! until the shipped file is regenerated.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::num::Num;

/// A corridor-sim scenario file: network, demand, costs, dated events and uncertainty (docs/FORMAT.md). "Required" means once the `base` chain is merged: a scenario that changes a base item restates only its id and the keys it changes.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    /// Names, horizon, seed and replications.
    #[serde(default)]
    pub scenario: RawSettings,
    /// Candidate routes and the equilibrium solver.
    #[serde(default)]
    pub route_choice: RawRouteChoice,
    /// BPR congestion parameters: running time = free-flow time x (1 + alpha (flow / capacity)^beta).
    #[serde(default)]
    pub congestion: RawCongestion,
    /// Default node transfer costs where a node does not set its own.
    #[serde(default)]
    pub transfer_defaults: RawTransferCosts,
    /// The labels results are grouped by; declaration order is attribution priority (a route counts for the first corridor, in this order, among those its links belong to).
    #[serde(default)]
    #[schemars(with = "Vec<RawCorridor>")]
    pub corridors: Vec<Spanned<RawCorridor>>,
    /// Network nodes: cities, ports, border crossings, terminals.
    #[serde(default)]
    #[schemars(with = "Vec<RawNode>")]
    pub nodes: Vec<Spanned<RawNode>>,
    /// Network links between nodes, one mode each.
    #[serde(default)]
    #[schemars(with = "Vec<RawLink>")]
    pub links: Vec<Spanned<RawLink>>,
    /// Freight flows between an origin and a destination.
    #[serde(default)]
    #[schemars(with = "Vec<RawDemand>")]
    pub demand: Vec<Spanned<RawDemand>>,
    /// Explicit candidate routes; where a flow's origin-destination pair has some, they replace the k shortest.
    #[serde(default)]
    #[schemars(with = "Vec<RawRoute>")]
    pub routes: Vec<Spanned<RawRoute>>,
    /// Dated changes to links, applied in year order from their year on.
    #[serde(default)]
    #[schemars(with = "Vec<RawEvent>")]
    pub events: Vec<Spanned<RawEvent>>,
    /// Risks that may strike in any year of the horizon.
    #[serde(default)]
    #[schemars(with = "Vec<RawDisruption>")]
    pub disruptions: Vec<Spanned<RawDisruption>>,
    /// Read by `corridor appraise` (src/appraisal/inputs.rs), not by the simulation.
    #[schemars(with = "Option<RawAppraisal>")]
    pub appraisal: Option<Spanned<RawAppraisal>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawMeasure>")]
    pub measures: Vec<Spanned<RawMeasure>>,
    #[serde(default)]
    pub calibration: RawCalibration,
    /// `[sensitivity]`: the outputs whose drivers a run reports.
    #[schemars(with = "Option<RawSensitivity>")]
    pub sensitivity: Option<Spanned<RawSensitivity>>,
    /// `[[sweep]]`: inputs varied over values by `corridor sweep`.
    #[serde(default)]
    #[schemars(with = "Vec<RawSweep>")]
    pub sweep: Vec<Spanned<RawSweep>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawQueue>")]
    pub queues: Vec<Spanned<RawQueue>>,
}

/// `[scenario]`: names, horizon, replications.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    /// Names the output folder output/<name>/ (sanitized). Default: the file name without .toml.
    pub name: Option<String>,
    /// One line for reports. Default: "".
    pub title: Option<String>,
    /// The question the scenario answers, shown in its report. Default: "".
    pub description: Option<String>,
    /// A scenario file this one extends, relative to this file (for example "../seeds/south-caucasus.toml"). Default: none.
    pub base: Option<String>,
    /// First simulated year. Required (here or in a base file).
    pub first_year: Option<i32>,
    /// Last simulated year, >= first_year, at most 200 years after it. Required (here or in a base file).
    pub last_year: Option<i32>,
    /// The year tonnes_per_year refers to; demand grows from it. Default: first_year.
    pub base_year: Option<i32>,
    /// Random seed; --seed overrides. Default: 1.
    pub seed: Option<u64>,
    /// Monte Carlo replications; --replications overrides. A scenario with no uncertain input and no disruption runs once. Default: 1.
    pub replications: Option<u64>,
}

/// `[route_choice]`: candidate routes and the equilibrium solver.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRouteChoice {
    /// "logit": path-size logit stochastic user equilibrium; "deterministic": Wardrop's deterministic user equilibrium. Default: "logit".
    #[schemars(extend("enum" = ["logit", "deterministic"]))]
    pub model: Option<String>,
    /// Candidate routes per flow (Yen's k shortest loopless routes), 1-50. Default: 5.
    pub k_routes: Option<u32>,
    /// Drop candidates whose free-flow generalized cost exceeds this multiple of the cheapest (ratio, >= 1). Default: 1.5.
    pub max_detour: Option<f64>,
    /// Logit scale theta, per USD/t (> 0): a route dearer by 1/theta USD/t gets e times fewer tonnes. Default: 0.05.
    pub logit_scale_per_usd: Option<f64>,
    /// Correct logit for routes that share links. Default: true.
    pub path_size: Option<bool>,
    /// Keep only the cheapest candidate for each sequence of corridors, so near-duplicates do not crowd out real alternatives. Default: true.
    pub distinct_corridors: Option<bool>,
    /// Equilibrium iterations per year (and per disrupted period), 1-100000. Default: 500.
    pub max_iterations: Option<u32>,
    /// Convergence threshold of the relative gap, 0-1. Default: 1e-4.
    pub tolerance: Option<f64>,
}

/// BPR parameters for one mode, overriding `[congestion]` alpha and beta.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBpr {
    /// BPR alpha for this mode. Default: [congestion] alpha.
    pub alpha: Option<f64>,
    /// BPR beta for this mode. Default: [congestion] beta.
    pub beta: Option<f64>,
}

/// `[congestion]`: BPR parameters, with optional per-mode tables.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCongestion {
    /// BPR alpha for all modes (flow and capacity in tonnes per year, one direction). Default: 0.15.
    pub alpha: Option<f64>,
    /// BPR beta for all modes. Default: 4.0.
    pub beta: Option<f64>,
    /// BPR parameters for rail links. Default: none (alpha and beta above).
    pub rail: Option<RawBpr>,
    /// BPR parameters for road links. Default: none (alpha and beta above).
    pub road: Option<RawBpr>,
    /// BPR parameters for ferry links. Default: none (alpha and beta above).
    pub ferry: Option<RawBpr>,
    /// BPR parameters for sea links. Default: none (alpha and beta above).
    pub sea: Option<RawBpr>,
}

/// Costs of changing mode, gauge or handling at a port; also used for node overrides.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransferCosts {
    /// Hours for a change between two land modes (number or distribution). Default: 0.
    pub transshipment_h: Option<Num>,
    /// USD per tonne for a change between two land modes (number or distribution). Default: 0.
    pub transshipment_usd_per_t: Option<Num>,
    /// Hours for a rail-to-rail change of gauge (number or distribution). Default: 0.
    pub gauge_change_h: Option<Num>,
    /// USD per tonne for a rail-to-rail change of gauge (number or distribution). Default: 0.
    pub gauge_change_usd_per_t: Option<Num>,
    /// Hours of port handling, to or from ferry/sea (number or distribution). Default: 0.
    pub port_handling_h: Option<Num>,
    /// USD per tonne of port handling, to or from ferry/sea (number or distribution). Default: 0.
    pub port_handling_usd_per_t: Option<Num>,
}

/// `[[corridors]]`: the labels results are grouped by; order is attribution priority.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCorridor {
    /// Corridor id, referenced by links. Required.
    pub id: Option<String>,
    /// Shown in tables and charts. Default: id.
    pub name: Option<String>,
    /// Marks the corridor whose effect the study is about. Default: false.
    pub new: Option<bool>,
    /// Chart colour, `"#RRGGBB"`. Default: the next unused colour of a 12-colour palette.
    pub color: Option<String>,
    /// Calibration constant added once to the cost of every route that uses the corridor.
    pub constant_usd_per_t: Option<f64>,
}

/// `[[nodes]]`: a city, port, border crossing or terminal.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    /// Unique node id. Required.
    pub id: Option<String>,
    /// Display name. Default: id.
    pub name: Option<String>,
    /// Latitude, degrees WGS84. Required.
    pub lat: Option<f64>,
    /// Longitude, degrees WGS84. Required.
    pub lon: Option<f64>,
    /// Country. Default: "".
    pub country: Option<String>,
    /// Node kind. Default: "city".
    #[schemars(extend("enum" = crate::model::NodeKind::NAMES))]
    pub kind: Option<String>,
    /// Hours of border dwell charged to every route through this node; only for kind = "border" (number or distribution). Default: 0.
    pub border_dwell_h: Option<Num>,
    /// USD per tonne of border fees charged to every route through this node; only for kind = "border" (number or distribution). Default: 0.
    pub border_fee_usd_per_t: Option<Num>,
    /// Hours for a change between two land modes here (number or distribution). Default: [transfer_defaults].
    pub transshipment_h: Option<Num>,
    /// USD per tonne for a change between two land modes here (number or distribution). Default: [transfer_defaults].
    pub transshipment_usd_per_t: Option<Num>,
    /// Hours for a rail-to-rail change of gauge here (number or distribution). Default: [transfer_defaults].
    pub gauge_change_h: Option<Num>,
    /// USD per tonne for a rail-to-rail change of gauge here (number or distribution). Default: [transfer_defaults].
    pub gauge_change_usd_per_t: Option<Num>,
    /// Hours of port handling here (number or distribution). Default: [transfer_defaults].
    pub port_handling_h: Option<Num>,
    /// USD per tonne of port handling here (number or distribution). Default: [transfer_defaults].
    pub port_handling_usd_per_t: Option<Num>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
    /// `false`: a zone that routes may start or end at but not pass through.
    pub through_traffic: Option<bool>,
}

/// `[[links]]`: a rail, road, ferry or sea link between two nodes.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    /// Unique link id. Required.
    pub id: Option<String>,
    /// Node id where the link starts. Required.
    pub from: Option<String>,
    /// Node id where the link ends. Required.
    pub to: Option<String>,
    /// Transport mode. Required.
    #[schemars(extend("enum" = crate::model::Mode::NAMES))]
    pub mode: Option<String>,
    /// Length in km, > 0 (number or distribution). Required.
    pub length_km: Option<Num>,
    /// Average speed in km/h including stops, > 0 (number or distribution). One of speed_kmh or time_h is required.
    pub speed_kmh: Option<Num>,
    /// Fixed running time in hours, >= 0, instead of a speed (ferries, sea legs; number or distribution). One of speed_kmh or time_h is required.
    pub time_h: Option<Num>,
    /// Capacity in tonnes per year per direction, > 0 (number or distribution). Default: unlimited.
    pub capacity_tpy: Option<Num>,
    /// Charge in USD per tonne (number or distribution). Default: 0.
    pub tariff_usd_per_t: Option<Num>,
    /// Charge in USD per tonne-km (number or distribution). Default: 0.
    pub tariff_usd_per_tkm: Option<Num>,
    /// Rail gauge in mm (1520, 1435); a change between links costs a gauge change. Default: none.
    pub gauge_mm: Option<u32>,
    /// Corridor id: the label results are grouped by. Required.
    pub corridor: Option<String>,
    /// Also usable from `to` to `from`, with the same capacity in that direction. Default: true.
    pub two_way: Option<bool>,
    /// First year open (a distribution makes the opening year uncertain). Default: always open.
    pub open_from: Option<Num>,
    /// Last year open (number or distribution). Default: always open.
    pub open_until: Option<Num>,
    /// BPR alpha for this link. Default: [congestion].
    pub bpr_alpha: Option<f64>,
    /// BPR beta for this link. Default: [congestion].
    pub bpr_beta: Option<f64>,
    /// false removes the link (useful in a scenario extending a base). Default: true.
    pub enabled: Option<bool>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `[[demand]]`: a freight flow between an origin and a destination.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    /// Unique flow id. Default: origin-destination-commodity.
    pub id: Option<String>,
    /// Origin node id. Required.
    pub origin: Option<String>,
    /// Destination node id. Required.
    pub destination: Option<String>,
    /// Commodity name. Default: "general".
    pub commodity: Option<String>,
    /// Tonnes per year in base_year, >= 0 (number or distribution). Required.
    pub tonnes_per_year: Option<Num>,
    /// Yearly growth as a fraction (0.05 = 5%/yr), compounded: a number, a distribution, or a schedule of rates by year `[{ until = 2030, rate = 0.16 }, { rate = 0.05 }]`. Default: 0.
    pub growth_per_year: Option<RawGrowth>,
    /// What an hour costs a tonne of this cargo, USD per tonne-hour, >= 0 (number or distribution). Required.
    pub value_of_time_usd_per_t_h: Option<Num>,
    /// Elasticity of the flow's tonnes to its composite generalized cost, -10..0 (number or distribution): induced or suppressed trade. Default: 0 (fixed demand).
    pub elasticity: Option<Num>,
    /// false removes the flow. Default: true.
    pub enabled: Option<bool>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `[[routes]]`: an explicit candidate route, replacing the k shortest for its pair.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    /// Route id. Default: route-<n>.
    pub id: Option<String>,
    /// Origin node id. Required.
    pub origin: Option<String>,
    /// Destination node id. Required.
    pub destination: Option<String>,
    /// Link ids in travel order; directions are inferred. Required.
    pub links: Option<Vec<String>>,
}

/// `[[events]]`: a dated change to a link.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// Event id; lets a scenario change a base's event. Default: event-<n>.
    pub id: Option<String>,
    /// Year from which the change applies (number or distribution). Required.
    pub year: Option<Num>,
    /// Link id. Required.
    pub link: Option<String>,
    /// "open"/"close" override the link's open_from/open_until; "change" sets the values below. Default: "change".
    #[schemars(extend("enum" = ["open", "close", "change"]))]
    pub action: Option<String>,
    /// New capacity in tonnes per year per direction from `year` on (number or distribution). Default: unchanged.
    pub capacity_tpy: Option<Num>,
    /// New charge in USD per tonne from `year` on (number or distribution). Default: unchanged.
    pub tariff_usd_per_t: Option<Num>,
    /// New charge in USD per tonne-km from `year` on (number or distribution). Default: unchanged.
    pub tariff_usd_per_tkm: Option<Num>,
    /// New average speed in km/h from `year` on (number or distribution). Default: unchanged.
    pub speed_kmh: Option<Num>,
    /// New running time in hours from `year` on (number or distribution). Default: unchanged.
    pub time_h: Option<Num>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `[[disruptions]]`: a risk that may strike in any year of the horizon.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDisruption {
    /// Disruption id. Default: disruption-<n>.
    pub id: Option<String>,
    /// Link ids it hits. At least one of links, nodes, corridors.
    pub links: Option<Vec<String>>,
    /// Node ids: it hits every link touching them. At least one of links, nodes, corridors.
    pub nodes: Option<Vec<String>>,
    /// Corridor ids: it hits every link of them. At least one of links, nodes, corridors.
    pub corridors: Option<Vec<String>>,
    /// Chance it strikes in a given year (once), 0-1 (number or distribution). Required.
    pub annual_probability: Option<Num>,
    /// How long it lasts when it strikes, days, > 0; drawn afresh each time (number or distribution). Required.
    pub duration_days: Option<Num>,
    /// Share of capacity lost while it lasts, 0-1; 1 closes the links (number or distribution). Default: 1.
    pub capacity_loss: Option<Num>,
    /// The months (1-12) it can happen in; caps its duration at the season's length. Default: the whole year.
    pub season_months: Option<Vec<u32>>,
    /// Extra hours while it lasts, >= 0: at the listed nodes if any, otherwise on each listed link (number or distribution). Default: 0.
    pub added_dwell_h: Option<Num>,
    /// First year in which it can strike. Default: the horizon's first year.
    pub first_year: Option<i32>,
    /// Last year in which it can strike. Default: the horizon's last year.
    pub last_year: Option<i32>,
    /// false removes the disruption. Default: true.
    pub enabled: Option<bool>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `growth_per_year` of a `[[demand]]` row: one rate (a number or a distribution table),
/// or a schedule of rates by year, `[{ until = 2030, rate = 0.16 }, { rate = 0.05 }]`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[schemars(untagged)]
pub enum RawGrowth {
    Rate(Num),
    Schedule(Vec<RawGrowthStep>),
}

/// One step of a growth schedule: `rate` applies to the growth into each year up to and
/// including `until` (after the previous step's); the last step has no `until`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGrowthStep {
    pub until: Option<i64>,
    pub rate: Option<Num>,
}

impl RawGrowth {
    /// Every rate written, in order (one for a single rate).
    pub fn rates(&self) -> Vec<&Num> {
        match self {
            RawGrowth::Rate(n) => vec![n],
            RawGrowth::Schedule(steps) => steps.iter().filter_map(|s| s.rate.as_ref()).collect(),
        }
    }
}

impl<'de> Deserialize<'de> for RawGrowth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, MapAccess, SeqAccess, Visitor};
        use std::fmt;
        struct GrowthVisitor;
        impl<'de> Visitor<'de> for GrowthVisitor {
            type Value = RawGrowth;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a yearly growth rate (0.05 = 5%/yr), a distribution table, or a schedule \
                     such as [{ until = 2030, rate = 0.16 }, { rate = 0.05 }]",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawGrowth, E> {
                Ok(RawGrowth::Rate(Num::Fixed(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawGrowth, E> {
                Ok(RawGrowth::Rate(Num::Fixed(v as f64)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawGrowth, E> {
                Ok(RawGrowth::Rate(Num::Fixed(v as f64)))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawGrowth, A::Error> {
                let n = Num::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawGrowth::Rate(n))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawGrowth, A::Error> {
                let steps =
                    Vec::<RawGrowthStep>::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(RawGrowth::Schedule(steps))
            }
        }
        d.deserialize_any(GrowthVisitor)
    }
}

/// `[appraisal]`: the economic and financial appraisal of a policy against a base, read
/// by `corridor appraise` (validated in `appraisal::inputs`); the simulation ignores it.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAppraisal {
    pub discount_rate: Option<Num>,
    pub financial_discount_rate: Option<Num>,
    pub hurdle_rate: Option<f64>,
    pub sensitivity_rates: Option<Vec<f64>>,
    pub price_base_year: Option<i32>,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    pub growth_after_horizon: Option<Num>,
    pub owner_nodes: Option<Vec<String>>,
    pub variable_cost_share: Option<RawModeValues>,
    pub co2e_g_per_tkm: Option<RawModeValues>,
    #[serde(default)]
    #[schemars(with = "Vec<RawLinkIntensity>")]
    pub link_co2e: Vec<Spanned<RawLinkIntensity>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawCarbonPrice>")]
    pub carbon_price: Vec<Spanned<RawCarbonPrice>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawCapital>")]
    pub capital: Vec<Spanned<RawCapital>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawOperating>")]
    pub operating: Vec<Spanned<RawOperating>>,
    #[serde(default)]
    #[schemars(with = "Vec<RawChokepoint>")]
    pub chokepoints: Vec<Spanned<RawChokepoint>>,
}

/// One number per mode.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawModeValues {
    pub rail: Option<Num>,
    pub road: Option<Num>,
    pub ferry: Option<Num>,
    pub sea: Option<Num>,
}

/// `[[appraisal.link_co2e]]`: an emission intensity for one link.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLinkIntensity {
    pub link: Option<String>,
    pub g_per_tkm: Option<Num>,
    pub source: Option<String>,
}

/// `[[appraisal.carbon_price]]`: one point of the carbon price path.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCarbonPrice {
    pub year: Option<i32>,
    pub usd_per_t: Option<Num>,
    pub source: Option<String>,
}

/// `[[appraisal.capital]]`: a capital cost item.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCapital {
    pub id: Option<String>,
    pub name: Option<String>,
    pub stakeholder: Option<String>,
    pub country: Option<String>,
    pub cost_musd: Option<Num>,
    pub overrun: Option<Num>,
    pub years: Option<Vec<i32>>,
    pub shares: Option<Vec<f64>>,
    pub life_years: Option<f64>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// `[[appraisal.operating]]`: a yearly operating and maintenance cost.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOperating {
    pub id: Option<String>,
    pub stakeholder: Option<String>,
    pub country: Option<String>,
    pub musd_per_year: Option<Num>,
    pub from_year: Option<i32>,
    pub until_year: Option<i32>,
    pub link: Option<String>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// `[[appraisal.chokepoints]]`: a named set of links or corridors whose share of each
/// country's trade is reported.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChokepoint {
    pub id: Option<String>,
    pub name: Option<String>,
    pub links: Option<Vec<String>>,
    pub corridors: Option<Vec<String>>,
}

/// `[[measures]]`: a named set of links (with direction) and nodes whose tonnes are
/// reported by year and compared with observations.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMeasure {
    pub id: Option<String>,
    pub name: Option<String>,
    /// Link ids, each optionally suffixed `:forward` or `:reverse`.
    pub links: Option<Vec<String>>,
    pub nodes: Option<Vec<String>>,
    pub unit: Option<String>,
    pub tonnes_per_unit: Option<f64>,
    pub weight: Option<f64>,
    pub observed: Option<Vec<RawObservation>>,
    pub enabled: Option<bool>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// `[[queues]]`: a queue point simulated day by day (`crate::queues`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    pub id: Option<String>,
    pub name: Option<String>,
    pub node: Option<String>,
    pub link: Option<String>,
    pub mode: Option<String>,
    pub capacity_per_day: Option<Num>,
    pub tonnes_per_unit: Option<f64>,
    pub unit: Option<String>,
    pub service: Option<String>,
    pub vessel_units: Option<f64>,
    pub max_headway_days: Option<f64>,
    pub seasonality: Option<Vec<f64>>,
    pub dispersion: Option<f64>,
    pub threshold_units: Option<f64>,
    pub servers: Option<u32>,
    pub background_per_day: Option<f64>,
    pub enabled: Option<bool>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// One observed value of a measure.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawObservation {
    pub year: Option<i32>,
    pub tonnes: Option<f64>,
    pub units_per_day: Option<f64>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// `[calibration]`: what `corridor calibrate` fits.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCalibration {
    pub year: Option<i32>,
    pub max_iterations: Option<u32>,
    pub parameters: Option<Vec<RawCalibrationParameter>>,
}

/// One fitted constant: `key` names it (`links.<id>.time_h`, ...), with its bounds.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCalibrationParameter {
    pub key: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub note: Option<String>,
}

/// `[sensitivity]`: which outputs the sensitivity analysis of a run explains.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSensitivity {
    /// Output names such as `corridors.tripp.tonnes.2035`.
    pub outputs: Option<Vec<String>>,
    /// Whether `corridor run` adds the one-at-a-time tornado (2k+1 extra runs).
    pub tornado: Option<bool>,
}

/// A threshold: a number, or the name of another output.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawThreshold {
    Value(f64),
    Output(String),
}

/// `switch = { output = "...", below = ... }` of a sweep.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSwitch {
    pub output: Option<String>,
    pub below: Option<RawThreshold>,
}

/// `[[sweep]]`: one or two inputs varied over values, each point with its replications.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    pub id: Option<String>,
    pub input: Option<String>,
    pub values: Option<Vec<f64>>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub step: Option<f64>,
    pub input2: Option<String>,
    pub values2: Option<Vec<f64>>,
    pub from2: Option<f64>,
    pub to2: Option<f64>,
    pub step2: Option<f64>,
    pub outputs: Option<Vec<String>>,
    pub switch: Option<RawSwitch>,
    pub replications: Option<u64>,
    pub note: Option<String>,
}
