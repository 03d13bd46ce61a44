//! Chart: waits at the queue points by year as a fan chart (`[[queues]]`): per point
//! the mean wait (line) and the 5-95% range over replications (shaded), on a log scale
//! so that border waits of hours and ferry backlogs of weeks read on one chart. Drawn
//! only for scenarios with queue points.

use plotters::prelude::*;

use super::bands::LEGEND_W;
use super::style::*;
use crate::model::Scenario;
use crate::results::Results;

/// A point's name, colour and mean wait by year.
type PointSeries = (String, RGBColor, Vec<(i32, crate::stats::Summary)>);

/// Waits below this (hours) are drawn on the floor of the log axis.
const FLOOR_H: f64 = 0.1;

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let Some(t) = &r.queues else {
        return Err(DrawError("the scenario has no queue points".into()));
    };
    let data: Vec<PointSeries> = s
        .queues
        .iter()
        .enumerate()
        .map(|(i, q)| {
            (
                q.name.clone(),
                PALETTE[i % PALETTE.len()],
                series(t, "queue", &q.id, "wait_mean_h"),
            )
        })
        .collect();
    let max_h = max_of(data.iter().flat_map(|(_, _, d)| d.iter()), |(_, st)| {
        st.p[4].max(st.mean)
    })
    .max(FLOOR_H * 10.0);
    let worst = data
        .iter()
        .flat_map(|(name, _, d)| d.iter().map(move |(y, st)| (name, y, st.mean)))
        .filter(|(_, _, v)| v.is_finite())
        .max_by(|a, b| a.2.total_cmp(&b.2));
    let mut subtitle = vec![if r.replications > 1 {
        format!(
            "Lines: mean wait over {} replications; shading: 5–95% of replications. Log scale; under {} h drawn at the floor.",
            r.replications,
            fmt_num(FLOOR_H)
        )
    } else {
        format!(
            "One replication. Log scale; under {} h drawn at the floor.",
            fmt_num(FLOOR_H)
        )
    }];
    if let Some((name, y, v)) = worst {
        subtitle.push(format!(
            "Longest mean wait: {} h at {name} in {y}.",
            fmt_num(v)
        ));
    }
    let body = frame(
        root,
        &format!(
            "Waiting time at the queue points, {}–{}",
            s.first_year, s.last_year
        ),
        &subtitle,
        &source_note(s, r),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - LEGEND_W);
    let hi = 10f64.powf((max_h * 1.5).log10().ceil());
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(8)
        .margin_right(30)
        .x_label_area_size(72)
        .y_label_area_size(118)
        .build_cartesian_2d(
            YearCoord::new(s.first_year, s.last_year),
            (FLOOR_H..hi).log_scale(),
        )?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .y_desc("Mean wait (hours, log scale)")
        .x_desc("Year")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_num(*v))
        .draw()?;
    let clamp = |v: f64| {
        if v.is_finite() {
            v.max(FLOOR_H)
        } else {
            FLOOR_H
        }
    };
    for (_, color, d) in &data {
        if r.replications > 1 {
            let mut band: Vec<(f64, f64)> = d
                .iter()
                .map(|(y, st)| (*y as f64, clamp(st.p[4])))
                .collect();
            band.extend(d.iter().rev().map(|(y, st)| (*y as f64, clamp(st.p[0]))));
            chart.draw_series(std::iter::once(Polygon::new(
                band,
                color.mix(0.15).filled(),
            )))?;
        }
        chart.draw_series(LineSeries::new(
            d.iter().map(|(y, st)| (*y as f64, clamp(st.mean))),
            color.stroke_width(4),
        ))?;
    }
    let mut items = vec![LegendItem::Heading("Queue point".into())];
    for (name, color, _) in &data {
        items.push(LegendItem::Entry(
            Swatch::Line {
                color: *color,
                width: 4,
                dashed: false,
            },
            name.clone(),
        ));
    }
    legend(&side, &items)?;
    Ok(())
}
