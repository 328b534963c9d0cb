//! Goals, indicators, targets, readings and assessments: the event catalogue, validation
//! against the current state, and the replay fold.
//!
//! Pure: no I/O, no clock, no environment. Valid time (a reading's period, a target's
//! effective date, a follow-up's cut-off) is always explicit in payloads; ledger time
//! arrives only through [`Meta`] and is kept as provenance, never used as valid time.
//!
//! The flow for one event is `DomainEvent::parse` (shape) → `State::check` (against the
//! state) → `State::apply` (fold). `apply` is total: it never fails on a checked event.

mod check;
mod event;
mod id;
mod json;
mod partition;
mod promise;
mod provenance;
mod state;
mod types;

#[cfg(test)]
mod tests;

pub use event::*;
pub use id::derive_id;
pub use partition::{HomeRef, defines, home_ref, references};
pub use promise::*;
pub use provenance::Provenance;
pub use state::*;
pub use types::*;

/// Ledger facts about an event, given by the storage layer: its position, when it was
/// appended and by whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    /// Ledger position, from 1.
    pub seq: u64,
    /// Ledger time, RFC 3339 UTC, e.g. `2021-09-01T10:00:00.000000Z`.
    pub time: String,
    /// Who appended it.
    pub actor: String,
}

/// A refusal of one field of an event, e.g. `payload.levels[1].threshold: ...`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    /// Path of the field: `kind`, `payload`, `payload.indicator`, `payload.levels[1].threshold`.
    pub field: String,
    /// A precise English sentence saying what is wrong and, where useful, what to do.
    pub reason: String,
}
