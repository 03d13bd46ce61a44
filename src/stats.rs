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
//! standard deviation stay exact: the sketch keeps the exact sums of the values and of
//! their squares (`exact_sum`), so every field of a sketch (counts, buckets, extremes,
//! sums) depends only on the values pushed, not on their order: sketches of parts of a
//! study (shards on other machines) merge into exactly the sketch of the whole, and
//! when the switch happens does not matter.

use crate::exact_sum::{ExactSum, total_max, total_min};

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

    /// Pushes every value of `values`, in order: as `push` on each.
    #[inline]
    pub fn push_many(&mut self, values: &[f64]) {
        match self {
            Acc::Exact(held) => held.extend_from_slice(values),
            Acc::Sketch(sk) => sk.push_many(values),
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
            sk.push_many(values);
            *self = Acc::Sketch(Box::new(sk));
        }
    }

    /// Pads with zeros up to `n` values (replications where the figure did not exist
    /// and so carried nothing).
    pub fn pad_zeros(&mut self, n: usize) {
        let missing = n.saturating_sub(self.len());
        if missing == 0 {
            return;
        }
        match self {
            Acc::Exact(values) => values.resize(values.len() + missing, 0.0),
            Acc::Sketch(sk) => sk.push_repeated(0.0, missing),
        }
    }

    pub fn summary(&mut self) -> Summary {
        match self {
            Acc::Exact(values) => Summary::of(values),
            Acc::Sketch(sk) => sk.summary(),
        }
    }

    /// Appends the values of `later` (figures of later replications): exact values are
    /// concatenated in order; if either side is a sketch both become one and merge.
    pub fn append(&mut self, later: Acc) {
        match (&mut *self, later) {
            (Acc::Exact(a), Acc::Exact(b)) => a.extend_from_slice(&b),
            (_, mut b) => {
                self.switch_to_sketch();
                b.switch_to_sketch();
                if let (Acc::Sketch(a), Acc::Sketch(b)) = (self, b) {
                    a.merge(&b);
                }
            }
        }
    }
}

/// Logarithmic-bucket quantile sketch with exact mean and variance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sketch {
    pub(crate) pushed: usize,
    pub(crate) n: usize,
    pub(crate) sums: ExactSum,
    pub(crate) min: f64,
    pub(crate) max: f64,
    pub(crate) zeros: u64,
    pub(crate) positive: Buckets,
    pub(crate) negative: Buckets,
}

/// Counts of contiguous bucket indices `offset..offset + counts.len()`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Buckets {
    pub(crate) offset: i32,
    pub(crate) counts: Vec<u64>,
}

impl Buckets {
    /// Adds `count` to bucket `i`.
    #[inline]
    fn add(&mut self, i: i32, count: u64) {
        // The common case: a bucket already in range.
        if let Some(c) = self
            .counts
            .get_mut(i.wrapping_sub(self.offset) as u32 as usize)
        {
            *c += count;
            return;
        }
        self.add_outside(i, count);
    }

