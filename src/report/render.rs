//! Renderers: the report model to Markdown, JSON, CSV or HTML (`html.rs`) bytes. Swedish text, decimal comma,
//! dates as YYYY-MM-DD; every user-supplied text is escaped for its format.

use super::{Figure, GradeCount, Report, html};
use crate::domain::Section;
use std::fmt::Write as _;

/// Output formats of `malbok report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Md,
    Json,
    Csv,
    Html,
}

impl ReportFormat {
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Md => "md",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
        }
    }

    pub fn from_name(name: &str) -> Option<ReportFormat> {
        [
            ReportFormat::Md,
            ReportFormat::Json,
            ReportFormat::Csv,
            ReportFormat::Html,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }
}

/// The report's bytes in `format`.
pub fn render(report: &Report, format: ReportFormat) -> Vec<u8> {
    match format {
        ReportFormat::Md => markdown(report).into_bytes(),
        ReportFormat::Json => {
            let mut out = serde_json::to_vec_pretty(report).expect("a report serializes");
            out.push(b'\n');
            out
        }
        ReportFormat::Csv => csv(report),
        ReportFormat::Html => html::render(report).into_bytes(),
    }
}

/// A value as Swedish reports print it: decimal comma, and "87 %" for a percentage.
pub fn value_with_unit(value: &str, unit: crate::domain::Unit) -> String {
    match unit {
        crate::domain::Unit::Percent => format!("{} %", decimal_comma(value)),
        _ => decimal_comma(value),
    }
}

/// "0.87" → "0,87".
pub fn decimal_comma(s: &str) -> String {
    s.replace('.', ",")
}

/// "12 mål uppnådda och 3 delvis uppnådda" (`noun` = "mål "), or "9 uppnådda och 3 delvis
/// uppnådda" (`noun` = ""); one goal reads in the singular ("1 mål delvis uppnått"), a grade
/// counted zero times is left out, and nothing counted reads "inga mål bedömda".
pub(super) fn counts_sentence(counts: &[GradeCount], noun: &str) -> String {
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| c.count > 0)
        .enumerate()
        .map(|(i, c)| {
            let noun = if i == 0 { noun } else { "" };
            let word = if c.count == 1 {
                c.grade.label.to_lowercase()
            } else {
                c.grade.plural.clone()
            };
            format!("{} {noun}{word}", c.count)
        })
        .collect();
    match parts.as_slice() {
        [] => format!("inga {noun}bedömda"),
        [one] => one.clone(),
        [init @ .., last] => format!("{} och {last}", init.join(", ")),
    }
}

/// A table of the report, its cells already escaped for the output format.
pub(super) struct Table {
    pub caption: Option<String>,
    pub head: Vec<String>,
    /// Cells, and whether the row marks a difference.
    pub rows: Vec<(Vec<String>, bool)>,
}

/// The section "Beräknat och publicerat", walked once for every renderer: tables, the verdict
/// (agreement only over figures that were published and compared), the differing figures and
/// the goals whose computed grade differs from the body's.
pub(super) struct ComparisonText {
    pub tables: Vec<Table>,
    pub verdict: String,
    pub differences: Vec<String>,
    pub goal_differences: Vec<String>,
}

pub(super) fn comparison_text(r: &Report, escape: fn(&str) -> String) -> ComparisonText {
    let with_method = r.computed.is_some();
    let mut head = vec![String::new()];
    if with_method {
        head.push("Beräknat enligt metoden".into());
    }
    head.extend(["Bedömt".to_string(), "Publicerat".to_string()]);
    let label = |f: &Figure| match f {
        Figure::Grade { grade } => escape(&grade.label),
        Figure::Goals => "Antal bedömda mål".into(),
        Figure::OnTrack { from: Some(g) } => format!("{} eller bättre", escape(&g.label)),
        Figure::OnTrack { from: None } => "Mål i rätt riktning".into(),
        Figure::Index => "Index".into(),
    };
    let value = |v: &Option<String>| v.as_deref().map_or("–".to_string(), decimal_comma);
    let mut tables = Vec::new();
    let mut differences = Vec::new();
    for t in &r.comparison.tables {
        let mut rows = Vec::new();
        for row in &t.rows {
            let mut cells = vec![label(&row.figure)];
            if with_method {
                cells.push(value(&row.computed));
            }
            cells.push(value(&row.assessed));
            cells.push(
                row.published
                    .as_deref()
                    .map_or("ej publicerat".to_string(), decimal_comma),
            );
            if row.differs {
                let scope = t
                    .sentence
                    .as_deref()
                    .map_or(String::new(), |s| format!("”{}”: ", escape(s)));
                let mut parts = Vec::new();
                if with_method {
                    parts.push(format!("beräknat {}", value(&row.computed)));
                }
                parts.push(format!("bedömt {}", value(&row.assessed)));
                parts.push(format!("publicerat {}", value(&row.published)));
                differences.push(format!(
                    "{scope}{}: {}",
                    label(&row.figure),
                    parts.join(", ")
                ));
            }
            rows.push((cells, row.differs));
        }
        tables.push(Table {
            caption: t.sentence.as_deref().map(escape),
            head: head.clone(),
            rows,
        });
    }
    let c = &r.comparison;
    let who = if with_method {
        "Beräknat, bedömt och publicerat"
    } else {
        "Bedömt och publicerat"
    };
    let verdict = if r.published_summary.is_none() {
        "Ingen publicerad sammanfattning är registrerad: ingen siffra är publicerad att jämföra med.".to_string()
    } else if c.compared == 0 {
        "Den publicerade sammanfattningen anger inga siffror (ej publicerat): ingen överensstämmelse kan konstateras.".to_string()
    } else if c.differing == 0 {
        format!(
            "{who} stämmer överens i {}.",
            count_phrase(c.compared, "jämförd siffra", "jämförda siffror")
        )
    } else {
        format!(
            "{} av {} skiljer sig.",
            capitalised(&count_phrase(
                c.differing,
                "publicerad siffra",
                "publicerade siffror"
            )),
            count_phrase(c.compared, "jämförd", "jämförda")
        )
    };
    let show =
        |g: &Option<super::GradeView>| g.as_ref().map_or("–".to_string(), |g| escape(&g.label));
    let goal_differences = r
        .disagreements
        .iter()
        .map(|d| {
            format!(
                "mål {}: beräknat {}, bedömt {}",
                escape(d.goal.as_str()),
                show(&d.computed),
                show(&d.assessed)
            )
        })
        .collect();
    ComparisonText {
        tables,
        verdict,
        differences,
        goal_differences,
    }
}

