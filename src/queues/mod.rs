//! Queue points simulated day by day: borders, ports and ferries where freight waits.
//!
//! The static model prices congestion with a BPR delay on annual tonnes; at a queue
//! point (`[[queues]]`) that delay is replaced by the mean wait of a daily simulation:
//! the year's assigned tonnes through the point arrive day by day (monthly seasonality,
//! Poisson or over-dispersed counts), are served up to the day's capacity (cut on the
//! days a disruption strikes the point), first come first served, and what is left is
//! carried to the next day and into the next year (`day.rs`).
//!
//! Route choice and queues are made consistent each year by a fixed point on the
//! waits w (hours per point): assign with w added to the point's arcs (BPR off there)
//! -> arrivals -> day loop -> mean waits w'; w <- w' after the first round, then
//! w <- w + (w' - w) / 2 (damped fixed-point iteration) until max |w' - w| <= max(2 h, 10% of w'), at most `MAX_ROUNDS` rounds.
//! Every round replays the year's same random draws (the point's stream is rewound to
//! the year's block), so the map w -> w' is deterministic and the fixed point defined.
//! Rounds and the last gap go to `convergence.csv`.
//!
//! Randomness: each point draws from ChaCha8 named `queues.<id>` on the replication's
//! stream, each year from its own block of words (one word a day, split into two
//! uniforms by `draw::two_uniforms`, turned into counts by inversion so that every
//! round sees the same draws and counts move monotonically with the mean); disruption
//! start days from `queues.disruptions.<id>`. The existing draws are untouched.

pub mod closed_form;
pub mod day;
pub mod draw;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};

use crate::assignment::{ArcData, Assignment};
use crate::figures::{QUEUE_DAYS, QUEUE_METRICS, QUEUE_TRACE_FIGURES};
use crate::model::{QueueAt, Scenario, ServicePattern};
use crate::network::Arcs;
use day::{ServerState, step};

/// Most assignment-and-queue rounds per year.
pub const MAX_ROUNDS: usize = 4;
/// Damping of the waits after the first round: w <- w + STEP (w' - w).
pub const STEP: f64 = 0.5;
/// Waits closer than this (hours) to their response are consistent...
pub const TOLERANCE_H: f64 = 2.0;
/// ...or closer than this share of the response.
pub const TOLERANCE_REL: f64 = 0.10;

const DAYS: usize = QUEUE_DAYS;
const N_METRICS: usize = QUEUE_METRICS.len();

/// FNV-1a, as the runner hashes its draw names.
fn fnv1a(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn generator(seed: u64, name: &str, rep: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ fnv1a(name));
    rng.set_stream(rep);
    rng
}

/// The next `words.len()` 64-bit words of `rng`, as `next_u64` gives them one by one
/// (the generator's little-endian byte stream), copied a block at a time.
fn fill_words(rng: &mut ChaCha8Rng, words: &mut [u64]) {
    let mut bytes = [0u8; 8 * 64];
    for chunk in words.chunks_mut(64) {
        let bytes = &mut bytes[..8 * chunk.len()];
        rng.fill_bytes(bytes);
        for (w, b) in chunk.iter_mut().zip(bytes.chunks_exact(8)) {
            *w = u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
        }
    }
}

/// Where a year's draws start in a stream: a block of 2^24 words per calendar year.
fn year_block(year: i32) -> u128 {
    u128::from((year - 1800).max(0) as u32) << 24
}

/// Where a disruption's clearance stands at a point.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Idle,
    Disrupted,
    Clearing,
}

/// What a point carries from one day (and year) to the next.
#[derive(Debug, Clone, Copy)]
struct Carry {
    server: ServerState,
    phase: Phase,
    /// Queue (units) to get back to after the disruption.
    target_units: f64,
    /// Days since the disruption ended (while clearing).
    clearing_days: f64,
}

/// One point's fixed data for a replication.
struct Plan {
    /// Arcs whose flow arrives here and whose time takes the wait.
    arcs: Vec<usize>,
    /// Arrivals: sum of the arcs (node) or the busiest one (link).
    sum: bool,
    is_link: bool,
    /// This year's capacity: the base year's grown by `capacity_growth_per_year`
    /// (`set_year`).
    capacity_units_per_day: f64,
    /// The base year's capacity and the growth drawn for this replication: the first
    /// rate and the later steps (after year, rate), as `network::growth_factor` takes them.
    base_capacity_units_per_day: f64,
    growth: f64,
    growth_later: Vec<(i32, f64)>,
    threshold_units: f64,
    /// Whether the threshold is the default, one day's capacity (then it grows too).
    threshold_is_capacity: bool,
}

