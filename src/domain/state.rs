//! The replayed state and the fold that builds it.
//!
//! Every fact keeps the [`Prov`] (ledger position, time, actor) of the event that produced it,
//! and every versioned thing (plan, goal, indicator, target) keeps all its versions with their
//! effective dates, so a query can ask "in force at valid date D". "As known at ledger
//! position S" is the caller's business: replay only the events with `seq <= S`.
//!
//! Serializes deterministically: `BTreeMap` and `Vec` only, decimals and dates as strings.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::Meta;
use super::event::*;
use super::promise::*;
use super::provenance::Provenance;
use super::types::*;

/// Where a fact comes from: the event's ledger position, ledger time and actor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Prov {
    /// Ledger position.
    pub seq: u64,
    /// Ledger time (RFC 3339).
    pub time: String,
    /// Who appended the event.
    pub actor: String,
    /// What the event cites as its source, or the reasoning when it is an interpretation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<Provenance>>,
}

impl Prov {
    /// The reason, when the fact is an interpretation rather than a cited one.
    pub fn interpretation(&self) -> Option<&str> {
        self.provenance
            .as_deref()
            .and_then(Provenance::interpretation)
    }
}

impl From<&Meta> for Prov {
    fn from(m: &Meta) -> Self {
        Prov {
            seq: m.seq,
            time: m.time.clone(),
            actor: m.actor.clone(),
            provenance: None,
        }
    }
}

/// A registered organisation.
#[derive(Clone, Debug, Serialize)]
pub struct Organisation {
    /// The registering payload.
    pub def: OrganisationRegistered,
    /// Provenance.
    pub prov: Prov,
}

/// A registered body.
#[derive(Clone, Debug, Serialize)]
pub struct Body {
    /// The registering payload.
    pub def: BodyRegistered,
    /// Provenance.
    pub prov: Prov,
}

/// One version of a plan.
#[derive(Clone, Debug, Serialize)]
pub struct PlanVersion {
    /// From when this version applies; `None` for the adopted version.
    pub effective: Option<Date>,
    /// Title.
    pub title: String,
    /// Period covered.
    pub period: Period,
    /// What a revision did, when not a change of title or period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Decision or reason of this version.
    pub basis: Basis,
    /// Provenance.
    pub prov: Prov,
}

/// An adopted plan with all its versions, oldest first in ledger order.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// Id.
    pub id: Id,
    /// Organisation.
    pub organisation: Id,
    /// Adopting body.
    pub body: Id,
    /// Versions in ledger order; the first is the adopted one.
    pub versions: Vec<PlanVersion>,
    /// Goals of the plan, in ledger order.
    pub goals: Vec<Id>,
}

/// One version of a goal.
#[derive(Clone, Debug, Serialize)]
pub struct GoalVersion {
    /// From when it applies; `None` = from the start.
    pub effective: Option<Date>,
    /// Number or label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Text.
    pub text: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Parent goal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// Responsible bodies.
    pub bodies: Vec<Id>,
    /// Plan the goal is taken from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_plan: Option<Id>,
    /// Decision or reason.
    pub basis: Basis,
    /// Provenance.
    pub prov: Prov,
}

/// The end of a goal or an indicator.
#[derive(Clone, Debug, Serialize)]
pub struct Retirement {
    /// From when it no longer applies.
    pub effective: Date,
    /// Decision or reason.
    pub basis: Basis,
    /// Provenance.
    pub prov: Prov,
}

/// A goal with its versions.
#[derive(Clone, Debug, Serialize)]
pub struct Goal {
    /// Id.
    pub id: Id,
    /// Plan.
    pub plan: Id,
    /// Versions in ledger order; the first is the definition.
    pub versions: Vec<GoalVersion>,
    /// Retirement, if retired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<Retirement>,
    /// Indicators measuring it, in ledger order.
    pub indicators: Vec<Id>,
    /// Ledger positions of its assessments.
    pub assessments: Vec<u64>,
}

/// One version of an indicator.
#[derive(Clone, Debug, Serialize)]
pub struct IndicatorVersion {
    /// From when it applies; `None` = from the start.
    pub effective: Option<Date>,
    /// Text.
    pub text: String,
    /// Area.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Unit.
    pub unit: Unit,
    /// Unit in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_label: Option<String>,
    /// Direction.
    pub direction: Direction,
    /// Source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<IndicatorSource>,
    /// Baseline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Baseline>,
    /// Decision or reason.
    pub basis: Basis,
    /// Provenance.
    pub prov: Prov,
}

