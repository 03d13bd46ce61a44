//! Daily arrival counts: Poisson, or over-dispersed (gamma-Poisson, i.e. negative
//! binomial) with variance = dispersion x mean, drawn from a queue point's own ChaCha8
//! stream. No allocation; O(1) expected work per draw at any mean.
//!
//! Poisson: multiplication method (Knuth, TAOCP vol. 2, 3.4.1) below a mean of 10,
//! transformed rejection with squeeze PTRS above (Hoermann, 1993, "The transformed
//! rejection method for generating Poisson random variables", Insurance: Mathematics
//! and Economics 12(1)). Gamma: Marsaglia and Tsang (2000), ACM TOMS 26(3), with
//! normals by Box-Muller.

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// ln(k!) exactly from a table below 10, by Stirling's series above (error < 1e-10).
fn ln_factorial(k: f64) -> f64 {
    const TABLE: [f64; 10] = [
        0.0,
        0.0,
        std::f64::consts::LN_2,
        1.791_759_469_228_055,
        3.178_053_830_347_146,
        4.787_491_742_782_046,
        6.579_251_212_010_101,
        8.525_161_361_065_415,
        10.604_602_902_745_25,
        12.801_827_480_081_469,
    ];
    if k < 10.0 {
        return TABLE[k as usize];
    }
    let x = k + 1.0;
    let x2 = x * x;
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * x)
        - 1.0 / (360.0 * x * x2)
        + 1.0 / (1260.0 * x * x2 * x2)
}

/// A Poisson count with mean `lambda`.
pub fn poisson(rng: &mut ChaCha8Rng, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 0.0;
    }
    if lambda < 10.0 {
        let limit = (-lambda).exp();
        let mut k = 0.0;
        let mut p: f64 = rng.random::<f64>();
        while p > limit {
            k += 1.0;
            p *= rng.random::<f64>();
        }
        return k;
    }
    let slam = lambda.sqrt();
    let loglam = lambda.ln();
    let b = 0.931 + 2.53 * slam;
    let a = -0.059 + 0.02483 * b;
    let invalpha = 1.1239 + 1.1328 / (b - 3.4);
    let vr = 0.9277 - 3.6224 / (b - 2.0);
    loop {
        let u = rng.random::<f64>() - 0.5;
        let v = rng.random::<f64>();
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
        if us >= 0.07 && v <= vr {
            return k;
        }
        if k < 0.0 || (us < 0.013 && v > us) {
            continue;
        }
        if v.ln() + invalpha.ln() - (a / (us * us) + b).ln()
            <= -lambda + k * loglam - ln_factorial(k)
        {
            return k;
        }
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// A gamma variate with the given shape and scale.
pub fn gamma(rng: &mut ChaCha8Rng, shape: f64, scale: f64) -> f64 {
    if shape < 1.0 {
        let u = 1.0 - rng.random::<f64>();
        return gamma(rng, shape + 1.0, scale) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = 1.0 - rng.random::<f64>();
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v * scale;
        }
    }
}

/// Arrivals of one day with mean `lambda` and variance `dispersion * lambda`:
/// exactly `lambda` when dispersion is 0, Poisson at 1, gamma-Poisson above.
pub fn arrivals(rng: &mut ChaCha8Rng, lambda: f64, dispersion: f64) -> f64 {
    if dispersion <= 0.0 || lambda <= 0.0 {
        lambda.max(0.0)
    } else if dispersion <= 1.0 {
        poisson(rng, lambda)
    } else {
        let extra = dispersion - 1.0;
        let rate = gamma(rng, lambda / extra, extra);
        poisson(rng, rate)
    }
}

