//! Issue 11: every event may cite where its facts come from or say that it is an
//! interpretation; interpretations are listed by `log --interpretations`, marked in `status`
//! and `history`, and never shown under "Publicerat" in a report. Promises and activities tied
//! to a goal show in its status, history and report.

use crate::common;

use common::TestEnv;
use serde_json::Value;

/// A ledger of the seed fixtures with every `provenance` member taken out: the tests below
/// add their own interpretations to a ledger that has none, so that what they see is only what
/// they added (the seed fixtures mark their own inferences; `seeds.rs` tests those).
fn with(fixtures: &[&str]) -> TestEnv {
    let env = TestEnv::new();
    env.init();
    for name in fixtures {
        let path = common::root()
            .join("fixtures")
            .join(name)
            .join("events.jsonl");
        let text = std::fs::read_to_string(path).expect("fixture");
        let plain: String = text
            .lines()
            .map(|line| {
                let mut event: Value = serde_json::from_str(line).expect("fixture line");
                if let Some(payload) = event["payload"].as_object_mut() {
                    payload.remove("provenance");
                }
                format!("{event}\n")
            })
            .collect();
        let file = format!("{name}.plain.jsonl");
        env.write(&file, plain.as_bytes());
        env.run(&["import", &file]);
    }
    env
}

fn append(env: &TestEnv, kind: &str, payload: &str) {
    env.run(&["append", "--kind", kind, "--payload", payload]);
}

/// Appends and expects a refusal with exit code 2; returns stderr.
fn refused(env: &TestEnv, kind: &str, payload: &str) -> String {
    let out = env
        .malbok()
        .args(["append", "--kind", kind, "--payload", payload])
        .output()
        .expect("run malbok");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{kind} {payload}: {stderr}");
    stderr
}

const GOAL: &str = "ekero.sn.2019.m01";

/// An interpreted re-assessment of goal 1 (a second assessment needs a reason).
const INTERPRETED_GRADE: &str = r#"{"body":"ekero.sn","goal":"ekero.sn.2019.m01","follow_up":"ekero.delar-2021","scale":"ekero.tregradig","grade":"delvis","reason":"Omprövad.","provenance":{"interpretation":"The grade is fitted to reproduce the published 12 of 15.","document":"Ekerö kommun, Delårsrapport 2021"}}"#;

const PROMISE: &str = r#"{"promise":"ekero.p1","org":"ekero","text":"Införa etableringslån.","made":"2019-03-05","goals":["ekero.sn.2019.m01"],"source":"Politisk plattform 2019–2022","provenance":{"document":"Ekeröalliansens politiska plattform","page":"3","quote":"etableringslån"}}"#;
const STATUS_2020: &str = r#"{"promise":"ekero.p1","as_of":"2020-06-30","status":"Frågan är lyft men är inte genomförd","body":"ekero.kf"}"#;
const STATUS_2021: &str = r#"{"promise":"ekero.p1","as_of":"2021-06-30","status":"Vi har kommit en bra bit på väg","grade":{"scale":"ekero.tregradig","code":"delvis"},"body":"ekero.kf","provenance":{"interpretation":"The document gives the status in words only; the grade is ours."}}"#;
const ACTIVITY: &str = r#"{"activity":"ekero.a1","org":"ekero","goals":["ekero.sn.2019.m01"],"title":"Rapport om etableringslån","reported":"2021-05-10","body":"ekero.sn","facts":[{"name":"Kapacitet","value":"40 deltagare"},{"name":"Bemanning","value":"2 handläggare"}],"decision":{"text":"Att lägga rapporten till handlingarna","ref":"SN 2021-05-10 § 12"}}"#;

