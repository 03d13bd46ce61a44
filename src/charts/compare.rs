//! Charts of a comparison (`corridor compare BASE POLICY`): what the policy changes,
//! drawn from the paired differences (policy minus base, replication by replication
//! with common random numbers), so that every band is the band of the difference.
//!
//! - change in each corridor's freight over the years: the new corridor's gain and the
//!   other corridors' losses, which are the diversion;
//! - in one year (2035 if in range, else the last common year): where the new
//!   corridor's freight comes from, corridor by corridor;
//! - in that year: the change in generalized cost and transit time of each flow.
//!
//! Corridors keep the colours they have in the policy scenario (or the base's).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::bands::LEGEND_W;
use super::style::*;
use crate::compare::Comparison;
use crate::model::Scenario;
use crate::results::Table;
use crate::stats::Summary;

/// Changes smaller than this share of the largest change are "no change".
const NEGLIGIBLE: f64 = 0.005;
/// At most this many flows in the flow chart (the largest cost changes).
pub const MAX_FLOWS: usize = 20;
/// Cost changes below this (USD/t) and time changes below this (h) are no change.
const MIN_COST: f64 = 0.05;
const MIN_TIME: f64 = 0.1;

/// The year the diversion and flow charts show: 2035 if compared, else the last year.
pub fn focus_year(c: &Comparison) -> Option<i32> {
    if c.years.contains(&2035) {
        Some(2035)
    } else {
        c.years.last().copied()
    }
}

/// The new corridor of the comparison (the policy's, else the base's), by id.
pub fn new_corridor_id(base: &Scenario, policy: &Scenario) -> Option<String> {
    new_corridor(policy)
        .map(|i| policy.corridors[i].id.clone())
        .or_else(|| new_corridor(base).map(|i| base.corridors[i].id.clone()))
}

/// A corridor's colour in the policy scenario, else in the base.
fn color_of(base: &Scenario, policy: &Scenario, id: &str) -> RGBColor {
    if policy.corridors.iter().any(|c| c.id == id) {
        corridor_color_by_id(policy, id)
    } else {
        corridor_color_by_id(base, id)
    }
}

/// A signed number with `decimals` decimals: "+1.63", "-0.20", "0".
fn signed(v: f64, decimals: usize) -> String {
    let t = format!("{v:.decimals$}");
    let zero = t
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.');
    if zero {
        t.trim_start_matches('-').to_string()
    } else if v > 0.0 {
        format!("+{t}")
    } else {
        t
    }
}

/// Decimals that show values up to `max_abs` with about three significant digits.
fn decimals_for(max_abs: f64) -> usize {
    if max_abs >= 100.0 {
        0
    } else if max_abs >= 10.0 {
        1
    } else {
        2
    }
}

/// One corridor's change over the years.
struct Change {
    id: String,
    name: String,
    data: Vec<(i32, Summary)>,
}

fn stat_of(t: &Table, key: &str, value: &str, metric: &str) -> Vec<(i32, Summary)> {
    series(t, key, value, metric)
}

/// Corridors (and unserved demand) whose freight changes noticeably in some year, in
/// table order, and how many do not.
fn changes(c: &Comparison) -> (Vec<Change>, usize) {
    let t = &c.corridors;
    let (Some(kc), Some(kn)) = (t.key("corridor"), t.key("corridor_name")) else {
        return (Vec::new(), 0);
    };
    let mut ids: Vec<(String, String)> = Vec::new();
    for row in &t.rows {
        if !ids.iter().any(|(id, _)| *id == row.keys[kc]) {
            ids.push((row.keys[kc].clone(), row.keys[kn].clone()));
        }
    }
    let all: Vec<Change> = ids
        .into_iter()
        .map(|(id, name)| Change {
            data: stat_of(t, "corridor", &id, "tonnes_change"),
            id,
            name,
        })
        .collect();
    let size = |ch: &Change| max_of(ch.data.iter(), |(_, st)| st.mean.abs());
    let largest = all.iter().map(size).fold(0.0, f64::max);
    let moved = |ch: &Change| {
        max_of(ch.data.iter(), |(_, st)| {
            st.mean.abs().max(st.p[0].abs()).max(st.p[4].abs())
        }) > NEGLIGIBLE * largest
            && largest > 0.0
    };
    let n = all.len();
    let kept: Vec<Change> = all.into_iter().filter(moved).collect();
    let dropped = n - kept.len();
    (kept, dropped)
}

