//! A controller's spreadsheets (issue 13): targets and assessments come in from what Swedish
//! Excel writes (`;`, decimal comma, UTF-8 with BOM or Windows-1252, CRLF), once, with
//! refusals naming file, line and column; `status`, `history` and `log` go out with
//! `--format csv` in the same conventions, formula-safe.

use crate::common;

use common::TestEnv;
use serde_json::Value;

/// Ekerö's ledger with one more indicator, `ekero.sn.2019.m07.i9`, that has no target yet.
fn ekero() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let events = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", &events.to_string_lossy()]);
    env.run(&[
        "indicator",
        "add",
        "--id",
        "ekero.sn.2019.m07.i9",
        "--goal",
        "ekero.sn.2019.m07",
        "--text",
        "Andel nöjda brukare",
        "--unit",
        "percent",
        "--direction",
        "increase",
    ]);
    env
}

/// The payloads of the stored events of `kind`, oldest first.
fn stored(env: &TestEnv, kind: &str) -> Vec<Value> {
    env.run(&["log", "--format", "json", "--kind", kind])
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["event"]["payload"].clone())
        .collect()
}

fn import_csv(env: &TestEnv, name: &str, bytes: &[u8]) -> std::process::Output {
    env.write(name, bytes);
    env.malbok()
        .args(["import", "--from", "csv", name])
        .output()
        .expect("run")
}

fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable, "{text}");
    bytes.into_owned()
}

#[test]
fn targets_come_in_from_excel_once_and_changes_become_revisions() {
    let env = ekero();
    let sheet = "indicator;effective;level;deadline;reason\r\n\
                 ekero.sn.2019.m07.i9;2021-01-01;Delvis: minst 70,5 | Uppnått >= 90;2022-12-31;Enligt målbilagan.\r\n";
    let out = import_csv(&env, "mal.csv", &windows_1252(sheet));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let set = stored(&env, "target.set").pop().expect("a target");
    assert_eq!(set["id"], "ekero.sn.2019.m07.i9.t");
    assert_eq!(set["effective"], "2021-01-01");
    assert_eq!(set["deadline"], "2022-12-31");
    assert_eq!(
        set["levels"],
        serde_json::json!([
            {"name": "Delvis", "comparison": ">=", "threshold": "70.5"},
            {"name": "Uppnått", "comparison": ">=", "threshold": "90"}
        ])
    );
    // The same file again appends nothing.
    let head = env.head();
    let out = import_csv(&env, "mal.csv", &windows_1252(sheet));
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "nothing new to append\n"
    );
    assert_eq!(env.head(), head);
    // A changed deadline is a revision of that field alone, with a default reason.
    let changed = sheet.replace("2022-12-31", "2023-06-30");
    let out = import_csv(&env, "mal2.csv", &windows_1252(&changed));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let revised = stored(&env, "target.revised").pop().expect("a revision");
    assert_eq!(
        revised,
        serde_json::json!({"target": "ekero.sn.2019.m07.i9.t", "effective": "2021-01-01",
                           "deadline": "2023-06-30", "reason": "Enligt målbilagan."})
    );
}

#[test]
fn bad_target_and_assessment_rows_name_file_line_and_column() {
    let env = ekero();
    let head = env.head();
    for (sheet, message) in [
        (
            "indicator;effective;level\nekero.sn.2019.m07.i9;2021-01-01;Uppnått >= 90\nekero.sn.2019.m07.i9;2021-01-01;Uppnått >= nittio\n",
            "t.csv:3: level: level `Uppnått >= nittio`",
        ),
        (
            "indicator;effective;level\nnowhere;2021-01-01;Uppnått >= 90\n",
            "t.csv:2: indicator: unknown indicator `nowhere`",
        ),
        (
            "indicator;effective;level\nekero.sn.2019.m07.i9;;Uppnått >= 90\n",
            "t.csv:2: effective: is empty",
        ),
        (
            "indicator;effective;level\nekero.sn.2019.m07.i9;2021-13-01;Uppnått >= 90\n",
            "t.csv:2: effective:",
        ),
        (
            "indicator;effective;nivå;level\n",
            "t.csv:1: nivå: unknown column",
        ),
        (
            "goal;body;follow_up;scale;grade\nekero.sn.2019.m07;ekero.sn;ekero.delar-2021;ekero.tregradig;bra\n",
            "t.csv:2: grade:",
        ),
        (
            "goal;indicator;body;follow_up;analysis\nekero.sn.2019.m07;ekero.sn.2019.m07.i9;ekero.sn;ekero.delar-2021;A\n",
            "t.csv:2: goal: give exactly one",
        ),
        (
            "indicator;body;follow_up;analysis\nekero.sn.2019.m07.i9;ekero.sn;nowhere;A\n",
            "t.csv:2: follow_up:",
        ),
    ] {
        let out = import_csv(&env, "t.csv", sheet.as_bytes());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{sheet}: {stderr}");
        assert!(
            stderr.starts_with(&format!("malbok: {message}")),
            "{sheet}:\n{stderr}"
        );
    }
    assert_eq!(env.head(), head, "nothing stored");
}

