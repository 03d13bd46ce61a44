//! From the merged file to a `Scenario`: names resolved to dense indices, defaults
//! applied, units and ranges checked. Every problem is collected, each with its file,
//! line and key path, so that one run reports them all.

use std::collections::HashMap;

use super::merge::{Item, Merged};
use super::num::{Num, Param, build_dist};
use super::problem::{Location, Problems};
use super::raw::*;
use super::suggest::did_you_mean;
use crate::model::*;

mod queues;

/// What a numeric input may be.
#[derive(Clone, Copy)]
enum Range {
    /// > 0
    Positive,
    /// >= 0
    NonNegative,
    /// a growth rate: > -1
    Growth,
    /// a calendar year
    Year,
    /// a probability or a share: 0..1
    Fraction,
    /// an own-cost demand elasticity: -10..=0
    Elasticity,
}

impl Range {
    fn check(self, v: f64) -> Result<(), String> {
        if !v.is_finite() {
            return Err(format!("must be a finite number, found {v}"));
        }
        let ok = match self {
            Range::Positive => v > 0.0,
            Range::NonNegative => v >= 0.0,
            Range::Growth => v > -1.0 && v < 10.0,
            Range::Year => (1800.0..=2300.0).contains(&v) && v.fract() == 0.0,
            Range::Fraction => (0.0..=1.0).contains(&v),
            Range::Elasticity => (-10.0..=0.0).contains(&v),
        };
        if ok {
            return Ok(());
        }
        Err(match self {
            Range::Positive => format!("must be greater than 0, found {v}"),
            Range::NonNegative => format!("must be 0 or more, found {v}"),
            Range::Growth => format!(
                "is a yearly growth rate as a fraction (0.05 = 5%/yr), between -1 and 10; found {v}"
            ),
            Range::Year => format!("must be a whole year between 1800 and 2300, found {v}"),
            Range::Fraction => {
                format!("must lie between 0 and 1 (a probability or share, 0.3 = 30%), found {v}")
            }
            Range::Elasticity => format!(
                "is the elasticity of tonnes to the flow's cost, between -10 and 0 \
                 (-0.7 = 0.7% fewer tonnes when the cost is 1% higher); found {v}"
            ),
        })
    }
}

struct Ctx<'a> {
    problems: &'a mut Problems,
    shares: HashMap<String, usize>,
    n_draws: usize,
    /// The item being validated (`links.<id>`): names draws for common random numbers.
    item: String,
    /// One name per draw slot.
    draw_keys: Vec<String>,
}

impl Ctx<'_> {
    /// A numeric input: `None` when absent (the caller decides the default).
    fn param(
        &mut self,
        num: &Option<Num>,
        loc: &Location,
        key: &str,
        range: Range,
    ) -> Option<Param> {
        let num = num.as_ref()?;
        match num {
            Num::Fixed(v) => match range.check(*v) {
                Ok(()) => Some(Param::Fixed(*v)),
                Err(msg) => {
                    self.problems.error(loc, key, msg);
                    None
                }
            },
            Num::Dist(raw) => match build_dist(raw) {
                Ok(dist) => {
                    let (lo, hi) = dist.support();
                    let bad = [lo, hi]
                        .into_iter()
                        .filter(|v| v.is_finite())
                        .find_map(|v| range.check(v).err());
                    if let Some(msg) = bad {
                        self.problems.error(
                            loc,
                            key,
                            format!("the distribution can give a value that {msg}"),
                        );
                        return None;
                    }
                    if matches!(range, Range::Positive | Range::NonNegative | Range::Year)
                        && lo == f64::NEG_INFINITY
                    {
                        self.problems.error(
                            loc,
                            key,
                            "an untruncated normal can be negative here; add `min` (for example min = 0)",
                        );
                        return None;
                    }
                    let field = key.rsplit('.').next().unwrap_or(key);
                    let name = match &raw.share {
                        Some(share) => format!("share.{share}"),
                        None => format!("{}.{field}", self.item),
                    };
                    let slot = match &raw.share {
                        Some(share) => match self.shares.get(share) {
                            Some(&slot) => slot,
                            None => {
                                self.shares.insert(share.clone(), self.draw_keys.len());
                                self.draw_keys.push(name);
                                self.draw_keys.len() - 1
                            }
                        },
                        None => {
                            self.draw_keys.push(name);
                            self.draw_keys.len() - 1
                        }
                    };
                    self.n_draws = self.draw_keys.len();
                    Some(Param::Random { dist, slot })
                }
                Err(msg) => {
                    self.problems.error(loc, key, msg);
                    None
                }
            },
        }
    }

    fn required<T: Clone>(
        &mut self,
        v: &Option<T>,
        loc: &Location,
        key: &str,
        what: &str,
    ) -> Option<T> {
        if v.is_none() {
            self.problems
                .error(loc, key, format!("missing required key; add {what}"));
        }
        v.clone()
    }
}

fn resolve(
    ids: &HashMap<String, usize>,
    names: &[&str],
    value: &Option<String>,
    problems: &mut Problems,
    loc: &Location,
    key: &str,
    what: &str,
) -> Option<usize> {
    let Some(v) = value else {
        problems.error(loc, key, format!("missing required key; name a {what} id"));
        return None;
    };
    match ids.get(v) {
        Some(&i) => Some(i),
        None => {
            // Suggestions for the first errors only: a file with thousands of broken
            // references against thousands of ids would otherwise take minutes.
            let message = if problems.errors_full() {
                String::new()
            } else {
                unknown_reference(what, v, names, problems.error_count() < 50)
            };
            problems.error(loc, key, message);
            None
        }
    }
}

/// "unknown node `X`", a suggestion, and the ids that exist (or how to add the first).
fn unknown_reference(what: &str, v: &str, names: &[&str], suggest: bool) -> String {
    let section = match what {
        "node" => "nodes",
        "link" => "links",
        "corridor" => "corridors",
        other => other,
    };
    // A few distinct ids to show (the list may repeat an id, or hold an empty one).
    let mut known: Vec<&str> = Vec::new();
    for n in names {
        if known.len() > 8 {
            break;
        }
        if !n.trim().is_empty() && !known.contains(n) {
            known.push(n);
        }
    }
    let shown = if known.len() > 8 {
        format!(
            "{} and others",
            super::suggest::list_known(&known[..known.len().min(8)], 8)
        )
    } else {
        super::suggest::list_known(&known, 8)
    };
    if v.trim().is_empty() {
        return format!("the {what} id is empty; name one of the {section}: {shown}");
    }
    if names.is_empty() {
        return format!(
            "unknown {what} `{v}`: the scenario defines no {section}; add one with \
             [[{section}]] and id = \"{v}\""
        );
    }
    format!(
        "unknown {what} `{v}`{}; the {section} are {} (ids are case-sensitive; add \
             [[{section}]] with id = \"{v}\" if it is missing)",
        if suggest {
            did_you_mean(v, names)
        } else {
            String::new()
        },
        shown
    )
}