/// An indicator with its versions, targets, readings and assessments.
#[derive(Clone, Debug, Serialize)]
pub struct Indicator {
    /// Id.
    pub id: Id,
    /// The goal it measures.
    pub goal: Id,
    /// Versions in ledger order; the first is the definition.
    pub versions: Vec<IndicatorVersion>,
    /// Retirement, if retired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<Retirement>,
    /// Targets set for it, in ledger order.
    pub targets: Vec<Id>,
    /// Ledger positions of its readings (originals; corrections live inside them).
    pub readings: Vec<u64>,
    /// Ledger positions of its assessments.
    pub assessments: Vec<u64>,
}

/// One version of a target.
#[derive(Clone, Debug, Serialize)]
pub struct TargetVersion {
    /// From when it is in force.
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
    /// Provenance.
    pub prov: Prov,
}

/// A target with its versions.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// Id.
    pub id: Id,
    /// Indicator.
    pub indicator: Id,
    /// Versions in ledger order; the first is the one set.
    pub versions: Vec<TargetVersion>,
    /// Retirement, if retired (`target.retired`): not in force from its date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<Retirement>,
}

impl Target {
    /// Whether it is retired on or before `at`, so not in force at `at`.
    pub fn retired_by(&self, at: Date) -> bool {
        self.retired.as_ref().is_some_and(|r| r.effective <= at)
    }
}

/// What a reading says: a value, or that nothing could be measured.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A measured value.
    Value {
        /// The value.
        value: Dec,
        /// Its source.
        source: ReadingSource,
    },
    /// Not measurable this period.
    NotMeasurable {
        /// Why.
        reason: String,
    },
}

/// A correction of a reading.
#[derive(Clone, Debug, Serialize)]
pub struct Correction {
    /// The correct value.
    pub value: Dec,
    /// Its source, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<ReadingSource>,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Decision or reason.
    pub basis: Basis,
    /// Provenance (its `seq` is the correction's ledger position).
    pub prov: Prov,
}

/// A reading as recorded, with every later correction.
#[derive(Clone, Debug, Serialize)]
pub struct Reading {
    /// Indicator.
    pub indicator: Id,
    /// Period (valid time).
    pub period: Period,
    /// What was recorded originally.
    pub outcome: Outcome,
    /// Comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Provenance of the original.
    pub prov: Prov,
    /// Corrections in ledger order; the last one is in effect.
    pub corrections: Vec<Correction>,
}

/// A defined scale.
#[derive(Clone, Debug, Serialize)]
pub struct Scale {
    /// The defining payload.
    pub def: ScaleDefined,
    /// Provenance.
    pub prov: Prov,
}

impl Scale {
    /// The grade with this code, including a separate "cannot be assessed" state.
    pub fn grade(&self, code: &Id) -> Option<&Grade> {
        self.def
            .grades
            .iter()
            .chain(&self.def.not_assessable)
            .find(|g| &g.code == code)
    }
}

/// A defined follow-up.
#[derive(Clone, Debug, Serialize)]
pub struct FollowUp {
    /// The defining payload.
    pub def: FollowUpDefined,
    /// Provenance.
    pub prov: Prov,
}

/// A defined grading method.
#[derive(Clone, Debug, Serialize)]
pub struct Method {
    /// The defining payload.
    pub def: MethodDefined,
    /// Provenance.
    pub prov: Prov,
}

/// A report template.
#[derive(Clone, Debug, Serialize)]
pub struct Template {
    /// The defining payload.
    pub def: TemplateDefined,
    /// Provenance.
    pub prov: Prov,
}

/// A published summary of a follow-up.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The recording payload.
    pub def: SummaryRecorded,
    /// Provenance.
    pub prov: Prov,
}

/// A sealed (published) report.
#[derive(Clone, Debug, Serialize)]
pub struct Seal {
    /// The sealing payload.
    pub def: ReportSealed,
    /// Provenance.
    pub prov: Prov,
}

/// A recorded assessment.
#[derive(Clone, Debug, Serialize)]
pub struct Assessment {
    /// The recording payload.
    pub def: AssessmentRecorded,
    /// Provenance.
    pub prov: Prov,
}

/// A promise with its statuses.
#[derive(Clone, Debug, Serialize)]
pub struct Promise {
    /// The making payload.
    pub def: PromiseMade,
    /// Provenance.
    pub prov: Prov,
    /// Its statuses in ledger order.
    pub statuses: Vec<PromiseStatus>,
}

