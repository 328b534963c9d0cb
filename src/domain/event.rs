//! The event catalogue: one payload struct per kind, parsed from JSON with exact field paths
//! and written back with `to_payload`. `events/CATALOGUE.md` documents every field.

use serde::Serialize;
use serde_json::Value;

use super::FieldError;
use super::json::{FromJson, Obj, fe};
use super::promise::*;
use super::provenance::{Provenance, split};
use super::types::*;

/// `organisation.registered`: a municipality or region the ledger keeps goals for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrganisationRegistered {
    /// The organisation's id, e.g. `ekero`.
    pub id: Id,
    /// Its name, e.g. `Ekerö kommun`.
    pub name: String,
    /// Its Kolada/SCB id, e.g. `0125`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kolada_id: Option<KoladaId>,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `body.registered`: a political body of an organisation (kommunfullmäktige, a nämnd).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BodyRegistered {
    /// The body's id, e.g. `ekero.sn`.
    pub id: Id,
    /// The organisation it belongs to.
    pub organisation: Id,
    /// Its name, e.g. `Socialnämnden`.
    pub name: String,
    /// The abbreviation used in decision references, e.g. `SN`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub abbreviation: Option<String>,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `plan.adopted`: a programme of goals adopted by a body for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanAdopted {
    /// The plan's id.
    pub id: Id,
    /// The organisation whose plan it is.
    pub organisation: Id,
    /// The body that adopted it.
    pub body: Id,
    /// Its title, verbatim.
    pub title: String,
    /// The period it covers (valid time).
    pub period: Period,
    /// The adopting decision, or a reason when the reference is unknown (required).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `plan.revised`: a decision that changes a plan's title or period, or revises it as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlanRevised {
    /// The plan.
    pub plan: Id,
    /// From when the revision applies (valid time).
    pub effective: Date,
    /// The new title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The new period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// What the revision did, verbatim, when it is not a change of title or period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The revising decision or a reason (required).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `goal.defined`: a goal of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalDefined {
    /// The goal's id.
    pub id: Id,
    /// The plan it belongs to.
    pub plan: Id,
    /// Its number or label in the plan, e.g. `8` for "Mål 8".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The goal text, verbatim.
    pub text: String,
    /// A longer description, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The area or task it belongs to, e.g. `Självständigt liv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The goal it refines (a council goal for a committee goal).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// The bodies responsible for it (at least one).
    pub bodies: Vec<Id>,
    /// The plan the goal is taken from, when not its own plan (e.g. a political platform).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_plan: Option<Id>,
    /// From when the goal applies; absent means for the whole plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    /// The deciding decision or a reason (optional).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `goal.revised`: a new version of a goal from a date; only the given fields change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalRevised {
    /// The goal.
    pub goal: Id,
    /// From when the new version applies.
    pub effective: Date,
    /// New number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// New text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// New description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// New parent goal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// New responsible bodies (replaces the list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bodies: Option<Vec<Id>>,
    /// The decision or reason (required).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `goal.retired`, `indicator.retired` and `target.retired`: the subject no longer applies
/// from a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Retired {
    /// The goal, indicator or target (the field is named `goal`, `indicator` or `target` in
    /// JSON).
    #[serde(skip)]
    pub subject: Id,
    /// From when it no longer applies.
    pub effective: Date,
    /// The decision or reason (required).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// Where an indicator's values come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndicatorSource {
    /// The kind of source.
    pub kind: SourceKind,
    /// The source as the plan describes it, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The Kolada KPIs it is computed from (required when `kind` is `kolada`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kolada_kpis: Vec<KpiId>,
}

/// The starting value an indicator's target is measured from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Baseline {
    /// The value.
    pub value: Dec,
    /// The period it was measured for, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
}

/// `indicator.defined`: a measure of a goal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndicatorDefined {
    /// The indicator's id.
    pub id: Id,
    /// The goal it measures.
    pub goal: Id,
    /// The indicator text, verbatim.
    pub text: String,
    /// The area of activity it belongs to, e.g. `Äldreomsorg`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// What its values count.
    pub unit: Unit,
    /// The unit in words, when `unit` alone does not say it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_label: Option<String>,
    /// Which way it should move.
    pub direction: Direction,
    /// Where its values come from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<IndicatorSource>,
    /// Its starting value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// From when it applies; absent means for as long as its goal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    /// The deciding decision or a reason (optional).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `indicator.revised`: a new version of an indicator from a date; only given fields change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndicatorRevised {
    /// The indicator.
    pub indicator: Id,
    /// From when the new version applies.
    pub effective: Date,
    /// New text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// New area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// New unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Unit>,
    /// New unit label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_label: Option<String>,
    /// New direction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// New source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<IndicatorSource>,
    /// New baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// The decision or reason (required).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// One level of a target, e.g. "På rätt väg" or "Uppnått 2023".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Level {
    /// The level's name, verbatim.
    pub name: String,
    /// How a reading is compared with the threshold (given together with `threshold`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// The threshold; absent when the source names the level but no number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<Dec>,
}

/// `target.set`: what an indicator must reach, by when, from an effective date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetSet {
    /// The target's id.
    pub id: Id,
    /// The indicator it applies to.
    pub indicator: Id,
    /// The target as the source words it, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Levels from the least to the most ambitious (at least one).
    pub levels: Vec<Level>,
    /// When the most ambitious level is to be reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// From when the target is in force (valid time).
    pub effective: Date,
    /// Confirms a level whose comparison runs against the indicator's direction ("högst" for
    /// an indicator that should increase); without it such a target is refused.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub contrary: bool,
    /// The deciding decision or a reason (optional).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `target.revised`: a new version of a target in force from `effective`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetRevised {
    /// The target.
    pub target: Id,
    /// From when the new version is in force.
    pub effective: Date,
    /// New wording.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// New levels (replace all levels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<Vec<Level>>,
    /// New deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// Confirms new levels whose comparison runs against the indicator's direction.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub contrary: bool,
    /// The decision or reason (required).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// Where a reading comes from, with enough provenance to fetch it again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadingSource {
    /// The kind of source.
    pub kind: SourceKind,
    /// The source in words (required unless `kind` is `kolada`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The Kolada KPI (required for `kolada`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kolada_kpi: Option<KpiId>,
    /// The Kolada municipality id the value is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kolada_municipality: Option<KoladaId>,
    /// The URL it was fetched from (`kolada` needs `url` or `file`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The file it was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// When it was fetched (required for `kolada`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<Timestamp>,
}

