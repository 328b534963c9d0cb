//! `verify`'s fast path: one pass over an event's stored bytes that checks they are in
//! canonical form and reads the envelope members the chain needs, without building a JSON
//! value or re-encoding one.
//!
//! It is conservative: it says yes only to bytes that [`Event::decode`] accepts (a property
//! test in this module holds the two together), and leaves everything unusual to `decode` —
//! any escape (`decode` then re-encodes), a fraction or an exponent, `-0`, deep nesting, the
//! genesis event, a `ledger.*` kind. `decode` also words every fault, so a fault reads the same
//! whichever path met it.
//!
//! [`Event::decode`]: super::Event::decode

use super::FORMAT_VERSION;
use super::canonical::MAX_SAFE_INTEGER;
use super::envelope::{ENVELOPE_FIELDS, Hash, LedgerTime, Seq, check_actor, check_kind_format};

/// The envelope members the chain checks, read from canonical bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub seq: Seq,
    pub prev: Hash,
    pub time: LedgerTime,
    pub run: Seq,
}

/// Nesting deeper than this is left to `decode` (which allows up to `MAX_DEPTH`).
const DEPTH: usize = 64;

/// The envelope of `bytes` if they are certainly an event `decode` accepts; `None` when unsure.
pub fn header(bytes: &[u8]) -> Option<Header> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut s = Scanner {
        b: text.as_bytes(),
        at: 0,
    };
    s.eat(b'{')?;
    let (mut seq, mut prev, mut time, mut run) = (None, None, None, None);
    for (i, field) in ENVELOPE_FIELDS.iter().enumerate() {
        if i > 0 {
            s.eat(b',')?;
        }
        s.eat(b'"')?;
        s.literal(field.as_bytes())?;
        s.literal(b"\":")?;
        match *field {
            "actor" => check_actor(s.plain_string()?).ok()?,
            "kind" => {
                let kind = s.plain_string()?;
                check_kind_format(kind).ok()?;
                if kind.starts_with("ledger.") {
                    return None;
                }
            }
            "kind_v" => {
                if s.uint()? == 0 {
                    return None;
                }
            }
            "payload" => {
                if s.peek()? != b'{' {
                    return None;
                }
                s.value(2)?;
            }
            "prev" => prev = Hash::from_hex(s.plain_string()?),
            "run" => run = Some(Seq(s.uint()?)),
            "seq" => seq = Some(Seq(s.uint()?)),
            "time" => time = LedgerTime::parse_stored(s.plain_string()?),
            "v" => {
                if s.uint()? != FORMAT_VERSION {
                    return None;
                }
            }
            _ => return None,
        }
    }
    s.eat(b'}')?;
    let header = Header {
        seq: seq?,
        prev: prev?,
        time: time?,
        run: run?,
    };
    // The genesis event's payload rules are `decode`'s and the chain's to check.
    (s.at == s.b.len() && header.seq.0 != 1).then_some(header)
}