fn index_ids<T>(
    items: &[Item<T>],
    id: impl Fn(&T) -> Option<&String>,
    section: &str,
    problems: &mut Problems,
) -> HashMap<String, usize> {
    let mut map = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        let key = format!("{section}[{}].id", it.index);
        match id(&it.value) {
            None => problems.error(&it.location, key, "missing required key `id`"),
            Some(s) if s.trim().is_empty() => problems.error(&it.location, key, "`id` is empty"),
            Some(s) => {
                if map.insert(s.clone(), i).is_some() {
                    problems.error(&it.location, key, format!("duplicate id `{s}`"));
                }
            }
        }
    }
    map
}

/// Great-circle distance in km (haversine, mean Earth radius 6,371 km).
pub fn great_circle_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6371.0 * a.sqrt().asin()
}

/// Validates a merged chain. Returns `None` when errors make a scenario impossible.
pub fn validate(m: &Merged, problems: &mut Problems) -> Option<Scenario> {
    let mut cx = Ctx {
        problems,
        shares: HashMap::new(),
        n_draws: 0,
        item: String::new(),
        draw_keys: Vec::new(),
    };
    let leaf = m.leaf.clone();
    let s = &m.settings;

    let name = s.name.clone().unwrap_or_else(|| {
        leaf.file
            .file_stem()
            .map(|x| x.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into())
    });
    if name.trim().is_empty() {
        cx.problems
            .error(&leaf, "scenario.name", "the name is empty");
    }
    let first_year = cx.required(
        &s.first_year,
        &leaf,
        "scenario.first_year",
        "`first_year = 2025` under [scenario]",
    );
    let last_year = cx.required(
        &s.last_year,
        &leaf,
        "scenario.last_year",
        "`last_year = 2045` under [scenario]",
    );
    if let (Some(f), Some(l)) = (first_year, last_year) {
        if l < f {
            cx.problems.error(
                &leaf,
                "scenario.last_year",
                format!("the horizon ends ({l}) before it starts ({f}); swap the two years"),
            );
        } else if i64::from(l) - i64::from(f) > 200
            || !(1800..=2300).contains(&f)
            || !(1800..=2300).contains(&l)
        {
            cx.problems.error(
                &leaf,
                "scenario.last_year",
                format!("the horizon {f}-{l} is not plausible; use years between 1800 and 2300, at most 200 apart"),
            );
        }
    }
    let base_year = s.base_year.or(first_year);
    if let (Some(b), Some(f)) = (base_year, first_year)
        && b > f
    {
        cx.problems.error(
            &leaf,
            "scenario.base_year",
            format!("the demand base year {b} is after the first year {f}; demand is grown forward from the base year"),
        );
    }
    // The year of the daily queue trace (queue_trace.csv): inside the horizon.
    let queue_trace_year = match (first_year, last_year) {
        (Some(f), Some(l)) => {
            let y = s.queue_trace_year.unwrap_or(f + (l - f).max(0) / 2);
            // (A reversed horizon is reported once, under last_year.)
            if l >= f && !(f..=l).contains(&y) {
                cx.problems.error(
                    &leaf,
                    "scenario.queue_trace_year",
                    format!(
                        "{y} is outside the horizon {f}-{l}; choose a year from {f} to {l}, or remove the key for the middle year {}",
                        f + (l - f).max(0) / 2
                    ),
                );
            }
            y
        }
        _ => 0,
    };
    let replications = s.replications.unwrap_or(1);
    if replications == 0 {
        cx.problems.error(
            &leaf,
            "scenario.replications",
            "must be at least 1, found 0",
        );
    }
    if replications > crate::MAX_REPLICATIONS {
        cx.problems.error(
            &leaf,
            "scenario.replications",
            format!(
                "{replications} is more than the {} replications one run supports",
                crate::MAX_REPLICATIONS
            ),
        );
    }

    // Route choice.
    let rc = &m.route_choice;
    let model = match rc.model.as_deref() {
        None | Some("logit") => ChoiceModel::Logit,
        Some("deterministic") => ChoiceModel::Deterministic,
        Some(other) => {
            cx.problems.error(
                &leaf,
                "route_choice.model",
                format!(
                    "unknown model `{other}`{}; use `logit` or `deterministic`",
                    did_you_mean(other, &["logit", "deterministic"])
                ),
            );
            ChoiceModel::Logit
        }
    };
    let k_routes = rc.k_routes.unwrap_or(5) as usize;
    if !(1..=50).contains(&k_routes) {
        cx.problems.error(
            &leaf,
            "route_choice.k_routes",
            format!("must be between 1 and 50, found {k_routes}"),
        );
    }
    let max_detour = rc.max_detour.unwrap_or(1.5);
    if !(max_detour.is_finite() && max_detour >= 1.0) {
        cx.problems.error(
            &leaf,
            "route_choice.max_detour",
            format!(
                "is a ratio to the cheapest route's cost and must be 1 or more, found {max_detour}"
            ),
        );
    }
    let theta = rc.logit_scale_per_usd.unwrap_or(0.05);
    if !(theta.is_finite() && theta > 0.0) {
        cx.problems.error(
            &leaf,
            "route_choice.logit_scale_per_usd",
            format!("must be greater than 0, found {theta}"),
        );
    }
    let max_iterations = rc.max_iterations.unwrap_or(500) as usize;
    if !(1..=100_000).contains(&max_iterations) {
        cx.problems.error(
            &leaf,
            "route_choice.max_iterations",
            format!("must be between 1 and 100000, found {max_iterations}"),
        );
    }
    let tolerance = rc.tolerance.unwrap_or(1e-4);
    if !(tolerance.is_finite() && tolerance > 0.0 && tolerance < 1.0) {
        cx.problems.error(
            &leaf,
            "route_choice.tolerance",
            format!("must be between 0 and 1 (a relative gap), found {tolerance}"),
        );
    }
    let route_choice = RouteChoice {
        model,
        k_routes,
        max_detour,
        logit_scale_per_usd: theta,
        path_size: rc.path_size.unwrap_or(true),
        distinct_corridors: rc.distinct_corridors.unwrap_or(true),
        max_iterations,
        tolerance,
    };

    // Congestion defaults per mode.
    let c = &m.congestion;
    let base_bpr = Bpr {
        alpha: c.alpha.unwrap_or(0.15),
        beta: c.beta.unwrap_or(4.0),
    };
    check_bpr(cx.problems, &leaf, "congestion", base_bpr);
    let mut mode_bpr = [base_bpr; 4];
    for (i, over) in [c.rail, c.road, c.ferry, c.sea].iter().enumerate() {
        if let Some(o) = over {
            mode_bpr[i] = Bpr {
                alpha: o.alpha.unwrap_or(base_bpr.alpha),
                beta: o.beta.unwrap_or(base_bpr.beta),
            };
            check_bpr(
                cx.problems,
                &leaf,
                &format!("congestion.{}", Mode::NAMES[i]),
                mode_bpr[i],
            );
        }
    }

    // Transfer defaults.
    let t = &m.transfer_defaults;
    cx.item = "transfer_defaults".to_string();
    let zero = Param::Fixed(0.0);
    let mut td = |num: &Option<Num>, key: &str| {
        cx_param_or(
            &mut cx,
            num,
            &leaf,
            &format!("transfer_defaults.{key}"),
            Range::NonNegative,
            &zero,
        )
    };
    let default_costs = NodeCosts {
        border_dwell_h: zero.clone(),
        border_fee_usd_per_t: zero.clone(),
        transshipment_h: td(&t.transshipment_h, "transshipment_h"),
        transshipment_usd_per_t: td(&t.transshipment_usd_per_t, "transshipment_usd_per_t"),
        gauge_change_h: td(&t.gauge_change_h, "gauge_change_h"),
        gauge_change_usd_per_t: td(&t.gauge_change_usd_per_t, "gauge_change_usd_per_t"),
        port_handling_h: td(&t.port_handling_h, "port_handling_h"),
        port_handling_usd_per_t: td(&t.port_handling_usd_per_t, "port_handling_usd_per_t"),
    };

    // Corridors.
    let corridor_ids = index_ids(&m.corridors, |c| c.id.as_ref(), "corridors", cx.problems);
    let corridors: Vec<Corridor> = m
        .corridors
        .iter()
        .map(|it| {
            let id = it.value.id.clone().unwrap_or_default();
            let color = it.value.color.as_deref().and_then(|text| {
                parse_color(text)
                    .map_err(|msg| {
                        let key = format!("corridors[{}].color", it.index);
                        cx.problems.error(&it.location, key, msg)
                    })
                    .ok()
            });
            Corridor {
                name: it.value.name.clone().unwrap_or_else(|| id.clone()),
                id,
                new: it.value.new.unwrap_or(false),
                color,
                constant_usd_per_t: corridor_constant(
                    &it.value,
                    &it.location,
                    it.index,
                    cx.problems,
                ),
            }
        })
        .collect();
    let corridor_names: Vec<&str> = corridors.iter().map(|c| c.id.as_str()).collect();

    // Nodes.
    let node_ids = index_ids(&m.nodes, |n| n.id.as_ref(), "nodes", cx.problems);
    let mut nodes = Vec::with_capacity(m.nodes.len());
    for it in &m.nodes {
        let (n, loc) = (&it.value, &it.location);
        let k = |f: &str| format!("nodes[{}].{f}", it.index);
        cx.item = format!("nodes.{}", n.id.as_deref().unwrap_or("?"));
        let lat = n.lat.unwrap_or(f64::NAN);
        let lon = n.lon.unwrap_or(f64::NAN);
        if n.lat.is_none() || n.lon.is_none() {
            cx.problems.error(
                loc,
                k(if n.lat.is_none() { "lat" } else { "lon" }),
                "missing required key; nodes need `lat` and `lon` in decimal degrees (WGS84)",
            );
        } else if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            cx.problems.error(loc, k("lat"), format!("coordinates ({lat}, {lon}) are outside -90..90 latitude, -180..180 longitude; check the order: lat first, then lon"));
        }
        let kind = match n.kind.as_deref() {
            None => NodeKind::City,
            Some(s) => NodeKind::parse(s).unwrap_or_else(|| {
                cx.problems.error(
                    loc,
                    k("kind"),
                    format!(
                        "unknown node kind `{s}`{}; use one of {}",
                        did_you_mean(s, &NodeKind::NAMES),
                        NodeKind::NAMES.join(", ")
                    ),
                );
                NodeKind::City
            }),
        };
        let d = &default_costs;
        let mut p = |num: &Option<Num>, f: &str, dflt: &Param| {
            cx_param_or(&mut cx, num, loc, &k(f), Range::NonNegative, dflt)
        };
        let costs = NodeCosts {
            border_dwell_h: p(&n.border_dwell_h, "border_dwell_h", &d.border_dwell_h),
            border_fee_usd_per_t: p(
                &n.border_fee_usd_per_t,
                "border_fee_usd_per_t",
                &d.border_fee_usd_per_t,
            ),
            transshipment_h: p(&n.transshipment_h, "transshipment_h", &d.transshipment_h),
            transshipment_usd_per_t: p(
                &n.transshipment_usd_per_t,
                "transshipment_usd_per_t",
                &d.transshipment_usd_per_t,
            ),
            gauge_change_h: p(&n.gauge_change_h, "gauge_change_h", &d.gauge_change_h),
            gauge_change_usd_per_t: p(
                &n.gauge_change_usd_per_t,
                "gauge_change_usd_per_t",
                &d.gauge_change_usd_per_t,
            ),
            port_handling_h: p(&n.port_handling_h, "port_handling_h", &d.port_handling_h),
            port_handling_usd_per_t: p(
                &n.port_handling_usd_per_t,
                "port_handling_usd_per_t",
                &d.port_handling_usd_per_t,
            ),
        };
        if kind != NodeKind::Border
            && (n.border_dwell_h.is_some() || n.border_fee_usd_per_t.is_some())
        {
            cx.problems.warning(loc, k("border_dwell_h"), "border dwell and fee apply only to nodes of kind \"border\"; set `kind = \"border\"` or remove them");
        }
        nodes.push(Node {
            id: n.id.clone().unwrap_or_default(),
            name: n.name.clone().or_else(|| n.id.clone()).unwrap_or_default(),
            lat,
            lon,
            country: n.country.clone().unwrap_or_default(),
            kind,
            costs,
            through_traffic: n.through_traffic.unwrap_or(true),
        });
    }
    let node_names: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();

    // Links.
    let enabled_links: Vec<&Item<RawLink>> = m
        .links
        .iter()
        .filter(|l| l.value.enabled != Some(false))
        .collect();
    let link_ids = {
        let owned: Vec<Item<RawLink>> = enabled_links.iter().map(|&i| i.clone()).collect();
        index_ids(&owned, |l| l.id.as_ref(), "links", cx.problems)
    };
    let mut links = Vec::with_capacity(enabled_links.len());
    for it in &enabled_links {
        let (l, loc) = (&it.value, &it.location);
        let k = |f: &str| format!("links[{}].{f}", it.index);
        cx.item = format!("links.{}", l.id.as_deref().unwrap_or("?"));
        let from = resolve(
            &node_ids,
            &node_names,
            &l.from,
            cx.problems,
            loc,
            &k("from"),
            "node",
        );
        let to = resolve(
            &node_ids,
            &node_names,
            &l.to,
            cx.problems,
            loc,
            &k("to"),
            "node",
        );
        if from.is_some() && from == to {
            cx.problems
                .error(loc, k("to"), "a link cannot start and end at the same node");
        }
        let mode = match l.mode.as_deref() {
            None => {
                cx.problems.error(
                    loc,
                    k("mode"),
                    "missing required key; use one of rail, road, ferry, sea",
                );
                None
            }
            Some(s) => Mode::parse(s).or_else(|| {
                cx.problems.error(
                    loc,
                    k("mode"),
                    format!(
                        "unknown mode `{s}`{}; use one of {}",
                        super::checks::mode_hint(s),
                        Mode::NAMES.join(", ")
                    ),
                );
                None
            }),
        };
        let length_km = cx.param(&l.length_km, loc, &k("length_km"), Range::Positive);
        if l.length_km.is_none() {
            cx.problems.error(
                loc,
                k("length_km"),
                "missing required key; give the link's length in km",
            );
        }
        let running = match (&l.speed_kmh, &l.time_h) {
            (Some(_), Some(_)) => {
                cx.problems.error(
                    loc,
                    k("time_h"),
                    "give either `speed_kmh` or `time_h`, not both",
                );
                None
            }
            (Some(_), None) => cx
                .param(&l.speed_kmh, loc, &k("speed_kmh"), Range::Positive)
                .map(Running::SpeedKmh),
            (None, Some(_)) => cx
                .param(&l.time_h, loc, &k("time_h"), Range::NonNegative)
                .map(Running::FixedH),
            (None, None) => {
                cx.problems.error(loc, k("speed_kmh"), "missing running time; add `speed_kmh` (average, including stops) or a fixed `time_h`");
                None
            }
        };
        let capacity_tpy = match &l.capacity_tpy {
            None => Some(Param::Fixed(f64::INFINITY)),
            Some(_) => cx.param(&l.capacity_tpy, loc, &k("capacity_tpy"), Range::Positive),
        };
        let tariff_usd_per_t = cx_param_or(
            &mut cx,
            &l.tariff_usd_per_t,
            loc,
            &k("tariff_usd_per_t"),
            Range::NonNegative,
            &zero,
        );
        let tariff_usd_per_tkm = cx_param_or(
            &mut cx,
            &l.tariff_usd_per_tkm,
            loc,
            &k("tariff_usd_per_tkm"),
            Range::NonNegative,
            &zero,
        );
        if let Some(g) = l.gauge_mm
            && !(600..=2000).contains(&g)
        {
            cx.problems.error(
                loc,
                k("gauge_mm"),
                format!("must be a track gauge in millimetres, such as 1520 or 1435; found {g}"),
            );
        }
        if l.gauge_mm.is_some() && mode.is_some() && mode != Some(Mode::Rail) {
            cx.problems
                .warning(loc, k("gauge_mm"), "a gauge is only used on rail links");
        }
        let corridor = resolve(
            &corridor_ids,
            &corridor_names,
            &l.corridor,
            cx.problems,
            loc,
            &k("corridor"),
            "corridor",
        );
        let open_from = cx.param(&l.open_from, loc, &k("open_from"), Range::Year);
        let open_until = cx.param(&l.open_until, loc, &k("open_until"), Range::Year);
        if let (Some(a), Some(b)) = (&open_from, &open_until)
            && a.support().0 > b.support().1
        {
            cx.problems.error(loc, k("open_until"), "the link closes before it opens; `open_until` must not be earlier than `open_from`");
        }
        let bpr = Bpr {
            alpha: l
                .bpr_alpha
                .unwrap_or(mode.map_or(base_bpr.alpha, |m| mode_bpr[m as usize].alpha)),
            beta: l
                .bpr_beta
                .unwrap_or(mode.map_or(base_bpr.beta, |m| mode_bpr[m as usize].beta)),
        };
        super::checks::link_bpr(cx.problems, loc, it.index, l.bpr_alpha, l.bpr_beta);
        // Plausibility warnings.
        if let (Some(f), Some(t), Some(len)) = (from, to, &length_km) {
            let (a, b) = (&nodes[f], &nodes[t]);
            if f != t && super::checks::coords_ok(a) && super::checks::coords_ok(b) {
                let crow = great_circle_km(a.lat, a.lon, b.lat, b.lon);
                let len = len.nominal();
                if len < 0.8 * crow - 5.0 {
                    cx.problems.warning(loc, k("length_km"), format!("{len} km is shorter than the straight line between {} and {} ({crow:.0} km); check the length or the coordinates", a.id, b.id));
                } else if len > 3.0 * crow + 100.0 && !matches!(mode, Some(Mode::Sea)) {
                    cx.problems.warning(loc, k("length_km"), format!("{len} km is more than three times the straight line between {} and {} ({crow:.0} km); check the unit (km)", a.id, b.id));
                }
            }
        }
        if let (Some(Running::SpeedKmh(v)), Some(md)) = (&running, mode) {
            let limit = match md {
                Mode::Road => 130.0,
                Mode::Rail => 200.0,
                Mode::Ferry | Mode::Sea => 60.0,
            };
            if v.nominal() > limit {
                cx.problems.warning(loc, k("speed_kmh"), format!("{} km/h is fast for freight by {}; speeds are averages in km/h including stops", v.nominal(), md.name()));
            }
        }
        if let (
            Some(from),
            Some(to),
            Some(mode),
            Some(length_km),
            Some(running),
            Some(capacity_tpy),
            Some(corridor),
        ) = (from, to, mode, length_km, running, capacity_tpy, corridor)
        {
            links.push(Link {
                id: l.id.clone().unwrap_or_default(),
                from,
                to,
                mode,
                length_km,
                running,
                capacity_tpy,
                tariff_usd_per_t,
                tariff_usd_per_tkm,
                gauge_mm: l.gauge_mm,
                corridor,
                two_way: l.two_way.unwrap_or(true),
                open_from,
                open_until,
                bpr,
            });
        }
    }
    let link_names: Vec<&str> = enabled_links
        .iter()
        .filter_map(|l| l.value.id.as_deref())
        .collect();

    // Demand.
    let enabled_demand: Vec<&Item<RawDemand>> = m
        .demand
        .iter()
        .filter(|d| d.value.enabled != Some(false))
        .collect();
    let mut demand = Vec::with_capacity(enabled_demand.len());
    let mut demand_seen: HashMap<String, ()> = HashMap::new();
    for it in &enabled_demand {
        let (d, loc) = (&it.value, &it.location);
        let k = |f: &str| format!("demand[{}].{f}", it.index);
        cx.item = format!(
            "demand.{}",
            d.id.clone().unwrap_or_else(|| format!(
                "{}-{}-{}",
                d.origin.as_deref().unwrap_or("?"),
                d.destination.as_deref().unwrap_or("?"),
                d.commodity.as_deref().unwrap_or("general")
            ))
        );
        let origin = resolve(
            &node_ids,
            &node_names,
            &d.origin,
            cx.problems,
            loc,
            &k("origin"),
            "node",
        );
        let destination = resolve(
            &node_ids,
            &node_names,
            &d.destination,
            cx.problems,
            loc,
            &k("destination"),
            "node",
        );
        if origin.is_some() && origin == destination {
            cx.problems.error(
                loc,
                k("destination"),
                "origin and destination are the same node",
            );
        }
        let commodity = d.commodity.clone().unwrap_or_else(|| "general".into());
        let tonnes = cx.param(
            &d.tonnes_per_year,
            loc,
            &k("tonnes_per_year"),
            Range::NonNegative,
        );
        if d.tonnes_per_year.is_none() {
            cx.problems.error(
                loc,
                k("tonnes_per_year"),
                "missing required key; give the base-year flow in tonnes per year",
            );
        }
        let (growth, growth_later) = growth_schedule(&mut cx, &d.growth_per_year, loc, &k, &zero);
        let elasticity = cx_param_or(
            &mut cx,
            &d.elasticity,
            loc,
            &k("elasticity"),
            Range::Elasticity,
            &zero,
        );
        let vot = cx.param(
            &d.value_of_time_usd_per_t_h,
            loc,
            &k("value_of_time_usd_per_t_h"),
            Range::NonNegative,
        );
        if d.value_of_time_usd_per_t_h.is_none() {
            cx.problems.error(loc, k("value_of_time_usd_per_t_h"), "missing required key; give the value of time in USD per tonne-hour (for example 0.5 for containers)");
        }
        if let Some(Param::Fixed(v)) = &vot
            && *v == 0.0
        {
            cx.problems.warning(
                loc,
                k("value_of_time_usd_per_t_h"),
                "a value of time of 0 makes transit time irrelevant to route choice",
            );
        }
        let id = d.id.clone().unwrap_or_else(|| {
            format!(
                "{}-{}-{}",
                d.origin.as_deref().unwrap_or("?"),
                d.destination.as_deref().unwrap_or("?"),
                commodity
            )
        });
        if demand_seen.insert(id.clone(), ()).is_some() {
            cx.problems.error(
                loc,
                k("id"),
                format!("duplicate demand `{id}`; give each flow a distinct `id` or commodity"),
            );
        }
        let mut modes = Vec::new();
        for (i, m) in d.modes.iter().flatten().enumerate() {
            match Mode::parse(m) {
                Some(md) if !modes.contains(&md) => modes.push(md),
                Some(_) => {}
                None => cx.problems.error(
                    loc,
                    k(&format!("modes[{i}]")),
                    format!("unknown mode `{m}`; use rail, road, ferry or sea"),
                ),
            }
        }
        if d.modes.as_ref().is_some_and(|m| m.is_empty()) {
            cx.problems.error(
                loc,
                k("modes"),
                "an empty list leaves the flow no route; list the modes it may use, or remove the key for all",
            );
        }
        let mut avoid_nodes = Vec::new();
        for (i, n) in d.avoid_nodes.iter().flatten().enumerate() {
            let key = k(&format!("avoid_nodes[{i}]"));
            if let Some(v) = resolve(
                &node_ids,
                &node_names,
                &Some(n.clone()),
                cx.problems,
                loc,
                &key,
                "node",
            ) {
                if Some(v) == origin || Some(v) == destination {
                    cx.problems.error(
                        loc,
                        key,
                        format!("`{n}` is the flow's own origin or destination; list only nodes its routes may not pass through"),
                    );
                } else if !avoid_nodes.contains(&v) {
                    avoid_nodes.push(v);
                }
            }
        }
        if let (Some(origin), Some(destination), Some(tonnes), Some(vot)) =
            (origin, destination, tonnes, vot)
        {
            demand.push(Demand {
                id,
                origin,
                destination,
                commodity,
                tonnes_per_year: tonnes,
                growth_per_year: growth,
                growth_later,
                value_of_time_usd_per_t_h: vot,
                elasticity,
                modes,
                avoid_nodes,
            });
        }
    }

    // Explicit routes.
    let mut routes = Vec::new();
    for it in &m.routes {
        let (r, loc) = (&it.value, &it.location);
        let k = |f: &str| format!("routes[{}].{f}", it.index);
        let origin = resolve(
            &node_ids,
            &node_names,
            &r.origin,
            cx.problems,
            loc,
            &k("origin"),
            "node",
        );
        let destination = resolve(
            &node_ids,
            &node_names,
            &r.destination,
            cx.problems,
            loc,
            &k("destination"),
            "node",
        );
        let Some(list) = &r.links else {
            cx.problems.error(
                loc,
                k("links"),
                "missing required key; list the route's link ids in travel order",
            );
            continue;
        };
        let (Some(origin), Some(destination)) = (origin, destination) else {
            continue;
        };
        let mut at = origin;
        let mut resolved = Vec::with_capacity(list.len());
        let mut ok = true;
        for (j, lid) in list.iter().enumerate() {
            let Some(&li) = link_ids.get(lid) else {
                cx.problems.error(
                    loc,
                    format!("routes[{}].links[{j}]", it.index),
                    format!("unknown link `{lid}`{}", did_you_mean(lid, &link_names)),
                );
                ok = false;
                break;
            };
            // `links` holds only the links that validated: when one failed, indices differ.
            let Some(link) = links.get(li).filter(|_| links.len() == enabled_links.len()) else {
                ok = false;
                break;
            };
            if link.from == at {
                resolved.push((li, true));
                at = link.to;
            } else if link.to == at && link.two_way {
                resolved.push((li, false));
                at = link.from;
            } else {
                cx.problems.error(
                    loc,
                    format!("routes[{}].links[{j}]", it.index),
                    format!(
                        "link `{lid}` ({} - {}) does not continue the route from node `{}`; \
                         list the links in travel order",
                        nodes[link.from].id, nodes[link.to].id, nodes[at].id
                    ),
                );
                ok = false;
                break;
            }
        }
        if ok && at != destination {
            cx.problems.error(
                loc,
                k("links"),
                format!(
                    "the route ends at `{}`, not at its destination `{}`",
                    nodes[at].id, nodes[destination].id
                ),
            );
            ok = false;
        }
        if ok {
            // A flow's `modes` and `avoid_nodes` rule routes out of its search and its
            // network check; an explicit route is taken as listed, so say when they disagree.
            for dem in demand.iter().filter(|d: &&Demand| {
                d.is_restricted() && d.origin == origin && d.destination == destination
            }) {
                let barred = resolved.iter().find_map(|&(li, fwd)| {
                    let l = &links[li];
                    let head = if fwd { l.to } else { l.from };
                    if !dem.modes.is_empty() && !dem.modes.contains(&l.mode) {
                        Some(format!("link `{}` is {}", l.id, l.mode.name()))
                    } else if dem.avoid_nodes.contains(&head) && head != destination {
                        Some(format!("it passes `{}`", nodes[head].id))
                    } else {
                        None
                    }
                });
                if let Some(why) = barred {
                    cx.problems.warning(
                        loc,
                        k("links"),
                        format!(
                            "{why}, which demand `{}` rules out with `modes` or `avoid_nodes`; \
                             explicit routes are used as listed, so the network check compares \
                             this flow with routes it may not take. Drop the route or the restriction",
                            dem.id
                        ),
                    );
                }
            }
            routes.push(ExplicitRoute {
                id: r
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("route-{}", it.index)),
                origin,
                destination,
                links: resolved,
            });
        }
    }

    // Events.
    let mut events = Vec::new();
    for it in &m.events {
        let (e, loc) = (&it.value, &it.location);
        let k = |f: &str| format!("events[{}].{f}", it.index);
        cx.item = format!(
            "events.{}",
            e.id.clone()
                .unwrap_or_else(|| format!("event-{}", it.index))
        );
        let year = cx.param(&e.year, loc, &k("year"), Range::Year);
        if e.year.is_none() {
            cx.problems.error(
                loc,
                k("year"),
                "missing required key; give the year the change takes effect",
            );
        }
        let link = resolve(
            &link_ids,
            &link_names,
            &e.link,
            cx.problems,
            loc,
            &k("link"),
            "link",
        );
        const ACTIONS: [&str; 3] = ["open", "close", "change"];
        let action = match e.action.as_deref() {
            Some("open") => Some(EventAction::Open),
            Some("close") => Some(EventAction::Close),
            Some("change") | None => Some(EventAction::Change),
            Some(other) => {
                cx.problems.error(
                    loc,
                    k("action"),
                    format!(
                        "unknown action `{other}`{}; use open, close or change",
                        did_you_mean(other, &ACTIONS)
                    ),
                );
                None
            }
        };
        let capacity_tpy = cx.param(&e.capacity_tpy, loc, &k("capacity_tpy"), Range::Positive);
        let tariff_usd_per_t = cx.param(
            &e.tariff_usd_per_t,
            loc,
            &k("tariff_usd_per_t"),
            Range::NonNegative,
        );
        let tariff_usd_per_tkm = cx.param(
            &e.tariff_usd_per_tkm,
            loc,
            &k("tariff_usd_per_tkm"),
            Range::NonNegative,
        );
        let speed_kmh = cx.param(&e.speed_kmh, loc, &k("speed_kmh"), Range::Positive);
        let time_h = cx.param(&e.time_h, loc, &k("time_h"), Range::NonNegative);
        let changes = e.capacity_tpy.is_some()
            || e.tariff_usd_per_t.is_some()
            || e.tariff_usd_per_tkm.is_some()
            || e.speed_kmh.is_some()
            || e.time_h.is_some();
        if action == Some(EventAction::Change) && !changes {
            cx.problems.error(loc, k("action"), "a change event needs at least one of capacity_tpy, tariff_usd_per_t, tariff_usd_per_tkm, speed_kmh, time_h (or action = \"open\" / \"close\")");
        }
        if let (Some(year), Some(link), Some(action)) = (year, link, action) {
            events.push(Event {
                id: e
                    .id
                    .clone()
                    .unwrap_or_else(|| format!("event-{}", it.index)),
                year,
                link,
                action,
                capacity_tpy,
                tariff_usd_per_t,
                tariff_usd_per_tkm,
                speed_kmh,
                time_h,
            });
        }
    }

    // Disruptions.
    let mut disruptions = Vec::new();
    for it in m
        .disruptions
        .iter()
        .filter(|d| d.value.enabled != Some(false))
    {
        let (d, loc) = (&it.value, &it.location);
        let k = |f: &str| format!("disruptions[{}].{f}", it.index);
        cx.item = format!(
            "disruptions.{}",
            d.id.clone()
                .unwrap_or_else(|| format!("disruption-{}", it.index))
        );
        let id =
            d.id.clone()
                .unwrap_or_else(|| format!("disruption-{}", it.index));
        let mut target_links: Vec<usize> = Vec::new();
        let mut target_nodes: Vec<usize> = Vec::new();
        for (j, lid) in d.links.iter().flatten().enumerate() {
            if let Some(l) = resolve(
                &link_ids,
                &link_names,
                &Some(lid.clone()),
                cx.problems,
                loc,
                &format!("disruptions[{}].links[{j}]", it.index),
                "link",
            ) {
                target_links.push(l);
            }
        }
        for (j, nid) in d.nodes.iter().flatten().enumerate() {
            if let Some(n) = resolve(
                &node_ids,
                &node_names,
                &Some(nid.clone()),
                cx.problems,
                loc,
                &format!("disruptions[{}].nodes[{j}]", it.index),
                "node",
            ) {
                target_nodes.push(n);
                target_links.extend(
                    links
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| l.from == n || l.to == n)
                        .map(|(i, _)| i),
                );
            }
        }
        for (j, cid) in d.corridors.iter().flatten().enumerate() {
            if let Some(c) = resolve(
                &corridor_ids,
                &corridor_names,
                &Some(cid.clone()),
                cx.problems,
                loc,
                &format!("disruptions[{}].corridors[{j}]", it.index),
                "corridor",
            ) {
                target_links.extend(
                    links
                        .iter()
                        .enumerate()
                        .filter(|(_, l)| l.corridor == c)
                        .map(|(i, _)| i),
                );
            }
        }
        target_links.sort_unstable();
        target_links.dedup();
        if d.links.is_none() && d.nodes.is_none() && d.corridors.is_none() {
            cx.problems.error(
                loc,
                k("links"),
                "a disruption needs a target: `links`, `nodes` or `corridors` (lists of ids)",
            );
        }
        let probability = cx.param(
            &d.annual_probability,
            loc,
            &k("annual_probability"),
            Range::Fraction,
        );
        if d.annual_probability.is_none() {
            cx.problems.error(loc, k("annual_probability"), "missing required key; give the chance it strikes in a given year, 0..1 (0.1 = once in ten years)");
        }
        let duration = match &d.duration_days {
            None => {
                cx.problems.error(loc, k("duration_days"), "missing required key; give how many days it lasts (a number or a distribution)");
                None
            }
            Some(Num::Fixed(v)) => match Range::Positive.check(*v) {
                Ok(()) => Some(crate::distributions::Dist::Uniform { min: *v, max: *v }),
                Err(msg) => {
                    cx.problems.error(loc, k("duration_days"), msg);
                    None
                }
            },
            Some(Num::Dist(raw)) => match build_dist(raw) {
                Ok(dist) if dist.support().0 < 0.0 => {
                    cx.problems.error(loc, k("duration_days"), "the duration distribution can be negative; add `min = 0` or use a lognormal");
                    None
                }
                Ok(dist) => Some(dist),
                Err(msg) => {
                    cx.problems.error(loc, k("duration_days"), msg);
                    None
                }
            },
        };
        let capacity_loss = cx_param_or(
            &mut cx,
            &d.capacity_loss,
            loc,
            &k("capacity_loss"),
            Range::Fraction,
            &Param::Fixed(1.0),
        );
        let added_dwell_h = cx_param_or(
            &mut cx,
            &d.added_dwell_h,
            loc,
            &k("added_dwell_h"),
            Range::NonNegative,
            &zero,
        );
        let mut max_days = 365.0;
        let mut season_start_day = 0.0;
        if let Some(months) = &d.season_months {
            const DAYS: [f64; 12] = [
                31.0, 28.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0,
            ];
            let mut seen = [false; 12];
            for &mo in months {
                if !(1..=12).contains(&mo) {
                    cx.problems.error(
                        loc,
                        k("season_months"),
                        format!("months are numbered 1 (January) to 12 (December), found {mo}"),
                    );
                } else {
                    seen[mo as usize - 1] = true;
                }
            }
            if months.is_empty() {
                cx.problems.error(loc, k("season_months"), "the season is empty; list its months, for example [11, 12] for November and December");
            }
            max_days = seen
                .iter()
                .zip(DAYS)
                .filter(|(s, _)| **s)
                .map(|(_, d)| d)
                .sum();
            if let Some(&first) = months.first().filter(|m| (1..=12).contains(*m)) {
                season_start_day = DAYS[..first as usize - 1].iter().sum();
            }
        }
        let first = d.first_year.or(first_year).unwrap_or(i32::MIN);
        let last = d.last_year.or(last_year).unwrap_or(i32::MAX);
        if first > last {
            cx.problems.error(
                loc,
                k("last_year"),
                format!("the disruption's years end ({last}) before they start ({first})"),
            );
        }
        if let (Some(p), Some(dur)) = (probability, duration) {
            disruptions.push(Disruption {
                id,
                links: target_links,
                nodes: target_nodes,
                annual_probability: p,
                duration_days: dur,
                capacity_loss,
                added_dwell_h,
                max_days,
                first_year: first,
                last_year: last,
                season_start_day,
            });
        }
    }

    let queues = queues::validate_queues(
        m,
        &mut cx,
        &queues::Refs {
            node_ids: &node_ids,
            node_names: &node_names,
            link_ids: &link_ids,
            link_names: &link_names,
            links: &links,
            disruptions: &disruptions,
        },
    );

    // Demand between places that no link ever connects.
    if !cx.problems.has_errors() {
        super::checks::unconnected_demand(&nodes, &links, &demand, &enabled_demand, cx.problems);
    }
    super::checks::settings_and_items(m, cx.problems);
    super::checks::unused_routes(m, cx.problems);

    let measures = super::measures::measures(m, &nodes, &links, cx.problems);
    let calibration =
        super::measures::calibration(m, &corridors, &nodes, &links, &demand, cx.problems);
    let n_draws = cx.n_draws;
    let draw_keys = std::mem::take(&mut cx.draw_keys);
    if cx.problems.has_errors() {
        return None;
    }
    Some(Scenario {
        name,
        title: s.title.clone().unwrap_or_default(),
        description: s.description.clone().unwrap_or_default(),
        first_year: first_year?,
        last_year: last_year?,
        base_year: base_year?,
        seed: s.seed.unwrap_or(1),
        replications,
        route_choice,
        corridors,
        nodes,
        links,
        demand,
        routes,
        events,
        disruptions,
        measures,
        calibration,
        queues,
        queue_trace_year,
        n_draws,
        draw_keys,
    })
}

