//! Reading payloads from JSON values into typed structs, with the exact path of any bad field.
//!
//! serde's derive gives no field path in its errors (`payload.levels[1].threshold`), and
//! the ledger's users need one, so payloads are read by hand through [`Obj`]: it refuses
//! unknown fields, `null`, floats and wrong types, and names the field in every error.

use serde_json::{Map, Value};

use super::FieldError;
use super::types::*;

/// Builds a [`FieldError`].
pub(crate) fn fe(field: &str, reason: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_string(),
        reason: reason.into(),
    }
}

/// Names the JSON type of a value for error messages.
fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a floating-point number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value that can be read from JSON at a given path.
pub(crate) trait FromJson: Sized {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError>;
}

/// A JSON object being read field by field; [`Obj::finish`] refuses fields nobody asked for.
pub(crate) struct Obj<'a> {
    path: String,
    map: &'a Map<String, Value>,
    seen: Vec<&'static str>,
}

impl<'a> Obj<'a> {
    /// Starts reading `v`, which must be an object.
    pub fn new(v: &'a Value, path: &str) -> Result<Self, FieldError> {
        match v {
            Value::Object(map) => Ok(Obj {
                path: path.to_string(),
                map,
                seen: Vec::new(),
            }),
            other => Err(fe(
                path,
                format!("must be a JSON object, not {}", describe(other)),
            )),
        }
    }

    /// The path of a field of this object.
    pub fn path(&self, name: &str) -> String {
        format!("{}.{}", self.path, name)
    }

    fn get(&mut self, name: &'static str) -> Option<&'a Value> {
        self.seen.push(name);
        self.map.get(name)
    }

    /// A required field.
    pub fn req<T: FromJson>(&mut self, name: &'static str) -> Result<T, FieldError> {
        let path = self.path(name);
        match self.get(name) {
            None => Err(fe(&path, format!("is required: add \"{name}\""))),
            Some(Value::Null) => Err(fe(&path, "must not be null")),
            Some(v) => T::from_json(v, &path),
        }
    }

    /// An optional field: absent is `None`; `null` is refused so that there is one way to omit.
    pub fn opt<T: FromJson>(&mut self, name: &'static str) -> Result<Option<T>, FieldError> {
        let path = self.path(name);
        match self.get(name) {
            None => Ok(None),
            Some(Value::Null) => Err(fe(
                &path,
                "must not be null: leave the field out when it has no value",
            )),
            Some(v) => T::from_json(v, &path).map(Some),
        }
    }

    /// An optional list: absent is empty.
    pub fn list<T: FromJson>(&mut self, name: &'static str) -> Result<Vec<T>, FieldError> {
        Ok(self.opt::<Vec<T>>(name)?.unwrap_or_default())
    }

    /// The decision and reason fields every payload that changes something may carry.
    pub fn basis(&mut self) -> Result<Basis, FieldError> {
        Ok(Basis {
            decision: self.opt("decision")?,
            reason: self.opt("reason")?,
        })
    }

    /// Like [`Obj::basis`], but at least one of the two is required.
    pub fn required_basis(&mut self) -> Result<Basis, FieldError> {
        let basis = self.basis()?;
        if basis.is_empty() {
            return Err(fe(
                &self.path("decision"),
                "is required, or a \"reason\": say which decision made this change \
                 (e.g. \"KF 2020-10-19 § 147\") or why it was made",
            ));
        }
        Ok(basis)
    }

    /// Refuses any field that was not read.
    pub fn finish(&self) -> Result<(), FieldError> {
        for key in self.map.keys() {
            if !self.seen.contains(&key.as_str()) {
                let mut known = self.seen.clone();
                known.sort_unstable();
                known.dedup();
                return Err(fe(
                    &format!("{}.{}", self.path, key),
                    format!(
                        "is not a field of this object; remove it (known fields: {})",
                        known.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }
}

fn string<'v>(v: &'v Value, path: &str, what: &str) -> Result<&'v str, FieldError> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(fe(
            path,
            format!(
                "must be {what} written as a JSON string, not {}",
                describe(other)
            ),
        )),
    }
}

/// Free text, stored verbatim: non-empty, not only spaces, no control characters but newlines.
impl FromJson for String {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let s = string(v, path, "text")?;
        if s.trim().is_empty() {
            return Err(fe(path, "must not be empty; leave the field out instead"));
        }
        if s.chars().any(|c| c.is_control() && c != '\n') {
            return Err(fe(
                path,
                "contains a control character (tab, carriage return, ...); only newlines are allowed in text",
            ));
        }
        Ok(s.to_string())
    }
}

