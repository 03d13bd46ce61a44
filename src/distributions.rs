//! Probability distributions for uncertain inputs, sampled by inverse transform.
//!
//! Every distribution is drawn as `quantile(u)` from one uniform `u` in (0, 1). This
//! has three uses: parameters that share a draw move together exactly (the same `u`,
//! a comonotonic coupling); the nominal value used for candidate routes is
//! `quantile(0.5)`, the median; and the values do not depend on a sampling algorithm
//! inside a library version, only on the uniform stream of a named generator.
//!
//! Sources: the normal quantile is Acklam's rational approximation (relative error
//! below 1.15e-9); the normal CDF uses the complementary
//! error function of W. J. Cody's rational Chebyshev approximations as given in
//! Numerical Recipes, 3rd ed., §6.2 (`erfc` with fractional error below 1.2e-7 is
//! enough for truncation bounds); the regularized incomplete beta function for PERT is
//! the continued fraction of Numerical Recipes §6.4.

/// A validated distribution with its parameters in the unit of the key it stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Normal, optionally truncated to `[lower, upper]` (infinite bounds when absent).
    Normal {
        mean: f64,
        sd: f64,
        lower: f64,
        upper: f64,
    },
    /// Lognormal with `ln X ~ N(mu, sigma)`.
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    /// PERT: a beta distribution on `[min, max]` with shape from the mode (lambda = 4).
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// A finite set of values with probabilities summing to 1 (cumulative kept).
    Discrete {
        values: Vec<f64>,
        cumulative: Vec<f64>,
    },
}

/// The standard normal quantile of the 90th percentile, used for median/p90 lognormals.
pub const Z90: f64 = 1.281_551_565_544_600_4;

impl Dist {
    /// The value at cumulative probability `u` (0 < u < 1).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = u.clamp(1e-15, 1.0 - 1e-15);
        match *self {
            Dist::Uniform { min, max } => min + u * (max - min),
            Dist::Triangular { min, mode, max } => {
                let width = max - min;
                if width <= 0.0 {
                    return min;
                }
                let f = (mode - min) / width;
                if u < f {
                    min + (u * width * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * width * (max - mode)).sqrt()
                }
            }
            Dist::Normal {
                mean,
                sd,
                lower,
                upper,
            } => {
                if lower == f64::NEG_INFINITY && upper == f64::INFINITY {
                    return mean + sd * normal_quantile(u);
                }
                let a = normal_cdf((lower - mean) / sd);
                let b = normal_cdf((upper - mean) / sd);
                let x = mean + sd * normal_quantile((a + u * (b - a)).clamp(1e-15, 1.0 - 1e-15));
                x.clamp(lower, upper)
            }
            Dist::LogNormal { mu, sigma } => (mu + sigma * normal_quantile(u)).exp(),
            Dist::Pert { min, mode, max } => {
                let width = max - min;
                if width <= 0.0 {
                    return min;
                }
                let (a, b) = pert_shape(min, mode, max);
                min + width * beta_quantile(u, a, b)
            }
            Dist::Discrete {
                ref values,
                ref cumulative,
            } => {
                let i = cumulative.partition_point(|&c| c < u);
                values[i.min(values.len() - 1)]
            }
        }
    }

    /// The median, used wherever one representative value is needed.
    pub fn median(&self) -> f64 {
        self.quantile(0.5)
    }

    /// The smallest and largest values the distribution can produce.
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Uniform { min, max }
            | Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. } => (min, max),
            Dist::Normal { lower, upper, .. } => (lower, upper),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
            Dist::Discrete { ref values, .. } => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                }),
        }
    }
}

/// PERT beta shape parameters with the usual lambda = 4.
fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let width = max - min;
    (
        1.0 + 4.0 * (mode - min) / width,
        1.0 + 4.0 * (max - mode) / width,
    )
}

/// Standard normal quantile: Acklam's rational approximation (relative error < 1.15e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

/// Standard normal CDF.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes `erfcc`, fractional error < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// ln Gamma by the Lanczos approximation (g = 7, n = 9).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Continued fraction for the incomplete beta function (Numerical Recipes `betacf`).
fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const FPMIN: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < FPMIN {
        d = FPMIN;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < FPMIN {
            d = FPMIN;
        }
        c = 1.0 + aa / c;
        if c.abs() < FPMIN {
            c = FPMIN;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < FPMIN {
            d = FPMIN;
        }
        c = 1.0 + aa / c;
        if c.abs() < FPMIN {
            c = FPMIN;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Regularized incomplete beta function I_x(a, b).
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

/// Beta quantile by bisection (monotone, 64 halvings reach f64 resolution on [0, 1]).
fn beta_quantile(u: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..64 {
        let mid = 0.5 * (lo + hi);
        if beta_cdf(mid, a, b) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantile_matches_tabulated_values() {
        // Standard tables: z(0.975) = 1.959963984540054, z(0.05) = -1.6448536269514722.
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-7);
        assert!((normal_quantile(0.05) + 1.644_853_626_951_472_2).abs() < 1e-7);
        assert!((normal_quantile(0.9) - Z90).abs() < 1e-7);
        assert!(normal_quantile(0.5).abs() < 1e-9);
    }

    #[test]
    fn triangular_quantile_inverts_its_cdf() {
        let d = Dist::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 4.0,
        };
        // CDF below the mode: (x-min)^2 / ((max-min)(mode-min)); at x = 1 it is 0.25.
        assert!((d.quantile(0.25) - 1.0).abs() < 1e-12);
        // Above: 1 - (max-x)^2/((max-min)(max-mode)); at x = 3: 1 - 1/12.
        assert!((d.quantile(1.0 - 1.0 / 12.0) - 3.0).abs() < 1e-9);
    }

    #[test]
    fn pert_symmetric_median_is_mode_and_beta_cdf_is_exact_for_uniform() {
        let d = Dist::Pert {
            min: 2.0,
            mode: 5.0,
            max: 8.0,
        };
        assert!((d.median() - 5.0).abs() < 1e-9);
        // Beta(1, 1) is uniform; Beta(2, 1) has CDF x^2.
        assert!((beta_cdf(0.3, 1.0, 1.0) - 0.3).abs() < 1e-12);
        assert!((beta_cdf(0.3, 2.0, 1.0) - 0.09).abs() < 1e-12);
    }

    #[test]
    fn lognormal_from_median_and_p90() {
        let (median, p90) = (10.0_f64, 25.0_f64);
        let d = Dist::LogNormal {
            mu: median.ln(),
            sigma: (p90 / median).ln() / Z90,
        };
        assert!((d.median() - 10.0).abs() < 1e-9);
        assert!((d.quantile(0.9) - 25.0).abs() < 1e-6);
    }

    #[test]
    fn truncated_normal_stays_within_bounds() {
        let d = Dist::Normal {
            mean: 0.0,
            sd: 1.0,
            lower: -0.5,
            upper: 2.0,
        };
        for i in 1..100 {
            let x = d.quantile(i as f64 / 100.0);
            assert!((-0.5..=2.0).contains(&x));
        }
    }

    #[test]
    fn discrete_follows_cumulative_probabilities() {
        let d = Dist::Discrete {
            values: vec![2028.0, 2029.0, 2031.0],
            cumulative: vec![0.3, 0.8, 1.0],
        };
        assert_eq!(d.quantile(0.1), 2028.0);
        assert_eq!(d.quantile(0.31), 2029.0);
        assert_eq!(d.quantile(0.85), 2031.0);
        assert_eq!(d.median(), 2029.0);
    }
}
