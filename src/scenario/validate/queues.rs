//! Validation of `[[queues]]`: a queue point's place (node or link), service capacity,
//! service pattern, seasonality and randomness, each problem located at its file, line
//! and key with the fix. Kept beside `validate.rs` (a child module, so it shares its
//! parameter machinery) to keep that file's hook small.

use std::collections::HashMap;

use super::{Ctx, Range, resolve};
use crate::model::{Disruption, Link, Mode, QueueAt, QueuePoint, ServicePattern};
use crate::scenario::merge::Merged;

/// What a queue point may refer to.
pub(super) struct Refs<'a> {
    pub node_ids: &'a HashMap<String, usize>,
    pub node_names: &'a [&'a str],
    pub link_ids: &'a HashMap<String, usize>,
    pub link_names: &'a [&'a str],
    pub links: &'a [Link],
    pub disruptions: &'a [Disruption],
}

/// Days of each month (a 365-day year).
pub const MONTH_DAYS: [f64; 12] = [
    31.0, 28.0, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0,
];

pub(super) fn validate_queues(m: &Merged, cx: &mut Ctx, r: &Refs) -> Vec<QueuePoint> {
    let mut out = Vec::new();
    for it in m.queues.iter().filter(|q| q.value.enabled != Some(false)) {
        let (q, loc) = (&it.value, &it.location);
        let k = |f: &str| format!("queues[{}].{f}", it.index);
        let id =
            q.id.clone()
                .unwrap_or_else(|| format!("queue-{}", it.index));
        cx.item = format!("queues.{id}");
        let mode = match q.mode.as_deref() {
            None => None,
            Some(text) => match Mode::parse(text) {
                Some(mo) => Some(mo),
                None => {
                    cx.problems.error(
                        loc,
                        k("mode"),
                        format!("unknown mode `{text}`; use one of rail, road, ferry, sea"),
                    );
                    None
                }
            },
        };
        let at = match (&q.node, &q.link) {
            (Some(_), Some(_)) | (None, None) => {
                cx.problems.error(
                    loc,
                    k("node"),
                    "a queue point sits at exactly one place: give `node = \"id\"` (a border \
                     or port) or `link = \"id\"` (a ferry or any capacity-limited link), not both",
                );
                None
            }
            (Some(_), None) => resolve(
                r.node_ids,
                r.node_names,
                &q.node,
                cx.problems,
                loc,
                &k("node"),
                "node",
            )
            .map(|node| QueueAt::Node { node, mode }),
            (None, Some(_)) => resolve(
                r.link_ids,
                r.link_names,
                &q.link,
                cx.problems,
                loc,
                &k("link"),
                "link",
            )
            .map(QueueAt::Link),
        };
        let capacity = cx.param(
            &q.capacity_per_day,
            loc,
            &k("capacity_per_day"),
            Range::Positive,
        );
        let (capacity_growth, capacity_growth_later) = super::growth_schedule_of(
            cx,
            &q.capacity_growth_per_year,
            loc,
            &k,
            &crate::scenario::num::Param::Fixed(0.0),
            "capacity_growth_per_year",
        );
        if q.capacity_per_day.is_none() {
            cx.problems.error(
                loc,
                k("capacity_per_day"),
                "missing required key; give the units served per day (trucks, wagons, or \
                 tonnes when `tonnes_per_unit` is 1), for example capacity_per_day = 1000",
            );
        }
        let positive = |problems: &mut crate::scenario::problem::Problems,
                        v: Option<f64>,
                        key: &str,
                        default: f64,
                        zero_ok: bool|
         -> f64 {
            let v = v.unwrap_or(default);
            let ok = v.is_finite() && if zero_ok { v >= 0.0 } else { v > 0.0 };
            if !ok {
                let need = if zero_ok {
                    "0 or more"
                } else {
                    "greater than 0"
                };
                problems.error(
                    loc,
                    k(key),
                    format!("must be a finite number {need}, found {v}"),
                );
            }
            v
        };
        let tonnes_per_unit = positive(
            cx.problems,
            q.tonnes_per_unit,
            "tonnes_per_unit",
            1.0,
            false,
        );
        let dispersion = positive(cx.problems, q.dispersion, "dispersion", 1.0, true);
        let background = positive(
            cx.problems,
            q.background_per_day,
            "background_per_day",
            0.0,
            true,
        );
        if dispersion > 0.0 && dispersion < 1.0 {
            cx.problems.error(
                loc,
                k("dispersion"),
                format!(
                    "is the variance / mean of daily arrivals: 0 (steady), 1 (Poisson) or more \
                     (over-dispersed); found {dispersion}"
                ),
            );
        }
        let pattern = match q.service.as_deref().unwrap_or("steady") {
            "steady" => ServicePattern::Steady,
            "when_full" => {
                if q.vessel_units.is_none() {
                    cx.problems.error(
                        loc,
                        k("vessel_units"),
                        "a service that leaves when full needs the vessel's size in units, \
                         for example vessel_units = 54 (railcars)",
                    );
                }
                ServicePattern::WhenFull {
                    vessel_units: positive(cx.problems, q.vessel_units, "vessel_units", 1.0, false),
                    max_headway_days: positive(
                        cx.problems,
                        q.max_headway_days,
                        "max_headway_days",
                        f64::INFINITY,
                        false,
                    )
                    .max(1.0),
                }
            }
            other => {
                cx.problems.error(
                    loc,
                    k("service"),
                    format!("unknown service `{other}`; use \"steady\" or \"when_full\""),
                );
                ServicePattern::Steady
            }
        };
        let mut seasonality = [1.0; 12];
        if let Some(f) = &q.seasonality {
            if f.len() != 12 || f.iter().any(|v| !v.is_finite() || *v < 0.0) {
                cx.problems.error(
                    loc,
                    k("seasonality"),
                    format!(
                        "give 12 monthly arrival factors of 0 or more (January first), found {} values",
                        f.len()
                    ),
                );
            } else {
                let mean: f64 = f.iter().zip(MONTH_DAYS).map(|(v, d)| v * d).sum::<f64>() / 365.0;
                if mean <= 0.0 {
                    cx.problems
                        .error(loc, k("seasonality"), "the factors are all 0");
                } else {
                    for (o, v) in seasonality.iter_mut().zip(f) {
                        *o = v / mean;
                    }
                }
            }
        }
        let threshold_units = q.threshold_units.unwrap_or(f64::NAN);
        if q.threshold_units.is_some() && !(threshold_units >= 0.0 && threshold_units.is_finite()) {
            cx.problems.error(
                loc,
                k("threshold_units"),
                format!("must be a finite number 0 or more, found {threshold_units}"),
            );
        }
        let servers = q.servers.unwrap_or(0);
        if servers > 1000 {
            cx.problems.error(
                loc,
                k("servers"),
                format!("at most 1000 parallel servers (lanes, booths), found {servers}"),
            );
        }
        let (Some(at), Some(capacity)) = (at, capacity) else {
            continue;
        };
        let disruptions = r
            .disruptions
            .iter()
            .enumerate()
            .filter(|(_, d)| match at {
                QueueAt::Link(l) => d.links.contains(&l),
                QueueAt::Node { node, mode } => {
                    d.nodes.contains(&node)
                        || d.links.iter().any(|&l| {
                            let link = &r.links[l];
                            (link.from == node || link.to == node)
                                && mode.is_none_or(|mo| mo == link.mode)
                        })
                }
            })
            .map(|(i, _)| i)
            .collect();
        out.push(QueuePoint {
            name: q.name.clone().unwrap_or_else(|| id.clone()),
            id,
            at,
            capacity_units_per_day: capacity,
            tonnes_per_unit,
            unit: q.unit.clone().unwrap_or_else(|| {
                if tonnes_per_unit == 1.0 {
                    "tonne".into()
                } else {
                    "unit".into()
                }
            }),
            pattern,
            seasonality,
            dispersion,
            threshold_units,
            servers,
            background_units_per_day: background,
            disruptions,
            capacity_growth_per_year: capacity_growth,
            capacity_growth_later,
        });
    }
    out
}
