//! Closed forms of queueing theory used by the queue layer and by its tests
//! (research sheet queues.md §1): Erlang C for the within-day wait at a multi-lane
//! point, the fluid closure backlog, and the departs-when-full ferry wait.

/// Erlang C: probability that an arrival waits at an M/M/c queue with offered load
/// `a = lambda / mu` (sheet §1, [Q1][Q2]). Computed through the stable Erlang B
/// recursion B(k) = a B(k-1) / (k + a B(k-1)), C = B / (1 - rho (1 - B)). `None` when
/// the queue is unstable (a >= c).
pub fn erlang_c(c: u32, a: f64) -> Option<f64> {
    if c == 0 || a >= c as f64 || a < 0.0 {
        return None;
    }
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    Some(b / (1.0 - rho * (1.0 - b)))
}

/// Mean wait in queue of M/M/c: Wq = C(c, a) / (c mu - lambda), in the time unit of
/// the rates. `None` when unstable.
pub fn mmc_wait(c: u32, lambda: f64, mu: f64) -> Option<f64> {
    erlang_c(c, lambda / mu).map(|pc| pc / (c as f64 * mu - lambda))
}

/// Fluid closure (sheet §1.1, Newell [Q9]): arrivals `lambda` per day, capacity `mu`,
/// closed `days`: backlog at reopening and days to clear it.
pub fn fluid_closure(lambda: f64, mu: f64, days: f64) -> (f64, f64) {
    let backlog = lambda * days;
    (backlog, backlog / (mu - lambda))
}

/// Departs when full (sheet §1.3, Newell [Q12]): vessels of `k` units, Poisson
/// arrivals `lambda` per day, a vessel always waiting: mean wait (k - 1) / (2 lambda).
pub fn when_full_wait(k: f64, lambda: f64) -> f64 {
    (k - 1.0) / (2.0 * lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_the_sheet() {
        // Sheet §1 worked values: c=3, a=2.5: C=0.702247, Wq=1.404494; c=3, a=2:
        // C=Wq=0.444444; c=10, a=9: Wq=0.668732.
        assert!((erlang_c(3, 2.5).unwrap() - 0.702_247).abs() < 1e-6);
        assert!((mmc_wait(3, 2.5, 1.0).unwrap() - 1.404_494).abs() < 1e-6);
        assert!((mmc_wait(3, 2.0, 1.0).unwrap() - 0.444_444).abs() < 1e-6);
        assert!((mmc_wait(10, 9.0, 1.0).unwrap() - 0.668_732).abs() < 1e-6);
        // M/M/1: Wq = rho / (mu - lambda) = 9 at lambda 0.9.
        assert!((mmc_wait(1, 0.9, 1.0).unwrap() - 9.0).abs() < 1e-9);
        assert!(erlang_c(3, 3.0).is_none());
    }

    /// Kiefer-Wolfowitz recursion for FCFS G/G/c: each arrival takes the server that
    /// frees first; its wait is max(0, free time - arrival). An independent event-level
    /// simulation of M/M/c.
    fn simulate_mmc(c: usize, lambda: f64, mu: f64, customers: usize, seed: u64) -> f64 {
        use rand::rngs::ChaCha8Rng;
        use rand::{RngExt, SeedableRng};
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut free = vec![0.0f64; c];
        let (mut t, mut total) = (0.0, 0.0);
        let warm = customers / 10;
        for i in 0..customers + warm {
            t += -(1.0 - rng.random::<f64>()).ln() / lambda;
            let (j, &f) = free
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .expect("servers");
            let start = f.max(t);
            if i >= warm {
                total += start - t;
            }
            free[j] = start - (1.0 - rng.random::<f64>()).ln() / mu;
        }
        total / customers as f64
    }

    #[test]
    fn multi_server_simulation_matches_erlang_c_within_2_percent() {
        // M/M/3 at rho = 2/3: Erlang C gives Wq = 0.444444 (sheet §1).
        let exact = mmc_wait(3, 2.0, 1.0).unwrap();
        let sims: f64 = (0..4)
            .map(|s| simulate_mmc(3, 2.0, 1.0, 250_000, 100 + s))
            .sum::<f64>()
            / 4.0;
        assert!((sims / exact - 1.0).abs() < 0.02, "{sims} vs {exact}");
    }
}
