//! Charts of an appraisal: the ENPV distribution with P(ENPV < 0) marked; net cash
//! flows by year with the cumulative discounted line and bands; NPV by country and
//! stakeholder (gains right, losses left); CO2e by year, base against policy.

use std::path::PathBuf;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use rayon::prelude::*;

use super::ChartError;
use super::bands::LEGEND_W;
use super::style::*;
use crate::appraisal::AppraisalResults;
use crate::appraisal::inputs::Stakeholder;
use crate::model::Scenario;
use crate::stats::Summary;

/// Gains and positive values.
const GAIN: RGBColor = RGBColor(0, 114, 178);
/// Losses and negative values.
const LOSS: RGBColor = RGBColor(213, 94, 0);

/// The appraisal charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    EnpvDistribution,
    CashFlows,
    NpvByCountry,
    Co2,
}

/// One appraisal chart: what, file stem, caption, size.
#[derive(Debug, Clone, PartialEq)]
pub struct AppraisalChart {
    pub which: Which,
    pub stem: &'static str,
    pub caption: &'static str,
    pub width: u32,
    pub height: u32,
}

impl AppraisalChart {
    pub fn svg_path(&self) -> PathBuf {
        PathBuf::from(format!("charts/{}.svg", self.stem))
    }
    pub fn png_path(&self) -> PathBuf {
        PathBuf::from(format!("charts/{}.png", self.stem))
    }
}

/// The charts of an appraisal, in report order.
pub fn plan(r: &AppraisalResults) -> Vec<AppraisalChart> {
    let c = |which, stem, caption| AppraisalChart {
        which,
        stem,
        caption,
        width: super::WIDTH,
        height: super::HEIGHT,
    };
    let mut out = vec![
        c(
            Which::EnpvDistribution,
            "enpv_distribution",
            "Economic NPV over the replications, with the probability that it is negative.",
        ),
        c(
            Which::CashFlows,
            "cash_flows",
            "Net economic cash flow by year and the cumulative discounted net flow, with bands.",
        ),
        c(
            Which::NpvByCountry,
            "npv_by_country",
            "Who gains and who loses: NPV by country, split by stakeholder.",
        ),
        c(
            Which::Co2,
            "co2",
            "CO2e by year: base against policy, and the change.",
        ),
    ];
    let countries = country_rows(r).len();
    out[2].height = (420 + 56 * countries as u32).clamp(super::HEIGHT, 2400);
    out
}

fn note(base: &Scenario, policy: &Scenario, r: &AppraisalResults) -> String {
    format!(
        "corridor-sim {} · \"{}\" against \"{}\" · {} paired replication{} · million USD at {} prices, {}% real",
        env!("CARGO_PKG_VERSION"),
        policy.name,
        base.name,
        r.enpv_draws.len(),
        if r.enpv_draws.len() == 1 { "" } else { "s" },
        r.inputs.price_base_year,
        fmt_num(r.inputs.discount_rate.nominal() * 100.0)
    )
}

/// Draws one appraisal chart on `root`.
pub fn draw<DB: DrawingBackend>(
    chart: &AppraisalChart,
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    r: &AppraisalResults,
) -> Result<(), ChartError> {
    if !ensure_font() {
        return Err(ChartError::Font);
    }
    let drawn = match chart.which {
        Which::EnpvDistribution => draw_enpv(root, base, policy, r),
        Which::CashFlows => draw_cash_flows(root, base, policy, r),
        Which::NpvByCountry => draw_countries(root, base, policy, r),
        Which::Co2 => draw_co2(root, base, policy, r),
    };
    drawn
        .and_then(|_| root.present().map_err(DrawError::from))
        .map_err(|DrawError(message)| ChartError::Draw {
            chart: chart.stem.to_string(),
            message,
        })
}

