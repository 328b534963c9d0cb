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
    let lines = read(source, bytes).collect::<Result<Vec<_>, _>>()?;
    if lines.is_empty() {
        return Err(empty(source));
    }
    Ok(lines)
}

/// The refusal of an input that holds no events.
pub fn empty(source: &str) -> InputError {
    InputError::new(
        source,
        None,
        None,
        "the input holds no events; a line looks like {\"kind\":\"…\",\"payload\":{…}}",
    )
}

/// Reads a JSONL input line by line, as it streams in: each event with its line number, or the
/// refusal of the first bad line (after which it ends). Blank lines are skipped.
pub fn read<R: std::io::BufRead>(
    source: &str,
    mut input: R,
) -> impl Iterator<Item = Result<Line, InputError>> {
    let source = source.to_string();
    let mut n = 0usize;
    let mut done = false;
    let mut raw = Vec::new();
    std::iter::from_fn(move || {
        while !done {
            raw.clear();
            n += 1;
            let length = match read_line_capped(&mut input, &mut raw) {
                Err(e) => {
                    done = true;
                    let reason = format!("cannot read: {e}");
                    return Some(Err(InputError::new(&source, Some(n), None, reason)));
                }
                Ok(None) => {
                    done = true;
                    return None;
                }
                Ok(Some(length)) => length,
            };
            if length > MAX_LINE_BYTES {
                done = true;
                let reason = format!(
                    "the line is {length} bytes; a line may have at most {MAX_LINE_BYTES} bytes (1 MiB)"
                );
                return Some(Err(InputError::new(&source, Some(n), None, reason)));
            }
            match line(&source, n, &raw) {
                Ok(None) => continue,
                Ok(Some(line)) => return Some(Ok(line)),
                Err(e) => {
                    done = true;
                    return Some(Err(e));
                }
            }
        }
        None
    })
}

/// Reads one line into `raw` (without its LF), keeping at most `MAX_LINE_BYTES + 1` bytes of
/// it, so a huge line costs no memory; returns its whole length, or `None` at the end.
fn read_line_capped<R: std::io::BufRead>(
    input: &mut R,
    raw: &mut Vec<u8>,
) -> std::io::Result<Option<usize>> {
    let mut length = 0usize;
    let mut any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(any.then_some(length));
        }
        any = true;
        let (part, used, end) = match buf.iter().position(|&b| b == b'\n') {
            Some(at) => (&buf[..at], at + 1, true),
            None => (buf, buf.len(), false),
        };
        let room = (MAX_LINE_BYTES + 1).saturating_sub(raw.len());
        raw.extend_from_slice(&part[..part.len().min(room)]);
        length += part.len();
        input.consume(used);
        if end {
            return Ok(Some(length));
        }
    }
}

/// One raw line (without its LF), numbered `n`: an event, nothing (a blank line), or why not.
fn line(source: &str, n: usize, raw: &[u8]) -> Result<Option<Line>, InputError> {
    let refuse =
        |field: Option<&str>, reason: String| InputError::new(source, Some(n), field, reason);
    if n == 1 && raw.starts_with(b"\xEF\xBB\xBF") {
        return Err(refuse(
            None,
            "the file starts with a UTF-8 byte-order mark (EF BB BF); save it as UTF-8 without BOM"
                .into(),
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
        return Ok(None);
    }
    let event = parse_event(text).map_err(|(field, reason)| refuse(field.as_deref(), reason))?;
    Ok(Some(Line { line: n, event }))
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
