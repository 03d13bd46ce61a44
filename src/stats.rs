//! Summaries of a figure across replications: mean, standard deviation, percentiles.
//!
//! Percentiles are exact order statistics interpolated linearly between the two
//! nearest ranks (Hyndman and Fan, 1996, definition 7; the default of R and NumPy):
//! for n sorted values x_1..x_n, p -> h = (n - 1) p, x_floor(h) + (h - floor(h)) (x_ceil(h) - x_floor(h)).
//! The standard deviation is the sample one (n - 1 in the denominator; 0 for n = 1).
//! Values are always accumulated in replication order, so sums are reproducible.
//!
//! Memory stays bounded: an `Acc` keeps every value (exact percentiles) until the run
//! as a whole holds `EXACT_BUDGET` values; then every figure switches to a sketch with
//! logarithmic buckets (DDSketch: Masson, Rim and Lee, 2019, "DDSketch: a fast and
//! fully-mergeable quantile sketch with relative-error guarantees", PVLDB 12(12)) whose
//! percentiles are within 0.5% (relative) of the exact order statistics. Mean and
//! standard deviation stay exact (Welford's online algorithm). The switch happens after
//! the same replication on every run, so results stay reproducible.

/// Values held exactly, over all figures, before switching to sketches (256 MiB).
pub const EXACT_BUDGET: usize = 32 * 1024 * 1024;
/// Relative accuracy of sketched percentiles.
pub const SKETCH_ACCURACY: f64 = 0.005;

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

/// The values of one figure across replications.
#[derive(Debug, Clone)]
pub enum Acc {
    Exact(Vec<f64>),
    Sketch(Box<Sketch>),
}

impl Default for Acc {
    fn default() -> Self {
        Acc::Exact(Vec::new())
    }
}

impl Acc {
    #[inline]
    pub fn push(&mut self, v: f64) {
        match self {
            Acc::Exact(values) => values.push(v),
            Acc::Sketch(sk) => sk.push(v),
        }
    }