/// The queue layer of one replication.
pub struct QueueLayer<'a> {
    s: &'a Scenario,
    plans: Vec<Plan>,
    carry: Vec<Carry>,
    scratch: Vec<Carry>,
    /// The carry at the start of `year_started`: a year solved again (a round of
    /// elastic demand) starts from it, so its backlog is not carried twice.
    year_start: Vec<Carry>,
    year_started: Option<i32>,
    rngs: Option<Vec<ChaCha8Rng>>,
    disruption_rngs: Option<Vec<ChaCha8Rng>>,
    /// Current waits (hours) per point, entering the route costs.
    pub waits_h: Vec<f64>,
    lambda: Vec<f64>,
    /// Per point and day: capacity factor (disruptions) and the day's queue area
    /// (unit-days), turned into its mean wait for the accepted round (`finish_figures`).
    factor: Vec<f64>,
    day_wait: Vec<f64>,
    /// Per point and day: the queue at the end of the day (units), for the daily
    /// trace of `Scenario::queue_trace_year`.
    day_queue: Vec<f64>,
    /// Per point and day: the year's word (two uniforms, rate and count:
    /// `draw::two_uniforms`) and the count's normal quantile, drawn once a year and
    /// replayed by every round of the fixed point.
    draw_words: Vec<u64>,
    draw_z: Vec<f64>,
    /// The days' waits as keys in `f64::total_cmp`'s order, for their 95th percentile.
    wait_keys: Vec<i64>,
    /// Per point: whether this year's quantiles (`draw_z`) are taken.
    quantiles_ready: Vec<bool>,
    /// Per point and day: the units arriving and (vessel service) the units served.
    arrivals: Vec<f64>,
    served: Vec<f64>,
    /// Per point and day (vessel service): vessels that left as loads filled.
    departures: Vec<f64>,
    /// The points the day loop runs this round (the others stay empty).
    active: Vec<usize>,
    /// Per point and month: the day's mean, and the normal terms of its counts.
    months: Vec<[f64; 3]>,
    figures: Vec<[f64; N_METRICS]>,
    /// Mean wait (hours) per point from the last day loop: the response to `waits_h`.
    response_h: Vec<f64>,
}

