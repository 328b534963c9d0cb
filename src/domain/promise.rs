//! Promises (vallöften, plattformspunkter) with their qualitative statuses over time, and
//! activities (a report or an assignment tied to goals, with its facts and decision).

use serde::Serialize;
use serde_json::Value;

use super::FieldError;
use super::json::{FromJson, Obj, fe};
use super::provenance::Provenance;
use super::types::*;

/// `promise.made`: a promise of an organisation's political majority, e.g. a point of a
/// political platform, tied to goals where the document says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PromiseMade {
    /// The promise's id.
    pub promise: Id,
    /// The organisation it is made in.
    pub org: Id,
    /// The promise, verbatim.
    pub text: String,
    /// When it was made (e.g. the platform's date).
    pub made: Date,
    /// The goals it is tied to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Id>,
    /// Where it was made, e.g. `Politisk plattform 2019–2022`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where the event's facts come from (read by `DomainEvent::parse`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// A grade on a scale, named by the scale and the grade's code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeRef {
    /// The scale.
    pub scale: Id,
    /// The grade's code on it.
    pub code: Id,
}

/// `promise.status_recorded`: how far a promise has come, as of a date, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PromiseStatusRecorded {
    /// The promise.
    pub promise: Id,
    /// The date the status speaks about (valid time).
    pub as_of: Date,
    /// The status, verbatim, e.g. `Vi har kommit en bra bit på väg`.
    pub status: String,
    /// A grade for it, when the document gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<GradeRef>,
    /// The body that states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Id>,
    /// Where the event's facts come from (read by `DomainEvent::parse`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// One fact of an activity, e.g. `Kapacitet`: `40 deltagare`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// What the fact is about, verbatim.
    pub name: String,
    /// The fact, verbatim.
    pub value: String,
}

/// The decision taken on an activity's report, e.g. `Att lägga rapporten till handlingarna`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActivityDecision {
    /// What was decided, verbatim.
    pub text: String,
    /// The decision reference, e.g. `SN 2021-09-20 § 123`.
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<DecisionRef>,
}

/// `activity.reported`: a report on an activity tied to goals, with its facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActivityReported {
    /// The activity's id.
    pub activity: Id,
    /// The organisation.
    pub org: Id,
    /// The goals it is tied to (at least one).
    pub goals: Vec<Id>,
    /// Its title, verbatim.
    pub title: String,
    /// When it was reported.
    pub reported: Date,
    /// The period the report covers (valid time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// The body that reports or receives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Id>,
    /// Its facts, in the document's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<Fact>,
    /// A summary, verbatim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The decision taken on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<ActivityDecision>,
    /// Where the event's facts come from (read by `DomainEvent::parse`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

/// Refuses a goal listed twice.
fn check_goals(goals: &[Id], path: &str) -> Result<(), FieldError> {
    for (i, g) in goals.iter().enumerate() {
        if goals[..i].contains(g) {
            return Err(fe(
                &format!("{path}[{i}]"),
                format!("`{g}` is listed twice"),
            ));
        }
    }
    Ok(())
}

impl FromJson for PromiseMade {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = PromiseMade {
            promise: o.req("promise")?,
            org: o.req("org")?,
            text: o.req("text")?,
            made: o.req("made")?,
            goals: o.list("goals")?,
            source: o.opt("source")?,
            provenance: None,
        };
        o.finish()?;
        check_goals(&p.goals, &o.path("goals"))?;
        Ok(p)
    }
}

impl FromJson for GradeRef {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = GradeRef {
            scale: o.req("scale")?,
            code: o.req("code")?,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for PromiseStatusRecorded {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = PromiseStatusRecorded {
            promise: o.req("promise")?,
            as_of: o.req("as_of")?,
            status: o.req("status")?,
            grade: o.opt("grade")?,
            body: o.opt("body")?,
            provenance: None,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for Fact {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = Fact {
            name: o.req("name")?,
            value: o.req("value")?,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for ActivityDecision {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = ActivityDecision {
            text: o.req("text")?,
            reference: o.opt("ref")?,
        };
        o.finish()?;
        Ok(p)
    }
}

impl FromJson for ActivityReported {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let p = ActivityReported {
            activity: o.req("activity")?,
            org: o.req("org")?,
            goals: o.req("goals")?,
            title: o.req("title")?,
            reported: o.req("reported")?,
            period: o.opt("period")?,
            body: o.opt("body")?,
            facts: o.list("facts")?,
            summary: o.opt("summary")?,
            decision: o.opt("decision")?,
            provenance: None,
        };
        o.finish()?;
        if p.goals.is_empty() {
            return Err(fe(
                &o.path("goals"),
                "must name at least one goal the activity is tied to",
            ));
        }
        check_goals(&p.goals, &o.path("goals"))?;
        Ok(p)
    }
}
