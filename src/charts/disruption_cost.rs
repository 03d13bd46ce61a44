//! Chart 8: what disruptions cost, per year: the added generalized cost of the freight
//! that still moves and the added unserved tonnes (freight stranded by closures), each
//! against the same year without its disruptions, as the distribution over
//! replications (box 25-75%, whisker 5-95%, bar at the median, dot at the mean). Drawn
//! only for scenarios with disruptions.

use plotters::prelude::*;

use super::bands::LEGEND_W;
use super::style::*;
use crate::model::Scenario;
use crate::results::Results;
use crate::stats::Summary;

/// The colour of the boxes.
const BOX: RGBColor = RGBColor(0, 114, 178);

/// One panel of boxes, one per year; `div` scales values to the axis unit.
#[allow(clippy::too_many_arguments)]
fn boxes<DB: DrawingBackend>(
    area: &Area<DB>,
    s: &Scenario,
    data: &[(i32, Summary)],
    caption: &str,
    y_desc: &str,
    div: f64,
    x_axis: bool,
    bands: bool,
) -> Drawn {
    let max_v = max_of(data.iter(), |(_, st)| st.p[4].max(st.mean)) / div;
    let min_v = data
        .iter()
        .map(|(_, st)| st.p[0].min(st.mean) / div)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let top = if max_v > 0.0 { max_v * 1.1 } else { 1.0 };
    let bottom = if min_v < 0.0 { min_v * 1.1 } else { 0.0 };
    let years_x = YearCoord::new(s.first_year, s.last_year);
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(30)
        .caption(caption, bold(AXIS))
        .x_label_area_size(if x_axis { 72 } else { 44 })
        .y_label_area_size(118)
        .build_cartesian_2d(years_x, bottom..top)?;
    let mut mesh = chart.configure_mesh();
    mesh.disable_x_mesh()
        .house_grid()
        .y_desc(y_desc)
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_num(*v))
        .y_labels(6);
    if x_axis {
        mesh.x_desc("Year");
    }
    mesh.draw()?;
    // Half the width of a box, in years: narrower when many years share the axis.
    let n = data.len().max(1) as f64;
    let half = if n <= 25.0 { 0.32 } else { 0.32 * 25.0 / n };
    for (y, st) in data {
        let x = *y as f64;
        let v = |p: f64| p / div;
        if bands {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, v(st.p[0])), (x, v(st.p[4]))],
                BOX.stroke_width(2),
            )))?;
            for p in [st.p[0], st.p[4]] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x - half / 2.0, v(p)), (x + half / 2.0, v(p))],
                    BOX.stroke_width(2),
                )))?;
            }
            let rect = [(x - half, v(st.p[1])), (x + half, v(st.p[3]))];
            chart.draw_series(std::iter::once(Rectangle::new(rect, BOX.mix(0.3).filled())))?;
            chart.draw_series(std::iter::once(Rectangle::new(rect, BOX.stroke_width(1))))?;
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x - half, v(st.p[2])), (x + half, v(st.p[2]))],
                INK.stroke_width(3),
            )))?;
        }
        if st.mean.is_finite() {
            chart.draw_series(std::iter::once(Circle::new(
                (x, v(st.mean)),
                6,
                REFERENCE.filled(),
            )))?;
        }
    }
    Ok(())
}

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let empty = Vec::new();
    let (cost, unserved, days) = match &r.disruptions {
        Some(t) => (
            series_all(t, "added_cost_musd"),
            series_all(t, "added_unserved_t"),
            series_all(t, "disrupted_days"),
        ),
        None => (empty.clone(), empty.clone(), empty),
    };
    let bands = r.replications > 1;
    let mean_days = if days.is_empty() {
        0.0
    } else {
        days.iter().map(|(_, st)| st.mean).sum::<f64>() / days.len() as f64
    };
    let total_cost: f64 = cost
        .iter()
        .map(|(_, st)| st.mean)
        .filter(|v| v.is_finite())
        .sum();
    let subtitle = vec![
        format!(
            "Each year against the same year without its disruptions, over {} replication{}. Disrupted days: {} a year on average. Sum of the yearly mean added costs (undiscounted): {} million USD.",
            r.replications,
            if r.replications == 1 { "" } else { "s" },
            fmt_num(mean_days),
            fmt_num(total_cost)
        ),
        "Added cost: generalized cost of the freight that still moves. Unserved: freight stranded by closures (no backlog; it carries no cost in the model).".into(),
    ];
    let body = frame(
        root,
        &format!("What disruptions cost, {}–{}", s.first_year, s.last_year),
        &subtitle,
        &source_note(s, r),
    )?;
    let (w, h) = body.dim_in_pixel();
    let (plots, side) = body.split_horizontally(w - LEGEND_W);
    let (upper, lower) = plots.split_vertically(h as i32 / 2);
    boxes(
        &upper,
        s,
        &cost,
        "Added generalized cost",
        "Million USD per year",
        1.0,
        false,
        bands,
    )?;
    let unit = tonne_unit(max_of(unserved.iter(), |(_, st)| st.p[4].max(st.mean)));
    boxes(
        &lower,
        s,
        &unserved,
        "Added unserved demand",
        &format!("{} per year", capitalized(unit.long)),
        unit.div,
        true,
        bands,
    )?;

    let mut items = vec![LegendItem::Heading("Per year, over replications".into())];
    if bands {
        items.push(LegendItem::Entry(
            Swatch::Interval(BOX),
            "Box: 25–75%; whisker: 5–95%; bar: median".into(),
        ));
    }
    items.push(LegendItem::Entry(
        Swatch::Marker(Marker::Dot, REFERENCE),
        "Mean (the expected cost)".into(),
    ));
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}

/// Every row's statistics of `metric` by year.
fn series_all(t: &crate::results::Table, metric: &str) -> Vec<(i32, Summary)> {
    let Some(m) = t.metric(metric) else {
        return Vec::new();
    };
    t.rows
        .iter()
        .map(|row| (year_of(row), row.stats[m]))
        .collect()
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