impl<'a> QueueLayer<'a> {
    /// The layer for one replication; `None` without queue points. `draws` names the
    /// run's seed and replication (`None`: nominal arrivals, no randomness).
    pub fn new(
        s: &'a Scenario,
        arcs: &Arcs,
        uniforms: Option<&[f64]>,
        draws: Option<(u64, u64)>,
    ) -> Option<QueueLayer<'a>> {
        if s.queues.is_empty() {
            return None;
        }
        let plans: Vec<Plan> = s
            .queues
            .iter()
            .map(|q| {
                let (arcs_here, sum, is_link) = match q.at {
                    QueueAt::Link(l) => {
                        let (f, r) = arcs.arc_of[l];
                        (std::iter::once(f).chain(r).collect(), false, true)
                    }
                    QueueAt::Node { node, mode } => (
                        arcs.arcs
                            .iter()
                            .enumerate()
                            .filter(|(_, a)| a.head == node && mode.is_none_or(|m| m == a.mode))
                            .map(|(i, _)| i)
                            .collect(),
                        true,
                        false,
                    ),
                };
                let cap = q.capacity_units_per_day.value(uniforms);
                Plan {
                    arcs: arcs_here,
                    sum,
                    is_link,
                    capacity_units_per_day: cap,
                    base_capacity_units_per_day: cap,
                    growth: q.capacity_growth_per_year.value(uniforms),
                    growth_later: q
                        .capacity_growth_later
                        .iter()
                        .map(|g| (g.after_year, g.rate.value(uniforms)))
                        .collect(),
                    threshold_units: if q.threshold_units.is_nan() {
                        cap
                    } else {
                        q.threshold_units
                    },
                    threshold_is_capacity: q.threshold_units.is_nan(),
                }
            })
            .collect();
        let n = plans.len();
        let carry = vec![
            Carry {
                server: ServerState::default(),
                phase: Phase::Idle,
                target_units: 0.0,
                clearing_days: 0.0,
            };
            n
        ];
        let stochastic = uniforms.is_some();
        Some(QueueLayer {
            rngs: draws.filter(|_| stochastic).map(|(seed, rep)| {
                s.queues
                    .iter()
                    .map(|q| generator(seed, &format!("queues.{}", q.id), rep))
                    .collect()
            }),
            disruption_rngs: draws.filter(|_| stochastic).map(|(seed, rep)| {
                s.disruptions
                    .iter()
                    .map(|d| generator(seed, &format!("queues.disruptions.{}", d.id), rep))
                    .collect()
            }),
            s,
            plans,
            scratch: carry.clone(),
            year_start: carry.clone(),
            year_started: None,
            carry,
            waits_h: vec![0.0; n],
            lambda: vec![0.0; n],
            factor: vec![1.0; n * DAYS],
            day_wait: vec![0.0; n * DAYS],
            day_queue: vec![0.0; n * DAYS],
            draw_words: vec![0; n * DAYS],
            draw_z: vec![0.0; n * DAYS],
            wait_keys: vec![0; DAYS],
            arrivals: vec![0.0; n * DAYS],
            served: vec![0.0; n * DAYS],
            departures: vec![0.0; n * DAYS],
            quantiles_ready: vec![true; n],
            active: Vec::with_capacity(n),
            months: vec![[0.0; 3]; n * 12],
            figures: vec![[0.0; N_METRICS]; n],
            response_h: vec![0.0; n],
        })
    }

    /// The arcs with the current waits added to the queue points' arcs, and BPR
    /// switched off on queue links (the wait replaces the BPR delay there).
    pub fn adjust(&self, base: &ArcData) -> ArcData {
        let mut a = base.clone();
        for (p, plan) in self.plans.iter().enumerate() {
            for &i in &plan.arcs {
                a.t0_h[i] += self.waits_h[p];
                if plan.is_link {
                    a.bpr[i].alpha = 0.0;
                }
            }
        }
        a
    }

    /// Solves one year's consistent assignment and queues. `struck` lists the year's
    /// disruptions and their days; `assign` solves the equilibrium for given arcs,
    /// warm-started from the given route flows. Returns the final assignment, the
    /// points' figures, the fixed point's [rounds, gap in hours] and, in the scenario's
    /// `queue_trace_year` only, the daily trace (`QUEUE_TRACE_FIGURES` per point and
    /// day, point-major; empty in other years).
    pub fn solve_year(
        &mut self,
        year: i32,
        struck: &[(usize, f64)],
        uniforms: Option<&[f64]>,
        base: &ArcData,
        mut assign: impl FnMut(&ArcData, Option<&[f64]>) -> Assignment,
    ) -> (Assignment, Vec<[f64; N_METRICS]>, [f64; 2], Vec<f64>) {
        self.set_year(year);
        if self.year_started == Some(year) {
            self.carry.copy_from_slice(&self.year_start);
        } else {
            self.year_start.copy_from_slice(&self.carry);
            self.year_started = Some(year);
        }
        self.plan_disruptions(year, struck, uniforms);
        if let Some(rngs) = self.rngs.as_mut() {
            for (p, r) in rngs.iter_mut().enumerate() {
                r.set_word_pos(year_block(year));
                fill_words(r, &mut self.draw_words[p * DAYS..(p + 1) * DAYS]);
            }
            // The counts' normal quantiles are taken when a round first needs them
            // (`run_days`): a point without arrivals needs none.
            self.quantiles_ready.fill(false);
        }
        let mut warm: Option<Vec<f64>> = None;
        let mut rounds = 0;
        loop {
            rounds += 1;
            let arcs = self.adjust(base);
            let a = assign(&arcs, warm.as_deref());
            self.arrivals_from(&a.arc_flow_t);
            self.run_days();
            let mut gap: f64 = 0.0;
            let mut ok = true;
            for (p, &response) in self.response_h.iter().enumerate() {
                // An overloaded point (mean arrivals at or above capacity) has no
                // steady wait: its queue grows all year, so it is left out of the test
                // (its wait still enters the costs; `utilization` >= 1 flags it).
                if self.lambda[p] >= self.plans[p].capacity_units_per_day {
                    continue;
                }
                let diff = (response - self.waits_h[p]).abs();
                gap = gap.max(diff);
                ok &= diff <= TOLERANCE_H.max(TOLERANCE_REL * response);
            }
            if ok || rounds >= MAX_ROUNDS {
                self.carry.copy_from_slice(&self.scratch);
                self.finish_figures();
                let trace = if year == self.s.queue_trace_year {
                    self.trace()
                } else {
                    Vec::new()
                };
                return (a, self.figures.clone(), [rounds as f64, gap], trace);
            }
            let step = if rounds == 1 { 1.0 } else { STEP };
            for (w, r) in self.waits_h.iter_mut().zip(&self.response_h) {
                *w += step * (r - *w);
            }
            warm = Some(a.route_flow_t);
        }
    }

    /// Each point's capacity in `year`: the base year's, grown by its
    /// `capacity_growth_per_year` (one rate or a schedule, compounded as demand's
    /// growth: `network::growth_factor`).
    fn set_year(&mut self, year: i32) {
        let base_year = self.s.base_year;
        for plan in &mut self.plans {
            plan.capacity_units_per_day = if plan.growth == 0.0 && plan.growth_later.is_empty() {
                plan.base_capacity_units_per_day
            } else {
                plan.base_capacity_units_per_day
                    * crate::network::growth_factor(
                        plan.growth,
                        &plan.growth_later,
                        base_year,
                        year,
                    )
            };
            if plan.threshold_is_capacity {
                plan.threshold_units = plan.capacity_units_per_day;
            }
        }
    }

    /// Mean arrivals (units per day) at each point from the arcs' annual tonnes.
    fn arrivals_from(&mut self, arc_flow_t: &[f64]) {
        for (p, plan) in self.plans.iter().enumerate() {
            let tpy = if plan.sum {
                plan.arcs.iter().map(|&i| arc_flow_t[i]).sum()
            } else {
                plan.arcs.iter().map(|&i| arc_flow_t[i]).fold(0.0, f64::max)
            };
            let q = &self.s.queues[p];
            self.lambda[p] = tpy / q.tonnes_per_unit / DAYS as f64 + q.background_units_per_day;
        }
    }

    /// The service factor of every point and day: each disruption that strikes a point
    /// cuts its capacity by the disruption's loss over its days, placed within its
    /// season by the point layer's own draw.
    fn plan_disruptions(&mut self, year: i32, struck: &[(usize, f64)], uniforms: Option<&[f64]>) {
        self.factor.fill(1.0);
        for &(k, days) in struck {
            let d = &self.s.disruptions[k];
            let u = match self.disruption_rngs.as_mut() {
                Some(rngs) => {
                    rngs[k].set_word_pos(year_block(year));
                    rngs[k].random::<f64>()
                }
                None => 0.5,
            };
            let span = d.max_days.max(days);
            let start = d.season_start_day + u * (span - days);
            let loss = d.capacity_loss.value(uniforms);
            for (p, q) in self.s.queues.iter().enumerate() {
                if !q.disruptions.contains(&k) {
                    continue;
                }
                let f = &mut self.factor[p * DAYS..(p + 1) * DAYS];
                let first = start.floor() as usize;
                let last = (start + days).ceil() as usize;
                for day in first..last {
                    let lo = (day as f64).max(start);
                    let hi = ((day + 1) as f64).min(start + days);
                    let cover = (hi - lo).clamp(0.0, 1.0);
                    f[day % DAYS] *= 1.0 - loss * cover;
                }
            }
        }
    }

    /// The day loop of one year from the carried state into `scratch`, filling
    /// `figures`: three passes over each point's days (arrivals, service, figures),
    /// on dense per-day arrays; no allocation.
    fn run_days(&mut self) {
        let n = self.plans.len();
        self.scratch.copy_from_slice(&self.carry);
        for (p, q) in self.s.queues.iter().enumerate() {
            for m in 0..12 {
                let lam = self.lambda[p] * q.seasonality[m];
                let (sd, skew6) = draw::normal_terms(lam, q.dispersion);
                self.months[p * 12 + m] = [lam, sd, skew6];
            }
        }
        let random = self.rngs.is_some();
        if random {
            // The year's normal quantiles of the count uniforms, for the points whose
            // daily mean reaches the normal branch in some month, the first time a
            // round needs them (every later round replays them). A loop of its own:
            // the days are independent, so consecutive days overlap.
            let table = draw::QuantileTable::get();
            for (p, q) in self.s.queues.iter().enumerate() {
                let needs = q.dispersion > 0.0
                    && self.months[p * 12..(p + 1) * 12]
                        .iter()
                        .any(|m| m[0] >= draw::NORMAL_FROM);
                if needs && !self.quantiles_ready[p] {
                    let days = p * DAYS..(p + 1) * DAYS;
                    table.from_words(&self.draw_words[days.clone()], &mut self.draw_z[days]);
                    self.quantiles_ready[p] = true;
                }
            }
        }
        // A point with no arrivals all year, steady service, no queue, no disruption
        // days and nothing to clear stays empty: its figures and days are zero (what
        // the loop would compute), so it skips the loop (TRIPP crossings before they
        // open).
        self.active.clear();
        for (p, q) in self.s.queues.iter().enumerate() {
            let c = &self.scratch[p];
            let empty = q.pattern == crate::model::ServicePattern::Steady
                && self.months[p * 12..(p + 1) * 12]
                    .iter()
                    .all(|m| m[0] == 0.0)
                && c.server.queue_units == 0.0
                && c.phase == Phase::Idle
                && self.factor[p * DAYS..(p + 1) * DAYS]
                    .iter()
                    .all(|&f| f >= 1.0);
            if empty {
                self.figures[p] = [0.0; N_METRICS];
                self.day_wait[p * DAYS..(p + 1) * DAYS].fill(0.0);
                self.day_queue[p * DAYS..(p + 1) * DAYS].fill(0.0);
            } else {
                self.active.push(p);
            }
        }
        // Points are independent within a day, and within a point only the queue
        // itself runs from day to day. So each point's year runs in three passes over
        // dense per-day arrays (no allocation): its arrivals (no dependency between
        // days), the service chain (Lindley's recursion alone, four steady points to a
        // loop so that their chains overlap; vessels two to a loop), and the
        // figures (sums, the largest queue, clearances) from the stored days. Every
        // figure takes the same operations in the same day order as one fused loop.
        let QueueLayer {
            s,
            plans,
            carry,
            months: terms,
            draw_words,
            draw_z,
            factor,
            arrivals,
            served,
            departures,
            day_wait,
            day_queue,
            scratch,
            figures,
            active,
            ..
        } = self;
        let days = |p: usize| p * DAYS..(p + 1) * DAYS;
        for &p in active.iter() {
            let q = &s.queues[p];
            arrivals_pass(
                &mut arrivals[days(p)],
                &terms[p * 12..(p + 1) * 12],
                random && q.dispersion > 0.0,
                q.dispersion,
                (&draw_words[days(p)], &draw_z[days(p)]),
            );
        }
        // The service chains: steady points four to a loop, vessel points two to a
        // loop, so that their day-to-day chains overlap.
        let (mut steady, mut vessels) = ([0usize; 4], [0usize; 2]);
        let (mut ns, mut nv) = (0, 0);
        let io = (plans.as_slice(), arrivals.as_slice(), factor.as_slice());
        for &p in active.iter() {
            if s.queues[p].pattern == ServicePattern::Steady {
                steady[ns] = p;
                ns += 1;
                if ns == steady.len() {
                    steady_chains(steady, io, scratch, day_queue);
                    ns = 0;
                }
            } else {
                vessels[nv] = p;
                nv += 1;
                if nv == vessels.len() {
                    let out = (
                        &mut day_queue[..],
                        &mut served[..],
                        &mut day_wait[..],
                        &mut departures[..],
                    );
                    vessel_chains(vessels, s, io, scratch, out);
                    nv = 0;
                }
            }
        }
        match steady[..ns] {
            [a, b, c] => steady_chains([a, b, c], io, scratch, day_queue),
            [a, b] => steady_chains([a, b], io, scratch, day_queue),
            [a] => steady_chains([a], io, scratch, day_queue),
            _ => {}
        }
        if nv == 1 {
            let out = (
                &mut day_queue[..],
                &mut served[..],
                &mut day_wait[..],
                &mut departures[..],
            );
            vessel_chains([vessels[0]], s, io, scratch, out);
        }
        for &p in active.iter() {
            figures[p] = figures_pass(
                &mut scratch[p],
                carry[p].server.queue_units,
                FiguresIn {
                    steady: s.queues[p].pattern == ServicePattern::Steady,
                    cap: plans[p].capacity_units_per_day,
                    threshold: plans[p].threshold_units,
                    arrivals: &arrivals[days(p)],
                    factors: &factor[days(p)],
                    served: &served[days(p)],
                    day_queue: &day_queue[days(p)],
                },
                &mut day_wait[days(p)],
            );
        }
        for p in 0..n {
            let f = &self.figures[p];
            self.response_h[p] =
                24.0 * (if f[0] > 0.0 { f[5] / f[0] } else { 0.0 } + self.within_day_wait_days(p));
        }
    }

    /// The within-day M/M/c wait (days) at the year's mean load; 0 without `servers`
    /// or when the point is overloaded (the daily queue holds that wait).
    fn within_day_wait_days(&self, p: usize) -> f64 {
        let q = &self.s.queues[p];
        let lam_mean = self.lambda[p];
        if q.servers > 0 && lam_mean > 0.0 {
            closed_form::mmc_wait(
                q.servers,
                lam_mean,
                self.plans[p].capacity_units_per_day / q.servers as f64,
            )
            .unwrap_or(0.0)
        } else {
            0.0
        }
    }

    /// The accepted round's daily trace: per point and day, the queue at the end of the
    /// day (units) and 1 when a disruption cut the point's capacity that day, else 0.
    fn trace(&self) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.day_queue.len() * QUEUE_TRACE_FIGURES.len());
        for (q, f) in self.day_queue.iter().zip(&self.factor) {
            out.push(*q);
            out.push(if *f < 1.0 { 1.0 } else { 0.0 });
        }
        out
    }

    /// Turns the accepted round's sums into the year's figures (`QUEUE_METRICS`).
    fn finish_figures(&mut self) {
        for p in 0..self.plans.len() {
            let within_days = self.within_day_wait_days(p);
            let q = &self.s.queues[p];
            let plan = &self.plans[p];
            let tpu = q.tonnes_per_unit;
            let f = &mut self.figures[p];
            let arrived = f[0];
            let area = f[5];
            let lam_mean = self.lambda[p];
            let waits = &mut self.day_wait[p * DAYS..(p + 1) * DAYS];
            let months = &self.months[p * 12..(p + 1) * 12];
            let p95 = wait_percentile_95(waits, months, &mut self.wait_keys);
            let slot = [f[11], f[13]];
            let end_units = self.scratch[p].server.queue_units;
            let out = [
                arrived * tpu,
                f[1] * tpu,
                if plan.capacity_units_per_day > 0.0 {
                    lam_mean / plan.capacity_units_per_day
                } else {
                    f64::NAN
                },
                24.0 * (if arrived > 0.0 { area / arrived } else { 0.0 } + within_days),
                24.0 * (p95 + within_days),
                area / DAYS as f64 * tpu,
                f[8] * tpu,
                area / DAYS as f64,
                f[8],
                f[9],
                f[10],
                if slot[1] > 0.0 {
                    slot[0] / slot[1]
                } else {
                    f64::NAN
                },
                end_units * tpu,
                end_units,
            ];
            *f = out;
        }
    }
}

