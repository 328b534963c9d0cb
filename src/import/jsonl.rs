//! JSONL input: one event per line, `{"kind":"…","payload":{…}}`, and nothing else.

use super::InputError;
use crate::ledger::NewEvent;
use crate::ledger::canonical::{check_value, parse_strict};
use serde_json::Value;

/// The longest line (and so the largest event) accepted: 1 MiB.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// An event read from an input line, with the line number it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub line: usize,
    pub event: NewEvent,
}

/// Parses a whole JSONL input. Refuses the whole input at the first bad line.
pub fn parse(source: &str, bytes: &[u8]) -> Result<Vec<Line>, InputError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(InputError::new(
            source,
            Some(1),
            None,
            "the file starts with a UTF-8 byte-order mark (EF BB BF); save it as UTF-8 without BOM",
        ));
    }
    let mut lines = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let n = i + 1;
        let refuse =
            |field: Option<&str>, reason: String| InputError::new(source, Some(n), field, reason);
        if raw.len() > MAX_LINE_BYTES {
            return Err(refuse(
                None,
                format!(
                    "the line is {} bytes; a line may have at most {MAX_LINE_BYTES} bytes (1 MiB)",
                    raw.len()
                ),
            ));
        }
        if raw.ends_with(b"\r") {
            return Err(refuse(
                None,
                "the line ends with CR (a Windows line ending); convert the file to LF line endings, e.g. with dos2unix".into(),
            ));
        }
        let text = std::str::from_utf8(raw).map_err(|e| {
            refuse(
                None,
                format!(
                    "byte {} of the line is not valid UTF-8; save the file as UTF-8",
                    e.valid_up_to() + 1
                ),
            )
        })?;
        if text.trim().is_empty() {
            continue;
        }
        lines.push(Line {
            line: n,
            event: parse_event(text).map_err(|(field, reason)| refuse(field.as_deref(), reason))?,
        });
    }
    if lines.is_empty() {
        return Err(InputError::new(
            source,
            None,
            None,
            "the input holds no events; a line looks like {\"kind\":\"…\",\"payload\":{…}}",
        ));
    }
    Ok(lines)
}

/// Parses one line's text into an event, or the field and reason it was refused for.
pub fn parse_event(text: &str) -> Result<NewEvent, (Option<String>, String)> {
    let value = parse_strict(text).map_err(|e| (None, json_error(text, &e)))?;
    let Value::Object(mut obj) = value else {
        return Err((
            None,
            format!(
                "expected a JSON object like {{\"kind\":\"…\",\"payload\":{{…}}}}, found {}",
                type_name(&value)
            ),
        ));
    };
    if let Some(extra) = obj.keys().find(|k| *k != "kind" && *k != "payload") {
        return Err((
            Some(extra.clone()),
            "unknown field; a line holds only \"kind\" and \"payload\"".into(),
        ));
    }
    let kind = match obj.remove("kind") {
        None => return Err((Some("kind".into()), "missing".into())),
        Some(Value::String(kind)) => kind,
        Some(other) => {
            return Err((
                Some("kind".into()),
                format!("must be a string, found {}", type_name(&other)),
            ));
        }
    };
    let payload = obj
        .remove("payload")
        .ok_or_else(|| (Some("payload".to_string()), "missing".to_string()))?;
    new_event(kind, payload)
}

/// Checks a kind and a payload and makes them an event to append.
pub fn new_event(kind: String, payload: Value) -> Result<NewEvent, (Option<String>, String)> {
    check_kind(&kind).map_err(|reason| (Some("kind".into()), reason))?;
    let Value::Object(payload) = payload else {
        return Err((
            Some("payload".into()),
            format!("must be a JSON object, found {}", type_name(&payload)),
        ));
    };
    for (key, value) in &payload {
        check_value(value, &format!("payload.{key}")).map_err(|f| (Some(f.path), f.reason))?;
    }
    Ok(NewEvent {
        kind,
        kind_v: 1,
        payload,
    })
}

/// A JSON syntax error in words for people: the column counted in characters (as an editor
/// shows it, `å` is one), and a hint for the common mistakes.
fn json_error(text: &str, e: &serde_json::Error) -> String {
    let message = e.to_string();
    // serde_json ends its message with its own "at line 1 column N"; we say the line ourselves.
    let message = message
        .rfind(" at line ")
        .map_or(&message[..], |i| &message[..i]);
    let byte = e.column().saturating_sub(1).min(text.len());
    let column = text.char_indices().take_while(|(i, _)| *i < byte).count() + 1;
    let hint = if message.starts_with("EOF while parsing") {
        " (the line ends before the JSON is complete)"
    } else if message.starts_with("key must be a string") || message.starts_with("expected value") {
        " (keys and text need double quotes: \"kind\")"
    } else {
        ""
    };
    format!("invalid JSON at column {column}: {message}{hint}")
}

/// A kind must have the format of `envelope::check_kind_format`; `ledger.*` is reserved.
pub fn check_kind(kind: &str) -> Result<(), String> {
    crate::ledger::envelope::check_kind_format(kind)?;
    if kind.starts_with("ledger.") {
        return Err(format!(
            "{kind:?}: kinds under \"ledger.\" are written only by malbok itself"
        ));
    }
    Ok(())
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(input: &[u8]) -> String {
        parse("in.jsonl", input).unwrap_err().to_string()
    }

    #[test]
    fn names_line_field_and_reason() {
        let input =
            b"{\"kind\":\"a.b\",\"payload\":{}}\n{\"kind\":\"a.b\",\"payload\":{\"v\":0.5}}\n";
        assert_eq!(
            refusal(input),
            "in.jsonl:2: payload.v: numbers with a fraction or an exponent (here 0.5) are never stored; write an exact decimal as a string, e.g. \"0.87\", and whole numbers without an exponent"
        );
        assert!(refusal(b"{\"payload\":{}}").starts_with("in.jsonl:1: kind: missing"));
        assert!(
            refusal(b"{\"kind\":\"ledger.genesis\",\"payload\":{}}")
                .contains("written only by malbok itself")
        );
    }

    #[test]
    fn skips_blank_lines_and_keeps_line_numbers() {
        let lines = parse("x", b"\n{\"kind\":\"a\",\"payload\":{}}\n\n").unwrap();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].line, 2);
    }
}
