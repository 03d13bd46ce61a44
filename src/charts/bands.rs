//! The line chart with uncertainty bands shared by the tonnes and unserved charts:
//! one mean line per series over the years, shaded 25-75% and 5-95% bands, legend on
//! the right. Series that dwarf the others can go in a smaller panel above, on their
//! own scale, so that the rest stay readable.

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
    /// Series drawn in a panel of their own above the others, on their own scale.
    pub upper: Vec<BandSeries>,
    /// Text in the middle of the plot (for example "No unserved demand").
    pub overlay: Option<String>,
}

/// Width of the legend column on the right of line charts.
pub const LEGEND_W: u32 = 380;

/// Draws the series of one panel; `x_axis` draws the year labels under it.
fn panel<DB: DrawingBackend>(
    area: &Area<DB>,
    s: &Scenario,
    r: &Results,
    series: &[&BandSeries],
    quantity: &str,
    x_axis: bool,
) -> Drawn {
    let max_t = max_of(series.iter().flat_map(|sr| sr.data.iter()), |(_, st)| {
        st.p[4].max(st.mean)
    });
    let unit = tonne_unit(max_t);
    let y_desc = if x_axis {
        format!("{quantity} ({} per year)", unit.long)
    } else {
        format!("{} per year", unit.short)
    };
    let y_max = if max_t > 0.0 {
        max_t / unit.div * 1.08
    } else {
        1.0
    };
    let years_x = YearCoord::new(s.first_year, s.last_year);
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(30)
        .margin_bottom(if x_axis { 0 } else { 24 })
        .x_label_area_size(if x_axis { 72 } else { 0 })
        .y_label_area_size(118)
        .build_cartesian_2d(years_x, 0.0..y_max)?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .house_grid()
        .y_desc(y_desc.as_str())
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .y_label_formatter(&|v| fmt_num(*v))
        .y_labels(if x_axis { 8 } else { 4 });
    let year_label = |v: &f64| format!("{v:.0}");
    let no_label = |_: &f64| String::new();
    if x_axis {
        mesh.x_desc("Year").x_label_formatter(&year_label);
    } else {
        mesh.x_label_formatter(&no_label);
    }
    mesh.draw()?;

    let bands = r.replications > 1;
    let markers = s.n_years() <= 15;
    let scale = |v: f64| v / unit.div;
    for sr in series {
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
    // The emphasised series last, on top.
    let mut order: Vec<&&BandSeries> = series.iter().collect();
    order.sort_by_key(|sr| sr.emphasis);
    for sr in order {
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
    Ok(())
}

/// The last year's mean of a series, for ordering legends like the line ends.
fn last_mean(sr: &BandSeries) -> f64 {
    sr.data
        .iter()
        .rev()
        .map(|(_, st)| st.mean)
        .find(|v| v.is_finite())
        .unwrap_or(0.0)
}

pub fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &Scenario,
    r: &Results,
    c: &BandChart,
) -> Drawn {
    let body = frame(root, &c.title, &c.subtitle, &source_note(s, r))?;
    let (w, h) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - LEGEND_W);

    let all = || c.series.iter().chain(&c.upper);
    let lower: Vec<&BandSeries> = c.series.iter().collect();
    if c.upper.is_empty() {
        panel(&plot, s, r, &lower, &c.quantity, true)?;
    } else {
        let (top, bottom) = plot.split_vertically(h as i32 * 27 / 100);
        let upper: Vec<&BandSeries> = c.upper.iter().collect();
        panel(&top, s, r, &upper, &c.quantity, false)?;
        panel(&bottom, s, r, &lower, &c.quantity, true)?;
        // A break mark between the panels: the scales differ.
        let (tx, ty) = top.get_base_pixel();
        let (_, th) = top.dim_in_pixel();
        let y = ty + th as i32 - 8;
        for dx in [0, 8] {
            root.draw(&PathElement::new(
                vec![(tx + 108 + dx, y + 6), (tx + 120 + dx, y - 6)],
                INK.stroke_width(2),
            ))?;
        }
    }
    if let Some(msg) = &c.overlay {
        let (pw, ph) = plot.dim_in_pixel();
        let style = anchored(font(SUBTITLE).color(&MUTED), HPos::Center, VPos::Center);
        text(&plot, msg, (pw as i32 / 2 + 60, ph as i32 / 2 - 40), &style)?;
    }

    // Legend: the largest series (at the end of the horizon) first.
    let mut listed: Vec<&BandSeries> = all().collect();
    listed.sort_by(|a, b| last_mean(b).total_cmp(&last_mean(a)));
    let mut items = vec![LegendItem::Heading(c.legend_heading.clone())];
    for sr in listed {
        items.push(LegendItem::Entry(
            Swatch::Line {
                color: sr.color,
                width: if sr.emphasis { 5 } else { 3 },
                dashed: false,
            },
            sr.label.clone(),
        ));
    }
    if r.replications > 1 {
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
