//! `malbok gen`: the generated data is deterministic, imports (every line passes the domain's
//! checks), works with every read command, sets from different seeds share a ledger, and its
//! corrections name the right ledger positions when `--after` says where the file lands.

use crate::common;
use predicates::prelude::*;

use common::TestEnv;

/// A few thousand events: one organisation's definitions and its first years of follow-ups.
const SIZE: &str = "3000";

fn generate(env: &TestEnv, name: &str, seed: &str, after: &str) -> std::path::PathBuf {
    let path = env.path(name);
    env.run(&[
        "gen",
        "--size",
        SIZE,
        "--seed",
        seed,
        "--after",
        after,
        "--out",
        path.to_str().expect("utf-8 path"),
    ]);
    path
}

fn import(env: &TestEnv, path: &std::path::Path) -> String {
    env.run(&["import", path.to_str().expect("utf-8 path")])
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_other_ids() {
    let env = TestEnv::new();
    let a = env.run(&["gen", "--size", SIZE, "--seed", "4"]);
    let b = env.run(&["gen", "--size", SIZE, "--seed", "4"]);
    assert_eq!(a, b);
    assert_eq!(a.lines().count(), 3000);
    let c = env.run(&["gen", "--size", SIZE, "--seed", "5"]);
    assert!(a.contains("\"id\":\"k0001s4\"") && c.contains("\"id\":\"k0001s5\""));
    assert!(!c.contains("s4."), "seed 5 must not reuse seed 4's ids");
    // The file written with --out is the same as standard output.
    let path = generate(&env, "four.jsonl", "4", "1");
    assert_eq!(std::fs::read_to_string(path).expect("read"), a);
}

#[test]
fn a_generated_ledger_imports_verifies_and_answers_every_query() {
    let env = TestEnv::new();
    env.init();
    let path = generate(&env, "gen.jsonl", "1", "1");
    assert!(import(&env, &path).contains("appended 3000 events at 2–3001"));
    assert!(env.run(&["verify"]).starts_with("ok: 3001 events verified"));

    let status = env.run(&["status", "--org", "k0001s1", "--at", "2015-08-31"]);
    assert!(status.contains("Goal k0001s1.mp.m01"), "{status}");
    let early = env.run(&[
        "status",
        "--org",
        "k0001s1",
        "--at",
        "2015-08-31",
        "--known-at",
        "500",
    ]);
    assert_ne!(early, status);
    let history = env.run(&["history", "k0001s1.mp.m01.i2.t"]);
    assert!(history.contains("target.set"), "{history}");

    // The report of the first nämnd, sealed and reproduced byte for byte.
    let text = std::fs::read_to_string(&path).expect("read");
    let body = text
        .lines()
        .filter(|l| l.contains("\"kind\":\"body.registered\""))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("json"))
        .map(|v| v["payload"]["id"].as_str().expect("id").to_string())
        .find(|id| !id.ends_with(".kf"))
        .expect("a nämnd");
    let args = [
        "--follow-up",
        "Delår 2015",
        "--org",
        "k0001s1",
        "--body",
        &body,
    ];
    let report = env.run(&[&["report"], &args[..]].concat());
    assert!(
        report.starts_with("# Uppföljning av politiska mål – Delår 2015"),
        "{report}"
    );
    let sealed = env.run(&[&["seal"], &args[..], &["--report-format", "md"]].concat());
    let seal = sealed
        .strip_prefix("seal ")
        .and_then(|s| s.split(':').next())
        .expect("seal id");
    env.run(&["reproduce", seal]);
}

#[test]
fn sets_from_different_seeds_go_into_one_ledger() {
    let env = TestEnv::new();
    env.init();
    import(&env, &generate(&env, "one.jsonl", "1", "1"));
    // `--after` takes the head as `malbok head` prints it, SEQ:HASH.
    let head = env.head();
    import(&env, &generate(&env, "two.jsonl", "2", &head));
    assert!(env.run(&["verify"]).starts_with("ok: 6001 events verified"));
}

#[test]
fn corrections_name_the_reading_at_the_position_the_file_lands_on() {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    import(&env, &fixture);
    let after: u64 = env
        .head()
        .split(':')
        .next()
        .expect("seq")
        .parse()
        .expect("n");
    assert_eq!(after, 123);

    let path = generate(&env, "gen.jsonl", "3", "123");
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&path)
        .expect("read")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let mut corrections = 0;
    for line in lines.iter().filter(|l| l["kind"] == "reading.corrected") {
        let corrects = line["payload"]["corrects"].as_u64().expect("corrects");
        let original = &lines[(corrects - after - 1) as usize];
        assert!(
            original["kind"] == "reading.recorded" || original["kind"] == "reading.not_measurable",
            "{corrects} names {original}"
        );
        assert_eq!(
            original["payload"]["indicator"],
            line["payload"]["indicator"]
        );
        corrections += 1;
    }
    assert!(corrections > 10, "only {corrections} corrections");
    import(&env, &path);

    // The same data generated for a fresh ledger names positions that are wrong here.
    let wrong = generate(&env, "wrong.jsonl", "4", "1");
    env.malbok()
        .args(["import", wrong.to_str().expect("utf-8 path")])
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("payload.corrects")
                .or(predicates::str::contains("payload.indicator")),
        );
}

#[test]
fn a_bad_size_is_refused() {
    let env = TestEnv::new();
    env.malbok()
        .args(["gen", "--size", "huge"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--size"));
    env.malbok()
        .args(["gen", "--size", "100", "--after", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--after"));
}
