//! Sensitivity charts of one output: the one-at-a-time tornado (each input's bar from
//! the output at its 10th percentile to the output at its 90th, the base marked, bars
//! sorted by swing) and the rank-correlation chart (Spearman bars with the SRRC marked,
//! the rank R² in the subtitle). Horizontal bars laid out in pixels so that long input
//! names get the room they need.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::Figure;
use super::style::*;
use crate::sensitivity::RankTable;
use crate::sensitivity::oat::Bar;

/// Colour of the low setting (p10, disruption off) and of the high one.
pub const LOW: RGBColor = PALETTE[0];
pub const HIGH: RGBColor = PALETTE[1];
/// Bars drawn at most; the rest are counted in a note.
pub const MAX_BARS: usize = 14;

/// Height of a chart with `n` bars.
pub fn height(n: usize) -> u32 {
    (330 + 62 * n.clamp(1, MAX_BARS)) as u32
}

/// A row of a horizontal bar chart.
struct Row {
    label: String,
    detail: String,
    /// Segments (from, to, colour) in data units.
    segments: Vec<(f64, f64, RGBColor)>,
    /// A marker (value, colour) drawn over the bar.
    marker: Option<f64>,
    /// Value labels at the left and right ends.
    ends: (String, String),
}

/// A horizontal bar chart: rows, an x range, a reference line.
struct Bars {
    title: String,
    subtitle: Vec<String>,
    note: String,
    rows: Vec<Row>,
    reference: Option<(f64, String)>,
    x_label: String,
    fmt: Box<dyn Fn(f64) -> String + Sync>,
    legend: Vec<(Swatch, String)>,
    omitted: usize,
}

fn draw_bars<DB: DrawingBackend>(root: &Area<DB>, b: &Bars) -> Drawn {
    let body = frame(root, &b.title, &b.subtitle, &b.note)?;
    let (w, h) = body.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let legend_h = legend_row_height(&body, &b.legend, w)?;
    legend_row(&body, &b.legend)?;
    let label_style = anchored(font(LABEL), HPos::Right, VPos::Center);
    let detail_style = anchored(font(NOTE).color(&MUTED), HPos::Right, VPos::Center);
    let mut label_w = 0;
    for r in &b.rows {
        label_w = label_w
            .max(text_width(&body, &r.label, &label_style)?)
            .max(text_width(&body, &r.detail, &detail_style)?);
    }
    let label_w = label_w.min(w * 45 / 100) + 24;
    let (x0, x1) = (label_w + 90, w - 110);
    let top = legend_h + 20;
    let bottom = h - 70;
    let row_h = ((bottom - top) / b.rows.len().max(1) as i32).min(70);
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for r in &b.rows {
        for (a, c, _) in &r.segments {
            lo = lo.min(*a).min(*c);
            hi = hi.max(*a).max(*c);
        }
        if let Some(m) = r.marker {
            lo = lo.min(m);
            hi = hi.max(m);
        }
    }
    if let Some((v, _)) = b.reference {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() || !hi.is_finite() {
        lo = 0.0;
        hi = 1.0;
    }
    if hi - lo < 1e-12 * (1.0 + hi.abs()) {
        lo -= 0.5 * (1.0 + lo.abs() * 0.1);
        hi += 0.5 * (1.0 + hi.abs() * 0.1);
    }
    let pad = (hi - lo) * 0.04;
    let (lo, hi) = (lo - pad, hi + pad);
    let px = |v: f64| x0 + ((v - lo) / (hi - lo) * (x1 - x0) as f64).round() as i32;
    // Grid and ticks.
    let ticks = nice_ticks(lo, hi, 7);
    let tick_style = anchored(font(TICK), HPos::Center, VPos::Top);
    for t in &ticks {
        let x = px(*t);
        body.draw(&PathElement::new(
            vec![(x, top - 6), (x, bottom)],
            GRID.stroke_width(1),
        ))?;
        text(&body, &(b.fmt)(*t), (x, bottom + 8), &tick_style)?;
    }
    text(
        &body,
        &b.x_label,
        ((x0 + x1) / 2, bottom + 40),
        &anchored(font(AXIS), HPos::Center, VPos::Top),
    )?;
    for (i, r) in b.rows.iter().enumerate() {
        let yc = top + row_h * i as i32 + row_h / 2;
        if i % 2 == 1 {
            body.draw(&Rectangle::new(
                [(0, yc - row_h / 2), (w, yc + row_h / 2)],
                SHADE.filled(),
            ))?;
        }
        let has_detail = !r.detail.is_empty();
        let ly = if has_detail { yc - 11 } else { yc };
        text(
            &body,
            &fit(&body, &r.label, &label_style, label_w - 24)?,
            (label_w, ly),
            &label_style,
        )?;
        if has_detail {
            text(&body, &r.detail, (label_w, yc + 14), &detail_style)?;
        }
        let half = (row_h * 32 / 100).max(8);
        for (a, c, col) in &r.segments {
            let (xa, xc) = (px(a.min(*c)), px(a.max(*c)));
            body.draw(&Rectangle::new(
                [(xa, yc - half), (xc.max(xa + 2), yc + half)],
                col.filled(),
            ))?;
        }
        if let Some(m) = r.marker {
            let x = px(m);
            body.draw(&Polygon::new(
                vec![(x, yc - 11), (x + 11, yc), (x, yc + 11), (x - 11, yc)],
                INK.filled(),
            ))?;
        }
        // Value labels just outside everything drawn in the row.
        let ends: Vec<f64> = r
            .segments
            .iter()
            .flat_map(|(a, c, _)| [*a, *c])
            .chain(r.marker)
            .collect();
        let (mn, mx) = ends
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(p, q), v| {
                (p.min(*v), q.max(*v))
            });
        if mn.is_finite() {
            let pad = if r.marker.is_some() { 16 } else { 8 };
            let small = anchored(font(NOTE), HPos::Right, VPos::Center);
            text(&body, &r.ends.0, (px(mn) - pad, yc), &small)?;
            let small = anchored(font(NOTE), HPos::Left, VPos::Center);
            text(&body, &r.ends.1, (px(mx) + pad, yc), &small)?;
        }
    }
    if let Some((v, label)) = &b.reference {
        let x = px(*v);
        body.draw(&PathElement::new(
            vec![(x, top - 8), (x, bottom)],
            INK.stroke_width(2),
        ))?;
        text(
            &body,
            label,
            (x, top - 10),
            &anchored(bold(NOTE), HPos::Center, VPos::Bottom),
        )?;
    }
    if b.omitted > 0 {
        text(
            &body,
            &format!(
                "… and {} more inputs with smaller effects (see sensitivity.csv)",
                b.omitted
            ),
            (label_w, bottom - 4),
            &anchored(font(NOTE).color(&MUTED), HPos::Right, VPos::Bottom),
        )?;
    }
    Ok(())
}

