//! Charts of a run, drawn with plotters from the scenario and the results tables alone.
//!
//! Each chart kind lives in its own file as a pure function from (`&Scenario`,
//! `&Results`) to a drawing on any plotters backend. This module decides which charts a
//! run gets ([`plan`]), renders each to SVG and PNG, and names the files
//! (`charts/<stem>.svg`, `charts/<stem>.png`). Text is measured and rasterised with the
//! embedded DejaVu Sans, so rendering needs no installed font or system library, and
//! the SVG is byte-identical on every machine.
//!
//! Colours: a corridor has its `color` from the scenario, or failing that the next
//! colour of a fixed 12-colour palette (Okabe-Ito, then Paul Tol), the same in every
//! chart and every run; unserved demand is dark grey. Corridors that carry nothing in
//! any year are left out of the charts. Utilization uses the
//! ColorBrewer YlOrRd ramp; 90% and above marks a bottleneck.
//!
//! To add a chart: a file with its `draw` function, a [`Kind`] variant, a line in
//! [`plan`] (which may skip it when the results lack what it needs) and one in `draw`.

pub mod appraisal;
mod bands;
pub mod compare;
pub mod convergence;
pub mod corridor_share;
pub mod corridor_tonnes;
pub mod disruption_cost;
pub mod link_utilization;
pub mod measures;
pub mod network_map;
pub mod queue_trace;
pub mod queue_waits;
mod raster;
pub mod route_intervals;
pub mod select_link;
pub mod spider;
pub mod style;
pub mod sweep;
pub mod tornado;
pub mod unserved;

use std::path::PathBuf;

use plotters::prelude::*;
use rayon::prelude::*;

use crate::compare::Comparison;
use crate::model::Scenario;
use crate::results::Results;
use style::{Area, DrawError};

/// Default canvas, in pixels.
pub const WIDTH: u32 = 1600;
pub const HEIGHT: u32 = 1000;

/// Why charts could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The embedded font was rejected by the font loader.
    #[error("the embedded chart font (DejaVu Sans) could not be loaded")]
    Font,
    /// A drawing operation failed.
    #[error("cannot draw chart `{chart}`: {message}")]
    Draw { chart: String, message: String },
    /// The PNG encoder failed.
    #[error("cannot encode chart `{chart}` as PNG: {message}")]
    Png { chart: String, message: String },
}

/// The kinds of chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Tonnes by corridor over the years, with bands.
    CorridorTonnes,
    /// Share of each corridor, stacked, with the new corridor's band.
    CorridorShare,
    /// Generalized cost per route in the key years, as intervals.
    RouteCost,
    /// Transit time per route in the key years, as intervals.
    RouteTime,
    /// Link utilization, links by years, bottlenecks marked.
    LinkUtilization,
    /// The network in one year.
    Map { year: i32 },
    /// Equilibrium gap and iterations per year.
    Convergence,
    /// Unserved tonnes per year.
    Unserved,
    /// Added cost and unserved tonnes of disruptions per year.
    DisruptionCost,
    /// Measures against their observations.
    Measures,
    /// Waits at the queue points by year (fan chart).
    QueueWaits,
    /// The daily queue at each queue point in the trace year (small multiples).
    QueueTrace,
    /// Comparison: change in each corridor's tonnes over the years.
    ChangeTonnes,
    /// Comparison: where the new corridor's freight comes from in one year.
    Diversion { year: i32 },
    /// Comparison: change in cost and time of each flow in one year.
    FlowChange { year: i32 },
}

/// One chart of a run: what it shows, its file stem and size, and a caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub kind: Kind,
    /// File name without extension, under `charts/`.
    pub stem: String,
    /// One-line description for the report.
    pub caption: String,
    pub width: u32,
    pub height: u32,
}

