//! Golden vectors: events with their exact bytes and hashes, in `events/vectors/chain.jsonl`.
//! An outside implementation of `events/ENCODING.md` checks itself against that file; this test
//! checks that malbok still produces it byte for byte. Set MALBOK_BLESS=1 to rewrite the file
//! after a deliberate format change (and then bump the format version).

use malbok::ledger::envelope::{Hash, LedgerTime, NewEvent, Seq, genesis};
use malbok::ledger::export;
use serde_json::json;

fn new(kind: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        kind_v: 1,
        payload: payload.as_object().expect("object").clone(),
    }
}

fn vectors() -> Vec<u8> {
    let t = |s| LedgerTime::parse_rfc3339(s).expect("time");
    let events = [
        (
            genesis("0123456789abcdef0123456789abcdef"),
            "2021-08-31T22:00:00Z",
            "ekero.controller",
            1,
        ),
        (
            new(
                "organisation.registered",
                json!({"id": "ekero", "name": "Ekerö kommun", "kolada_id": "0125"}),
            ),
            "2021-09-01T08:15:30.5Z",
            "ekero.controller",
            2,
        ),
        (
            // Two events of one run: same run id, same ledger time.
            new(
                "reading.recorded",
                json!({"indicator": "ekero.sn.i01", "value": "0.87", "period": {"from": "2021-01-01", "to": "2021-08-31"}, "count": -3}),
            ),
            "2021-09-01T10:16:00+02:00",
            "anna \"A\" Ö",
            3,
        ),
        (
            new(
                "note.added",
                json!({"text": "rad 1\nrad 2\t\\ \u{1} / \u{7f} é € 😀", "empty": {}, "list": [true, false, null, []]}),
            ),
            "2021-09-01T10:16:00+02:00",
            "anna \"A\" Ö",
            3,
        ),
    ];
    let mut out = Vec::new();
    let mut prev = Hash::ZERO;
    for (i, (event, time, actor, run)) in events.iter().enumerate() {
        let sealed = malbok::ledger::envelope::seal(
            event,
            Seq(i as u64 + 1),
            prev,
            t(time),
            actor,
            Seq(*run),
        );
        export::write_line(&mut out, &sealed.bytes, &sealed.hash);
        prev = sealed.hash;
    }
    out
}

#[test]
fn golden_vectors_are_reproduced_byte_for_byte() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("events/vectors/chain.jsonl");
    let produced = vectors();
    if std::env::var_os("MALBOK_BLESS").is_some() {
        std::fs::write(&path, &produced).expect("write vectors");
    }
    let stored = std::fs::read(&path).expect("events/vectors/chain.jsonl exists");
    assert_eq!(
        String::from_utf8_lossy(&produced),
        String::from_utf8_lossy(&stored)
    );
    // And the vectors are a valid chain by malbok's own verifier.
    let verified = export::verify_export(&stored, None, |_| {}).expect("vectors verify");
    assert_eq!(verified.head.seq, Seq(4));
}