/// One goal's own verdict: the goal, its grade and the body's text about it, escaped.
pub(super) struct Verdict {
    pub goal: String,
    pub grade: Option<String>,
    pub analysis: String,
}

/// The goals whose body wrote a verdict of its own ("Måluppfyllelse är delvis på rätt väg"),
/// walked once for every renderer; `escape` keeps paragraphs as the format does.
pub(super) fn verdicts(r: &Report, escape: fn(&str) -> String) -> Vec<Verdict> {
    r.goals
        .iter()
        .filter_map(|g| {
            let analysis = g.analysis.as_deref()?;
            let text = escape(&g.text);
            Some(Verdict {
                goal: match &g.number {
                    Some(n) => format!("{}. {text}", escape(n)),
                    None => text,
                },
                grade: g.published.as_ref().map(|v| {
                    let grade = match &v.symbol {
                        Some(sym) => format!("{} {}", escape(sym), escape(&v.label)),
                        None => escape(&v.label),
                    };
                    format!("{grade}{}", tolkning(g.interpretation.as_ref()))
                }),
                analysis: escape(analysis),
            })
        })
        .collect()
}

/// Swedish number words for roll-up sentences (neuter, as "mål": "ett", "inget"); digits
/// from 13 up.
pub fn number_word(n: u64) -> String {
    const WORDS: [&str; 13] = [
        "inget", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva",
        "tolv",
    ];
    usize::try_from(n)
        .ok()
        .and_then(|i| WORDS.get(i))
        .map_or_else(|| n.to_string(), |w| w.to_string())
}

/// "Ett av tre mål är på rätt väg" (`label` = the on-track grade in lower case); no sentence
/// over no goals ("0 av 0"), and one goal reads "Det enda målet är på rätt väg".
pub fn rollup_words(on_track: u64, total: u64, label: &str) -> Option<String> {
    match total {
        0 => None,
        1 if on_track == 1 => Some(format!("Det enda målet är {label}")),
        1 => Some(format!("Det enda målet är inte {label}")),
        _ => Some(format!(
            "{} av {} mål är {label}",
            capitalised(&number_word(on_track.min(total))),
            number_word(total)
        )),
    }
}

/// "Av de 12 mål som härrör från <plan> är 9 uppnådda och 3 delvis uppnådda"; one goal reads
/// "Det enda mål som härrör från <plan> är uppnått".
pub(super) fn source_sentence(goals: u64, title: &str, counts: &[GradeCount]) -> String {
    let graded: Vec<&GradeCount> = counts.iter().filter(|c| c.count > 0).collect();
    match (goals, graded.as_slice()) {
        (1, [one]) => format!(
            "Det enda mål som härrör från {title} är {}",
            one.grade.label.to_lowercase()
        ),
        (1, _) => format!("Det enda mål som härrör från {title} är inte bedömt"),
        _ => format!(
            "Av de {goals} mål som härrör från {title} är {}",
            counts_sentence(counts, "")
        ),
    }
}

/// " (tolkning)" after a grade that comes from an interpretation: it is never shown as
/// published; the reason is listed under "Tolkningar".
pub(super) fn tolkning(i: Option<&super::Interpreted>) -> &'static str {
    if i.is_some() { " (tolkning)" } else { "" }
}

/// "Av dessa bedömningar är 2 tolkningar (se Tolkningar)." after the counts, when any counted
/// grade is one.
pub(super) fn interpreted_counts(r: &Report) -> Option<String> {
    let n = r
        .goals
        .iter()
        .filter(|g| g.published.is_some() && g.interpretation.is_some())
        .count() as u64;
    (n > 0).then(|| {
        format!(
            "Av dessa bedömningar är {} (se Tolkningar).",
            if n == 1 {
                "en tolkning".to_string()
            } else {
                format!("{n} tolkningar")
            }
        )
    })
}

/// The list "Tolkningar": each interpretation's position, kind, subject, reason (and an
/// interpreted summary's text), escaped.
pub(super) fn interpretation_lines(r: &Report, escape: fn(&str) -> String) -> Vec<String> {
    r.interpretations
        .iter()
        .map(|n| {
            let text = n
                .text
                .as_deref()
                .map_or(String::new(), |t| format!(" ”{}”", escape(t)));
            format!(
                "position {}, {} {}:{text} tolkning – {}",
                n.seq,
                escape(n.kind),
                escape(n.subject.as_str()),
                escape(&n.reason)
            )
        })
        .collect()
}

