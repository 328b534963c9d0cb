//! `history`: every event that touched a goal, indicator, target (or any id), oldest first,
//! with who, when, by what decision, and each field's old → new value.

use std::fmt::Write as _;

use serde::Serialize;

use crate::domain::{Change, Id, State, Valid};

/// The history of one id.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryView {
    /// The id asked about.
    pub id: Id,
    /// What it names: `goal`, `indicator`, `target`, `plan`, `body`, ...
    pub subject: &'static str,
    /// The events that touched it, oldest first.
    pub entries: Vec<HistoryEntry>,
}

/// One event in a history.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryEntry {
    /// Ledger position.
    pub seq: u64,
    /// Ledger time.
    pub time: String,
    /// Who appended it.
    pub actor: String,
    /// Event kind.
    pub kind: &'static str,
    /// Valid time the event speaks about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<Valid>,
    /// Decision reference, e.g. `KF 2020-10-19 § 147`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// Reason given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Field changes, old → new.
    pub changes: Vec<Change>,
}

/// The history of `id`, or `None` when no event ever defined it.
pub fn history(state: &State, id: &str) -> Option<HistoryView> {
    let (subject, _) = state.space_of(id)?;
    let id = Id::parse(id).ok()?;
    let entries = state
        .by_subject
        .get(&id)
        .into_iter()
        .flatten()
        .filter_map(|seq| state.journal.get(seq))
        .map(|e| HistoryEntry {
            seq: e.prov.seq,
            time: e.prov.time.clone(),
            actor: e.prov.actor.clone(),
            kind: e.kind,
            valid: e.valid.clone(),
            decision: e.basis.decision.as_ref().map(|d| d.to_string()),
            reason: e.basis.reason.clone(),
            changes: e.changes.clone(),
        })
        .collect();
    Some(HistoryView {
        id,
        subject,
        entries,
    })
}

/// Quotes a value for display; `(none)` when absent.
fn shown(v: &Option<String>) -> String {
    match v {
        Some(s) => format!("\"{s}\""),
        None => "(none)".into(),
    }
}

/// Renders a history as plain text for people.
pub fn render_history_text(view: &HistoryView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "History of {} {}", view.subject, view.id);
    for e in &view.entries {
        let _ = write!(out, "\nseq {}  {}  {}  {}", e.seq, e.time, e.actor, e.kind);
        match &e.valid {
            Some(Valid::Date(d)) => {
                let _ = write!(out, "  valid from {d}");
            }
            Some(Valid::Period(p)) => {
                let _ = write!(out, "  valid {p}");
            }
            None => {}
        }
        let _ = writeln!(out);
        if let Some(d) = &e.decision {
            let _ = writeln!(out, "  decision: {d}");
        }
        if let Some(r) = &e.reason {
            let _ = writeln!(out, "  reason: {r}");
        }
        for c in &e.changes {
            let _ = writeln!(out, "  {}: {} -> {}", c.field, shown(&c.old), shown(&c.new));
        }
    }
    out
}
