//! The sensitivity study a scenario asks for: `[sensitivity]` (the outputs whose drivers
//! a run explains) and `[[sweep]]` (inputs varied over values, with switching values),
//! validated against the scenario with located errors like every other section.
//!
//! Outputs are named `<table>.<id>.<metric>.<year>`: `corridors.tripp.tonnes.2035`,
//! `links.<id>.utilization.2030`, `demand.<id>.cost_usd_per_t.2040`; the metrics are
//! those of the tables a run writes (`figures::*_METRICS`).

use super::merge::Merged;
use super::overrides::{self, Target};
use super::problem::{Location, Problems};
use super::raw::{RawSweep, RawThreshold};
use super::suggest::did_you_mean;
use crate::figures::{CORRIDOR_METRICS, DEMAND_METRICS, LINK_METRICS};
use crate::model::Scenario;

/// The most points one sweep may have (values of one input times values of the other).
pub const MAX_SWEEP_POINTS: usize = 10_000;

/// Which figure of a replication an output reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputRef {
    /// Corridor index (the unserved row is `corridors.len()`) and metric index.
    Corridor {
        index: usize,
        metric: usize,
    },
    Link {
        index: usize,
        metric: usize,
    },
    Demand {
        index: usize,
        metric: usize,
    },
}

/// A scalar output of one replication: one figure in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSpec {
    /// The name as written (`corridors.tripp.tonnes.2035`).
    pub name: String,
    /// Words for reports ("TRIPP tonnes in 2035").
    pub label: String,
    pub what: OutputRef,
    pub year: i32,
}

impl OutputSpec {
    /// Whether the figure is a tonnage (for unit choice in charts).
    pub fn is_tonnes(&self) -> bool {
        let m = match self.what {
            OutputRef::Corridor { metric, .. } => CORRIDOR_METRICS[metric],
            OutputRef::Link { metric, .. } => LINK_METRICS[metric],
            OutputRef::Demand { metric, .. } => DEMAND_METRICS[metric],
        };
        m == "tonnes" || m.ends_with("_t")
    }
}

/// The level an output is compared with for a switching value.
#[derive(Debug, Clone, PartialEq)]
pub enum Threshold {
    Value(f64),
    Output(OutputSpec),
}

/// Where `output` falls below `below`: the switching value of a sweep's first input.
#[derive(Debug, Clone, PartialEq)]
pub struct Switch {
    pub output: OutputSpec,
    pub below: Threshold,
}

/// One swept input and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepInput {
    pub target: Target,
    pub values: Vec<f64>,
    /// Its value without uncertainty, for reports.
    pub nominal: f64,
}

/// A validated `[[sweep]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    pub id: String,
    /// One or two inputs.
    pub inputs: Vec<SweepInput>,
    pub outputs: Vec<OutputSpec>,
    pub switch: Option<Switch>,
    /// Replications per point (the scenario's when absent).
    pub replications: Option<u64>,
    pub note: String,
}

/// The validated `[sensitivity]` section and sweeps.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Study {
    /// Outputs a run explains (defaults when the section names none).
    pub outputs: Vec<OutputSpec>,
    /// Whether `corridor run` draws the one-at-a-time tornado.
    pub tornado: bool,
    pub sweeps: Vec<Sweep>,
}