/// One recorded status of a promise.
#[derive(Clone, Debug, Serialize)]
pub struct PromiseStatus {
    /// The recording payload.
    pub def: PromiseStatusRecorded,
    /// Provenance.
    pub prov: Prov,
}

impl Promise {
    /// The latest status as of `at`: the latest `as_of` not after `at`; between statuses of
    /// the same date, the one appended last.
    pub fn status_at(&self, at: Date) -> Option<&PromiseStatus> {
        let mut best: Option<&PromiseStatus> = None;
        for s in &self.statuses {
            if s.def.as_of > at {
                continue;
            }
            if best.is_none_or(|b| s.def.as_of >= b.def.as_of) {
                best = Some(s);
            }
        }
        best
    }
}

/// A reported activity.
#[derive(Clone, Debug, Serialize)]
pub struct Activity {
    /// The reporting payload.
    pub def: ActivityReported,
    /// Provenance.
    pub prov: Prov,
}

/// Valid time an event speaks about, for history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Valid {
    /// A date (effective date, cut-off).
    Date(Date),
    /// A period (reading period, plan period).
    Period(Period),
}

/// One field's change in an event: `levels[0].threshold` "60" → "70".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Field path, e.g. `text`, `levels[0].threshold`.
    pub field: String,
    /// Value before (absent when newly set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// Value after (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

/// What an event did, kept for history: who, when, by what decision, which fields changed.
#[derive(Clone, Debug, Serialize)]
pub struct JournalEntry {
    /// Provenance.
    pub prov: Prov,
    /// Event kind.
    pub kind: &'static str,
    /// The ids it touched (see `subjects`), its own subject first.
    pub subjects: Vec<Id>,
    /// Valid time it speaks about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<Valid>,
    /// Decision or reason.
    pub basis: Basis,
    /// Field changes, old → new.
    pub changes: Vec<Change>,
}

/// The state replayed from events. Build it with `State::default()` and [`State::apply`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct State {
    /// Organisations by id.
    pub organisations: BTreeMap<Id, Organisation>,
    /// Bodies by id.
    pub bodies: BTreeMap<Id, Body>,
    /// Plans by id.
    pub plans: BTreeMap<Id, Plan>,
    /// Goals by id.
    pub goals: BTreeMap<Id, Goal>,
    /// Indicators by id.
    pub indicators: BTreeMap<Id, Indicator>,
    /// Targets by id.
    pub targets: BTreeMap<Id, Target>,
    /// Scales by id.
    pub scales: BTreeMap<Id, Scale>,
    /// Follow-ups by id.
    pub follow_ups: BTreeMap<Id, FollowUp>,
    /// Readings by the ledger position of the original event.
    pub readings: BTreeMap<u64, Box<Reading>>,
    /// Assessments by ledger position.
    pub assessments: BTreeMap<u64, Box<Assessment>>,
    /// Grading methods by id.
    pub methods: BTreeMap<Id, Method>,
    /// Published summaries by ledger position.
    pub summaries: BTreeMap<u64, Summary>,
    /// Report templates by id.
    pub templates: BTreeMap<Id, Template>,
    /// Report seals by ledger position (a seal's id is its position).
    pub seals: BTreeMap<u64, Seal>,
    /// Promises by id.
    pub promises: BTreeMap<Id, Promise>,
    /// Activities by id.
    pub activities: BTreeMap<Id, Activity>,
    /// Every applied event's journal entry by ledger position.
    pub journal: BTreeMap<u64, JournalEntry>,
    /// Ledger positions of the events that touched each id, oldest first.
    pub by_subject: BTreeMap<Id, Vec<u64>>,
    /// The kind of every applied event by ledger position, so a check can say what a position
    /// names (a correction of a correction, a position that is not a reading).
    #[serde(skip)]
    pub kinds: BTreeMap<u64, &'static str>,
    /// Ids of other organisations that the event being checked refers to, filled by the layer
    /// that reads the derived data: a check against one organisation's projection can then say
    /// that an id is taken, or belongs elsewhere, instead of calling it unknown.
    #[serde(skip)]
    pub foreign: BTreeMap<Id, Foreign>,
    /// The fold keeps no journal (`journal`, `by_subject`): what checks, status and reports of
    /// the current state need. `history` and `diff` fold with the journal.
    #[serde(skip)]
    pub lean: bool,
    /// The organisation this is the projection of, when it is one organisation's (its events
    /// and the shared definitions); for the check's messages.
    #[serde(skip)]
    pub scope: Option<Id>,
}