/// Every appraisal chart as SVG and PNG files, in order (drawn in parallel).
pub fn render(
    charts: &[AppraisalChart],
    base: &Scenario,
    policy: &Scenario,
    r: &AppraisalResults,
) -> Result<Vec<(PathBuf, Vec<u8>)>, ChartError> {
    type Pair = [(PathBuf, Vec<u8>); 2];
    let rendered: Vec<Result<Pair, ChartError>> = charts
        .par_iter()
        .map(|ch| {
            let mut svg = String::new();
            {
                let root =
                    SVGBackend::with_string(&mut svg, (ch.width, ch.height)).into_drawing_area();
                draw(ch, &root, base, policy, r)?;
            }
            let (w, h) = (ch.width, ch.height);
            let mut rgb = vec![255u8; w as usize * h as usize * 3];
            {
                let root = super::raster::Raster::with_buffer(&mut rgb, (w, h)).into_drawing_area();
                draw(ch, &root, base, policy, r)?;
            }
            let png = super::encode_png(&rgb, w, h).map_err(|e| ChartError::Png {
                chart: ch.stem.to_string(),
                message: e.to_string(),
            })?;
            Ok([(ch.svg_path(), svg.into_bytes()), (ch.png_path(), png)])
        })
        .collect();
    let mut files = Vec::with_capacity(charts.len() * 2);
    for pair in rendered {
        files.extend(pair?);
    }
    Ok(files)
}

fn headline(r: &AppraisalResults, name: &str) -> Summary {
    r.headline
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Summary::EMPTY, |(_, s)| *s)
}

fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1}%", v * 100.0)
    } else {
        "n/a".into()
    }
}

fn draw_enpv<DB: DrawingBackend>(
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    r: &AppraisalResults,
) -> Drawn {
    let e = headline(r, "enpv_musd");
    let eirr = headline(r, "eirr");
    let subtitle = vec![
        format!(
            "Expected ENPV {} million USD (5–95%: {} to {}); P(ENPV < 0) = {}. EIRR {} (5–95%: {} to {}); P(EIRR < {} hurdle) = {}.",
            fmt_num(e.mean),
            fmt_num(e.p[0]),
            fmt_num(e.p[4]),
            pct(r.p_enpv_negative),
            pct(eirr.mean),
            pct(eirr.p[0]),
            pct(eirr.p[4]),
            pct(r.inputs.hurdle_rate),
            pct(r.p_eirr_below_hurdle)
        ),
        format!(
            "Each replication draws the scenario's uncertain inputs (opening years, fees, dwell) and the appraisal's (cost overruns, carbon price); {}–{}, discounted to {}.",
            r.inputs.first_year, r.inputs.last_year, r.inputs.first_year
        ),
    ];
    let body = frame(
        root,
        "Does it pay? The distribution of the economic NPV",
        &subtitle,
        &note(base, policy, r),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - LEGEND_W);
    let v: Vec<f64> = r
        .enpv_draws
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    let (mut lo, mut hi) = v
        .iter()
        .fold((0.0f64, 0.0f64), |(a, b), x| (a.min(*x), b.max(*x)));
    if hi - lo < 1e-9 {
        lo -= 1.0;
        hi += 1.0;
    }
    let bins = if v.len() < 50 { 12 } else { 30 };
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for x in &v {
        let b = (((x - lo) / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let n = v.len().max(1) as f64;
    let top = counts.iter().copied().max().unwrap_or(1) as f64 / n * 1.15;
    let pad = (hi - lo) * 0.04;
    let mut chart = ChartBuilder::on(&plot)
        .margin_right(30)
        .x_label_area_size(72)
        .y_label_area_size(118)
        .build_cartesian_2d((lo - pad)..(hi + pad), 0.0..top.max(0.01))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .x_desc("Economic NPV, million USD")
        .y_desc("Share of replications")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| fmt_num(*v))
        .y_label_formatter(&|v| fmt_pct(*v))
        .x_labels(8)
        .y_labels(6)
        .draw()?;
    for (b, c) in counts.iter().enumerate() {
        let x0 = lo + b as f64 * width;
        let x1 = x0 + width;
        let mid = 0.5 * (x0 + x1);
        let color = if mid < 0.0 { LOSS } else { GAIN };
        let rect = [(x0, 0.0), (x1, *c as f64 / n)];
        chart.draw_series(std::iter::once(Rectangle::new(
            rect,
            color.mix(0.75).filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(rect, WHITE.stroke_width(1))))?;
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (0.0, top)],
        INK.stroke_width(3),
    )))?;
    if e.mean.is_finite() {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(e.mean, 0.0), (e.mean, top * 0.93)],
            INK.stroke_width(2),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("mean {}", fmt_num(e.mean)),
            (e.mean, top * 0.97),
            anchored(font(LABEL), HPos::Center, VPos::Center),
        )))?;
    }
    chart.draw_series(std::iter::once(Text::new(
        format!("P(ENPV < 0) = {}", pct(r.p_enpv_negative)),
        (lo - pad * 0.5, top * 0.9),
        anchored(bold(AXIS).color(&LOSS), HPos::Left, VPos::Center),
    )))?;
    let items = vec![
        LegendItem::Heading("Replications".into()),
        LegendItem::Entry(
            Swatch::Fill(LOSS),
            "ENPV below zero: the project does not pay".into(),
        ),
        LegendItem::Entry(Swatch::Fill(GAIN), "ENPV above zero".into()),
        LegendItem::Entry(
            Swatch::Line {
                color: INK,
                width: 3,
                dashed: false,
            },
            "Zero, and the mean (the expected NPV the banks accept on)".into(),
        ),
    ];
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}

