//! `summary.json`: the run's metadata and headline figures. Keys are sorted and nothing
//! varies between runs of the same input (no timestamps, no absolute paths).

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::model::Scenario;
use crate::results::Results;

/// SHA-256 of the resolved scenario (after the `base` chain, defaults and validation).
/// The queue trace year acts only on queue points, so a scenario without them hashes
/// without it (as it did before the key existed).
pub fn scenario_hash(s: &Scenario) -> String {
    let mut text = format!("{s:?}");
    if s.queues.is_empty() {
        text = text.replacen(
            &format!(" queue_trace_year: {},", s.queue_trace_year),
            "",
            1,
        );
    }
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A number as JSON, rounded as in the CSV files; `null` when not finite.
pub(crate) fn num(v: f64) -> Value {
    if v.is_finite() {
        // Round-trip through the CSV formatting so JSON and CSV agree.
        crate::output::csv::fmt_num(v)
            .parse::<f64>()
            .map(Value::from)
            .unwrap_or(Value::Null)
    } else {
        Value::Null
    }
}

/// The summary document.
pub fn summary(s: &Scenario, r: &Results, seed: u64, requested: u64, warnings: &[String]) -> Value {
    let conv = &r.convergence;
    let (gap_i, ok_i) = (
        conv.metric("gap").unwrap_or(1),
        conv.metric("converged").unwrap_or(2),
    );
    let not_converged: Vec<Value> = conv
        .rows
        .iter()
        .filter(|row| row.stats[ok_i].mean < 1.0)
        .map(|row| json!({"year": row.keys[0], "share_of_replications_converged": num(row.stats[ok_i].mean)}))
        .collect();
    let max_gap = conv
        .rows
        .iter()
        .map(|row| row.stats[gap_i].p[4])
        .fold(0.0, f64::max);

    let t_i = r.corridors.metric("tonnes").unwrap_or(0);
    let sh_i = r.corridors.metric("share").unwrap_or(1);
    let mut corridors = Map::new();
    for row in &r.corridors.rows {
        let entry = corridors
            .entry(row.keys[1].clone())
            .or_insert_with(|| json!({"name": row.keys[2], "tonnes": {}, "tonnes_p5": {}, "tonnes_p95": {}, "share": {}}));
        let st = &row.stats[t_i];
        entry["tonnes"][&row.keys[0]] = num(st.mean);
        entry["tonnes_p5"][&row.keys[0]] = num(st.p[0]);
        entry["tonnes_p95"][&row.keys[0]] = num(st.p[4]);
        entry["share"][&row.keys[0]] = num(row.stats[sh_i].mean);
    }
    let rc = &s.route_choice;
    json!({
        "tool": "corridor-sim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": s.name,
        "title": s.title,
        "description": s.description,
        "scenario_sha256": scenario_hash(s),
        "seed": seed,
        "replications_requested": requested,
        "replications_simulated": r.replications,
        "stochastic_inputs": s.n_draws,
        "first_year": s.first_year,
        "last_year": s.last_year,
        "base_year": s.base_year,
        "route_choice": {
            "model": format!("{:?}", rc.model).to_lowercase(),
            "k_routes": rc.k_routes,
            "max_detour": rc.max_detour,
            "logit_scale_per_usd": rc.logit_scale_per_usd,
            "path_size": rc.path_size,
            "distinct_corridors": rc.distinct_corridors,
            "max_iterations": rc.max_iterations,
            "tolerance": rc.tolerance,
        },
        "convergence": {
            "all_years_converged": not_converged.is_empty(),
            "years_not_converged": not_converged,
            "largest_gap_p95": num(max_gap),
        },
        "percentiles": if r.sketched {
            format!("sketched, within {}% of the exact order statistics", crate::stats::SKETCH_ACCURACY * 100.0)
        } else {
            "exact (linear interpolation between order statistics, type 7)".to_string()
        },
        "corridors": corridors,
        "warnings": warnings,
    })
}

/// The summary of a comparison: both scenarios' identities and the change in each
/// corridor's tonnes by year (mean and 5-95% band of the paired difference).
pub fn comparison_summary(
    base: &Scenario,
    policy: &Scenario,
    c: &crate::compare::Comparison,
    seed: u64,
) -> Value {
    let t = &c.corridors;
    let ch = t.metric("tonnes_change").unwrap_or(2);
    let mut corridors = Map::new();
    for row in &t.rows {
        let entry = corridors
            .entry(row.keys[1].clone())
            .or_insert_with(|| json!({"name": row.keys[2], "tonnes_change": {}, "tonnes_change_p5": {}, "tonnes_change_p95": {}}));
        let st = &row.stats[ch];
        entry["tonnes_change"][&row.keys[0]] = num(st.mean);
        entry["tonnes_change_p5"][&row.keys[0]] = num(st.p[0]);
        entry["tonnes_change_p95"][&row.keys[0]] = num(st.p[4]);
    }
    let title = format!("{} vs {}", base.name, policy.name);
    let description = format!(
        "Policy \"{}\" against base \"{}\": change in each corridor's freight and each flow's cost and time",
        if policy.title.is_empty() {
            &policy.name
        } else {
            &policy.title
        },
        if base.title.is_empty() {
            &base.name
        } else {
            &base.title
        },
    );
    json!({
        "tool": "corridor-sim",
        "version": env!("CARGO_PKG_VERSION"),
        "kind": "comparison",
        "title": title,
        "description": description,
        "base": {"scenario": base.name, "title": base.title, "scenario_sha256": scenario_hash(base)},
        "policy": {"scenario": policy.name, "title": policy.title, "scenario_sha256": scenario_hash(policy)},
        "seed": seed,
        "replications_simulated": c.base.replications,
        "first_year": c.years.first(),
        "last_year": c.years.last(),
        "pairing": "replication by replication with common random numbers for shared inputs",
        "corridors": corridors,
    })
}
