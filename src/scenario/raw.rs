//! The serde mirror of a scenario file: exactly what the user wrote, with no logic.
//!
//! Every item field is optional here because a scenario may extend a base file and
//! restate only what differs; whether a field is required is decided in `validate.rs`
//! after the `base` chain has been merged (see `merge.rs`). Items keep their source span
//! so that problems of meaning can still point at a file and a line.

use serde::Deserialize;
use toml::Spanned;

use super::num::Num;

/// One scenario file as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    #[serde(default)]
    pub scenario: RawSettings,
    #[serde(default)]
    pub route_choice: RawRouteChoice,
    #[serde(default)]
    pub congestion: RawCongestion,
    #[serde(default)]
    pub transfer_defaults: RawTransferCosts,
    #[serde(default)]
    pub corridors: Vec<Spanned<RawCorridor>>,
    #[serde(default)]
    pub nodes: Vec<Spanned<RawNode>>,
    #[serde(default)]
    pub links: Vec<Spanned<RawLink>>,
    #[serde(default)]
    pub demand: Vec<Spanned<RawDemand>>,
    #[serde(default)]
    pub routes: Vec<Spanned<RawRoute>>,
    #[serde(default)]
    pub events: Vec<Spanned<RawEvent>>,
    #[serde(default)]
    pub disruptions: Vec<Spanned<RawDisruption>>,
    /// Read by `corridor appraise` (src/appraisal/inputs.rs), not by the simulation.
    pub appraisal: Option<Spanned<RawAppraisal>>,
    #[serde(default)]
    pub measures: Vec<Spanned<RawMeasure>>,
    #[serde(default)]
    pub calibration: RawCalibration,
    /// `[sensitivity]`: the outputs whose drivers a run reports.
    pub sensitivity: Option<Spanned<RawSensitivity>>,
    /// `[[sweep]]`: inputs varied over values by `corridor sweep`.
    #[serde(default)]
    pub sweep: Vec<Spanned<RawSweep>>,
    #[serde(default)]
    pub queues: Vec<Spanned<RawQueue>>,
}

/// `[scenario]`: names, horizon, replications.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub name: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub base: Option<String>,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    pub base_year: Option<i32>,
    pub seed: Option<u64>,
    pub replications: Option<u64>,
}

/// `[route_choice]`: candidate routes and the equilibrium solver.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRouteChoice {
    pub model: Option<String>,
    pub k_routes: Option<u32>,
    pub max_detour: Option<f64>,
    pub logit_scale_per_usd: Option<f64>,
    pub path_size: Option<bool>,
    pub distinct_corridors: Option<bool>,
    pub max_iterations: Option<u32>,
    pub tolerance: Option<f64>,
}

/// BPR parameters for one mode.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBpr {
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
}

/// `[congestion]`: BPR parameters, with optional per-mode tables.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCongestion {
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub rail: Option<RawBpr>,
    pub road: Option<RawBpr>,
    pub ferry: Option<RawBpr>,
    pub sea: Option<RawBpr>,
}

/// Costs of changing mode, gauge or handling at a port; also used for node overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTransferCosts {
    pub transshipment_h: Option<Num>,
    pub transshipment_usd_per_t: Option<Num>,
    pub gauge_change_h: Option<Num>,
    pub gauge_change_usd_per_t: Option<Num>,
    pub port_handling_h: Option<Num>,
    pub port_handling_usd_per_t: Option<Num>,
}

/// `[[corridors]]`: the labels results are grouped by; order is attribution priority.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCorridor {
    pub id: Option<String>,
    pub name: Option<String>,
    pub new: Option<bool>,
    /// Chart colour, `"#RRGGBB"`.
    pub color: Option<String>,
    /// Calibration constant added once to the cost of every route that uses the corridor.
    pub constant_usd_per_t: Option<f64>,
}

/// `[[nodes]]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    pub id: Option<String>,
    pub name: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub country: Option<String>,
    pub kind: Option<String>,
    pub border_dwell_h: Option<Num>,
    pub border_fee_usd_per_t: Option<Num>,
    pub transshipment_h: Option<Num>,
    pub transshipment_usd_per_t: Option<Num>,
    pub gauge_change_h: Option<Num>,
    pub gauge_change_usd_per_t: Option<Num>,
    pub port_handling_h: Option<Num>,
    pub port_handling_usd_per_t: Option<Num>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// `false`: a zone that routes may start or end at but not pass through.
    pub through_traffic: Option<bool>,
}

/// `[[links]]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub mode: Option<String>,
    pub length_km: Option<Num>,
    pub speed_kmh: Option<Num>,
    pub time_h: Option<Num>,
    pub capacity_tpy: Option<Num>,
    pub tariff_usd_per_t: Option<Num>,
    pub tariff_usd_per_tkm: Option<Num>,
    pub gauge_mm: Option<u32>,
    pub corridor: Option<String>,
    pub two_way: Option<bool>,
    pub open_from: Option<Num>,
    pub open_until: Option<Num>,
    pub bpr_alpha: Option<f64>,
    pub bpr_beta: Option<f64>,
    pub enabled: Option<bool>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// `[[demand]]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    pub id: Option<String>,
    pub origin: Option<String>,
    pub destination: Option<String>,
    pub commodity: Option<String>,
    pub tonnes_per_year: Option<Num>,
    pub growth_per_year: Option<RawGrowth>,
    pub value_of_time_usd_per_t_h: Option<Num>,
    pub elasticity: Option<Num>,
    pub enabled: Option<bool>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// `[[routes]]`: an explicit candidate route, replacing the k shortest for its pair.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub id: Option<String>,
    pub origin: Option<String>,
    pub destination: Option<String>,
    pub links: Option<Vec<String>>,
}

