//! The commands for people (`goal`, `indicator`, `target`, `reading`, `assess`, `follow-up`)
//! through the real binary: each stores exactly the payload the equivalent import line stores,
//! derives and prints ids, says which valid date it defaulted, and refuses bad input like
//! import does, naming the flag and storing nothing.

use crate::common;

use common::TestEnv;
use serde_json::Value;

/// The organisations, bodies, plan, scale and follow-up the commands refer to.
const CONTEXT: &str = r#"{"kind":"organisation.registered","payload":{"id":"ekero","name":"Ekerö kommun","kolada_id":"0125"}}
{"kind":"organisation.registered","payload":{"id":"gotene","name":"Götene kommun"}}
{"kind":"body.registered","payload":{"id":"ekero.kf","organisation":"ekero","name":"Kommunfullmäktige","abbreviation":"KF"}}
{"kind":"body.registered","payload":{"id":"ekero.sn","organisation":"ekero","name":"Socialnämnden","abbreviation":"SN"}}
{"kind":"body.registered","payload":{"id":"gotene.kf","organisation":"gotene","name":"Kommunfullmäktige"}}
{"kind":"plan.adopted","payload":{"id":"ekero.kf.2019","organisation":"ekero","body":"ekero.kf","title":"11 övergripande mål","period":{"from":"2019-01-01","to":"2022-12-31"},"decision":"KF 2019-04-09 § 34"}}
{"kind":"plan.adopted","payload":{"id":"ekero.sn.2019","organisation":"ekero","body":"ekero.sn","title":"Socialnämndens mål","period":{"from":"2019-01-01","to":"2022-12-31"},"reason":"Antagna i maj 2019."}}
{"kind":"scale.defined","payload":{"id":"ekero.tregradig","organisation":"ekero","name":"Tregradig skala","grades":[{"code":"uppnatt","label":"Uppnått"},{"code":"delvis","label":"Delvis uppnått"},{"code":"ej_uppnatt","label":"Ej uppnått"}]}}
{"kind":"follow_up.defined","payload":{"id":"ekero.delar-2021","organisation":"ekero","name":"Delår 2021","kind":"interim","cut_off":"2021-08-31"}}
"#;

/// A goal, an indicator with a reading at seq 13, and an indicator retired from 2021-01-01,
/// for the refusals.
const GOALS: &str = r#"{"kind":"goal.defined","payload":{"id":"ekero.sn.2019.m07","plan":"ekero.sn.2019","text":"Större valfrihet.","bodies":["ekero.sn"]}}
{"kind":"indicator.defined","payload":{"id":"ekero.sn.2019.m07.i1","goal":"ekero.sn.2019.m07","text":"Andel som fått välja utförare.","unit":"percent","direction":"increase"}}
{"kind":"reading.recorded","payload":{"indicator":"ekero.sn.2019.m07.i1","period":{"from":"2021-01-01","to":"2021-08-31"},"value":"87","source":{"kind":"survey","description":"Brukarundersökningen"}}}
{"kind":"indicator.defined","payload":{"id":"ekero.sn.2019.m07.old","goal":"ekero.sn.2019.m07","text":"Gammal indikator.","unit":"count","direction":"increase"}}
{"kind":"indicator.retired","payload":{"indicator":"ekero.sn.2019.m07.old","effective":"2021-01-01","reason":"Ersatt."}}
"#;

/// A ledger holding `jsonl`, imported.
fn ledger_with(jsonl: &str) -> TestEnv {
    let env = TestEnv::new();
    env.init();
    env.write("context.jsonl", jsonl.as_bytes());
    env.run(&["import", "context.jsonl"]);
    env
}

/// The stored events after position `after`, as (kind, payload).
fn stored_after(env: &TestEnv, after: u64) -> Vec<(String, Value)> {
    env.run(&["log", "--format", "json"])
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json line")["event"].clone())
        .filter(|e| e["seq"].as_u64().expect("seq") > after)
        .map(|e| {
            (
                e["kind"].as_str().expect("kind").to_string(),
                e["payload"].clone(),
            )
        })
        .collect()
}

