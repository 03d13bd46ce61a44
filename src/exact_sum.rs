//! Exact sums of f64 values and of their squares, so that a mean and a standard
//! deviation depend only on the values summed, never on their order or on how they were
//! grouped. Sketched summaries (`stats::Sketch`) keep one per figure: a study split into
//! shards on several machines then merges into bit-for-bit the figures one machine
//! computes, for any split (floating-point sums, Welford's update or Chan's pairwise
//! merge all change their last bits with the order; see the scale-out research sheet,
//! section 1.5).
//!
//! Every finite f64 is an integer multiple of 2^-1074 and its square one of 2^-2148, so
//! both sums are held as big fixed-point integers (Kulisch's long accumulator: U.
//! Kulisch, "Computer Arithmetic and Validity", de Gruyter 2013, ch. 7), in base-2^32
//! digits kept in i64 words so that carries can wait (`HEADROOM` additions), over the
//! window of digits actually reached. Results are rounded once at the end:
//! mean = round(S1) / n and variance = round(n S2 - S1^2) / (n (n - 1)), the numerator
//! computed exactly, so a constant figure has a standard deviation of exactly 0.

use std::cmp::Ordering;

/// Bits per digit.
const DIGIT_BITS: u32 = 32;
const DIGIT_MASK: i64 = (1 << DIGIT_BITS) - 1;
/// Additions a digit can take (each below 2^32 in magnitude) before carrying.
const HEADROOM: u32 = 1 << 29;
/// Values `ExactSum::push_many` sums in its 128-bit slots before it flushes them to
/// the long accumulators (2^20 m^2 < 2^126).
const BLOCK_ADDS: u32 = 1 << 20;
/// Bit 0 of the sum of values is 2^-1074 (the smallest subnormal).
const SUM_MIN_EXP: i32 = -1074;
/// Bit 0 of the sum of squares is 2^-2148.
const SQ_MIN_EXP: i32 = -2148;

/// A signed big integer, sum of `digits[i] * 2^(32 (offset + i))`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fixed {
    pub(crate) offset: i32,
    pub(crate) digits: Vec<i64>,
    /// Additions since the digits were last carried.
    pub(crate) adds: u32,
}

impl Fixed {
    /// Makes digits `lo..=hi` (absolute indices) addressable.
    #[cold]
    fn reach(&mut self, lo: i32, hi: i32) {
        if self.digits.is_empty() {
            self.offset = lo;
            self.digits.resize((hi - lo + 1) as usize, 0);
            return;
        }
        if lo < self.offset {
            let grow = (self.offset - lo) as usize;
            self.digits.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = lo;
        }
        let top = self.offset + self.digits.len() as i32 - 1;
        if hi > top {
            self.digits
                .resize(self.digits.len() + (hi - top) as usize, 0);
        }
    }

    /// The digits `k..k + N` (absolute), made addressable if need be.
    #[inline]
    fn window<const N: usize>(&mut self, k: i32) -> &mut [i64; N] {
        let at = k.wrapping_sub(self.offset) as usize;
        if self.digits.is_empty() || k < self.offset || at + N > self.digits.len() {
            self.reach(k, k + N as i32 - 1);
        }
        let at = (k - self.offset) as usize;
        let w: &mut [i64] = &mut self.digits[at..at + N];
        w.try_into().expect("window of N digits")
    }

    /// Adds (or subtracts) `v * 2^bit`, `v` below 2^64.
    #[inline]
    fn add_u64(&mut self, v: u64, bit: u32, negative: bool) {
        let k = (bit / DIGIT_BITS) as i32;
        let w = u128::from(v) << (bit % DIGIT_BITS);
        let parts = [
            (w as u64 & DIGIT_MASK as u64) as i64,
            ((w >> 32) as u64 & DIGIT_MASK as u64) as i64,
            (w >> 64) as i64,
        ];
        let digits = self.window::<3>(k);
        for (d, p) in digits.iter_mut().zip(parts) {
            if negative {
                *d -= p;
            } else {
                *d += p;
            }
        }
        self.counted();
    }

