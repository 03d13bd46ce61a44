//! The country view of trade: for every pair of countries, the tonnes of one's trade
//! (flows that start or end in it) that transit the other; and each country's exposure
//! to chokepoints (named sets of links or corridors), base against policy.
//!
//! A route transits every country whose nodes it passes, other than the countries of
//! its origin and destination; a border node written `"GE/AM"` belongs to both.

use crate::appraisal::replication::Setup;
use crate::figures::{RouteInfo, YearFigures};

/// What a route (by global id) touches.
#[derive(Debug, Clone, Default)]
pub struct RouteMeta {
    /// Countries of the flow's two ends.
    pub ends: Vec<usize>,
    /// Countries passed in between.
    pub transit: Vec<usize>,
    /// Chokepoints (indices into `Appraisal::chokepoints`) the route uses.
    pub chokepoints: Vec<usize>,
}

/// Route metadata of both runs, grown as their route registries grow.
#[derive(Debug, Default)]
pub struct Metas {
    pub per: [Vec<RouteMeta>; 2],
}

impl Metas {
    /// Describes the routes of `info` (run `k`: 0 base, 1 policy) not described yet.
    pub fn extend(&mut self, setup: &Setup, k: usize, info: &[RouteInfo]) {
        let s = [setup.base, setup.policy][k];
        let have = self.per[k].len();
        for r in &info[have.min(info.len())..] {
            let d = &s.demand[r.demand];
            let mut ends = setup.node_countries[k][d.origin].clone();
            ends.extend(setup.node_countries[k][d.destination].iter().copied());
            ends.sort_unstable();
            ends.dedup();
            let mut transit = Vec::new();
            let mut chokepoints = Vec::new();
            for id in r.key.split('>') {
                let Some(l) = s.links.iter().position(|x| x.id == id) else {
                    continue;
                };
                let link = &s.links[l];
                for n in [link.from, link.to] {
                    for &c in &setup.node_countries[k][n] {
                        if !ends.contains(&c) && !transit.contains(&c) {
                            transit.push(c);
                        }
                    }
                }
                for (ci, cp) in setup.a.chokepoints.iter().enumerate() {
                    if !chokepoints.contains(&ci)
                        && (cp.links.contains(&link.id)
                            || cp.corridors.contains(&s.corridors[link.corridor].id))
                    {
                        chokepoints.push(ci);
                    }
                }
            }
            transit.sort_unstable();
            chokepoints.sort_unstable();
            self.per[k].push(RouteMeta {
                ends,
                transit,
                chokepoints,
            });
        }
    }
}

/// Size of one run-year's record: transit[A][B], then exposure[A][chokepoint], then
/// trade[A] (tonnes), for the countries before `world`.
pub fn record_len(setup: &Setup) -> usize {
    let nc = setup.countries.len() - 1;
    nc * nc + nc * setup.a.chokepoints.len() + nc
}

/// One run-year's record (see `record_len`).
pub fn record(setup: &Setup, metas: &Metas, k: usize, f: &YearFigures) -> Vec<f64> {
    let nc = setup.countries.len() - 1;
    let nk = setup.a.chokepoints.len();
    let mut out = vec![0.0; record_len(setup)];
    for r in &f.routes {
        let t = r.tonnes();
        if t <= 0.0 {
            continue;
        }
        let Some(m) = metas.per[k].get(r.gid()) else {
            continue;
        };
        for &a in m.ends.iter().filter(|a| **a < nc) {
            for &b in m.transit.iter().filter(|b| **b < nc) {
                out[a * nc + b] += t;
            }
            for &c in &m.chokepoints {
                out[nc * nc + a * nk + c] += t;
            }
            out[nc * nc + nc * nk + a] += t;
        }
    }
    out
}
