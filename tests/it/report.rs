//! Follow-up reports through the real binary: the Ekerö Delår 2021 report as published,
//! snapshots of md/json/csv, seal → correction → reproduce and diff, tampering before a seal,
//! and the same bytes under any time zone and locale.

use crate::common;

use common::TestEnv;

/// A ledger holding the Ekerö fixture, imported at a fixed ledger time.
fn ekero() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", fixture.to_str().expect("utf-8 path")]);
    env
}

const REPORT: &[&str] = &[
    "report",
    "--follow-up",
    "Delår 2021",
    "--org",
    "ekero",
    "--body",
    "ekero.sn",
];

fn report(env: &TestEnv, format: &str) -> String {
    let mut args = REPORT.to_vec();
    args.extend(["--format", format]);
    env.run(&args)
}

/// The ledger id and hashes differ per ledger (the id is random); snapshots name them.
fn stable(env: &TestEnv, text: &str) -> String {
    let head = env.head();
    let (_, hash) = head.split_once(':').expect("SEQ:HASH");
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["head", "--format", "json"])).expect("head json");
    text.replace(json["ledger_id"].as_str().expect("id"), "[ledger-id]")
        .replace(hash, "[head-hash]")
}

#[test]
fn the_ekero_report_states_the_published_summary() {
    let env = ekero();
    let md = report(&env, "md");
    assert!(
        md.starts_with("# Uppföljning av politiska mål – Delår 2021\n"),
        "{md}"
    );
    assert!(md.contains("| Nämndmål | Indikator | Tidpunkter | Kommentar |"));
    assert!(md.contains("Per 2021-08-31 är 12 mål uppnådda och 3 delvis uppnådda."));
    assert!(md.contains(
        "Av de 12 mål som härrör från Ekeröalliansens politiska plattform är 9 uppnådda och 3 delvis uppnådda."
    ));
    assert!(md.contains(
        "Det sammanlagda indexet för måluppfyllelse per 2021-08-31 är 0,87, räknat på indikatorerna för samtliga mål."
    ));
    assert!(md.contains("| Index | 0,87 | – | 0,87 |"));
    assert!(md.contains("Beräknat, bedömt och publicerat stämmer överens i 7 jämförda siffror."));
    assert!(md.contains("| ◆ Minst 90 % av brukarna i Socialstyrelsens brukarundersökning avseende hemtjänst upplever att de har fått välja utförare. | 2022-12-31 | 87% av brukarna"));

    let json: serde_json::Value = serde_json::from_str(&report(&env, "json")).expect("json report");
    assert_eq!(json["goals"].as_array().expect("goals").len(), 15);
    let indicators: usize = json["goals"]
        .as_array()
        .expect("goals")
        .iter()
        .map(|g| g["indicators"].as_array().expect("indicators").len())
        .sum();
    assert_eq!(indicators, 26);
    assert_eq!(json["computed"]["index"]["value"], "0.87");
    assert_eq!(json["computed"]["index"]["exact"], "7/8");
    assert_eq!(json["published_summary"]["index"], "0.87");
    assert_eq!(json["published_counts"][0]["count"], 12);
    assert_eq!(json["published_counts"][1]["count"], 3);
    assert_eq!(json["published_counts_by_source"][0]["goals"], 12);
    assert_eq!(
        json["published_counts_by_source"][0]["counts"][0]["count"],
        9
    );
    assert_eq!(
        json["published_counts_by_source"][0]["counts"][1]["count"],
        3
    );
    assert_eq!(json["disagreements"].as_array().expect("list").len(), 0);
}

#[test]
fn the_ekero_report_snapshots() {
    let env = ekero();
    insta::assert_snapshot!("ekero_delar_2021_md", stable(&env, &report(&env, "md")));
    insta::assert_snapshot!("ekero_delar_2021_json", stable(&env, &report(&env, "json")));
    insta::assert_snapshot!("ekero_delar_2021_csv", stable(&env, &report(&env, "csv")));
}

#[test]
fn a_disagreement_between_computed_and_published_is_marked() {
    let env = ekero();
    // The body revises its judgement of goal 15 to "delvis": the method still computes
    // "uppnått" from the indicators (mean 3/4).
    env.run(&[
        "append",
        "--kind",
        "assessment.recorded",
        "--payload",
        r#"{"body":"ekero.sn","goal":"ekero.sn.2019.m15","follow_up":"ekero.delar-2021","scale":"ekero.tregradig","grade":"delvis","reason":"Omprövad bedömning."}"#,
    ]);
    let md = report(&env, "md");
    assert!(
        md.contains("Per 2021-08-31 är 11 mål uppnådda och 4 delvis uppnådda."),
        "{md}"
    );
    // The document published 12 and 3: the body's revised grades no longer agree with it.
    assert!(md.contains("| Uppnått | 12 | 11 | 12 |"), "{md}");
    assert!(
        md.contains("- Uppnått: beräknat 12, bedömt 11, publicerat 12"),
        "{md}"
    );
    assert!(
        md.contains("- mål ekero.sn.2019.m15: beräknat Uppnått, bedömt Delvis uppnått"),
        "{md}"
    );
}