/// "corridor-sim 0.1.0 · "baseline" vs "tripp-opens" · 200 paired replications".
fn note(base: &Scenario, policy: &Scenario, c: &Comparison) -> String {
    let n = c.base.replications;
    format!(
        "corridor-sim {} · \"{}\" vs \"{}\" · {} paired replication{}",
        env!("CARGO_PKG_VERSION"),
        base.name,
        policy.name,
        n,
        if n == 1 { "" } else { "s" }
    )
}

fn noticeable_note(dropped: usize, what: &str) -> Option<String> {
    match dropped {
        0 => None,
        1 => Some(format!(
            "1 {what} whose freight does not change is not shown."
        )),
        n => Some(format!(
            "{n} {what}s whose freight does not change are not shown."
        )),
    }
}

fn name_of(base: &Scenario, policy: &Scenario, ch: &Change) -> String {
    if ch.id == "unserved" {
        return "Unserved demand".into();
    }
    policy
        .corridors
        .iter()
        .chain(&base.corridors)
        .find(|k| k.id == ch.id)
        .map_or(ch.name.clone(), |k| k.name.clone())
}

/// Chart: change in each corridor's freight over the years, with bands.
pub fn draw_tonnes<DB: DrawingBackend>(
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    c: &Comparison,
) -> Drawn {
    let (kept, dropped) = changes(c);
    let new_id = new_corridor_id(base, policy);
    let bands = c.base.replications > 1;
    let mut subtitle = vec![format!(
        "Freight carried in \"{}\" minus freight carried in \"{}\", per replication with the same random draws{}. Above zero: gains; below: losses.",
        policy.name,
        base.name,
        if bands {
            format!(
                "; lines: mean, shading: 25–75% and 5–95% of the {} paired differences",
                c.base.replications
            )
        } else {
            String::new()
        }
    )];
    if let Some(id) = &new_id {
        let name = kept
            .iter()
            .find(|k| k.id == *id)
            .map(|k| name_of(base, policy, k));
        if let Some(n) = name {
            subtitle.push(format!(
                "The {}'s gain is what the other corridors lose (diverted freight) plus any demand newly served.",
                short_place(&n)
            ));
        }
    }
    subtitle.extend(noticeable_note(dropped, "corridor"));
    let (first, last) = (
        c.years.first().copied().unwrap_or(policy.first_year),
        c.years.last().copied().unwrap_or(policy.last_year),
    );
    let body = frame(
        root,
        &format!("Change in freight by corridor, {first}–{last}"),
        &subtitle,
        &note(base, policy, c),
    )?;
    let (w, _) = body.dim_in_pixel();
    let (plot, side) = body.split_horizontally(w - LEGEND_W);
    let max_abs = max_of(kept.iter().flat_map(|k| k.data.iter()), |(_, st)| {
        st.p[0].abs().max(st.p[4].abs()).max(st.mean.abs())
    });
    let unit = tonne_unit(max_abs);
    let hi = max_of(kept.iter().flat_map(|k| k.data.iter()), |(_, st)| {
        st.p[4].max(st.mean)
    }) / unit.div;
    let lo = kept
        .iter()
        .flat_map(|k| k.data.iter())
        .map(|(_, st)| st.p[0].min(st.mean) / unit.div)
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let pad = ((hi - lo) * 0.06).max(1e-9);
    let (y_lo, y_hi) = if hi > lo {
        (lo - pad, hi + pad)
    } else {
        (-1.0, 1.0)
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin_top(8)
        .margin_right(30)
        .x_label_area_size(72)
        .y_label_area_size(118)
        .build_cartesian_2d(YearCoord::new(first, last), y_lo..y_hi)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .x_desc("Year")
        .y_desc(format!("Change in freight ({} per year)", unit.long))
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| format!("{:.0}", v))
        .y_label_formatter(&|v| fmt_num(*v))
        .y_labels(8)
        .draw()?;
    let (x0, x1) = (first as f64 - 0.5, last as f64 + 0.5);
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x0, 0.0), (x1, 0.0)],
        INK.stroke_width(2),
    )))?;
    let scale = |v: f64| v / unit.div;
    let color = |k: &Change| color_of(base, policy, &k.id);
    if bands {
        for k in &kept {
            let pts: Vec<(f64, Summary)> = k
                .data
                .iter()
                .filter(|(_, st)| st.mean.is_finite())
                .map(|(y, st)| (*y as f64, *st))
                .collect();
            for (a, b, opacity) in [(0, 4, 0.12), (1, 3, 0.22)] {
                let mut poly: Vec<(f64, f64)> =
                    pts.iter().map(|(x, st)| (*x, scale(st.p[b]))).collect();
                poly.extend(pts.iter().rev().map(|(x, st)| (*x, scale(st.p[a]))));
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    color(k).mix(opacity).filled(),
                )))?;
            }
        }
    }
    let is_new = |k: &Change| Some(&k.id) == new_id.as_ref();
    let mut order: Vec<&Change> = kept.iter().collect();
    order.sort_by_key(|k| is_new(k));
    for k in order {
        let line: Vec<(f64, f64)> = k
            .data
            .iter()
            .filter(|(_, st)| st.mean.is_finite())
            .map(|(y, st)| (*y as f64, scale(st.mean)))
            .collect();
        let w = if is_new(k) { 5 } else { 3 };
        chart.draw_series(LineSeries::new(line.clone(), color(k).stroke_width(w)))?;
        if c.years.len() <= 15 {
            chart.draw_series(
                line.iter()
                    .map(|p| Circle::new(*p, w + 2, color(k).filled())),
            )?;
        }
    }

    // Legend: from the largest gain to the largest loss at the end of the horizon.
    let last_mean = |k: &Change| {
        k.data
            .iter()
            .rev()
            .map(|(_, st)| st.mean)
            .find(|v| v.is_finite())
            .unwrap_or(0.0)
    };
    let mut listed: Vec<&Change> = kept.iter().collect();
    listed.sort_by(|a, b| last_mean(b).total_cmp(&last_mean(a)));
    let dec = decimals_for(max_of(kept.iter(), |k| last_mean(k).abs()) / unit.div);
    let mut items = vec![LegendItem::Heading(format!("Corridor (change in {last})"))];
    for k in listed {
        items.push(LegendItem::Entry(
            Swatch::Line {
                color: color(k),
                width: if is_new(k) { 5 } else { 3 },
                dashed: false,
            },
            format!(
                "{}: {} {}",
                name_of(base, policy, k),
                signed(last_mean(k) / unit.div, dec),
                unit.short
            ),
        ));
    }
    if bands {
        items.push(LegendItem::Gap);
        items.push(LegendItem::Heading("Range of the paired difference".into()));
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

/// One horizontal interval: mean bar, whisker 5-95%, box 25-75%.
struct Bar {
    label: String,
    color: RGBColor,
    st: Summary,
    /// Text at the end of the bar.
    note: String,
}

/// Rows of horizontal bars on a shared axis around zero, labels on the left.
fn bar_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    bars: &[Bar],
    x_desc: &str,
    label_w: i32,
    caption: Option<&str>,
    bands: bool,
) -> Drawn {
    let lo = bars
        .iter()
        .map(|b| b.st.p[0].min(b.st.mean))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::min);
    let hi = bars
        .iter()
        .map(|b| b.st.p[4].max(b.st.mean))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let span = (hi - lo).max(1e-9);
    // Room for the notes at the bar ends, in pixels, on the side each note goes.
    let note_style = font(NOTE).color(&MUTED);
    let (mut left_note, mut right_note) = (0, 0);
    for b in bars {
        let w = text_width(area, &b.note, &note_style)? + 22;
        if b.st.mean >= 0.0 {
            right_note = right_note.max(w);
        } else {
            left_note = left_note.max(w);
        }
    }
    let (aw, _) = area.dim_in_pixel();
    let plot_w = (aw as i32 - label_w - 24).max(100) as f64;
    let (lp, rp) = (left_note.max(12) as f64, right_note.max(12) as f64);
    let per_px = span / (plot_w - lp - rp).max(40.0);
    let (x_lo, x_hi) = (lo - lp * per_px, hi + rp * per_px);
    let n = bars.len().max(1);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(8)
        .margin_right(24)
        .x_label_area_size(76)
        .y_label_area_size(label_w);
    if let Some(cap) = caption {
        builder.caption(cap, bold(AXIS));
    }
    let mut chart = builder.build_cartesian_2d(x_lo..x_hi, -0.5..(n as f64 - 0.5))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .house_grid()
        .x_desc(x_desc)
        .axis_desc_style(font(AXIS))
        .label_style(font(TICK))
        .x_label_formatter(&|v| fmt_num(*v))
        .x_labels(7)
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
        INK.stroke_width(2),
    )))?;
    let px = |x: f64, y: f64| chart.backend_coord(&(x, y));
    let row_h = (px(0.0, 0.0).1 - px(0.0, 1.0).1).max(1);
    let half = (row_h * 3 / 10).clamp(5, 16);
    let (ax, ay) = area.get_base_pixel();
    let label_style = anchored(font(LABEL), HPos::Right, VPos::Center);
    for (i, b) in bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let (xz, yy) = px(0.0, y);
        let (xm, _) = px(b.st.mean, y);
        // The label, in the area left of the axis.
        let room = label_w - 16;
        let lines = wrap(area, &b.label, &font(LABEL), room)?;
        let lines: Vec<String> = if lines.len() > 2 {
            vec![
                lines[0].clone(),
                fit(area, &lines[1..].join(" "), &font(LABEL), room)?,
            ]
        } else {
            lines
        };
        let step = 24;
        let top = yy - step * (lines.len() as i32 - 1) / 2;
        for (k, line) in lines.iter().enumerate() {
            text(
                area,
                line,
                (label_w - 12, top + step * k as i32 - ay),
                &label_style,
            )?;
        }
        area.draw(&Rectangle::new(
            [
                (xz.min(xm) - ax, yy - half - ay),
                (xz.max(xm) - ax, yy + half - ay),
            ],
            b.color.mix(0.75).filled(),
        ))?;
        let mut end = xz.max(xm);
        let mut start = xz.min(xm);
        if bands {
            let (x5, _) = px(b.st.p[0], y);
            let (x95, _) = px(b.st.p[4], y);
            let (x25, _) = px(b.st.p[1], y);
            let (x75, _) = px(b.st.p[3], y);
            area.draw(&PathElement::new(
                vec![(x5 - ax, yy - ay), (x95 - ax, yy - ay)],
                INK.stroke_width(2),
            ))?;
            for xe in [x5, x95] {
                area.draw(&PathElement::new(
                    vec![(xe - ax, yy - half / 2 - ay), (xe - ax, yy + half / 2 - ay)],
                    INK.stroke_width(2),
                ))?;
            }
            area.draw(&Rectangle::new(
                [
                    (x25 - ax, yy - 4 - ay),
                    (x75.max(x25 + 1) - ax, yy + 4 - ay),
                ],
                INK.filled(),
            ))?;
            end = end.max(x95);
            start = start.min(x5);
        }
        if !b.note.is_empty() {
            if b.st.mean >= 0.0 {
                text(
                    area,
                    &b.note,
                    (end + 10 - ax, yy - ay),
                    &anchored(note_style.clone(), HPos::Left, VPos::Center),
                )?;
            } else {
                text(
                    area,
                    &b.note,
                    (start - 10 - ax, yy - ay),
                    &anchored(note_style.clone(), HPos::Right, VPos::Center),
                )?;
            }
        }
    }
    Ok(())
}

