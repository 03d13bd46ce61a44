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
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
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

/// The start of every line of a text, for turning many byte offsets into locations in
/// O(log lines) each (`Location::at` scans the text before the offset).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The location of byte `offset` in `text` (the text the index was built from).
    pub fn at(&self, file: PathBuf, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text[start..offset].chars().count() + 1;
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
        write!(f, "{}: {}", self.location, self.severity.as_str())?;
        if !self.key.is_empty() {
            write!(f, " in `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl Problem {
    /// The replacement the message proposes (`` (did you mean `rail`?) `` gives `rail`),
    /// for editors that offer a quick fix.
    pub fn suggestion(&self) -> Option<String> {
        let (_, rest) = self.message.split_once("did you mean ")?;
        let found = match rest.strip_prefix('`') {
            Some(r) => r.split('`').next()?,
            None => rest.split('?').next()?,
        };
        (!found.is_empty()).then(|| found.to_string())
    }

    /// The problem as the JSON object of `corridor validate --format json`. Field names
    /// are stable (docs/FORMAT.md, "Problems as JSON"): `file`, `line` and `column`
    /// (1-based, `null` when unknown), `key` (`null` for the whole file), `message`,
    /// `suggestion` (`null` when none) and `severity` (`"error"` or `"warning"`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.location.file.display().to_string(),
            "line": self.location.line,
            "column": self.location.column,
            "key": (!self.key.is_empty()).then_some(self.key.as_str()),
            "message": self.message,
            "suggestion": self.suggestion(),
            "severity": self.severity.as_str(),
        })
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

    /// Whether further errors are only counted, not kept: callers can skip composing
    /// costly messages (suggestions over 100,000 names) that nobody will see.
    pub fn errors_full(&self) -> bool {
        self.kept_errors >= MAX_KEPT
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_read_from_messages() {
        let p = |message: &str| Problem {
            severity: Severity::Error,
            location: Location::default(),
            key: "links[0].mode".into(),
            message: message.into(),
        };
        assert_eq!(
            p("unknown mode `rial` (did you mean `rail`?)").suggestion(),
            Some("rail".into())
        );
        assert_eq!(
            p("5 means 500% growth a year; growth is a fraction, did you mean 0.05?").suggestion(),
            Some("0.05".into())
        );
        assert_eq!(p("must be > 0, found -1").suggestion(), None);
        let j = p("unknown mode `rial` (did you mean `rail`?)").to_json();
        assert_eq!(j["suggestion"], "rail");
        assert_eq!(j["key"], "links[0].mode");
        assert!(j["line"].is_null());
        assert_eq!(j["severity"], "error");
    }

    #[test]
    fn line_index_agrees_with_a_scan() {
        let text = "a = 1\n\nné = \"x\"\n[[links]]\nid = 2";
        let idx = LineIndex::new(text);
        for off in 0..=text.len() + 3 {
            let f = PathBuf::from("f");
            assert_eq!(
                idx.at(f.clone(), text, off),
                Location::at(f, text, off),
                "{off}"
            );
        }
    }
}