#[test]
fn assessments_come_in_from_excel_once_and_a_new_judgement_is_a_revision() {
    let env = ekero();
    let sheet = "\u{feff}indicator;body;follow_up;scale;grade;analysis;trend\r\n\
                 ekero.sn.2019.m07.i9;ekero.sn;ekero.delar-2021;ekero.tregradig;delvis;'-5 % jämfört med 2020; ny enkät;worse\r\n";
    // The analysis holds a semicolon, so Excel quotes it.
    let sheet = sheet.replace(
        "'-5 % jämfört med 2020; ny enkät",
        "\"'-5 % jämfört med 2020; ny enkät\"",
    );
    let out = import_csv(&env, "bedomning.csv", sheet.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = stored(&env, "assessment.recorded").pop().expect("stored");
    assert_eq!(
        a,
        serde_json::json!({"indicator": "ekero.sn.2019.m07.i9", "body": "ekero.sn",
                           "follow_up": "ekero.delar-2021", "scale": "ekero.tregradig",
                           "grade": "delvis", "analysis": "-5 % jämfört med 2020; ny enkät",
                           "trend": "worse"})
    );
    let head = env.head();
    let out = import_csv(&env, "bedomning.csv", sheet.as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "nothing new to append\n"
    );
    assert_eq!(env.head(), head);
    let out = import_csv(
        &env,
        "ny.csv",
        sheet.replace(";delvis;", ";uppnatt;").as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = stored(&env, "assessment.recorded").pop().expect("stored");
    assert_eq!(a["grade"], "uppnatt");
    assert_eq!(a["reason"], "Ändrad i ny.csv.");
}

/// The cells of a CSV malbok wrote: BOM, CRLF, `;`.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').expect("a BOM");
    assert!(text.ends_with("\r\n"), "CRLF");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn status_history_and_log_go_out_as_swedish_excel_reads_them() {
    let env = ekero();
    let sheet = "indicator;effective;level;reason\n\
                 ekero.sn.2019.m07.i9;2021-01-01;Delvis: minst 70,5 | Uppnått >= 90;=Bilaga 1\n";
    assert!(
        import_csv(&env, "mal.csv", sheet.as_bytes())
            .status
            .success()
    );
    env.run(&[
        "reading",
        "add",
        "--indicator",
        "ekero.sn.2019.m07.i9",
        "--from",
        "2021-01-01",
        "--to",
        "2021-08-31",
        "--value",
        "72.5",
        "--source-kind",
        "survey",
        "--source-description",
        "Brukarenkät",
    ]);

    let status = env.run(&[
        "status",
        "--at",
        "2021-08-31",
        "--goal",
        "ekero.sn.2019.m07",
        "--format",
        "csv",
    ]);
    let rows = csv_rows(&status);
    assert_eq!(
        rows[0].join(";"),
        "organisation;goal;goal_text;indicator;indicator_text;target;from;to;value;\
         not_measurable;reached;assessment;follow_up"
    );
    let row = rows
        .iter()
        .find(|r| r[3] == "ekero.sn.2019.m07.i9")
        .expect("the indicator's row");
    assert_eq!(row[5], "Delvis >= 70,5 | Uppnått >= 90");
    assert_eq!(&row[6..10], ["2021-01-01", "2021-08-31", "72,5", ""]);
    assert_eq!(row[10], "Delvis");

    let history = env.run(&["history", "ekero.sn.2019.m07.i9", "--format", "csv"]);
    let rows = csv_rows(&history);
    assert_eq!(
        rows[0].join(";"),
        "seq;time;actor;kind;subject;valid_from;valid_to;decision;reason;field;old;new"
    );
    let set = rows
        .iter()
        .find(|r| r[3] == "target.set")
        .expect("the target's row");
    assert_eq!(set[4], "ekero.sn.2019.m07.i9.t");
    assert_eq!(set[5], "2021-01-01");
    assert_eq!(set[8], "'=Bilaga 1", "formula-safe");

    let log = env.run(&["log", "--kind", "target.set", "--format", "csv"]);
    let rows = csv_rows(&log);
    assert_eq!(rows[0].join(";"), "seq;time;hash;actor;kind;payload");
    let last = rows.last().expect("a row");
    assert_eq!(last[4], "target.set");
    assert_eq!(last[5].get(..1), Some("{"));
    let payload: Value = serde_json::from_str(&last[5]).expect("payload json");
    assert_eq!(payload["reason"], "=Bilaga 1");

    // --format json stays on each of them.
    for args in [
        &[
            "status",
            "--at",
            "2021-08-31",
            "--goal",
            "ekero.sn.2019.m07",
            "--format",
            "json",
        ][..],
        &["history", "ekero.sn.2019.m07.i9", "--format", "json"],
    ] {
        let out = env.run(args);
        serde_json::from_str::<Value>(&out).expect("json");
    }
}

/// Progress (issue 13): on a terminal a long import shows it on stderr, in colour unless
/// `NO_COLOR` is set, and not at all with `--quiet`; off a terminal (every other test) nothing.
/// Needs `script` (util-linux) for a terminal; skipped with a printed reason without it.
#[test]
fn progress_on_a_terminal_honours_no_color_and_quiet() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no `script` to give malbok a terminal");
        return;
    }
    let env = TestEnv::new();
    env.init();
    let data = env.path("g.jsonl");
    env.run(&["gen", "--size", "20000", "--out", &data.to_string_lossy()]);
    let binary = assert_cmd::cargo::cargo_bin("malbok");
    // `script` runs the command on a pseudo-terminal and copies what it wrote to stdout. Each
    // run imports into a fresh ledger of its own.
    let on_terminal = |name: &str, args: &str, no_color: bool| {
        let ledger = env.path(name);
        let init = std::process::Command::new(&binary)
            .env_clear()
            .env("MALBOK_LEDGER", &ledger)
            .arg("init")
            .output()
            .expect("init");
        assert!(init.status.success());
        let out = std::process::Command::new("script")
            .args(["-qec", &format!("{} {args}", binary.display()), "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm")
            .env("MALBOK_LEDGER", &ledger)
            .env("MALBOK_NOW", common::NOW)
            .env("MALBOK_ACTOR", "tester")
            .envs(no_color.then_some(("NO_COLOR", "1")))
            .output()
            .expect("script");
        assert!(out.status.success(), "{args}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let file = data.to_string_lossy();
    let shown = on_terminal("a.db", &format!("import {file}"), false);
    assert!(shown.contains("importing"), "{shown}");
    assert!(shown.contains("\x1b[36m"), "in colour: {shown}");
    assert!(shown.contains("appended 20000 events"), "{shown}");
    let plain = on_terminal("b.db", &format!("import {file}"), true);
    assert!(plain.contains("importing"), "{plain}");
    assert!(!plain.contains("\x1b[36m"), "NO_COLOR: {plain}");
    let quiet = on_terminal("c.db", &format!("--quiet import {file}"), false);
    assert!(!quiet.contains("importing"), "{quiet}");
    assert!(quiet.contains("appended 20000 events"), "{quiet}");
}

/// `--format json` on the commands that print data and had none (issue 13): `keygen` (the
/// paths and the verifier key), `reproduce` (tested in the whole-year test).
#[test]
fn keygen_says_what_it_wrote_in_json() {
    let env = TestEnv::new();
    let out = env.run(&[
        "keygen",
        "--name",
        "ekero.revision",
        "--out",
        "k",
        "--format",
        "json",
    ]);
    let json: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["signer_key"], "k.key");
    assert_eq!(json["verifier_key"], "k.pub");
    let written = std::fs::read_to_string(env.path("k.pub")).expect("k.pub");
    assert_eq!(json["verifier"], written.trim_end());
}
