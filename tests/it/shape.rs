//! Issue 9, "what a report must be able to show": the goal's own verdict beside its indicators
//! and trend separate from attainment, in md, html, json and csv.

use crate::common;

use common::TestEnv;
use serde_json::Value;

fn with(fixture: &str) -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let path = common::root()
        .join("fixtures")
        .join(fixture)
        .join("events.jsonl");
    env.run(&["import", path.to_str().expect("utf-8 path")]);
    env
}

fn report(env: &TestEnv, org: &str, format: &str) -> String {
    env.run(&[
        "report",
        "--follow-up",
        "Delår 2021",
        "--org",
        org,
        "--format",
        format,
    ])
}

#[test]
fn the_goals_own_verdict_is_shown_in_every_format() {
    let env = with("enkoping");
    let md = report(&env, "enkoping", "md");
    assert!(md.contains("### Målens bedömning"), "{md}");
    assert!(
        md.contains("- **9. Personer i behov av stöd får det utifrån sina behov och på rätt nivå** – Delvis på rätt väg: Måluppfyllelse är delvis på rätt väg\n"),
        "{md}"
    );
    let html = report(&env, "enkoping", "html");
    assert!(
        html.contains("<dt>9. Personer i behov av stöd får det utifrån sina behov och på rätt nivå – Delvis på rätt väg</dt><dd>Måluppfyllelse är delvis på rätt väg</dd>"),
        "{html}"
    );
    let csv = report(&env, "enkoping", "csv");
    assert!(
        csv.contains(",Måluppfyllelse är delvis på rätt väg\n"),
        "{csv}"
    );
    let json: Value = serde_json::from_str(&report(&env, "enkoping", "json")).expect("json");
    assert_eq!(
        json["goals"][1]["analysis"],
        "Måluppfyllelse är delvis på rätt väg"
    );
}

#[test]
fn trend_compares_with_last_years_outcome_through_the_direction() {
    let env = with("enkoping");
    let md = report(&env, "enkoping", "md");
    // Enköping's page: 75 procent now, "Föregående års resultat var 21 procent".
    assert!(
        md.contains("| Andelen deltagare som går till arbete eller studier efter avslut i kommunala arbetsmarknadsåtgärder | 75 % (2021-08-31) | föregående års utfall: 21 % (2020-12-31) | förbättrad | förbättrad |"),
        "{md}"
    );
    // Not measurable this period: a distinct "kan inte beräknas", never a direction.
    assert!(
        md.contains("| Indikatorer som bygger på enkäter inom LSS-området och äldreomsorgen | – | – | kan inte beräknas |  |"),
        "{md}"
    );
    let json: Value = serde_json::from_str(&report(&env, "enkoping", "json")).expect("json");
    let trend = &json["goals"][0]["indicators"][0]["trend"];
    assert_eq!(trend["direction"], "improved", "{trend}");
    assert_eq!(trend["basis"], "last_year_outcome", "{trend}");
    assert_eq!(trend["judged"], "improved", "{trend}");
    let csv = report(&env, "enkoping", "csv");
    assert!(csv.contains(",förbättrad,"), "{csv}");
    let html = report(&env, "enkoping", "html");
    assert!(html.contains("<td>kan inte beräknas</td>"), "{html}");
}

#[test]
fn trend_prefers_the_same_period_and_reads_a_level_to_reach() {
    let env = with("ekero");
    let ekero = |format| {
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
    // One reading only: nothing comparable.
    let md = ekero("md");
    assert!(
        md.contains("| 87 % (2020-12-31) | – | kan inte beräknas |"),
        "{md}"
    );
    // "Minst 90 %": 95 % the year before and 87 % now is worse, not closer to 90.
    env.run(&[
        "append",
        "--kind",
        "reading.recorded",
        "--payload",
        r#"{"indicator":"ekero.sn.2019.m07.i1","period":{"from":"2019-01-01","to":"2019-12-31"},"value":"95","source":{"kind":"survey","description":"Test"}}"#,
    ]);
    let md = ekero("md");
    assert!(
        md.contains(
            "| 87 % (2020-12-31) | samma period föregående år: 95 % (2019-12-31) | försämrad |"
        ),
        "{md}"
    );
}
