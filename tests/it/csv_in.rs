//! Excel in and out: `malbok readings --format csv` writes what Swedish Excel reads, and
//! `import --from csv` reads what it writes back, so an edited export appends exactly the
//! corrections made.

use crate::common;

use common::TestEnv;
use serde_json::Value;

fn ekero() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let events = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", &events.to_string_lossy()]);
    // A second reading whose texts a spreadsheet would run as formulas.
    env.run(&[
        "reading",
        "add",
        "--indicator",
        "ekero.sn.2019.m07.i1",
        "--from",
        "2021-01-01",
        "--to",
        "2021-08-31",
        "--value",
        "-3.5",
        "--source-kind",
        "internal",
        "--source-description",
        "=HYPERLINK(\"http://x\")",
        "--comment",
        "@SUM(A1)",
    ]);
    env
}

fn stored_after(env: &TestEnv, after: u64) -> Vec<Value> {
    env.run(&["log", "--format", "json"])
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["event"].clone())
        .filter(|e| e["seq"].as_u64().expect("seq") > after)
        .collect()
}

fn head_seq(env: &TestEnv) -> u64 {
    env.head()
        .split(':')
        .next()
        .expect("seq")
        .parse()
        .expect("seq")
}

#[test]
fn an_edited_export_appends_exactly_the_corrections_made() {
    let env = ekero();
    let csv = env.run(&["readings", "--org", "ekero", "--format", "csv"]);
    let expected = "\u{feff}indicator;from;to;value;not_measurable;source_kind;source_description;comment;seq;decision;reason\r\n\
        ekero.sn.2019.m07.i1;2020-01-01;2020-12-31;87;;survey;Socialstyrelsens brukarundersökning 2020, hemtjänst;87% av brukarna med hemtjänstinsatser upplevde att de hade fått välja utförare i Socialstyrelsens brukarundersökning 2020.;78;;\r\n\
        ekero.sn.2019.m07.i1;2021-01-01;2021-08-31;-3,5;;internal;\"'=HYPERLINK(\"\"http://x\"\")\";'@SUM(A1);124;;\r\n\
        ekero.sn.2019.m07.i2;2020-01-01;2020-12-31;92;;survey;Socialstyrelsens brukarundersökning 2020, hemtjänst;92% positiva svar för hemtjänst i Socialstyrelsens brukarundersökning 2020 och 81% positiva svar för särskilt boende i undersökningen för 2019 (2020 var svarsfrekvensen för låg inom särskilt boende för att slutsatser ska kunna dras).;79;;\r\n\
        ekero.sn.2019.m07.i3;2020-01-01;2020-12-31;98;;survey;Socialstyrelsens brukarundersökning 2020, hemtjänst;98% positiva svar för hemtjänst i Socialstyrelsens brukarundersökning 2020 och 96% positiva svar för särskilt boende i undersökningen för 2019 (2020 var svarsfrekvensen för låg inom särskilt boende för att slutsatser ska kunna dras).;80;;\r\n";
    assert_eq!(csv, expected);

    // Unchanged, it appends nothing.
    env.write("same.csv", csv.as_bytes());
    let head = env.head();
    assert_eq!(
        env.run(&["import", "--from", "csv", "same.csv"]),
        "nothing new to append\n"
    );
    assert_eq!(env.head(), head);

    // One value edited as Excel saves it (Windows-1252, CRLF), one row added.
    let edited = csv
        .replace(";87;;survey;", ";85,5;;survey;")
        .trim_start_matches('\u{feff}')
        .to_string()
        + "ekero.sn.2019.m07.i2;2021-01-01;2021-08-31;12,25;;survey;Egen enkät;;;;\r\n";
    let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(&edited);
    assert!(!lossy);
    env.write("edited.csv", &bytes);
    let before = head_seq(&env);
    env.run(&["import", "--from", "csv", "edited.csv"]);
    let appended = stored_after(&env, before);
    assert_eq!(appended.len(), 2, "{appended:?}");
    assert_eq!(appended[1]["kind"], "reading.recorded");
    assert_eq!(appended[1]["payload"]["value"], "12.25");
    assert_eq!(appended[0]["kind"], "reading.corrected");
    assert_eq!(
        appended[0]["payload"],
        serde_json::json!({"corrects": 78, "indicator": "ekero.sn.2019.m07.i1", "value": "85.5",
                           "reason": "Rättad i edited.csv."})
    );
    // And again: nothing.
    let head = env.head();
    assert_eq!(
        env.run(&["import", "--from", "csv", "edited.csv"]),
        "nothing new to append\n"
    );
    assert_eq!(env.head(), head);
}

#[test]
fn bad_rows_are_refused_with_file_line_column_and_why() {
    let env = ekero();
    let head = env.head();
    let header = "indicator;from;to;value;source_kind;source_description\r\n";
    for (body, message) in [
        (
            "ekero.sn.2019.m07.i2;2021-01-01;2021-08-31;12.5.1;survey;S\r\n",
            "x.csv:2: value: \"12.5.1\" is not a number",
        ),
        (
            "ekero.sn.2019.m07.i2;2021-01-01;2021-08-31;12;survey;S\r\nekero.sn.2019.m07.i9;2021-01-01;2021-08-31;1;survey;S\r\n",
            "x.csv:3: indicator: unknown indicator `ekero.sn.2019.m07.i9`",
        ),
        (
            "ekero.sn.2019.m07.i2;2021-01-01;2021-08-31;12;survey\r\n",
            "x.csv:2: row: ",
        ),
        (
            "ekero.sn.2019.m07.i2;2021-01-01;2021-02-30;12;survey;S\r\n",
            "x.csv:2: to: `2021-02-30` is not a date",
        ),
        (
            "ekero.sn.2019.m07.i1;2020-01-01;2020-12-31;;survey;S\r\n",
            "x.csv:2: value: is empty, but ekero.sn.2019.m07.i1 has the value 87",
        ),
    ] {
        env.write("x.csv", format!("{header}{body}").as_bytes());
        let out = env
            .malbok()
            .args(["import", "--from", "csv", "x.csv"])
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body}: {stderr}");
        assert!(stderr.contains(message), "{body}:\n{stderr}");
    }
    env.write("x.csv", b"indikator;fran\r\n");
    let out = env
        .malbok()
        .args(["import", "--from", "csv", "x.csv"])
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stderr).contains("x.csv:1: indikator: unknown column"));
    assert_eq!(env.head(), head);
}