    /// Values pushed so far (NaN included).
    pub fn len(&self) -> usize {
        match self {
            Acc::Exact(values) => values.len(),
            Acc::Sketch(sk) => sk.pushed,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Turns exact storage into a sketch, feeding the values in the order they came.
    pub fn switch_to_sketch(&mut self) {
        if let Acc::Exact(values) = self {
            let mut sk = Sketch::default();
            for &v in values.iter() {
                sk.push(v);
            }
            *self = Acc::Sketch(Box::new(sk));
        }
    }

    /// Pads with zeros up to `n` values (replications where the figure did not exist
    /// and so carried nothing).
    pub fn pad_zeros(&mut self, n: usize) {
        while self.len() < n {
            self.push(0.0);
        }
    }

    pub fn summary(&mut self) -> Summary {
        match self {
            Acc::Exact(values) => Summary::of(values),
            Acc::Sketch(sk) => sk.summary(),
        }
    }
}

/// Logarithmic-bucket quantile sketch with exact mean and variance.
#[derive(Debug, Clone, Default)]
pub struct Sketch {
    pushed: usize,
    n: usize,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
    zeros: u64,
    positive: Buckets,
    negative: Buckets,
    /// The last |value| bucketed and its bucket index: a cache (many figures repeat
    /// from one replication to the next), so that a repeat costs no logarithm
    /// (performance, issue 15). 0 (never looked up) until the first non-zero value.
    memo_abs: f64,
    memo_idx: i32,
}

/// Counts of contiguous bucket indices `offset..offset + counts.len()`.
#[derive(Debug, Clone, Default)]
struct Buckets {
    offset: i32,
    counts: Vec<u64>,
}

impl Buckets {
    #[inline]
    fn add(&mut self, i: i32) {
        if self.counts.is_empty() {
            self.offset = i;
            self.counts.push(1);
            return;
        }
        if i < self.offset {
            let grow = (self.offset - i) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = i;
        }
        let at = (i - self.offset) as usize;
        if at >= self.counts.len() {
            self.counts.resize(at + 1, 0);
        }
        self.counts[at] += 1;
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = (i32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(k, c)| (self.offset + k as i32, *c))
    }
}

/// The ratio between consecutive bucket bounds.
fn gamma() -> f64 {
    (1.0 + SKETCH_ACCURACY) / (1.0 - SKETCH_ACCURACY)
}

/// ln of the bucket ratio gamma, computed once.
fn ln_gamma() -> f64 {
    static LN: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *LN.get_or_init(|| gamma().ln())
}

impl Sketch {
    pub fn push(&mut self, v: f64) {
        self.pushed += 1;
        if v.is_nan() {
            return;
        }
        self.n += 1;
        if self.n == 1 {
            self.min = v;
            self.max = v;
        } else {
            self.min = self.min.min(v);
            self.max = self.max.max(v);
        }
        let delta = v - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (v - self.mean);
        if v == 0.0 {
            self.zeros += 1;
            return;
        }
        // Values beyond f64's finite range saturate to the extreme buckets (reported as
        // min or max); the clamp keeps the bucket range small.
        let abs = v.abs();
        let idx = if abs == self.memo_abs {
            self.memo_idx
        } else {
            let idx = ceil_index((abs.ln() / ln_gamma()).clamp(-200_000.0, 200_000.0));
            (self.memo_abs, self.memo_idx) = (abs, idx);
            idx
        };
        if v > 0.0 {
            self.positive.add(idx);
        } else {
            self.negative.add(idx);
        }
    }

    /// The value of rank `k` (0-based) in sorted order, within the sketch's accuracy.
    fn value_at(&self, k: u64) -> f64 {
        let g = gamma();
        let rep = |i: i32| 2.0 * g.powi(i) / (g + 1.0);
        let mut seen = 0;
        for (i, c) in self.negative.iter().rev() {
            seen += c;
            if k < seen {
                return (-rep(i)).clamp(self.min, self.max);
            }
        }
        seen += self.zeros;
        if k < seen {
            return 0.0;
        }
        for (i, c) in self.positive.iter() {
            seen += c;
            if k < seen {
                return rep(i).clamp(self.min, self.max);
            }
        }
        self.max
    }

    pub fn summary(&self) -> Summary {
        if self.n == 0 {
            return Summary::EMPTY;
        }
        let sd = if self.n > 1 {
            (self.m2 / (self.n - 1) as f64).sqrt()
        } else {
            0.0
        };
        let mut p = [0.0; 5];
        for (out, q) in p.iter_mut().zip(PERCENTILES) {
            let h = (self.n - 1) as f64 * q;
            let (lo, hi) = (h.floor() as u64, h.ceil() as u64);
            let (a, b) = (self.value_at(lo), self.value_at(hi));
            *out = a + (h - lo as f64) * (b - a);
        }
        Summary {
            mean: self.mean,
            sd,
            p,
            n: self.n,
        }
    }
}

/// `x.ceil() as i32` for `x` within +-200,000 (as clamped above), without the libm
/// call that `ceil` compiles to on baseline x86-64: the same value for every such `x`
/// (performance, issue 15).
#[inline]
fn ceil_index(x: f64) -> i32 {
    let t = x as i32; // truncation towards zero
    if f64::from(t) < x { t + 1 } else { t }
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
    fn sketch_percentiles_are_within_their_relative_accuracy() {
        // A skewed sample: x_i = exp(i / 1000) for i in 0..5000, in scrambled order.
        let mut values: Vec<f64> = (0..5000u64)
            .map(|i| ((i * 2_654_435_761) % 5000) as f64 / 1000.0)
            .map(f64::exp)
            .collect();
        let mut exact = Acc::Exact(values.clone());
        let mut sketch = Acc::Exact(values.clone());
        sketch.switch_to_sketch();
        let (e, s) = (exact.summary(), sketch.summary());
        for (a, b) in e.p.iter().zip(s.p) {
            assert!(
                (a - b).abs() <= 2.0 * SKETCH_ACCURACY * a.abs(),
                "{a} vs {b}"
            );
        }
        assert!((e.mean - s.mean).abs() < 1e-9 * e.mean);
        assert!((e.sd - s.sd).abs() < 1e-9 * e.sd);
        // Zeros, negatives and NaN.
        values = vec![-5.0, 0.0, 0.0, 3.0, f64::NAN, 10.0];
        let mut sk = Sketch::default();
        values.iter().for_each(|v| sk.push(*v));
        let sm = sk.summary();
        assert_eq!(sm.n, 5);
        assert_eq!(sm.p[2], 0.0);
        assert!((sm.p[0] - (-5.0 + 0.2 * 5.0)).abs() < 0.1);
    }

    #[test]
    fn the_bucket_index_is_the_ceiling() {
        for x in [
            -200_000.0, -1234.5, -3.0, -2.999, -0.5, -0.0, 0.0, 1e-300, 0.5, 2.0, 2.0001,
            199_999.2, 200_000.0,
        ] {
            assert_eq!(ceil_index(x), x.ceil() as i32, "{x}");
        }
    }

    #[test]
    fn single_value_and_nans() {
        let mut v = vec![f64::NAN, 3.0, f64::NAN];
        let s = Summary::of(&mut v);
        assert_eq!((s.mean, s.sd, s.p[0], s.p[4], s.n), (3.0, 0.0, 3.0, 3.0, 1));
        assert_eq!(Summary::of(&mut [f64::NAN]).n, 0);
    }
}
