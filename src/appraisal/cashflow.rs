//! Discounted cash flows: NPV, IRR, benefit-cost ratio, payback year, switching values.
//!
//! Conventions (research sheet `appraisal.md` §1, §5): the flow of appraisal year t
//! (t = 0 for the first year) is discounted by (1 + r)^-t, so year-0 capital spending is
//! undiscounted (World Bank toolkit, A12). A spreadsheet's `NPV(r, v1..vn)` discounts
//! its first value by one period (A49): `npv(r, [c0, b1..bn]) = c0 + NPV(r, b1..bn)`.
//! The IRR is the rate at which the NPV is zero (A50), found by bracketing and bisection
//! so that it is reproducible to the bit; with several sign changes the root nearest
//! above -99% is taken. Switching values and sensitivity indicators follow ADB (2005,
//! A4): SV = the % change in a variable that makes NPV = 0; SI = 100 / |SV| (in %).

/// NPV at `rate` of `flows[t]` falling at the end of year t, t = 0 undiscounted.
pub fn npv(rate: f64, flows: &[f64]) -> f64 {
    let mut df = 1.0;
    let mut sum = 0.0;
    for f in flows {
        sum += f * df;
        df /= 1.0 + rate;
    }
    sum
}

/// Discount factors (1 + rate)^-t for t = 0..n.
pub fn discount_factors(rate: f64, n: usize) -> Vec<f64> {
    let mut df = 1.0;
    (0..n)
        .map(|_| {
            let d = df;
            df /= 1.0 + rate;
            d
        })
        .collect()
}

/// The internal rate of return: the rate in (-0.99, 10) at which `npv` is zero, or NaN
/// when the flows never change sign (no such rate).
pub fn irr(flows: &[f64]) -> f64 {
    let has_pos = flows.iter().any(|f| *f > 0.0);
    let has_neg = flows.iter().any(|f| *f < 0.0);
    if !(has_pos && has_neg) {
        return f64::NAN;
    }
    // Scan a grid from low to high rates for the first sign change, then bisect.
    let grid: Vec<f64> = (0..=1100).map(|i| -0.99 + i as f64 * 0.01).collect();
    let mut lo = grid[0];
    let mut f_lo = npv(lo, flows);
    if f_lo == 0.0 {
        return lo;
    }
    for &hi in &grid[1..] {
        let f_hi = npv(hi, flows);
        if f_hi == 0.0 {
            return hi;
        }
        if f_lo.signum() != f_hi.signum() {
            let (mut a, mut b, mut fa) = (lo, hi, f_lo);
            for _ in 0..200 {
                let m = 0.5 * (a + b);
                let fm = npv(m, flows);
                if fm == 0.0 || (b - a) < 1e-15 {
                    return m;
                }
                if fm.signum() == fa.signum() {
                    a = m;
                    fa = fm;
                } else {
                    b = m;
                }
            }
            return 0.5 * (a + b);
        }
        lo = hi;
        f_lo = f_hi;
    }
    f64::NAN
}

/// The first year (index) from which the cumulative discounted flow stays at or above
/// zero, having been negative before; `None` if it never does or is never negative.
pub fn payback_index(rate: f64, flows: &[f64]) -> Option<usize> {
    let mut cum = 0.0;
    let mut df = 1.0;
    let mut since: Option<usize> = None;
    let mut was_negative = false;
    for (t, f) in flows.iter().enumerate() {
        cum += f * df;
        df /= 1.0 + rate;
        if cum < 0.0 {
            was_negative = true;
            since = None;
        } else if since.is_none() {
            since = Some(t);
        }
    }
    if was_negative { since } else { None }
}

/// Switching value of a cost or benefit stream, in % of its present value: the change
/// that brings the NPV to zero (`-npv / pv * 100`, signed: for a cost stream `pv` is
/// negative, so a positive NPV gives a positive switching value, an increase).
pub fn switching_value_pct(npv: f64, pv: f64) -> f64 {
    if pv == 0.0 {
        return f64::NAN;
    }
    -npv / pv * 100.0
}

