//! `status`: each goal with its indicators as they stood at a valid date: the target in
//! force, the latest reading (corrections applied), the computed attainment and the latest
//! recorded assessments.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{
    Basis, Comparison, Date, Dec, Direction, Grade, Id, Indicator, Level, Outcome, Prov,
    ReadingSource, State, Trend, Unit, in_force,
};

/// Which goals to show; `None` means all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StatusFilter {
    /// Only goals of this organisation.
    pub org: Option<String>,
    /// Only goals this body is responsible for (in the version in force).
    pub body: Option<String>,
    /// Only this goal and the goals that refine it.
    pub goal: Option<String>,
}

/// The status of all selected goals at a valid date.
#[derive(Clone, Debug, Serialize)]
pub struct StatusView {
    /// The valid date asked about.
    pub at: Date,
    /// The filter applied.
    pub filter: StatusFilter,
    /// How many goal assessments in this view have each grade (latest per goal and body).
    pub goal_grades: Vec<GradeCount>,
    /// The goals, by id.
    pub goals: Vec<GoalStatus>,
    /// Promises tied to no goal, made on or before the date (of the organisation asked
    /// about; none when the view is limited to a body or a goal).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseView>,
}

/// A count of goal assessments with one grade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeCount {
    /// Scale.
    pub scale: Id,
    /// Grade.
    pub grade: Grade,
    /// Number of goal assessments with it.
    pub count: u64,
}

/// One goal at the date.
#[derive(Clone, Debug, Serialize)]
pub struct GoalStatus {
    /// Id.
    pub id: Id,
    /// Plan.
    pub plan: Id,
    /// Organisation.
    pub organisation: Id,
    /// Number or label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Text of the version in force.
    pub text: String,
    /// Area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Parent goal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// Responsible bodies.
    pub bodies: Vec<Id>,
    /// The plan the goal is taken from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_plan: Option<Id>,
    /// The event that produced the version in force.
    pub version: Prov,
    /// Latest assessment per body at a follow-up with cut-off on or before the date.
    pub assessments: Vec<AssessmentView>,
    /// Indicators in force, in the order they were defined.
    pub indicators: Vec<IndicatorStatus>,
    /// The reason, when this comes from an interpretation rather than a cited fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
    /// Promises tied to the goal, made on or before the date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<PromiseView>,
    /// Activities tied to the goal, reported on or before the date.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<ActivityView>,
}