    /// Adds `v * 2^bit` for any signed 128-bit `v`.
    fn add_i128(&mut self, v: i128, bit: u32) {
        if v == 0 {
            return;
        }
        let (negative, m) = (v < 0, v.unsigned_abs());
        self.add_u64(m as u64, bit, negative);
        if m >> 64 != 0 {
            self.add_u64((m >> 64) as u64, bit + 64, negative);
        }
    }

    /// Adds `v * 2^bit` for any unsigned 128-bit `v`.
    fn add_u128(&mut self, v: u128, bit: u32) {
        if v == 0 {
            return;
        }
        self.add_u64(v as u64, bit, false);
        if v >> 64 != 0 {
            self.add_u64((v >> 64) as u64, bit + 64, false);
        }
    }

    /// Adds `v * 2^bit`, `v` below 2^106 (a squared mantissa).
    #[inline]
    fn add_u106(&mut self, v: u128, bit: u32) {
        let k = (bit / DIGIT_BITS) as i32;
        let s = bit % DIGIT_BITS;
        // Low 64 bits shifted: three digits from k; high 42 bits: three from k + 2.
        let lo = ((v as u64) as u128) << s;
        let hi = (v >> 64) << s;
        let m = DIGIT_MASK as u128;
        let digits = self.window::<5>(k);
        digits[0] += (lo & m) as i64;
        digits[1] += ((lo >> 32) & m) as i64;
        digits[2] += ((lo >> 64) + (hi & m)) as i64;
        digits[3] += ((hi >> 32) & m) as i64;
        digits[4] += (hi >> 64) as i64;
        self.counted();
    }

    #[inline]
    fn counted(&mut self) {
        self.adds += 1;
        if self.adds >= HEADROOM {
            self.carry();
        }
    }

    /// Propagates carries: every digit but the top one in 0..2^32, the top one signed;
    /// zero digits at either end dropped.
    pub(crate) fn carry(&mut self) {
        self.adds = 0;
        let mut carry = 0i64;
        for d in self.digits.iter_mut() {
            let v = *d + carry;
            *d = v & DIGIT_MASK;
            carry = v >> DIGIT_BITS;
        }
        if carry != 0 {
            self.digits.push(carry);
        }
        // Drop zero top digits; a negative number's borrow (-1 on top) folds into the
        // digit below it, so the top digit alone carries the sign.
        while self.digits.len() >= 2 {
            let n = self.digits.len();
            let (top, below) = (self.digits[n - 1], self.digits[n - 2]);
            if top == 0 {
                self.digits.pop();
            } else if top == -1 && below != 0 {
                self.digits.pop();
                self.digits[n - 2] = below - (1 << DIGIT_BITS);
            } else {
                break;
            }
        }
        if self.digits.len() == 1 && self.digits[0] == 0 {
            self.digits.clear();
        }
        let lead = self.digits.iter().take_while(|d| **d == 0).count();
        if lead > 0 {
            self.digits.drain(..lead);
            self.offset += lead as i32;
        }
    }

    /// Adds another number.
    pub(crate) fn add(&mut self, other: &Fixed) {
        if other.digits.is_empty() {
            return;
        }
        if self.adds >= HEADROOM / 2 {
            self.carry();
        }
        let mut o = other.clone();
        o.carry();
        if o.digits.is_empty() {
            return;
        }
        let (lo, hi) = (o.offset, o.offset + o.digits.len() as i32 - 1);
        self.reach(lo, hi);
        let at = (lo - self.offset) as usize;
        for (d, v) in self.digits[at..].iter_mut().zip(&o.digits) {
            *d += v;
        }
        self.adds += 1;
        self.carry();
    }

    /// Sign and magnitude digits (0..2^32, lowest first) with the offset of the first.
    fn magnitude(&self) -> (bool, i32, Vec<u64>) {
        let mut c = self.clone();
        c.carry();
        let negative = c.digits.last().is_some_and(|d| *d < 0);
        if negative {
            c.digits.iter_mut().for_each(|d| *d = -*d);
            c.carry();
        }
        (
            negative,
            c.offset,
            c.digits.iter().map(|d| *d as u64).collect(),
        )
    }