/// `reading.recorded`: a measured value of an indicator for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadingRecorded {
    /// The indicator.
    pub indicator: Id,
    /// The period the value is for (valid time).
    pub period: Period,
    /// The value, exact.
    pub value: Dec,
    /// Where it comes from.
    pub source: ReadingSource,
    /// A comment, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `reading.corrected`: a new value for an earlier reading; the original stays in the ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadingCorrected {
    /// The ledger position of the `reading.recorded` or `reading.not_measurable` corrected.
    pub corrects: u64,
    /// The indicator of that reading (checked; it makes the event readable on its own).
    pub indicator: Id,
    /// The correct value.
    pub value: Dec,
    /// The source of the correct value, when it differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ReadingSource>,
    /// A comment, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The decision or reason (required).
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `reading.not_measurable`: the indicator could not be measured for a period, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadingNotMeasurable {
    /// The indicator.
    pub indicator: Id,
    /// The period (valid time).
    pub period: Period,
    /// Why it could not be measured, verbatim.
    pub reason: String,
    /// A comment, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// One grade of a scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grade {
    /// Its code, used by assessments (id rules), e.g. `uppnatt`.
    pub code: Id,
    /// Its label, verbatim, e.g. `Uppnått`.
    pub label: String,
    /// Its symbol, e.g. `●`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// How it reads after a count of goals in a report's sentences, e.g. `uppnådda` in
    /// "12 mål uppnådda"; the label in lower case when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plural: Option<String>,
}

/// `scale.defined`: the grades assessments use, best first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScaleDefined {
    /// The scale's id.
    pub id: Id,
    /// The organisation that uses it (absent for a shared scale).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Id>,
    /// Its name.
    pub name: String,
    /// The grades, best first (at least two).
    pub grades: Vec<Grade>,
    /// The grade that also means "cannot be measured or assessed", when folded into one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_assessable_folded_into: Option<Id>,
    /// A separate "cannot be assessed" state outside the order, when kept apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_assessable: Option<Grade>,
    /// The grade from which a goal counts as on track in roll-ups ("Två av tre mål är på rätt
    /// väg"): this grade and every better one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_track_from: Option<Id>,
    /// How the scale draws trend (arrows, colours or words); reports use words without it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<TrendSymbols>,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// How a scale draws each trend, e.g. "↑", "→", "↓", "–".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TrendSymbols {
    /// Improved.
    pub improved: String,
    /// Unchanged.
    pub unchanged: String,
    /// Worse.
    pub worse: String,
    /// Nothing comparable ("kan inte beräknas").
    pub not_computable: String,
}

impl FromJson for TrendSymbols {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = TrendSymbols {
            improved: o.req("improved")?,
            unchanged: o.req("unchanged")?,
            worse: o.req("worse")?,
            not_computable: o.req("not_computable")?,
        };
        o.finish()?;
        Ok(p)
    }
}

/// `follow_up.defined`: an occasion at which goals are followed up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FollowUpDefined {
    /// The follow-up's id.
    pub id: Id,
    /// The organisation.
    pub organisation: Id,
    /// Its name, e.g. `Delår 2021`.
    pub name: String,
    /// Interim or annual.
    pub kind: FollowUpKind,
    /// The cut-off date (valid time of its assessments).
    pub cut_off: Date,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `assessment.recorded`: a body's grade and analysis of a goal or an indicator at a follow-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AssessmentRecorded {
    /// The assessing body.
    pub body: Id,
    /// The goal assessed (exactly one of `goal` and `indicator`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<Id>,
    /// The indicator assessed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<Id>,
    /// The follow-up.
    pub follow_up: Id,
    /// The scale of the grade (given together with `grade`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<Id>,
    /// The grade code on that scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<Id>,
    /// The written analysis, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
    /// The trend since the last period, a separate dimension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<Trend>,
    /// A decision or reason; required when it revises an earlier assessment.
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