#[test]
fn a_sealed_report_reproduces_after_a_correction_and_diff_lists_it() {
    let env = ekero();
    // What is published is the report made from the head at sealing time.
    let published = report(&env, "md");
    let mut seal = REPORT.to_vec();
    seal[0] = "seal";
    seal.extend(["--report-format", "md"]);
    let sealed = env.run(&seal);
    let id = sealed
        .strip_prefix("seal ")
        .and_then(|s| s.split(':').next())
        .expect("seal id")
        .to_string();

    // After publication, the 87 % reading is corrected.
    let reading = env.run(&[
        "log",
        "--subject",
        "ekero.sn.2019.m07.i1",
        "--kind",
        "reading.recorded",
        "--format",
        "json",
    ]);
    let seq = serde_json::from_str::<serde_json::Value>(reading.lines().next().expect("a reading"))
        .expect("json")["event"]["seq"]
        .clone();
    env.malbok()
        .env("MALBOK_NOW", "2021-10-15T09:00:00Z")
        .env("MALBOK_ACTOR", "ekero.controller")
        .args(["append", "--kind", "reading.corrected", "--payload"])
        .arg(format!(
            r#"{{"corrects":{seq},"indicator":"ekero.sn.2019.m07.i1","value":"85","decision":"SN 2021-10-12 § 88"}}"#
        ))
        .assert()
        .success();

    env.malbok()
        .args(["reproduce", &id, "--out", "rebuilt.md"])
        .assert()
        .success()
        .stdout(predicates::str::contains("byte-identical"));
    assert_eq!(
        std::fs::read_to_string(env.path("rebuilt.md")).expect("rebuilt"),
        published
    );

    // A report made today marks the same change, after the sealed report's content.
    let today = report(&env, "md");
    assert!(
        today.contains(&format!(
            "## Ändrat sedan publiceringen\n\nRapporten förseglades vid position {id}"
        )),
        "{today}"
    );
    assert!(
        today.contains("reading.corrected ekero.sn.2019.m07.i1 (SN 2021-10-12 § 88); reading["),
        "{today}"
    );

    let diff = env.run(&["diff", &id]);
    assert!(diff.contains("2021-10-15T09:00:00.000000Z  ekero.controller  reading.corrected  ekero.sn.2019.m07.i1  (SN 2021-10-12 § 88)"), "{diff}");
    assert!(
        diff.contains(&format!("reading[{seq}].value: 87 → 85")),
        "{diff}"
    );
}

#[test]
fn tampering_before_the_seal_makes_reproduce_fail() {
    let env = ekero();
    let mut seal = REPORT.to_vec();
    seal[0] = "seal";
    seal.extend(["--report-format", "md"]);
    let sealed = env.run(&seal);
    let id = sealed
        .strip_prefix("seal ")
        .and_then(|s| s.split(':').next())
        .expect("seal id")
        .to_string();
    // Rewrite one stored event before the seal: "87" becomes "97" in the reading's comment.
    {
        let ledger = malbok::ledger::Ledger::open(&env.ledger()).expect("open");
        let (events, _) = ledger.raw_trees();
        let (key, block) = events.iter().next().expect("a block").expect("read");
        let text = block.to_vec();
        let at = text
            .windows(4)
            .position(|w| w == b"\"87\"")
            .expect("the reading's value");
        let mut changed = text.clone();
        changed[at + 1] = b'9';
        events.insert(key, changed).expect("tamper");
        events.flush().expect("flush");
    }
    let out = env.malbok().args(["reproduce", &id]).output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("verification failed at position"));

    // And a seal certifies only a history that verifies: sealing the tampered ledger fails,
    // naming the position, and appends nothing.
    let head = env.head();
    let out = env.malbok().args(&seal).output().expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("verification failed at position"));
    assert_eq!(env.head(), head, "a refused seal appended something");
}

