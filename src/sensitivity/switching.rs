//! Switching values: the value of an input at which an output falls below a threshold
//! (a number, or another output: "the new corridor carries less than BTK"). ADB's
//! switching value [V10], research sheet `sensitivity.md` §2: SV = 100 (x* - x0) / x0,
//! the % change from the nominal value x0 that makes the criterion switch.
//!
//! With g(x) = output(x) - threshold(x) averaged over the replications, the first grid
//! interval of the sweep where mean g goes from >= 0 to < 0 is refined by bisection on
//! the input, each step running all replications with the same seeds (common random
//! numbers), to 1/1024 of the grid step. The band: each replication's own crossing,
//! located by linear interpolation of its g between the input values evaluated (the grid
//! and the bisection steps, which crowd around the mean crossing), summarised by
//! percentiles; replications already below at the start of the range count at its
//! start, those never below are reported apart.

use super::sweep::{Point, criterion, run_points};
use crate::model::Scenario;
use crate::scenario::study::Sweep;
use crate::stats::Summary;

/// Bisection steps after the grid.
pub const STEPS: usize = 10;

/// A switching value with its band.
#[derive(Debug, Clone, PartialEq)]
pub struct Switching {
    /// Where mean g crosses 0 (`None`: it does not fall below in the range).
    pub value: Option<f64>,
    /// Already below at the first grid value.
    pub below_at_start: bool,
    /// Nominal value of the input and the ADB switching value in % of it.
    pub nominal: f64,
    pub percent_change: Option<f64>,
    /// Per-replication crossings (finite ones) summarised.
    pub band: Summary,
    /// Replications whose output never falls below in the range.
    pub never: usize,
    pub replications: usize,
    /// Input values evaluated, with mean g at each, sorted by input value.
    pub evaluated: Vec<(f64, f64)>,
}

fn mean(v: &[f64]) -> f64 {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if f.is_empty() {
        f64::NAN
    } else {
        f.iter().sum::<f64>() / f.len() as f64
    }
}

/// The first crossing from >= 0 to < 0 of g sampled at sorted `xs`, by interpolation.
fn first_crossing(xs: &[f64], g: &[f64]) -> Option<f64> {
    if g.first().is_some_and(|v| *v < 0.0) {
        return Some(xs[0]);
    }
    (1..xs.len()).find_map(|i| {
        (g[i - 1] >= 0.0 && g[i] < 0.0).then(|| {
            let t = g[i - 1] / (g[i - 1] - g[i]);
            xs[i - 1] + t * (xs[i] - xs[i - 1])
        })
    })
}

/// Finds the switching value along the sweep's (only) input.
pub fn find(
    s: &Scenario,
    sweep: &Sweep,
    grid: &[Point],
    reps: u64,
    seed: u64,
    threads: Option<usize>,
) -> Result<Switching, rayon::ThreadPoolBuildError> {
    let mut pts: Vec<(f64, Vec<f64>)> = grid
        .iter()
        .map(|p| (p.values[0], criterion(sweep, p)))
        .collect();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    let g_mean = |p: &[(f64, Vec<f64>)]| -> Vec<f64> { p.iter().map(|(_, g)| mean(g)).collect() };
    let means = g_mean(&pts);
    let below_at_start = means.first().is_some_and(|m| *m < 0.0);
    let bracket = (1..pts.len()).find(|&i| means[i - 1] >= 0.0 && means[i] < 0.0);
    let mut value = if below_at_start { Some(pts[0].0) } else { None };
    if let Some(i) = bracket {
        let (mut lo, mut hi) = (pts[i - 1].0, pts[i].0);
        for _ in 0..STEPS {
            let mid = 0.5 * (lo + hi);
            let p = run_points(s, sweep, &[vec![mid]], reps, seed, threads, &mut |_, _| {})?;
            let g = criterion(sweep, &p[0]);
            let m = mean(&g);
            pts.push((mid, g));
            if m >= 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        // The crossing of the mean, interpolated inside the last bracket.
        let means = g_mean(&pts);
        value = first_crossing(&pts.iter().map(|p| p.0).collect::<Vec<_>>(), &means)
            .map(|x| x.clamp(lo, hi));
    }
    let xs: Vec<f64> = pts.iter().map(|p| p.0).collect();
    let n = pts.first().map_or(0, |p| p.1.len());
    let mut crossings = Vec::new();
    let mut never = 0;
    for r in 0..n {
        let g: Vec<f64> = pts.iter().map(|p| p.1[r]).collect();
        match first_crossing(&xs, &g) {
            Some(x) => crossings.push(x),
            None => never += 1,
        }
    }
    let nominal = sweep.inputs[0].nominal;
    Ok(Switching {
        value,
        below_at_start,
        nominal,
        percent_change: value
            .filter(|_| nominal.is_finite() && nominal != 0.0)
            .map(|x| 100.0 * (x - nominal) / nominal),
        band: Summary::of(&mut crossings),
        never,
        replications: n,
        evaluated: xs.iter().copied().zip(g_mean(&pts)).collect(),
    })
}