    /// Whether the number is zero.
    fn is_zero(&self) -> bool {
        self.digits.iter().all(|d| *d == 0)
    }
}

/// Magnitude digits as (mantissa rounded to 64 bits, binary exponent): the number is
/// `mantissa * 2^exponent`, rounded to nearest (a sticky bit keeps the f64 conversion of
/// the mantissa correctly rounded).
fn round_digits(offset: i32, digits: &[u64]) -> Option<(u64, i64)> {
    let top = digits.iter().rposition(|d| *d != 0)?;
    let at = |i: isize| -> u128 {
        if i < 0 {
            0
        } else {
            u128::from(digits[i as usize])
        }
    };
    let t = top as isize;
    let x = (at(t) << 64) | (at(t - 1) << 32) | at(t - 2);
    let mut sticky = digits[..top.saturating_sub(2)].iter().any(|d| *d != 0);
    let lz = x.leading_zeros();
    let x = x << lz;
    let mut hi = (x >> 64) as u64;
    sticky |= x as u64 != 0;
    if sticky {
        hi |= 1;
    }
    let exponent = 32 * (i64::from(offset) + t as i64 - 2) + 64 - i64::from(lz);
    Some((hi, exponent))
}

/// `v * 2^e` without intermediate overflow or underflow.
fn scale(mut v: f64, mut e: i64) -> f64 {
    let step = 2f64.powi(600);
    while e > 600 && v.is_finite() && v != 0.0 {
        v *= step;
        e -= 600;
    }
    while e < -600 && v != 0.0 {
        v /= step;
        e += 600;
    }
    v * 2f64.powi(e as i32)
}

/// The exact sum and sum of squares of finite values, with counts of infinities.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExactSum {
    /// Finite values summed.
    pub(crate) n: u64,
    pub(crate) sum: Fixed,
    pub(crate) squares: Fixed,
    pub(crate) pos_inf: u64,
    pub(crate) neg_inf: u64,
}

impl ExactSum {
    /// Adds a value (NaN must be filtered out by the caller).
    #[inline]
    pub fn push(&mut self, v: f64) {
        let Some((negative, m, e)) = self.tally(v) else {
            return;
        };
        self.sum.add_u64(m, e, negative);
        // v^2 = m^2 * 2^(2e - 2148), m^2 below 2^106.
        self.squares.add_u106(u128::from(m) * u128::from(m), 2 * e);
    }

    /// Counts a non-NaN value and splits a finite non-zero one into its sign, mantissa
    /// and exponent: v = (-1)^negative m 2^(e - 1074), e = max(biased, 1) - 1 >= 0.
    /// `None` for an infinity (counted apart) or a zero (nothing to add).
    #[inline]
    fn tally(&mut self, v: f64) -> Option<(bool, u64, u32)> {
        if v.is_infinite() {
            if v > 0.0 {
                self.pos_inf += 1;
            } else {
                self.neg_inf += 1;
            }
            return None;
        }
        self.n += 1;
        let bits = v.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as u32;
        let frac = bits & ((1 << 52) - 1);
        let (m, e) = if biased == 0 {
            (frac, 0)
        } else {
            (frac | (1 << 52), biased - 1)
        };
        (m != 0).then_some((bits >> 63 == 1, m, e))
    }

