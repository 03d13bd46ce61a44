//! Chart: the daily queue trace of one year (`queue_trace.csv`, `[scenario]
//! queue_trace_year`): for each queue point the queue at the end of every day of the
//! year, median over replications as a line with the 25-75% and 5-95% bands (the fan
//! style of `bands.rs`), and the days on which a disruption cut the point's capacity in
//! a fair share of replications shaded behind it.
//!
//! Small multiples, one panel per point on its own scale: Upper Lars queues thousands
//! of trucks where Meghri queues tens, so one shared axis would flatten most points,
//! and one chart per point would scatter eight charts through the report. Panels sit
//! two abreast, so a year (365 days) keeps about 700 pixels of width per panel.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::*;
use crate::model::Scenario;
use crate::results::{Results, Table};
use crate::stats::Summary;

/// Panels per row.
pub const COLUMNS: usize = 2;
/// Height of one row of panels (pixels).
const PANEL_H: u32 = 400;
/// Height of the title, subtitle and legend above the panels (pixels).
const HEAD_H: u32 = 300;
/// A day is shaded when at least this share of replications had the point's capacity
/// cut that day.
pub const SHADE_FROM: f64 = 0.1;
/// Colour of the median line and bands.
const LINE: RGBColor = RGBColor(0, 114, 178);
/// Colour of the disrupted days.
const CUT: RGBColor = RGBColor(213, 94, 0);
/// Colour of the mean line.
const MEAN: RGBColor = INK;

/// The chart's height for `points` queue points.
pub fn height(points: usize) -> u32 {
    HEAD_H + PANEL_H * points.div_ceil(COLUMNS).max(1) as u32
}

/// Days of the year (from 0) on which each month starts, and its short name.
const MONTHS: [(f64, &str); 12] = [
    (0.0, "Jan"),
    (31.0, "Feb"),
    (59.0, "Mar"),
    (90.0, "Apr"),
    (120.0, "May"),
    (151.0, "Jun"),
    (181.0, "Jul"),
    (212.0, "Aug"),
    (243.0, "Sep"),
    (273.0, "Oct"),
    (304.0, "Nov"),
    (334.0, "Dec"),
];

/// A day-of-year axis whose labels are the months, centred in each month.
#[derive(Clone)]
struct MonthCoord(RangedCoordf64);

impl Ranged for MonthCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.0.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            MONTHS
                .iter()
                .enumerate()
                .map(|(m, (start, _))| {
                    let end = MONTHS.get(m + 1).map_or(365.0, |n| n.0);
                    0.5 * (start + end)
                })
                .collect()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.0.range()
    }
}

fn month_label(v: &f64) -> String {
    MONTHS
        .iter()
        .rev()
        .find(|(start, _)| *v >= *start)
        .map_or("", |(_, name)| name)
        .to_string()
}

/// One point's trace: per day (from 0), the queue in units and the share of
/// replications with a cut.
struct Trace {
    name: String,
    unit: String,
    unit_one: String,
    days: Vec<(Summary, f64)>,
}

fn traces(s: &Scenario, t: &Table) -> Vec<Trace> {
    let (Some(kq), Some(kd), Some(mq), Some(mc)) = (
        t.key("queue"),
        t.key("day"),
        t.metric("queue_units"),
        t.metric("disrupted"),
    ) else {
        return Vec::new();
    };
    s.queues
        .iter()
        .map(|q| {
            let mut days: Vec<(usize, Summary, f64)> = t
                .rows
                .iter()
                .filter(|r| r.keys[kq] == q.id)
                .filter_map(|r| {
                    let d: usize = r.keys[kd].parse().ok()?;
                    Some((d, r.stats[mq], r.stats[mc].mean))
                })
                .collect();
            days.sort_by_key(|d| d.0);
            Trace {
                name: q.name.clone(),
                unit: plural(&q.unit),
                unit_one: q.unit.clone(),
                days: days.into_iter().map(|(_, st, c)| (st, c)).collect(),
            }
        })
        .collect()
}

