//! Chart 4: link utilization as a heat map, one row per link and one column per year.
//! Cells at 90% of capacity or more are outlined and labelled as bottlenecks; years in
//! which a link is closed in every replication are hatched grey.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::*;
use crate::model::Scenario;
use crate::results::Results;
use crate::stats::Summary;

/// Which links the heat map shows and how tall it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// Indices into `scenario.links`, in display order (by corridor, then file order).
    pub links: Vec<usize>,
    /// Links left out because they carry nothing in any year.
    pub idle: usize,
    /// Links left out because they have no capacity limit.
    pub uncapped: usize,
    pub height: u32,
}

/// Rows are 34 pixels high, taller (up to 60) when there are few links.
fn row_height(n: usize) -> u32 {
    if n == 0 {
        34
    } else {
        (480 / n as u32).clamp(34, 60)
    }
}
/// Canvas height the legend needs besides one line per corridor: title and subtitle,
/// heading, colour bar, two entries, corridor heading, source note, some slack.
const LEGEND_FIXED_H: u32 = 160 + 33 + BAR_H as u32 + 36 + 74 + 16 + 33 + 44 + 24;
const BAR_H: i32 = 280;
const LEGEND_W: u32 = 330;

/// Per (link id, year): utilization, tonnes, open.
fn figures(r: &Results) -> BTreeMap<(&str, i32), (Summary, Summary, Summary)> {
    let t = &r.links;
    let mut out = BTreeMap::new();
    let (Some(kl), Some(mu), Some(mt), Some(mo)) = (
        t.key("link"),
        t.metric("utilization"),
        t.metric("tonnes"),
        t.metric("open"),
    ) else {
        return out;
    };
    for row in &t.rows {
        out.insert(
            (row.keys[kl].as_str(), year_of(row)),
            (row.stats[mu], row.stats[mt], row.stats[mo]),
        );
    }
    out
}

