//! Validation of an event against the state before it is applied.
//!
//! The payload's own shape was checked by `DomainEvent::parse`; here every reference must
//! resolve, ids must be new, and the event must make sense given what is already known
//! (no reading for a retired indicator, no grade that is not on the scale, ...).

use super::event::*;
use super::json::fe;
use super::promise::*;
use super::state::{Outcome, State};
use super::types::*;
use super::{FieldError, Meta};

type Check = Result<(), FieldError>;

impl State {
    /// Checks `ev` against the state as it is before the event. `meta`, when given, lets
    /// the check confirm that a correction points backwards in the ledger.
    pub fn check(&self, meta: Option<&Meta>, ev: &DomainEvent) -> Check {
        match ev {
            DomainEvent::OrganisationRegistered(p) => self.new_id(&p.id, "payload.id"),
            DomainEvent::BodyRegistered(p) => {
                self.new_id(&p.id, "payload.id")?;
                self.organisation(&p.organisation, "payload.organisation")
            }
            DomainEvent::PlanAdopted(p) => {
                self.new_id(&p.id, "payload.id")?;
                self.organisation(&p.organisation, "payload.organisation")?;
                self.body_of(&p.body, &p.organisation, "payload.body")
            }
            DomainEvent::PlanRevised(p) => {
                if !self.plans.contains_key(&p.plan) {
                    return Err(self.unknown("plan", &p.plan, "payload.plan", "plan.adopted"));
                }
                Ok(())
            }
            DomainEvent::GoalDefined(p) => self.check_goal_defined(p),
            DomainEvent::GoalRevised(p) => self.check_goal_revised(p),
            DomainEvent::GoalRetired(p) => {
                let goal = self.live_goal(&p.subject, "payload.goal")?;
                let Some(first) = goal.versions.first() else {
                    return Ok(());
                };
                if first.effective.is_some_and(|e| p.effective < e) {
                    return Err(fe(
                        "payload.effective",
                        format!(
                            "{} is before the goal applies ({}); check the date",
                            p.effective,
                            first.effective.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    ));
                }
                Ok(())
            }
            DomainEvent::IndicatorDefined(p) => {
                self.new_id(&p.id, "payload.id")?;
                self.live_goal(&p.goal, "payload.goal")?;
                Ok(())
            }
            DomainEvent::IndicatorRevised(p) => {
                let ind = self.live_indicator(&p.indicator, "payload.indicator")?;
                not_before(
                    "indicator",
                    ind.versions.first().and_then(|v| v.effective),
                    p.effective,
                )
            }
            DomainEvent::IndicatorRetired(p) => {
                self.live_indicator(&p.subject, "payload.indicator")?;
                Ok(())
            }
            DomainEvent::TargetSet(p) => {
                self.new_id(&p.id, "payload.id")?;
                let ind = self.live_indicator(&p.indicator, "payload.indicator")?;
                self.check_levels(ind.versions.last().map(|v| v.unit), &p.levels)?;
                along_direction(ind, &p.levels, p.contrary)?;
                self.one_target_in_force(ind, p.effective)
            }
            DomainEvent::TargetRetired(p) => {
                let Some(target) = self.targets.get(&p.subject) else {
                    return Err(self.unknown("target", &p.subject, "payload.target", "target.set"));
                };
                self.live_indicator(&target.indicator, "payload.target")?;
                not_before(
                    "target",
                    target.versions.first().map(|v| v.effective),
                    p.effective,
                )
            }
            DomainEvent::TargetRevised(p) => {
                let Some(target) = self.targets.get(&p.target) else {
                    return Err(self.unknown("target", &p.target, "payload.target", "target.set"));
                };
                let ind = self.live_indicator(&target.indicator, "payload.target")?;
                not_before(
                    "target",
                    target.versions.first().map(|v| v.effective),
                    p.effective,
                )?;
                match &p.levels {
                    Some(levels) => {
                        self.check_levels(ind.versions.last().map(|v| v.unit), levels)?;
                        along_direction(ind, levels, p.contrary)
                    }
                    None => Ok(()),
                }
            }
            DomainEvent::ReadingRecorded(p) => {
                self.check_reading(&p.indicator, p.period)?;
                self.check_value(&p.indicator, p.value, "payload.value")
            }
            DomainEvent::ReadingNotMeasurable(p) => self.check_reading(&p.indicator, p.period),
            DomainEvent::ReadingCorrected(p) => self.check_correction(meta, p),
            DomainEvent::ScaleDefined(p) => {
                self.new_id(&p.id, "payload.id")?;
                if let Some(org) = &p.organisation {
                    self.organisation(org, "payload.organisation")?;
                }
                Ok(())
            }
            DomainEvent::FollowUpDefined(p) => {
                self.new_id(&p.id, "payload.id")?;
                self.organisation(&p.organisation, "payload.organisation")
            }
            DomainEvent::AssessmentRecorded(p) => self.check_assessment(p),
            DomainEvent::MethodDefined(p) => self.check_method(p),
            DomainEvent::SummaryRecorded(p) => {
                let Some(body) = self.bodies.get(&p.body) else {
                    return Err(self.unknown("body", &p.body, "payload.body", "body.registered"));
                };
                let Some(follow_up) = self.follow_ups.get(&p.follow_up) else {
                    return Err(self.unknown(
                        "follow-up",
                        &p.follow_up,
                        "payload.follow_up",
                        "follow_up.defined",
                    ));
                };
                if body.def.organisation != follow_up.def.organisation {
                    return Err(fe(
                        "payload.follow_up",
                        format!(
                            "follow-up `{}` belongs to another organisation than body `{}`",
                            p.follow_up, p.body
                        ),
                    ));
                }
                self.check_summary_figures(p, &body.def.organisation)
            }
            DomainEvent::TemplateDefined(p) => {
                self.new_id(&p.id, "payload.id")?;
                self.organisation(&p.organisation, "payload.organisation")
            }
            DomainEvent::ReportSealed(p) => {
                if !self.follow_ups.contains_key(&p.follow_up) {
                    return Err(self.unknown(
                        "follow-up",
                        &p.follow_up,
                        "payload.follow_up",
                        "follow_up.defined",
                    ));
                }
                if let Some(body) = &p.body
                    && !self.bodies.contains_key(body)
                {
                    return Err(self.unknown("body", body, "payload.body", "body.registered"));
                }
                if let Some(meta) = meta
                    && p.head_seq >= meta.seq
                {
                    return Err(fe(
                        "payload.head_seq",
                        format!(
                            "a seal names a head before itself; {} is not before {}",
                            p.head_seq, meta.seq
                        ),
                    ));
                }
                Ok(())
            }
            DomainEvent::PromiseMade(p) => {
                self.new_id(&p.promise, "payload.promise")?;
                self.organisation(&p.org, "payload.org")?;
                self.goals_of(&p.goals, &p.org)
            }
            DomainEvent::PromiseStatusRecorded(p) => self.check_promise_status(p),
            DomainEvent::ActivityReported(p) => {
                self.new_id(&p.activity, "payload.activity")?;
                self.organisation(&p.org, "payload.org")?;
                self.goals_of(&p.goals, &p.org)?;
                if let Some(body) = &p.body {
                    self.body_of(body, &p.org, "payload.body")?;
                }
                Ok(())
            }
        }
    }

    /// Goals a promise or an activity is tied to: each defined, and of the same organisation.
    fn goals_of(&self, goals: &[Id], org: &Id) -> Check {
        for (i, g) in goals.iter().enumerate() {
            let field = format!("payload.goals[{i}]");
            if !self.goals.contains_key(g) {
                return Err(self.unknown("goal", g, &field, "goal.defined"));
            }
            if let Some(home) = self.goal_organisation(g)
                && home != org
            {
                return Err(fe(
                    &field,
                    format!("goal `{g}` belongs to organisation `{home}`, not `{org}`"),
                ));
            }
        }
        Ok(())
    }

    fn check_promise_status(&self, p: &PromiseStatusRecorded) -> Check {
        let Some(promise) = self.promises.get(&p.promise) else {
            return Err(self.unknown("promise", &p.promise, "payload.promise", "promise.made"));
        };
        let org = &promise.def.org;
        if p.as_of < promise.def.made {
            return Err(fe(
                "payload.as_of",
                format!(
                    "{} is before the promise was made ({}); check the date",
                    p.as_of, promise.def.made
                ),
            ));
        }
        if let Some(grade) = &p.grade {
            let scale = self.scale_for(&grade.scale, org, "payload.grade.scale")?;
            if scale.grade(&grade.code).is_none() {
                return Err(fe(
                    "payload.grade.code",
                    format!("`{}` is not a grade on scale `{}`", grade.code, grade.scale),
                ));
            }
        }
        if let Some(body) = &p.body {
            self.body_of(body, org, "payload.body")?;
        }
        Ok(())
    }

    /// A scale that `org` may use: its own or a shared one, never another organisation's.
    fn scale_for(&self, id: &Id, org: &Id, field: &str) -> Result<&super::Scale, FieldError> {
        let Some(scale) = self.scales.get(id) else {
            return Err(self.unknown("scale", id, field, "scale.defined"));
        };
        if let Some(owner) = &scale.def.organisation
            && owner != org
        {
            return Err(fe(
                field,
                format!(
                    "scale `{id}` belongs to organisation `{owner}`, not `{org}`; use a scale of \
                     `{org}` or a shared one"
                ),
            ));
        }
        Ok(scale)
    }

    /// The published figures name grades on the organisation's scale and plans of the
    /// organisation.
    fn check_summary_figures(&self, p: &SummaryRecorded, org: &Id) -> Check {
        let scale = match &p.scale {
            Some(id) => Some(self.scale_for(id, org, "payload.scale")?),
            None => None,
        };
        let on_grade = |grade: &Id, field: String| match scale {
            Some(s) if s.grade(grade).is_none() => Err(fe(
                &field,
                format!("`{grade}` is not a grade on scale `{}`", s.def.id),
            )),
            _ => Ok(()),
        };
        for (i, c) in p.counts.iter().enumerate() {
            on_grade(&c.grade, format!("payload.counts[{i}].grade"))?;
        }
        for (i, r) in p.rollups.iter().enumerate() {
            for (j, c) in r.counts.iter().enumerate() {
                on_grade(&c.grade, format!("payload.rollups[{i}].counts[{j}].grade"))?;
            }
            if let Some(plan) = &r.plan {
                let field = format!("payload.rollups[{i}].plan");
                let Some(found) = self.plans.get(plan) else {
                    return Err(self.unknown("plan", plan, &field, "plan.adopted"));
                };
                if &found.organisation != org {
                    return Err(fe(
                        &field,
                        format!(
                            "plan `{plan}` belongs to organisation `{}`, not `{org}`",
                            found.organisation
                        ),
                    ));
                }
            }
            if r.on_track.is_some() && scale.is_none_or(|s| s.def.on_track_from.is_none()) {
                return Err(fe(
                    &format!("payload.rollups[{i}].on_track"),
                    "needs a \"scale\" that names its on-track grade (\"on_track_from\")",
                ));
            }
        }
        Ok(())
    }

    fn check_method(&self, p: &MethodDefined) -> Check {
        self.new_id(&p.id, "payload.id")?;
        self.organisation(&p.organisation, "payload.organisation")?;
        let scale = self.scale_for(&p.scale, &p.organisation, "payload.scale")?;
        let grades = p
            .scores
            .iter()
            .map(|s| ("scores", &s.grade))
            .chain(p.goal_grades.iter().map(|g| ("goal_grades", &g.grade)));
        for (i, (list, grade)) in grades.enumerate() {
            if scale.grade(grade).is_none() {
                let index = if list == "scores" {
                    i
                } else {
                    i - p.scores.len()
                };
                return Err(fe(
                    &format!("payload.{list}[{index}].grade"),
                    format!("`{grade}` is not a grade on scale `{}`", p.scale),
                ));
            }
        }
        Ok(())
    }

    /// An error for a reference to an id that names nothing of the expected kind.
    fn unknown(&self, what: &str, id: &Id, field: &str, create_with: &str) -> FieldError {
        let a = |noun: &str| {
            let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {noun}")
        };
        if let Some(f) = self.foreign.get(id)
            && f.space == what.replace('-', "_")
        {
            let whose = match &f.home {
                Some(org) => format!("organisation `{org}`"),
                None => "the shared definitions".to_string(),
            };
            let reason = match &self.scope {
                Some(scope) => format!("{what} `{id}` belongs to {whose}, not `{scope}`"),
                None => format!(
                    "{what} `{id}` belongs to {whose}; an event refers only to its own \
                     organisation's ids and to shared definitions"
                ),
            };
            return fe(field, reason);
        }
        match self.space_of(id.as_str()) {
            Some((space, seq)) => fe(
                field,
                format!(
                    "`{id}` is {} (seq {seq}), not {}; give the id of {}",
                    a(space),
                    a(what),
                    a(what)
                ),
            ),
            None => fe(
                field,
                format!("unknown {what} `{id}`: define it first with {create_with}"),
            ),
        }
    }

    fn new_id(&self, id: &Id, field: &str) -> Check {
        match self.space_of(id.as_str()) {
            Some((space, seq)) => Err(fe(
                field,
                format!(
                    "`{id}` is already used by a {space} (seq {seq}); ids are unique across \
                     the ledger, choose another"
                ),
            )),
            None => Ok(()),
        }
    }

    fn organisation(&self, id: &Id, field: &str) -> Check {
        if self.organisations.contains_key(id) {
            Ok(())
        } else {
            Err(self.unknown("organisation", id, field, "organisation.registered"))
        }
    }

    /// The body must exist and belong to `organisation`.
    fn body_of(&self, id: &Id, organisation: &Id, field: &str) -> Check {
        let Some(body) = self.bodies.get(id) else {
            return Err(self.unknown("body", id, field, "body.registered"));
        };
        if &body.def.organisation != organisation {
            return Err(fe(
                field,
                format!(
                    "body `{id}` belongs to organisation `{}`, not `{organisation}`",
                    body.def.organisation
                ),
            ));
        }
        Ok(())
    }

    fn live_goal(&self, id: &Id, field: &str) -> Result<&super::Goal, FieldError> {
        let Some(goal) = self.goals.get(id) else {
            return Err(self.unknown("goal", id, field, "goal.defined"));
        };
        if let Some(r) = &goal.retired {
            return Err(fe(
                field,
                format!(
                    "goal `{id}` was retired from {} (seq {}); define a new goal instead",
                    r.effective, r.prov.seq
                ),
            ));
        }
        Ok(goal)
    }

    fn live_indicator(&self, id: &Id, field: &str) -> Result<&super::Indicator, FieldError> {
        let Some(ind) = self.indicators.get(id) else {
            return Err(self.unknown("indicator", id, field, "indicator.defined"));
        };
        if let Some(r) = &ind.retired {
            return Err(fe(
                field,
                format!(
                    "indicator `{id}` was retired from {} (seq {}); define a new indicator instead",
                    r.effective, r.prov.seq
                ),
            ));
        }
        Ok(ind)
    }

    fn check_goal_defined(&self, p: &GoalDefined) -> Check {
        self.new_id(&p.id, "payload.id")?;
        let Some(plan) = self.plans.get(&p.plan) else {
            return Err(self.unknown("plan", &p.plan, "payload.plan", "plan.adopted"));
        };
        // A goal refines, and is taken from, its own organisation's goals and plans only: one
        // organisation's events never reach into another's report.
        if let Some(parent) = &p.parent {
            self.live_goal(parent, "payload.parent")?;
            if let Some(org) = self.goal_organisation(parent)
                && org != &plan.organisation
            {
                return Err(fe(
                    "payload.parent",
                    format!(
                        "goal `{parent}` belongs to organisation `{org}`, not `{}`",
                        plan.organisation
                    ),
                ));
            }
        }
        if let Some(source) = &p.source_plan {
            let Some(found) = self.plans.get(source) else {
                return Err(self.unknown("plan", source, "payload.source_plan", "plan.adopted"));
            };
            if found.organisation != plan.organisation {
                return Err(fe(
                    "payload.source_plan",
                    format!(
                        "plan `{source}` belongs to organisation `{}`, not `{}`",
                        found.organisation, plan.organisation
                    ),
                ));
            }
        }
        for (i, b) in p.bodies.iter().enumerate() {
            self.body_of(b, &plan.organisation, &format!("payload.bodies[{i}]"))?;
        }
        Ok(())
    }

    fn check_goal_revised(&self, p: &GoalRevised) -> Check {
        let goal = self.live_goal(&p.goal, "payload.goal")?;
        not_before(
            "goal",
            goal.versions.first().and_then(|v| v.effective),
            p.effective,
        )?;
        let Some(org) = self.goal_organisation(&goal.id) else {
            return Ok(());
        };
        if let Some(parent) = &p.parent {
            self.live_goal(parent, "payload.parent")?;
            // Walk up from the new parent; meeting the goal itself would close a loop.
            let mut at = Some(parent.clone());
            while let Some(id) = at {
                if id == p.goal {
                    return Err(fe(
                        "payload.parent",
                        format!(
                            "`{parent}` is the goal itself or one of its sub-goals; a goal cannot refine itself"
                        ),
                    ));
                }
                at = self
                    .goals
                    .get(&id)
                    .and_then(|g| g.versions.last())
                    .and_then(|v| v.parent.clone());
            }
        }
        if let Some(bodies) = &p.bodies {
            for (i, b) in bodies.iter().enumerate() {
                self.body_of(b, org, &format!("payload.bodies[{i}]"))?;
            }
        }
        Ok(())
    }

    /// A milestone target compares with 0 or 1 only.
    /// A new target of `ind` from `effective` is in force from then on, so every other target
    /// of the indicator must be retired on or before that date: two targets in force at once
    /// would leave it to the reader which one counts. Replacing one is explicit: revise it, or
    /// retire it first.
    fn one_target_in_force(&self, ind: &super::Indicator, effective: Date) -> Check {
        let Some(other) = ind
            .targets
            .iter()
            .filter_map(|t| self.targets.get(t))
            .find(|t| !t.retired_by(effective))
        else {
            return Ok(());
        };
        let since = other.versions.first().map(|v| v.effective);
        Err(fe(
            "payload.effective",
            format!(
                "indicator `{}` already has target `{}`{}, not retired by {effective}; a second \
                 target in force at the same time is refused: change it with `malbok target \
                 revise --target {}`, or end it with `malbok target retire --target {} \
                 --effective {effective}` first",
                ind.id,
                other.id,
                since.map(|d| format!(" (from {d})")).unwrap_or_default(),
                other.id,
                other.id,
            ),
        ))
    }

    fn check_levels(&self, unit: Option<Unit>, levels: &[Level]) -> Check {
        if unit != Some(Unit::Milestone) {
            return Ok(());
        }
        for (i, l) in levels.iter().enumerate() {
            if let Some(t) = l.threshold
                && t != Dec(1.into())
                && t != Dec(0.into())
            {
                return Err(fe(
                    &format!("payload.levels[{i}].threshold"),
                    format!(
                        "{t} is not a milestone value: the indicator is a milestone, so use 1 (reached) or leave the threshold out"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A new reading (or "not measurable") for a live indicator and a period not yet read.
    fn check_reading(&self, indicator: &Id, period: Period) -> Check {
        let Some(ind) = self.indicators.get(indicator) else {
            return Err(self.unknown(
                "indicator",
                indicator,
                "payload.indicator",
                "indicator.defined",
            ));
        };
        if let Some(r) = &ind.retired
            && period.to >= r.effective
        {
            return Err(fe(
                "payload.indicator",
                format!(
                    "indicator `{indicator}` was retired from {} (seq {}); a reading for a period \
                     ending on or after that date is refused",
                    r.effective, r.prov.seq
                ),
            ));
        }
        // An indicator measures its goal: a retired goal's indicators are retired with it.
        if let Some(r) = self.goals.get(&ind.goal).and_then(|g| g.retired.as_ref())
            && period.to >= r.effective
        {
            return Err(fe(
                "payload.indicator",
                format!(
                    "indicator `{indicator}` belongs to goal `{}`, retired from {} (seq {}); a \
                     reading for a period ending on or after that date is refused",
                    ind.goal, r.effective, r.prov.seq
                ),
            ));
        }
        for seq in &ind.readings {
            if let Some(existing) = self.readings.get(seq)
                && existing.period == period
            {
                return Err(fe(
                    "payload.period",
                    format!(
                        "indicator `{indicator}` already has a reading for {period} (seq {seq}); \
                         to change it, record reading.corrected with \"corrects\": {seq}"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check_value(&self, indicator: &Id, value: Dec, field: &str) -> Check {
        let unit = self
            .indicators
            .get(indicator)
            .and_then(|i| i.versions.last())
            .map(|v| v.unit);
        if unit == Some(Unit::Milestone) && value != Dec(1.into()) && value != Dec(0.into()) {
            return Err(fe(
                field,
                format!(
                    "{value} is not a milestone reading: use \"1\" (reached) or \"0\" (not reached)"
                ),
            ));
        }
        Ok(())
    }

    fn check_correction(&self, meta: Option<&Meta>, p: &ReadingCorrected) -> Check {
        if let Some(m) = meta
            && p.corrects >= m.seq
        {
            return Err(fe(
                "payload.corrects",
                format!(
                    "seq {} is not before this event (seq {}); a correction names an earlier reading",
                    p.corrects, m.seq
                ),
            ));
        }
        let Some(reading) = self.readings.get(&p.corrects) else {
            let reason = match self.kinds.get(&p.corrects) {
                Some(&"reading.corrected") => {
                    let original = self
                        .readings
                        .iter()
                        .find(|(_, r)| r.corrections.iter().any(|c| c.prov.seq == p.corrects))
                        .map(|(s, _)| *s);
                    match original {
                        Some(s) => format!(
                            "seq {} is itself a correction; corrections always name the original reading: use \"corrects\": {s}",
                            p.corrects
                        ),
                        None => format!("seq {} is a correction, not a reading", p.corrects),
                    }
                }
                Some(kind) => format!(
                    "seq {} is a {kind} event, not a reading; name the seq of a reading.recorded or reading.not_measurable event",
                    p.corrects
                ),
                None => format!("there is no event at seq {} in the ledger", p.corrects),
            };
            return Err(fe("payload.corrects", reason));
        };
        if reading.indicator != p.indicator {
            return Err(fe(
                "payload.indicator",
                format!(
                    "the reading at seq {} is of indicator `{}`, not `{}`",
                    p.corrects, reading.indicator, p.indicator
                ),
            ));
        }
        if reading.corrections.is_empty()
            && let Outcome::Value { value, .. } = &reading.outcome
            && *value == p.value
            && p.source.is_none()
        {
            return Err(fe(
                "payload.value",
                format!(
                    "{} is the value already recorded at seq {}; a correction must change the value or give a new source",
                    p.value, p.corrects
                ),
            ));
        }
        self.check_value(&p.indicator, p.value, "payload.value")
    }

    fn check_assessment(&self, p: &AssessmentRecorded) -> Check {
        let Some(body) = self.bodies.get(&p.body) else {
            return Err(self.unknown("body", &p.body, "payload.body", "body.registered"));
        };
        let Some(follow_up) = self.follow_ups.get(&p.follow_up) else {
            return Err(self.unknown(
                "follow-up",
                &p.follow_up,
                "payload.follow_up",
                "follow_up.defined",
            ));
        };
        let cut_off = follow_up.def.cut_off;
        let (field, retired, org) = match (&p.goal, &p.indicator) {
            (Some(g), _) => {
                let Some(goal) = self.goals.get(g) else {
                    return Err(self.unknown("goal", g, "payload.goal", "goal.defined"));
                };
                (
                    "payload.goal",
                    goal.retired.as_ref(),
                    self.goal_organisation(g),
                )
            }
            (_, Some(i)) => {
                let Some(ind) = self.indicators.get(i) else {
                    return Err(self.unknown(
                        "indicator",
                        i,
                        "payload.indicator",
                        "indicator.defined",
                    ));
                };
                (
                    "payload.indicator",
                    ind.retired.as_ref(),
                    self.goal_organisation(&ind.goal),
                )
            }
            (None, None) => return Ok(()),
        };
        if let Some(r) = retired
            && r.effective <= cut_off
        {
            return Err(fe(
                field,
                format!(
                    "it was retired from {} (seq {}), on or before the follow-up's cut-off {cut_off}",
                    r.effective, r.prov.seq
                ),
            ));
        }
        if let Some(org) = org {
            if &body.def.organisation != org {
                return Err(fe(
                    "payload.body",
                    format!(
                        "body `{}` belongs to organisation `{}`, but the assessed goal belongs to `{org}`",
                        p.body, body.def.organisation
                    ),
                ));
            }
            if &follow_up.def.organisation != org {
                return Err(fe(
                    "payload.follow_up",
                    format!(
                        "follow-up `{}` belongs to organisation `{}`, but the assessed goal belongs to `{org}`",
                        p.follow_up, follow_up.def.organisation
                    ),
                ));
            }
        }
        if let (Some(scale_id), Some(grade)) = (&p.scale, &p.grade) {
            let scale = self.scale_for(scale_id, &body.def.organisation, "payload.scale")?;
            if scale.grade(grade).is_none() {
                let codes: Vec<&str> = scale
                    .def
                    .grades
                    .iter()
                    .chain(&scale.def.not_assessable)
                    .map(|g| g.code.as_str())
                    .collect();
                return Err(fe(
                    "payload.grade",
                    format!(
                        "`{grade}` is not a grade on scale `{scale_id}`; use one of: {}",
                        codes.join(", ")
                    ),
                ));
            }
        }
        if p.basis.is_empty()
            && let Some(prev) = self.previous_assessment(p)
        {
            return Err(fe(
                "payload.reason",
                format!(
                    "body `{}` already assessed this at follow-up `{}` (seq {}); to revise that \
                     assessment give a \"decision\" or a \"reason\"",
                    p.body, p.follow_up, prev.prov.seq
                ),
            ));
        }
        Ok(())
    }
}

/// A level's comparison must run with the indicator's direction ("minst" for one that should
/// increase, "högst" for one that should decrease) unless `contrary` confirms it.
fn along_direction(ind: &super::Indicator, levels: &[Level], contrary: bool) -> Check {
    let Some(direction) = ind.versions.last().map(|v| v.direction) else {
        return Ok(());
    };
    if contrary {
        return Ok(());
    }
    for (i, l) in levels.iter().enumerate() {
        let against = matches!(
            (direction, l.comparison),
            (
                Direction::Increase,
                Some(Comparison::AtMost | Comparison::LessThan)
            ) | (
                Direction::Decrease,
                Some(Comparison::AtLeast | Comparison::MoreThan)
            )
        );
        if against {
            return Err(fe(
                &format!("payload.levels[{i}].comparison"),
                format!(
                    "`{}` runs against the indicator's direction ({direction}); check the level, \
                     or give \"contrary\": true to confirm it",
                    l.comparison.map_or("", |c| c.as_str())
                ),
            ));
        }
    }
    Ok(())
}

/// A revision cannot take effect before the thing it revises applies: it would put a version
/// in force at dates when there was nothing to revise.
fn not_before(what: &str, first: Option<Date>, effective: Date) -> Check {
    match first {
        Some(first) if effective < first => Err(fe(
            "payload.effective",
            format!(
                "{effective} is before the {what} applies ({first}); a revision takes effect on or after that date"
            ),
        )),
        _ => Ok(()),
    }
}
