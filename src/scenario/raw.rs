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
//! 4. `Num` fields (number or distribution) need nothing: `num.rs` implements the schema;
//! 5. an enum that takes several shapes (`RawGrowth`, `RawThreshold`) gets an untagged
//!    schema (`#[serde(untagged)]`, or `#[schemars(untagged)]` beside a hand-written
//!    `Deserialize`): check in the output that its anyOf is exactly what the parser takes.
//!
//! Then run `cargo run -- schema > schema/scenario.schema.json`; `tests/schema.rs` fails
//! until the shipped file is regenerated.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use super::num::Num;

/// Why a file's text is not a `RawFile`.
#[derive(Debug)]
pub enum ReadError {
    /// Not TOML.
    Syntax(toml::de::Error),
    /// TOML, but a key or value the format does not take, at `path` (serde's path of
    /// the value: `links[3].capacity_tpy`).
    Data {
        path: String,
        error: toml::de::Error,
    },
}

/// A scenario file's text as its serde mirror. The one place the mirror is read from
/// TOML (the loader, the appraisal's reader and the key lists of error messages all
/// come here), so the deserializer's code is generated for one deserializer only: each
/// other entry point generated a copy of every section's visitor, about a tenth of the
/// crate's code (docs/PERFORMANCE.md, "Build").
pub fn read_raw(text: &str) -> Result<RawFile, ReadError> {
    let de = toml::Deserializer::parse(text).map_err(ReadError::Syntax)?;
    serde_path_to_error::deserialize::<_, RawFile>(de).map_err(|e| ReadError::Data {
        path: e.path().to_string(),
        error: e.into_inner(),
    })
}

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
    /// `[appraisal]`: the economic and financial appraisal read by `corridor appraise` (policy file, or the first file of its base chain that has one, taken whole); the simulation ignores it. Default: none.
    #[schemars(with = "Option<RawAppraisal>")]
    pub appraisal: Option<Spanned<RawAppraisal>>,
    /// `[[measures]]`: named sets of link directions and nodes whose tonnes a run reports by year in measures.csv, next to observed figures that `corridor calibrate` fits. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<RawMeasure>")]
    pub measures: Vec<Spanned<RawMeasure>>,
    /// `[calibration]`: the constants `corridor calibrate` fits to the observations of one year, with their bounds. Default: none fitted.
    #[serde(default)]
    pub calibration: RawCalibration,
    /// `[sensitivity]`: the outputs whose drivers `corridor run` reports, and whether it draws the tornado. Default: the new corridor's tonnes in up to three years; a later file of a base chain replaces the whole section.
    #[schemars(with = "Option<RawSensitivity>")]
    pub sensitivity: Option<Spanned<RawSensitivity>>,
    /// `[[sweep]]`: one or two inputs varied over values by `corridor sweep`, with the outputs reported at each point. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<RawSweep>")]
    pub sweep: Vec<Spanned<RawSweep>>,
    /// `[[queues]]`: queue points (borders, ports, ferries) simulated day by day, whose mean wait replaces the BPR delay there. Default: none (no queue simulated).
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
    /// The year whose daily queue trace is written (queue_trace.csv and its chart), within first_year..=last_year; used only with [[queues]]. Default: the horizon's middle year, (first_year + last_year) / 2 rounded down.
    pub queue_trace_year: Option<i32>,
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
    /// Calibration constant, USD per tonne (any sign), added once to the generalized cost of every route that uses at least one link of the corridor; `corridor calibrate` can fit it. Default: 0.
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
    /// false makes the node a zone: routes may start or end there but never pass through it (TNTP's nodes below the first through node). Default: true.
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
    /// Modes the flow's routes may use (rail, road, ferry, sea), for the candidate search and the network check. Default: all.
    pub modes: Option<Vec<String>>,
    /// Node ids the flow's routes may not pass through (a port or border closed to this flow). Default: none.
    pub avoid_nodes: Option<Vec<String>>,
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