impl FromJson for OrganisationRegistered {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = OrganisationRegistered {
            id: o.req("id")?,
            name: o.req("name")?,
            kolada_id: o.opt("kolada_id")?,
            provenance: None,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for BodyRegistered {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = BodyRegistered {
            id: o.req("id")?,
            organisation: o.req("organisation")?,
            name: o.req("name")?,
            abbreviation: o.opt("abbreviation")?,
            provenance: None,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for PlanAdopted {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = PlanAdopted {
            id: o.req("id")?,
            organisation: o.req("organisation")?,
            body: o.req("body")?,
            title: o.req("title")?,
            period: o.req("period")?,
            basis: o.required_basis()?,
            provenance: None,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for PlanRevised {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = PlanRevised {
            plan: o.req("plan")?,
            effective: o.req("effective")?,
            title: o.opt("title")?,
            period: o.opt("period")?,
            note: o.opt("note")?,
            basis: o.required_basis()?,
            provenance: None,
        };
        o.finish()?;
        if p.title.is_none() && p.period.is_none() && p.note.is_none() {
            return Err(fe(
                &o.path("title"),
                "a plan revision must change something: give a new \"title\" or \"period\", \
                 or a \"note\" saying what the revision did",
            ));
        }
        Ok(p)
    }
}

/// Refuses an empty or repeated list of body ids.
fn check_bodies(bodies: &[Id], path: &str) -> Result<(), FieldError> {
    if bodies.is_empty() {
        return Err(fe(path, "must name at least one responsible body"));
    }
    for (i, b) in bodies.iter().enumerate() {
        if bodies[..i].contains(b) {
            return Err(fe(
                &format!("{path}[{i}]"),
                format!("`{b}` is listed twice"),
            ));
        }
    }
    Ok(())
}

impl FromJson for GoalDefined {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = GoalDefined {
            id: o.req("id")?,
            plan: o.req("plan")?,
            number: o.opt("number")?,
            text: o.req("text")?,
            description: o.opt("description")?,
            area: o.opt("area")?,
            parent: o.opt("parent")?,
            bodies: o.req("bodies")?,
            source_plan: o.opt("source_plan")?,
            effective: o.opt("effective")?,
            basis: o.basis()?,
            provenance: None,
        };
        o.finish()?;
        check_bodies(&p.bodies, &o.path("bodies"))?;
        if p.parent.as_ref() == Some(&p.id) {
            return Err(fe(&o.path("parent"), "a goal cannot be its own parent"));
        }
        Ok(p)
    }
}

impl FromJson for GoalRevised {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = GoalRevised {
            goal: o.req("goal")?,
            effective: o.req("effective")?,
            number: o.opt("number")?,
            text: o.opt("text")?,
            description: o.opt("description")?,
            area: o.opt("area")?,
            parent: o.opt("parent")?,
            bodies: o.opt("bodies")?,
            basis: o.required_basis()?,
            provenance: None,
        };
        o.finish()?;
        if let Some(bodies) = &p.bodies {
            check_bodies(bodies, &o.path("bodies"))?;
        }
        if p.number.is_none()
            && p.text.is_none()
            && p.description.is_none()
            && p.area.is_none()
            && p.parent.is_none()
            && p.bodies.is_none()
        {
            return Err(fe(
                &o.path("text"),
                "a goal revision must change something: give at least one of text, number, \
                 description, area, parent, bodies",
            ));
        }
        Ok(p)
    }
}

/// Reads `goal.retired` (`field` = "goal"), `indicator.retired` (`field` = "indicator") or
/// `target.retired` (`field` = "target").
fn read_retired(v: &Value, path: &str, field: &'static str) -> Result<Retired, FieldError> {
    let mut o = Obj::new(v, path)?;
    let p = Retired {
        subject: o.req(field)?,
        effective: o.req("effective")?,
        basis: o.required_basis()?,
        provenance: None,
    };
    o.finish()?;
    Ok(p)
}

impl FromJson for IndicatorSource {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = IndicatorSource {
            kind: o.req("kind")?,
            description: o.opt("description")?,
            kolada_kpis: o.list("kolada_kpis")?,
        };
        o.finish()?;
        if p.kind == SourceKind::Kolada && p.kolada_kpis.is_empty() {
            return Err(fe(
                &o.path("kolada_kpis"),
                "is required for a Kolada source: list the KPI ids, e.g. [\"N31848\"]",
            ));
        }
        if p.kind != SourceKind::Kolada && p.description.is_none() {
            return Err(fe(
                &o.path("description"),
                "is required unless the source is Kolada: say what the source is",
            ));
        }
        Ok(p)
    }
}

impl FromJson for Baseline {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = Baseline {
            value: o.req("value")?,
            period: o.opt("period")?,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for IndicatorDefined {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = IndicatorDefined {
            id: o.req("id")?,
            goal: o.req("goal")?,
            text: o.req("text")?,
            area: o.opt("area")?,
            unit: o.req("unit")?,
            unit_label: o.opt("unit_label")?,
            direction: o.req("direction")?,
            source: o.opt("source")?,
            baseline: o.opt("baseline")?,
            effective: o.opt("effective")?,
            basis: o.basis()?,
            provenance: None,
        };
        o.finish()?;
        if p.unit == Unit::Other && p.unit_label.is_none() {
            return Err(fe(
                &o.path("unit_label"),
                "is required when the unit is \"other\": say what the values count",
            ));
        }
        Ok(p)
    }
}

impl FromJson for IndicatorRevised {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = IndicatorRevised {
            indicator: o.req("indicator")?,
            effective: o.req("effective")?,
            text: o.opt("text")?,
            area: o.opt("area")?,
            unit: o.opt("unit")?,
            unit_label: o.opt("unit_label")?,
            direction: o.opt("direction")?,
            source: o.opt("source")?,
            baseline: o.opt("baseline")?,
            basis: o.required_basis()?,
            provenance: None,
        };
        o.finish()?;
        if p.text.is_none()
            && p.area.is_none()
            && p.unit.is_none()
            && p.unit_label.is_none()
            && p.direction.is_none()
            && p.source.is_none()
            && p.baseline.is_none()
        {
            return Err(fe(
                &o.path("text"),
                "an indicator revision must change something: give at least one of text, area, \
                 unit, unit_label, direction, source, baseline",
            ));
        }
        Ok(p)
    }
}

impl FromJson for Level {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = Level {
            name: o.req("name")?,
            comparison: o.opt("comparison")?,
            threshold: o.opt("threshold")?,
        };
        o.finish()?;
        match (&p.comparison, &p.threshold) {
            (Some(_), None) => {
                return Err(fe(
                    &o.path("threshold"),
                    "is required when a comparison is given: add the number to compare with",
                ));
            }
            (None, Some(_)) => {
                return Err(fe(
                    &o.path("comparison"),
                    "is required when a threshold is given: add \">=\", \">\", \"<=\", \"<\" or \"=\"",
                ));
            }
            _ => {}
        }
        Ok(p)
    }
}

/// Refuses an empty list of levels or two levels with the same name.
fn check_levels(levels: &[Level], path: &str) -> Result<(), FieldError> {
    if levels.is_empty() {
        return Err(fe(path, "must have at least one level"));
    }
    for (i, l) in levels.iter().enumerate() {
        if levels[..i].iter().any(|m| m.name == l.name) {
            return Err(fe(
                &format!("{path}[{i}].name"),
                format!(
                    "the level name `{}` is used twice; give each level its own name",
                    l.name
                ),
            ));
        }
    }
    Ok(())
}

impl FromJson for TargetSet {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = TargetSet {
            id: o.req("id")?,
            indicator: o.req("indicator")?,
            text: o.opt("text")?,
            levels: o.req("levels")?,
            deadline: o.opt("deadline")?,
            effective: o.req("effective")?,
            contrary: o.opt("contrary")?.unwrap_or(false),
            basis: o.basis()?,
            provenance: None,
        };
        o.finish()?;
        check_levels(&p.levels, &o.path("levels"))?;
        if let Some(deadline) = p.deadline
            && deadline < p.effective
        {
            return Err(fe(
                &o.path("deadline"),
                format!(
                    "{deadline} is before the target takes effect ({}); check both dates",
                    p.effective
                ),
            ));
        }
        Ok(p)
    }
}

impl FromJson for TargetRevised {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = TargetRevised {
            target: o.req("target")?,
            effective: o.req("effective")?,
            text: o.opt("text")?,
            levels: o.opt("levels")?,
            deadline: o.opt("deadline")?,
            contrary: o.opt("contrary")?.unwrap_or(false),
            basis: o.required_basis()?,
            provenance: None,
        };
        o.finish()?;
        if let Some(levels) = &p.levels {
            check_levels(levels, &o.path("levels"))?;
        }
        if p.text.is_none() && p.levels.is_none() && p.deadline.is_none() {
            return Err(fe(
                &o.path("levels"),
                "a target revision must change something: give levels, deadline or text",
            ));
        }
        Ok(p)
    }
}

impl FromJson for ReadingSource {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = ReadingSource {
            kind: o.req("kind")?,
            description: o.opt("description")?,
            kolada_kpi: o.opt("kolada_kpi")?,
            kolada_municipality: o.opt("kolada_municipality")?,
            url: o.opt("url")?,
            file: o.opt("file")?,
            fetched_at: o.opt("fetched_at")?,
        };
        o.finish()?;
        if p.kind == SourceKind::Kolada {
            if p.kolada_kpi.is_none() {
                return Err(fe(
                    &o.path("kolada_kpi"),
                    "is required for a Kolada reading: give the KPI id, e.g. \"N31848\"",
                ));
            }
            if p.url.is_none() && p.file.is_none() {
                return Err(fe(
                    &o.path("url"),
                    "is required for a Kolada reading, or \"file\": say where the value was fetched from",
                ));
            }
            if p.fetched_at.is_none() {
                return Err(fe(
                    &o.path("fetched_at"),
                    "is required for a Kolada reading: Kolada revises data, so record when it was fetched",
                ));
            }
        } else if p.description.is_none() {
            return Err(fe(
                &o.path("description"),
                "is required unless the source is Kolada: say what the source is",
            ));
        }
        Ok(p)
    }
}

