//! The spider chart of one output: the output with each uncertain input at its 10th,
//! 30th, 50th, 70th and 90th percentile, the others at their medians (`sensitivity::oat`).
//! Steep lines matter; flat lines do not; all lines meet at the base (50th percentile).
//! Inputs that leave the output unchanged across their whole range are named in the
//! subtitle rather than drawn: their lines would all lie on one another, hidden.

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
        let (moving, flat): (Vec<_>, Vec<_>) = self.lines.iter().partition(|(_, v)| !is_flat(v));
        let shown: Vec<&(String, [f64; 5])> = moving.iter().take(MAX_LINES).copied().collect();
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
        let (div, unit) = if self.tonnes {
            let u = tonne_unit(hi.abs().max(lo.abs()));
            (u.div, format!(" ({} per year)", u.long))
        } else {
            (1.0, String::new())
        };
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
    use super::is_flat;

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