/// The promises and activities tied to each goal ("Löften och aktiviteter"), walked once for
/// every renderer: the goal, then one line per promise (its status at the cut-off) and per
/// activity (title, facts, decision), interpretations marked "(tolkning)".
pub(super) fn goal_links(r: &Report, escape: fn(&str) -> String) -> Vec<(String, Vec<String>)> {
    let mark = |i: &Option<String>| if i.is_some() { " (tolkning)" } else { "" };
    r.goals
        .iter()
        .filter(|g| !g.promises.is_empty() || !g.activities.is_empty())
        .map(|g| {
            let goal = match &g.number {
                Some(n) => format!("{}. {}", escape(n), escape(&g.text)),
                None => escape(&g.text),
            };
            let mut lines = Vec::new();
            for p in &g.promises {
                let status = match &p.status {
                    Some(st) => format!(
                        " Status {}: {}{}",
                        st.as_of,
                        escape(&st.status),
                        mark(&st.interpretation)
                    ),
                    None => " Ingen status registrerad.".to_string(),
                };
                lines.push(format!(
                    "Löfte: {}{}.{status}",
                    escape(p.text.trim_end_matches('.')),
                    mark(&p.interpretation)
                ));
            }
            for a in &g.activities {
                let mut line = format!(
                    "Aktivitet: {} ({}){}.",
                    escape(&a.title),
                    a.reported,
                    mark(&a.interpretation)
                );
                for f in &a.facts {
                    line.push_str(&format!(" {}: {}.", escape(&f.name), escape(&f.value)));
                }
                if let Some(d) = &a.decision {
                    let reference = d
                        .reference
                        .as_ref()
                        .map_or(String::new(), |r| format!(" ({})", escape(&r.to_string())));
                    line.push_str(&format!(" Beslut: {}{reference}.", escape(&d.text)));
                }
                lines.push(line);
            }
            (goal, lines)
        })
        .collect()
}

/// A grade as shown: symbol and label.
fn grade_cell(g: &super::GradeView, escape: fn(&str) -> String) -> String {
    match &g.symbol {
        Some(s) => format!("{} {}", escape(s), escape(&g.label)),
        None => escape(&g.label),
    }
}

/// Computed attainment beside the body's grade, walked once for every renderer: indicator,
/// latest reading, target level, computed grade, assessed grade, and whether they differ.
pub(super) fn attainment_rows(r: &Report, escape: fn(&str) -> String) -> Vec<([String; 5], bool)> {
    r.goals
        .iter()
        .flat_map(|g| &g.indicators)
        .filter_map(|i| {
            let computed = i.computed_grade.as_ref()?;
            let reading = i.readings.last().map_or_else(
                || {
                    if i.not_measurable.is_some() {
                        "kan inte mätas".to_string()
                    } else {
                        "–".to_string()
                    }
                },
                |p| escape(&value_with_unit(&p.value, i.unit)),
            );
            let level = i
                .threshold
                .as_deref()
                .map_or("–".to_string(), |t| escape(&value_with_unit(t, i.unit)));
            let differs = i.grade.as_ref().is_some_and(|g| g != computed);
            Some((
                [
                    escape(&i.text),
                    reading,
                    level,
                    grade_cell(computed, escape),
                    i.grade
                        .as_ref()
                        .map_or("–".to_string(), |g| grade_cell(g, escape)),
                ],
                differs,
            ))
        })
        .collect()
}

/// A goal as shown: "7. Text", or its text alone.
fn goal_cell(number: Option<&str>, text: &str, escape: fn(&str) -> String) -> String {
    match number {
        Some(n) => format!("{}. {}", escape(n), escape(text)),
        None => escape(text),
    }
}

/// A grade code of the method's scale as the scale's symbol and label (the code only when the
/// scale does not know it).
fn method_grade(
    c: &super::method::Computed,
    code: &crate::domain::Id,
    escape: fn(&str) -> String,
) -> String {
    c.grades
        .iter()
        .find(|g| &g.code == code)
        .map_or_else(|| escape(code.as_str()), |g| grade_cell(g, escape))
}

/// The method's rules in words, walked once for every renderer: the score of each grade
/// ("● Uppnått = 1") and the goal grade from each mean ("● Uppnått från 0,75").
pub(super) fn method_terms(
    c: &super::method::Computed,
    escape: fn(&str) -> String,
) -> (Vec<String>, Vec<String>) {
    let m = &c.method;
    let scores = m
        .scores
        .iter()
        .map(|s| {
            format!(
                "{} = {}",
                method_grade(c, &s.grade, escape),
                escape(&decimal_comma(&s.score.to_string()))
            )
        })
        .collect();
    let grades = m
        .goal_grades
        .iter()
        .map(|g| {
            format!(
                "{} från {}",
                method_grade(c, &g.grade, escape),
                escape(&decimal_comma(&g.min.to_string()))
            )
        })
        .collect();
    (scores, grades)
}

/// The method table, walked once for every renderer: goal, mean score, computed grade, the
/// body's grade, and whether the two differ.
pub(super) fn method_rows(r: &Report, escape: fn(&str) -> String) -> Vec<([String; 4], bool)> {
    let Some(c) = &r.computed else {
        return Vec::new();
    };
    r.goals
        .iter()
        .zip(&c.goals)
        .map(|(goal, result)| {
            let published = goal.published.as_ref();
            let differs = result.grade.as_ref() != published.map(|g| &g.code);
            (
                [
                    goal_cell(goal.number.as_deref(), &goal.text, escape),
                    escape(result.mean.as_deref().unwrap_or("–")),
                    result
                        .grade
                        .as_ref()
                        .map_or_else(|| "–".to_string(), |g| method_grade(c, g, escape)),
                    // An interpreted grade is never shown as published.
                    published.map_or_else(
                        || "–".to_string(),
                        |g| match &goal.interpretation {
                            Some(_) => format!("tolkning ({})", grade_cell(g, escape)),
                            None => grade_cell(g, escape),
                        },
                    ),
                ],
                differs,
            )
        })
        .collect()
}

/// The forecast table, walked once for every renderer: goal, interim forecast, the year's
/// outcome, and whether they differ.
pub(super) fn forecast_rows(
    f: &super::Forecast,
    escape: fn(&str) -> String,
) -> Vec<([String; 3], bool)> {
    let show = |g: &Option<super::GradeView>| {
        g.as_ref()
            .map_or_else(|| "–".to_string(), |g| grade_cell(g, escape))
    };
    f.goals
        .iter()
        .map(|row| {
            (
                [
                    goal_cell(row.number.as_deref(), &row.text, escape),
                    show(&row.forecast),
                    show(&row.outcome),
                ],
                row.differs,
            )
        })
        .collect()
}

