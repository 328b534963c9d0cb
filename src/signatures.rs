//! Signed events (events/PROOFS.md, "Signed events"): an actor registers an Ed25519 verifier
//! key (`actor.key_registered`), and a `signature.added` event signs the hash of an earlier
//! event, which through the chain covers every event before it. The envelope and every hash
//! stay as they are: signatures are events of their own.
//!
//! `verify` checks them here, with the whole ledger at hand: the key must be registered before
//! the signature, to the signed event's actor, and not revoked (before the signature, or from a
//! time at or before the signature's); the signature must verify over [`message`].

use crate::domain::{DomainEvent, KeyRegistered, KeyRevoked, SignatureAdded};
use crate::ledger::note::{SignerKey, VerifierKey};
use crate::ledger::{Fault, GENESIS_KIND, Hash, Ledger, LedgerTime, Seq};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use std::collections::BTreeMap;

/// The domain-separation line that starts every signed message.
pub const CONTEXT: &str = "malbok event signature v1";

/// The bytes a key signs for the event at `seq` with `hash`:
/// `malbok event signature v1\n<seq>\n<hash, 64 lowercase hex>\n`.
pub fn message(seq: Seq, hash: &Hash) -> Vec<u8> {
    format!("{CONTEXT}\n{seq}\n{}\n", hash.to_hex()).into_bytes()
}

/// The `signature.added` payload by which `key` signs the event at `seq` with `hash`.
pub fn payload(key: &SignerKey, seq: Seq, hash: &Hash) -> serde_json::Value {
    serde_json::json!({
        "seq": seq.0,
        "hash": hash.to_hex(),
        "key_hash": format!("{:08x}", key.id),
        "signature": B64.encode(key.sign_bytes(&message(seq, hash))),
    })
}

/// How many events each actor appended and how many of them a valid signature covers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// actor → (signed, all), signature events themselves not counted.
    pub actors: BTreeMap<String, (u64, u64)>,
    /// How many signatures verified.
    pub signatures: u64,
    /// How many keys were registered.
    pub keys: u64,
}

struct Key {
    actor: String,
    verifier: VerifierKey,
    /// The position of the revocation and the time from which the key is void.
    revoked: Option<(u64, LedgerTime)>,
}

/// A signature resolved to its key while reading, checked against its event afterwards.
struct Pending {
    at: u64,
    time: LedgerTime,
    key: u32,
    def: SignatureAdded,
    actor: String,
    verifier: VerifierKey,
}

fn parse(
    kind: &str,
    payload: &serde_json::Map<String, serde_json::Value>,
    seq: u64,
) -> Result<DomainEvent, Fault> {
    DomainEvent::parse(kind, &serde_json::Value::Object(payload.clone())).map_err(|e| Fault {
        seq,
        what: format!("the stored {kind} event cannot be read: {e}"),
    })
}

