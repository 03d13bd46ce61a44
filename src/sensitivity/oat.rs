//! One-at-a-time sensitivity: the tornado and the spider. Every draw is set to its
//! median (uniform 0.5) and disruptions are off; then one factor at a time moves: a
//! draw to its 10th and 90th percentile (tornado) and to the 30th and 70th (spider), a
//! disruption on (it strikes every year of its window for its median duration). The
//! swing of an output is |Y(p90) - Y(p10)| (or |Y(on) - Y(off)|); bars are sorted by it.
//! Research sheet `sensitivity.md` §1 (Crystal Ball's tornado tool [V8]: p10-p90 with
//! the others at their medians; spider at 10/30/50/70/90).
//!
//! Cost: 1 + 4k + m replications for k draws and m disruptions, run through
//! `runner::replicate` like every run. OAT ignores interactions and depends on the
//! base point; the rank measures and Sobol' indices do not.

use super::{Factor, factor_columns, factors, output_value};
use crate::model::Scenario;
use crate::runner::replicate;
use crate::scenario::overrides::draw_value;
use crate::scenario::study::OutputSpec;
use crate::simulate::Engine;

/// The percentiles of a draw the spider visits (0.5 is the base).
pub const SPIDER: [f64; 5] = [0.1, 0.3, 0.5, 0.7, 0.9];

/// One factor's bar for one output.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Index into the factor list.
    pub factor: usize,
    /// Output at the low setting (p10, or disruption off) and at the high one.
    pub low: f64,
    pub high: f64,
    /// The input's value at the low and high setting (NaN for a disruption).
    pub input_low: f64,
    pub input_high: f64,
}

impl Bar {
    pub fn swing(&self) -> f64 {
        let w = (self.high - self.low).abs();
        if w.is_finite() { w } else { 0.0 }
    }
}

/// The tornado and spider of every output.
#[derive(Debug, Clone, PartialEq)]
pub struct Oat {
    /// Output at the base point (all medians, no disruption), per output.
    pub base: Vec<f64>,
    /// Per output, the bars sorted by decreasing swing (ties by factor order).
    pub bars: Vec<Vec<Bar>>,
    /// Per output and draw factor (in factor order): the output at `SPIDER` percentiles.
    pub spider: Vec<Vec<(usize, [f64; 5])>>,
}

/// The base point: draws at their medians, disruptions never strike.
pub fn base_uniforms(s: &Scenario) -> Vec<f64> {
    let mut u = vec![0.5; s.n_uniforms()];
    for i in 0..s.n_years() * s.disruptions.len() {
        u[s.n_draws + 2 * i] = 1.0;
    }
    u
}

/// Runs the design and returns the tornado and spider for `outputs`.
#[allow(clippy::needless_range_loop)] // rows of `y` are indexed by design row and output
pub fn run(
    s: &Scenario,
    outputs: &[OutputSpec],
    threads: Option<usize>,
    known: Option<&Engine>,
) -> Result<Oat, rayon::ThreadPoolBuildError> {
    let fs = factors(s);
    let base = base_uniforms(s);
    // Rows: base, then per draw p10, p30, p70, p90, then per disruption "on".
    let mut rows: Vec<Vec<f64>> = vec![base.clone()];
    for f in &fs {
        match f {
            Factor::Draw { slot } => {
                for p in [0.1, 0.3, 0.7, 0.9] {
                    let mut u = base.clone();
                    u[*slot] = p;
                    rows.push(u);
                }
            }
            Factor::Disruption { .. } => {
                let mut u = base.clone();
                for (i, c) in factor_columns(s, f).into_iter().enumerate() {
                    u[c] = if i % 2 == 0 { 0.0 } else { 0.5 };
                }
                rows.push(u);
            }
        }
    }
    // The candidate routes of a study just run (`known`) are the ones these runs need.
    let engine = match known {
        Some(other) => Engine::new(s).with_route_sets_of(other),
        None => Engine::new(s),
    };
    let mut y: Vec<Vec<f64>> = Vec::with_capacity(rows.len());
    replicate(
        rows.len() as u64,
        threads,
        &mut |_, _| {},
        |i| {
            let years = engine.run(Some(&rows[i as usize]));
            outputs
                .iter()
                .map(|o| output_value(s, o, &years))
                .collect::<Vec<f64>>()
        },
        |chunk| y.extend(chunk),
    )?;
    let mut oat = Oat {
        base: y[0].clone(),
        bars: Vec::new(),
        spider: Vec::new(),
    };
    for o in 0..outputs.len() {
        let mut bars = Vec::new();
        let mut spider = Vec::new();
        let mut row = 1;
        for (fi, f) in fs.iter().enumerate() {
            match f {
                Factor::Draw { slot } => {
                    let v = |k: usize| y[row + k][o];
                    bars.push(Bar {
                        factor: fi,
                        low: v(0),
                        high: v(3),
                        input_low: draw_value(s, *slot, 0.1).unwrap_or(f64::NAN),
                        input_high: draw_value(s, *slot, 0.9).unwrap_or(f64::NAN),
                    });
                    spider.push((fi, [v(0), v(1), y[0][o], v(2), v(3)]));
                    row += 4;
                }
                Factor::Disruption { .. } => {
                    bars.push(Bar {
                        factor: fi,
                        low: y[0][o],
                        high: y[row][o],
                        input_low: f64::NAN,
                        input_high: f64::NAN,
                    });
                    row += 1;
                }
            }
        }
        bars.sort_by(|a, b| {
            b.swing()
                .total_cmp(&a.swing())
                .then(a.factor.cmp(&b.factor))
        });
        oat.bars.push(bars);
        oat.spider.push(spider);
    }
    Ok(oat)
}
