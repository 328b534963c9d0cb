//! Follow-up reports: the model (what a report states, computed from the replayed state with the
//! method in force) and its renderers. Pure: no I/O, no clock, no locale, exact arithmetic, so
//! the same events always give the same bytes.

pub mod changes;
pub mod html;
pub mod method;
pub mod render;

use crate::domain::{Assessment, Date, FollowUpKind, Goal, Id, IndicatorVersion, State, in_force};
use crate::query::method_in_force;
pub use crate::query::{TrendBasis, TrendDirection, TrendPoint, TrendView};
use method::{Computed, compute};
use serde::Serialize;

/// Where a report was made from: the ledger and the head of the prefix replayed.
#[derive(Clone, Debug, Serialize)]
pub struct Source {
    pub ledger_id: String,
    pub head_seq: u64,
    pub head_hash: String,
}

/// A follow-up report for one organisation (and optionally one body).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub title: String,
    pub organisation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub follow_up: FollowUpView,
    pub goals: Vec<GoalRow>,
    /// Goal counts per grade as assessed (published) by the body, in scale order.
    pub published_counts: Vec<GradeCount>,
    /// The same, per plan the goals were taken from (Ekerö: the platform's 12 goals).
    pub published_counts_by_source: Vec<SourceCounts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_summary: Option<PublishedSummary>,
    /// "Ett av tre mål är på rätt väg": on scales that say from which grade a goal is on track,
    /// for the report's goals and per body that graded them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rollups: Vec<String>,
    /// What the method in force computes, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<Computed>,
    /// Computed, assessed and published figures side by side; published only where the
    /// recorded summary states them.
    pub comparison: Comparison,
    /// Every goal whose computed grade differs from the body's.
    pub disagreements: Vec<GoalDisagreement>,
    /// For an annual follow-up: each goal's interim forecast beside the year's outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<Forecast>,
    /// The organisation's template in force: title, columns and sections; absent, the report
    /// has its default layout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<TemplateView>,
    /// The grades of the organisation's scale, best first, for a legend of its symbols.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub legend: Vec<GradeView>,
    /// When this report was sealed before: what changed after that seal's head.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_seal: Option<SinceSeal>,
    /// The interpretations the report shows ("Tolkningar"): grades and summaries the ledger
    /// infers, never shown as published, with their reasons, in ledger order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub interpretations: Vec<InterpretationNote>,
    pub source: Source,
}

/// A grade or value that comes from an interpretation: its event and the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Interpreted {
    /// The ledger position of the interpreting event.
    pub seq: u64,
    /// Why the ledger infers it.
    pub reason: String,
    /// The interpreting event's kind, for the list of interpretations.
    #[serde(skip)]
    pub kind: &'static str,
}

impl Interpreted {
    fn of(a: &Assessment) -> Option<Interpreted> {
        Interpreted::from_prov(&a.prov, "assessment.recorded")
    }

    fn from_prov(prov: &crate::domain::Prov, kind: &'static str) -> Option<Interpreted> {
        Some(Interpreted {
            seq: prov.seq,
            reason: prov.interpretation()?.to_string(),
            kind,
        })
    }
}

