//! CSV in: readings from a spreadsheet, as Swedish Excel writes it: `;` between cells, decimal
//! comma, UTF-8 with or without BOM or Windows-1252, CRLF or LF. Pure: bytes and a read-only
//! `State` in, events out.
//!
//! The layout (the first row names the columns, in any order; `malbok readings --format csv`
//! writes it):
//!
//! | column | required | meaning |
//! |---|---|---|
//! | `indicator` | yes | the indicator's id |
//! | `from`, `to` | yes | the period, YYYY-MM-DD |
//! | `value` | unless `not_measurable` | the value: `87,5` or `87.5` (spaces and a trailing `%` are ignored) |
//! | `not_measurable` | | why there is no value (a new row only) |
//! | `source_kind` | new rows | `survey`, `internal`, `document` or `other` (Kolada: `import --from kolada`) |
//! | `source_description` | new rows | the source in words |
//! | `comment` | | |
//! | `seq` | | the position of the recorded reading, as exported; checked when given |
//! | `decision`, `reason` | | why a value is changed; default reason: "Rättad i <file>." |
//!
//! A row for a period that has no reading becomes `reading.recorded` (or
//! `reading.not_measurable`); a row whose value differs from the one in effect becomes
//! `reading.corrected`; an unchanged row appends nothing. So an exported file, edited and
//! imported, appends exactly the corrections made.

use super::InputError;
use crate::domain::{Dec, Direction, Outcome, State};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The columns of the layout.
pub const COLUMNS: &[&str] = &[
    "indicator",
    "from",
    "to",
    "value",
    "not_measurable",
    "source_kind",
    "source_description",
    "comment",
    "seq",
    "decision",
    "reason",
];

/// The text of a CSV file: UTF-8 (a BOM is dropped), else Windows-1252 as Excel writes it.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// A cell of text as written by a spreadsheet: trimmed, with the `'` malbok puts before a
/// leading `=`, `+`, `-` or `@` (against formula injection) taken off again.
fn text(cell: &str) -> Option<String> {
    let cell = cell.trim();
    let cell = match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => cell,
    };
    (!cell.is_empty()).then(|| cell.to_string())
}

/// A number as Swedish Excel writes it: `87,5`, `-3,5`, `1 234,5`, `87 %`; or with a point.
pub fn number(cell: &str) -> Result<Dec, String> {
    let cleaned: String = cell
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .map(|c| if c == '\u{2212}' { '-' } else { c })
        .collect();
    Dec::parse(&cleaned).map_err(|_| {
        format!(
            "{:?} is not a number: write it as Excel does, e.g. 87,5 or -3,5",
            cell.trim()
        )
    })
}

