//! `corridor calibrate`: fits the scenario's named calibration constants
//! (`[calibration] parameters`: corridor constants, border dwells, link tariffs and
//! times, demand sizes) to the observed measures of one year, by weighted least squares
//! on the relative differences, within bounds.
//!
//! Residual of measure i: sqrt(w_i) (model_i / observed_i - 1), with the model the
//! deterministic nominal run of that one year (no disruptions, every input at its
//! nominal value), so the fit is deterministic. The minimiser is `lsq` (bounded
//! Levenberg-Marquardt with a forward-difference Jacobian).
//!
//! Diagnostics: residuals before and after; which constants end at a bound; standard
//! errors from s² (JᵀJ)⁻¹ with s² = Σr² / (n - k) (Bates and Watts 1988, ch. 2; only
//! when there are more residuals than constants); and the singular values of the
//! Jacobian in bound-scaled units (a small one means some combination of constants is
//! not determined by the observations).

pub mod file;
pub mod lsq;

use crate::model::{CalibrationParameter, CalibrationTarget, Running, Scenario};
use crate::scenario::num::Param;
use crate::simulate::Engine;

/// Why a calibration cannot run.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CalibrateError {
    #[error(
        "the scenario has no constants to fit; add a [calibration] table with \
         parameters = [{{ key = \"links.<id>.time_h\", min = 0, max = 100 }}, ...]"
    )]
    NoParameters,
    #[error(
        "no measure has an observation in {0} with a weight above 0; add `observed = \
         [{{ year = {0}, tonnes = ... }}]` to some [[measures]] or pick another year with --year"
    )]
    NoObservations(i32),
    #[error("the year {year} is outside the scenario's horizon {first}-{last}")]
    YearOutside { year: i32, first: i32, last: i32 },
}

/// One fitted constant.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub parameter: CalibrationParameter,
    pub before: f64,
    pub after: f64,
    /// At (within 0.1% of the range of) its lower or upper bound.
    pub at_bound: Option<&'static str>,
    /// Standard error in the constant's unit (NaN when not estimable).
    pub std_error: f64,
}

/// One measure in the fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRow {
    pub measure: String,
    pub name: String,
    pub observed_t: f64,
    pub source: String,
    pub weight: f64,
    pub before_t: f64,
    pub after_t: f64,
}

/// The result of `calibrate`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub year: i32,
    pub constants: Vec<Fitted>,
    pub rows: Vec<FitRow>,
    /// Half the weighted sum of squared relative differences.
    pub cost_before: f64,
    pub cost_after: f64,
    pub iterations: usize,
    pub evaluations: usize,
    pub converged: bool,
    /// Singular values of the Jacobian (bound-scaled), largest first.
    pub singular_values: Vec<f64>,
}

/// The nominal value of a constant in `s`.
pub fn current_value(s: &Scenario, t: CalibrationTarget) -> f64 {
    let v = |p: &Param| p.value(None);
    match t {
        CalibrationTarget::CorridorConstant(c) => s.corridors[c].constant_usd_per_t,
        CalibrationTarget::BorderDwell(n) => v(&s.nodes[n].costs.border_dwell_h),
        CalibrationTarget::LinkTariff(l) => v(&s.links[l].tariff_usd_per_t),
        CalibrationTarget::LinkTime(l) => match &s.links[l].running {
            Running::FixedH(p) => v(p),
            Running::SpeedKmh(p) => v(&s.links[l].length_km) / v(p),
        },
        CalibrationTarget::DemandTonnes(d) => v(&s.demand[d].tonnes_per_year),
    }
}

/// Sets a constant in `s`.
pub fn set_value(s: &mut Scenario, t: CalibrationTarget, value: f64) {
    match t {
        CalibrationTarget::CorridorConstant(c) => s.corridors[c].constant_usd_per_t = value,
        CalibrationTarget::BorderDwell(n) => s.nodes[n].costs.border_dwell_h = Param::Fixed(value),
        CalibrationTarget::LinkTariff(l) => s.links[l].tariff_usd_per_t = Param::Fixed(value),
        CalibrationTarget::LinkTime(l) => {
            s.links[l].running = Running::FixedH(Param::Fixed(value));
        }
        CalibrationTarget::DemandTonnes(d) => s.demand[d].tonnes_per_year = Param::Fixed(value),
    }
}

/// Every measure's tonnes in `year` of the deterministic nominal run of `s`.
pub fn measure_tonnes(s: &Scenario, year: i32) -> Vec<f64> {
    let mut one = s.clone();
    one.first_year = year;
    one.last_year = year;
    let engine = Engine::new(&one);
    let years = engine.run(None);
    years[0].measures.iter().map(|m| m[0]).collect()
}

/// The year fitted: `--year`, else `[calibration] year`, else the first year.
pub fn fit_year(s: &Scenario, year: Option<i32>) -> i32 {
    year.or(s.calibration.year).unwrap_or(s.first_year)
}

