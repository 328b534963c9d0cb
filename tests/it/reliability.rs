//! Issue 10: a ledger that always opens, never hangs, never panics, and can be salvaged. Each
//! test attacks one failure found from outside, through the real binary.

use crate::common;

use common::TestEnv;
use malbok::ledger::Ledger;
use malbok::ledger::envelope::{Hash, hash_event};
use malbok::ledger::export::{split_line, write_line};
use malbok::ledger::store::{join_block, split_block};

/// A ledger with `n` events (the genesis and `n - 1` organisations).
fn ledger_with(n: u64) -> TestEnv {
    let env = TestEnv::new();
    env.init();
    if n > 1 {
        let mut lines = String::new();
        for i in 2..=n {
            lines.push_str(&common::org_line(&format!("kommun.{i}")));
        }
        env.write("in.jsonl", lines.as_bytes());
        env.run(&["import", "in.jsonl"]);
    }
    env
}

/// Replaces `"kind_v":1` by `"kind_v":<big>` in the event bytes (the keys stay sorted, so the
/// bytes stay canonical).
fn with_kind_v(bytes: &[u8], big: &str) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    assert!(text.contains("\"kind_v\":1,"), "{text}");
    text.replacen("\"kind_v\":1,", &format!("\"kind_v\":{big},"), 1)
        .into_bytes()
}

/// Defect 4: `kind_v` = 2^53 + 1 with re-computed hashes is refused by `verify --file`,
/// `restore` and the store, as ENCODING.md §4 says.
#[test]
fn envelope_integers_beyond_2_53_are_refused_everywhere() {
    let env = ledger_with(3);
    let export = env.run(&["export"]);
    // Rewrite event 2's kind_v and re-chain every hash after it, as a careful forger would.
    let mut out = Vec::new();
    let mut prev = Hash([0; 32]);
    for (i, line) in export.lines().enumerate() {
        let (_, bytes) = split_line(line.as_bytes()).expect("export line");
        let mut bytes = if i == 1 {
            with_kind_v(bytes, "9007199254740993")
        } else {
            bytes.to_vec()
        };
        if i > 0 {
            // Re-point prev at the re-computed hash of the event before.
            let text = String::from_utf8(bytes).expect("utf-8");
            let at = text.find("\"prev\":\"").expect("prev") + 8;
            bytes = format!("{}{}{}", &text[..at], prev.to_hex(), &text[at + 64..]).into_bytes();
        }
        let hash = hash_event(&prev, &bytes);
        write_line(&mut out, &bytes, &hash);
        prev = hash;
    }
    env.write("forged.jsonl", &out);
    let verify = env
        .malbok()
        .args(["verify", "--file", "forged.jsonl"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&verify.stdout).to_string()
        + &String::from_utf8_lossy(&verify.stderr);
    assert_eq!(verify.status.code(), Some(1), "{text}");
    assert!(text.contains("kind_v") && text.contains(" 2"), "{text}");

    let restore = env
        .malbok()
        .args(["--ledger", "copy.db", "restore", "forged.jsonl"])
        .output()
        .expect("run");
    assert_eq!(restore.status.code(), Some(1));
    assert!(
        !env.path("copy.db").join("db").exists(),
        "restore wrote a ledger"
    );

    // The store: the same forged last event written into the sled tree.
    let env = ledger_with(2);
    {
        let ledger = Ledger::open(&env.ledger()).expect("open for tampering");
        let (events, _) = ledger.raw_trees();
        let (key, block) = events.iter().next().expect("a block").expect("read");
        let mut entries: Vec<(Hash, Vec<u8>)> = split_block(&block)
            .expect("block")
            .into_iter()
            .map(|(h, b)| (h, b.to_vec()))
            .collect();
        let prev = entries[0].0;
        let bytes = with_kind_v(&entries[1].1, "9007199254740993");
        entries[1] = (hash_event(&prev, &bytes), bytes);
        events.insert(key, join_block(&entries)).expect("insert");
        events.flush().expect("flush");
    }
    let verify = env.malbok().arg("verify").output().expect("run");
    let text = String::from_utf8_lossy(&verify.stdout).to_string()
        + &String::from_utf8_lossy(&verify.stderr);
    assert_ne!(verify.status.code(), Some(0), "{text}");
    assert!(text.contains("kind_v"), "{text}");
}