    /// Adds every non-NaN value of `values` (NaN skipped): the same sums as `push` on
    /// each, in fewer instructions. Mantissas of equal exponent are first summed in
    /// 128-bit integers (at most `BLOCK_ADDS` of them, so neither sum can overflow:
    /// |m| < 2^53, m^2 < 2^106), and each exponent's partial sums go into the long
    /// accumulators once. A figure's values across replications share a few
    /// exponents, so most values cost a compare and two integer additions.
    pub fn push_many(&mut self, values: &[f64]) {
        /// Distinct exponents held at once.
        const SLOTS: usize = 8;
        let mut exps = [0u32; SLOTS];
        let mut sums = [0i128; SLOTS];
        let mut squares = [0u128; SLOTS];
        let (mut used, mut last, mut adds) = (0usize, 0usize, 0u32);
        let flush = |me: &mut ExactSum,
                     used: usize,
                     exps: &[u32],
                     sums: &mut [i128],
                     squares: &mut [u128]| {
            for k in 0..used {
                me.sum.add_i128(sums[k], exps[k]);
                me.squares.add_u128(squares[k], 2 * exps[k]);
                sums[k] = 0;
                squares[k] = 0;
            }
        };
        for &v in values {
            if v.is_nan() {
                continue;
            }
            let Some((negative, m, e)) = self.tally(v) else {
                continue;
            };
            let slot = if used > 0 && exps[last] == e {
                last
            } else if let Some(k) = exps[..used].iter().position(|x| *x == e) {
                k
            } else {
                if used == SLOTS {
                    flush(self, used, &exps, &mut sums, &mut squares);
                    used = 0;
                }
                exps[used] = e;
                used += 1;
                used - 1
            };
            last = slot;
            let m = i128::from(m);
            sums[slot] += if negative { -m } else { m };
            squares[slot] += (m * m) as u128;
            adds += 1;
            if adds == BLOCK_ADDS {
                flush(self, used, &exps, &mut sums, &mut squares);
                (used, adds) = (0, 0);
            }
        }
        flush(self, used, &exps, &mut sums, &mut squares);
    }

    /// `push_many` for values that are all finite and non-zero, of one sign and one
    /// biased exponent (a block of one figure within an octave: most blocks of a
    /// study): the same state, to the bit, since `push_many` would sum them in one
    /// slot and add that slot to the long accumulators once, as this does, without
    /// looking for each value's slot.
    pub fn push_one_exponent(&mut self, values: &[f64]) {
        let Some(first) = values.first() else { return };
        debug_assert!(
            values
                .iter()
                .all(|v| v.is_finite() && *v != 0.0 && v.to_bits() >> 52 == first.to_bits() >> 52)
        );
        if values.len() >= BLOCK_ADDS as usize {
            return self.push_many(values);
        }
        let bits = first.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as u32;
        let (implicit, e) = if biased == 0 {
            (0, 0)
        } else {
            (1u64 << 52, biased - 1)
        };
        let (mut sum, mut squares) = (0u128, 0u128);
        for v in values {
            let m = u128::from((v.to_bits() & ((1 << 52) - 1)) | implicit);
            sum += m;
            squares += m * m;
        }
        self.n += values.len() as u64;
        let sum = sum as i128;
        self.sum
            .add_i128(if bits >> 63 == 1 { -sum } else { sum }, e);
        self.squares.add_u128(squares, 2 * e);
    }

    /// Adds `count` copies of `v` (NaN: nothing) with the same effect, to the bit, as
    /// `push_many` on them: `push_many` sums a block of equal values in one slot and
    /// adds that slot to the long accumulators once, which is what this does. Returns
    /// false, having added nothing, for blocks longer than `push_many` sums in one slot
    /// (the caller then pushes them one by one).
    pub fn push_repeated(&mut self, v: f64, count: usize) -> bool {
        if count > BLOCK_ADDS as usize {
            return false;
        }
        if v.is_nan() {
            return true;
        }
        if v.is_infinite() {
            if v > 0.0 {
                self.pos_inf += count as u64;
            } else {
                self.neg_inf += count as u64;
            }
            return true;
        }
        self.n += count as u64 - 1;
        let Some((negative, m, e)) = self.tally(v) else {
            return true;
        };
        // count m < 2^73 and count m^2 < 2^126: no overflow.
        let (m, count) = (i128::from(m), count as i128);
        self.sum
            .add_i128(if negative { -m * count } else { m * count }, e);
        self.squares.add_u128((m * m * count) as u128, 2 * e);
        true
    }

    /// Adds another sum's values.
    pub fn merge(&mut self, other: &ExactSum) {
        self.n += other.n;
        self.pos_inf += other.pos_inf;
        self.neg_inf += other.neg_inf;
        self.sum.add(&other.sum);
        self.squares.add(&other.squares);
    }

    /// Values counted, infinities included.
    pub fn count(&self) -> u64 {
        self.n + self.pos_inf + self.neg_inf
    }