/// The rows of the diversion chart in `year`: the new corridor's gain first, then the
/// others from the largest loss, with unserved demand (less unserved is freight newly
/// carried) where it changes.
fn diversion_rows(
    base: &Scenario,
    policy: &Scenario,
    c: &Comparison,
    year: i32,
) -> (Vec<(Change, Summary)>, usize) {
    let (kept, dropped) = changes(c);
    let new_id = new_corridor_id(base, policy);
    let mut rows: Vec<(Change, Summary)> = kept
        .into_iter()
        .filter_map(|k| {
            let st = k.data.iter().find(|(y, _)| *y == year).map(|(_, st)| *st)?;
            Some((k, st))
        })
        .collect();
    rows.sort_by(|a, b| {
        let new_a = Some(&a.0.id) == new_id.as_ref();
        let new_b = Some(&b.0.id) == new_id.as_ref();
        new_b.cmp(&new_a).then(b.1.mean.total_cmp(&a.1.mean))
    });
    // Gains first (largest first), then losses (largest first).
    let (mut gains, mut losses): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|(k, st)| st.mean >= 0.0 || Some(&k.id) == new_id.as_ref());
    losses.sort_by(|a, b| a.1.mean.total_cmp(&b.1.mean));
    gains.append(&mut losses);
    (gains, dropped)
}