/// `growth_per_year` of a `[[demand]]` row: one yearly rate (a number or a distribution table), or a schedule of rates by year such as `[{ until = 2030, rate = 0.16 }, { rate = 0.05 }]` (docs/FORMAT.md, "Growth schedules"). Default: 0.
// Schema: untagged, so anyOf [the `Num` schema, an array of steps]: exactly what the
// hand-written `Deserialize` below accepts.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[schemars(untagged)]
pub enum RawGrowth {
    Rate(Num),
    Schedule(Vec<RawGrowthStep>),
}

/// One step of a growth schedule: its `rate` applies to the growth into each year after the previous step's `until` up to and including its own; the last step has no `until` and runs to the end of the horizon.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGrowthStep {
    /// The last year (a calendar year, 1800-2300) this step's rate grows into; years must rise from step to step. Required on every step but the last, which must omit it.
    pub until: Option<i64>,
    /// Yearly growth as a fraction (0.16 = 16%/yr), above -1 and below 10 (number or distribution, drawn once per replication as `demand.<id>.growth_per_year[<step>].rate`). Required.
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

/// `[appraisal]`: the economic and financial appraisal of a policy against a base, read by `corridor appraise` from the policy file (or the first file of its base chain that has one, taken whole, not merged key by key); the simulation ignores it. Money is in million USD at `price_base_year` prices, rates are real fractions; every number-or-distribution key is drawn as `appraisal.<item id>.<key>` (docs/FORMAT.md, "Appraisal").
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAppraisal {
    /// Real economic discount rate, fraction per year, -0.5 to 1 (number or distribution). Default: 0.09 (ADB hurdle for transport).
    pub discount_rate: Option<Num>,
    /// Real discount rate of the new corridor owner's cash flows (FNPV, FIRR), fraction per year, -0.5 to 1 (number or distribution). Default: 0.04 (EU 2014 guide).
    pub financial_discount_rate: Option<Num>,
    /// Rate, fraction per year, -0.5 to 1, against which P(EIRR < hurdle) is reported. Default: discount_rate (its nominal value).
    pub hurdle_rate: Option<f64>,
    /// Further discount rates the ENPV is reported at, fractions per year, each -0.5 to 1. Default: [0.03, 0.05, 0.06, 0.12].
    pub sensitivity_rates: Option<Vec<f64>>,
    /// The year whose prices all money is in (a label: restate older estimates yourself). Default: the policy scenario's base_year.
    pub price_base_year: Option<i32>,
    /// First appraisal year, year 0 of discounting (undiscounted), 1800-2300. Default: the first year both scenarios simulate.
    pub first_year: Option<i32>,
    /// Last appraisal year, at most 200 years after first_year; years past the simulated horizon are extended with growth_after_horizon. Default: first_year + 29.
    pub last_year: Option<i32>,
    /// Yearly growth of benefits after the simulated horizon, fraction, -0.5 to 1: 0 holds the last simulated year's benefits, g grows them by (1 + g) a year (number or distribution). Default: 0.
    pub growth_after_horizon: Option<Num>,
    /// Border node ids whose fee goes to the new corridor's owner instead of governments. Default: none.
    pub owner_nodes: Option<Vec<String>>,
    /// Share of link tariffs that is the carriers' resource cost, by mode, each 0-1 (the rest is the operator's or owner's margin). Default: rail 0.7, road 0.9, ferry 0.8, sea 0.9.
    pub variable_cost_share: Option<RawModeValues>,
    /// Well-to-wheel emission intensity by mode, gCO2e per tonne-km, >= 0. Default: rail 25, road 102.7, ferry 60, sea 8.15.
    pub co2e_g_per_tkm: Option<RawModeValues>,
    /// `[[appraisal.link_co2e]]`: a link's own emission intensity, used instead of its mode's. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<RawLinkIntensity>")]
    pub link_co2e: Vec<Spanned<RawLinkIntensity>>,
    /// `[[appraisal.carbon_price]]`: points of the carbon price path, USD per tCO2e, linear between points and flat outside. Default: 40 (2020), 50 (2030), 78 (2050).
    #[serde(default)]
    #[schemars(with = "Vec<RawCarbonPrice>")]
    pub carbon_price: Vec<Spanned<RawCarbonPrice>>,
    /// `[[appraisal.capital]]`: capital cost items, spent over given years, with a residual value. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<RawCapital>")]
    pub capital: Vec<Spanned<RawCapital>>,
    /// `[[appraisal.operating]]`: yearly operation and maintenance costs. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<RawOperating>")]
    pub operating: Vec<Spanned<RawOperating>>,
    /// `[[appraisal.chokepoints]]`: named sets of links or corridors whose share of each country's trade interdependence.csv reports. Default: none.
    #[serde(default)]
    #[schemars(with = "Vec<RawChokepoint>")]
    pub chokepoints: Vec<Spanned<RawChokepoint>>,
}

