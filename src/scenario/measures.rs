//! Validation of `[[measures]]` (named link and node sets compared with observed
//! counts) and of `[calibration]` (the constants `corridor calibrate` fits), kept apart
//! from `validate.rs` so that the measure feature plugs in with one call.

use std::collections::HashMap;

use super::merge::Merged;
use super::problem::Problems;
use super::suggest::did_you_mean;
use crate::model::*;

/// Days in a year, for units a day (trucks, wagons, TEU a day).
pub const DAYS_PER_YEAR: f64 = 365.0;

fn ids<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, n) in names.enumerate() {
        map.entry(n).or_insert(i);
    }
    map
}

/// The validated measures, in file order (disabled ones left out).
pub(super) fn measures(
    m: &Merged,
    nodes: &[Node],
    links: &[Link],
    problems: &mut Problems,
) -> Vec<Measure> {
    let node_ids = ids(nodes.iter().map(|n| n.id.as_str()));
    let link_ids = ids(links.iter().map(|l| l.id.as_str()));
    let node_names: Vec<&str> = nodes.iter().map(|n| n.id.as_str()).collect();
    let link_names: Vec<&str> = links.iter().map(|l| l.id.as_str()).collect();
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut out = Vec::new();
    for it in m.measures.iter().filter(|x| x.value.enabled != Some(false)) {
        let (r, loc) = (&it.value, &it.location);
        let k = |f: &str| format!("measures[{}].{f}", it.index);
        let Some(id) = r.id.clone().filter(|s| !s.trim().is_empty()) else {
            problems.error(
                loc,
                k("id"),
                "missing required key; give the measure an `id`",
            );
            continue;
        };
        if seen.insert(id.clone(), ()).is_some() {
            problems.error(loc, k("id"), format!("duplicate measure id `{id}`"));
        }
        let mut mlinks = Vec::new();
        for (j, entry) in r.links.iter().flatten().enumerate() {
            let (lid, dir) = match entry.rsplit_once(':') {
                Some((l, "forward")) => (l, Direction::Forward),
                Some((l, "reverse")) => (l, Direction::Reverse),
                Some((l, "both")) => (l, Direction::Both),
                Some((_, other)) => {
                    problems.error(
                        loc,
                        format!("measures[{}].links[{j}]", it.index),
                        format!(
                            "unknown direction `{other}`; write `link-id` (both directions), \
                             `link-id:forward` (from -> to) or `link-id:reverse` (to -> from)"
                        ),
                    );
                    continue;
                }
                None => (entry.as_str(), Direction::Both),
            };
            match link_ids.get(lid) {
                Some(&li) => {
                    if dir == Direction::Reverse && !links[li].two_way {
                        problems.error(
                            loc,
                            format!("measures[{}].links[{j}]", it.index),
                            format!("link `{lid}` is one-way; it has no reverse direction"),
                        );
                    }
                    mlinks.push((li, dir));
                }
                None => problems.error(
                    loc,
                    format!("measures[{}].links[{j}]", it.index),
                    format!(
                        "unknown link `{lid}`{}; name a link id, optionally with `:forward` or `:reverse`",
                        did_you_mean(lid, &link_names)
                    ),
                ),
            }
        }
        let mut mnodes = Vec::new();
        for (j, nid) in r.nodes.iter().flatten().enumerate() {
            match node_ids.get(nid.as_str()) {
                Some(&n) => mnodes.push(n),
                None => problems.error(
                    loc,
                    format!("measures[{}].nodes[{j}]", it.index),
                    format!("unknown node `{nid}`{}", did_you_mean(nid, &node_names)),
                ),
            }
        }
        if r.links.as_ref().is_none_or(Vec::is_empty) && r.nodes.as_ref().is_none_or(Vec::is_empty)
        {
            problems.error(
                loc,
                k("links"),
                "a measure needs `links` (link ids, optionally `:forward` or `:reverse`) or `nodes`",
            );
        }
        let unit = match (&r.unit, r.tonnes_per_unit) {
            (Some(u), Some(t)) if t.is_finite() && t > 0.0 => Some((u.clone(), t)),
            (Some(_), Some(t)) => {
                problems.error(
                    loc,
                    k("tonnes_per_unit"),
                    format!(
                        "must be greater than 0 (tonnes in one truck, wagon or TEU), found {t}"
                    ),
                );
                None
            }
            (Some(_), None) => {
                problems.error(
                    loc,
                    k("tonnes_per_unit"),
                    "missing; a measure with a `unit` needs `tonnes_per_unit` (for example 20 for a truck)",
                );
                None
            }
            (None, Some(_)) => {
                problems.error(
                    loc,
                    k("unit"),
                    "missing; name the unit that `tonnes_per_unit` converts (trucks, wagons, TEU)",
                );
                None
            }
            (None, None) => None,
        };
        let weight = r.weight.unwrap_or(1.0);
        if !(weight.is_finite() && weight >= 0.0) {
            problems.error(
                loc,
                k("weight"),
                format!("must be 0 or more (0 = shown, not fitted), found {weight}"),
            );
        }
        let mut observed: Vec<Observation> = Vec::new();
        for (j, o) in r.observed.iter().flatten().enumerate() {
            let key = |f: &str| format!("measures[{}].observed[{j}].{f}", it.index);
            let Some(year) = o.year else {
                problems.error(
                    loc,
                    key("year"),
                    "missing required key; give the year the figure refers to",
                );
                continue;
            };
            if !(1800..=2300).contains(&year) {
                problems.error(
                    loc,
                    key("year"),
                    format!("must be a year between 1800 and 2300, found {year}"),
                );
                continue;
            }
            let tonnes = match (o.tonnes, o.units_per_day, &unit) {
                (Some(t), None, _) => t,
                (None, Some(u), Some((_, tpu))) => u * tpu * DAYS_PER_YEAR,
                (None, Some(_), None) => {
                    problems.error(loc, key("units_per_day"), "the measure has no `unit` and `tonnes_per_unit`; give `tonnes` or add them");
                    continue;
                }
                (Some(_), Some(_), _) => {
                    problems.error(
                        loc,
                        key("units_per_day"),
                        "give either `tonnes` or `units_per_day`, not both",
                    );
                    continue;
                }
                (None, None, _) => {
                    problems.error(
                        loc,
                        key("tonnes"),
                        "missing; give the observed `tonnes` (a year) or `units_per_day`",
                    );
                    continue;
                }
            };
            if !(tonnes.is_finite() && tonnes > 0.0) {
                problems.error(
                    loc,
                    key("tonnes"),
                    format!("an observed figure must be greater than 0, found {tonnes}"),
                );
                continue;
            }
            if observed.iter().any(|x| x.year == year) {
                problems.error(
                    loc,
                    key("year"),
                    format!("a second observation for {year}; give one figure a year"),
                );
                continue;
            }
            observed.push(Observation {
                year,
                tonnes,
                source: o.source.clone().unwrap_or_default(),
                note: o.note.clone().unwrap_or_default(),
            });
        }
        observed.sort_by_key(|o| o.year);
        out.push(Measure {
            name: r.name.clone().unwrap_or_else(|| id.clone()),
            id,
            links: mlinks,
            nodes: mnodes,
            unit,
            weight,
            observed,
        });
    }
    out
}