#[test]
fn the_same_events_give_the_same_bytes_under_any_time_zone_and_locale() {
    let env = ekero();
    let mut outputs = Vec::new();
    for (tz, lang) in [
        ("UTC", "C"),
        ("Europe/Stockholm", "sv_SE.UTF-8"),
        ("America/Los_Angeles", "en_US.UTF-8"),
        ("Asia/Kolkata", "hi_IN.UTF-8"),
    ] {
        for format in ["md", "json", "csv"] {
            let mut args = REPORT.to_vec();
            args.extend(["--format", format]);
            let out = env
                .malbok()
                .env("TZ", tz)
                .env("LANG", lang)
                .env("LC_ALL", lang)
                .args(&args)
                .output()
                .expect("run");
            assert!(out.status.success());
            outputs.push((format, out.stdout));
        }
    }
    for (format, bytes) in &outputs {
        let first = &outputs.iter().find(|(f, _)| f == format).expect("first").1;
        assert_eq!(bytes, first, "{format} differs between environments");
    }
}

#[test]
fn an_annual_report_shows_each_interim_forecast_beside_the_outcome() {
    let env = ekero();
    let assess = |goal: &str, grade: &str| {
        format!(
            "{{\"kind\":\"assessment.recorded\",\"payload\":{{\"body\":\"ekero.sn\",\"goal\":\"{goal}\",\"follow_up\":\"ekero.ar-2021\",\"scale\":\"ekero.tregradig\",\"grade\":\"{grade}\"}}}}\n"
        )
    };
    let lines = String::from(
        "{\"kind\":\"follow_up.defined\",\"payload\":{\"id\":\"ekero.ar-2021\",\"organisation\":\"ekero\",\"name\":\"Årsredovisning 2021\",\"kind\":\"annual\",\"cut_off\":\"2021-12-31\"}}\n",
    ) + &assess("ekero.sn.2019.m01", "uppnatt")
        + &assess("ekero.sn.2019.m07", "uppnatt")
        + &assess("ekero.sn.2019.m10", "delvis");
    env.write("annual.jsonl", lines.as_bytes());
    env.run(&["import", "annual.jsonl"]);
    let md = env.run(&[
        "report",
        "--follow-up",
        "Årsredovisning 2021",
        "--body",
        "ekero.sn",
    ]);
    assert!(md.contains("## Prognos och utfall"), "{md}");
    assert!(
        md.contains("1 av 3 mål fick ett annat utfall än prognosen."),
        "{md}"
    );
    assert!(
        md.contains("| Säkerställa valfrihet, hög kvalitet och ett värdigt bemötande. | ◆ Delvis uppnått | ● Uppnått | avviker |"),
        "{md}"
    );
    assert!(
        md.contains("| Investera i och utveckla användandet av välfärdsteknik. | ◆ Delvis uppnått | ◆ Delvis uppnått |  |"),
        "{md}"
    );
    // An interim report has no such section.
    assert!(!report(&env, "md").contains("Prognos och utfall"));
}

#[test]
fn the_enkoping_report_rolls_up_on_its_four_level_scale() {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/enkoping/events.jsonl");
    env.run(&["import", fixture.to_str().expect("utf-8 path")]);
    let md = env.run(&["report", "--follow-up", "Delår 2021", "--org", "enkoping"]);
    // The council's own verdicts on goals 8-10, rolled up as on the municipality's page.
    assert!(md.contains("Per 2021-08-31 är 1 mål på rätt väg och 2 delvis på rätt väg. Ett av tre mål är på rätt väg."), "{md}");
    // Indicators that could not be measured are reported as such, with their reason.
    assert!(md.contains("Kan inte mätas: Det är inte möjligt att följa upp vissa av indikatorerna i delårsrapporten med anledning av att enkäterna ännu inte är genomförda"), "{md}");
    // Several nämnder assess one council goal.
    let others = md
        .split("### Nämndernas bedömningar")
        .nth(1)
        .expect("the section");
    assert!(
        others.contains("- Utbildnings- och arbetsmarknadsnämnden: "),
        "{md}"
    );
    assert!(others.contains("- Upplevelsenämnden: "), "{md}");
    assert!(others.contains("- Vård- och omsorgsnämnden: "), "{md}");
    assert!(md.contains("Ingen beräkningsmetod är registrerad"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&env.run(&[
        "report",
        "--follow-up",
        "Delår 2021",
        "--org",
        "enkoping",
        "--format",
        "json",
    ]))
    .expect("json");
    assert_eq!(json["rollups"][0], "Ett av tre mål är på rätt väg.");
    // Per area ("uppgift"), in the words of the municipality's page.
    assert_eq!(
        json["rollups"][1],
        "Självständigt liv: Ett av tre mål är på rätt väg."
    );
}