impl FromJson for ReadingRecorded {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = ReadingRecorded {
            indicator: o.req("indicator")?,
            period: o.req("period")?,
            value: o.req("value")?,
            source: o.req("source")?,
            comment: o.opt("comment")?,
            provenance: None,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for ReadingCorrected {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = ReadingCorrected {
            corrects: o.req("corrects")?,
            indicator: o.req("indicator")?,
            value: o.req("value")?,
            source: o.opt("source")?,
            comment: o.opt("comment")?,
            basis: o.required_basis()?,
            provenance: None,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for ReadingNotMeasurable {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = ReadingNotMeasurable {
            indicator: o.req("indicator")?,
            period: o.req("period")?,
            reason: o.req("reason")?,
            comment: o.opt("comment")?,
            provenance: None,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for Grade {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = Grade {
            code: o.req("code")?,
            label: o.req("label")?,
            symbol: o.opt("symbol")?,
            plural: o.opt("plural")?,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for ScaleDefined {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = ScaleDefined {
            id: o.req("id")?,
            organisation: o.opt("organisation")?,
            name: o.req("name")?,
            grades: o.req("grades")?,
            not_assessable_folded_into: o.opt("not_assessable_folded_into")?,
            not_assessable: o.opt("not_assessable")?,
            on_track_from: o.opt("on_track_from")?,
            trend: o.opt("trend")?,
            provenance: None,
        };
        o.finish()?;
        if p.grades.len() < 2 {
            return Err(fe(
                &o.path("grades"),
                "must list at least two grades, best first",
            ));
        }
        for (i, g) in p.grades.iter().enumerate() {
            if p.grades[..i].iter().any(|h| h.code == g.code) {
                return Err(fe(
                    &format!("{}[{i}].code", o.path("grades")),
                    format!("the grade code `{}` is used twice", g.code),
                ));
            }
        }
        if let Some(folded) = &p.not_assessable_folded_into {
            if p.not_assessable.is_some() {
                return Err(fe(
                    &o.path("not_assessable"),
                    "a scale either folds \"cannot be assessed\" into a grade or keeps it apart; \
                     give only one of not_assessable_folded_into and not_assessable",
                ));
            }
            if !p.grades.iter().any(|g| &g.code == folded) {
                return Err(fe(
                    &o.path("not_assessable_folded_into"),
                    format!("`{folded}` is not one of the scale's grade codes"),
                ));
            }
        }
        if let Some(apart) = &p.not_assessable
            && p.grades.iter().any(|g| g.code == apart.code)
        {
            return Err(fe(
                &format!("{}.code", o.path("not_assessable")),
                format!(
                    "`{}` is already a grade; the separate state needs its own code",
                    apart.code
                ),
            ));
        }
        if let Some(code) = &p.on_track_from
            && !p.grades.iter().any(|g| &g.code == code)
        {
            return Err(fe(
                &o.path("on_track_from"),
                format!("`{code}` is not one of the scale's grades"),
            ));
        }
        Ok(p)
    }
}

impl FromJson for FollowUpDefined {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = FollowUpDefined {
            id: o.req("id")?,
            organisation: o.req("organisation")?,
            name: o.req("name")?,
            kind: o.req("kind")?,
            cut_off: o.req("cut_off")?,
            provenance: None,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for AssessmentRecorded {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = AssessmentRecorded {
            body: o.req("body")?,
            goal: o.opt("goal")?,
            indicator: o.opt("indicator")?,
            follow_up: o.req("follow_up")?,
            scale: o.opt("scale")?,
            grade: o.opt("grade")?,
            analysis: o.opt("analysis")?,
            trend: o.opt("trend")?,
            basis: o.basis()?,
            provenance: None,
        };
        o.finish()?;
        match (&p.goal, &p.indicator) {
            (None, None) => {
                return Err(fe(
                    &o.path("goal"),
                    "is required, or \"indicator\": say what is assessed",
                ));
            }
            (Some(_), Some(_)) => {
                return Err(fe(
                    &o.path("indicator"),
                    "an assessment is of a goal or of an indicator, not both: record two assessments",
                ));
            }
            _ => {}
        }
        match (&p.scale, &p.grade) {
            (Some(_), None) => {
                return Err(fe(&o.path("grade"), "is required when a scale is given"));
            }
            (None, Some(_)) => {
                return Err(fe(
                    &o.path("scale"),
                    "is required when a grade is given: name the scale the grade is on",
                ));
            }
            (None, None) if p.analysis.is_none() => {
                return Err(fe(
                    &o.path("grade"),
                    "is required, or an \"analysis\": an assessment says something",
                ));
            }
            _ => {}
        }
        Ok(p)
    }
}

/// `method.defined`: how indicator grades become a goal grade and goals an overall index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MethodDefined {
    /// The method's id.
    pub id: Id,
    /// The organisation that uses it.
    pub organisation: Id,
    /// The scale whose grades it scores.
    pub scale: Id,
    /// Its name.
    pub name: String,
    /// From when it applies (valid time): a report uses the method in force at its cut-off.
    pub effective: Date,
    /// The score of each grade, e.g. ● 1, ◆ 0.5, ○ 0.
    pub scores: Vec<GradeScore>,
    /// Goal grade from the goal's mean indicator score: the first entry whose `min` the mean
    /// reaches, best first.
    pub goal_grades: Vec<GradeThreshold>,
    /// Which indicator grades it scores: the body's (`judged`, the default) or those computed
    /// from readings and targets (`computed`), so judged and computed goal grades can be
    /// compared without entering every judgement twice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<GradeInput>,
    /// How goals become an index; absent when the organisation publishes none (no index is
    /// then computed, none invented).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<IndexRule>,
    /// The organisation's own definition of the method, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// The decision or reason behind the method.
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// A grade's score in a method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeScore {
    /// The grade code.
    pub grade: Id,
    /// Its score, exact.
    pub score: Dec,
}

/// A goal grade given from a minimum mean score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeThreshold {
    /// The grade code.
    pub grade: Id,
    /// The lowest mean score that gives it.
    pub min: Dec,
}

/// How an overall index is computed and rounded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IndexRule {
    /// Mean of goal means, or mean of indicators.
    pub aggregation: Aggregation,
    /// Decimals kept, 0 to 6, written as a whole number ("2"; "2.0" is refused).
    pub decimals: Dec,
    /// The rounding rule.
    pub rounding: Rounding,
}

impl IndexRule {
    /// The number of decimals kept. Parsing guarantees a whole number from 0 to 6; anything
    /// else (which cannot be parsed) is read as 6, the most the rule allows.
    pub fn places(&self) -> u32 {
        u32::try_from(self.decimals.0.mantissa())
            .ok()
            .filter(|d| *d <= 6 && self.decimals.0.scale() == 0)
            .unwrap_or(6)
    }
}

/// The most a method's score or minimum may be, and its most decimals: enough for any scale
/// of points, small enough that every sum stays exact and cheap.
const SCORE_LIMIT: i64 = 1_000_000;
const SCORE_DECIMALS: u32 = 6;

/// Refuses a score or minimum outside ±1 000 000 or with more than six decimals.
fn check_score(d: Dec, path: &str) -> Result<(), FieldError> {
    if d.0.scale() > SCORE_DECIMALS || d.0.abs() > rust_decimal::Decimal::from(SCORE_LIMIT) {
        return Err(fe(
            path,
            format!(
                "`{d}` is out of range: a score is a number from -1000000 to 1000000 with at most \
                 six decimals, e.g. \"0.5\""
            ),
        ));
    }
    Ok(())
}

/// A number of goals a document states for one grade: "12 mål uppnådda".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublishedCount {
    /// The grade code on the summary's scale.
    pub grade: Id,
    /// How many goals the document says have it.
    pub count: u64,
}

/// One roll-up sentence of a published summary with the figures it states, e.g. "Av de 12 mål
/// som härrör från Ekeröalliansens politiska plattform är 9 uppnådda och 3 delvis uppnådda" or
/// "Två av tre mål är på rätt väg". Its scope is the whole report unless `plan` or `area` is
/// given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublishedRollup {
    /// The sentence, verbatim.
    pub text: String,
    /// Limits it to the goals taken from this plan (`source_plan`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Id>,
    /// Limits it to the goals of this area ("uppgift").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// How many goals it speaks of ("av tre mål").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Goals per grade it states.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<PublishedCount>,
    /// How many goals it says are on track, on a scale that names its on-track grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_track: Option<u64>,
}

/// `summary.recorded`: what a body published about a follow-up as a whole: the summary text
/// and, as data, the figures the document gives (counts per grade, the number of goals, the
/// index, each roll-up sentence with its own counts). A report compares only what is here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SummaryRecorded {
    /// The body.
    pub body: Id,
    /// The follow-up.
    pub follow_up: Id,
    /// The published summary, verbatim.
    pub text: String,
    /// The scale of the published counts (required with `counts` or roll-up counts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<Id>,
    /// Goals per grade as the document states them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<PublishedCount>,
    /// The number of goals the document speaks of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// The published index, exact (e.g. "0.87"), when the document gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<Dec>,
    /// The roll-up sentences with their own figures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rollups: Vec<PublishedRollup>,
    /// The decision that adopted it, or a reason.
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// One column of a template's results table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TemplateColumn {
    /// What it shows.
    pub kind: ColumnKind,
    /// Its heading, verbatim (for `outcomes`, followed by the year).
    pub label: String,
    /// For `outcomes`: how many years, 1 to 10, ending with the follow-up's year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub years: Option<u64>,
}

/// `template.defined`: the layout of an organisation's own follow-up document, as data: its
/// title, the columns of its results table and which sections appear. A report uses the
/// template of its organisation (for its kind of follow-up, or for any) with the latest
/// effective date on or before the cut-off, so a sealed report reproduces with the template
/// that was in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TemplateDefined {
    /// The template's id.
    pub id: Id,
    /// The organisation whose documents it describes.
    pub organisation: Id,
    /// Its name.
    pub name: String,
    /// The kind of follow-up it is for; absent means any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up_kind: Option<FollowUpKind>,
    /// From when it applies (valid time).
    pub effective: Date,
    /// The report's title before " – <follow-up>", verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The results table's columns, in order (at least one).
    pub columns: Vec<TemplateColumn>,
    /// The sections that appear (at least one).
    pub sections: Vec<Section>,
    /// What trend compares the latest reading with; absent: the same period a year earlier,
    /// else the previous year's outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend_basis: Option<TrendBasis>,
    /// The decision or reason behind it.
    #[serde(flatten)]
    pub basis: Basis,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// `report.sealed`: a report was published: which report, the ledger head it was made from and
/// the BLAKE3 hash of its bytes, so it can be reproduced and checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportSealed {
    /// The follow-up reported.
    pub follow_up: Id,
    /// The body the report is for, when it is limited to one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Id>,
    /// The output format: `md`, `json` or `csv`.
    pub format: String,
    /// The ledger position of the head the report was made from.
    pub head_seq: u64,
    /// The hash of that head event, 64 hex digits.
    pub head_hash: String,
    /// BLAKE3 of the report's bytes, 64 hex digits.
    pub report_hash: String,
    /// The RFC 6962 tree size at the head (= `head_seq`), tying the report to a checkpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tree_size: Option<u64>,
    /// The SHA-256 tree root of the first `tree_size` events, 64 hex digits (events/PROOFS.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tree_root: Option<String>,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

impl FromJson for GradeScore {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = GradeScore {
            grade: o.req("grade")?,
            score: o.req("score")?,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for GradeThreshold {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = GradeThreshold {
            grade: o.req("grade")?,
            min: o.req("min")?,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for IndexRule {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = IndexRule {
            aggregation: o.req("aggregation")?,
            decimals: o.req("decimals")?,
            rounding: o.req("rounding")?,
        };
        o.finish()?;
        // The scale is part of the check: "6.0" is 60 tenths, and a decimal's mantissa is
        // what the rule is read by, so only the plain whole-number form is accepted.
        let d = p.decimals.0;
        if d.scale() != 0 || d < rust_decimal::Decimal::ZERO || d > rust_decimal::Decimal::from(6) {
            return Err(fe(
                &o.path("decimals"),
                format!(
                    "`{d}` is not a whole number from \"0\" to \"6\" written without decimals, e.g. \"2\""
                ),
            ));
        }
        Ok(p)
    }
}

impl FromJson for MethodDefined {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = MethodDefined {
            id: o.req("id")?,
            organisation: o.req("organisation")?,
            scale: o.req("scale")?,
            name: o.req("name")?,
            effective: o.req("effective")?,
            scores: o.req("scores")?,
            goal_grades: o.req("goal_grades")?,
            input: o.opt("input")?,
            index: o.opt("index")?,
            definition: o.opt("definition")?,
            basis: o.basis()?,
            provenance: None,
        };
        o.finish()?;
        if p.scores.is_empty() {
            return Err(fe(&o.path("scores"), "must score at least one grade"));
        }
        for (i, s) in p.scores.iter().enumerate() {
            check_score(s.score, &format!("{}[{i}].score", o.path("scores")))?;
        }
        for (i, g) in p.goal_grades.iter().enumerate() {
            check_score(g.min, &format!("{}[{i}].min", o.path("goal_grades")))?;
        }
        if p.goal_grades.is_empty() {
            return Err(fe(
                &o.path("goal_grades"),
                "must give at least one goal grade",
            ));
        }
        for (i, pair) in p.goal_grades.windows(2).enumerate() {
            if pair[1].min.0 >= pair[0].min.0 {
                return Err(fe(
                    &format!("{}[{}].min", o.path("goal_grades"), i + 1),
                    "goal grades go from best to worst: each min must be below the one before",
                ));
            }
        }
        Ok(p)
    }
}

impl FromJson for PublishedCount {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = PublishedCount {
            grade: o.req("grade")?,
            count: o.req("count")?,
        };
        o.finish()?;
        Ok(p)
    }
}

/// Refuses a grade counted twice, or counts that add up to more than the total given.
fn check_counts(
    counts: &[PublishedCount],
    total: Option<u64>,
    path: &str,
) -> Result<(), FieldError> {
    let mut sum: u64 = 0;
    for (i, c) in counts.iter().enumerate() {
        if counts[..i].iter().any(|d| d.grade == c.grade) {
            return Err(fe(
                &format!("{path}[{i}].grade"),
                format!("`{}` is counted twice; give each grade once", c.grade),
            ));
        }
        sum = sum.saturating_add(c.count);
    }
    if let Some(total) = total
        && sum > total
    {
        return Err(fe(
            path,
            format!("the counts add up to {sum}, more than the total {total}"),
        ));
    }
    Ok(())
}

impl FromJson for PublishedRollup {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = PublishedRollup {
            text: o.req("text")?,
            plan: o.opt("plan")?,
            area: o.opt("area")?,
            total: o.opt("total")?,
            counts: o.list("counts")?,
            on_track: o.opt("on_track")?,
        };
        o.finish()?;
        check_counts(&p.counts, p.total, &o.path("counts"))?;
        if p.plan.is_some() && p.area.is_some() {
            return Err(fe(
                &o.path("area"),
                "a roll-up is of a plan's goals or of an area's, not both",
            ));
        }
        if let (Some(on), Some(total)) = (p.on_track, p.total)
            && on > total
        {
            return Err(fe(
                &o.path("on_track"),
                format!("{on} goals on track is more than the total {total}"),
            ));
        }
        if p.total.is_none() && p.counts.is_empty() && p.on_track.is_none() {
            return Err(fe(
                &o.path("total"),
                "a roll-up states figures: give \"total\", \"counts\" or \"on_track\" \
                 (e.g. \"Ett av tre mål är på rätt väg\": \"total\": 3, \"on_track\": 1)",
            ));
        }
        Ok(p)
    }
}

impl FromJson for SummaryRecorded {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = SummaryRecorded {
            body: o.req("body")?,
            follow_up: o.req("follow_up")?,
            text: o.req("text")?,
            scale: o.opt("scale")?,
            counts: o.list("counts")?,
            total: o.opt("total")?,
            index: o.opt("index")?,
            rollups: o.list("rollups")?,
            basis: o.basis()?,
            provenance: None,
        };
        o.finish()?;
        check_counts(&p.counts, p.total, &o.path("counts"))?;
        let counted = !p.counts.is_empty() || p.rollups.iter().any(|r| !r.counts.is_empty());
        if counted && p.scale.is_none() {
            return Err(fe(
                &o.path("scale"),
                "is required when grades are counted: name the scale of the grades",
            ));
        }
        Ok(p)
    }
}

impl FromJson for TemplateColumn {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = TemplateColumn {
            kind: o.req("kind")?,
            label: o.req("label")?,
            years: o.opt("years")?,
        };
        o.finish()?;
        match (p.kind, p.years) {
            (ColumnKind::Outcomes, Some(1..=10)) | (ColumnKind::Outcomes, None) => {}
            (ColumnKind::Outcomes, Some(_)) => {
                return Err(fe(&o.path("years"), "must be from 1 to 10"));
            }
            (_, Some(_)) => {
                return Err(fe(&o.path("years"), "is only for an \"outcomes\" column"));
            }
            _ => {}
        }
        Ok(p)
    }
}

