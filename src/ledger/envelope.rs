//! The envelope every stored event carries, its byte encoding and its hash.

use super::canonical;
use super::{FORMAT_VERSION, GENESIS_KIND};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};
use std::fmt;

/// A position in the ledger: 1-based, no gaps. Order is by position, never by clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seq(pub u64);

impl fmt::Display for Seq {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A BLAKE3 hash of an event (or 32 zero bytes before the first event).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// The `prev` of the genesis event.
    pub const ZERO: Hash = Hash([0; 32]);

    /// Parses 64 lowercase hex digits.
    pub fn from_hex(s: &str) -> Option<Hash> {
        if s.len() != 64 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Hash(out))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

/// The domain tag that starts every hashed message, so a malbok event hash can never be
/// mistaken for the hash of anything else.
pub const HASH_TAG: &[u8; 16] = b"malbok-event-v1\0";

/// hash = BLAKE3(HASH_TAG ‖ prev ‖ bytes).
pub fn hash_event(prev: &Hash, bytes: &[u8]) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(HASH_TAG);
    hasher.update(&prev.0);
    hasher.update(bytes);
    Hash(*hasher.finalize().as_bytes())
}

/// Ledger time: the UTC moment the appending process said it appended an event, to the
/// microsecond. Always written as `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so that comparing the text
/// compares the moments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LedgerTime(DateTime<Utc>);

impl LedgerTime {
    /// Reads any RFC 3339 time and keeps it to the microsecond, in UTC. The UTC year must be
    /// 0001 to 9999 (ENCODING.md §1): year 0000 is a date many libraries cannot represent.
    pub fn parse_rfc3339(s: &str) -> Option<LedgerTime> {
        let t = DateTime::parse_from_rfc3339(s).ok()?.with_timezone(&Utc);
        (1..=9999)
            .contains(&chrono::Datelike::year(&t))
            .then(|| LedgerTime::from_utc(t))
    }

    /// Reads the one form ledger time is stored in; anything else is `None`.
    pub fn parse_stored(s: &str) -> Option<LedgerTime> {
        let t = LedgerTime::parse_rfc3339(s)?;
        (t.to_string() == s).then_some(t)
    }

    /// The UTC calendar date of this moment.
    pub fn date(&self) -> chrono::NaiveDate {
        self.0.date_naive()
    }

    pub fn from_utc(t: DateTime<Utc>) -> LedgerTime {
        let micros = t.timestamp_micros();
        LedgerTime(DateTime::from_timestamp_micros(micros).unwrap_or(t))
    }
}

impl fmt::Display for LedgerTime {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Micros, true))
    }
}

/// An event as handed to the ledger to append: kind, schema version and payload. The ledger
/// adds the envelope (format version, position, previous hash, time, actor, run).
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub kind: String,
    pub kind_v: u64,
    pub payload: Map<String, Value>,
}

impl NewEvent {
    /// Whether this can be stored as a valid event: a well-formed kind outside `ledger.*`, a
    /// schema version from 1, and a payload without floats or unsafe integers.
    pub fn check(&self) -> Result<(), String> {
        check_kind_format(&self.kind)?;
        if self.kind.starts_with("ledger.") {
            return Err(format!("kind {} is reserved for malbok itself", self.kind));
        }
        if self.kind_v == 0 {
            return Err("kind_v is 0; schema versions start at 1".into());
        }
        check_payload(&self.payload)
    }
}

/// The payload holds no floats and no unsafe integers; a fault names its path (built only
/// then: every event passes here).
fn check_payload(payload: &Map<String, Value>) -> Result<(), String> {
    for (key, value) in payload {
        if !canonical::value_ok(value) {
            canonical::check_value(value, &format!("payload.{key}"))
                .map_err(|f| format!("{}: {}", f.path, f.reason))?;
        }
    }
    Ok(())
}

/// A stored event, decoded. `bytes` are exactly the bytes that were hashed and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub seq: Seq,
    pub prev: Hash,
    pub time: LedgerTime,
    pub actor: String,
    /// The position of the first event appended by the same command run: all events of one
    /// import share it, so an auditor sees what arrived together.
    pub run: Seq,
    pub kind: String,
    pub kind_v: u64,
    pub payload: Map<String, Value>,
    pub hash: Hash,
    pub bytes: Vec<u8>,
}

/// The fields an envelope has, in canonical (sorted) order.
pub const ENVELOPE_FIELDS: [&str; 9] = [
    "actor", "kind", "kind_v", "payload", "prev", "run", "seq", "time", "v",
];

/// An event ready to be stored: what the store needs of its envelope, its bytes and its hash.
#[derive(Debug, Clone, PartialEq)]
pub struct Sealed {
    pub seq: Seq,
    pub run: Seq,
    pub time: LedgerTime,
    pub hash: Hash,
    pub bytes: Vec<u8>,
}

impl From<Event> for Sealed {
    fn from(e: Event) -> Sealed {
        Sealed {
            seq: e.seq,
            run: e.run,
            time: e.time,
            hash: e.hash,
            bytes: e.bytes,
        }
    }
}