/// Two uniforms from one 64-bit word: its high and low halves, each centred in its
/// cell, ((k + 1/2) / 2^32), so both lie strictly inside (0, 1) (from 1.2e-10: normal
/// quantiles down to -6.3). One word a day halves the generator's work against two
/// 53-bit uniforms; 32 bits resolve a day's count far below one unit.
#[inline]
pub fn two_uniforms(word: u64) -> [f64; 2] {
    const SCALE: f64 = 1.0 / 4_294_967_296.0;
    [
        (f64::from((word >> 32) as u32) + 0.5) * SCALE,
        (f64::from(word as u32) + 0.5) * SCALE,
    ]
}

/// Cells of the tabulated normal quantile over (0, 1).
const Q_CELLS: usize = 2048;
/// Cells at each end left to the formula (u below 50 / 2048 = 0.0244 or above
/// 1 - that: Acklam's tail branches start at 0.02425).
const Q_TAIL_CELLS: usize = 50;

/// The standard normal quantile tabulated at u = i / 2048 and interpolated linearly
/// in between, over 0.0244 <= u < 0.9756; the formula outside. Interpolation error
/// h^2 / 8 x max |z''(u)| = (1/2048)^2 / 8 x 600 = 1.8e-5 at the table's ends (z''
/// = z / phi(z)^2), far below a count's unit; monotone in u (linear between exact,
/// increasing nodes). About a third of the formula's cost: no division.
pub struct QuantileTable {
    z: Box<[f64; Q_CELLS + 1]>,
    /// The lower tail by 32-bit words (`TAIL_*`).
    tail: Box<[f64; TAIL_NODES]>,
}

/// The lower tail's table by a word's count half k (u = (k + 1/2) / 2^32, below
/// `Q_TAIL_CELLS / Q_CELLS`: k < 50 x 2^21 < 2^27): each octave 2^e <= k < 2^(e+1),
/// e = 6..26, in 64 cells of 2^(e-6) words, nodes at u = k / 2^32 of the cells' edges.
/// A cell's width is 1/64 of its u, so the linear interpolation's error, h^2 / 8 x
/// |z''| with z'' = z / phi(z)^2 and phi(z) >= u |z| in the tail, stays below
/// 1 / (8 x 64^2 x |z|) = 1.6e-5 (|z| > 1.97 here). The words below 64 (u < 1.5e-8)
/// take the formula.
const TAIL_FIRST_OCTAVE: u32 = 6;
const TAIL_OCTAVES: usize = 21;
const TAIL_SUB_BITS: u32 = 6;
const TAIL_NODES: usize = (TAIL_OCTAVES << TAIL_SUB_BITS) + 1;

/// The node index and the position in its cell (0..1) of a word's count half
/// `k >= 64` in the lower tail's table.
#[inline]
fn tail_cell(k: u32) -> (usize, f64) {
    let e = 31 - k.leading_zeros();
    let shift = e - TAIL_SUB_BITS;
    let sub = (k >> shift) as usize & ((1 << TAIL_SUB_BITS) - 1);
    let j = (((e - TAIL_FIRST_OCTAVE) as usize) << TAIL_SUB_BITS) | sub;
    // 2^-shift, exactly.
    let scale = f64::from_bits(u64::from(1023 - shift) << 52);
    (j, (f64::from(k & ((1 << shift) - 1)) + 0.5) * scale)
}

