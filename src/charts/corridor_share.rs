//! Chart 2: the share of demand carried by each corridor over the years, as stacked
//! areas of the mean shares (they add up to 100% with unserved demand on top). The new
//! corridor sits at the bottom of the stack so that its 5-95% band is drawn around its
//! own edge. Corridors that carry nothing in any year are left out.
//!
//! When corridors carry most of the demand in every year (the long-haul sea route; see
//! [`dominant_corridors`]), the other corridors are squeezed into a thin strip. The chart
//! then has two panels: all demand on the left, and on the right the shares of the
//! demand those corridors do not carry, where the new corridor and the routes it
//! competes with are readable.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::bands::LEGEND_W;
use super::style::*;
use crate::model::Scenario;
use crate::results::Results;

/// A layer of the stack: colour and share (in %) per year.
struct Layer {
    color: RGBColor,
    values: Vec<f64>,
}

/// Draws stacked layers (bottom first) on `area`; `band` is drawn around the bottom
/// layer's edge (5% and 95% lines). With `labels`, layers thick enough get their
/// last-year share written at the right end.
#[allow(clippy::too_many_arguments)]
fn stack_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    s: &Scenario,
    years: &[i32],
    layers: &[Layer],
    band: Option<(&[f64], &[f64])>,
    caption: &str,
    y_desc: &str,
    labels: bool,
) -> Drawn {
    let years_x = YearCoord::new(s.first_year, s.last_year);
    let cap_style = bold(LABEL);
    let (aw, _) = area.dim_in_pixel();
    let caption = fit(area, caption, &cap_style, aw as i32 - 40)?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(8)
        .margin_right(30)
        .caption(caption, cap_style)
        .x_label_area_size(72)
        .y_label_area_size(if y_desc.is_empty() { 76 } else { 118 })
        .build_cartesian_2d(years_x, 0.0..100.0)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .house_grid()
        .x_desc("Year")
        .y_desc(y_desc)
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
    let mut spans = Vec::new();
    for layer in layers {
        let upper: Vec<f64> = lower
            .iter()
            .zip(&layer.values)
            .map(|(l, v)| (l + v).min(100.0))
            .collect();
        if layer.values.iter().any(|v| *v > 0.0) {
            let mut poly = corners(&upper);
            poly.extend(corners(&lower).into_iter().rev());
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                layer.color.mix(0.85).filled(),
            )))?;
            chart.draw_series(LineSeries::new(corners(&upper), WHITE.stroke_width(2)))?;
        }
        spans.push((
            lower.last().copied().unwrap_or(0.0),
            upper.last().copied().unwrap_or(0.0),
        ));
        lower = upper;
    }
    if let Some((p5, p95)) = band {
        let mut poly = corners(p95);
        poly.extend(corners(p5).into_iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(poly, BLACK.mix(0.2).filled())))?;
        for edge in [p5, p95] {
            chart.draw_series(DashedLineSeries::new(
                corners(edge),
                10,
                6,
                INK.stroke_width(2),
            ))?;
        }
    }
    if labels && let Some(last) = years.last() {
        let x = *last as f64 + if years.len() == 1 { 0.3 } else { 0.0 };
        for (layer, (lo, hi)) in layers.iter().zip(spans) {
            let (_, y_lo) = chart.backend_coord(&(x, lo));
            let (_, y_hi) = chart.backend_coord(&(x, hi));
            if y_lo - y_hi < 24 {
                continue;
            }
            let (px, _) = chart.backend_coord(&(x, 0.0));
            let fill = blend(layer.color, 0.85);
            let ink: &'static RGBColor = if is_light(fill) { &INK } else { &WHITE };
            let (bx, by) = area.get_base_pixel();
            text(
                area,
                &fmt_pct((hi - lo) / 100.0),
                (px - bx - 8, (y_lo + y_hi) / 2 - by),
                &anchored(bold(NOTE).color(ink), HPos::Right, VPos::Center),
            )?;
        }
    }
    Ok(())
}

