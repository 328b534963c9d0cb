//! Hostile text in, neutral text out: a goal, an indicator, a reading comment and an assessment
//! analysis carrying HTML/SVG injection and spreadsheet formulas come out as text in every report
//! format (html with its SVG charts, md, csv) and in the text of `status`, `history` and `log`;
//! terminal escape sequences never reach a terminal (refused in stored text, neutralised in the
//! messages that quote input).

use crate::common;

use common::TestEnv;
use serde_json::json;

const MARKUP: &str = r#"<script>alert(1)</script></svg>"><img src=x onerror=alert(2)>"#;
const FORMULA: &str = r#"=HYPERLINK("http://evil.example","klicka")"#;
const COMMAND: &str = "+cmd|' /C calc'!A0";
const SUM: &str = "@SUM(1+1)*cmd|' /C calc'!A0";
const MINUS: &str = "-2+3+cmd|' /C calc'!A0";

const GOAL: &str = "ekero.sn.2019.fientlig";
const INDICATOR: &str = "ekero.sn.2019.fientlig.i1";

/// The Ekerö ledger plus a goal and an indicator whose texts are hostile, a target, a reading
/// with a hostile comment and an assessment with a hostile analysis in Delår 2021.
fn hostile_ledger() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", fixture.to_str().expect("utf-8 path")]);
    let lines = [
        json!({"kind": "goal.defined", "payload": {"id": GOAL, "plan": "ekero.sn.2019",
            "number": "17", "text": format!("{FORMULA} {MARKUP}"), "bodies": ["ekero.sn"]}}),
        json!({"kind": "indicator.defined", "payload": {"id": INDICATOR, "goal": GOAL,
            "text": format!("{COMMAND} {MARKUP}"), "unit": "percent", "direction": "increase"}}),
        json!({"kind": "target.set", "payload": {"id": "ekero.sn.2019.fientlig.i1.t", "indicator": INDICATOR,
            "levels": [{"name": "Delvis", "comparison": ">=", "threshold": "70"},
                       {"name": "Uppnått", "comparison": ">=", "threshold": "80"}],
            "deadline": "2022-12-31", "effective": "2019-05-01", "reason": "Testmål."}}),
        json!({"kind": "reading.recorded", "payload": {"indicator": INDICATOR,
            "period": {"from": "2020-01-01", "to": "2020-12-31"}, "value": "72.5",
            "source": {"kind": "survey", "description": format!("{MARKUP} enkät")},
            "comment": format!("{SUM} {MARKUP}")}}),
        json!({"kind": "assessment.recorded", "payload": {"body": "ekero.sn", "indicator": INDICATOR,
            "follow_up": "ekero.delar-2021", "scale": "ekero.tregradig", "grade": "delvis",
            "analysis": format!("{MINUS} {MARKUP}")}}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let path = env.write("fientlig.jsonl", text.as_bytes());
    env.run(&["import", path.to_str().expect("utf-8 path")]);
    env
}

fn report(env: &TestEnv, format: &str) -> String {
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
}

/// No control character but newline (and, in CSV, carriage return) anywhere in `text`.
fn assert_no_control(what: &str, text: &str) {
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && *c != '\n' && *c != '\r')
    {
        panic!("{what} holds the control character {c:?}");
    }
}