/// An interpretation a report shows, with its reason: what the ledger adds to the documents.
#[derive(Clone, Debug, Serialize)]
pub struct InterpretationNote {
    /// The event's ledger position.
    pub seq: u64,
    /// Its kind.
    pub kind: &'static str,
    /// What it is about (a goal, an indicator, the follow-up).
    pub subject: Id,
    /// Why the ledger infers it.
    pub reason: String,
    /// The inferred text, when it is a summary (shown as "tolkning", never as published).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The template a report was laid out by.
#[derive(Clone, Debug, Serialize)]
pub struct TemplateView {
    /// The ledger position that defined it.
    pub seq: u64,
    pub def: crate::domain::TemplateDefined,
}

impl Report {
    /// Whether `section` appears: every section without a template, the template's with one
    /// (the legend only when a template asks for it).
    pub fn shows(&self, section: crate::domain::Section) -> bool {
        match &self.template {
            Some(t) => t.def.sections.contains(&section),
            None => section != crate::domain::Section::Legend,
        }
    }
}

/// An interim assessment is a forecast ("bedöms bli uppnått") that the annual report settles:
/// per goal, the grade at the year's last interim follow-up beside the annual grade.
#[derive(Clone, Debug, Serialize)]
pub struct Forecast {
    /// The interim follow-up compared with.
    pub interim: FollowUpView,
    pub goals: Vec<ForecastRow>,
    /// How many goals' outcome differs from their forecast.
    pub differing: u64,
    /// How many goals had both a forecast and an outcome.
    pub compared: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ForecastRow {
    pub goal: Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forecast: Option<GradeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<GradeView>,
    pub differs: bool,
}

/// How many of `grades` are on track, on their own scale (all must share one) when it names
/// its on-track grade, with that grade.
fn on_track<'a>(
    state: &'a State,
    grades: &[&GradeView],
) -> Option<(u64, &'a crate::domain::Grade)> {
    let first = grades.first()?;
    if grades.iter().any(|g| g.scale != first.scale) {
        return None;
    }
    let scale = state.scales.get(&first.scale)?;
    let from = scale.def.on_track_from.as_ref()?;
    let limit = scale.def.grades.iter().position(|g| &g.code == from)?;
    let on_track = grades
        .iter()
        .filter(|g| {
            scale
                .def
                .grades
                .iter()
                .position(|x| x.code == g.code)
                .is_some_and(|p| p <= limit)
        })
        .count() as u64;
    Some((on_track, scale.def.grades.get(limit)?))
}

/// "Ett av tre mål är på rätt väg", for grades on a scale that names its on-track grade.
fn rollup_sentence(state: &State, grades: &[&GradeView]) -> Option<String> {
    let (on_track, grade) = on_track(state, grades)?;
    render::rollup_words(on_track, grades.len() as u64, &grade.label.to_lowercase())
}

/// The roll-ups of a report: over its goals as published, then per other body that graded them.
fn rollups(state: &State, goals: &[GoalRow]) -> Vec<String> {
    let mut out = Vec::new();
    let published: Vec<&GradeView> = goals.iter().filter_map(|g| g.published.as_ref()).collect();
    if !published.is_empty()
        && let Some(sentence) = rollup_sentence(state, &published)
    {
        out.push(format!("{sentence}."));
    }
    // Per area, as Enköping's page rolls up each "uppgift".
    let mut areas: Vec<&str> = goals.iter().filter_map(|g| g.area.as_deref()).collect();
    areas.sort_unstable();
    areas.dedup();
    for area in areas {
        let graded: Vec<&GradeView> = goals
            .iter()
            .filter(|g| g.area.as_deref() == Some(area))
            .filter_map(|g| g.published.as_ref())
            .collect();
        if let Some(sentence) = (!graded.is_empty())
            .then(|| rollup_sentence(state, &graded))
            .flatten()
        {
            out.push(format!("{area}: {sentence}."));
        }
    }
    let mut bodies: Vec<(&Id, &str)> = goals
        .iter()
        .flat_map(|g| &g.other_assessments)
        .map(|a| (&a.body, a.body_name.as_str()))
        .collect();
    bodies.sort();
    bodies.dedup();
    for (body, name) in bodies {
        let graded: Vec<&GradeView> = goals
            .iter()
            .flat_map(|g| &g.other_assessments)
            .filter(|a| &a.body == body)
            .filter_map(|a| a.grade.as_ref())
            .collect();
        if let Some(sentence) = (!graded.is_empty())
            .then(|| rollup_sentence(state, &graded))
            .flatten()
        {
            out.push(format!("{name}: {sentence}."));
        }
    }
    out
}

/// The interim follow-up of the same organisation and year that an annual follow-up settles:
/// the latest one with a cut-off before the annual's.
fn interim_of<'a>(
    state: &'a State,
    annual: &crate::domain::FollowUp,
) -> Option<(&'a Id, &'a crate::domain::FollowUp)> {
    use chrono::Datelike;
    let year = annual.def.cut_off.0.year();
    state
        .follow_ups
        .iter()
        .filter(|(_, f)| {
            f.def.kind == FollowUpKind::Interim
                && f.def.organisation == annual.def.organisation
                && f.def.cut_off.0.year() == year
                && f.def.cut_off < annual.def.cut_off
        })
        .max_by_key(|(_, f)| (f.def.cut_off, f.prov.seq))
}

fn forecast(
    state: &State,
    annual: &crate::domain::FollowUp,
    goals: &[GoalRow],
    body: Option<&Id>,
) -> Option<Forecast> {
    if annual.def.kind != FollowUpKind::Annual {
        return None;
    }
    let (interim_id, interim) = interim_of(state, annual)?;
    let rows: Vec<ForecastRow> = goals
        .iter()
        .map(|g| {
            let forecast = state
                .goals
                .get(&g.id)
                .and_then(|goal| latest(state, &goal.assessments, interim_id, body))
                .and_then(|a| grade_view(state, a));
            let differs =
                matches!((&forecast, &g.published), (Some(f), Some(o)) if f.code != o.code);
            ForecastRow {
                goal: g.id.clone(),
                number: g.number.clone(),
                text: g.text.clone(),
                forecast,
                outcome: g.published.clone(),
                differs,
            }
        })
        .collect();
    Some(Forecast {
        interim: FollowUpView {
            id: interim_id.clone(),
            name: interim.def.name.clone(),
            kind: interim.def.kind,
            cut_off: interim.def.cut_off,
        },
        differing: rows.iter().filter(|r| r.differs).count() as u64,
        compared: rows
            .iter()
            .filter(|r| r.forecast.is_some() && r.outcome.is_some())
            .count() as u64,
        goals: rows,
    })
}

