//! Derived data (the id, subject and organisation indexes) answers exactly as a full replay
//! does: for every position of the seed ledgers, each organisation's status and each id's
//! history from its organisation's projection equal those from the whole ledger; the derived
//! data survives a rebuild byte for byte; and `verify --deep` finds damage to it.

use crate::common::{self, TestEnv};
use malbok::ledger::{Ledger, Seq};
use malbok::projection::{self, KnownAt};
use malbok::query::{StatusFilter, history, status};

fn seeded() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    for name in ["ekero", "gotene", "enkoping"] {
        let path = common::root()
            .join("fixtures")
            .join(name)
            .join("events.jsonl");
        env.run(&["import", path.to_str().expect("UTF-8 path")]);
    }
    env
}

#[test]
fn per_organisation_answers_equal_full_replay_at_every_position() {
    let env = seeded();
    let ledger = projection::open(&env.ledger()).expect("open");
    let head = ledger.head().expect("head").seq.0;
    let at = chrono::NaiveDate::from_ymd_opt(2021, 8, 31).expect("a date");
    let orgs = ["ekero", "gotene", "enkoping"];
    // Every id any event defines, for history.
    let (all, _) = projection::full_state(&ledger, KnownAt::Now, false).expect("full");
    let ids: Vec<String> = all
        .goals
        .keys()
        .chain(all.indicators.keys())
        .chain(all.targets.keys())
        .chain(all.bodies.keys())
        .map(|id| id.as_str().to_string())
        .collect();
    for seq in (1..=head).step_by(3).chain([head]) {
        let known = KnownAt::Seq(Seq(seq));
        let (full, full_head) = projection::full_state(&ledger, known, false).expect("full");
        for org in orgs {
            let home = malbok::domain::Id::parse(org).expect("id");
            let (part, part_head) =
                projection::org_state(&ledger, Some(&home), known, false).expect("org");
            assert_eq!(part_head, full_head, "head of the prefix at {seq}");
            let filter = StatusFilter {
                org: Some(org.into()),
                body: None,
                goal: None,
            };
            let from_full = serde_json::to_string(&status(&full, at, &filter)).expect("json");
            let from_part = serde_json::to_string(&status(&part, at, &filter)).expect("json");
            assert_eq!(from_part, from_full, "status of {org} at position {seq}");
        }
        for id in &ids {
            let Some(info) = projection::id_info(&ledger, id).expect("id info") else {
                panic!("{id} is not in the id index");
            };
            let (part, _) =
                projection::org_state(&ledger, info.home.as_ref(), known, false).expect("org");
            let from_full = serde_json::to_string(&history(&full, id)).expect("json");
            let from_part = serde_json::to_string(&history(&part, id)).expect("json");
            assert_eq!(from_part, from_full, "history of {id} at position {seq}");
        }
    }
}

/// All derived entries, in key order.
fn derived(ledger: &Ledger) -> Vec<(Vec<u8>, Vec<u8>)> {
    ledger
        .derived_scan(b"")
        .collect::<Result<_, _>>()
        .expect("scan derived")
}

#[test]
fn reindex_rebuilds_the_same_derived_data_and_verify_deep_checks_it() {
    let env = seeded();
    let before = {
        let ledger = Ledger::open(&env.ledger()).expect("open");
        derived(&ledger)
    };
    assert!(before.len() > 267, "{} derived entries", before.len());
    env.run(&["reindex"]);
    let ledger = Ledger::open(&env.ledger()).expect("open");
    assert_eq!(derived(&ledger), before, "reindex gives other derived data");
    drop(ledger);
    let out = env.run(&["verify", "--deep"]);
    assert!(out.contains("derived entries equal"), "{out}");

    // Damage: one index entry removed, one invented.
    for damage in [
        b"o\x00gone".as_slice(),
        b"sekero\x00\x00\x00\x00\x00\x00\x0f\x42\x3f",
        b"changed",
    ] {
        let ledger = Ledger::open(&env.ledger()).expect("open");
        let (key, _) = before
            .iter()
            .find(|(k, _)| k.starts_with(b"sekero.sn\x00"))
            .expect("a key");
        if damage.starts_with(b"o") {
            ledger.raw_derived().remove(key).expect("remove");
        } else if damage == b"changed" {
            // The block's first position plus 1: the list now names another event.
            ledger.raw_derived().insert(key, vec![1u8]).expect("change");
        } else {
            ledger
                .raw_derived()
                .insert(damage, b"".as_slice())
                .expect("insert");
        }
        ledger.flush().expect("flush");
        drop(ledger);
        let out = env
            .malbok()
            .args(["verify", "--deep"])
            .output()
            .expect("run");
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("derived data"), "{err}");
        env.run(&["reindex"]);
        env.run(&["verify", "--deep"]);
    }
}

