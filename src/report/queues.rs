//! The report's "Queues" section: for each queue point (`[[queues]]`) and key year, the
//! mean and 95th-percentile wait, the largest queue and the days to clear a backlog,
//! each with its 5-95% range over replications, then the chart of the daily queue in
//! the trace year (`queue_trace`). Empty for scenarios without queues.

use std::fmt::Write;

use super::html::escape;
use crate::charts::{Chart, Kind};
use crate::model::Scenario;
use crate::results::Results;
use crate::stats::Summary;

fn banded(st: &Summary, digits: usize, bands: bool) -> String {
    if st.mean.is_nan() {
        return "–".into();
    }
    if bands && st.p[0] != st.p[4] {
        format!(
            "{:.digits$} <span class=\"band\">({:.digits$}–{:.digits$})</span>",
            st.mean, st.p[0], st.p[4]
        )
    } else {
        format!("{:.digits$}", st.mean)
    }
}

/// The HTML section, or an empty string; `charts` are the run's charts (the daily
/// trace among them unless charts were not drawn).
pub fn section(s: &Scenario, r: &Results, charts: &[Chart]) -> String {
    let Some(t) = &r.queues else {
        return String::new();
    };
    let years = crate::charts::style::key_years(s, r);
    let (Some(ky), Some(kq)) = (t.key("year"), t.key("queue")) else {
        return String::new();
    };
    let metric = |m: &str| t.metric(m);
    let cols = [
        ("wait_mean_h", "Mean wait (h)", 1),
        ("wait_p95_h", "95th-percentile wait (h)", 1),
        ("queue_max_units", "Largest queue (units)", 0),
        ("clear_days", "Days to clear a backlog", 1),
    ];
    let bands = r.replications > 1;
    let mut b = String::new();
    b.push_str("<h2>Queues</h2>\n");
    let _ = writeln!(
        b,
        "<p>Borders, ports and ferries simulated day by day; their mean wait replaces the \
         congestion delay there in route choice. Mean of {} replications{}. Every year in \
         <code>queues.csv</code>.</p>",
        r.replications,
        if bands {
            ", with the 5–95% range in brackets"
        } else {
            ""
        }
    );
    b.push_str("<table>\n<tr><th>Queue point</th><th>Year</th>");
    for (_, label, _) in cols {
        let _ = write!(b, "<th class=\"num\">{label}</th>");
    }
    b.push_str("</tr>\n");
    for q in &s.queues {
        for y in &years {
            let ys = y.to_string();
            let Some(row) = t
                .rows
                .iter()
                .find(|row| row.keys[ky] == ys && row.keys[kq] == q.id)
            else {
                continue;
            };
            let _ = write!(
                b,
                "<tr><td>{} ({})</td><td>{ys}</td>",
                escape(&q.name),
                escape(&q.unit)
            );
            for (m, _, digits) in cols {
                let cell = metric(m)
                    .map(|i| banded(&row.stats[i], digits, bands))
                    .unwrap_or_default();
                let _ = write!(b, "<td class=\"num\">{cell}</td>");
            }
            b.push_str("</tr>\n");
        }
    }
    b.push_str("</table>\n");
    if let Some(c) = charts.iter().find(|c| c.kind == Kind::QueueTrace) {
        let _ = writeln!(
            b,
            "<h3>The daily queue in {}</h3>\n<p>The queue at the end of each day of {} at each point \
             (<code>queue_trace.csv</code>; the year is <code>queue_trace_year</code> under \
             <code>[scenario]</code>): each day's median and mean over replications, and the \
             spread a planner should expect around them. Orange columns mark the days a disruption cut the \
             point's capacity in at least a tenth of the replications.</p>",
            s.queue_trace_year, s.queue_trace_year
        );
        b.push_str(&super::html::figure(c));
    }
    b
}