/// Parses an output name against the scenario.
pub fn parse_output(s: &Scenario, name: &str) -> Result<OutputSpec, String> {
    let form = "outputs are named `<table>.<id>.<metric>.<year>`, for example \
                `corridors.tripp.tonnes.2035`, `links.<id>.utilization.2030` or \
                `demand.<id>.cost_usd_per_t.2040`";
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 4 {
        return Err(format!("`{name}` is not an output name; {form}"));
    }
    let table = parts[0];
    let year_txt = parts[parts.len() - 1];
    let metric = parts[parts.len() - 2];
    let id = parts[1..parts.len() - 2].join(".");
    let year: i32 = year_txt
        .parse()
        .map_err(|_| format!("`{year_txt}` in `{name}` is not a year; {form}"))?;
    if year < s.first_year || year > s.last_year {
        return Err(format!(
            "{year} in `{name}` is outside the horizon {}-{}",
            s.first_year, s.last_year
        ));
    }
    let pick = |metrics: &[&str], what: &str| -> Result<usize, String> {
        metrics.iter().position(|m| *m == metric).ok_or_else(|| {
            format!(
                "`{metric}` is not a {what} metric{}; the metrics are {}",
                did_you_mean(metric, metrics),
                metrics.join(", ")
            )
        })
    };
    let find = |ids: Vec<&str>, what: &str| -> Result<usize, String> {
        ids.iter().position(|i| *i == id).ok_or_else(|| {
            format!(
                "no {what} `{id}` in this scenario{}",
                did_you_mean(&id, &ids)
            )
        })
    };
    let (what, label) = match table {
        "corridors" => {
            let mut ids: Vec<&str> = s.corridors.iter().map(|c| c.id.as_str()).collect();
            ids.push("unserved");
            let index = find(ids, "corridor")?;
            let metric = pick(&CORRIDOR_METRICS, "corridor")?;
            let who = s
                .corridors
                .get(index)
                .map_or("Unserved demand".to_string(), |c| {
                    let short = c.name.split(" (").next().unwrap_or_default().trim();
                    if short.is_empty() {
                        c.id.clone()
                    } else {
                        short.to_string()
                    }
                });
            (OutputRef::Corridor { index, metric }, who)
        }
        "links" => {
            let index = find(s.links.iter().map(|l| l.id.as_str()).collect(), "link")?;
            let metric = pick(&LINK_METRICS, "link")?;
            (OutputRef::Link { index, metric }, format!("link {id}"))
        }
        "demand" => {
            let index = find(s.demand.iter().map(|d| d.id.as_str()).collect(), "flow")?;
            let metric = pick(&DEMAND_METRICS, "flow")?;
            (OutputRef::Demand { index, metric }, format!("flow {id}"))
        }
        other => {
            return Err(format!(
                "`{other}` is not a table of outputs{}; {form}",
                did_you_mean(other, &["corridors", "links", "demand"])
            ));
        }
    };
    Ok(OutputSpec {
        name: name.to_string(),
        label: format!("{label} {} in {year}", metric.replace('_', " ")),
        what,
        year,
    })
}

/// The outputs explained when `[sensitivity]` names none: the tonnes of the new corridor
/// (or the first corridor) in the years ending in 0 or 5, at most three, from the middle
/// of the horizon; the last year when none.
pub fn default_outputs(s: &Scenario) -> Vec<OutputSpec> {
    let Some(c) = s
        .corridors
        .iter()
        .position(|c| c.new)
        .or((!s.corridors.is_empty()).then_some(0))
    else {
        return Vec::new();
    };
    let mut years: Vec<i32> = s.years().skip(1).filter(|y| y % 5 == 0).collect();
    while years.len() > 3 {
        years.pop();
        if years.len() > 3 {
            years.remove(0);
        }
    }
    if years.is_empty() {
        years.push(s.last_year);
    }
    years
        .into_iter()
        .filter_map(|y| {
            parse_output(s, &format!("corridors.{}.tonnes.{y}", s.corridors[c].id)).ok()
        })
        .collect()
}

/// Values `from, from + step, ..., to` (to included when on the grid).
fn range_values(from: f64, to: f64, step: f64) -> Result<Vec<f64>, String> {
    if !(from.is_finite() && to.is_finite() && step.is_finite()) || step <= 0.0 || to < from {
        return Err(format!(
            "`from = {from}`, `to = {to}`, `step = {step}` is not a range; \
             write from <= to and step > 0"
        ));
    }
    let n = ((to - from) / step + 1e-9).floor() as usize + 1;
    if n > MAX_SWEEP_POINTS {
        return Err(format!(
            "the range has {n} values; at most {MAX_SWEEP_POINTS}: take a larger step"
        ));
    }
    Ok((0..n).map(|i| from + step * i as f64).collect())
}