#[test]
fn hostile_markup_is_text_in_html_and_its_svg() {
    let env = hostile_ledger();
    let html = report(&env, "html");
    assert!(
        html.contains("fientlig"),
        "the hostile goal is in the report"
    );
    for raw in ["<script", "<img"] {
        if let Some(at) = html.find(raw) {
            let from = html.floor_char_boundary(at.saturating_sub(80));
            let to = html.ceil_char_boundary(at + 80);
            panic!("html holds raw {raw:?}: {}", &html[from..to]);
        }
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;&quot;&gt;&lt;img"));
    // Every `</svg>` closes an `<svg` malbok opened: the hostile one is escaped.
    assert_eq!(
        html.matches("<svg").count(),
        html.matches("</svg>").count(),
        "an svg was closed by hostile text"
    );
    assert_no_control("html", &html);
}

#[test]
fn hostile_markup_is_text_in_markdown() {
    let env = hostile_ledger();
    let md = report(&env, "md");
    assert!(md.contains("fientlig") || md.contains("HYPERLINK"));
    for raw in ["<script", "<img", "</svg>"] {
        assert!(!md.contains(raw), "md holds raw {raw:?}");
    }
    assert_no_control("md", &md);
}

#[test]
fn formulas_are_text_in_csv() {
    let env = hostile_ledger();
    let csv = report(&env, "csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv.as_bytes());
    let mut seen = 0;
    for record in reader.records() {
        let record = record.expect("a csv record");
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "a csv cell starts a formula: {cell:?}"
            );
            if cell.contains("HYPERLINK") || cell.contains("cmd|") {
                seen += 1;
            }
        }
    }
    assert!(seen >= 3, "the hostile cells are in the csv ({seen} found)");
    assert_no_control("csv", &csv);

    // The readings export says the same of its own cells.
    let readings = env.run(&["readings", "--indicator", INDICATOR, "--format", "csv"]);
    for line in readings.lines() {
        for cell in line.split(';') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '@']),
                "a readings cell starts a formula: {cell:?} in {line}"
            );
        }
    }
}

#[test]
fn status_history_and_log_print_no_control_characters() {
    let env = hostile_ledger();
    for args in [
        vec!["status", "--at", "2021-08-31", "--goal", GOAL],
        vec!["history", INDICATOR],
        vec!["log", "--subject", INDICATOR],
        vec!["log"],
    ] {
        let out = env.run(&args);
        assert!(!out.is_empty(), "{args:?} printed nothing");
        assert_no_control(&format!("{args:?}"), &out);
    }
}

#[test]
fn terminal_escapes_are_refused_in_stored_text() {
    let env = TestEnv::new();
    env.init();
    for text in [
        "\u{1b}[2J",
        "\u{1b}]8;;http://evil.example\u{1b}\\klick\u{1b}]8;;\u{1b}\\",
        "a\u{9b}31m",
    ] {
        let line = json!({"kind": "organisation.registered",
            "payload": {"id": "fientlig", "name": format!("Kommun {text}")}});
        let path = env.write("esc.jsonl", format!("{line}\n").as_bytes());
        let out = env
            .malbok()
            .args(["import", path.to_str().expect("utf-8 path")])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{text:?} was not refused");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("payload.name"), "{stderr}");
        assert!(stderr.contains("control character"), "{stderr}");
        assert_no_control("stderr", &stderr);
    }
    // The actor is refused the same way.
    let out = env
        .malbok()
        .env("MALBOK_ACTOR", "anna\u{1b}[2J")
        .args(common::org_append("fientlig"))
        .output()
        .expect("run");
    assert_ne!(out.status.code(), Some(0));
    assert_no_control("stderr", &String::from_utf8_lossy(&out.stderr));
}

#[test]
fn messages_that_quote_input_carry_no_terminal_escapes() {
    let env = TestEnv::new();
    env.init();
    // A field name, a kind and an id are quoted back in refusals; JSON lets them hold escapes.
    let lines = [
        "{\"kind\":\"organisation.registered\",\"payload\":{\"id\":\"a\",\"name\":\"A\"},\"\\u001b[2J\":1}",
        "{\"kind\":\"\\u001b]8;;http://evil.example\\u001b\\\\\",\"payload\":{}}",
        "{\"kind\":\"organisation.registered\",\"payload\":{\"id\":\"\\u001b[31m\",\"name\":\"A\"}}",
        "{\"kind\":\"organisation.registered\",\"payload\":{\"id\":\"a\",\"name\":\"A\",\"\\u001b[2J\":1}}",
    ];
    for line in lines {
        let path = env.write("esc.jsonl", format!("{line}\n").as_bytes());
        let out = env
            .malbok()
            .args(["import", path.to_str().expect("utf-8 path")])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{line} was not refused");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_no_control(&format!("the refusal of {line}"), &stderr);
    }
    // A command-line argument is quoted back too.
    let out = env
        .malbok()
        .args(["status", "--at", "2021-13-01\u{1b}[2J"])
        .output()
        .expect("run");
    assert_ne!(out.status.code(), Some(0));
    assert_no_control("the refusal of --at", &String::from_utf8_lossy(&out.stderr));
}