fn years_stat(r: &AppraisalResults, metric: &str) -> Vec<(i32, Summary)> {
    let Some(m) = r.years.metric(metric) else {
        return Vec::new();
    };
    r.years
        .rows
        .iter()
        .map(|row| (year_of(row), row.stats[m]))
        .collect()
}

fn band_polygon(data: &[(i32, Summary)], lo: usize, hi: usize) -> Vec<(f64, f64)> {
    let mut pts: Vec<(f64, f64)> = data
        .iter()
        .filter(|(_, s)| s.p[lo].is_finite())
        .map(|(y, s)| (*y as f64, s.p[lo]))
        .collect();
    pts.extend(
        data.iter()
            .rev()
            .filter(|(_, s)| s.p[hi].is_finite())
            .map(|(y, s)| (*y as f64, s.p[hi])),
    );
    pts
}

fn draw_cash_flows<DB: DrawingBackend>(
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    r: &AppraisalResults,
) -> Drawn {
    let net = years_stat(r, "net_musd");
    let cum = years_stat(r, "cumulative_discounted_musd");
    let payback = headline(r, "payback_year");
    let subtitle = vec![
        format!(
            "Bars: mean net economic flow (benefits less capital and O&M, residual value in {}), whiskers 5–95%. Line: cumulative discounted net flow at {}%, shaded 5–95%; it ends at the ENPV.",
            r.inputs.last_year,
            fmt_num(r.inputs.discount_rate.nominal() * 100.0)
        ),
        if payback.n > 0 {
            format!(
                "Discounted payback reached in {} of replications (median year {}).",
                pct(payback.n as f64 / r.enpv_draws.len().max(1) as f64),
                fmt_num(payback.p[2])
            )
        } else {
            "The cumulative discounted flow never turns positive within the period in any replication.".into()
        },
    ];
    let body = frame(
        root,
        "Cash flows by year",
        &subtitle,
        &note(base, policy, r),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - LEGEND_W);
    let all = net
        .iter()
        .chain(&cum)
        .flat_map(|(_, s)| [s.p[0], s.p[4], s.mean])
        .filter(|v| v.is_finite());
    let (lo, hi) = all.fold((0.0f64, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
    let span = (hi - lo).max(1.0);
    let years = YearCoord::new(r.inputs.first_year, r.inputs.last_year);
    let mut chart = ChartBuilder::on(&plot)
        .margin_right(30)
        .x_label_area_size(72)
        .y_label_area_size(118)
        .build_cartesian_2d(years, (lo - 0.05 * span)..(hi + 0.05 * span))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .x_desc("Year")
        .y_desc("Million USD")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_num(*v))
        .y_labels(8)
        .draw()?;
    chart.draw_series(std::iter::once(Polygon::new(
        band_polygon(&cum, 0, 4),
        MUTED.mix(0.18).filled(),
    )))?;
    for (y, s) in &net {
        let x = *y as f64;
        let color = if s.mean < 0.0 { LOSS } else { GAIN };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.35, 0.0), (x + 0.35, s.mean)],
            color.mix(0.8).filled(),
        )))?;
        if s.p[0].is_finite() && s.p[4] > s.p[0] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, s.p[0]), (x, s.p[4])],
                INK.stroke_width(1),
            )))?;
        }
    }
    chart.draw_series(LineSeries::new(
        cum.iter().map(|(y, s)| (*y as f64, s.mean)),
        INK.stroke_width(4),
    ))?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![
            (r.inputs.first_year as f64 - 0.5, 0.0),
            (r.inputs.last_year as f64 + 0.5, 0.0),
        ],
        INK.stroke_width(1),
    )))?;
    let items = vec![
        LegendItem::Heading("Per year".into()),
        LegendItem::Entry(Swatch::Fill(GAIN), "Net benefit (mean)".into()),
        LegendItem::Entry(Swatch::Fill(LOSS), "Net cost (mean)".into()),
        LegendItem::Entry(Swatch::Interval(INK), "5–95% of replications".into()),
        LegendItem::Gap,
        LegendItem::Heading("Cumulative, discounted".into()),
        LegendItem::Entry(
            Swatch::Line {
                color: INK,
                width: 4,
                dashed: false,
            },
            "Mean".into(),
        ),
        LegendItem::Entry(
            Swatch::Band {
                color: MUTED,
                opacity: 0.18,
            },
            "5–95%".into(),
        ),
    ];
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}

