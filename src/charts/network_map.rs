//! Chart 5: the network in one year. Nodes at their coordinates (equirectangular
//! projection scaled by the cosine of the middle latitude), links with width by freight
//! carried and colour by utilization, names of the main places, a scale bar, a legend.
//! Links between the same two nodes are drawn side by side. Widths use one scale for
//! every year, so maps of different years compare directly.

use std::collections::BTreeMap;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::style::*;
use crate::model::{NodeKind, Scenario};
use crate::results::Results;

const LEGEND_W: u32 = 380;
/// Widest line, in pixels.
const MAX_W: f64 = 24.0;
const MIN_W: f64 = 2.0;
/// At most this many places are named.
const MAX_LABELS: usize = 30;
const CASING: RGBColor = RGBColor(60, 60, 60);
const IDLE: RGBColor = RGBColor(165, 165, 165);
const UNCAPPED: RGBColor = RGBColor(110, 130, 150);
const KM_PER_DEGREE: f64 = 111.32;

/// Line width for `t` tonnes when the busiest link of the horizon carries `t_max`.
fn width(t: f64, t_max: f64) -> u32 {
    if t_max > 0.0 && t > 0.0 {
        (MIN_W + (MAX_W - MIN_W) * t / t_max).round() as u32
    } else {
        MIN_W as u32
    }
}

/// A rectangle in pixels: (x0, y0, x1, y1).
type Boxed = (i32, i32, i32, i32);
/// A link as drawn: its two ends and its width, in pixels.
type Drawn3 = ((i32, i32), (i32, i32), i32);

fn overlaps(a: Boxed, b: Boxed) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn kind_name(k: NodeKind) -> &'static str {
    match k {
        NodeKind::City => "City",
        NodeKind::Port => "Port",
        NodeKind::Border => "Border crossing",
        NodeKind::Terminal => "Terminal or junction",
    }
}

/// Whether a thick segment passes through a rectangle (sampled every few pixels).
fn crosses(line: Drawn3, b: Boxed) -> bool {
    let ((x0, y0), (x1, y1), w) = line;
    let grown = (b.0 - w / 2, b.1 - w / 2, b.2 + w / 2, b.3 + w / 2);
    let len = (((x1 - x0).pow(2) + (y1 - y0).pow(2)) as f64).sqrt();
    let steps = (len / 4.0).ceil().max(1.0) as i32;
    (0..=steps).any(|k| {
        let t = k as f64 / steps as f64;
        let x = x0 as f64 + (x1 - x0) as f64 * t;
        let y = y0 as f64 + (y1 - y0) as f64 * t;
        x >= grown.0 as f64 && x <= grown.2 as f64 && y >= grown.1 as f64 && y <= grown.3 as f64
    })
}

/// A round number of about `v`: 1, 2 or 5 times a power of ten, not above `v`.
fn nice_floor(v: f64) -> f64 {
    if v.is_nan() || v <= 0.0 {
        return 0.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * p)
        .find(|c| *c <= v)
        .unwrap_or(p)
}

