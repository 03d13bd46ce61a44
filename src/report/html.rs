//! `index.html` of a run, and the `index.html` listing the runs of an output folder.
//!
//! Self-contained pages: inline CSS, relative links only, nothing fetched from the
//! network, no JavaScript. A run's page has the scenario's title and description, a
//! table of key numbers for the new corridor with 5-95% bands, every chart, and links to
//! the tables, the summary and the GeoJSON network.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::charts::style::{self as cs, fmt_pct, tonne_unit};
use crate::charts::{Chart, Kind};
use crate::compare::Comparison;
use crate::model::Scenario;
use crate::results::Results;
use crate::stats::Summary;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A relative path as a URL path (forward slashes, each segment percent-encoded where
/// needed).
pub fn href(p: &Path) -> String {
    p.components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}

const CSS: &str = "
body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; color: #222; margin: 0; background: #fff; line-height: 1.45; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.9em; margin: 0.2em 0 0.3em; }
h2 { font-size: 1.35em; margin: 1.8em 0 0.5em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
p.lead { font-size: 1.1em; color: #333; max-width: 60em; }
p.meta, p.note, figcaption, footer { color: #555; font-size: 0.92em; }
table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.97em; }
th, td { border-bottom: 1px solid #ddd; padding: 6px 14px 6px 0; text-align: left; vertical-align: top; }
th { font-weight: bold; border-bottom: 2px solid #999; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td .band { color: #666; font-size: 0.88em; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
figure { margin: 1.2em 0 2.2em; }
figure img { width: 100%; height: auto; border: 1px solid #e4e4e4; }
ul.files li { margin: 0.2em 0; }
.warn { background: #fff6e5; border-left: 4px solid #e69f00; padding: 8px 14px; }
a { color: #0060a8; }
footer { margin-top: 3em; border-top: 1px solid #ddd; padding-top: 0.8em; }
";

pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// What the page says about how the run was made.
#[derive(Debug, Clone, Default)]
pub struct RunFacts {
    pub seed: u64,
    pub replications_requested: u64,
    /// Warnings about the scenario, one line each.
    pub warnings: Vec<String>,
    /// Extra sections (HTML), placed after the charts: sensitivity.
    pub sections: Vec<String>,
}

/// The years of the key-numbers table: 2030, 2035 and 2040 where in the horizon,
/// otherwise the first year, the new corridor's opening year and the last year.
pub fn milestone_years(s: &Scenario, r: &Results) -> Vec<i32> {
    let years: Vec<i32> = [2030, 2035, 2040]
        .into_iter()
        .filter(|y| (s.first_year..=s.last_year).contains(y))
        .collect();
    if years.is_empty() {
        cs::key_years(s, r)
    } else {
        years
    }
}

fn stat_in(ser: &[(i32, Summary)], year: i32) -> Option<Summary> {
    ser.iter().find(|(y, _)| *y == year).map(|(_, st)| *st)
}

/// Formats numbers of a table column with the same decimals (two significant digits
/// for the largest value, at most two decimals), thousands separated.
fn column_format(max: f64, div: f64) -> impl Fn(f64) -> String {
    let m = if max.is_finite() { max / div } else { 0.0 };
    let decimals = if m >= 100.0 {
        0
    } else if m >= 10.0 {
        1
    } else {
        2
    };
    move |v: f64| {
        let v = v / div;
        let s = format!("{v:.decimals$}");
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        if frac.is_empty() {
            format!("{sign}{grouped}")
        } else {
            format!("{sign}{grouped}.{frac}")
        }
    }
}

/// "4.2 [3.1–5.0]" cell content; the mean alone for one replication or when the
/// range is a single value.
fn cell(st: Option<Summary>, fmt: &dyn Fn(f64) -> String, bands: bool) -> String {
    band_cell(st, fmt, bands, "–")
}

/// The mean, then the 5–95% range joined by `sep` when `bands` and it is not one value.
fn band_cell(st: Option<Summary>, fmt: &dyn Fn(f64) -> String, bands: bool, sep: &str) -> String {
    match st {
        Some(st) if st.mean.is_finite() => {
            if bands && fmt(st.p[0]) != fmt(st.p[4]) {
                format!(
                    "{} <span class=\"band\">[{}{sep}{}]</span>",
                    escape(&fmt(st.mean)),
                    escape(&fmt(st.p[0])),
                    escape(&fmt(st.p[4]))
                )
            } else {
                escape(&fmt(st.mean))
            }
        }
        _ => "–".into(),
    }
}

/// The run's page. `charts` are the charts rendered for it and `files` every file of
/// the run folder (relative paths), for the list of data files.
pub fn scenario_index(
    s: &Scenario,
    r: &Results,
    facts: &RunFacts,
    charts: &[Chart],
    files: &[PathBuf],
) -> String {
    let title = if s.title.is_empty() {
        &s.name
    } else {
        &s.title
    };
    let bands = r.replications > 1;
    let mut b = String::new();
    let _ = writeln!(b, "<h1>{}</h1>", escape(title));
    if !s.description.is_empty() {
        let _ = writeln!(b, "<p class=\"lead\">{}</p>", escape(&s.description));
    }
    let _ = writeln!(
        b,
        "<p class=\"meta\">Scenario <code>{}</code> · {}–{} · {} replication{} simulated \
         ({} requested) · seed {} · {} route choice</p>",
        escape(&s.name),
        s.first_year,
        s.last_year,
        r.replications,
        if r.replications == 1 { "" } else { "s" },
        facts.replications_requested,
        facts.seed,
        match s.route_choice.model {
            crate::model::ChoiceModel::Logit => "path-size logit",
            crate::model::ChoiceModel::Deterministic => "deterministic (Wardrop)",
        }
    );
    if !facts.warnings.is_empty() {
        b.push_str("<div class=\"warn\"><strong>Warnings about the scenario</strong><ul>\n");
        for w in &facts.warnings {
            let _ = writeln!(b, "<li>{}</li>", escape(w));
        }
        b.push_str("</ul></div>\n");
    }

    // Key numbers.
    let years = milestone_years(s, r);
    b.push_str("<h2>Key numbers</h2>\n");
    let band_note = if bands {
        format!(
            "Mean of {} replications, with the 5–95% range in brackets.",
            r.replications
        )
    } else {
        "One replication (the scenario has no uncertain inputs).".into()
    };
    match cs::new_corridor(s) {
        Some(nc) => {
            let c = &s.corridors[nc];
            let tonnes = cs::corridor_series(r, &c.id, "tonnes");
            let share = cs::corridor_series(r, &c.id, "share");
            let max_t = cs::max_of(tonnes.iter(), |(_, st)| st.p[4]);
            let unit = tonne_unit(max_t);
            let fmt_t = column_format(max_t, unit.div);
            let _ = writeln!(
                b,
                "<p>The new corridor: <strong>{}</strong>. {band_note}</p>",
                escape(&c.name)
            );
            b.push_str("<table>\n<tr><th>Year</th>");
            let _ = writeln!(
                b,
                "<th class=\"num\">Freight carried ({} per year)</th><th class=\"num\">Share of demand</th></tr>",
                unit.short
            );
            for y in &years {
                let _ = writeln!(
                    b,
                    "<tr><td>{y}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    cell(stat_in(&tonnes, *y), &fmt_t, bands),
                    cell(stat_in(&share, *y), &fmt_pct, bands)
                );
            }
            b.push_str("</table>\n");
            match cs::opening_year(s, r) {
                Some(y) => {
                    let _ = writeln!(
                        b,
                        "<p class=\"note\">First year in which it carries freight in at least half of the replications: {y}.</p>"
                    );
                }
                None => b.push_str(
                    "<p class=\"note\">It carries no freight in any year of the horizon.</p>\n",
                ),
            }
        }
        None => {
            let _ = writeln!(
                b,
                "<p>No corridor is marked <code>new = true</code> in this scenario. {band_note}</p>"
            );
        }
    }

    // All corridors in the milestone years.
    let mut ids: Vec<(String, String)> = s
        .corridors
        .iter()
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    ids.push(("unserved".into(), "Unserved demand".into()));
    let all_max = cs::max_of(
        ids.iter()
            .flat_map(|(id, _)| cs::corridor_series(r, id, "tonnes")),
        |(_, st)| st.p[4],
    );
    let unit = tonne_unit(all_max);
    let fmt_t = column_format(all_max, unit.div);
    b.push_str("<h3>Freight and share of demand by corridor</h3>\n");
    b.push_str("<table>\n<tr><th rowspan=\"2\">Corridor</th>");
    for y in &years {
        let _ = write!(b, "<th class=\"num\" colspan=\"2\">{y}</th>");
    }
    b.push_str("</tr>\n<tr>");
    for _ in &years {
        let _ = write!(
            b,
            "<th class=\"num\">{} per year</th><th class=\"num\">Share</th>",
            unit.short
        );
    }
    b.push_str("</tr>\n");
    for (id, name) in &ids {
        let tonnes = cs::corridor_series(r, id, "tonnes");
        let share = cs::corridor_series(r, id, "share");
        let _ = write!(b, "<tr><td>{}</td>", escape(name));
        for y in &years {
            let _ = write!(
                b,
                "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                cell(stat_in(&tonnes, *y), &fmt_t, bands),
                cell(stat_in(&share, *y), &fmt_pct, false)
            );
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table>\n");

    measures_table(&mut b, s, r, bands);

    // Convergence in one sentence.
    let conv = &r.convergence;
    if let Some(m) = conv.metric("converged") {
        let bad: Vec<String> = conv
            .rows
            .iter()
            .filter(|row| row.stats[m].mean < 1.0)
            .map(|row| row.keys[0].clone())
            .collect();
        if bad.is_empty() {
            b.push_str("<p class=\"note\">The route-choice equilibrium converged in every year and replication.</p>\n");
        } else {
            let _ = writeln!(
                b,
                "<p class=\"warn\">The equilibrium did not converge in every replication in {}: read those years with care (see the convergence chart).</p>",
                escape(&bad.join(", "))
            );
        }
    }

    // Charts.
    b.push_str("<h2>Charts</h2>\n");
    if charts.is_empty() {
        // Every run plans at least the corridor tonnes chart: none means `--no-charts`.
        b.push_str("<p class=\"note\">Charts were not drawn for this run (<code>--no-charts</code>); the tables below hold every figure.</p>\n");
    } else if !cs::carries(r, "unserved") {
        b.push_str(
            "<p class=\"note\">No demand was left unserved in any year or replication, so there is no chart of unserved demand.</p>\n",
        );
    }
    let (_, idle) = cs::active_corridors(s, r);
    if idle > 0 {
        let _ = writeln!(
            b,
            "<p class=\"note\">{} corridor{} that carr{} no freight in any year {} left out of the charts (they stay in the tables).</p>",
            idle,
            if idle == 1 { "" } else { "s" },
            if idle == 1 { "ies" } else { "y" },
            if idle == 1 { "is" } else { "are" },
        );
    }
    // The daily queue trace goes in the queue section.
    for c in charts.iter().filter(|c| c.kind != Kind::QueueTrace) {
        b.push_str(&figure(c));
    }

    for section in &facts.sections {
        b.push_str(section);
    }
    b.push_str(&super::queues::section(s, r, charts));

    // Data files.
    b.push_str("<h2>Data</h2>\n<ul class=\"files\">\n");
    let describe = |name: &str| match name {
        "corridors.csv" => "tonnes, share, tonne-km, cost and time per corridor and year",
        "routes.csv" => "flow, share, cost and time per route and year",
        "links.csv" => "tonnes, utilization, delay and opening per link and year",
        "od.csv" => "demand, served and unserved tonnes per flow and year",
        "convergence.csv" => "equilibrium iterations and gap per year",
        "disruptions.csv" => "disrupted days, added cost, time and unserved tonnes per year",
        "measures.csv" => {
            "tonnes (and units a day) of each measure per year, with its observation and the difference"
        }
        "queues.csv" => "waits, queues and backlogs per queue point and year",
        "queue_trace.csv" => {
            "the queue at the end of each day of the trace year per queue point, with bands"
        }
        "summary.json" => "run metadata and headline figures",
        "sensitivity.csv" => {
            "rank correlations and one-at-a-time swings of each uncertain input, per output"
        }
        "network.geojson" => "the network with yearly tonnes and utilization (GeoJSON, WGS84)",
        _ => "",
    };
    let mut data: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            p.parent().is_none_or(|d| d.as_os_str().is_empty())
                && p.extension()
                    .is_some_and(|e| e == "csv" || e == "json" || e == "geojson")
        })
        .collect();
    data.sort();
    for p in data {
        let name = p.to_string_lossy();
        let _ = writeln!(
            b,
            "<li><a href=\"{}\">{}</a> {}</li>",
            href(p),
            escape(&name),
            escape(describe(&name))
        );
    }
    b.push_str("</ul>\n");
    b.push_str(
        "<p class=\"note\">CSV columns: key columns, then for each figure its mean, <code>_sd</code> and the percentiles <code>_p5</code> to <code>_p95</code> over replications.</p>\n",
    );
    let _ = writeln!(
        b,
        "<footer>Made by corridor-sim {}. <a href=\"../index.html\">All runs in this folder</a>.</footer>",
        env!("CARGO_PKG_VERSION")
    );
    page(&format!("{title} · corridor-sim"), &b)
}

/// The measures with observations: model against observed, with the difference.
fn measures_table(b: &mut String, s: &Scenario, r: &Results, bands: bool) {
    let rows = crate::charts::measures::rows(s, r);
    if rows.is_empty() {
        return;
    }
    let max_t = cs::max_of(rows.iter(), |d| d.observed_t.max(d.model.p[4]));
    let unit = tonne_unit(max_t);
    let fmt_t = column_format(max_t, unit.div);
    b.push_str("<h3>The model against observed volumes</h3>\n");
    b.push_str(
        "<p class=\"note\">A measure is a set of link directions and nodes (for example the \
         Kazakh crossings of the Caspian): every tonne on them counts, whatever corridor its \
         route is attributed to. The corridor rows above count each route once, for its first \
         corridor, so they are not these volumes.</p>\n",
    );
    let _ = writeln!(
        b,
        "<table>\n<tr><th>Measure</th><th>Year</th><th class=\"num\">Observed ({u})</th>\
         <th class=\"num\">Model ({u})</th><th class=\"num\">Difference</th><th>Source</th></tr>",
        u = unit.short
    );
    for d in &rows {
        let diff = d.model.mean / d.observed_t - 1.0;
        let far = diff.abs() > crate::charts::measures::THRESHOLD;
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}{:+.1}%{}</td><td>{}</td></tr>",
            escape(&d.label),
            d.year,
            fmt_t(d.observed_t),
            cell(Some(d.model), &fmt_t, bands),
            if far { "<strong>" } else { "" },
            diff * 100.0,
            if far { "</strong>" } else { "" },
            escape(&d.source)
        );
    }
    b.push_str("</table>\n");
}

/// One run in an output folder.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunEntry {
    /// Folder name inside the output folder.
    pub dir: String,
    pub title: String,
    pub description: String,
    /// Horizon, e.g. "2025–2045"; may be empty.
    pub horizon: String,
    /// A comparison of two scenarios rather than a run.
    pub comparison: bool,
}

/// The page listing the runs and comparisons of an output folder (`DIR/index.html`).
pub fn runs_index(runs: &[RunEntry]) -> String {
    let mut b = String::new();
    b.push_str("<h1>corridor-sim runs</h1>\n");
    let mut sorted = runs.to_vec();
    sorted.sort();
    let (comparisons, plain): (Vec<RunEntry>, Vec<RunEntry>) =
        sorted.into_iter().partition(|r| r.comparison);
    if plain.is_empty() && comparisons.is_empty() {
        b.push_str("<p>No runs in this folder yet.</p>\n");
    }
    for (heading, list) in [("Runs", &plain), ("Comparisons", &comparisons)] {
        if list.is_empty() {
            continue;
        }
        if !comparisons.is_empty() {
            let _ = writeln!(b, "<h2>{heading}</h2>");
        }
        b.push_str(
            "<table>\n<tr><th>Run</th><th>Years</th><th>Description</th><th>Data</th></tr>\n",
        );
        for run in list {
            let dir = href(Path::new(&run.dir));
            let title = if run.title.is_empty() {
                &run.dir
            } else {
                &run.title
            };
            let _ = writeln!(
                b,
                "<tr><td><a href=\"{dir}/index.html\">{}</a><br><code>{}</code></td><td class=\"nowrap\">{}</td><td>{}</td>\
                 <td><a href=\"{dir}/summary.json\">summary</a></td></tr>",
                escape(title),
                escape(&run.dir),
                escape(&run.horizon),
                escape(&run.description)
            );
        }
        b.push_str("</table>\n");
    }
    let _ = writeln!(
        b,
        "<footer>Made by corridor-sim {}; refreshed after each <code>corridor run</code> and <code>corridor compare</code>.</footer>",
        env!("CARGO_PKG_VERSION")
    );
    page("corridor-sim runs", &b)
}

/// The years of a comparison's tables: 2030, 2035 and 2040 where compared, and the
/// year of the diversion chart; failing all, the first and the last year.
fn comparison_years(c: &Comparison) -> Vec<i32> {
    let mut years: Vec<i32> = [2030, 2035, 2040]
        .into_iter()
        .filter(|y| c.years.contains(y))
        .chain(crate::charts::compare::focus_year(c))
        .collect();
    if years.len() < 2 {
        years.extend(c.years.first());
    }
    years.sort_unstable();
    years.dedup();
    years
}

/// A signed cell: "+1.63 [+1.17 to +1.96]".
fn signed_cell(st: Option<Summary>, fmt: &dyn Fn(f64) -> String, bands: bool) -> String {
    let signed = |v: f64| {
        let t = fmt(v);
        if v > 0.0 && t.chars().any(|c| c.is_ascii_digit() && c != '0') {
            format!("+{t}")
        } else {
            t
        }
    };
    band_cell(st, &signed, bands, " to ")
}

/// The comparison's page: what the policy changes, the charts, the tables.
pub fn comparison_index(
    base: &Scenario,
    policy: &Scenario,
    c: &Comparison,
    seed: u64,
    charts: &[Chart],
    files: &[PathBuf],
) -> String {
    let title = format!("{} vs {}", base.name, policy.name);
    let bands = c.base.replications > 1;
    let mut b = String::new();
    let _ = writeln!(b, "<h1>{}</h1>", escape(&title));
    let describe = |s: &Scenario| {
        if s.title.is_empty() {
            format!("<code>{}</code>", escape(&s.name))
        } else {
            format!("<code>{}</code>: {}", escape(&s.name), escape(&s.title))
        }
    };
    let _ = writeln!(
        b,
        "<p class=\"lead\">Base {}.<br>Policy {}.</p>",
        describe(base),
        describe(policy)
    );
    let _ = writeln!(
        b,
        "<p class=\"meta\">{}–{} · {} paired replication{} (the same random draws for inputs both scenarios share) · seed {}</p>",
        c.years.first().copied().unwrap_or(0),
        c.years.last().copied().unwrap_or(0),
        c.base.replications,
        if c.base.replications == 1 { "" } else { "s" },
        seed
    );

    // Key numbers: the change in each corridor's freight in the milestone years.
    let years = comparison_years(c);
    let t = &c.corridors;
    let mut ids: Vec<(String, String)> = Vec::new();
    if let (Some(kc), Some(kn)) = (t.key("corridor"), t.key("corridor_name")) {
        for row in &t.rows {
            if !ids.iter().any(|(id, _)| *id == row.keys[kc]) {
                ids.push((row.keys[kc].clone(), row.keys[kn].clone()));
            }
        }
    }
    let change = |id: &str| cs::series(t, "corridor", id, "tonnes_change");
    let largest = cs::max_of(ids.iter().flat_map(|(id, _)| change(id)), |(_, st)| {
        st.mean.abs()
    });
    let moved: Vec<&(String, String)> = ids
        .iter()
        .filter(|(id, _)| {
            cs::max_of(change(id).iter(), |(_, st)| {
                st.mean.abs().max(st.p[0].abs()).max(st.p[4].abs())
            }) > 0.005 * largest
                && largest > 0.0
        })
        .collect();
    let unit = tonne_unit(cs::max_of(
        moved.iter().flat_map(|(id, _)| change(id)),
        |(_, st)| st.p[0].abs().max(st.p[4].abs()),
    ));
    let fmt_t = column_format(
        cs::max_of(moved.iter().flat_map(|(id, _)| change(id)), |(_, st)| {
            st.mean.abs()
        }),
        unit.div,
    );
    b.push_str("<h2>Key numbers</h2>\n");
    let new_id = crate::charts::compare::new_corridor_id(base, policy);
    if let Some(id) = &new_id
        && let Some((_, name)) = ids.iter().find(|(i, _)| i == id)
    {
        let ser = change(id);
        let parts: Vec<String> = years
            .iter()
            .filter_map(|y| stat_in(&ser, *y).map(|st| (y, st)))
            .map(|(y, st)| format!("{} {} in {y}", fmt_t(st.mean), unit.short))
            .collect();
        let _ = writeln!(
            b,
            "<p>Freight the policy adds to the <strong>{}</strong>: {}.</p>",
            escape(name),
            escape(&parts.join(", "))
        );
    }
    let _ = writeln!(
        b,
        "<p>Change in freight carried by each corridor, policy minus base, {} per year. {}</p>",
        unit.short,
        if bands {
            "Mean of the paired differences with their 5–95% range in brackets."
        } else {
            "One replication (no uncertain inputs)."
        }
    );
    b.push_str("<table>\n<tr><th>Corridor</th>");
    for y in &years {
        let _ = write!(b, "<th class=\"num\">{y}</th>");
    }
    b.push_str("</tr>\n");
    for (id, name) in &moved {
        let ser = change(id);
        let _ = write!(b, "<tr><td>{}</td>", escape(name));
        for y in &years {
            let _ = write!(
                b,
                "<td class=\"num\">{}</td>",
                signed_cell(stat_in(&ser, *y), &fmt_t, bands)
            );
        }
        b.push_str("</tr>\n");
    }
    b.push_str("</table>\n");
    let unchanged = ids.len() - moved.len();
    if unchanged > 0 {
        let _ = writeln!(
            b,
            "<p class=\"note\">{unchanged} corridor{} whose freight does not change {} not listed (see <code>corridor_change.csv</code>).</p>",
            if unchanged == 1 { "" } else { "s" },
            if unchanged == 1 { "is" } else { "are" }
        );
    }

    b.push_str("<h2>Charts</h2>\n");
    for ch in charts {
        b.push_str(&figure(ch));
    }

    b.push_str("<h2>Data</h2>\n<ul class=\"files\">\n");
    let what = |name: &str| match name {
        "corridor_change.csv" => {
            "per year and corridor: tonnes in base and policy, change in tonnes, share and tonne-km"
        }
        "od_change.csv" => {
            "per year and flow: change in cost and transit time per tonne, and in unserved tonnes"
        }
        "summary.json" => "comparison metadata and the change in each corridor's tonnes",
        _ => "",
    };
    let mut data: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            p.parent().is_none_or(|d| d.as_os_str().is_empty())
                && p.extension().is_some_and(|e| e == "csv" || e == "json")
        })
        .collect();
    data.sort();
    for p in data {
        let name = p.to_string_lossy();
        let _ = writeln!(
            b,
            "<li><a href=\"{}\">{}</a> {}</li>",
            href(p),
            escape(&name),
            escape(what(&name))
        );
    }
    b.push_str("</ul>\n");
    b.push_str(
        "<p class=\"note\">CSV columns: key columns, then for each figure its mean, <code>_sd</code> and the percentiles <code>_p5</code> to <code>_p95</code> of the paired differences over replications.</p>\n",
    );
    let _ = writeln!(
        b,
        "<footer>Made by corridor-sim {}. <a href=\"../index.html\">All runs in this folder</a>.</footer>",
        env!("CARGO_PKG_VERSION")
    );
    page(&format!("{title} · corridor-sim"), &b)
}

/// The page of an appraisal: does the policy pay, how sure is that, who gains, the
/// charts and the data files.
pub fn appraisal_index(
    base: &Scenario,
    policy: &Scenario,
    r: &crate::appraisal::AppraisalResults,
    charts: &[crate::charts::appraisal::AppraisalChart],
    files: &[PathBuf],
) -> String {
    let a = &r.inputs;
    let title = format!("Appraisal: {} vs {}", policy.name, base.name);
    let n = r.enpv_draws.len();
    let mut b = String::new();
    let _ = writeln!(b, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        b,
        "<p class=\"lead\">Does <code>{}</code>{} pay against <code>{}</code>{}, how sure is that, and who gains?</p>",
        escape(&policy.name),
        if policy.title.is_empty() {
            String::new()
        } else {
            format!(" ({})", escape(&policy.title))
        },
        escape(&base.name),
        if base.title.is_empty() {
            String::new()
        } else {
            format!(" ({})", escape(&base.title))
        },
    );
    let _ = writeln!(
        b,
        "<p class=\"meta\">Appraisal period {}–{} (simulated {}–{}, later years {}) · {}% real economic discount rate, {}% financial · constant {} prices · {} paired replication{} · seed {} · shippers' surplus by the {}</p>",
        a.first_year,
        a.last_year,
        r.comparison.years.first().copied().unwrap_or(0),
        r.comparison.years.last().copied().unwrap_or(0),
        if a.growth_after_horizon.nominal() == 0.0 {
            "held at the last simulated year".to_string()
        } else {
            format!(
                "grown at {}%/yr",
                cs::fmt_num(a.growth_after_horizon.nominal() * 100.0)
            )
        },
        cs::fmt_num(a.discount_rate.nominal() * 100.0),
        cs::fmt_num(a.financial_discount_rate.nominal() * 100.0),
        a.price_base_year,
        n,
        if n == 1 { "" } else { "s" },
        r.seed,
        r.surplus_measure
    );
    let get = |name: &str| {
        r.headline
            .iter()
            .find(|(h, _)| *h == name)
            .map_or(Summary::EMPTY, |(_, s)| *s)
    };
    let money = |v: f64| {
        if v.is_finite() {
            cs::fmt_num(v)
        } else {
            "–".into()
        }
    };
    let rate = |v: f64| {
        if v.is_finite() {
            format!("{:.1}%", v * 100.0)
        } else {
            "–".into()
        }
    };
    let row = |b: &mut String, label: &str, st: Summary, f: &dyn Fn(f64) -> String| {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\"><span class=\"band\">{} to {}</span></td></tr>",
            escape(label),
            f(st.mean),
            f(st.p[0]),
            f(st.p[4])
        );
    };
    b.push_str("<h2>Does it pay?</h2>\n");
    let enpv = get("enpv_musd");
    let _ = writeln!(
        b,
        "<p>Expected economic NPV <strong>{} million USD</strong>; the probability that it is negative is <strong>{}</strong>, and that the EIRR falls short of the {} hurdle <strong>{}</strong>.</p>",
        money(enpv.mean),
        fmt_pct(r.p_enpv_negative),
        rate(a.hurdle_rate),
        fmt_pct(r.p_eirr_below_hurdle)
    );
    b.push_str("<table>\n<tr><th>Figure</th><th class=\"num\">Mean</th><th class=\"num\">5–95%</th></tr>\n");
    row(&mut b, "Economic NPV, million USD", enpv, &money);
    row(&mut b, "Economic IRR", get("eirr"), &rate);
    row(&mut b, "Benefit-cost ratio", get("bcr"), &|v| {
        if v.is_finite() {
            format!("{v:.2}")
        } else {
            "–".into()
        }
    });
    row(
        &mut b,
        "PV of benefits, million USD",
        get("pv_benefits_musd"),
        &money,
    );
    row(
        &mut b,
        "PV of costs (capital, O&M, less residual), million USD",
        get("pv_costs_musd"),
        &money,
    );
    row(
        &mut b,
        "Financial NPV of the new corridor's owner, million USD",
        get("fnpv_musd"),
        &money,
    );
    row(&mut b, "Financial IRR of the owner", get("firr"), &rate);
    row(
        &mut b,
        "CO2e change over the period, kt",
        get("co2e_change_kt_total"),
        &money,
    );
    let pb = get("payback_year");
    let _ = writeln!(
        b,
        "<tr><td>Discounted payback year (median of the {} of replications that pay back)</td><td class=\"num\">{}</td><td></td></tr>",
        fmt_pct(pb.n as f64 / n.max(1) as f64),
        if pb.n > 0 {
            format!("{:.0}", pb.p[2])
        } else {
            "never".into()
        }
    );
    b.push_str("</table>\n");
    b.push_str("<p>ENPV at other discount rates (million USD): ");
    let parts: Vec<String> = r
        .npv_at_rates
        .iter()
        .map(|(rt, st)| {
            format!(
                "{} at {} ({} to {})",
                money(st.mean),
                rate(*rt),
                money(st.p[0]),
                money(st.p[4])
            )
        })
        .collect();
    let _ = writeln!(b, "{}.</p>", escape(&parts.join("; ")));
    b.push_str("<p>Switching values (the change that brings the expected NPV to zero) and ADB sensitivity indicators (% change in NPV per % change in the item):</p>\n");
    b.push_str("<table>\n<tr><th>Item</th><th class=\"num\">Switching value</th><th class=\"num\">Sensitivity indicator</th></tr>\n");
    for (name, sv, si) in &r.switching {
        let label = match *name {
            "capital" => "Capital cost (net of residual value)",
            "om" => "Operation and maintenance",
            _ => "Benefits",
        };
        let _ = writeln!(
            b,
            "<tr><td>{label}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            if sv.is_finite() {
                format!("{:+.1}%", sv)
            } else {
                "–".into()
            },
            if si.is_finite() {
                format!("{si:.2}")
            } else {
                "–".into()
            }
        );
    }
    b.push_str("</table>\n");
    let tests: Vec<String> = r
        .standard_tests
        .iter()
        .map(|(name, v)| {
            let label = match *name {
                "capital_plus_20pct" => "capital +20%",
                "benefits_minus_20pct" => "benefits -20%",
                "om_plus_100pct" => "O&M +100%",
                _ => "both capital +20% and benefits -20%",
            };
            format!("{label}: {}", money(*v))
        })
        .collect();
    let _ = writeln!(
        b,
        "<p>Expected ENPV under the banks' standard tests (million USD): {}.</p>",
        escape(&tests.join("; "))
    );

    b.push_str("<h2>Who gains?</h2>\n<p>NPV by country and by stakeholder, million USD at the economic rate; they add up to the economic NPV. Tariffs and fees are transfers between shippers, operators and governments and cancel in the total.</p>\n");
    let st = &r.stakeholders;
    let mut countries: Vec<&crate::results::Row> = st
        .rows
        .iter()
        .filter(|row| row.keys[0] == "all" && row.keys[1] != "all")
        .collect();
    countries.sort_by(|x, y| y.stats[0].mean.total_cmp(&x.stats[0].mean));
    b.push_str("<table>\n<tr><th>Country</th><th class=\"num\">NPV</th><th class=\"num\">5–95%</th></tr>\n");
    for c in countries.iter().filter(|c| c.stats[0].mean.abs() >= 0.5) {
        row(&mut b, &c.keys[1], c.stats[0], &money);
    }
    b.push_str("</table>\n<table>\n<tr><th>Stakeholder</th><th class=\"num\">NPV</th><th class=\"num\">5–95%</th></tr>\n");
    for s in st.rows.iter().filter(|row| row.keys[1] == "all") {
        row(&mut b, &s.keys[0], s.stats[0], &money);
    }
    b.push_str("</table>\n");
    if r.surplus_measure == "logsum" {
        b.push_str("<p class=\"note\">Shippers' surplus is the logsum (exact for the logit route choice). The rule of a half in <code>appraisal.csv</code> counts only routes present in both runs, so it leaves out the new corridor's own users and is not a measure of the project's benefit.</p>\n");
    }

    b.push_str("<h2>Charts</h2>\n");
    for ch in charts {
        let (svg, png) = (href(&ch.svg_path()), href(&ch.png_path()));
        let _ = writeln!(
            b,
            "<figure id=\"{id}\"><a href=\"{png}\"><img src=\"{svg}\" alt=\"{alt}\" width=\"{w}\" height=\"{h}\"></a>\n\
             <figcaption>{alt} <a href=\"{svg}\">SVG</a> · <a href=\"{png}\">PNG</a></figcaption></figure>",
            id = escape(ch.stem),
            alt = escape(ch.caption),
            w = ch.width,
            h = ch.height,
        );
    }
    b.push_str("<h2>Data</h2>\n<ul class=\"files\">\n");
    let what = |name: &str| match name {
        "appraisal.csv" => {
            "per appraisal year: capital, O&M, residual value, benefits by component, CO2e, net and discounted flows"
        }
        "stakeholders.csv" => "NPV by stakeholder and country, with totals",
        "interdependence.csv" => {
            "per year and country: tonnes of its trade through each other country and each chokepoint, base and policy"
        }
        "corridor_change.csv" => "per year and corridor: tonnes in base and policy and the change",
        "od_change.csv" => "per year and flow: change in cost and transit time per tonne",
        "summary.json" => {
            "headline figures: ENPV, EIRR, BCR, FNPV, FIRR, payback, probabilities, switching values"
        }
        _ => "",
    };
    let mut data: Vec<&PathBuf> = files
        .iter()
        .filter(|p| {
            p.parent().is_none_or(|d| d.as_os_str().is_empty())
                && p.extension().is_some_and(|e| e == "csv" || e == "json")
        })
        .collect();
    data.sort();
    for p in data {
        let name = p.to_string_lossy();
        let _ = writeln!(
            b,
            "<li><a href=\"{}\">{}</a> {}</li>",
            href(p),
            escape(&name),
            escape(what(&name))
        );
    }
    b.push_str("</ul>\n");
    let _ = writeln!(
        b,
        "<footer>Made by corridor-sim {}. Formulas and sources: docs/MODEL.md, \"Appraisal\". <a href=\"../index.html\">All runs in this folder</a>.</footer>",
        env!("CARGO_PKG_VERSION")
    );
    page(&format!("{title} · corridor-sim"), &b)
}

/// A chart as a figure of the report: the SVG linking to the PNG, with its caption.
pub(super) fn figure(c: &Chart) -> String {
    let (svg, png) = (href(&c.svg_path()), href(&c.png_path()));
    format!(
        "<figure id=\"{id}\"><a href=\"{png}\"><img src=\"{svg}\" alt=\"{alt}\" width=\"{w}\" height=\"{h}\"></a>\n\
         <figcaption>{alt} <a href=\"{svg}\">SVG</a> · <a href=\"{png}\">PNG</a></figcaption></figure>\n",
        id = escape(&c.stem),
        alt = escape(&c.caption),
        w = c.width,
        h = c.height,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_links() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(
            href(Path::new("charts/map_2030.svg")),
            "charts/map_2030.svg"
        );
        assert_eq!(href(Path::new("a b/c#d.html")), "a%20b/c%23d.html");
        let f = column_format(12_345_678.0, 1e6);
        assert_eq!(
            (f(12_345_678.0), f(1_000_000.0)),
            ("12.3".into(), "1.0".into())
        );
        assert_eq!(column_format(5e6, 1.0)(1_234_567.0), "1,234,567");
    }

    #[test]
    fn runs_page_lists_runs_with_relative_links() {
        let page = runs_index(&[RunEntry {
            dir: "tripp-opens".into(),
            title: "TRIPP <opens>".into(),
            description: String::new(),
            horizon: "2025–2045".into(),
            comparison: false,
        }]);
        assert!(page.contains("href=\"tripp-opens/index.html\""));
        assert!(page.contains("TRIPP &lt;opens&gt;"));
        assert!(!page.contains("http"));
    }
}