/// The validated `[calibration]` table.
pub(super) fn calibration(
    m: &Merged,
    corridors: &[Corridor],
    nodes: &[Node],
    links: &[Link],
    demand: &[Demand],
    problems: &mut Problems,
) -> Calibration {
    let c = &m.calibration;
    let leaf = &m.leaf;
    let max_iterations = c.max_iterations.unwrap_or(30) as usize;
    if !(1..=1000).contains(&max_iterations) {
        problems.error(
            leaf,
            "calibration.max_iterations",
            format!("must be between 1 and 1000, found {max_iterations}"),
        );
    }
    if let Some(y) = c.year
        && !(1800..=2300).contains(&y)
    {
        problems.error(
            leaf,
            "calibration.year",
            format!("must be a year, found {y}"),
        );
    }
    let mut parameters = Vec::new();
    for (i, p) in c.parameters.iter().flatten().enumerate() {
        let k = |f: &str| format!("calibration.parameters[{i}].{f}");
        let Some(key) = &p.key else {
            problems.error(leaf, k("key"), "missing required key; name the constant, for example \"links.akhalkalaki-kartsakhi.time_h\"");
            continue;
        };
        let target = parse_target(key, corridors, nodes, links, demand);
        let target = match target {
            Ok(t) => t,
            Err(msg) => {
                problems.error(leaf, k("key"), msg);
                continue;
            }
        };
        let (Some(min), Some(max)) = (p.min, p.max) else {
            problems.error(
                leaf,
                k("min"),
                "missing bounds; give both `min` and `max` (the fit stays within them)",
            );
            continue;
        };
        let non_negative = !matches!(target, CalibrationTarget::CorridorConstant(_));
        if !(min.is_finite() && max.is_finite() && min < max) || (non_negative && min < 0.0) {
            problems.error(
                leaf,
                k("max"),
                format!(
                    "the bounds must be finite with min < max{}; found {min} and {max}",
                    if non_negative { " and min >= 0" } else { "" }
                ),
            );
            continue;
        }
        if parameters
            .iter()
            .any(|q: &CalibrationParameter| q.target == target)
        {
            problems.error(leaf, k("key"), format!("`{key}` is listed twice"));
            continue;
        }
        parameters.push(CalibrationParameter {
            key: key.clone(),
            target,
            min,
            max,
        });
    }
    Calibration {
        year: c.year,
        max_iterations,
        parameters,
    }
}