/// The 95th percentile of a year's daily waits (days) from the days' queue areas
/// (`areas`, unit-days, turned into the waits): each day's area over its month's mean
/// arrivals (`months[m][0]`; a month at a time, one divisor a loop), 0 in a month
/// without arrivals. A day without a queue waits +0: when fewer days than the ranks
/// above the percentile have a positive area (and none a negative one), the
/// percentile is +0 whatever the divisors, and no day is divided.
fn wait_percentile_95(areas: &mut [f64], months: &[[f64; 3]], keys: &mut [i64]) -> f64 {
    let (mut positive, mut negative) = (0, false);
    for (m, month) in months.iter().enumerate() {
        if month[0] > 0.0 {
            for &w in &areas[MONTH_STARTS[m]..MONTH_STARTS[m + 1]] {
                let k = total_order_key(w);
                positive += usize::from(k > 0);
                negative |= k < 0;
            }
        }
    }
    if !negative && positive < ranks_above_95(areas.len()) {
        return 0.0;
    }
    for (m, month) in months.iter().enumerate() {
        let days = &mut areas[MONTH_STARTS[m]..MONTH_STARTS[m + 1]];
        let lam = month[0];
        if lam > 0.0 {
            days.iter_mut().for_each(|w| *w /= lam);
        } else {
            days.fill(0.0);
        }
    }
    percentile_95(areas, keys)
}

