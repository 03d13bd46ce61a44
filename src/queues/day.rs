//! The day loop of the queue layer: the Lindley recursion Q[t+1] = max(0, Q[t] + A[t] -
//! C[t]) (Lindley, 1952; sheet §1.2) for steady service, and vessels that leave when
//! full (or after a longest headway) for ferries (sheet §1.3). One step per day per
//! point, on plain numbers: no allocation.
//!
//! Waiting is measured by Little's law: the area under the queue (unit-days) over the
//! units that arrived. Steady service takes the queue as linear within a day, area =
//! (Q_start + Q_end) / 2, exact for the fluid closure of §1.1 (½ B (T + t_c)).
//! Vessels leaving when full take the day's n arrivals at uniform times (Poisson
//! arrivals given their count), so the expected area is the mean of the queue after
//! each arrival, in closed form: the wait of §1.3, (K - 1) / (2 lambda), is exact.

use crate::model::ServicePattern;

/// Floor of a non-negative number by truncation (no libm call without SSE4.1; through
/// i64, one instruction each way, exact below 2^63; larger values saturate).
#[inline]
fn floor_pos(x: f64) -> f64 {
    (x.max(0.0) as i64) as f64
}

/// The state of one queue point carried from day to day and year to year.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ServerState {
    /// Units waiting at the end of the day.
    pub queue_units: f64,
    /// Vessels available (when-full service): grows by capacity / vessel size a day.
    pub vessel_credit: f64,
    /// Days since the last departure (when-full service).
    pub days_since_departure: f64,
}

/// What one day did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Day {
    pub served_units: f64,
    /// Mean queue over the day (units), i.e. unit-days of waiting this day.
    pub area_unit_days: f64,
}

/// One day of service: `arrivals` units arrive, up to `capacity` units can be served.
#[inline]
pub fn step(st: &mut ServerState, pattern: ServicePattern, arrivals: f64, capacity: f64) -> Day {
    match pattern {
        ServicePattern::Steady => {
            let q0 = st.queue_units;
            let avail = q0 + arrivals;
            let served = steady_served(avail, capacity);
            let q1 = avail - served;
            st.queue_units = q1;
            Day {
                served_units: served,
                area_unit_days: steady_area(q0, q1),
            }
        }
        ServicePattern::WhenFull {
            vessel_units: k,
            max_headway_days,
        } => when_full(st, k, max_headway_days, arrivals, capacity.max(0.0) / k),
    }
}

/// Units served by steady service from `available` (the queue at the start of the day
/// plus the day's arrivals) with the day's `capacity`.
#[inline]
pub fn steady_served(available: f64, capacity: f64) -> f64 {
    available.min(capacity.max(0.0))
}

/// The mean queue of a steady day from its queue at the start and at the end (linear
/// within the day).
#[inline]
pub fn steady_area(q_start: f64, q_end: f64) -> f64 {
    0.5 * (q_start + q_end)
}

/// One day of vessels of `k` units leaving when full (or after `max_headway_days`),
/// `rate` vessels a day (the day's capacity over `k`, as `step` computes it).
#[inline]
pub fn when_full(
    st: &mut ServerState,
    k: f64,
    max_headway_days: f64,
    arrivals: f64,
    rate: f64,
) -> Day {
    let (served, q0, m) = when_full_service(st, k, max_headway_days, arrivals, rate);
    Day {
        served_units: served,
        area_unit_days: when_full_area(q0, arrivals, m, k),
    }
}

/// The mean queue of a when-full day (`when_full`) whose queue was `q0` after the
/// day's first departures, with `n` arrivals at uniform times and `m` vessels leaving
/// as loads fill: the mean of the queue after each arrival, in closed form.
#[inline]
pub fn when_full_area(q0: f64, n: f64, m: f64, k: f64) -> f64 {
    let sum_l = (n + 1.0) * q0 + 0.5 * n * (n + 1.0)
        - k * (m * (n + 1.0) - 0.5 * k * m * (m + 1.0) + m * q0);
    sum_l / (n + 1.0)
}

