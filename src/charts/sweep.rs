//! Sweep charts: outputs against one swept input, each a mean line with its 25-75% and
//! 5-95% bands over replications, and the switching value (where the chosen output falls
//! below its threshold) as a vertical line with the band of the replications' own
//! crossings; for two inputs, a heat map of the mean of the first output.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::Figure;
use super::style::*;
use crate::sensitivity::sweep::SweepResult;

/// The line chart of a one-input sweep.
pub struct SweepLines<'a> {
    pub result: &'a SweepResult,
    pub title: String,
    pub note: String,
}

impl Figure for SweepLines<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Drawn {
        let r = self.result;
        let sw = &r.sweep;
        let input = &sw.inputs[0];
        let mut sub = vec![if r.replications > 1 {
            format!(
                "Lines: mean of {} replications at each value (the same draws of every other input at every point); \
                 shading: 25–75% and 5–95% of replications.",
                r.replications
            )
        } else {
            "One replication per point (the scenario has no uncertain inputs).".into()
        }];
        if let Some(s) = &r.switching {
            sub.push(match (s.value, &sw.switch) {
                (Some(x), Some(spec)) => format!(
                    "{} falls below {} at {} = {} (nominal {}){}.",
                    spec.output.label,
                    match &spec.below {
                        crate::scenario::study::Threshold::Value(v) => fmt_num(*v),
                        crate::scenario::study::Threshold::Output(o) => o.label.clone(),
                    },
                    input.target.key,
                    fmt_num(x),
                    fmt_num(input.nominal),
                    if r.replications > 1 && s.band.n > 0 {
                        format!(
                            "; replications cross between {} and {} (5–95%)",
                            fmt_num(s.band.p[0]),
                            fmt_num(s.band.p[4])
                        )
                    } else {
                        String::new()
                    }
                ),
                _ => "The output does not fall below its threshold anywhere in the range.".into(),
            });
        }
        let body = frame(root, &self.title, &sub, &self.note)?;
        let tonnes = sw.outputs.iter().all(|o| o.is_tonnes());
        let max_v = r
            .points
            .iter()
            .flat_map(|p| (0..sw.outputs.len()).map(move |o| p.summary(o).p[4]))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        let min_v = r
            .points
            .iter()
            .flat_map(|p| (0..sw.outputs.len()).map(move |o| p.summary(o).p[0]))
            .filter(|v| v.is_finite())
            .fold(0.0, f64::min);
        let (div, unit) = if tonnes {
            let u = tonne_unit(max_v);
            (u.div, u.long.to_string())
        } else {
            (1.0, String::new())
        };
        let xs: Vec<f64> = r.points.iter().map(|p| p.values[0]).collect();
        let (x_lo, x_hi) = xs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(*v), b.max(*v))
            });
        let x_hi = if x_hi > x_lo { x_hi } else { x_lo + 1.0 };
        let y_hi = (max_v / div * 1.08).max(1e-9);
        let y_lo = min_v / div * 1.08;
        let (w, _) = body.dim_in_pixel();
        let legend_items: Vec<(Swatch, String)> = sw
            .outputs
            .iter()
            .enumerate()
            .map(|(i, o)| {
                (
                    Swatch::Line {
                        color: PALETTE[i % PALETTE.len()],
                        width: 4,
                        dashed: false,
                    },
                    o.label.clone(),
                )
            })
            .chain(r.switching.as_ref().and_then(|s| s.value).map(|_| {
                (
                    Swatch::Line {
                        color: INK,
                        width: 2,
                        dashed: true,
                    },
                    "switching value (band: 5–95% of replications' crossings)".to_string(),
                )
            }))
            .collect();
        let lh = legend_row_height(&body, &legend_items, w as i32)?;
        legend_row(&body, &legend_items)?;
        let plot = body.margin(lh + 10, 0, 0, 0);
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(40)
            .x_label_area_size(80)
            .y_label_area_size(130)
            .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
        chart
            .configure_mesh()
            .house_grid()
            .x_desc(input.target.key.as_str())
            .y_desc(if unit.is_empty() {
                "Output".to_string()
            } else {
                format!("Output ({unit} per year)")
            })
            .axis_desc_style(font(AXIS))
            .label_style(font(TICK))
            .x_label_formatter(&|v| fmt_num(*v))
            .y_label_formatter(&|v| fmt_num(*v))
            .draw()?;
        if let Some(s) = &r.switching
            && let Some(x) = s.value
        {
            if r.replications > 1 && s.band.n > 0 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(s.band.p[0].max(x_lo), y_lo), (s.band.p[4].min(x_hi), y_hi)],
                    INK.mix(0.08).filled(),
                )))?;
            }
            chart.draw_series(DashedLineSeries::new(
                vec![(x, y_lo), (x, y_hi)],
                10,
                6,
                INK.stroke_width(2),
            ))?;
            chart.draw_series(std::iter::once(Text::new(
                format!(" {}", fmt_num(x)),
                (x, y_hi * 0.97),
                anchored(bold(LABEL), HPos::Left, VPos::Top),
            )))?;
        }
        for (o, _) in sw.outputs.iter().enumerate() {
            let color = PALETTE[o % PALETTE.len()];
            let st: Vec<(f64, crate::stats::Summary)> = r
                .points
                .iter()
                .map(|p| (p.values[0], p.summary(o)))
                .collect();
            if r.replications > 1 {
                for (lo, hi, op) in [(0, 4, 0.12), (1, 3, 0.22)] {
                    let mut poly: Vec<(f64, f64)> =
                        st.iter().map(|(x, s)| (*x, s.p[hi] / div)).collect();
                    poly.extend(st.iter().rev().map(|(x, s)| (*x, s.p[lo] / div)));
                    chart
                        .draw_series(std::iter::once(Polygon::new(poly, color.mix(op).filled())))?;
                }
            }
            let line: Vec<(f64, f64)> = st.iter().map(|(x, s)| (*x, s.mean / div)).collect();
            chart.draw_series(LineSeries::new(line.clone(), color.stroke_width(4)))?;
            chart.draw_series(line.iter().map(|p| Circle::new(*p, 6, color.filled())))?;
        }
        Ok(())
    }
}