/// Reads the values of input 1 or 2 of a sweep.
fn sweep_values(
    values: &Option<Vec<f64>>,
    range: (Option<f64>, Option<f64>, Option<f64>),
    suffix: &str,
) -> Result<Vec<f64>, String> {
    match (values, range) {
        (Some(v), (None, None, None)) => {
            if v.is_empty() || v.len() > MAX_SWEEP_POINTS || v.iter().any(|x| !x.is_finite()) {
                Err(format!(
                    "`values{suffix}` needs 1 to {MAX_SWEEP_POINTS} finite numbers"
                ))
            } else {
                Ok(v.clone())
            }
        }
        (None, (Some(a), Some(b), Some(c))) => range_values(a, b, c),
        (Some(_), _) => Err(format!(
            "write either `values{suffix}` or `from{suffix}`, `to{suffix}` and `step{suffix}`, not both"
        )),
        (None, _) => Err(format!(
            "missing values: write `values{suffix} = [...]`, or `from{suffix}`, `to{suffix}` \
             and `step{suffix}` (for example from{suffix} = 0, to{suffix} = 60, step{suffix} = 5)"
        )),
    }
}

fn validate_sweep(
    s: &Scenario,
    raw: &RawSweep,
    loc: &Location,
    key: &str,
    defaults: &[OutputSpec],
    problems: &mut Problems,
) -> Option<Sweep> {
    let mut ok = true;
    let mut inputs = Vec::new();
    let specs = [
        (&raw.input, &raw.values, (raw.from, raw.to, raw.step), ""),
        (
            &raw.input2,
            &raw.values2,
            (raw.from2, raw.to2, raw.step2),
            "2",
        ),
    ];
    for (i, (input, values, range, suffix)) in specs.into_iter().enumerate() {
        let Some(name) = input else {
            if i == 0 {
                problems.error(
                    loc,
                    format!("{key}.input"),
                    "missing required key; name the input to vary, for example \
                     input = \"nodes.meghri.border_fee_usd_per_t\"",
                );
                ok = false;
            } else if values.is_some() || range != (None, None, None) {
                problems.error(
                    loc,
                    format!("{key}.input2"),
                    "values of a second input are given but not `input2`; name it",
                );
                ok = false;
            }
            continue;
        };
        let target = match overrides::resolve(s, name) {
            Ok(t) => t,
            Err(msg) => {
                problems.error(loc, format!("{key}.input{suffix}"), msg);
                ok = false;
                continue;
            }
        };
        match sweep_values(values, range, suffix) {
            Ok(v) => inputs.push(SweepInput {
                nominal: overrides::nominal(s, &target),
                target,
                values: v,
            }),
            Err(msg) => {
                problems.error(loc, format!("{key}.values{suffix}"), msg);
                ok = false;
            }
        }
    }
    let points: usize = inputs.iter().map(|i| i.values.len()).product();
    if points > MAX_SWEEP_POINTS {
        problems.error(
            loc,
            key.to_string(),
            format!("the sweep has {points} points; at most {MAX_SWEEP_POINTS}"),
        );
        ok = false;
    }
    let out = |name: &str, k: String, problems: &mut Problems| match parse_output(s, name) {
        Ok(o) => Some(o),
        Err(msg) => {
            problems.error(loc, k, msg);
            None
        }
    };
    let mut outputs = Vec::new();
    match &raw.outputs {
        Some(list) => {
            for (i, name) in list.iter().enumerate() {
                match out(name, format!("{key}.outputs[{i}]"), problems) {
                    Some(o) => outputs.push(o),
                    None => ok = false,
                }
            }
        }
        None => outputs.extend(defaults.iter().cloned()),
    }
    let switch = match &raw.switch {
        None => None,
        Some(sw) => {
            let output = match &sw.output {
                Some(n) => out(n, format!("{key}.switch.output"), problems),
                None => {
                    problems.error(
                        loc,
                        format!("{key}.switch.output"),
                        "missing required key; name the output that crosses the threshold",
                    );
                    None
                }
            };
            let below = match &sw.below {
                Some(RawThreshold::Value(v)) if v.is_finite() => Some(Threshold::Value(*v)),
                Some(RawThreshold::Value(v)) => {
                    problems.error(
                        loc,
                        format!("{key}.switch.below"),
                        format!("must be a finite number, found {v}"),
                    );
                    None
                }
                Some(RawThreshold::Output(n)) => {
                    out(n, format!("{key}.switch.below"), problems).map(Threshold::Output)
                }
                None => {
                    problems.error(
                        loc,
                        format!("{key}.switch.below"),
                        "missing required key; give a number or another output's name",
                    );
                    None
                }
            };
            match (output, below) {
                (Some(output), Some(below)) => {
                    // The switching output and its threshold are reported at every point.
                    for o in std::iter::once(&output).chain(match &below {
                        Threshold::Output(b) => Some(b),
                        Threshold::Value(_) => None,
                    }) {
                        if !outputs.iter().any(|x| x.name == o.name) {
                            outputs.push(o.clone());
                        }
                    }
                    Some(Switch { output, below })
                }
                _ => {
                    ok = false;
                    None
                }
            }
        }
    };
    if let Some(r) = raw.replications
        && !(1..=crate::MAX_REPLICATIONS).contains(&r)
    {
        problems.error(
            loc,
            format!("{key}.replications"),
            format!("must be between 1 and {}", crate::MAX_REPLICATIONS),
        );
        ok = false;
    }
    if switch.is_some() && inputs.len() == 2 {
        problems.error(
            loc,
            format!("{key}.switch"),
            "a switching value is found along one input: remove `input2` or `switch`",
        );
        ok = false;
    }
    ok.then(|| Sweep {
        id: raw.id.clone().unwrap_or_else(|| "sweep".into()),
        inputs,
        outputs,
        switch,
        replications: raw.replications,
        note: raw.note.clone().unwrap_or_default(),
    })
}