/// An id defined in another organisation's events (or the shared ones), as a check sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Foreign {
    /// What the id names, as [`State::space_of`] says it: `goal`, `body`, ...
    pub space: &'static str,
    /// The ledger position that defined it.
    pub seq: u64,
    /// The organisation it belongs to; `None` for a shared definition.
    pub home: Option<Id>,
}

/// Things that have versions with effective dates.
pub trait Versioned {
    /// From when the version applies; `None` = from the start.
    fn effective(&self) -> Option<Date>;
}

impl Versioned for PlanVersion {
    fn effective(&self) -> Option<Date> {
        self.effective
    }
}
impl Versioned for GoalVersion {
    fn effective(&self) -> Option<Date> {
        self.effective
    }
}
impl Versioned for IndicatorVersion {
    fn effective(&self) -> Option<Date> {
        self.effective
    }
}
impl Versioned for TargetVersion {
    fn effective(&self) -> Option<Date> {
        Some(self.effective)
    }
}

/// The version in force at `at`: the latest effective date not after `at`; between versions
/// with the same date, the one appended last.
pub fn in_force<V: Versioned>(versions: &[V], at: Date) -> Option<&V> {
    let mut best: Option<&V> = None;
    for v in versions {
        if v.effective().is_some_and(|e| e > at) {
            continue;
        }
        if best.is_none_or(|b| v.effective() >= b.effective()) {
            best = Some(v);
        }
    }
    best
}

impl Reading {
    /// The value in effect: the last correction's, else the original's (`None` if not measurable).
    pub fn value(&self) -> Option<Dec> {
        match (self.corrections.last(), &self.outcome) {
            (Some(c), _) => Some(c.value),
            (None, Outcome::Value { value, .. }) => Some(*value),
            (None, Outcome::NotMeasurable { .. }) => None,
        }
    }
}

impl State {
    /// Whether `id` is used by anything (all kinds share one id space, so that an id names
    /// one thing in `history` and `log --subject`).
    pub fn contains_id(&self, id: &str) -> bool {
        self.space_of(id).is_some()
    }

    /// What kind of thing `id` names, and the ledger position that created it.
    pub fn space_of(&self, id: &str) -> Option<(&'static str, u64)> {
        if let Some(x) = self.organisations.get(id) {
            return Some(("organisation", x.prov.seq));
        }
        if let Some(x) = self.bodies.get(id) {
            return Some(("body", x.prov.seq));
        }
        if let Some(x) = self.plans.get(id) {
            return Some(("plan", x.versions.first().map_or(0, |v| v.prov.seq)));
        }
        if let Some(x) = self.goals.get(id) {
            return Some(("goal", x.versions.first().map_or(0, |v| v.prov.seq)));
        }
        if let Some(x) = self.indicators.get(id) {
            return Some(("indicator", x.versions.first().map_or(0, |v| v.prov.seq)));
        }
        if let Some(x) = self.targets.get(id) {
            return Some(("target", x.versions.first().map_or(0, |v| v.prov.seq)));
        }
        if let Some(x) = self.scales.get(id) {
            return Some(("scale", x.prov.seq));
        }
        if let Some(x) = self.follow_ups.get(id) {
            return Some(("follow_up", x.prov.seq));
        }
        if let Some(x) = self.methods.get(id) {
            return Some(("method", x.prov.seq));
        }
        if let Some(x) = self.templates.get(id) {
            return Some(("template", x.prov.seq));
        }
        if let Some(x) = self.promises.get(id) {
            return Some(("promise", x.prov.seq));
        }
        if let Some(x) = self.activities.get(id) {
            return Some(("activity", x.prov.seq));
        }
        self.foreign.get(id).map(|f| (f.space, f.seq))
    }

    /// A state that folds without the journal; see [`State::lean`].
    pub fn lean() -> State {
        State {
            lean: true,
            ..State::default()
        }
    }

    /// The organisation a goal belongs to (through its plan).
    pub fn goal_organisation(&self, goal: &Id) -> Option<&Id> {
        let g = self.goals.get(goal)?;
        Some(&self.plans.get(&g.plan)?.organisation)
    }

