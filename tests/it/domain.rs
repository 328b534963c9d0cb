//! The domain through the real binary, read as an auditor would: `history` names the decision
//! behind every revision, `status` answers "as of valid date D, as known at ledger position S or
//! time T", the seed fixtures say what the seed documents say, a replayed state is the state the
//! import checked against, and every inconsistent input is refused whole with a message that
//! names the line and the field.
//!
//! The seed figures asserted here were read from the seed documents (`shared/seeds/`), not from
//! what the binary prints: Ekerö from seed 001, Götene from seed 002, Enköping from seed 000.
//!
//! `fixtures/bad/domain/NAME.jsonl` is refused with the one stderr line in `NAME.expected`.
//! After changing a message in src/, update the `.expected` files.

use crate::common;

use common::{NOW, TestEnv};
use malbok::cli::state::KnownAt;
use malbok::domain::State;
use malbok::ledger::{Ledger, LedgerTime};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    common::root()
        .join("fixtures")
        .join(name)
        .join("events.jsonl")
}

fn import_fixture(env: &TestEnv, name: &str) {
    let path = fixture(name);
    env.run(&["import", path.to_str().expect("UTF-8 path")]);
}

/// Runs malbok with `args` and reads its stdout as JSON.
fn json(env: &TestEnv, args: &[&str]) -> Value {
    let out = env.run(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("malbok {args:?}: not JSON ({e}): {out}"))
}

/// Runs malbok with the ledger clock at `now`; panics with stderr if it fails.
fn run_at(env: &TestEnv, now: &str, args: &[&str]) -> String {
    let out = env
        .malbok()
        .env("MALBOK_NOW", now)
        .args(args)
        .output()
        .expect("run malbok");
    assert!(
        out.status.success(),
        "malbok {args:?} at {now} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The goal with `id` in a status view.
fn goal<'a>(view: &'a Value, id: &str) -> &'a Value {
    view["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .find(|g| g["id"] == id)
        .unwrap_or_else(|| panic!("goal {id} not in the status view"))
}

/// The indicator with `id` in a status view, wherever its goal is.
fn indicator<'a>(view: &'a Value, id: &str) -> &'a Value {
    view["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .flat_map(|g| g["indicators"].as_array().expect("indicators"))
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("indicator {id} not in the status view"))
}

/// The block of a history text that starts with `seq N  `, without its provenance lines
/// (the seed fixtures cite their documents on every event; `provenance.rs` tests those lines).
fn history_block(text: &str, seq: u64) -> String {
    let head = format!("seq {seq}  ");
    let block = text
        .split("\n\n")
        .find(|block| block.starts_with(&head))
        .unwrap_or_else(|| panic!("no entry for seq {seq} in:\n{text}"))
        .trim_end_matches('\n');
    without_provenance(block).trim_end_matches('\n').to_string()
}

