//! The text of a number in every file the tool writes (CSV cells, summaries, chart
//! labels, calibrated scenario files): compact, without an exponent, and the same bytes
//! on every run and machine.

/// Formats a number compactly and identically on every run: integers without a
/// fraction, others with up to 6 significant decimals, no exponent.
pub fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        return String::new();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if v == v.trunc() && v.abs() < 1e15 {
        return format!("{}", v as i64);
    }
    let decimals = decimals(v);
    if let Some(s) = fixed_decimals(v, decimals) {
        return s;
    }
    let s = format!("{v:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// The decimals `fmt_num` writes a number with: 2 from 1000 up, 4 from 1, 6 below.
fn decimals(v: f64) -> usize {
    if v.abs() >= 1000.0 {
        2
    } else if v.abs() >= 1.0 {
        4
    } else {
        6
    }
}

/// `format!("{v:.decimals$}")` with trailing zeros (and a bare point) trimmed and "-0"
/// written "0", as `fmt_num` writes a number that is not whole, computed in integers:
/// a finite f64 is m 2^e exactly, so v 10^decimals = m 10^decimals 2^e rounds to an
/// integer by a shift with the remainder rounded half to even (the standard library's
/// exact formatting, to the digit; a test compares the two), about ten times quicker
/// than the library's exact mode, which falls back to big-number arithmetic for many
/// values. `None` (left to `format!`) for whole numbers of 2^52 and more, more than 6
/// decimals (m 10^decimals then fits in 128 bits for any m below 2^53) or a rounded
/// v 10^decimals of 2^64 or more.
fn fixed_decimals(v: f64, decimals: usize) -> Option<String> {
    const POW10: [u128; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    let scale = *POW10.get(decimals)?;
    let bits = v.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1 << 52) - 1);
    let (m, e) = match exp_bits {
        0x7ff => return None,
        0 => (frac, -1074),
        _ => (frac | (1 << 52), exp_bits - 1075),
    };
    if e >= 0 {
        return None;
    }
    let n = u128::from(m) * scale;
    let shift = (-e) as u32;
    let q = if shift >= 128 {
        // n < 2^73: far below half a unit of the last decimal.
        0
    } else {
        let q = n >> shift;
        let rem = n & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        if rem > half || (rem == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    // (Below 2^64 whenever fmt_num calls: 6 decimals only below 1, 4 below 1000.)
    let q = u64::try_from(q).ok()?;
    if q == 0 {
        return Some("0".into());
    }
    // Digits from the last: the fraction's (its trailing zeros left out), then the
    // whole part's.
    let mut buf = [0u8; 32];
    let mut at = buf.len();
    let mut rest = q;
    let mut written_fraction = false;
    for _ in 0..decimals {
        let digit = (rest % 10) as u8;
        rest /= 10;
        if digit != 0 || written_fraction {
            at -= 1;
            buf[at] = b'0' + digit;
            written_fraction = true;
        }
    }
    if written_fraction {
        at -= 1;
        buf[at] = b'.';
    }
    loop {
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if v.is_sign_negative() {
        at -= 1;
        buf[at] = b'-';
    }
    Some(String::from_utf8_lossy(&buf[at..]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(1234.5678), "1234.57");
        assert_eq!(fmt_num(0.1234567), "0.123457");
        assert_eq!(fmt_num(-0.0000001), "0");
        assert_eq!(fmt_num(f64::NAN), "");
    }

    /// What `fmt_num` wrote before `fixed_decimals`: the standard library's exact
    /// formatting, trimmed.
    fn by_format(v: f64, decimals: usize) -> String {
        let s = format!("{v:.decimals$}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        if s == "-0" { "0".into() } else { s.to_string() }
    }

    #[test]
    fn integer_rounding_writes_what_exact_formatting_writes() {
        let mut cases: Vec<f64> = vec![
            0.5,
            1.5,
            2.5,
            0.125,
            0.375,
            1.0625,
            0.0000005,
            0.0000015,
            0.0000025,
            1234.565,
            1234.575,
            1000.005,
            999.99995,
            0.99999949999,
            0.9999995,
            5e-324,
            -5e-324,
            1e-300,
            -0.0000004,
            -0.0000005,
            -0.0000006,
            4503599627370495.5,
            1e15 + 0.5,
            123456789012.345,
            -987.654321,
            0.1,
            0.2,
            0.3,
            1.0 / 3.0,
        ];
        // Ties on each decimal grid, exactly representable (k + 1/2) / 2^j.
        for k in 0..2000u32 {
            for j in 1..12 {
                cases.push((f64::from(k) + 0.5) / f64::from(1u32 << j));
            }
        }
        // Pseudo-random bit patterns over the whole range, and values of every size.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = if i % 2 == 0 {
                f64::from_bits(x)
            } else {
                (x >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi(i % 40 - 20)
            };
            if v.is_finite() {
                cases.push(v);
                cases.push(-v);
            }
        }
        for v in cases {
            for decimals in [2, 4, 6] {
                let fast = fixed_decimals(v, decimals);
                if let Some(fast) = fast {
                    assert_eq!(fast, by_format(v, decimals), "{v:e} at {decimals} decimals");
                } else {
                    let scaled = v.abs() * 10f64.powi(decimals as i32);
                    assert!(v.abs() >= 2f64.powi(52) || scaled >= 1.8e19, "{v:e}");
                }
            }
            if v.is_finite() && v != v.trunc() {
                let d = decimals(v);
                assert_eq!(fmt_num(v), by_format(v, d), "{v:e}");
                // Every number fmt_num writes with a fraction takes the quick path.
                assert!(v.abs() >= 1e15 || fixed_decimals(v, d).is_some(), "{v:e}");
            }
        }
    }
}
