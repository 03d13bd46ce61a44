//! What every chart shares: the embedded font, colours, type sizes, units, the frame
//! (title, subtitle, source note), legends, and readers of the results tables.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::{NodeKind, Scenario};
use crate::results::{Results, Row, Table};
use crate::stats::Summary;

/// A drawing area in pixels.
pub type Area<DB> = DrawingArea<DB, Shift>;

/// DejaVu Sans, embedded so that text is measured and drawn the same everywhere.
pub(crate) static FONT_REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
pub(crate) static FONT_BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
/// The family every chart asks for (plotters' default family name).
pub const FAMILY: &str = "sans-serif";

/// Registers the embedded fonts with plotters once per process.
pub fn ensure_font() -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_REGULAR).is_ok()
            && plotters::style::register_font(FAMILY, FontStyle::Bold, FONT_BOLD).is_ok()
    })
}

/// A drawing failure, with the backend's message.
#[derive(Debug)]
pub struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        DrawError(e.to_string())
    }
}

pub type Drawn<T = ()> = Result<T, DrawError>;

// ---------------------------------------------------------------------------------
// Colours.

/// Default colours of corridors that set no `color`: Okabe and Ito's (2008)
/// colour-blind-safe palette without its yellow, then the darker hues of Paul Tol's
/// "muted" scheme, black, and a sand that is still readable on white: twelve distinct
/// colours, so that up to twelve corridors never share one.
pub const PALETTE: [RGBColor; 12] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(230, 159, 0),   // orange
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(51, 34, 136),   // indigo (Tol)
    RGBColor(136, 34, 85),   // wine (Tol)
    RGBColor(153, 153, 51),  // olive (Tol)
    RGBColor(0, 0, 0),       // black
    RGBColor(17, 119, 51),   // green (Tol)
    RGBColor(204, 187, 68),  // sand, darkened from Tol's #DDCC77
];
/// Unserved demand: a dark grey, apart from the light greys scenarios give feeders.
pub const UNSERVED: RGBColor = RGBColor(110, 110, 110);
/// Text and axes.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Secondary text.
pub const MUTED: RGBColor = RGBColor(100, 100, 100);
/// Grid lines.
pub const GRID: RGBColor = RGBColor(222, 222, 222);

/// The house grid of every chart's mesh: light grey major lines, no minor lines, thin
/// dark axes (`chart.configure_mesh().disable_x_mesh().house_grid()...`).
pub trait HouseGrid {
    fn house_grid(&mut self) -> &mut Self;
}

impl<X: Ranged, Y: Ranged, DB: DrawingBackend> HouseGrid
    for plotters::chart::MeshStyle<'_, '_, X, Y, DB>
{
    fn house_grid(&mut self) -> &mut Self {
        self.bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(INK.stroke_width(1))
    }
}
/// Alternate row shading.
pub const SHADE: RGBColor = RGBColor(244, 244, 244);
/// Reference lines (tolerance, limits).
pub const REFERENCE: RGBColor = RGBColor(213, 94, 0);

/// The colour of corridor `index` of `scenario.corridors`, the same in every chart and
/// run: its `color` if the scenario sets one, otherwise the next colour of [`PALETTE`]
/// in corridor order, skipping colours other corridors set explicitly (the palette
/// repeats only past its twelve colours). An index past the corridors (the "unserved"
/// row) is grey.
pub fn corridor_color(s: &Scenario, index: usize) -> RGBColor {
    let Some(c) = s.corridors.get(index) else {
        return UNSERVED;
    };
    if let Some([r, g, b]) = c.color {
        return RGBColor(r, g, b);
    }
    let taken: Vec<RGBColor> = s
        .corridors
        .iter()
        .filter_map(|k| k.color.map(|[r, g, b]| RGBColor(r, g, b)))
        .collect();
    let free: Vec<RGBColor> = PALETTE
        .iter()
        .copied()
        .filter(|p| !taken.contains(p))
        .collect();
    let free = if free.is_empty() {
        PALETTE.to_vec()
    } else {
        free
    };
    let rank = s.corridors[..index]
        .iter()
        .filter(|k| k.color.is_none())
        .count();
    free[rank % free.len()]
}

