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
pub mod trace;

use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};

use crate::assignment::{ArcData, Assignment};
use crate::figures::{QUEUE_DAYS, QUEUE_METRICS, QUEUE_TRACE_FIGURES};
use crate::model::{QueueAt, Scenario};
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

/// Month (0-11) of each day of a 365-day year.
fn month_of_day() -> &'static [u8; DAYS] {
    static M: std::sync::OnceLock<[u8; DAYS]> = std::sync::OnceLock::new();
    M.get_or_init(|| {
        const LEN: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let mut out = [0u8; DAYS];
        let mut d = 0;
        for (m, len) in LEN.iter().enumerate() {
            for _ in 0..*len {
                out[d] = m as u8;
                d += 1;
            }
        }
        out
    })
}

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
    /// Per point and day: the year's two uniforms (rate, count) and the count's normal
    /// quantile, drawn once a year and replayed by every round of the fixed point.
    draws: Vec<[f64; 3]>,
    /// Per point: whether this year's quantiles (`draws[..][2]`) are taken.
    quantiles_ready: Vec<bool>,
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
            draws: vec![[0.5, 0.5, 0.0]; n * DAYS],
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
                let days = &mut self.draws[p * DAYS..(p + 1) * DAYS];
                for d in days.iter_mut() {
                    let [u_rate, u_count] = draw::two_uniforms(r.next_u64());
                    *d = [u_rate, u_count, f64::NAN];
                }
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
    /// `figures`. Points two at a time, one pass over the days for each pair; no
    /// allocation.
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
                    for d in &mut self.draws[p * DAYS..(p + 1) * DAYS] {
                        d[2] = table.quantile(d[1]);
                    }
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
        // Points are independent within a day: each runs its year in one loop over dense
        // per-day arrays with its state and sums in locals, two points to a loop so that
        // their day-to-day dependency chains overlap (each point's arithmetic is the
        // same as alone). No allocation.
        let months = month_of_day();
        let QueueLayer {
            s,
            plans,
            months: terms,
            draws,
            factor,
            day_wait,
            day_queue,
            scratch,
            figures,
            active,
            ..
        } = self;
        // Each lane takes its point's days from what is left of the per-day arrays
        // (points in increasing order, skipped ones passed over).
        let mut day_wait = day_wait.as_mut_slice();
        let mut day_queue = day_queue.as_mut_slice();
        let mut next = 0;
        let mut lane = |p: usize, c: Carry| {
            let q = &s.queues[p];
            let skip = (p - next) * DAYS;
            let (w, rest_w) = std::mem::take(&mut day_wait)[skip..].split_at_mut(DAYS);
            let (dq, rest_q) = std::mem::take(&mut day_queue)[skip..].split_at_mut(DAYS);
            (day_wait, day_queue, next) = (rest_w, rest_q, p + 1);
            Lane {
                cap: plans[p].capacity_units_per_day,
                threshold: plans[p].threshold_units,
                pattern: q.pattern,
                dispersion: q.dispersion,
                stochastic: random && q.dispersion > 0.0,
                months: &terms[p * 12..(p + 1) * 12],
                draws: &draws[p * DAYS..(p + 1) * DAYS],
                factors: &factor[p * DAYS..(p + 1) * DAYS],
                day_wait: w,
                day_queue: dq,
                c,
                f: [0.0; N_METRICS],
            }
        };
        for pair in active.chunks(2) {
            let (first, second) = (pair[0], pair.get(1).copied());
            let mut a = lane(first, scratch[first]);
            let mut b = second.map(|p| lane(p, scratch[p]));
            for (day, m) in months.iter().enumerate() {
                let m = *m as usize;
                a.day(day, m);
                if let Some(b) = b.as_mut() {
                    b.day(day, m);
                }
            }
            (scratch[first], figures[first]) = (a.c, a.f);
            if let (Some(p), Some(b)) = (second, b) {
                (scratch[p], figures[p]) = (b.c, b.f);
            }
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
            let months = month_of_day();
            let mp = &self.months[p * 12..(p + 1) * 12];
            for (day, w) in waits.iter_mut().enumerate() {
                let lam = mp[months[day] as usize][0];
                *w = if lam > 0.0 { *w / lam } else { 0.0 };
            }
            let at = (0.95 * (DAYS - 1) as f64).round() as usize;
            let (_, p95, _) = waits.select_nth_unstable_by(at, f64::total_cmp);
            let p95 = *p95;
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

/// One queue point's year in the day loop: its inputs, its per-day outputs, its state
/// and its sums (`QueueLayer::run_days`).
struct Lane<'a> {
    cap: f64,
    threshold: f64,
    pattern: crate::model::ServicePattern,
    dispersion: f64,
    stochastic: bool,
    months: &'a [[f64; 3]],
    draws: &'a [[f64; 3]],
    factors: &'a [f64],
    day_wait: &'a mut [f64],
    day_queue: &'a mut [f64],
    c: Carry,
    f: [f64; N_METRICS],
}

impl Lane<'_> {
    /// Day `day` (of month `m`): arrivals, service, the day's figures.
    #[inline(always)]
    fn day(&mut self, day: usize, m: usize) {
        let (cap, f, c) = (self.cap, &mut self.f, &mut self.c);
        let [lam, sd, skew6] = self.months[m];
        let a = if !self.stochastic {
            lam
        } else {
            let [u_rate, u_count, z] = self.draws[day];
            if lam >= draw::NORMAL_FROM {
                draw::normal_count(lam, sd, skew6, z)
            } else {
                draw::arrivals_from_uniforms(lam, self.dispersion, u_rate, u_count)
            }
        };
        let factor = self.factors[day];
        let q_start = c.server.queue_units;
        let out = step(&mut c.server, self.pattern, a, cap * factor);
        let q_end = c.server.queue_units;
        self.day_queue[day] = q_end;
        f[0] += a;
        f[1] += out.served_units;
        f[5] += out.area_unit_days;
        f[8] = f[8].max(q_end);
        if q_end > self.threshold {
            f[9] += 1.0;
        }
        // The day's queue area; turned into its wait (area / the day's mean
        // arrivals) for the accepted round only (`finish_figures`).
        self.day_wait[day] = out.area_unit_days;
        // Clearance after a disruption: back to the queue before it, or below a
        // tenth of a day's capacity.
        if factor < 1.0 {
            f[10] += 1.0 - factor;
            if c.phase == Phase::Idle {
                c.target_units = q_start.max(0.1 * cap);
            }
            c.phase = Phase::Disrupted;
        } else if c.phase != Phase::Idle {
            if c.phase == Phase::Disrupted {
                c.phase = Phase::Clearing;
                c.clearing_days = 0.0;
            }
            c.clearing_days += 1.0;
            if q_end <= c.target_units {
                c.phase = Phase::Idle;
                // Summed in slot 11, counted in slot 13 until the year ends.
                f[11] += c.clearing_days;
                f[13] += 1.0;
            }
        }
    }
}
