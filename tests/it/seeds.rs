//! The seed documents in full (issue 11): the demo prints what the ledger holds of every seed
//! document, no report shows an interpretation under "Publicerat", and every quote the fixtures
//! cite occurs verbatim in its seed document.

use crate::common::{self, TestEnv};
use serde_json::Value;
use std::collections::BTreeSet;

const ORGS: [&str; 3] = ["ekero", "gotene", "enkoping"];

/// The document title each fixture cites, and the seed file it names.
const DOCUMENTS: &[(&str, &str)] = &[
    (
        "Ekerö kommun, Socialnämnden, Uppföljning av politiska mål, Delår 2021",
        "001_8bf292f0290024d5.txt",
    ),
    (
        "Götene kommun, Socialpolitiskt program 2019-2024",
        "002_effa4e51e74c1a47.txt",
    ),
    (
        "Enköpings kommun, Självständigt liv (uppföljning av långsiktig plan 2020–2023)",
        "000_09f2631cb17009cd.txt",
    ),
    (
        "Enköpings kommun, Socialförvaltningen, Information om resurser inom sysselsättningsverksamhet Joar Socia",
        "003_1e7f2687834d6d60.txt",
    ),
    (
        "Var har vi varit och vart är vi på väg? (Daniel Drugge, vice ordförande socialnämnden)",
        "004_33be98733463d3e2.txt",
    ),
];

/// The fixture's events as (kind, payload).
fn fixture(org: &str) -> Vec<(String, Value)> {
    let path = common::root().join(format!("fixtures/{org}/events.jsonl"));
    let text = std::fs::read_to_string(&path).expect("the fixture exists");
    text.lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a JSON line");
            (
                v["kind"].as_str().expect("a kind").to_string(),
                v["payload"].clone(),
            )
        })
        .collect()
}

fn imported() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    for org in ORGS {
        let path = common::root().join(format!("fixtures/{org}/events.jsonl"));
        env.run(&["import", path.to_str().expect("utf-8 path")]);
    }
    env
}

#[test]
fn the_demo_prints_every_seed_document() {
    let env = TestEnv::new();
    let out = env.run(&["demo", "--all"]);
    // Each document under a heading that names the original.
    for heading in [
        "==== Ekerö kommun, Socialnämnden: Uppföljning av politiska mål, Delår 2021 (seed 001)",
        "==== Götene kommun: Socialpolitiskt program 2019-2024",
        "==== Enköpings kommun: Självständigt liv, Delår 2021 (seed 000)",
        "(seed 003)",
        "(seed 004)",
    ] {
        assert!(out.contains(heading), "{heading:?} missing:\n{out}");
    }
    // What a reader of each original recognises.
    for text in [
        // Ekerö: the summary, with the sentence on the partly achieved goals.
        "12 mål uppnådda och 3 delvis uppnådda",
        "Aktivt arbete pågår med samtliga delvis uppnådda mål, varav ett bedöms bli uppnått under 2021 och resterande två under 2022.",
        // Götene: a strategic goal, a goal as revised in 2023, a target's deadline row.
        "Ökad nytta för alla kommuninvånare inom befintlig ekonomi.",
        "5.2. Användningen av välfärdsteknik och digitalisering ska öka",
        // Enköping, seed 000: the goal and its verdict.
        "8. I Enköping har vi väl fungerande metoder och arbetssätt för integrering",
        "Måluppfyllelse är delvis på rätt väg",
        // Seed 003: the activity, its capacity and the proposed decision.
        "Information om resurser inom sysselsättningsverksamhet Joar Socia",
        "40 deltagare",
        "Att lägga rapporten till handlingarna.",
        // Seed 004: promises and their statuses, verbatim.
        "Att arbetet med ungdomsstödjare ska fortsätta.",
        "Ungdomsstödjarna är säkrade fram till 2023",
        "Frågan är lyft men är inte genomförd",
    ] {
        assert!(out.contains(text), "{text:?} missing:\n{out}");
    }
    // One organisation at a time.
    let gotene = TestEnv::new().run(&["demo", "--org", "gotene"]);
    assert!(gotene.contains("Götene kommun"), "{gotene}");
    assert!(!gotene.contains("Ekerö kommun, Socialnämnden:"), "{gotene}");
    assert!(!gotene.contains("Joar Socia"), "{gotene}");
    // Without a flag the demo stays the Ekerö report it always was.
    let plain = TestEnv::new().run(&["demo"]);
    assert!(
        plain.contains("# Uppföljning av politiska mål – Delår 2021"),
        "{plain}"
    );
    assert!(!plain.contains("===="), "{plain}");
}

