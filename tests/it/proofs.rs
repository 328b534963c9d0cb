//! Proofs: the RFC 6962 tree's golden vectors (`events/vectors/tree.jsonl`, `proofs.jsonl`;
//! MALBOK_BLESS=1 rewrites them), keys, signed checkpoints, `prove`, `verify-proof` and
//! `verify --checkpoint` through the real binary, against rewritten, re-hashed and cut-off
//! ledgers. Every pair of sizes and random large trees are checked by the unit tests in
//! `src/ledger/merkle.rs`; Go's sumdb/tlog checks the same vectors in `tests/interop/run.sh`.

use crate::common::{self, TestEnv};
use malbok::ledger::envelope::{Event, Hash, NewEvent, Seq, seal};
use malbok::ledger::export;
use malbok::ledger::merkle::{self, TreeHash};
use std::os::unix::fs::PermissionsExt;

/// Leaves of the vector tree: leaf 0 is empty, leaf i is the ASCII text "malbok tree vector leaf i".
const VECTOR_LEAVES: u64 = 129;
/// Proofs are given for every pair of sizes up to this.
const VECTOR_PROOFS: u64 = 64;

fn leaf_input(i: u64) -> Vec<u8> {
    if i == 0 {
        Vec::new()
    } else {
        format!("malbok tree vector leaf {i}").into_bytes()
    }
}

fn hexes(path: &[TreeHash]) -> serde_json::Value {
    path.iter().map(TreeHash::to_hex).collect()
}

fn vectors() -> (String, String) {
    let inputs: Vec<Vec<u8>> = (0..VECTOR_LEAVES).map(leaf_input).collect();
    let mut leaves: Vec<TreeHash> = inputs.iter().map(|b| merkle::leaf_hash(b)).collect();
    let mut tree = String::new();
    for (i, (input, leaf)) in inputs.iter().zip(&leaves).enumerate() {
        let line = serde_json::json!({"type": "leaf", "index": i, "input": hex::encode(input), "leaf_hash": leaf.to_hex()});
        tree.push_str(&format!("{line}\n"));
    }
    for n in 0..=VECTOR_LEAVES {
        let root = merkle::tree_hash(n, &mut leaves).expect("root");
        let line = serde_json::json!({"type": "head", "size": n, "root": root.to_hex()});
        tree.push_str(&format!("{line}\n"));
    }
    let mut proofs = String::new();
    for n in 1..=VECTOR_PROOFS {
        for i in 0..n {
            let path = merkle::prove_inclusion(i, n, &mut leaves)
                .expect("read")
                .expect("proof");
            let line = serde_json::json!({"type": "inclusion", "tree_size": n, "leaf_index": i, "path": hexes(&path)});
            proofs.push_str(&format!("{line}\n"));
        }
    }
    for n in 1..=VECTOR_PROOFS {
        for m in 1..=n {
            let path = merkle::prove_consistency(m, n, &mut leaves)
                .expect("read")
                .expect("proof");
            let line = serde_json::json!({"type": "consistency", "old_size": m, "new_size": n, "path": hexes(&path)});
            proofs.push_str(&format!("{line}\n"));
        }
    }
    (tree, proofs)
}

#[test]
fn tree_vectors_are_reproduced_and_every_proof_verifies() {
    let dir = common::root().join("events/vectors");
    let (tree, proofs) = vectors();
    if std::env::var_os("MALBOK_BLESS").is_some() {
        std::fs::write(dir.join("tree.jsonl"), &tree).expect("write");
        std::fs::write(dir.join("proofs.jsonl"), &proofs).expect("write");
    }
    let stored_tree = std::fs::read_to_string(dir.join("tree.jsonl")).expect("tree.jsonl");
    let stored_proofs = std::fs::read_to_string(dir.join("proofs.jsonl")).expect("proofs.jsonl");
    assert!(
        stored_tree == tree,
        "events/vectors/tree.jsonl differs; MALBOK_BLESS=1 rewrites it"
    );
    assert!(
        stored_proofs == proofs,
        "events/vectors/proofs.jsonl differs; MALBOK_BLESS=1 rewrites it"
    );
    // The empty tree is SHA-256 of nothing, as RFC 9162 says.
    assert!(tree.contains(
        "{\"root\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":0,\"type\":\"head\"}"
    ));
    // Every committed proof verifies against the committed roots.
    let lines = |s: &str| -> Vec<serde_json::Value> {
        s.lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect()
    };
    let hash = |v: &serde_json::Value| TreeHash::from_hex(v.as_str().expect("hex")).expect("hash");
    let tree = lines(&stored_tree);
    let leaf: Vec<TreeHash> = tree
        .iter()
        .filter(|l| l["type"] == "leaf")
        .map(|l| hash(&l["leaf_hash"]))
        .collect();
    let root: Vec<TreeHash> = tree
        .iter()
        .filter(|l| l["type"] == "head")
        .map(|l| hash(&l["root"]))
        .collect();
    for p in lines(&stored_proofs) {
        let path: Vec<TreeHash> = p["path"]
            .as_array()
            .expect("path")
            .iter()
            .map(hash)
            .collect();
        let n = |k: &str| p[k].as_u64().expect("size");
        if p["type"] == "inclusion" {
            let (i, size) = (n("leaf_index"), n("tree_size"));
            merkle::verify_inclusion(i, size, &leaf[i as usize], &path, &root[size as usize])
                .expect("inclusion");
        } else {
            let (m, size) = (n("old_size"), n("new_size"));
            merkle::verify_consistency(m, size, &root[m as usize], &root[size as usize], &path)
                .expect("consistency");
        }
    }
}