    /// The mean, rounded once from the exact sum; NaN without values.
    pub fn mean(&self) -> f64 {
        let count = self.count();
        if count == 0 {
            return f64::NAN;
        }
        match (self.pos_inf > 0, self.neg_inf > 0) {
            (true, true) => return f64::NAN,
            (true, false) => return f64::INFINITY,
            (false, true) => return f64::NEG_INFINITY,
            (false, false) => {}
        }
        let (negative, offset, digits) = self.sum.magnitude();
        let Some((mantissa, e)) = round_digits(offset, &digits) else {
            return 0.0;
        };
        let m = scale(mantissa as f64 / count as f64, e + i64::from(SUM_MIN_EXP));
        if negative { -m } else { m }
    }

    /// The sample standard deviation (n - 1 in the denominator; 0 for one value, NaN
    /// without values or with infinite ones).
    pub fn sd(&self) -> f64 {
        let count = self.count();
        if count == 0 {
            return f64::NAN;
        }
        if count == 1 {
            return 0.0;
        }
        if self.pos_inf + self.neg_inf > 0 {
            return f64::NAN;
        }
        // n S2 - S1^2, exactly, in units of 2^-2148.
        let (_, s1_offset, s1) = self.sum.magnitude();
        let (_, s2_offset, s2) = self.squares.magnitude();
        let mut d = Fixed::default();
        if !s2.is_empty() {
            let n = u128::from(self.n);
            let mut carry = 0u128;
            let mut times_n: Vec<i64> = Vec::with_capacity(s2.len() + 3);
            for digit in &s2 {
                let t = u128::from(*digit) * n + carry;
                times_n.push((t & DIGIT_MASK as u128) as i64);
                carry = t >> DIGIT_BITS;
            }
            while carry > 0 {
                times_n.push((carry & DIGIT_MASK as u128) as i64);
                carry >>= DIGIT_BITS;
            }
            d.add(&Fixed {
                offset: s2_offset,
                digits: times_n,
                adds: 0,
            });
        }
        if !s1.is_empty() {
            let mut sq = vec![0u64; 2 * s1.len() + 1];
            for (i, a) in s1.iter().enumerate() {
                let mut carry = 0u64;
                for (j, b) in s1.iter().enumerate() {
                    // (2^32 - 1)^2 + 2 (2^32 - 1) = 2^64 - 1: no overflow.
                    let t = sq[i + j] + a * b + carry;
                    sq[i + j] = t & DIGIT_MASK as u64;
                    carry = t >> DIGIT_BITS;
                }
                let mut k = i + s1.len();
                while carry > 0 {
                    let t = sq[k] + carry;
                    sq[k] = t & DIGIT_MASK as u64;
                    carry = t >> DIGIT_BITS;
                    k += 1;
                }
            }
            d.add(&Fixed {
                offset: 2 * s1_offset,
                digits: sq.iter().map(|v| -(*v as i64)).collect(),
                adds: 0,
            });
        }
        d.carry();
        if d.is_zero() {
            return 0.0;
        }
        let (negative, offset, digits) = d.magnitude();
        if negative {
            // Cannot happen (n S2 >= S1^2); a zero spread is the safe answer.
            return 0.0;
        }
        let Some((mantissa, e)) = round_digits(offset, &digits) else {
            return 0.0;
        };
        let nn = self.n as f64 * (self.n - 1) as f64;
        scale(mantissa as f64 / nn, e + i64::from(SQ_MIN_EXP)).sqrt()
    }
}

/// Orders f64 totally (-0 before +0), for minima and maxima that do not depend on the
/// order values came in.
pub fn total_min(a: f64, b: f64) -> f64 {
    if a.total_cmp(&b) == Ordering::Greater {
        b
    } else {
        a
    }
}