/// One value per mode (number or distribution each), in the unit of the key that holds the table; a mode left out keeps that key's default.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawModeValues {
    /// Value for rail links, in the unit of the enclosing key (number or distribution). Default: the key's rail default.
    pub rail: Option<Num>,
    /// Value for road links, in the unit of the enclosing key (number or distribution). Default: the key's road default.
    pub road: Option<Num>,
    /// Value for ferry links, in the unit of the enclosing key (number or distribution). Default: the key's ferry default.
    pub ferry: Option<Num>,
    /// Value for sea links, in the unit of the enclosing key (number or distribution). Default: the key's sea default.
    pub sea: Option<Num>,
}

/// `[[appraisal.link_co2e]]`: the emission intensity of one link, used instead of its mode's `co2e_g_per_tkm`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLinkIntensity {
    /// Link id in the policy scenario. Required.
    pub link: Option<String>,
    /// Well-to-wheel intensity on this link, gCO2e per tonne-km, >= 0 (number or distribution). Required.
    pub g_per_tkm: Option<Num>,
    /// Where the figure comes from.
    pub source: Option<String>,
}

/// `[[appraisal.carbon_price]]`: one point of the carbon price path (linear between points, flat outside them).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCarbonPrice {
    /// Year of this point, 1800-2300; one point per year. Required.
    pub year: Option<i32>,
    /// Carbon price in USD per tonne CO2e, >= 0, at price_base_year prices (number or distribution). Required.
    pub usd_per_t: Option<Num>,
    /// Where the figure comes from.
    pub source: Option<String>,
}