/// The colour of the corridor with this id in `s` (grey when it has none, as for
/// "unserved").
pub fn corridor_color_by_id(s: &Scenario, id: &str) -> RGBColor {
    match s.corridors.iter().position(|c| c.id == id) {
        Some(i) => corridor_color(s, i),
        None => UNSERVED,
    }
}

/// ColorBrewer YlOrRd (9 classes): pale for idle links, dark red for full ones.
const RAMP: [RGBColor; 9] = [
    RGBColor(255, 255, 204),
    RGBColor(255, 237, 160),
    RGBColor(254, 217, 118),
    RGBColor(254, 178, 76),
    RGBColor(253, 141, 60),
    RGBColor(252, 78, 42),
    RGBColor(227, 26, 28),
    RGBColor(189, 0, 38),
    RGBColor(128, 0, 38),
];

/// Colour of a utilization (flow / capacity): 0 pale yellow, 1 and above dark red.
pub fn utilization_color(u: f64) -> RGBColor {
    let u = if u.is_finite() {
        u.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = u * (RAMP.len() - 1) as f64;
    let i = (x.floor() as usize).min(RAMP.len() - 2);
    let t = x - i as f64;
    let (a, b) = (RAMP[i], RAMP[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * t).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Whether dark text reads on a fill.
pub fn is_light(c: RGBColor) -> bool {
    0.299 * c.0 as f64 + 0.587 * c.1 as f64 + 0.114 * c.2 as f64 > 150.0
}

/// Utilization at or above which a link is a bottleneck.
pub const BOTTLENECK: f64 = 0.9;

// ---------------------------------------------------------------------------------
// Type sizes (plotters font sizes; SVG text is emitted at size / 1.24 px).

pub const TITLE: f64 = 40.0;
pub const SUBTITLE: f64 = 25.0;
pub const AXIS: f64 = 26.0;
pub const TICK: f64 = 23.0;
pub const LEGEND: f64 = 23.0;
pub const LABEL: f64 = 22.0;
pub const NOTE: f64 = 20.0;
/// Outer margin.
pub const MARGIN: i32 = 36;

pub fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size).into_font()).color(&INK)
}

pub fn bold(size: f64) -> TextStyle<'static> {
    TextStyle::from((FAMILY, size, FontStyle::Bold).into_font()).color(&INK)
}

pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// Draws `text` with its anchor at `at`.
pub fn text<DB: DrawingBackend>(
    area: &Area<DB>,
    s: &str,
    at: (i32, i32),
    style: &TextStyle,
) -> Drawn {
    area.draw(&Text::new(s.to_string(), at, style.clone()))?;
    Ok(())
}

/// Width of `text` in pixels.
pub fn text_width<DB: DrawingBackend>(area: &Area<DB>, s: &str, style: &TextStyle) -> Drawn<i32> {
    Ok(area.estimate_text_size(s, style)?.0 as i32)
}

/// Splits `text` into lines no wider than `width` pixels, at spaces; a word wider than
/// the line is broken after a hyphen or slash if it can be, otherwise anywhere.
pub fn wrap<DB: DrawingBackend>(
    area: &Area<DB>,
    s: &str,
    style: &TextStyle,
    width: i32,
) -> Drawn<Vec<String>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(area, &candidate, style)? <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word alone: break it while it is too wide.
        let mut rest = word.to_string();
        while text_width(area, &rest, style)? > width && rest.chars().count() > 1 {
            let chars: Vec<char> = rest.chars().collect();
            let mut cut = 1;
            let mut soft = None;
            for k in 1..chars.len() {
                let head: String = chars[..k].iter().collect();
                if text_width(area, &head, style)? > width {
                    break;
                }
                cut = k;
                if matches!(chars[k - 1], '-' | '/' | '–') {
                    soft = Some(k);
                }
            }
            let at = soft.unwrap_or(cut);
            lines.push(chars[..at].iter().collect());
            rest = chars[at..].iter().collect();
        }
        line = rest;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Shortens `text` with an ellipsis until it fits `width` pixels.
pub fn fit<DB: DrawingBackend>(
    area: &Area<DB>,
    s: &str,
    style: &TextStyle,
    width: i32,
) -> Drawn<String> {
    if text_width(area, s, style)? <= width {
        return Ok(s.to_string());
    }
    let mut chars: Vec<char> = s.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let t: String = chars.iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(area, &t, style)? <= width {
            return Ok(t);
        }
    }
    Ok("…".into())
}