/// The element of `waits` (365 days) at rank `round(0.95 x 364)` in `f64::total_cmp`'s
/// order, as `select_nth_unstable_by(_, f64::total_cmp)` finds it, selected on integer
/// keys (`keys`: scratch of the same length). Days without a queue wait +0 and sort
/// below every positive wait, so when no wait is negative only the positive ones are
/// searched, and none when fewer of them than the ranks above the 95th percentile.
fn percentile_95(waits: &[f64], keys: &mut [i64]) -> f64 {
    let above = ranks_above_95(waits.len());
    let at = waits.len() - above;
    let (mut positive, mut negative) = (0, false);
    for &w in waits {
        let k = total_order_key(w);
        keys[positive] = k;
        positive += usize::from(k > 0);
        negative |= k < 0;
    }
    let key = if negative {
        for (k, &w) in keys.iter_mut().zip(waits) {
            *k = total_order_key(w);
        }
        *keys[..waits.len()].select_nth_unstable(at).1
    } else if positive < above {
        0
    } else {
        *keys[..positive].select_nth_unstable(positive - above).1
    };
    from_total_order_key(key)
}

/// Ranks at and above the 95th percentile of `len` values, rank `round(0.95 (len -
/// 1))` counted from 0: 19 of 365.
fn ranks_above_95(len: usize) -> usize {
    len - (0.95 * (len - 1) as f64).round() as usize
}