/// `[[appraisal.capital]]`: a capital cost item, `cost_musd` x (1 + `overrun`) spent over `years` in `shares`, with a residual value credited in the last appraisal year.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCapital {
    /// Item id, unique among capital and operating items; names its draws `appraisal.<id>.<key>`. Default: capital-<n>.
    pub id: Option<String>,
    /// Label in tables and the report. Default: id.
    pub name: Option<String>,
    /// Who pays: the new corridor's owner, the operators of existing links, or governments. Default: "owner".
    #[schemars(extend("enum" = ["owner", "operators", "government"]))]
    pub stakeholder: Option<String>,
    /// The payer's country (as in node `country`), for the NPV by country. Required.
    pub country: Option<String>,
    /// The cost estimate, million USD at price_base_year prices, >= 0 (number or distribution). Required.
    pub cost_musd: Option<Num>,
    /// Cost overrun as a fraction of the estimate (0.3 = 30% over), above -1 (number or distribution). Default: 0.
    pub overrun: Option<Num>,
    /// Years the money is spent, inside the appraisal period. Required.
    pub years: Option<Vec<i32>>,
    /// Share of the cost spent in each of `years`, each 0-1, summing to 1. Default: equal shares.
    pub shares: Option<Vec<f64>>,
    /// Economic life in years, > 0: residual value = cost x max(0, 1 - (last_year - last of years) / life_years), credited in last_year. Required.
    pub life_years: Option<f64>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `[[appraisal.operating]]`: a yearly operation and maintenance cost, paid from `from_year` to `until_year` (only while `link` is open, if given).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOperating {
    /// Item id, unique among capital and operating items; names its draws `appraisal.<id>.<key>`. Default: operating-<n>.
    pub id: Option<String>,
    /// Who pays: the new corridor's owner, the operators of existing links, or governments. Default: "owner".
    #[schemars(extend("enum" = ["owner", "operators", "government"]))]
    pub stakeholder: Option<String>,
    /// The payer's country (as in node `country`), for the NPV by country. Required.
    pub country: Option<String>,
    /// The yearly cost, million USD a year at price_base_year prices, >= 0 (number or distribution). Required.
    pub musd_per_year: Option<Num>,
    /// First year the cost is paid. Default: the appraisal's first_year.
    pub from_year: Option<i32>,
    /// Last year the cost is paid. Default: the appraisal's last_year.
    pub until_year: Option<i32>,
    /// Link id: the cost is paid only in years this link is open in the policy run (after the simulated horizon, as in its last year). Default: none (every year).
    pub link: Option<String>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `[[appraisal.chokepoints]]`: a named set of links or corridors whose share of each country's trade interdependence.csv reports; at least one of `links`, `corridors`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChokepoint {
    /// Chokepoint id, the `through` column of interdependence.csv. Default: chokepoint-<n>.
    pub id: Option<String>,
    /// Label in the report. Default: id.
    pub name: Option<String>,
    /// Link ids (of either scenario) that make up the chokepoint. At least one of links, corridors.
    pub links: Option<Vec<String>>,
    /// Corridor ids (of either scenario) whose links make up the chokepoint. At least one of links, corridors.
    pub corridors: Option<Vec<String>>,
}