/// The figures the seed documents publish as summaries, as a report prints them (decimal
/// comma), from the summary events that cite a document rather than interpret one.
fn published_figures(org: &str) -> BTreeSet<String> {
    let mut figures = BTreeSet::new();
    for (kind, p) in fixture(org) {
        if kind != "summary.recorded" || p["provenance"].get("interpretation").is_some() {
            continue;
        }
        let mut add = |v: &Value| match v {
            Value::Number(n) => {
                figures.insert(n.to_string());
            }
            Value::String(s) => {
                figures.insert(s.replace('.', ","));
            }
            _ => {}
        };
        add(&p["total"]);
        add(&p["index"]);
        for c in p["counts"].as_array().into_iter().flatten() {
            add(&c["count"]);
        }
        for r in p["rollups"].as_array().into_iter().flatten() {
            add(&r["total"]);
            add(&r["on_track"]);
            for c in r["counts"].as_array().into_iter().flatten() {
                add(&c["count"]);
            }
        }
    }
    figures
}

/// Every cell under a "Publicerat" column of the Markdown tables in `md`, with its row's label.
fn published_cells(md: &str) -> Vec<(String, String)> {
    let mut cells = Vec::new();
    let mut column: Option<usize> = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            column = None;
            continue;
        }
        let row: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if row
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue;
        }
        match column {
            None => column = row.iter().position(|c| *c == "Publicerat"),
            Some(i) => {
                let value = row.get(i).copied().unwrap_or("");
                cells.push((row[0].to_string(), value.to_string()));
            }
        }
    }
    cells
}

#[test]
fn no_report_shows_an_interpretation_under_publicerat() {
    let env = imported();
    for (org, follow_up) in [
        ("ekero", "Delår 2021"),
        ("gotene", "Revidering 2023"),
        ("enkoping", "Delår 2021"),
    ] {
        let figures = published_figures(org);
        let md = env.run(&["report", "--follow-up", follow_up, "--org", org]);
        let cells = published_cells(&md);
        for (label, value) in &cells {
            let honest = value.is_empty()
                || value == "–"
                || value == "ej publicerat"
                || value.contains("tolkning")
                || figures.contains(value);
            assert!(
                honest,
                "{org}: {label:?} shows {value:?} under Publicerat, which no cited summary publishes \
                 (published: {figures:?}):\n{md}"
            );
        }
    }
    // Ekerö's figures are published (12, 3, 15, 0,87) and shown; its goal grades are ours.
    let md = env.run(&["report", "--follow-up", "Delår 2021", "--org", "ekero"]);
    let cells = published_cells(&md);
    assert!(
        cells.iter().any(|(l, v)| l == "Index" && v == "0,87"),
        "{md}"
    );
    assert!(
        !cells.iter().any(|(_, v)| v == "uppnatt" || v == "delvis"),
        "{md}"
    );
}