#[test]
fn provenance_is_read_on_every_kind_and_refused_precisely() {
    let env = with(&["ekero"]);
    // A cited fact and an interpretation are both accepted, on any kind.
    append(
        &env,
        "body.registered",
        r#"{"id":"ekero.ks","organisation":"ekero","name":"Kommunstyrelsen","provenance":{"document":"Ekerö kommun, Delårsrapport 2021","section":"Organisation","page":"2","quote":"Kommunstyrelsen"}}"#,
    );
    append(&env, "assessment.recorded", INTERPRETED_GRADE);

    let base = r#"{"id":"ekero.x","organisation":"ekero","name":"X","provenance":PROV}"#;
    let cases = [
        (
            r#"{"document":"D","x":"y"}"#,
            "payload.provenance.x: is not a field of this object",
        ),
        (
            r#"{"interpretation":"  "}"#,
            "payload.provenance.interpretation: must say why this is inferred",
        ),
        (
            r#"{"section":"Mål 1","page":"4"}"#,
            "payload.provenance.document: is required",
        ),
        (
            r#"{"document":"D","page":4}"#,
            "payload.provenance.page: must be text written as a JSON string",
        ),
        ("null", "payload.provenance: must not be null"),
        (r#""D""#, "payload.provenance: must be a JSON object"),
    ];
    for (prov, want) in cases {
        let err = refused(&env, "body.registered", &base.replace("PROV", prov));
        assert!(err.contains(want), "{prov}: {err}");
    }
    // The same precision from an import file, with its line.
    let file = env.write(
        "bad.jsonl",
        format!(
            "{}\n{{\"kind\":\"body.registered\",\"payload\":{}}}\n",
            common::org_line("ekero.y").trim_end(),
            base.replace("PROV", r#"{"interpretation":""}"#)
        )
        .as_bytes(),
    );
    let out = env
        .malbok()
        .args(["import", file.to_str().expect("utf-8")])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("bad.jsonl:2") && stderr.contains("payload.provenance.interpretation"),
        "{stderr}"
    );
    // The stored event keeps its provenance verbatim.
    let log = env.run(&["log", "--subject", "ekero.ks"]);
    assert!(
        log.contains(r#""provenance":{"document":"Ekerö kommun, Delårsrapport 2021","page":"2","quote":"Kommunstyrelsen","section":"Organisation"}"#),
        "{log}"
    );
}

#[test]
fn log_interpretations_lists_every_interpretation_with_its_reason() {
    let env = with(&["ekero"]);
    append(&env, "assessment.recorded", INTERPRETED_GRADE);
    append(&env, "promise.made", PROMISE);
    append(&env, "promise.status_recorded", STATUS_2021);
    let head: u64 = env.head().split(':').next().unwrap().parse().unwrap();
    let text = env.run(&["log", "--interpretations"]);
    assert_eq!(
        text,
        format!(
            "{:>6}  assessment.recorded  ekero.sn.2019.m01  The grade is fitted to reproduce the published 12 of 15.\n\
             {:>6}  promise.status_recorded  ekero.p1  The document gives the status in words only; the grade is ours.\n",
            head - 2,
            head
        )
    );
    let json = env.run(&["log", "--interpretations", "--format", "json"]);
    let lines: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2, "{json}");
    assert_eq!(lines[0]["seq"], head - 2);
    assert_eq!(lines[0]["kind"], "assessment.recorded");
    assert_eq!(lines[0]["subject"], GOAL);
    assert_eq!(
        lines[0]["interpretation"],
        "The grade is fitted to reproduce the published 12 of 15."
    );
    // Filters combine.
    let only = env.run(&[
        "log",
        "--interpretations",
        "--kind",
        "promise.status_recorded",
    ]);
    assert_eq!(only.lines().count(), 1, "{only}");
}

#[test]
fn status_and_history_mark_interpretations_and_show_promises_and_activities() {
    let env = with(&["ekero"]);
    append(&env, "assessment.recorded", INTERPRETED_GRADE);
    append(&env, "promise.made", PROMISE);
    append(&env, "promise.status_recorded", STATUS_2020);
    append(&env, "promise.status_recorded", STATUS_2021);
    append(&env, "activity.reported", ACTIVITY);

    let status = env.run(&["status", "--at", "2021-08-31", "--goal", GOAL]);
    assert!(
        status.contains("Delår 2021 (2021-08-31): ◆ Delvis uppnått (interpretation)"),
        "{status}"
    );
    assert!(
        status.contains(
            "  Promise ekero.p1: Införa etableringslån. (made 2019-03-05, Politisk plattform 2019–2022)"
        ),
        "{status}"
    );
    assert!(
        status.contains(
            "    status 2021-06-30 by ekero.kf: Vi har kommit en bra bit på väg [◆ Delvis uppnått] (interpretation)"
        ),
        "{status}"
    );
    assert!(
        status.contains(
            "  Activity ekero.a1: Rapport om etableringslån (reported 2021-05-10, ekero.sn)"
        ),
        "{status}"
    );
    assert!(
        status.contains("    Kapacitet: 40 deltagare\n    Bemanning: 2 handläggare\n"),
        "{status}"
    );
    assert!(
        status.contains("    decision: Att lägga rapporten till handlingarna (SN 2021-05-10 § 12)"),
        "{status}"
    );
    // As of an earlier date: the status then, and no activity yet.
    let before = env.run(&["status", "--at", "2020-12-31", "--goal", GOAL]);
    assert!(
        before.contains("status 2020-06-30 by ekero.kf: Frågan är lyft men är inte genomförd  ["),
        "{before}"
    );
    assert!(!before.contains("Activity"), "{before}");

    let json: Value = serde_json::from_str(&env.run(&[
        "status",
        "--at",
        "2021-08-31",
        "--goal",
        GOAL,
        "--format",
        "json",
    ]))
    .expect("json");
    let goal = &json["goals"][0];
    assert_eq!(
        goal["assessments"][0]["interpretation"],
        "The grade is fitted to reproduce the published 12 of 15."
    );
    assert_eq!(
        goal["promises"][0]["status"]["status"],
        "Vi har kommit en bra bit på väg"
    );
    assert_eq!(goal["activities"][0]["facts"][0]["value"], "40 deltagare");
    assert!(goal["activities"][0].get("interpretation").is_none());

    let history = env.run(&["history", GOAL]);
    for want in [
        "  (interpretation) The grade is fitted to reproduce the published 12 of 15.\n  source: Ekerö kommun, Delårsrapport 2021\n",
        "promise.made  ekero.p1  valid from 2019-03-05\n  source: Ekeröalliansens politiska plattform, p. 3\n  quote: \"etableringslån\"\n",
        "promise.status_recorded  ekero.p1  valid from 2020-06-30",
        "promise.status_recorded  ekero.p1  valid from 2021-06-30\n  (interpretation) The document gives the status in words only; the grade is ours.\n",
        "activity.reported  ekero.a1  valid from 2021-05-10",
    ] {
        assert!(history.contains(want), "{want}\n---\n{history}");
    }
    assert!(!history.contains("provenance."), "{history}");
    // A promise tied to no goal shows under its organisation, not under a goal.
    append(
        &env,
        "promise.made",
        r#"{"promise":"ekero.p2","org":"ekero","text":"Fontänhus.","made":"2019-03-05"}"#,
    );
    let org = env.run(&["status", "--at", "2021-08-31", "--org", "ekero"]);
    assert!(
        org.contains(
            "\nPromises tied to no goal:\n  Promise ekero.p2: Fontänhus. (made 2019-03-05)"
        ),
        "{org}"
    );
    let one = env.run(&["status", "--at", "2021-08-31", "--goal", GOAL]);
    assert!(!one.contains("ekero.p2"), "{one}");
    // The promise's own history and `log --subject` find it.
    let own = env.run(&["history", "ekero.p1"]);
    assert_eq!(own.matches("\nseq ").count(), 3, "{own}");
    let log = env.run(&["log", "--subject", "ekero.a1"]);
    assert_eq!(log.lines().count(), 1, "{log}");
}

#[test]
fn no_report_shows_an_interpreted_grade_or_summary_under_publicerat() {
    let env = with(&["ekero"]);
    append(&env, "assessment.recorded", INTERPRETED_GRADE);
    // An interpreted summary after the published one: it does not replace it.
    append(
        &env,
        "summary.recorded",
        r#"{"body":"ekero.sn","follow_up":"ekero.delar-2021","text":"Elva mål är uppnådda.","scale":"ekero.tregradig","counts":[{"grade":"uppnatt","count":11}],"reason":"Omräknad.","provenance":{"interpretation":"Counted from the table, not stated in the report."}}"#,
    );
    append(&env, "activity.reported", ACTIVITY);
    // An interpreted reading: a value the document gives only in prose.
    append(
        &env,
        "reading.recorded",
        r#"{"indicator":"ekero.sn.2019.m07.i1","period":{"from":"2019-01-01","to":"2019-12-31"},"value":"81","source":{"kind":"survey","description":"Brukarundersökningen 2019"},"provenance":{"interpretation":"The figure stands in the prose, not in the table."}}"#,
    );
    let report = |format: &str| {
        env.run(&[
            "report",
            "--follow-up",
            "Delår 2021",
            "--org",
            "ekero",
            "--body",
            "ekero.sn",
            "--format",
            format,
        ])
    };
    let md = report("md");
    // The method's table: the interpreted grade is a "tolkning", not a published code.
    assert!(
        md.contains("tillbaka. | 1 | ● Uppnått | tolkning (◆ Delvis uppnått) |"),
        "{md}"
    );
    // The published figures are still the published summary's, never the interpreted one's.
    assert!(md.contains("| Index | 0,87 | – | 0,87 |"), "{md}");
    // Assessed counts include the interpreted grade (11 uppnått); Publicerat stays the
    // document's 12, not the interpreted summary's 11.
    assert!(md.contains("| Uppnått | 12 | 11 | 12 |"), "{md}");
    assert!(
        md.contains("Av dessa bedömningar är en tolkning (se Tolkningar)."),
        "{md}"
    );
    assert!(md.contains("\n## Tolkningar\n"), "{md}");
    assert!(
        md.contains(
            "assessment.recorded ekero.sn.2019.m01: tolkning – The grade is fitted to reproduce the published 12 of 15."
        ),
        "{md}"
    );
    assert!(
        md.contains(
            "summary.recorded ekero.delar-2021: ”Elva mål är uppnådda.” tolkning – Counted from the table, not stated in the report."
        ),
        "{md}"
    );
    assert!(
        md.contains("| 2019-12-31 | 81 % (tolkning) | 90 % |"),
        "{md}"
    );
    assert!(md.contains("| 2020-12-31 | 87 % | 90 % |"), "{md}");
    assert!(
        md.contains("reading.recorded ekero.sn.2019.m07.i1: tolkning – The figure stands in the prose, not in the table."),
        "{md}"
    );
    assert!(md.contains("\n## Löften och aktiviteter\n"), "{md}");
    assert!(
        md.contains("  - Aktivitet: Rapport om etableringslån (2021-05-10). Kapacitet: 40 deltagare. Bemanning: 2 handläggare. Beslut: Att lägga rapporten till handlingarna (SN 2021-05-10 § 12)."),
        "{md}"
    );
    // No line under a "Publicerat" heading names the interpreted grade as published.
    for line in md
        .lines()
        .filter(|l| l.contains("markera en tydlig förväntan"))
    {
        assert!(!line.ends_with("| ◆ Delvis uppnått |"), "{line}");
    }

    let html = report("html");
    assert!(
        html.contains("<td>tolkning (◆ Delvis uppnått)</td>"),
        "{html}"
    );
    assert!(html.contains("<h2>Tolkningar</h2>"), "{html}");
    assert!(html.contains("<h2>Löften och aktiviteter</h2>"), "{html}");

    let json: Value = serde_json::from_str(&report("json")).expect("json");
    let goal = json["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .find(|g| g["id"] == GOAL)
        .expect("goal 1");
    assert_eq!(
        goal["interpretation"]["reason"],
        "The grade is fitted to reproduce the published 12 of 15."
    );
    assert_eq!(json["published_summary"]["index"], "0.87");
    let kinds: Vec<&str> = json["interpretations"]
        .as_array()
        .expect("interpretations")
        .iter()
        .map(|n| n["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "assessment.recorded",
            "summary.recorded",
            "reading.recorded"
        ]
    );

    let csv = report("csv");
    let header = csv.lines().next().expect("header");
    assert!(header.ends_with(",tolkning"), "{header}");
    assert!(
        csv.lines().any(|l| l.starts_with("ekero.sn.2019.m01,")
            && l.ends_with(",The grade is fitted to reproduce the published 12 of 15.")),
        "{csv}"
    );
}

#[test]
fn a_report_without_interpretations_promises_or_activities_is_unchanged_by_them() {
    // The sections are rendered only when present, so a seed report keeps its bytes.
    let env = with(&["ekero"]);
    let md = env.run(&[
        "report",
        "--follow-up",
        "Delår 2021",
        "--org",
        "ekero",
        "--body",
        "ekero.sn",
    ]);
    assert!(!md.contains("Tolkningar"), "{md}");
    assert!(!md.contains("Löften och aktiviteter"), "{md}");
    assert!(!md.contains("tolkning"), "{md}");
}

#[test]
fn promises_and_activities_refer_only_to_their_own_organisation() {
    let env = with(&["ekero", "gotene"]);
    let err = refused(
        &env,
        "promise.made",
        r#"{"promise":"ekero.p9","org":"ekero","text":"T.","made":"2019-01-01","goals":["gotene.spp.m1"]}"#,
    );
    assert!(
        err.contains("payload.goals[0]: goal `gotene.spp.m1` belongs to organisation `gotene`"),
        "{err}"
    );
    let err = refused(
        &env,
        "activity.reported",
        r#"{"activity":"ekero.a9","org":"ekero","goals":["ekero.sn.2019.m01"],"title":"T","reported":"2021-01-01","body":"gotene.sn"}"#,
    );
    assert!(
        err.contains("payload.body: body `gotene.sn` belongs to organisation `gotene`"),
        "{err}"
    );
    append(&env, "promise.made", PROMISE);
    let err = refused(
        &env,
        "promise.status_recorded",
        r#"{"promise":"ekero.p1","as_of":"2021-01-01","status":"S","body":"gotene.kf"}"#,
    );
    assert!(err.contains("payload.body:"), "{err}");
    let err = refused(
        &env,
        "promise.status_recorded",
        r#"{"promise":"ekero.p1","as_of":"2018-01-01","status":"S"}"#,
    );
    assert!(
        err.contains("payload.as_of: 2018-01-01 is before the promise was made (2019-03-05)"),
        "{err}"
    );
    let err = refused(
        &env,
        "promise.status_recorded",
        r#"{"promise":"ekero.p1","as_of":"2021-01-01","status":"S","grade":{"scale":"ekero.tregradig","code":"nope"}}"#,
    );
    assert!(
        err.contains("payload.grade.code: `nope` is not a grade on scale `ekero.tregradig`"),
        "{err}"
    );
    let err = refused(
        &env,
        "activity.reported",
        r#"{"activity":"ekero.a9","org":"ekero","goals":[],"title":"T","reported":"2021-01-01"}"#,
    );
    assert!(
        err.contains("payload.goals: must name at least one goal"),
        "{err}"
    );
    let err = refused(
        &env,
        "activity.reported",
        r#"{"activity":"ekero.p1","org":"ekero","goals":["ekero.sn.2019.m01"],"title":"T","reported":"2021-01-01"}"#,
    );
    assert!(
        err.contains("payload.activity: `ekero.p1` is already used by a promise"),
        "{err}"
    );
    // Gotene's status does not see Ekerö's promise.
    let gotene = env.run(&["status", "--at", "2021-12-31", "--org", "gotene"]);
    assert!(!gotene.contains("ekero.p1"), "{gotene}");
}