/// Each command, the import line that must store the same event, and the id it must print
/// (when it defines something). Run in order: later commands refer to what earlier ones made.
#[rustfmt::skip]
const SCRIPT: &[(&[&str], &str, Option<&str>)] = &[
    (
        &["goal", "add", "--plan", "ekero.kf.2019", "--number", "7", "--text", "Ekerö ska vara en trygg kommun.", "--body", "ekero.kf"],
        r#"{"kind":"goal.defined","payload":{"id":"ekero.kf.2019.ekero-ska-vara-en-trygg-kommun","plan":"ekero.kf.2019","number":"7","text":"Ekerö ska vara en trygg kommun.","bodies":["ekero.kf"]}}"#,
        Some("ekero.kf.2019.ekero-ska-vara-en-trygg-kommun"),
    ),
    (
        &["goal", "add", "--id", "ekero.sn.2019.m06", "--plan", "ekero.sn.2019", "--text", "Bryta den ofrivilliga ensamheten.", "--description", "Äldre ska ha någon att prata med.", "--area", "Självständigt liv", "--parent", "ekero.kf.2019.ekero-ska-vara-en-trygg-kommun", "--body", "ekero.sn,ekero.kf", "--source-plan", "ekero.kf.2019", "--effective", "2019-05-01", "--decision", "SN 2019-05-22 § 41"],
        r#"{"kind":"goal.defined","payload":{"id":"ekero.sn.2019.m06","plan":"ekero.sn.2019","text":"Bryta den ofrivilliga ensamheten.","description":"Äldre ska ha någon att prata med.","area":"Självständigt liv","parent":"ekero.kf.2019.ekero-ska-vara-en-trygg-kommun","bodies":["ekero.sn","ekero.kf"],"source_plan":"ekero.kf.2019","effective":"2019-05-01","decision":"SN 2019-05-22 § 41"}}"#,
        Some("ekero.sn.2019.m06"),
    ),
    (
        &["goal", "revise", "--goal", "ekero.sn.2019.m06", "--effective", "2021-01-01", "--text", "Minska den ofrivilliga ensamheten.", "--body", "ekero.sn", "--reason", "Omformulerat."],
        r#"{"kind":"goal.revised","payload":{"goal":"ekero.sn.2019.m06","effective":"2021-01-01","text":"Minska den ofrivilliga ensamheten.","bodies":["ekero.sn"],"reason":"Omformulerat."}}"#,
        None,
    ),
    (
        &["indicator", "add", "--goal", "ekero.sn.2019.m06", "--text", "Andel ensamma", "--area", "Äldreomsorg", "--unit", "percent", "--direction", "decrease", "--source-kind", "kolada", "--source-kolada-kpi", "N31848", "--source-kolada-kpi", "N01951", "--baseline", "-3.5", "--baseline-from", "2020-01-01", "--baseline-to", "2020-12-31"],
        r#"{"kind":"indicator.defined","payload":{"id":"ekero.sn.2019.m06.i1","goal":"ekero.sn.2019.m06","text":"Andel ensamma","area":"Äldreomsorg","unit":"percent","direction":"decrease","source":{"kind":"kolada","kolada_kpis":["N31848","N01951"]},"baseline":{"value":"-3.5","period":{"from":"2020-01-01","to":"2020-12-31"}}}}"#,
        Some("ekero.sn.2019.m06.i1"),
    ),
    (
        &["indicator", "revise", "--indicator", "ekero.sn.2019.m06.i1", "--effective", "2021-06-01", "--unit", "other", "--unit-label", "personer per enkät", "--source-kind", "survey", "--source-description", "Egen enkät", "--decision", "SN 2021-05-19 § 50"],
        r#"{"kind":"indicator.revised","payload":{"indicator":"ekero.sn.2019.m06.i1","effective":"2021-06-01","unit":"other","unit_label":"personer per enkät","source":{"kind":"survey","description":"Egen enkät"},"decision":"SN 2021-05-19 § 50"}}"#,
        None,
    ),
    (
        &["target", "set", "--indicator", "ekero.sn.2019.m06.i1", "--text", "Målnivåer", "--level", "På rätt väg <= 30", "--level", "Uppnått<20", "--level", "Helt uppnått", "--deadline", "2022-12-31", "--effective", "2021-01-01", "--reason", "Satt av nämnden."],
        r#"{"kind":"target.set","payload":{"id":"ekero.sn.2019.m06.i1.t","indicator":"ekero.sn.2019.m06.i1","text":"Målnivåer","levels":[{"name":"På rätt väg","comparison":"<=","threshold":"30"},{"name":"Uppnått","comparison":"<","threshold":"20"},{"name":"Helt uppnått"}],"deadline":"2022-12-31","effective":"2021-01-01","reason":"Satt av nämnden."}}"#,
        Some("ekero.sn.2019.m06.i1.t"),
    ),
    (
        &["target", "revise", "--target", "ekero.sn.2019.m06.i1.t", "--effective", "2022-01-01", "--level", "Uppnått=15", "--deadline", "2023-12-31", "--decision", "SN 2021-12-15 § 120"],
        r#"{"kind":"target.revised","payload":{"target":"ekero.sn.2019.m06.i1.t","effective":"2022-01-01","levels":[{"name":"Uppnått","comparison":"=","threshold":"15"}],"deadline":"2023-12-31","decision":"SN 2021-12-15 § 120"}}"#,
        None,
    ),
    (
        &["reading", "add", "--indicator", "ekero.sn.2019.m06.i1", "--from", "2021-01-01", "--to", "2021-08-31", "--value", "24.50", "--source-kind", "survey", "--source-description", "Egen enkät 2021", "--comment", "Svarsfrekvens 61 %."],
        r#"{"kind":"reading.recorded","payload":{"indicator":"ekero.sn.2019.m06.i1","period":{"from":"2021-01-01","to":"2021-08-31"},"value":"24.50","source":{"kind":"survey","description":"Egen enkät 2021"},"comment":"Svarsfrekvens 61 %."}}"#,
        None,
    ),
    (
        &["reading", "add", "--indicator", "ekero.sn.2019.m06.i1", "--from", "2020-01-01", "--to", "2020-12-31", "--value", "-2", "--source-kind", "kolada", "--source-kolada-kpi", "N31805", "--source-kolada-municipality", "0125", "--source-url", "https://api.kolada.se/v2/data/kpi/N31805/municipality/0125/year/2020", "--source-fetched-at", "2021-04-02T08:15:00Z"],
        r#"{"kind":"reading.recorded","payload":{"indicator":"ekero.sn.2019.m06.i1","period":{"from":"2020-01-01","to":"2020-12-31"},"value":"-2","source":{"kind":"kolada","kolada_kpi":"N31805","kolada_municipality":"0125","url":"https://api.kolada.se/v2/data/kpi/N31805/municipality/0125/year/2020","fetched_at":"2021-04-02T08:15:00Z"}}}"#,
        None,
    ),
    (
        // Corrects the first reading above: context (10) + 7 events before it = seq 18.
        &["reading", "correct", "--corrects", "18", "--indicator", "ekero.sn.2019.m06.i1", "--value", "25", "--source-kind", "survey", "--source-file", "enkat-2021-v2.xlsx", "--source-description", "Egen enkät 2021, rättad", "--decision", "SN 2021-10-20 § 90", "--reason", "Felräknat."],
        r#"{"kind":"reading.corrected","payload":{"corrects":18,"indicator":"ekero.sn.2019.m06.i1","value":"25","source":{"kind":"survey","description":"Egen enkät 2021, rättad","file":"enkat-2021-v2.xlsx"},"decision":"SN 2021-10-20 § 90","reason":"Felräknat."}}"#,
        None,
    ),
    (
        &["reading", "not-measurable", "--indicator", "ekero.sn.2019.m06.i1", "--from", "2019-01-01", "--to", "2019-12-31", "--reason", "Enkäten genomfördes inte.", "--comment", "Pandemin."],
        r#"{"kind":"reading.not_measurable","payload":{"indicator":"ekero.sn.2019.m06.i1","period":{"from":"2019-01-01","to":"2019-12-31"},"reason":"Enkäten genomfördes inte.","comment":"Pandemin."}}"#,
        None,
    ),
    (
        &["follow-up", "add", "--org", "ekero", "--name", "Årsredovisning 2021", "--kind", "annual", "--cut-off", "2021-12-31"],
        r#"{"kind":"follow_up.defined","payload":{"id":"ekero.arsredovisning-2021","organisation":"ekero","name":"Årsredovisning 2021","kind":"annual","cut_off":"2021-12-31"}}"#,
        Some("ekero.arsredovisning-2021"),
    ),
    (
        &["assess", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--indicator", "ekero.sn.2019.m06.i1", "--scale", "ekero.tregradig", "--grade", "delvis", "--analysis", "Andelen minskar men målet nås inte.", "--trend", "improved"],
        r#"{"kind":"assessment.recorded","payload":{"body":"ekero.sn","indicator":"ekero.sn.2019.m06.i1","follow_up":"ekero.delar-2021","scale":"ekero.tregradig","grade":"delvis","analysis":"Andelen minskar men målet nås inte.","trend":"improved"}}"#,
        None,
    ),
    (
        &["assess", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--indicator", "ekero.sn.2019.m06.i1", "--analysis", "Omprövad bedömning.", "--decision", "SN 2021-10-20 § 91"],
        r#"{"kind":"assessment.recorded","payload":{"body":"ekero.sn","indicator":"ekero.sn.2019.m06.i1","follow_up":"ekero.delar-2021","analysis":"Omprövad bedömning.","decision":"SN 2021-10-20 § 91"}}"#,
        None,
    ),
    (
        &["assess", "--body", "ekero.kf", "--follow-up", "ekero.arsredovisning-2021", "--goal", "ekero.kf.2019.ekero-ska-vara-en-trygg-kommun", "--scale", "ekero.tregradig", "--grade", "uppnatt"],
        r#"{"kind":"assessment.recorded","payload":{"body":"ekero.kf","goal":"ekero.kf.2019.ekero-ska-vara-en-trygg-kommun","follow_up":"ekero.arsredovisning-2021","scale":"ekero.tregradig","grade":"uppnatt"}}"#,
        None,
    ),
    (
        &["indicator", "retire", "--indicator", "ekero.sn.2019.m06.i1", "--effective", "2023-01-01", "--reason", "Ersätts."],
        r#"{"kind":"indicator.retired","payload":{"indicator":"ekero.sn.2019.m06.i1","effective":"2023-01-01","reason":"Ersätts."}}"#,
        None,
    ),
    (
        &["goal", "retire", "--goal", "ekero.sn.2019.m06", "--effective", "2023-01-01", "--decision", "SN 2022-12-14 § 130"],
        r#"{"kind":"goal.retired","payload":{"goal":"ekero.sn.2019.m06","effective":"2023-01-01","decision":"SN 2022-12-14 § 130"}}"#,
        None,
    ),
];

#[test]
fn each_command_stores_what_the_import_line_stores() {
    let people = ledger_with(CONTEXT);
    let imported = ledger_with(CONTEXT);
    let context_head = 10;
    let mut lines = String::new();
    for (i, (args, line, id)) in SCRIPT.iter().enumerate() {
        let out = people.malbok().args(*args).output().expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "malbok {args:?}: {stderr}");
        // Every valid date was given, so nothing was defaulted.
        assert_eq!(stderr, "", "malbok {args:?}");
        let seq = context_head + 1 + i;
        let head: Value =
            serde_json::from_str(&people.run(&["head", "--format", "json"])).expect("head");
        let mut expected = format!(
            "appended {seq} {} at 2021-09-01T10:00:00.000000Z\n",
            head["hash"].as_str().expect("hash")
        );
        if let Some(id) = id {
            expected += &format!("id: {id}\n");
        }
        assert_eq!(stdout, expected, "malbok {args:?}");
        lines += line;
        lines += "\n";
    }
    imported.write("script.jsonl", lines.as_bytes());
    imported.run(&["import", "script.jsonl"]);
    let by_people = stored_after(&people, context_head as u64);
    let by_import = stored_after(&imported, context_head as u64);
    assert_eq!(by_people.len(), SCRIPT.len());
    for (i, (a, b)) in by_people.iter().zip(&by_import).enumerate() {
        assert_eq!(a, b, "malbok {:?}", SCRIPT[i].0);
    }
    people.run(&["verify"]);
}

#[test]
fn a_date_a_decision_states_is_required_and_never_defaulted() {
    let env = ledger_with(&(CONTEXT.to_string() + GOALS));
    let head = env.head();
    // Entering last year's targets today must not give targets in force from today.
    for args in [
        &[
            "target",
            "set",
            "--indicator",
            "ekero.sn.2019.m07.i1",
            "--level",
            "Uppnått >= 90",
        ][..],
        &[
            "target",
            "revise",
            "--target",
            "x",
            "--deadline",
            "2022-12-31",
            "--reason",
            "R",
        ],
        &[
            "goal",
            "retire",
            "--goal",
            "ekero.sn.2019.m07",
            "--reason",
            "R",
        ],
        &[
            "indicator",
            "retire",
            "--indicator",
            "ekero.sn.2019.m07.i1",
            "--reason",
            "R",
        ],
    ] {
        let out = env.malbok().args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--effective <EFFECTIVE>"),
            "{args:?}"
        );
    }
    assert_eq!(env.head(), head);

    // With --effective, `--format json` reports the append and the derived id.
    let out = env
        .malbok()
        .args(["target", "set", "--indicator", "ekero.sn.2019.m07.i1"])
        .args(["--level", "Uppnått >= 90", "--effective", "2020-01-01"])
        .args(["--format", "json"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["id"], "ekero.sn.2019.m07.i1.t");
    let (kind, payload) = stored_after(&env, 15).pop().expect("stored");
    assert_eq!(kind, "target.set");
    assert_eq!(payload["effective"], "2020-01-01");
    assert_eq!(
        env.head(),
        format!(
            "{}:{}",
            report["head"]["seq"],
            report["head"]["hash"].as_str().expect("hash")
        )
    );

    // A definition without --effective applies from the start: nothing is defaulted.
    let out = env
        .malbok()
        .args([
            "goal",
            "add",
            "--plan",
            "ekero.sn.2019",
            "--text",
            "Nytt mål",
        ])
        .args(["--body", "ekero.sn"])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let (_, payload) = stored_after(&env, 16).pop().expect("stored");
    assert!(payload.get("effective").is_none(), "{payload}");
}

#[test]
fn derived_indicator_ids_read_goal_i1_i2() {
    let env = ledger_with(&(CONTEXT.to_string() + GOALS));
    let add = |text: &str| {
        env.run(&[
            "indicator",
            "add",
            "--goal",
            "ekero.sn.2019.m07",
            "--text",
            text,
            "--unit",
            "percent",
            "--direction",
            "increase",
        ])
    };
    // `.i1` is taken by the fixture.
    assert!(add("Andel nöjda brukare").ends_with("id: ekero.sn.2019.m07.i2\n"));
    assert!(add("Andel mycket nöjda brukare").ends_with("id: ekero.sn.2019.m07.i3\n"));
}

#[test]
fn derived_ids_are_unique_and_printed() {
    let env = ledger_with(CONTEXT);
    let add = [
        "follow-up",
        "add",
        "--org",
        "ekero",
        "--name",
        "Delår 2021",
        "--kind",
        "interim",
        "--cut-off",
        "2021-08-31",
    ];
    // `ekero.delar-2021` is taken by the context.
    assert!(env.run(&add).ends_with("id: ekero.delar-2021-2\n"));
    assert!(env.run(&add).ends_with("id: ekero.delar-2021-3\n"));
}

/// Each refusal: the arguments and what stderr must contain. All exit 2 and store nothing.
#[rustfmt::skip]
const REFUSALS: &[(&[&str], &str)] = &[
    (
        &["goal", "add", "--plan", "ekero.sn.2018", "--text", "X", "--body", "ekero.sn"],
        "malbok: --plan: unknown plan `ekero.sn.2018`: define it first with `malbok plan adopt`",
    ),
    (
        &["reading", "add", "--indicator", "ekero.sn.2019.m07.i1", "--from", "2022-01-01", "--to", "2022-12-31", "--value", "1"],
        "malbok: --source-kind: is required\n",
    ),
    (
        &["goal", "add", "--plan", "ekero.sn.2019", "--text", "X", "--body", "gotene.kf"],
        "malbok: --body: body `gotene.kf` belongs to organisation `gotene`, not `ekero`",
    ),
    (
        &["goal", "add", "--id", "ekero.sn", "--plan", "ekero.sn.2019", "--text", "X", "--body", "ekero.sn"],
        "malbok: --id: `ekero.sn` is already used by a body",
    ),
    (
        &["goal", "revise", "--goal", "ekero.sn.2019.m99", "--effective", "2021-01-01", "--text", "X", "--reason", "R"],
        "malbok: --goal: unknown goal `ekero.sn.2019.m99`",
    ),
    (
        &["goal", "revise", "--goal", "ekero.sn.2019.m07", "--effective", "2021-01-01", "--text", "X"],
        "malbok: --decision: is required, or --reason",
    ),
    (
        &["goal", "retire", "--goal", "ekero.sn.2019.m07", "--effective", "2021-02-29", "--reason", "R"],
        "malbok: --effective: `2021-02-29` is not a date in the calendar",
    ),
    (
        &["indicator", "add", "--goal", "ekero.sn.2019.m99", "--text", "X", "--unit", "percent", "--direction", "increase"],
        "malbok: --goal: unknown goal `ekero.sn.2019.m99`",
    ),
    (
        &["indicator", "add", "--goal", "ekero.sn.2019.m07", "--text", "X", "--unit", "procent", "--direction", "increase"],
        "malbok: --unit: `procent` is not a unit; use one of: percent",
    ),
    (
        &["indicator", "revise", "--indicator", "ekero.sn.2019.m07.old", "--effective", "2021-06-01", "--text", "X", "--reason", "R"],
        "malbok: --indicator: indicator `ekero.sn.2019.m07.old` was retired from 2021-01-01",
    ),
    (
        &["target", "set", "--indicator", "ekero.sn.2019.m07.i1", "--level", "På väg >= 50", "--level", "Uppnått >= nio", "--effective", "2021-01-01"],
        "malbok: --level: level `Uppnått >= nio`: `>= nio` cannot be read as a threshold; write it as e.g. \"minst 70\"",
    ),
    (
        &["target", "set", "--indicator", "ekero.sn.2019.m07.i1", "--level", "Uppnått", "--effective", "2021-01-01", "--deadline", "2020-12-31"],
        "malbok: --deadline: 2020-12-31 is before the target takes effect (2021-01-01)",
    ),
    (
        &["target", "revise", "--target", "ekero.sn.2019.m07.i1", "--effective", "2021-01-01", "--deadline", "2022-12-31", "--reason", "R"],
        "malbok: --target: `ekero.sn.2019.m07.i1` is a",
    ),
    (
        &["reading", "add", "--indicator", "ekero.sn.2019.m07.i1", "--from", "2022-01-01", "--to", "2022-02-29", "--value", "1", "--source-kind", "survey", "--source-description", "S"],
        "malbok: --to: `2022-02-29` is not a date in the calendar",
    ),
    (
        &["reading", "add", "--indicator", "ekero.sn.2019.m07.i1", "--from", "2022-01-01", "--to", "2022-12-31", "--value", "87,5", "--source-kind", "survey", "--source-description", "S"],
        "malbok: --value: `87,5` is not a decimal",
    ),
    (
        &["reading", "add", "--indicator", "ekero.sn.2019.m07.i1", "--from", "2022-01-01", "--to", "2022-12-31", "--value", "1", "--source-kind", "survey"],
        "malbok: --source-description: is required unless the source is Kolada",
    ),
    (
        &["reading", "add", "--indicator", "ekero.sn.2019.m07.old", "--from", "2021-01-01", "--to", "2021-08-31", "--value", "3", "--source-kind", "survey", "--source-description", "S"],
        "malbok: --indicator: indicator `ekero.sn.2019.m07.old` was retired from 2021-01-01",
    ),
    (
        &["reading", "add", "--indicator", "ekero.sn.2019.m07.i1", "--from", "2021-01-01", "--to", "2021-08-31", "--value", "3", "--source-kind", "survey", "--source-description", "S"],
        "malbok: --from: indicator `ekero.sn.2019.m07.i1` already has a reading for 2021-01-01..2021-08-31 (seq 13)",
    ),
    (
        &["reading", "correct", "--corrects", "13", "--indicator", "ekero.sn.2019.m07.i1", "--value", "85", "--decision", "SN 2021-10-20 §90"],
        "malbok: --decision: `SN 2021-10-20 §90` has no \" § \" paragraph",
    ),
    (
        &["reading", "correct", "--corrects", "12", "--indicator", "ekero.sn.2019.m07.i1", "--value", "85", "--reason", "R"],
        "malbok: --corrects: seq 12 is a indicator.defined event, not a reading",
    ),
    (
        &["reading", "correct", "--corrects", "13", "--indicator", "ekero.sn.2019.m07.old", "--value", "85", "--reason", "R"],
        "malbok: --indicator: the reading at seq 13 is of indicator `ekero.sn.2019.m07.i1`",
    ),
    (
        &["reading", "not-measurable", "--indicator", "ekero.sn.2019.m07.i1", "--from", "2021-08-31", "--to", "2021-01-01", "--reason", "R"],
        "malbok: --to: 2021-01-01 is before the start of the period 2021-08-31",
    ),
    (
        &["assess", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--goal", "ekero.sn.2019.m07", "--scale", "ekero.tregradig", "--grade", "bra"],
        "malbok: --grade: `bra` is not a grade on scale `ekero.tregradig`",
    ),
    (
        &["assess", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--goal", "ekero.sn.2019.m99", "--analysis", "A"],
        "malbok: --goal: unknown goal `ekero.sn.2019.m99`",
    ),
    (
        &["assess", "--body", "ekero.sn", "--follow-up", "ekero.delar-2020", "--goal", "ekero.sn.2019.m07", "--analysis", "A"],
        "malbok: --follow-up: unknown follow-up `ekero.delar-2020`",
    ),
    (
        &["assess", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--indicator", "ekero.sn.2019.m07.old", "--analysis", "A"],
        "malbok: --indicator: it was retired from 2021-01-01",
    ),
    (
        &["assess", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--goal", "ekero.sn.2019.m07", "--analysis", "A", "--trend", "better"],
        "malbok: --trend: `better` is not a trend",
    ),
    (
        &["assess", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--goal", "ekero.sn.2019.m07", "--indicator", "ekero.sn.2019.m07.i1", "--analysis", "A"],
        "cannot be used with",
    ),
    (
        &["follow-up", "add", "--org", "ekero", "--name", "Delår 2022", "--kind", "quarterly", "--cut-off", "2022-08-31"],
        "malbok: --kind: `quarterly` is not a follow-up kind",
    ),
    (
        &["follow-up", "add", "--org", "ekero", "--name", "Delår 2022", "--kind", "interim", "--cut-off", "2022-8-31"],
        "malbok: --cut-off: `2022-8-31` is not a date",
    ),
    (
        &["follow-up", "add", "--org", "ekero", "--name", "Delår 2022", "--kind", "interim"],
        "--cut-off <CUT_OFF>",
    ),
];

#[test]
fn bad_input_is_refused_naming_the_flag_and_nothing_is_stored() {
    let env = ledger_with(&(CONTEXT.to_string() + GOALS));
    let head = env.head();
    for (args, message) in REFUSALS {
        let out = env.malbok().args(*args).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "malbok {args:?}: {stderr}");
        assert!(stderr.contains(message), "malbok {args:?}:\n{stderr}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), "", "malbok {args:?}");
    }
    assert_eq!(env.head(), head);
}

/// Issue 13: levels as people write them are stored as name, comparison and threshold, read
/// with the indicator's direction; what cannot be read is refused naming `--level`.
#[test]
fn target_levels_are_read_as_people_write_them() {
    let env = ledger_with(&(CONTEXT.to_string() + GOALS));
    let head: u64 = env
        .head()
        .split(':')
        .next()
        .expect("seq")
        .parse()
        .expect("seq");
    env.run(&[
        "target",
        "set",
        "--indicator",
        "ekero.sn.2019.m07.i1",
        "--level",
        "På rätt väg: minst 70",
        "--level",
        "Uppnått 2023 >= 80",
        "--level",
        "Uppnått ≥ 90",
        "--level",
        "Helt uppnått",
        "--effective",
        "2021-01-01",
    ]);
    let stored = stored_after(&env, head);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        stored[0].1["levels"],
        serde_json::json!([
            {"name": "På rätt väg", "comparison": ">=", "threshold": "70"},
            {"name": "Uppnått 2023", "comparison": ">=", "threshold": "80"},
            {"name": "Uppnått", "comparison": ">=", "threshold": "90"},
            {"name": "Helt uppnått"},
        ])
    );
    // A revision reads "70 %" with the indicator's direction and a decimal comma.
    env.run(&[
        "target",
        "revise",
        "--target",
        "ekero.sn.2019.m07.i1.t",
        "--effective",
        "2022-01-01",
        "--level",
        "På rätt väg: 70 %",
        "--level",
        "Uppnått ≥ 92,5",
        "--reason",
        "Höjt.",
    ]);
    let stored = stored_after(&env, head + 1);
    assert_eq!(
        stored[0].1["levels"],
        serde_json::json!([
            {"name": "På rätt väg", "comparison": ">=", "threshold": "70"},
            {"name": "Uppnått", "comparison": ">=", "threshold": "92.5"},
        ])
    );
    let head = env.head();
    for (level, message) in [
        (
            "Uppnått ≥ nittio",
            "`≥ nittio` cannot be read as a threshold",
        ),
        ("Uppnått: bra", "`bra` cannot be read as a threshold"),
        ("Uppnått ≤ 3", "contradicts the indicator's direction"),
    ] {
        let out = env
            .malbok()
            .args([
                "target",
                "set",
                "--indicator",
                "ekero.sn.2019.m07.i1",
                "--id",
                "x.t",
            ])
            .args(["--level", level, "--effective", "2021-01-01"])
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{level}: {stderr}");
        assert!(stderr.starts_with("malbok: --level: "), "{level}: {stderr}");
        assert!(stderr.contains(message), "{level}: {stderr}");
        assert!(stderr.contains("\"Uppnått ≥ 90\""), "an example: {stderr}");
    }
    assert_eq!(env.head(), head, "nothing stored");
}

/// Issues 9 and 13: a second target in force for the same indicator and date is refused, naming
/// the target in force and the commands that replace it; retiring the first makes room, and
/// status no longer shows a retired target.
#[test]
fn a_second_target_in_force_is_refused_unless_the_first_is_retired() {
    let env = ledger_with(&(CONTEXT.to_string() + GOALS));
    let set = |id: &str, level: &str, effective: &str| {
        env.malbok()
            .args([
                "target",
                "set",
                "--indicator",
                "ekero.sn.2019.m07.i1",
                "--id",
                id,
            ])
            .args(["--level", level, "--effective", effective])
            .output()
            .expect("run")
    };
    assert!(
        set("ekero.sn.2019.m07.i1.t", "Uppnått ≥ 90", "2021-01-01")
            .status
            .success()
    );
    let head = env.head();
    for effective in ["2021-01-01", "2022-01-01", "2020-01-01"] {
        let out = set("ekero.sn.2019.m07.i1.t2", "Uppnått ≥ 95", effective);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{effective}: {stderr}");
        assert!(
            stderr.starts_with("malbok: --effective: indicator `ekero.sn.2019.m07.i1` already has target `ekero.sn.2019.m07.i1.t` (from 2021-01-01)"),
            "{stderr}"
        );
        assert!(stderr.contains("malbok target revise"), "{stderr}");
        assert!(stderr.contains("malbok target retire"), "{stderr}");
    }
    assert_eq!(env.head(), head, "nothing stored");
    // Retired from 2022, the first makes room for a second from 2022, but not from before.
    env.run(&[
        "target",
        "retire",
        "--target",
        "ekero.sn.2019.m07.i1.t",
        "--effective",
        "2022-01-01",
        "--reason",
        "Ersätts.",
    ]);
    assert_eq!(
        set("ekero.sn.2019.m07.i1.t2", "Uppnått ≥ 95", "2021-06-01")
            .status
            .code(),
        Some(2)
    );
    assert!(
        set("ekero.sn.2019.m07.i1.t2", "Uppnått ≥ 95", "2022-01-01")
            .status
            .success()
    );
    // A retired target is not revised from its retirement on; before it, it still may be.
    let revise = |effective: &str| {
        env.malbok()
            .args(["target", "revise", "--target", "ekero.sn.2019.m07.i1.t"])
            .args(["--effective", effective, "--deadline", "2022-12-31"])
            .args(["--reason", "Ny tidpunkt."])
            .output()
            .expect("run")
    };
    let head = env.head();
    for effective in ["2022-01-01", "2022-06-01"] {
        let out = revise(effective);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{effective}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "malbok: --effective: target `ekero.sn.2019.m07.i1.t` was retired from \
                 2022-01-01 (seq 17), on or before {effective}"
            )),
            "{stderr}"
        );
        assert!(stderr.contains("malbok target set"), "{stderr}");
    }
    assert_eq!(env.head(), head, "nothing stored");
    assert!(revise("2021-06-01").status.success());
    let before = env.run(&["status", "--at", "2021-12-31"]);
    assert!(before.contains("90") && !before.contains("95"), "{before}");
    let after = env.run(&["status", "--at", "2022-06-30"]);
    assert!(
        after.contains("95") && !after.contains("≥ 90") && !after.contains(">= 90"),
        "{after}"
    );
}

/// Issue 13: a report showing a value read from Kolada says so: "Källa: Kolada." once under the
/// readings in md and html, a `source` in json, a `källa` column in csv; a report with no Kolada
/// value says nothing of it.
#[test]
fn reports_showing_kolada_values_say_so() {
    let env = ledger_with(&(CONTEXT.to_string() + GOALS));
    let report = |format: &str| {
        env.run(&[
            "report",
            "--follow-up",
            "ekero.delar-2021",
            "--format",
            format,
        ])
    };
    for format in ["md", "html", "json", "csv"] {
        assert!(!report(format).contains("Kolada"), "{format}");
    }
    env.run(&[
        "indicator",
        "add",
        "--goal",
        "ekero.sn.2019.m07",
        "--id",
        "ekero.sn.2019.m07.i2",
        "--text",
        "Andel biståndstagare",
        "--unit",
        "percent",
        "--direction",
        "decrease",
        "--source-kind",
        "kolada",
        "--source-kolada-kpi",
        "N31805",
    ]);
    env.run(&[
        "reading",
        "add",
        "--indicator",
        "ekero.sn.2019.m07.i2",
        "--from",
        "2020-01-01",
        "--to",
        "2020-12-31",
        "--value",
        "2.5",
        "--source-kind",
        "kolada",
        "--source-kolada-kpi",
        "N31805",
        "--source-kolada-municipality",
        "0125",
        "--source-url",
        "https://api.kolada.se/v2/data/kpi/N31805/municipality/0125/year/2020",
        "--source-fetched-at",
        "2021-04-02T08:15:00Z",
    ]);
    let md = report("md");
    assert_eq!(md.matches("Källa: Kolada.").count(), 1, "{md}");
    let html = report("html");
    assert_eq!(html.matches("Källa: Kolada.").count(), 1, "{html}");
    let json: Value = serde_json::from_str(&report("json")).expect("json");
    let sources: Vec<Value> = json["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .flat_map(|g| g["indicators"].as_array().cloned().unwrap_or_default())
        .flat_map(|i| i["readings"].as_array().cloned().unwrap_or_default())
        .map(|p| p["source"].clone())
        .collect();
    assert!(sources.contains(&Value::from("Kolada")), "{json}");
    assert!(
        sources.contains(&Value::Null),
        "the survey reading names no source: {json}"
    );
    let csv = report("csv");
    let mut lines = csv.lines();
    assert!(lines.next().expect("header").ends_with(",källa"), "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.contains("ekero.sn.2019.m07.i2") && l.ends_with(",Kolada")),
        "{csv}"
    );
}

#[test]
fn every_command_shows_an_example_in_its_help() {
    let env = TestEnv::new();
    for command in [
        "goal add",
        "goal revise",
        "goal retire",
        "indicator add",
        "indicator revise",
        "indicator retire",
        "target set",
        "target revise",
        "reading add",
        "reading correct",
        "reading not-measurable",
        "assess",
        "follow-up add",
        "organisation add",
        "body add",
        "plan adopt",
        "plan revise",
        "scale add",
        "method add",
        "target retire",
        "template add",
        "summary add",
    ] {
        let mut args: Vec<&str> = command.split(' ').collect();
        args.push("--help");
        let help = env.run(&args);
        assert!(
            help.contains(&format!("Example: malbok {command} --")),
            "{command}:\n{help}"
        );
    }
}

/// The (last) example in `malbok <command> --help`, as a shell line.
fn help_example(env: &TestEnv, command: &str) -> String {
    let mut args: Vec<&str> = command.split(' ').collect();
    args.push("--help");
    let help = env.run(&args);
    help.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Example: "))
        .unwrap_or_else(|| panic!("no example in {command} --help"))
        .to_string()
}

#[test]
fn the_help_examples_of_the_set_up_commands_run_in_order_and_say_what_they_appended() {
    let env = TestEnv::new();
    env.init();
    let ekero = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", &ekero.to_string_lossy()]);
    for (command, id) in [
        ("organisation add", Some("upplands-bro")),
        ("body add", Some("upplands-bro.sn")),
        ("plan adopt", Some("upplands-bro.sn.2024")),
        ("plan revise", None),
        ("scale add", Some("upplands-bro.tregradig-skala")),
        ("method add", Some("upplands-bro.index-for-maluppfyllelse")),
        ("target retire", None),
        (
            "template add",
            Some("upplands-bro.delarsrapportens-maltabell"),
        ),
        ("summary add", None),
    ] {
        let example = help_example(&env, command);
        let before: u64 = env
            .head()
            .split(':')
            .next()
            .expect("seq")
            .parse()
            .expect("seq");
        let stdout = crate::cli::run_in_shell(&env, &example);
        let head = env.head();
        let (seq, hash) = head.split_once(':').expect("head");
        assert_eq!(seq, (before + 1).to_string(), "{command}");
        let mut expected = format!("appended {seq} {hash} at 2021-09-01T10:00:00.000000Z\n");
        if let Some(id) = id {
            expected += &format!("id: {id}\n");
        }
        assert_eq!(stdout, expected, "{example}");
    }
    // The retirement is in the target's history.
    let history = env.run(&["history", "ekero.sn.2019.m07.i1.t"]);
    assert!(history.contains("target.retired"), "{history}");
    // The template and the summary store their figures as data.
    let log = env.run(&["log", "--format", "json"]);
    let last: Vec<Value> = log
        .lines()
        .rev()
        .take(2)
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["event"]["payload"].clone())
        .collect();
    assert_eq!(
        last[1]["columns"][2],
        serde_json::json!({"kind": "outcomes", "label": "Utfall", "years": 3})
    );
    assert_eq!(
        last[1]["sections"],
        serde_json::json!(["results", "summary", "legend"])
    );
    assert_eq!(
        last[0]["counts"],
        serde_json::json!([{"grade": "uppnatt", "count": 12}, {"grade": "delvis", "count": 3}])
    );
    assert_eq!(last[0]["total"], 15);
    assert_eq!(last[0]["index"], "0.87");
    assert_eq!(last[0]["rollups"][0]["plan"], "ekero.plattform");
    assert_eq!(
        last[0]["rollups"][0]["counts"],
        serde_json::json!([{"grade": "uppnatt", "count": 9}, {"grade": "delvis", "count": 3}])
    );
    assert!(
        last[0]["rollups"][0]["text"]
            .as_str()
            .expect("text")
            .starts_with("Av de 12 mål")
    );
}

/// `template add` and `summary add` refuse bad figures naming the flag, and store nothing.
#[test]
#[rustfmt::skip]
fn template_and_summary_refusals_name_the_flag() {
    let env = ledger_with(CONTEXT);
    let head = env.head();
    for (args, expected) in [
        (
            &["template", "add", "--org", "ekero", "--name", "M", "--effective", "2021-01-01", "--column", "goal", "--section", "results"][..],
            "malbok: --column #1: \"goal\" is not KIND=LABEL",
        ),
        (
            &["template", "add", "--org", "ekero", "--name", "M", "--effective", "2021-01-01", "--column", "goal=Mål", "--column", "bogus=X", "--section", "results"],
            "malbok: --column #2",
        ),
        (
            &["template", "add", "--org", "ekero", "--name", "M", "--effective", "2021-01-01", "--column", "goal=Mål", "--section", "results,nonsense"],
            "malbok: --section #2",
        ),
        (
            &["template", "add", "--org", "nowhere", "--name", "M", "--effective", "2021-01-01", "--column", "goal=Mål", "--section", "results"],
            "malbok: --organisation",
        ),
        (
            &["summary", "add", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--text", "T", "--scale", "ekero.tregradig", "--count", "uppnatt=tolv"],
            "malbok: --count #1: \"uppnatt=tolv\" is not CODE=COUNT",
        ),
        (
            &["summary", "add", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--text", "T", "--scale", "ekero.tregradig", "--count", "uppnatt=1", "--count", "bra=2"],
            "malbok: --count #2",
        ),
        (
            &["summary", "add", "--body", "ekero.sn", "--follow-up", "ekero.delar-2021", "--text", "T", "--rollup", "total=3; on_track=1"],
            "malbok: --rollup #1",
        ),
        (
            &["summary", "add", "--body", "ekero.kf", "--follow-up", "nowhere", "--text", "T"],
            "malbok: --follow-up",
        ),
    ] {
        let out = env.malbok().args(args).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with(expected), "{args:?}: {stderr}");
    }
    assert_eq!(env.head(), head, "nothing stored");
}

#[test]
fn set_up_refusals_name_the_flag() {
    let env = ledger_with(CONTEXT);
    let head = env.head();
    for (args, message) in [
        (
            &["body", "add", "--org", "upplands-bro", "--name", "KF"][..],
            "malbok: --organisation: unknown organisation `upplands-bro`: define it first with `malbok organisation add`",
        ),
        (
            &[
                "scale", "add", "--org", "ekero", "--name", "S", "--grade", "a:A", "--grade", "b",
            ],
            "malbok: --grade #2: \"b\" is not CODE:LABEL",
        ),
        (
            &[
                "method",
                "add",
                "--org",
                "ekero",
                "--scale",
                "ekero.tregradig",
                "--name",
                "M",
                "--effective",
                "2021-01-01",
                "--score",
                "uppnatt=1,0",
                "--goal-grade",
                "uppnatt=1",
                "--index-aggregation",
                "mean_of_goal_means",
                "--index-decimals",
                "2",
                "--index-rounding",
                "truncate",
            ],
            "malbok: --score #1: score: `1,0` is not a decimal",
        ),
        (
            &[
                "plan",
                "adopt",
                "--body",
                "ekero.sn",
                "--title",
                "T",
                "--from",
                "2024-01-01",
                "--to",
                "2027-12-31",
            ],
            "malbok: --decision: is required, or --reason",
        ),
        (
            &[
                "target",
                "retire",
                "--target",
                "ekero.nothing",
                "--effective",
                "2023-01-01",
                "--reason",
                "R",
            ],
            "malbok: --target: unknown target `ekero.nothing`: define it first with `malbok target set`",
        ),
    ] {
        let out = env.malbok().args(args).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}:\n{stderr}");
    }
    assert_eq!(env.head(), head);
}

#[test]
fn the_help_examples_of_init_import_readings_completions_and_man_run() {
    let env = TestEnv::new();
    std::os::unix::fs::symlink(common::root().join("fixtures"), env.path("fixtures"))
        .expect("link fixtures");
    let mut outputs = Vec::new();
    for command in ["init", "readings", "completions", "man"] {
        let example = help_example(&env, command);
        outputs.push(crate::cli::run_in_shell(&env, &example));
    }
    // `init --template kommun` made Ekerö; the Kolada example needs an indicator of its KPI.
    assert!(
        outputs[0].contains("wrote ekero.setup.jsonl"),
        "{}",
        outputs[0]
    );
    env.run(&[
        "plan",
        "adopt",
        "--body",
        "ekero.sn",
        "--title",
        "Mål",
        "--from",
        "2020-01-01",
        "--to",
        "2022-12-31",
        "--reason",
        "Test.",
    ]);
    env.run(&[
        "goal",
        "add",
        "--id",
        "ekero.m1",
        "--plan",
        "ekero.sn.2020",
        "--text",
        "Mål 1",
        "--body",
        "ekero.sn",
    ]);
    env.run(&[
        "indicator",
        "add",
        "--goal",
        "ekero.m1",
        "--text",
        "Andel",
        "--unit",
        "percent",
        "--direction",
        "decrease",
        "--source-kind",
        "kolada",
        "--source-kolada-kpi",
        "N31805",
    ]);
    let example = help_example(&env, "import");
    // The example's file is for Upplands-Bro (0139): no indicator of Ekerö's matches it.
    let out = crate::cli::run_in_shell(&env, &example);
    assert!(
        out.contains("0 values already recorded, 3 for no indicator"),
        "{out}"
    );
    assert!(env.path("utfall.csv").exists() && env.path("malbok.1").exists());
}

#[test]
fn init_template_no_import_only_writes_and_bad_org_leaves_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "init",
        "--template",
        "kommun",
        "--org",
        "1471",
        "--name",
        "Götene kommun",
        "--no-import",
    ]);
    assert_eq!(
        out,
        "wrote gotene.setup.jsonl (9 events); import it with `malbok import gotene.setup.jsonl`\n"
    );
    assert!(!env.ledger().exists());
    env.init();
    env.run(&["import", "gotene.setup.jsonl"]);
    assert!(
        env.run(&["history", "gotene.sn"])
            .contains("body.registered")
    );

    let other = TestEnv::new();
    let out = other
        .malbok()
        .args([
            "init",
            "--template",
            "kommun",
            "--org",
            "125",
            "--name",
            "Ekerö kommun",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("malbok: --org: `125` is not a Kolada municipality id")
    );
    assert!(!other.ledger().exists() && !other.path("ekero.setup.jsonl").exists());
}