/// Canvas height of the diversion chart.
pub fn diversion_height(base: &Scenario, policy: &Scenario, c: &Comparison) -> u32 {
    let n = focus_year(c).map_or(0, |y| diversion_rows(base, policy, c, y).0.len());
    (330 + 64 * n as u32).clamp(620, 2000)
}

/// Chart: where the new corridor's freight comes from in `year`.
pub fn draw_diversion<DB: DrawingBackend>(
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    c: &Comparison,
    year: i32,
) -> Drawn {
    let (rows, dropped) = diversion_rows(base, policy, c, year);
    let new_id = new_corridor_id(base, policy);
    let bands = c.base.replications > 1;
    let max_abs = max_of(rows.iter(), |(_, st)| {
        st.mean.abs().max(st.p[0].abs()).max(st.p[4].abs())
    });
    let unit = tonne_unit(max_abs);
    let gain = rows
        .iter()
        .find(|(k, _)| Some(&k.id) == new_id.as_ref())
        .map(|(k, st)| (name_of(base, policy, k), st.mean));
    let title = match &gain {
        Some((n, _)) => format!("Where the {}'s freight comes from, {year}", short_place(n)),
        None => format!("Change in freight by corridor, {year}"),
    };
    let mut subtitle = vec![format!(
        "Change in freight carried, \"{}\" minus \"{}\", per replication with the same random draws{}.",
        policy.name,
        base.name,
        if bands {
            format!(
                ". Bar: mean; black line: 5–95%, thick part 25–75% of the {} paired differences",
                c.base.replications
            )
        } else {
            String::new()
        }
    )];
    if let Some((n, g)) = &gain
        && *g > 0.0
    {
        subtitle.push(format!(
            "Figure beside each loss: its share of the {}'s gain of {} {} (freight diverted from that corridor).",
            short_place(n),
            fmt_num(g / unit.div),
            unit.short
        ));
    }
    subtitle.extend(noticeable_note(dropped, "corridor"));
    let body = frame(root, &title, &subtitle, &note(base, policy, c))?;
    let (bw, _) = body.dim_in_pixel();
    let dec = decimals_for(max_of(rows.iter(), |(_, st)| st.mean.abs()) / unit.div);
    let bars: Vec<Bar> = rows
        .iter()
        .map(|(k, st)| {
            let v = st.mean / unit.div;
            let mut note = format!("{} {}", signed(v, dec), unit.short);
            if let Some((_, g)) = &gain
                && *g > 0.0
                && st.mean < 0.0
            {
                note.push_str(&format!(" ({})", fmt_pct(-st.mean / g)));
            }
            Bar {
                label: name_of(base, policy, k),
                color: if k.id == "unserved" {
                    UNSERVED
                } else {
                    color_of(base, policy, &k.id)
                },
                st: Summary {
                    mean: st.mean / unit.div,
                    sd: st.sd / unit.div,
                    p: st.p.map(|p| p / unit.div),
                    n: st.n,
                },
                note,
            }
        })
        .collect();
    let label_w = (bw as i32 * 30 / 100).clamp(260, 520);
    bar_panel(
        &body,
        &bars,
        &format!("Change in freight carried ({} per year)", unit.long),
        label_w,
        None,
        bands,
    )?;
    Ok(())
}

