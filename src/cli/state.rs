//! Replaying the ledger into the domain state, as known at a ledger position or time.

use super::CliError;
use crate::domain::{DomainEvent, Meta, State};
use crate::import::InputError;
use crate::ledger::{Event, GENESIS_KIND, Hash, Ledger, LedgerError, LedgerTime, Seq};

/// "As known at": which prefix of the ledger a query sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownAt {
    /// Everything stored.
    Now,
    /// Events up to and including this position.
    Seq(Seq),
    /// Events appended at or before this ledger time.
    Time(LedgerTime),
}

impl KnownAt {
    /// Reads `--known-at`: a position (`1042`) or an RFC 3339 ledger time.
    pub fn parse(text: Option<&str>) -> Result<KnownAt, InputError> {
        let Some(text) = text else {
            return Ok(KnownAt::Now);
        };
        if let Ok(seq) = text.parse::<u64>() {
            return Ok(KnownAt::Seq(Seq(seq)));
        }
        LedgerTime::parse_rfc3339(text).map(KnownAt::Time).ok_or_else(|| {
            InputError::new(
                "--known-at",
                None,
                None,
                format!("{text:?} is neither a ledger position (e.g. 1042) nor an RFC 3339 time (e.g. 2021-09-15T12:00:00Z)"),
            )
        })
    }

    fn includes(self, event: &Event) -> bool {
        match self {
            KnownAt::Now => true,
            KnownAt::Seq(seq) => event.seq <= seq,
            KnownAt::Time(time) => event.time <= time,
        }
    }
}

/// The domain state after replaying the events the ledger held at `known`. Ledger time never
/// decreases along the chain, so "as known at a time" is a prefix too.
pub fn replay(ledger: &Ledger, known: KnownAt) -> Result<State, CliError> {
    Ok(replay_to(ledger, known)?.0)
}

/// `replay`, and the last event replayed: the head of the prefix (position and hash).
pub fn replay_to(ledger: &Ledger, known: KnownAt) -> Result<(State, (Seq, Hash)), CliError> {
    let mut state = State::default();
    let mut head = (Seq(0), Hash::ZERO);
    for event in ledger.events_from(Seq(1)) {
        let event = event?;
        if !known.includes(&event) {
            break;
        }
        head = (event.seq, event.hash);
        if event.kind == GENESIS_KIND {
            continue;
        }
        let meta = Meta {
            seq: event.seq.0,
            time: event.time.to_string(),
            actor: event.actor,
        };
        let payload = serde_json::Value::Object(event.payload);
        let domain =
            DomainEvent::parse(&event.kind, &payload).map_err(|e| LedgerError::Damaged {
                seq: meta.seq,
                why: format!(
                    "the stored {} event is not one this malbok reads: {e}",
                    event.kind
                ),
            })?;
        state.apply(&meta, &domain);
    }
    Ok((state, head))
}
