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
use crate::domain::{Dec, Outcome, State};
use serde_json::json;
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
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(false)
        .from_reader(content.as_bytes());
    let refuse = |line: u64, column: &str, why: String| {
        InputError::new(name, Some(line as usize), Some(column), why)
    };
    let headers = reader
        .headers()
        .map_err(|e| refuse(1, "header", e.to_string()))?
        .clone();
    let mut at: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        let Some(known) = COLUMNS.iter().find(|c| **c == h) else {
            return Err(refuse(
                1,
                h,
                format!(
                    "unknown column; the columns are {} (semicolons between them)",
                    COLUMNS.join(";")
                ),
            ));
        };
        if at.insert(known, i).is_some() {
            return Err(refuse(1, h, "the column is named twice".into()));
        }
    }
    for required in ["indicator", "from", "to"] {
        if !at.contains_key(required) {
            return Err(refuse(
                1,
                required,
                format!(
                    "the column is missing; the first row names the columns, e.g. {}",
                    COLUMNS[..4].join(";")
                ),
            ));
        }
    }

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
                    headers.len()
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
pub fn column_of(field: Option<&str>) -> &str {
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
