//! Input formats -> events to append. Every refusal names the source, line, field and reason.

pub mod jsonl;

use std::fmt;

/// Why an input was refused: which source (file name, `-` for stdin, or an argument), which
/// line, which field, and why. Nothing of a refused input is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub source: String,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub reason: String,
}

impl InputError {
    pub fn new(
        source: &str,
        line: Option<usize>,
        field: Option<&str>,
        reason: impl Into<String>,
    ) -> Self {
        InputError {
            source: source.to_string(),
            line,
            field: field.map(str::to_string),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for InputError {}
