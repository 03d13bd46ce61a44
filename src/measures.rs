//! Measures: named sets of link directions and nodes whose tonnes are what reports and
//! statistics count (the Middle Corridor volume is the tonnes on the Kazakh crossings of
//! the Caspian, whatever corridor each route is attributed to), compared year by year
//! with observed figures.
//!
//! A measure's tonnes in a year = the sum of the tonnes on each of its link directions
//! (both directions unless `:forward` or `:reverse` is written) + for each of its nodes,
//! the tonnes passing it (every arc arriving at the node, plus the freight of the flows
//! that start there). A node measure therefore counts each tonne once, as a port or a
//! border post counts it; a link set counts a tonne once per link it uses.
//!
//! Units a day = tonnes / tonnes per unit / 365. The difference from an observation is
//! model / observed - 1.

use crate::model::{Direction, Measure, Scenario};
use crate::network::Arcs;
use crate::scenario::measures::DAYS_PER_YEAR;

/// A measure's tonnes from the tonnes on each arc and the served tonnes of each flow
/// (column 1 of its row of `demand`, `figures::DEMAND_METRICS`).
pub fn tonnes(s: &Scenario, m: &Measure, arcs: &Arcs, arc_t: &[f64], demand: &[[f64; 5]]) -> f64 {
    let mut t = 0.0;
    for &(link, dir) in &m.links {
        let (fwd, rev) = arcs.arc_of[link];
        if dir != Direction::Reverse {
            t += arc_t[fwd];
        }
        if dir != Direction::Forward
            && let Some(r) = rev
        {
            t += arc_t[r];
        }
    }
    for &n in &m.nodes {
        t += arcs
            .arcs
            .iter()
            .zip(arc_t)
            .filter(|(a, _)| a.head == n)
            .map(|(_, x)| x)
            .sum::<f64>();
        t += s
            .demand
            .iter()
            .zip(demand)
            .filter(|(d, _)| d.origin == n)
            .map(|(_, row)| row[1])
            .sum::<f64>();
    }
    t
}

/// Units a day for `tonnes` a year, or NaN for a measure without a unit.
pub fn units_per_day(m: &Measure, tonnes: f64) -> f64 {
    match &m.unit {
        Some((_, tpu)) => tonnes / tpu / DAYS_PER_YEAR,
        None => f64::NAN,
    }
}

/// The measures' figures of one year (`figures::MEASURE_METRICS`), from the year's
/// tonnes per arc and its demand rows (`figures::DEMAND_METRICS`: served is column 1),
/// into `out` (emptied first).
pub fn year_figures_into(
    s: &Scenario,
    arcs: &Arcs,
    arc_t: &[f64],
    demand: &[[f64; 5]],
    year: i32,
    out: &mut Vec<[f64; 3]>,
) {
    out.clear();
    if s.measures.is_empty() {
        return;
    }
    out.extend(s.measures.iter().map(|m| {
        let t = tonnes(s, m, arcs, arc_t, demand);
        let diff = m.observed_in(year).map_or(f64::NAN, |o| t / o.tonnes - 1.0);
        [t, units_per_day(m, t), diff]
    }));
}