/// Countries with their stakeholder NPVs (mean) and total (summary), largest total
/// first; `world` (the climate) included.
/// A country: its name, each stakeholder's mean NPV, and its net NPV.
type CountryRow = (String, Vec<(Stakeholder, f64)>, Summary);

fn country_rows(r: &AppraisalResults) -> Vec<CountryRow> {
    let t = &r.stakeholders;
    let mut out: Vec<CountryRow> = t
        .rows
        .iter()
        .filter(|row| row.keys[0] == "all" && row.keys[1] != "all")
        .map(|row| (row.keys[1].clone(), Vec::new(), row.stats[0]))
        .collect();
    for row in t
        .rows
        .iter()
        .filter(|row| row.keys[0] != "all" && row.keys[1] != "all")
    {
        if let (Some(s), Some(c)) = (
            Stakeholder::parse(&row.keys[0]),
            out.iter_mut().find(|c| c.0 == row.keys[1]),
        ) {
            c.1.push((s, row.stats[0].mean));
        }
    }
    // Leave out countries whose stakes are all tiny (under 0.5% of the largest).
    let biggest = out
        .iter()
        .flat_map(|c| c.1.iter().map(|(_, v)| v.abs()))
        .fold(0.0, f64::max);
    out.retain(|c| c.1.iter().any(|(_, v)| v.abs() >= 0.005 * biggest));
    out.sort_by(|a, b| b.2.mean.total_cmp(&a.2.mean).then(a.0.cmp(&b.0)));
    out
}

fn stake_color(s: Stakeholder) -> RGBColor {
    match s {
        Stakeholder::Shippers => PALETTE[0],
        Stakeholder::Operators => PALETTE[1],
        Stakeholder::Owner => PALETTE[2],
        Stakeholder::Government => PALETTE[3],
        Stakeholder::Environment => PALETTE[4],
    }
}