/// A ledger of `events` events and a key pair `malbok.key`/`malbok.pub` made by keygen.
fn ledger_with_key(events: u64) -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let lines: String = (2..=events)
        .map(|i| common::org_line(&format!("kommun.{i}")))
        .collect();
    env.write("in.jsonl", lines.as_bytes());
    env.run(&["import", "in.jsonl"]);
    env.run(&["keygen", "--name", "malbok.test"]);
    env
}

fn fails(env: &TestEnv, args: &[&str], code: i32) -> String {
    let out = env.malbok().args(args).output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(code),
        "malbok {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites() {
    let env = ledger_with_key(3);
    let mode = |f: &str| {
        std::fs::metadata(env.path(f))
            .expect("key")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("malbok.key"), 0o600);
    assert_eq!(mode("malbok.pub"), 0o644);
    let public = std::fs::read_to_string(env.path("malbok.pub")).expect("pub");
    assert!(public.starts_with("malbok.test+"), "{public}");
    let before = std::fs::read(env.path("malbok.key")).expect("key");
    let err = fails(&env, &["keygen", "--name", "other"], 2);
    assert!(err.contains("never overwrites"), "{err}");
    assert_eq!(std::fs::read(env.path("malbok.key")).expect("key"), before);
    fails(&env, &["keygen", "--name", "bad name"], 2);
    for loose in [0o640, 0o604, 0o644] {
        std::fs::set_permissions(
            env.path("malbok.key"),
            std::fs::Permissions::from_mode(loose),
        )
        .expect("chmod");
        let err = fails(&env, &["checkpoint"], 2);
        assert!(err.contains("readable by group or others"), "{err}");
        fails(&env, &["prove", "seal", "2", "--key", "malbok.key"], 2);
    }
}

#[test]
fn a_checkpoint_is_a_c2sp_signed_note_of_the_tree() {
    let env = ledger_with_key(7);
    let cp = env.run(&["checkpoint"]);
    let ledger_id = env.run(&["head", "--format", "json"]);
    let id: serde_json::Value = serde_json::from_str(&ledger_id).expect("json");
    let lines: Vec<&str> = cp.split('\n').collect();
    assert_eq!(
        lines[0],
        format!("malbok.{}", id["ledger_id"].as_str().expect("id"))
    );
    assert_eq!(lines[1], "7");
    assert_eq!(lines[3], "");
    assert!(lines[4].starts_with("\u{2014} malbok.test "), "{cp}");
    assert_eq!(
        env.run(&[
            "checkpoint",
            "--size",
            "3",
            "--origin",
            "ekero.example/revision"
        ])
        .lines()
        .take(2)
        .collect::<Vec<_>>(),
        ["ekero.example/revision", "3"]
    );
    fails(&env, &["checkpoint", "--size", "8"], 2);
    fails(&env, &["checkpoint", "--size", "0"], 2);
}

