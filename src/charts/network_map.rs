//! Chart 5: the network in one year. Nodes at their coordinates (equirectangular
//! projection scaled by the cosine of the middle latitude), links with width by freight
//! carried and colour by utilization, names of the main places, a scale bar, a legend.
//! Links between the same two nodes are drawn side by side. Widths use one scale for
//! every year, so maps of different years compare directly.
//!
//! When the network spans far more than the new corridor's region (a study of a
//! regional crossing with demand from China to Europe), the map shows the region: the
//! places within [`REGION_KM`] of the new corridor's links, with the links that leave
//! it cut at the frame and labelled with where they go; an inset in the emptiest corner
//! shows the whole network and where the region lies in it. Every year of a scenario
//! gets the same region.

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
/// Opacity of the halo around the new corridor's links.
const HALO_OPACITY: f64 = 0.35;
/// The regional view keeps the places within this distance of the new corridor.
pub const REGION_KM: f64 = 550.0;
/// The regional view is used when the whole network is this many times larger.
const ZOOM_FACTOR: f64 = 2.5;

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
/// A segment in pixels.
type Segment = ((i32, i32), (i32, i32));

fn overlaps(a: Boxed, b: Boxed) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn contains(b: Boxed, p: (i32, i32)) -> bool {
    p.0 >= b.0 && p.0 <= b.2 && p.1 >= b.1 && p.1 <= b.3
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

/// The part of the segment `p`-`q` inside `b` (Liang-Barsky), if any.
fn clip(p: (i32, i32), q: (i32, i32), b: Boxed) -> Option<((i32, i32), (i32, i32))> {
    let (x0, y0) = (p.0 as f64, p.1 as f64);
    let (dx, dy) = ((q.0 - p.0) as f64, (q.1 - p.1) as f64);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (pk, qk) in [
        (-dx, x0 - b.0 as f64),
        (dx, b.2 as f64 - x0),
        (-dy, y0 - b.1 as f64),
        (dy, b.3 as f64 - y0),
    ] {
        if pk == 0.0 {
            if qk < 0.0 {
                return None;
            }
        } else {
            let t = qk / pk;
            if pk < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| ((x0 + dx * t).round() as i32, (y0 + dy * t).round() as i32);
    Some((at(t0), at(t1)))
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

/// Great-circle distance in km.
fn km_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// A box in degrees: (lat_lo, lat_hi, lon_lo, lon_hi).
type Extent = (f64, f64, f64, f64);

fn extent_of(points: impl Iterator<Item = (f64, f64)>) -> Option<Extent> {
    let mut e: Option<Extent> = None;
    for (lat, lon) in points {
        e = Some(match e {
            None => (lat, lat, lon, lon),
            Some((a, b, c, d)) => (a.min(lat), b.max(lat), c.min(lon), d.max(lon)),
        });
    }
    e
}

/// The region the map zooms to, if the network is much larger than the new
/// corridor's surroundings: the places within [`REGION_KM`] of the middle of its links.
pub fn focus_region(s: &Scenario) -> Option<Extent> {
    let c = new_corridor(s)?;
    let core: Vec<usize> = s
        .links
        .iter()
        .filter(|l| l.corridor == c)
        .flat_map(|l| [l.from, l.to])
        .collect();
    if core.is_empty() {
        return None;
    }
    let n = core.len() as f64;
    let mid = (
        core.iter().map(|&i| s.nodes[i].lat).sum::<f64>() / n,
        core.iter().map(|&i| s.nodes[i].lon).sum::<f64>() / n,
    );
    let radius = core
        .iter()
        .map(|&i| km_between(mid, (s.nodes[i].lat, s.nodes[i].lon)))
        .fold(0.0, f64::max);
    let reach = REGION_KM.max(3.0 * radius);
    let region = extent_of(
        s.nodes
            .iter()
            .filter(|n| km_between(mid, (n.lat, n.lon)) <= reach)
            .map(|n| (n.lat, n.lon)),
    )?;
    let all = extent_of(s.nodes.iter().map(|n| (n.lat, n.lon)))?;
    let k = ((all.0 + all.1) / 2.0).to_radians().cos().max(0.05);
    let span = |e: Extent| ((e.1 - e.0).max(0.5), ((e.3 - e.2) * k).max(0.5));
    let (rh, rw) = span(region);
    let (ah, aw) = span(all);
    (ah > ZOOM_FACTOR * rh || aw > ZOOM_FACTOR * rw).then_some(region)
}

/// A projection of an extent into a pixel frame, keeping `pad` pixels free inside it.
#[derive(Clone, Copy)]
struct View {
    frame: Boxed,
    k: f64,
    scale: f64,
    cx: f64,
    cy: f64,
    xm: f64,
    ym: f64,
}

impl View {
    fn new(frame: Boxed, e: Extent, k: f64, pad: (f64, f64)) -> View {
        let (mut x_lo, mut x_hi) = (e.2 * k, e.3 * k);
        let (mut y_lo, mut y_hi) = (e.0, e.1);
        if x_hi - x_lo < 0.5 {
            let c = (x_hi + x_lo) / 2.0;
            (x_lo, x_hi) = (c - 0.25, c + 0.25);
        }
        if y_hi - y_lo < 0.5 {
            let c = (y_hi + y_lo) / 2.0;
            (y_lo, y_hi) = (c - 0.25, c + 0.25);
        }
        let (w, h) = ((frame.2 - frame.0) as f64, (frame.3 - frame.1) as f64);
        let scale = f64::min(
            (w - 2.0 * pad.0).max(10.0) / (x_hi - x_lo),
            (h - 2.0 * pad.1).max(10.0) / (y_hi - y_lo),
        )
        .max(1e-6);
        View {
            frame,
            k,
            scale,
            cx: frame.0 as f64 + w / 2.0,
            cy: frame.1 as f64 + h / 2.0,
            xm: (x_lo + x_hi) / 2.0,
            ym: (y_lo + y_hi) / 2.0,
        }
    }

    fn proj(&self, lat: f64, lon: f64) -> (i32, i32) {
        (
            (self.cx + (lon * self.k - self.xm) * self.scale).round() as i32,
            (self.cy - (lat - self.ym) * self.scale).round() as i32,
        )
    }

    fn lon_at(&self, x: f64) -> f64 {
        ((x - self.cx) / self.scale + self.xm) / self.k
    }

    fn lat_at(&self, y: f64) -> f64 {
        (self.cy - y) / self.scale + self.ym
    }

    /// The degrees the frame shows.
    fn shown(&self) -> Extent {
        let f = self.frame;
        (
            self.lat_at(f.3 as f64),
            self.lat_at(f.1 as f64),
            self.lon_at(f.0 as f64),
            self.lon_at(f.2 as f64),
        )
    }
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
    let new_name = new_corridor(s).map(|c| short_place(&s.corridors[c].name).to_string());
    let region = focus_region(s);
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
    let mut subtitle = vec![format!(
        "Line width: freight carried in {year} ({stats}); the same scale in every year. Colour: utilization of the busiest direction."
    )];
    if region.is_some()
        && let Some(n) = &new_name
    {
        subtitle.push(format!(
            "The region around the {n}: links that leave it are cut at the frame and marked with their far end. Inset: the whole network."
        ));
    }
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

    // Projection: one cosine for both views, from the whole network.
    let all = extent_of(s.nodes.iter().map(|n| (n.lat, n.lon))).unwrap_or((0.0, 1.0, 0.0, 1.0));
    let k = ((all.0 + all.1) / 2.0).to_radians().cos().max(0.05);
    let view = match region {
        Some(e) => View::new(frame_box, e, k, (70.0, 40.0)),
        None => View::new(frame_box, all, k, (150.0, 60.0)),
    };

    // Graticule.
    let shown = view.shown();
    let span_deg = (shown.1 - shown.0).max(shown.3 - shown.2);
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
    // Boxes other labels keep clear of; the graticule's labels are drawn once the
    // inset's place is known.
    let mut reserved: Vec<Boxed> = Vec::new();
    let mut grat_labels: Vec<(String, (i32, i32), Boxed)> = Vec::new();
    let mut lon = (shown.2 / step).ceil() * step;
    while lon <= shown.3 {
        let (x, _) = view.proj(view.ym, lon);
        root.draw(&PathElement::new(
            vec![(x, my0), (x, my0 + mh)],
            GRID.stroke_width(1),
        ))?;
        let label = deg(lon, 'E', 'W');
        let w = text_width(root, &label, &grat_style)?;
        if x + 4 + w < mx0 + mw {
            grat_labels.push((label, (x + 4, my0 + 4), (x, my0, x + w + 8, my0 + 26)));
        }
        lon += step;
    }
    let mut lat = (shown.0 / step).ceil() * step;
    while lat <= shown.1 {
        let (_, y) = view.proj(lat, view.xm / k);
        root.draw(&PathElement::new(
            vec![(mx0, y), (mx0 + mw, y)],
            GRID.stroke_width(1),
        ))?;
        if y < my0 + mh - 70 && y > my0 + 30 {
            grat_labels.push((
                deg(lat, 'N', 'S'),
                (mx0 + 4, y + 3),
                (mx0, y, mx0 + 56, y + 24),
            ));
        }
        lat += step;
    }

    // Links: offsets for links between the same two nodes.
    let pos: Vec<(i32, i32)> = s.nodes.iter().map(|n| view.proj(n.lat, n.lon)).collect();
    let inside: Vec<bool> = pos.iter().map(|p| contains(frame_box, *p)).collect();
    let fig = |id: &str| figs.get(id).copied().unwrap_or((0.0, 0.0, 0.0));
    let mut pairs: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, l) in s.links.iter().enumerate() {
        pairs
            .entry((l.from.min(l.to), l.from.max(l.to)))
            .or_default()
            .push(i);
    }
    let mut segment: Vec<Segment> = vec![((0, 0), (0, 0)); s.links.len()];
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
            let (u, v) = ((pa.0 + ox, pa.1 + oy), (pb.0 + ox, pb.1 + oy));
            // From the link's `from` end to its `to` end.
            segment[i] = if s.links[i].from == *a {
                (u, v)
            } else {
                (v, u)
            };
        }
    }
    // What is drawn of each link: in the regional view, links with an end inside,
    // cut at the frame.
    let visible: Vec<Option<Segment>> = s
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if region.is_some() && !inside[l.from] && !inside[l.to] {
                return None;
            }
            let (p, q) = segment[i];
            clip(p, q, frame_box)
        })
        .collect();

    // The inset's corner: the one with the fewest places and lines.
    let inset = if region.is_some() {
        let aspect = (all.1 - all.0).max(0.5) / ((all.3 - all.2) * k).max(0.5);
        let iw = mw * 36 / 100;
        let ih = ((iw as f64 * aspect) as i32 + 40).clamp(90, mh * 40 / 100);
        let m = 12;
        let corners = [
            (frame_box.2 - m - iw, frame_box.1 + m),
            (frame_box.0 + m, frame_box.1 + m),
            (frame_box.2 - m - iw, frame_box.3 - m - ih),
        ];
        let busy = |b: Boxed| {
            let nodes = pos
                .iter()
                .zip(&inside)
                .filter(|(p, i)| **i && contains(b, **p))
                .count();
            let lines = visible
                .iter()
                .flatten()
                .filter(|(p, q)| crosses((*p, *q, 4), b))
                .count();
            3 * nodes + lines
        };
        corners
            .iter()
            .map(|(x, y)| (*x, *y, x + iw, y + ih))
            .min_by_key(|b| busy(*b))
    } else {
        None
    };

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
    // The new corridor's links get a halo in its colour, under everything.
    let new = new_corridor(s);
    let mut any_halo = false;
    for (i, l) in s.links.iter().enumerate() {
        if Some(l.corridor) != new {
            continue;
        }
        let Some((p, q)) = visible[i] else { continue };
        let w = width(fig(&l.id).0, t_max) + 16;
        let halo = corridor_color(s, l.corridor).mix(HALO_OPACITY);
        root.draw(&PathElement::new(vec![p, q], halo.stroke_width(w)))?;
        for end in [p, q] {
            root.draw(&Circle::new(end, w / 2, halo.filled()))?;
        }
        any_halo = true;
    }
    for &i in &order {
        let l = &s.links[i];
        let Some((p, q)) = visible[i] else {
            continue;
        };
        let (tonnes, util, open) = fig(&l.id);
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
            // Casing, then the line, each with round ends (inside the frame) so that
            // joints close.
            let ends: Vec<(i32, i32)> = [(p, segment[i].0), (q, segment[i].1)]
                .into_iter()
                .filter(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect();
            root.draw(&PathElement::new(vec![p, q], CASING.stroke_width(w + 2)))?;
            for end in &ends {
                root.draw(&Circle::new(*end, (w + 2) / 2, CASING.filled()))?;
            }
            root.draw(&PathElement::new(vec![p, q], color.stroke_width(w)))?;
            for end in &ends {
                root.draw(&Circle::new(*end, w / 2, color.filled()))?;
            }
            drawn.push((p, q, w as i32));
        }
    }

    // Nodes.
    let mut obstacles: Vec<Boxed> = Vec::new();
    for (i, n) in s.nodes.iter().enumerate() {
        if !inside[i] {
            obstacles.push((0, 0, 0, 0));
            continue;
        }
        node_symbol(root, n.kind, pos[i], 8)?;
        obstacles.push((pos[i].0 - 10, pos[i].1 - 10, pos[i].0 + 10, pos[i].1 + 10));
    }
    let scale_box: Boxed = (mx0, my0 + mh - 70, mx0 + 260, my0 + mh);
    for (label, at, b) in &grat_labels {
        if inset.is_some_and(|i| overlaps(i, *b)) {
            continue;
        }
        text(root, label, *at, &grat_style)?;
        reserved.push(*b);
    }
    reserved.push(scale_box);
    reserved.extend(inset);

    // Names of the main places: the busiest first, cities and ports before others.
    let mut through = vec![0.0; s.nodes.len()];
    for l in &s.links {
        let t = fig(&l.id).0;
        if t.is_finite() {
            through[l.from] += t;
            through[l.to] += t;
        }
    }
    // Places under the inset are hidden.
    let covered = |i: usize| inset.is_some_and(|b| contains(b, pos[i]));
    let mut ranked: Vec<usize> = (0..s.nodes.len())
        .filter(|&i| inside[i] && !covered(i))
        .collect();
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
        let full = if n.name.is_empty() { &n.id } else { &n.name };
        // In the regional view many places are close: their short names.
        let name = if region.is_some() {
            short_place(full).to_string()
        } else {
            full.clone()
        };
        // Two places of one name (a city and its terminal): the busier is named.
        if placed.iter().any(|(_, p)| *p == name) {
            continue;
        }
        let (w, h) = root.estimate_text_size(&name, &style)?;
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
        let within = |b: Boxed| {
            b.0 >= frame_box.0 && b.1 >= frame_box.1 && b.2 <= frame_box.2 && b.3 <= frame_box.3
        };
        let free = |b: &Boxed| {
            within(*b)
                && !placed.iter().any(|(p, _)| overlaps(*p, *b))
                && !reserved.iter().any(|o| overlaps(*o, *b))
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
            placed.push((b, name));
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

    // Where the links that leave the region go: "to Aktau" at the frame, for the busiest
    // link to each place outside.
    if region.is_some() {
        let mut exits: BTreeMap<usize, (f64, (i32, i32))> = BTreeMap::new();
        for (i, l) in s.links.iter().enumerate() {
            let Some((p, q)) = visible[i] else { continue };
            let tonnes = fig(&l.id).0;
            if tonnes.is_nan() || tonnes <= 0.0 || inside[l.from] == inside[l.to] {
                continue;
            }
            let (far, edge) = if inside[l.from] {
                (l.to, q)
            } else {
                (l.from, p)
            };
            let e = exits.entry(far).or_insert((tonnes, edge));
            if tonnes > e.0 {
                *e = (tonnes, edge);
            }
        }
        let exit_style = font(NOTE).color(&MUTED);
        let mut by_size: Vec<_> = exits.into_iter().collect();
        by_size.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.0.cmp(&b.0)));
        for (far, (_, (ex, ey))) in by_size {
            let n = &s.nodes[far];
            let label = format!(
                "to {}",
                short_place(if n.name.is_empty() { &n.id } else { &n.name })
            );
            let (w, h) = root.estimate_text_size(&label, &exit_style)?;
            let (w, h) = (w as i32 + 6, h as i32 + 4);
            // Inside the frame beside the cut, on either side of the line.
            let x = if ex >= frame_box.2 - 2 {
                ex - 8 - w
            } else if ex <= frame_box.0 + 2 {
                ex + 8
            } else {
                (ex - w / 2).clamp(frame_box.0 + 4, frame_box.2 - 4 - w)
            };
            let ys = if ey <= frame_box.1 + 2 {
                [ey + 8, ey + 8 + h]
            } else if ey >= frame_box.3 - 2 {
                [ey - 8 - h, ey - 8 - 2 * h]
            } else {
                [ey - 10 - h, ey + 10]
            };
            let spot = ys.iter().map(|y| (x, *y, x + w, y + h)).find(|b| {
                b.1 >= frame_box.1
                    && b.3 <= frame_box.3
                    && !placed.iter().any(|(p, _)| overlaps(*p, *b))
                    && !reserved.iter().any(|o| overlaps(*o, *b))
                    && !obstacles.iter().any(|o| overlaps(*o, *b))
            });
            if let Some(b) = spot {
                root.draw(&Rectangle::new(
                    [(b.0, b.1), (b.2, b.3)],
                    WHITE.mix(0.8).filled(),
                ))?;
                text(
                    root,
                    &label,
                    (b.0 + 3, (b.1 + b.3) / 2),
                    &anchored(exit_style.clone(), HPos::Left, VPos::Center),
                )?;
                placed.push((b, label));
            }
        }
    }

    // Freight figures on the busiest links, where they fit.
    let mut busiest: Vec<usize> = (0..s.links.len())
        .filter(|&i| visible[i].is_some() && fig(&s.links[i].id).0 >= 0.1 * t_max && t_max > 0.0)
        .collect();
    busiest.sort_by(|&a, &b| fig(&s.links[b].id).0.total_cmp(&fig(&s.links[a].id).0));
    busiest.truncate(10);
    let value_style = bold(NOTE);
    for &i in &busiest {
        let Some((p, q)) = visible[i] else { continue };
        let l = &s.links[i];
        let mut label = format!("{} {}", fmt_num(fig(&l.id).0 / unit.div), unit.short);
        let twins = &pairs[&(l.from.min(l.to), l.from.max(l.to))];
        if twins.len() > 1 {
            // Parallel links: say which is which, by mode if that tells them apart.
            let same_mode = twins.iter().filter(|&&j| s.links[j].mode == l.mode).count();
            let which = if same_mode == 1 {
                l.mode.name().to_string()
            } else {
                l.id.clone()
            };
            label = format!("{which}: {label}");
        }
        let (w, h) = root.estimate_text_size(&label, &value_style)?;
        let (w, h) = (w as i32 + 8, h as i32 + 4);
        let (mx, my) = ((p.0 + q.0) / 2, (p.1 + q.1) / 2);
        let b = (mx - w / 2, my - h / 2, mx + w / 2, my + h / 2);
        if placed.iter().any(|(o, _)| overlaps(*o, b))
            || obstacles.iter().any(|o| overlaps(*o, b))
            || reserved.iter().any(|o| overlaps(*o, b))
            || !(contains(frame_box, (b.0, b.1)) && contains(frame_box, (b.2, b.3)))
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
    let km_per_px = KM_PER_DEGREE / view.scale;
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

    // The whole network, with the region marked.
    if let Some(b) = inset {
        draw_inset(root, s, &fig, t_max, b, all, k, shown)?;
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
    let bar_h = 280;
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
    if any_halo && let Some(c) = new {
        items.push(LegendItem::Entry(
            Swatch::Band {
                color: corridor_color(s, c),
                opacity: HALO_OPACITY,
            },
            format!("Halo: links of the {}", short_place(&s.corridors[c].name)),
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

/// The whole network in a small frame `b`, thin lines coloured as on the map, with the
/// region the main map shows (`shown`) outlined.
#[allow(clippy::too_many_arguments)]
fn draw_inset<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &Scenario,
    fig: &dyn Fn(&str) -> (f64, f64, f64),
    t_max: f64,
    b: Boxed,
    all: Extent,
    k: f64,
    shown: Extent,
) -> Drawn {
    root.draw(&Rectangle::new([(b.0, b.1), (b.2, b.3)], WHITE.filled()))?;
    let caption_h = 26;
    text(
        root,
        "Whole network",
        (b.0 + 8, b.1 + 6),
        &anchored(bold(NOTE), HPos::Left, VPos::Top),
    )?;
    let inner = (b.0, b.1 + caption_h, b.2, b.3);
    let view = View::new(inner, all, k, (14.0, 10.0));
    let pos: Vec<(i32, i32)> = s.nodes.iter().map(|n| view.proj(n.lat, n.lon)).collect();
    let mut order: Vec<usize> = (0..s.links.len()).collect();
    order.sort_by(|&a, &c| fig(&s.links[a].id).0.total_cmp(&fig(&s.links[c].id).0));
    for i in order {
        let l = &s.links[i];
        let (tonnes, util, open) = fig(&l.id);
        let (p, q) = (pos[l.from], pos[l.to]);
        if open <= 0.0 {
            continue;
        }
        if tonnes.is_nan() || tonnes <= 0.0 {
            root.draw(&PathElement::new(vec![p, q], IDLE.stroke_width(1)))?;
            continue;
        }
        let w = (1.0 + 5.0 * tonnes / t_max.max(1.0)).round() as u32;
        let color = if l.capacity_tpy.nominal().is_finite() {
            utilization_color(util)
        } else {
            UNCAPPED
        };
        root.draw(&PathElement::new(vec![p, q], color.stroke_width(w)))?;
    }
    for p in &pos {
        root.draw(&Circle::new(*p, 2, INK.filled()))?;
    }
    let (a, c) = (view.proj(shown.1, shown.2), view.proj(shown.0, shown.3));
    let (a, c) = (
        (a.0.max(inner.0), a.1.max(inner.1)),
        (c.0.min(inner.2), c.1.min(inner.3)),
    );
    root.draw(&Rectangle::new([a, c], INK.stroke_width(2)))?;
    root.draw(&Rectangle::new(
        [(b.0, b.1), (b.2, b.3)],
        RGBColor(150, 150, 150).stroke_width(1),
    ))?;
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

    #[test]
    fn segments_are_cut_at_the_frame() {
        let b = (0, 0, 100, 100);
        assert_eq!(clip((50, 50), (150, 50), b), Some(((50, 50), (100, 50))));
        assert_eq!(clip((-50, 50), (150, 50), b), Some(((0, 50), (100, 50))));
        assert_eq!(clip((200, 200), (300, 300), b), None);
        assert_eq!(clip((10, 10), (20, 20), b), Some(((10, 10), (20, 20))));
    }
}