    /// Adds a count to a bucket outside the current range (or the first one).
    #[cold]
    fn add_outside(&mut self, i: i32, count: u64) {
        if self.counts.is_empty() {
            self.offset = i;
            self.counts.push(count);
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
        self.counts[at] += count;
    }

    /// Adds another set of counts.
    fn merge(&mut self, other: &Buckets) {
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            *self = other.clone();
            return;
        }
        if other.offset < self.offset {
            let grow = (self.offset - other.offset) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = other.offset;
        }
        let at = (other.offset - self.offset) as usize;
        if at + other.counts.len() > self.counts.len() {
            self.counts.resize(at + other.counts.len(), 0);
        }
        for (c, o) in self.counts[at..].iter_mut().zip(&other.counts) {
            *c += o;
        }
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

/// ln of the bucket ratio gamma: `gamma().ln()` to the bit (a test checks it), as a
/// constant so that the hot path reads no lazily initialised value.
const LN_GAMMA: f64 = 0.010_000_083_334_583_179;

/// ln of the bucket ratio gamma.
#[inline]
fn ln_gamma() -> f64 {
    LN_GAMMA
}

/// The bucket of a positive value: ceil(ln(x) / ln(gamma)), clamped. Values beyond
/// f64's finite range saturate to the extreme buckets (reported as min or max); the
/// clamp keeps the bucket range small. This is the definition; `bucket_index` computes
/// the same integer faster.
fn bucket_index_exact(x: f64) -> i32 {
    (x.ln() / ln_gamma()).ceil().clamp(-200_000.0, 200_000.0) as i32
}

/// Mantissa bits that pick a cell of an exponent's bucket table: 256 cells an octave,
/// each 0.39% wide at most, narrower than a bucket (ln(gamma) = 1%), so a cell holds
/// at most one bucket bound.
const CELL_BITS: u32 = 8;
const MANTISSA: u64 = (1 << 52) - 1;

/// Where the bucket index changes within one cell of mantissas (see `bucket_table`).
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// The index of the cell's mantissas below `lo`.
    index: i32,
    /// Mantissas in `lo..=hi` are too close to a bucket bound to call: the definition
    /// decides. Those above `hi` are in bucket `index + 1`. A cell without a bound has
    /// both at `u64::MAX` (no 52-bit mantissa reaches it).
    lo: u64,
    hi: u64,
}

/// How far (in units of ln(gamma)) from a bucket bound a value must lie for the cell
/// table to place it: the definition's floating-point result is within 1e-10 of the
/// true ln(x) / ln(gamma), so beyond this margin both round up alike.
const BOUND_MARGIN: f64 = 2e-7;

/// The cells of biased exponent `e` (1..=2046), built on first use: for each cell the
/// integers k with ln(x) / ln(gamma) within `BOUND_MARGIN` (widened by half as much
/// again for the estimate of the cell's ends) of k somewhere in the cell. None: the
/// whole cell has one index. One: below k's margin the index is k, above it k + 1, in
/// it the definition decides. More (never, for this gamma): the definition decides
/// for the whole cell.
fn bucket_table(e: usize) -> &'static [Cell; 1 << CELL_BITS] {
    static TABLES: [std::sync::OnceLock<Box<[Cell; 1 << CELL_BITS]>>; 2048] =
        [const { std::sync::OnceLock::new() }; 2048];
    TABLES[e].get_or_init(|| {
        let exponent = (e as u64) << 52;
        let shift = 52 - CELL_BITS;
        let mut cells = Box::new(
            [Cell {
                index: 0,
                lo: u64::MAX,
                hi: u64::MAX,
            }; 1 << CELL_BITS],
        );
        for (j, cell) in cells.iter_mut().enumerate() {
            let first = (j as u64) << shift;
            let last = first | ((1 << shift) - 1);
            let t = |m: u64| f64::from_bits(exponent | m).ln() / ln_gamma();
            let (t0, t1) = (t(first), t(last));
            let widen = 1.5 * BOUND_MARGIN;
            let (k0, k1) = ((t0 - widen).ceil(), (t1 + widen).floor());
            if k1 < k0 {
                cell.index = bucket_index_exact(f64::from_bits(exponent | first));
            } else if k1 == k0 {
                // The mantissa bits of gamma^(k -+ margin), clamped to the cell.
                let bits_at = |u: f64| {
                    let x = (u * ln_gamma()).exp().to_bits();
                    if x >> 52 < e as u64 {
                        first
                    } else if x >> 52 > e as u64 {
                        last
                    } else {
                        (x & MANTISSA).clamp(first, last)
                    }
                };
                *cell = Cell {
                    index: k0 as i32,
                    lo: bits_at(k0 - BOUND_MARGIN),
                    hi: bits_at(k0 + BOUND_MARGIN),
                };
            } else {
                *cell = Cell {
                    index: 0,
                    lo: 0,
                    hi: u64::MAX - 1,
                };
            }
        }
        cells
    })
}

/// `bucket_index_exact(x)` for a positive x, mostly without a call to `ln`: the cell
/// of x's exponent and top mantissa bits gives the index, and for values within
/// `BOUND_MARGIN` of a bucket bound (about one in 10^7) the definition decides, as it
/// does for subnormal and non-finite values. The result is therefore identical to
/// `bucket_index_exact`.
#[inline]
fn bucket_index(x: f64) -> i32 {
    let e = (x.to_bits() >> 52) as usize;
    if e == 0 || e >= 0x7ff {
        return bucket_index_exact(x);
    }
    index_in(bucket_table(e), x)
}