#[test]
fn proofs_verify_without_the_ledger_and_any_flipped_bit_fails() {
    let env = ledger_with_key(20);
    env.write("cp.txt", env.run(&["checkpoint"]).as_bytes());
    env.write(
        "inc.json",
        env.run(&["prove", "inclusion", "13", "--key", "malbok.key"])
            .as_bytes(),
    );
    env.write(
        "inc.tlog",
        env.run(&[
            "prove",
            "inclusion",
            "13",
            "--key",
            "malbok.key",
            "--format",
            "tlog-proof",
        ])
        .as_bytes(),
    );
    env.write(
        "old.json",
        env.run(&["prove", "inclusion", "5", "--size", "9"])
            .as_bytes(),
    );
    env.write(
        "con.json",
        env.run(&["prove", "consistency", "9", "--key", "malbok.key"])
            .as_bytes(),
    );
    env.write(
        "cp9.txt",
        env.run(&["checkpoint", "--size", "9"]).as_bytes(),
    );
    // No ledger from here on: verify-proof must not need one.
    std::fs::remove_dir_all(env.ledger()).expect("remove ledger");
    let ok = env.run(&["verify-proof", "inc.json", "--key", "malbok.pub"]);
    assert!(ok.contains("ok: event 13 (leaf 12)"), "{ok}");
    env.run(&["verify-proof", "inc.tlog", "--key", "malbok.pub"]);
    let json: serde_json::Value = serde_json::from_str(&env.run(&[
        "verify-proof",
        "inc.json",
        "--key",
        "malbok.pub",
        "--format",
        "json",
    ]))
    .expect("json");
    assert_eq!(json["ok"], true);
    assert_eq!(json["proof"]["seq"], 13);
    assert_eq!(json["signatures"][0]["status"], "ok");
    env.run(&[
        "verify-proof",
        "inc.json",
        "--checkpoint",
        "cp.txt",
        "--key",
        "malbok.pub",
    ]);
    env.run(&[
        "verify-proof",
        "old.json",
        "--checkpoint",
        "cp9.txt",
        "--key",
        "malbok.pub",
    ]);
    let ok = env.run(&[
        "verify-proof",
        "con.json",
        "--checkpoint",
        "cp.txt",
        "--key",
        "malbok.pub",
    ]);
    assert!(ok.contains("at tree size 20 extends tree size 9"), "{ok}");
    // A proof with no signed checkpoint of its size is not accepted.
    let err = fails(
        &env,
        &[
            "verify-proof",
            "old.json",
            "--checkpoint",
            "cp.txt",
            "--key",
            "malbok.pub",
        ],
        1,
    );
    assert!(err.contains("no signed checkpoint of tree size 9"), "{err}");
    // Another key does not vouch for the checkpoint.
    env.run(&["keygen", "--name", "malbok.test", "--out", "other"]);
    fails(&env, &["verify-proof", "inc.json", "--key", "other.pub"], 1);

    // One flipped bit anywhere in a proof, root or signature fails; a sample of positions
    // through the binary (the unit tests flip every bit of proofs and notes).
    for name in ["inc.json", "inc.tlog", "con.json", "cp.txt"] {
        let bytes = std::fs::read(env.path(name)).expect("read");
        let step = bytes.len() / 23 + 1;
        for at in (0..bytes.len()).step_by(step) {
            let mut bad = bytes.clone();
            bad[at] ^= 0x04;
            env.write("bad", &bad);
            let args: Vec<&str> = if name == "cp.txt" {
                vec![
                    "verify-proof",
                    "con.json",
                    "--checkpoint",
                    "bad",
                    "--key",
                    "malbok.pub",
                ]
            } else {
                vec![
                    "verify-proof",
                    "bad",
                    "--key",
                    "malbok.pub",
                    "--checkpoint",
                    "cp.txt",
                ]
            };
            let out = env.malbok().args(&args).output().expect("run");
            assert!(
                !out.status.success(),
                "{name}: flipping byte {at} still verifies"
            );
        }
    }
}