fn draw_countries<DB: DrawingBackend>(
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    r: &AppraisalResults,
) -> Drawn {
    let rows = country_rows(r);
    let total = r
        .stakeholders
        .rows
        .iter()
        .find(|row| row.keys[0] == "all" && row.keys[1] == "all")
        .map_or(Summary::EMPTY, |row| row.stats[0]);
    let subtitle = vec![format!(
        "Present value at {}% of each stakeholder's gains (right) and losses (left), by country; the dot is the country's net with its 5–95% band. Everything adds up to the ENPV, {} million USD. Tariffs and fees move money between stakeholders and cancel in the total; capital and O&M fall on the payer each item names; the climate's share is \"world\".",
        fmt_num(r.inputs.discount_rate.nominal() * 100.0),
        fmt_num(total.mean)
    )];
    let body = frame(
        root,
        "Who gains and who loses",
        &subtitle,
        &note(base, policy, r),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - LEGEND_W);
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for (_, parts, st) in &rows {
        let pos: f64 = parts.iter().map(|(_, v)| v.max(0.0)).sum();
        let neg: f64 = parts.iter().map(|(_, v)| v.min(0.0)).sum();
        lo = lo.min(neg).min(st.p[0]);
        hi = hi.max(pos).max(st.p[4]);
    }
    let span = (hi - lo).max(1.0);
    let n = rows.len().max(1);
    let mut chart = ChartBuilder::on(&plot)
        .margin_right(30)
        .x_label_area_size(72)
        .y_label_area_size(110)
        .build_cartesian_2d((lo - 0.05 * span)..(hi + 0.05 * span), 0.0..n as f64)?;
    let labels: Vec<String> = rows.iter().map(|c| c.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .house_grid()
        .x_desc("NPV, million USD")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| fmt_num(*v))
        .y_labels(0)
        .draw()?;
    let x_left = lo - 0.05 * span;
    let origin = plot.get_base_pixel();
    let label_style = anchored(font(TICK), HPos::Right, VPos::Center);
    for (i, name) in labels.iter().enumerate() {
        let yc = n as f64 - i as f64 - 0.5;
        let (px, py) = chart.backend_coord(&(x_left, yc));
        let shown = if name == "world" {
            "climate"
        } else {
            name.as_str()
        };
        text(
            &plot,
            shown,
            (px - origin.0 - 12, py - origin.1),
            &label_style,
        )?;
    }
    for (i, (_, parts, st)) in rows.iter().enumerate() {
        let yc = n as f64 - i as f64 - 0.5;
        let (mut pos, mut neg) = (0.0, 0.0);
        for s in Stakeholder::ALL {
            let v: f64 = parts.iter().filter(|(x, _)| *x == s).map(|(_, v)| v).sum();
            let (a, b) = if v >= 0.0 {
                let a = pos;
                pos += v;
                (a, pos)
            } else {
                let a = neg;
                neg += v;
                (a, neg)
            };
            if v != 0.0 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, yc - 0.32), (b, yc + 0.32)],
                    stake_color(s).filled(),
                )))?;
            }
        }
        if st.p[0].is_finite() && st.p[4] > st.p[0] {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(st.p[0], yc), (st.p[4], yc)],
                INK.stroke_width(2),
            )))?;
        }
        chart.draw_series(std::iter::once(Circle::new((st.mean, yc), 7, INK.filled())))?;
    }
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (0.0, n as f64)],
        INK.stroke_width(2),
    )))?;
    let mut items = vec![LegendItem::Heading("Stakeholder".into())];
    for s in Stakeholder::ALL {
        let label = match s {
            Stakeholder::Shippers => "Shippers (consumer surplus)",
            Stakeholder::Operators => "Link operators (tariff margins)",
            Stakeholder::Owner => "New corridor's owner (fees, margins, its costs)",
            Stakeholder::Government => "Governments (border fees, their costs)",
            Stakeholder::Environment => "Climate (CO2e at the carbon price)",
        };
        items.push(LegendItem::Entry(
            Swatch::Fill(stake_color(s)),
            label.into(),
        ));
    }
    items.push(LegendItem::Gap);
    items.push(LegendItem::Entry(
        Swatch::Marker(Marker::DotWhisker, INK),
        "Country net: mean, 5–95%".into(),
    ));
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}