/// Builds, encodes and hashes the event that follows `prev`. The envelope is written member by
/// member in canonical (sorted) order, so the payload is never copied.
pub fn seal(
    new: &NewEvent,
    seq: Seq,
    prev: Hash,
    time: LedgerTime,
    actor: &str,
    run: Seq,
) -> Sealed {
    let mut bytes = Vec::with_capacity(256);
    bytes.extend_from_slice(b"{\"actor\":");
    canonical::encode_str(actor, &mut bytes);
    bytes.extend_from_slice(b",\"kind\":");
    canonical::encode_str(&new.kind, &mut bytes);
    // Written straight into the bytes (no string per event); writing to a Vec cannot fail.
    use std::io::Write as _;
    let _ = write!(bytes, ",\"kind_v\":{},\"payload\":", new.kind_v);
    canonical::encode_object(&new.payload, &mut bytes);
    let _ = write!(
        bytes,
        ",\"prev\":\"{prev}\",\"run\":{run},\"seq\":{seq},\"time\":\"{time}\",\"v\":{FORMAT_VERSION}}}"
    );
    Sealed {
        seq,
        run,
        time,
        hash: hash_event(&prev, &bytes),
        bytes,
    }
}

impl Event {
    /// Decodes stored bytes and checks everything that can be checked of one event alone: valid
    /// canonical JSON, exactly the envelope fields with the right types, this format version.
    /// `hash` is the hash stored beside the bytes; it is carried, not checked, here.
    pub fn decode(bytes: &[u8], hash: Hash) -> Result<Event, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("bytes are not UTF-8: {e}"))?;
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("bytes are not JSON: {e}"))?;
        if canonical::encode(&value) != bytes {
            return Err("bytes are not in canonical form".into());
        }
        let Value::Object(mut obj) = value else {
            return Err("event is not a JSON object".into());
        };
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        if keys != ENVELOPE_FIELDS {
            return Err(format!(
                "envelope has fields {keys:?}, expected {ENVELOPE_FIELDS:?}"
            ));
        }
        // ENCODING.md §4: every integer of the event, envelope members included, is at most
        // 2^53 − 1 in magnitude.
        let uint = |obj: &Map<String, Value>, k: &str| {
            let n = obj[k]
                .as_u64()
                .ok_or_else(|| format!("{k} is not a non-negative integer"))?;
            if n > canonical::MAX_SAFE_INTEGER {
                return Err(format!(
                    "{k} is {n}, beyond {}; events/ENCODING.md §4 allows integers up to 2^53 − 1",
                    canonical::MAX_SAFE_INTEGER
                ));
            }
            Ok(n)
        };
        let string = |obj: &mut Map<String, Value>, k: &str| match obj.remove(k) {
            Some(Value::String(s)) => Ok(s),
            _ => Err(format!("{k} is not a string")),
        };
        let v = uint(&obj, "v")?;
        if v != FORMAT_VERSION {
            return Err(format!(
                "format version {v}, this malbok reads {FORMAT_VERSION}"
            ));
        }
        let seq = Seq(uint(&obj, "seq")?);
        let run = Seq(uint(&obj, "run")?);
        let kind_v = uint(&obj, "kind_v")?;
        let prev = string(&mut obj, "prev")?;
        let prev = Hash::from_hex(&prev).ok_or("prev is not 64 lowercase hex digits")?;
        let time = string(&mut obj, "time")?;
        let time = LedgerTime::parse_stored(&time).ok_or_else(|| {
            format!("time {time:?} is not of the form 2021-08-31T12:00:00.000000Z")
        })?;
        let actor = string(&mut obj, "actor")?;
        let kind = string(&mut obj, "kind")?;
        check_kind_format(&kind)?;
        if kind_v == 0 {
            return Err("kind_v is 0; schema versions start at 1".into());
        }
        check_actor(&actor)?;
        let Some(Value::Object(payload)) = obj.remove("payload") else {
            return Err("payload is not a JSON object".into());
        };
        check_payload(&payload)?;
        Ok(Event {
            seq,
            prev,
            time,
            actor,
            run,
            kind,
            kind_v,
            payload,
            hash,
            bytes: bytes.to_vec(),
        })
    }

    /// The ledger id a genesis event carries.
    pub fn genesis_ledger_id(&self) -> Option<&str> {
        if self.kind != GENESIS_KIND {
            return None;
        }
        self.payload.get("ledger_id")?.as_str()
    }
}

/// The payload of the genesis event.
pub fn genesis(ledger_id: &str) -> NewEvent {
    let mut payload = Map::new();
    payload.insert("ledger_id".into(), Value::from(ledger_id));
    NewEvent {
        kind: GENESIS_KIND.into(),
        kind_v: 1,
        payload,
    }
}

/// Kinds are lowercase words (a letter, then letters, digits or `_`) joined by dots, at most 64
/// characters.
pub fn check_kind_format(kind: &str) -> Result<(), String> {
    let word_ok = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_lowercase())
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if kind.len() > 64 {
        return Err(format!(
            "{kind:?} is {} characters; a kind has at most 64",
            kind.chars().count()
        ));
    }
    if !kind.split('.').all(word_ok) {
        return Err(format!(
            "{kind:?} is not a kind: use lowercase words joined by dots, e.g. \"reading.recorded\""
        ));
    }
    Ok(())
}

/// An actor is 1 to 128 characters with no control characters.
pub fn check_actor(actor: &str) -> Result<(), String> {
    if actor.is_empty() || actor.chars().count() > 128 || actor.chars().any(char::is_control) {
        return Err(format!(
            "{actor:?} is not an actor: 1 to 128 characters, no control characters"
        ));
    }
    Ok(())
}

/// Whether `id` has the form of a ledger id: 32 lowercase hex digits (128 random bits).
pub fn is_ledger_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
