//! The core commands through the real binary: exit codes, the lock, time and runs, export,
//! restore and verify of an export.

use crate::common;

use common::TestEnv;
use malbok::ledger::Ledger;
use serde_json::Value;
use std::time::{Duration, Instant};

fn events(env: &TestEnv) -> Vec<Value> {
    env.run(&["log", "--format", "json"])
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json line")["event"].clone())
        .collect()
}

#[test]
fn init_refuses_a_directory_that_is_not_empty() {
    let env = TestEnv::new();
    env.init();
    let out = env.malbok().arg("init").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
}

#[test]
fn a_missing_ledger_or_a_foreign_directory_is_unavailable() {
    let env = TestEnv::new();
    let out = env.malbok().arg("head").output().expect("run");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no ledger at"));

    std::fs::create_dir_all(env.ledger()).expect("mkdir");
    env.write("malbok.db/notes.txt", b"not a database");
    let out = env.malbok().arg("log").output().expect("run");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a malbok ledger"));
    // And nothing was created in it.
    assert_eq!(std::fs::read_dir(env.ledger()).expect("dir").count(), 1);
}

#[test]
fn a_second_process_gets_ledger_in_use_within_a_second() {
    let env = TestEnv::new();
    env.init();
    let held = Ledger::open(&env.ledger()).expect("hold the ledger");
    let started = Instant::now();
    let out = env
        .malbok()
        .args(["--wait", "0.5"])
        .args(common::org_append("ekero"))
        .output()
        .expect("run");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ledger in use"), "{err}");
    // The holder is named, so the user knows whom they wait for.
    let holder = format!("(process {})", std::process::id());
    assert!(err.contains(&holder), "{err}");
    assert!(err.contains("--wait"), "{err}");
    drop(held);
    env.malbok()
        .args(common::org_append("ekero"))
        .assert()
        .success();
}

#[test]
fn an_import_is_one_run_with_one_time_and_time_never_goes_back() {
    let env = TestEnv::new();
    env.init();
    let lines = common::org_line("ekero") + &common::org_line("gotene");
    env.write("in.jsonl", lines.as_bytes());
    env.run(&["import", "in.jsonl"]);
    // A clock behind the head: the event gets the head's time, not an earlier one.
    env.malbok()
        .env("MALBOK_NOW", "2020-01-01T00:00:00Z")
        .args(common::org_append("enkoping"))
        .assert()
        .success();
    let all = events(&env);
    assert_eq!(all.len(), 4);
    assert_eq!(all[1]["run"], 2);
    assert_eq!(all[2]["run"], 2);
    assert_eq!(all[3]["run"], 4);
    for e in &all {
        assert_eq!(e["time"], "2021-09-01T10:00:00.000000Z");
        assert_eq!(e["actor"], "tester");
    }
}

