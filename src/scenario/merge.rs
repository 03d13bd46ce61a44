//! Merging a `base` chain: a scenario restates only what differs from its base.
//!
//! Rules: in single tables (`[scenario]`, `[route_choice]`, ...) each key written in the
//! later file replaces the base's. In lists of items (`[[nodes]]`, `[[links]]`, ...) an
//! item whose `id` matches a base item changes just the keys it writes; any other item
//! is added. `base` itself is not inherited.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::problem::{LineIndex, Location};
use super::raw::*;

/// One parsed file of the chain.
pub struct Layer {
    pub file: PathBuf,
    pub text: String,
    pub raw: RawFile,
}

/// An item with where it was (last) written: its file, line and index in that file.
#[derive(Debug, Clone)]
pub struct Item<T> {
    pub value: T,
    pub location: Location,
    pub index: usize,
}

/// The chain merged into one description, leaf file last.
#[derive(Debug, Clone, Default)]
pub struct Merged {
    pub settings: RawSettings,
    pub route_choice: RawRouteChoice,
    pub congestion: RawCongestion,
    pub transfer_defaults: RawTransferCosts,
    pub corridors: Vec<Item<RawCorridor>>,
    pub nodes: Vec<Item<RawNode>>,
    pub links: Vec<Item<RawLink>>,
    pub demand: Vec<Item<RawDemand>>,
    pub routes: Vec<Item<RawRoute>>,
    pub events: Vec<Item<RawEvent>>,
    pub disruptions: Vec<Item<RawDisruption>>,
    pub measures: Vec<Item<RawMeasure>>,
    pub calibration: RawCalibration,
    /// `[sensitivity]` as written last in the chain (a later file replaces it whole).
    pub sensitivity: Option<Item<RawSensitivity>>,
    pub sweeps: Vec<Item<RawSweep>>,
    pub queues: Vec<Item<RawQueue>>,
    /// The leaf file, where settings problems are reported.
    pub leaf: Location,
}

/// Copies every `Some` field of `$src` over `$dst`.
macro_rules! overlay {
    ($dst:expr, $src:expr; $($f:ident),* $(,)?) => {
        $( if $src.$f.is_some() { $dst.$f = $src.$f.clone(); } )*
    };
}

/// Items that merge by `id`.
trait Keyed: Clone {
    fn id(&self) -> Option<&str>;
    fn overlay(&mut self, other: &Self);
}

impl Keyed for RawCorridor {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; name, new, color, constant_usd_per_t);
    }
}

impl Keyed for RawNode {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; name, lat, lon, country, kind, border_dwell_h, border_fee_usd_per_t,
            transshipment_h, transshipment_usd_per_t, gauge_change_h, gauge_change_usd_per_t,
            port_handling_h, port_handling_usd_per_t, source, note, through_traffic);
    }
}

impl Keyed for RawLink {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; from, to, mode, length_km, capacity_tpy, tariff_usd_per_t,
            tariff_usd_per_tkm, gauge_mm, corridor, two_way, open_from, open_until, bpr_alpha,
            bpr_beta, enabled, source, note);
        // Speed and fixed time are alternatives: writing one replaces the other.
        if o.speed_kmh.is_some() {
            self.speed_kmh = o.speed_kmh.clone();
            self.time_h = None;
        }
        if o.time_h.is_some() {
            self.time_h = o.time_h.clone();
            self.speed_kmh = None;
        }
    }
}

impl Keyed for RawDemand {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; origin, destination, commodity, tonnes_per_year, growth_per_year,
            value_of_time_usd_per_t_h, elasticity, enabled, modes, avoid_nodes, source, note);
    }
}

impl Keyed for RawRoute {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; origin, destination, links);
    }
}

impl Keyed for RawEvent {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; year, link, action, capacity_tpy, tariff_usd_per_t, tariff_usd_per_tkm,
            speed_kmh, time_h, note);
    }
}

impl Keyed for RawSweep {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; input, values, from, to, step, input2, values2, from2, to2, step2,
            outputs, switch, replications, note);
    }
}

