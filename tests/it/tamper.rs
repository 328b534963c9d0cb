//! The tamper matrix: an attacker with write access to the sled files changes, deletes, inserts,
//! swaps or cuts off events, or edits the metadata. `malbok verify` must detect each and name the
//! right position.

use crate::common;

use common::TestEnv;
use malbok::ledger::Ledger;
use malbok::ledger::envelope::{Hash, LedgerTime, NewEvent, Seq};
use malbok::ledger::store::{BLOCK_EVENTS, join_block, split_block};

/// Events in the test ledger: three blocks, the last one partly filled.
const EVENTS: u64 = 600;

fn ledger_with_events() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let mut lines = String::new();
    for i in 2..=EVENTS {
        lines.push_str(&common::org_line(&format!("kommun.{i}")));
    }
    env.write("in.jsonl", lines.as_bytes());
    env.run(&["import", "in.jsonl"]);
    env
}

/// Opens the ledger in this process and hands the raw trees to `f`, then flushes.
fn tamper(env: &TestEnv, f: impl FnOnce(&sled::Tree, &sled::Tree)) {
    let ledger = Ledger::open(&env.ledger()).expect("open for tampering");
    let (events, meta) = ledger.raw_trees();
    f(events, meta);
    events.flush().expect("flush tampering");
}

/// Rewrites the whole events tree from a list of entries, laid out exactly as malbok lays them
/// out, as a careful attacker would.
fn rewrite_entries(env: &TestEnv, f: impl FnOnce(&mut Vec<(Hash, Vec<u8>)>)) {
    tamper(env, |events, _| {
        let mut all = Vec::new();
        for item in events.iter() {
            let (_, block) = item.expect("read block");
            for (hash, bytes) in split_block(&block).expect("intact block") {
                all.push((hash, bytes.to_vec()));
            }
        }
        f(&mut all);
        events.clear().expect("clear");
        for (i, chunk) in all.chunks(BLOCK_EVENTS).enumerate() {
            let key = (i * BLOCK_EVENTS + 1) as u64;
            events
                .insert(key.to_be_bytes(), join_block(chunk))
                .expect("insert");
        }
    });
}

/// Runs `verify` (with extra args) and returns the reported fault line; asserts exit code 1.
fn verify_fails(env: &TestEnv, args: &[&str]) -> String {
    let out = env
        .malbok()
        .arg("verify")
        .args(args)
        .output()
        .expect("run verify");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "verify should fail: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn assert_position(stderr: &str, seq: u64) {
    assert!(
        stderr.contains(&format!("verification failed at position {seq}:")),
        "expected a fault at position {seq}, got: {stderr}"
    );
}

/// The byte offset of entry `seq` (its hash) inside its block.
fn entry_offset(block: &[u8], index: usize) -> usize {
    split_block(block).expect("intact")[..index]
        .iter()
        .map(|(_, bytes)| 36 + bytes.len())
        .sum()
}

#[test]
fn an_untouched_ledger_verifies() {
    let env = ledger_with_events();
    let out = env.run(&["verify"]);
    assert!(
        out.starts_with(&format!("ok: {EVENTS} events verified")),
        "{out}"
    );
}

#[test]
fn one_changed_byte_is_found_at_its_event() {
    let env = ledger_with_events();
    // Positions at the start, middle and end of blocks; offsets in the stored hash, the length
    // prefix, the JSON structure and inside a string value.
    let cases: &[(u64, usize)] = &[
        (1, 0),
        (1, 40),
        (2, 10),
        (256, 36 + 5),
        (257, 33),
        (300, 60),
        (EVENTS, 36 + 90),
    ];
    for &(seq, offset_in_entry) in cases {
        let env_case = TestEnv::new();
        copy_dir(&env.ledger(), &env_case.ledger());
        tamper(&env_case, |events, _| {
            let (key, block) = events
                .range(..=seq.to_be_bytes())
                .next_back()
                .expect("a block")
                .expect("read");
            let first = u64::from_be_bytes(key.as_ref().try_into().expect("8-byte key"));
            let mut block = block.to_vec();
            let at = entry_offset(&block, (seq - first) as usize) + offset_in_entry;
            block[at] ^= 0x01;
            events.insert(key, block).expect("write tampered block");
        });
        let stderr = verify_fails(&env_case, &[]);
        assert_position(&stderr, seq);
    }
}

#[test]
fn a_deleted_event_is_found() {
    let env = ledger_with_events();
    rewrite_entries(&env, |all| {
        all.remove(299);
    });
    let stderr = verify_fails(&env, &[]);
    assert_position(&stderr, 300);
    assert!(stderr.contains("removed, inserted or moved"), "{stderr}");
}