    /// Folds one event into the state. Pure and total: an event that passed [`State::check`]
    /// always applies; a reference that does not resolve is skipped rather than panicking.
    pub fn apply(&mut self, meta: &Meta, ev: &DomainEvent) {
        let mut prov = Prov::from(meta);
        prov.provenance = ev.provenance().cloned().map(Box::new);
        let journal = !self.lean;
        self.kinds.insert(meta.seq, ev.kind());
        let mut entry = JournalEntry {
            prov: prov.clone(),
            kind: ev.kind(),
            subjects: Vec::new(),
            valid: None,
            basis: Basis::default(),
            changes: Vec::new(),
        };
        if journal {
            entry.subjects = subjects(ev)
                .into_iter()
                .filter_map(|s| Id::parse(s).ok())
                .collect();
        }
        match ev {
            DomainEvent::OrganisationRegistered(p) => {
                entry.changes = created(journal, ev, &["id"]);
                self.organisations.insert(
                    p.id.clone(),
                    Organisation {
                        def: p.clone(),
                        prov,
                    },
                );
            }
            DomainEvent::BodyRegistered(p) => {
                entry.changes = created(journal, ev, &["id"]);
                self.bodies.insert(
                    p.id.clone(),
                    Body {
                        def: p.clone(),
                        prov,
                    },
                );
            }
            DomainEvent::PlanAdopted(p) => {
                entry.valid = Some(Valid::Period(p.period));
                entry.basis = p.basis.clone();
                entry.changes = created(journal, ev, &["id", "decision", "reason"]);
                self.plans.insert(
                    p.id.clone(),
                    Plan {
                        id: p.id.clone(),
                        organisation: p.organisation.clone(),
                        body: p.body.clone(),
                        versions: vec![PlanVersion {
                            effective: None,
                            title: p.title.clone(),
                            period: p.period,
                            note: None,
                            basis: p.basis.clone(),
                            prov,
                        }],
                        goals: Vec::new(),
                    },
                );
            }
            DomainEvent::PlanRevised(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                let Some(plan) = self.plans.get_mut(&p.plan) else {
                    return;
                };
                let Some(last) = plan.versions.last() else {
                    return;
                };
                let next = PlanVersion {
                    effective: Some(p.effective),
                    title: p.title.clone().unwrap_or_else(|| last.title.clone()),
                    period: p.period.unwrap_or(last.period),
                    note: p.note.clone(),
                    basis: p.basis.clone(),
                    prov,
                };
                entry.changes = diff(journal, last, &next);
                plan.versions.push(next);
            }
            DomainEvent::GoalDefined(p) => {
                entry.valid = p.effective.map(Valid::Date);
                entry.basis = p.basis.clone();
                entry.changes = created(journal, ev, &["id", "decision", "reason"]);
                if let Some(plan) = self.plans.get_mut(&p.plan) {
                    plan.goals.push(p.id.clone());
                }
                self.goals.insert(
                    p.id.clone(),
                    Goal {
                        id: p.id.clone(),
                        plan: p.plan.clone(),
                        versions: vec![GoalVersion {
                            effective: p.effective,
                            number: p.number.clone(),
                            text: p.text.clone(),
                            description: p.description.clone(),
                            area: p.area.clone(),
                            parent: p.parent.clone(),
                            bodies: p.bodies.clone(),
                            source_plan: p.source_plan.clone(),
                            basis: p.basis.clone(),
                            prov,
                        }],
                        retired: None,
                        indicators: Vec::new(),
                        assessments: Vec::new(),
                    },
                );
            }
            DomainEvent::GoalRevised(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                let Some(goal) = self.goals.get_mut(&p.goal) else {
                    return;
                };
                let Some(last) = goal.versions.last() else {
                    return;
                };
                let next = GoalVersion {
                    effective: Some(p.effective),
                    number: p.number.clone().or_else(|| last.number.clone()),
                    text: p.text.clone().unwrap_or_else(|| last.text.clone()),
                    description: p.description.clone().or_else(|| last.description.clone()),
                    area: p.area.clone().or_else(|| last.area.clone()),
                    parent: p.parent.clone().or_else(|| last.parent.clone()),
                    bodies: p.bodies.clone().unwrap_or_else(|| last.bodies.clone()),
                    source_plan: last.source_plan.clone(),
                    basis: p.basis.clone(),
                    prov,
                };
                entry.changes = diff(journal, last, &next);
                goal.versions.push(next);
            }
            DomainEvent::GoalRetired(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                entry.changes = retired_change();
                if let Some(goal) = self.goals.get_mut(&p.subject) {
                    goal.retired = Some(Retirement {
                        effective: p.effective,
                        basis: p.basis.clone(),
                        prov,
                    });
                }
            }
            DomainEvent::IndicatorDefined(p) => {
                entry.valid = p.effective.map(Valid::Date);
                entry.basis = p.basis.clone();
                entry.changes = created(journal, ev, &["id", "decision", "reason"]);
                if let Some(goal) = self.goals.get_mut(&p.goal) {
                    goal.indicators.push(p.id.clone());
                }
                self.indicators.insert(
                    p.id.clone(),
                    Indicator {
                        id: p.id.clone(),
                        goal: p.goal.clone(),
                        versions: vec![IndicatorVersion {
                            effective: p.effective,
                            text: p.text.clone(),
                            area: p.area.clone(),
                            unit: p.unit,
                            unit_label: p.unit_label.clone(),
                            direction: p.direction,
                            source: p.source.clone(),
                            baseline: p.baseline.clone(),
                            basis: p.basis.clone(),
                            prov,
                        }],
                        retired: None,
                        targets: Vec::new(),
                        readings: Vec::new(),
                        assessments: Vec::new(),
                    },
                );
            }
            DomainEvent::IndicatorRevised(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                let Some(ind) = self.indicators.get_mut(&p.indicator) else {
                    return;
                };
                let Some(last) = ind.versions.last() else {
                    return;
                };
                let next = IndicatorVersion {
                    effective: Some(p.effective),
                    text: p.text.clone().unwrap_or_else(|| last.text.clone()),
                    area: p.area.clone().or_else(|| last.area.clone()),
                    unit: p.unit.unwrap_or(last.unit),
                    unit_label: p.unit_label.clone().or_else(|| last.unit_label.clone()),
                    direction: p.direction.unwrap_or(last.direction),
                    source: p.source.clone().or_else(|| last.source.clone()),
                    baseline: p.baseline.clone().or_else(|| last.baseline.clone()),
                    basis: p.basis.clone(),
                    prov,
                };
                entry.changes = diff(journal, last, &next);
                ind.versions.push(next);
            }
            DomainEvent::IndicatorRetired(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                entry.changes = retired_change();
                if let Some(ind) = self.indicators.get_mut(&p.subject) {
                    ind.retired = Some(Retirement {
                        effective: p.effective,
                        basis: p.basis.clone(),
                        prov,
                    });
                }
            }
            DomainEvent::TargetSet(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                entry.changes = created(journal, ev, &["id", "decision", "reason"]);
                if let Some(ind) = self.indicators.get_mut(&p.indicator) {
                    ind.targets.push(p.id.clone());
                }
                self.targets.insert(
                    p.id.clone(),
                    Target {
                        id: p.id.clone(),
                        indicator: p.indicator.clone(),
                        versions: vec![TargetVersion {
                            effective: p.effective,
                            text: p.text.clone(),
                            levels: p.levels.clone(),
                            deadline: p.deadline,
                            basis: p.basis.clone(),
                            prov,
                        }],
                        retired: None,
                    },
                );
            }
            DomainEvent::TargetRetired(p) => {
                // Journalled (history, diff, log); the target's versions are left as they are
                // and it is not in force from the date.
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                entry.changes = retired_change();
                if let Some(target) = self.targets.get_mut(&p.subject) {
                    target.retired = Some(Retirement {
                        effective: p.effective,
                        basis: p.basis.clone(),
                        prov,
                    });
                }
            }
            DomainEvent::TargetRevised(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                let Some(target) = self.targets.get_mut(&p.target) else {
                    return;
                };
                let Some(last) = target.versions.last() else {
                    return;
                };
                let next = TargetVersion {
                    effective: p.effective,
                    text: p.text.clone().or_else(|| last.text.clone()),
                    levels: p.levels.clone().unwrap_or_else(|| last.levels.clone()),
                    deadline: p.deadline.or(last.deadline),
                    basis: p.basis.clone(),
                    prov,
                };
                entry.changes = diff(journal, last, &next);
                target.versions.push(next);
            }
            DomainEvent::ReadingRecorded(p) => {
                entry.valid = Some(Valid::Period(p.period));
                entry.changes = created(journal, ev, &["indicator"]);
                if let Some(ind) = self.indicators.get_mut(&p.indicator) {
                    ind.readings.push(meta.seq);
                }
                self.readings.insert(
                    meta.seq,
                    Box::new(Reading {
                        indicator: p.indicator.clone(),
                        period: p.period,
                        outcome: Outcome::Value {
                            value: p.value,
                            source: p.source.clone(),
                        },
                        comment: p.comment.clone(),
                        prov,
                        corrections: Vec::new(),
                    }),
                );
            }
            DomainEvent::ReadingNotMeasurable(p) => {
                entry.valid = Some(Valid::Period(p.period));
                entry.changes = created(journal, ev, &["indicator"]);
                if let Some(ind) = self.indicators.get_mut(&p.indicator) {
                    ind.readings.push(meta.seq);
                }
                self.readings.insert(
                    meta.seq,
                    Box::new(Reading {
                        indicator: p.indicator.clone(),
                        period: p.period,
                        outcome: Outcome::NotMeasurable {
                            reason: p.reason.clone(),
                        },
                        comment: p.comment.clone(),
                        prov,
                        corrections: Vec::new(),
                    }),
                );
            }
            DomainEvent::ReadingCorrected(p) => {
                entry.basis = p.basis.clone();
                let Some(reading) = self.readings.get_mut(&p.corrects) else {
                    return;
                };
                entry.valid = Some(Valid::Period(reading.period));
                entry.changes = vec![Change {
                    field: format!("reading[{}].value", p.corrects),
                    old: reading.value().map(|v| v.to_string()),
                    new: Some(p.value.to_string()),
                }];
                reading.corrections.push(Correction {
                    value: p.value,
                    source: p.source.clone(),
                    comment: p.comment.clone(),
                    basis: p.basis.clone(),
                    prov,
                });
            }
            DomainEvent::ScaleDefined(p) => {
                entry.changes = created(journal, ev, &["id"]);
                self.scales.insert(
                    p.id.clone(),
                    Scale {
                        def: p.clone(),
                        prov,
                    },
                );
            }
            DomainEvent::FollowUpDefined(p) => {
                entry.valid = Some(Valid::Date(p.cut_off));
                entry.changes = created(journal, ev, &["id"]);
                self.follow_ups.insert(
                    p.id.clone(),
                    FollowUp {
                        def: p.clone(),
                        prov,
                    },
                );
            }
            DomainEvent::AssessmentRecorded(p) => {
                entry.valid = self
                    .follow_ups
                    .get(&p.follow_up)
                    .map(|f| Valid::Date(f.def.cut_off));
                entry.basis = p.basis.clone();
                // A re-assessment shows as a change from the previous assessment of the same
                // subject by the same body at the same follow-up.
                if journal {
                    let before = self
                        .previous_assessment(p)
                        .map(|a| {
                            flatten_value(&serde_json::to_value(&a.def).unwrap_or(Value::Null))
                        })
                        .unwrap_or_default();
                    let after = flatten_value(&ev.to_payload());
                    entry.changes = diff_maps(&before, &after, &["decision", "reason"]);
                }
                let list = match (&p.goal, &p.indicator) {
                    (Some(g), _) => self.goals.get_mut(g).map(|g| &mut g.assessments),
                    (_, Some(i)) => self.indicators.get_mut(i).map(|i| &mut i.assessments),
                    _ => None,
                };
                if let Some(list) = list {
                    list.push(meta.seq);
                }
                self.assessments.insert(
                    meta.seq,
                    Box::new(Assessment {
                        def: p.clone(),
                        prov,
                    }),
                );
            }
            DomainEvent::MethodDefined(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                entry.changes = created(journal, ev, &["id"]);
                self.methods.insert(
                    p.id.clone(),
                    Method {
                        def: p.clone(),
                        prov,
                    },
                );
            }
            DomainEvent::SummaryRecorded(p) => {
                entry.valid = self
                    .follow_ups
                    .get(&p.follow_up)
                    .map(|f| Valid::Date(f.def.cut_off));
                entry.basis = p.basis.clone();
                entry.changes = created(journal, ev, &[]);
                self.summaries.insert(
                    meta.seq,
                    Summary {
                        def: p.clone(),
                        prov,
                    },
                );
            }
            DomainEvent::TemplateDefined(p) => {
                entry.valid = Some(Valid::Date(p.effective));
                entry.basis = p.basis.clone();
                entry.changes = created(journal, ev, &["id"]);
                self.templates.insert(
                    p.id.clone(),
                    Template {
                        def: p.clone(),
                        prov,
                    },
                );
            }
            // Keys and signatures change no goal's state; `verify` reads them from the ledger.
            DomainEvent::KeyRegistered(_)
            | DomainEvent::KeyRevoked(_)
            | DomainEvent::SignatureAdded(_) => {
                entry.changes = created(journal, ev, &[]);
            }
            DomainEvent::ReportSealed(p) => {
                entry.changes = created(journal, ev, &[]);
                self.seals.insert(
                    meta.seq,
                    Seal {
                        def: p.clone(),
                        prov,
                    },
                );
            }
            DomainEvent::PromiseMade(p) => {
                entry.valid = Some(Valid::Date(p.made));
                entry.changes = created(journal, ev, &["promise"]);
                self.promises.insert(
                    p.promise.clone(),
                    Promise {
                        def: p.clone(),
                        prov,
                        statuses: Vec::new(),
                    },
                );
            }
            DomainEvent::PromiseStatusRecorded(p) => {
                entry.valid = Some(Valid::Date(p.as_of));
                entry.changes = created(journal, ev, &["promise"]);
                if let Some(promise) = self.promises.get_mut(&p.promise) {
                    promise.statuses.push(PromiseStatus {
                        def: p.clone(),
                        prov,
                    });
                }
            }
            DomainEvent::ActivityReported(p) => {
                entry.valid = Some(match p.period {
                    Some(period) => Valid::Period(period),
                    None => Valid::Date(p.reported),
                });
                entry.changes = created(journal, ev, &["activity"]);
                self.activities.insert(
                    p.activity.clone(),
                    Activity {
                        def: p.clone(),
                        prov,
                    },
                );
            }
        }
        if !journal {
            return;
        }
        for id in &entry.subjects {
            self.by_subject
                .entry(id.clone())
                .or_default()
                .push(meta.seq);
        }
        self.journal.insert(meta.seq, entry);
    }

