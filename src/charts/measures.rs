//! Chart: the model against what was counted. One row per measure and year with an
//! observation (`[[measures]]`): the model's tonnes (dot at the mean, bar over 5-95% of
//! replications) against the observed figure (black cross), with the relative
//! difference on the right, in orange beyond ±20% (the validation threshold of
//! docs/DATA.md). Drawn only for runs whose measures have observations in the horizon.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::*;
use crate::model::Scenario;
use crate::results::Results;
use crate::stats::Summary;

/// Differences beyond this are marked (the seed's validation threshold).
pub const THRESHOLD: f64 = 0.20;
/// Model dots and bars.
const MODEL: RGBColor = RGBColor(0, 114, 178);
/// Height of one row, in pixels.
const ROW_H: u32 = 54;

/// One row of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRow {
    pub label: String,
    pub year: i32,
    pub observed_t: f64,
    pub source: String,
    pub model: Summary,
}

/// Every (measure, year) with an observation inside the horizon, in measure order.
pub fn rows(s: &Scenario, r: &Results) -> Vec<MeasureRow> {
    let Some(t) = &r.measures else {
        return Vec::new();
    };
    let Some(m) = t.metric("tonnes") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for meas in &s.measures {
        for o in &meas.observed {
            let year = o.year.to_string();
            if let Some(row) = t
                .rows
                .iter()
                .find(|row| row.keys[0] == year && row.keys[1] == meas.id)
            {
                out.push(MeasureRow {
                    label: meas.name.clone(),
                    year: o.year,
                    observed_t: o.tonnes,
                    source: o.source.clone(),
                    model: row.stats[m],
                });
            }
        }
    }
    out
}

/// The canvas height for `n` rows.
pub fn height(n: usize) -> u32 {
    (330 + ROW_H * n as u32).max(700)
}

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let data = rows(s, r);
    let bands = r.replications > 1;
    let within = data
        .iter()
        .filter(|d| (d.model.mean / d.observed_t - 1.0).abs() <= THRESHOLD)
        .count();
    let subtitle = vec![format!(
        "Model tonnes ({}) against the counted figure (black cross) for every measure and year with an observation. Right: model / observed − 1; {} of {} within ±{:.0}%, the others in orange.",
        if bands {
            "dot: mean; bar: 5–95% of replications"
        } else {
            "dot"
        },
        within,
        data.len(),
        THRESHOLD * 100.0
    )];
    let body = frame(
        root,
        "The model against observed volumes",
        &subtitle,
        &source_note(s, r),
    )?;
    let (w, _) = body.dim_in_pixel();
    let label_w = 640;
    let diff_w = 170;
    let (_, rest) = body.split_horizontally(label_w);
    let (plot, _) = rest.split_horizontally(w as i32 - label_w - diff_w);
    let max_t = data
        .iter()
        .map(|d| d.observed_t.max(d.model.p[4]).max(d.model.mean))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let unit = tonne_unit(max_t);
    let top = if max_t > 0.0 {
        max_t / unit.div * 1.08
    } else {
        1.0
    };
    let n = data.len().max(1);
    let mut chart = ChartBuilder::on(&plot)
        .margin_right(20)
        .x_label_area_size(70)
        .y_label_area_size(0)
        .build_cartesian_2d(0.0..top, -0.5..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .house_grid()
        .x_desc(format!("{} a year", capitalized(unit.long)))
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| fmt_num(*v))
        .x_labels(8)
        .draw()?;
    let label_style = anchored(font(LABEL), HPos::Left, VPos::Center);
    let year_style = anchored(font(LABEL).color(&MUTED), HPos::Right, VPos::Center);
    let diff_style = |far: bool| {
        anchored(
            bold(LABEL).color(if far { &REFERENCE } else { &INK }),
            HPos::Right,
            VPos::Center,
        )
    };
    let (root_w, _) = root.dim_in_pixel();
    for (i, d) in data.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        if i % 2 == 0 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.5), (top, y + 0.5)],
                SHADE.filled(),
            )))?;
        }
        let v = |t: f64| t / unit.div;
        if bands {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(v(d.model.p[0]), y), (v(d.model.p[4]), y)],
                MODEL.stroke_width(4),
            )))?;
        }
        chart.draw_series(std::iter::once(Cross::new(
            (v(d.observed_t), y),
            10,
            INK.stroke_width(3),
        )))?;
        if d.model.mean.is_finite() {
            chart.draw_series(std::iter::once(Circle::new(
                (v(d.model.mean), y),
                9,
                MODEL.filled(),
            )))?;
        }
        let (_, py) = chart.backend_coord(&(0.0, y));
        let label = fit(root, &d.label, &font(LABEL), label_w - 110)?;
        text(root, &label, (MARGIN, py), &label_style)?;
        text(
            root,
            &d.year.to_string(),
            (MARGIN + label_w - 20, py),
            &year_style,
        )?;
        let diff = d.model.mean / d.observed_t - 1.0;
        let txt = if diff.is_finite() {
            format!("{:+.0}%", diff * 100.0)
        } else {
            "–".into()
        };
        text(
            root,
            &txt,
            (root_w as i32 - MARGIN, py),
            &diff_style(diff.abs() > THRESHOLD),
        )?;
    }
    if data.is_empty() {
        let (pw, ph) = plot.dim_in_pixel();
        text(
            &plot,
            "No measure has an observation in the horizon",
            (pw as i32 / 2, ph as i32 / 2),
            &anchored(font(AXIS).color(&MUTED), HPos::Center, VPos::Center),
        )?;
    }
    Ok(())
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
