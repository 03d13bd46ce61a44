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
    pub growth_per_year: Option<Num>,
    pub value_of_time_usd_per_t_h: Option<Num>,
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