/// `when_full` without its area: the units served, the queue after the day's first
/// departures and the vessels that left as loads filled, from which
/// `when_full_area` gives the area. The area is left to the caller, off the
/// day-to-day chain.
#[inline]
pub fn when_full_service(
    st: &mut ServerState,
    k: f64,
    max_headway_days: f64,
    arrivals: f64,
    rate: f64,
) -> (f64, f64, f64) {
    st.vessel_credit = (st.vessel_credit + rate).min(rate.max(1.0));
    // Full loads already waiting leave at the start of the day.
    let mut q0 = st.queue_units;
    // (Below one load none can leave: no division on the day-to-day chain.)
    let d0 = if q0 < k {
        0.0
    } else {
        floor_pos(q0 / k).min(floor_pos(st.vessel_credit))
    };
    q0 -= d0 * k;
    st.vessel_credit -= d0;
    // Then a vessel leaves each time the queue reaches k, while vessels last:
    // departure m at the (m k - q0)-th arrival of the day.
    let n = arrivals;
    let r = floor_pos(st.vessel_credit);
    let m = if q0 < k {
        r.min(floor_pos((q0 + n) / k))
    } else {
        0.0
    };
    let mut q1 = q0 + n - m * k;
    st.vessel_credit -= m;
    let mut served = (d0 + m) * k;
    if d0 + m > 0.0 {
        st.days_since_departure = 0.0;
    } else {
        st.days_since_departure += 1.0;
        // Longest headway reached: a vessel leaves with what is aboard.
        if st.days_since_departure >= max_headway_days && q1 > 0.0 && st.vessel_credit >= 1.0 {
            let load = q1.min(k);
            q1 -= load;
            served += load;
            st.vessel_credit -= 1.0;
            st.days_since_departure = 0.0;
        }
    }
    st.queue_units = q1;
    (served, q0, m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queues::closed_form::{fluid_closure, when_full_wait};
    use crate::queues::draw::arrivals;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    #[test]
    fn fluid_backlog_is_exact() {
        // Sheet §1.1: lambda = 800/day, mu = 1,000/day, closed T = 4 days: backlog
        // 3,200 at reopening, cleared 16 days later, total delay 1/2 B (T + t_c) =
        // 32,000 unit-days, mean delay per delayed unit T/2.
        let (lambda, mu, closed) = (800.0, 1000.0, 4);
        let (backlog, clear) = fluid_closure(lambda, mu, closed as f64);
        let mut st = ServerState::default();
        let (mut area, mut peak, mut cleared_after) = (0.0, 0.0f64, None);
        for day in 0..60 {
            let cap = if day < closed { 0.0 } else { mu };
            let d = step(&mut st, ServicePattern::Steady, lambda, cap);
            area += d.area_unit_days;
            peak = peak.max(st.queue_units);
            if day >= closed && st.queue_units <= 1e-9 && cleared_after.is_none() {
                cleared_after = Some((day + 1 - closed) as f64);
            }
        }
        assert_eq!(peak, backlog);
        assert_eq!(cleared_after, Some(clear));
        assert!((area - 0.5 * backlog * (closed as f64 + clear)).abs() < 1e-9);
        let delayed = lambda * (closed as f64 + clear);
        assert!((area / delayed - closed as f64 / 2.0).abs() < 1e-12);
    }

    /// Stationary mean of the end-of-day queue of Q' = max(0, Q + A - C), A ~ Poisson,
    /// by iterating the transition on a truncated state space: an independent numerical
    /// solution of the same discrete model.
    fn markov_mean_queue(lambda: f64, c: usize) -> f64 {
        let n = 150;
        let mut pmf = vec![0.0; n];
        pmf[0] = (-lambda).exp();
        for k in 1..n {
            pmf[k] = pmf[k - 1] * lambda / k as f64;
        }
        let mut pi = vec![0.0; n];
        pi[0] = 1.0;
        for _ in 0..1500 {
            let mut next = vec![0.0; n];
            for (q, &p) in pi.iter().enumerate() {
                if p < 1e-300 {
                    continue;
                }
                for (a, &pa) in pmf.iter().enumerate() {
                    let to = (q + a).saturating_sub(c).min(n - 1);
                    next[to] += p * pa;
                }
            }
            pi = next;
        }
        pi.iter().enumerate().map(|(q, p)| q as f64 * p).sum()
    }

    #[test]
    fn stochastic_single_server_matches_the_markov_chain_within_2_percent() {
        // Poisson arrivals 8/day, 10 served a day (rho = 0.8): the mean wait by
        // Little's law, E[Q] / lambda, against the chain's stationary mean.
        let (lambda, c) = (8.0, 10);
        let exact = markov_mean_queue(lambda, c) / lambda;
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut st = ServerState::default();
        let (mut area, mut arrived) = (0.0, 0.0);
        for day in 0..300_000 {
            let a = arrivals(&mut rng, lambda, 1.0);
            let d = step(&mut st, ServicePattern::Steady, a, c as f64);
            if day >= 1000 {
                area += d.area_unit_days;
                arrived += a;
            }
        }
        let sim = area / arrived;
        assert!(exact > 0.05, "the test needs a real queue: {exact}");
        assert!((sim / exact - 1.0).abs() < 0.02, "{sim} vs {exact}");
    }

    #[test]
    fn ferry_leaving_when_full_matches_bulk_service_within_2_percent() {
        // Sheet §1.3: K = 54 railcars, lambda = 30/day: mean wait (K-1)/(2 lambda) =
        // 0.883 days, a sailing every K / lambda = 1.8 days.
        let (k, lambda) = (54.0, 30.0);
        let pattern = ServicePattern::WhenFull {
            vessel_units: k,
            max_headway_days: f64::INFINITY,
        };
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let mut st = ServerState::default();
        let (mut area, mut arrived, mut sailings) = (0.0, 0.0, 0.0);
        let days = 40_000;
        for _ in 0..days {
            let a = arrivals(&mut rng, lambda, 1.0);
            let d = step(&mut st, pattern, a, 1e9);
            area += d.area_unit_days;
            arrived += a;
            sailings += d.served_units / k;
        }
        let exact = when_full_wait(k, lambda);
        assert!(
            ((area / arrived) / exact - 1.0).abs() < 0.02,
            "{} vs {exact}",
            area / arrived
        );
        assert!(((days as f64 / sailings) / (k / lambda) - 1.0).abs() < 0.02);
    }

    #[test]
    fn conservation_every_day() {
        // Units in = served + still queued, every day, for both patterns, through a
        // closure and limited vessels.
        for pattern in [
            ServicePattern::Steady,
            ServicePattern::WhenFull {
                vessel_units: 20.0,
                max_headway_days: 3.0,
            },
        ] {
            let mut rng = ChaCha8Rng::seed_from_u64(9);
            let mut st = ServerState::default();
            let (mut arrived, mut served) = (0.0, 0.0);
            for day in 0..3000 {
                let a = arrivals(&mut rng, 15.0, 2.5);
                let cap = if (100..110).contains(&(day % 365)) {
                    0.0
                } else {
                    18.0
                };
                let d = step(&mut st, pattern, a, cap);
                arrived += a;
                served += d.served_units;
                assert!(d.served_units >= 0.0 && st.queue_units >= 0.0);
                assert!((arrived - served - st.queue_units).abs() < 1e-6 * arrived.max(1.0));
            }
        }
    }
}