#[test]
fn a_seal_bundle_holds_the_seal_event_its_inclusion_and_a_checkpoint() {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", fixture.to_str().expect("utf-8 path")]);
    env.run(&["keygen", "--name", "malbok.test"]);
    let sealed = env.run(&[
        "seal",
        "--follow-up",
        "Delår 2021",
        "--org",
        "ekero",
        "--body",
        "ekero.sn",
        "--report-format",
        "md",
        "--format",
        "json",
    ]);
    let sealed: serde_json::Value = serde_json::from_str(&sealed).expect("json");
    let seal = sealed["seal"].as_u64().expect("seal id").to_string();
    let report_head = sealed["head"]["seq"].as_u64().expect("head");
    let err = fails(&env, &["prove", "seal", "3", "--key", "malbok.key"], 2);
    assert!(err.contains("not a report.sealed"), "{err}");
    env.write(
        "published.md",
        env.run(&[
            "report",
            "--follow-up",
            "Delår 2021",
            "--org",
            "ekero",
            "--body",
            "ekero.sn",
            "--known-at",
            &report_head.to_string(),
        ])
        .as_bytes(),
    );
    let bundle = env.run(&["prove", "seal", &seal, "--key", "malbok.key"]);
    env.write("seal.json", bundle.as_bytes());
    let bundle: serde_json::Value = serde_json::from_str(&bundle).expect("json");
    // The seal event records the tree of the report's head: the same root a checkpoint of that
    // size signs.
    let event: serde_json::Value =
        serde_json::from_str(bundle["event"].as_str().expect("event bytes")).expect("event");
    assert_eq!(event["kind"], "report.sealed");
    assert_eq!(event["payload"]["tree_size"], report_head);
    let cp = env.run(&["checkpoint", "--size", &report_head.to_string()]);
    let root_b64 = cp.lines().nth(2).expect("root line");
    use base64::Engine;
    let root = base64::engine::general_purpose::STANDARD
        .decode(root_b64)
        .expect("b64");
    assert_eq!(event["payload"]["tree_root"], hex::encode(root));
    std::fs::remove_dir_all(env.ledger()).expect("remove ledger");
    let ok = env.run(&["verify-proof", "seal.json", "--key", "malbok.pub"]);
    assert!(ok.contains(&format!("ok: event {seal} (leaf")), "{ok}");
    assert!(ok.contains("\"kind\":\"report.sealed\""), "{ok}");
    // With the published report: its BLAKE3 is the one sealed; any other report is refused.
    env.run(&[
        "verify-proof",
        "seal.json",
        "--key",
        "malbok.pub",
        "--report",
        "published.md",
    ]);
    let mut other = std::fs::read(env.path("published.md")).expect("report");
    other.push(b'\n');
    env.write("other.md", &other);
    fails(
        &env,
        &[
            "verify-proof",
            "seal.json",
            "--key",
            "malbok.pub",
            "--report",
            "other.md",
        ],
        1,
    );
}

/// Export of the test ledger, each event changed by `edit` from `from` on and the whole chain
/// re-hashed after it, as an attacker who recomputes every hash would.
fn rehashed(export_bytes: &[u8], from: u64, edit: impl Fn(&mut NewEvent)) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev = Hash::ZERO;
    for line in export_bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
    {
        let (hash, bytes) = export::split_line(line).expect("line");
        let e = Event::decode(bytes, hash).expect("event");
        let mut new = NewEvent {
            kind: e.kind.clone(),
            kind_v: e.kind_v,
            payload: e.payload.clone(),
        };
        if e.seq.0 >= from {
            edit(&mut new);
        }
        let sealed = if e.seq == Seq(1) {
            malbok::ledger::envelope::Sealed::from(e)
        } else {
            seal(&new, e.seq, prev, e.time, &e.actor, e.run)
        };
        export::write_line(&mut out, &sealed.bytes, &sealed.hash);
        prev = sealed.hash;
    }
    out
}

