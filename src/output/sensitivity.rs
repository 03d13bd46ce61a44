//! The files of the sensitivity analyses: `sensitivity.csv` and its charts in a run's
//! folder; the folders of `corridor sweep`, `corridor sensitivity` and
//! `corridor select-link` (CSV, charts, `summary.json` so that the runs index lists
//! them, and `index.html`).

use std::path::PathBuf;

use super::csv::{fmt_num, quote};
use crate::charts::sweep::{SweepHeat, SweepLines};
use crate::charts::tornado::{RankChart, Tornado, height};
use crate::charts::{ChartError, WIDTH, render_figure};
use crate::model::Scenario;
use crate::results::Results;
use crate::sensitivity::RunSensitivity;
use crate::sensitivity::select_link::{Diversion, SelectLink};
use crate::sensitivity::sobol::{SobolResult, Z95};
use crate::sensitivity::sweep::SweepResult;
use crate::stats::PERCENTILE_NAMES;

type Files = Vec<(PathBuf, Vec<u8>)>;

fn note(s: &Scenario, reps: u64) -> String {
    format!(
        "corridor-sim {} · scenario \"{}\" · {} replication{}",
        env!("CARGO_PKG_VERSION"),
        s.name,
        reps,
        if reps == 1 { "" } else { "s" }
    )
}

/// `sensitivity.csv`, the tornado and rank charts of every output, and the report section
/// (without `charts`, the table alone: no chart is drawn).
pub fn run_files(
    s: &Scenario,
    r: &Results,
    sens: &RunSensitivity,
    charts_wanted: bool,
) -> Result<(Files, String), ChartError> {
    let mut csv = String::from(
        "output,output_label,input,spearman,srrc,contribution,rank_r2,replications,oat_base,oat_low,oat_high,oat_swing,input_p10,input_p90\n",
    );
    let mut files: Files = Vec::new();
    let mut charts: Vec<(String, String)> = Vec::new();
    for (o, t) in sens.ranks.iter().enumerate() {
        let m = &t.measures;
        for i in crate::charts::tornado::rank_order(t) {
            let bar = sens
                .oat
                .as_ref()
                .and_then(|oat| oat.bars[o].iter().find(|b| b.factor == i));
            let base = sens.oat.as_ref().map_or(f64::NAN, |oat| oat.base[o]);
            let f = |v: Option<f64>| v.map_or(String::new(), fmt_num);
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                quote(&t.output.name),
                quote(&t.output.label),
                quote(&sens.factor_names[i]),
                fmt_num(m.spearman[i]),
                fmt_num(m.srrc[i]),
                fmt_num(m.contribution[i]),
                fmt_num(m.r2),
                m.n,
                fmt_num(base),
                f(bar.map(|b| b.low)),
                f(bar.map(|b| b.high)),
                f(bar.map(|b| b.swing())),
                f(bar.map(|b| b.input_low)),
                f(bar.map(|b| b.input_high)),
            ));
        }
        if !charts_wanted {
            continue;
        }
        let n = m.spearman.len();
        let stem = format!("sensitivity_ranks_{o}");
        files.extend(render_figure(
            &stem,
            WIDTH,
            height(n),
            &RankChart {
                table: t.clone(),
                factor_names: sens.factor_names.clone(),
                note: note(s, r.replications),
            },
        )?);
        charts.push((
            stem,
            format!(
                "Rank correlation of each uncertain input with {}.",
                t.output.label
            ),
        ));
        if let Some(oat) = &sens.oat {
            let stem = format!("sensitivity_tornado_{o}");
            files.extend(render_figure(
                &stem,
                WIDTH,
                height(oat.bars[o].len()),
                &Tornado {
                    output_label: t.output.label.clone(),
                    tonnes: t.output.is_tonnes(),
                    base: oat.base[o],
                    bars: oat.bars[o].clone(),
                    factor_names: sens.factor_names.clone(),
                    note: format!(
                        "corridor-sim {} · scenario \"{}\" · one-at-a-time runs at the inputs' percentiles",
                        env!("CARGO_PKG_VERSION"),
                        s.name
                    ),
                },
            )?);
            charts.push((
                stem,
                format!(
                    "Tornado: {} with each input at its 10th and 90th percentile.",
                    t.output.label
                ),
            ));
            // The spider: draws only, in the tornado's order.
            let lines: Vec<(String, [f64; 5])> = oat.bars[o]
                .iter()
                .filter_map(|b| {
                    oat.spider[o]
                        .iter()
                        .find(|(f, _)| *f == b.factor)
                        .map(|(f, v)| (sens.factor_names[*f].clone(), *v))
                })
                .collect();
            if !lines.is_empty() {
                let stem = format!("sensitivity_spider_{o}");
                files.extend(render_figure(
                    &stem,
                    WIDTH,
                    1000,
                    &crate::charts::spider::Spider {
                        output_label: t.output.label.clone(),
                        tonnes: t.output.is_tonnes(),
                        lines,
                        note: note(s, r.replications),
                    },
                )?);
                charts.push((
                    stem,
                    format!(
                        "Spider: {} with each input at its 10th to 90th percentile.",
                        t.output.label
                    ),
                ));
            }
        }
    }
    files.push((PathBuf::from("sensitivity.csv"), csv.into_bytes()));
    let section = crate::report::sensitivity::run_section(sens, &charts);
    Ok((files, section))
}

