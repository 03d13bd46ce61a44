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

/// What each measure of a scenario counts, found once: the arcs of its link
/// directions, in order, and for each of its nodes the arcs arriving there (in arc
/// order) and the flows starting there (in flow order).
#[derive(Debug, Clone, Default)]
pub struct Counted {
    measures: Vec<Terms>,
}

#[derive(Debug, Clone, Default)]
struct Terms {
    link_arcs: Vec<usize>,
    /// Per node: the arcs arriving, the flows starting.
    nodes: Vec<(Vec<usize>, Vec<usize>)>,
}

impl Counted {
    pub fn new(s: &Scenario, arcs: &Arcs) -> Counted {
        let terms = |m: &Measure| {
            let mut link_arcs = Vec::new();
            for &(link, dir) in &m.links {
                let (fwd, rev) = arcs.arc_of[link];
                if dir != Direction::Reverse {
                    link_arcs.push(fwd);
                }
                if dir != Direction::Forward
                    && let Some(r) = rev
                {
                    link_arcs.push(r);
                }
            }
            let nodes = m
                .nodes
                .iter()
                .map(|&n| {
                    let arriving = (0..arcs.arcs.len())
                        .filter(|&a| arcs.arcs[a].head == n)
                        .collect();
                    let starting = (0..s.demand.len())
                        .filter(|&d| s.demand[d].origin == n)
                        .collect();
                    (arriving, starting)
                })
                .collect();
            Terms { link_arcs, nodes }
        };
        Counted {
            measures: s.measures.iter().map(terms).collect(),
        }
    }

    /// Measure `i`'s tonnes from the tonnes on each arc and the served tonnes of each
    /// flow (column 1 of its row of `demand`, `figures::DEMAND_METRICS`): its link
    /// directions' tonnes one by one, then per node the sum of its arriving arcs' and
    /// the sum of its starting flows'.
    pub fn tonnes(&self, i: usize, arc_t: &[f64], demand: &[[f64; 5]]) -> f64 {
        let m = &self.measures[i];
        let mut t = 0.0;
        for &a in &m.link_arcs {
            t += arc_t[a];
        }
        for (arriving, starting) in &m.nodes {
            t += arriving.iter().map(|&a| arc_t[a]).sum::<f64>();
            t += starting.iter().map(|&d| demand[d][1]).sum::<f64>();
        }
        t
    }
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
    counted: &Counted,
    arc_t: &[f64],
    demand: &[[f64; 5]],
    year: i32,
    out: &mut Vec<[f64; 3]>,
) {
    out.clear();
    if s.measures.is_empty() {
        return;
    }
    out.extend(s.measures.iter().enumerate().map(|(i, m)| {
        let t = counted.tonnes(i, arc_t, demand);
        let diff = m.observed_in(year).map_or(f64::NAN, |o| t / o.tonnes - 1.0);
        [t, units_per_day(m, t), diff]
    }));
}

#[cfg(test)]
mod tests {
    use super::Counted;
    use crate::model::Direction;
    use crate::network::Arcs;

    /// Each measure's tonnes, to the bit, as the module documentation defines them,
    /// summed straight from the scenario (every arc and flow looked at) in the same
    /// order, on the shipped measures with drawn arc tonnes and served tonnes.
    #[test]
    fn counted_tonnes_follow_the_definition() {
        let loaded = crate::test_scenario::default_scenario();
        let s = &loaded;
        assert!(
            s.measures.iter().any(|m| !m.nodes.is_empty()),
            "a node measure"
        );
        assert!(
            s.measures.iter().any(|m| !m.links.is_empty()),
            "a link measure"
        );
        let arcs = Arcs::new(s);
        let counted = Counted::new(s, &arcs);
        let mut state = 7u64;
        for _ in 0..20 {
            let arc_t: Vec<f64> = arcs
                .arcs
                .iter()
                .map(|_| 1e6 * crate::test_rng::unit(&mut state))
                .collect();
            let demand: Vec<[f64; 5]> = s
                .demand
                .iter()
                .map(|_| [0.0, 1e6 * crate::test_rng::unit(&mut state), 0.0, 0.0, 0.0])
                .collect();
            for (i, m) in s.measures.iter().enumerate() {
                let mut t = 0.0;
                for &(link, dir) in &m.links {
                    for (a, arc) in arcs.arcs.iter().enumerate() {
                        let counts = match dir {
                            Direction::Forward => arc.forward,
                            Direction::Reverse => !arc.forward,
                            Direction::Both => true,
                        };
                        if arc.link == link && counts {
                            t += arc_t[a];
                        }
                    }
                }
                for &n in &m.nodes {
                    let arriving = arcs.arcs.iter().zip(&arc_t).filter(|(a, _)| a.head == n);
                    t += arriving.map(|(_, x)| x).sum::<f64>();
                    let starting = s.demand.iter().zip(&demand).filter(|(d, _)| d.origin == n);
                    t += starting.map(|(_, row)| row[1]).sum::<f64>();
                }
                let got = counted.tonnes(i, &arc_t, &demand);
                assert_eq!(got.to_bits(), t.to_bits(), "measure {}", m.id);
            }
        }
    }
}