#[test]
fn rewritten_rehashed_or_cut_off_ledgers_fail_an_older_checkpoint() {
    let env = ledger_with_key(30);
    env.write(
        "cp.txt",
        env.run(&["checkpoint", "--size", "25"]).as_bytes(),
    );
    let verify = ["verify", "--checkpoint", "cp.txt", "--key", "malbok.pub"];
    // The ledger grows: it still extends the checkpoint.
    env.malbok()
        .args(common::org_append("later"))
        .assert()
        .success();
    let ok = env.run(&verify);
    assert!(
        ok.contains("ok: 31 events verified; the first 25 match"),
        "{ok}"
    );
    let export_bytes = env.run(&["export"]).into_bytes();
    env.write("ok.jsonl", &export_bytes);
    env.run(&[
        "verify",
        "--file",
        "ok.jsonl",
        "--checkpoint",
        "cp.txt",
        "--key",
        "malbok.pub",
    ]);

    // A fully re-hashed export (event 20 changed, every later hash recomputed) is a valid chain
    // on its own, but not the published one.
    let forged = rehashed(&export_bytes, 20, |e| {
        e.payload.insert("name".into(), "Mallory".into());
    });
    env.write("forged.jsonl", &forged);
    env.run(&["verify", "--file", "forged.jsonl"]);
    let err = fails(
        &env,
        &[
            "verify",
            "--file",
            "forged.jsonl",
            "--checkpoint",
            "cp.txt",
            "--key",
            "malbok.pub",
        ],
        1,
    );
    assert!(err.contains("rewritten"), "{err}");
    // The same forgery restored into a ledger fails too; an edit after the checkpoint does not.
    let copy = env.path("copy.db");
    let copy = copy.to_str().expect("path");
    env.run(&["--ledger", copy, "restore", "forged.jsonl"]);
    fails(
        &env,
        &[
            "--ledger",
            copy,
            "verify",
            "--checkpoint",
            "cp.txt",
            "--key",
            "malbok.pub",
        ],
        1,
    );
    let late = rehashed(&export_bytes, 27, |e| {
        e.payload.insert("name".into(), "Mallory".into());
    });
    env.write("late.jsonl", &late);
    env.run(&[
        "verify",
        "--file",
        "late.jsonl",
        "--checkpoint",
        "cp.txt",
        "--key",
        "malbok.pub",
    ]);

    // A ledger cut off before the checkpoint's size.
    let cut: Vec<u8> = export_bytes
        .split_inclusive(|&b| b == b'\n')
        .take(24)
        .flatten()
        .copied()
        .collect();
    env.write("cut.jsonl", &cut);
    let err = fails(
        &env,
        &[
            "verify",
            "--file",
            "cut.jsonl",
            "--checkpoint",
            "cp.txt",
            "--key",
            "malbok.pub",
        ],
        1,
    );
    assert!(err.contains("tail was cut off"), "{err}");
    let cutdb = env.path("cut.db");
    let cutdb = cutdb.to_str().expect("path");
    env.run(&["--ledger", cutdb, "restore", "cut.jsonl"]);
    fails(
        &env,
        &[
            "--ledger",
            cutdb,
            "verify",
            "--checkpoint",
            "cp.txt",
            "--key",
            "malbok.pub",
        ],
        1,
    );
    // A checkpoint with one flipped bit in its signature is refused.
    let mut cp = std::fs::read(env.path("cp.txt")).expect("cp");
    // Another base64 character, so the note still parses and only the signature is wrong (a
    // flipped bit could make a character that is not base64, refused as input with exit 2).
    let at = cp.len() - 10;
    cp[at] = if cp[at] == b'A' { b'B' } else { b'A' };
    env.write("cp-bad.txt", &cp);
    fails(
        &env,
        &[
            "verify",
            "--checkpoint",
            "cp-bad.txt",
            "--key",
            "malbok.pub",
        ],
        1,
    );
}

