//! Chart 2: the share of demand carried by each corridor over the years, as stacked
//! areas of the mean shares (they add up to 100% with unserved demand on top). The new
//! corridor sits at the bottom of the stack so that its 5-95% band is drawn around its
//! own edge.

use plotters::prelude::*;

use super::bands::LEGEND_W;
use super::style::*;
use crate::model::Scenario;
use crate::results::Results;

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let new = new_corridor(s);
    // Stack order, bottom first: the new corridor, the others, unserved demand.
    let mut order: Vec<usize> = new.into_iter().collect();
    order.extend((0..s.corridors.len()).filter(|i| Some(*i) != new));
    order.push(s.corridors.len());
    let id = |c: usize| {
        s.corridors
            .get(c)
            .map_or("unserved".to_string(), |k| k.id.clone())
    };
    let name = |c: usize| {
        s.corridors
            .get(c)
            .map_or("Unserved demand".to_string(), |k| k.name.clone())
    };
    let years: Vec<i32> = s.years().collect();
    let shares: Vec<Vec<f64>> = order
        .iter()
        .map(|&c| {
            let ser = corridor_series(r, &id(c), "share");
            years
                .iter()
                .map(|y| {
                    ser.iter()
                        .find(|(yy, _)| yy == y)
                        .map_or(0.0, |(_, st)| st.mean * 100.0)
                })
                .map(|v| if v.is_finite() { v.max(0.0) } else { 0.0 })
                .collect()
        })
        .collect();

    let bands = r.replications > 1 && new.is_some();
    let mut subtitle = vec![format!(
        "Mean share of each year's demand{}.",
        if r.replications > 1 {
            format!(" over {} replications", r.replications)
        } else {
            String::new()
        }
    )];
    if bands {
        subtitle.push(format!(
            "Shaded band between dashed lines: 5–95% range of the {} share over replications.",
            name(new.unwrap_or(0))
        ));
    }
    let body = frame(
        root,
        &format!(
            "Share of demand by corridor, {}–{}",
            s.first_year, s.last_year
        ),
        &subtitle,
        &source_note(s, r),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - LEGEND_W);
    let years_x = YearCoord::new(s.first_year, s.last_year);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(8)
        .margin_right(30)
        .x_label_area_size(72)
        .y_label_area_size(118)
        .build_cartesian_2d(years_x, 0.0..100.0)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(1))
        .x_desc("Year")
        .y_desc("Share of demand (%)")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| format!("{:.0}%", v))
        .y_labels(6)
        .draw()?;

    // x positions of the polygon corners: a single year becomes a bar.
    let xs: Vec<(f64, f64)> = if years.len() == 1 {
        vec![(years[0] as f64 - 0.3, years[0] as f64 + 0.3)]
    } else {
        years.iter().map(|y| (*y as f64, *y as f64)).collect()
    };
    let corners = |vals: &[f64]| -> Vec<(f64, f64)> {
        let mut pts = Vec::new();
        for (i, (a, b)) in xs.iter().enumerate() {
            pts.push((*a, vals[i]));
            if a != b {
                pts.push((*b, vals[i]));
            }
        }
        pts
    };
    let mut lower = vec![0.0; years.len()];
    for (k, &c) in order.iter().enumerate() {
        let upper: Vec<f64> = lower
            .iter()
            .zip(&shares[k])
            .map(|(l, v)| (l + v).min(100.0))
            .collect();
        if shares[k].iter().any(|v| *v > 0.0) {
            let mut poly = corners(&upper);
            poly.extend(corners(&lower).into_iter().rev());
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                corridor_color(s, c).mix(0.85).filled(),
            )))?;
            chart.draw_series(LineSeries::new(corners(&upper), WHITE.stroke_width(2)))?;
        }
        lower = upper;
    }
    if bands && let Some(nc) = new {
        let ser = corridor_series(r, &s.corridors[nc].id, "share");
        let at = |y: i32, p: usize| {
            ser.iter()
                .find(|(yy, _)| *yy == y)
                .map_or(0.0, |(_, st)| st.p[p] * 100.0)
        };
        let p95: Vec<f64> = years.iter().map(|y| at(*y, 4)).collect();
        let p5: Vec<f64> = years.iter().map(|y| at(*y, 0)).collect();
        let mut poly = corners(&p95);
        poly.extend(corners(&p5).into_iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(poly, BLACK.mix(0.2).filled())))?;
        for edge in [&p5, &p95] {
            chart.draw_series(DashedLineSeries::new(
                corners(edge),
                10,
                6,
                INK.stroke_width(2),
            ))?;
        }
    }

    let mut items = vec![LegendItem::Heading("Corridor (top of stack first)".into())];
    for (k, &c) in order.iter().enumerate().rev() {
        let mut label = name(c);
        if !shares[k].iter().any(|v| *v > 0.0) {
            label.push_str(" (no freight)");
        }
        items.push(LegendItem::Entry(
            Swatch::Fill(corridor_color(s, c).mix(0.85).to_rgba().into_rgb()),
            label,
        ));
    }
    if bands {
        items.push(LegendItem::Gap);
        items.push(LegendItem::Entry(
            Swatch::Band {
                color: BLACK,
                opacity: 0.2,
            },
            format!(
                "{}: 5–95% range of its share (between dashed lines)",
                name(new.unwrap_or(0))
            ),
        ));
    }
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}

trait IntoRgb {
    fn into_rgb(self) -> RGBColor;
}

impl IntoRgb for RGBAColor {
    /// Blends a translucent colour onto white.
    fn into_rgb(self) -> RGBColor {
        let a = self.3;
        let f = |c: u8| (c as f64 * a + 255.0 * (1.0 - a)).round() as u8;
        RGBColor(f(self.0), f(self.1), f(self.2))
    }
}
