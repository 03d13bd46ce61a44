//! Charts of a run, drawn with plotters from the scenario and the results tables alone.
//!
//! Each chart kind lives in its own file as a pure function from (`&Scenario`,
//! `&Results`) to a drawing on any plotters backend. This module decides which charts a
//! run gets ([`plan`]), renders each to SVG and PNG, and names the files
//! (`charts/<stem>.svg`, `charts/<stem>.png`). Text is measured and rasterised with the
//! embedded DejaVu Sans, so rendering needs no installed font or system library, and
//! the SVG is byte-identical on every machine.
//!
//! Colours: corridor `i` of `scenario.corridors` has colour `i` of a fixed Okabe-Ito
//! palette in every chart and every run; unserved demand is grey. Utilization uses the
//! ColorBrewer YlOrRd ramp; 90% and above marks a bottleneck.
//!
//! To add a chart: a file with its `draw` function, a [`Kind`] variant, a line in
//! [`plan`] (which may skip it when the results lack what it needs) and one in `draw`.

mod bands;
pub mod convergence;
pub mod corridor_share;
pub mod corridor_tonnes;
pub mod link_utilization;
pub mod network_map;
mod raster;
pub mod route_intervals;
pub mod style;
pub mod unserved;

use std::path::PathBuf;

use plotters::prelude::*;
use rayon::prelude::*;

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
    out.push(Chart::new(
        Kind::Unserved,
        "unserved",
        "Demand left unserved by year.",
    ));
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
        Kind::CorridorTonnes => corridor_tonnes::draw(root, s, r),
        Kind::CorridorShare => corridor_share::draw(root, s, r),
        Kind::RouteCost => route_intervals::draw(root, s, r, route_intervals::Measure::Cost),
        Kind::RouteTime => route_intervals::draw(root, s, r, route_intervals::Measure::Time),
        Kind::LinkUtilization => link_utilization::draw(root, s, r),
        Kind::Map { year } => network_map::draw(root, s, r, year),
        Kind::Convergence => convergence::draw(root, s, r),
        Kind::Unserved => unserved::draw(root, s, r),
    };
    drawn
        .and_then(|_| root.present().map_err(DrawError::from))
        .map_err(|DrawError(message)| ChartError::Draw {
            chart: chart.stem.clone(),
            message,
        })
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
