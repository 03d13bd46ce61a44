//! Checks of meaning beyond the per-key ones of `validate.rs`: references across items,
//! values that are legal but suspicious (warnings), and demand that no route can carry.
//! Kept apart from `validate.rs` so that each check is one function.

use std::collections::{HashMap, HashSet};

use super::merge::{Item, Merged};
use super::num::{Num, build_dist};
use super::problem::{Location, Problems};
use super::raw::RawDemand;
use crate::model::{Demand, Link, Node};

/// The value a numeric input has in a replication without uncertainty: the number, or
/// the median of its distribution (`None` when absent or invalid, which is reported
/// elsewhere).
fn nominal(num: &Option<Num>) -> Option<f64> {
    match num.as_ref()? {
        Num::Fixed(v) => Some(*v),
        Num::Dist(raw) => build_dist(raw).ok().map(|d| d.median()),
    }
}

/// ` (did you mean `rail`?)` for a misspelt mode or a common other word for one.
pub fn mode_hint(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let synonym = match lower.as_str() {
        "train" | "railway" | "railroad" | "rails" => Some("rail"),
        "truck" | "lorry" | "trucking" | "highway" | "motorway" | "roads" => Some("road"),
        "ship" | "shipping" | "maritime" | "ocean" | "vessel" => Some("sea"),
        "roro" | "ro-ro" | "boat" | "ferries" => Some("ferry"),
        _ => None,
    };
    match synonym {
        Some(m) => format!(" (did you mean `{m}`?)"),
        None => super::suggest::did_you_mean(s, &crate::model::Mode::NAMES),
    }
}

/// Whether a node's coordinates are usable for distances (errors are reported elsewhere).
pub fn coords_ok(n: &Node) -> bool {
    (-90.0..=90.0).contains(&n.lat) && (-180.0..=180.0).contains(&n.lon)
}

/// A link's own BPR parameters, when it sets them (the defaults are checked once, under
/// `[congestion]`).
pub fn link_bpr(
    problems: &mut Problems,
    loc: &Location,
    index: usize,
    alpha: Option<f64>,
    beta: Option<f64>,
) {
    if let Some(a) = alpha
        && !(a.is_finite() && a >= 0.0)
    {
        problems.error(
            loc,
            format!("links[{index}].bpr_alpha"),
            format!("the BPR alpha must be 0 or more, found {a}"),
        );
    }
    if let Some(b) = beta
        && !(b.is_finite() && (0.0..=20.0).contains(&b))
    {
        problems.error(
            loc,
            format!("links[{index}].bpr_beta"),
            format!("the BPR beta must be between 0 and 20, found {b}"),
        );
    }
}

/// Checks on the merged file that need no resolved indices.
pub fn settings_and_items(m: &Merged, problems: &mut Problems) {
    let leaf = &m.leaf;
    let s = &m.settings;
    if let Some(b) = s.base_year
        && !(1800..=2300).contains(&b)
    {
        problems.error(
            leaf,
            "scenario.base_year",
            format!("must be a whole year between 1800 and 2300, found {b}"),
        );
    }
    if let Some(name) = &s.name {
        let folder = crate::folder_name::safe_dir_name(name);
        if name.contains(['/', '\\']) || name.contains("..") || name.starts_with('.') {
            problems.warning(
                leaf,
                "scenario.name",
                format!(
                    "the name is used as a folder name, and path characters are replaced: \
                     results go to `{folder}` inside the output folder"
                ),
            );
        }
    }
    if m.demand.iter().all(|d| d.value.enabled == Some(false)) {
        problems.warning(
            leaf,
            "demand",
            "the scenario has no enabled [[demand]] rows, so no freight moves; add \
             [[demand]] rows with origin, destination and tonnes_per_year",
        );
    }
    duplicate_ids(&m.routes, |r| r.id.as_deref(), "routes", problems);
    duplicate_ids(&m.events, |e| e.id.as_deref(), "events", problems);
    duplicate_ids(&m.disruptions, |d| d.id.as_deref(), "disruptions", problems);
    duplicate_ids(&m.queues, |q| q.id.as_deref(), "queues", problems);
    horizon_warnings(m, problems);
    unit_warnings(m, problems);
}

/// Items of sections that are not indexed by id elsewhere must still have distinct ids.
fn duplicate_ids<T>(
    items: &[Item<T>],
    id: impl Fn(&T) -> Option<&str>,
    section: &str,
    problems: &mut Problems,
) {
    let mut seen: HashMap<&str, &Location> = HashMap::new();
    for it in items {
        if let Some(i) = id(&it.value) {
            if let Some(first) = seen.get(i) {
                problems.error(
                    &it.location,
                    format!("{section}[{}].id", it.index),
                    format!(
                        "duplicate id `{i}` (first used at {first}); give each of the \
                         [[{section}]] a distinct `id`"
                    ),
                );
            } else {
                seen.insert(i, &it.location);
            }
        }
    }
}

/// Events dated after the horizon never take effect.
fn horizon_warnings(m: &Merged, problems: &mut Problems) {
    let Some(last) = m.settings.last_year.map(f64::from) else {
        return;
    };
    for it in &m.events {
        if let Some(y) = nominal(&it.value.year)
            && y > last
        {
            problems.warning(
                &it.location,
                format!("events[{}].year", it.index),
                format!(
                    "the event is dated {y}, after the horizon ends ({last}), so it never \
                     takes effect"
                ),
            );
        }
    }
    // Links that open after the horizon are not flagged: `open_from = 2100` is the
    // usual way to keep a planned link closed in a baseline scenario.
}