/// Fills the canvas, draws the title, the subtitle lines and the source note, and
/// returns the area left for the chart.
pub fn frame<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    subtitle: &[String],
    note: &str,
) -> Drawn<Area<DB>> {
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let width = w as i32 - 2 * MARGIN;
    let top = anchored(bold(TITLE), HPos::Left, VPos::Top);
    let mut y = 26;
    for line in wrap(root, title, &top, width)? {
        text(root, &line, (MARGIN, y), &top)?;
        y += 48;
    }
    y += 4;
    let sub = anchored(font(SUBTITLE).color(&MUTED), HPos::Left, VPos::Top);
    for para in subtitle {
        for line in wrap(root, para, &sub, width)? {
            text(root, &line, (MARGIN, y), &sub)?;
            y += 31;
        }
    }
    let foot = anchored(font(NOTE).color(&MUTED), HPos::Left, VPos::Bottom);
    text(root, note, (MARGIN, h as i32 - 14), &foot)?;
    Ok(root.margin(y + 16, 44, MARGIN, MARGIN))
}

/// The source note under every chart.
pub fn source_note(s: &Scenario, r: &Results) -> String {
    format!(
        "corridor-sim {} · scenario \"{}\" · {} replication{}",
        env!("CARGO_PKG_VERSION"),
        s.name,
        r.replications,
        if r.replications == 1 { "" } else { "s" }
    )
}

/// How the statistics of a chart were made, for subtitles.
pub fn band_sentence(r: &Results) -> String {
    if r.replications > 1 {
        format!(
            "Lines: mean of {} replications; shading: 25–75% (dark) and 5–95% (light) of replications.",
            r.replications
        )
    } else {
        "One replication (the scenario has no uncertain inputs), so there are no bands.".into()
    }
}

// ---------------------------------------------------------------------------------
// Legends.

/// The small picture beside a legend label.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Line {
        color: RGBColor,
        width: u32,
        dashed: bool,
    },
    /// A translucent band, optionally with the series line through it.
    Band {
        color: RGBColor,
        opacity: f64,
    },
    Fill(RGBColor),
    /// A filled box with a border (bottleneck cells, closed cells).
    Outlined {
        fill: RGBColor,
        border: RGBColor,
        width: u32,
    },
    /// An interval mark: whisker, box and median.
    Interval(RGBColor),
    /// A map node symbol.
    Node(NodeKind),
    /// A map line with a dark casing.
    Cased {
        color: RGBColor,
        width: u32,
    },
    /// A point marker.
    Marker(Marker, RGBColor),
}

/// Point markers of legends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Dot,
    OpenDot,
    /// A dot on a vertical whisker.
    DotWhisker,
    Cross,
}

pub enum LegendItem {
    Heading(String),
    Entry(Swatch, String),
    /// Vertical space.
    Gap,
}

const SWATCH_W: i32 = 44;
const SWATCH_H: i32 = 22;