/// A JSON `true` or `false`.
impl FromJson for bool {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        v.as_bool()
            .ok_or_else(|| fe(path, "must be true or false (a JSON boolean)"))
    }
}

/// Implements [`FromJson`] for a type read from a string by a `parse` returning a reason.
macro_rules! from_json_str {
    ($t:ty, $what:literal) => {
        impl FromJson for $t {
            fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
                <$t>::parse(string(v, path, $what)?).map_err(|reason| fe(path, reason))
            }
        }
    };
}

from_json_str!(Id, "an id");
from_json_str!(Date, "a date");
from_json_str!(KpiId, "a Kolada KPI id");
from_json_str!(KoladaId, "a Kolada municipality id");
from_json_str!(Timestamp, "a time");
from_json_str!(DecisionRef, "a decision reference");

impl FromJson for Dec {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        if let Value::Number(_) = v {
            return Err(fe(
                path,
                "must be a decimal written as a JSON string, e.g. \"0.87\": numbers are refused \
                 so that no value passes through a float",
            ));
        }
        Dec::parse(string(v, path, "a decimal")?).map_err(|reason| fe(path, reason))
    }
}

/// Implements [`FromJson`] for a string enum, listing the accepted names on error.
macro_rules! from_json_enum {
    ($t:ty, $what:literal) => {
        impl FromJson for $t {
            fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
                let s = string(v, path, $what)?;
                <$t>::from_name(s).ok_or_else(|| {
                    fe(
                        path,
                        format!(
                            "`{s}` is not {}; use one of: {}",
                            $what,
                            <$t>::ALL.join(", ")
                        ),
                    )
                })
            }
        }
    };
}

from_json_enum!(Unit, "a unit");
from_json_enum!(Direction, "a direction");
from_json_enum!(Comparison, "a comparison");
from_json_enum!(Trend, "a trend");
from_json_enum!(FollowUpKind, "a follow-up kind");
from_json_enum!(SourceKind, "a source kind");
from_json_enum!(Aggregation, "an aggregation");
from_json_enum!(Rounding, "a rounding rule");
from_json_enum!(GradeInput, "a grade input");
from_json_enum!(ColumnKind, "a column kind");
from_json_enum!(Section, "a report section");
from_json_enum!(TrendBasis, "a trend basis");

/// A ledger position (`seq`): a JSON integer from 1 to 2^53 - 1.
impl FromJson for u64 {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        const MAX_SAFE: u64 = (1 << 53) - 1;
        match v.as_u64() {
            Some(n) if (1..=MAX_SAFE).contains(&n) => Ok(n),
            _ => Err(fe(
                path,
                format!(
                    "must be a ledger position: an integer from 1 to {MAX_SAFE}, not {}",
                    if v.is_number() {
                        "this number"
                    } else {
                        describe(v)
                    }
                ),
            )),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let Value::Array(items) = v else {
            return Err(fe(path, format!("must be an array, not {}", describe(v))));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_json(item, &format!("{path}[{i}]")))
            .collect()
    }
}

impl FromJson for Period {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        let from: Date = o.req("from")?;
        let to: Date = o.req("to")?;
        o.finish()?;
        if to < from {
            return Err(fe(
                &format!("{path}.to"),
                format!("{to} is before the start of the period {from}; swap the dates"),
            ));
        }
        Ok(Period { from, to })
    }
}
