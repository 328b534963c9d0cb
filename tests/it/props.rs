//! Properties: any sequence of events appended in any batches exports and verifies, the
//! export restores to an identical ledger, and any single-byte change anywhere in an export is
//! caught at the line it is on.

use malbok::ledger::envelope::{LedgerTime, NewEvent};
use malbok::ledger::{Ledger, Seq, export};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-(1i64 << 53) + 1..(1i64 << 53)).prop_map(Value::from),
        // Any text, including quotes, backslashes, control characters and non-ASCII.
        any::<String>().prop_map(Value::String),
        "[0-9]{1,4}(\\.[0-9]{1,3})?".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zåäö_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn new_event() -> impl Strategy<Value = NewEvent> {
    (
        "[a-z][a-z0-9_]{0,5}\\.[a-z][a-z_]{0,7}",
        prop::collection::btree_map("[a-z_]{1,8}", json_value(), 0..5),
    )
        .prop_map(|(kind, payload)| NewEvent {
            kind,
            kind_v: 1,
            payload: payload.into_iter().collect::<Map<_, _>>(),
        })
}

/// Batches of events, each appended by one "command run", with non-decreasing times.
fn batches() -> impl Strategy<Value = Vec<(Vec<NewEvent>, i64)>> {
    prop::collection::vec(
        (prop::collection::vec(new_event(), 1..40), 0i64..100_000_000),
        1..6,
    )
}

fn build(batches: &[(Vec<NewEvent>, i64)]) -> (tempfile::TempDir, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("l.db");
    let base = LedgerTime::parse_rfc3339("2021-01-01T00:00:00Z").expect("time");
    let mut ledger = Ledger::init(&path, "prop", base).expect("init");
    let mut micros = 1_609_459_200_000_000i64;
    for (events, step) in batches {
        micros += step;
        let now = LedgerTime::from_utc(chrono::DateTime::from_timestamp_micros(micros).expect("t"));
        ledger.append(events, "prop", now).expect("append");
    }
    ledger.verify(None).expect("the stored ledger verifies");
    let mut out = Vec::new();
    for item in ledger.raw_from(Seq(1)) {
        let (_, hash, bytes) = item.expect("read");
        export::write_line(&mut out, &bytes, &hash);
    }
    (dir, out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_event_sequence_exports_verifies_and_restores(batches in batches()) {
        let (dir, exported) = build(&batches);
        let total: usize = batches.iter().map(|(b, _)| b.len()).sum();
        let mut events = Vec::new();
        let verified = export::verify_export(&exported, None, |e| events.push(e)).expect("export verifies");
        prop_assert_eq!(verified.head.seq.0, total as u64 + 1);
        // Payloads come back exactly as appended.
        let appended: Vec<&NewEvent> = batches.iter().flat_map(|(b, _)| b).collect();
        for (event, new) in events[1..].iter().zip(appended) {
            prop_assert_eq!(&event.payload, &new.payload);
            prop_assert_eq!(&event.kind, &new.kind);
        }
        // Restoring gives a ledger whose export is byte-identical.
        let sealed: Vec<_> = events.into_iter().map(Into::into).collect();
        let copy = Ledger::create(&dir.path().join("copy.db"), &verified.ledger_id, &sealed).expect("restore");
        let mut again = Vec::new();
        for item in copy.raw_from(Seq(1)) {
            let (_, hash, bytes) = item.expect("read");
            export::write_line(&mut again, &bytes, &hash);
        }
        prop_assert_eq!(exported, again);
    }

    #[test]
    fn any_single_byte_change_in_an_export_is_caught_on_its_line(
        batches in batches(),
        pick in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let (_dir, mut exported) = build(&batches);
        let at = pick.index(exported.len());
        exported[at] = exported[at].wrapping_add(delta);
        let line = exported[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let fault = export::verify_export(&exported, None, |_| {}).expect_err("the change is caught");
        prop_assert_eq!(fault.seq, line, "byte {} changed: {}", at, fault.what);
    }
}