fn summary_json(s: &Scenario, kind: &str, title: String, description: String) -> Vec<u8> {
    let doc = serde_json::json!({
        "kind": kind,
        "tool_version": env!("CARGO_PKG_VERSION"),
        "scenario": s.name,
        "title": title,
        "description": description,
        "first_year": s.first_year,
        "last_year": s.last_year,
    });
    let mut v = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    v.push(b'\n');
    v
}

/// The folder of a sweep.
pub fn sweep_files(s: &Scenario, r: &SweepResult) -> Result<Files, ChartError> {
    let sw = &r.sweep;
    let mut files: Files = Vec::new();
    let mut csv = String::new();
    for input in &sw.inputs {
        csv.push_str(&format!("{},", quote(&input.target.key)));
    }
    csv.push_str("output,mean,sd");
    for p in PERCENTILE_NAMES {
        csv.push_str(&format!(",{p}"));
    }
    csv.push('\n');
    for p in &r.points {
        for (o, out) in sw.outputs.iter().enumerate() {
            for v in &p.values {
                csv.push_str(&format!("{},", fmt_num(*v)));
            }
            let st = p.summary(o);
            csv.push_str(&format!(
                "{},{},{}",
                quote(&out.name),
                fmt_num(st.mean),
                fmt_num(st.sd)
            ));
            for q in st.p {
                csv.push_str(&format!(",{}", fmt_num(q)));
            }
            csv.push('\n');
        }
    }
    files.push((PathBuf::from("sweep.csv"), csv.into_bytes()));
    if let Some(sv) = &r.switching {
        let mut c = String::from(
            "input,output,below,switching_value,nominal,percent_change,below_at_start,replications,never_below,crossing_mean,crossing_p5,crossing_p50,crossing_p95\n",
        );
        let spec = sw.switch.as_ref().expect("switching implies a switch");
        let below = match &spec.below {
            crate::scenario::study::Threshold::Value(v) => fmt_num(*v),
            crate::scenario::study::Threshold::Output(o) => o.name.clone(),
        };
        c.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            quote(&sw.inputs[0].target.key),
            quote(&spec.output.name),
            quote(&below),
            sv.value.map_or(String::new(), fmt_num),
            fmt_num(sv.nominal),
            sv.percent_change.map_or(String::new(), fmt_num),
            sv.below_at_start,
            sv.replications,
            sv.never,
            fmt_num(sv.band.mean),
            fmt_num(sv.band.p[0]),
            fmt_num(sv.band.p[2]),
            fmt_num(sv.band.p[4]),
        ));
        c.push_str("\ninput_value,mean_output_minus_threshold\n");
        for (x, g) in &sv.evaluated {
            c.push_str(&format!("{},{}\n", fmt_num(*x), fmt_num(*g)));
        }
        files.push((PathBuf::from("switching.csv"), c.into_bytes()));
    }
    let mut charts = Vec::new();
    let title = format!(
        "{}{} as {} {}",
        sw.outputs
            .first()
            .map_or("Outputs".to_string(), |o| o.label.clone()),
        match sw.outputs.len() {
            0 | 1 => String::new(),
            2 => format!(" and {}", sw.outputs[1].label),
            n => format!(" and {} more outputs", n - 1),
        },
        sw.inputs
            .iter()
            .map(|i| i.target.key.as_str())
            .collect::<Vec<_>>()
            .join(" and "),
        if sw.inputs.len() == 1 {
            "varies"
        } else {
            "vary"
        }
    );
    let n = note(s, r.replications);
    if sw.inputs.len() == 1 {
        files.extend(render_figure(
            "sweep",
            WIDTH,
            1000,
            &SweepLines {
                result: r,
                title: title.clone(),
                note: n,
            },
        )?);
        charts.push((
            "sweep".to_string(),
            format!("{title}, with bands over replications."),
        ));
    } else {
        files.extend(render_figure(
            "sweep_heat",
            WIDTH,
            1000,
            &SweepHeat {
                result: r,
                title: title.clone(),
                note: n,
            },
        )?);
        charts.push((
            "sweep_heat".to_string(),
            format!("{title}: mean at each pair of values."),
        ));
    }
    files.push((
        PathBuf::from("summary.json"),
        summary_json(s, "sweep", format!("Sweep {} of {}", sw.id, s.name), title),
    ));
    files.push((
        PathBuf::from("index.html"),
        crate::report::sensitivity::sweep_page(s, r, &charts).into_bytes(),
    ));
    Ok(files)
}