impl FromJson for TemplateDefined {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = TemplateDefined {
            id: o.req("id")?,
            organisation: o.req("organisation")?,
            name: o.req("name")?,
            follow_up_kind: o.opt("follow_up_kind")?,
            effective: o.req("effective")?,
            title: o.opt("title")?,
            columns: o.req("columns")?,
            sections: o.req("sections")?,
            trend_basis: o.opt("trend_basis")?,
            basis: o.basis()?,
            provenance: None,
        };
        o.finish()?;
        if p.columns.is_empty() {
            return Err(fe(
                &o.path("columns"),
                "must name at least one column, e.g. [{\"kind\":\"goal\",\"label\":\"Mål\"}]",
            ));
        }
        if p.sections.is_empty() {
            return Err(fe(
                &o.path("sections"),
                "must name at least one section, e.g. [\"results\", \"summary\"]",
            ));
        }
        for (i, s) in p.sections.iter().enumerate() {
            if p.sections[..i].contains(s) {
                return Err(fe(
                    &format!("{}[{i}]", o.path("sections")),
                    format!("`{s}` is listed twice"),
                ));
            }
        }
        Ok(p)
    }
}

impl FromJson for ReportSealed {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = ReportSealed {
            follow_up: o.req("follow_up")?,
            body: o.opt("body")?,
            format: o.req("format")?,
            head_seq: o.req("head_seq")?,
            head_hash: o.req("head_hash")?,
            report_hash: o.req("report_hash")?,
            tree_size: o.opt("tree_size")?,
            tree_root: o.opt("tree_root")?,
            provenance: None,
        };
        o.finish()?;
        if !["md", "json", "csv", "html"].contains(&p.format.as_str()) {
            return Err(fe(&o.path("format"), "must be one of: md, json, csv, html"));
        }
        let hex64 = |s: &str| {
            s.len() == 64
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        };
        for (name, value) in [("head_hash", &p.head_hash), ("report_hash", &p.report_hash)] {
            if !hex64(value) {
                return Err(fe(
                    &o.path(name),
                    "must be 64 lowercase hex digits (a BLAKE3 hash)",
                ));
            }
        }
        if p.tree_root.as_deref().is_some_and(|r| !hex64(r)) {
            return Err(fe(
                &o.path("tree_root"),
                "must be 64 lowercase hex digits (a SHA-256 tree root)",
            ));
        }
        if p.tree_size.is_some() != p.tree_root.is_some() {
            return Err(fe(
                &o.path("tree_size"),
                "tree_size and tree_root come together",
            ));
        }
        if p.tree_size.is_some_and(|n| n != p.head_seq) {
            return Err(fe(
                &o.path("tree_size"),
                "must equal head_seq: the tree of the events the report was made from",
            ));
        }
        Ok(p)
    }
}