/// `[[measures]]`: a named set of link directions and nodes whose tonnes a run reports by year in measures.csv, compared with observations (which `corridor calibrate` fits); at least one of `links`, `nodes`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMeasure {
    /// Unique measure id, its name in measures.csv; items merge by id along the base chain. Required.
    pub id: Option<String>,
    /// Shown in the report and charts. Default: id.
    pub name: Option<String>,
    /// Link ids: "id" counts both directions, "id:forward" only from -> to, "id:reverse" only to -> from. Default: none.
    pub links: Option<Vec<String>>,
    /// Node ids: a node counts the tonnes passing it once (arriving on any link, plus flows starting there). Default: none.
    pub nodes: Option<Vec<String>>,
    /// Counting unit ("trucks", "wagons", "TEU"); with tonnes_per_unit, measures.csv also gives units a day. Default: none (tonnes only).
    pub unit: Option<String>,
    /// Tonnes in one `unit`, > 0; required with unit (units a day = tonnes / tonnes_per_unit / 365). Default: none.
    pub tonnes_per_unit: Option<f64>,
    /// Weight of the measure's relative difference in `corridor calibrate`, >= 0; 0 shows it without fitting it. Default: 1.
    pub weight: Option<f64>,
    /// Observed figures, one per year: `{ year = 2024, tonnes = 4.5e6, source = "S40" }`, or units_per_day instead of tonnes. Default: none.
    pub observed: Option<Vec<RawObservation>>,
    /// false removes the measure. Default: true.
    pub enabled: Option<bool>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `[[queues]]`: a queue point (border, port, ferry, any capacity-limited link) simulated day by day; its mean wait replaces the BPR delay there in route costs (docs/FORMAT.md, "[[queues]]").
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    /// Queue id: names the point in queues.csv and its random stream `queues.<id>`; items merge by id. Default: queue-<n>.
    pub id: Option<String>,
    /// Label in tables and charts. Default: id.
    pub name: Option<String>,
    /// Node id where the point sits (the freight entering it, both directions together). Exactly one of node, link is required.
    pub node: Option<String>,
    /// Link id where the point sits (its busiest direction). Exactly one of node, link is required.
    pub link: Option<String>,
    /// With `node`: only freight arriving by this mode queues here (a road border beside a railway). Default: all modes.
    #[schemars(extend("enum" = crate::model::Mode::NAMES))]
    pub mode: Option<String>,
    /// Units served per day, > 0 (trucks, wagons, or tonnes when tonnes_per_unit = 1; number or distribution). Required.
    pub capacity_per_day: Option<Num>,
    /// Tonnes per truck or wagon, > 0; arrivals in units are tonnes / this. Default: 1.
    pub tonnes_per_unit: Option<f64>,
    /// Label of the unit in queues.csv. Default: "tonne" when tonnes_per_unit is 1, else "unit".
    pub unit: Option<String>,
    /// "steady": up to the day's capacity, first come first served; "when_full": vessels of vessel_units leave as soon as they are full, at most capacity_per_day / vessel_units a day. Default: "steady".
    #[schemars(extend("enum" = ["steady", "when_full"]))]
    pub service: Option<String>,
    /// What one vessel takes, units, > 0. Required with service = "when_full".
    pub vessel_units: Option<f64>,
    /// With service = "when_full": a vessel leaves after this many days without a sailing even if not full, days, >= 1. Default: none (only when full).
    pub max_headway_days: Option<f64>,
    /// Twelve monthly arrival factors >= 0, January first, rescaled to average 1 over the year's days. Default: all 1.
    pub seasonality: Option<Vec<f64>>,
    /// Variance / mean of daily arrivals: 0 steady (exactly the mean every day), 1 Poisson, above 1 over-dispersed (gamma-Poisson); values between 0 and 1 are rejected. Default: 1.
    pub dispersion: Option<f64>,
    /// A day counts in days_above_threshold when the queue at its end exceeds this many units, >= 0. Default: one day's capacity.
    pub threshold_units: Option<f64>,
    /// Parallel lanes or booths, 0-1000: adds the within-day M/M/c wait (Erlang C) at the year's mean load; 0 leaves it out. Default: 0.
    pub servers: Option<u32>,
    /// Other traffic sharing the capacity that the scenario's demand does not carry, units per day, >= 0; same seasonality and randomness. Default: 0.
    pub background_per_day: Option<f64>,
    /// false removes the queue point. Default: true.
    pub enabled: Option<bool>,
    /// Where the figures come from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
    /// Yearly growth of capacity_per_day (the base year's capacity), compounded from [scenario] base_year: one rate (a fraction, between -1 and 10), or a schedule [{ until = Y, rate = g }, ..., { rate = g }] as demand's growth_per_year. Default: 0 (capacity fixed over the horizon).
    pub capacity_growth_per_year: Option<RawGrowth>,
}

/// One observed value of a measure: a year and its tonnes, or its units a day.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawObservation {
    /// The year the figure refers to, 1800-2300; one observation per year. Required.
    pub year: Option<i32>,
    /// Observed tonnes in that year, > 0. One of tonnes, units_per_day is required.
    pub tonnes: Option<f64>,
    /// Observed units a day, > 0, converted with the measure's tonnes_per_unit (needs its unit). One of tonnes, units_per_day is required.
    pub units_per_day: Option<f64>,
    /// Where the figure comes from.
    pub source: Option<String>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `[calibration]`: the constants `corridor calibrate` fits (Levenberg-Marquardt) to the measures' observations of one year.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCalibration {
    /// The year whose observations are fitted, 1800-2300; --year overrides. Default: the scenario's first_year.
    pub year: Option<i32>,
    /// Levenberg-Marquardt iterations at most, 1-1000. Default: 30.
    pub max_iterations: Option<u32>,
    /// The constants to fit, each `{ key = "...", min = ..., max = ... }`. Default: none.
    pub parameters: Option<Vec<RawCalibrationParameter>>,
}