/// See `total_min`.
pub fn total_max(a: f64, b: f64) -> f64 {
    if a.total_cmp(&b) == Ordering::Less {
        b
    } else {
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: &[f64]) -> ExactSum {
        let mut s = ExactSum::default();
        values.iter().for_each(|v| s.push(*v));
        s
    }

    #[test]
    fn repeated_values_give_the_state_of_their_block_push() {
        // The same accumulator state, digit for digit, whatever came before.
        let specials = [
            0.0,
            -0.0,
            1.5,
            -2.75e-3,
            123_456.789,
            f64::MAX,
            -f64::MIN_POSITIVE / 3.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for v in specials {
            for count in [2, 3, 256, 1 << 20] {
                for before in [&[][..], &[7.0, -1e-7, 3e200][..]] {
                    let (mut fast, mut block) = (of(before), of(before));
                    assert!(fast.push_repeated(v, count));
                    block.push_many(&vec![v; count]);
                    assert_eq!(fast, block, "{v} x {count}");
                    assert_eq!(fast.mean().to_bits(), block.mean().to_bits());
                }
            }
            // Longer than a block's slots hold: refused, nothing added.
            let mut refused = of(&[2.0]);
            assert!(!refused.push_repeated(v, (1 << 20) + 1));
            assert_eq!(refused, of(&[2.0]));
        }
        // And the mean and spread of a repeated value are the value and 0.
        let mut s = ExactSum::default();
        assert!(s.push_repeated(0.1, 1000));
        assert_eq!((s.mean(), s.sd(), s.count()), (0.1, 0.0, 1000));
    }

    #[test]
    fn a_block_of_one_exponent_gives_the_state_of_a_block_push() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || crate::test_rng::next(&mut state);
        // Positive, negative and subnormal blocks, each within one exponent, of 1 to
        // 300 values, pushed after some other values.
        for (exponent, sign, len) in [
            (1023u64, 0u64, 64usize),
            (1043, 1, 64),
            (0, 0, 17),
            (0, 1, 3),
            (2046, 0, 300),
            (900, 1, 1),
        ] {
            let block: Vec<f64> = (0..len)
                .map(|_| {
                    let frac = next() >> 12;
                    let frac = if exponent == 0 { frac.max(1) } else { frac };
                    f64::from_bits(sign << 63 | exponent << 52 | frac)
                })
                .collect();
            let before = [1.5, -2.25e-3, 7.0e12, 0.0];
            let (mut a, mut b) = (of(&before), of(&before));
            a.push_many(&block);
            b.push_one_exponent(&block);
            assert_eq!(a, b, "exponent {exponent}, sign {sign}, {len} values");
            assert_eq!(
                (a.mean().to_bits(), a.sd().to_bits()),
                (b.mean().to_bits(), b.sd().to_bits())
            );
        }
    }

    #[test]
    fn a_block_push_gives_the_sums_of_single_pushes() {
        // Mixed signs, many exponents (more than the block's slots), subnormals, zeros,
        // infinities and NaN, in blocks of several lengths.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut values: Vec<f64> = (0..5000)
            .map(|i| {
                let x = crate::test_rng::unit(&mut state);
                match i % 7 {
                    0 => -x * 1e9,
                    1 => x * 1e-300 * 1e-10,
                    2 => 0.0,
                    _ => (x * 60.0 - 30.0).exp(),
                }
            })
            .collect();
        values.extend([f64::NAN, 5e-324, -5e-324, 1.7e308, 1.7e308]);
        for block in [1, 7, 256, values.len()] {
            let mut one = ExactSum::default();
            values
                .iter()
                .filter(|v| !v.is_nan())
                .for_each(|v| one.push(*v));
            let mut many = ExactSum::default();
            values.chunks(block).for_each(|c| many.push_many(c));
            assert_eq!(one.n, many.n);
            assert_eq!(one.sum.magnitude(), many.sum.magnitude(), "block {block}");
            assert_eq!(one.squares.magnitude(), many.squares.magnitude());
            assert_eq!(one.mean().to_bits(), many.mean().to_bits());
            assert_eq!(one.sd().to_bits(), many.sd().to_bits());
        }
        let mut inf = ExactSum::default();
        inf.push_many(&[1.0, f64::INFINITY, 2.0]);
        assert_eq!((inf.count(), inf.mean()), (3, f64::INFINITY));
    }

    #[test]
    fn small_integers_give_their_closed_form_mean_and_sd() {
        // 1..10: mean 5.5, sample variance 55/6.
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let s = of(&v);
        assert_eq!(s.mean(), 5.5);
        assert_eq!(s.sd(), (55.0_f64 / 6.0).sqrt());
        // Negative values: -1..-10 has the same spread.
        let neg: Vec<f64> = v.iter().map(|x| -x).collect();
        assert_eq!(of(&neg).mean(), -5.5);
        assert_eq!(of(&neg).sd(), (55.0_f64 / 6.0).sqrt());
    }

    #[test]
    fn sums_are_exact_where_floating_point_sums_are_not() {
        // 1e16 + 1 - 1e16: naive summation loses the 1; the exact sum does not.
        let s = of(&[1e16, 1.0, -1e16]);
        assert_eq!(s.mean(), 1.0 / 3.0);
        // 0.1 ten times: the exact sum of the f64 nearest 0.1 is 10 * 0.1000000000000000055...,
        // which rounds to 1.0 (the naive sum gives 0.9999999999999999).
        let tenth = of(&[0.1; 10]);
        assert_eq!(tenth.mean(), 0.1);
        assert_eq!(tenth.sd(), 0.0, "a constant has no spread");
        let naive: f64 = [0.1; 10].iter().sum();
        assert_ne!(naive, 1.0);
    }

    #[test]
    fn any_order_and_any_grouping_give_the_same_bits() {
        let values: Vec<f64> = (0..3000u64)
            .map(|i| {
                let x = ((i * 2_654_435_761) % 10_007) as f64 / 7.0;
                if i % 3 == 0 {
                    -x * 1e6
                } else {
                    (x / 50.0).exp() * 1e-3
                }
            })
            .collect();
        let whole = of(&values);
        let mut reversed = values.clone();
        reversed.reverse();
        let rev = of(&reversed);
        assert_eq!(whole.mean().to_bits(), rev.mean().to_bits());
        assert_eq!(whole.sd().to_bits(), rev.sd().to_bits());
        for parts in [2usize, 3, 7] {
            let mut merged = ExactSum::default();
            for chunk in values.chunks(values.len().div_ceil(parts)).rev() {
                merged.merge(&of(chunk));
            }
            assert_eq!(merged.mean().to_bits(), whole.mean().to_bits());
            assert_eq!(merged.sd().to_bits(), whole.sd().to_bits());
        }
        // And it agrees with a two-pass computation to near machine precision.
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let var =
            values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64;
        assert!((whole.mean() - mean).abs() <= 1e-12 * mean.abs());
        assert!((whole.sd() - var.sqrt()).abs() <= 1e-12 * var.sqrt());
    }

    #[test]
    fn extremes_zeros_and_infinities() {
        assert!(ExactSum::default().mean().is_nan());
        assert_eq!(of(&[0.0, -0.0]).mean(), 0.0);
        assert_eq!(of(&[0.0, -0.0]).sd(), 0.0);
        assert_eq!(of(&[f64::MAX, f64::MAX]).mean(), f64::MAX);
        assert_eq!(of(&[f64::MAX, f64::MAX]).sd(), 0.0);
        let tiny = f64::from_bits(1);
        assert_eq!(of(&[tiny, tiny, tiny]).mean(), tiny);
        assert_eq!(of(&[3.0, f64::INFINITY]).mean(), f64::INFINITY);
        assert!(of(&[3.0, f64::INFINITY]).sd().is_nan());
        assert!(of(&[f64::NEG_INFINITY, f64::INFINITY]).mean().is_nan());
        assert_eq!(of(&[7.25]).sd(), 0.0);
        // Sums that cancel to a negative total carry and borrow across digits.
        let mut a = of(&[-1.5, 2f64.powi(40), 1e-300]);
        a.merge(&of(&[-(2f64.powi(40)), -1e-300]));
        assert_eq!(a.mean(), -0.3);
        assert_eq!(
            a.mean(),
            of(&[-1.5, 2f64.powi(40), 1e-300, -(2f64.powi(40)), -1e-300]).mean()
        );
        assert_eq!(total_min(0.0, -0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(total_max(-0.0, 0.0).to_bits(), 0.0f64.to_bits());
    }
}