/// Reads the readings of one CSV file against `state`.
/// Each event comes with the line of its row, so that the domain's later refusals name it.
pub fn readings(
    name: &str,
    bytes: &[u8],
    state: &State,
) -> Result<Vec<super::jsonl::Line>, InputError> {
    // CRLF as LF: the reader then reports where each record starts in lines we can count.
    let content = decode(bytes).replace("\r\n", "\n");
    let refuse = |line: u64, column: &str, why: String| {
        InputError::new(name, Some(line as usize), Some(column), why)
    };
    let required = ["indicator", "from", "to"];
    let (mut reader, names) = open_sheet(name, &content, COLUMNS, &required, &COLUMNS[..4])?;
    let at: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();

    let mut events = Vec::new();
    let mut seen: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for record in reader.records() {
        // The line a record starts on, counted in the text (a quoted cell may span lines).
        let line_at = |byte: u64| {
            let byte = usize::try_from(byte)
                .unwrap_or(usize::MAX)
                .min(content.len());
            1 + content.as_bytes()[..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64
        };
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| line_at(p.byte()));
            let why = match e.kind() {
                csv::ErrorKind::UnequalLengths { len, .. } => format!(
                    "the row has {len} cells, the header {}; cells are separated by semicolons",
                    names.len()
                ),
                _ => e.to_string(),
            };
            refuse(line, "row", why)
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |column: &str| at.get(column).and_then(|&i| record.get(i)).and_then(text);
        let need = |column: &str| {
            cell(column).ok_or_else(|| refuse(line, column, "is empty; it is required".into()))
        };
        let indicator = need("indicator")?;
        let from = need("from")?;
        let to = need("to")?;
        if let Some(first) = seen.insert((indicator.clone(), from.clone(), to.clone()), line) {
            return Err(refuse(
                line,
                "indicator",
                format!("{indicator} {from}..{to} is also on line {first}; one row per period"),
            ));
        }
        let value = match at.get("value").and_then(|&i| record.get(i)).map(str::trim) {
            Some(v) if !v.is_empty() => Some(number(v).map_err(|why| refuse(line, "value", why))?),
            _ => None,
        };
        let not_measurable = cell("not_measurable");
        let comment = cell("comment");
        let Some(ind) = state.indicators.get(indicator.as_str()) else {
            return Err(refuse(
                line,
                "indicator",
                format!(
                    "unknown indicator `{indicator}`: define it first with `malbok indicator add`"
                ),
            ));
        };
        let existing = ind.readings.iter().find_map(|seq| {
            let r = state.readings.get(seq)?;
            (r.period.from.to_string() == from && r.period.to.to_string() == to)
                .then_some((*seq, r))
        });
        if let (Some(given), Some((seq, _))) = (cell("seq"), existing)
            && given != seq.to_string()
        {
            return Err(refuse(
                line,
                "seq",
                format!(
                    "the reading of {indicator} for {from}..{to} is at position {seq}, not {given}"
                ),
            ));
        }
        let period = json!({"from": from, "to": to});
        let (kind, mut payload) = match (existing, value) {
            (None, Some(value)) => {
                let kind = need("source_kind")?;
                if kind == "kolada" {
                    return Err(refuse(
                        line,
                        "source_kind",
                        "Kolada values come in with `malbok import --from kolada`, which records where and when they were fetched".into(),
                    ));
                }
                let source = json!({"kind": kind, "description": need("source_description")?});
                (
                    "reading.recorded",
                    json!({"indicator": indicator, "period": period, "value": value.to_string(),
                           "source": source}),
                )
            }
            (None, None) => {
                let Some(reason) = not_measurable else {
                    return Err(refuse(
                        line,
                        "value",
                        "is empty: give the value, or say in not_measurable why there is none"
                            .into(),
                    ));
                };
                (
                    "reading.not_measurable",
                    json!({"indicator": indicator, "period": period, "reason": reason}),
                )
            }
            (Some((_, r)), Some(value)) if r.value() == Some(value) => continue,
            (Some((seq, _)), Some(value)) => {
                let mut payload = json!({"corrects": seq, "indicator": indicator,
                                         "value": value.to_string()});
                let decision = cell("decision");
                let reason = cell("reason")
                    .or_else(|| decision.is_none().then(|| format!("Rättad i {name}.")));
                if let serde_json::Value::Object(map) = &mut payload {
                    if let Some(d) = decision {
                        map.insert("decision".into(), d.into());
                    }
                    if let Some(r) = reason {
                        map.insert("reason".into(), r.into());
                    }
                }
                ("reading.corrected", payload)
            }
            (Some((_, r)), None) => {
                if matches!(r.outcome, Outcome::NotMeasurable { .. }) && r.value().is_none() {
                    continue;
                }
                return Err(refuse(
                    line,
                    "value",
                    format!(
                        "is empty, but {indicator} has the value {} for {from}..{to}; a recorded value is changed, not removed",
                        r.value()
                            .map_or(String::new(), |v| v.to_string().replace('.', ","))
                    ),
                ));
            }
        };
        // A comment belongs to a new reading, not to a correction of a value.
        if let (Some(c), serde_json::Value::Object(map)) = (comment, &mut payload)
            && kind != "reading.corrected"
        {
            map.insert("comment".into(), c.into());
        }
        let event = super::jsonl::new_event(kind.to_string(), payload)
            .map_err(|(field, why)| refuse(line, column_of(field.as_deref()), why))?;
        // The domain's shape checks here, while the row is known.
        let payload = serde_json::Value::Object(event.payload.clone());
        crate::domain::DomainEvent::parse(&event.kind, &payload)
            .map_err(|e| refuse(line, column_of(Some(&e.field)), e.reason))?;
        events.push(super::jsonl::Line {
            line: line as usize,
            event,
        });
    }
    Ok(events)
}

