//! `history`: every event that touched a goal, indicator, target (or any id) or anything under
//! it (plan → goals → sub-goals → indicators → targets; readings and assessments touch their
//! indicator or goal), oldest first, with who, when, by what decision, and each field's
//! old → new value. `Scope::Only` limits it to the events that touch the id itself.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde::Serialize;

use crate::domain::{Change, Id, Provenance, State, Valid};

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

/// Which events a history lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The id and everything under it.
    Tree,
    /// Only the events that touch the id itself.
    Only,
}

/// One event in a history.
#[derive(Clone, Debug, Serialize)]
pub struct HistoryEntry {
    /// Ledger position.
    pub seq: u64,
    /// The event's own subject, when it is not the id asked about (a target under an
    /// indicator, an indicator under a goal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<Id>,
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
    /// Field changes, old → new (the provenance is given apart, below).
    pub changes: Vec<Change>,
    /// Where the event's facts come from, as it cites them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// The reason, when the event is an interpretation rather than a cited fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

/// `id` and the ids under it: a plan's goals, a goal's sub-goals and indicators, an
/// indicator's targets, each followed down.
fn under(state: &State, id: &Id) -> BTreeSet<Id> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![id.clone()];
    while let Some(at) = todo.pop() {
        if !seen.insert(at.clone()) {
            continue;
        }
        if let Some(plan) = state.plans.get(&at) {
            todo.extend(plan.goals.iter().cloned());
        }
        if let Some(goal) = state.goals.get(&at) {
            todo.extend(goal.indicators.iter().cloned());
            // Sub-goals: goals whose latest version refines this one.
            todo.extend(
                state
                    .goals
                    .values()
                    .filter(|g| g.versions.iter().any(|v| v.parent.as_ref() == Some(&at)))
                    .map(|g| g.id.clone()),
            );
            // Promises and activities tied to the goal, with their statuses.
            todo.extend(
                state
                    .promises
                    .values()
                    .filter(|p| p.def.goals.contains(&at))
                    .map(|p| p.def.promise.clone()),
            );
            todo.extend(
                state
                    .activities
                    .values()
                    .filter(|a| a.def.goals.contains(&at))
                    .map(|a| a.def.activity.clone()),
            );
        }
        if let Some(ind) = state.indicators.get(&at) {
            todo.extend(ind.targets.iter().cloned());
        }
    }
    seen
}

/// The events that touch `id` itself, or `None` when no event ever defined it.
pub fn history(state: &State, id: &str) -> Option<HistoryView> {
    history_of(state, id, Scope::Only)
}

/// The history of `id` (with everything under it, or only its own events), or `None` when no
/// event ever defined it.
pub fn history_of(state: &State, id: &str, scope: Scope) -> Option<HistoryView> {
    let (subject, _) = state.space_of(id)?;
    let id = Id::parse(id).ok()?;
    let ids = match scope {
        Scope::Tree => under(state, &id),
        Scope::Only => BTreeSet::from([id.clone()]),
    };
    let seqs: BTreeSet<u64> = ids
        .iter()
        .filter_map(|i| state.by_subject.get(i))
        .flatten()
        .copied()
        .collect();
    let entries = seqs
        .iter()
        .filter_map(|seq| state.journal.get(seq))
        .map(|e| HistoryEntry {
            seq: e.prov.seq,
            subject: e.subjects.first().filter(|s| **s != id).cloned(),
            time: e.prov.time.clone(),
            actor: e.prov.actor.clone(),
            kind: e.kind,
            valid: e.valid.clone(),
            decision: e.basis.decision.as_ref().map(|d| d.to_string()),
            reason: e.basis.reason.clone(),
            changes: e
                .changes
                .iter()
                .filter(|c| !c.field.starts_with("provenance."))
                .cloned()
                .collect(),
            provenance: e.prov.provenance.as_deref().cloned(),
            interpretation: e.prov.interpretation().map(str::to_string),
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
        if let Some(subject) = &e.subject {
            let _ = write!(out, "  {subject}");
        }
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
        if let Some(reason) = &e.interpretation {
            let _ = writeln!(out, "  (interpretation) {reason}");
        }
        if let Some(p) = &e.provenance {
            let cited: Vec<String> = [
                p.document.clone(),
                p.section.clone(),
                p.page.as_ref().map(|n| format!("p. {n}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !cited.is_empty() {
                let _ = writeln!(out, "  source: {}", cited.join(", "));
            }
            if let Some(q) = &p.quote {
                let _ = writeln!(out, "  quote: \"{q}\"");
            }
        }
        for c in &e.changes {
            let _ = writeln!(out, "  {}: {} -> {}", c.field, shown(&c.old), shown(&c.new));
        }
    }
    out
}