/// A municipality's year without hand-written JSON: set up with the commands for people,
/// values from Kolada and a spreadsheet, an interim report sealed, a correction after it.
#[test]
fn a_year_of_one_municipality_through_commands_kolada_and_csv_alone() {
    let env = TestEnv::new();
    std::os::unix::fs::symlink(common::root().join("fixtures"), env.path("fixtures"))
        .expect("link fixtures");
    #[rustfmt::skip]
    let script: &[&[&str]] = &[
        &["init", "--template", "kommun", "--org", "0139", "--name", "Upplands-Bro kommun"],
        &["plan", "adopt", "--body", "upplands-bro.sn", "--title", "Socialnämndens mål 2021–2024", "--from", "2021-01-01", "--to", "2024-12-31", "--decision", "SN 2020-12-09 § 101"],
        &["goal", "add", "--id", "ub.m1", "--plan", "upplands-bro.sn.2021", "--number", "1", "--text", "Färre barnfamiljer ska behöva ekonomiskt bistånd.", "--body", "upplands-bro.sn"],
        &["indicator", "add", "--goal", "ub.m1", "--from-kolada-kpi", "fixtures/kolada/kpi_N31805.v2.json", "--direction", "decrease"],
        &["indicator", "add", "--goal", "ub.m1", "--text", "Andel nöjda med handläggningen", "--unit", "percent", "--direction", "increase", "--source-kind", "survey", "--source-description", "Egen enkät"],
        &["target", "set", "--indicator", "ub.m1.i1", "--level", "Uppnått <= 2", "--effective", "2021-01-01", "--decision", "SN 2020-12-09 § 101"],
        &["follow-up", "add", "--org", "upplands-bro", "--name", "Delår 2021", "--kind", "interim", "--cut-off", "2021-08-31"],
        &["method", "add", "--org", "upplands-bro", "--scale", "upplands-bro.tregradig", "--name", "Index", "--effective", "2021-01-01", "--score", "uppnatt=1", "--score", "delvis=0.5", "--score", "ej_uppnatt=0", "--goal-grade", "uppnatt=0.75", "--goal-grade", "delvis=0.5", "--goal-grade", "ej_uppnatt=0", "--index-aggregation", "mean_of_goal_means", "--index-decimals", "2", "--index-rounding", "half_up", "--reason", "Som i årsredovisningen."],
        &["template", "add", "--org", "upplands-bro", "--name", "Delårets måltabell", "--follow-up-kind", "interim", "--effective", "2021-01-01", "--title", "Uppföljning av socialnämndens mål", "--column", "goal=Nämndmål", "--column", "indicator=Indikator", "--column", "grade=Bedömning", "--column", "comment=Kommentar", "--section", "results,measurements,summary,published_summary,legend", "--reason", "Som i delårsrapporten."],
        &["import", "--from", "kolada", "--fetched", "2021-05-01T08:00:00Z", "fixtures/kolada/data_N31805_0139.v2.json"],
        &["assess", "--body", "upplands-bro.sn", "--follow-up", "upplands-bro.delar-2021", "--indicator", "ub.m1.i1", "--scale", "upplands-bro.tregradig", "--grade", "delvis", "--analysis", "Andelen minskar."],
        &["summary", "add", "--body", "upplands-bro.sn", "--follow-up", "upplands-bro.delar-2021", "--text", "Ett av socialnämndens mål är delvis uppnått.", "--scale", "upplands-bro.tregradig", "--count", "delvis=1", "--total", "1", "--reason", "Delårsrapporten 2021."],
    ];
    for args in script {
        env.run(args);
    }
    // The survey indicator's target and the goal's assessment from spreadsheets, as Excel saves
    // them (Windows-1252 and UTF-8 with BOM, CRLF).
    let (targets, _, _) = encoding_rs::WINDOWS_1252.encode(
        "indicator;effective;level;decision\r\nub.m1.i2;2021-01-01;Delvis: minst 60 | Uppnått: minst 80;SN 2020-12-09 § 101\r\n",
    );
    env.write("mal.csv", &targets);
    env.run(&["import", "--from", "csv", "mal.csv"]);
    env.write(
        "bedomning.csv",
        "\u{feff}goal;body;follow_up;scale;grade;analysis\r\nub.m1;upplands-bro.sn;upplands-bro.delar-2021;upplands-bro.tregradig;delvis;Delvis på väg.\r\n".as_bytes(),
    );
    env.run(&["import", "--from", "csv", "bedomning.csv"]);
    // The survey value from a spreadsheet, as Excel saves it.
    env.write(
        "enkat.csv",
        "indicator;from;to;value;source_kind;source_description\r\nub.m1.i2;2021-01-01;2021-08-31;71,5;survey;Egen enkät våren 2021\r\n".as_bytes(),
    );
    env.run(&["import", "--from", "csv", "enkat.csv"]);
    let which = [
        "--follow-up",
        "Delår 2021",
        "--org",
        "upplands-bro",
        "--body",
        "upplands-bro.sn",
    ];
    let report = env.run(&[&["report"][..], &which].concat());
    assert!(
        report.contains("Barnfamiljer som erhållit ekonomiskt bistånd"),
        "{report}"
    );
    assert!(report.contains("71,5"), "{report}");
    assert!(
        report.contains("Uppföljning av socialnämndens mål"),
        "the template's title: {report}"
    );
    assert!(
        report.contains("Ett av socialnämndens mål är delvis uppnått."),
        "the published summary: {report}"
    );
    let status = env.run(&[
        "status",
        "--at",
        "2021-08-31",
        "--org",
        "upplands-bro",
        "--format",
        "csv",
    ]);
    assert!(
        status.contains("ub.m1.i2;Andel nöjda med handläggningen;Delvis >= 60 | Uppnått >= 80;2021-01-01;2021-08-31;71,5;;Delvis;Delvis uppnått;Delår 2021"),
        "{status}"
    );
    let sealed = env.run(&[&["seal"][..], &which, &["--report-format", "md"]].concat());
    let seal = sealed
        .strip_prefix("seal ")
        .and_then(|s| s.split(':').next())
        .expect("seal id")
        .to_string();

    // Later: the survey value corrected in the exported spreadsheet, Kolada revises 2021.
    let csv = env.run(&["readings", "--indicator", "ub.m1.i2", "--format", "csv"]);
    env.write("utfall.csv", csv.replace(";71,5;", ";72;").as_bytes());
    let out = env.run(&["import", "--from", "csv", "utfall.csv"]);
    assert!(out.starts_with("appended "), "{out}");
    env.run(&[
        "import",
        "--from",
        "kolada",
        "--fetched",
        "2022-05-01T08:00:00Z",
        "fixtures/kolada/data_N31805_0139.v3.json",
    ]);

    let reproduced = env.run(&["reproduce", &seal, "--out", "published.md"]);
    assert!(reproduced.contains("byte-identical"), "{reproduced}");
    let json: Value =
        serde_json::from_str(&env.run(&["reproduce", &seal, "--format", "json"])).expect("json");
    assert_eq!(json["reproduced"], true);
    let diff = env.run(&["diff", &seal]);
    assert!(
        diff.contains("71.5 → 72") || diff.contains("71,5 → 72"),
        "{diff}"
    );
    env.run(&["verify"]);
}