/// One fitted constant: `key` names it, `min` and `max` bound the fit.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCalibrationParameter {
    /// The constant: corridors.<id>.constant_usd_per_t, nodes.<id>.border_dwell_h (border nodes), links.<id>.tariff_usd_per_t, links.<id>.time_h or demand.<id>.tonnes_per_year; each listed once. Required.
    pub key: Option<String>,
    /// Lower bound of the fit, in the constant's unit, finite, < max; >= 0 except for a corridor constant. Required.
    pub min: Option<f64>,
    /// Upper bound of the fit, in the constant's unit, finite, > min. Required.
    pub max: Option<f64>,
    /// Assumptions and remarks.
    pub note: Option<String>,
}

/// `[sensitivity]`: which outputs the sensitivity analysis of `corridor run` explains, and whether it adds the one-at-a-time tornado.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSensitivity {
    /// Output names `<table>.<id>.<metric>.<year>` such as "corridors.tripp.tonnes.2035"; [] turns the analysis off. Default: the new corridor's (or the first corridor's) tonnes in up to three years ending in 0 or 5 from the middle of the horizon.
    pub outputs: Option<Vec<String>>,
    /// Whether `corridor run` also runs the one-at-a-time tornado: 1 + 4k + m extra replications for k draws and m disruptions. Default: true.
    pub tornado: Option<bool>,
}

/// A switching threshold: a number, or the name of another output (`<table>.<id>.<metric>.<year>`).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawThreshold {
    Value(f64),
    Output(String),
}

/// `switch = { output = "...", below = ... }` of a one-input sweep: the value of `input` at which `output` falls below the threshold.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSwitch {
    /// Output name `<table>.<id>.<metric>.<year>` that crosses the threshold; added to the sweep's outputs. Required.
    pub output: Option<String>,
    /// The threshold: a finite number in the output's unit, or another output's name (then also added to the sweep's outputs). Required.
    pub below: Option<RawThreshold>,
}

/// `[[sweep]]`: one or two inputs varied over values by `corridor sweep`, each point with its replications; give `values` or the range `from`/`to`/`step`, not both (at most 10,000 points in all).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    /// Sweep id, unique: names the output folder sweep-<scenario>-<id>/. Default: sweep-<n>.
    pub id: Option<String>,
    /// Input name to vary, as the draws are named (links.<id>.<key>, nodes.<id>.<key>, demand.<id>.<key>, events.<id>.<key>, disruptions.<id>.<key>, share.<name>, route_choice.logit_scale_per_usd). Required.
    pub input: Option<String>,
    /// Values of `input`, 1 to 10,000 finite numbers in its unit. Either values or from/to/step is required.
    pub values: Option<Vec<f64>>,
    /// First value of the range of `input` (from, from + step, ... up to to), in its unit. Either values or from/to/step is required.
    pub from: Option<f64>,
    /// Last value of the range of `input`, >= from, in its unit. Either values or from/to/step is required.
    pub to: Option<f64>,
    /// Step of the range of `input`, > 0, in its unit. Either values or from/to/step is required.
    pub step: Option<f64>,
    /// A second input: the sweep covers every pair of values (a heat map); not with `switch`. Default: none.
    pub input2: Option<String>,
    /// Values of input2, 1 to 10,000 finite numbers. With input2, either values2 or from2/to2/step2 is required.
    pub values2: Option<Vec<f64>>,
    /// First value of the range of input2. With input2, either values2 or from2/to2/step2 is required.
    pub from2: Option<f64>,
    /// Last value of the range of input2, >= from2. With input2, either values2 or from2/to2/step2 is required.
    pub to2: Option<f64>,
    /// Step of the range of input2, > 0. With input2, either values2 or from2/to2/step2 is required.
    pub step2: Option<f64>,
    /// Output names `<table>.<id>.<metric>.<year>` reported at every point. Default: the [sensitivity] default outputs.
    pub outputs: Option<Vec<String>>,
    /// The switching value: where `output` falls below a number or another output (one-input sweeps only). Default: none.
    pub switch: Option<RawSwitch>,
    /// Replications per point, 1 to 10,000,000; --replications overrides. Default: the scenario's replications.
    pub replications: Option<u64>,
    /// Shown on the sweep's page. Default: "".
    pub note: Option<String>,
}
