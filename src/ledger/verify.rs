//! Recomputing the hash chain. The same checker serves a sled ledger, an export file and
//! `restore`, so all three agree on what a valid ledger is.

use super::envelope::{Event, Hash, Seq, hash_event, is_ledger_id};
use super::scan::{self, Header};
use super::{GENESIS_KIND, Head};
use std::fmt;

/// The first thing wrong with a chain: the position where it was found and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub seq: u64,
    pub what: String,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "position {}: {}", self.seq, self.what)
    }
}

/// A chain that verified: how many events and its head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub ledger_id: String,
    pub head: Head,
}

/// Checks events one at a time, in order, keeping only what the next check needs.
#[derive(Debug)]
pub struct Chain {
    last: Option<Head>,
    run: Seq,
    ledger_id: Option<String>,
    expected_head: Option<(Seq, Hash)>,
}

impl Chain {
    /// A checker for a chain from its first event. `expected_head` is a head written down
    /// earlier (position and hash): the chain must contain exactly that event.
    pub fn new(expected_head: Option<(Seq, Hash)>) -> Chain {
        Chain {
            last: None,
            run: Seq(0),
            ledger_id: None,
            expected_head,
        }
    }

    /// The position the next event must have.
    pub fn next_seq(&self) -> u64 {
        self.last.as_ref().map_or(1, |h| h.seq.0 + 1)
    }

    /// The stored hash of the last event checked (zero before the first).
    pub fn last_hash(&self) -> Hash {
        self.last.as_ref().map_or(Hash::ZERO, |h| h.hash)
    }

    /// Checks the next stored event: its bytes and the hash stored beside them.
    pub fn push(&mut self, bytes: &[u8], stored: Hash) -> Result<Event, Fault> {
        let p = self.next_seq();
        let hashed = hash_event(&self.last_hash(), bytes);
        let event = Event::decode(bytes, stored).map_err(|what| Fault { seq: p, what })?;
        self.check(stored, hashed, &Header::of(&event), Some(&event))?;
        Ok(event)
    }

    /// [`Chain::push`] of an event whose decoding and hashing [`precheck`] did, perhaps on
    /// another thread, given the stored hash of the event before it.
    pub fn push_prechecked(&mut self, stored: Hash, pre: Prechecked) -> Result<(), Fault> {
        let p = self.next_seq();
        match pre.event.map_err(|what| Fault { seq: p, what })? {
            Decoded::Header(header) => self.check(stored, pre.hashed, &header, None),
            Decoded::Event(event) => {
                self.check(stored, pre.hashed, &Header::of(&event), Some(&event))
            }
        }
    }

    /// The chain's checks of the next event, from its envelope; `event` is the whole decoded
    /// event where [`precheck`] needed it (the genesis event, a `ledger.*` kind).
    fn check(
        &mut self,
        stored: Hash,
        hashed: Hash,
        event: &Header,
        decoded: Option<&Event>,
    ) -> Result<(), Fault> {
        let p = self.next_seq();
        let fault = |what: String| Fault { seq: p, what };
        if event.seq.0 != p {
            return Err(fault(format!(
                "found the event with seq {} where seq {p} belongs: an event was removed, inserted or moved",
                event.seq
            )));
        }
        let prev = self.last.as_ref().map_or(Hash::ZERO, |h| h.hash);
        if event.prev != prev {
            return Err(fault(
                "prev does not match the hash of the event before it".into(),
            ));
        }
        if hashed != stored {
            return Err(fault(
                "the event's bytes do not match its hash: the event was changed".into(),
            ));
        }
        // The fast path leaves the genesis event and every `ledger.*` kind decoded in full.
        let kind = decoded.map(|e| e.kind.as_str());
        if p == 1 {
            match decoded.and_then(Event::genesis_ledger_id) {
                Some(id)
                    if is_ledger_id(id)
                        && decoded.is_some_and(|e| e.payload.len() == 1 && e.kind_v == 1) =>
                {
                    self.ledger_id = Some(id.to_string())
                }
                _ => {
                    return Err(fault(format!(
                        "the first event must be {GENESIS_KIND} (kind_v 1) with only a ledger_id of 32 hex digits"
                    )));
                }
            }
        } else if let Some(kind) = kind.filter(|k| k.starts_with("ledger.")) {
            return Err(fault(format!(
                "kind {kind} is reserved: only the first event is a ledger.* event"
            )));
        }
        if let Some(last) = &self.last
            && event.time < last.time
        {
            return Err(fault(format!(
                "ledger time {} is before the previous event's {}",
                event.time, last.time
            )));
        }
        if event.run.0 != p && event.run != self.run {
            return Err(fault(format!(
                "run {} is neither this position nor the run of the event before it",
                event.run
            )));
        }
        if let Some((seq, hash)) = self.expected_head
            && seq.0 == p
            && hash != stored
        {
            return Err(fault(format!(
                "the recorded head says {seq}:{hash}, the ledger has {seq}:{stored}: the ledger was rewritten from here or before"
            )));
        }
        self.run = event.run;
        self.last = Some(Head {
            seq: event.seq,
            hash: stored,
            time: event.time,
        });
        Ok(())
    }

