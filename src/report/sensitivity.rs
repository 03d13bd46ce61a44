//! The sensitivity parts of the report: the section of a run's page (rank measures and
//! tornado of each output), and the pages of `corridor sweep`, `corridor sensitivity`
//! and `corridor select-link`. Self-contained HTML like the rest of the report.

use std::fmt::Write as _;
use std::path::Path;

use super::html::{escape, href, page};
use crate::charts::style::fmt_num;
use crate::charts::tornado::rank_order;
use crate::model::Scenario;
use crate::scenario::study::Threshold;
use crate::sensitivity::RunSensitivity;
use crate::sensitivity::select_link::{Diversion, SelectLink};
use crate::sensitivity::sobol::{SobolResult, Z95};
use crate::sensitivity::sweep::SweepResult;

fn figure(b: &mut String, stem: &str, caption: &str) {
    let svg = href(Path::new(&format!("charts/{stem}.svg")));
    let png = href(Path::new(&format!("charts/{stem}.png")));
    let _ = writeln!(
        b,
        "<figure id=\"{id}\"><a href=\"{png}\"><img src=\"{svg}\" alt=\"{alt}\"></a>\n\
         <figcaption>{alt} <a href=\"{svg}\">SVG</a> · <a href=\"{png}\">PNG</a></figcaption></figure>",
        id = escape(stem),
        alt = escape(caption),
    );
}

fn fmt_value(v: f64) -> String {
    if v.is_finite() {
        fmt_num(v)
    } else {
        "–".into()
    }
}

/// The section of a run's page: per output, the inputs by rank correlation with their
/// SRRC, contribution and one-at-a-time swing, the rank R², and the two charts.
pub fn run_section(sens: &RunSensitivity, charts: &[(String, String)]) -> String {
    let mut b = String::new();
    b.push_str("<h2>Which assumptions matter</h2>\n");
    b.push_str(
        "<p>For each output: the Spearman rank correlation of every uncertain input with it over the \
         replications of this run, the standardized rank regression coefficient (SRRC, the effect of the \
         input with the others held fixed), the share of Σρ² (an approximate contribution to variance), \
         and the one-at-a-time swing (the output with the input at its 10th and at its 90th percentile, \
         every other input at its median and no disruption; a disruption is switched on instead). \
         Inputs that share a draw (<code>share</code>) count as one. Rank measures see monotone effects \
         only: the rank R² says how much of the output's rank variance they explain. \
         <code>corridor sensitivity</code> computes variance-based (Sobol') indices that also see \
         interactions.</p>\n",
    );
    for (o, t) in sens.ranks.iter().enumerate() {
        let m = &t.measures;
        let _ = writeln!(
            b,
            "<h3>{} <code>{}</code></h3>\n<p class=\"note\">{} replications · rank R² = {:.2}</p>",
            escape(&t.output.label),
            escape(&t.output.name),
            m.n,
            m.r2
        );
        b.push_str("<table>\n<tr><th>Input</th><th class=\"num\">Spearman ρ</th><th class=\"num\">SRRC</th><th class=\"num\">Share of Σρ²</th>");
        let oat = sens.oat.as_ref();
        if oat.is_some() {
            b.push_str("<th class=\"num\">Output at p10</th><th class=\"num\">at p90</th><th class=\"num\">Swing</th>");
        }
        b.push_str("</tr>\n");
        for i in rank_order(t) {
            let _ = write!(
                b,
                "<tr><td><code>{}</code></td><td class=\"num\">{:+.2}</td><td class=\"num\">{:+.2}</td><td class=\"num\">{:.0}%</td>",
                escape(&sens.factor_names[i]),
                m.spearman[i],
                m.srrc[i],
                100.0 * m.contribution[i]
            );
            if let Some(oat) = oat {
                match oat.bars[o].iter().find(|bar| bar.factor == i) {
                    Some(bar) => {
                        let _ = write!(
                            b,
                            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                            fmt_value(bar.low),
                            fmt_value(bar.high),
                            // Solver noise (1e-9 of the base and less) reads as no change.
                            fmt_value(if bar.swing() <= 1e-9 * oat.base[o].abs() {
                                0.0
                            } else {
                                bar.swing()
                            })
                        );
                    }
                    None => b.push_str("<td></td><td></td><td></td>"),
                }
            }
            b.push_str("</tr>\n");
        }
        b.push_str("</table>\n");
        if let Some(oat) = oat {
            let _ = writeln!(
                b,
                "<p class=\"note\">Base point (every input at its median, no disruption): {}.</p>",
                fmt_value(oat.base[o])
            );
        }
        for (stem, caption) in charts
            .iter()
            .filter(|(stem, _)| stem.ends_with(&format!("_{o}")))
        {
            figure(&mut b, stem, caption);
        }
    }
    b
}