struct Scanner<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn literal(&mut self, expected: &[u8]) -> Option<()> {
        let end = self.at.checked_add(expected.len())?;
        (self.b.get(self.at..end)? == expected).then(|| self.at = end)
    }

    /// A string without escapes (after its opening quote has not been read yet): its text.
    fn plain_string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.at;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => return None,
                0x00..=0x1f => return None,
                _ => self.at += 1,
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.at]).ok()?;
        self.at += 1;
        Some(text)
    }

    /// A string in canonical form: raw characters, and escapes only where the canonical
    /// encoder writes them. Returns its raw bytes (between the quotes) and whether it has an
    /// escape.
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        self.eat(b'"')?;
        let start = self.at;
        let mut escaped = false;
        loop {
            match self.peek()? {
                b'"' => break,
                0x00..=0x1f => return None,
                b'\\' => {
                    escaped = true;
                    self.at += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'n' | b'r' | b't' | b'b' | b'f' => self.at += 1,
                        b'u' => {
                            // Only control characters without a short escape, as `\u00xx`
                            // with lowercase hex digits.
                            let hex = self.b.get(self.at + 1..self.at + 5)?;
                            let lower = |c: &u8| c.is_ascii_digit() || (b'a'..=b'f').contains(c);
                            if !hex.iter().all(lower) || &hex[..2] != b"00" {
                                return None;
                            }
                            let code = u8::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16)
                                .ok()?;
                            if code >= 0x20 || matches!(code, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d) {
                                return None;
                            }
                            self.at += 5;
                        }
                        _ => return None,
                    }
                }
                _ => self.at += 1,
            }
        }
        let raw = &self.b[start..self.at];
        self.at += 1;
        Some((raw, escaped))
    }

    /// A non-negative integer within the safe range, in canonical form.
    fn uint(&mut self) -> Option<u64> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let digits = &self.b[start..self.at];
        if digits.is_empty() || (digits[0] == b'0' && digits.len() > 1) || digits.len() > 16 {
            return None;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        let n: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        (n <= MAX_SAFE_INTEGER).then_some(n)
    }

    /// Any value at nesting `depth` (the event object is 1).
    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.at += 1;
                if self.eat(b'}').is_some() {
                    return Some(());
                }
                let mut last: Option<&[u8]> = None;
                loop {
                    let (key, escaped) = self.string()?;
                    // Keys compare by their UTF-8 bytes; with no escape those are the raw
                    // bytes. Strictly ascending also means no key repeats.
                    if escaped || last.is_some_and(|l| l >= key) {
                        return None;
                    }
                    last = Some(key);
                    self.eat(b':')?;
                    self.value(depth + 1)?;
                    if self.eat(b',').is_none() {
                        return self.eat(b'}');
                    }
                }
            }
            b'[' => {
                self.at += 1;
                if self.eat(b']').is_some() {
                    return Some(());
                }
                loop {
                    self.value(depth + 1)?;
                    if self.eat(b',').is_none() {
                        return self.eat(b']');
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            b'-' => {
                self.at += 1;
                // `-0` decodes as a float; leave it to `decode`.
                (self.uint()? != 0).then_some(())
            }
            b'0'..=b'9' => self.uint().map(|_| ()),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::envelope::{Event, NewEvent, seal};
    use proptest::prelude::*;
    use serde_json::{Map, Value};

    fn event_bytes(payload: Map<String, Value>, kind: &str, actor: &str) -> Vec<u8> {
        let new = NewEvent {
            kind: kind.into(),
            kind_v: 1,
            payload,
        };
        let time = LedgerTime::parse_stored("2021-08-31T12:00:00.000000Z").expect("time");
        seal(&new, Seq(7), Hash::ZERO, time, actor, Seq(7)).bytes
    }

    /// JSON values with the characters and numbers that decide canonical form.
    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-(1i64 << 54)..(1i64 << 54)).prop_map(Value::from),
            "[a-zé\"\\\\\n\t\u{1}\u{1f}\u{7f}\u{2028}/ ]{0,6}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map("[a-c\"\\\\\n]{0,3}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever the fast path accepts, `decode` accepts with the same envelope, on
        /// canonical bytes and on the same bytes with one byte changed.
        #[test]
        fn the_fast_path_accepts_only_what_decode_accepts(
            payload in prop::collection::btree_map("[a-d]{1,3}", json(), 0..4),
            flip in any::<(usize, u8)>(),
        ) {
            let bytes = event_bytes(payload.into_iter().collect(), "reading.recorded", "ctrl");
            let mut variants = vec![bytes.clone()];
            let mut changed = bytes.clone();
            let i = flip.0 % changed.len();
            changed[i] = flip.1;
            variants.push(changed);
            for bytes in variants {
                if let Some(h) = header(&bytes) {
                    let e = Event::decode(&bytes, Hash::ZERO);
                    prop_assert!(e.is_ok(), "fast accepted, decode refused: {:?}: {}", e.err(), String::from_utf8_lossy(&bytes));
                    let e = e.expect("checked");
                    prop_assert_eq!(h, Header { seq: e.seq, prev: e.prev, time: e.time, run: e.run });
                }
            }
        }
    }

    #[test]
    fn the_usual_event_takes_the_fast_path() {
        let payload: Map<String, Value> = serde_json::from_str(
            r#"{"indicator":"ekero.m1.i1","period":{"from":"2021-01-01","to":"2021-08-31"},"value":"87","n":-3,"list":[true,null,{}]}"#,
        )
        .expect("json");
        let bytes = event_bytes(payload, "reading.recorded", "Anna Controller");
        let h = header(&bytes).expect("fast path");
        assert_eq!(h.seq, Seq(7));
        // Unusual but valid events are left to `decode`, never refused here.
        for (payload, kind) in [
            (r#"{"text":"tab\there"}"#, "note.added"),
            (r#"{"x":1}"#, "ledger.genesis"),
        ] {
            let bytes = event_bytes(serde_json::from_str(payload).expect("json"), kind, "a");
            assert!(Event::decode(&bytes, Hash::ZERO).is_ok());
            let _ = header(&bytes);
        }
        assert!(header(b"{}").is_none());
    }
}