/// `bucket_index(x)` from the cell table of x's exponent (a normal x).
#[inline]
fn index_in(table: &[Cell; 1 << CELL_BITS], x: f64) -> i32 {
    let m = x.to_bits() & MANTISSA;
    let cell = table[(m >> (52 - CELL_BITS)) as usize];
    // `lo <= m <= hi` in one unsigned compare (no branch on where m lies: values fall
    // on either side of a cell's bound unpredictably).
    if m.wrapping_sub(cell.lo) <= cell.hi.wrapping_sub(cell.lo) {
        return bucket_index_exact(x);
    }
    cell.index + i32::from(m > cell.hi)
}

/// The bucket of every value in `lo..=hi` (positive, `lo <= hi`) when both ends lie in
/// the same bucket clear of its bounds: `None` when either is within `BOUND_MARGIN`
/// of a bound (or not a normal number) or the two are in different buckets. Clear of
/// the bounds the definition's ln(x) / ln(gamma) is within 1e-10 of the true value
/// (what the cell tables rest on), and the true value rises with x, so every value
/// between the ends has the ends' bucket, as `bucket_index` would say one by one.
#[inline]
fn one_bucket(lo: f64, hi: f64) -> Option<i32> {
    let clear = |x: f64| {
        let e = (x.to_bits() >> 52) as usize;
        if e == 0 || e >= 0x7ff {
            return None;
        }
        let table = bucket_table(e);
        let m = x.to_bits() & MANTISSA;
        let cell = table[(m >> (52 - CELL_BITS)) as usize];
        (m.wrapping_sub(cell.lo) > cell.hi.wrapping_sub(cell.lo))
            .then(|| cell.index + i32::from(m > cell.hi))
    };
    let i = clear(lo)?;
    (clear(hi)? == i).then_some(i)
}

/// `bucket_index` with the bucket table of the last exponent at hand: the values of one
/// figure across replications mostly share an exponent, so its table is looked up
/// (through its `OnceLock`) only when the exponent changes; about 3% less time folding
/// a chunk (docs/PERFORMANCE.md, wave 9).
struct Indexer {
    e: usize,
    table: &'static [Cell; 1 << CELL_BITS],
}

impl Indexer {
    fn new() -> Indexer {
        Indexer {
            e: 0x3ff,
            table: bucket_table(0x3ff),
        }
    }

    /// `bucket_index(x)` for a positive x.
    #[inline]
    fn index(&mut self, x: f64) -> i32 {
        let e = (x.to_bits() >> 52) as usize;
        if e != self.e {
            if e == 0 || e >= 0x7ff {
                return bucket_index_exact(x);
            }
            self.e = e;
            self.table = bucket_table(e);
        }
        index_in(self.table, x)
    }
}

impl Sketch {
    /// Pushes one value (see `push_many`).
    pub fn push(&mut self, v: f64) {
        self.push_many(std::slice::from_ref(&v));
    }

    /// Pushes every value of `values` (NaN counted in `pushed` only); how the values
    /// are split into blocks does not change the sketch (the exact sums are added per
    /// block, see `ExactSum::push_many`).
    pub fn push_many(&mut self, values: &[f64]) {
        // A block of one repeated value (a figure no draw reaches that year: about two
        // values in five of the default scenario's) is counted at once.
        if let [first, rest @ ..] = values
            && !rest.is_empty()
            && rest.iter().all(|v| v.to_bits() == first.to_bits())
            && self.count_repeated(*first, values.len())
        {
            return;
        }
        self.pushed += values.len();
        // The block's count and extremes first (NaN skipped: every comparison with NaN
        // is false). Float order is total order but for the sign of zero, so a zero
        // extreme is found again in total order (-0 below +0).
        let (mut count, mut lo, mut hi) = (0usize, f64::INFINITY, f64::NEG_INFINITY);
        for &v in values {
            count += usize::from(!v.is_nan());
            lo = if v < lo { v } else { lo };
            hi = if v > hi { v } else { hi };
        }
        if lo == 0.0 || hi == 0.0 {
            (lo, hi) = values
                .iter()
                .filter(|v| !v.is_nan())
                .fold((lo, hi), |(a, b), &v| (total_min(a, v), total_max(b, v)));
        }
        if count > 0 {
            self.count_in(count, lo, hi);
            // A block whose values all lie in one bucket (three varying blocks in five
            // of the default scenario's: figures that move by solver noise or less than
            // half a percent) is counted at once.
            let bucket = if lo > 0.0 {
                one_bucket(lo, hi)
            } else if hi < 0.0 {
                one_bucket(-hi, -lo)
            } else {
                None
            };
            match bucket {
                Some(i) if lo > 0.0 => self.positive.add(i, count as u64),
                Some(i) => self.negative.add(i, count as u64),
                None => self.count_each(values),
            }
            // Finite, non-zero, of one sign and (the ends sharing it) one exponent:
            // the exact sums' shortcut.
            if count == values.len()
                && (lo > 0.0 || hi < 0.0)
                && lo.is_finite()
                && hi.is_finite()
                && lo.to_bits() >> 52 == hi.to_bits() >> 52
            {
                self.sums.push_one_exponent(values);
                return;
            }
        }
        self.sums.push_many(values);
    }