/// `x` as an integer whose order is `f64::total_cmp`'s (the transform that function
/// applies: negative numbers' bits other than the sign flipped).
#[inline]
fn total_order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// The number of a `total_order_key` (the transform is its own inverse).
#[inline]
fn from_total_order_key(key: i64) -> f64 {
    f64::from_bits(total_order_key(f64::from_bits(key as u64)) as u64)
}

/// First days of the months of the layer's 365-day year, and the year's end.
pub(crate) const MONTH_STARTS: [usize; 13] =
    [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/// Pass one of a point's year: the units arriving each day, month by month (the
/// month's mean and normal terms, `months`), from the year's draws per day (rate and
/// count uniforms, the count's normal quantile); the mean itself without randomness.
fn arrivals_pass(
    out: &mut [f64],
    months: &[[f64; 3]],
    stochastic: bool,
    dispersion: f64,
    (words, z): (&[u64], &[f64]),
) {
    for (m, &[lam, sd, skew6]) in months.iter().enumerate() {
        let r = MONTH_STARTS[m]..MONTH_STARTS[m + 1];
        let out = &mut out[r.clone()];
        if !stochastic {
            out.fill(lam);
        } else if lam >= draw::NORMAL_FROM {
            for (o, &z) in out.iter_mut().zip(&z[r]) {
                *o = draw::normal_count(lam, sd, skew6, z);
            }
        } else {
            for (o, &w) in out.iter_mut().zip(&words[r]) {
                let [u_rate, u_count] = draw::two_uniforms(w);
                *o = draw::arrivals_from_uniforms(lam, dispersion, u_rate, u_count);
            }
        }
    }
}

/// What the service chains read: the points' plans, and per point and day the units
/// arriving and the capacity factor.
type ChainIn<'a> = (&'a [Plan], &'a [f64], &'a [f64]);

/// The days of points `ps` (a year of `DAYS` per point, point-major).
fn lane_days<const N: usize>(v: &[f64], ps: [usize; N]) -> [&[f64; DAYS]; N] {
    ps.map(|p| {
        v[p * DAYS..(p + 1) * DAYS]
            .try_into()
            .expect("a year of days")
    })
}

/// The days of points `ps`, in increasing order, to write.
fn lanes_mut<const N: usize>(mut v: &mut [f64], ps: [usize; N]) -> [&mut [f64; DAYS]; N] {
    let mut start = 0;
    ps.map(|p| {
        let rest = std::mem::take(&mut v);
        let (_, rest) = rest.split_at_mut(p * DAYS - start);
        let (lane, rest) = rest.split_at_mut(DAYS);
        (v, start) = (rest, (p + 1) * DAYS);
        lane.try_into().expect("a year of days")
    })
}