/// Checks every signature of the ledger (whose chain was verified) and counts signed events.
pub fn check(ledger: &Ledger) -> Result<Report, Fault> {
    let stored = |e: crate::ledger::LedgerError| Fault {
        seq: 0,
        what: e.to_string(),
    };
    // Keys and signatures are shared definitions, listed in the derived organisation index
    // under the empty home: a ledger without any (most) is answered from those few events,
    // not by a second pass over every event. A stale or unreadable index is not trusted (that
    // is `verify --deep`'s to report): then every event is read.
    let none_signed = || -> Result<bool, crate::ledger::LedgerError> {
        if !ledger.derived_current()? {
            return Ok(false);
        }
        for event in ledger.events_at(crate::projection::org_positions(ledger, None)?) {
            if matches!(
                event?.kind.as_str(),
                "actor.key_registered" | "actor.key_revoked" | "signature.added"
            ) {
                return Ok(false);
            }
        }
        Ok(true)
    };
    if none_signed().unwrap_or(false) {
        return Ok(Report::default());
    }
    let mut keys: BTreeMap<u32, Key> = BTreeMap::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut report = Report::default();
    // run → the events of the run, and its actor: a signature covers its run up to the signed
    // event (a batch is one run, appended by one actor).
    for event in ledger.events_from(Seq(1)) {
        let event = event.map_err(stored)?;
        let at = event.seq.0;
        match event.kind.as_str() {
            "actor.key_registered" => {
                let DomainEvent::KeyRegistered(KeyRegistered { actor, key, .. }) =
                    parse(&event.kind, &event.payload, at)?
                else {
                    unreachable!("parsed as its kind")
                };
                let verifier = VerifierKey::parse(&key).map_err(|e| Fault {
                    seq: at,
                    what: e.to_string(),
                })?;
                if let Some(old) = keys.get(&verifier.id) {
                    return Err(Fault {
                        seq: at,
                        what: format!(
                            "key {:08x} is already registered (to {})",
                            verifier.id, old.actor
                        ),
                    });
                }
                report.keys += 1;
                keys.insert(
                    verifier.id,
                    Key {
                        actor,
                        verifier,
                        revoked: None,
                    },
                );
            }
            "actor.key_revoked" => {
                let DomainEvent::KeyRevoked(KeyRevoked {
                    actor,
                    key_hash,
                    effective,
                    ..
                }) = parse(&event.kind, &event.payload, at)?
                else {
                    unreachable!("parsed as its kind")
                };
                let id = u32::from_str_radix(&key_hash, 16).unwrap_or(0);
                let time = LedgerTime::parse_rfc3339(&effective).ok_or_else(|| Fault {
                    seq: at,
                    what: "payload.effective is not an RFC 3339 time".into(),
                })?;
                let Some(key) = keys.get_mut(&id).filter(|k| k.actor == actor) else {
                    return Err(Fault {
                        seq: at,
                        what: format!("revokes key {key_hash}, which is not registered to {actor}"),
                    });
                };
                key.revoked.get_or_insert((at, time));
            }
            "signature.added" => {
                let DomainEvent::SignatureAdded(def) = parse(&event.kind, &event.payload, at)?
                else {
                    unreachable!("parsed as its kind")
                };
                let id = u32::from_str_radix(&def.key_hash, 16).unwrap_or(0);
                let Some(key) = keys.get(&id) else {
                    return Err(Fault {
                        seq: at,
                        what: format!(
                            "signed by key {}, which no earlier actor.key_registered registers",
                            def.key_hash
                        ),
                    });
                };
                if def.seq == 0 || def.seq >= at {
                    return Err(Fault {
                        seq: at,
                        what: format!("signs position {}, which is not before it", def.seq),
                    });
                }
                pending.push(Pending {
                    at,
                    time: event.time,
                    key: id,
                    def,
                    actor: key.actor.clone(),
                    verifier: key.verifier.clone(),
                });
                continue;
            }
            _ => {}
        }
        if event.kind != GENESIS_KIND {
            report.actors.entry(event.actor).or_default().1 += 1;
        }
    }
    // The signed events, each read once, in order.
    pending.sort_by_key(|p| p.def.seq);
    let seqs: Vec<Seq> = pending.iter().map(|p| Seq(p.def.seq)).collect();
    let mut covered: BTreeMap<u64, (u64, String)> = BTreeMap::new();
    for (p, event) in pending.iter().zip(ledger.events_at(seqs)) {
        let event = event.map_err(stored)?;
        let fault = |what: String| Fault { seq: p.at, what };
        // A revocation counts against signatures after it, and, from its effective time,
        // against earlier ones too (a key that leaked before it was revoked).
        if let Some((revoked_at, from)) = keys.get(&p.key).and_then(|k| k.revoked)
            && (revoked_at < p.at || from <= p.time)
        {
            return Err(fault(format!(
                "signed by key {} of {}, revoked at position {revoked_at} from {from}",
                p.def.key_hash, p.actor
            )));
        }
        if event.hash.to_hex() != p.def.hash {
            return Err(fault(format!(
                "signs hash {} for position {}, whose hash is {}",
                p.def.hash, p.def.seq, event.hash
            )));
        }
        if event.actor != p.actor {
            return Err(fault(format!(
                "signed by key {} of {}, but event {} was appended by {}",
                p.def.key_hash, p.actor, p.def.seq, event.actor
            )));
        }
        let sig = B64.decode(&p.def.signature).unwrap_or_default();
        if !p.verifier.verifies(&message(event.seq, &event.hash), &sig) {
            return Err(fault(format!(
                "the signature by key {} over event {} does not verify",
                p.def.key_hash, p.def.seq
            )));
        }
        report.signatures += 1;
        let last = covered
            .entry(event.run.0)
            .or_insert((0, event.actor.clone()));
        last.0 = last.0.max(event.seq.0);
    }
    for (run, (last, actor)) in covered {
        report.actors.entry(actor).or_default().0 += last - run + 1;
    }
    Ok(report)
}