pub fn layout(s: &Scenario, r: &Results) -> Layout {
    let figs = figures(r);
    let (mut idle, mut uncapped) = (0, 0);
    let mut links = Vec::new();
    for (i, l) in s.links.iter().enumerate() {
        if !l.capacity_tpy.nominal().is_finite() {
            uncapped += 1;
            continue;
        }
        let used = s.years().any(|y| {
            figs.get(&(l.id.as_str(), y))
                .is_some_and(|f| f.1.mean > 0.0)
        });
        if !used {
            idle += 1;
            continue;
        }
        links.push(i);
    }
    links.sort_by_key(|&i| (s.links[i].corridor, i));
    let mut corridors: Vec<usize> = links.iter().map(|&i| s.links[i].corridor).collect();
    corridors.dedup();
    let height = (330 + row_height(links.len()) * links.len() as u32)
        .max(LEGEND_FIXED_H + 37 * corridors.len() as u32)
        .min(4200);
    Layout {
        links,
        idle,
        uncapped,
        height,
    }
}

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results) -> Drawn {
    let lay = layout(s, r);
    let figs = figures(r);
    let names = node_names(s);
    let mut subtitle = vec![format!(
        "Flow in the busiest direction as a share of capacity{}. Outlined cells: 90% or more (bottlenecks). Square left of each link: its corridor.",
        if r.replications > 1 {
            format!(", mean of {} replications", r.replications)
        } else {
            String::new()
        }
    )];
    let mut left_out = Vec::new();
    if lay.idle > 0 {
        left_out.push(format!(
            "{} link{} that carry no freight in any year",
            lay.idle,
            if lay.idle == 1 { "" } else { "s" }
        ));
    }
    if lay.uncapped > 0 {
        left_out.push(format!(
            "{} link{} without a capacity limit",
            lay.uncapped,
            if lay.uncapped == 1 { "" } else { "s" }
        ));
    }
    if !left_out.is_empty() {
        subtitle.push(format!("Not shown: {}.", left_out.join("; ")));
    }
    let body = frame(
        root,
        &format!("Link utilization, {}–{}", s.first_year, s.last_year),
        &subtitle,
        &source_note(s, r),
    )?;
    let (bw, bh) = body.dim_in_pixel();
    let (grid_area, side) = body.split_horizontally(bw - LEGEND_W);

    // Row labels.
    let label_style = anchored(font(LABEL), HPos::Right, VPos::Center);
    let mut labels = Vec::new();
    for &i in &lay.links {
        let l = &s.links[i];
        let from = names
            .get(s.nodes[l.from].id.as_str())
            .copied()
            .unwrap_or("");
        let to = names.get(s.nodes[l.to].id.as_str()).copied().unwrap_or("");
        let twins = lay
            .links
            .iter()
            .filter(|&&j| {
                let o = &s.links[j];
                o.from == l.from && o.to == l.to && o.mode == l.mode
            })
            .count();
        let label = |from: &str, to: &str| {
            let mut label = format!("{from} – {to} · {}", l.mode.name());
            if twins > 1 {
                label = format!("{label} ({})", l.id);
            }
            label
        };
        labels.push((label(from, to), label(short_place(from), short_place(to))));
    }
    let mut label_w = 0;
    for (l, _) in &labels {
        label_w = label_w.max(text_width(root, l, &label_style)?);
    }
    let label_w = (label_w + 44).clamp(200, bw as i32 * 2 / 5);
    // Place names lose their notes in brackets where the full label does not fit.
    let mut fitted = Vec::with_capacity(labels.len());
    for (full, short) in &labels {
        let room = label_w - 44;
        fitted.push(if text_width(root, full, &label_style)? <= room {
            full.clone()
        } else {
            fit(root, short, &label_style, room)?
        });
    }
    let (gx0, gy0) = grid_area.get_base_pixel();
    let (gw, _) = grid_area.dim_in_pixel();
    let x0 = gx0 + label_w;
    let x1 = gx0 + gw as i32 - 20;
    let years: Vec<i32> = s.years().collect();
    let ny = years.len().max(1) as i32;
    let col_w = ((x1 - x0) / ny).max(1);
    let x1 = x0 + col_w * ny;
    let row_h = row_height(lay.links.len()) as i32;
    let y0 = gy0 + 4;
    let rows = lay.links.len() as i32;
    let y1 = (y0 + row_h * rows).min(gy0 + bh as i32 - 80);
    let row_h = if rows > 0 { (y1 - y0) / rows } else { row_h };

    let cell_text = col_w >= 46 && row_h >= 22;
    for (ri, &li) in lay.links.iter().enumerate() {
        let l = &s.links[li];
        let ya = y0 + ri as i32 * row_h;
        let yb = ya + row_h;
        // Corridor swatch and label.
        root.draw(&Rectangle::new(
            [(x0 - 30, ya + 6), (x0 - 16, yb - 6)],
            corridor_color(s, l.corridor).filled(),
        ))?;
        text(root, &fitted[ri], (x0 - 38, (ya + yb) / 2), &label_style)?;
        for (ci, y) in years.iter().enumerate() {
            let xa = x0 + ci as i32 * col_w;
            let xb = xa + col_w;
            let cell = [(xa, ya), (xb, yb)];
            let Some((u, _, open)) = figs.get(&(l.id.as_str(), *y)) else {
                continue;
            };
            if open.mean <= 0.0 {
                root.draw(&Rectangle::new(cell, RGBColor(236, 236, 236).filled()))?;
                hatch(root, cell)?;
                continue;
            }
            let c = utilization_color(u.mean);
            root.draw(&Rectangle::new(cell, c.filled()))?;
            let hot = u.mean >= BOTTLENECK;
            if cell_text && u.mean.is_finite() {
                let style = if hot { bold(NOTE) } else { font(NOTE) };
                let pct = (u.mean * 100.0).round();
                let sign = if col_w >= 60 { "%" } else { "" };
                let label = if pct > 999.0 {
                    format!(">999{sign}")
                } else {
                    format!("{pct:.0}{sign}")
                };
                text(
                    root,
                    &label,
                    ((xa + xb) / 2, (ya + yb) / 2),
                    &anchored(
                        if is_light(c) {
                            style.color(&INK)
                        } else {
                            style.color(&WHITE)
                        },
                        HPos::Center,
                        VPos::Center,
                    ),
                )?;
            }
        }
    }
    // Grid lines, then bottleneck outlines on top.
    for ri in 0..=rows {
        let y = y0 + ri * row_h;
        root.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            WHITE.stroke_width(1),
        ))?;
    }
    for ci in 0..=ny {
        let x = x0 + ci * col_w;
        root.draw(&PathElement::new(
            vec![(x, y0), (x, y0 + rows * row_h)],
            WHITE.stroke_width(1),
        ))?;
    }
    for (ri, &li) in lay.links.iter().enumerate() {
        for (ci, y) in years.iter().enumerate() {
            let Some((u, _, open)) = figs.get(&(s.links[li].id.as_str(), *y)) else {
                continue;
            };
            if open.mean > 0.0 && u.mean >= BOTTLENECK {
                let xa = x0 + ci as i32 * col_w;
                let ya = y0 + ri as i32 * row_h;
                root.draw(&Rectangle::new(
                    [(xa + 2, ya + 2), (xa + col_w - 2, ya + row_h - 2)],
                    INK.stroke_width(3),
                ))?;
            }
        }
    }
    // Year labels under the grid.
    let (_, labelled) = year_axis(s.first_year, s.last_year);
    let year_style = anchored(font(TICK), HPos::Center, VPos::Top);
    let yb = y0 + rows * row_h;
    for (ci, y) in years.iter().enumerate() {
        if !labelled.contains(&(*y as f64)) && col_w < 64 {
            continue;
        }
        let xc = x0 + ci as i32 * col_w + col_w / 2;
        root.draw(&PathElement::new(
            vec![(xc, yb), (xc, yb + 6)],
            INK.stroke_width(1),
        ))?;
        text(root, &y.to_string(), (xc, yb + 10), &year_style)?;
    }
    text(
        root,
        "Year",
        ((x0 + x1) / 2, yb + 46),
        &anchored(font(AXIS), HPos::Center, VPos::Top),
    )?;

    // Legend.
    let side = side.margin(4, 0, 24, 0);
    let used = legend(&side, &[LegendItem::Heading("Utilization".into())])?;
    let bar_h = BAR_H;
    utilization_bar(&side, used + 6, bar_h)?;
    let rest = side.margin(used + bar_h + 36, 0, 0, 0);
    let mut corridors: Vec<usize> = lay.links.iter().map(|&i| s.links[i].corridor).collect();
    corridors.dedup();
    let mut items = vec![
        LegendItem::Entry(
            Swatch::Outlined {
                fill: utilization_color(0.95),
                border: INK,
                width: 3,
            },
            "Bottleneck: 90% or more".into(),
        ),
        LegendItem::Entry(
            Swatch::Outlined {
                fill: RGBColor(236, 236, 236),
                border: RGBColor(190, 190, 190),
                width: 1,
            },
            "Closed that year".into(),
        ),
        LegendItem::Gap,
        LegendItem::Heading("Corridor".into()),
    ];
    for c in corridors {
        items.push(LegendItem::Entry(
            Swatch::Fill(corridor_color(s, c)),
            s.corridors[c].name.clone(),
        ));
    }
    legend(&rest, &items)?;
    Ok(())
}

/// Diagonal hatching inside a cell.
fn hatch<DB: DrawingBackend>(root: &Area<DB>, cell: [(i32, i32); 2]) -> Drawn {
    let [(xa, ya), (xb, yb)] = cell;
    let (w, h) = (xb - xa, yb - ya);
    let step = 10;
    let mut k = -h;
    while k < w {
        // Segment of the line x - xa = k + (y - ya) clipped to the cell.
        let t0 = 0.max(-k);
        let t1 = h.min(w - k);
        if t1 > t0 {
            root.draw(&PathElement::new(
                vec![(xa + k + t0, ya + t0), (xa + k + t1, ya + t1)],
                RGBColor(190, 190, 190).stroke_width(1),
            ))?;
        }
        k += step;
    }
    Ok(())
}