fn draw_swatch<DB: DrawingBackend>(area: &Area<DB>, sw: Swatch, x: i32, yc: i32) -> Drawn {
    let (x0, x1) = (x, x + SWATCH_W);
    let (y0, y1) = (yc - SWATCH_H / 2, yc + SWATCH_H / 2);
    match sw {
        Swatch::Line {
            color,
            width,
            dashed,
        } => {
            if dashed {
                dashed_line(area, (x0, yc), (x1, yc), color.stroke_width(width), 8, 5)?;
            } else {
                area.draw(&PathElement::new(
                    vec![(x0, yc), (x1, yc)],
                    color.stroke_width(width),
                ))?;
            }
        }
        Swatch::Band { color, opacity } => {
            area.draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                color.mix(opacity).filled(),
            ))?;
        }
        Swatch::Fill(color) => {
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], color.filled()))?;
        }
        Swatch::Outlined {
            fill,
            border,
            width,
        } => {
            area.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))?;
            area.draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                border.stroke_width(width),
            ))?;
        }
        Swatch::Interval(color) => {
            area.draw(&PathElement::new(
                vec![(x0 + 2, yc), (x1 - 2, yc)],
                color.stroke_width(2),
            ))?;
            area.draw(&Rectangle::new(
                [(x0 + 11, y0 + 3), (x1 - 11, y1 - 3)],
                color.mix(0.35).filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x0 + 11, y0 + 3), (x1 - 11, y1 - 3)],
                color.stroke_width(1),
            ))?;
            area.draw(&PathElement::new(
                vec![(x0 + 22, y0 + 1), (x0 + 22, y1 - 1)],
                INK.stroke_width(3),
            ))?;
        }
        Swatch::Node(kind) => node_symbol(area, kind, (x0 + SWATCH_W / 2, yc), 9)?,
        Swatch::Marker(m, color) => {
            let c = (x0 + SWATCH_W / 2, yc);
            match m {
                Marker::Dot => area.draw(&Circle::new(c, 7, color.filled()))?,
                Marker::OpenDot => area.draw(&Circle::new(c, 7, color.stroke_width(2)))?,
                Marker::DotWhisker => {
                    area.draw(&PathElement::new(
                        vec![(c.0, y0 - 3), (c.0, y1 + 3)],
                        color.stroke_width(2),
                    ))?;
                    area.draw(&Circle::new(c, 7, color.filled()))?;
                }
                Marker::Cross => {
                    area.draw(&Cross::new(c, 9, color.stroke_width(3)))?;
                }
            }
        }
        Swatch::Cased { color, width } => {
            area.draw(&PathElement::new(
                vec![(x0, yc), (x1, yc)],
                RGBColor(60, 60, 60).stroke_width(width + 2),
            ))?;
            area.draw(&PathElement::new(
                vec![(x0 + 1, yc), (x1 - 1, yc)],
                color.stroke_width(width),
            ))?;
        }
    }
    Ok(())
}

/// One legend item as laid out: its column origin, top, text size and lines.
struct Placed {
    item: usize,
    x: i32,
    y: i32,
    size: f64,
    line_h: i32,
    lines: Vec<String>,
}

/// Lays out `items` in `cols` columns of `area` at text size `size`, each column no
/// taller than `max_h`. Items that do not fit are left out (`None` when any is).
fn plan_legend<DB: DrawingBackend>(
    area: &Area<DB>,
    items: &[LegendItem],
    size: f64,
    cols: i32,
    max_h: i32,
) -> Drawn<(Vec<Placed>, i32, usize)> {
    let (w, _) = area.dim_in_pixel();
    let col_gap = 20;
    let col_w = (w as i32 - col_gap * (cols - 1)) / cols;
    let label_x = SWATCH_W + 12;
    let line_h = (size * 1.26).round() as i32;
    let style = font(size);
    let head = bold(size);
    let mut placed = Vec::new();
    let (mut col, mut y, mut used) = (0, 0, 0);
    let mut left_out = 0;
    for (k, item) in items.iter().enumerate() {
        let (lines, h) = match item {
            LegendItem::Heading(t) => {
                let lines = wrap(area, t, &head, col_w)?;
                let h = lines.len() as i32 * line_h + 4;
                (lines, h)
            }
            LegendItem::Entry(_, label) => {
                let lines = wrap(area, label, &style, col_w - label_x)?;
                let h = lines.len() as i32 * line_h + (size * 0.35).round() as i32;
                (lines, h)
            }
            LegendItem::Gap => (Vec::new(), (size * 0.7).round() as i32),
        };
        // A heading goes with the entry after it.
        let keep_with = match (item, items.get(k + 1)) {
            (LegendItem::Heading(_), Some(LegendItem::Entry(..))) => line_h,
            _ => 0,
        };
        if y + h + keep_with > max_h && y > 0 {
            if col + 1 < cols {
                col += 1;
                y = 0;
            } else {
                left_out = items[k..]
                    .iter()
                    .filter(|i| matches!(i, LegendItem::Entry(..)))
                    .count();
                break;
            }
        }
        if matches!(item, LegendItem::Gap) && y == 0 {
            continue;
        }
        placed.push(Placed {
            item: k,
            x: col * (col_w + col_gap),
            y,
            size,
            line_h,
            lines,
        });
        y += h;
        used = used.max(y);
    }
    Ok((placed, used, left_out))
}

