//! The spider chart of one output: the output with each uncertain input at its 10th,
//! 30th, 50th, 70th and 90th percentile, the others at their medians (`sensitivity::oat`).
//! Steep lines matter; flat lines do not; all lines meet at the base (50th percentile).
//! Inputs that leave the output unchanged across their whole range are named in the
//! subtitle rather than drawn: their lines would all lie on one another, hidden. So are
//! inputs whose line stays within `NEAR_FLAT` of the axis range around the base: at
//! that scale it is a flat line too, and two of them would hide under each other and
//! under any flat line (the subtitle gives how far from the base they go).

use plotters::prelude::*;

use super::Figure;
use super::style::*;
use crate::sensitivity::oat::SPIDER;

/// Lines drawn at most (the largest swings).
pub const MAX_LINES: usize = 8;

pub struct Spider {
    pub output_label: String,
    pub tonnes: bool,
    /// (input name, output at the `SPIDER` percentiles), largest swing first.
    pub lines: Vec<(String, [f64; 5])>,
    pub note: String,
}

/// A line that strays from the base by less than this share of the largest swing
/// among the lines (the span of the drawn axis, before its padding) is indistinguishable
/// from flat: 1% of a plot about 550 pixels high is about 5 pixels, close to the lines'
/// width of 4.
pub const NEAR_FLAT: f64 = 0.01;

/// The lines that move but stay within `NEAR_FLAT` of the span of all the moving lines'
/// values around their base (each line's middle point): `true` at their positions in
/// `lines` (flat lines are `false`: `is_flat` names them).
pub fn nearly_flat(lines: &[[f64; 5]]) -> Vec<bool> {
    let moving = lines.iter().filter(|v| !is_flat(v));
    let (lo, hi) = moving
        .flat_map(|v| v.iter().copied())
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let span = hi - lo;
    lines
        .iter()
        .map(|v| {
            !is_flat(v)
                && span.is_finite()
                && v.iter().all(|x| x.is_finite())
                && deviation(v) < NEAR_FLAT * span
        })
        .collect()
}

/// How far a line goes from its base (its middle point), either way.
fn deviation(v: &[f64; 5]) -> f64 {
    v.iter().map(|x| (x - v[2]).abs()).fold(0.0, f64::max)
}

/// Whether an input's line is flat: the output at each of its percentiles is the base
/// (the middle point) within solver noise, the tornado's "no change" (1e-9 of the base,
/// `charts::tornado`); a line of NaN only is flat too.
pub fn is_flat(values: &[f64; 5]) -> bool {
    let base = values[2];
    if values.iter().all(|v| v.is_nan()) {
        return true;
    }
    let eps = 1e-9 * (1.0 + base.abs());
    values.iter().all(|v| (v - base).abs() <= eps)
}