/// `[[events]]`: a dated change to a link.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: Option<String>,
    pub year: Option<Num>,
    pub link: Option<String>,
    pub action: Option<String>,
    pub capacity_tpy: Option<Num>,
    pub tariff_usd_per_t: Option<Num>,
    pub tariff_usd_per_tkm: Option<Num>,
    pub speed_kmh: Option<Num>,
    pub time_h: Option<Num>,
    pub note: Option<String>,
}

/// `[[disruptions]]`: a risk that may strike in any year of the horizon.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDisruption {
    pub id: Option<String>,
    pub links: Option<Vec<String>>,
    pub nodes: Option<Vec<String>>,
    pub corridors: Option<Vec<String>>,
    pub annual_probability: Option<Num>,
    pub duration_days: Option<Num>,
    pub capacity_loss: Option<Num>,
    pub season_months: Option<Vec<u32>>,
    pub added_dwell_h: Option<Num>,
    pub first_year: Option<i32>,
    pub last_year: Option<i32>,
    pub enabled: Option<bool>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// `growth_per_year` of a `[[demand]]` row: one rate (a number or a distribution table),
/// or a schedule of rates by year, `[{ until = 2030, rate = 0.16 }, { rate = 0.05 }]`.
#[derive(Debug, Clone, PartialEq)]
pub enum RawGrowth {
    Rate(Num),
    Schedule(Vec<RawGrowthStep>),
}

/// One step of a growth schedule: `rate` applies to the growth into each year up to and
/// including `until` (after the previous step's); the last step has no `until`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
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
#[derive(Debug, Clone, Default, Deserialize)]
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
    pub link_co2e: Vec<Spanned<RawLinkIntensity>>,
    #[serde(default)]
    pub carbon_price: Vec<Spanned<RawCarbonPrice>>,
    #[serde(default)]
    pub capital: Vec<Spanned<RawCapital>>,
    #[serde(default)]
    pub operating: Vec<Spanned<RawOperating>>,
    #[serde(default)]
    pub chokepoints: Vec<Spanned<RawChokepoint>>,
}

/// One number per mode.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModeValues {
    pub rail: Option<Num>,
    pub road: Option<Num>,
    pub ferry: Option<Num>,
    pub sea: Option<Num>,
}

/// `[[appraisal.link_co2e]]`: an emission intensity for one link.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLinkIntensity {
    pub link: Option<String>,
    pub g_per_tkm: Option<Num>,
    pub source: Option<String>,
}

/// `[[appraisal.carbon_price]]`: one point of the carbon price path.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCarbonPrice {
    pub year: Option<i32>,
    pub usd_per_t: Option<Num>,
    pub source: Option<String>,
}

/// `[[appraisal.capital]]`: a capital cost item.
#[derive(Debug, Clone, Default, Deserialize)]
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
#[derive(Debug, Clone, Default, Deserialize)]
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
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChokepoint {
    pub id: Option<String>,
    pub name: Option<String>,
    pub links: Option<Vec<String>>,
    pub corridors: Option<Vec<String>>,
}

/// `[[measures]]`: a named set of links (with direction) and nodes whose tonnes are
/// reported by year and compared with observations.
#[derive(Debug, Clone, Default, Deserialize)]
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
#[derive(Debug, Clone, Default, Deserialize)]
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
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObservation {
    pub year: Option<i32>,
    pub tonnes: Option<f64>,
    pub units_per_day: Option<f64>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// `[calibration]`: what `corridor calibrate` fits.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibration {
    pub year: Option<i32>,
    pub max_iterations: Option<u32>,
    pub parameters: Option<Vec<RawCalibrationParameter>>,
}

/// One fitted constant: `key` names it (`links.<id>.time_h`, ...), with its bounds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibrationParameter {
    pub key: Option<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub note: Option<String>,
}

/// `[sensitivity]`: which outputs the sensitivity analysis of a run explains.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSensitivity {
    /// Output names such as `corridors.tripp.tonnes.2035`.
    pub outputs: Option<Vec<String>>,
    /// Whether `corridor run` adds the one-at-a-time tornado (2k+1 extra runs).
    pub tornado: Option<bool>,
}

/// A threshold: a number, or the name of another output.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawThreshold {
    Value(f64),
    Output(String),
}

/// `switch = { output = "...", below = ... }` of a sweep.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSwitch {
    pub output: Option<String>,
    pub below: Option<RawThreshold>,
}

/// `[[sweep]]`: one or two inputs varied over values, each point with its replications.
#[derive(Debug, Clone, Default, Deserialize)]
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