/// Draws legend items top to bottom from the top-left corner of `area`, wrapping
/// labels to its width; returns the height used. When they do not fit the height of
/// `area`, the text gets smaller, then the items go into two columns, and as a last
/// resort the entries that still do not fit are counted in a closing line.
pub fn legend<DB: DrawingBackend>(area: &Area<DB>, items: &[LegendItem]) -> Drawn<i32> {
    let (_, h) = area.dim_in_pixel();
    let max_h = h as i32;
    let mut chosen = None;
    for (size, cols) in [(LEGEND, 1), (21.0, 1), (19.0, 1), (19.0, 2), (17.0, 2)] {
        let (placed, used, left_out) = plan_legend(area, items, size, cols, max_h)?;
        if left_out == 0 {
            chosen = Some((placed, used));
            break;
        }
    }
    let (placed, used) = match chosen {
        Some(p) => p,
        None => {
            // Keep room for the closing line.
            let (placed, used, left_out) = plan_legend(area, items, 17.0, 2, max_h - 26)?;
            let (x, y) = placed
                .last()
                .map_or((0, 0), |p| (p.x, p.y + p.lines.len() as i32 * p.line_h + 6));
            text(
                area,
                &format!("… and {left_out} more not listed"),
                (x, y + 10),
                &anchored(font(17.0).color(&MUTED), HPos::Left, VPos::Center),
            )?;
            (placed, used.max(y + 20))
        }
    };
    for p in &placed {
        let style = anchored(font(p.size), HPos::Left, VPos::Center);
        let head = anchored(bold(p.size), HPos::Left, VPos::Center);
        match &items[p.item] {
            LegendItem::Heading(_) => {
                for (i, line) in p.lines.iter().enumerate() {
                    let y = p.y + i as i32 * p.line_h + p.line_h / 2;
                    text(area, line, (p.x, y), &head)?;
                }
            }
            LegendItem::Entry(sw, _) => {
                draw_swatch(area, *sw, p.x, p.y + p.line_h / 2)?;
                for (i, line) in p.lines.iter().enumerate() {
                    let y = p.y + i as i32 * p.line_h + p.line_h / 2;
                    text(area, line, (p.x + SWATCH_W + 12, y), &style)?;
                }
            }
            LegendItem::Gap => {}
        }
    }
    Ok(used)
}

/// The height `legend_row` needs for `items` across `width` pixels.
pub fn legend_row_height<DB: DrawingBackend>(
    area: &Area<DB>,
    items: &[(Swatch, String)],
    width: i32,
) -> Drawn<i32> {
    Ok(row_layout(area, items, width)?.1)
}

/// An entry of a legend row as placed: x, y and its (possibly shortened) label.
type RowEntry = (i32, i32, String);

/// Where each entry of a legend row goes, and the height used.
fn row_layout<DB: DrawingBackend>(
    area: &Area<DB>,
    items: &[(Swatch, String)],
    width: i32,
) -> Drawn<(Vec<RowEntry>, i32)> {
    let style = font(LEGEND);
    let row_h = 34;
    let (mut x, mut y) = (0, 0);
    let mut out = Vec::new();
    for (_, label) in items {
        let label = fit(area, label, &style, width - SWATCH_W - 10)?;
        let need = SWATCH_W + 10 + text_width(area, &label, &style)? + 34;
        if x > 0 && x + need > width {
            x = 0;
            y += row_h;
        }
        out.push((x, y, label));
        x += need;
    }
    Ok((out, if items.is_empty() { 0 } else { y + row_h }))
}

/// Draws legend entries left to right, wrapping to new rows; returns the height used.
pub fn legend_row<DB: DrawingBackend>(area: &Area<DB>, items: &[(Swatch, String)]) -> Drawn<i32> {
    let (w, _) = area.dim_in_pixel();
    let style = anchored(font(LEGEND), HPos::Left, VPos::Center);
    let row_h = 34;
    let (placed, used) = row_layout(area, items, w as i32)?;
    for ((sw, _), (x, y, label)) in items.iter().zip(placed) {
        draw_swatch(area, *sw, x, y + row_h / 2)?;
        text(area, &label, (x + SWATCH_W + 10, y + row_h / 2), &style)?;
    }
    Ok(used)
}

/// A dashed straight line in pixels.
pub fn dashed_line<DB: DrawingBackend>(
    area: &Area<DB>,
    a: (i32, i32),
    b: (i32, i32),
    style: ShapeStyle,
    dash: i32,
    gap: i32,
) -> Drawn {
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len = (dx * dx + dy * dy).sqrt();
    if len < 1.0 {
        return Ok(());
    }
    let mut t = 0.0;
    while t < len {
        let e = (t + dash as f64).min(len);
        let p = |s: f64| {
            (
                (a.0 as f64 + dx * s / len).round() as i32,
                (a.1 as f64 + dy * s / len).round() as i32,
            )
        };
        area.draw(&PathElement::new(vec![p(t), p(e)], style))?;
        t = e + gap as f64;
    }
    Ok(())
}