    /// Counts `count` more values (not NaN, at least one) whose extremes are `lo` and
    /// `hi` (in total order).
    fn count_in(&mut self, count: usize, lo: f64, hi: f64) {
        if self.n == 0 {
            (self.min, self.max) = (lo, hi);
        } else {
            self.min = total_min(self.min, lo);
            self.max = total_max(self.max, hi);
        }
        self.n += count;
    }

    /// Adds each non-NaN value of `values` to the zeros or its bucket (counts and
    /// extremes are the caller's).
    fn count_each(&mut self, values: &[f64]) {
        // Zeros in a local (the bucket vectors' growth would otherwise make the
        // compiler reload it for every value).
        let mut zeros = self.zeros;
        let mut indexer = Indexer::new();
        for &v in values {
            if v.is_nan() {
                continue;
            }
            if v == 0.0 {
                zeros += 1;
                continue;
            }
            let idx = indexer.index(v.abs());
            if v > 0.0 {
                self.positive.add(idx, 1);
            } else {
                self.negative.add(idx, 1);
            }
        }
        self.zeros = zeros;
    }

    /// Pushes `count` copies of `v`: the same sketch as `push_many` on them.
    pub fn push_repeated(&mut self, v: f64, count: usize) {
        if count > 0 && !self.count_repeated(v, count) {
            // More copies than the exact sums take in one block: one at a time.
            (0..count).for_each(|_| self.push(v));
        }
    }