/// About `n` round tick values covering [lo, hi].
fn nice_ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let span = (hi - lo).max(1e-12);
    let raw = span / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= n as f64)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() * step;
    let mut out = Vec::new();
    let mut v = first;
    while v <= hi + 1e-9 * step {
        out.push(if v.abs() < 1e-12 * step { 0.0 } else { v });
        v += step;
    }
    out
}

/// How to print values of an output: tonnes in a readable unit, others as they are.
fn value_format(tonnes: bool, max_abs: f64) -> (Box<dyn Fn(f64) -> String + Sync>, String) {
    if tonnes {
        let u = tonne_unit(max_abs);
        let div = u.div;
        (Box::new(move |v| fmt_num(v / div)), u.long.to_string())
    } else {
        (Box::new(fmt_num), String::new())
    }
}

/// The tornado of one output.
pub struct Tornado {
    pub output_label: String,
    pub tonnes: bool,
    pub base: f64,
    pub bars: Vec<Bar>,
    pub factor_names: Vec<String>,
    pub note: String,
}

impl Figure for Tornado {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Drawn {
        let max_abs = self
            .bars
            .iter()
            .flat_map(|b| [b.low.abs(), b.high.abs()])
            .fold(self.base.abs(), f64::max);
        let (fmt, unit) = value_format(self.tonnes, max_abs);
        let shown: Vec<&Bar> = self.bars.iter().take(MAX_BARS).collect();
        let rows = shown
            .iter()
            .map(|b| {
                let name = &self.factor_names[b.factor];
                let detail = if b.input_low.is_finite() {
                    format!(
                        "p10 {} → p90 {}",
                        fmt_num(b.input_low),
                        fmt_num(b.input_high)
                    )
                } else {
                    "off → on (strikes every year)".to_string()
                };
                let (l, h) = (b.low, b.high);
                // Label each end away from the base; when both settings move the
                // output the same way, only the farther one.
                let eps = 1e-9 * (1.0 + self.base.abs());
                let (mut left, mut right) = (String::new(), String::new());
                let mut by_dist = [l, h];
                by_dist.sort_by(|x, y| (y - self.base).abs().total_cmp(&(x - self.base).abs()));
                for v in by_dist {
                    if v < self.base - eps && left.is_empty() {
                        left = fmt(v);
                    } else if v > self.base + eps && right.is_empty() {
                        right = fmt(v);
                    }
                }
                if left.is_empty() && right.is_empty() {
                    right = "no change".into();
                }
                Row {
                    label: name.clone(),
                    detail,
                    segments: vec![(self.base, l, LOW), (self.base, h, HIGH)],
                    marker: None,
                    ends: (left, right),
                }
            })
            .collect();
        let b = Bars {
            title: format!("What moves {}: one input at a time", self.output_label),
            subtitle: vec![format!(
                "Each input moved from its 10th to its 90th percentile with all others at their medians{}; \
                 bars sorted by swing. Base, all at medians and no disruption: {}{}.",
                if self.bars.iter().any(|b| !b.input_low.is_finite()) {
                    " (a disruption: off → on)"
                } else {
                    ""
                },
                fmt(self.base),
                if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                }
            )],
            note: self.note.clone(),
            rows,
            reference: Some((self.base, "base".into())),
            x_label: if unit.is_empty() {
                self.output_label.clone()
            } else {
                format!("{} ({unit})", self.output_label)
            },
            fmt,
            legend: vec![
                (
                    Swatch::Fill(LOW),
                    "input at its 10th percentile (disruption off)".into(),
                ),
                (
                    Swatch::Fill(HIGH),
                    "input at its 90th percentile (disruption on)".into(),
                ),
            ]
            .into_iter()
            .map(|(sw, l): (Swatch, String)| {
                if self.bars.iter().any(|b| !b.input_low.is_finite()) {
                    (sw, l)
                } else {
                    (
                        sw,
                        l.replace(" (disruption off)", "")
                            .replace(" (disruption on)", ""),
                    )
                }
            })
            .collect(),
            omitted: self.bars.len().saturating_sub(MAX_BARS),
        };
        draw_bars(root, &b)
    }
}