/// The folder of `corridor sensitivity`.
pub fn sobol_files(s: &Scenario, r: &SobolResult) -> Files {
    let mut csv = String::from(
        "output,input,first_order,first_order_ci95,total_order,total_order_ci95,samples,runs\n",
    );
    for (o, ix) in r.outputs.iter().zip(&r.indices) {
        for (i, name) in r.factor_names.iter().enumerate() {
            csv.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                quote(&o.name),
                quote(name),
                fmt_num(ix.first[i]),
                fmt_num(Z95 * ix.first_sd[i]),
                fmt_num(ix.total[i]),
                fmt_num(Z95 * ix.total_sd[i]),
                r.samples,
                r.runs
            ));
        }
    }
    vec![
        (PathBuf::from("sobol.csv"), csv.into_bytes()),
        (
            PathBuf::from("summary.json"),
            summary_json(
                s,
                "sensitivity",
                format!("Sobol' indices of {}", s.name),
                format!("First- and total-order indices, N = {}", r.samples),
            ),
        ),
        (
            PathBuf::from("index.html"),
            crate::report::sensitivity::sobol_page(s, r).into_bytes(),
        ),
    ]
}

/// The folder of `corridor select-link`.
pub fn select_link_files(
    s: &Scenario,
    r: &SelectLink,
    d: Option<&Diversion>,
) -> Result<Files, ChartError> {
    let mut csv = String::from("year,demand,origin,destination,tonnes,tonnes_sd");
    for p in PERCENTILE_NAMES {
        csv.push_str(&format!(",tonnes_{p}"));
    }
    csv.push('\n');
    for (y, year) in s.years().enumerate() {
        for (d, dem) in s.demand.iter().enumerate() {
            let st = r.flows[y][d];
            if st.p[4] <= 0.0 && st.mean <= 0.0 {
                continue;
            }
            csv.push_str(&format!(
                "{year},{},{},{},{},{}",
                quote(&dem.id),
                quote(&s.nodes[dem.origin].id),
                quote(&s.nodes[dem.destination].id),
                fmt_num(st.mean),
                fmt_num(st.sd)
            ));
            for q in st.p {
                csv.push_str(&format!(",{}", fmt_num(q)));
            }
            csv.push('\n');
        }
    }
    let years: Vec<i32> = [2030, 2035, 2040]
        .into_iter()
        .filter(|y| (s.first_year..=s.last_year).contains(y))
        .collect();
    let years = if years.is_empty() {
        vec![s.last_year]
    } else {
        years
    };
    let what = r.selection.describe(s);
    let mut files = Vec::new();
    files.extend(render_figure(
        "select_link",
        WIDTH,
        1000,
        &crate::charts::select_link::SelectLinkChart {
            scenario: s,
            result: r,
            note: note(s, r.replications),
        },
    )?);
    if let Some(d) = d {
        let mut c = String::from("year,corridor");
        for part in ["base", "scenario", "change"] {
            c.push_str(&format!(
                ",{part}_tonnes,{part}_tonnes_p5,{part}_tonnes_p95"
            ));
        }
        c.push('\n');
        for (y, year) in d.years.iter().enumerate() {
            for (k, id) in d.corridors.iter().enumerate() {
                let cells = [d.base[y][k], d.policy[y][k], d.change[y][k]];
                if cells
                    .iter()
                    .all(|st| st.p[0] == 0.0 && st.p[4] == 0.0 && st.mean == 0.0)
                {
                    continue;
                }
                c.push_str(&format!("{year},{}", quote(id)));
                for st in cells {
                    c.push_str(&format!(
                        ",{},{},{}",
                        fmt_num(st.mean),
                        fmt_num(st.p[0]),
                        fmt_num(st.p[4])
                    ));
                }
                c.push('\n');
            }
        }
        files.push((PathBuf::from("diversion.csv"), c.into_bytes()));
    }
    files.extend([
        (PathBuf::from("select_link.csv"), csv.into_bytes()),
        (
            PathBuf::from("summary.json"),
            summary_json(
                s,
                "select-link",
                format!("Who uses {what} ({})", s.name),
                String::new(),
            ),
        ),
        (
            PathBuf::from("index.html"),
            crate::report::sensitivity::select_link_page(s, r, d, &years).into_bytes(),
        ),
    ]);
    Ok(files)
}
