//! Problems found in scenario files: where (file, line, column, key path), what, and
//! how bad. Validation collects them all instead of stopping at the first.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line and column, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Location {
    /// The location of byte `offset` in `text`.
    pub fn at(file: PathBuf, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Location {
            file,
            line: Some(line),
            column: Some(column),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// One problem with a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub location: Location,
    /// The key path, for example `links[12].capacity_tpy`; empty for the whole file.
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {sev}", self.location)?;
        if !self.key.is_empty() {
            write!(f, " in `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// At most this many problems of each severity are kept: a file with a million broken
/// rows is reported by its first ones and a count, not a million lines.
pub const MAX_KEPT: usize = 200;

/// Collects problems while validating.
#[derive(Debug, Default)]
pub struct Problems {
    pub list: Vec<Problem>,
    /// Errors and warnings found beyond `MAX_KEPT` (counted, not kept).
    pub omitted_errors: usize,
    pub omitted_warnings: usize,
    kept_errors: usize,
    kept_warnings: usize,
}

impl Problems {
    pub fn error(
        &mut self,
        location: &Location,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Error, location, key.into(), message.into());
    }

    pub fn warning(
        &mut self,
        location: &Location,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Warning, location, key.into(), message.into());
    }

    fn push(&mut self, severity: Severity, location: &Location, key: String, message: String) {
        let (kept, omitted) = match severity {
            Severity::Error => (&mut self.kept_errors, &mut self.omitted_errors),
            Severity::Warning => (&mut self.kept_warnings, &mut self.omitted_warnings),
        };
        if *kept >= MAX_KEPT {
            *omitted += 1;
            return;
        }
        *kept += 1;
        self.list.push(Problem {
            severity,
            location: location.clone(),
            key,
            message,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.omitted_errors > 0 || self.list.iter().any(|p| p.severity == Severity::Error)
    }

    /// How many errors were found, kept or not.
    pub fn error_count(&self) -> usize {
        self.omitted_errors
            + self
                .list
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count()
    }

    pub fn warnings(&self) -> Vec<Problem> {
        self.list
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .cloned()
            .collect()
    }
}
