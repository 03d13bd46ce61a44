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

/// Collects problems while validating.
#[derive(Debug, Default)]
pub struct Problems {
    pub list: Vec<Problem>,
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
        self.list.push(Problem {
            severity,
            location: location.clone(),
            key,
            message,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn warnings(&self) -> Vec<Problem> {
        self.list
            .iter()
            .filter(|p| p.severity == Severity::Warning)
            .cloned()
            .collect()
    }
}