/// One flow's change in `year`.
struct FlowChange {
    label: String,
    cost: Summary,
    time: Summary,
}

fn flow_rows(
    policy: &Scenario,
    base: &Scenario,
    c: &Comparison,
    year: i32,
) -> (Vec<FlowChange>, usize) {
    let t = &c.od;
    let (Some(kd), Some(mc), Some(mt)) = (
        t.key("demand"),
        t.metric("cost_change_usd_per_t"),
        t.metric("transit_time_change_h"),
    ) else {
        return (Vec::new(), 0);
    };
    let names = node_names(policy);
    let mut rows = Vec::new();
    let mut unchanged = 0;
    for row in t.rows.iter().filter(|r| year_of(r) == year) {
        let (cost, time) = (row.stats[mc], row.stats[mt]);
        if !(cost.mean.abs() >= MIN_COST || time.mean.abs() >= MIN_TIME) {
            unchanged += 1;
            continue;
        }
        let id = &row.keys[kd];
        let label = match policy
            .demand
            .iter()
            .find(|d| d.id == *id)
            .map(|d| (d, policy))
            .or_else(|| base.demand.iter().find(|d| d.id == *id).map(|d| (d, base)))
        {
            Some((d, s)) => {
                let place = |i: usize| {
                    let n = &s.nodes[i];
                    short_place(names.get(n.id.as_str()).copied().unwrap_or(&n.name)).to_string()
                };
                format!(
                    "{} → {} · {}",
                    place(d.origin),
                    place(d.destination),
                    d.commodity
                )
            }
            None => id.clone(),
        };
        rows.push(FlowChange { label, cost, time });
    }
    rows.sort_by(|a, b| a.cost.mean.total_cmp(&b.cost.mean));
    let extra = rows.len().saturating_sub(MAX_FLOWS);
    if extra > 0 {
        // Keep the largest changes either way.
        rows.sort_by(|a, b| b.cost.mean.abs().total_cmp(&a.cost.mean.abs()));
        rows.truncate(MAX_FLOWS);
        rows.sort_by(|a, b| a.cost.mean.total_cmp(&b.cost.mean));
    }
    (rows, unchanged + extra)
}