    /// Ends the check: the chain must not be empty and must reach the expected head.
    pub fn finish(self) -> Result<Verified, Fault> {
        let (Some(last), Some(ledger_id)) = (self.last, self.ledger_id) else {
            return Err(Fault {
                seq: 1,
                what: "the ledger holds no events".into(),
            });
        };
        if let Some((seq, _)) = self.expected_head
            && seq > last.seq
        {
            return Err(Fault {
                seq: last.seq.0 + 1,
                what: format!(
                    "the ledger ends at position {} but the recorded head is at {seq}: the tail was cut off",
                    last.seq
                ),
            });
        }
        Ok(Verified {
            ledger_id,
            head: last,
        })
    }
}

/// What can be checked of one stored event without the events before it, given the stored
/// hash of the one before (`prev`): its decoding and its hash. Independent per event, so a
/// verifier can do it for many events at once.
pub struct Prechecked {
    event: Result<Decoded, String>,
    hashed: Hash,
}

/// An event as [`precheck`] read it: only its envelope where the fast path could, else whole.
enum Decoded {
    Header(Header),
    Event(Box<Event>),
}

impl Header {
    fn of(event: &Event) -> Header {
        Header {
            seq: event.seq,
            prev: event.prev,
            time: event.time,
            run: event.run,
        }
    }
}

/// Checks `bytes` (through [`scan::header`] where it can, else [`Event::decode`]) and hashes
/// them after `prev`; [`Chain::push_prechecked`] judges the result.
pub fn precheck(bytes: &[u8], stored: Hash, prev: Hash) -> Prechecked {
    let event = match scan::header(bytes) {
        Some(header) => Ok(Decoded::Header(header)),
        None => Event::decode(bytes, stored).map(|e| Decoded::Event(Box::new(e))),
    };
    Prechecked {
        event,
        hashed: hash_event(&prev, bytes),
    }
}

/// Parses a head written as `SEQ:HASH`, as `malbok head` prints it: exactly
/// `[1-9][0-9]*:[0-9a-f]{64}` (no sign, no leading zeros).
pub fn parse_head(s: &str) -> Option<(Seq, Hash)> {
    let (seq, hash) = s.split_once(':')?;
    if seq.starts_with('0') || !seq.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seq: u64 = seq.parse().ok().filter(|&n| n > 0)?;
    Some((Seq(seq), Hash::from_hex(hash)?))
}

#[cfg(test)]
mod tests {
    use super::parse_head;

    #[test]
    fn a_head_is_exactly_seq_colon_hash() {
        let hash = "0".repeat(64);
        assert!(parse_head(&format!("12:{hash}")).is_some());
        for bad in ["+12", "012", "0", "", " 12", "1_2"] {
            assert!(parse_head(&format!("{bad}:{hash}")).is_none(), "{bad}");
        }
        assert!(parse_head(&format!("12:{}", "A".repeat(64))).is_none());
    }
}
