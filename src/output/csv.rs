//! Results tables as CSV: key columns, then for each metric its mean (named after the
//! metric) followed by `_sd`, `_p5`, `_p25`, `_p50`, `_p75`, `_p95`. Empty cells where a
//! figure is undefined (for example the cost of a corridor that carries nothing).

use crate::results::Table;
use crate::stats::PERCENTILE_NAMES;

/// (Numbers are written by `number_text`, below the output layer: the results tables'
/// own text cells use it too.)
pub use crate::number_text::fmt_num;

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
    fn fields_with_separators_or_quotes_are_quoted() {
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("plain"), "plain");
    }
}