/// "Teckenförklaring: ● Uppnått, ◆ Delvis uppnått, ○ Ej uppnått."
pub(super) fn legend_line(r: &Report, escape: fn(&str) -> String) -> String {
    let grades: Vec<String> = r.legend.iter().map(|g| grade_cell(g, escape)).collect();
    format!("Teckenförklaring: {}.", grades.join(", "))
}

/// The results table, walked once for every renderer: the template's columns, or the default
/// Nämndmål · Indikator · Tidpunkter · Kommentar. Each row says whether it is a goal without
/// indicators.
pub(super) fn results_table(
    r: &Report,
    escape: fn(&str) -> String,
    symbol: fn(&super::GradeView) -> String,
) -> ResultsTable {
    use crate::domain::{ColumnKind, TemplateColumn};
    use chrono::Datelike;
    let default = [
        (ColumnKind::Goal, "Nämndmål"),
        (ColumnKind::Indicator, "Indikator"),
        (ColumnKind::Deadline, "Tidpunkter"),
        (ColumnKind::Comment, "Kommentar"),
    ]
    .map(|(kind, label)| TemplateColumn {
        kind,
        label: label.into(),
        years: None,
    });
    let columns: &[TemplateColumn] = r.template.as_ref().map_or(&default[..], |t| &t.def.columns);
    let year = r.follow_up.cut_off.0.year();
    // An "outcomes" column spreads over its years, oldest first.
    let years = |c: &TemplateColumn| {
        let n = i32::try_from(c.years.unwrap_or(1).clamp(1, 10)).unwrap_or(1);
        (year - n + 1)..=year
    };
    let mut head = Vec::new();
    let mut kinds = Vec::new();
    for c in columns {
        match c.kind {
            ColumnKind::Outcomes => {
                head.extend(years(c).map(|y| format!("{} {y}", escape(&c.label))));
                kinds.extend(years(c).map(|_| c.kind));
            }
            _ => {
                head.push(escape(&c.label));
                kinds.push(c.kind);
            }
        }
    }
    let grade_column = columns.iter().any(|c| c.kind == ColumnKind::Grade);
    let mut rows = Vec::new();
    for goal in &r.goals {
        let goal_text = match &goal.number {
            Some(n) => format!("{}. {}", escape(n), escape(&goal.text)),
            None => escape(&goal.text),
        };
        if goal.indicators.is_empty() {
            let mut cells = vec![String::new(); head.len()];
            if let Some(at) = columns.iter().position(|c| c.kind == ColumnKind::Goal) {
                cells[at.min(head.len() - 1)] = goal_text.clone();
            }
            rows.push(ResultsRow {
                cells,
                goal_only: true,
                span: Some(1),
            });
        }
        for (i, ind) in goal.indicators.iter().enumerate() {
            let mut cells = Vec::new();
            for c in columns {
                match c.kind {
                    ColumnKind::Goal => cells.push(if i == 0 {
                        goal_text.clone()
                    } else {
                        String::new()
                    }),
                    ColumnKind::Indicator => {
                        let symbol = ind
                            .grade
                            .as_ref()
                            .filter(|_| !grade_column)
                            .map(|g| symbol(g) + tolkning(ind.interpretation.as_ref()) + " ")
                            .unwrap_or_default();
                        cells.push(format!("{symbol}{}", escape(&ind.text)));
                    }
                    ColumnKind::Grade => {
                        cells.push(ind.grade.as_ref().map_or(String::new(), |g| {
                            grade_cell(g, escape) + tolkning(ind.interpretation.as_ref())
                        }))
                    }
                    ColumnKind::Deadline => {
                        cells.push(ind.deadline.map(|d| d.to_string()).unwrap_or_default());
                    }
                    ColumnKind::Comment => {
                        let comment = ind.comment.as_deref().map(escape).unwrap_or_default();
                        cells.push(match &ind.not_measurable {
                            Some(reason) if comment.is_empty() => {
                                format!("Kan inte mätas: {}", escape(reason))
                            }
                            Some(reason) => {
                                format!("Kan inte mätas: {}<br>{comment}", escape(reason))
                            }
                            None => comment,
                        });
                    }
                    ColumnKind::Target => cells.push(
                        ind.threshold
                            .as_deref()
                            .map_or(String::new(), |t| escape(&value_with_unit(t, ind.unit))),
                    ),
                    ColumnKind::Outcomes => {
                        for y in years(c) {
                            let value = ind
                                .readings
                                .iter()
                                .rev()
                                .find(|p| p.period_to.0.year() == y)
                                .map_or(String::new(), |p| {
                                    escape(&value_with_unit(&p.value, ind.unit))
                                        + tolkning(p.interpretation.as_ref())
                                });
                            cells.push(value);
                        }
                    }
                }
            }
            rows.push(ResultsRow {
                cells,
                goal_only: false,
                span: (i == 0).then_some(goal.indicators.len()),
            });
        }
    }
    ResultsTable { head, kinds, rows }
}

/// The results table's headings, the kind of each column, and its rows.
pub(super) struct ResultsTable {
    pub head: Vec<String>,
    pub kinds: Vec<crate::domain::ColumnKind>,
    pub rows: Vec<ResultsRow>,
}

/// One row of the results table.
pub(super) struct ResultsRow {
    pub cells: Vec<String>,
    /// A goal without indicators.
    pub goal_only: bool,
    /// On a goal's first row, how many rows the goal spans; `None` on the rows after it,
    /// whose goal cell is empty.
    pub span: Option<usize>,
}