/// ADB sensitivity indicator: % change in NPV per % change in the variable,
/// = 100 / switching value.
pub fn sensitivity_indicator(switching_value_pct: f64) -> f64 {
    if switching_value_pct == 0.0 || switching_value_pct.is_nan() {
        return f64::NAN;
    }
    -100.0 / switching_value_pct
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C0 = 100 at t = 0, B = 15 at t = 1..30.
    fn annuity_case() -> Vec<f64> {
        let mut f = vec![-100.0];
        f.extend(std::iter::repeat_n(15.0, 30));
        f
    }

    #[test]
    fn npv_equals_the_annuity_closed_form() {
        let f = annuity_case();
        for r in [0.03f64, 0.06, 0.09, 0.12] {
            let closed = -100.0 + 15.0 * (1.0 - (1.0 + r).powi(-30)) / r;
            assert!((npv(r, &f) - closed).abs() < 1e-10, "{r}");
        }
        // Research sheet §5 vectors: 54.1048 at 9%, 106.4725 at 6%.
        assert!((npv(0.09, &f) - 54.1048).abs() < 5e-5);
        assert!((npv(0.06, &f) - 106.4725).abs() < 5e-5);
        // The spreadsheet trap: NPV(9%, -100, 15 x 30) is NPV / 1.09.
        assert!((npv(0.09, &f) / 1.09 - 49.6374).abs() < 5e-5);
    }

    #[test]
    fn irr_solves_the_annuity_and_matches_spreadsheet_cases() {
        let f = annuity_case();
        let r = irr(&f);
        assert!(npv(r, &f).abs() < 1e-9);
        assert!((r - 0.14759).abs() < 5e-6, "{r}");
        // Excel documentation cases (A50, research sheet §5).
        let r = irr(&[-70000.0, 12000.0, 15000.0, 18000.0, 21000.0]);
        assert!((r - -0.0212).abs() < 5e-5, "{r}");
        let r = irr(&[-70000.0, 12000.0, 15000.0, 18000.0, 21000.0, 26000.0]);
        assert!((r - 0.0866).abs() < 5e-5, "{r}");
        let r = irr(&[-70000.0, 12000.0, 15000.0]);
        assert!((r - -0.4435).abs() < 5e-5, "{r}");
        assert!(irr(&[1.0, 2.0]).is_nan());
    }

    #[test]
    fn spreadsheet_npv_cases() {
        // NPV(10%, -10000, 3000, 4200, 6800): the first value one period out.
        let excel = npv(0.10, &[0.0, -10000.0, 3000.0, 4200.0, 6800.0]);
        assert!((excel - 1188.44).abs() < 5e-3, "{excel}");
        // NPV(8%, 8000, 9200, 10000, 12000, 14500) - 40000.
        let v = npv(0.08, &[-40000.0, 8000.0, 9200.0, 10000.0, 12000.0, 14500.0]);
        assert!((v - 1922.06).abs() < 5e-3, "{v}");
        let v = npv(
            0.08,
            &[-40000.0, 8000.0, 9200.0, 10000.0, 12000.0, 14500.0, -9000.0],
        );
        assert!((v - -3749.47).abs() < 5e-3, "{v}");
    }

    #[test]
    fn switching_values_match_the_bank_example() {
        let f = annuity_case();
        let n = npv(0.09, &f);
        let pv_cost = -100.0;
        let pv_benefit = n + 100.0;
        let sv_c = switching_value_pct(n, pv_cost);
        let sv_b = switching_value_pct(n, pv_benefit);
        assert!((sv_c - 54.10).abs() < 5e-3, "{sv_c}");
        assert!((sv_b - -35.11).abs() < 5e-3, "{sv_b}");
        // SI = 100 / SV: capex -1.848, benefits 2.848 (research sheet §5).
        assert!((sensitivity_indicator(sv_c) - -1.848).abs() < 5e-4);
        assert!((sensitivity_indicator(sv_b) - 2.848).abs() < 5e-4);
        // Raising the cost by the switching value brings NPV to zero.
        let mut g = f.clone();
        g[0] *= 1.0 + sv_c / 100.0;
        assert!(npv(0.09, &g).abs() < 1e-9);
    }

    #[test]
    fn payback_is_when_the_cumulative_turns_for_good() {
        let f = annuity_case();
        let t = payback_index(0.09, &f).unwrap();
        let cum = |n: usize| npv(0.09, &f[..=n]);
        assert!(cum(t) >= 0.0 && cum(t - 1) < 0.0);
        assert_eq!(payback_index(0.09, &[1.0, 1.0]), None);
    }
}