impl Chart {
    fn new(kind: Kind, stem: impl Into<String>, caption: impl Into<String>) -> Chart {
        Chart {
            kind,
            stem: stem.into(),
            caption: caption.into(),
            width: WIDTH,
            height: HEIGHT,
        }
    }

    /// Relative path of the SVG file.
    pub fn svg_path(&self) -> PathBuf {
        PathBuf::from(format!("charts/{}.svg", self.stem))
    }

    /// Relative path of the PNG file.
    pub fn png_path(&self) -> PathBuf {
        PathBuf::from(format!("charts/{}.png", self.stem))
    }
}

/// The charts a run gets, in report order.
pub fn plan(s: &Scenario, r: &Results) -> Vec<Chart> {
    let mut out = vec![
        Chart::new(
            Kind::CorridorTonnes,
            "corridor_tonnes",
            "Freight carried by each corridor over the years.",
        ),
        Chart::new(
            Kind::CorridorShare,
            "corridor_share",
            "Share of demand carried by each corridor (stacked).",
        ),
    ];
    let years = style::key_years(s, r);
    let years_txt = years
        .iter()
        .map(|y| y.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let groups = route_intervals::rows(s, r, &years);
    if !groups.is_empty() {
        let height = route_intervals::height(&groups);
        let mut cost = Chart::new(
            Kind::RouteCost,
            "route_cost",
            format!("Generalized cost of the main routes in {years_txt}."),
        );
        cost.height = height;
        let mut time = Chart::new(
            Kind::RouteTime,
            "route_time",
            format!("Transit time of the main routes in {years_txt}."),
        );
        time.height = height;
        out.push(cost);
        out.push(time);
    }
    let heat = link_utilization::layout(s, r);
    if !heat.links.is_empty() {
        let mut c = Chart::new(
            Kind::LinkUtilization,
            "link_utilization",
            "Utilization of each link by year; 90% and above marks a bottleneck.",
        );
        c.height = heat.height;
        out.push(c);
    }
    for y in &years {
        out.push(Chart::new(
            Kind::Map { year: *y },
            format!("map_{y}"),
            format!("The network in {y}: freight carried and link utilization."),
        ));
    }
    out.push(Chart::new(
        Kind::Convergence,
        "convergence",
        "Equilibrium convergence per year: gap and iterations.",
    ));
    if style::carries(r, "unserved") {
        out.push(Chart::new(
            Kind::Unserved,
            "unserved",
            "Demand left unserved by year.",
        ));
    }
    let measure_rows = measures::rows(s, r);
    if !measure_rows.is_empty() {
        let mut c = Chart::new(
            Kind::Measures,
            "measures",
            "The model against observed volumes: each measure's tonnes and the counted figure.",
        );
        c.height = measures::height(measure_rows.len());
        out.push(c);
    }
    if r.disruptions.is_some() {
        out.push(Chart::new(
            Kind::DisruptionCost,
            "disruption_cost",
            "What disruptions cost each year: added generalized cost and added unserved demand.",
        ));
    }
    if r.queues.is_some() {
        out.push(Chart::new(
            Kind::QueueWaits,
            "queue_waits",
            "Mean waiting time at each queue point by year, with its 5–95% range.",
        ));
    }
    if r.queue_trace.is_some() {
        let mut c = Chart::new(
            Kind::QueueTrace,
            "queue_trace",
            format!(
                "The queue at the end of each day of {} at each queue point: median and bands over replications, disrupted days shaded.",
                s.queue_trace_year
            ),
        );
        c.height = queue_trace::height(s.queues.len());
        out.push(c);
    }
    out
}

/// Draws `chart` on `root`.
pub fn draw<DB: DrawingBackend>(
    chart: &Chart,
    root: &Area<DB>,
    s: &Scenario,
    r: &Results,
) -> Result<(), ChartError> {
    if !style::ensure_font() {
        return Err(ChartError::Font);
    }
    let drawn = match chart.kind {
        Kind::ChangeTonnes | Kind::Diversion { .. } | Kind::FlowChange { .. } => Err(DrawError(
            "a comparison chart needs two scenarios (see draw_comparison)".into(),
        )),
        Kind::CorridorTonnes => corridor_tonnes::draw(root, s, r),
        Kind::CorridorShare => corridor_share::draw(root, s, r),
        Kind::RouteCost => route_intervals::draw(root, s, r, route_intervals::Measure::Cost),
        Kind::RouteTime => route_intervals::draw(root, s, r, route_intervals::Measure::Time),
        Kind::LinkUtilization => link_utilization::draw(root, s, r),
        Kind::Map { year } => network_map::draw(root, s, r, year),
        Kind::Convergence => convergence::draw(root, s, r),
        Kind::Unserved => unserved::draw(root, s, r),
        Kind::DisruptionCost => disruption_cost::draw(root, s, r),
        Kind::Measures => measures::draw(root, s, r),
        Kind::QueueWaits => queue_waits::draw(root, s, r),
        Kind::QueueTrace => queue_trace::draw(root, s, r),
    };
    drawn
        .and_then(|_| root.present().map_err(DrawError::from))
        .map_err(|DrawError(message)| ChartError::Draw {
            chart: chart.stem.clone(),
            message,
        })
}

/// The charts of a comparison, in report order.
pub fn plan_comparison(base: &Scenario, policy: &Scenario, c: &Comparison) -> Vec<Chart> {
    let mut out = vec![Chart::new(
        Kind::ChangeTonnes,
        "change_tonnes",
        "Change in freight carried by each corridor: the new corridor's gain and the other corridors' losses.",
    )];
    if let Some(year) = compare::focus_year(c) {
        let mut d = Chart::new(
            Kind::Diversion { year },
            format!("diversion_{year}"),
            format!("Where the new corridor's freight comes from in {year}, corridor by corridor."),
        );
        d.height = compare::diversion_height(base, policy, c);
        let mut f = Chart::new(
            Kind::FlowChange { year },
            format!("flow_change_{year}"),
            format!("Change in generalized cost and transit time of each flow in {year}."),
        );
        f.height = compare::flows_height(base, policy, c);
        out.push(d);
        out.push(f);
    }
    out
}

/// Draws a comparison chart on `root`.
pub fn draw_comparison<DB: DrawingBackend>(
    chart: &Chart,
    root: &Area<DB>,
    base: &Scenario,
    policy: &Scenario,
    c: &Comparison,
) -> Result<(), ChartError> {
    if !style::ensure_font() {
        return Err(ChartError::Font);
    }
    let drawn = match chart.kind {
        Kind::ChangeTonnes => compare::draw_tonnes(root, base, policy, c),
        Kind::Diversion { year } => compare::draw_diversion(root, base, policy, c, year),
        Kind::FlowChange { year } => compare::draw_flows(root, base, policy, c, year),
        _ => Err(DrawError(
            "a run chart needs a run's results (see draw)".into(),
        )),
    };
    drawn
        .and_then(|_| root.present().map_err(DrawError::from))
        .map_err(|DrawError(message)| ChartError::Draw {
            chart: chart.stem.clone(),
            message,
        })
}

/// A comparison chart as SVG text.
pub fn render_comparison_svg(
    chart: &Chart,
    base: &Scenario,
    policy: &Scenario,
    c: &Comparison,
) -> Result<String, ChartError> {
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (chart.width, chart.height)).into_drawing_area();
        draw_comparison(chart, &root, base, policy, c)?;
    }
    Ok(out)
}