/// An export of a genesis event at `time` and, if given, one more event with `payload`, built
/// byte by byte as ENCODING.md says (not through malbok's encoder).
fn crafted(time: &str, payload: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut prev = Hash::ZERO;
    let genesis = r#""kind":"ledger.genesis","kind_v":1,"payload":{"ledger_id":"0123456789abcdef0123456789abcdef"}"#;
    let events = [
        Some(genesis.to_string()),
        payload.map(|p| format!(r#""kind":"x.y","kind_v":1,"payload":{p}"#)),
    ];
    for (i, body) in events.into_iter().flatten().enumerate() {
        let seq = i + 1;
        let bytes = format!(
            r#"{{"actor":"a",{body},"prev":"{prev}","run":{seq},"seq":{seq},"time":"{time}","v":1}}"#
        );
        let hash = malbok::ledger::envelope::hash_event(&prev, bytes.as_bytes());
        export::write_line(&mut out, bytes.as_bytes(), &hash);
        prev = hash;
    }
    out
}

#[test]
fn encoding_edges_are_decided_as_the_spec_says() {
    let env = TestEnv::new();
    let t = "2021-09-01T10:00:00.000000Z";
    let nested =
        |depth: usize| format!("{}1{}", "{\"a\":".repeat(depth - 1), "}".repeat(depth - 1));
    let verify = |name: &str, bytes: &[u8]| {
        env.write(name, bytes);
        env.malbok()
            .args(["verify", "--file", name])
            .output()
            .expect("run")
    };
    // Payload at level 2: 127 levels in all is the deepest valid event.
    assert!(
        verify("d127", &crafted(t, Some(&nested(127))))
            .status
            .success()
    );
    let out = verify("d128", &crafted(t, Some(&nested(128))));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("position 2"));
    for (time, ok) in [
        ("0000-01-01T00:00:00.000000Z", false),
        ("0001-01-01T00:00:00.000000Z", true),
        ("2016-12-31T23:59:60.000000Z", false),
        ("2021-09-01T24:00:00.000000Z", false),
        ("2021-02-29T00:00:00.000000Z", false),
        ("2020-02-29T00:00:00.000000Z", true),
    ] {
        assert_eq!(
            verify("t", &crafted(time, None)).status.success(),
            ok,
            "{time}"
        );
    }
    // Positions in an export file.
    let good = crafted(t, Some("{}"));
    let lines: Vec<&[u8]> = good.split_inclusive(|&b| b == b'\n').collect();
    let at = |bytes: Vec<u8>| -> String {
        let out = verify("p", &bytes);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        err.split("position ")
            .nth(1)
            .and_then(|s| s.split(':').next())
            .expect("position")
            .to_string()
    };
    assert_eq!(at(Vec::new()), "1");
    assert_eq!(at([lines[0], b"\n", lines[1]].concat()), "2");
    assert_eq!(at([&good[..], b"\n"].concat()), "3");
    assert_eq!(at([&b"\xef\xbb\xbf"[..], &good].concat()), "1");
    assert_eq!(
        at([lines[0], &lines[1][..lines[1].len() - 1], b"\r\n"].concat()),
        "2"
    );
    assert_eq!(at(good[..good.len() - 1].to_vec()), "2");
    // A head is exactly [1-9][0-9]*:[0-9a-f]{64}.
    env.write("ok", &good);
    let hash = good
        .rsplit(|&b| b == b'"')
        .nth(1)
        .map(|h| String::from_utf8_lossy(h).into_owned())
        .expect("hash");
    env.run(&["verify", "--file", "ok", "--head", &format!("2:{hash}")]);
    for bad in [
        format!("+2:{hash}"),
        format!("02:{hash}"),
        format!("2:{}", hash.to_uppercase()),
    ] {
        fails(&env, &["verify", "--file", "ok", "--head", &bad], 2);
    }
}

/// A seal whose recorded tree root was changed, in an export whose every hash was recomputed
/// after it, restores and verifies as a chain, rebuilds a byte-identical report, and still
/// fails `reproduce`: the events it was made from do not have the sealed root.
#[test]
fn reproduce_fails_when_the_seals_tree_root_is_not_the_ledgers() {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", fixture.to_str().expect("utf-8 path")]);
    let sealed = env.run(&[
        "seal",
        "--follow-up",
        "Delår 2021",
        "--org",
        "ekero",
        "--body",
        "ekero.sn",
        "--report-format",
        "md",
        "--format",
        "json",
    ]);
    let sealed: serde_json::Value = serde_json::from_str(&sealed).expect("json");
    let seal_seq = sealed["seal"].as_u64().expect("seal id");
    let seal_id = seal_seq.to_string();
    let ok = env.run(&["reproduce", &seal_id]);
    assert!(ok.contains("byte-identical"), "{ok}");

    let export_bytes = env.run(&["export"]).into_bytes();
    let forged = rehashed(&export_bytes, seal_seq, |e| {
        if e.kind == "report.sealed" {
            e.payload.insert("tree_root".into(), "ab".repeat(32).into());
        }
    });
    env.write("forged.jsonl", &forged);
    let copy = env.path("copy.db");
    let copy = copy.to_str().expect("path");
    env.run(&["--ledger", copy, "restore", "forged.jsonl"]);
    env.run(&["--ledger", copy, "verify"]);
    let err = fails(&env, &["--ledger", copy, "reproduce", &seal_id], 1);
    assert!(
        err.contains(&format!("the seal records tree root {}", "ab".repeat(32))),
        "{err}"
    );
}

/// The tree's nodes are stored as derived data by every way events arrive (init, import,
/// single appends, a refused import that is rolled back, restore) and rebuilt by `reindex`:
/// `verify --deep` finds them equal to the ones the events give, and checkpoints and proofs
/// read from them agree with a tree computed from the export alone.
#[test]
fn stored_tree_nodes_follow_every_append_and_agree_with_the_events() {
    let env = ledger_with_key(300);
    for i in 0..5 {
        env.malbok()
            .args(common::org_append(&format!("one.{i}")))
            .assert()
            .success();
    }
    // A refused import (its second line repeats an id) leaves no tree nodes behind.
    let bad = format!(
        "{}{}",
        common::org_line("refused.a"),
        common::org_line("refused.a")
    );
    env.write("bad.jsonl", bad.as_bytes());
    fails(&env, &["import", "bad.jsonl"], 2);
    let deep = env.run(&["verify", "--deep"]);
    assert!(deep.contains("ok"), "{deep}");

    let export_bytes = env.run(&["export"]).into_bytes();
    let leaves: Vec<TreeHash> = export_bytes
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| merkle::leaf_hash(export::split_line(l).expect("line").1))
        .collect();
    assert_eq!(leaves.len(), 305);
    for size in [1u64, 2, 255, 256, 257, 300, 305] {
        let cp = env.run(&["checkpoint", "--size", &size.to_string()]);
        let root = merkle::tree_hash(size, &mut leaves.clone()).expect("root");
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(root.0);
        assert!(cp.contains(&format!("\n{size}\n{b64}\n")), "{size}: {cp}");
    }
    let proof = env.run(&["prove", "inclusion", "77", "--format", "json"]);
    let proof: serde_json::Value = serde_json::from_str(&proof).expect("json");
    let expected = merkle::prove_inclusion(76, 305, &mut leaves.clone())
        .expect("read")
        .expect("proof");
    assert_eq!(proof["path"], hexes(&expected), "{proof}");

    // reindex rebuilds the same nodes; a restored copy stores them too.
    env.run(&["reindex"]);
    env.run(&["verify", "--deep"]);
    env.write("all.jsonl", &export_bytes);
    let copy = env.path("copy.db");
    let copy = copy.to_str().expect("path");
    env.run(&["--ledger", copy, "restore", "all.jsonl"]);
    env.run(&["--ledger", copy, "verify", "--deep"]);
}