/// `actor.key_registered`: an actor's Ed25519 verifier key, in the signed-note form
/// `NAME+HASH+KEYDATA`; `signature.added` events by this key are checked by `verify`
/// (events/PROOFS.md, "Signed events"). A shared definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRegistered {
    /// The actor whose events the key signs.
    pub actor: String,
    /// The verifier key, `NAME+HASH+KEYDATA`.
    pub key: String,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

impl FromJson for KeyRegistered {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = KeyRegistered {
            actor: o.req("actor")?,
            key: o.req("key")?,
            provenance: None,
        };
        o.finish()?;
        crate::ledger::envelope::check_actor(&p.actor).map_err(|e| fe(&o.path("actor"), e))?;
        crate::ledger::note::VerifierKey::parse(&p.key)
            .map_err(|e| fe(&o.path("key"), format!("not a verifier key: {e}")))?;
        if p.key.trim() != p.key {
            return Err(fe(&o.path("key"), "no surrounding whitespace"));
        }
        Ok(p)
    }
}

/// `actor.key_revoked`: a registered key no longer signs: signatures added at or after
/// `effective` (a ledger time), or after this event, fail `verify`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRevoked {
    /// The actor the key was registered to.
    pub actor: String,
    /// The key's 4-byte hash, 8 lowercase hex digits (the `HASH` of `NAME+HASH+KEYDATA`).
    pub key_hash: String,
    /// Why (for example "nyckeln har läckt").
    pub reason: String,
    /// From which ledger time (RFC 3339, UTC, `Z`) the key's signatures are void.
    pub effective: String,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