/// Validates `[sensitivity]` and the `[[sweep]]` items of a merged file.
pub fn validate(m: &Merged, s: &Scenario, problems: &mut Problems) -> Study {
    let defaults = default_outputs(s);
    let mut study = Study {
        outputs: defaults.clone(),
        tornado: true,
        sweeps: Vec::new(),
    };
    if let Some(item) = &m.sensitivity {
        let raw = &item.value;
        if let Some(list) = &raw.outputs {
            let mut outs = Vec::new();
            for (i, name) in list.iter().enumerate() {
                match parse_output(s, name) {
                    Ok(o) => outs.push(o),
                    Err(msg) => {
                        problems.error(&item.location, format!("sensitivity.outputs[{i}]"), msg)
                    }
                }
            }
            // An empty list turns the analysis off.
            study.outputs = outs;
        }
        study.tornado = raw.tornado.unwrap_or(true);
    }
    let mut ids: Vec<String> = Vec::new();
    for (n, item) in m.sweeps.iter().enumerate() {
        let key = format!("sweep[{}]", item.index);
        let id = item
            .value
            .id
            .clone()
            .unwrap_or_else(|| format!("sweep-{n}"));
        if ids.contains(&id) {
            problems.error(
                &item.location,
                format!("{key}.id"),
                format!("another sweep is also named `{id}`; give each a distinct id"),
            );
            continue;
        }
        ids.push(id.clone());
        let mut raw = item.value.clone();
        raw.id = Some(id);
        if let Some(sw) = validate_sweep(s, &raw, &item.location, &key, &defaults, problems) {
            study.sweeps.push(sw);
        }
    }
    study
}

/// A sweep given on the command line (`corridor sweep --input ...`), checked like a
/// `[[sweep]]` table; the error lists every problem.
pub fn sweep_from_raw(s: &Scenario, raw: &RawSweep) -> Result<Sweep, String> {
    let mut problems = Problems::default();
    let loc = Location::default();
    let defaults = default_outputs(s);
    match validate_sweep(s, raw, &loc, "sweep", &defaults, &mut problems) {
        Some(sw) if !problems.has_errors() => Ok(sw),
        _ => Err(problems
            .list
            .iter()
            .map(|p| format!("`{}`: {}", p.key, p.message))
            .collect::<Vec<_>>()
            .join("\n")),
    }
}
