//! The files of an appraisal: `appraisal.csv` (cash flows by year), `stakeholders.csv`
//! (NPV by stakeholder and country), `interdependence.csv` (trade through other
//! countries and chokepoints), the comparison's change tables, `summary.json` with the
//! headline figures, the charts and `index.html`.

use std::path::PathBuf;

use serde_json::{Map, Value, json};

use super::csv;
use super::summary::{num, scenario_hash};
use crate::appraisal::AppraisalResults;
use crate::model::Scenario;
use crate::stats::Summary;

fn band(s: &Summary) -> Value {
    json!({"mean": num(s.mean), "p5": num(s.p[0]), "p50": num(s.p[2]), "p95": num(s.p[4])})
}

/// The headline figures.
pub fn appraisal_summary(base: &Scenario, policy: &Scenario, r: &AppraisalResults) -> Value {
    let a = &r.inputs;
    let mut headline = Map::new();
    for (name, s) in &r.headline {
        headline.insert(name.to_string(), band(s));
    }
    let mut rates = Map::new();
    for (rate, s) in &r.npv_at_rates {
        rates.insert(csv::fmt_num(*rate), band(s));
    }
    let mut switching = Map::new();
    for (name, sv, si) in &r.switching {
        switching.insert(
            name.to_string(),
            json!({"switching_value_pct": num(*sv), "sensitivity_indicator": num(*si)}),
        );
    }
    let mut tests = Map::new();
    for (name, v) in &r.standard_tests {
        tests.insert(name.to_string(), num(*v));
    }
    let st = &r.stakeholders;
    let mut by_country = Map::new();
    let mut by_stakeholder = Map::new();
    for row in &st.rows {
        if row.keys[0] == "all" && row.keys[1] != "all" {
            by_country.insert(row.keys[1].clone(), band(&row.stats[0]));
        } else if row.keys[1] == "all" && row.keys[0] != "all" {
            by_stakeholder.insert(row.keys[0].clone(), band(&row.stats[0]));
        }
    }
    json!({
        "tool": "corridor-sim",
        "version": env!("CARGO_PKG_VERSION"),
        "kind": "appraisal",
        "title": format!("Appraisal: {} vs {}", policy.name, base.name),
        "description": format!(
            "Economic and financial appraisal of \"{}\" against \"{}\", {}-{} at {}% real",
            if policy.title.is_empty() { &policy.name } else { &policy.title },
            if base.title.is_empty() { &base.name } else { &base.title },
            a.first_year, a.last_year, csv::fmt_num(a.discount_rate.nominal() * 100.0)
        ),
        "base": {"scenario": base.name, "scenario_sha256": scenario_hash(base)},
        "policy": {"scenario": policy.name, "scenario_sha256": scenario_hash(policy)},
        "seed": r.seed,
        "replications_simulated": r.enpv_draws.len(),
        "first_year": a.first_year,
        "last_year": a.last_year,
        "simulated_years": [r.comparison.years.first(), r.comparison.years.last()],
        "price_base_year": a.price_base_year,
        "discount_rate_nominal": num(a.discount_rate.nominal()),
        "financial_discount_rate_nominal": num(a.financial_discount_rate.nominal()),
        "hurdle_rate": num(a.hurdle_rate),
        "surplus_measure": r.surplus_measure,
        "units": "million USD at price_base_year prices unless named otherwise; CO2e in kt",
        "headline": headline,
        "p_enpv_negative": num(r.p_enpv_negative),
        "p_eirr_below_hurdle": num(r.p_eirr_below_hurdle),
        "enpv_at_rates_musd": rates,
        "switching_values": switching,
        "standard_tests_enpv_musd": tests,
        "npv_by_country_musd": by_country,
        "npv_by_stakeholder_musd": by_stakeholder,
    })
}

/// Every file of an appraisal, rendered to bytes.
pub fn render_appraisal(
    base: &Scenario,
    policy: &Scenario,
    r: &AppraisalResults,
) -> Result<Vec<(PathBuf, Vec<u8>)>, crate::charts::ChartError> {
    let c = &r.comparison;
    let mut files: Vec<(PathBuf, Vec<u8>)> = [
        &r.years,
        &r.stakeholders,
        &r.interdependence,
        &c.corridors,
        &c.od,
    ]
    .iter()
    .map(|t| (PathBuf::from(format!("{}.csv", t.name)), csv::to_csv(t)))
    .collect();
    let doc = appraisal_summary(base, policy, r);
    let mut json = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    json.push(b'\n');
    files.push((PathBuf::from("summary.json"), json));
    let charts = crate::charts::appraisal::plan(r);
    files.extend(crate::charts::appraisal::render(&charts, base, policy, r)?);
    let names: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    let page = crate::report::html::appraisal_index(base, policy, r, &charts, &names);
    files.push((PathBuf::from("index.html"), page.into_bytes()));
    Ok(files)
}