/// A trend in words.
pub fn trend_word(t: super::TrendDirection) -> &'static str {
    match t {
        super::TrendDirection::Improved => "förbättrad",
        super::TrendDirection::Unchanged => "oförändrad",
        super::TrendDirection::Worse => "försämrad",
        super::TrendDirection::NotComputable => "kan inte beräknas",
    }
}

fn judged_word(t: crate::domain::Trend) -> &'static str {
    match t {
        crate::domain::Trend::Improved => "förbättrad",
        crate::domain::Trend::Unchanged => "oförändrad",
        crate::domain::Trend::Worse => "försämrad",
    }
}

/// The trend table, walked once for every renderer: indicator, latest reading, what it was
/// compared with, the computed trend and the body's judged trend.
pub(super) fn trend_rows(r: &Report, escape: fn(&str) -> String) -> Vec<[String; 5]> {
    r.goals
        .iter()
        .flat_map(|g| &g.indicators)
        .filter_map(|i| {
            let t = i.trend.as_ref()?;
            let reading = |p: &Option<super::TrendPoint>| {
                p.as_ref().map_or("–".to_string(), |p| {
                    format!(
                        "{} ({})",
                        escape(&value_with_unit(&p.value, i.unit)),
                        p.period_to
                    )
                })
            };
            let basis = match t.basis {
                Some(super::TrendBasis::SamePeriodLastYear) => "samma period föregående år: ",
                Some(super::TrendBasis::LastYearOutcome) => "föregående års utfall: ",
                None => "",
            };
            let previous = match &t.previous {
                Some(_) => format!("{basis}{}", reading(&t.previous)),
                None => "–".to_string(),
            };
            Some([
                escape(&i.text),
                reading(&t.current),
                previous,
                match &t.drawn {
                    Some(d) => format!("{} {}", escape(d), trend_word(t.direction)),
                    None => trend_word(t.direction).to_string(),
                },
                t.judged
                    .map_or(String::new(), |j| judged_word(j).to_string()),
            ])
        })
        .collect()
}

/// How a method's index rule reads in Swedish.
pub(super) struct IndexWords {
    pub basis: &'static str,
    pub aggregation: &'static str,
    pub rounding: &'static str,
}

pub(super) fn index_words(rule: &crate::domain::IndexRule) -> IndexWords {
    use crate::domain::{Aggregation, Rounding};
    let (basis, aggregation) = match rule.aggregation {
        Aggregation::MeanOfGoalMeans => (
            "räknat på indikatorerna för samtliga mål",
            "medelvärdet av målens medelpoäng",
        ),
        Aggregation::MeanOfIndicators => (
            "räknat som medelvärdet av samtliga indikatorer",
            "medelvärdet av alla indikatorers poäng",
        ),
    };
    let rounding = match rule.rounding {
        Rounding::Truncate => "avkortat",
        Rounding::HalfUp => "avrundat (5 uppåt)",
        Rounding::HalfEven => "avrundat (5 till jämn siffra)",
    };
    IndexWords {
        basis,
        aggregation,
        rounding,
    }
}

/// "Det sammanlagda indexet för måluppfyllelse per 2021-08-31 är 0,87, …": the computed index
/// in words, when the method computes one.
pub(super) fn index_sentence(r: &Report) -> Option<String> {
    let c = r.computed.as_ref()?;
    let index = c.index.as_ref()?;
    let basis = index_words(c.method.index.as_ref()?).basis;
    Some(format!(
        "Det sammanlagda indexet för måluppfyllelse per {} är {}, {basis}.",
        r.follow_up.cut_off,
        decimal_comma(&index.value)
    ))
}

/// The first letter in upper case: "ett av tre" → "Ett av tre".
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A count with its noun, grammatical for every count: "inga jämförda siffror", "1 jämförd
/// siffra", "9 jämförda siffror".
pub fn count_phrase(n: u64, singular: &str, plural: &str) -> String {
    match n {
        0 => format!("inga {plural}"),
        1 => format!("1 {singular}"),
        n => format!("{n} {plural}"),
    }
}

/// One change after a seal, in Swedish, every text passed through `escape`: "position 122,
/// <time>, <actor>: reading.corrected <id> (<decision>); <field>: <old> → <new>".
pub(super) fn change_line(e: &crate::domain::JournalEntry, escape: fn(&str) -> String) -> String {
    let subject = e.subjects.first().map_or("", |i| i.as_str());
    let basis = match (&e.basis.decision, &e.basis.reason) {
        (Some(d), _) => format!(" ({})", escape(&d.to_string())),
        (None, Some(r)) => format!(" (skäl: {})", escape(r)),
        (None, None) => String::new(),
    };
    let fields: Vec<String> = e
        .changes
        .iter()
        .map(|c| {
            format!(
                "{}: {} → {}",
                escape(&c.field),
                escape(c.old.as_deref().unwrap_or("–")),
                escape(c.new.as_deref().unwrap_or("–"))
            )
        })
        .collect();
    format!(
        "position {}, {}, {}: {} {subject}{basis}; {}",
        e.prov.seq,
        escape(&e.prov.time),
        escape(&e.prov.actor),
        e.kind,
        fields.join("; ")
    )
}

