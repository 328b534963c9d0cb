//! Input formats -> events to append. Every refusal names the source, line, field and reason.

pub mod csv;
pub mod jsonl;
pub mod kolada;

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

/// Checks events read from `source` against the domain state, one after the other as if each
/// were already applied, and applies them to `state`. The first event will get position
/// `first_seq`. Refuses at the first event that does not fit, naming its line and field;
/// `state` is then partly advanced and must be dropped.
pub fn check_against_state(
    state: &mut crate::domain::State,
    source: &str,
    lines: &[jsonl::Line],
    first_seq: u64,
    time: &str,
    actor: &str,
) -> Result<(), InputError> {
    use crate::domain::{DomainEvent, Meta};
    for (i, line) in lines.iter().enumerate() {
        let refuse = |e: crate::domain::FieldError| {
            InputError::new(source, Some(line.line), Some(&e.field), e.reason)
        };
        let payload = serde_json::Value::Object(line.event.payload.clone());
        let event = DomainEvent::parse(&line.event.kind, &payload).map_err(refuse)?;
        let meta = Meta {
            seq: first_seq + i as u64,
            time: time.to_string(),
            actor: actor.to_string(),
        };
        state.check(Some(&meta), &event).map_err(refuse)?;
        state.apply(&meta, &event);
    }
    Ok(())
}