impl Keyed for RawDisruption {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; links, nodes, corridors, annual_probability, duration_days,
            capacity_loss, season_months, added_dwell_h, first_year, last_year, enabled, source,
            note);
    }
}

impl Keyed for RawMeasure {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; name, links, nodes, unit, tonnes_per_unit, weight, observed, enabled,
            source, note);
    }
}

impl Keyed for RawQueue {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
    fn overlay(&mut self, o: &Self) {
        overlay!(self, o; name, node, link, mode, capacity_per_day, tonnes_per_unit, unit,
            service, vessel_units, max_headway_days, seasonality, dispersion, threshold_units,
            servers, background_per_day, enabled, source, note, capacity_growth_per_year);
    }
}

/// Adds one file's items: an item whose `id` matches an item of an earlier file (the
/// base) changes that item; any other item is added. A repeated `id` within one file is
/// kept as a separate item, so that validation reports it as a duplicate instead of one
/// silently overwriting the other. Lookups are hashed: a file of 100,000 links merges in
/// linear time.
fn merge_items<T: Keyed>(dst: &mut Vec<Item<T>>, src: Vec<Spanned<T>>, file: &Path, text: &str) {
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, it) in dst.iter().enumerate() {
        if let Some(id) = it.value.id() {
            by_id.entry(id.to_string()).or_insert(i);
        }
    }
    let mut touched: HashSet<usize> = HashSet::new();
    let lines = if src.is_empty() {
        LineIndex::default()
    } else {
        LineIndex::new(text)
    };
    for (index, spanned) in src.into_iter().enumerate() {
        let location = lines.at(file.to_path_buf(), text, spanned.span().start);
        let value = spanned.into_inner();
        let existing = value
            .id()
            .and_then(|id| by_id.get(id).copied())
            .filter(|i| !touched.contains(i));
        match existing {
            Some(i) => {
                touched.insert(i);
                dst[i].value.overlay(&value);
                dst[i].location = location;
                dst[i].index = index;
            }
            None => {
                touched.insert(dst.len());
                dst.push(Item {
                    value,
                    location,
                    index,
                })
            }
        }
    }
}

/// Merges layers given base first, leaf last.
pub fn merge(layers: Vec<Layer>) -> Merged {
    let mut m = Merged::default();
    for layer in layers {
        let Layer { file, text, raw } = layer;
        let s = &raw.scenario;
        overlay!(m.settings, s; name, title, description, first_year, last_year, base_year,
            seed, replications, queue_trace_year);
        let r = &raw.route_choice;
        overlay!(m.route_choice, r; model, k_routes, max_detour, logit_scale_per_usd, path_size, distinct_corridors,
            max_iterations, tolerance);
        let c = &raw.congestion;
        overlay!(m.congestion, c; alpha, beta, rail, road, ferry, sea);
        let t = &raw.transfer_defaults;
        overlay!(m.transfer_defaults, t; transshipment_h, transshipment_usd_per_t, gauge_change_h,
            gauge_change_usd_per_t, port_handling_h, port_handling_usd_per_t);
        merge_items(&mut m.corridors, raw.corridors, &file, &text);
        merge_items(&mut m.nodes, raw.nodes, &file, &text);
        merge_items(&mut m.links, raw.links, &file, &text);
        merge_items(&mut m.demand, raw.demand, &file, &text);
        merge_items(&mut m.routes, raw.routes, &file, &text);
        merge_items(&mut m.events, raw.events, &file, &text);
        merge_items(&mut m.disruptions, raw.disruptions, &file, &text);
        merge_items(&mut m.measures, raw.measures, &file, &text);
        let k = &raw.calibration;
        overlay!(m.calibration, k; year, max_iterations, parameters);
        merge_items(&mut m.sweeps, raw.sweep, &file, &text);
        if let Some(sp) = raw.sensitivity {
            let location = LineIndex::new(&text).at(file.clone(), &text, sp.span().start);
            m.sensitivity = Some(Item {
                value: sp.into_inner(),
                location,
                index: 0,
            });
        }
        merge_items(&mut m.queues, raw.queues, &file, &text);
        m.leaf = Location {
            file,
            ..Location::default()
        };
    }
    m
}