/// The heat map of a two-input sweep: the mean of the first output at each point.
pub struct SweepHeat<'a> {
    pub result: &'a SweepResult,
    pub title: String,
    pub note: String,
}

impl Figure for SweepHeat<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Drawn {
        let r = self.result;
        let sw = &r.sweep;
        let (a, b) = (&sw.inputs[0], &sw.inputs[1]);
        let out = &sw.outputs[0];
        let means: Vec<f64> = r.points.iter().map(|p| p.summary(0).mean).collect();
        let (lo, hi) = means
            .iter()
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(p, q), v| {
                (p.min(*v), q.max(*v))
            });
        let tonnes = out.is_tonnes();
        let (div, unit) = if tonnes {
            let u = tonne_unit(hi.abs().max(lo.abs()));
            (u.div, format!(" {}", u.short))
        } else {
            (1.0, String::new())
        };
        let sub = vec![format!(
            "Mean of {} over {} replication{} at each pair of values (cell text); darker = more. \
             Columns: {}; rows: {}.",
            out.label,
            r.replications,
            if r.replications == 1 { "" } else { "s" },
            a.target.key,
            b.target.key
        )];
        let body = frame(root, &self.title, &sub, &self.note)?;
        let (w, h) = body.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let (x0, y0, x1, y1) = (200, 40, w - 20, h - 90);
        let (na, nb) = (a.values.len() as i32, b.values.len() as i32);
        let cw = (x1 - x0) / na.max(1);
        let ch = (y1 - y0) / nb.max(1);
        let cell_text = anchored(font(NOTE), HPos::Center, VPos::Center);
        for (k, p) in r.points.iter().enumerate() {
            let (i, j) = ((k as i32) / nb, (k as i32) % nb);
            let v = means[k];
            let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            let c = utilization_color(t.clamp(0.0, 1.0));
            let (cx, cy) = (x0 + i * cw, y1 - (j + 1) * ch);
            body.draw(&Rectangle::new(
                [(cx, cy), (cx + cw - 2, cy + ch - 2)],
                c.filled(),
            ))?;
            let ink = if is_light(c) { INK } else { WHITE };
            text(
                &body,
                &format!("{}{unit}", fmt_num(v / div)),
                (cx + cw / 2, cy + ch / 2),
                &cell_text.color(&ink),
            )?;
            if j == 0 {
                text(
                    &body,
                    &fmt_num(p.values[0]),
                    (cx + cw / 2, y1 + 10),
                    &anchored(font(TICK), HPos::Center, VPos::Top),
                )?;
            }
            if i == 0 {
                text(
                    &body,
                    &fmt_num(p.values[1]),
                    (x0 - 12, cy + ch / 2),
                    &anchored(font(TICK), HPos::Right, VPos::Center),
                )?;
            }
        }
        text(
            &body,
            &a.target.key,
            ((x0 + x1) / 2, y1 + 46),
            &anchored(font(AXIS), HPos::Center, VPos::Top),
        )?;
        text(
            &body,
            &b.target.key,
            (x0, y0 - 10),
            &anchored(font(AXIS), HPos::Left, VPos::Bottom),
        )?;
        Ok(())
    }
}