/// Values off by a unit: a growth rate written in percent, tonnes in thousands, a
/// running time in minutes, coordinates left at 0, 0.
fn unit_warnings(m: &Merged, problems: &mut Problems) {
    for it in &m.demand {
        let d = &it.value;
        let k = |f: &str| format!("demand[{}].{f}", it.index);
        let rates = d.growth_per_year.as_ref().map_or(Vec::new(), |g| g.rates());
        if let Some(g) = rates
            .into_iter()
            .filter_map(|n| nominal(&Some(n.clone())))
            .find(|g| *g > 0.5 && *g < 10.0)
        {
            problems.warning(
                &it.location,
                k("growth_per_year"),
                format!(
                    "{g} means {:.0}% growth a year; growth is a fraction (0.05 = 5%/yr), \
                     did you mean {}?",
                    g * 100.0,
                    g / 100.0
                ),
            );
        }
        if let Some(t) = nominal(&d.tonnes_per_year)
            && t > 1e10
        {
            problems.warning(
                &it.location,
                k("tonnes_per_year"),
                format!(
                    "{t} tonnes a year is more than all the world's seaborne trade; check \
                     the unit (tonnes per year, not kg)"
                ),
            );
        }
        if let Some(v) = nominal(&d.value_of_time_usd_per_t_h)
            && v > 1000.0
        {
            problems.warning(
                &it.location,
                k("value_of_time_usd_per_t_h"),
                format!(
                    "{v} US$ per tonne-hour is far above freight values of time (about 0.1 to \
                     10); check the unit (per tonne and per hour)"
                ),
            );
        }
    }
    for it in &m.nodes {
        if it.value.lat == Some(0.0) && it.value.lon == Some(0.0) {
            problems.warning(
                &it.location,
                format!("nodes[{}].lat", it.index),
                "the node is at latitude 0, longitude 0 (in the Gulf of Guinea); were its \
                 coordinates left out?",
            );
        }
    }
    for it in &m.links {
        let l = &it.value;
        if l.enabled == Some(false) {
            continue;
        }
        if let (Some(len), Some(t)) = (nominal(&l.length_km), nominal(&l.time_h))
            && t > 0.0
            && len / t > 1000.0
        {
            problems.warning(
                &it.location,
                format!("links[{}].time_h", it.index),
                format!(
                    "{len} km in {t} h is {:.0} km/h; `time_h` is in hours (write 90 minutes \
                     as 1.5)",
                    len / t
                ),
            );
        }
    }
}

/// Explicit routes for a pair that no demand row travels are never used.
pub fn unused_routes(m: &Merged, problems: &mut Problems) {
    let pairs: HashSet<(&str, &str)> = m
        .demand
        .iter()
        .filter(|d| d.value.enabled != Some(false))
        .filter_map(|d| Some((d.value.origin.as_deref()?, d.value.destination.as_deref()?)))
        .collect();
    for it in &m.routes {
        let r = &it.value;
        if let (Some(o), Some(d)) = (r.origin.as_deref(), r.destination.as_deref())
            && !pairs.contains(&(o, d))
        {
            problems.warning(
                &it.location,
                format!("routes[{}]", it.index),
                format!("no [[demand]] row goes from `{o}` to `{d}`, so this route is never used"),
            );
        }
    }
}

/// Origins searched one by one for one-way links; past this many, only the undirected
/// test is made (it is exact when every link is two-way).
const MAX_DIRECTED_SEARCHES: usize = 2_000;

/// Demand between places that no link, open in any year, connects.
pub fn unconnected_demand(
    nodes: &[Node],
    links: &[Link],
    demand: &[Demand],
    items: &[&Item<RawDemand>],
    problems: &mut Problems,
) {
    // Undirected components by union-find: different components are never connected.
    let mut parent: Vec<usize> = (0..nodes.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for l in links {
        if l.from >= nodes.len() || l.to >= nodes.len() {
            return;
        }
        let (a, b) = (root(&mut parent, l.from), root(&mut parent, l.to));
        parent[a] = b;
        out[l.from].push(l.to);
        if l.two_way {
            out[l.to].push(l.from);
        }
    }
    let directed = links.iter().any(|l| !l.two_way);
    let mut reach_of: HashMap<usize, Vec<bool>> = HashMap::new();
    for (d, it) in demand.iter().zip(items.iter()) {
        if d.origin >= nodes.len() || d.destination >= nodes.len() {
            continue;
        }
        let mut connected = root(&mut parent, d.origin) == root(&mut parent, d.destination);
        if connected && directed {
            if !reach_of.contains_key(&d.origin) && reach_of.len() < MAX_DIRECTED_SEARCHES {
                let mut seen = vec![false; nodes.len()];
                let mut stack = vec![d.origin];
                seen[d.origin] = true;
                while let Some(n) = stack.pop() {
                    for &x in &out[n] {
                        if !seen[x] {
                            seen[x] = true;
                            stack.push(x);
                        }
                    }
                }
                reach_of.insert(d.origin, seen);
            }
            if let Some(seen) = reach_of.get(&d.origin) {
                connected = seen[d.destination];
            }
        }
        if !connected {
            problems.error(
                &it.location,
                format!("demand[{}]", it.index),
                format!(
                    "no link ever connects `{}` to `{}`{}; add links between them or remove \
                     this flow",
                    nodes[d.origin].id,
                    nodes[d.destination].id,
                    if directed {
                        " (one-way links, `two_way = false`, count in their direction only)"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
}