/// Text in a Markdown table cell or paragraph: no HTML, no table breaks, paragraphs kept.
fn md(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let cut_off = r.follow_up.cut_off;
    let _ = writeln!(out, "# {}\n", md(&r.title));
    let who = match &r.body {
        Some(body) => format!("{}, {}", md(body), md(&r.organisation)),
        None => md(&r.organisation),
    };
    let _ = writeln!(
        out,
        "{who}. Uppföljningstillfälle {} per {cut_off}.\n",
        md(&r.follow_up.name)
    );

    if r.shows(Section::Results) {
        let _ = writeln!(out, "## Resultat av periodens uppföljning\n");
        let table = results_table(r, md, |g| md(g.symbol.as_deref().unwrap_or(&g.label)));
        let _ = writeln!(out, "| {} |", table.head.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(table.head.len()));
        for super::render::ResultsRow {
            cells, goal_only, ..
        } in &table.rows
        {
            if *goal_only {
                let first = cells.first().map_or("", |c| c.as_str());
                let _ = writeln!(out, "| {first} |{}", " |".repeat(cells.len() - 1));
            } else {
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
    }
    if r.shows(Section::Legend) && !r.legend.is_empty() {
        let _ = writeln!(out, "\n{}", legend_line(r, md));
    }

    let verdicts = verdicts(r, md);
    if r.shows(Section::Verdicts) && !verdicts.is_empty() {
        let _ = writeln!(out, "\n### Målens bedömning\n");
        for v in verdicts {
            let grade = v.grade.map_or(String::new(), |g| format!(" – {g}"));
            let _ = writeln!(out, "- **{}**{grade}: {}", v.goal, v.analysis);
        }
    }

    let measured: Vec<&super::IndicatorRow> = r
        .goals
        .iter()
        .flat_map(|g| &g.indicators)
        .filter(|i| !i.readings.is_empty())
        .collect();
    if r.shows(Section::Measurements) && !measured.is_empty() {
        let _ = writeln!(out, "\n### Mätvärden\n");
        let _ = writeln!(out, "| Indikator | Period till | Värde | Målnivå |");
        let _ = writeln!(out, "|---|---|---|---|");
        for ind in &measured {
            for p in &ind.readings {
                let value = match &p.original {
                    Some(o) => format!(
                        "{} (rättat från {})",
                        value_with_unit(&p.value, ind.unit),
                        value_with_unit(o, ind.unit)
                    ),
                    None => value_with_unit(&p.value, ind.unit),
                } + tolkning(p.interpretation.as_ref());
                let target = ind
                    .threshold
                    .as_deref()
                    .map_or(String::new(), |t| value_with_unit(t, ind.unit));
                let _ = writeln!(
                    out,
                    "| {} | {} | {value} | {target} |",
                    md(&ind.text),
                    p.period_to
                );
            }
        }
    }

    let attained = attainment_rows(r, md);
    if r.shows(Section::Attainment) && !attained.is_empty() {
        let _ = writeln!(out, "\n### Beräknad måluppfyllelse\n");
        let _ = writeln!(
            out,
            "Den grad som senaste utfall och målnivån i kraft ger på organisationens skala, bredvid nämndens bedömning.\n"
        );
        let _ = writeln!(out, "| Indikator | Utfall | Målnivå | Beräknad | Bedömd |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for &(ref row, differs) in &attained {
            let mark = if differs { " (avviker)" } else { "" };
            let _ = writeln!(out, "| {}{mark} |", row.join(" | "));
        }
    }
    if let Some(note) = r.source_note()
        && (r.shows(Section::Measurements) && !measured.is_empty()
            || r.shows(Section::Attainment) && !attained.is_empty())
    {
        let _ = writeln!(out, "\n{note}");
    }

    let trends = trend_rows(r, md);
    if r.shows(Section::Trend) && !trends.is_empty() {
        let _ = writeln!(out, "\n### Trend\n");
        let _ = writeln!(
            out,
            "Senaste utfall jämfört med ett jämförbart utfall ett år tidigare, läst efter indikatorns riktning; skilt från måluppfyllelsen.\n"
        );
        let _ = writeln!(
            out,
            "| Indikator | Utfall | Jämfört med | Trend | Bedömd trend |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for row in trends {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
    }

    let others: Vec<&super::GoalRow> = r
        .goals
        .iter()
        .filter(|g| !g.other_assessments.is_empty())
        .collect();
    if r.shows(Section::Bodies) && !others.is_empty() {
        let _ = writeln!(out, "\n### Nämndernas bedömningar\n");
        for goal in others {
            let _ = writeln!(out, "**{}**\n", md(&goal.text));
            for a in &goal.other_assessments {
                let grade = a
                    .grade
                    .as_ref()
                    .map_or(String::new(), |g| format!(" {}.", md(&g.label)));
                let analysis = a.analysis.as_deref().map(md).unwrap_or_default();
                let _ = writeln!(out, "- {}:{grade} {analysis}", md(&a.body_name));
            }
            let _ = writeln!(out);
        }
    }

    if r.shows(Section::Summary) {
        let _ = writeln!(out, "\n## Sammanfattning\n");
        let _ = write!(
            out,
            "Per {cut_off} är {}.",
            counts_sentence(&r.published_counts, "mål ")
        );
        for s in &r.published_counts_by_source {
            let _ = write!(
                out,
                " {}.",
                source_sentence(s.goals, &md(&s.title), &s.counts)
            );
        }
        for sentence in &r.rollups {
            let _ = write!(out, " {}", md(sentence));
        }
        if let Some(note) = interpreted_counts(r) {
            let _ = write!(out, " {note}");
        }
        let _ = writeln!(out);
        if let Some(sentence) = index_sentence(r) {
            let _ = writeln!(out, "\n{}", md(&sentence));
        }
    }

    if r.shows(Section::Comparison) {
        let _ = writeln!(out, "\n### Beräknat och publicerat\n");
        let cmp = comparison_text(r, md);
        for t in &cmp.tables {
            if let Some(caption) = &t.caption {
                let _ = writeln!(out, "\n> {caption}\n");
            }
            let _ = writeln!(out, "| {} |", t.head.join(" | ").trim_start());
            let _ = writeln!(out, "|{}", "---|".repeat(t.head.len()));
            for (cells, _) in &t.rows {
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
        if r.computed.is_none() {
            let _ = writeln!(
                out,
                "\nIngen beräkningsmetod är registrerad för organisationen; rapporten visar nämndens bedömningar."
            );
        }
        let _ = writeln!(out, "\n{}", cmp.verdict);
        if !cmp.differences.is_empty() {
            let _ = writeln!(
                out,
                "\n**Avvikelser mellan beräknat, bedömt och publicerat:**\n"
            );
            for d in &cmp.differences {
                let _ = writeln!(out, "- {d}");
            }
        }
        if !cmp.goal_differences.is_empty() {
            let _ = writeln!(out, "\n**Mål där beräknad och bedömd grad skiljer sig:**\n");
            for d in &cmp.goal_differences {
                let _ = writeln!(out, "- {d}");
            }
        }
    }

    if r.shows(Section::PublishedSummary)
        && let Some(s) = &r.published_summary
    {
        let _ = writeln!(
            out,
            "\n### Publicerad sammanfattning (position {})\n",
            s.seq
        );
        let quoted: Vec<String> = s
            .text
            .split("\n\n")
            .map(|p| format!("> {}", md(p)))
            .collect();
        let _ = writeln!(out, "{}", quoted.join("\n>\n"));
    }

    if r.shows(Section::Method)
        && let Some(c) = &r.computed
    {
        let m = &c.method;
        let _ = writeln!(out, "\n## Metod\n");
        let _ = writeln!(
            out,
            "{} ({}, position {}, gäller från {}).\n",
            md(&m.name),
            m.id,
            c.method_seq,
            m.effective
        );
        let (scores, grades) = method_terms(c, md);
        let _ = writeln!(out, "- Poäng per indikator: {}.", scores.join(", "));
        let _ = writeln!(
            out,
            "- Målets grad ur medelpoängen av dess indikatorer: {}.",
            grades.join(", ")
        );
        if let Some(rule) = &m.index {
            let words = index_words(rule);
            let exact = c
                .index
                .as_ref()
                .map_or(String::new(), |i| format!(" (exakt {})", i.exact));
            let _ = writeln!(
                out,
                "- Index: {}{exact}, {} till {} decimaler.",
                words.aggregation, words.rounding, rule.decimals
            );
        } else {
            let _ = writeln!(out, "- Index: metoden beräknar inget index.");
        }
        if let Some(d) = &m.definition {
            let _ = writeln!(out, "\n> {}", md(d));
        }
        let _ = writeln!(out, "\n| Mål | Medelpoäng | Beräknat | Publicerat |");
        let _ = writeln!(out, "|---|---|---|---|");
        for (row, _) in method_rows(r, md) {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
    }

    if r.shows(Section::Forecast)
        && let Some(f) = &r.forecast
    {
        let _ = writeln!(
            out,
            "\n## Prognos och utfall\n\nBedömningen vid {} ({}) var en prognos; utfallet är årets bedömning. {} av {} mål fick ett annat utfall än prognosen.\n",
            md(&f.interim.name),
            f.interim.cut_off,
            f.differing,
            f.compared
        );
        let _ = writeln!(
            out,
            "| Mål | Prognos ({}) | Utfall | |",
            md(&f.interim.name)
        );
        let _ = writeln!(out, "|---|---|---|---|");
        for (row, differs) in forecast_rows(f, md) {
            let mark = if differs { "avviker" } else { "" };
            let _ = writeln!(out, "| {} | {mark} |", row.join(" | "));
        }
    }

    if r.shows(Section::Changes)
        && let Some(since) = &r.since_seal
    {
        let _ = writeln!(
            out,
            "\n## Ändrat sedan publiceringen\n\nRapporten förseglades vid position {} (gjord ur position {}). Därefter:\n",
            since.seal, since.head_seq
        );
        if since.changes.is_empty() {
            let _ = writeln!(out, "Inga ändringar som rör rapporten.");
        }
        for e in &since.changes {
            let _ = writeln!(out, "- {}", change_line(e, md));
        }
    }

    let links = goal_links(r, md);
    if !links.is_empty() {
        let _ = writeln!(out, "\n## Löften och aktiviteter\n");
        for (goal, lines) in &links {
            let _ = writeln!(out, "- **{goal}**");
            for line in lines {
                let _ = writeln!(out, "  - {line}");
            }
        }
    }
    let notes = interpretation_lines(r, md);
    if !notes.is_empty() {
        let _ = writeln!(
            out,
            "\n## Tolkningar\n\nDet som följer står inte i dokumenten; huvudboken härleder det, och det visas som tolkning, aldrig som publicerat:\n"
        );
        for n in &notes {
            let _ = writeln!(out, "- {n}");
        }
    }

    let _ = writeln!(
        out,
        "\n---\n\nFramtagen ur huvudbok {} per position {} (hash {}).",
        r.source.ledger_id, r.source.head_seq, r.source.head_hash
    );
    out
}

fn csv(r: &Report) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "mål_id",
        "nämndmål",
        "målets_grad",
        "beräknad_grad",
        "indikator_id",
        "indikator",
        "grad",
        "symbol",
        "tidpunkt",
        "kommentar",
        "trend",
        "målets_bedömning",
        "målets_grad_text",
        "beräknad_grad_text",
        "grad_text",
        "beräknad_indikatorgrad",
    ];
    // A `källa` column only when a reading shown comes from a source the report must name
    // (Kolada), so reports without one keep their columns.
    let named = r.source_note().is_some();
    let mut header = header.to_vec();
    if named {
        header.push("källa");
    }
    // A `tolkning` column only when the report shows an interpretation, so other reports keep
    // their columns: the reasons of the goal's and the indicator's interpreted grades.
    let interpreted = !r.interpretations.is_empty();
    if interpreted {
        header.push("tolkning");
    }
    let _ = w.write_record(&header);
    // The codes stay for machines; each has its scale's symbol and label beside it.
    let text = |g: &super::GradeView| grade_cell(g, |t| t.to_string());
    for (i, goal) in r.goals.iter().enumerate() {
        let result = r
            .computed
            .as_ref()
            .and_then(|c| Some((c, c.goals.get(i)?.grade.as_ref()?)));
        let computed = result.map_or(String::new(), |(_, g)| g.to_string());
        let computed_text = result.map_or(String::new(), |(c, g)| {
            method_grade(c, g, |t| t.to_string())
        });
        let published = goal
            .published
            .as_ref()
            .map_or(String::new(), |g| g.code.to_string());
        let published_text = goal.published.as_ref().map_or(String::new(), text);
        for ind in &goal.indicators {
            let record = [
                goal.id.as_str(),
                &goal.text,
                &published,
                &computed,
                ind.id.as_str(),
                &ind.text,
                ind.grade.as_ref().map_or("", |g| g.code.as_str()),
                ind.grade
                    .as_ref()
                    .and_then(|g| g.symbol.as_deref())
                    .unwrap_or(""),
                &ind.deadline.map(|d| d.to_string()).unwrap_or_default(),
                ind.comment.as_deref().unwrap_or(""),
                ind.trend.as_ref().map_or("", |t| trend_word(t.direction)),
                goal.analysis.as_deref().unwrap_or(""),
                &published_text,
                &computed_text,
                &ind.grade.as_ref().map_or(String::new(), text),
                &ind.computed_grade.as_ref().map_or(String::new(), text),
            ];
            let source = ind.readings.last().and_then(|p| p.source.as_deref());
            let mut record = record.to_vec();
            if named {
                record.push(source.unwrap_or(""));
            }
            let reasons: Vec<&str> = [&goal.interpretation, &ind.interpretation]
                .into_iter()
                .flatten()
                .map(|i| i.reason.as_str())
                .collect();
            let reasons = reasons.join(" / ");
            if interpreted {
                record.push(&reasons);
            }
            // Goal and indicator texts, comments and analyses are typed by people: a leading
            // `=`, `+`, `-` or `@` must not become a formula in the spreadsheet that opens this.
            let record: Vec<String> = record
                .iter()
                .map(|c| crate::import::csv::safe_text(c))
                .collect();
            let _ = w.write_record(&record);
        }
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Id;

    fn grade(code: &str, label: &str, plural: &str) -> super::super::GradeView {
        super::super::GradeView {
            scale: Id::parse("s").expect("id"),
            code: Id::parse(code).expect("id"),
            label: label.into(),
            symbol: None,
            plural: plural.into(),
        }
    }

    fn counts(ns: &[u64]) -> Vec<GradeCount> {
        let grades = [
            grade("uppnatt", "Uppnått", "uppnådda"),
            grade("delvis", "Delvis uppnått", "delvis uppnådda"),
            grade("ej", "Ej uppnått", "ej uppnådda"),
        ];
        grades
            .into_iter()
            .zip(ns)
            .map(|(grade, count)| GradeCount {
                grade,
                count: *count,
            })
            .collect()
    }

    /// The Swedish sentence builder, for 0, 1, 2 and many: grammatical for every count, "inga
    /// mål", never "0 av 0".
    #[test]
    fn swedish_sentences_for_every_count() {
        let table: &[(&[u64], &str)] = &[
            (&[], "inga mål bedömda"),
            (&[0, 0, 0], "inga mål bedömda"),
            (&[1], "1 mål uppnått"),
            (&[0, 1], "1 mål delvis uppnått"),
            (&[2], "2 mål uppnådda"),
            (&[12, 3], "12 mål uppnådda och 3 delvis uppnådda"),
            (&[12, 0, 1], "12 mål uppnådda och 1 ej uppnått"),
            (
                &[1, 1, 1],
                "1 mål uppnått, 1 delvis uppnått och 1 ej uppnått",
            ),
            (
                &[5, 2, 9],
                "5 mål uppnådda, 2 delvis uppnådda och 9 ej uppnådda",
            ),
        ];
        for (ns, want) in table {
            assert_eq!(counts_sentence(&counts(ns), "mål "), *want, "{ns:?}");
        }
        let rollups: &[(u64, u64, Option<&str>)] = &[
            (0, 0, None),
            (0, 1, Some("Det enda målet är inte på rätt väg")),
            (1, 1, Some("Det enda målet är på rätt väg")),
            (0, 3, Some("Inget av tre mål är på rätt väg")),
            (1, 3, Some("Ett av tre mål är på rätt väg")),
            (2, 3, Some("Två av tre mål är på rätt väg")),
            (1, 2, Some("Ett av två mål är på rätt väg")),
            (4, 5, Some("Fyra av fem mål är på rätt väg")),
            (12, 40, Some("Tolv av 40 mål är på rätt väg")),
            (13, 13, Some("13 av 13 mål är på rätt väg")),
        ];
        for (on, total, want) in rollups {
            assert_eq!(
                rollup_words(*on, *total, "på rätt väg").as_deref(),
                *want,
                "{on} of {total}"
            );
        }
        let phrases: &[(u64, &str)] = &[
            (0, "inga jämförda siffror"),
            (1, "1 jämförd siffra"),
            (2, "2 jämförda siffror"),
            (7, "7 jämförda siffror"),
        ];
        for (n, want) in phrases {
            assert_eq!(
                count_phrase(*n, "jämförd siffra", "jämförda siffror"),
                *want
            );
        }
        assert_eq!(
            source_sentence(12, "P", &counts(&[9, 3])),
            "Av de 12 mål som härrör från P är 9 uppnådda och 3 delvis uppnådda"
        );
        assert_eq!(
            source_sentence(1, "P", &counts(&[0, 1])),
            "Det enda mål som härrör från P är delvis uppnått"
        );
        assert_eq!(
            source_sentence(1, "P", &counts(&[])),
            "Det enda mål som härrör från P är inte bedömt"
        );
        assert_eq!(
            source_sentence(2, "P", &counts(&[])),
            "Av de 2 mål som härrör från P är inga bedömda"
        );
    }
}
