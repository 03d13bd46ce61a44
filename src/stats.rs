//! Summaries of a figure across replications: mean, standard deviation, percentiles.
//!
//! Percentiles are exact order statistics interpolated linearly between the two
//! nearest ranks (Hyndman and Fan, 1996, definition 7; the default of R and NumPy):
//! for n sorted values x_1..x_n, p -> h = (n - 1) p, x_floor(h) + (h - floor(h)) (x_ceil(h) - x_floor(h)).
//! The standard deviation is the sample one (n - 1 in the denominator; 0 for n = 1).
//! Values are always accumulated in replication order, so sums are reproducible.

/// The percentiles reported for every figure.
pub const PERCENTILES: [f64; 5] = [0.05, 0.25, 0.50, 0.75, 0.95];
/// Column suffixes matching `PERCENTILES`.
pub const PERCENTILE_NAMES: [&str; 5] = ["p5", "p25", "p50", "p75", "p95"];

/// One figure summarised over replications. NaN where no replication had a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    pub sd: f64,
    pub p: [f64; 5],
    /// How many replications had a value.
    pub n: usize,
}

impl Summary {
    pub const EMPTY: Summary = Summary {
        mean: f64::NAN,
        sd: f64::NAN,
        p: [f64::NAN; 5],
        n: 0,
    };

    /// Summarises `values` (any order; NaN values are ignored). Sorts in place.
    pub fn of(values: &mut [f64]) -> Summary {
        let mut n = 0;
        for i in 0..values.len() {
            if !values[i].is_nan() {
                values[n] = values[i];
                n += 1;
            }
        }
        let v = &mut values[..n];
        if v.is_empty() {
            return Summary::EMPTY;
        }
        // Mean and variance in the order given (replication order), then sort.
        let mean = v.iter().sum::<f64>() / n as f64;
        let sd = if n > 1 {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        } else {
            0.0
        };
        v.sort_by(f64::total_cmp);
        let mut p = [0.0; 5];
        for (out, q) in p.iter_mut().zip(PERCENTILES) {
            *out = quantile_sorted(v, q);
        }
        Summary { mean, sd, p, n }
    }
}

/// Definition-7 quantile of sorted values.
pub fn quantile_sorted(v: &[f64], q: f64) -> f64 {
    let h = (v.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_numpy_linear_percentiles() {
        // numpy.percentile([1..10], [5, 25, 50, 75, 95]) = 1.45, 3.25, 5.5, 7.75, 9.55
        let mut v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let s = Summary::of(&mut v);
        let want = [1.45, 3.25, 5.5, 7.75, 9.55];
        for (got, want) in s.p.iter().zip(want) {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(s.mean, 5.5);
        // Sample sd of 1..10 = sqrt(55/6).
        assert!((s.sd - (55.0_f64 / 6.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn single_value_and_nans() {
        let mut v = vec![f64::NAN, 3.0, f64::NAN];
        let s = Summary::of(&mut v);
        assert_eq!((s.mean, s.sd, s.p[0], s.p[4], s.n), (3.0, 0.0, 3.0, 3.0, 1));
        assert_eq!(Summary::of(&mut [f64::NAN]).n, 0);
    }
}