/// How much tighter than the scenario's route-choice tolerance the fit solves each
/// equilibrium (see `calibrate`).
const FIT_TOLERANCE_FACTOR: f64 = 100.0;

/// Fits the constants of `s.calibration` to the observations of `year`.
pub fn calibrate(s: &Scenario, year: Option<i32>) -> Result<Fit, CalibrateError> {
    let year = fit_year(s, year);
    // Forward differences of the measures need them solved well below the size of a
    // difference: a route choice stopped anywhere within its tolerance moves them by
    // up to about that tolerance, which the Jacobian would read as a slope. The fit
    // solves each equilibrium `FIT_TOLERANCE_FACTOR` times tighter than the scenario.
    let tight;
    let s = if s.route_choice.tolerance > 0.0 {
        let mut t = s.clone();
        t.route_choice.tolerance /= FIT_TOLERANCE_FACTOR;
        tight = t;
        &tight
    } else {
        s
    };
    if year < s.first_year || year > s.last_year {
        return Err(CalibrateError::YearOutside {
            year,
            first: s.first_year,
            last: s.last_year,
        });
    }
    let params = &s.calibration.parameters;
    if params.is_empty() {
        return Err(CalibrateError::NoParameters);
    }
    // The measures fitted: observed in the year, weight above 0.
    let fitted: Vec<(usize, f64, f64)> = s
        .measures
        .iter()
        .enumerate()
        .filter(|(_, m)| m.weight > 0.0)
        .filter_map(|(i, m)| m.observed_in(year).map(|o| (i, o.tonnes, m.weight.sqrt())))
        .collect();
    if fitted.is_empty() {
        return Err(CalibrateError::NoObservations(year));
    }
    let range: Vec<f64> = params.iter().map(|p| p.max - p.min).collect();
    let to_value = |x: &[f64]| -> Vec<f64> {
        params
            .iter()
            .zip(x)
            .map(|(p, v)| p.min + v * (p.max - p.min))
            .collect()
    };
    let with = |values: &[f64]| {
        let mut t = s.clone();
        for (p, v) in params.iter().zip(values) {
            set_value(&mut t, p.target, *v);
        }
        t
    };
    let residuals = |tonnes: &[f64]| -> Vec<f64> {
        fitted
            .iter()
            .map(|&(i, obs, sw)| sw * (tonnes[i] / obs - 1.0))
            .collect()
    };
    let before_values: Vec<f64> = params.iter().map(|p| current_value(s, p.target)).collect();
    let before_t = measure_tonnes(s, year);
    let mut f = |x: &[f64]| residuals(&measure_tonnes(&with(&to_value(x)), year));
    let x0: Vec<f64> = params
        .iter()
        .zip(&before_values)
        .map(|(p, v)| ((v - p.min) / (p.max - p.min)).clamp(0.0, 1.0))
        .collect();
    let sol = lsq::minimize(&mut f, &x0, s.calibration.max_iterations.max(1));
    let after_values = to_value(&sol.x);
    let after_t = measure_tonnes(&with(&after_values), year);

    // Diagnostics.
    let (n, k) = (fitted.len(), params.len());
    let (jtj, _) = lsq::normal_equations(&sol.jacobian, &sol.residuals);
    let singular_values: Vec<f64> = lsq::symmetric_eigenvalues(&jtj)
        .into_iter()
        .map(|e| e.max(0.0).sqrt())
        .collect();
    let s2 = if n > k {
        2.0 * sol.cost / (n - k) as f64
    } else {
        f64::NAN
    };
    let inv = lsq::inverse(&jtj);
    let constants = params
        .iter()
        .enumerate()
        .map(|(c, p)| {
            let at_bound = if sol.x[c] <= 1e-3 {
                Some("min")
            } else if sol.x[c] >= 1.0 - 1e-3 {
                Some("max")
            } else {
                None
            };
            let std_error = match &inv {
                Some(inv) if inv[c][c] >= 0.0 => (s2 * inv[c][c]).sqrt() * range[c],
                _ => f64::INFINITY,
            };
            Fitted {
                parameter: p.clone(),
                before: before_values[c],
                after: after_values[c],
                at_bound,
                std_error,
            }
        })
        .collect();
    let rows = s
        .measures
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            m.observed_in(year).map(|o| FitRow {
                measure: m.id.clone(),
                name: m.name.clone(),
                observed_t: o.tonnes,
                source: o.source.clone(),
                weight: m.weight,
                before_t: before_t[i],
                after_t: after_t[i],
            })
        })
        .collect();
    Ok(Fit {
        year,
        constants,
        rows,
        cost_before: sol.cost_start,
        cost_after: sol.cost,
        iterations: sol.iterations,
        evaluations: sol.evaluations,
        converged: sol.converged,
        singular_values,
    })
}