/// The column a payload field came from: `payload.period.to` is `to`.
pub fn column_of(field: Option<&str>) -> &'static str {
    match field.unwrap_or("") {
        "payload.period.from" => "from",
        "payload.period.to" => "to",
        "payload.period" => "from",
        "payload.value" => "value",
        "payload.indicator" => "indicator",
        "payload.reason" => "not_measurable",
        "payload.comment" => "comment",
        "payload.decision" => "decision",
        "payload.source.kind" | "payload.source" => "source_kind",
        "payload.source.description" => "source_description",
        _ => "row",
    }
}

/// Reads a target level as people write it: a name, then the threshold part, which starts at
/// a colon ("På rätt väg: minst 70"), at a comparison sign ("Uppnått ≥ 90", "Uppnått 2023 >= 80")
/// or at a comparison word ("Uppnått minst 90"); just a name ("Uppnått") names a level with no
/// number. The threshold part is read with the indicator's `direction` (`parse_threshold`), and
/// what cannot be read is refused, never stored as a name.
pub fn level(text: &str, direction: Direction, contrary: bool) -> Result<Value, String> {
    let (name, threshold) = split_level(text);
    if name.is_empty() {
        return Err(format!(
            "`{text}` has no level name; write it as e.g. \"Uppnått ≥ 90\" or \"På rätt väg: \
             minst 70\""
        ));
    }
    let Some(threshold) = threshold else {
        return Ok(serde_json::json!({ "name": name }));
    };
    let (comparison, value) = crate::domain::parse_threshold(threshold, direction, contrary)
        .map_err(|why| {
            format!(
                "level `{text}`: {why}; a whole level reads e.g. \"Uppnått ≥ 90\" or \"På rätt \
                 väg: minst 70\""
            )
        })?;
    Ok(serde_json::json!({
        "name": name,
        "comparison": comparison.as_str(),
        "threshold": value.to_string(),
    }))
}

/// A level's name and its threshold part, if any (see `level`).
pub fn split_level(text: &str) -> (&str, Option<&str>) {
    if let Some((name, rest)) = text.split_once(':') {
        return (name.trim(), Some(rest.trim()));
    }
    if let Some(at) = text.find(['<', '>', '=', '≥', '≤']) {
        return (text[..at].trim(), Some(text[at..].trim()));
    }
    // A comparison word standing alone after the name: "Uppnått minst 90".
    const WORDS: &[&str] = &[
        "minst",
        "lägst",
        "åtminstone",
        "högst",
        "maximalt",
        "max",
        "mer än",
        "fler än",
        "över",
        "mindre än",
        "färre än",
        "under",
        "exakt",
    ];
    let lower = text.to_lowercase();
    // Lower-casing keeps byte offsets only for text whose case changes keep their length; the
    // search is done only then, else the text is a name.
    if lower.len() == text.len() {
        let at = WORDS
            .iter()
            .filter_map(|w| {
                lower.match_indices(w).find_map(|(i, _)| {
                    let before = lower[..i].chars().next_back();
                    let after = lower[i + w.len()..].chars().next();
                    (before.is_some_and(char::is_whitespace)
                        && after.is_some_and(|c| c.is_whitespace() || c.is_ascii_digit()))
                    .then_some(i)
                })
            })
            .min();
        if let Some(at) = at {
            return (text[..at].trim(), Some(text[at..].trim()));
        }
    }
    (text.trim(), None)
}

/// Which layout a CSV file has, told by its first row: a `level` or `target` column makes it
/// targets, a `follow_up` column assessments, anything else readings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Readings,
    Targets,
    Assessments,
}