#[test]
fn log_filters_by_position_kind_and_actor() {
    let env = TestEnv::new();
    env.init();
    env.malbok()
        .args(common::org_append("ekero"))
        .assert()
        .success();
    env.malbok()
        .args([
            "--actor",
            "anna",
            "append",
            "--kind",
            "body.registered",
            "--payload",
        ])
        .arg(r#"{"id":"ekero.sn","organisation":"ekero","name":"Socialnämnden"}"#)
        .assert()
        .success();
    env.malbok()
        .args(common::org_append("gotene"))
        .assert()
        .success();
    let seqs = |args: &[&str]| -> Vec<u64> {
        let mut all = vec!["log", "--format", "json"];
        all.extend_from_slice(args);
        env.run(&all)
            .lines()
            .map(|l| {
                serde_json::from_str::<Value>(l).expect("json")["event"]["seq"]
                    .as_u64()
                    .expect("seq")
            })
            .collect()
    };
    assert_eq!(seqs(&[]), [1, 2, 3, 4]);
    assert_eq!(seqs(&["--kind", "organisation.registered"]), [2, 4]);
    assert_eq!(seqs(&["--actor", "anna"]), [3]);
    assert_eq!(seqs(&["--from", "2", "--to", "3"]), [2, 3]);
    // The body touches its organisation, so both show under the organisation.
    assert_eq!(seqs(&["--subject", "ekero"]), [2, 3]);
    assert_eq!(seqs(&["--subject", "ekero.sn"]), [3]);
    let text = env.run(&["log", "--from", "4"]);
    assert!(
        text.contains("organisation.registered  {\"id\":\"gotene\",\"name\":\"Kommun gotene\"}"),
        "{text}"
    );
}

#[test]
fn an_export_verifies_without_a_database_and_restores_an_identical_ledger() {
    let env = TestEnv::new();
    env.init();
    env.run(&[
        "append",
        "--kind",
        "organisation.registered",
        "--payload",
        "{\"id\":\"ekero\",\"name\":\"Ekerö kommun\"}",
    ]);
    let export = env.run(&["export"]);
    env.write("export.jsonl", export.as_bytes());
    let head = env.head();
    assert!(
        env.run(&["verify", "--file", "export.jsonl", "--head", &head])
            .starts_with("ok: 2 events")
    );

    env.malbok()
        .env("MALBOK_NOW", "2030-01-01T00:00:00Z")
        .env("MALBOK_ACTOR", "auditor")
        .args(["--ledger", "copy.db", "restore", "export.jsonl"])
        .assert()
        .success();
    let copy = env
        .malbok()
        .args(["--ledger", "copy.db", "export"])
        .output()
        .expect("run");
    assert_eq!(
        String::from_utf8_lossy(&copy.stdout),
        export,
        "same ids, times, actors, hashes"
    );

    // A partial export stops at --to.
    assert_eq!(env.run(&["export", "--to", "1"]).lines().count(), 1);

    // A tampered export fails, names the line, and restores nothing.
    let tampered = export.replacen("Ekerö", "Ekerø", 1);
    env.write("tampered.jsonl", tampered.as_bytes());
    let out = env
        .malbok()
        .args(["verify", "--file", "tampered.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("position 2"));
    let out = env
        .malbok()
        .args(["--ledger", "bad.db", "restore", "tampered.jsonl"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(!env.path("bad.db").exists());
}

#[test]
fn a_bad_clock_setting_is_refused() {
    let env = TestEnv::new();
    let out = env
        .malbok()
        .env("MALBOK_NOW", "yesterday")
        .arg("init")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("MALBOK_NOW"));
    assert!(!env.ledger().exists());
}

#[test]
fn help_documents_the_exit_codes() {
    let env = TestEnv::new();
    let help = env.run(&["--help"]);
    for line in [
        "0  success",
        "1  verification failed",
        "2  input refused",
        "3  ledger unavailable",
    ] {
        assert!(help.contains(line), "{help}");
    }
}

#[test]
fn head_prints_seq_hash_alone_and_verify_takes_it_or_a_prefix() {
    let env = TestEnv::new();
    env.init();
    env.run(
        &common::org_append("ekero")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let head = env.run(&["head"]);
    assert!(
        head.ends_with('\n') && head.lines().count() == 1,
        "{head:?}"
    );
    let head = head.trim_end();
    assert_eq!(head, env.head());
    env.run(&["verify", "--head", head]);
    let json = env.run(&["head", "--format", "json"]);
    assert!(json.ends_with("}\n"), "{json:?}");

    // A prefix of 12 hex digits, with or without the position.
    let (seq, hash) = head.split_once(':').expect("SEQ:HASH");
    env.run(&["verify", "--head", &format!("{seq}:{}", &hash[..12])]);
    env.run(&["verify", "--head", &hash[..16]]);

    // Too short, not hex, or unknown: refused with the reason; a different hash at SEQ fails.
    for (arg, reason) in [
        (
            format!("{seq}:{}", &hash[..8]),
            "too short: give at least 12",
        ),
        ("2:xyz".to_string(), "not a head"),
        (
            "000000000000".to_string(),
            "no stored event's hash starts with it",
        ),
    ] {
        let out = env
            .malbok()
            .args(["verify", "--head", &arg])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{arg}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(reason),
            "{arg}"
        );
    }
    let other = if hash.starts_with('0') { "1" } else { "0" }.repeat(12);
    let out = env
        .malbok()
        .args(["verify", "--head", &format!("{seq}:{other}")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rewritten"));
    let out = env
        .malbok()
        .args(["verify", "--head", &format!("9:{}", &hash[..12])])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut off"));

    // The same for an export file.
    std::fs::write(env.path("x.jsonl"), env.run(&["export"])).expect("write");
    env.run(&[
        "verify",
        "--file",
        "x.jsonl",
        "--head",
        &format!("{seq}:{}", &hash[..12]),
    ]);
}

#[test]
fn status_refuses_an_unknown_org_body_or_goal() {
    let env = TestEnv::new();
    env.init();
    env.run(&[
        "import",
        &common::root()
            .join("fixtures/ekero/events.jsonl")
            .to_string_lossy(),
    ]);
    env.run(&["status", "--at", "2021-08-31", "--body", "ekero.sn"]);
    for (flag, id, reason) in [
        (
            "--body",
            "unknown",
            "\"unknown\" is not a body this ledger knows",
        ),
        ("--org", "nowhere", "\"nowhere\" is not an organisation"),
        ("--goal", "ekero.sn", "\"ekero.sn\" is a body, not a goal"),
    ] {
        let out = env
            .malbok()
            .args(["status", "--at", "2021-08-31", flag, id])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("malbok: {flag}: {reason}")),
            "{stderr}"
        );
    }
}

#[test]
fn the_example_in_append_help_works() {
    let env = TestEnv::new();
    env.init();
    let help = env.run(&["append", "--help"]);
    let example = help
        .lines()
        .find_map(|l| l.trim().strip_prefix("Example: "))
        .expect("an example");
    run_in_shell(&env, example);
}

/// Runs a command line as a shell would, with `malbok` on PATH and the test environment.
pub fn run_in_shell(env: &TestEnv, line: &str) -> String {
    let bin = assert_cmd::cargo::cargo_bin("malbok");
    let dir = bin.parent().expect("bin dir");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(line)
        .current_dir(env.dir.path())
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .env("MALBOK_LEDGER", env.ledger())
        .env("MALBOK_ACTOR", "tester")
        .env("MALBOK_NOW", common::NOW)
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .expect("run sh");
    assert!(
        out.status.success(),
        "{line}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn completions_and_the_man_page_come_from_the_clap_definitions() {
    let env = TestEnv::new();
    let bash = env.run(&["completions", "bash"]);
    assert!(
        bash.contains("malbok") && bash.contains("organisation"),
        "{bash}"
    );
    // The script is valid bash.
    let path = env.write("malbok.bash", bash.as_bytes());
    let ok = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
        .expect("bash");
    assert!(ok.success());
    assert!(
        env.run(&["completions", "zsh"])
            .starts_with("#compdef malbok")
    );
    assert!(
        env.run(&["completions", "fish"])
            .contains("complete -c malbok")
    );
    let man = env.run(&["man"]);
    assert!(man.contains(".TH malbok"), "{man}");
    assert!(man.contains("organisation"), "{man}");
}