/// A promise with its latest status at the date.
#[derive(Clone, Debug, Serialize)]
pub struct PromiseView {
    /// Id.
    pub id: Id,
    /// The promise, verbatim.
    pub text: String,
    /// When it was made.
    pub made: Date,
    /// Where it was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The latest status as of the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PromiseStatusView>,
    /// The event that made it.
    pub prov: Prov,
    /// The reason, when this comes from an interpretation rather than a cited fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

/// A promise's status as of a date.
#[derive(Clone, Debug, Serialize)]
pub struct PromiseStatusView {
    /// The date it speaks about.
    pub as_of: Date,
    /// The status, verbatim.
    pub status: String,
    /// The grade given, with label and symbol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    /// The body that states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Id>,
    /// The event.
    pub prov: Prov,
    /// The reason, when this comes from an interpretation rather than a cited fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

/// A reported activity.
#[derive(Clone, Debug, Serialize)]
pub struct ActivityView {
    /// Id.
    pub id: Id,
    /// Title.
    pub title: String,
    /// When it was reported.
    pub reported: Date,
    /// The period it covers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<crate::domain::Period>,
    /// The body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Id>,
    /// Its facts in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<crate::domain::Fact>,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The decision taken on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::domain::ActivityDecision>,
    /// The event.
    pub prov: Prov,
    /// The reason, when this comes from an interpretation rather than a cited fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

/// One indicator at the date.
#[derive(Clone, Debug, Serialize)]
pub struct IndicatorStatus {
    /// Id.
    pub id: Id,
    /// Text of the version in force.
    pub text: String,
    /// Unit.
    pub unit: Unit,
    /// Unit in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_label: Option<String>,
    /// Direction.
    pub direction: Direction,
    /// Where values come from (a survey, Kolada KPI ids, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::domain::IndicatorSource>,
    /// The starting value the target is measured from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::domain::Baseline>,
    /// The event that produced the version in force.
    pub version: Prov,
    /// The target in force (latest effective date on or before the date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetView>,
    /// The latest reading for a period ending on or before the date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<ReadingView>,
    /// The reading before that, for comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_reading: Option<ReadingView>,
    /// Attainment and trend computed from the reading and the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<Computed>,
    /// Latest assessment per body.
    pub assessments: Vec<AssessmentView>,
    /// The reason, when this comes from an interpretation rather than a cited fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

/// A target version in force.
#[derive(Clone, Debug, Serialize)]
pub struct TargetView {
    /// Target id.
    pub id: Id,
    /// Effective date of this version.
    pub effective: Date,
    /// Wording.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Levels, least to most ambitious.
    pub levels: Vec<Level>,
    /// Deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// Decision or reason.
    pub basis: Basis,
    /// The event that produced this version.
    pub prov: Prov,
    /// The reason, when this comes from an interpretation rather than a cited fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

/// A reading as it stands, corrections applied.
#[derive(Clone, Debug, Serialize)]
pub struct ReadingView {
    /// Ledger position of the original reading.
    pub seq: u64,
    /// Period.
    pub period: crate::domain::Period,
    /// Value in effect (`None` when not measurable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Dec>,
    /// Why it could not be measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_measurable: Option<String>,
    /// Source of the value in effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ReadingSource>,
    /// Comment of the value in effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The original event.
    pub prov: Prov,
    /// Set when corrected: which correction is in effect and what was recorded first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub corrected: Option<CorrectionMark>,
    /// The reason, when the value in effect comes from an interpretation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

/// Marks a corrected reading.
#[derive(Clone, Debug, Serialize)]
pub struct CorrectionMark {
    /// The correction in effect.
    pub by: Prov,
    /// Its decision or reason.
    pub basis: Basis,
    /// The originally recorded value (`None` if it was "not measurable").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_value: Option<Dec>,
    /// How many corrections there are.
    pub corrections: usize,
}

/// What the ledger computes from reading and target, next to the human assessment.
#[derive(Clone, Debug, Serialize)]
pub struct Computed {
    /// Each level with a threshold, and whether the reading meets it.
    pub levels: Vec<LevelResult>,
    /// The most ambitious level met, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached: Option<String>,
    /// Trend from the previous reading and the indicator's direction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
}

/// One level compared with the reading.
#[derive(Clone, Debug, Serialize)]
pub struct LevelResult {
    /// Level name.
    pub name: String,
    /// Comparison.
    pub comparison: Comparison,
    /// Threshold.
    pub threshold: Dec,
    /// Whether the reading meets it.
    pub met: bool,
}

/// A recorded assessment as shown.
#[derive(Clone, Debug, Serialize)]
pub struct AssessmentView {
    /// Body.
    pub body: Id,
    /// Follow-up id.
    pub follow_up: Id,
    /// Follow-up name, e.g. `Delår 2021`.
    pub follow_up_name: String,
    /// Follow-up cut-off.
    pub cut_off: Date,
    /// Scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<Id>,
    /// Grade with label and symbol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    /// Analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
    /// Recorded trend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
    /// Decision or reason (for a revised assessment).
    pub basis: Basis,
    /// The event.
    pub prov: Prov,
    /// The reason, when this comes from an interpretation rather than a cited fact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

/// The status at valid date `at` of the goals selected by `filter`. "As known at ledger
/// position S" is answered by passing a state replayed from the events with `seq <= S`.
pub fn status(state: &State, at: NaiveDate, filter: &StatusFilter) -> StatusView {
    let at = Date(at);
    let mut goals = Vec::new();
    for goal in state.goals.values() {
        if goal.retired.as_ref().is_some_and(|r| r.effective <= at) {
            continue;
        }
        let Some(version) = in_force(&goal.versions, at) else {
            continue;
        };
        let Some(organisation) = state.goal_organisation(&goal.id) else {
            continue;
        };
        if filter
            .org
            .as_deref()
            .is_some_and(|o| o != organisation.as_str())
        {
            continue;
        }
        if filter
            .body
            .as_deref()
            .is_some_and(|b| !version.bodies.iter().any(|x| x.as_str() == b))
        {
            continue;
        }
        if let Some(wanted) = filter.goal.as_deref()
            && !is_or_refines(state, &goal.id, wanted)
        {
            continue;
        }
        let indicators = goal
            .indicators
            .iter()
            .filter_map(|id| state.indicators.get(id))
            .filter_map(|ind| indicator_status(state, ind, at))
            .collect();
        goals.push(GoalStatus {
            id: goal.id.clone(),
            plan: goal.plan.clone(),
            organisation: organisation.clone(),
            number: version.number.clone(),
            text: version.text.clone(),
            area: version.area.clone(),
            parent: version.parent.clone(),
            bodies: version.bodies.clone(),
            source_plan: version.source_plan.clone(),
            version: version.prov.clone(),
            assessments: latest_assessments(state, &goal.assessments, at),
            indicators,
            interpretation: reason(&version.prov),
            promises: promises_of(state, &goal.id, at),
            activities: activities_of(state, &goal.id, at),
        });
    }
    let promises = if filter.body.is_none() && filter.goal.is_none() {
        state
            .promises
            .values()
            .filter(|p| p.def.goals.is_empty())
            .filter(|p| {
                filter
                    .org
                    .as_deref()
                    .is_none_or(|o| o == p.def.org.as_str())
            })
            .filter_map(|p| promises_of_goalless(state, p, at))
            .collect()
    } else {
        Vec::new()
    };
    StatusView {
        at,
        filter: filter.clone(),
        goal_grades: count_grades(state, &goals),
        goals,
        promises,
    }
}

/// Whether `id` is `wanted` or refines it, following parents in their latest versions.
fn is_or_refines(state: &State, id: &Id, wanted: &str) -> bool {
    let mut at = Some(id.clone());
    // The chain is acyclic (check refuses loops); the bound guards against a broken state.
    for _ in 0..=state.goals.len() {
        let Some(g) = at else { return false };
        if g.as_str() == wanted {
            return true;
        }
        at = state
            .goals
            .get(&g)
            .and_then(|x| x.versions.last())
            .and_then(|v| v.parent.clone());
    }
    false
}

fn indicator_status(state: &State, ind: &Indicator, at: Date) -> Option<IndicatorStatus> {
    if ind.retired.as_ref().is_some_and(|r| r.effective <= at) {
        return None;
    }
    let version = in_force(&ind.versions, at)?;
    // The target in force: over all targets of the indicator, the version with the latest
    // effective date on or before `at` (ties go to the one appended last).
    let target = ind
        .targets
        .iter()
        .filter_map(|t| state.targets.get(t))
        .filter(|t| !t.retired_by(at))
        .flat_map(|t| t.versions.iter().map(move |v| (t, v)))
        .filter(|(_, v)| v.effective <= at)
        .max_by_key(|(_, v)| (v.effective, v.prov.seq))
        .map(|(t, v)| TargetView {
            id: t.id.clone(),
            effective: v.effective,
            text: v.text.clone(),
            levels: v.levels.clone(),
            deadline: v.deadline,
            basis: v.basis.clone(),
            prov: v.prov.clone(),
            interpretation: reason(&v.prov),
        });
    // Readings for periods that ended by `at`, latest period first.
    let mut readings: Vec<(u64, &crate::domain::Reading)> = ind
        .readings
        .iter()
        .filter_map(|s| state.readings.get(s).map(|r| (*s, r)))
        .filter(|(_, r)| r.period.to <= at)
        .collect();
    readings.sort_by_key(|(s, r)| std::cmp::Reverse((r.period.to, r.period.from, *s)));
    let reading = readings.first().map(|(s, r)| reading_view(*s, r));
    let previous_reading = readings.get(1).map(|(s, r)| reading_view(*s, r));
    let computed = computed(
        version.direction,
        target.as_ref(),
        reading.as_ref(),
        previous_reading.as_ref(),
    );
    Some(IndicatorStatus {
        id: ind.id.clone(),
        text: version.text.clone(),
        unit: version.unit,
        unit_label: version.unit_label.clone(),
        direction: version.direction,
        source: version.source.clone(),
        baseline: version.baseline.clone(),
        version: version.prov.clone(),
        target,
        reading,
        previous_reading,
        computed,
        assessments: latest_assessments(state, &ind.assessments, at),
        interpretation: reason(&version.prov),
    })
}

/// The reason of an interpretation, for the views.
fn reason(prov: &Prov) -> Option<String> {
    prov.interpretation().map(str::to_string)
}

/// A promise tied to no goal, when it was made on or before `at`.
fn promises_of_goalless(
    state: &State,
    p: &crate::domain::Promise,
    at: Date,
) -> Option<PromiseView> {
    (p.def.made <= at).then(|| promise_view(state, p, at))
}

/// The promises tied to `goal`, made on or before `at`, with their latest status.
pub fn promises_of(state: &State, goal: &Id, at: Date) -> Vec<PromiseView> {
    state
        .promises
        .values()
        .filter(|p| p.def.made <= at && p.def.goals.contains(goal))
        .map(|p| promise_view(state, p, at))
        .collect()
}

/// A promise with its latest status as of `at`.
fn promise_view(state: &State, p: &crate::domain::Promise, at: Date) -> PromiseView {
    PromiseView {
        id: p.def.promise.clone(),
        text: p.def.text.clone(),
        made: p.def.made,
        source: p.def.source.clone(),
        status: p.status_at(at).map(|s| PromiseStatusView {
            as_of: s.def.as_of,
            status: s.def.status.clone(),
            grade: s.def.grade.as_ref().and_then(|g| {
                state
                    .scales
                    .get(&g.scale)
                    .and_then(|sc| sc.grade(&g.code))
                    .cloned()
            }),
            body: s.def.body.clone(),
            prov: s.prov.clone(),
            interpretation: reason(&s.prov),
        }),
        prov: p.prov.clone(),
        interpretation: reason(&p.prov),
    }
}

/// The activities tied to `goal`, reported on or before `at`.
pub fn activities_of(state: &State, goal: &Id, at: Date) -> Vec<ActivityView> {
    state
        .activities
        .values()
        .filter(|a| a.def.reported <= at && a.def.goals.contains(goal))
        .map(|a| ActivityView {
            id: a.def.activity.clone(),
            title: a.def.title.clone(),
            reported: a.def.reported,
            period: a.def.period,
            body: a.def.body.clone(),
            facts: a.def.facts.clone(),
            summary: a.def.summary.clone(),
            decision: a.def.decision.clone(),
            prov: a.prov.clone(),
            interpretation: reason(&a.prov),
        })
        .collect()
}

fn reading_view(seq: u64, r: &crate::domain::Reading) -> ReadingView {
    let (original_value, original_source, not_measurable) = match &r.outcome {
        Outcome::Value { value, source } => (Some(*value), Some(source.clone()), None),
        Outcome::NotMeasurable { reason } => (None, None, Some(reason.clone())),
    };
    match r.corrections.last() {
        None => ReadingView {
            seq,
            period: r.period,
            value: original_value,
            not_measurable,
            source: original_source,
            comment: r.comment.clone(),
            prov: r.prov.clone(),
            corrected: None,
            interpretation: reason(&r.prov),
        },
        Some(c) => ReadingView {
            seq,
            period: r.period,
            value: Some(c.value),
            not_measurable: None,
            source: c.source.clone().or(original_source),
            comment: c.comment.clone().or_else(|| r.comment.clone()),
            prov: r.prov.clone(),
            corrected: Some(CorrectionMark {
                by: c.prov.clone(),
                basis: c.basis.clone(),
                original_value,
                corrections: r.corrections.len(),
            }),
            interpretation: reason(&c.prov),
        },
    }
}

fn computed(
    direction: Direction,
    target: Option<&TargetView>,
    reading: Option<&ReadingView>,
    previous: Option<&ReadingView>,
) -> Option<Computed> {
    let value = reading?.value?;
    let levels: Vec<LevelResult> = target
        .map(|t| t.levels.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|l| {
            let (comparison, threshold) = (l.comparison?, l.threshold?);
            Some(LevelResult {
                name: l.name.clone(),
                comparison,
                threshold,
                met: comparison.holds(value, threshold),
            })
        })
        .collect();
    let reached = levels.iter().rev().find(|l| l.met).map(|l| l.name.clone());
    let trend = previous.and_then(|p| p.value).and_then(|prev| {
        let up = value > prev;
        let down = value < prev;
        match direction {
            Direction::Reach => None,
            _ if !up && !down => Some(Trend::Unchanged),
            Direction::Increase => Some(if up { Trend::Improved } else { Trend::Worse }),
            Direction::Decrease => Some(if down { Trend::Improved } else { Trend::Worse }),
        }
    });
    if levels.is_empty() && trend.is_none() {
        return None;
    }
    Some(Computed {
        levels,
        reached,
        trend,
    })
}

/// The latest assessment per body among `seqs`, for follow-ups with cut-off on or before `at`.
fn latest_assessments(state: &State, seqs: &[u64], at: Date) -> Vec<AssessmentView> {
    let mut latest: BTreeMap<&Id, (Date, u64, AssessmentView)> = BTreeMap::new();
    for seq in seqs {
        let Some(a) = state.assessments.get(seq) else {
            continue;
        };
        let Some(f) = state.follow_ups.get(&a.def.follow_up) else {
            continue;
        };
        if f.def.cut_off > at {
            continue;
        }
        let key = (f.def.cut_off, *seq);
        if latest
            .get(&a.def.body)
            .is_some_and(|(d, s, _)| (*d, *s) > key)
        {
            continue;
        }
        let grade = match (&a.def.scale, &a.def.grade) {
            (Some(s), Some(g)) => state.scales.get(s).and_then(|sc| sc.grade(g)).cloned(),
            _ => None,
        };
        let view = AssessmentView {
            body: a.def.body.clone(),
            follow_up: a.def.follow_up.clone(),
            follow_up_name: f.def.name.clone(),
            cut_off: f.def.cut_off,
            scale: a.def.scale.clone(),
            grade,
            analysis: a.def.analysis.clone(),
            trend: a.def.trend,
            basis: a.def.basis.clone(),
            prov: a.prov.clone(),
            interpretation: reason(&a.prov),
        };
        latest.insert(&a.def.body, (key.0, key.1, view));
    }
    latest.into_values().map(|(_, _, v)| v).collect()
}

/// Counts goal grades, in each scale's order (best first).
fn count_grades(state: &State, goals: &[GoalStatus]) -> Vec<GradeCount> {
    let mut counts: BTreeMap<(&Id, usize), (Grade, u64)> = BTreeMap::new();
    for a in goals.iter().flat_map(|g| &g.assessments) {
        let (Some(scale_id), Some(grade)) = (&a.scale, &a.grade) else {
            continue;
        };
        let Some(scale) = state.scales.get(scale_id) else {
            continue;
        };
        // A separate "cannot be assessed" state sorts after the ordered grades.
        let position = scale
            .def
            .grades
            .iter()
            .position(|g| g.code == grade.code)
            .unwrap_or(scale.def.grades.len());
        counts
            .entry((scale_id, position))
            .or_insert_with(|| (grade.clone(), 0))
            .1 += 1;
    }
    counts
        .into_iter()
        .map(|((scale, _), (grade, count))| GradeCount {
            scale: scale.clone(),
            grade,
            count,
        })
        .collect()
}

fn grade_text(g: &Grade) -> String {
    match &g.symbol {
        Some(s) => format!("{s} {}", g.label),
        None => g.label.clone(),
    }
}

fn write_assessment(out: &mut String, indent: &str, a: &AssessmentView) {
    let grade = a
        .grade
        .as_ref()
        .map(grade_text)
        .unwrap_or_else(|| "(no grade)".into());
    let _ = write!(
        out,
        "{indent}assessed by {} at {} ({}): {grade}",
        a.body, a.follow_up_name, a.cut_off
    );
    if let Some(t) = a.trend {
        let _ = write!(out, ", trend {t}");
    }
    let _ = writeln!(out, "{}  [seq {}]", marked(&a.interpretation), a.prov.seq);
    if let Some(text) = &a.analysis {
        for line in text.lines() {
            let _ = writeln!(out, "{indent}  | {line}");
        }
    }
}

fn write_reading(out: &mut String, label: &str, r: &ReadingView) {
    let what = match (&r.value, &r.not_measurable) {
        (Some(v), _) => v.to_string(),
        (None, Some(reason)) => format!("not measurable: {reason}"),
        (None, None) => "-".into(),
    };
    let _ = write!(out, "    {label} {}: {what}  [seq {}", r.period, r.seq);
    if let Some(c) = &r.corrected {
        let was = c
            .original_value
            .map(|v| v.to_string())
            .unwrap_or_else(|| "not measurable".into());
        let _ = write!(out, "; corrected by seq {}, originally {was}", c.by.seq);
    }
    let _ = writeln!(out, "]{}", marked(&r.interpretation));
}

/// " (interpretation)" after a value that comes from one, so it is never read as published.
fn marked(interpretation: &Option<String>) -> &'static str {
    if interpretation.is_some() {
        " (interpretation)"
    } else {
        ""
    }
}

fn write_promise(out: &mut String, p: &PromiseView) {
    let source = p
        .source
        .as_deref()
        .map(|s| format!(", {s}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  Promise {}: {} (made {}{source}){}  [seq {}]",
        p.id,
        p.text,
        p.made,
        marked(&p.interpretation),
        p.prov.seq
    );
    match &p.status {
        Some(s) => {
            let grade = s
                .grade
                .as_ref()
                .map(|g| format!(" [{}]", grade_text(g)))
                .unwrap_or_default();
            let body = s
                .body
                .as_ref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    status {}{body}: {}{grade}{}  [seq {}]",
                s.as_of,
                s.status,
                marked(&s.interpretation),
                s.prov.seq
            );
        }
        None => {
            let _ = writeln!(out, "    no status recorded");
        }
    }
}

fn write_activity(out: &mut String, a: &ActivityView) {
    let period = a
        .period
        .map(|p| format!(", period {p}"))
        .unwrap_or_default();
    let body = a
        .body
        .as_ref()
        .map(|b| format!(", {b}"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "  Activity {}: {} (reported {}{period}{body}){}  [seq {}]",
        a.id,
        a.title,
        a.reported,
        marked(&a.interpretation),
        a.prov.seq
    );
    for f in &a.facts {
        let _ = writeln!(out, "    {}: {}", f.name, f.value);
    }
    if let Some(summary) = &a.summary {
        for line in summary.lines() {
            let _ = writeln!(out, "    | {line}");
        }
    }
    if let Some(d) = &a.decision {
        let reference = d
            .reference
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let _ = writeln!(out, "    decision: {}{reference}", d.text);
    }
}

/// Renders a status view as plain text for people.
pub fn render_status_text(view: &StatusView) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Status at {}", view.at);
    if !view.goal_grades.is_empty() {
        let parts: Vec<String> = view
            .goal_grades
            .iter()
            .map(|c| format!("{}: {}", grade_text(&c.grade), c.count))
            .collect();
        let _ = writeln!(out, "Goal assessments: {}", parts.join(", "));
    }
    if view.goals.is_empty() && view.promises.is_empty() {
        let _ = writeln!(out, "No goals match.");
    }
    for g in &view.goals {
        let _ = writeln!(out);
        let number = g
            .number
            .as_deref()
            .map(|n| format!("{n}. "))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Goal {}: {number}{}{}",
            g.id,
            g.text,
            marked(&g.interpretation)
        );
        let _ = writeln!(
            out,
            "  plan {}, responsible: {}",
            g.plan,
            g.bodies
                .iter()
                .map(Id::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        );
        for a in &g.assessments {
            write_assessment(&mut out, "  ", a);
        }
        for p in &g.promises {
            write_promise(&mut out, p);
        }
        for a in &g.activities {
            write_activity(&mut out, a);
        }
        for i in &g.indicators {
            let _ = writeln!(
                out,
                "  Indicator {}: {}{}",
                i.id,
                i.text,
                marked(&i.interpretation)
            );
            if let Some(b) = &i.baseline {
                let period = b
                    .period
                    .as_ref()
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "    baseline {}{period}, {} {}",
                    b.value, i.unit, i.direction
                );
            }
            if let Some(src) = &i.source {
                let kpis: Vec<String> = src.kolada_kpis.iter().map(|k| k.to_string()).collect();
                let mut line = format!("    source: {}", src.kind);
                if !kpis.is_empty() {
                    line.push_str(&format!(" Kolada {}", kpis.join(", ")));
                }
                if let Some(d) = &src.description {
                    line.push_str(&format!(" – {d}"));
                }
                let _ = writeln!(out, "{line}");
            }
            match &i.target {
                Some(t) => {
                    let levels: Vec<String> = t
                        .levels
                        .iter()
                        .map(|l| match (l.comparison, l.threshold) {
                            (Some(c), Some(v)) => format!("{} {c} {v}", l.name),
                            _ => l.name.clone(),
                        })
                        .collect();
                    let deadline = t
                        .deadline
                        .map(|d| format!(", deadline {d}"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "    target {} from {}{deadline}: {}{}  [seq {}]",
                        t.id,
                        t.effective,
                        levels.join("; "),
                        marked(&t.interpretation),
                        t.prov.seq
                    );
                }
                None => {
                    let _ = writeln!(out, "    no target in force");
                }
            }
            match &i.reading {
                Some(r) => write_reading(&mut out, "reading", r),
                None => {
                    let _ = writeln!(out, "    no reading");
                }
            }
            if let Some(r) = &i.previous_reading {
                write_reading(&mut out, "previous", r);
            }
            if let Some(c) = &i.computed {
                let reached = c.reached.as_deref().unwrap_or("no level");
                let trend = c.trend.map(|t| format!(", trend {t}")).unwrap_or_default();
                let _ = writeln!(out, "    computed: {reached} reached{trend}");
            }
            for a in &i.assessments {
                write_assessment(&mut out, "    ", a);
            }
        }
    }
    if !view.promises.is_empty() {
        let _ = writeln!(out, "\nPromises tied to no goal:");
        for p in &view.promises {
            write_promise(&mut out, p);
        }
    }
    out
}