/// The seed text in the forms a quote may take: as it is, with each paragraph's line breaks
/// joined by a space, and with every run of white space as one space.
fn seed_forms(file: &str) -> [String; 3] {
    let dir = common::root().join("../shared/seeds");
    let raw = std::fs::read_to_string(dir.join(file))
        .unwrap_or_else(|e| panic!("the seed documents belong in {}: {e}", dir.display()));
    let flat = raw
        .split("\n\n")
        .map(|p| {
            p.split('\n')
                .collect::<Vec<_>>()
                .join(" ")
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    let spaced = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    [raw, flat, spaced]
}

#[test]
fn every_quote_occurs_verbatim_in_its_seed() {
    let seeds: Vec<(&str, [String; 3])> = DOCUMENTS
        .iter()
        .map(|(title, file)| (*title, seed_forms(file)))
        .collect();
    let mut quotes = 0;
    for org in ORGS {
        for (n, (kind, p)) in fixture(org).iter().enumerate() {
            let Some(prov) = p.get("provenance") else {
                continue;
            };
            let at = format!("fixtures/{org}/events.jsonl:{} ({kind})", n + 1);
            let document = prov["document"].as_str();
            if prov.get("interpretation").is_none() {
                assert!(document.is_some(), "{at}: a cited fact names its document");
            }
            let Some(quote) = prov["quote"].as_str() else {
                continue;
            };
            let document = document.unwrap_or_else(|| panic!("{at}: a quote names its document"));
            let (_, forms) = seeds
                .iter()
                .find(|(title, _)| *title == document)
                .unwrap_or_else(|| panic!("{at}: {document:?} is not a seed document"));
            assert!(
                forms.iter().any(|f| f.contains(quote)),
                "{at}: the quote {quote:?} is not in {document:?}"
            );
            quotes += 1;
        }
    }
    // The fixtures cite their documents throughout (a lost provenance would drop this count).
    assert!(quotes > 200, "only {quotes} quotes in the fixtures");
}

#[test]
fn every_inference_in_the_fixtures_is_marked_with_its_reason() {
    // The inferences the issue names, each marked as an interpretation in its event.
    let marked = |org: &str, pred: &dyn Fn(&str, &Value) -> bool| -> Vec<String> {
        fixture(org)
            .into_iter()
            .filter(|(k, p)| pred(k, p))
            .map(|(k, p)| {
                let reason = p["provenance"]["interpretation"].as_str().unwrap_or("");
                assert!(!reason.trim().is_empty(), "{org} {k} is not marked: {p}");
                k
            })
            .collect()
    };
    // Ekerö: the goal grades, the fitted method, the 1-12 split.
    let goal_grades = marked("ekero", &|k, p| {
        k == "assessment.recorded" && p.get("goal").is_some()
    });
    assert_eq!(goal_grades.len(), 15);
    assert_eq!(marked("ekero", &|k, _| k == "method.defined").len(), 1);
    let split = marked("ekero", &|k, p| {
        k == "goal.defined" && p.get("source_plan").is_some()
    });
    assert_eq!(split.len(), 12);
    // Götene: the rewordings and the retirement.
    assert_eq!(marked("gotene", &|k, _| k == "goal.revised").len(), 4);
    assert_eq!(marked("gotene", &|k, _| k == "indicator.retired").len(), 1);
    // Enköping: the cut-off, the council as the body of the verdicts, the fourth grade, the
    // placeholder indicators (in English, not to be read as quotes).
    assert_eq!(
        marked("enkoping", &|k, _| k == "follow_up.defined").len(),
        1
    );
    assert_eq!(marked("enkoping", &|k, _| k == "scale.defined").len(), 1);
    let verdicts = marked("enkoping", &|k, p| {
        k == "assessment.recorded" && p["body"] == "enkoping.kf"
    });
    assert_eq!(verdicts.len(), 5);
    let placeholders = marked("enkoping", &|k, p| {
        k == "indicator.defined"
            && p["text"]
                .as_str()
                .is_some_and(|t| t.contains("not named on the page"))
    });
    assert_eq!(placeholders.len(), 2);
}

#[test]
fn log_interpretations_lists_every_inference_of_the_fixtures_and_nothing_else() {
    let env = imported();
    // The fixtures' marked lines, in ledger order (the genesis is seq 1; ekero, gotene,
    // enkoping imported in that order).
    let mut expected = Vec::new();
    let mut seq = 1;
    for org in ORGS {
        for (kind, p) in fixture(org) {
            seq += 1;
            if let Some(reason) = p["provenance"]["interpretation"].as_str() {
                expected.push((seq, kind, reason.to_string()));
            }
        }
    }
    let listed: Vec<(u64, String, String)> = env
        .run(&["log", "--interpretations", "--format", "json"])
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON line");
            (
                v["seq"].as_u64().expect("seq"),
                v["kind"].as_str().expect("kind").to_string(),
                v["interpretation"].as_str().expect("reason").to_string(),
            )
        })
        .collect();
    assert_eq!(listed, expected);
    assert!(listed.len() > 200, "{}", listed.len());
}
