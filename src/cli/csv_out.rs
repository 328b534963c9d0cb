//! CSV as Swedish Excel reads it, for `status`, `history` and `log --format csv`: UTF-8 with a
//! BOM, `;` between cells, CRLF, numbers with a decimal comma, and every text cell that starts
//! with `=`, `+`, `-` or `@` given a leading `'` so a spreadsheet never runs it as a formula
//! (the conventions of `readings --format csv`).

use crate::domain::{Level, Valid};
use crate::import::csv::safe_text;
use crate::ledger::Event;
use crate::query::{HistoryView, StatusView};
use std::io::Write;

/// What a cell holds, which decides how it is written.
#[derive(Clone, Copy)]
enum Cell {
    /// Text: neutralised when it could start a formula.
    Text,
    /// An exact decimal: decimal comma, never prefixed.
    Number,
    /// A date, a position or a count: as it is.
    Plain,
}

/// A table of `header` columns (each with how its cells are written) and rows of cells.
struct Table {
    header: &'static [(&'static str, Cell)],
    rows: Vec<Vec<String>>,
}

impl Table {
    fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let io = |e: csv::Error| std::io::Error::other(e.to_string());
        let mut w = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(self.header.iter().map(|(name, _)| *name))
            .map_err(io)?;
        for row in &self.rows {
            let cells = row
                .iter()
                .zip(self.header)
                .map(|(cell, (_, kind))| match kind {
                    Cell::Text => safe_text(cell),
                    Cell::Number => cell.replace('.', ","),
                    Cell::Plain => cell.clone(),
                });
            w.write_record(cells).map_err(io)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        out.write_all(b"\xEF\xBB\xBF")?;
        out.write_all(&bytes)
    }
}

