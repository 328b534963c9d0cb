//! Which organisation an event belongs to, and which id it defines: what the derived data
//! (indexes, per-organisation projections) is keyed by.
//!
//! Every event belongs to exactly one organisation (its *home*) or to the shared definitions
//! (a scale defined without an organisation). A query about one organisation folds only that
//! organisation's events and the shared ones, so one organisation's events can never change
//! another's answers.

use super::event::*;
use super::types::Id;

/// How an event's home is found: named in the event, or the home of an id it refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeRef<'a> {
    /// The event names its organisation (or is the organisation's registration).
    Org(&'a Id),
    /// The event belongs where the id it refers to belongs.
    Via(&'a Id),
    /// A shared definition, visible to every organisation.
    Shared,
}

/// How to find the home of `ev`.
pub fn home_ref(ev: &DomainEvent) -> HomeRef<'_> {
    use DomainEvent as E;
    use HomeRef::*;
    match ev {
        E::OrganisationRegistered(p) => Org(&p.id),
        E::BodyRegistered(p) => Org(&p.organisation),
        E::PlanAdopted(p) => Org(&p.organisation),
        E::PlanRevised(p) => Via(&p.plan),
        E::GoalDefined(p) => Via(&p.plan),
        E::GoalRevised(p) => Via(&p.goal),
        E::GoalRetired(p) | E::IndicatorRetired(p) | E::TargetRetired(p) => Via(&p.subject),
        E::IndicatorDefined(p) => Via(&p.goal),
        E::IndicatorRevised(p) => Via(&p.indicator),
        E::TargetSet(p) => Via(&p.indicator),
        E::TargetRevised(p) => Via(&p.target),
        E::ReadingRecorded(p) => Via(&p.indicator),
        E::ReadingCorrected(p) => Via(&p.indicator),
        E::ReadingNotMeasurable(p) => Via(&p.indicator),
        E::ScaleDefined(p) => p.organisation.as_ref().map_or(Shared, Org),
        E::FollowUpDefined(p) => Org(&p.organisation),
        E::AssessmentRecorded(p) => Via(&p.body),
        E::MethodDefined(p) => Org(&p.organisation),
        E::SummaryRecorded(p) => Via(&p.body),
        E::ReportSealed(p) => Via(&p.follow_up),
        E::TemplateDefined(p) => Org(&p.organisation),
        E::PromiseMade(p) => Org(&p.org),
        E::PromiseStatusRecorded(p) => Via(&p.promise),
        E::ActivityReported(p) => Org(&p.org),
    }
}

/// The id `ev` defines, and the kind of thing it names (as `State::space_of` says it).
pub fn defines(ev: &DomainEvent) -> Option<(&Id, &'static str)> {
    use DomainEvent as E;
    match ev {
        E::OrganisationRegistered(p) => Some((&p.id, "organisation")),
        E::BodyRegistered(p) => Some((&p.id, "body")),
        E::PlanAdopted(p) => Some((&p.id, "plan")),
        E::GoalDefined(p) => Some((&p.id, "goal")),
        E::IndicatorDefined(p) => Some((&p.id, "indicator")),
        E::TargetSet(p) => Some((&p.id, "target")),
        E::ScaleDefined(p) => Some((&p.id, "scale")),
        E::FollowUpDefined(p) => Some((&p.id, "follow_up")),
        E::MethodDefined(p) => Some((&p.id, "method")),
        E::TemplateDefined(p) => Some((&p.id, "template")),
        E::PromiseMade(p) => Some((&p.promise, "promise")),
        E::ActivityReported(p) => Some((&p.activity, "activity")),
        E::PlanRevised(_)
        | E::GoalRevised(_)
        | E::GoalRetired(_)
        | E::IndicatorRetired(_)
        | E::IndicatorRevised(_)
        | E::TargetRevised(_)
        | E::TargetRetired(_)
        | E::ReadingRecorded(_)
        | E::ReadingCorrected(_)
        | E::ReadingNotMeasurable(_)
        | E::AssessmentRecorded(_)
        | E::SummaryRecorded(_)
        | E::ReportSealed(_)
        | E::PromiseStatusRecorded(_) => None,
    }
}

/// The ids `ev` refers to besides the one it defines: what a check must be able to resolve.
pub fn references(ev: &DomainEvent) -> Vec<&Id> {
    use DomainEvent as E;
    let mut ids: Vec<&Id> = Vec::new();
    match ev {
        E::OrganisationRegistered(_) => {}
        E::BodyRegistered(p) => ids.push(&p.organisation),
        E::PlanAdopted(p) => ids.extend([&p.organisation, &p.body]),
        E::PlanRevised(p) => ids.push(&p.plan),
        E::GoalDefined(p) => {
            ids.push(&p.plan);
            ids.extend(&p.parent);
            ids.extend(&p.bodies);
            ids.extend(&p.source_plan);
        }
        E::GoalRevised(p) => {
            ids.push(&p.goal);
            ids.extend(&p.parent);
            ids.extend(p.bodies.iter().flatten());
        }
        E::GoalRetired(p) | E::IndicatorRetired(p) | E::TargetRetired(p) => ids.push(&p.subject),
        E::IndicatorDefined(p) => ids.push(&p.goal),
        E::IndicatorRevised(p) => ids.push(&p.indicator),
        E::TargetSet(p) => ids.push(&p.indicator),
        E::TargetRevised(p) => ids.push(&p.target),
        E::ReadingRecorded(p) => ids.push(&p.indicator),
        E::ReadingCorrected(p) => ids.push(&p.indicator),
        E::ReadingNotMeasurable(p) => ids.push(&p.indicator),
        E::ScaleDefined(p) => ids.extend(&p.organisation),
        E::FollowUpDefined(p) => ids.push(&p.organisation),
        E::AssessmentRecorded(p) => {
            ids.push(&p.body);
            ids.extend(&p.goal);
            ids.extend(&p.indicator);
            ids.push(&p.follow_up);
            ids.extend(&p.scale);
        }
        E::MethodDefined(p) => ids.extend([&p.organisation, &p.scale]),
        E::SummaryRecorded(p) => ids.extend([&p.body, &p.follow_up]),
        E::ReportSealed(p) => {
            ids.push(&p.follow_up);
            ids.extend(&p.body);
        }
        E::TemplateDefined(p) => ids.push(&p.organisation),
        E::PromiseMade(p) => {
            ids.push(&p.org);
            ids.extend(&p.goals);
        }
        E::PromiseStatusRecorded(p) => {
            ids.push(&p.promise);
            ids.extend(p.grade.as_ref().map(|g| &g.scale));
            ids.extend(&p.body);
        }
        E::ActivityReported(p) => {
            ids.push(&p.org);
            ids.extend(&p.goals);
            ids.extend(&p.body);
        }
    }
    ids
}
