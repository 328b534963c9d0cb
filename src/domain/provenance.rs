//! Where an event's facts come from: a cited document, or an interpretation with its reason.
//!
//! Any payload may carry a member `provenance`. It is read once, here, for every kind (see
//! [`split`], used by `DomainEvent::parse`), so the kinds' own readers never see it, and it
//! travels with the event into the records of the state (`Prov::provenance`), so status,
//! history and reports can tell a published fact from what the ledger infers.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::FieldError;
use super::json::{FromJson, Obj, fe};

/// The cited source of an event's facts, or the reasoning behind an inferred one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The document, e.g. `Ekerö kommun, Delårsrapport 2021` (required unless
    /// `interpretation` is given).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The section of the document, e.g. `Mål 1`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// The page, as written (a string: `4`, `iv`, `4–5`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The exact text from the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Why the ledger infers this, when the document does not state it: the event is then an
    /// interpretation, never shown as published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interpretation: Option<String>,
}

impl Provenance {
    /// The reason, when this is an interpretation rather than a cited fact.
    pub fn interpretation(&self) -> Option<&str> {
        self.interpretation.as_deref()
    }
}

impl FromJson for Provenance {
    fn from_json(v: &Value, path: &str) -> Result<Self, FieldError> {
        let mut o = Obj::new(v, path)?;
        // An empty reason is refused with its own message: "leave the field out" (the
        // message for other empty texts) would turn an interpretation into a cited fact.
        let interpretation = match v.get("interpretation") {
            Some(Value::String(s)) if s.trim().is_empty() => {
                return Err(fe(
                    &o.path("interpretation"),
                    "must say why this is inferred: an interpretation needs its reasoning, \
                     e.g. \"the grades are fitted to reproduce the published 12 of 15\"",
                ));
            }
            _ => o.opt("interpretation")?,
        };
        let p = Provenance {
            document: o.opt("document")?,
            section: o.opt("section")?,
            page: o.opt("page")?,
            quote: o.opt("quote")?,
            interpretation,
        };
        o.finish()?;
        if p.document.is_none() && p.interpretation.is_none() {
            return Err(fe(
                &o.path("document"),
                "is required: name the document the facts come from (e.g. \"Ekerö kommun, \
                 Delårsrapport 2021\"), or give \"interpretation\" with the reasoning when \
                 the ledger infers them",
            ));
        }
        Ok(p)
    }
}

/// Takes the member `provenance` out of a payload: the payload without it (borrowed when it
/// has none, so the common case copies nothing) and the parsed provenance.
pub(crate) fn split(payload: &Value) -> Result<(Cow<'_, Value>, Option<Provenance>), FieldError> {
    let Value::Object(map) = payload else {
        return Ok((Cow::Borrowed(payload), None));
    };
    let Some(raw) = map.get("provenance") else {
        return Ok((Cow::Borrowed(payload), None));
    };
    let path = "payload.provenance";
    if raw.is_null() {
        return Err(fe(
            path,
            "must not be null: leave the field out when it has no value",
        ));
    }
    let provenance = Provenance::from_json(raw, path)?;
    let mut rest = map.clone();
    rest.remove("provenance");
    Ok((Cow::Owned(Value::Object(rest)), Some(provenance)))
}