/// "truck" -> "trucks" for axis titles.
fn plural(unit: &str) -> String {
    if unit.ends_with('s') {
        unit.to_string()
    } else {
        format!("{unit}s")
    }
}

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let Some(t) = &r.queue_trace else {
        return Err(DrawError("the scenario has no queue points".into()));
    };
    let year = s.queue_trace_year;
    let data = traces(s, t);
    let bands = r.replications > 1;
    let mut subtitle = vec![if bands {
        format!(
            "Queue at the end of each day. Blue line: median of {} replications; black line: their mean (a disruption that strikes in few replications leaves the median at zero but moves the mean); shading: 25–75% (dark) and 5–95% (light) of replications. Each panel on its own scale.",
            r.replications
        )
    } else {
        "Queue at the end of each day, one replication. Each panel on its own scale.".into()
    }];
    let shaded = data
        .iter()
        .any(|tr| tr.days.iter().any(|(_, c)| *c >= SHADE_FROM));
    if shaded {
        subtitle.push(format!(
            "Orange columns: days on which a disruption cut the point's capacity in at least {} of replications (darker: more).",
            fmt_pct(SHADE_FROM)
        ));
    }
    let body = frame(
        root,
        &format!("Daily queue at each queue point in {year}"),
        &subtitle,
        &source_note(s, r),
    )?;
    let mut legend = vec![(
        Swatch::Line {
            color: LINE,
            width: 3,
            dashed: false,
        },
        if bands { "Median" } else { "Queue" }.to_string(),
    )];
    if bands {
        legend.push((
            Swatch::Line {
                color: MEAN,
                width: 2,
                dashed: false,
            },
            "Mean".into(),
        ));
        legend.push((
            Swatch::Band {
                color: LINE,
                opacity: 0.30,
            },
            "25–75%".into(),
        ));
        legend.push((
            Swatch::Band {
                color: LINE,
                opacity: 0.12,
            },
            "5–95%".into(),
        ));
    }
    if shaded {
        legend.push((
            Swatch::Band {
                color: CUT,
                opacity: 0.25,
            },
            "Capacity cut".into(),
        ));
    }
    let used = legend_row(&body, &legend)?;
    let panels = body.margin(used + 12, 0, 0, 0);
    let rows = data.len().div_ceil(COLUMNS).max(1);
    let cells = panels.split_evenly((rows, COLUMNS));
    for (tr, cell) in data.iter().zip(cells.iter()) {
        panel(cell, tr, bands)?;
    }
    Ok(())
}

/// One point's panel: its name, then the trace.
fn panel<DB: DrawingBackend>(area: &Area<DB>, tr: &Trace, bands: bool) -> Drawn {
    let head = anchored(bold(LEGEND), HPos::Left, VPos::Top);
    let (w, _) = area.dim_in_pixel();
    let peak = max_of(
        tr.days.iter(),
        |(st, _)| {
            if bands { st.p[4] } else { st.p[2] }
        },
    );
    let mean_peak = max_of(tr.days.iter(), |(st, _)| st.mean);
    let title = fit(area, &tr.name, &head, w as i32 - 140)?;
    text(area, &title, (118, 2), &head)?;
    let line = if bands {
        format!(
            "Highest: mean {}, 95th percentile {} {}",
            fmt_num(mean_peak.max(0.0)),
            fmt_num(peak.max(0.0)),
            tr.unit
        )
    } else {
        format!("Highest: {} {}", fmt_num(peak.max(0.0)), tr.unit)
    };
    let sub = anchored(font(NOTE).color(&MUTED), HPos::Left, VPos::Top);
    let line = fit(area, &line, &sub, w as i32 - 140)?;
    text(area, &line, (118, 32), &sub)?;
    let plot = area.margin(60, 8, 0, 24);
    let peak = peak.max(mean_peak);
    // Under half a unit all year reads as no queue: keep a one-unit axis.
    let y_max = (peak * 1.08).max(1.0);
    let mut chart = ChartBuilder::on(&plot)
        .x_label_area_size(40)
        .y_label_area_size(118)
        .build_cartesian_2d(MonthCoord((0.0..365.0).into()), 0.0..y_max)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .y_desc(tr.unit.as_str())
        .axis_desc_style(font(TICK))
        .label_style(font(TICK))
        .x_label_formatter(&month_label)
        .y_label_formatter(&|v| fmt_num(*v))
        .y_labels(5)
        .draw()?;
    // Disrupted days behind the trace, darker where more replications had a cut.
    chart.draw_series(
        tr.days
            .iter()
            .enumerate()
            .filter(|(_, (_, c))| *c >= SHADE_FROM)
            .map(|(d, (_, c))| {
                Rectangle::new(
                    [(d as f64, 0.0), (d as f64 + 1.0, y_max)],
                    CUT.mix(0.1 + 0.3 * c.min(1.0)).filled(),
                )
            }),
    )?;
    let x = |d: usize| d as f64 + 0.5;
    if bands {
        for (lo, hi, opacity) in [(0, 4, 0.12), (1, 3, 0.30)] {
            let mut poly: Vec<(f64, f64)> = tr
                .days
                .iter()
                .enumerate()
                .map(|(d, (st, _))| (x(d), st.p[hi]))
                .collect();
            poly.extend(
                tr.days
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(d, (st, _))| (x(d), st.p[lo])),
            );
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                LINE.mix(opacity).filled(),
            )))?;
        }
    }
    chart.draw_series(LineSeries::new(
        tr.days
            .iter()
            .enumerate()
            .map(|(d, (st, _))| (x(d), st.p[2])),
        LINE.stroke_width(3),
    ))?;
    if bands {
        chart.draw_series(LineSeries::new(
            tr.days
                .iter()
                .enumerate()
                .map(|(d, (st, _))| (x(d), st.mean)),
            MEAN.stroke_width(2),
        ))?;
    }
    if peak < 0.5 {
        let (pw, ph) = plot.dim_in_pixel();
        let mid = anchored(font(LABEL).color(&MUTED), HPos::Center, VPos::Center);
        text(
            &plot,
            &format!("No queue of one {} or more on any day", tr.unit_one),
            (pw as i32 / 2 + 59, ph as i32 / 2 - 20),
            &mid,
        )?;
    }
    Ok(())
}
