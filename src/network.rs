//! The network as the simulation sees it: directed arcs over dense indices, one
//! replication's concrete input values (`Instance`), and the state of one year.

use crate::model::{EventAction, Mode, NodeKind, Running, Scenario};

/// A direction of travel over a link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arc {
    pub link: usize,
    /// `true` when travelled from the link's `from` to its `to`.
    pub forward: bool,
    pub tail: usize,
    pub head: usize,
    pub mode: Mode,
}

/// The arcs of a scenario and, per node, the arcs leaving it.
#[derive(Debug, Clone)]
pub struct Arcs {
    pub arcs: Vec<Arc>,
    pub out: Vec<Vec<usize>>,
    /// `arc_of[link]` = (forward arc, reverse arc if two-way).
    pub arc_of: Vec<(usize, Option<usize>)>,
}

impl Arcs {
    pub fn new(s: &Scenario) -> Arcs {
        let mut arcs = Vec::with_capacity(s.links.len() * 2);
        let mut out = vec![Vec::new(); s.nodes.len()];
        let mut arc_of = Vec::with_capacity(s.links.len());
        for (i, l) in s.links.iter().enumerate() {
            let fwd = arcs.len();
            arcs.push(Arc {
                link: i,
                forward: true,
                tail: l.from,
                head: l.to,
                mode: l.mode,
            });
            out[l.from].push(fwd);
            let rev = l.two_way.then(|| {
                arcs.push(Arc {
                    link: i,
                    forward: false,
                    tail: l.to,
                    head: l.from,
                    mode: l.mode,
                });
                out[l.to].push(fwd + 1);
                fwd + 1
            });
            arc_of.push((fwd, rev));
        }
        Arcs { arcs, out, arc_of }
    }

    pub fn arc_for(&self, link: usize, forward: bool) -> Option<usize> {
        let (f, r) = self.arc_of[link];
        if forward { Some(f) } else { r }
    }
}

/// Node costs in one replication: hours and USD per tonne.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NodeValues {
    pub border_h: f64,
    pub border_usd: f64,
    pub transship_h: f64,
    pub transship_usd: f64,
    pub gauge_h: f64,
    pub gauge_usd: f64,
    pub port_h: f64,
    pub port_usd: f64,
}

impl NodeValues {
    /// Every value, in the order of the fields.
    pub fn values(&self) -> [f64; 8] {
        [
            self.border_h,
            self.border_usd,
            self.transship_h,
            self.transship_usd,
            self.gauge_h,
            self.gauge_usd,
            self.port_h,
            self.port_usd,
        ]
    }
}

/// Link values that events can change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkValues {
    pub length_km: f64,
    /// Free-flow running time, hours.
    pub t0_h: f64,
    pub capacity_tpy: f64,
    pub tariff_usd_per_t: f64,
    pub tariff_usd_per_tkm: f64,
}