/// Pass two for `N` steady points at once: Lindley's recursion day by day
/// (`day::step`), the queue at the end of each day into `day_queue`. The points'
/// chains are independent, so one loop overlaps them.
fn steady_chains<const N: usize>(
    ps: [usize; N],
    (plans, arrivals, factor): ChainIn<'_>,
    carry: &mut [Carry],
    day_queue: &mut [f64],
) {
    let caps = ps.map(|p| plans[p].capacity_units_per_day);
    let mut st = ps.map(|p| carry[p].server);
    let (a, f) = (lane_days(arrivals, ps), lane_days(factor, ps));
    let q = lanes_mut(day_queue, ps);
    for d in 0..DAYS {
        for l in 0..N {
            step(
                &mut st[l],
                ServicePattern::Steady,
                a[l][d],
                caps[l] * f[l][d],
            );
            q[l][d] = st[l].queue_units;
        }
    }
    for (p, st) in ps.into_iter().zip(st) {
        carry[p].server = st;
    }
}

/// Pass two for `N` points of vessel service at once (`day::step`): per day the
/// queue at its end, the units served and the queue area (`day::when_full_service` in
/// the chain, `day::when_full_area` after it).
fn vessel_chains<const N: usize>(
    ps: [usize; N],
    s: &Scenario,
    (plans, arrivals, factor): ChainIn<'_>,
    carry: &mut [Carry],
    (day_queue, served, day_wait, departures): (&mut [f64], &mut [f64], &mut [f64], &mut [f64]),
) {
    let caps = ps.map(|p| plans[p].capacity_units_per_day);
    let vessels = ps.map(|p| match s.queues[p].pattern {
        ServicePattern::WhenFull {
            vessel_units,
            max_headway_days,
        } => (vessel_units, max_headway_days),
        ServicePattern::Steady => unreachable!("steady points run in `steady_chains`"),
    });
    // Vessels a day at full capacity: the day's rate unless a disruption cuts it
    // (`cap * 1.0` is `cap`, so the rate is the one `day::step` divides out).
    let full_rate: [f64; N] = std::array::from_fn(|l| caps[l].max(0.0) / vessels[l].0);
    let mut st = ps.map(|p| carry[p].server);
    let (a, f) = (lane_days(arrivals, ps), lane_days(factor, ps));
    let (dq, sv) = (lanes_mut(day_queue, ps), lanes_mut(served, ps));
    let (w, dep) = (lanes_mut(day_wait, ps), lanes_mut(departures, ps));
    for d in 0..DAYS {
        for l in 0..N {
            let (k, headway) = vessels[l];
            let rate = if f[l][d] == 1.0 {
                full_rate[l]
            } else {
                (caps[l] * f[l][d]).max(0.0) / k
            };
            let (out, q0, m) = day::when_full_service(&mut st[l], k, headway, a[l][d], rate);
            (dq[l][d], sv[l][d], w[l][d], dep[l][d]) = (st[l].queue_units, out, q0, m);
        }
    }
    // The days' queue areas, as `day::when_full` takes them (no dependency between
    // days).
    for (p, (k, _)) in ps.into_iter().zip(vessels) {
        let days = p * DAYS..(p + 1) * DAYS;
        let (w, a, m) = (
            &mut day_wait[days.clone()],
            &arrivals[days.clone()],
            &departures[days],
        );
        for ((w, &n), &m) in w.iter_mut().zip(a).zip(m) {
            *w = day::when_full_area(*w, n, m, k);
        }
    }
    for (p, st) in ps.into_iter().zip(st) {
        carry[p].server = st;
    }
}

/// What the figures pass reads of one point's year.
struct FiguresIn<'a> {
    steady: bool,
    cap: f64,
    threshold: f64,
    arrivals: &'a [f64],
    factors: &'a [f64],
    /// Units served each day (vessel service; steady service recomputes them).
    served: &'a [f64],
    day_queue: &'a [f64],
}