/// Canvas height of the flow chart.
pub fn flows_height(base: &Scenario, policy: &Scenario, c: &Comparison) -> u32 {
    let n = focus_year(c).map_or(0, |y| flow_rows(policy, base, c, y).0.len());
    (360 + 56 * n as u32).clamp(620, 2000)
}

/// Chart: change in generalized cost and transit time of each flow in `year`.
pub fn draw_flows<DB: DrawingBackend>(
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    c: &Comparison,
    year: i32,
) -> Drawn {
    let (rows, left_out) = flow_rows(policy, base, c, year);
    let bands = c.base.replications > 1;
    let mut subtitle = vec![format!(
        "Mean cost and transit time per tonne served, \"{}\" minus \"{}\", per replication with the same random draws{}. Below zero: cheaper or faster.",
        policy.name,
        base.name,
        if bands {
            format!(
                "; bar: mean, black line: 5–95%, thick part 25–75% of the {} paired differences",
                c.base.replications
            )
        } else {
            String::new()
        }
    )];
    if left_out > 0 {
        subtitle.push(format!(
            "Not shown: {left_out} flow{} whose cost changes by less than {} USD/t and time by less than {} h{}.",
            if left_out == 1 { "" } else { "s" },
            fmt_num(MIN_COST),
            fmt_num(MIN_TIME),
            if rows.len() == MAX_FLOWS {
                format!(", or beyond the {MAX_FLOWS} largest cost changes")
            } else {
                String::new()
            }
        ));
    }
    let body = frame(
        root,
        &format!("Change in cost and transit time by flow, {year}"),
        &subtitle,
        &note(base, policy, c),
    )?;
    let (bw, _) = body.dim_in_pixel();
    if rows.is_empty() {
        let style = anchored(font(SUBTITLE).color(&MUTED), HPos::Center, VPos::Center);
        let (_, bh) = body.dim_in_pixel();
        text(
            &body,
            "No flow's cost or transit time changes",
            (bw as i32 / 2, bh as i32 / 2),
            &style,
        )?;
        return Ok(());
    }
    let label_w = (bw as i32 * 26 / 100).clamp(240, 460);
    let (left, right) = body.split_horizontally(label_w + (bw as i32 - label_w) / 2);
    let bar = |f: &FlowChange, st: Summary, unit: &str, dec: usize| Bar {
        label: f.label.clone(),
        color: if st.mean <= 0.0 {
            RGBColor(0, 158, 115)
        } else {
            RGBColor(213, 94, 0)
        },
        st,
        note: format!("{} {unit}", signed(st.mean, dec)),
    };
    let cost_dec = decimals_for(max_of(rows.iter(), |f| f.cost.mean.abs()));
    let cost: Vec<Bar> = rows
        .iter()
        .map(|f| bar(f, f.cost, "USD/t", cost_dec))
        .collect();
    let hours = max_of(rows.iter(), |f| f.time.p[0].abs().max(f.time.p[4].abs()));
    let (tdiv, tunit, tlong) = if hours > 96.0 {
        (24.0, "days", "days")
    } else {
        (1.0, "h", "hours")
    };
    let time: Vec<Bar> = rows
        .iter()
        .map(|f| {
            let st = Summary {
                mean: f.time.mean / tdiv,
                sd: f.time.sd / tdiv,
                p: f.time.p.map(|p| p / tdiv),
                n: f.time.n,
            };
            bar(f, st, tunit, 1)
        })
        .collect();
    bar_panel(
        &left,
        &cost,
        "Change in generalized cost (USD per tonne)",
        label_w,
        Some("Generalized cost"),
        bands,
    )?;
    // The right panel repeats no labels.
    let mut unlabeled = time;
    for b in &mut unlabeled {
        b.label.clear();
    }
    bar_panel(
        &right,
        &unlabeled,
        &format!("Change in transit time ({tlong})"),
        24,
        Some("Transit time"),
        bands,
    )?;
    Ok(())
}