impl Figure for Spider {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Drawn {
        let values: Vec<[f64; 5]> = self.lines.iter().map(|(_, v)| *v).collect();
        let (mut moving, mut near, mut flat) = (Vec::new(), Vec::new(), Vec::new());
        for (line, nearly) in self.lines.iter().zip(nearly_flat(&values)) {
            match (is_flat(&line.1), nearly) {
                (true, _) => flat.push(line),
                (false, true) => near.push(line),
                (false, false) => moving.push(line),
            }
        }
        let shown: Vec<&(String, [f64; 5])> = moving.iter().take(MAX_LINES).copied().collect();
        // The axis's unit, from every line (those not drawn included).
        let (div, unit) = if self.tonnes {
            let max = self
                .lines
                .iter()
                .flat_map(|(_, v)| v.iter())
                .filter(|v| v.is_finite())
                .fold(0.0f64, |m, v| m.max(v.abs()));
            let u = tonne_unit(max);
            (u.div, format!(" ({} per year)", u.long))
        } else {
            (1.0, String::new())
        };
        let mut sub = vec![
            "Each input at its 10th, 30th, 50th, 70th and 90th percentile with the others at their medians; \
             all lines meet at the base."
                .to_string(),
        ];
        if moving.len() > shown.len() {
            sub.push(format!(
                "The {} inputs with the largest swings; {} more are flatter.",
                shown.len(),
                moving.len() - shown.len()
            ));
        }
        if !near.is_empty() {
            let names: Vec<&str> = near.iter().map(|(n, _)| n.as_str()).collect();
            let most = near.iter().map(|(_, v)| deviation(v)).fold(0.0, f64::max);
            // In a unit of its own size (15.3 t rather than 0.0000153 Mt).
            let most = if self.tonnes {
                let u = tonne_unit(most);
                format!("{} {}", fmt_num(most / u.div), u.short)
            } else {
                fmt_num(most)
            };
            sub.push(format!(
                "Within {most} of the base across the range, too little to see at this scale: {} (not drawn).",
                names.join(", ")
            ));
        }
        if !flat.is_empty() {
            let names: Vec<&str> = flat.iter().map(|(n, _)| n.as_str()).collect();
            sub.push(format!(
                "No change across the range of {} (not drawn).",
                names.join(", ")
            ));
        }
        let body = frame(
            root,
            &format!("{}: each input across its range", self.output_label),
            &sub,
            &self.note,
        )?;
        let vals = shown
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .filter(|v| v.is_finite());
        let (lo, hi) = vals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
        let pad = ((hi - lo) * 0.08).max(1e-9 * (1.0 + hi.abs()));
        let (w, _) = body.dim_in_pixel();
        let items: Vec<(Swatch, String)> = shown
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                (
                    Swatch::Line {
                        color: PALETTE[i % PALETTE.len()],
                        width: 4,
                        dashed: false,
                    },
                    name.clone(),
                )
            })
            .collect();
        let lh = legend_row_height(&body, &items, w as i32)?;
        legend_row(&body, &items)?;
        let plot = body.margin(lh + 10, 0, 0, 0);
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(40)
            .x_label_area_size(80)
            .y_label_area_size(130)
            .build_cartesian_2d(5.0..95.0, (lo - pad) / div..(hi + pad) / div)?;
        chart
            .configure_mesh()
            .house_grid()
            .x_desc("Percentile of the input")
            .y_desc(format!("{}{unit}", self.output_label))
            .axis_desc_style(font(AXIS))
            .label_style(font(TICK))
            .x_labels(10)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| fmt_num(*v))
            .draw()?;
        for (i, (_, v)) in shown.iter().enumerate().rev() {
            let color = PALETTE[i % PALETTE.len()];
            let pts: Vec<(f64, f64)> = SPIDER
                .iter()
                .zip(v.iter())
                .map(|(p, y)| (p * 100.0, y / div))
                .collect();
            chart.draw_series(LineSeries::new(pts.clone(), color.stroke_width(4)))?;
            chart.draw_series(pts.iter().map(|p| Circle::new(*p, 6, color.filled())))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{is_flat, nearly_flat};

    #[test]
    fn lines_within_a_hundredth_of_the_swing_are_nearly_flat() {
        let base = 1.88e6;
        let lines = [
            // Swings of 0.58 Mt (the span: 1.48 to 2.06 Mt) and 0.42 Mt.
            [2.06e6, 1.97e6, base, 1.76e6, 1.48e6],
            [2.04e6, 1.96e6, base, 1.78e6, 1.64e6],
            // 4 kt at most from the base: under 1% of the span (5.8 kt).
            [base + 4e3, base, base, base - 1e3, base - 2e3],
            // 6 kt: over it, drawn.
            [base, base, base, base, base + 6e3],
            // Flat (named as no change, not nearly flat).
            [base; 5],
            // Undefined points: never called nearly flat.
            [f64::NAN, base, base, base, base],
        ];
        assert_eq!(
            nearly_flat(&lines),
            [false, false, true, false, false, false]
        );
        // Alone, a small swing is the whole span: drawn.
        assert_eq!(nearly_flat(&lines[2..3]), [false]);
        assert_eq!(nearly_flat(&[]), Vec::<bool>::new());
    }

    #[test]
    fn a_line_is_flat_only_when_every_point_is_the_base_within_solver_noise() {
        assert!(is_flat(&[1.427e6; 5]));
        assert!(is_flat(&[f64::NAN; 5]));
        // 1e-9 of the base (1.427e-3 t here) is noise; a thousandth of a tonne more is not.
        assert!(is_flat(&[
            1.427e6 + 1e-3,
            1.427e6,
            1.427e6,
            1.427e6,
            1.427e6 - 1e-3
        ]));
        assert!(!is_flat(&[
            1.427e6,
            1.427e6,
            1.427e6,
            1.427e6,
            1.427e6 + 2e-3
        ]));
        assert!(!is_flat(&[1.427e6, 1.427e6, 1.427e6, 1.421e6, 1.421e6]));
        assert!(!is_flat(&[f64::NAN, 1.0, 1.0, 1.0, 1.0]));
    }
}