fn draw_co2<DB: DrawingBackend>(
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    r: &AppraisalResults,
) -> Drawn {
    let b = years_stat(r, "co2e_base_kt");
    let p = years_stat(r, "co2e_policy_kt");
    let d = years_stat(r, "co2e_change_kt");
    let total = headline(r, "co2e_change_kt_total");
    let subtitle = vec![format!(
        "Well-to-wheel CO2e of all freight in the network: tonne-km by link times the intensity of its mode (or its own). Change over {}–{}: {} kt (5–95%: {} to {}), valued at the carbon price in the environment line. Years after the simulated horizon repeat its last year.",
        r.inputs.first_year,
        r.inputs.last_year,
        fmt_num(total.mean),
        fmt_num(total.p[0]),
        fmt_num(total.p[4])
    )];
    let body = frame(root, "CO2e by year", &subtitle, &note(base, policy, r))?;
    let (w, h) = body.dim_in_pixel();
    let (plots, side) = body.split_horizontally(w - LEGEND_W);
    let (upper, lower) = plots.split_vertically(h as i32 / 2);
    let years = || YearCoord::new(r.inputs.first_year, r.inputs.last_year);
    let hi = b
        .iter()
        .chain(&p)
        .flat_map(|(_, s)| [s.p[4], s.mean])
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
        .max(1.0);
    let mut up = ChartBuilder::on(&upper)
        .margin_right(30)
        .caption("CO2e emitted, base and policy", bold(AXIS))
        .x_label_area_size(44)
        .y_label_area_size(118)
        .build_cartesian_2d(years(), 0.0..hi * 1.08)?;
    up.configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .y_desc("kt CO2e per year")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_num(*v))
        .y_labels(5)
        .draw()?;
    for (data, color) in [(&b, MUTED), (&p, GAIN)] {
        let pts: Vec<(f64, f64)> = data
            .iter()
            .filter(|(_, s)| s.mean > 0.0)
            .map(|(y, s)| (*y as f64, s.mean))
            .collect();
        up.draw_series(LineSeries::new(pts, color.stroke_width(4)))?;
    }
    let (lo2, hi2) = d
        .iter()
        .flat_map(|(_, s)| [s.p[0], s.p[4], s.mean])
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
    let span = (hi2 - lo2).max(1.0);
    let mut dn = ChartBuilder::on(&lower)
        .margin_right(30)
        .caption("Change (policy minus base)", bold(AXIS))
        .x_label_area_size(72)
        .y_label_area_size(118)
        .build_cartesian_2d(years(), (lo2 - 0.08 * span)..(hi2 + 0.08 * span))?;
    dn.configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .x_desc("Year")
        .y_desc("kt CO2e per year")
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_num(*v))
        .y_labels(5)
        .draw()?;
    dn.draw_series(std::iter::once(Polygon::new(
        band_polygon(&d, 0, 4),
        LOSS.mix(0.2).filled(),
    )))?;
    dn.draw_series(LineSeries::new(
        d.iter().map(|(y, s)| (*y as f64, s.mean)),
        LOSS.stroke_width(4),
    ))?;
    dn.draw_series(std::iter::once(PathElement::new(
        vec![
            (r.inputs.first_year as f64 - 0.5, 0.0),
            (r.inputs.last_year as f64 + 0.5, 0.0),
        ],
        INK.stroke_width(1),
    )))?;
    let line = |color| Swatch::Line {
        color,
        width: 4,
        dashed: false,
    };
    let items = vec![
        LegendItem::Heading("Emitted (mean)".into()),
        LegendItem::Entry(line(MUTED), format!("Base: {}", base.name)),
        LegendItem::Entry(line(GAIN), format!("Policy: {}", policy.name)),
        LegendItem::Gap,
        LegendItem::Heading("Change".into()),
        LegendItem::Entry(line(LOSS), "Mean (below zero: less CO2e)".into()),
        LegendItem::Entry(
            Swatch::Band {
                color: LOSS,
                opacity: 0.2,
            },
            "5–95%".into(),
        ),
    ];
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}