    /// Counts `count` copies of `v` at once, as a block of them: false, having counted
    /// nothing, if the exact sums cannot take them in one block.
    fn count_repeated(&mut self, v: f64, count: usize) -> bool {
        if !self.sums.push_repeated(v, count) {
            return false;
        }
        self.pushed += count;
        if v.is_nan() {
            return true;
        }
        self.count_in(count, v, v);
        let count = count as u64;
        if v == 0.0 {
            self.zeros += count;
        } else if v > 0.0 {
            self.positive.add(bucket_index(v), count);
        } else {
            self.negative.add(bucket_index(-v), count);
        }
        true
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

    /// Adds the values of another sketch: the result is the sketch of all the values,
    /// whatever the order of the merges.
    pub fn merge(&mut self, other: &Sketch) {
        if other.n > 0 {
            self.count_in(other.n, other.min, other.max);
        }
        self.pushed += other.pushed;
        self.zeros += other.zeros;
        self.sums.merge(&other.sums);
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
    }

    pub fn summary(&self) -> Summary {
        if self.n == 0 {
            return Summary::EMPTY;
        }
        let sd = self.sums.sd();
        let mut p = [0.0; 5];
        for (out, q) in p.iter_mut().zip(PERCENTILES) {
            let h = (self.n - 1) as f64 * q;
            let (lo, hi) = (h.floor() as u64, h.ceil() as u64);
            let (a, b) = (self.value_at(lo), self.value_at(hi));
            *out = a + (h - lo as f64) * (b - a);
        }
        Summary {
            mean: self.sums.mean(),
            sd,
            p,
            n: self.n,
        }
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
    fn the_bucket_ratio_constant_is_its_definition() {
        assert_eq!(LN_GAMMA.to_bits(), gamma().ln().to_bits());
    }

    #[test]
    fn fast_bucket_index_equals_the_definition() {
        // Scattered bit patterns over the whole positive range (subnormals and
        // infinity included), then the values on either side of bucket bounds, where
        // a fast estimate would go wrong first.
        // The indexer that keeps its last exponent's table sees the same values, in an
        // order that changes exponent at almost every value, then at bucket bounds.
        let mut indexer = Indexer::new();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut checked = 0;
        for _ in 0..200_000 {
            let x = f64::from_bits(crate::test_rng::next(&mut state) >> 1);
            if x > 0.0 && !x.is_nan() {
                assert_eq!(bucket_index(x), bucket_index_exact(x), "{x:e}");
                assert_eq!(indexer.index(x), bucket_index_exact(x), "{x:e}");
                checked += 1;
            }
        }
        assert!(checked > 190_000);
        let g = gamma();
        for k in -3000..3000 {
            let bound = g.powi(k);
            for step in -4i64..=4 {
                let x = f64::from_bits((bound.to_bits() as i64 + step) as u64);
                assert_eq!(
                    bucket_index(x),
                    bucket_index_exact(x),
                    "{x:e} near gamma^{k}"
                );
                assert_eq!(indexer.index(x), bucket_index_exact(x), "{x:e}");
            }
        }
        // Near the bounds the result does change: the fast path agrees on both sides.
        assert_eq!(bucket_index(1.0), 0);
        assert_eq!(bucket_index(f64::from_bits(1.0f64.to_bits() + 1)), 1);
    }

    #[test]
    fn cell_tables_agree_with_the_definition_at_every_cell_edge_and_margin() {
        // For exponents from 2^-30 to 2^40: each cell's first and last mantissa, and
        // the mantissas on either side of its margin around a bucket bound.
        let mut checked = 0;
        for e in (1023 - 30)..=(1023 + 40) {
            let exponent = (e as u64) << 52;
            let shift = 52 - CELL_BITS;
            for (j, cell) in bucket_table(e).iter().enumerate() {
                let first = (j as u64) << shift;
                let last = first | ((1 << shift) - 1);
                let mut ms = vec![first, first + 1, last - 1, last];
                if cell.lo != u64::MAX {
                    assert!(cell.lo <= cell.hi && first <= cell.lo && cell.hi <= last);
                    ms.extend([cell.lo.saturating_sub(1), cell.lo, cell.hi, cell.hi + 1]);
                }
                for m in ms.into_iter().filter(|m| (first..=last).contains(m)) {
                    let x = f64::from_bits(exponent | m);
                    assert_eq!(bucket_index(x), bucket_index_exact(x), "{x:e}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 71 * 256 * 4);
        // About 70 buckets an octave: most cells hold no bound, none holds two.
        let bounds = bucket_table(1023)
            .iter()
            .filter(|c| c.lo != u64::MAX)
            .count();
        assert!((60..=80).contains(&bounds), "{bounds} bounds in [1, 2)");
    }

    #[test]
    fn any_split_into_blocks_gives_the_same_sketch() {
        let values: Vec<f64> = (0..3000u64)
            .map(|i| match i % 5 {
                0 => 0.0,
                1 => f64::NAN,
                2 => -((i as f64) / 7.0).exp2().min(1e300),
                _ => ((i * 2_654_435_761) % 9973) as f64 / 13.0,
            })
            .collect();
        let mut one = Sketch::default();
        values.iter().for_each(|v| one.push(*v));
        let mut many = Sketch::default();
        values.chunks(256).for_each(|c| many.push_many(c));
        assert_eq!(
            (one.pushed, one.n, one.zeros),
            (many.pushed, many.n, many.zeros)
        );
        assert_eq!(
            (one.positive.clone(), one.negative.clone()),
            (many.positive.clone(), many.negative.clone())
        );
        assert_eq!(one.summary(), many.summary());
    }

    #[test]
    fn padding_with_zeros_gives_the_accumulator_of_pushed_zeros() {
        for sketched in [false, true] {
            let start = |a: &mut Acc| {
                if sketched {
                    a.switch_to_sketch();
                }
                a.push_many(&[3.5, -2.0, 0.0, 1e-7]);
            };
            let (mut padded, mut pushed) = (Acc::default(), Acc::default());
            start(&mut padded);
            start(&mut pushed);
            padded.pad_zeros(5000);
            padded.pad_zeros(10);
            (4..5000).for_each(|_| pushed.push(0.0));
            assert_eq!(padded.len(), 5000);
            match (&padded, &pushed) {
                (Acc::Exact(a), Acc::Exact(b)) => assert_eq!(a, b),
                (Acc::Sketch(a), Acc::Sketch(b)) => assert_eq!(a, b),
                _ => panic!("kinds differ"),
            }
            assert_eq!(padded.summary(), pushed.summary());
        }
    }

    #[test]
    fn one_bucket_is_claimed_only_when_every_value_between_the_ends_has_that_bucket() {
        // Ends on either side of bucket bounds, from the bound itself to past the
        // margin where the definition decides (2e-9 of x, about 10^7 ulps), where the
        // claim could go wrong: values between them (every ulp next to either end and
        // 2,001 evenly spaced) are checked against the definition.
        let g = gamma();
        let (mut claimed, mut refused) = (0, 0);
        let steps: [i64; 13] = [
            -30_000_000,
            -20_000_000,
            -12_000_000,
            -9_000_000,
            -5_000_000,
            -1,
            0,
            1,
            5_000_000,
            9_000_000,
            12_000_000,
            20_000_000,
            30_000_000,
        ];
        for k in (-3000..3000).step_by(29) {
            let bound = g.powi(k).to_bits() as i64;
            let at = |step: i64| f64::from_bits((bound + step) as u64);
            for (n, &a) in steps.iter().enumerate() {
                for &b in &steps[n..] {
                    let (lo, hi) = (at(a), at(b));
                    match one_bucket(lo, hi) {
                        Some(i) => {
                            claimed += 1;
                            let near = (a..=(a + 50).min(b)).chain((b - 50).max(a)..=b);
                            let spread = (0..=2000).map(|j| a + (b - a) * j / 2000);
                            for step in near.chain(spread) {
                                assert_eq!(bucket_index_exact(at(step)), i, "{lo:e}..{hi:e}");
                            }
                        }
                        None => refused += 1,
                    }
                }
            }
            // Well inside a bucket (a fifth and four fifths of the way up): claimed.
            let inside = |f: f64| (k as f64 + f) * ln_gamma();
            let (lo, hi) = (inside(0.2).exp(), inside(0.8).exp());
            assert_eq!(one_bucket(lo, hi), Some(k + 1), "gamma^{k}");
            // Across a bound: refused.
            assert_eq!(one_bucket(inside(-0.2).exp(), hi), None, "gamma^{k}");
        }
        assert!(claimed > 1_000 && refused > 1_000, "{claimed} {refused}");
        // Not normal numbers: refused (the caller counts them one by one).
        assert_eq!(
            one_bucket(f64::MIN_POSITIVE / 2.0, f64::MIN_POSITIVE / 2.0),
            None
        );
        assert_eq!(one_bucket(f64::INFINITY, f64::INFINITY), None);
    }

    #[test]
    fn blocks_within_one_bucket_count_as_the_definition_does() {
        // Blocks that move by solver noise, by less than a bucket, across a bound,
        // through zero, with NaN, and negative: the sketch's counts per bucket equal
        // those of the definition value by value.
        let mut blocks: Vec<Vec<f64>> = Vec::new();
        for (base, rel) in [
            (1_427_591.4, 1e-12),
            (246.82, 1e-3),
            (1.0, 1e-14),
            (3.7e-5, 2e-3),
        ] {
            blocks.push((0..64).map(|j| base * (1.0 + rel * j as f64)).collect());
            blocks.push((0..64).map(|j| -base * (1.0 + rel * j as f64)).collect());
        }
        blocks.push((0..64).map(|j| 0.99 + 0.0005 * j as f64).collect());
        blocks.push(
            (0..64)
                .map(|j| {
                    if j % 9 == 0 {
                        0.0
                    } else {
                        5.0 + 1e-9 * j as f64
                    }
                })
                .collect(),
        );
        blocks.push(
            (0..64)
                .map(|j| {
                    if j % 7 == 0 {
                        f64::NAN
                    } else {
                        8.0 + 1e-9 * j as f64
                    }
                })
                .collect(),
        );
        let mut sk = Sketch::default();
        let mut want: std::collections::BTreeMap<(bool, i32), u64> = Default::default();
        let mut zeros = 0;
        for block in &blocks {
            sk.push_many(block);
            for &v in block.iter().filter(|v| !v.is_nan()) {
                if v == 0.0 {
                    zeros += 1;
                } else {
                    *want
                        .entry((v > 0.0, bucket_index_exact(v.abs())))
                        .or_default() += 1;
                }
            }
        }
        let got: std::collections::BTreeMap<(bool, i32), u64> = sk
            .positive
            .iter()
            .map(|(i, c)| ((true, i), c))
            .chain(sk.negative.iter().map(|(i, c)| ((false, i), c)))
            .collect();
        assert_eq!(got, want);
        assert_eq!(sk.zeros, zeros);
        assert_eq!(
            sk.n,
            blocks.iter().flatten().filter(|v| !v.is_nan()).count()
        );
        assert_eq!(
            (sk.min, sk.max),
            (-1_427_591.4 * (1.0 + 63e-12), 1_427_591.4 * (1.0 + 63e-12))
        );
    }

    #[test]
    fn extremes_follow_total_order_with_signed_zeros_and_nan() {
        for (block, lo, hi) in [
            (vec![0.0, -0.0, 3.0], -0.0, 3.0),
            (vec![-0.0, 0.0, -2.0], -2.0, 0.0),
            (vec![f64::NAN, 0.0, -0.0], -0.0, 0.0),
            (vec![f64::NAN, 2.5, f64::NAN, 1.5], 1.5, 2.5),
            (
                vec![f64::INFINITY, 1.0, f64::NEG_INFINITY],
                f64::NEG_INFINITY,
                f64::INFINITY,
            ),
        ] {
            let mut sk = Sketch::default();
            sk.push_many(&block);
            assert_eq!(
                (sk.min.to_bits(), sk.max.to_bits()),
                (f64::to_bits(lo), f64::to_bits(hi)),
                "{block:?}"
            );
        }
    }

    #[test]
    fn blocks_of_one_repeated_value_give_the_sketch_of_single_pushes() {
        // Constant blocks (counted at once) between mixed ones, of every kind of value.
        let mut values = Vec::new();
        for (k, v) in [
            0.0,
            -0.0,
            4.25,
            -1e-3,
            f64::NAN,
            7e300,
            f64::INFINITY,
            1e-310,
        ]
        .into_iter()
        .enumerate()
        {
            values.extend(std::iter::repeat_n(v, 256));
            values.extend((0..256).map(|i| (i * (k + 1)) as f64 / 9.0 - 3.0));
        }
        let mut one = Sketch::default();
        values.iter().for_each(|v| one.push(*v));
        let mut blocks = Sketch::default();
        values.chunks(256).for_each(|c| blocks.push_many(c));
        assert_eq!(
            (
                one.pushed,
                one.n,
                one.zeros,
                one.min.to_bits(),
                one.max.to_bits()
            ),
            (
                blocks.pushed,
                blocks.n,
                blocks.zeros,
                blocks.min.to_bits(),
                blocks.max.to_bits()
            )
        );
        assert_eq!(
            (&one.positive, &one.negative),
            (&blocks.positive, &blocks.negative)
        );
        let (a, b) = (one.summary(), blocks.summary());
        assert_eq!(a.mean.to_bits(), b.mean.to_bits());
        assert_eq!(a.sd.to_bits(), b.sd.to_bits());
        assert_eq!(a.p.map(f64::to_bits), b.p.map(f64::to_bits));
        // The first block alone: 256 zeros.
        let mut zeros = Sketch::default();
        zeros.push_many(&[0.0; 256]);
        assert_eq!(
            (zeros.n, zeros.zeros, zeros.summary().p[4]),
            (256, 256, 0.0)
        );
    }

    #[test]
    fn single_value_and_nans() {
        let mut v = vec![f64::NAN, 3.0, f64::NAN];
        let s = Summary::of(&mut v);
        assert_eq!((s.mean, s.sd, s.p[0], s.p[4], s.n), (3.0, 0.0, 3.0, 3.0, 1));
        assert_eq!(Summary::of(&mut [f64::NAN]).n, 0);
    }
}
