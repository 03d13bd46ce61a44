//! The select-link chart: the tonnes each flow puts on the selected link, node or
//! corridor over the years, stacked (means over replications), with the 5-95% band of
//! the total; flows are the layers, largest at the bottom.

use plotters::prelude::*;

use super::Figure;
use super::style::*;
use crate::model::Scenario;
use crate::sensitivity::select_link::SelectLink;

/// Layers drawn at most; smaller flows are summed into "other flows".
pub const MAX_LAYERS: usize = 9;

pub struct SelectLinkChart<'a> {
    pub scenario: &'a Scenario,
    pub result: &'a SelectLink,
    pub note: String,
}

impl Figure for SelectLinkChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Drawn {
        let s = self.scenario;
        let r = self.result;
        let years: Vec<i32> = s.years().collect();
        // Flows by their total mean tonnes over the horizon.
        let total = |d: usize| r.flows.iter().map(|y| y[d].mean.max(0.0)).sum::<f64>();
        let mut order: Vec<usize> = (0..s.demand.len()).filter(|&d| total(d) > 0.0).collect();
        order.sort_by(|&a, &b| total(b).total_cmp(&total(a)).then(a.cmp(&b)));
        let (shown, rest) = order.split_at(order.len().min(MAX_LAYERS));
        let mut layers: Vec<(String, Vec<f64>)> = shown
            .iter()
            .map(|&d| {
                let dem = &s.demand[d];
                (
                    format!(
                        "{} → {} ({})",
                        short_place(&s.nodes[dem.origin].name),
                        short_place(&s.nodes[dem.destination].name),
                        dem.commodity
                    ),
                    r.flows.iter().map(|y| y[d].mean.max(0.0)).collect(),
                )
            })
            .collect();
        if !rest.is_empty() {
            layers.push((
                format!("{} other flows", rest.len()),
                r.flows
                    .iter()
                    .map(|y| rest.iter().map(|&d| y[d].mean.max(0.0)).sum())
                    .collect(),
            ));
        }
        // The total's band, replication by replication.
        let band: Vec<(f64, f64)> = r
            .per_rep
            .iter()
            .map(|reps| {
                let mut t: Vec<f64> = reps.iter().map(|f| f.iter().sum()).collect();
                let st = crate::stats::Summary::of(&mut t);
                (st.p[0], st.p[4])
            })
            .collect();
        let max_t = band
            .iter()
            .map(|b| b.1)
            .chain((0..years.len()).map(|y| layers.iter().map(|l| l.1[y]).sum()))
            .fold(0.0, f64::max);
        let unit = tonne_unit(max_t);
        let what = r.selection.describe(s);
        let sub = vec![if r.replications > 1 {
            format!(
                "Mean tonnes of each flow over {} replications, stacked; dashed lines: 5–95% range of the total.",
                r.replications
            )
        } else {
            "Tonnes of each flow, stacked (one replication).".into()
        }];
        let body = frame(
            root,
            &format!("Whose freight uses {what}"),
            &sub,
            &self.note,
        )?;
        let (w, _) = body.dim_in_pixel();
        let items: Vec<(Swatch, String)> = layers
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (Swatch::Fill(PALETTE[i % PALETTE.len()]), name.clone()))
            .collect();
        let lh = legend_row_height(&body, &items, w as i32)?;
        legend_row(&body, &items)?;
        let plot = body.margin(lh + 10, 0, 0, 0);
        let (x0, x1) = (
            years[0] as f64 - 0.5,
            *years.last().unwrap_or(&years[0]) as f64 + 0.5,
        );
        let mut chart = ChartBuilder::on(&plot)
            .margin_right(40)
            .x_label_area_size(80)
            .y_label_area_size(130)
            .build_cartesian_2d(x0..x1, 0.0..(max_t / unit.div * 1.08).max(1e-9))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .house_grid()
            .x_desc("Year")
            .y_desc(format!("Freight ({} per year)", unit.long))
            .axis_desc_style(font(AXIS))
            .label_style(font(TICK))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| fmt_num(*v))
            .draw()?;
        let mut base = vec![0.0; years.len()];
        for (i, (_, vals)) in layers.iter().enumerate() {
            let top: Vec<f64> = base.iter().zip(vals).map(|(b, v)| b + v).collect();
            let mut poly: Vec<(f64, f64)> = years
                .iter()
                .zip(&top)
                .map(|(y, t)| (*y as f64, t / unit.div))
                .collect();
            poly.extend(
                years
                    .iter()
                    .zip(&base)
                    .rev()
                    .map(|(y, b)| (*y as f64, b / unit.div)),
            );
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                PALETTE[i % PALETTE.len()].mix(0.85).filled(),
            )))?;
            base = top;
        }
        if r.replications > 1 {
            for k in 0..2 {
                let pts: Vec<(f64, f64)> = years
                    .iter()
                    .zip(&band)
                    .map(|(y, b)| (*y as f64, if k == 0 { b.0 } else { b.1 } / unit.div))
                    .collect();
                chart.draw_series(DashedLineSeries::new(pts, 10, 6, INK.stroke_width(2)))?;
            }
        }
        Ok(())
    }
}