/// The symbol of a node kind, centred at `c`, about `r` pixels in radius.
pub fn node_symbol<DB: DrawingBackend>(
    area: &Area<DB>,
    kind: NodeKind,
    c: (i32, i32),
    r: i32,
) -> Drawn {
    let fill = WHITE.filled();
    let edge = INK.stroke_width(2);
    match kind {
        NodeKind::City => {
            area.draw(&Circle::new(c, r, fill))?;
            area.draw(&Circle::new(c, r, edge))?;
        }
        NodeKind::Port => {
            let q = r - 1;
            let pts = [(c.0 - q, c.1 - q), (c.0 + q, c.1 + q)];
            area.draw(&Rectangle::new(pts, RGBColor(0, 114, 178).filled()))?;
            area.draw(&Rectangle::new(pts, edge))?;
        }
        NodeKind::Border => {
            let pts = vec![
                (c.0, c.1 - r - 1),
                (c.0 + r + 1, c.1),
                (c.0, c.1 + r + 1),
                (c.0 - r - 1, c.1),
            ];
            area.draw(&Polygon::new(pts.clone(), fill))?;
            let mut closed = pts;
            closed.push(closed[0]);
            area.draw(&PathElement::new(closed, edge))?;
        }
        NodeKind::Terminal => {
            let pts = vec![
                (c.0, c.1 - r - 1),
                (c.0 + r, c.1 + r - 1),
                (c.0 - r, c.1 + r - 1),
            ];
            area.draw(&Polygon::new(pts.clone(), INK.filled()))?;
        }
    }
    Ok(())
}

/// A vertical colour bar for utilization, 0 to 100 %, with ticks; returns its height.
pub fn utilization_bar<DB: DrawingBackend>(area: &Area<DB>, top: i32, height: i32) -> Drawn<i32> {
    let (x0, x1) = (0, 30);
    for i in 0..height {
        // Top of the bar is 100 %.
        let u = 1.0 - i as f64 / (height - 1) as f64;
        area.draw(&PathElement::new(
            vec![(x0, top + i), (x1, top + i)],
            utilization_color(u).stroke_width(1),
        ))?;
    }
    area.draw(&Rectangle::new(
        [(x0, top), (x1, top + height)],
        INK.stroke_width(1),
    ))?;
    let style = anchored(font(NOTE), HPos::Left, VPos::Center);
    let mut last_y = i32::MIN;
    for (u, label) in [
        (1.0, "100% or more"),
        (BOTTLENECK, "90%"),
        (0.75, "75%"),
        (0.5, "50%"),
        (0.25, "25%"),
        (0.0, "0%"),
    ] {
        let y = top + ((1.0 - u) * (height - 1) as f64).round() as i32;
        area.draw(&PathElement::new(
            vec![(x1, y), (x1 + 6, y)],
            INK.stroke_width(1),
        ))?;
        // Labels too close to the one above are pushed down a little.
        let y_text = y.max(last_y + 22);
        text(area, label, (x1 + 12, y_text), &style)?;
        last_y = y_text;
    }
    Ok(height)
}

// ---------------------------------------------------------------------------------
// Units and numbers.

/// A display unit: values are divided by `div`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub div: f64,
    /// Short form for labels ("Mt").
    pub short: &'static str,
    /// Long form for axis titles ("million tonnes").
    pub long: &'static str,
}

/// Million, thousand or plain tonnes, whichever reads best for values up to `max_t`.
pub fn tonne_unit(max_t: f64) -> Unit {
    if max_t >= 1e6 {
        Unit {
            div: 1e6,
            short: "Mt",
            long: "million tonnes",
        }
    } else if max_t >= 1e3 {
        Unit {
            div: 1e3,
            short: "kt",
            long: "thousand tonnes",
        }
    } else {
        Unit {
            div: 1.0,
            short: "t",
            long: "tonnes",
        }
    }
}