impl Layout {
    /// The layout of a file, from the names in its first row.
    pub fn of(bytes: &[u8]) -> Layout {
        let content = decode(bytes);
        let first = content.lines().next().unwrap_or("");
        let names: Vec<&str> = first
            .split(';')
            .map(|c| c.trim().trim_matches('"'))
            .collect();
        if names.iter().any(|n| *n == "level" || *n == "target") {
            Layout::Targets
        } else if names.contains(&"follow_up") {
            Layout::Assessments
        } else {
            Layout::Readings
        }
    }

    /// The column a refused payload field came from, in this layout.
    pub fn column_of(self, field: Option<&str>) -> &'static str {
        let field = field.unwrap_or("");
        match self {
            Layout::Readings => column_of(Some(field)),
            Layout::Targets => match field {
                f if f.starts_with("payload.levels") => "level",
                "payload.indicator" => "indicator",
                "payload.id" | "payload.target" => "target",
                "payload.effective" => "effective",
                "payload.deadline" => "deadline",
                "payload.text" => "text",
                "payload.decision" => "decision",
                "payload.reason" => "reason",
                _ => "row",
            },
            Layout::Assessments => match field {
                "payload.goal" => "goal",
                "payload.indicator" => "indicator",
                "payload.body" => "body",
                "payload.follow_up" => "follow_up",
                "payload.scale" => "scale",
                "payload.grade" => "grade",
                "payload.analysis" => "analysis",
                "payload.trend" => "trend",
                "payload.decision" => "decision",
                "payload.reason" => "reason",
                _ => "row",
            },
        }
    }
}

/// The events of one CSV file in its layout (`Layout::of`), each with the line of its row.
pub fn rows(
    name: &str,
    bytes: &[u8],
    state: &State,
) -> Result<(Layout, Vec<super::jsonl::Line>), InputError> {
    let layout = Layout::of(bytes);
    let lines = match layout {
        Layout::Readings => readings(name, bytes, state)?,
        Layout::Targets => targets(name, bytes, state)?,
        Layout::Assessments => assessments(name, bytes, state)?,
    };
    Ok((layout, lines))
}

/// One row of a sheet: its line and its non-empty cells by column.
struct Row {
    line: u64,
    cells: BTreeMap<&'static str, String>,
}

impl Row {
    fn get(&self, column: &str) -> Option<&str> {
        self.cells.get(column).map(String::as_str)
    }
}

/// A reader over `content` past its first row, and the columns that row names in order: each
/// one of `columns`, none twice, every one of `required` present (else a refusal naming the
/// column, with `example` as the first row to write).
fn open_sheet<'a>(
    name: &str,
    content: &'a str,
    columns: &'static [&'static str],
    required: &[&str],
    example: &[&str],
) -> Result<(csv::Reader<&'a [u8]>, Vec<&'static str>), InputError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(false)
        .from_reader(content.as_bytes());
    let refuse = |column: &str, why: String| InputError::new(name, Some(1), Some(column), why);
    let headers = reader
        .headers()
        .map_err(|e| refuse("header", e.to_string()))?
        .clone();
    let mut at: Vec<&'static str> = Vec::new();
    for h in headers.iter() {
        let h = h.trim();
        let Some(known) = columns.iter().find(|c| **c == h) else {
            return Err(refuse(
                h,
                format!(
                    "unknown column; the columns are {} (semicolons between them)",
                    columns.join(";")
                ),
            ));
        };
        if at.contains(known) {
            return Err(refuse(h, "the column is named twice".into()));
        }
        at.push(known);
    }
    for column in required {
        if !at.contains(column) {
            return Err(refuse(
                column,
                format!(
                    "the column is missing; the first row names the columns, e.g. {}",
                    example.join(";")
                ),
            ));
        }
    }
    Ok((reader, at))
}