impl LinkValues {
    /// The link charge per tonne.
    pub fn charge_usd_per_t(&self) -> f64 {
        self.tariff_usd_per_t + self.tariff_usd_per_tkm * self.length_km
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventValues {
    /// Position in `Scenario::events`.
    pub index: usize,
    pub year: i32,
    pub link: usize,
    pub action: EventAction,
    pub capacity_tpy: Option<f64>,
    pub tariff_usd_per_t: Option<f64>,
    pub tariff_usd_per_tkm: Option<f64>,
    pub speed_kmh: Option<f64>,
    pub time_h: Option<f64>,
}

/// One replication's concrete inputs: every `Param` evaluated once.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub nodes: Vec<NodeValues>,
    pub links: Vec<LinkValues>,
    pub open_from: Vec<i32>,
    pub open_until: Vec<i32>,
    pub demand_base_t: Vec<f64>,
    pub demand_growth: Vec<f64>,
    /// The later steps of each row's growth schedule: (after year, rate).
    pub demand_growth_later: Vec<Vec<(i32, f64)>>,
    pub vot_usd_per_t_h: Vec<f64>,
    /// Elasticity of each row's tonnes to its composite cost (0: fixed demand).
    pub elasticity: Vec<f64>,
    /// Sorted by year, declaration order within a year.
    pub events: Vec<EventValues>,
}

fn year_of(v: f64) -> i32 {
    v.round() as i32
}

impl Instance {
    /// Evaluates the scenario for `uniforms` (one per draw), or at nominal values.
    pub fn new(s: &Scenario, uniforms: Option<&[f64]>) -> Instance {
        let v = |p: &crate::scenario::num::Param| p.value(uniforms);
        let nodes = s
            .nodes
            .iter()
            .map(|n| {
                let c = &n.costs;
                let border = n.kind == NodeKind::Border;
                NodeValues {
                    border_h: if border { v(&c.border_dwell_h) } else { 0.0 },
                    border_usd: if border {
                        v(&c.border_fee_usd_per_t)
                    } else {
                        0.0
                    },
                    transship_h: v(&c.transshipment_h),
                    transship_usd: v(&c.transshipment_usd_per_t),
                    gauge_h: v(&c.gauge_change_h),
                    gauge_usd: v(&c.gauge_change_usd_per_t),
                    port_h: v(&c.port_handling_h),
                    port_usd: v(&c.port_handling_usd_per_t),
                }
            })
            .collect();
        let links = s
            .links
            .iter()
            .map(|l| {
                let length_km = v(&l.length_km);
                LinkValues {
                    length_km,
                    t0_h: match &l.running {
                        Running::SpeedKmh(p) => length_km / v(p),
                        Running::FixedH(p) => v(p),
                    },
                    capacity_tpy: v(&l.capacity_tpy),
                    tariff_usd_per_t: v(&l.tariff_usd_per_t),
                    tariff_usd_per_tkm: v(&l.tariff_usd_per_tkm),
                }
            })
            .collect();
        let mut events: Vec<EventValues> = s
            .events
            .iter()
            .enumerate()
            .map(|(index, e)| EventValues {
                index,
                year: year_of(v(&e.year)),
                link: e.link,
                action: e.action,
                capacity_tpy: e.capacity_tpy.as_ref().map(v),
                tariff_usd_per_t: e.tariff_usd_per_t.as_ref().map(v),
                tariff_usd_per_tkm: e.tariff_usd_per_tkm.as_ref().map(v),
                speed_kmh: e.speed_kmh.as_ref().map(v),
                time_h: e.time_h.as_ref().map(v),
            })
            .collect();
        events.sort_by_key(|e| e.year);
        Instance {
            nodes,
            links,
            open_from: s
                .links
                .iter()
                .map(|l| l.open_from.as_ref().map_or(i32::MIN, |p| year_of(v(p))))
                .collect(),
            open_until: s
                .links
                .iter()
                .map(|l| l.open_until.as_ref().map_or(i32::MAX, |p| year_of(v(p))))
                .collect(),
            demand_base_t: s.demand.iter().map(|d| v(&d.tonnes_per_year)).collect(),
            demand_growth: s.demand.iter().map(|d| v(&d.growth_per_year)).collect(),
            demand_growth_later: s
                .demand
                .iter()
                .map(|d| {
                    d.growth_later
                        .iter()
                        .map(|g| (g.after_year, v(&g.rate)))
                        .collect()
                })
                .collect(),
            vot_usd_per_t_h: s
                .demand
                .iter()
                .map(|d| v(&d.value_of_time_usd_per_t_h))
                .collect(),
            elasticity: s.demand.iter().map(|d| v(&d.elasticity)).collect(),
            events,
        }
    }

    /// Tonnes of demand row `d` in `year`, grown from the base year (before any
    /// response to cost: the fixed demand).
    pub fn demand_t(&self, d: usize, base_year: i32, year: i32) -> f64 {
        self.demand_base_t[d]
            * growth_factor(
                self.demand_growth[d],
                &self.demand_growth_later[d],
                base_year,
                year,
            )
    }

    /// Which events (by position in `Scenario::events`) have happened by `year`.
    pub fn active_events(&self, year: i32) -> Vec<bool> {
        let mut active = Vec::new();
        self.active_events_into(year, &mut active);
        active
    }

    /// As `active_events`, into a reused buffer.
    pub fn active_events_into(&self, year: i32, active: &mut Vec<bool>) {
        active.clear();
        active.resize(self.events.len(), false);
        for e in self.events.iter().take_while(|e| e.year <= year) {
            active[e.index] = true;
        }
    }

    /// These values with the given events applied (in their year order), whatever
    /// their years: the nominal network that a replication's candidate routes are
    /// built on.
    pub fn with_events(&self, active: &[bool]) -> Instance {
        let mut out = self.clone();
        for e in self.events.iter().filter(|e| active[e.index]) {
            e.apply(&mut out.links[e.link]);
        }
        out
    }

    /// The network in `year`: which links are open and their values after events.
    pub fn year_state(&self, year: i32) -> YearState {
        let mut state = YearState {
            open: Vec::new(),
            links: Vec::new(),
        };
        self.year_state_into(year, &mut state);
        state
    }