/// `growth_per_year`: one rate, or a schedule `[{ until = Y, rate = g }, ..., { rate = g }]`
/// whose years rise and whose last step has no `until` (so every year has a rate).
/// Returns the first rate and the later steps.
fn growth_schedule(
    cx: &mut Ctx,
    raw: &Option<RawGrowth>,
    loc: &Location,
    k: &dyn Fn(&str) -> String,
    zero: &Param,
) -> (Param, Vec<GrowthStep>) {
    growth_schedule_of(cx, raw, loc, k, zero, "growth_per_year")
}

/// As `growth_schedule`, for the key `name` (a queue point's `capacity_growth_per_year`).
fn growth_schedule_of(
    cx: &mut Ctx,
    raw: &Option<RawGrowth>,
    loc: &Location,
    k: &dyn Fn(&str) -> String,
    zero: &Param,
    name: &str,
) -> (Param, Vec<GrowthStep>) {
    let key = k(name);
    let steps = match raw {
        None => return (zero.clone(), Vec::new()),
        Some(RawGrowth::Rate(n)) => {
            let p = cx_param_or(cx, &Some(n.clone()), loc, &key, Range::Growth, zero);
            return (p, Vec::new());
        }
        Some(RawGrowth::Schedule(steps)) => steps,
    };
    const EXAMPLE: &str = "[{ until = 2030, rate = 0.16 }, { rate = 0.05 }]";
    if steps.is_empty() {
        cx.problems.error(
            loc,
            &key,
            format!(
                "the growth schedule is empty; write one rate (0.05) or steps such as {EXAMPLE}"
            ),
        );
        return (zero.clone(), Vec::new());
    }
    let item = cx.item.clone();
    let mut first = zero.clone();
    let mut later = Vec::new();
    let mut prev_until: Option<i64> = None;
    for (j, step) in steps.iter().enumerate() {
        let last = j + 1 == steps.len();
        let step_key = format!("{key}[{j}]");
        // Each step's rate is its own draw: `demand.<id>.growth_per_year[j].rate`.
        cx.item = format!("{item}.{name}[{j}]");
        let rate = match &step.rate {
            Some(_) => cx.param(&step.rate, loc, &format!("{step_key}.rate"), Range::Growth),
            None => {
                cx.problems.error(
                    loc,
                    format!("{step_key}.rate"),
                    format!(
                        "step {} of the growth schedule has no `rate`; add one, as in {EXAMPLE}",
                        j + 1
                    ),
                );
                None
            }
        };
        cx.item = item.clone();
        match (step.until, last) {
            (Some(u), true) => cx.problems.error(
                loc,
                format!("{step_key}.until"),
                format!(
                    "the last step of the growth schedule ends in {u}, which leaves the years \
                     after it without a rate; drop its `until` or add a last step \
                     without one, as in {EXAMPLE}"
                ),
            ),
            (None, false) => cx.problems.error(
                loc,
                format!("{step_key}.until"),
                format!(
                    "step {} of the growth schedule has no `until`; only the last step \
                     may omit it (it runs to the end of the horizon), as in {EXAMPLE}",
                    j + 1
                ),
            ),
            (Some(u), false) => {
                if let Err(msg) = Range::Year.check(u as f64) {
                    cx.problems
                        .error(loc, format!("{step_key}.until"), format!("`until` {msg}"));
                } else if let Some(p) = prev_until.filter(|p| u <= *p) {
                    cx.problems.error(
                        loc,
                        format!("{step_key}.until"),
                        format!(
                            "the steps of a growth schedule must be in year \
                             order: `until = {u}` comes after `until = {p}`; sort the steps by year"
                        ),
                    );
                }
                prev_until = Some(u);
            }
            (None, true) => {}
        }
        let Some(rate) = rate else { continue };
        if j == 0 {
            first = rate;
        } else if let Some(after) = steps[j - 1].until {
            later.push(GrowthStep {
                after_year: after as i32,
                rate,
            });
        }
    }
    (first, later)
}

