//! The canonical encoding of JSON values (specified in `events/ENCODING.md`) and the strict
//! parser that input goes through before anything is encoded.
//!
//! Canonical form: no whitespace, object keys sorted by their UTF-8 bytes, strings escaped only
//! where JSON requires it, integers in decimal, no floats. The encoder sorts keys itself instead
//! of relying on `serde_json::Map` ordering, which a cargo feature elsewhere could change.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// The largest integer magnitude allowed anywhere in an event: 2^53 − 1, so every integer
/// survives a round trip through any JSON library, including those that read numbers as doubles.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Appends the canonical bytes of `value` to `out`.
pub fn encode_into(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => encode_str(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode_into(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => encode_object(map, out),
    }
}

/// Appends the canonical bytes of a JSON object to `out`.
pub fn encode_object(map: &Map<String, Value>, out: &mut Vec<u8>) {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    out.push(b'{');
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        encode_str(key, out);
        out.push(b':');
        encode_into(&map[key], out);
    }
    out.push(b'}');
}

/// The canonical bytes of `value`.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(value, &mut out);
    out
}

/// Appends a JSON string, escaped as the canonical encoding requires.
pub fn encode_str(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[start..i]);
        if escape.is_empty() {
            out.extend_from_slice(format!("\\u{byte:04x}").as_bytes());
        } else {
            out.extend_from_slice(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&s.as_bytes()[start..]);
    out.push(b'"');
}

/// Where a value breaks the rules of the canonical encoding: the path to it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueFault {
    pub path: String,
    pub reason: String,
}

/// Checks that `value` (found at `path`) holds no floats and no integers beyond ±(2^53 − 1).
pub fn check_value(value: &Value, path: &str) -> Result<(), ValueFault> {
    // Every stored event goes through here: walk without building paths, and build them only
    // to name a fault.
    if value_ok(value) {
        return Ok(());
    }
    find_fault(value, path)
}

/// Whether `value` holds only safe integers and no floats.
pub fn value_ok(value: &Value) -> bool {
    match value {
        Value::Number(n) => n
            .as_i64()
            .is_some_and(|i| i.unsigned_abs() <= MAX_SAFE_INTEGER),
        Value::Array(items) => items.iter().all(value_ok),
        Value::Object(map) => map.values().all(value_ok),
        Value::Null | Value::Bool(_) | Value::String(_) => true,
    }
}

/// [`check_value`]'s fault, with the path to it.
fn find_fault(value: &Value, path: &str) -> Result<(), ValueFault> {
    match value {
        Value::Number(n) => check_number(n, path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, item)| find_fault(item, &format!("{path}[{i}]"))),
        Value::Object(map) => map
            .iter()
            .try_for_each(|(key, item)| find_fault(item, &format!("{path}.{key}"))),
        Value::Null | Value::Bool(_) | Value::String(_) => Ok(()),
    }
}

fn check_number(n: &Number, path: &str) -> Result<(), ValueFault> {
    let fault = |reason: String| {
        Err(ValueFault {
            path: path.to_string(),
            reason,
        })
    };
    if let Some(i) = n.as_i64() {
        if i.unsigned_abs() > MAX_SAFE_INTEGER {
            return fault(format!(
                "integer {i} is beyond ±{MAX_SAFE_INTEGER}; write large numbers as decimal strings"
            ));
        }
        return Ok(());
    }
    let integral_beyond = n.as_u64().is_some()
        || n.as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.abs() > MAX_SAFE_INTEGER as f64);
    if integral_beyond {
        return fault(format!(
            "integer {n} is beyond ±{MAX_SAFE_INTEGER}; write large numbers as decimal strings"
        ));
    }
    fault(format!(
        "numbers with a fraction or an exponent (here {n}) are never stored; write an exact decimal as a string, e.g. \"0.87\", and whole numbers without an exponent"
    ))
}

/// The deepest nesting of arrays and objects in an event, the event object itself counting as
/// level 1 (ENCODING.md §2). `serde_json`'s recursion limit refuses 128 levels and more, in
/// input and in stored bytes alike; the test below keeps that limit and the spec together.
pub const MAX_DEPTH: usize = 127;

/// Parses one JSON text strictly: like `serde_json::from_str`, but an object with a repeated key
/// is an error instead of silently keeping the last value.
pub fn parse_strict(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictSeed.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

struct StrictSeed;

impl StrictSeed {
    fn deserialize<'de, D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(StrictVisitor)
    }
}

impl<'de> de::DeserializeSeed<'de> for StrictSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Value, D::Error> {
        de.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // Kept as a float here so that `check_value` can name its path; it is never stored.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictSeed)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key {key:?}")));
            }
            let value = access.next_value_seed(StrictSeed)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_keys_and_escapes_only_what_json_requires() {
        let v = json!({"b": 1, "a": "x\"\\\n\u{1}é\u{2028}", "aa": [true, null, -3]});
        assert_eq!(
            String::from_utf8(encode(&v)).unwrap(),
            "{\"a\":\"x\\\"\\\\\\n\\u0001é\u{2028}\",\"aa\":[true,null,-3],\"b\":1}"
        );
    }

    #[test]
    fn refuses_floats_and_unsafe_integers_with_their_path() {
        let v = parse_strict(r#"{"p":{"x":[1,0.5]}}"#).unwrap();
        let fault = check_value(&v, "payload").unwrap_err();
        assert_eq!(fault.path, "payload.p.x[1]");
        let v = parse_strict(r#"{"n":9007199254740992}"#).unwrap();
        assert_eq!(check_value(&v, "payload").unwrap_err().path, "payload.n");
        let v = parse_strict(r#"{"n":-9007199254740991}"#).unwrap();
        assert!(check_value(&v, "payload").is_ok());
    }

    #[test]
    fn refuses_nesting_deeper_than_the_spec_allows() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse_strict(&nested(MAX_DEPTH)).is_ok());
        assert!(parse_strict(&nested(MAX_DEPTH + 1)).is_err());
        let bytes = nested(MAX_DEPTH);
        assert!(serde_json::from_str::<Value>(&bytes).is_ok());
        assert!(serde_json::from_str::<Value>(&nested(MAX_DEPTH + 1)).is_err());
    }

    #[test]
    fn refuses_duplicate_keys() {
        let err = parse_strict(r#"{"a":1,"a":2}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate key \"a\""), "{err}");
    }
}