/// The page of a sweep.
pub fn sweep_page(s: &Scenario, r: &SweepResult, charts: &[(String, String)]) -> String {
    let sw = &r.sweep;
    let mut b = String::new();
    let keys: Vec<&str> = sw.inputs.iter().map(|i| i.target.key.as_str()).collect();
    let _ = writeln!(
        b,
        "<h1>Sweep <code>{}</code> of {}</h1>",
        escape(&sw.id),
        escape(if s.title.is_empty() {
            &s.name
        } else {
            &s.title
        })
    );
    if !sw.note.is_empty() {
        let _ = writeln!(b, "<p class=\"lead\">{}</p>", escape(&sw.note));
    }
    let _ = writeln!(
        b,
        "<p class=\"meta\">Scenario <code>{}</code> · input{} {} · {} point{} · {} replication{} per point, seed {} \
         (the same draws of every other input at every point)</p>",
        escape(&s.name),
        if keys.len() == 1 { "" } else { "s" },
        keys.iter()
            .map(|k| format!("<code>{}</code>", escape(k)))
            .collect::<Vec<_>>()
            .join(" and "),
        r.points.len(),
        if r.points.len() == 1 { "" } else { "s" },
        r.replications,
        if r.replications == 1 { "" } else { "s" },
        r.seed
    );
    if let (Some(sv), Some(spec)) = (&r.switching, &sw.switch) {
        b.push_str("<h2>Switching value</h2>\n");
        let below = match &spec.below {
            Threshold::Value(v) => fmt_num(*v),
            Threshold::Output(o) => o.label.clone(),
        };
        match sv.value {
            Some(x) if sv.below_at_start => {
                let _ = writeln!(
                    b,
                    "<p>{} is already below {} at the start of the range ({} = {}).</p>",
                    escape(&spec.output.label),
                    escape(&below),
                    escape(keys[0]),
                    fmt_num(x)
                );
            }
            Some(x) => {
                let _ = writeln!(
                    b,
                    "<p><strong>{} falls below {} when <code>{}</code> reaches {}</strong> (mean over \
                     replications; nominal value {}{}).</p>",
                    escape(&spec.output.label),
                    escape(&below),
                    escape(keys[0]),
                    fmt_num(x),
                    fmt_value(sv.nominal),
                    sv.percent_change
                        .map(|p| format!(", a switching value of {p:+.0}%"))
                        .unwrap_or_default()
                );
            }
            None => {
                let _ = writeln!(
                    b,
                    "<p>{} does not fall below {} anywhere in the range.</p>",
                    escape(&spec.output.label),
                    escape(&below)
                );
            }
        }
        if sv.replications > 1 {
            let _ = writeln!(
                b,
                "<p class=\"note\">Replication by replication the crossing lies between {} and {} \
                 (5–95%, median {}); {} of {} replications never fall below in the range. \
                 Found by bisection on the mean with common random numbers ({} steps); each \
                 replication's crossing is interpolated between the values evaluated.</p>",
                fmt_value(sv.band.p[0]),
                fmt_value(sv.band.p[4]),
                fmt_value(sv.band.p[2]),
                sv.never,
                sv.replications,
                crate::sensitivity::switching::STEPS
            );
        }
    }
    b.push_str("<h2>Charts</h2>\n");
    for (stem, caption) in charts {
        figure(&mut b, stem, caption);
    }
    b.push_str("<h2>Data</h2>\n<ul class=\"files\">\n<li><a href=\"sweep.csv\">sweep.csv</a> every point and output: mean, sd and percentiles over replications</li>\n");
    if r.switching.is_some() {
        b.push_str("<li><a href=\"switching.csv\">switching.csv</a> the switching value, its band, and the input values evaluated</li>\n");
    }
    b.push_str("</ul>\n<footer><a href=\"../index.html\">All runs in this folder</a>.</footer>\n");
    page(&format!("Sweep {} · corridor-sim", sw.id), &b)
}

/// The page of `corridor sensitivity`.
pub fn sobol_page(s: &Scenario, r: &SobolResult) -> String {
    let mut b = String::new();
    let _ = writeln!(
        b,
        "<h1>Variance-based sensitivity of {}</h1>",
        escape(if s.title.is_empty() {
            &s.name
        } else {
            &s.title
        })
    );
    let _ = writeln!(
        b,
        "<p class=\"meta\">Scenario <code>{}</code> · Saltelli design, N = {} · {} model runs · \
         first order: Saltelli (2010); total order: Jansen (1999); 95% bootstrap intervals</p>",
        escape(&s.name),
        r.samples,
        r.runs
    );
    b.push_str(
        "<p>S: the share of the output's variance the input explains alone. S<sub>T</sub>: the share it \
         explains with all its interactions (S<sub>T</sub> ≥ S; S<sub>T</sub> − S is interaction). An input \
         with S<sub>T</sub> ≈ 0 can be fixed at any value without changing the output's spread.</p>\n",
    );
    for (o, ix) in r.outputs.iter().zip(&r.indices) {
        let _ = writeln!(
            b,
            "<h2>{} <code>{}</code></h2>\n<p class=\"note\">mean {}, variance {}</p>",
            escape(&o.label),
            escape(&o.name),
            fmt_value(ix.mean),
            fmt_value(ix.variance)
        );
        let mut order: Vec<usize> = (0..ix.total.len()).collect();
        order.sort_by(|&a, &c| ix.total[c].total_cmp(&ix.total[a]).then(a.cmp(&c)));
        b.push_str("<table>\n<tr><th>Input</th><th class=\"num\">S (first order)</th><th class=\"num\">S<sub>T</sub> (total)</th></tr>\n");
        for i in order {
            let _ = writeln!(
                b,
                "<tr><td><code>{}</code></td><td class=\"num\">{:.3} <span class=\"band\">± {:.3}</span></td>\
                 <td class=\"num\">{:.3} <span class=\"band\">± {:.3}</span></td></tr>",
                escape(&r.factor_names[i]),
                ix.first[i],
                Z95 * ix.first_sd[i],
                ix.total[i],
                Z95 * ix.total_sd[i]
            );
        }
        b.push_str("</table>\n");
    }
    b.push_str("<p><a href=\"sobol.csv\">sobol.csv</a> every index with its interval.</p>\n<footer><a href=\"../index.html\">All runs in this folder</a>.</footer>\n");
    page(&format!("Sobol' indices {} · corridor-sim", s.name), &b)
}