impl QuantileTable {
    /// The process's table (built once, from `distributions::normal_quantile`).
    pub fn get() -> &'static QuantileTable {
        static T: std::sync::OnceLock<QuantileTable> = std::sync::OnceLock::new();
        T.get_or_init(|| QuantileTable {
            z: Box::new(std::array::from_fn(|i| {
                if (Q_TAIL_CELLS..=Q_CELLS - Q_TAIL_CELLS).contains(&i) {
                    crate::distributions::normal_quantile(i as f64 / Q_CELLS as f64)
                } else {
                    f64::NAN
                }
            })),
            tail: Box::new(std::array::from_fn(|j| {
                let e = TAIL_FIRST_OCTAVE + (j >> TAIL_SUB_BITS) as u32;
                let sub = (j & ((1 << TAIL_SUB_BITS) - 1)) as u64;
                let k = (1u64 << e) + (sub << (e - TAIL_SUB_BITS));
                crate::distributions::normal_quantile(k as f64 / 4_294_967_296.0)
            })),
        })
    }

    /// The normal quantile of `u` in (0, 1) (clamped to [1e-12, 1 - 1e-12]).
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        let t = u * Q_CELLS as f64;
        let i = t as i64;
        if i >= Q_TAIL_CELLS as i64 && i < (Q_CELLS - Q_TAIL_CELLS) as i64 {
            let i = i as usize;
            let (lo, hi) = (self.z[i], self.z[i + 1]);
            lo + (t - i as f64) * (hi - lo)
        } else {
            crate::distributions::normal_quantile(u.clamp(1e-12, 1.0 - 1e-12))
        }
    }

    /// The normal quantiles of the count uniforms of `words` (the low halves,
    /// `two_uniforms(w)[1]`) into `z`, in two loops without a branch per word: the
    /// table for every word from its bits (the cell is the top 11 bits of the half,
    /// the position in it the other 21: both exact; the same numbers as `quantile`),
    /// then the words in the tails from the tail's table by octaves (within 1.6e-5 of
    /// the formula, monotone; the upper tail by symmetry, z(u) = -z(1 - u) with 1 - u
    /// the word's complement) instead of a logarithm each.
    pub fn from_words(&self, words: &[u64], z: &mut [f64]) {
        const CELL_BITS: u32 = 21;
        const FRACTION: f64 = 1.0 / (1u64 << CELL_BITS) as f64;
        let mut tails = false;
        for (z, &w) in z.iter_mut().zip(words) {
            let k = w as u32;
            let i = (k >> CELL_BITS) as usize;
            // Tail cells hold NaN: the result is replaced below.
            let (lo, hi) = (self.z[i], self.z[i + 1]);
            let t = (f64::from(k & ((1 << CELL_BITS) - 1)) + 0.5) * FRACTION;
            *z = lo + t * (hi - lo);
            tails |= !(Q_TAIL_CELLS..Q_CELLS - Q_TAIL_CELLS).contains(&i);
        }
        if tails {
            for (z, &w) in z.iter_mut().zip(words) {
                let i = (w as u32 >> CELL_BITS) as usize;
                if !(Q_TAIL_CELLS..Q_CELLS - Q_TAIL_CELLS).contains(&i) {
                    *z = self.tail_of_word(w as u32);
                }
            }
        }
    }

    /// The quantile of a count half `k` in either tail (`from_words`).
    #[inline]
    fn tail_of_word(&self, k: u32) -> f64 {
        let (k, sign) = if k < 1 << 31 { (k, 1.0) } else { (!k, -1.0) };
        if k < 1 << TAIL_FIRST_OCTAVE {
            let u = (f64::from(k) + 0.5) / 4_294_967_296.0;
            return sign * crate::distributions::normal_quantile(u);
        }
        let (j, t) = tail_cell(k);
        let (lo, hi) = (self.tail[j], self.tail[j + 1]);
        sign * (lo + t * (hi - lo))
    }
}

/// A Poisson count with mean `lambda` from one uniform, monotone in `u` (common
/// random numbers: a slightly larger mean never gives fewer arrivals for the same
/// draw, so the route-choice fixed point sees a smooth map). Exact inversion of the
/// CDF below a mean of 30; above, the normal quantile with the Cornish-Fisher skew
/// term, k = floor(lambda + sqrt(lambda) (z + (z^2 - 1) / (6 sqrt(lambda))) + 1/2)
/// (Johnson, Kemp and Kotz, Univariate Discrete Distributions, 3rd ed., 4.7.1).
pub fn poisson_inverse(lambda: f64, u: f64) -> f64 {
    if lambda <= 0.0 {
        return 0.0;
    }
    if lambda < 30.0 {
        let mut p = (-lambda).exp();
        let mut cdf = p;
        let mut k = 0.0;
        while u > cdf && k < 1000.0 {
            k += 1.0;
            p *= lambda / k;
            cdf += p;
        }
        return k;
    }
    let z = QuantileTable::get().quantile(u);
    let sl = lambda.sqrt();
    (lambda + sl * (z + (z * z - 1.0) / (6.0 * sl)) + 0.5)
        .floor()
        .max(0.0)
}

