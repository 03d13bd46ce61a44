//! Shippers' benefit: the change in consumer surplus of a flow between base and policy.
//!
//! - Logsum (exact for the logit route choice; McFadden 1981, Small and Rosen 1981;
//!   research sheet A21): the composite cost of a flow is
//!   CC = -(1/theta) ln sum_r exp(-theta c_r + ln PS_r), and with demand T0 -> T1
//!   dCS = 1/2 (T0 + T1) (CC0 - CC1), which is T (CC0 - CC1) exactly when demand is
//!   fixed and the rule of a half on the composite cost when it is elastic (A18, §2 of
//!   the sheet: "use RoH at OD level on composite cost").
//! - Rule of a half (A11, A18): per route present in both runs,
//!   dCS = sum_r 1/2 (T_r0 + T_r1) (c_r0 - c_r1). Under the deterministic (Wardrop) model
//!   every used route costs the same, and the flow-level form 1/2 (T0 + T1) (C0 - C1) on
//!   the equilibrium cost is used. A route that exists in one run only has no cost in
//!   the other, so the rule of a half leaves it out (it is undefined for a new option,
//!   TRN-11, A13): for a new corridor it understates the gain and the logsum is the
//!   measure to read.

/// The logit composite cost (USD/t) of routes given as (cost, ln path-size), computed
/// stably around the cheapest; NaN when there is no route. The closed form for hand
/// computations and tests; the appraisal reads the simulation's own composite cost
/// (`demand::composite_cost`, period-weighted, recorded in `YearFigures::induced`).
pub fn composite_cost(theta_per_usd: f64, routes: impl Iterator<Item = (f64, f64)> + Clone) -> f64 {
    let best = routes
        .clone()
        .map(|(c, ps)| -theta_per_usd * c + ps)
        .fold(f64::NEG_INFINITY, f64::max);
    if !best.is_finite() {
        return f64::NAN;
    }
    let sum: f64 = routes
        .map(|(c, ps)| crate::exp::exp(-theta_per_usd * c + ps - best))
        .sum();
    -(best + sum.ln()) / theta_per_usd
}

/// The rule of a half: 1/2 (T0 + T1) (C0 - C1); zero when a cost is undefined.
pub fn rule_of_half(t0: f64, t1: f64, c0: f64, c1: f64) -> f64 {
    if !(c0.is_finite() && c1.is_finite()) {
        return 0.0;
    }
    0.5 * (t0 + t1) * (c0 - c1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Binary logit, theta = 0.01 per USD; costs (1000, 1100) -> (1000, 1050); one
    /// shipment. Research sheet §2: logsum 16.08, rule of a half 16.16 USD.
    #[test]
    fn logsum_and_rule_of_half_agree_on_a_small_change() {
        let theta = 0.01;
        let c0 = [1000.0, 1100.0];
        let c1 = [1000.0, 1050.0];
        let share = |c: &[f64; 2], r: usize| {
            let e: Vec<f64> = c.iter().map(|x| (-theta * x).exp()).collect();
            e[r] / (e[0] + e[1])
        };
        let cc0 = composite_cost(theta, c0.iter().map(|c| (*c, 0.0)));
        let cc1 = composite_cost(theta, c1.iter().map(|c| (*c, 0.0)));
        let logsum = rule_of_half(1.0, 1.0, cc0, cc1);
        // Hand computation: CC = 1000 - 100 ln(1 + exp(-theta (c2 - 1000))).
        let hand0 = 1000.0 - 100.0 * (1.0 + (-1.0f64).exp()).ln();
        let hand1 = 1000.0 - 100.0 * (1.0 + (-0.5f64).exp()).ln();
        assert!((cc0 - hand0).abs() < 1e-9 && (cc1 - hand1).abs() < 1e-9);
        assert!((logsum - 16.08).abs() < 5e-3, "{logsum}");
        let roh: f64 = (0..2)
            .map(|r| rule_of_half(share(&c0, r), share(&c1, r), c0[r], c1[r]))
            .sum();
        assert!((roh - 16.16).abs() < 5e-3, "{roh}");
        assert!((roh - logsum).abs() / logsum < 0.006);
        // A smaller change: the two agree more closely (second order in the change).
        let c2 = [1000.0, 1095.0];
        let cc2 = composite_cost(theta, c2.iter().map(|c| (*c, 0.0)));
        let ls2 = rule_of_half(1.0, 1.0, cc0, cc2);
        let roh2: f64 = (0..2)
            .map(|r| rule_of_half(share(&c0, r), share(&c2, r), c0[r], c2[r]))
            .sum();
        assert!((roh2 - ls2).abs() / ls2 < 1e-3, "{roh2} {ls2}");
    }

    /// A new option at 1050 next to one at 1000: logsum gain 47.41 USD (sheet §2).
    #[test]
    fn a_new_option_is_valued_by_the_logsum() {
        let theta = 0.01;
        let cc0 = composite_cost(theta, [(1000.0, 0.0)].into_iter());
        let cc1 = composite_cost(theta, [(1000.0, 0.0), (1050.0, 0.0)].into_iter());
        assert!((cc0 - 1000.0).abs() < 1e-12);
        assert!((rule_of_half(1.0, 1.0, cc0, cc1) - 47.41).abs() < 5e-3);
        assert!(composite_cost(theta, std::iter::empty()).is_nan());
    }
}