pub fn draw<DB: DrawingBackend>(root: &Area<DB>, s: &Scenario, r: &Results, year: i32) -> Drawn {
    // Link figures of this year, and the largest tonnes of any year.
    let t = &r.links;
    let (kl, mt, mu, mo) = (
        t.key("link"),
        t.metric("tonnes"),
        t.metric("utilization"),
        t.metric("open"),
    );
    let mut figs: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new();
    let mut t_max: f64 = 0.0;
    if let (Some(kl), Some(mt), Some(mu), Some(mo)) = (kl, mt, mu, mo) {
        for row in &t.rows {
            let tonnes = row.stats[mt].mean;
            if tonnes.is_finite() {
                t_max = t_max.max(tonnes);
            }
            if year_of(row) == year {
                figs.insert(
                    &row.keys[kl],
                    (tonnes, row.stats[mu].mean, row.stats[mo].mean),
                );
            }
        }
    }
    let unit = tonne_unit(t_max);
    let opening = opening_year(s, r);
    let new_name = new_corridor(s).map(|c| s.corridors[c].name.clone());
    let mut title = format!("The network in {year}");
    if Some(year) == opening
        && year != s.first_year
        && let Some(n) = &new_name
    {
        title.push_str(&format!(": first year of the {n}"));
    }
    let stats = if r.replications > 1 {
        format!("mean of {} replications", r.replications)
    } else {
        "one replication".into()
    };
    let subtitle = vec![format!(
        "Line width: freight carried in {year} ({stats}); the same scale in every year. Colour: utilization of the busiest direction."
    )];
    let body = frame(root, &title, &subtitle, &source_note(s, r))?;
    let (bw, _) = body.dim_in_pixel();
    let (map, side) = body.split_horizontally(bw - LEGEND_W);
    let (mx0, my0) = map.get_base_pixel();
    let (mw, mh) = map.dim_in_pixel();
    let (mw, mh) = (mw as i32 - 20, mh as i32);
    let frame_box: Boxed = (mx0, my0, mx0 + mw, my0 + mh);
    root.draw(&Rectangle::new(
        [(frame_box.0, frame_box.1), (frame_box.2, frame_box.3)],
        RGBColor(250, 250, 248).filled(),
    ))?;

    // Projection.
    let lats: Vec<f64> = s.nodes.iter().map(|n| n.lat).collect();
    let lons: Vec<f64> = s.nodes.iter().map(|n| n.lon).collect();
    let (lat_min, lat_max) = lats
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let (lon_min, lon_max) = lons
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
    let k = ((lat_min + lat_max) / 2.0).to_radians().cos().max(0.05);
    let (mut x_lo, mut x_hi) = (lon_min * k, lon_max * k);
    let (mut y_lo, mut y_hi) = (lat_min, lat_max);
    if s.nodes.is_empty() {
        (x_lo, x_hi, y_lo, y_hi) = (0.0, 1.0, 0.0, 1.0);
    }
    if x_hi - x_lo < 0.5 {
        let c = (x_hi + x_lo) / 2.0;
        (x_lo, x_hi) = (c - 0.25, c + 0.25);
    }
    if y_hi - y_lo < 0.5 {
        let c = (y_hi + y_lo) / 2.0;
        (y_lo, y_hi) = (c - 0.25, c + 0.25);
    }
    // Room for labels: pixels kept free on each side.
    let (pad_x, pad_y) = (150.0, 60.0);
    let scale = f64::min(
        (mw as f64 - 2.0 * pad_x) / (x_hi - x_lo),
        (mh as f64 - 2.0 * pad_y) / (y_hi - y_lo),
    )
    .max(1e-6);
    let cx = mx0 as f64 + mw as f64 / 2.0;
    let cy = my0 as f64 + mh as f64 / 2.0;
    let (xm, ym) = ((x_lo + x_hi) / 2.0, (y_lo + y_hi) / 2.0);
    let proj = |lat: f64, lon: f64| -> (i32, i32) {
        (
            (cx + (lon * k - xm) * scale).round() as i32,
            (cy - (lat - ym) * scale).round() as i32,
        )
    };
    let unproj_lon = |x: f64| ((x - cx) / scale + xm) / k;
    let unproj_lat = |y: f64| (cy - y) / scale + ym;

    // Graticule.
    let span_deg = (unproj_lat(my0 as f64) - unproj_lat((my0 + mh) as f64))
        .max(unproj_lon((mx0 + mw) as f64) - unproj_lon(mx0 as f64));
    let step = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0]
        .into_iter()
        .find(|st| span_deg / st <= 8.0)
        .unwrap_or(45.0);
    let grat_style = anchored(font(NOTE).color(&MUTED), HPos::Left, VPos::Top);
    let deg = |v: f64, pos: char, neg: char| {
        let h = if v < 0.0 { neg } else { pos };
        if step < 1.0 {
            format!("{:.1}°{h}", v.abs())
        } else {
            format!("{:.0}°{h}", v.abs())
        }
    };
    let mut lon = (unproj_lon(mx0 as f64) / step).ceil() * step;
    while lon <= unproj_lon((mx0 + mw) as f64) {
        let (x, _) = proj(ym, lon);
        root.draw(&PathElement::new(
            vec![(x, my0), (x, my0 + mh)],
            GRID.stroke_width(1),
        ))?;
        text(root, &deg(lon, 'E', 'W'), (x + 4, my0 + 4), &grat_style)?;
        lon += step;
    }
    let mut lat = (unproj_lat((my0 + mh) as f64) / step).ceil() * step;
    while lat <= unproj_lat(my0 as f64) {
        let (_, y) = proj(lat, xm / k);
        root.draw(&PathElement::new(
            vec![(mx0, y), (mx0 + mw, y)],
            GRID.stroke_width(1),
        ))?;
        if y < my0 + mh - 70 {
            text(root, &deg(lat, 'N', 'S'), (mx0 + 4, y + 3), &grat_style)?;
        }
        lat += step;
    }

    // Links: offsets for links between the same two nodes.
    let pos: Vec<(i32, i32)> = s.nodes.iter().map(|n| proj(n.lat, n.lon)).collect();
    let fig = |id: &str| figs.get(id).copied().unwrap_or((0.0, 0.0, 0.0));
    let mut pairs: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, l) in s.links.iter().enumerate() {
        pairs
            .entry((l.from.min(l.to), l.from.max(l.to)))
            .or_default()
            .push(i);
    }
    let mut segment: Vec<((i32, i32), (i32, i32))> = vec![((0, 0), (0, 0)); s.links.len()];
    for ((a, b), members) in &pairs {
        let (pa, pb) = (pos[*a], pos[*b]);
        let (dx, dy) = ((pb.0 - pa.0) as f64, (pb.1 - pa.1) as f64);
        let len = (dx * dx + dy * dy).sqrt().max(1.0);
        let (nx, ny) = (-dy / len, dx / len);
        let sep = members
            .iter()
            .map(|&i| width(fig(&s.links[i].id).0, t_max) as f64)
            .fold(0.0, f64::max)
            + 6.0;
        let kk = members.len() as f64;
        for (j, &i) in members.iter().enumerate() {
            let off = (j as f64 - (kk - 1.0) / 2.0) * sep;
            let (ox, oy) = ((nx * off).round() as i32, (ny * off).round() as i32);
            segment[i] = ((pa.0 + ox, pa.1 + oy), (pb.0 + ox, pb.1 + oy));
        }
    }
    let mut order: Vec<usize> = (0..s.links.len()).collect();
    order.sort_by(|&a, &b| {
        fig(&s.links[a].id)
            .0
            .total_cmp(&fig(&s.links[b].id).0)
            .then(a.cmp(&b))
    });
    // Used links as drawn (ends and width), for label placement.
    let mut drawn: Vec<Drawn3> = Vec::new();
    let mut any_uncapped = false;
    let mut any_closed = false;
    let mut any_idle = false;
    for &i in &order {
        let l = &s.links[i];
        let (tonnes, util, open) = fig(&l.id);
        let (p, q) = segment[i];
        if open <= 0.0 {
            any_closed = true;
            dashed_line(root, p, q, IDLE.stroke_width(2), 9, 6)?;
        } else if tonnes.is_nan() || tonnes <= 0.0 {
            any_idle = true;
            root.draw(&PathElement::new(vec![p, q], IDLE.stroke_width(2)))?;
        } else {
            let w = width(tonnes, t_max);
            let capped = l.capacity_tpy.nominal().is_finite();
            any_uncapped |= !capped;
            let color = if capped {
                utilization_color(util)
            } else {
                UNCAPPED
            };
            // Casing, then the line, each with round ends so that joints close.
            root.draw(&PathElement::new(vec![p, q], CASING.stroke_width(w + 2)))?;
            for end in [p, q] {
                root.draw(&Circle::new(end, (w + 2) / 2, CASING.filled()))?;
            }
            root.draw(&PathElement::new(vec![p, q], color.stroke_width(w)))?;
            for end in [p, q] {
                root.draw(&Circle::new(end, w / 2, color.filled()))?;
            }
            drawn.push((p, q, w as i32));
        }
    }

    // Nodes.
    let mut obstacles: Vec<Boxed> = Vec::new();
    for (i, n) in s.nodes.iter().enumerate() {
        node_symbol(root, n.kind, pos[i], 8)?;
        obstacles.push((pos[i].0 - 10, pos[i].1 - 10, pos[i].0 + 10, pos[i].1 + 10));
    }

    // Names of the main places: the busiest first, cities and ports before others.
    let mut through = vec![0.0; s.nodes.len()];
    for l in &s.links {
        let t = fig(&l.id).0;
        if t.is_finite() {
            through[l.from] += t;
            through[l.to] += t;
        }
    }
    let mut ranked: Vec<usize> = (0..s.nodes.len()).collect();
    let rank = |k: NodeKind| match k {
        NodeKind::City | NodeKind::Port => 0,
        _ => 1,
    };
    ranked.sort_by(|&a, &b| {
        through[b]
            .total_cmp(&through[a])
            .then(rank(s.nodes[a].kind).cmp(&rank(s.nodes[b].kind)))
            .then(a.cmp(&b))
    });
    ranked.truncate(MAX_LABELS);
    let style = font(LABEL);
    let mut placed: Vec<(Boxed, String)> = Vec::new();
    for &i in &ranked {
        let n = &s.nodes[i];
        let name = if n.name.is_empty() { &n.id } else { &n.name };
        let (w, h) = root.estimate_text_size(name, &style)?;
        let (w, h) = (w as i32 + 8, h as i32 + 6);
        let (x, y) = pos[i];
        let candidates = [
            (x + 14, y - h / 2),
            (x - 14 - w, y - h / 2),
            (x - w / 2, y - 14 - h),
            (x - w / 2, y + 14),
            (x + 10, y - 10 - h),
            (x + 10, y + 10),
            (x - 10 - w, y - 10 - h),
            (x - 10 - w, y + 10),
        ];
        let inside = |b: Boxed| {
            b.0 >= frame_box.0 && b.1 >= frame_box.1 && b.2 <= frame_box.2 && b.3 <= frame_box.3
        };
        let free = |b: &Boxed| {
            inside(*b)
                && !placed.iter().any(|(p, _)| overlaps(*p, *b))
                && !obstacles
                    .iter()
                    .enumerate()
                    .any(|(j, o)| j != i && overlaps(*o, *b))
        };
        let boxes = candidates.iter().map(|(bx, by)| (*bx, *by, bx + w, by + h));
        // Rather beside the lines than over them.
        let spot = boxes
            .clone()
            .find(|b| free(b) && !drawn.iter().any(|l| crosses(*l, *b)))
            .or_else(|| boxes.clone().find(free));
        if let Some(b) = spot {
            placed.push((b, name.clone()));
        }
    }
    for (b, name) in &placed {
        root.draw(&Rectangle::new(
            [(b.0, b.1), (b.2, b.3)],
            WHITE.mix(0.8).filled(),
        ))?;
        text(
            root,
            name,
            (b.0 + 4, (b.1 + b.3) / 2),
            &anchored(style.clone(), HPos::Left, VPos::Center),
        )?;
    }

    // Freight figures on the busiest links, where they fit.
    let mut busiest: Vec<usize> = (0..s.links.len())
        .filter(|&i| fig(&s.links[i].id).0 >= 0.1 * t_max && t_max > 0.0)
        .collect();
    busiest.sort_by(|&a, &b| fig(&s.links[b].id).0.total_cmp(&fig(&s.links[a].id).0));
    busiest.truncate(10);
    let value_style = bold(NOTE);
    for &i in &busiest {
        let (p, q) = segment[i];
        let l = &s.links[i];
        let mut label = format!("{} {}", fmt_num(fig(&l.id).0 / unit.div), unit.short);
        if pairs[&(l.from.min(l.to), l.from.max(l.to))].len() > 1 {
            // Parallel links: say which is which.
            label = format!("{}: {label}", l.id);
        }
        let (w, h) = root.estimate_text_size(&label, &value_style)?;
        let (w, h) = (w as i32 + 8, h as i32 + 4);
        let (mx, my) = ((p.0 + q.0) / 2, (p.1 + q.1) / 2);
        let b = (mx - w / 2, my - h / 2, mx + w / 2, my + h / 2);
        if placed.iter().any(|(o, _)| overlaps(*o, b)) || obstacles.iter().any(|o| overlaps(*o, b))
        {
            continue;
        }
        root.draw(&Rectangle::new(
            [(b.0, b.1), (b.2, b.3)],
            WHITE.mix(0.85).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(b.0, b.1), (b.2, b.3)],
            CASING.stroke_width(1),
        ))?;
        text(
            root,
            &label,
            (mx, my),
            &anchored(value_style.clone(), HPos::Center, VPos::Center),
        )?;
        placed.push((b, label));
    }

    // Scale bar, bottom left.
    let km_per_px = KM_PER_DEGREE / scale;
    let km = nice_floor(km_per_px * mw as f64 / 5.0);
    if km > 0.0 {
        let len = (km / km_per_px).round() as i32;
        let (x, y) = (mx0 + 20, my0 + mh - 24);
        root.draw(&Rectangle::new(
            [(x - 6, y - 34), (x + len + 60, y + 12)],
            WHITE.mix(0.8).filled(),
        ))?;
        root.draw(&PathElement::new(
            vec![(x, y - 8), (x, y), (x + len, y), (x + len, y - 8)],
            INK.stroke_width(2),
        ))?;
        text(
            root,
            &format!("{} km", fmt_num(km)),
            (x + len / 2, y - 10),
            &anchored(font(NOTE), HPos::Center, VPos::Bottom),
        )?;
    }
    root.draw(&Rectangle::new(
        [(frame_box.0, frame_box.1), (frame_box.2, frame_box.3)],
        RGBColor(190, 190, 190).stroke_width(1),
    ))?;

    // Legend.
    let side = side.margin(0, 0, 24, 0);
    let mut items = vec![LegendItem::Heading(format!("Freight carried, {year}"))];
    let top = nice_floor(t_max);
    for v in [top, nice_floor(top * 0.5001), nice_floor(top * 0.2001)] {
        if v > 0.0 {
            items.push(LegendItem::Entry(
                Swatch::Cased {
                    color: RGBColor(254, 178, 76),
                    width: width(v, t_max),
                },
                format!("{} {} per year", fmt_num(v / unit.div), unit.short),
            ));
        }
    }
    items.push(LegendItem::Gap);
    items.push(LegendItem::Heading("Utilization".into()));
    let used = legend(&side, &items)?;
    let bar_h = 240;
    utilization_bar(&side, used + 4, bar_h)?;
    let mut items = Vec::new();
    if any_uncapped {
        items.push(LegendItem::Entry(
            Swatch::Cased {
                color: UNCAPPED,
                width: 6,
            },
            "No capacity limit".into(),
        ));
    }
    if any_idle {
        items.push(LegendItem::Entry(
            Swatch::Line {
                color: IDLE,
                width: 2,
                dashed: false,
            },
            "Open, no freight".into(),
        ));
    }
    if any_closed {
        items.push(LegendItem::Entry(
            Swatch::Line {
                color: IDLE,
                width: 2,
                dashed: true,
            },
            "Not open this year".into(),
        ));
    }
    items.push(LegendItem::Gap);
    items.push(LegendItem::Heading("Places".into()));
    let mut kinds: Vec<NodeKind> = Vec::new();
    for k in [
        NodeKind::City,
        NodeKind::Port,
        NodeKind::Border,
        NodeKind::Terminal,
    ] {
        if s.nodes.iter().any(|n| n.kind == k) {
            kinds.push(k);
        }
    }
    for k in kinds {
        items.push(LegendItem::Entry(Swatch::Node(k), kind_name(k).into()));
    }
    legend(&side.margin(used + bar_h + 28, 0, 0, 0), &items)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_numbers() {
        assert_eq!(nice_floor(734.0), 500.0);
        assert_eq!(nice_floor(1.9e6), 1e6);
        assert_eq!(nice_floor(0.0), 0.0);
        assert_eq!(width(0.0, 10.0), 2);
        assert_eq!(width(10.0, 10.0), 24);
    }
}