#[test]
fn a_deleted_block_is_found() {
    let env = ledger_with_events();
    tamper(&env, |events, _| {
        events.remove(257u64.to_be_bytes()).expect("remove");
    });
    assert_position(&verify_fails(&env, &[]), 257);
}

#[test]
fn an_inserted_event_is_found() {
    let env = ledger_with_events();
    rewrite_entries(&env, |all| {
        // A well-formed forgery: right position, right prev, its own correct hash. It is
        // consistent by itself, so the break shows at the event after it.
        let prev = all[98].0;
        let new = NewEvent {
            kind: "organisation.registered".into(),
            kind_v: 1,
            payload: serde_json::json!({"id": "forged", "name": "Forged"})
                .as_object()
                .expect("object")
                .clone(),
        };
        let time = LedgerTime::parse_rfc3339(common::NOW).expect("time");
        let forged =
            malbok::ledger::envelope::seal(&new, Seq(100), prev, time, "mallory", Seq(100));
        all.insert(99, (forged.hash, forged.bytes));
    });
    assert_position(&verify_fails(&env, &[]), 101);
}

#[test]
fn a_copied_event_is_found() {
    let env = ledger_with_events();
    rewrite_entries(&env, |all| {
        let copy = all[49].clone();
        all.insert(50, copy);
    });
    assert_position(&verify_fails(&env, &[]), 51);
}

#[test]
fn two_swapped_events_are_found() {
    let env = ledger_with_events();
    rewrite_entries(&env, |all| all.swap(409, 410));
    assert_position(&verify_fails(&env, &[]), 410);
}

#[test]
fn a_cut_off_tail_is_found_against_a_recorded_head() {
    let env = ledger_with_events();
    let recorded = env.head();
    rewrite_entries(&env, |all| all.truncate(550));
    // The ledger's own head record names the cut ...
    let stderr = verify_fails(&env, &[]);
    assert_position(&stderr, 551);
    assert!(
        stderr.contains("head record names position 600"),
        "{stderr}"
    );
    // ... and so does the head recorded outside sled, when an attacker also removes that record ...
    tamper(&env, |_, meta| {
        meta.remove("head").expect("remove the head record");
    });
    let stderr = verify_fails(&env, &[]);
    assert_position(&stderr, 551);
    // ... but one who also removes that file leaves a shorter chain that is a valid chain on its
    // own ...
    std::fs::remove_file(env.ledger().join(malbok::ledger::store::HEAD_FILE)).expect("remove");
    env.run(&["verify"]);
    // ... and a head written down earlier finds the cut, right after the last remaining event.
    let stderr = verify_fails(&env, &["--head", &recorded]);
    assert_position(&stderr, 551);
    assert!(stderr.contains("tail was cut off"), "{stderr}");
}

#[test]
fn a_rewritten_tail_is_found_against_a_recorded_head() {
    let env = ledger_with_events();
    let recorded = env.head();
    rewrite_entries(&env, |all| all.truncate(EVENTS as usize - 1));
    // The attacker appends a different last event through malbok itself.
    env.malbok()
        .args(common::org_append("mallory"))
        .assert()
        .success();
    assert_position(&verify_fails(&env, &["--head", &recorded]), EVENTS);
}

#[test]
fn an_edited_ledger_id_is_found_at_the_genesis_event() {
    let env = ledger_with_events();
    tamper(&env, |_, meta| {
        meta.insert("ledger_id", "ffffffffffffffffffffffffffffffff")
            .expect("edit");
        meta.flush().expect("flush");
    });
    let stderr = verify_fails(&env, &[]);
    assert_position(&stderr, 1);
    assert!(stderr.contains("metadata names ledger"), "{stderr}");
}

#[test]
fn an_edited_format_version_is_refused() {
    for (format, message) in [
        ("2", "has format version 2"),
        ("0", "which no malbok wrote"),
        ("x", "which no malbok wrote"),
    ] {
        let env = ledger_with_events();
        tamper(&env, |_, meta| {
            meta.insert("format", format).expect("edit");
            meta.flush().expect("flush");
        });
        let out = env.malbok().arg("verify").output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
    }
}

#[test]
fn a_damaged_last_block_still_verifies_to_its_first_bad_position() {
    let env = ledger_with_events();
    tamper(&env, |events, _| {
        let (key, block) = events.last().expect("read").expect("a block");
        let mut block = block.to_vec();
        // Break the length prefix of the third entry of the last block.
        let at = entry_offset(&block, 2) + 32;
        block[at] = 0xff;
        events.insert(key, block).expect("write");
    });
    let stderr = verify_fails(&env, &[]);
    assert_position(&stderr, 2 * BLOCK_EVENTS as u64 + 3);
    // Other commands refuse the damaged ledger instead of appending after a broken head.
    let out = env
        .malbok()
        .args(common::org_append("after.damage"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