    /// The latest assessment of the same subject by the same body at the same follow-up.
    pub(crate) fn previous_assessment(&self, p: &AssessmentRecorded) -> Option<&Assessment> {
        let seqs = match (&p.goal, &p.indicator) {
            (Some(g), _) => &self.goals.get(g)?.assessments,
            (_, Some(i)) => &self.indicators.get(i)?.assessments,
            _ => return None,
        };
        seqs.iter()
            .rev()
            .filter_map(|s| self.assessments.get(s).map(|a| &**a))
            .find(|a| a.def.body == p.body && a.def.follow_up == p.follow_up)
    }
}

/// Changes for a newly created thing: every payload field, old absent (none without a journal).
fn created(journal: bool, ev: &DomainEvent, skip: &[&str]) -> Vec<Change> {
    if !journal {
        return Vec::new();
    }
    diff_maps(&BTreeMap::new(), &flatten_value(&ev.to_payload()), skip)
}

fn retired_change() -> Vec<Change> {
    vec![Change {
        field: "status".into(),
        old: Some("active".into()),
        new: Some("retired".into()),
    }]
}

/// Changes between two versions, ignoring their bookkeeping fields (none without a journal).
fn diff<T: Serialize>(journal: bool, old: &T, new: &T) -> Vec<Change> {
    if !journal {
        return Vec::new();
    }
    let old = flatten_value(&serde_json::to_value(old).unwrap_or(Value::Null));
    let new = flatten_value(&serde_json::to_value(new).unwrap_or(Value::Null));
    diff_maps(&old, &new, &["prov", "basis", "effective"])
}

/// Field-by-field difference; a field whose first path segment is in `skip` is ignored.
fn diff_maps(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    skip: &[&str],
) -> Vec<Change> {
    let skipped = |k: &str| {
        let head = k.split(['.', '[']).next().unwrap_or(k);
        skip.contains(&head)
    };
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !skipped(k))
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| Change {
            field: k.clone(),
            old: old.get(k).cloned(),
            new: new.get(k).cloned(),
        })
        .collect()
}

/// Flattens JSON into `path → text`: `levels[0].threshold → "60"`. Strings are kept verbatim.
pub(crate) fn flatten_value(v: &Value) -> BTreeMap<String, String> {
    fn walk(v: &Value, path: String, out: &mut BTreeMap<String, String>) {
        match v {
            Value::Object(map) => {
                for (k, x) in map {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(x, p, out);
                }
            }
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    walk(x, format!("{path}[{i}]"), out);
                }
            }
            Value::String(s) => {
                out.insert(path, s.clone());
            }
            Value::Null => {}
            other => {
                out.insert(path, other.to_string());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(v, String::new(), &mut out);
    out
}
