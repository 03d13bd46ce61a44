//! What a calibration writes: a scenario file that extends the calibrated one
//! (`base = ...`) and restates only the fitted constants, headed by the fit's table as
//! comments, so that the calibration is a reviewable file rather than hidden state.

use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use super::Fit;
use crate::model::{CalibrationTarget, Scenario};

/// `v` rounded to 4 significant digits, written without an exponent.
pub fn round4(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let mag = 10f64.powi(3 - v.abs().log10().floor() as i32);
    (v * mag).round() / mag
}

fn num(v: f64) -> String {
    crate::number_text::fmt_num(round4(v))
}

fn mt(t: f64) -> String {
    format!("{:.3}", t / 1e6)
}

fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:+.1}%", v * 100.0)
    } else {
        "-".into()
    }
}

/// The fit as a plain-text table: constants, then measures, then diagnostics.
pub fn report(fit: &Fit) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Calibration against the {} observations", fit.year);
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<46} {:>12} {:>12} {:>12} {:>12}  note",
        "constant", "before", "after", "std error", "bounds"
    );
    for c in &fit.constants {
        let se = if c.at_bound.is_some() || !c.std_error.is_finite() {
            "-".to_string()
        } else {
            num(c.std_error)
        };
        let note = match c.at_bound {
            Some(b) => format!("at its {b} bound"),
            None if c.std_error.is_finite()
                && c.after != 0.0
                && c.std_error > 0.5 * c.after.abs() =>
            {
                "poorly determined (std error > 50%)".to_string()
            }
            None => String::new(),
        };
        let _ = writeln!(
            o,
            "{:<46} {:>12} {:>12} {:>12} {:>12}  {}",
            c.parameter.key,
            num(c.before),
            num(c.after),
            se,
            format!("{}..{}", num(c.parameter.min), num(c.parameter.max)),
            note
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<34} {:>9} {:>9} {:>8} {:>9} {:>8} {:>6}  source",
        "measure", "observed", "before", "diff", "after", "diff", "weight"
    );
    for r in &fit.rows {
        let _ = writeln!(
            o,
            "{:<34} {:>9} {:>9} {:>8} {:>9} {:>8} {:>6}  {}",
            r.measure,
            mt(r.observed_t),
            mt(r.before_t),
            pct(r.before_t / r.observed_t - 1.0),
            mt(r.after_t),
            pct(r.after_t / r.observed_t - 1.0),
            num(r.weight),
            r.source
        );
    }
    let _ = writeln!(o, "(tonnes in Mt a year; diff = model / observed - 1)");
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "Weighted half sum of squared relative differences: {} before, {} after; {} iterations, {} model runs, {}.",
        num(fit.cost_before),
        num(fit.cost_after),
        fit.iterations,
        fit.evaluations,
        if fit.converged {
            "converged"
        } else {
            "stopped at the iteration limit"
        }
    );
    let sv: Vec<String> = fit.singular_values.iter().map(|v| num(*v)).collect();
    let cond = match (fit.singular_values.first(), fit.singular_values.last()) {
        (Some(a), Some(b)) if *b > 0.0 => num(a / b),
        _ => "inf".into(),
    };
    let _ = writeln!(
        o,
        "Singular values of the Jacobian (bound-scaled): {}; condition number {}.",
        sv.join(", "),
        cond
    );
    if fit.rows.iter().filter(|r| r.weight > 0.0).count() <= fit.constants.len() {
        let _ = writeln!(
            o,
            "As many constants as fitted observations or more: no standard errors (no residual degrees of freedom)."
        );
    }
    o
}

/// The calibrated scenario: extends `base_path` (as written in the file) and sets each
/// fitted constant, with the report as a comment header.
pub fn scenario_file(s: &Scenario, fit: &Fit, base_path: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Written by `corridor calibrate` (corridor-sim {}): the constants of [calibration]",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        o,
        "# fitted to the {} observations of the measures. Run it like any scenario.",
        fit.year
    );
    o.push_str("#\n");
    for line in report(fit).lines() {
        let _ = writeln!(o, "# {line}");
    }
    o.push('\n');
    let _ = writeln!(o, "[scenario]");
    let _ = writeln!(o, "base = {}", toml_str(base_path));
    let _ = writeln!(o, "name = {}", toml_str(&format!("{}-calibrated", s.name)));
    // One item per section and id, keys in parameter order.
    type Item<'a> = (&'a str, String, Vec<(&'a str, f64)>);
    let mut items: Vec<Item> = Vec::new();
    for c in &fit.constants {
        let (section, id, key) = match c.parameter.target {
            CalibrationTarget::CorridorConstant(i) => {
                ("corridors", &s.corridors[i].id, "constant_usd_per_t")
            }
            CalibrationTarget::BorderDwell(i) => ("nodes", &s.nodes[i].id, "border_dwell_h"),
            CalibrationTarget::LinkTariff(i) => ("links", &s.links[i].id, "tariff_usd_per_t"),
            CalibrationTarget::LinkTime(i) => ("links", &s.links[i].id, "time_h"),
            CalibrationTarget::DemandTonnes(i) => ("demand", &s.demand[i].id, "tonnes_per_year"),
        };
        match items
            .iter_mut()
            .find(|(s2, i2, _)| *s2 == section && i2 == id)
        {
            Some(item) => item.2.push((key, c.after)),
            None => items.push((section, id.clone(), vec![(key, c.after)])),
        }
    }
    for (section, id, keys) in items {
        let _ = writeln!(o, "\n[[{section}]]");
        let _ = writeln!(o, "id = {}", toml_str(&id));
        for (k, v) in keys {
            let _ = writeln!(o, "{k} = {}", toml_num(round4(v)));
        }
    }
    o
}

fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML float (always with a decimal point, so that it reads back as a float).
fn toml_num(v: f64) -> String {
    let s = crate::number_text::fmt_num(v);
    if s.contains('.') { s } else { format!("{s}.0") }
}

/// `to` relative to the folder `from_dir` (both made absolute first), with `/`
/// separators; the absolute path of `to` when no relative path exists.
pub fn relative_path(from_dir: &Path, to: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        })
    };
    let (from, to) = (abs(from_dir), abs(to));
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return to.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".into(); a.len() - common];
    parts.extend(
        b[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_and_paths() {
        assert_eq!(round4(52.3456), 52.35);
        assert_eq!(round4(1_234_567.0), 1_235_000.0);
        assert_eq!(round4(-0.012345), -0.01235);
        assert_eq!(toml_num(52.0), "52.0");
        assert_eq!(toml_str("a\"b"), "\"a\\\"b\"");
        let tmp = std::env::temp_dir();
        let rel = relative_path(&tmp.join("x/y"), &tmp.join("seeds/s.toml"));
        assert_eq!(rel, "../../seeds/s.toml");
    }
}