/// The rank-correlation chart of one output.
pub struct RankChart {
    pub table: RankTable,
    pub factor_names: Vec<String>,
    pub note: String,
}

/// Factors of a rank table sorted by |Spearman| (ties by factor order).
pub fn rank_order(t: &RankTable) -> Vec<usize> {
    let m = &t.measures;
    let mut idx: Vec<usize> = (0..m.spearman.len()).collect();
    idx.sort_by(|&a, &b| {
        m.spearman[b]
            .abs()
            .total_cmp(&m.spearman[a].abs())
            .then(a.cmp(&b))
    });
    idx
}

impl Figure for RankChart {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Drawn {
        let m = &self.table.measures;
        let order = rank_order(&self.table);
        let rows = order
            .iter()
            .take(MAX_BARS)
            .map(|&i| Row {
                label: self.factor_names[i].clone(),
                detail: format!(
                    "SRRC {:+.2} · {} of Σρ²",
                    m.srrc[i],
                    fmt_pct(m.contribution[i])
                ),
                segments: vec![(
                    0.0,
                    m.spearman[i],
                    if m.spearman[i] >= 0.0 { HIGH } else { LOW },
                )],
                marker: Some(m.srrc[i]),
                ends: (
                    format!("{:+.2}", m.spearman[i]),
                    format!("{:+.2}", m.spearman[i]),
                ),
            })
            .map(|mut r| {
                // Print the value once, at the bar's outer end.
                if r.segments[0].1 >= 0.0 {
                    r.ends.0 = String::new();
                } else {
                    r.ends.1 = String::new();
                }
                r
            })
            .collect();
        let b = Bars {
            title: format!("Which uncertain inputs drive {}", self.table.output.label),
            subtitle: vec![format!(
                "Spearman rank correlation of each input with the output over {} replications (bars) \
                 and standardized rank regression coefficient (◆). Rank R² = {:.2}: a monotone model \
                 of all inputs explains {} of the output's rank variance{}.",
                m.n,
                m.r2,
                fmt_pct(m.r2),
                if m.r2 < 0.6 {
                    "; the rest is interaction or non-monotone effects"
                } else {
                    ""
                }
            )],
            note: self.note.clone(),
            rows,
            reference: Some((0.0, String::new())),
            x_label: "Rank correlation with the output".into(),
            fmt: Box::new(|v| format!("{v:.1}")),
            legend: vec![
                (Swatch::Fill(HIGH), "higher input, higher output".into()),
                (Swatch::Fill(LOW), "higher input, lower output".into()),
            ],
            omitted: order.len().saturating_sub(MAX_BARS),
        };
        draw_bars(root, &b)
    }
}