/// A ledger where `tester` registered the key `anna.key`/`anna.pub` (made by keygen).
fn ledger_with_registered_key() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    env.run(&["keygen", "--name", "anna", "--out", "anna"]);
    let public = std::fs::read_to_string(env.path("anna.pub")).expect("pub");
    let payload = serde_json::json!({"actor": "tester", "key": public.trim()}).to_string();
    env.run(&[
        "append",
        "--kind",
        "actor.key_registered",
        "--payload",
        &payload,
    ]);
    env
}

/// Appends organisation `id`, signed with the signer key file `key` if given.
fn org_signed(env: &TestEnv, id: &str, key: Option<&str>) {
    let mut cmd = env.malbok();
    if let Some(key) = key {
        cmd.args(["--sign-key", key]);
    }
    cmd.args(common::org_append(id)).assert().success();
}

#[test]
fn signed_events_are_counted_per_actor_and_missing_signatures_are_not_faults() {
    let env = ledger_with_registered_key();
    org_signed(&env, "signed.a", Some("anna.key"));
    org_signed(&env, "plain.b", None);
    // An import signed once covers every event it appended, through the chain.
    let lines = format!(
        "{}{}",
        common::org_line("signed.c"),
        common::org_line("signed.d")
    );
    env.write("in.jsonl", lines.as_bytes());
    env.run(&["--sign-key", "anna.key", "import", "in.jsonl"]);
    let ok = env.run(&["verify"]);
    // The registration and four organisations (genesis is not counted); three of them signed.
    assert!(ok.contains("signed: tester: 3 of 5 events"), "{ok}");
    // A signer key others can read is refused before anything is appended.
    let head = env.head();
    std::fs::set_permissions(env.path("anna.key"), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let mut cmd = env.malbok();
    cmd.args(["--sign-key", "anna.key"])
        .args(common::org_append("refused.e"));
    let out = cmd.output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("chmod 600"));
    assert_eq!(env.head(), head);
}

#[test]
fn a_bad_signature_fails_verify() {
    let env = ledger_with_registered_key();
    org_signed(&env, "x", None);
    let head = env.run(&["head"]);
    let (seq, hash) = head.trim().split_once(':').expect("SEQ:HASH");
    let key_hash = std::fs::read_to_string(env.path("anna.pub")).expect("pub");
    let key_hash = key_hash.split('+').nth(1).expect("hash");
    use base64::Engine;
    let payload = serde_json::json!({
        "seq": seq.parse::<u64>().expect("seq"),
        "hash": hash,
        "key_hash": key_hash,
        "signature": base64::engine::general_purpose::STANDARD.encode([7u8; 64]),
    })
    .to_string();
    env.run(&["append", "--kind", "signature.added", "--payload", &payload]);
    let err = fails(&env, &["verify"], 1);
    assert!(err.contains("does not verify"), "{err}");
}

