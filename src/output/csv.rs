//! Results tables as CSV: key columns, then for each metric its mean (named after the
//! metric) followed by `_sd`, `_p5`, `_p25`, `_p50`, `_p75`, `_p95`. Empty cells where a
//! figure is undefined (for example the cost of a corridor that carries nothing).

use crate::results::Table;
use crate::stats::PERCENTILE_NAMES;

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
    let decimals = if v.abs() >= 1000.0 {
        2
    } else if v.abs() >= 1.0 {
        4
    } else {
        6
    };
    let s = format!("{v:.decimals$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

pub fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The header of a table.
pub fn header(t: &Table) -> Vec<String> {
    let mut h: Vec<String> = t.key_columns.iter().map(|s| s.to_string()).collect();
    for m in &t.metrics {
        h.push(m.to_string());
        h.push(format!("{m}_sd"));
        for p in PERCENTILE_NAMES {
            h.push(format!("{m}_{p}"));
        }
    }
    h
}

/// The table as CSV bytes.
pub fn to_csv(t: &Table) -> Vec<u8> {
    let mut out = String::new();
    out.push_str(&header(t).join(","));
    out.push('\n');
    for row in &t.rows {
        let mut cells: Vec<String> = row.keys.iter().map(|k| quote(k)).collect();
        for s in &row.stats {
            cells.push(fmt_num(s.mean));
            cells.push(fmt_num(s.sd));
            cells.extend(s.p.iter().map(|v| fmt_num(*v)));
        }
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out.into_bytes()
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
        assert_eq!(quote("a,b"), "\"a,b\"");
    }
}