/// `links.<id>.time_h` and its siblings, resolved.
fn parse_target(
    key: &str,
    corridors: &[Corridor],
    nodes: &[Node],
    links: &[Link],
    demand: &[Demand],
) -> Result<CalibrationTarget, String> {
    const KEYS: [&str; 5] = [
        "corridors.<id>.constant_usd_per_t",
        "nodes.<id>.border_dwell_h",
        "links.<id>.tariff_usd_per_t",
        "links.<id>.time_h",
        "demand.<id>.tonnes_per_year",
    ];
    let usage = || format!("the constants that can be fitted are {}", KEYS.join(", "));
    let (section, rest) = key
        .split_once('.')
        .ok_or_else(|| format!("`{key}` is not a constant's key; {}", usage()))?;
    let (id, field) = rest
        .rsplit_once('.')
        .ok_or_else(|| format!("`{key}` is not a constant's key; {}", usage()))?;
    let find = |names: Vec<&str>, what: &str| -> Result<usize, String> {
        names
            .iter()
            .position(|n| *n == id)
            .ok_or_else(|| format!("unknown {what} `{id}`{}", did_you_mean(id, &names)))
    };
    match (section, field) {
        ("corridors", "constant_usd_per_t") => find(
            corridors.iter().map(|c| c.id.as_str()).collect(),
            "corridor",
        )
        .map(CalibrationTarget::CorridorConstant),
        ("nodes", "border_dwell_h") => {
            let n = find(nodes.iter().map(|c| c.id.as_str()).collect(), "node")?;
            if nodes[n].kind != NodeKind::Border {
                return Err(format!(
                    "node `{id}` is not of kind \"border\", so it has no border dwell"
                ));
            }
            Ok(CalibrationTarget::BorderDwell(n))
        }
        ("links", "tariff_usd_per_t") => {
            find(links.iter().map(|c| c.id.as_str()).collect(), "link")
                .map(CalibrationTarget::LinkTariff)
        }
        ("links", "time_h") => find(links.iter().map(|c| c.id.as_str()).collect(), "link")
            .map(CalibrationTarget::LinkTime),
        ("demand", "tonnes_per_year") => {
            find(demand.iter().map(|c| c.id.as_str()).collect(), "demand row")
                .map(CalibrationTarget::DemandTonnes)
        }
        _ => Err(format!("`{key}` cannot be fitted; {}", usage())),
    }
}
