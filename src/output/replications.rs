//! `--keep-replications`: every replication's corridor and flow figures as CSV, for
//! users who want their own statistics. Written row by row while the study runs, in
//! replication order, so memory does not grow with the number of replications.

use std::io::{self, Write};

use crate::figures::{CORRIDOR_METRICS, DEMAND_METRICS, YearFigures};
use crate::model::Scenario;
use crate::output::csv::fmt_num;

/// File names, relative to the run folder.
pub const CORRIDORS_FILE: &str = "replications/corridors.csv";
pub const OD_FILE: &str = "replications/od.csv";

pub fn corridors_header() -> String {
    format!("replication,year,corridor,{}\n", CORRIDOR_METRICS.join(","))
}

pub fn od_header() -> String {
    format!("replication,year,demand,{}\n", DEMAND_METRICS.join(","))
}

/// Appends replication `rep`'s rows to the two writers.
pub fn write_replication(
    s: &Scenario,
    rep: u64,
    years: &[YearFigures],
    corridors: &mut impl Write,
    od: &mut impl Write,
) -> io::Result<()> {
    for (year, yf) in s.years().zip(years) {
        for (c, row) in yf.corridors.iter().enumerate() {
            let id = s.corridors.get(c).map_or("unserved", |x| x.id.as_str());
            write!(corridors, "{rep},{year},{id}")?;
            for v in row {
                write!(corridors, ",{}", fmt_num(*v))?;
            }
            writeln!(corridors)?;
        }
        for (d, row) in yf.demand.iter().enumerate() {
            write!(od, "{rep},{year},{}", s.demand[d].id)?;
            for v in row {
                write!(od, ",{}", fmt_num(*v))?;
            }
            writeln!(od)?;
        }
    }
    Ok(())
}
