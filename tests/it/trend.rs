//! Issue 9: `status` reads trend and attainment the way reports do (one implementation): the
//! comparable reading a year earlier through the indicator's direction, never simply the
//! reading before, and a "kan inte mätas" reading counted as the grade the scale names.

use crate::common;

use common::TestEnv;
use serde_json::Value;

/// A small organisation whose scale folds "kan inte mätas" into its middle grade; its indicator
/// is better when lower. This year's interim reading could not be measured.
const LOWER_IS_BETTER: &str = r#"{"kind":"organisation.registered","payload":{"id":"nm","name":"Testkommun"}}
{"kind":"body.registered","payload":{"id":"nm.kf","organisation":"nm","name":"Kommunfullmäktige","abbreviation":"KF"}}
{"kind":"scale.defined","payload":{"id":"nm.skala","organisation":"nm","name":"Tregradig","grades":[{"code":"gron","label":"Grön","symbol":"●"},{"code":"gul","label":"Gul","symbol":"◐"},{"code":"rod","label":"Röd","symbol":"○"}],"not_assessable_folded_into":"gul"}}
{"kind":"plan.adopted","payload":{"id":"nm.plan","organisation":"nm","body":"nm.kf","title":"Plan","period":{"from":"2020-01-01","to":"2022-12-31"},"reason":"Test."}}
{"kind":"goal.defined","payload":{"id":"nm.m1","plan":"nm.plan","number":"1","text":"Ett mål","bodies":["nm.kf"]}}
{"kind":"indicator.defined","payload":{"id":"nm.m1.i1","goal":"nm.m1","text":"Väntetid i dagar","unit":"count","direction":"decrease"}}
{"kind":"target.set","payload":{"id":"nm.m1.i1.t","indicator":"nm.m1.i1","levels":[{"name":"Gul","comparison":"<=","threshold":"30"},{"name":"Grön","comparison":"<=","threshold":"20"}],"effective":"2020-01-01"}}
{"kind":"follow_up.defined","payload":{"id":"nm.delar","organisation":"nm","name":"Delår 2021","kind":"interim","cut_off":"2021-08-31"}}
{"kind":"reading.recorded","payload":{"indicator":"nm.m1.i1","period":{"from":"2020-01-01","to":"2020-08-31"},"value":"40","source":{"kind":"internal","description":"Test"}}}
{"kind":"reading.recorded","payload":{"indicator":"nm.m1.i1","period":{"from":"2020-01-01","to":"2020-12-31"},"value":"25","source":{"kind":"internal","description":"Test"}}}
{"kind":"reading.not_measurable","payload":{"indicator":"nm.m1.i1","period":{"from":"2021-01-01","to":"2021-08-31"},"reason":"Systembyte."}}
"#;

/// Seq of the `reading.not_measurable` event above (after `init`'s genesis event).
const NOT_MEASURABLE_SEQ: &str = "12";

fn env() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let file = env.write("nm.jsonl", LOWER_IS_BETTER.as_bytes());
    env.run(&["import", file.to_str().expect("utf-8 path")]);
    env
}

fn status_json(env: &TestEnv) -> Value {
    let text = env.run(&[
        "status",
        "--at",
        "2021-08-31",
        "--org",
        "nm",
        "--format",
        "json",
    ]);
    serde_json::from_str(&text).expect("json")
}

fn report_json(env: &TestEnv) -> Value {
    let text = env.run(&[
        "report",
        "--follow-up",
        "Delår 2021",
        "--org",
        "nm",
        "--format",
        "json",
    ]);
    serde_json::from_str(&text).expect("json")
}

fn correct(env: &TestEnv, value: &str) {
    env.run(&[
        "append",
        "--kind",
        "reading.corrected",
        "--payload",
        &format!(
            r#"{{"corrects":{NOT_MEASURABLE_SEQ},"indicator":"nm.m1.i1","value":"{value}","source":{{"kind":"internal","description":"Test"}},"reason":"Mätt i efterhand."}}"#
        ),
    ]);
}

#[test]
fn status_counts_a_not_measurable_reading_as_the_scales_grade_like_the_report() {
    let env = env();
    let text = env.run(&["status", "--at", "2021-08-31", "--org", "nm"]);
    assert!(
        text.contains("    computed: not measurable, grade ◐ Gul\n"),
        "{text}"
    );
    assert!(
        text.contains("    trend cannot be computed: the latest reading has no value\n"),
        "{text}"
    );
    let status = status_json(&env);
    let ind = &status["goals"][0]["indicators"][0];
    assert_eq!(ind["computed"]["scale"], "nm.skala", "{ind}");
    assert_eq!(ind["computed"]["grade"]["code"], "gul", "{ind}");
    // A distinct JSON value, not an absent field, when nothing can be compared.
    assert_eq!(ind["trend"]["direction"], "not_computable", "{ind}");
    let report = report_json(&env);
    let row = &report["goals"][0]["indicators"][0];
    assert_eq!(row["computed_grade"]["code"], "gul", "{row}");
    assert_eq!(
        row["trend"], ind["trend"],
        "status and report read trend alike"
    );
}

#[test]
fn status_compares_with_the_same_period_a_year_earlier_not_the_reading_before() {
    let env = env();
    // 35 days against 40 a year earlier: lower is better, so improved; the reading before it
    // (last year's outcome, 25) would have said worse.
    correct(&env, "35");
    let text = env.run(&["status", "--at", "2021-08-31", "--org", "nm"]);
    assert!(
        text.contains("    trend improved: 35 (to 2021-08-31) against the same period a year earlier 40 (to 2020-08-31)\n"),
        "{text}"
    );
    assert!(
        text.contains("    computed: no level reached, grade ○ Röd\n"),
        "{text}"
    );
    assert!(!text.contains("previous"), "{text}");
    let status = status_json(&env);
    let ind = &status["goals"][0]["indicators"][0];
    assert_eq!(ind["trend"]["direction"], "improved", "{ind}");
    assert_eq!(ind["trend"]["basis"], "same_period_last_year", "{ind}");
    assert!(ind.get("previous_reading").is_none(), "{ind}");
    let report = report_json(&env);
    assert_eq!(
        report["goals"][0]["indicators"][0]["trend"], ind["trend"],
        "status and report read trend alike"
    );
}

#[test]
fn status_follows_the_templates_trend_rule_as_the_report_does() {
    let env = env();
    correct(&env, "35");
    // The document compares with last year's outcome (25): 35 days is worse.
    env.run(&[
        "append",
        "--kind",
        "template.defined",
        "--payload",
        r#"{"id":"nm.mall","organisation":"nm","name":"Mall","effective":"2021-01-01","columns":[{"kind":"goal","label":"Mål"}],"sections":["trend"],"trend_basis":"last_year_outcome"}"#,
    ]);
    let text = env.run(&["status", "--at", "2021-08-31", "--org", "nm"]);
    assert!(
        text.contains(
            "    trend worse: 35 (to 2021-08-31) against last year's outcome 25 (to 2020-12-31)\n"
        ),
        "{text}"
    );
    let status = status_json(&env);
    let ind = &status["goals"][0]["indicators"][0];
    assert_eq!(ind["trend"]["direction"], "worse", "{ind}");
    let report = report_json(&env);
    assert_eq!(report["goals"][0]["indicators"][0]["trend"], ind["trend"]);
}