/// The changes made after the latest seal of the same report.
#[derive(Clone, Debug, Serialize)]
pub struct SinceSeal {
    /// The seal's ledger position.
    pub seal: u64,
    /// The head the sealed report was made from.
    pub head_seq: u64,
    pub changes: Vec<crate::domain::JournalEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FollowUpView {
    pub id: Id,
    pub name: String,
    pub kind: FollowUpKind,
    pub cut_off: Date,
}

/// A grade as printed: its scale and code (together they name it), label, symbol, and how it
/// reads after a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeView {
    pub scale: Id,
    pub code: Id,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    pub plural: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct GoalRow {
    pub id: Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_plan: Option<Id>,
    /// The area ("uppgift") the goal belongs to, e.g. Enköping's "Självständigt liv".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The body's grade of the goal at this follow-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<GradeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
    pub indicators: Vec<IndicatorRow>,
    /// Other bodies' assessments of the same goal at this follow-up (Enköping: several nämnder
    /// on one council goal), the latest per body.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_assessments: Vec<BodyAssessment>,
    /// The reason, when the body's grade above is an interpretation ("tolkning"), not published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<Interpreted>,
    /// Promises tied to the goal, made by the cut-off, with their status then.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub promises: Vec<crate::query::PromiseView>,
    /// Activities tied to the goal, reported by the cut-off.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub activities: Vec<crate::query::ActivityView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BodyAssessment {
    pub body: Id,
    pub body_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<GradeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub analysis: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndicatorRow {
    pub id: Id,
    pub text: String,
    /// The unit of its values, for printing them ("87 %").
    pub unit: crate::domain::Unit,
    /// The body's grade of the indicator at this follow-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<GradeView>,
    /// The reason, when the grade is an interpretation ("tolkning"), not published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<Interpreted>,
    /// "Tidpunkter": the deadline of the target in force at the cut-off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Date>,
    /// "Kommentar": the body's analysis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The measured values of periods ending on or before the cut-off, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<ReadingPoint>,
    /// The threshold of the most ambitious level with a number, of the target in force at the
    /// cut-off, as an exact decimal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<String>,
    /// Why the indicator could not be measured, when its latest reading by the cut-off says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_measurable: Option<String>,
    /// The grade the latest reading and the target in force give on the organisation's scale
    /// (see `attainment`); absent when they give none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed_grade: Option<GradeView>,
    /// The latest reading compared with the comparable one a year earlier, separate from
    /// attainment; absent when the indicator has no reading and no judged trend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trend: Option<TrendView>,
}

/// One reading of an indicator as known at the report's ledger position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReadingPoint {
    /// The last day of the period measured.
    pub period_to: Date,
    /// The value in effect (after the last correction), as an exact decimal.
    pub value: String,
    /// Whether a correction replaced the value first recorded.
    pub corrected: bool,
    /// The value first recorded, when corrected (absent if it was not measurable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<String>,
    /// Where the value in effect comes from, when a report must name it: "Kolada" for a
    /// value read from Kolada (issue 13), else absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Set when the value in effect comes from an interpretation ("tolkning"), not a document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<Interpreted>,
}

/// The source of a reading's value in effect, when it must be named: "Kolada" when the last
/// correction with a source (else the original) names Kolada.
fn named_source(r: &crate::domain::Reading) -> Option<String> {
    let source = r
        .corrections
        .iter()
        .rev()
        .find_map(|c| c.source.as_ref())
        .or(match &r.outcome {
            crate::domain::Outcome::Value { source, .. } => Some(source),
            crate::domain::Outcome::NotMeasurable { .. } => None,
        })?;
    (source.kind == crate::domain::SourceKind::Kolada).then(|| "Kolada".to_string())
}

impl Report {
    /// "Källa: Kolada." when a reading the report shows comes from Kolada: said once, under the
    /// readings.
    pub fn source_note(&self) -> Option<&'static str> {
        self.goals
            .iter()
            .flat_map(|g| &g.indicators)
            .flat_map(|i| &i.readings)
            .any(|p| p.source.as_deref() == Some("Kolada"))
            .then_some("Källa: Kolada.")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GradeCount {
    pub grade: GradeView,
    pub count: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceCounts {
    pub plan: Id,
    pub title: String,
    pub goals: u64,
    pub counts: Vec<GradeCount>,
}

/// A goal whose grade computed by the method differs from the body's grade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GoalDisagreement {
    pub goal: Id,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<GradeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed: Option<GradeView>,
}

/// What a figure of a report counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "figure", rename_all = "snake_case")]
pub enum Figure {
    /// Goals with this grade.
    Grade { grade: GradeView },
    /// Goals graded (the document's total).
    Goals,
    /// Goals on track: graded `from` or better.
    OnTrack {
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<GradeView>,
    },
    /// The overall index.
    Index,
}

/// One figure three ways. Values are exact: whole counts or decimals as strings.
#[derive(Clone, Debug, Serialize)]
pub struct FigureRow {
    #[serde(flatten)]
    pub figure: Figure,
    /// What the method in force computes; absent without a method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computed: Option<String>,
    /// What the body's recorded assessments give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed: Option<String>,
    /// What the published document states; absent means "ej publicerat".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// A published figure differs from the computed or the assessed one.
    pub differs: bool,
}

/// The figures of the whole report, or of one published roll-up sentence.
#[derive(Clone, Debug, Serialize)]
pub struct FigureTable {
    /// The published roll-up sentence checked; absent for the whole report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentence: Option<String>,
    pub rows: Vec<FigureRow>,
}

/// Computed, assessed and published figures. Agreement is stated only over `compared > 0`.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub tables: Vec<FigureTable>,
    /// Published figures that had a computed or assessed figure to compare with.
    pub compared: u64,
    /// Of those, how many differ.
    pub differing: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct PublishedSummary {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    pub seq: u64,
}

/// Finds a follow-up by id, or by name within `org` (or the whole ledger).
pub fn find_follow_up(state: &State, name: &str, org: Option<&str>) -> Result<Id, String> {
    if let Some((id, _)) = state.follow_ups.get_key_value(name) {
        return Ok(id.clone());
    }
    let found: Vec<&Id> = state
        .follow_ups
        .iter()
        .filter(|(_, f)| f.def.name == name && org.is_none_or(|o| f.def.organisation.as_str() == o))
        .map(|(id, _)| id)
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(format!("no follow-up is named or has the id {name:?}")),
        many => Err(format!(
            "{name:?} names several follow-ups ({}); give --org or the follow-up's id",
            many.iter()
                .map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The latest assessment among `seqs` at `follow_up` by `body` (any body when `None`).
fn latest<'a>(
    state: &'a State,
    seqs: &[u64],
    follow_up: &Id,
    body: Option<&Id>,
) -> Option<&'a Assessment> {
    seqs.iter()
        .rev()
        .filter_map(|s| state.assessments.get(s).map(|a| &**a))
        .find(|a| &a.def.follow_up == follow_up && body.is_none_or(|b| &a.def.body == b))
}

fn grade_view(state: &State, a: &Assessment) -> Option<GradeView> {
    grade_on(state, a.def.scale.as_ref()?, a.def.grade.as_ref()?)
}

/// The grade `code` of scale `scale`, as printed.
fn grade_on(state: &State, scale: &Id, code: &Id) -> Option<GradeView> {
    let g = state.scales.get(scale)?.grade(code)?;
    Some(GradeView {
        scale: scale.clone(),
        code: g.code.clone(),
        label: g.label.clone(),
        symbol: g.symbol.clone(),
        plural: g.plural.clone().unwrap_or_else(|| g.label.to_lowercase()),
    })
}

/// Counts goals per grade, in the order of the scale of the first graded goal.
fn count(state: &State, goals: &[&GoalRow]) -> Vec<GradeCount> {
    let mut counts: Vec<GradeCount> = Vec::new();
    for g in goals.iter().filter_map(|g| g.published.as_ref()) {
        match counts.iter_mut().find(|c| c.grade == *g) {
            Some(c) => c.count += 1,
            None => counts.push(GradeCount {
                grade: g.clone(),
                count: 1,
            }),
        }
    }
    // The order of each grade's own scale (best first), not order of appearance; a grade is
    // (scale, code), so another scale with the same codes changes nothing here.
    let order = |g: &GradeView| {
        let position = state
            .scales
            .get(&g.scale)
            .and_then(|s| s.def.grades.iter().position(|x| x.code == g.code))
            .unwrap_or(usize::MAX);
        (g.scale.clone(), position)
    };
    counts.sort_by_key(|c| order(&c.grade));
    counts
}

/// Builds the report of `follow_up` (for `body`'s goals when given) from `state`.
pub fn build(
    state: &State,
    follow_up: &Id,
    body: Option<&Id>,
    source: Source,
) -> Result<Report, String> {
    let f = state
        .follow_ups
        .get(follow_up)
        .ok_or_else(|| format!("unknown follow-up {follow_up}"))?;
    let org = &f.def.organisation;
    let cut_off = f.def.cut_off;
    let organisation = state
        .organisations
        .get(org)
        .map_or_else(|| org.to_string(), |o| o.def.name.clone());
    let body_name = match body {
        Some(b) => Some(
            state
                .bodies
                .get(b)
                .map(|x| x.def.name.clone())
                .ok_or_else(|| format!("unknown body {b}"))?,
        ),
        None => None,
    };
    let live =
        |retired: Option<&crate::domain::Retirement>| retired.is_none_or(|r| r.effective > cut_off);

    // How the organisation reads its indicators at the cut-off: the scale computed attainment
    // is mapped onto and trend is drawn by, and what trend compares with; shared with `status`.
    let reader = crate::query::Reader::new(state, org, cut_off, Some(f.def.kind));
    let template = state
        .templates
        .values()
        .filter(|t| {
            &t.def.organisation == org
                && t.def.effective <= cut_off
                && t.def.follow_up_kind.is_none_or(|k| k == f.def.kind)
        })
        .max_by_key(|t| (t.def.effective, t.prov.seq))
        .map(|t| TemplateView {
            seq: t.prov.seq,
            def: t.def.clone(),
        });
    let mut goals = Vec::new();
    for plan in state.plans.values().filter(|p| &p.organisation == org) {
        for goal_id in &plan.goals {
            let Some(goal) = state.goals.get(goal_id) else {
                continue;
            };
            let Some(version) = in_force(&goal.versions, cut_off) else {
                continue;
            };
            if !live(goal.retired.as_ref()) || body.is_some_and(|b| !version.bodies.contains(b)) {
                continue;
            }
            goals.push(goal_row(
                state, goal, version, follow_up, body, cut_off, reader,
            ));
        }
    }

    let all: Vec<&GoalRow> = goals.iter().collect();
    let published_counts = count(state, &all);
    let mut published_counts_by_source = Vec::new();
    let sources: std::collections::BTreeSet<&Id> = goals
        .iter()
        .filter_map(|g| g.source_plan.as_ref())
        .collect();
    for plan in sources {
        let rows: Vec<&GoalRow> = goals
            .iter()
            .filter(|g| g.source_plan.as_ref() == Some(plan))
            .collect();
        let title = state
            .plans
            .get(plan)
            .and_then(|p| p.versions.last())
            .map_or_else(|| plan.to_string(), |v| v.title.clone());
        published_counts_by_source.push(SourceCounts {
            plan: plan.clone(),
            title,
            goals: rows.len() as u64,
            counts: count(state, &rows),
        });
    }
    let summaries = state
        .summaries
        .values()
        .filter(|s| &s.def.follow_up == follow_up && body.is_none_or(|b| &s.def.body == b));
    // An interpreted summary is not what the body published: it is listed among the
    // interpretations and never compared or shown as published; the published summary is the
    // latest one that is not an interpretation.
    let summary = summaries
        .clone()
        .filter(|s| s.prov.interpretation().is_none())
        .max_by_key(|s| s.prov.seq);
    let interpreted_summary = summaries
        .filter(|s| s.prov.interpretation().is_some())
        .max_by_key(|s| s.prov.seq);
    let interpretations = interpretations(&goals, follow_up, interpreted_summary);
    let published_summary = summary.map(|s| PublishedSummary {
        text: s.def.text.clone(),
        index: s.def.index.map(|i| i.to_string()),
        seq: s.prov.seq,
    });
    let computed = method_in_force(state, org, cut_off).map(|m| {
        let mut c = compute(m, &goals);
        c.grades = state.scales.get(&m.def.scale).map_or_else(Vec::new, |sc| {
            sc.def
                .grades
                .iter()
                .chain(&sc.def.not_assessable)
                .filter_map(|g| grade_on(state, &sc.def.id, &g.code))
                .collect()
        });
        c
    });

    let mut disagreements = Vec::new();
    if let Some(c) = &computed {
        for (goal, result) in goals.iter().zip(&c.goals) {
            let computed = result
                .grade
                .as_ref()
                .and_then(|code| grade_on(state, &c.method.scale, code));
            if computed != goal.published {
                disagreements.push(GoalDisagreement {
                    goal: goal.id.clone(),
                    computed,
                    assessed: goal.published.clone(),
                });
            }
        }
    }
    let comparison = compare(state, &goals, computed.as_ref(), summary.map(|s| &s.def));

    let rollups = rollups(state, &goals);
    let forecast = forecast(state, f, &goals, body);
    let since_seal = state
        .seals
        .iter()
        .rev()
        .find(|(_, s)| &s.def.follow_up == follow_up && s.def.body.as_ref() == body)
        .map(|(seq, s)| {
            let subjects = changes::report_subjects(state, follow_up, body);
            SinceSeal {
                seal: *seq,
                head_seq: s.def.head_seq,
                changes: changes::changes_after(state, s.def.head_seq, &subjects)
                    .into_iter()
                    .cloned()
                    .collect(),
            }
        });

    let legend = match (&template, reader.scale) {
        (Some(t), Some(sc)) if t.def.sections.contains(&crate::domain::Section::Legend) => sc
            .def
            .grades
            .iter()
            .filter_map(|g| grade_on(state, &sc.def.id, &g.code))
            .collect(),
        _ => Vec::new(),
    };
    let title = template
        .as_ref()
        .and_then(|t| t.def.title.as_deref())
        .unwrap_or("Uppföljning av politiska mål");
    Ok(Report {
        title: format!("{title} – {}", f.def.name),
        organisation,
        body: body_name,
        follow_up: FollowUpView {
            id: follow_up.clone(),
            name: f.def.name.clone(),
            kind: f.def.kind,
            cut_off,
        },
        goals,
        published_counts,
        published_counts_by_source,
        published_summary,
        computed,
        comparison,
        disagreements,
        rollups,
        forecast,
        template,
        legend,
        since_seal,
        interpretations,
        source,
    })
}

/// The interpretations behind a report's goals and summary, in ledger order.
fn interpretations(
    goals: &[GoalRow],
    follow_up: &Id,
    summary: Option<&crate::domain::Summary>,
) -> Vec<InterpretationNote> {
    let note = |seq, kind, subject: &Id, reason: &str| InterpretationNote {
        seq,
        kind,
        subject: subject.clone(),
        reason: reason.to_string(),
        text: None,
    };
    let mut notes = Vec::new();
    for g in goals {
        if let Some(i) = &g.interpretation {
            notes.push(note(i.seq, "assessment.recorded", &g.id, &i.reason));
        }
        for ind in &g.indicators {
            if let Some(i) = &ind.interpretation {
                notes.push(note(i.seq, "assessment.recorded", &ind.id, &i.reason));
            }
            for i in ind
                .readings
                .iter()
                .filter_map(|p| p.interpretation.as_ref())
            {
                notes.push(note(i.seq, i.kind, &ind.id, &i.reason));
            }
        }
        for p in &g.promises {
            if let Some(reason) = &p.interpretation {
                notes.push(note(p.prov.seq, "promise.made", &p.id, reason));
            }
            if let Some(st) = &p.status
                && let Some(reason) = &st.interpretation
            {
                notes.push(note(st.prov.seq, "promise.status_recorded", &p.id, reason));
            }
        }
        for a in &g.activities {
            if let Some(reason) = &a.interpretation {
                notes.push(note(a.prov.seq, "activity.reported", &a.id, reason));
            }
        }
    }
    if let Some(s) = summary
        && let Some(reason) = s.prov.interpretation()
    {
        notes.push(InterpretationNote {
            text: Some(s.def.text.clone()),
            ..note(s.prov.seq, "summary.recorded", follow_up, reason)
        });
    }
    notes.sort_by_key(|n| n.seq);
    notes.dedup_by_key(|n| n.seq);
    notes
}

/// Two exact values agree when they are the same number ("0.87" and "0.870" do).
fn same(a: &str, b: &str) -> bool {
    match (
        rust_decimal::Decimal::from_str_exact(a),
        rust_decimal::Decimal::from_str_exact(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

fn figure_row(
    figure: Figure,
    computed: Option<String>,
    assessed: Option<String>,
    published: Option<String>,
) -> FigureRow {
    let differs = published
        .as_ref()
        .is_some_and(|p| computed.iter().chain(&assessed).any(|v| !same(v, p)));
    FigureRow {
        figure,
        computed,
        assessed,
        published,
        differs,
    }
}

/// The figures of `rows` (goals in scope, with their computed results when a method is in
/// force) against what the document publishes for that scope.
fn figure_table(
    state: &State,
    rows: &[(&GoalRow, Option<&method::GoalResult>)],
    method: Option<&Computed>,
    published: Option<(Option<&Id>, &[crate::domain::PublishedCount], Option<u64>)>,
    published_on_track: Option<u64>,
    sentence: Option<String>,
) -> FigureTable {
    let assessed: Vec<&GoalRow> = rows.iter().map(|(g, _)| *g).collect();
    let assessed_counts = count(state, &assessed);
    let computed_views: Vec<GradeView> = method
        .map(|m| {
            rows.iter()
                .filter_map(|(_, r)| r.and_then(|r| r.grade.as_ref()))
                .filter_map(|code| grade_on(state, &m.method.scale, code))
                .collect()
        })
        .unwrap_or_default();
    let published_views: Vec<(GradeView, u64)> = published
        .map(|(scale, counts, _)| {
            counts
                .iter()
                .filter_map(|c| Some((grade_on(state, scale?, &c.grade)?, c.count)))
                .collect()
        })
        .unwrap_or_default();
    // Grades in the order of their own scale: every grade any column speaks of.
    let mut grades: Vec<GradeView> = assessed_counts.iter().map(|c| c.grade.clone()).collect();
    grades.extend(computed_views.iter().cloned());
    grades.extend(published_views.iter().map(|(g, _)| g.clone()));
    let order = |g: &GradeView| {
        let position = state
            .scales
            .get(&g.scale)
            .and_then(|s| s.def.grades.iter().position(|x| x.code == g.code))
            .unwrap_or(usize::MAX);
        (g.scale.clone(), position)
    };
    grades.sort_by_key(order);
    grades.dedup();
    // Unlisted grades count zero only when the listed ones add up to the published total.
    let published_complete = published.is_some_and(|(_, counts, total)| {
        total.is_some_and(|t| counts.iter().map(|c| c.count).sum::<u64>() == t)
    });
    let mut table = Vec::new();
    for grade in grades {
        let computed =
            method.map(|_| computed_views.iter().filter(|g| **g == grade).count() as u64);
        let assessed = assessed_counts
            .iter()
            .find(|c| c.grade == grade)
            .map_or(0, |c| c.count);
        let published = published_views
            .iter()
            .find(|(g, _)| *g == grade)
            .map(|(_, n)| *n)
            .or(published_complete.then_some(0));
        if computed.unwrap_or(0) == 0 && assessed == 0 && published.unwrap_or(0) == 0 {
            continue;
        }
        table.push(figure_row(
            Figure::Grade { grade },
            computed.map(|n| n.to_string()),
            Some(assessed.to_string()),
            published.map(|n| n.to_string()),
        ));
    }
    let graded: Vec<&GradeView> = assessed
        .iter()
        .filter_map(|g| g.published.as_ref())
        .collect();
    table.push(figure_row(
        Figure::Goals,
        method.map(|_| computed_views.len().to_string()),
        Some(graded.len().to_string()),
        published
            .and_then(|(_, _, total)| total)
            .map(|n| n.to_string()),
    ));
    if let Some(on) = published_on_track {
        let computed_refs: Vec<&GradeView> = computed_views.iter().collect();
        let assessed_on = on_track(state, &graded);
        let from = graded
            .first()
            .zip(assessed_on)
            .and_then(|(g, (_, from))| grade_on(state, &g.scale, &from.code));
        table.push(figure_row(
            Figure::OnTrack { from },
            method
                .and_then(|_| on_track(state, &computed_refs))
                .map(|(n, _)| n.to_string()),
            assessed_on.map(|(n, _)| n.to_string()),
            Some(on.to_string()),
        ));
    }
    FigureTable {
        sentence,
        rows: table,
    }
}

/// The whole report's figures, then one table per published roll-up sentence.
fn compare<'a>(
    state: &State,
    goals: &[GoalRow],
    computed: Option<&Computed>,
    summary: Option<&'a crate::domain::SummaryRecorded>,
) -> Comparison {
    let results: Vec<Option<&method::GoalResult>> = match computed {
        Some(c) => c.goals.iter().map(Some).collect(),
        None => vec![None; goals.len()],
    };
    let rows: Vec<(&GoalRow, Option<&method::GoalResult>)> =
        goals.iter().zip(results.iter().copied()).collect();
    // A scope publishes figures when the document gives counts or a total for it.
    let published = |counts: &'a [crate::domain::PublishedCount], total: Option<u64>| {
        let s = summary?;
        (!counts.is_empty() || total.is_some()).then_some((s.scale.as_ref(), counts, total))
    };
    let mut whole = figure_table(
        state,
        &rows,
        computed,
        summary.and_then(|s| published(&s.counts, s.total)),
        None,
        None,
    );
    let computed_index = computed
        .and_then(|c| c.index.as_ref())
        .map(|i| i.value.clone());
    let published_index = summary.and_then(|s| s.index).map(|d| d.to_string());
    if computed_index.is_some()
        || published_index.is_some()
        || computed.is_some_and(|c| c.method.index.is_some())
    {
        whole.rows.push(figure_row(
            Figure::Index,
            computed_index,
            None,
            published_index,
        ));
    }
    let mut tables = vec![whole];
    for r in summary.map_or(&[][..], |s| s.rollups.as_slice()) {
        let scoped: Vec<(&GoalRow, Option<&method::GoalResult>)> = rows
            .iter()
            .filter(|(g, _)| {
                r.plan
                    .as_ref()
                    .is_none_or(|p| g.source_plan.as_ref() == Some(p))
                    && r.area.as_ref().is_none_or(|a| g.area.as_ref() == Some(a))
            })
            .copied()
            .collect();
        tables.push(figure_table(
            state,
            &scoped,
            computed,
            published(&r.counts, r.total),
            r.on_track,
            Some(r.text.clone()),
        ));
    }
    let all = tables.iter().flat_map(|t| &t.rows);
    let compared = all
        .clone()
        .filter(|r| r.published.is_some() && (r.computed.is_some() || r.assessed.is_some()))
        .count() as u64;
    let differing = all.filter(|r| r.differs).count() as u64;
    Comparison {
        tables,
        compared,
        differing,
    }
}

fn goal_row(
    state: &State,
    goal: &Goal,
    version: &crate::domain::GoalVersion,
    follow_up: &Id,
    body: Option<&Id>,
    cut_off: Date,
    reader: crate::query::Reader<'_>,
) -> GoalRow {
    let live =
        |retired: Option<&crate::domain::Retirement>| retired.is_none_or(|r| r.effective > cut_off);
    // Without --body, the body that adopted the goal's plan speaks for it.
    let owner = state.plans.get(&goal.plan).map(|p| &p.body);
    let body = body.or(owner);
    let assessment = latest(state, &goal.assessments, follow_up, body);
    let mut other_assessments: Vec<BodyAssessment> = Vec::new();
    for a in goal
        .assessments
        .iter()
        .rev()
        .filter_map(|s| state.assessments.get(s))
    {
        if &a.def.follow_up != follow_up
            || Some(&a.def.body) == body
            || other_assessments.iter().any(|o| o.body == a.def.body)
        {
            continue;
        }
        other_assessments.push(BodyAssessment {
            body: a.def.body.clone(),
            body_name: state
                .bodies
                .get(&a.def.body)
                .map_or_else(|| a.def.body.to_string(), |b| b.def.name.clone()),
            grade: grade_view(state, a),
            analysis: a.def.analysis.clone(),
        });
    }
    other_assessments.sort_by(|a, b| a.body.cmp(&b.body));
    let indicators = goal
        .indicators
        .iter()
        .filter_map(|id| state.indicators.get(id))
        .filter(|i| live(i.retired.as_ref()))
        .filter_map(|i| {
            let v: &IndicatorVersion = in_force(&i.versions, cut_off)?;
            let a = latest(state, &i.assessments, follow_up, body);
            let target = i
                .targets
                .iter()
                .filter_map(|t| state.targets.get(t))
                .filter(|t| !t.retired_by(cut_off))
                .filter_map(|t| in_force(&t.versions, cut_off))
                .max_by_key(|t| (t.effective, t.prov.seq));
            // Readings of periods not yet ended at the cut-off are not part of this follow-up;
            // a reading that was never measurable (and never corrected) has no point to draw.
            let mut readings: Vec<(Date, u64, ReadingPoint)> = i
                .readings
                .iter()
                .filter_map(|seq| state.readings.get(seq))
                .filter(|r| r.period.to <= cut_off)
                .filter_map(|r| {
                    let value = r.value()?;
                    let original = match &r.outcome {
                        crate::domain::Outcome::Value { value, .. } => Some(value.to_string()),
                        crate::domain::Outcome::NotMeasurable { .. } => None,
                    };
                    let corrected = !r.corrections.is_empty();
                    let point = ReadingPoint {
                        period_to: r.period.to,
                        value: value.to_string(),
                        corrected,
                        original: original.filter(|_| corrected),
                        source: named_source(r),
                        interpretation: match r.corrections.last() {
                            Some(c) => Interpreted::from_prov(&c.prov, "reading.corrected"),
                            None => Interpreted::from_prov(&r.prov, "reading.recorded"),
                        },
                    };
                    Some((r.period.to, r.prov.seq, point))
                })
                .collect();
            readings.sort_by_key(|(to, seq, _)| (*to, *seq));
            let not_measurable = i
                .readings
                .iter()
                .filter_map(|seq| state.readings.get(seq))
                .filter(|r| r.period.to <= cut_off)
                .max_by_key(|r| (r.period.to, r.prov.seq))
                .filter(|r| r.value().is_none())
                .and_then(|r| match &r.outcome {
                    crate::domain::Outcome::NotMeasurable { reason } => Some(reason.clone()),
                    crate::domain::Outcome::Value { .. } => None,
                });
            let levels = target.map(|t| t.levels.as_slice());
            let trend = reader.trend(i, v.direction, levels, a.and_then(|a| a.def.trend));
            let computed_grade = reader.attainment(i, levels).and_then(|g| {
                let scale = reader.scale?;
                grade_on(state, &scale.def.id, &g.code)
            });
            Some(IndicatorRow {
                id: i.id.clone(),
                text: v.text.clone(),
                unit: v.unit,
                grade: a.and_then(|a| grade_view(state, a)),
                interpretation: a.and_then(Interpreted::of),
                deadline: target.and_then(|t| t.deadline),
                comment: a.and_then(|a| a.def.analysis.clone()),
                readings: readings.into_iter().map(|(_, _, p)| p).collect(),
                threshold: target.and_then(|t| {
                    t.levels
                        .iter()
                        .rev()
                        .find_map(|l| l.threshold.map(|d| d.to_string()))
                }),
                not_measurable,
                trend,
                computed_grade,
            })
        })
        .collect();
    GoalRow {
        id: goal.id.clone(),
        number: version.number.clone(),
        text: version.text.clone(),
        source_plan: version.source_plan.clone(),
        area: version.area.clone(),
        published: assessment.and_then(|a| grade_view(state, a)),
        analysis: assessment.and_then(|a| a.def.analysis.clone()),
        indicators,
        other_assessments,
        interpretation: assessment.and_then(Interpreted::of),
        promises: crate::query::promises_of(state, &goal.id, cut_off),
        activities: crate::query::activities_of(state, &goal.id, cut_off),
    }
}