fn key_hash_ok(s: &str) -> bool {
    s.len() == 8
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl FromJson for KeyRevoked {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = KeyRevoked {
            actor: o.req("actor")?,
            key_hash: o.req("key_hash")?,
            reason: o.req("reason")?,
            effective: o.req("effective")?,
            provenance: None,
        };
        o.finish()?;
        crate::ledger::envelope::check_actor(&p.actor).map_err(|e| fe(&o.path("actor"), e))?;
        if !key_hash_ok(&p.key_hash) {
            return Err(fe(&o.path("key_hash"), "must be 8 lowercase hex digits"));
        }
        if crate::ledger::LedgerTime::parse_rfc3339(&p.effective).is_none() {
            return Err(fe(
                &o.path("effective"),
                "must be an RFC 3339 time, e.g. 2021-09-01T00:00:00Z",
            ));
        }
        Ok(p)
    }
}

/// `signature.added`: an Ed25519 signature by a registered key over the hash of the event at
/// `seq` (and through the chain over every event before it); by convention the last event of
/// the batch it follows. The message signed is in events/PROOFS.md.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureAdded {
    /// The position of the signed event, before this one.
    pub seq: u64,
    /// The signed event's hash, 64 lowercase hex digits.
    pub hash: String,
    /// The signing key's 4-byte hash, 8 lowercase hex digits.
    pub key_hash: String,
    /// The 64-byte Ed25519 signature, standard base64.
    pub signature: String,
    /// Where the event's facts come from, or that they are an interpretation (optional on
    /// every kind; read once by [`DomainEvent::parse`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

impl FromJson for SignatureAdded {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = SignatureAdded {
            seq: o.req("seq")?,
            hash: o.req("hash")?,
            key_hash: o.req("key_hash")?,
            signature: o.req("signature")?,
            provenance: None,
        };
        o.finish()?;
        if crate::ledger::Hash::from_hex(&p.hash).is_none() {
            return Err(fe(&o.path("hash"), "must be 64 lowercase hex digits"));
        }
        if !key_hash_ok(&p.key_hash) {
            return Err(fe(&o.path("key_hash"), "must be 8 lowercase hex digits"));
        }
        use base64::Engine;
        let sig = base64::engine::general_purpose::STANDARD.decode(&p.signature);
        if !sig.is_ok_and(|s| s.len() == 64) {
            return Err(fe(
                &o.path("signature"),
                "must be a 64-byte Ed25519 signature in standard base64",
            ));
        }
        Ok(p)
    }
}