/// The rows of a CSV file whose first row names `columns` (in any order; `required` must be
/// there), blank rows skipped; refusals name the file, the line and the column.
fn sheet(
    name: &str,
    bytes: &[u8],
    columns: &'static [&'static str],
    required: &[&str],
) -> Result<Vec<Row>, InputError> {
    let content = decode(bytes).replace("\r\n", "\n");
    let refuse = |line: u64, column: &str, why: String| {
        InputError::new(name, Some(line as usize), Some(column), why)
    };
    let (mut reader, at) = open_sheet(name, &content, columns, required, required)?;
    let line_at = |byte: u64| {
        let byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(content.len());
        1 + content.as_bytes()[..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| line_at(p.byte()));
            let why = match e.kind() {
                csv::ErrorKind::UnequalLengths { len, .. } => format!(
                    "the row has {len} cells, the header {}; cells are separated by semicolons",
                    at.len()
                ),
                _ => e.to_string(),
            };
            refuse(line, "row", why)
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        let cells: BTreeMap<&'static str, String> = at
            .iter()
            .zip(record.iter())
            .filter_map(|(column, cell)| Some((*column, text(cell)?)))
            .collect();
        if !cells.is_empty() {
            rows.push(Row { line, cells });
        }
    }
    Ok(rows)
}

/// Checks a payload's shape as the catalogue does, while its row is known.
fn event_of(
    name: &str,
    line: u64,
    layout: Layout,
    kind: &str,
    payload: Value,
) -> Result<super::jsonl::Line, InputError> {
    let refuse = |field: Option<&str>, why: String| {
        InputError::new(
            name,
            Some(line as usize),
            Some(layout.column_of(field)),
            why,
        )
    };
    let event = super::jsonl::new_event(kind.to_string(), payload)
        .map_err(|(field, why)| refuse(field.as_deref(), why))?;
    let payload = Value::Object(event.payload.clone());
    crate::domain::DomainEvent::parse(&event.kind, &payload)
        .map_err(|e| refuse(Some(&e.field), e.reason))?;
    Ok(super::jsonl::Line {
        line: line as usize,
        event,
    })
}

/// Puts `key` into a JSON object when `value` is given.
fn put(payload: &mut Value, key: &str, value: Option<impl Into<Value>>) {
    if let (Some(v), Value::Object(map)) = (value, payload) {
        map.insert(key.into(), v.into());
    }
}

/// The columns of the targets layout.
pub const TARGET_COLUMNS: &[&str] = &[
    "indicator",
    "target",
    "effective",
    "level",
    "deadline",
    "text",
    "contrary",
    "decision",
    "reason",
];