/// The comparison charts as SVG and PNG files, in order (drawn in parallel).
pub fn render_comparison_charts(
    charts: &[Chart],
    base: &Scenario,
    policy: &Scenario,
    c: &Comparison,
) -> Result<Vec<(PathBuf, Vec<u8>)>, ChartError> {
    type Pair = [(PathBuf, Vec<u8>); 2];
    let rendered: Vec<Result<Pair, ChartError>> = charts
        .par_iter()
        .map(|ch| {
            let svg = render_comparison_svg(ch, base, policy, c)?;
            let (w, h) = (ch.width, ch.height);
            let mut rgb = vec![255u8; w as usize * h as usize * 3];
            {
                let root = raster::Raster::with_buffer(&mut rgb, (w, h)).into_drawing_area();
                draw_comparison(ch, &root, base, policy, c)?;
            }
            let png = encode_png(&rgb, w, h).map_err(|e| ChartError::Png {
                chart: ch.stem.clone(),
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

/// The chart as SVG text.
pub fn render_svg(chart: &Chart, s: &Scenario, r: &Results) -> Result<String, ChartError> {
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (chart.width, chart.height)).into_drawing_area();
        draw(chart, &root, s, r)?;
    }
    Ok(out)
}

/// The chart as PNG bytes.
pub fn render_png(chart: &Chart, s: &Scenario, r: &Results) -> Result<Vec<u8>, ChartError> {
    let (w, h) = (chart.width, chart.height);
    let mut rgb = vec![255u8; w as usize * h as usize * 3];
    {
        let root = raster::Raster::with_buffer(&mut rgb, (w, h)).into_drawing_area();
        draw(chart, &root, s, r)?;
    }
    encode_png(&rgb, w, h).map_err(|e| ChartError::Png {
        chart: chart.stem.clone(),
        message: e.to_string(),
    })
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header()?;
        writer.write_image_data(rgb)?;
    }
    Ok(out)
}

/// Every chart of the run as SVG and PNG files under `charts/`, in plan order.
pub fn render_all(s: &Scenario, r: &Results) -> Result<Vec<(PathBuf, Vec<u8>)>, ChartError> {
    render_charts(&plan(s, r), s, r)
}

/// The given charts as SVG and PNG files, in order (drawn in parallel).
pub fn render_charts(
    charts: &[Chart],
    s: &Scenario,
    r: &Results,
) -> Result<Vec<(PathBuf, Vec<u8>)>, ChartError> {
    type Pair = [(PathBuf, Vec<u8>); 2];
    let rendered: Vec<Result<Pair, ChartError>> = charts
        .par_iter()
        .map(|c| {
            let svg = render_svg(c, s, r)?;
            let png = render_png(c, s, r)?;
            Ok([(c.svg_path(), svg.into_bytes()), (c.png_path(), png)])
        })
        .collect();
    let mut files = Vec::with_capacity(charts.len() * 2);
    for pair in rendered {
        files.extend(pair?);
    }
    Ok(files)
}

/// A chart drawn from data other than a run's results (sensitivity, sweeps): anything
/// that can draw itself on any backend.
pub trait Figure: Sync {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> style::Drawn;
}

/// A `Figure` as `charts/<stem>.svg` and `charts/<stem>.png` of `width` x `height` pixels.
pub fn render_figure<F: Figure>(
    stem: &str,
    width: u32,
    height: u32,
    f: &F,
) -> Result<[(PathBuf, Vec<u8>); 2], ChartError> {
    if !style::ensure_font() {
        return Err(ChartError::Font);
    }
    let err = |DrawError(message)| ChartError::Draw {
        chart: stem.to_string(),
        message,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        f.draw(&root)
            .and_then(|_| root.present().map_err(DrawError::from))
            .map_err(err)?;
    }
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = raster::Raster::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        f.draw(&root)
            .and_then(|_| root.present().map_err(DrawError::from))
            .map_err(err)?;
    }
    let png = encode_png(&rgb, width, height).map_err(|e| ChartError::Png {
        chart: stem.to_string(),
        message: e.to_string(),
    })?;
    Ok([
        (
            PathBuf::from(format!("charts/{stem}.svg")),
            svg.into_bytes(),
        ),
        (PathBuf::from(format!("charts/{stem}.png")), png),
    ])
}