/// A translucent colour blended onto white.
fn blend(c: RGBColor, alpha: f64) -> RGBColor {
    let f = |v: u8| (v as f64 * alpha + 255.0 * (1.0 - alpha)).round() as u8;
    RGBColor(f(c.0), f(c.1), f(c.2))
}

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let new = new_corridor(s);
    let (active, idle) = active_corridors(s, r);
    let dominant = dominant_corridors(s, r);
    let unserved = s.corridors.len();
    let any_unserved = carries(r, "unserved");
    // Stack order, bottom first: the new corridor, the others, the dominant ones,
    // unserved demand.
    let mut order: Vec<usize> = new.into_iter().filter(|c| active.contains(c)).collect();
    order.extend(
        active
            .iter()
            .copied()
            .filter(|c| Some(*c) != new && !dominant.contains(c)),
    );
    order.extend(dominant.iter().copied());
    if any_unserved {
        order.push(unserved);
    }
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
    let share_at = |c: usize, p: Option<usize>| -> Vec<f64> {
        let ser = corridor_series(r, &id(c), "share");
        years
            .iter()
            .map(|y| {
                ser.iter()
                    .find(|(yy, _)| yy == y)
                    .map_or(0.0, |(_, st)| 100.0 * p.map_or(st.mean, |k| st.p[k]))
            })
            .map(|v| if v.is_finite() { v.max(0.0) } else { 0.0 })
            .collect()
    };
    let shares: Vec<Vec<f64>> = order.iter().map(|&c| share_at(c, None)).collect();
    let new_active = new.filter(|c| active.contains(c));
    let bands = r.replications > 1 && new_active.is_some();

    let stats = if r.replications > 1 {
        format!(" over {} replications", r.replications)
    } else {
        String::new()
    };
    let dominant_names: Vec<String> = dominant.iter().map(|&c| name(c)).collect();
    let mut subtitle = vec![format!(
        "Mean share of each year's demand{stats}.{}",
        if bands {
            format!(
                " Between the dashed lines: 5–95% range of the {} share.",
                name(new_active.unwrap_or(0))
            )
        } else {
            String::new()
        }
    )];
    if !dominant.is_empty() {
        let total: Vec<f64> = (0..years.len())
            .map(|y| {
                order
                    .iter()
                    .zip(&shares)
                    .filter(|(c, _)| dominant.contains(c))
                    .map(|(_, v)| v[y])
                    .sum::<f64>()
            })
            .collect();
        let lo = total.iter().copied().fold(f64::INFINITY, f64::min) / 100.0;
        let hi = total.iter().copied().fold(0.0, f64::max) / 100.0;
        let range = if fmt_pct(lo) == fmt_pct(hi) {
            fmt_pct(lo)
        } else {
            format!("{}–{}", fmt_pct(lo).trim_end_matches('%'), fmt_pct(hi))
        };
        subtitle.push(format!(
            "Right: shares of the demand not carried by {} ({range} of the total), where the other corridors compete{}.",
            join_names(&dominant_names),
            if bands { "; band rescaled by that demand's mean" } else { "" }
        ));
    }
    subtitle.extend(idle_note(idle));
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

    let layers: Vec<Layer> = order
        .iter()
        .zip(&shares)
        .map(|(&c, v)| Layer {
            color: corridor_color(s, c),
            values: v.clone(),
        })
        .collect();
    let band_all = bands.then(|| {
        let c = new_active.unwrap_or(0);
        (share_at(c, Some(0)), share_at(c, Some(4)))
    });
    if dominant.is_empty() {
        stack_panel(
            &plot,
            s,
            &years,
            &layers,
            band_all.as_ref().map(|(a, b)| (a.as_slice(), b.as_slice())),
            "",
            "Share of demand (%)",
            true,
        )?;
    } else {
        let (pw, _) = plot.dim_in_pixel();
        let (left, right) = plot.split_horizontally(pw as i32 * 36 / 100);
        stack_panel(
            &left,
            s,
            &years,
            &layers,
            band_all.as_ref().map(|(a, b)| (a.as_slice(), b.as_slice())),
            "All demand",
            "Share of demand (%)",
            false,
        )?;
        // Shares of what the dominant corridors leave.
        let rest: Vec<f64> = (0..years.len())
            .map(|y| {
                100.0
                    - order
                        .iter()
                        .zip(&shares)
                        .filter(|(c, _)| dominant.contains(c))
                        .map(|(_, v)| v[y])
                        .sum::<f64>()
            })
            .collect();
        let rescale = |v: &[f64]| -> Vec<f64> {
            v.iter()
                .zip(&rest)
                .map(|(a, t)| if *t > 0.0 { 100.0 * a / t } else { 0.0 })
                .collect()
        };
        let zoomed: Vec<Layer> = order
            .iter()
            .zip(&shares)
            .filter(|(c, _)| !dominant.contains(c))
            .map(|(&c, v)| Layer {
                color: corridor_color(s, c),
                values: rescale(v),
            })
            .collect();
        let band_rest = band_all
            .as_ref()
            .map(|(p5, p95)| (rescale(p5), rescale(p95)));
        stack_panel(
            &right,
            s,
            &years,
            &zoomed,
            band_rest
                .as_ref()
                .map(|(a, b)| (a.as_slice(), b.as_slice())),
            &format!("Without {}", join_names(&dominant_names)),
            "",
            true,
        )?;
    }

    let mut items = vec![LegendItem::Heading("Corridor (top of stack first)".into())];
    for &c in order.iter().rev() {
        items.push(LegendItem::Entry(
            Swatch::Fill(blend(corridor_color(s, c), 0.85)),
            name(c),
        ));
    }
    if bands {
        items.push(LegendItem::Gap);
        items.push(LegendItem::Entry(
            Swatch::Band {
                color: BLACK,
                opacity: 0.2,
            },
            "5–95% range of the new corridor's share (between the dashed lines)".into(),
        ));
    }
    legend(&side.margin(10, 0, 10, 0), &items)?;
    Ok(())
}