#[test]
fn a_signature_by_an_unregistered_key_fails_verify() {
    let env = ledger_with_registered_key();
    env.run(&["keygen", "--name", "bob", "--out", "bob"]);
    org_signed(&env, "x", Some("bob.key"));
    let err = fails(&env, &["verify"], 1);
    assert!(
        err.contains("which no earlier actor.key_registered registers"),
        "{err}"
    );
}

#[test]
fn a_signature_by_another_actors_key_fails_verify() {
    let env = ledger_with_registered_key();
    env.run(&["keygen", "--name", "bob", "--out", "bob"]);
    let public = std::fs::read_to_string(env.path("bob.pub")).expect("pub");
    let payload = serde_json::json!({"actor": "bob", "key": public.trim()}).to_string();
    env.run(&[
        "append",
        "--kind",
        "actor.key_registered",
        "--payload",
        &payload,
    ]);
    // tester appends, signing with bob's key.
    org_signed(&env, "x", Some("bob.key"));
    let err = fails(&env, &["verify"], 1);
    assert!(err.contains("but event"), "{err}");
    assert!(err.contains("was appended by tester"), "{err}");
}

#[test]
fn a_signature_by_a_revoked_key_fails_verify_and_earlier_ones_stand() {
    let env = ledger_with_registered_key();
    org_signed(&env, "before", Some("anna.key"));
    let key_hash = std::fs::read_to_string(env.path("anna.pub")).expect("pub");
    let key_hash = key_hash.split('+').nth(1).expect("hash").to_string();
    let revoke = |effective: &str| {
        serde_json::json!({"actor": "tester", "key_hash": key_hash, "reason": "Nyckeln har läckt.",
                           "effective": effective})
        .to_string()
    };
    // Revoked from a later time: the signature made before stands.
    let copy = env.path("copy.db");
    let copy = copy.to_str().expect("path");
    let export = env.run(&["export"]);
    env.write("e.jsonl", export.as_bytes());
    env.run(&["--ledger", copy, "restore", "e.jsonl"]);
    env.run(&[
        "append",
        "--kind",
        "actor.key_revoked",
        "--payload",
        &revoke("2030-01-01T00:00:00Z"),
    ]);
    let ok = env.run(&["verify"]);
    assert!(ok.contains("signed: tester: 1 of"), "{ok}");
    org_signed(&env, "after", Some("anna.key"));
    let err = fails(&env, &["verify"], 1);
    assert!(err.contains("revoked at position"), "{err}");
    // Revoked from a time at or before the signature (the key leaked earlier): it fails too.
    env.run(&[
        "--ledger",
        copy,
        "append",
        "--kind",
        "actor.key_revoked",
        "--payload",
        &revoke(common::NOW),
    ]);
    let err = fails(&env, &["--ledger", copy, "verify"], 1);
    assert!(err.contains("revoked at position"), "{err}");
}

/// `events/vectors/signature.json`: a signer key from a fixed seed signs one event hash; the
/// message and payload are as PROOFS.md §7 says (MALBOK_BLESS=1 rewrites the file).
#[test]
fn the_signature_vector_is_reproduced() {
    use malbok::ledger::note::SignerKey;
    let key = SignerKey::from_seed("anna", [7u8; 32]).expect("key");
    let seq = Seq(42);
    let hash = Hash::from_hex(&"5a".repeat(32)).expect("hash");
    let message = malbok::signatures::message(seq, &hash);
    let vector = serde_json::json!({
        "seed": hex::encode([7u8; 32]),
        "signer_key": key.encode().trim(),
        "verifier_key": key.verifier().encode(),
        "seq": seq.0,
        "hash": hash.to_hex(),
        "message": String::from_utf8(message.clone()).expect("utf-8"),
        "payload": malbok::signatures::payload(&key, seq, &hash),
    });
    let text = format!("{}\n", serde_json::to_string_pretty(&vector).expect("json"));
    let path = common::root().join("events/vectors/signature.json");
    if std::env::var_os("MALBOK_BLESS").is_some() {
        std::fs::write(&path, &text).expect("write");
    }
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
    assert!(key.verifier().verifies(&message, &{
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(vector["payload"]["signature"].as_str().expect("sig"))
            .expect("b64")
    }));
}
