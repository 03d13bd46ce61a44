//! `--keep-replications`: every replication's corridor and flow figures, for users who
//! want their own statistics. Written while the study runs, in replication order, so
//! memory does not grow with the number of replications: CSV row by row, or Parquet
//! (`columnar.rs`) in row groups of `ROW_GROUP_ROWS` rows. Parquet is the default when the
//! `parquet` cargo feature is on (it is by default); the columns are the same in both
//! formats and are documented in docs/FORMAT.md, "Replications as Parquet".

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::figures::{CORRIDOR_METRICS, DEMAND_METRICS, YearFigures};
use crate::model::Scenario;
use crate::output::csv::fmt_num;

/// File names, relative to the run folder.
pub const CORRIDORS_FILE: &str = "replications/corridors.csv";
pub const OD_FILE: &str = "replications/od.csv";
pub const CORRIDORS_PARQUET: &str = "replications/corridors.parquet";
pub const OD_PARQUET: &str = "replications/od.parquet";

/// Rows buffered before a Parquet row group is written (after a whole replication).
pub const ROW_GROUP_ROWS: usize = 1 << 16;

/// The file format of the kept replications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Parquet,
}

impl Format {
    /// Parquet when the tool is built with it, CSV otherwise.
    pub const DEFAULT: Format = if cfg!(feature = "parquet") {
        Format::Parquet
    } else {
        Format::Csv
    };
}

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
            write!(corridors, "{rep},{year},{}", corridor_id(s, c))?;
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

/// The id of corridor row `c`: the declared corridors, then `unserved`.
fn corridor_id(s: &Scenario, c: usize) -> &str {
    s.corridors.get(c).map_or("unserved", |x| x.id.as_str())
}

/// The kept-replication files of one run, open for appending.
pub struct ReplicationWriter {
    inner: Inner,
}

enum Inner {
    Csv {
        corridors: BufWriter<File>,
        od: BufWriter<File>,
    },
    #[cfg(feature = "parquet")]
    Parquet {
        corridors: Box<parquet_tables::Table>,
        od: Box<parquet_tables::Table>,
    },
}

impl ReplicationWriter {
    /// Creates the files under `run_dir/replications/`.
    pub fn create(run_dir: &Path, format: Format) -> io::Result<ReplicationWriter> {
        std::fs::create_dir_all(run_dir.join("replications"))?;
        let inner = match format {
            Format::Csv => {
                let open = |rel: &str, header: String| -> io::Result<BufWriter<File>> {
                    let mut w = BufWriter::new(File::create(run_dir.join(rel))?);
                    w.write_all(header.as_bytes())?;
                    Ok(w)
                };
                Inner::Csv {
                    corridors: open(CORRIDORS_FILE, corridors_header())?,
                    od: open(OD_FILE, od_header())?,
                }
            }
            #[cfg(feature = "parquet")]
            Format::Parquet => Inner::Parquet {
                corridors: Box::new(parquet_tables::Table::create(
                    &run_dir.join(CORRIDORS_PARQUET),
                    "corridor",
                    &CORRIDOR_METRICS,
                )?),
                od: Box::new(parquet_tables::Table::create(
                    &run_dir.join(OD_PARQUET),
                    "demand",
                    &DEMAND_METRICS,
                )?),
            },
            #[cfg(not(feature = "parquet"))]
            Format::Parquet => {
                return Err(io::Error::new(
                    io::ErrorKind::Unsupported,
                    "this build has no Parquet writer (cargo feature `parquet`); use CSV",
                ));
            }
        };
        Ok(ReplicationWriter { inner })
    }

    /// Appends replication `rep`'s figures.
    pub fn write(&mut self, s: &Scenario, rep: u64, years: &[YearFigures]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Csv { corridors, od } => write_replication(s, rep, years, corridors, od),
            #[cfg(feature = "parquet")]
            Inner::Parquet { corridors, od } => {
                let rep = i32::try_from(rep).map_err(|_| {
                    io::Error::new(io::ErrorKind::InvalidInput, "replication index above 2^31")
                })?;
                for (year, yf) in s.years().zip(years) {
                    for (c, row) in yf.corridors.iter().enumerate() {
                        corridors.push(rep, year, corridor_id(s, c), row);
                    }
                    for (d, row) in yf.demand.iter().enumerate() {
                        od.push(rep, year, &s.demand[d].id, row);
                    }
                }
                corridors.flush_if_full()?;
                od.flush_if_full()
            }
        }
    }

    /// Writes what is buffered and closes the files.
    pub fn finish(self) -> io::Result<()> {
        match self.inner {
            Inner::Csv {
                mut corridors,
                mut od,
            } => {
                corridors.flush()?;
                od.flush()
            }
            #[cfg(feature = "parquet")]
            Inner::Parquet { corridors, od } => {
                corridors.finish()?;
                od.finish()
            }
        }
    }
}

#[cfg(feature = "parquet")]
mod parquet_tables {
    //! One kept-replication table as Parquet: `replication` (INT32), `year` (INT32), an
    //! id column (UTF-8) and one DOUBLE column per metric, buffered by row group.

    use std::fs::File;
    use std::io::{self, BufWriter};
    use std::path::Path;

    use super::ROW_GROUP_ROWS;
    use crate::output::columnar::{Kind, ParquetWriter, Values};

    pub struct Table {
        writer: ParquetWriter<BufWriter<File>>,
        replication: Vec<i32>,
        year: Vec<i32>,
        id: Vec<String>,
        metrics: Vec<Vec<f64>>,
    }

    impl Table {
        pub fn create(path: &Path, id_column: &str, metrics: &[&str]) -> io::Result<Table> {
            let mut columns = vec![
                ("replication", Kind::Int32),
                ("year", Kind::Int32),
                (id_column, Kind::Utf8),
            ];
            columns.extend(metrics.iter().map(|m| (*m, Kind::Float64)));
            let writer = ParquetWriter::new(BufWriter::new(File::create(path)?), &columns)?;
            Ok(Table {
                writer,
                replication: Vec::new(),
                year: Vec::new(),
                id: Vec::new(),
                metrics: vec![Vec::new(); metrics.len()],
            })
        }

        pub fn push(&mut self, rep: i32, year: i32, id: &str, row: &[f64]) {
            self.replication.push(rep);
            self.year.push(year);
            self.id.push(id.to_string());
            for (col, v) in self.metrics.iter_mut().zip(row) {
                col.push(*v);
            }
        }

        pub fn flush_if_full(&mut self) -> io::Result<()> {
            if self.replication.len() >= ROW_GROUP_ROWS {
                self.flush()?;
            }
            Ok(())
        }

        fn flush(&mut self) -> io::Result<()> {
            let mut columns = vec![
                Values::Int32(std::mem::take(&mut self.replication)),
                Values::Int32(std::mem::take(&mut self.year)),
                Values::Utf8(std::mem::take(&mut self.id)),
            ];
            columns.extend(
                self.metrics
                    .iter_mut()
                    .map(|m| Values::Float64(std::mem::take(m))),
            );
            self.writer.write_row_group(&columns)
        }

        pub fn finish(mut self) -> io::Result<()> {
            self.flush()?;
            let mut out = self.writer.finish()?;
            std::io::Write::flush(&mut out)
        }
    }
}