/// Reads targets from a CSV file (layout in README.md, "Excel in and out"): a row for a target
/// that does not exist sets it (`target.set`; id `target`, or `<indicator>.t`); a row for an
/// existing target (named in `target`, or the one target of the indicator) revises it
/// (`target.revised`) when its levels, text or deadline differ from the version in force, and
/// appends nothing when they do not, so a file imports once.
pub fn targets(
    name: &str,
    bytes: &[u8],
    state: &State,
) -> Result<Vec<super::jsonl::Line>, InputError> {
    let rows = sheet(name, bytes, TARGET_COLUMNS, &["indicator", "effective"])?;
    let mut events = Vec::new();
    let mut new_ids: Vec<String> = Vec::new();
    for row in rows {
        let line = row.line;
        let refuse = |column: &str, why: String| {
            InputError::new(name, Some(line as usize), Some(column), why)
        };
        let need = |column: &str| {
            row.get(column)
                .map(str::to_string)
                .ok_or_else(|| refuse(column, "is empty; it is required".into()))
        };
        let indicator = need("indicator")?;
        let effective = need("effective")?;
        let Some(ind) = state.indicators.get(indicator.as_str()) else {
            return Err(refuse(
                "indicator",
                format!(
                    "unknown indicator `{indicator}`: define it first with `malbok indicator add`"
                ),
            ));
        };
        let direction = ind
            .versions
            .last()
            .map_or(Direction::Increase, |v| v.direction);
        let contrary = row.get("contrary").is_some_and(|c| {
            matches!(c.to_lowercase().as_str(), "ja" | "yes" | "x" | "1" | "true")
        });
        let levels = match row.get("level") {
            Some(cell) => Some(
                cell.split('|')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| level(l, direction, contrary).map_err(|why| refuse("level", why)))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            None => None,
        };
        // The target the row speaks of: named, or the indicator's one target.
        let existing = match row.get("target") {
            Some(id) => state.targets.get(id),
            None => {
                let mut own = ind.targets.iter().filter_map(|t| state.targets.get(t));
                match (own.next(), own.next()) {
                    (Some(one), None) => Some(one),
                    (Some(_), Some(_)) => {
                        return Err(refuse(
                            "target",
                            format!(
                                "indicator `{indicator}` has several targets; name the one this \
                                 row changes"
                            ),
                        ));
                    }
                    _ => None,
                }
            }
        };
        let basis = |payload: &mut Value, default: String| {
            let decision = row.get("decision");
            put(payload, "decision", decision);
            put(
                payload,
                "reason",
                row.get("reason")
                    .map(str::to_string)
                    .or_else(|| decision.is_none().then_some(default)),
            );
        };
        match existing {
            None => {
                let Some(levels) = levels else {
                    return Err(refuse(
                        "level",
                        "is empty; a new target needs its levels, e.g. \"Uppnått ≥ 90\" (several \
                         separated by |, least ambitious first)"
                            .into(),
                    ));
                };
                let id = match row.get("target") {
                    Some(id) => id.to_string(),
                    None => (1u32..)
                        .map(|n| match n {
                            1 => format!("{indicator}.t"),
                            n => format!("{indicator}.t-{n}"),
                        })
                        .find(|id| {
                            !state.targets.contains_key(id.as_str()) && !new_ids.contains(id)
                        })
                        .unwrap_or_default(),
                };
                new_ids.push(id.clone());
                let mut payload = json!({"id": id, "indicator": indicator,
                                         "effective": effective, "levels": levels});
                put(&mut payload, "text", row.get("text"));
                put(&mut payload, "deadline", row.get("deadline"));
                if contrary {
                    put(&mut payload, "contrary", Some(true));
                }
                put(&mut payload, "decision", row.get("decision"));
                put(&mut payload, "reason", row.get("reason"));
                events.push(event_of(
                    name,
                    line,
                    Layout::Targets,
                    "target.set",
                    payload,
                )?);
            }
            Some(target) => {
                let current = target.versions.last();
                let same_levels = levels.as_ref().is_none_or(|new| {
                    current.is_some_and(|v| {
                        serde_json::to_value(&v.levels).ok().as_ref()
                            == Some(&Value::from(new.clone()))
                    })
                });
                let same_text = row
                    .get("text")
                    .is_none_or(|t| current.and_then(|v| v.text.as_deref()) == Some(t));
                let same_deadline = row.get("deadline").is_none_or(|d| {
                    current
                        .and_then(|v| v.deadline)
                        .is_some_and(|c| c.to_string() == d)
                });
                if same_levels && same_text && same_deadline {
                    continue;
                }
                let mut payload = json!({"target": target.id.as_str(), "effective": effective});
                put(&mut payload, "text", row.get("text").filter(|_| !same_text));
                put(&mut payload, "levels", levels.filter(|_| !same_levels));
                put(
                    &mut payload,
                    "deadline",
                    row.get("deadline").filter(|_| !same_deadline),
                );
                if contrary {
                    put(&mut payload, "contrary", Some(true));
                }
                basis(&mut payload, format!("Ändrat i {name}."));
                events.push(event_of(
                    name,
                    line,
                    Layout::Targets,
                    "target.revised",
                    payload,
                )?);
            }
        }
    }
    Ok(events)
}

/// The columns of the assessments layout.
pub const ASSESSMENT_COLUMNS: &[&str] = &[
    "goal",
    "indicator",
    "body",
    "follow_up",
    "scale",
    "grade",
    "analysis",
    "trend",
    "decision",
    "reason",
];

