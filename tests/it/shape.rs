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
        md.contains("- **9. Personer i behov av stöd får det utifrån sina behov och på rätt nivå** – Delvis på rätt väg (tolkning): Måluppfyllelse är delvis på rätt väg\n"),
        "{md}"
    );
    let html = report(&env, "enkoping", "html");
    assert!(
        html.contains("<dt>9. Personer i behov av stöd får det utifrån sina behov och på rätt nivå – Delvis på rätt väg (tolkning)</dt><dd>Måluppfyllelse är delvis på rätt väg</dd>"),
        "{html}"
    );
    let csv = report(&env, "enkoping", "csv");
    assert!(
        csv.contains(",Måluppfyllelse är delvis på rätt väg,")
            // The verdict's body is inferred (issue 11): the csv's tolkning column says why.
            && csv.contains("The grade and its words are the page's;"),
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
        md.contains("| Indicators based on surveys in LSS and elderly care (not named on the page) | – | – | kan inte beräknas |  |"),
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

#[test]
fn computed_attainment_is_a_grade_on_the_organisations_scale() {
    let env = with("ekero");
    let md = env.run(&[
        "report",
        "--follow-up",
        "Delår 2021",
        "--org",
        "ekero",
        "--body",
        "ekero.sn",
    ]);
    // 87 % against "Minst 90 %": below the only level, the scale's lowest grade, beside the
    // body's judgement; never an English "no level reached".
    assert!(
        md.contains("| 87 % | 90 % | ○ Ej uppnått | ◆ Delvis uppnått (avviker) |"),
        "{md}"
    );
    assert!(!md.contains("no level"), "{md}");
    let json: Value = serde_json::from_str(&env.run(&[
        "report",
        "--follow-up",
        "Delår 2021",
        "--org",
        "ekero",
        "--body",
        "ekero.sn",
        "--format",
        "json",
    ]))
    .expect("json");
    let computed = &json["goals"][6]["indicators"][0]["computed_grade"];
    assert_eq!(computed["scale"], "ekero.tregradig", "{computed}");
    assert_eq!(computed["code"], "ej_uppnatt", "{computed}");
}

/// A small organisation whose scale folds "kan inte mätas" into its middle grade and whose
/// method scores the computed grades.
const FOLDING: &str = r#"{"kind":"organisation.registered","payload":{"id":"nm","name":"Testkommun"}}
{"kind":"body.registered","payload":{"id":"nm.kf","organisation":"nm","name":"Kommunfullmäktige","abbreviation":"KF"}}
{"kind":"scale.defined","payload":{"id":"nm.skala","organisation":"nm","name":"Tregradig","grades":[{"code":"gron","label":"Grön","symbol":"●"},{"code":"gul","label":"Gul","symbol":"◐"},{"code":"rod","label":"Röd","symbol":"○"}],"not_assessable_folded_into":"gul"}}
{"kind":"plan.adopted","payload":{"id":"nm.plan","organisation":"nm","body":"nm.kf","title":"Plan","period":{"from":"2021-01-01","to":"2022-12-31"},"reason":"Test."}}
{"kind":"goal.defined","payload":{"id":"nm.m1","plan":"nm.plan","number":"1","text":"Ett mål","bodies":["nm.kf"]}}
{"kind":"indicator.defined","payload":{"id":"nm.m1.i1","goal":"nm.m1","text":"Andel nöjda","unit":"percent","direction":"increase"}}
{"kind":"target.set","payload":{"id":"nm.m1.i1.t","indicator":"nm.m1.i1","levels":[{"name":"Gul","comparison":">=","threshold":"50"},{"name":"Grön","comparison":">=","threshold":"70"}],"effective":"2021-01-01"}}
{"kind":"follow_up.defined","payload":{"id":"nm.delar","organisation":"nm","name":"Delår 2021","kind":"interim","cut_off":"2021-08-31"}}
{"kind":"reading.not_measurable","payload":{"indicator":"nm.m1.i1","period":{"from":"2021-01-01","to":"2021-08-31"},"reason":"Enkäten är inte genomförd."}}
{"kind":"method.defined","payload":{"id":"nm.metod","organisation":"nm","scale":"nm.skala","name":"Beräknad","effective":"2021-01-01","input":"computed","scores":[{"grade":"gron","score":"1"},{"grade":"gul","score":"0.5"},{"grade":"rod","score":"0"}],"goal_grades":[{"grade":"gron","min":"0.75"},{"grade":"gul","min":"0.5"},{"grade":"rod","min":"0"}]}}
"#;

#[test]
fn not_measurable_counts_as_the_grade_the_scale_names_and_a_method_scores_computed_grades() {
    let env = TestEnv::new();
    env.init();
    let file = env.write("nm.jsonl", FOLDING.as_bytes());
    env.run(&["import", file.to_str().expect("utf-8 path")]);
    let md = report(&env, "nm", "md");
    assert!(
        md.contains("| Andel nöjda | kan inte mätas | 70 % | ◐ Gul | – |"),
        "{md}"
    );
    // The method scores the computed grade (input "computed"): the goal is "gul" (mean 1/2).
    assert!(md.contains("| 1. Ett mål | 1/2 | ◐ Gul | – |"), "{md}");
    // Corrected to 75: the most ambitious level met, "Grön", named as the scale's grade.
    env.run(&[
        "append",
        "--kind",
        "reading.corrected",
        "--payload",
        r#"{"corrects":10,"indicator":"nm.m1.i1","value":"75","source":{"kind":"internal","description":"Test"},"reason":"Enkäten genomfördes."}"#,
    ]);
    let md = report(&env, "nm", "md");
    assert!(
        md.contains("| Andel nöjda | 75 % | 70 % | ● Grön | – |"),
        "{md}"
    );
    assert!(md.contains("| 1. Ett mål | 1 | ● Grön | – |"), "{md}");
}

#[test]
fn enkopings_rollup_is_an_interpretation_and_not_compared_as_published() {
    // The page lists "Ett av tre mål är på rätt väg" without naming its uppgift; reading it as
    // Självständigt liv's (and as the council's) is an interpretation (issue 11), so its figures
    // are never shown under "Publicerat" and the report lists the reason under Tolkningar.
    let env = with("enkoping");
    let md = report(&env, "enkoping", "md");
    assert!(md.contains("| På rätt väg | 1 | ej publicerat |"), "{md}");
    assert!(
        md.contains("| Antal bedömda mål | 3 | ej publicerat |"),
        "{md}"
    );
    assert!(
        md.contains("summary.recorded enkoping.delar-2021: ”Ett av tre mål är på rätt väg” tolkning – The page lists one roll-up per uppgift without naming it"),
        "{md}"
    );
}

#[test]
fn a_template_lays_out_the_report_as_the_municipality_publishes_it() {
    let env = with("ekero");
    env.run(&[
        "append",
        "--kind",
        "template.defined",
        "--payload",
        r#"{"id":"ekero.mall.ar","organisation":"ekero","name":"Årsredovisningens måltabell","effective":"2021-01-01","title":"Måluppfyllelse","columns":[{"kind":"goal","label":"Mål"},{"kind":"indicator","label":"Indikator"},{"kind":"outcomes","label":"Utfall","years":3},{"kind":"target","label":"Målvärde"},{"kind":"grade","label":"Bedömning"},{"kind":"comment","label":"Kommentar"}],"sections":["results","legend","summary","comparison"],"reason":"Test."}"#,
    ]);
    let args = [
        "report",
        "--follow-up",
        "Delår 2021",
        "--org",
        "ekero",
        "--body",
        "ekero.sn",
    ];
    let md = env.run(&args);
    assert!(md.starts_with("# Måluppfyllelse – Delår 2021\n"), "{md}");
    assert!(
        md.contains("| Mål | Indikator | Utfall 2019 | Utfall 2020 | Utfall 2021 | Målvärde | Bedömning | Kommentar |\n|---|---|---|---|---|---|---|---|\n"),
        "{md}"
    );
    assert!(
        md.contains("| Minst 90 % av brukarna i Socialstyrelsens brukarundersökning avseende hemtjänst upplever att de har fått välja utförare. |  | 87 % |  | 90 % | ◆ Delvis uppnått | 87% av brukarna"),
        "{md}"
    );
    assert!(
        md.contains("Teckenförklaring: ● Uppnått, ◆ Delvis uppnått, ○ Ej uppnått."),
        "{md}"
    );
    assert!(md.contains("### Beräknat och publicerat"), "{md}");
    for absent in [
        "## Metod",
        "### Trend",
        "### Mätvärden",
        "Publicerad sammanfattning",
    ] {
        assert!(!md.contains(absent), "{absent}: {md}");
    }
    let html = env.run(&[&args[..], &["--format", "html"]].concat());
    assert!(html.contains("<th>Utfall 2020</th>"), "{html}");
    assert!(html.contains("Teckenförklaring: ● Uppnått"), "{html}");
    assert!(!html.contains("<h2>Metod</h2>"), "{html}");
    // The template is an event: a sealed report reproduces with the template in force.
    let sealed = env.run(&[&["seal"], &args[1..], &["--report-format", "md"]].concat());
    let id = sealed
        .strip_prefix("seal ")
        .and_then(|s| s.split(':').next())
        .expect("seal id")
        .to_string();
    env.run(&["reproduce", &id]);
    // Without a template the default layout stays.
    let env = with("ekero");
    assert!(
        env.run(&args)
            .contains("| Nämndmål | Indikator | Tidpunkter | Kommentar |")
    );
}

#[test]
fn the_template_says_which_reading_trend_compares_with_and_the_scale_how_it_is_drawn() {
    let env = TestEnv::new();
    env.init();
    let folding = FOLDING.replace(
        r#""not_assessable_folded_into":"gul"}"#,
        r#""not_assessable_folded_into":"gul","trend":{"improved":"↑","unchanged":"→","worse":"↓","not_computable":"–"}}"#,
    );
    let file = env.write("nm.jsonl", folding.as_bytes());
    env.run(&["import", file.to_str().expect("utf-8 path")]);
    let reading = |from: &str, to: &str, value: &str| {
        env.run(&[
            "append",
            "--kind",
            "reading.recorded",
            "--payload",
            &format!(
                r#"{{"indicator":"nm.m1.i1","period":{{"from":"{from}","to":"{to}"}},"value":"{value}","source":{{"kind":"internal","description":"Test"}}}}"#
            ),
        ])
    };
    // Last year's interim 60, last year's outcome 80; this year's interim is not measurable, so
    // correct it to 70.
    reading("2020-01-01", "2020-08-31", "60");
    reading("2020-01-01", "2020-12-31", "80");
    env.run(&[
        "append",
        "--kind",
        "reading.corrected",
        "--payload",
        r#"{"corrects":10,"indicator":"nm.m1.i1","value":"70","source":{"kind":"internal","description":"Test"},"reason":"Enkäten genomfördes."}"#,
    ]);
    // Without a template: the same period last year (60), improved, drawn by the scale.
    let md = report(&env, "nm", "md");
    assert!(
        md.contains(
            "| 70 % (2021-08-31) | samma period föregående år: 60 % (2020-08-31) | ↑ förbättrad |"
        ),
        "{md}"
    );
    // A template whose document compares with last year's outcome (80): worse.
    env.run(&[
        "append",
        "--kind",
        "template.defined",
        "--payload",
        r#"{"id":"nm.mall","organisation":"nm","name":"Mall","effective":"2021-01-01","columns":[{"kind":"goal","label":"Mål"}],"sections":["trend"],"trend_basis":"last_year_outcome"}"#,
    ]);
    let md = report(&env, "nm", "md");
    assert!(
        md.contains(
            "| 70 % (2021-08-31) | föregående års utfall: 80 % (2020-12-31) | ↓ försämrad |"
        ),
        "{md}"
    );
}

#[test]
fn a_target_against_the_indicators_direction_needs_confirming() {
    let env = TestEnv::new();
    env.init();
    let file = env.write("nm.jsonl", FOLDING.as_bytes());
    env.run(&["import", file.to_str().expect("utf-8 path")]);
    let payload = |contrary: &str| {
        format!(
            r#"{{"id":"nm.m1.i1.t2","indicator":"nm.m1.i1","levels":[{{"name":"Gul","comparison":"<=","threshold":"5"}}],"effective":"2022-01-01"{contrary}}}"#
        )
    };
    let out = env
        .malbok()
        .args(["append", "--kind", "target.set", "--payload", &payload("")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "payload.levels[0].comparison: `<=` runs against the indicator's direction (increase)"
        ),
        "{err}"
    );
    // One target in force at a time: the first is retired before the second takes effect.
    env.run(&[
        "target",
        "retire",
        "--target",
        "nm.m1.i1.t",
        "--effective",
        "2022-01-01",
        "--reason",
        "Ersätts.",
    ]);
    env.run(&[
        "append",
        "--kind",
        "target.set",
        "--payload",
        &payload(r#","contrary":true"#),
    ]);
}

#[test]
fn the_method_and_forecast_tables_show_texts_and_the_scales_labels_in_every_format() {
    let env = with("ekero");
    let annual = r#"{"kind":"follow_up.defined","payload":{"id":"ekero.ar-2021","organisation":"ekero","name":"Årsredovisning 2021","kind":"annual","cut_off":"2021-12-31"}}
{"kind":"assessment.recorded","payload":{"body":"ekero.sn","goal":"ekero.sn.2019.m07","follow_up":"ekero.ar-2021","scale":"ekero.tregradig","grade":"uppnatt"}}
"#;
    let file = env.write("annual.jsonl", annual.as_bytes());
    env.run(&["import", file.to_str().expect("utf-8 path")]);
    let goal = "Säkerställa valfrihet, hög kvalitet och ett värdigt bemötande.";
    let run = |format: &str| {
        env.run(&[
            "report",
            "--follow-up",
            "Årsredovisning 2021",
            "--body",
            "ekero.sn",
            "--format",
            format,
        ])
    };
    let md = run("md");
    assert!(
        md.contains(
            "- Poäng per indikator: ● Uppnått = 1, ◆ Delvis uppnått = 0,5, ○ Ej uppnått = 0.\n"
        ),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "| {goal} | ◆ Delvis uppnått | ● Uppnått | avviker |"
        )),
        "{md}"
    );
    assert!(!md.contains("| ekero.sn.2019."), "{md}");
    let html = run("html");
    assert!(
        html.contains(
            "<li>Poäng per indikator: ● Uppnått = 1, ◆ Delvis uppnått = 0,5, ○ Ej uppnått = 0.</li>"
        ),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            "<tr class=\"avvikelse\"><td>{goal}</td><td>◆ Delvis uppnått</td><td>● Uppnått</td>"
        )),
        "{html}"
    );
    assert!(!html.contains("<td>ekero.sn.2019."), "{html}");
    let json: Value = serde_json::from_str(&run("json")).expect("json");
    let row = &json["forecast"]["goals"][6];
    assert_eq!(row["goal"], "ekero.sn.2019.m07", "{row}");
    assert_eq!(row["text"], goal, "{row}");
    assert_eq!(json["computed"]["grades"][0]["label"], "Uppnått");
    // csv keeps the codes for machines and gives the scale's symbol and label beside them.
    let csv = run("csv");
    let header = csv.lines().next().expect("header");
    assert!(
        header.contains(",målets_grad_text,beräknad_grad_text,grad_text,beräknad_indikatorgrad"),
        "{header}"
    );
    assert!(
        csv.lines()
            .any(|l| l.starts_with("ekero.sn.2019.m07,") && l.contains(",● Uppnått,")),
        "{csv}"
    );
    // The indicator's computed attainment: 87 % against "minst 90 %".
    assert!(
        csv.lines()
            .any(|l| l.starts_with("ekero.sn.2019.m07,") && l.contains(",,○ Ej uppnått")),
        "{csv}"
    );
}

#[test]
fn a_method_of_judged_grades_counts_an_ungraded_not_measurable_indicator_as_the_scale_says() {
    let env = TestEnv::new();
    env.init();
    let judged = FOLDING.replace(r#""input":"computed""#, r#""input":"judged""#);
    let file = env.write("nm.jsonl", judged.as_bytes());
    env.run(&["import", file.to_str().expect("utf-8 path")]);
    let md = report(&env, "nm", "md");
    // No judged grade, and the reading could not be measured: "gul", as status says.
    assert!(md.contains("| 1. Ett mål | 1/2 | ◐ Gul | – |"), "{md}");
    let status = env.run(&["status", "--at", "2021-08-31", "--org", "nm"]);
    assert!(
        status.contains("    computed: not measurable, grade ◐ Gul\n"),
        "{status}"
    );
}