/// Declares the event kinds once: the enum, `KINDS`, `kind`, `parse` and `to_payload`.
macro_rules! events {
    ($($(#[$m:meta])* $variant:ident($payload:ty) = $kind:literal $(via $field:literal)?,)+) => {
        /// A domain event: one variant per kind, each with its typed payload.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum DomainEvent {
            $($(#[$m])* $variant($payload),)+
        }

        /// Every kind name, in catalogue order.
        pub const KINDS: &[&str] = &[$($kind,)+];

        impl DomainEvent {
            /// The kind name, e.g. `goal.defined`.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(DomainEvent::$variant(_) => $kind,)+
                }
            }

            /// Parses a payload of the given kind; errors name the field (`payload.levels[1].threshold`).
            /// The member `provenance`, optional on every kind, is read here once for all.
            pub fn parse(kind: &str, payload: &Value) -> Result<DomainEvent, FieldError> {
                if !KINDS.contains(&kind) {
                    return Err(fe(
                        "kind",
                        format!("`{kind}` is not a known kind; use one of: {}", KINDS.join(", ")),
                    ));
                }
                let (rest, provenance) = split(payload)?;
                let payload: &Value = &rest;
                match kind {
                    $($kind => events!(@read $payload, payload $(, $field)?).map(|mut p| {
                        p.provenance = provenance.map(Box::new);
                        DomainEvent::$variant(p)
                    }),)+
                    other => Err(fe("kind", format!("`{other}` is not a known kind"))),
                }
            }

            /// Where the event's facts come from, when it says so.
            pub fn provenance(&self) -> Option<&Provenance> {
                match self {
                    $(DomainEvent::$variant(p) => p.provenance.as_deref(),)+
                }
            }

            /// The reason, when the event is an interpretation rather than a cited fact.
            pub fn interpretation(&self) -> Option<&str> {
                self.provenance().and_then(Provenance::interpretation)
            }

            /// The payload as JSON, in the form `parse` reads (absent optional fields omitted).
            pub fn to_payload(&self) -> Value {
                match self {
                    $(DomainEvent::$variant(p) => events!(@write p $(, $field)?),)+
                }
            }
        }
    };
    (@read $payload:ty, $v:ident) => { <$payload>::from_json($v, "payload") };
    (@read $payload:ty, $v:ident, $field:literal) => { read_retired($v, "payload", $field) };
    (@write $p:ident) => { to_json($p) };
    (@write $p:ident, $field:literal) => {{
        let mut v = to_json($p);
        if let Value::Object(map) = &mut v {
            map.insert($field.to_string(), Value::String($p.subject.to_string()));
        }
        v
    }};
}

/// Serializes a payload. Our payload types hold only strings, lists and maps with string keys,
/// for which serde_json cannot fail; `Null` is unreachable.
fn to_json<T: Serialize>(p: &T) -> Value {
    serde_json::to_value(p).unwrap_or(Value::Null)
}

events! {
    /// `organisation.registered`
    OrganisationRegistered(OrganisationRegistered) = "organisation.registered",
    /// `body.registered`
    BodyRegistered(BodyRegistered) = "body.registered",
    /// `plan.adopted`
    PlanAdopted(PlanAdopted) = "plan.adopted",
    /// `plan.revised`
    PlanRevised(PlanRevised) = "plan.revised",
    /// `goal.defined`
    GoalDefined(GoalDefined) = "goal.defined",
    /// `goal.revised`
    GoalRevised(GoalRevised) = "goal.revised",
    /// `goal.retired`
    GoalRetired(Retired) = "goal.retired" via "goal",
    /// `indicator.defined`
    IndicatorDefined(IndicatorDefined) = "indicator.defined",
    /// `indicator.revised`
    IndicatorRevised(IndicatorRevised) = "indicator.revised",
    /// `indicator.retired`
    IndicatorRetired(Retired) = "indicator.retired" via "indicator",
    /// `target.set`
    TargetSet(TargetSet) = "target.set",
    /// `target.revised`
    TargetRevised(TargetRevised) = "target.revised",
    /// `target.retired`
    TargetRetired(Retired) = "target.retired" via "target",
    /// `reading.recorded`
    ReadingRecorded(ReadingRecorded) = "reading.recorded",
    /// `reading.corrected`
    ReadingCorrected(ReadingCorrected) = "reading.corrected",
    /// `reading.not_measurable`
    ReadingNotMeasurable(ReadingNotMeasurable) = "reading.not_measurable",
    /// `scale.defined`
    ScaleDefined(ScaleDefined) = "scale.defined",
    /// `follow_up.defined`
    FollowUpDefined(FollowUpDefined) = "follow_up.defined",
    /// `assessment.recorded`
    AssessmentRecorded(AssessmentRecorded) = "assessment.recorded",
    /// `method.defined`
    MethodDefined(MethodDefined) = "method.defined",
    /// `summary.recorded`
    SummaryRecorded(SummaryRecorded) = "summary.recorded",
    /// `report.sealed`
    ReportSealed(ReportSealed) = "report.sealed",
    /// `template.defined`
    TemplateDefined(TemplateDefined) = "template.defined",
    /// `promise.made`
    PromiseMade(PromiseMade) = "promise.made",
    /// `promise.status_recorded`
    PromiseStatusRecorded(PromiseStatusRecorded) = "promise.status_recorded",
    /// `activity.reported`
    ActivityReported(ActivityReported) = "activity.reported",
    /// `actor.key_registered`
    KeyRegistered(KeyRegistered) = "actor.key_registered",
    /// `actor.key_revoked`
    KeyRevoked(KeyRevoked) = "actor.key_revoked",
    /// `signature.added`
    SignatureAdded(SignatureAdded) = "signature.added",
}

/// The ids an event touches, its own subject first: what `log --subject ID` filters on and
/// what `history` lists. Readings and assessments touch their indicator or goal; definitions
/// also touch what they belong to (a goal touches its plan, an indicator its goal).
pub fn subjects(ev: &DomainEvent) -> Vec<&str> {
    let mut ids: Vec<&str> = match ev {
        DomainEvent::OrganisationRegistered(p) => vec![p.id.as_str()],
        DomainEvent::BodyRegistered(p) => vec![p.id.as_str(), p.organisation.as_str()],
        DomainEvent::PlanAdopted(p) => vec![p.id.as_str(), p.organisation.as_str()],
        DomainEvent::PlanRevised(p) => vec![p.plan.as_str()],
        DomainEvent::GoalDefined(p) => {
            let mut v = vec![p.id.as_str(), p.plan.as_str()];
            v.extend(p.parent.as_ref().map(Id::as_str));
            v
        }
        DomainEvent::GoalRevised(p) => vec![p.goal.as_str()],
        DomainEvent::GoalRetired(p)
        | DomainEvent::IndicatorRetired(p)
        | DomainEvent::TargetRetired(p) => vec![p.subject.as_str()],
        DomainEvent::IndicatorDefined(p) => vec![p.id.as_str(), p.goal.as_str()],
        DomainEvent::IndicatorRevised(p) => vec![p.indicator.as_str()],
        DomainEvent::TargetSet(p) => vec![p.id.as_str(), p.indicator.as_str()],
        DomainEvent::TargetRevised(p) => vec![p.target.as_str()],
        DomainEvent::ReadingRecorded(p) => vec![p.indicator.as_str()],
        DomainEvent::ReadingCorrected(p) => vec![p.indicator.as_str()],
        DomainEvent::ReadingNotMeasurable(p) => vec![p.indicator.as_str()],
        DomainEvent::ScaleDefined(p) => {
            let mut v = vec![p.id.as_str()];
            v.extend(p.organisation.as_ref().map(Id::as_str));
            v
        }
        DomainEvent::FollowUpDefined(p) => vec![p.id.as_str(), p.organisation.as_str()],
        DomainEvent::AssessmentRecorded(p) => {
            let mut v: Vec<&str> = p.goal.iter().chain(&p.indicator).map(Id::as_str).collect();
            v.push(p.body.as_str());
            v
        }
        DomainEvent::MethodDefined(p) => vec![p.id.as_str(), p.organisation.as_str()],
        DomainEvent::SummaryRecorded(p) => vec![p.follow_up.as_str(), p.body.as_str()],
        DomainEvent::TemplateDefined(p) => vec![p.id.as_str(), p.organisation.as_str()],
        // Keys and signatures name actors and positions, not ids.
        DomainEvent::KeyRegistered(_)
        | DomainEvent::KeyRevoked(_)
        | DomainEvent::SignatureAdded(_) => vec![],
        DomainEvent::ReportSealed(p) => {
            let mut v = vec![p.follow_up.as_str()];
            v.extend(p.body.as_ref().map(Id::as_str));
            v
        }
        DomainEvent::PromiseMade(p) => {
            let mut v = vec![p.promise.as_str(), p.org.as_str()];
            v.extend(p.goals.iter().map(Id::as_str));
            v
        }
        DomainEvent::PromiseStatusRecorded(p) => {
            let mut v = vec![p.promise.as_str()];
            v.extend(p.body.as_ref().map(Id::as_str));
            v
        }
        DomainEvent::ActivityReported(p) => {
            let mut v = vec![p.activity.as_str(), p.org.as_str()];
            v.extend(p.goals.iter().map(Id::as_str));
            v.extend(p.body.as_ref().map(Id::as_str));
            v
        }
    };
    // A goal whose parent is also its plan's id, or similar overlaps, must not list an id twice.
    let mut seen = Vec::with_capacity(ids.len());
    ids.retain(|id| {
        let fresh = !seen.contains(id);
        seen.push(*id);
        fresh
    });
    ids
}
