//! The line chart with uncertainty bands shared by the tonnes and unserved charts:
//! one mean line per series over the years, shaded 25-75% and 5-95% bands, legend on
//! the right.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::*;
use crate::model::Scenario;
use crate::results::Results;
use crate::stats::Summary;

/// One series: a mean line with its bands.
pub struct BandSeries {
    pub label: String,
    pub color: RGBColor,
    pub data: Vec<(i32, Summary)>,
    /// Drawn thicker (the new corridor).
    pub emphasis: bool,
}

/// What a band chart shows.
pub struct BandChart {
    pub title: String,
    pub subtitle: Vec<String>,
    /// Axis title without the unit, e.g. "Freight carried".
    pub quantity: String,
    pub legend_heading: String,
    pub series: Vec<BandSeries>,
    /// Text in the middle of the plot (for example "No unserved demand").
    pub overlay: Option<String>,
}

/// Width of the legend column on the right of line charts.
pub const LEGEND_W: u32 = 380;

pub fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &Scenario,
    r: &Results,
    c: &BandChart,
) -> Drawn {
    let body = frame(root, &c.title, &c.subtitle, &source_note(s, r))?;
    let (w, _) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - LEGEND_W);

    let max_t = max_of(c.series.iter().flat_map(|sr| sr.data.iter()), |(_, st)| {
        st.p[4].max(st.mean)
    });
    let unit = tonne_unit(max_t);
    let y_max = if max_t > 0.0 {
        max_t / unit.div * 1.08
    } else {
        1.0
    };
    let years_x = YearCoord::new(s.first_year, s.last_year);
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(8)
        .margin_right(30)
        .x_label_area_size(72)
        .y_label_area_size(118)
        .build_cartesian_2d(years_x, 0.0..y_max)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(INK.stroke_width(1))
        .x_desc("Year")
        .y_desc(format!("{} ({} per year)", c.quantity, unit.long))
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_num(*v))
        .y_labels(8)
        .draw()?;

    let bands = r.replications > 1;
    let markers = s.n_years() <= 15;
    let scale = |v: f64| v / unit.div;
    for sr in &c.series {
        let pts: Vec<(f64, Summary)> = sr
            .data
            .iter()
            .filter(|(_, st)| st.mean.is_finite())
            .map(|(y, st)| (*y as f64, *st))
            .collect();
        if bands && !pts.is_empty() {
            for (lo, hi, opacity) in [(0, 4, 0.12), (1, 3, 0.22)] {
                let mut poly: Vec<(f64, f64)> =
                    pts.iter().map(|(x, st)| (*x, scale(st.p[hi]))).collect();
                poly.extend(pts.iter().rev().map(|(x, st)| (*x, scale(st.p[lo]))));
                if pts.len() == 1 {
                    // One year: a short vertical bar instead of an area.
                    let x = pts[0].0;
                    poly = vec![
                        (x - 0.08, scale(pts[0].1.p[hi])),
                        (x + 0.08, scale(pts[0].1.p[hi])),
                        (x + 0.08, scale(pts[0].1.p[lo])),
                        (x - 0.08, scale(pts[0].1.p[lo])),
                    ];
                }
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    sr.color.mix(opacity).filled(),
                )))?;
            }
        }
    }
    for sr in &c.series {
        let line: Vec<(f64, f64)> = sr
            .data
            .iter()
            .filter(|(_, st)| st.mean.is_finite())
            .map(|(y, st)| (*y as f64, scale(st.mean)))
            .collect();
        let width = if sr.emphasis { 5 } else { 3 };
        chart.draw_series(LineSeries::new(line.clone(), sr.color.stroke_width(width)))?;
        if markers {
            chart.draw_series(
                line.iter()
                    .map(|p| Circle::new(*p, width + 2, sr.color.filled())),
            )?;
        }
    }
    if let Some(msg) = &c.overlay {
        let (pw, ph) = plot.dim_in_pixel();
        let style = anchored(font(SUBTITLE).color(&MUTED), HPos::Center, VPos::Center);
        text(&plot, msg, (pw as i32 / 2 + 60, ph as i32 / 2 - 40), &style)?;
    }

    let mut items = vec![LegendItem::Heading(c.legend_heading.clone())];
    for sr in &c.series {
        items.push(LegendItem::Entry(
            Swatch::Line {
                color: sr.color,
                width: if sr.emphasis { 5 } else { 3 },
                dashed: false,
            },
            sr.label.clone(),
        ));
    }
    if bands {
        items.push(LegendItem::Gap);
        items.push(LegendItem::Heading("Range over replications".into()));
        items.push(LegendItem::Entry(
            Swatch::Band {
                color: MUTED,
                opacity: 0.34,
            },
            "25–75%".into(),
        ));
        items.push(LegendItem::Entry(
            Swatch::Band {
                color: MUTED,
                opacity: 0.12,
            },
            "5–95%".into(),
        ));
    }
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}