/// Reads assessments from a CSV file (layout in README.md): each row is a body's judgement of
/// a goal or an indicator at a follow-up (`assessment.recorded`). A row the same as the body's
/// latest judgement of the subject at that follow-up appends nothing; a different one is a
/// revised judgement (its reason defaults to "Ändrad i <file>.").
pub fn assessments(
    name: &str,
    bytes: &[u8],
    state: &State,
) -> Result<Vec<super::jsonl::Line>, InputError> {
    let rows = sheet(name, bytes, ASSESSMENT_COLUMNS, &["body", "follow_up"])?;
    let mut events = Vec::new();
    for row in rows {
        let line = row.line;
        let refuse = |column: &str, why: String| {
            InputError::new(name, Some(line as usize), Some(column), why)
        };
        let body = row
            .get("body")
            .ok_or_else(|| refuse("body", "is empty; it is required".into()))?;
        let follow_up = row
            .get("follow_up")
            .ok_or_else(|| refuse("follow_up", "is empty; it is required".into()))?;
        let (key, subject) = match (row.get("goal"), row.get("indicator")) {
            (Some(g), None) => ("goal", g),
            (None, Some(i)) => ("indicator", i),
            _ => {
                return Err(refuse(
                    "goal",
                    "give exactly one of goal and indicator: the subject assessed".into(),
                ));
            }
        };
        let trend = row.get("trend").map(str::to_lowercase);
        let earlier = state
            .assessments
            .values()
            .filter(|a| {
                a.def.body.as_str() == body
                    && a.def.follow_up.as_str() == follow_up
                    && match key {
                        "goal" => a.def.goal.as_ref().map(|g| g.as_str()) == Some(subject),
                        _ => a.def.indicator.as_ref().map(|i| i.as_str()) == Some(subject),
                    }
            })
            .max_by_key(|a| a.prov.seq);
        if let Some(a) = earlier {
            let same = a.def.scale.as_ref().map(|s| s.as_str()) == row.get("scale")
                && a.def.grade.as_ref().map(|g| g.as_str()) == row.get("grade")
                && a.def.analysis.as_deref() == row.get("analysis")
                && a.def.trend.map(|t| t.as_str().to_string()) == trend;
            if same {
                continue;
            }
        }
        let mut payload = json!({"body": body, key: subject, "follow_up": follow_up});
        put(&mut payload, "scale", row.get("scale"));
        put(&mut payload, "grade", row.get("grade"));
        put(&mut payload, "analysis", row.get("analysis"));
        put(&mut payload, "trend", trend);
        let decision = row.get("decision");
        put(&mut payload, "decision", decision);
        let default =
            (earlier.is_some() && decision.is_none()).then(|| format!("Ändrad i {name}."));
        put(
            &mut payload,
            "reason",
            row.get("reason").map(str::to_string).or(default),
        );
        events.push(event_of(
            name,
            line,
            Layout::Assessments,
            "assessment.recorded",
            payload,
        )?);
    }
    Ok(events)
}

/// A text cell for a CSV file malbok writes: a leading `=`, `+`, `-` or `@` gets a `'` so
/// that a spreadsheet shows it as text instead of running it as a formula.
pub fn safe_text(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_swedish_excel_writes_them() {
        assert_eq!(number("87,5").unwrap().to_string(), "87.5");
        assert_eq!(number(" -3,50 ").unwrap().to_string(), "-3.50");
        assert_eq!(number("1 234,5").unwrap().to_string(), "1234.5");
        assert_eq!(number("87 %").unwrap().to_string(), "87");
        assert_eq!(number("0.87").unwrap().to_string(), "0.87");
        assert!(number("8,7,1").is_err());
        assert!(number("=1+1").is_err());
    }

    #[test]
    fn text_cells_are_safe_and_read_back() {
        assert_eq!(safe_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_text("Brukarundersökning"), "Brukarundersökning");
        assert_eq!(
            text("'=HYPERLINK(\"x\")").as_deref(),
            Some("=HYPERLINK(\"x\")")
        );
        assert_eq!(text("'Citat'").as_deref(), Some("'Citat'"));
    }

    #[test]
    fn windows_1252_and_bom_are_read() {
        assert_eq!(decode(b"\xEF\xBB\xBFv\xC3\xA4rde"), "värde");
        assert_eq!(decode(b"v\xE4rde \x96 \x80"), "värde – €");
    }
}