/// A target's levels as people write them: `Uppnått >= 90 | På rätt väg >= 70`, decimal
/// comma.
fn levels(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| match (&l.comparison, &l.threshold) {
            (Some(c), Some(t)) => format!("{} {} {}", l.name, c.as_str(), t).replace('.', ","),
            _ => l.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

const STATUS: &[(&str, Cell)] = &[
    ("organisation", Cell::Text),
    ("goal", Cell::Text),
    ("goal_text", Cell::Text),
    ("indicator", Cell::Text),
    ("indicator_text", Cell::Text),
    ("target", Cell::Text),
    ("from", Cell::Plain),
    ("to", Cell::Plain),
    ("value", Cell::Number),
    ("not_measurable", Cell::Text),
    ("reached", Cell::Text),
    ("assessment", Cell::Text),
    ("follow_up", Cell::Text),
];

/// `status --format csv`: one row per indicator of each goal (one row for a goal with none),
/// with its target in force, the reading used, the level it reaches, and the goal's latest
/// assessment.
pub fn status(view: &StatusView, out: &mut dyn Write) -> std::io::Result<()> {
    let mut rows = Vec::new();
    for goal in &view.goals {
        let assessment = goal.assessments.last();
        let grade = assessment
            .and_then(|a| a.grade.as_ref())
            .map(|g| g.label.clone())
            .unwrap_or_default();
        let follow_up = assessment
            .map(|a| a.follow_up_name.clone())
            .unwrap_or_default();
        let head = [
            goal.organisation.to_string(),
            goal.id.to_string(),
            goal.text.clone(),
        ];
        if goal.indicators.is_empty() {
            let mut row = head.to_vec();
            row.extend(std::iter::repeat_n(String::new(), 8));
            row.extend([grade.clone(), follow_up.clone()]);
            rows.push(row);
        }
        for ind in &goal.indicators {
            let mut row = head.to_vec();
            let reading = ind.reading.as_ref();
            row.extend([
                ind.id.to_string(),
                ind.text.clone(),
                ind.target
                    .as_ref()
                    .map(|t| levels(&t.levels))
                    .unwrap_or_default(),
                reading
                    .map(|r| r.period.from.to_string())
                    .unwrap_or_default(),
                reading.map(|r| r.period.to.to_string()).unwrap_or_default(),
                reading
                    .and_then(|r| r.value.as_ref())
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                reading
                    .and_then(|r| r.not_measurable.clone())
                    .unwrap_or_default(),
                ind.computed
                    .as_ref()
                    .and_then(|c| c.reached.clone())
                    .unwrap_or_default(),
                grade.clone(),
                follow_up.clone(),
            ]);
            rows.push(row);
        }
    }
    Table {
        header: STATUS,
        rows,
    }
    .write(out)
}

const HISTORY: &[(&str, Cell)] = &[
    ("seq", Cell::Plain),
    ("time", Cell::Plain),
    ("actor", Cell::Text),
    ("kind", Cell::Text),
    ("subject", Cell::Text),
    ("valid_from", Cell::Plain),
    ("valid_to", Cell::Plain),
    ("decision", Cell::Text),
    ("reason", Cell::Text),
    ("field", Cell::Text),
    ("old", Cell::Text),
    ("new", Cell::Text),
];

/// `history --format csv`: one row per changed field (one row for an event that changed
/// none), oldest first, so a spreadsheet can filter by field.
pub fn history(view: &HistoryView, out: &mut dyn Write) -> std::io::Result<()> {
    let mut rows = Vec::new();
    for e in &view.entries {
        let (from, to) = match &e.valid {
            Some(Valid::Date(d)) => (d.to_string(), String::new()),
            Some(Valid::Period(p)) => (p.from.to_string(), p.to.to_string()),
            None => (String::new(), String::new()),
        };
        let head = vec![
            e.seq.to_string(),
            e.time.clone(),
            e.actor.clone(),
            e.kind.to_string(),
            e.subject
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_else(|| view.id.to_string()),
            from,
            to,
            e.decision.clone().unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
        ];
        if e.changes.is_empty() {
            let mut row = head.clone();
            row.extend([String::new(), String::new(), String::new()]);
            rows.push(row);
        }
        for c in &e.changes {
            let mut row = head.clone();
            row.extend([
                c.field.clone(),
                c.old.clone().unwrap_or_default(),
                c.new.clone().unwrap_or_default(),
            ]);
            rows.push(row);
        }
    }
    Table {
        header: HISTORY,
        rows,
    }
    .write(out)
}

const LOG: &[(&str, Cell)] = &[
    ("seq", Cell::Plain),
    ("time", Cell::Plain),
    ("hash", Cell::Plain),
    ("actor", Cell::Text),
    ("kind", Cell::Text),
    ("payload", Cell::Text),
];

/// `log --format csv`, collected row by row: one row per event with its payload as canonical
/// JSON text (every payload starts with `{`).
#[derive(Default)]
pub struct LogCsv {
    rows: Vec<Vec<String>>,
}

impl LogCsv {
    pub fn push(&mut self, event: &Event) {
        self.rows.push(vec![
            event.seq.0.to_string(),
            event.time.to_string(),
            event.hash.to_hex().to_string(),
            event.actor.clone(),
            event.kind.clone(),
            serde_json::Value::Object(event.payload.clone()).to_string(),
        ]);
    }

    pub fn write(self, out: &mut dyn Write) -> std::io::Result<()> {
        Table {
            header: LOG,
            rows: self.rows,
        }
        .write(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_formula_safe_with_decimal_commas() {
        let table = Table {
            header: &[("a", Cell::Text), ("b", Cell::Number), ("c", Cell::Plain)],
            rows: vec![
                vec!["=SUM(A1)".into(), "-3.5".into(), "2021-01-01".into()],
                vec!["Mål; \"bra\"".into(), "87".into(), "12".into()],
            ],
        };
        let mut out = Vec::new();
        table.write(&mut out).expect("write");
        assert_eq!(
            String::from_utf8(out).expect("utf-8"),
            "\u{feff}a;b;c\r\n'=SUM(A1);-3,5;2021-01-01\r\n\"Mål; \"\"bra\"\"\";87;12\r\n"
        );
    }
}
