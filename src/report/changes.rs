//! What changed after a publication: the events after a sealed head that touch what a report
//! shows. Used by `malbok diff` and by a report made after a seal, so both list the same.

use crate::domain::{Id, JournalEntry, State};
use std::collections::BTreeSet;

/// The ids a report of `follow_up` (for `body`) shows, as they stand in `state`.
pub fn report_subjects(state: &State, follow_up: &Id, body: Option<&Id>) -> BTreeSet<Id> {
    let mut ids = BTreeSet::from([follow_up.clone()]);
    ids.extend(body.cloned());
    let Some(f) = state.follow_ups.get(follow_up) else {
        return ids;
    };
    for plan in state
        .plans
        .values()
        .filter(|p| p.organisation == f.def.organisation)
    {
        for goal in plan.goals.iter().filter_map(|g| state.goals.get(g)) {
            let responsible = goal
                .versions
                .last()
                .is_some_and(|v| body.is_none_or(|b| v.bodies.contains(b)));
            if !responsible {
                continue;
            }
            ids.insert(goal.id.clone());
            for ind in goal
                .indicators
                .iter()
                .filter_map(|i| state.indicators.get(i))
            {
                ids.insert(ind.id.clone());
                ids.extend(ind.targets.iter().cloned());
            }
        }
    }
    ids.extend(
        state
            .methods
            .values()
            .filter(|m| m.def.organisation == f.def.organisation)
            .map(|m| m.def.id.clone()),
    );
    ids
}

/// The journal entries after `after` that touch `subjects`, leaving out seals.
pub fn changes_after<'a>(
    state: &'a State,
    after: u64,
    subjects: &BTreeSet<Id>,
) -> Vec<&'a JournalEntry> {
    state
        .journal
        .range(after + 1..)
        .map(|(_, e)| e)
        .filter(|e| e.kind != "report.sealed" && e.subjects.iter().any(|s| subjects.contains(s)))
        .collect()
}
