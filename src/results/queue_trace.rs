//! The table of the daily queue trace of one year (`[scenario] queue_trace_year`): per queue point
//! and day, the queue at the end of the day over the replications (`queue_trace.csv`
//! and the `queue_trace` chart), and the share of replications in which a disruption
//! cut the point's capacity that day.
//!
//! The day loop (`QueueLayer::run_days`) stores each day's closing queue; in the trace
//! year `solve_year` hands the accepted round's values to the year's figures
//! (`YearFigures::queue_trace`), which the results collector holds with the other queue
//! figures, so thread counts and shards give the same table byte for byte. Tonnes are
//! units x `tonnes_per_unit`, a constant per point, so they are derived here rather
//! than stored.
//!
//! With steady service the day's mean queue is (Q_start + Q_end) / 2 (`day.rs`), so over
//! a year the mean of the trace is `queue_mean_units` of `queues.csv` plus (Q_end_of_year
//! - Q_start_of_year) / (2 x 365): equal when the year starts and ends without a queue.

use super::{Row, Table};
use crate::figures::{QUEUE_DAYS, QUEUE_TRACE_FIGURES};
use crate::model::Scenario;
use crate::queues::MONTH_STARTS;
use crate::stats::Summary;

/// Columns of `queue_trace.csv` after its keys.
pub const TRACE_METRICS: [&str; 3] = ["queue_units", "queue_t", "disrupted"];

/// The calendar date (YYYY-MM-DD) of day `day` (from 0) of `year` in a 365-day year.
pub fn date(year: i32, day: usize) -> String {
    let d = day.min(QUEUE_DAYS - 1);
    let m = MONTH_STARTS[1..].partition_point(|&next| next <= d);
    format!("{year}-{:02}-{:02}", m + 1, d - MONTH_STARTS[m] + 1)
}

fn scaled(st: Summary, k: f64) -> Summary {
    Summary {
        mean: st.mean * k,
        sd: st.sd * k,
        p: st.p.map(|v| v * k),
        n: st.n,
    }
}

/// The trace table of a run: one row per queue point and day of the trace year.
/// `summary(p, day)` gives the `QUEUE_TRACE_FIGURES` summaries of point `p` on `day`.
pub fn table(s: &Scenario, mut summary: impl FnMut(usize, usize) -> Vec<Summary>) -> Table {
    let year = s.queue_trace_year;
    let mut rows = Vec::with_capacity(s.queues.len() * QUEUE_DAYS);
    for (p, q) in s.queues.iter().enumerate() {
        for day in 0..QUEUE_DAYS {
            let st = summary(p, day);
            debug_assert_eq!(st.len(), QUEUE_TRACE_FIGURES.len());
            rows.push(Row {
                keys: vec![
                    q.id.clone(),
                    q.name.clone(),
                    q.unit.clone(),
                    year.to_string(),
                    (day + 1).to_string(),
                    date(year, day),
                ],
                stats: vec![st[0], scaled(st[0], q.tonnes_per_unit), st[1]],
            });
        }
    }
    Table {
        name: "queue_trace",
        key_columns: vec!["queue", "queue_name", "unit", "year", "day", "date"],
        metrics: TRACE_METRICS.to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_365_day_year() {
        assert_eq!(date(2030, 0), "2030-01-01");
        assert_eq!(date(2030, 31), "2030-02-01");
        assert_eq!(date(2030, 58), "2030-02-28");
        assert_eq!(date(2030, 59), "2030-03-01");
        assert_eq!(date(2030, 364), "2030-12-31");
    }
}
