//! Economic and financial appraisal of a policy against a base: does the corridor pay,
//! how sure is that, and for whom.
//!
//! Built on `compare::compare_observed`: both scenarios run replication by replication
//! with common random numbers, and each pair is appraised within its replication
//! (`replication`) before anything is summarised, so every band is a band of the paired
//! result. Parts: `inputs` (the `[appraisal]` section), `cashflow` (NPV, IRR, switching
//! values), `surplus` (logsum and rule of a half), `emissions` (CO2e from tonne-km),
//! `replication` (stakeholders and cash flows of one pair), `interdependence` (the
//! country view of trade routes).

pub mod cashflow;
pub mod emissions;
pub mod inputs;
pub mod interdependence;
pub mod replication;
pub mod surplus;

use rayon::prelude::*;

use crate::compare::{CompareError, Comparison, PairedChunk, compare_observed};
use crate::model::Scenario;
use crate::results::{Row, Table};
use crate::runner::RunOptions;
use crate::stats::{Acc, Summary};
use inputs::{Appraisal, Stakeholder};
use interdependence::Metas;
use replication::{HEADLINES, Pair, RepOut, Setup, YEAR_LINES, appraise_pair};

/// Metrics of `stakeholders.csv`.
pub const STAKEHOLDER_METRICS: [&str; 1] = ["npv_musd"];
/// Metrics of `interdependence.csv`.
pub const INTERDEPENDENCE_METRICS: [&str; 6] = [
    "tonnes_base",
    "tonnes_policy",
    "tonnes_change",
    "share_base",
    "share_policy",
    "share_change",
];