    /// As `year_state`, into a reused buffer.
    pub fn year_state_into(&self, year: i32, state: &mut YearState) {
        let YearState { open, links } = state;
        open.clear();
        open.extend(
            (0..self.links.len()).map(|i| self.open_from[i] <= year && year <= self.open_until[i]),
        );
        links.clone_from(&self.links);
        for e in self.events.iter().take_while(|e| e.year <= year) {
            match e.action {
                EventAction::Open => open[e.link] = true,
                EventAction::Close => open[e.link] = false,
                EventAction::Change => {}
            }
            e.apply(&mut links[e.link]);
        }
    }
}

/// How much a flow grows from `base_year` to `year` (shrinks, for a year before it):
/// the product of (1 + rate) over the years stepped into, each year taking the rate of
/// its schedule step. `first` runs up to and including `later[0].0`, `later[k].1` from
/// the year after `later[k].0` up to and including `later[k + 1].0`, the last to the end.
/// A single rate gives (1 + first)^(year - base_year), computed exactly as before
/// schedules existed.
pub fn growth_factor(first: f64, later: &[(i32, f64)], base_year: i32, year: i32) -> f64 {
    if later.is_empty() {
        return (1.0 + first).powi(year - base_year);
    }
    // Years stepped into that lie in (lo, hi]: |(a, b] ∩ (lo, hi]|.
    let overlap = |a: i32, b: i32, lo: i32, hi: i32| (b.min(hi) - a.max(lo)).max(0);
    let mut factor = 1.0;
    let (mut lo, mut rate) = (i32::MIN, first);
    for k in 0..=later.len() {
        let hi = later.get(k).map_or(i32::MAX, |s| s.0);
        let n = if year >= base_year {
            overlap(base_year, year, lo, hi)
        } else {
            -overlap(year, base_year, lo, hi)
        };
        if n != 0 {
            factor *= (1.0 + rate).powi(n);
        }
        if let Some(&(after, r)) = later.get(k) {
            (lo, rate) = (after, r);
        }
    }
    factor
}

impl EventValues {
    /// Sets the link values this event changes.
    fn apply(&self, l: &mut LinkValues) {
        if let Some(c) = self.capacity_tpy {
            l.capacity_tpy = c;
        }
        if let Some(t) = self.tariff_usd_per_t {
            l.tariff_usd_per_t = t;
        }
        if let Some(t) = self.tariff_usd_per_tkm {
            l.tariff_usd_per_tkm = t;
        }
        if let Some(s) = self.speed_kmh {
            l.t0_h = l.length_km / s;
        }
        if let Some(t) = self.time_h {
            l.t0_h = t;
        }
    }
}

/// The network of one year.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearState {
    pub open: Vec<bool>,
    pub links: Vec<LinkValues>,
}

#[cfg(test)]
mod tests {
    use super::growth_factor;

    /// Compounds year by year, as a hand computation would.
    fn by_hand(rate_of: impl Fn(i32) -> f64, base: i32, year: i32) -> f64 {
        let mut f = 1.0;
        for y in base + 1..=year {
            f *= 1.0 + rate_of(y);
        }
        for y in year + 1..=base {
            f /= 1.0 + rate_of(y);
        }
        f
    }

    #[test]
    fn a_growth_schedule_compounds_each_year_at_its_steps_rate() {
        // 16% a year into 2025..=2030, 5% into 2031..=2033, then -2%.
        let later = [(2030, 0.05), (2033, -0.02)];
        let rate = |y: i32| match y {
            ..=2030 => 0.16,
            2031..=2033 => 0.05,
            _ => -0.02,
        };
        for year in 2020..=2040 {
            let got = growth_factor(0.16, &later, 2024, year);
            let want = by_hand(rate, 2024, year);
            assert!((got / want - 1.0).abs() < 1e-12, "{year}: {got} vs {want}");
        }
        // 2030 is 1.16^6 = 2.4364 times 2024; 2035 adds 1.05^3 and 0.98^2.
        assert!((growth_factor(0.16, &later, 2024, 2030) - 2.436_396_322_816).abs() < 1e-9);
        let f2035 = 1.16_f64.powi(6) * 1.05_f64.powi(3) * 0.98_f64.powi(2);
        assert!((growth_factor(0.16, &later, 2024, 2035) - f2035).abs() < 1e-12);
        // A single rate is the old power, bit for bit.
        assert_eq!(growth_factor(0.03, &[], 2024, 2040), 1.03_f64.powi(16));
        // A schedule whose steps all share one rate equals that rate's power.
        let same = growth_factor(0.04, &[(2027, 0.04), (2031, 0.04)], 2024, 2036);
        assert!((same / 1.04_f64.powi(12) - 1.0).abs() < 1e-14);
    }
}