/// Pass three of a point's year: its sums and counts (`QUEUE_METRICS` slots before
/// `finish_figures`) from the stored days, and each day's queue area in `day_wait`
/// (steady service; vessel service stored it with its chain). The clearance after a
/// disruption: back to the queue before it, or below a tenth of a day's capacity.
/// `c` carries the phase; `q_start` is the queue when the year began.
fn figures_pass(
    c: &mut Carry,
    q_start: f64,
    inp: FiguresIn<'_>,
    day_wait: &mut [f64],
) -> [f64; N_METRICS] {
    let (cap, threshold) = (inp.cap, inp.threshold);
    let mut f = [0.0; N_METRICS];
    let mut q0 = q_start;
    for (d, wait) in day_wait[..DAYS].iter_mut().enumerate() {
        let (a, factor, q1) = (inp.arrivals[d], inp.factors[d], inp.day_queue[d]);
        let (served, area) = if inp.steady {
            // As `day::step` took them.
            let served = day::steady_served(q0 + a, cap * factor);
            let area = day::steady_area(q0, q1);
            *wait = area;
            (served, area)
        } else {
            (inp.served[d], *wait)
        };
        f[0] += a;
        f[1] += served;
        f[5] += area;
        f[8] = f[8].max(q1);
        // A count: adding 0 leaves it as it is.
        f[9] += f64::from(u8::from(q1 > threshold));
        if factor < 1.0 {
            f[10] += 1.0 - factor;
            if c.phase == Phase::Idle {
                c.target_units = q0.max(0.1 * cap);
            }
            c.phase = Phase::Disrupted;
        } else if c.phase != Phase::Idle {
            if c.phase == Phase::Disrupted {
                c.phase = Phase::Clearing;
                c.clearing_days = 0.0;
            }
            c.clearing_days += 1.0;
            if q1 <= c.target_units {
                c.phase = Phase::Idle;
                // Summed in slot 11, counted in slot 13 until the year ends.
                f[11] += c.clearing_days;
                f[13] += 1.0;
            }
        }
        q0 = q1;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The 95th percentile as the plain selection finds it.
    fn by_selection(waits: &[f64]) -> f64 {
        let mut w = waits.to_vec();
        let at = (0.95 * (w.len() - 1) as f64).round() as usize;
        *w.select_nth_unstable_by(at, f64::total_cmp).1
    }

    #[test]
    fn the_wait_percentile_is_that_of_every_day_divided() {
        // Areas with 0-40 queued days, months with and without arrivals (a queued day
        // in a month without arrivals waits 0), a negative area: the same bits as
        // dividing every day and selecting on `f64::total_cmp`.
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        let mut keys = vec![0; DAYS];
        for queued in [0, 5, 18, 19, 25, 40, DAYS] {
            for empty_month in [None, Some(6)] {
                for negative in [false, true] {
                    let mut months = [[0.0; 3]; 12];
                    for (m, month) in months.iter_mut().enumerate() {
                        month[0] = if Some(m) == empty_month {
                            0.0
                        } else {
                            3.0 + m as f64 * 7.3
                        };
                    }
                    let mut areas = vec![0.0; DAYS];
                    for a in areas.iter_mut().take(queued) {
                        *a = rng.random::<f64>() * 50.0;
                    }
                    if negative {
                        areas[0] = -1e-12;
                    }
                    for i in (1..DAYS).rev() {
                        areas.swap(i, rng.random_range(0..=i));
                    }
                    let want: Vec<f64> = areas
                        .iter()
                        .enumerate()
                        .map(|(d, a)| {
                            let m = MONTH_STARTS.iter().rposition(|&s| s <= d).unwrap();
                            let lam = months[m][0];
                            if lam > 0.0 { a / lam } else { 0.0 }
                        })
                        .collect();
                    let want = by_selection(&want);
                    let got = wait_percentile_95(&mut areas, &months, &mut keys);
                    assert_eq!(got.to_bits(), want.to_bits(), "{queued} {empty_month:?}");
                }
            }
        }
    }

    #[test]
    fn words_filled_a_block_at_a_time_are_the_generators_words() {
        // From a year's block and from odd word positions (a u64 across two 32-bit
        // words of a ChaCha block), lengths across the 64-word chunks: `next_u64`'s
        // words, and the generator left where `next_u64` leaves it.
        for (start, len) in [(year_block(2030), DAYS), (3, 130), (15, 64), (16, 1)] {
            let mut a = generator(7, "queues.x", 4);
            let mut b = generator(7, "queues.x", 4);
            a.set_word_pos(start);
            b.set_word_pos(start);
            let mut words = vec![0; len];
            fill_words(&mut a, &mut words);
            let want: Vec<u64> = (0..len).map(|_| b.next_u64()).collect();
            assert_eq!(words, want, "from {start}, {len} words");
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn the_95th_percentile_is_the_selected_element() {
        // Mostly empty days, a few queued days (fewer and more than the 19 ranks above
        // the percentile), all queued, negative zeros and negatives, ties, NaN: the same
        // bits as the selection on `f64::total_cmp`.
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut keys = vec![0; DAYS];
        for queued in [0, 1, 18, 19, 20, 60, 200, DAYS] {
            for odd in [None, Some(-0.0), Some(-3.5), Some(f64::NAN), Some(2.0)] {
                let mut waits = vec![0.0; DAYS];
                for w in waits.iter_mut().take(queued) {
                    *w = (rng.random::<f64>() * 8.0).floor() / 4.0 + 0.25;
                }
                if let Some(x) = odd {
                    waits[DAYS / 2] = x;
                }
                // Shuffle so the queued days are spread over the year.
                for i in (1..DAYS).rev() {
                    waits.swap(i, rng.random_range(0..=i));
                }
                let got = percentile_95(&waits, &mut keys);
                let want = by_selection(&waits);
                assert_eq!(got.to_bits(), want.to_bits(), "{queued} queued, {odd:?}");
            }
        }
        assert_eq!(percentile_95(&[0.0; DAYS], &mut keys).to_bits(), 0);
        assert_eq!(ranks_above_95(DAYS), 19);
    }
}