/// The page of `corridor select-link`.
pub fn select_link_page(
    s: &Scenario,
    r: &SelectLink,
    diversion: Option<&Diversion>,
    years: &[i32],
) -> String {
    let mut b = String::new();
    let what = r.selection.describe(s);
    let _ = writeln!(b, "<h1>Who uses {}</h1>", escape(&what));
    let _ = writeln!(
        b,
        "<p class=\"meta\">Scenario <code>{}</code> · {} replication{} · tonnes per year, mean with 5–95% range</p>",
        escape(&s.name),
        r.replications,
        if r.replications == 1 { "" } else { "s" }
    );
    figure(
        &mut b,
        "select_link",
        &format!("Tonnes each flow puts on {what}, by year."),
    );
    b.push_str("<table>\n<tr><th>Flow</th>");
    for y in years {
        let _ = write!(b, "<th class=\"num\">{y}</th>");
    }
    b.push_str("</tr>\n");
    for (d, dem) in s.demand.iter().enumerate() {
        let idx: Vec<usize> = years.iter().map(|y| (y - s.first_year) as usize).collect();
        if idx
            .iter()
            .all(|&y| r.flows[y][d].p[4] <= 0.0 && r.flows[y][d].mean <= 0.0)
        {
            continue;
        }
        let _ = write!(
            b,
            "<tr><td>{} <span class=\"band\">{} → {}</span></td>",
            escape(&dem.id),
            escape(&s.nodes[dem.origin].name),
            escape(&s.nodes[dem.destination].name)
        );
        for &y in &idx {
            let st = r.flows[y][d];
            let _ = write!(
                b,
                "<td class=\"num\">{} <span class=\"band\">[{}–{}]</span></td>",
                fmt_num(st.mean),
                fmt_num(st.p[0]),
                fmt_num(st.p[4])
            );
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table>\n");
    if let Some(d) = diversion {
        b.push_str(
            "<h2>Where that freight came from</h2>\n<p>The flows that use the selection, all their \
             tonnes by corridor in the base scenario and in this one, and the change (mean, 5–95% \
             range of the paired differences; same seed, so inputs the two share take the same \
             draws). <a href=\"diversion.csv\">diversion.csv</a> has every year.</p>\n",
        );
        for &year in years {
            let Some(y) = d.years.iter().position(|x| *x == year) else {
                continue;
            };
            let _ = writeln!(
                b,
                "<h3>{year}</h3>\n<table>\n<tr><th>Corridor</th><th class=\"num\">Base</th><th class=\"num\">This scenario</th><th class=\"num\">Change</th></tr>"
            );
            let mut order: Vec<usize> = (0..d.corridors.len()).collect();
            order.sort_by(|&a, &c| {
                d.change[y][c]
                    .mean
                    .abs()
                    .total_cmp(&d.change[y][a].mean.abs())
            });
            for k in order {
                let ch = d.change[y][k];
                if ch.mean == 0.0 && d.base[y][k].mean == 0.0 && d.policy[y][k].mean == 0.0 {
                    continue;
                }
                let _ = writeln!(
                    b,
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}{} <span class=\"band\">[{}–{}]</span></td></tr>",
                    escape(&d.corridors[k]),
                    fmt_num(d.base[y][k].mean),
                    fmt_num(d.policy[y][k].mean),
                    if ch.mean > 0.0 { "+" } else { "" },
                    fmt_num(ch.mean),
                    fmt_num(ch.p[0]),
                    fmt_num(ch.p[4])
                );
            }
            b.push_str("</table>\n");
        }
    }
    b.push_str("<p><a href=\"select_link.csv\">select_link.csv</a> every year and flow.</p>\n<footer><a href=\"../index.html\">All runs in this folder</a>.</footer>\n");
    page(&format!("Select-link {} · corridor-sim", what), &b)
}