/// Days when the values run past four days, otherwise hours.
pub fn time_unit(max_h: f64) -> Unit {
    if max_h > 96.0 {
        Unit {
            div: 24.0,
            short: "days",
            long: "days",
        }
    } else {
        Unit {
            div: 1.0,
            short: "h",
            long: "hours",
        }
    }
}

/// A tick or label number: three significant digits, no trailing zeros, thousands
/// separated by commas.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v == 0.0 {
        return "0".into();
    }
    let mag = v.abs().log10().floor() as i32;
    let decimals = (2 - mag).clamp(0, 8) as usize;
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    let (sign, digits) = match s.strip_prefix('-') {
        Some(d) => ("-", d.to_string()),
        None => ("", s),
    };
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i.to_string(), format!(".{f}")),
        None => (digits, String::new()),
    };
    if int.len() <= 4 {
        return format!("{sign}{int}{frac}");
    }
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}{grouped}{frac}")
}

/// A percentage for labels: "12%", "0.4%".
pub fn fmt_pct(share: f64) -> String {
    let p = share * 100.0;
    if p.abs() >= 10.0 || p == p.round() {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A year axis: an f64 range whose ticks fall on the given years only.
/// (plotters' `WithKeyPoints` cannot take a label formatter, hence this small type.)
#[derive(Clone)]
pub struct YearCoord {
    range: RangedCoordf64,
    years: Vec<f64>,
}

impl YearCoord {
    pub fn new(first: i32, last: i32) -> YearCoord {
        let (r, years) = year_axis(first, last);
        YearCoord {
            range: r.into(),
            years,
        }
    }
}

impl Ranged for YearCoord {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.range.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.years.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.range()
    }
}

/// The year axis: the range drawn, and the years that get a label (every year up to
/// 12 years, then every 5, 10, 20... years, so that at most about 11 labels show).
pub fn year_axis(first: i32, last: i32) -> (Range<f64>, Vec<f64>) {
    let n = (last - first + 1).max(1);
    let step = if n <= 12 {
        1
    } else {
        [5, 10, 20, 25, 50, 100]
            .into_iter()
            .find(|s| n / s <= 10)
            .unwrap_or(100)
    };
    let labels: Vec<f64> = (first..=last)
        .filter(|y| step == 1 || y % step == 0)
        .map(f64::from)
        .collect();
    let labels = if labels.is_empty() {
        vec![first as f64]
    } else {
        labels
    };
    let pad = if n <= 5 { 0.5 } else { 0.3 };
    ((first as f64 - pad)..(last as f64 + pad), labels)
}

// ---------------------------------------------------------------------------------
// Reading the results.

/// The year of a row (its first key).
pub fn year_of(row: &Row) -> i32 {
    row.keys[0].parse().unwrap_or(0)
}

/// The corridor marked `new`, if any (the first one).
pub fn new_corridor(s: &Scenario) -> Option<usize> {
    s.corridors.iter().position(|c| c.new)
}

/// Statistics of `metric` for every row whose key `key` equals `value`, by year.
pub fn series(t: &Table, key: &str, value: &str, metric: &str) -> Vec<(i32, Summary)> {
    let (Some(k), Some(m)) = (t.key(key), t.metric(metric)) else {
        return Vec::new();
    };
    t.rows
        .iter()
        .filter(|row| row.keys[k] == value)
        .map(|row| (year_of(row), row.stats[m]))
        .collect()
}

/// A corridor's series of `metric` (`id` is the corridor id or "unserved").
pub fn corridor_series(r: &Results, id: &str, metric: &str) -> Vec<(i32, Summary)> {
    series(&r.corridors, "corridor", id, metric)
}

/// Whether the corridor `id` carries freight in some year (in the mean or in the top
/// 5% of replications).
pub fn carries(r: &Results, id: &str) -> bool {
    corridor_series(r, id, "tonnes")
        .iter()
        .any(|(_, st)| st.mean > 0.0 || st.p[4] > 0.0)
}

/// The corridors that carry freight in some year (indices into `scenario.corridors`,
/// in scenario order), and how many carry nothing in any year.
pub fn active_corridors(s: &Scenario, r: &Results) -> (Vec<usize>, usize) {
    let active: Vec<usize> = (0..s.corridors.len())
        .filter(|&i| carries(r, &s.corridors[i].id))
        .collect();
    let idle = s.corridors.len() - active.len();
    (active, idle)
}

/// "7 corridors that carry no freight in any year are not shown." (empty for none).
pub fn idle_note(idle: usize) -> Option<String> {
    match idle {
        0 => None,
        1 => Some("1 corridor that carries no freight in any year is not shown.".into()),
        n => Some(format!(
            "{n} corridors that carry no freight in any year are not shown."
        )),
    }
}

/// A corridor with at least this mean share of demand in every year dwarfs the others.
pub const DOMINANT_SHARE: f64 = 0.4;

/// Corridors other than the new one that carry at least [`DOMINANT_SHARE`] of demand in
/// every year (typically the long-haul sea route): charts give them their own scale so
/// that the corridors that compete with the new one stay readable. Empty unless at
/// least two other corridors with freight remain.
pub fn dominant_corridors(s: &Scenario, r: &Results) -> Vec<usize> {
    let years: Vec<i32> = s.years().collect();
    let dominant: Vec<usize> = (0..s.corridors.len())
        .filter(|&i| !s.corridors[i].new)
        .filter(|&i| {
            let ser = corridor_series(r, &s.corridors[i].id, "share");
            !years.is_empty()
                && years.iter().all(|y| {
                    ser.iter()
                        .find(|(yy, _)| yy == y)
                        .is_some_and(|(_, st)| st.mean >= DOMINANT_SHARE)
                })
        })
        .collect();
    let (active, _) = active_corridors(s, r);
    let rest = active.iter().filter(|i| !dominant.contains(i)).count();
    if rest >= 2 { dominant } else { Vec::new() }
}

/// Names joined for a sentence: "A", "A and B", "A, B and C".
pub fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [a] => a.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The first year in which the new corridor carries freight in at least half of the
/// replications (its median tonnes are positive), or failing that in any replication.
pub fn opening_year(s: &Scenario, r: &Results) -> Option<i32> {
    let c = new_corridor(s)?;
    let ser = corridor_series(r, &s.corridors[c].id, "tonnes");
    ser.iter()
        .find(|(_, st)| st.p[2] > 0.0)
        .or_else(|| ser.iter().find(|(_, st)| st.mean > 0.0))
        .map(|(y, _)| *y)
}

/// The years some charts show: first year, the new corridor's opening year, last year.
pub fn key_years(s: &Scenario, r: &Results) -> Vec<i32> {
    let mut years = vec![s.first_year];
    if let Some(y) = opening_year(s, r) {
        years.push(y);
    }
    years.push(s.last_year);
    years.sort_unstable();
    years.dedup();
    years
}

/// Node names by id.
pub fn node_names(s: &Scenario) -> BTreeMap<&str, &str> {
    s.nodes
        .iter()
        .map(|n| (n.id.as_str(), n.name.as_str()))
        .collect()
}

/// A place name without its trailing note in brackets: "Tashkent (city, door-to-door)"
/// becomes "Tashkent".
pub fn short_place(name: &str) -> &str {
    match name.find(" (") {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// The largest finite value of `f` over `values`, or 0.
pub fn max_of<T>(values: impl IntoIterator<Item = T>, f: impl Fn(&T) -> f64) -> f64 {
    values
        .into_iter()
        .map(|v| f(&v))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(2.5), "2.5");
        assert_eq!(fmt_num(12000.0), "12,000");
        assert_eq!(fmt_num(1500.0), "1500");
        assert_eq!(fmt_num(0.0025), "0.0025");
        assert_eq!(fmt_num(-123456.0), "-123,456");
        assert_eq!(fmt_pct(0.123), "12%");
        assert_eq!(fmt_pct(0.004), "0.4%");
        assert_eq!(fmt_pct(0.02), "2%");
    }

    #[test]
    fn year_labels_stay_few() {
        let (r, labels) = year_axis(2025, 2045);
        assert_eq!(labels, vec![2025.0, 2030.0, 2035.0, 2040.0, 2045.0]);
        assert!(r.start < 2025.0 && r.end > 2045.0);
        assert_eq!(year_axis(2025, 2026).1, vec![2025.0, 2026.0]);
        assert_eq!(year_axis(2030, 2030).1, vec![2030.0]);
    }

    #[test]
    fn ramp_ends() {
        assert_eq!(utilization_color(0.0), RAMP[0]);
        assert_eq!(utilization_color(1.5), RAMP[8]);
        assert_eq!(utilization_color(f64::NAN), RAMP[0]);
    }
}