/// Mean from which daily counts use the normal quantile with a skew term.
pub const NORMAL_FROM: f64 = 30.0;

/// Standard deviation and skewness / 6 of daily counts with mean `lambda` and variance
/// `dispersion x lambda` (Poisson or negative binomial: skewness (2D - 1) / sqrt(D
/// lambda)). Computed once per month by the day loop.
#[inline]
pub fn normal_terms(lambda: f64, dispersion: f64) -> (f64, f64) {
    let d = dispersion.max(1.0);
    let sd = (d * lambda).sqrt();
    (sd, (2.0 * d - 1.0) / sd / 6.0)
}

/// A count from its normal quantile `z` with the Cornish-Fisher skew term:
/// floor(lambda + sd (z + skew/6 (z^2 - 1)) + 1/2), at least 0.
#[inline]
pub fn normal_count(lambda: f64, sd: f64, skew6: f64, z: f64) -> f64 {
    // Truncation of a non-negative number is its floor (and, unlike f64::floor
    // without SSE4.1, needs no call into libm; through i64, one instruction each way,
    // the same integer below 2^63).
    ((lambda + sd * (z + skew6 * (z * z - 1.0)) + 0.5).max(0.0) as i64) as f64
}

/// Arrivals of one day from two uniforms, monotone in both: exactly `lambda` when
/// dispersion is 0. From a mean of `NORMAL_FROM`, the normal quantile of `u_count` with
/// the skew term (variance dispersion x lambda). Below it, Poisson by exact inversion at
/// dispersion 1, and above 1 a Poisson whose mean is `lambda` times a gamma factor of
/// mean 1 and variance (dispersion - 1) / lambda (gamma-Poisson, i.e. negative binomial
/// with variance dispersion x lambda), the gamma by the Wilson-Hilferty cube of a
/// normal (Wilson and Hilferty, 1931).
pub fn arrivals_from_uniforms(lambda: f64, dispersion: f64, u_rate: f64, u_count: f64) -> f64 {
    if dispersion <= 0.0 || lambda <= 0.0 {
        return lambda.max(0.0);
    }
    if lambda >= NORMAL_FROM {
        let z = QuantileTable::get().quantile(u_count);
        let (sd, skew6) = normal_terms(lambda, dispersion);
        return normal_count(lambda, sd, skew6, z);
    }
    let rate = if dispersion > 1.0 {
        let shape = lambda / (dispersion - 1.0);
        let z = crate::distributions::normal_quantile(u_rate.clamp(1e-12, 1.0 - 1e-12));
        let c = 1.0 / (9.0 * shape);
        let g = (1.0 - c + z * c.sqrt()).max(0.0);
        lambda * g * g * g
    } else {
        lambda
    };
    poisson_inverse(rate, u_count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn moments(lambda: f64, dispersion: f64, n: usize) -> (f64, f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let xs: Vec<f64> = (0..n)
            .map(|_| arrivals(&mut rng, lambda, dispersion))
            .collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var)
    }

    #[test]
    fn poisson_and_overdispersed_moments() {
        // Small mean (inversion), large mean (PTRS), over-dispersed: mean and variance
        // within 3 standard errors of lambda and dispersion * lambda.
        for (lambda, disp) in [(3.0, 1.0), (40.0, 1.0), (800.0, 1.0), (200.0, 4.0)] {
            let n = 40_000;
            let (m, v) = moments(lambda, disp, n);
            let se_mean = (disp * lambda / n as f64).sqrt();
            assert!((m - lambda).abs() < 4.0 * se_mean, "mean {m} vs {lambda}");
            assert!(
                (v / (disp * lambda) - 1.0).abs() < 0.05,
                "variance {v} vs {}",
                disp * lambda
            );
        }
    }

    #[test]
    fn inversion_draws_have_the_right_moments() {
        // Mean and variance of the one-uniform sampler, for Poisson (exact inversion
        // and normal branch) and over-dispersed arrivals.
        let mut rng = ChaCha8Rng::seed_from_u64(13);
        for (lambda, disp) in [(4.0, 1.0), (45.0, 1.0), (900.0, 1.0), (120.0, 3.0)] {
            let n = 40_000;
            let xs: Vec<f64> = (0..n)
                .map(|_| {
                    arrivals_from_uniforms(lambda, disp, rng.random::<f64>(), rng.random::<f64>())
                })
                .collect();
            let m = xs.iter().sum::<f64>() / n as f64;
            let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
            assert!((m / lambda - 1.0).abs() < 4.0 * (disp / lambda / n as f64).sqrt() + 1e-3);
            assert!(
                (v / (disp * lambda) - 1.0).abs() < 0.05,
                "{lambda} {disp}: var {v}"
            );
        }
        // Monotone in the draw and in the mean.
        assert!(poisson_inverse(50.0, 0.3) <= poisson_inverse(50.0, 0.7));
        assert!(poisson_inverse(50.0, 0.5) <= poisson_inverse(52.0, 0.5));
    }

    #[test]
    fn tabulated_quantile_is_within_2e_5_of_the_formula_and_monotone() {
        // The interpolation bound of `QuantileTable`, (1/2048)^2 / 8 x max |z''| (1.8e-5
        // at the table's ends), on a grid 37 times finer than the table and through
        // both ends where the formula takes over; monotone throughout.
        let t = QuantileTable::get();
        let mut worst: f64 = 0.0;
        let mut prev = f64::NEG_INFINITY;
        for i in 1..75_776 {
            let u = i as f64 / 75_776.0;
            let z = t.quantile(u);
            worst = worst.max((z - crate::distributions::normal_quantile(u)).abs());
            assert!(z >= prev, "not monotone at {u}");
            prev = z;
        }
        assert!(worst < 2e-5 && worst > 1e-7, "worst {worst}");
        // At the nodes, and in the tails, the formula itself.
        for u in [0.25, 0.5, 1000.0 / 2048.0, 1e-9, 0.01, 0.99, 1.0 - 1e-9] {
            assert_eq!(t.quantile(u), crate::distributions::normal_quantile(u));
        }
    }

    #[test]
    fn quantiles_from_words_are_those_of_their_uniforms() {
        // Outside the tails, bit for bit as `quantile` of the word's count uniform; in
        // the tails, within the tail table's bound of the formula: random words, the
        // cells' edges, both tails and the extremes.
        let t = QuantileTable::get();
        let mut rng = ChaCha8Rng::seed_from_u64(23);
        let mut words: Vec<u64> = (0..20_000).map(|_| rand::Rng::next_u64(&mut rng)).collect();
        for cell in [0u64, 1, 49, 50, 51, 1023, 1024, 1997, 1998, 2047] {
            for offset in [0u64, 1, (1 << 21) - 1] {
                words.push(((rng.random::<u32>() as u64) << 32) | ((cell << 21) + offset));
            }
        }
        words.extend([0, 63, 64, u64::MAX, u32::MAX as u64]);
        let mut z = vec![0.0; words.len()];
        t.from_words(&words, &mut z);
        let mut tails = 0;
        for (&w, &z) in words.iter().zip(&z) {
            let u = two_uniforms(w)[1];
            if (50..1998).contains(&((w as u32) >> 21)) {
                assert_eq!(z.to_bits(), t.quantile(u).to_bits(), "{w:#x}");
            } else {
                let exact = crate::distributions::normal_quantile(u);
                assert!((z - exact).abs() < 2e-5, "{w:#x}: {z} vs {exact}");
                tails += 1;
            }
        }
        assert!(tails > 500, "{tails}");
    }

    #[test]
    fn the_tail_table_is_within_2e_5_of_the_formula_and_monotone() {
        // Every 997th word of the lower tail and its mirror in the upper tail, through
        // every octave and into the central table: within the bound (1.6e-5 by the
        // interpolation error) and monotone in the word, across the junctions.
        let t = QuantileTable::get();
        let (mut worst, mut prev): (f64, f64) = (0.0, f64::NEG_INFINITY);
        let top = 51u64 << 21;
        let words: Vec<u64> = (0..top).step_by(997).chain([top - 1]).collect();
        let mut z = vec![0.0; words.len()];
        t.from_words(&words, &mut z);
        for (&w, &z) in words.iter().zip(&z) {
            let exact = crate::distributions::normal_quantile(two_uniforms(w)[1]);
            worst = worst.max((z - exact).abs());
            assert!(z >= prev, "not monotone at {w}");
            prev = z;
        }
        assert!(worst < 2e-5 && worst > 1e-7, "worst {worst}");
        let mirrored: Vec<u64> = words.iter().map(|&w| u64::from(!(w as u32))).collect();
        let mut zm = vec![0.0; words.len()];
        t.from_words(&mirrored, &mut zm);
        for (a, b) in z.iter().zip(&zm) {
            assert!((a + b).abs() < 4e-5, "{a} vs {b}");
        }
    }

    #[test]
    fn one_word_gives_two_uniforms_inside_the_unit_interval() {
        assert_eq!(two_uniforms(0), [0.5 / 4_294_967_296.0; 2]);
        let top = 1.0 - 0.5 / 4_294_967_296.0;
        assert_eq!(two_uniforms(u64::MAX), [top, top]);
        assert_eq!(
            two_uniforms(1 << 63)[0],
            (2_147_483_648.0 + 0.5) / 4_294_967_296.0
        );
        assert_eq!(two_uniforms(1 << 63)[1], 0.5 / 4_294_967_296.0);
        // Uniform moments from a generator's words.
        let mut rng = ChaCha8Rng::seed_from_u64(17);
        let n = 100_000;
        let (mut s, mut s2, mut lo) = ([0.0; 2], [0.0; 2], 0.0);
        for _ in 0..n {
            let u = two_uniforms(rand::Rng::next_u64(&mut rng));
            for k in 0..2 {
                s[k] += u[k];
                s2[k] += u[k] * u[k];
            }
            lo += f64::from(u8::from(u[0] < 0.1 && u[1] < 0.1));
        }
        for k in 0..2 {
            assert!((s[k] / n as f64 - 0.5).abs() < 0.005);
            assert!((s2[k] / n as f64 - 1.0 / 3.0).abs() < 0.005);
        }
        // The halves are independent: P(both < 0.1) = 0.01.
        assert!((lo / n as f64 - 0.01).abs() < 0.0015);
    }

    #[test]
    fn poisson_probabilities_match_the_pmf() {
        // P(X = k) for lambda = 25 (PTRS branch) against the exact pmf.
        let lambda: f64 = 25.0;
        let n = 200_000;
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut counts = [0usize; 60];
        for _ in 0..n {
            let k = poisson(&mut rng, lambda) as usize;
            if k < 60 {
                counts[k] += 1;
            }
        }
        for k in [15usize, 20, 25, 30, 35] {
            let p = (-lambda + k as f64 * lambda.ln() - ln_factorial(k as f64)).exp();
            let got = counts[k] as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((got - p).abs() < 4.0 * se, "k={k}: {got} vs {p}");
        }
        // Stirling's series against the table's last exact value, continued.
        assert!((ln_factorial(10.0) - 15.104_412_573_075_516).abs() < 1e-9);
    }
}