fn cx_param_or(
    cx: &mut Ctx,
    num: &Option<Num>,
    loc: &Location,
    key: &str,
    range: Range,
    default: &Param,
) -> Param {
    if num.is_none() {
        return default.clone();
    }
    cx.param(num, loc, key, range)
        .unwrap_or_else(|| default.clone())
}

/// A corridor's calibration constant (USD/t, any sign, default 0).
fn corridor_constant(
    c: &RawCorridor,
    loc: &Location,
    index: usize,
    problems: &mut Problems,
) -> f64 {
    match c.constant_usd_per_t {
        None => 0.0,
        Some(v) if v.is_finite() && v.abs() < 1e6 => v,
        Some(v) => {
            problems.error(
                loc,
                format!("corridors[{index}].constant_usd_per_t"),
                format!("must be a finite number of USD per tonne, found {v}"),
            );
            0.0
        }
    }
}

fn check_bpr(problems: &mut Problems, loc: &Location, key: &str, bpr: Bpr) {
    if !(bpr.alpha.is_finite() && bpr.alpha >= 0.0) {
        problems.error(
            loc,
            format!("{key}.alpha"),
            format!("the BPR alpha must be 0 or more, found {}", bpr.alpha),
        );
    }
    if !(bpr.beta.is_finite() && (0.0..=20.0).contains(&bpr.beta)) {
        problems.error(
            loc,
            format!("{key}.beta"),
            format!("the BPR beta must be between 0 and 20, found {}", bpr.beta),
        );
    }
}

/// A chart colour written `"#RRGGBB"` (hexadecimal, either case).
fn parse_color(text: &str) -> Result<[u8; 3], String> {
    let hex = text.strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "a colour is written \"#RRGGBB\": `#` and six hexadecimal digits, for example \"#0072B2\"; found \"{text}\""
        ));
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    Ok([byte(0), byte(2), byte(4)])
}