#[test]
fn derived_data_behind_the_head_is_caught_up_when_the_ledger_opens() {
    let env = seeded();
    let before = {
        let ledger = Ledger::open(&env.ledger()).expect("open");
        derived(&ledger)
    };
    // As after a crash between an append's two writes: events stored, derived data behind.
    {
        let mut ledger = Ledger::open(&env.ledger()).expect("open");
        let line = common::org_line("annanby");
        let lines = malbok::import::jsonl::parse("x", line.as_bytes()).expect("parse");
        let events: Vec<_> = lines.into_iter().map(|l| l.event).collect();
        let now = malbok::ledger::LedgerTime::parse_rfc3339(common::NOW).expect("time");
        ledger.append(&events, "tester", now).expect("append");
        let derived_head = ledger.derived_head().expect("derived head").expect("some");
        assert!(derived_head.0 < ledger.head().expect("head").seq);
    }
    // Any command that opens the ledger for its derived data catches it up.
    env.run(&["history", "annanby"]);
    env.run(&["verify", "--deep"]);
    let ledger = Ledger::open(&env.ledger()).expect("open");
    let after = derived(&ledger);
    assert!(after.len() > before.len());
    let org = projection::id_info(&ledger, "annanby").expect("lookup");
    assert_eq!(org.expect("indexed").space, "organisation");
}

/// A streamed import refused in a late part leaves nothing: the head, the derived data and the
/// next import are as if it had never run; and the same events imported in parts or at once
/// give the same chain.
#[test]
fn a_streamed_import_is_all_or_nothing_and_parts_change_nothing() {
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    let good = std::fs::read_to_string(&fixture).expect("fixture");
    let lines: Vec<&str> = good.lines().collect();
    let bad = format!(
        "{}\n{{\"kind\":\"goal.defined\",\"payload\":{{\"id\":\"late\",\"plan\":\"nope\",\"text\":\"x\",\"bodies\":[\"ekero.sn\"]}}}}\n{}\n",
        lines[..100].join("\n"),
        lines[100..].join("\n")
    );
    let env = TestEnv::new();
    env.init();
    let genesis = env.run(&["export"]);
    env.write("genesis.jsonl", genesis.as_bytes());
    env.write("bad.jsonl", bad.as_bytes());
    let head = env.head();
    let out = env
        .malbok()
        .env("MALBOK_IMPORT_PART", "7")
        .env("MALBOK_DERIVED_BATCH", "3")
        .args(["import", "bad.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.jsonl:101: payload.plan"), "{err}");
    assert_eq!(env.head(), head, "a refused import changed the head");
    env.run(&["verify", "--deep"]);

    // In parts of 7 lines here, at once in a copy of the same ledger: the same chain.
    let parts = env
        .malbok()
        .env("MALBOK_IMPORT_PART", "7")
        .env("MALBOK_DERIVED_BATCH", "3")
        .args(["import", fixture.to_str().expect("UTF-8")])
        .output()
        .expect("run");
    assert!(parts.status.success());
    env.run(&["verify", "--deep"]);
    let copy = env.path("copy.db");
    env.malbok()
        .env("MALBOK_LEDGER", &copy)
        .args(["restore", "genesis.jsonl"])
        .assert()
        .success();
    env.malbok()
        .env("MALBOK_LEDGER", &copy)
        .args(["import", fixture.to_str().expect("UTF-8")])
        .assert()
        .success();
    let whole = env
        .malbok()
        .env("MALBOK_LEDGER", &copy)
        .arg("head")
        .output()
        .expect("head");
    let here = env.malbok().arg("head").output().expect("head");
    assert_eq!(here.stdout, whole.stdout, "parts gave another chain");
}