/// A history text without the lines that show an event's provenance.
fn without_provenance(text: &str) -> String {
    text.split_inclusive('\n')
        .filter(|line| {
            !["  (interpretation) ", "  source: ", "  quote: "]
                .iter()
                .any(|p| line.starts_with(p))
        })
        .collect()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_str().expect("string"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. history: who changed this, when, and by what decision

#[test]
fn history_of_gotene_shows_each_revision_with_its_kf_decision_and_old_to_new() {
    let env = TestEnv::new();
    env.init();
    import_fixture(&env, "gotene");
    // Götene alone: the genesis is seq 1, fixture line N is seq N + 1.

    // The programme itself was revised twice (cover of seed 002): KF 2020-10-19 § 147 and
    // KF 2023-03-27 § 40, which extended it to 2024 and renamed it.
    let plan = env.run(&["history", "gotene.spp"]);
    assert!(plan.starts_with("History of plan gotene.spp\n"), "{plan}");
    assert_eq!(
        history_block(&plan, 5),
        "seq 5  2021-09-01T10:00:00.000000Z  tester  plan.adopted  valid 2019-01-01..2023-12-31\n\
         \x20 decision: KF 2019-03-25 § 40\n\
         \x20 body: (none) -> \"gotene.kf\"\n\
         \x20 organisation: (none) -> \"gotene\"\n\
         \x20 period.from: (none) -> \"2019-01-01\"\n\
         \x20 period.to: (none) -> \"2023-12-31\"\n\
         \x20 title: (none) -> \"Socialpolitiskt program\""
    );
    assert_eq!(
        history_block(&plan, 6),
        "seq 6  2021-09-01T10:00:00.000000Z  tester  plan.revised  valid from 2020-10-19\n\
         \x20 decision: KF 2020-10-19 § 147\n\
         \x20 note: (none) -> \"Reviderat av kommunfullmäktige den 19 oktober 2020, § 147\""
    );
    let block = history_block(&plan, 50);
    let lines: Vec<&str> = block.lines().collect();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert_eq!(
        lines[0],
        "seq 50  2021-09-01T10:00:00.000000Z  tester  plan.revised  valid from 2023-03-27"
    );
    assert_eq!(lines[1], "  decision: KF 2023-03-27 § 40");
    assert!(
        lines[2].starts_with(
            "  note: \"Reviderat av kommunfullmäktige den 19 oktober 2020, § 147\" -> \
             \"Den revidering som föreslås gäller ett fåtal av programmets indikatorer."
        ),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "  period.to: \"2023-12-31\" -> \"2024-12-31\"");
    assert_eq!(
        lines[4],
        "  title: \"Socialpolitiskt program\" -> \"Socialpolitiskt program 2019-2024\""
    );

    let plan = json(&env, &["history", "gotene.spp", "--format", "json"]);
    assert_eq!(plan["subject"], "plan");
    let revisions: Vec<(u64, &str, &str)> = plan["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["kind"] == "plan.revised")
        .map(|e| {
            (
                e["seq"].as_u64().expect("seq"),
                e["decision"].as_str().expect("decision"),
                e["valid"]["date"].as_str().expect("valid date"),
            )
        })
        .collect();
    assert_eq!(
        revisions,
        [
            (6, "KF 2020-10-19 § 147", "2020-10-19"),
            (50, "KF 2023-03-27 § 40", "2023-03-27")
        ]
    );

    // An indicator whose wording the 2023 revision changed (section 5 → appendix of seed 002).
    assert_eq!(
        without_provenance(&env.run(&["history", "gotene.spp.m1.motesplatser"])),
        "History of indicator gotene.spp.m1.motesplatser\n\
         \n\
         seq 13  2021-09-01T10:00:00.000000Z  tester  indicator.defined\n\
         \x20 area: (none) -> \"Alla verksamheter\"\n\
         \x20 direction: (none) -> \"reach\"\n\
         \x20 goal: (none) -> \"gotene.spp.m1\"\n\
         \x20 text: (none) -> \"Det ska finnas tillgängliga mötesplatser för alla åldrar inom socialnämndens verksamheter.\"\n\
         \x20 unit: (none) -> \"count\"\n\
         \x20 unit_label: (none) -> \"mötesplatser för alla åldrar\"\n\
         \n\
         seq 56  2021-09-01T10:00:00.000000Z  tester  indicator.revised  valid from 2023-03-27\n\
         \x20 decision: KF 2023-03-27 § 40\n\
         \x20 source.description: (none) -> \"Intern uppföljning, antal mötesplatser för alla åldrar\"\n\
         \x20 source.kind: (none) -> \"internal\"\n\
         \x20 text: \"Det ska finnas tillgängliga mötesplatser för alla åldrar inom socialnämndens verksamheter.\" -> \"Det ska finnas tillgängliga-mötesplatser för alla åldrar i sektor omsorg\"\n"
    );
    let ind = json(
        &env,
        &["history", "gotene.spp.m1.motesplatser", "--format", "json"],
    );
    assert_eq!(ind["subject"], "indicator");
    let entries = ind["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    let revised = &entries[1];
    assert_eq!(revised["seq"], 56);
    assert_eq!(revised["time"], "2021-09-01T10:00:00.000000Z");
    assert_eq!(revised["actor"], "tester");
    assert_eq!(revised["kind"], "indicator.revised");
    assert_eq!(revised["valid"]["date"], "2023-03-27");
    assert_eq!(revised["decision"], "KF 2023-03-27 § 40");
    let text = revised["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["field"] == "text")
        .expect("a text change");
    assert_eq!(
        text["old"],
        "Det ska finnas tillgängliga mötesplatser för alla åldrar inom socialnämndens verksamheter."
    );
    assert_eq!(
        text["new"],
        "Det ska finnas tillgängliga-mötesplatser för alla åldrar i sektor omsorg"
    );

    // A goal reworded by the same decision, and the one indicator the revision removed.
    let goal = env.run(&["history", "gotene.spp.m1"]);
    assert_eq!(
        history_block(&goal, 51),
        "seq 51  2021-09-01T10:00:00.000000Z  tester  goal.revised  valid from 2023-03-27\n\
         \x20 decision: KF 2023-03-27 § 40\n\
         \x20 text: \"Alla brukare inom socialnämndens verksamheter ska erbjudas en meningsfull vardag\" -> \"Alla brukare inom socialnämnden ska erbjudas en meningsfull vardag\""
    );
    let retired = json(
        &env,
        &["history", "gotene.spp.m6.handlingsplan", "--format", "json"],
    );
    let last = retired["entries"]
        .as_array()
        .expect("entries")
        .last()
        .expect("an entry");
    assert_eq!(last["kind"], "indicator.retired");
    assert_eq!(last["valid"]["date"], "2023-03-27");
    assert_eq!(last["decision"], "KF 2023-03-27 § 40");
    assert!(
        last["reason"]
            .as_str()
            .expect("reason")
            .starts_with("Indikatorerna för socialnämndens miljömål har lagts till")
    );
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. Bitemporal: valid time in payloads, ledger time from the position or the clock

/// Organisation, body, plan, goal, indicator (percent, ska öka), target `>= 60` from
/// 2021-01-01, follow-up Delår 2021 at 2021-08-31, and a reading of 58 for 2021-01-01 –
/// 2021-08-31. Imported at ledger time `NOW` (2021-09-01T10:00:00Z) as seq 2–9; the reading
/// is seq 9.
const SCENARIO: &str = r#"{"kind":"organisation.registered","payload":{"id":"testby","name":"Testby kommun","kolada_id":"9999"}}
{"kind":"body.registered","payload":{"id":"testby.kf","organisation":"testby","name":"Kommunfullmäktige","abbreviation":"KF"}}
{"kind":"plan.adopted","payload":{"id":"testby.plan","organisation":"testby","body":"testby.kf","title":"Mål och budget 2021–2023","period":{"from":"2021-01-01","to":"2023-12-31"},"decision":"KF 2020-11-23 § 120"}}
{"kind":"goal.defined","payload":{"id":"testby.m1","plan":"testby.plan","number":"1","text":"Fler invånare är självförsörjande","bodies":["testby.kf"]}}
{"kind":"indicator.defined","payload":{"id":"testby.m1.i1","goal":"testby.m1","text":"Andelen deltagare som går till arbete eller studier ska öka.","unit":"percent","direction":"increase"}}
{"kind":"target.set","payload":{"id":"testby.m1.i1.t","indicator":"testby.m1.i1","levels":[{"name":"Målvärde","comparison":">=","threshold":"60"}],"deadline":"2023-12-31","effective":"2021-01-01","decision":"KF 2020-11-23 § 120"}}
{"kind":"follow_up.defined","payload":{"id":"testby.delar-2021","organisation":"testby","name":"Delår 2021","kind":"interim","cut_off":"2021-08-31"}}
{"kind":"reading.recorded","payload":{"indicator":"testby.m1.i1","period":{"from":"2021-01-01","to":"2021-08-31"},"value":"58","source":{"kind":"internal","description":"Verksamhetssystemet, uttag 2021-09-01"}}}
"#;

fn scenario() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    env.write("scenario.jsonl", SCENARIO.as_bytes());
    env.run(&["import", "scenario.jsonl"]);
    assert!(env.head().starts_with("9:"), "the scenario is seq 2–9");
    env
}

const ORIGINAL: &str = "    reading 2021-01-01..2021-08-31: 58  [seq 9]\n";
const CORRECTED: &str =
    "    reading 2021-01-01..2021-08-31: 62  [seq 9; corrected by seq 10, originally 58]\n";

#[test]
fn a_corrected_reading_shows_as_known_before_and_after_the_correction() {
    let env = scenario();
    env.write(
        "correction.jsonl",
        "{\"kind\":\"reading.corrected\",\"payload\":{\"corrects\":9,\"indicator\":\"testby.m1.i1\",\"value\":\"62\",\"reason\":\"Fyra deltagare saknades i uttaget.\"}}\n"
            .as_bytes(),
    );
    let out = run_at(
        &env,
        "2021-10-15T09:00:00Z",
        &["import", "correction.jsonl"],
    );
    assert!(
        out.starts_with("appended 10 ") && out.ends_with(" at 2021-10-15T09:00:00.000000Z\n"),
        "{out}"
    );

    let status = |known: Option<&str>| {
        let mut args = vec!["status", "--at", "2021-08-31"];
        if let Some(k) = known {
            args.extend(["--known-at", k]);
        }
        env.run(&args)
    };

    // As the ledger knew it before the correction: by time, and by position.
    for known in [
        "2021-09-30T00:00:00Z",
        "2021-10-15T08:59:59.999999Z",
        "2021-10-15T11:00:00+02:00", // the same moment as 09:00Z, so the correction is included
        "9",
    ] {
        let text = status(Some(known));
        if known.ends_with("+02:00") {
            assert!(text.contains(CORRECTED), "--known-at {known}:\n{text}");
            continue;
        }
        assert!(text.contains(ORIGINAL), "--known-at {known}:\n{text}");
        assert!(!text.contains("corrected"), "--known-at {known}:\n{text}");
        assert!(
            text.contains("    computed: no level reached\n"),
            "--known-at {known}: 58 is below the target 60:\n{text}"
        );
    }
    // As known at or after the correction, and with everything known.
    for known in [Some("2021-10-15T09:00:00Z"), Some("10"), None] {
        let text = status(known);
        assert!(text.contains(CORRECTED), "--known-at {known:?}:\n{text}");
        assert!(
            text.contains("    computed: Målvärde reached\n"),
            "--known-at {known:?}: 62 meets the target 60:\n{text}"
        );
    }
    // Valid time: on 2021-08-30 the period has not ended, so there is no reading to show.
    assert!(
        env.run(&["status", "--at", "2021-08-30"])
            .contains("    no reading\n")
    );

    let view = json(&env, &["status", "--at", "2021-08-31", "--format", "json"]);
    let reading = &indicator(&view, "testby.m1.i1")["reading"];
    assert_eq!(reading["seq"], 9);
    assert_eq!(reading["value"], "62");
    assert_eq!(reading["period"]["from"], "2021-01-01");
    assert_eq!(reading["period"]["to"], "2021-08-31");
    assert_eq!(reading["prov"]["time"], "2021-09-01T10:00:00.000000Z");
    let mark = &reading["corrected"];
    assert_eq!(mark["by"]["seq"], 10);
    assert_eq!(mark["by"]["time"], "2021-10-15T09:00:00.000000Z");
    assert_eq!(mark["by"]["actor"], "tester");
    assert_eq!(
        mark["basis"]["reason"],
        "Fyra deltagare saknades i uttaget."
    );
    assert_eq!(mark["original_value"], "58");
    assert_eq!(mark["corrections"], 1);

    let before = json(
        &env,
        &[
            "status",
            "--at",
            "2021-08-31",
            "--known-at",
            "2021-09-30T00:00:00Z",
            "--format",
            "json",
        ],
    );
    let reading = &indicator(&before, "testby.m1.i1")["reading"];
    assert_eq!(reading["value"], "58");
    assert!(reading.get("corrected").is_none(), "{reading}");

    // The original stays in the ledger; history shows both events.
    let history = env.run(&["history", "testby.m1.i1"]);
    assert!(history.contains("seq 9  2021-09-01T10:00:00.000000Z  tester  reading.recorded  valid 2021-01-01..2021-08-31\n"), "{history}");
    assert!(
        history.contains("seq 10  2021-10-15T09:00:00.000000Z  tester  reading.corrected"),
        "{history}"
    );
    env.run(&["verify"]);
}

#[test]
fn a_revised_target_applies_from_its_effective_date() {
    let env = scenario();
    // Recorded in December 2022: from 2023 the target is 70; and the 2022 reading is 65.
    env.write(
        "revision.jsonl",
        "{\"kind\":\"target.revised\",\"payload\":{\"target\":\"testby.m1.i1.t\",\"effective\":\"2023-01-01\",\"levels\":[{\"name\":\"Målvärde\",\"comparison\":\">=\",\"threshold\":\"70\"}],\"decision\":\"KF 2022-12-12 § 150\"}}\n\
         {\"kind\":\"reading.recorded\",\"payload\":{\"indicator\":\"testby.m1.i1\",\"period\":{\"from\":\"2022-01-01\",\"to\":\"2022-12-31\"},\"value\":\"65\",\"source\":{\"kind\":\"internal\",\"description\":\"Verksamhetssystemet, uttag 2023-01-10\"}}}\n"
            .as_bytes(),
    );
    run_at(&env, "2022-12-15T08:00:00Z", &["import", "revision.jsonl"]);

    let target_60 =
        "    target testby.m1.i1.t from 2021-01-01, deadline 2023-12-31: Målvärde >= 60  [seq 7]\n";
    let target_70 = "    target testby.m1.i1.t from 2023-01-01, deadline 2023-12-31: Målvärde >= 70  [seq 10]\n";

    // The same reading of 65 meets the target in force at the end of 2022, not the one of 2023.
    let end_2022 = env.run(&["status", "--at", "2022-12-31"]);
    assert!(end_2022.contains(target_60), "{end_2022}");
    assert!(
        end_2022.contains("    reading 2022-01-01..2022-12-31: 65  [seq 11]\n"),
        "{end_2022}"
    );
    assert!(
        end_2022.contains("    computed: Målvärde reached\n"),
        "{end_2022}"
    );
    // Trend compares with a year earlier, never simply the reading before (here an interim
    // one, January to August 2021): nothing is comparable.
    assert!(
        end_2022.contains("    trend cannot be computed: nothing comparable a year earlier\n"),
        "{end_2022}"
    );
    let mid_2023 = env.run(&["status", "--at", "2023-06-30"]);
    assert!(mid_2023.contains(target_70), "{mid_2023}");
    assert!(
        mid_2023.contains("    computed: no level reached\n"),
        "{mid_2023}"
    );
    // The day before and the day it takes effect.
    assert!(
        env.run(&["status", "--at", "2022-12-31"])
            .contains(target_60)
    );
    assert!(
        env.run(&["status", "--at", "2023-01-01"])
            .contains(target_70)
    );
    // As known before the revision was recorded, 2023 still has the old target.
    let known_before = env.run(&[
        "status",
        "--at",
        "2023-06-30",
        "--known-at",
        "2022-12-01T00:00:00Z",
    ]);
    assert!(known_before.contains(target_60), "{known_before}");

    let view = json(&env, &["status", "--at", "2023-06-30", "--format", "json"]);
    let target = &indicator(&view, "testby.m1.i1")["target"];
    assert_eq!(target["effective"], "2023-01-01");
    assert_eq!(target["levels"][0]["threshold"], "70");
    assert_eq!(target["basis"]["decision"], "KF 2022-12-12 § 150");
    assert_eq!(target["prov"]["time"], "2022-12-15T08:00:00.000000Z");
    let view = json(&env, &["status", "--at", "2022-12-31", "--format", "json"]);
    assert_eq!(
        indicator(&view, "testby.m1.i1")["target"]["levels"][0]["threshold"],
        "60"
    );

    let history = env.run(&["history", "testby.m1.i1.t"]);
    assert_eq!(
        history_block(&history, 10),
        "seq 10  2022-12-15T08:00:00.000000Z  tester  target.revised  valid from 2023-01-01\n\
         \x20 decision: KF 2022-12-12 § 150\n\
         \x20 levels[0].threshold: \"60\" -> \"70\""
    );
}

// ---------------------------------------------------------------------------------------------
// 4. The seed fixtures say what the seed documents say

/// Non-blank lines of a fixture: the number of events its import appends.
fn event_count(name: &str) -> usize {
    std::fs::read_to_string(fixture(name))
        .expect("read fixture")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

#[test]
fn the_seed_fixtures_import_verify_and_match_the_seed_documents() {
    let env = TestEnv::new();
    env.init();
    for name in ["ekero", "gotene", "enkoping"] {
        import_fixture(&env, name);
    }
    let total = 1 + event_count("ekero") + event_count("gotene") + event_count("enkoping");
    let verified = env.run(&["verify"]);
    assert!(
        verified.starts_with(&format!("ok: {total} events verified, ")),
        "{verified}"
    );

    ekero_matches_seed_001(&env);
    gotene_matches_seed_002(&env);
    enkoping_matches_seed_000(&env);
}

/// Seed 001, "Resultat av periodens uppföljning": each nämndmål in table order with its
/// indicators' grade symbols and Tidpunkter.
const EKERO_TABLE: [(&str, &[(&str, &str)]); 15] = [
    (
        "Utreda etableringslån istället för bidrag vid det glapp som uppstår mellan nyanländas ersättning från Migrationsverket och Försäkringskassan för att markera en tydlig förväntan på att pengarna ska betalas tillbaka.",
        &[("●", "2019-12-31")],
    ),
    (
        "Införa mentorsskapsprogram där nyanlända kan få etablerade svenskar som mentorer.",
        &[("●", "2019-12-31")],
    ),
    (
        "Krav på att den nyanlände aktivt ska delta i språkundervisningen. Uteblivet deltagande kan resultera i uteblivet bidrag.",
        &[("●", "2020-12-31")],
    ),
    (
        "Obligatorisk introduktion till vår kultur och samhällsstruktur.",
        &[("●", "2020-12-31"), ("●", "2020-12-31")],
    ),
    (
        "Reformera försörjningsstödet så att alla som får bidrag från kommunen också möts av tydliga krav på motprestation.",
        &[("●", "2020-12-31")],
    ),
    ("Bryta den ofrivilliga ensamheten.", &[("●", "2021-12-31")]),
    (
        "Säkerställa valfrihet, hög kvalitet och ett värdigt bemötande.",
        &[
            ("◆", "2022-12-31"),
            ("◆", "2022-12-31"),
            ("●", "2022-12-31"),
        ],
    ),
    (
        "Förenkla biståndshandläggning och underlätta ansökningshantering.",
        &[("●", "2022-12-31")],
    ),
    (
        "Erbjuda stöd och tillgänglighetsanpassning för äldre som vill bo kvar i det egna hemmet.",
        &[("●", "2020-12-31")],
    ),
    (
        "Investera i och utveckla användandet av välfärdsteknik.",
        &[("◆", "2022-12-31")],
    ),
    (
        "Större valfrihet gällande mat inom äldreomsorgen.",
        &[("◆", "2022-12-31")],
    ),
    (
        "Anpassa hemtagningstiden vid sjukhusvård så att individen får en god omvårdnad i hemmet eller i det särskilda boendet.",
        &[("●", "2022-12-31")],
    ),
    (
        "Tillhandahålla stöd som möjliggör för den enskilde att leva ett självständigt liv utifrån sina förutsättningar.",
        &[
            ("●", "2022-12-31"),
            ("●", "2022-12-31"),
            ("◆", "2022-12-31"),
            ("●", "2022-12-31"),
        ],
    ),
    (
        "Ha en rättssäker myndighetsutövning och erbjuda kvalitetssäkrade insatser.",
        &[
            ("◆", "2022-12-31"),
            ("●", "2022-12-31"),
            ("●", "2022-12-31"),
        ],
    ),
    (
        "Använda socialtjänstens resurser på ett hållbart och effektivt sätt för att möta medborgarnas behov.",
        &[
            ("●", "2022-12-31"),
            ("◆", "2022-12-31"),
            ("●", "2022-12-31"),
            ("◆", "2022-12-31"),
        ],
    ),
];

fn ekero_matches_seed_001(env: &TestEnv) {
    let view = json(
        env,
        &[
            "status",
            "--at",
            "2021-08-31",
            "--body",
            "ekero.sn",
            "--format",
            "json",
        ],
    );
    let goals = view["goals"].as_array().expect("goals");
    // "Socialnämnden antog i maj 2019 femton mål"; the table lists 26 indicators.
    assert_eq!(goals.len(), 15, "femton mål");

    // "Per den sista augusti 2021 är 12 mål uppnådda och 3 delvis uppnådda."
    let counts: Vec<(&str, &str, u64)> = view["goal_grades"]
        .as_array()
        .expect("goal_grades")
        .iter()
        .map(|c| {
            (
                c["grade"]["symbol"].as_str().expect("symbol"),
                c["grade"]["label"].as_str().expect("label"),
                c["count"].as_u64().expect("count"),
            )
        })
        .collect();
    assert_eq!(counts, [("●", "Uppnått", 12), ("◆", "Delvis uppnått", 3)]);
    // Of the 12 platform goals, 9 uppnådda and 3 delvis.
    let platform: Vec<&str> = goals
        .iter()
        .filter(|g| g["source_plan"] == "ekero.plattform")
        .map(|g| {
            g["assessments"][0]["grade"]["symbol"]
                .as_str()
                .expect("grade")
        })
        .collect();
    assert_eq!(
        platform.len(),
        12,
        "tolv av målen är hämtade från plattformen"
    );
    assert_eq!(platform.iter().filter(|s| **s == "●").count(), 9);
    assert_eq!(platform.iter().filter(|s| **s == "◆").count(), 3);

    let mut symbols = Vec::new();
    for (goal, (text, indicators)) in goals.iter().zip(EKERO_TABLE) {
        assert_eq!(goal["text"], text);
        assert_eq!(strings(&goal["bodies"]), ["ekero.sn"]);
        let shown = goal["indicators"].as_array().expect("indicators");
        assert_eq!(shown.len(), indicators.len(), "indicators of {text}");
        for (ind, (symbol, deadline)) in shown.iter().zip(indicators) {
            let assessments = ind["assessments"].as_array().expect("assessments");
            assert_eq!(assessments.len(), 1, "{}", ind["id"]);
            assert_eq!(assessments[0]["body"], "ekero.sn");
            assert_eq!(assessments[0]["follow_up_name"], "Delår 2021");
            assert_eq!(assessments[0]["cut_off"], "2021-08-31");
            assert_eq!(assessments[0]["grade"]["symbol"], *symbol, "{}", ind["id"]);
            assert_eq!(
                ind["target"]["deadline"], *deadline,
                "Tidpunkt of {}",
                ind["id"]
            );
            symbols.push(*symbol);
        }
    }
    // The table prints 26 indicators: 18 ● and 8 ◆.
    assert_eq!(symbols.len(), 26);
    assert_eq!(symbols.iter().filter(|s| **s == "●").count(), 18);
    assert_eq!(symbols.iter().filter(|s| **s == "◆").count(), 8);

    // Indicator texts and comments, verbatim.
    let ind = indicator(&view, "ekero.sn.2019.m07.i1");
    assert_eq!(
        ind["text"],
        "Minst 90 % av brukarna i Socialstyrelsens brukarundersökning avseende hemtjänst upplever att de har fått välja utförare."
    );
    assert_eq!(
        ind["assessments"][0]["analysis"],
        "87% av brukarna med hemtjänstinsatser upplevde att de hade fått välja utförare i Socialstyrelsens brukarundersökning 2020."
    );
    // The one single-valued figure: 87 % (2020) against "Minst 90 %".
    assert_eq!(ind["reading"]["value"], "87");
    assert_eq!(ind["reading"]["period"]["from"], "2020-01-01");
    assert_eq!(ind["reading"]["period"]["to"], "2020-12-31");
    assert_eq!(ind["target"]["levels"][0]["comparison"], ">=");
    assert_eq!(ind["target"]["levels"][0]["threshold"], "90");
    assert_eq!(ind["computed"]["levels"][0]["met"], false);

    let ind = indicator(&view, "ekero.sn.2019.m06.i1");
    assert_eq!(
        ind["text"],
        "Delmål: Strategi för åtgärder är fastställda av socialnämnden."
    );
    assert_eq!(
        ind["assessments"][0]["analysis"],
        "Strategi för åtgärder för att bryta ofrivillig ensamhet bland äldre fastställdes av socialnämnden i juni 2021."
    );
    // The indicator the page break splits, joined.
    let ind = indicator(&view, "ekero.sn.2019.m12.i1");
    assert_eq!(
        ind["text"],
        "Det genomsnittliga antalet vårddygn för utskrivningsklara personer ska inte överstiga vad som överenskommit med regionen om LUS."
    );
    assert_eq!(
        ind["assessments"][0]["analysis"],
        "Ekerö kommun följer överenskommelsen med regionen om utskrivning från slutenvård utan avvikelser."
    );
    let ind = indicator(&view, "ekero.sn.2019.m14.i3");
    assert_eq!(
        ind["text"],
        "Uppföljning av verksamheter som stöd för utveckling."
    );

    let text = env.run(&["status", "--at", "2021-08-31", "--body", "ekero.sn"]);
    assert!(
        text.contains("Goal assessments: ● Uppnått: 12, ◆ Delvis uppnått: 3\n"),
        "{text}"
    );
}

fn gotene_matches_seed_002(env: &TestEnv) {
    let args = |at: &'static str| ["status", "--at", at, "--org", "gotene", "--format", "json"];
    let view = json(env, &args("2023-06-30"));
    let all = view["goals"].as_array().expect("goals");
    // Beside socialnämnden's goals: KF's four strategic goals (section 2.4, the appendix's first
    // column) and the two aims of section 6, numbered by their section.
    let texts = |pred: &dyn Fn(&Value) -> bool| -> Vec<&str> {
        all.iter()
            .filter(|g| pred(g))
            .map(|g| g["text"].as_str().expect("text"))
            .collect()
    };
    assert_eq!(
        texts(&|g| g.get("number").is_none()),
        [
            "Ökad nytta för alla kommuninvånare inom befintlig ekonomi.",
            "En kommun som är attraktiv att bo, besöka och verka i.",
            "En klimat- och miljösmart kommun.",
            "Ett starkt lokalt arbets- och näringsliv."
        ]
    );
    assert_eq!(
        texts(&|g| g["number"] == "6"),
        [
            "behovet av trygghetsboende ska tillgodoses",
            "väntetiden till särskilt boende ska minskas"
        ]
    );
    // Section 8: "Sammanlagt är det 7 mål"; the appendix lists 35 indicators.
    let goals: Vec<&Value> = all
        .iter()
        .filter(|g| g["number"].as_str().is_some_and(|n| n.starts_with("5.")))
        .collect();
    let numbers: Vec<&str> = goals
        .iter()
        .map(|g| g["number"].as_str().expect("number"))
        .collect();
    assert_eq!(numbers, ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7"]);
    let per_goal: Vec<usize> = goals
        .iter()
        .map(|g| g["indicators"].as_array().expect("indicators").len())
        .collect();
    assert_eq!(per_goal, [2, 1, 7, 5, 6, 5, 9]);
    // The appendix wording of 5.1 (after KF 2023-03-27 § 40); section 5 had the earlier one.
    assert_eq!(
        goal(&view, "gotene.spp.m1")["text"],
        "Alla brukare inom socialnämnden ska erbjudas en meningsfull vardag"
    );
    let before = json(env, &args("2022-12-31"));
    assert_eq!(
        goal(&before, "gotene.spp.m1")["text"],
        "Alla brukare inom socialnämndens verksamheter ska erbjudas en meningsfull vardag"
    );

    // Targets from the appendix, "antagna av socialnämnden den 23 januari 2023 § 13", in the
    // programme from KF's revision 2023-03-27 § 40 (the date every appendix fact carries).
    let targets = [
        // (indicator, comparison, threshold, deadline, words of the appendix)
        (
            "gotene.spp.m1.sabo-aktiviteter",
            ">=",
            "70",
            "2023-12-31",
            "från 60 % (2022) till minst 70 % fram till och med 2023",
        ),
        (
            "gotene.spp.m3.personalkontinuitet",
            "<=",
            "14",
            "2023-12-31",
            "ska vara maximalt 14 personal i genomsnitt vid mätningen 2023.",
        ),
        (
            "gotene.spp.m5.gott-rykte",
            ">=",
            "10",
            "2024-12-31",
            "ska öka från -34 till minst 10 i index till medarbetarundersökningen 2024",
        ),
        (
            "gotene.spp.m5.ledarskap",
            ">=",
            "3.0",
            "2024-12-31",
            "ska öka från 2,75 till minst 3,0 till medarbetarundersökningen 2024. (skala 1-4)",
        ),
        (
            "gotene.spp.m7.ekonomiskt-bistand",
            "<=",
            "2.7",
            "2023-12-31",
            "ska vara maximalt 2,7 % och helst minska fram till och med 2023",
        ),
        (
            "gotene.spp.m7.hemlosa",
            "<=",
            "11.0",
            "2024-12-31",
            "ska minska från 18,1 till 11,0 till Socialstyrelsens mätning 2024",
        ),
    ];
    for (id, comparison, threshold, deadline, words) in targets {
        let target = &indicator(&view, id)["target"];
        assert_eq!(target["effective"], "2023-03-27", "{id}");
        assert_eq!(target["basis"]["decision"], "KF 2023-03-27 § 40", "{id}");
        assert_eq!(target["levels"][0]["comparison"], comparison, "{id}");
        assert_eq!(target["levels"][0]["threshold"], threshold, "{id}");
        assert_eq!(target["deadline"], deadline, "{id}");
        let text = target["text"].as_str().expect("target text");
        assert!(text.contains(words), "{id}: {text}");
        // Before the nämnd's decision there was no target.
        assert!(
            indicator(&before, id).get("target").is_none(),
            "{id} has a target before 2023-03-27"
        );
    }

    // Baselines and Kolada ids are not part of status; history shows them with the decision
    // that recorded them (KF 2023-03-27 § 40).
    let revised = |id: &str| -> Vec<(String, String)> {
        let h = json(env, &["history", id, "--format", "json"]);
        let entry = h["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["kind"] == "indicator.revised")
            .unwrap_or_else(|| panic!("{id} has no revision"))
            .clone();
        assert_eq!(entry["decision"], "KF 2023-03-27 § 40", "{id}");
        entry["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| {
                (
                    c["field"].as_str().expect("field").to_string(),
                    c["new"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let has = |changes: &[(String, String)], field: &str, new: &str| {
        changes.iter().any(|(f, n)| f == field && n == new)
    };
    let c = revised("gotene.spp.m1.sabo-aktiviteter");
    assert!(has(&c, "baseline.value", "60"), "{c:?}");
    assert!(has(&c, "baseline.period.from", "2022-01-01"), "{c:?}");
    assert!(has(&c, "baseline.period.to", "2022-12-31"), "{c:?}");
    let c = revised("gotene.spp.m5.gott-rykte");
    assert!(has(&c, "baseline.value", "-34"), "{c:?}");
    let c = revised("gotene.spp.m5.ledarskap");
    assert!(has(&c, "baseline.value", "2.75"), "{c:?}");
    let c = revised("gotene.spp.m7.hemlosa");
    assert!(has(&c, "baseline.value", "18.1"), "{c:?}");
    let c = revised("gotene.spp.m3.fh-aldrig-radda");
    assert!(has(&c, "baseline.value", "64"), "{c:?}");
    assert!(has(&c, "source.kolada_kpis[0]", "U28523"), "{c:?}");
    let c = revised("gotene.spp.m7.ekonomiskt-bistand");
    assert!(has(&c, "source.kolada_kpis[0]", "N31848"), "{c:?}");
    assert!(has(&c, "source.kolada_kpis[1]", "N01951"), "{c:?}");
    let c = revised("gotene.spp.m7.barnfamiljer-bistand");
    assert!(has(&c, "source.kolada_kpis[0]", "N31805"), "{c:?}");
    let c = revised("gotene.spp.m4.delaktighet-genomforandeplan");
    for (i, kpi) in ["U28130", "U28144", "U23565", "U21554"].iter().enumerate() {
        assert!(has(&c, &format!("source.kolada_kpis[{i}]"), kpi), "{c:?}");
    }
}

fn enkoping_matches_seed_000(env: &TestEnv) {
    let view = json(
        env,
        &[
            "status",
            "--at",
            "2021-08-31",
            "--org",
            "enkoping",
            "--format",
            "json",
        ],
    );

    // "75 procent ... Föregående års resultat var 21 procent."
    // "57 procent ... Resultatet vid föregående års avläsning var 37 procent"
    for (id, latest, previous) in [
        ("enkoping.lp.m08.i1", "75", "21"),
        ("enkoping.lp.m10.i1", "57", "37"),
    ] {
        let ind = indicator(&view, id);
        assert_eq!(ind["unit"], "percent", "{id}");
        assert_eq!(ind["reading"]["value"], latest, "{id}");
        assert_eq!(ind["trend"]["previous"]["value"], previous, "{id}");
        assert_eq!(ind["trend"]["basis"], "last_year_outcome", "{id}");
        assert_eq!(
            ind["trend"]["direction"], "improved",
            "{id}: positiv utveckling"
        );
        let levels: Vec<&str> = ind["target"]["levels"]
            .as_array()
            .expect("levels")
            .iter()
            .map(|l| l["name"].as_str().expect("name"))
            .collect();
        assert_eq!(levels, ["På rätt väg", "Uppnått 2023"], "{id}");
        let kf = &ind["assessments"][0];
        assert_eq!(kf["grade"]["label"], "På rätt väg", "{id}");
    }
    assert_eq!(
        indicator(&view, "enkoping.lp.m08.i1")["text"],
        "Andelen deltagare som går till arbete eller studier efter avslut i kommunala arbetsmarknadsåtgärder"
    );
    assert_eq!(
        indicator(&view, "enkoping.lp.m10.i1")["text"],
        "Andelen inskrivna på Jobbcentrum som går från försörjningsstöd till studier, praktik eller arbete inom tolv månader"
    );

    // Indicators that could not be followed up, with the page's reasons verbatim.
    for (id, reason) in [
        (
            "enkoping.lp.m09.enkater",
            "Det är inte möjligt att följa upp vissa av indikatorerna i delårsrapporten med anledning av att enkäterna ännu inte är genomförda och att resultaten för LSS-området blir färdigt i mitten av november och äldreomsorgen först i början av år 2022.",
        ),
        (
            "enkoping.lp.m10.von-lss",
            "För vård-och omsorgsnämnden är det inte möjligt att följa upp indikatorerna i delåret med anledning av att enkäten som ska göras inom LSS-området endast innefattar området LSS-boende och inte daglig verksamhet och sysselsättningen.",
        ),
    ] {
        let reading = &indicator(&view, id)["reading"];
        assert_eq!(reading["not_measurable"], reason, "{id}");
        assert!(reading.get("value").is_none(), "{id}");
    }

    // "Måluppfyllelse är på rätt väg" (8), "... delvis på rätt väg" (9 and 10).
    for (id, grade) in [
        ("enkoping.lp.m08", "På rätt väg"),
        ("enkoping.lp.m09", "Delvis på rätt väg"),
        ("enkoping.lp.m10", "Delvis på rätt väg"),
    ] {
        let kf = goal(&view, id)["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .find(|a| a["body"] == "enkoping.kf")
            .unwrap_or_else(|| panic!("{id}: no assessment by KF"))
            .clone();
        assert_eq!(kf["grade"]["label"], grade, "{id}");
    }

    // Several nämnder on one council goal, each with its own paragraphs.
    let assessed_by = |id: &str| -> Vec<String> {
        goal(&view, id)["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .map(|a| a["body"].as_str().expect("body").to_string())
            .collect()
    };
    assert_eq!(
        assessed_by("enkoping.lp.m08"),
        ["enkoping.kf", "enkoping.uan", "enkoping.upn"]
    );
    assert_eq!(
        assessed_by("enkoping.lp.m10"),
        ["enkoping.kf", "enkoping.sn", "enkoping.von"]
    );
    let m10 = goal(&view, "enkoping.lp.m10");
    assert_eq!(
        strings(&m10["bodies"]),
        ["enkoping.uan", "enkoping.sn", "enkoping.von"]
    );
    let analysis = |body: &str| -> String {
        m10["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .find(|a| a["body"] == body)
            .and_then(|a| a["analysis"].as_str())
            .unwrap_or_else(|| panic!("no analysis by {body}"))
            .to_string()
    };
    assert!(analysis("enkoping.sn").starts_with(
        "Socialnämndens ambition är att flera personer som har försörjningsstöd ska bli självförsörjande."
    ));
    assert!(
        analysis("enkoping.sn")
            .contains("Det gemensamma arbetet är avgörande för att målet ska uppnås 2023.")
    );
    assert!(analysis("enkoping.von").ends_with(
        "Kunderna har upplevt det väldigt positivt att få bidra till det samhällsviktiga arbetet."
    ));

    let counts: Vec<(&str, u64)> = view["goal_grades"]
        .as_array()
        .expect("goal_grades")
        .iter()
        .map(|c| {
            (
                c["grade"]["label"].as_str().expect("label"),
                c["count"].as_u64().expect("count"),
            )
        })
        .collect();
    assert_eq!(counts, [("På rätt väg", 1), ("Delvis på rätt väg", 2)]);

    // Seed 003 is its own document: Joar Socia's report, an activity tied to KF mål 10, not a
    // goal of its own beside goal 10.
    let m10 = json(
        env,
        &[
            "status",
            "--at",
            "2021-08-31",
            "--goal",
            "enkoping.lp.m10",
            "--format",
            "json",
        ],
    );
    let ids: Vec<&str> = m10["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .map(|g| g["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["enkoping.lp.m10"]);
    let joar = json(
        env,
        &["history", "enkoping.sn.joar-socia", "--format", "json"],
    );
    assert_eq!(joar["entries"][0]["kind"], "activity.reported");
}

// ---------------------------------------------------------------------------------------------
// 5. The state an import checks against is the state a replay of the store rebuilds

#[test]
fn state_after_import_equals_state_replayed_from_the_store() {
    let time = LedgerTime::parse_rfc3339(NOW)
        .expect("NOW is RFC 3339")
        .to_string();
    let mut folded = State::default();
    let mut next_seq = 2; // the genesis is seq 1
    let env = TestEnv::new();
    env.init();
    for name in ["ekero", "gotene", "enkoping"] {
        let bytes = std::fs::read(fixture(name)).expect("read fixture");
        let lines = malbok::import::jsonl::parse(name, &bytes).expect("fixture parses");
        malbok::import::check_against_state(&mut folded, name, &lines, next_seq, &time, "tester")
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        next_seq += lines.len() as u64;
        import_fixture(&env, name);
    }
    let expected = serde_json::to_string(&folded).expect("state as JSON");

    let ledger = Ledger::open(&env.ledger()).expect("open ledger");
    let replayed = |known| {
        let (state, _) = malbok::projection::full_state(&ledger, known, false).expect("replay");
        serde_json::to_string(&state).expect("state as JSON")
    };
    let first = replayed(KnownAt::Now);
    assert!(
        first == expected,
        "the replayed state differs from the state the import checked against (first \
         difference at byte {})",
        first
            .bytes()
            .zip(expected.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(first.len().min(expected.len()))
    );
    assert_eq!(replayed(KnownAt::Now), first, "a second replay differs");
    let head = malbok::ledger::Seq(next_seq - 1);
    assert_eq!(replayed(KnownAt::Seq(head)), first, "--known-at the head");
    drop(ledger);

    // And reopening the store changes nothing.
    let ledger = Ledger::open(&env.ledger()).expect("reopen ledger");
    let (again, _) = malbok::projection::full_state(&ledger, KnownAt::Now, false).expect("replay");
    let again = serde_json::to_string(&again).expect("state as JSON");
    assert_eq!(again, first, "a replay after reopening differs");
}

// ---------------------------------------------------------------------------------------------
// 6. The bad-input corpus of the domain

/// How many `*.jsonl` files `fixtures/bad/domain` holds; a lost file fails the test.
const DOMAIN_CORPUS_FILES: usize = 49;

fn domain_corpus() -> Vec<PathBuf> {
    let dir = common::root().join("fixtures/bad/domain");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    assert!(
        files.len() >= DOMAIN_CORPUS_FILES,
        "fixtures/bad/domain holds {} .jsonl files, expected at least {DOMAIN_CORPUS_FILES}",
        files.len()
    );
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .expect("UTF-8 file name")
        .to_string()
}

#[test]
fn every_domain_corpus_file_is_refused_whole_with_its_expected_message() {
    let mut mismatches = Vec::new();
    for path in domain_corpus() {
        let name = file_name(&path);
        let bytes = std::fs::read(&path).expect("read fixture");
        let expected_path = path.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("read {}: {e}", expected_path.display()));
        let expected = expected.strip_suffix('\n').unwrap_or(&expected);

        // The message must name the file, the line and a payload field (or the kind).
        let prefix = format!("malbok: {name}:");
        let line: usize = expected
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{name}.expected does not name a line: {expected}"));
        let after_line = &expected[prefix.len() + line.to_string().len()..];
        assert!(
            after_line.starts_with(": payload") || after_line.starts_with(": kind: "),
            "{name}: the message names no field: {expected}"
        );
        assert!(line > 1, "{name}: the bad line must follow good ones");

        let env = TestEnv::new();
        env.init();
        let head = env.head();
        env.write(&name, &bytes);
        let out = env
            .malbok()
            .args(["import", &name])
            .output()
            .expect("run malbok");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: panicked: {stderr}");
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{name}: stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let stderr = stderr.strip_suffix('\n').unwrap_or(&stderr);
        if stderr != expected {
            mismatches.push(format!(
                "{name}:\n  expected: {expected}\n  got:      {stderr}"
            ));
        }
        assert_eq!(env.head(), head, "{name}: the ledger head moved");
        env.run(&["verify"]);

        // The lines before the bad one are good: alone they import, so the refusal of the
        // whole file is what kept them out.
        let good: Vec<&[u8]> = bytes.split(|&b| b == b'\n').take(line - 1).collect();
        let good_name = format!("good_part_of_{name}");
        env.write(&good_name, &[good.join(&b'\n'), b"\n".to_vec()].concat());
        env.run(&["import", &good_name]);
        assert_eq!(
            env.head().split(':').next(),
            Some(line.to_string().as_str()),
            "{name}: the {} good lines should be seq 2..{line}",
            line - 1
        );
    }
    assert!(
        mismatches.is_empty(),
        "messages differ from fixtures/bad/domain/*.expected:\n{}",
        mismatches.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Known bugs, kept as tests so that the fix shows

/// A reference of the wrong kind reads "not a indicator; give the id of a indicator".
#[test]
fn a_reference_of_the_wrong_kind_is_named_with_the_right_article() {
    let env = TestEnv::new();
    env.init();
    let path = common::root().join("fixtures/bad/domain/goal_given_where_indicator_expected.jsonl");
    env.write(
        "wrong_kind.jsonl",
        &std::fs::read(path).expect("read fixture"),
    );
    let out = env
        .malbok()
        .args(["import", "wrong_kind.jsonl"])
        .output()
        .expect("run malbok");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "malbok: wrong_kind.jsonl:7: payload.indicator: `testby.m1` is a goal (seq 6), not an indicator; give the id of an indicator\n"
    );
}

/// A target revision that takes effect before the target was set puts a target in force at
/// dates the target did not exist, and history shows "60" -> "70" for a date with no 60.
#[test]
fn a_target_revision_cannot_take_effect_before_the_target() {
    let env = scenario();
    env.write(
        "early.jsonl",
        "{\"kind\":\"target.revised\",\"payload\":{\"target\":\"testby.m1.i1.t\",\"effective\":\"2020-01-01\",\"levels\":[{\"name\":\"Målvärde\",\"comparison\":\">=\",\"threshold\":\"70\"}],\"reason\":\"Skärpt mål.\"}}\n"
            .as_bytes(),
    );
    let head = env.head();
    let out = env
        .malbok()
        .args(["import", "early.jsonl"])
        .output()
        .expect("run malbok");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("malbok: early.jsonl:1: payload.effective: "),
        "{stderr}"
    );
    assert_eq!(env.head(), head);
}