/// Everything an appraisal finds.
#[derive(Debug, Clone)]
pub struct AppraisalResults {
    pub comparison: Comparison,
    pub inputs: Appraisal,
    /// By appraisal year: `replication::YEAR_LINES`, with bands.
    pub years: Table,
    /// NPV by stakeholder and country (with `all` rows), economic discount rate.
    pub stakeholders: Table,
    /// Transit tonnes and chokepoint exposure by country, base against policy.
    pub interdependence: Table,
    /// `replication::HEADLINES` over replications.
    pub headline: Vec<(&'static str, Summary)>,
    /// ENPV at each sensitivity rate.
    pub npv_at_rates: Vec<(f64, Summary)>,
    /// Every replication's ENPV (MUSD), in replication order.
    pub enpv_draws: Vec<f64>,
    pub p_enpv_negative: f64,
    pub p_eirr_below_hurdle: f64,
    /// Switching values (% change making the mean ENPV zero) and ADB sensitivity
    /// indicators for capital (net of residual), O&M and benefits.
    pub switching: Vec<(&'static str, f64, f64)>,
    /// The bank guidelines' standard tests (A16, A17), ENPV (MUSD, from mean present
    /// values, linear): capital +20%, benefits -20%, both, O&M +100%.
    pub standard_tests: Vec<(&'static str, f64)>,
    /// Whether shippers' surplus is the logsum (logit) or the rule of a half.
    pub surplus_measure: &'static str,
    pub seed: u64,
}

/// Appraises `policy` against `base` with the inputs `a`.
pub fn appraise(
    base: &Scenario,
    policy: &Scenario,
    a: &Appraisal,
    opts: &RunOptions,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<AppraisalResults, CompareError> {
    let seed = opts.seed.unwrap_or(base.seed);
    let setup = Setup::new(base, policy, a, seed);
    let n_years = (a.last_year - a.first_year + 1) as usize;
    let nk = setup.n_keys();
    let mut year_acc = vec![Acc::default(); n_years * YEAR_LINES.len()];
    let mut head_acc = vec![Acc::default(); HEADLINES.len()];
    let mut rate_acc = vec![Acc::default(); a.sensitivity_rates.len()];
    let nc = setup.countries.len();
    // Stakeholder x country, then stakeholder totals, then country totals, then total.
    let mut stake_acc = vec![Acc::default(); nk + Stakeholder::ALL.len() + nc + 1];
    let inter_years: Vec<usize> = setup
        .sim_years
        .iter()
        .enumerate()
        .filter(|(i, y)| **y % 5 == 0 || *i == 0 || *i + 1 == setup.sim_years.len())
        .map(|(i, _)| i)
        .collect();
    // Interdependence cells: per year shown, country, target (each other country, then
    // each chokepoint), the six `INTERDEPENDENCE_METRICS`.
    let ncc = nc - 1;
    let nch = a.chokepoints.len();
    let n_targets = ncc + nch;
    let mut inter_acc =
        vec![Acc::default(); inter_years.len() * ncc * n_targets * INTERDEPENDENCE_METRICS.len()];
    let mut enpv_draws = Vec::new();
    let (mut n_neg, mut n_below, mut n) = (0u64, 0u64, 0u64);
    let mut means = [0.0f64; 4]; // enpv, pv_capital, pv_om, pv_benefits
    let mut metas = Metas::default();
    let comparison = compare_observed(base, policy, opts, progress, &mut |chunk: &PairedChunk| {
        let (ib, ip) = (chunk.base.route_info(), chunk.policy.route_info());
        metas.extend(&setup, 0, &ib);
        metas.extend(&setup, 1, &ip);
        let outs: Vec<(RepOut, Vec<Vec<f64>>)> = chunk
            .pairs
            .par_iter()
            .enumerate()
            .map(|(i, (fb, fp))| {
                let pair = Pair {
                    rep: chunk.first + i as u64,
                    base: fb,
                    policy: fp,
                    info_b: &ib,
                    info_p: &ip,
                };
                let out = appraise_pair(&setup, &pair);
                let inter = inter_years
                    .iter()
                    .flat_map(|&y| {
                        [
                            interdependence::record(&setup, &metas, 0, &fb[setup.yb + y]),
                            interdependence::record(&setup, &metas, 1, &fp[setup.yp + y]),
                        ]
                    })
                    .collect();
                (out, inter)
            })
            .collect();
        for (out, inter) in outs {
            for (t, line) in out.years.iter().enumerate() {
                for (m, v) in line.iter().enumerate() {
                    year_acc[t * YEAR_LINES.len() + m].push(*v);
                }
            }
            for (acc, v) in head_acc.iter_mut().zip(&out.headline) {
                acc.push(*v);
            }
            for (acc, v) in rate_acc.iter_mut().zip(&out.npv_at_rates) {
                acc.push(*v);
            }
            let mut totals = vec![0.0; Stakeholder::ALL.len() + nc + 1];
            for (k, v) in out.stake_pv.iter().enumerate() {
                stake_acc[k].push(*v);
                totals[k / nc] += v;
                totals[Stakeholder::ALL.len() + k % nc] += v;
                totals[Stakeholder::ALL.len() + nc] += v;
            }
            for (k, v) in totals.iter().enumerate() {
                stake_acc[nk + k].push(*v);
            }
            for yi in 0..inter_years.len() {
                let (rb, rp) = (&inter[2 * yi], &inter[2 * yi + 1]);
                let trade = |r: &[f64], c: usize| r[ncc * ncc + ncc * nch + c];
                for c in 0..ncc {
                    for t in 0..n_targets {
                        let i = if t < ncc {
                            c * ncc + t
                        } else {
                            ncc * ncc + c * nch + (t - ncc)
                        };
                        let share = |r: &[f64]| {
                            let tr = trade(r, c);
                            if tr > 0.0 { r[i] / tr } else { 0.0 }
                        };
                        let (sb, sp) = (share(rb), share(rp));
                        let at = ((yi * ncc + c) * n_targets + t) * INTERDEPENDENCE_METRICS.len();
                        for (m, v) in [rb[i], rp[i], rp[i] - rb[i], sb, sp, sp - sb]
                            .into_iter()
                            .enumerate()
                        {
                            inter_acc[at + m].push(v);
                        }
                    }
                }
            }
            let enpv = out.headline[0];
            let eirr = out.headline[1];
            enpv_draws.push(enpv);
            n += 1;
            n_neg += u64::from(enpv < 0.0);
            let below = if eirr.is_nan() {
                enpv < 0.0
            } else {
                eirr < a.hurdle_rate
            };
            n_below += u64::from(below);
            for (m, v) in means
                .iter_mut()
                .zip([enpv, out.pv_capital, out.pv_om, out.headline[6]])
            {
                *m += v;
            }
        }
        // Bounded memory, as in `compare`: past the budget every figure is sketched.
        let per_rep =
            year_acc.len() + head_acc.len() + rate_acc.len() + stake_acc.len() + inter_acc.len();
        if n as usize * per_rep > opts.exact_values.unwrap_or(crate::stats::EXACT_BUDGET) {
            year_acc
                .iter_mut()
                .chain(head_acc.iter_mut())
                .chain(rate_acc.iter_mut())
                .chain(stake_acc.iter_mut())
                .chain(inter_acc.iter_mut())
                .for_each(Acc::switch_to_sketch);
        }
    })?;
    let nf = n.max(1) as f64;
    let [enpv_m, cap_m, om_m, ben_m] = means.map(|m| m / nf);
    let sv = |pv: f64| cashflow::switching_value_pct(enpv_m, pv);
    // Present values of capital are net of residual and entered as costs (positive).
    let standard_tests = vec![
        ("capital_plus_20pct", enpv_m - 0.2 * cap_m),
        ("benefits_minus_20pct", enpv_m - 0.2 * ben_m),
        (
            "capital_plus_20pct_and_benefits_minus_20pct",
            enpv_m - 0.2 * cap_m - 0.2 * ben_m,
        ),
        ("om_plus_100pct", enpv_m - om_m),
    ];
    let switching = vec![
        (
            "capital",
            sv(-cap_m),
            cashflow::sensitivity_indicator(sv(-cap_m)),
        ),
        ("om", sv(-om_m), cashflow::sensitivity_indicator(sv(-om_m))),
        (
            "benefits",
            sv(ben_m),
            cashflow::sensitivity_indicator(sv(ben_m)),
        ),
    ];

    let mut years = Table {
        name: "appraisal",
        key_columns: vec!["year", "basis"],
        metrics: YEAR_LINES.to_vec(),
        rows: Vec::new(),
    };
    let first_sim = setup.sim_years[0];
    let last_sim = *setup.sim_years.last().unwrap_or(&first_sim);
    for (t, year) in setup.appraisal_years().enumerate() {
        let basis = if year < first_sim {
            "before simulation"
        } else if year <= last_sim {
            "simulated"
        } else {
            "extended"
        };
        years.rows.push(Row {
            keys: vec![year.to_string(), basis.into()],
            stats: year_acc[t * YEAR_LINES.len()..(t + 1) * YEAR_LINES.len()]
                .iter_mut()
                .map(Acc::summary)
                .collect(),
        });
    }
    let mut stakeholders = Table {
        name: "stakeholders",
        key_columns: vec!["stakeholder", "country"],
        metrics: STAKEHOLDER_METRICS.to_vec(),
        rows: Vec::new(),
    };
    for (k, acc) in stake_acc.iter_mut().enumerate() {
        let (s, c) = if k < nk {
            (
                Stakeholder::ALL[k / nc].name(),
                setup.countries[k % nc].as_str(),
            )
        } else if k < nk + Stakeholder::ALL.len() {
            (Stakeholder::ALL[k - nk].name(), "all")
        } else if k < nk + Stakeholder::ALL.len() + nc {
            (
                "all",
                setup.countries[k - nk - Stakeholder::ALL.len()].as_str(),
            )
        } else {
            ("all", "all")
        };
        let st = acc.summary();
        if k < nk && st.mean == 0.0 && st.sd == 0.0 {
            continue;
        }
        if k >= nk + Stakeholder::ALL.len() && c == "world" && st.mean == 0.0 {
            continue;
        }
        stakeholders.rows.push(Row {
            keys: vec![s.into(), c.into()],
            stats: vec![st],
        });
    }
    let mut interdependence = Table {
        name: "interdependence",
        key_columns: vec!["year", "country", "kind", "through"],
        metrics: INTERDEPENDENCE_METRICS.to_vec(),
        rows: Vec::new(),
    };
    for (yi, &y) in inter_years.iter().enumerate() {
        for c in 0..ncc {
            for t in 0..n_targets {
                if t == c {
                    continue;
                }
                let at = ((yi * ncc + c) * n_targets + t) * INTERDEPENDENCE_METRICS.len();
                let stats: Vec<Summary> = inter_acc[at..at + INTERDEPENDENCE_METRICS.len()]
                    .iter_mut()
                    .map(Acc::summary)
                    .collect();
                let nothing = |st: &Summary| st.mean == 0.0 && st.sd == 0.0;
                if nothing(&stats[0]) && nothing(&stats[1]) {
                    continue;
                }
                let (kind, through) = if t < ncc {
                    ("transit", setup.countries[t].clone())
                } else {
                    ("chokepoint", a.chokepoints[t - ncc].id.clone())
                };
                interdependence.rows.push(Row {
                    keys: vec![
                        setup.sim_years[y].to_string(),
                        setup.countries[c].clone(),
                        kind.into(),
                        through,
                    ],
                    stats,
                });
            }
        }
    }
    Ok(AppraisalResults {
        headline: HEADLINES
            .iter()
            .zip(head_acc.iter_mut())
            .map(|(h, acc)| (*h, acc.summary()))
            .collect(),
        npv_at_rates: a
            .sensitivity_rates
            .iter()
            .zip(rate_acc.iter_mut())
            .map(|(r, acc)| (*r, acc.summary()))
            .collect(),
        p_enpv_negative: n_neg as f64 / nf,
        p_eirr_below_hurdle: n_below as f64 / nf,
        switching,
        standard_tests,
        surplus_measure: if policy.route_choice.model == crate::model::ChoiceModel::Logit {
            "logsum"
        } else {
            "rule of a half"
        },
        enpv_draws,
        comparison,
        inputs: a.clone(),
        years,
        stakeholders,
        interdependence,
        seed,
    })
}
