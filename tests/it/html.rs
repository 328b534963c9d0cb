//! The HTML report: one self-contained file, checked in a real headless Chromium (Debian's
//! package, installed by `tests/browser/setup.sh`, which these tests run when it is missing and
//! `.ci/run` runs before `cargo test`).
//! The Ekerö Delår 2021 report, plus a goal whose text is hostile markup and an indicator with
//! two readings, one corrected, so that a chart with a correction marker appears.

use crate::common;

use common::TestEnv;
use malbok::cli::state::{KnownAt, replay};
use malbok::ledger::Ledger;
use malbok::report::{Source, build, find_follow_up, html};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The goal text a hostile or careless user could type.
const HOSTILE: &str = r#"<script>alert(1)</script> & "citat""#;

const REPORT: &[&str] = &[
    "report",
    "--follow-up",
    "Delår 2021",
    "--org",
    "ekero",
    "--body",
    "ekero.sn",
];

/// The Ekerö ledger, a goal with the hostile text, and an indicator of it with a target, two
/// readings and a correction of the second.
fn ledger() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", fixture.to_str().expect("utf-8 path")]);
    let indicator = "ekero.sn.2019.html.i1";
    let lines = [
        json!({"kind": "goal.defined", "payload": {"id": "ekero.sn.2019.html", "plan": "ekero.sn.2019",
            "number": "16", "text": HOSTILE, "bodies": ["ekero.sn"]}}),
        json!({"kind": "indicator.defined", "payload": {"id": indicator, "goal": "ekero.sn.2019.html",
            "text": "Andel nöjda brukare", "unit": "percent", "direction": "increase"}}),
        json!({"kind": "target.set", "payload": {"id": "ekero.sn.2019.html.i1.t", "indicator": indicator,
            "levels": [{"name": "Delvis", "comparison": ">=", "threshold": "70"},
                       {"name": "Uppnått", "comparison": ">=", "threshold": "80.5"}],
            "deadline": "2022-12-31", "effective": "2019-05-01", "reason": "Testmål."}}),
        json!({"kind": "reading.recorded", "payload": {"indicator": indicator,
            "period": {"from": "2019-01-01", "to": "2019-12-31"}, "value": "72.5",
            "source": {"kind": "survey", "description": "Enkät 2019"}}}),
        json!({"kind": "reading.recorded", "payload": {"indicator": indicator,
            "period": {"from": "2020-01-01", "to": "2020-12-31"}, "value": "78",
            "source": {"kind": "survey", "description": "Enkät 2020"}}}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let path = env.write("hostile.jsonl", text.as_bytes());
    env.run(&["import", path.to_str().expect("utf-8 path")]);
    let log = env.run(&[
        "log",
        "--subject",
        indicator,
        "--kind",
        "reading.recorded",
        "--format",
        "json",
    ]);
    let second: Value =
        serde_json::from_str(log.lines().nth(1).expect("two readings")).expect("json");
    let correction = json!({"corrects": second["event"]["seq"], "indicator": indicator,
        "value": "81", "reason": "Felräknad svarsandel."});
    env.run(&[
        "append",
        "--kind",
        "reading.corrected",
        "--payload",
        &correction.to_string(),
    ]);
    env
}

/// Writes the report with `--out` and returns its path.
fn write_html(env: &TestEnv) -> PathBuf {
    let path = env.path("rapport.html");
    let mut args = REPORT.to_vec();
    args.extend([
        "--format",
        "html",
        "--out",
        path.to_str().expect("utf-8 path"),
    ]);
    env.run(&args);
    path
}

/// Installs Chromium through the project's own set-up script when it is missing, once per test
/// process, so that `cargo test` alone works on a fresh machine.
fn ensure_chromium() {
    static SETUP: std::sync::Once = std::sync::Once::new();
    SETUP.call_once(|| {
        if !Path::new(CHROMIUM).exists() {
            let _ = Command::new("bash")
                .arg(common::root().join("tests/browser/setup.sh"))
                .status();
        }
    });
}

/// Runs headless Chromium on `file` with `extra` flags, in a fresh profile, and returns its
/// stdout. Fails (never skips) when Chromium is missing and cannot be installed.
fn chromium(env: &TestEnv, name: &str, extra: &[String], file: &Path) -> String {
    ensure_chromium();
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing and tests/browser/setup.sh could not install it: run it as root"
    );
    let profile = env.path(name);
    let stdout = env.path(&format!("{name}.out"));
    let stderr = env.path(&format!("{name}.err"));
    // The networking flags stop most of the browser's own background traffic, which on these
    // machines would only wait for a closed network.
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", file.display()))
        .env("HOME", env.dir.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr).expect("stderr file"))
        .spawn()
        .expect("start chromium");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("chromium did not finish within 30 s on {}", file.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let err = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}): {err}");
    std::fs::read_to_string(&stdout).expect("chromium's output is UTF-8")
}

/// The URLs of requests a page made, from a Chromium NetLog.
///
/// Why the NetLog: it records every request that reaches Chromium's network stack, with its
/// initiator, and is written as JSON when the browser exits, so nothing depends on the wording
/// or verbosity of log lines (`--enable-logging --v=1` changes between versions). `file://`
/// loads never reach the network stack, so any URL_REQUEST made on behalf of the document is
/// a fetch the report should not make. Even with the networking flags the browser itself
/// still starts a few requests of its own (update checks, an account probe); those carry the
/// initiator "not an origin" and are not the page's, so they are left out.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("the NetLog was written");
    let log: Value = serde_json::from_str(&text).expect("the NetLog is complete JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the NetLog names URL_REQUEST_START_JOB");
    let begin = log["constants"]["logEventPhase"]["PHASE_BEGIN"]
        .as_u64()
        .expect("the NetLog names PHASE_BEGIN");
    // A job's start carries its URL and initiator; its end only the result.
    log["events"]
        .as_array()
        .expect("NetLog events")
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job) && e["phase"].as_u64() == Some(begin))
        .filter(|e| e["params"]["initiator"].as_str() != Some("not an origin"))
        .map(|e| e["params"]["url"].as_str().unwrap_or("?").to_string())
        .collect()
}

#[test]
fn the_html_report_renders_in_headless_chromium_with_its_text_escaped() {
    let env = ledger();
    let file = write_html(&env);
    let dom = chromium(&env, "profile", &["--dump-dom".to_string()], &file);

    assert!(
        dom.contains("<title>Uppföljning av politiska mål – Delår 2021</title>"),
        "{dom}"
    );
    assert!(dom.contains("<h1>Uppföljning av politiska mål – Delår 2021</h1>"));
    assert!(dom.contains("Per 2021-08-31 är 12 mål uppnådda och 3 delvis uppnådda."));
    assert!(dom.contains(
        "Det sammanlagda indexet för måluppfyllelse per 2021-08-31 är 0,87, räknat på indikatorerna för samtliga mål."
    ));
    assert!(
        dom.contains("Beräknat, bedömt och publicerat stämmer överens i"),
        "{dom}"
    );
    assert!(dom.contains("◆"), "grade symbols are shown");
    assert!(dom.contains("Framtagen ur huvudbok"));
    // The hostile goal text is text in the rendered page, not markup: the browser's
    // serialization shows it escaped, and no script element exists anywhere.
    assert!(
        dom.contains(r#"16. &lt;script&gt;alert(1)&lt;/script&gt; &amp; "citat""#),
        "{dom}"
    );
    assert!(!dom.to_lowercase().contains("<script"), "{dom}");
    // A chart per indicator with readings: the fixture's 87 %, 92 % and 98 % and the new
    // indicator, whose corrected reading has its own marker naming the original value.
    assert_eq!(dom.matches("<svg").count(), 4, "{dom}");
    assert!(dom.contains(">Mål 80,5</text>"), "{dom}");
    assert!(
        dom.contains("<title>2020-12-31: rättat värde 81, ursprungligen 78</title>"),
        "{dom}"
    );
    assert!(dom.contains("(ursprungligen 78 %)."));
}

#[test]
fn the_html_report_makes_no_network_request() {
    let env = ledger();
    let file = write_html(&env);

    // The file itself names nothing to fetch: no URL, no stylesheet or image reference, and a
    // policy that would refuse any fetch and any script regardless.
    let source = std::fs::read_to_string(&file).expect("report");
    for needle in [
        "http:", "https:", "=\"//", "='//", "url(", "@import", "src=", "href=", "<script", "<link",
    ] {
        assert!(!source.contains(needle), "the report contains {needle:?}");
    }
    assert!(source.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));

    // In the browser: the NetLog of loading the report holds no request made by the page.
    let netlog = env.path("report.netlog.json");
    let flags = [
        "--dump-dom".to_string(),
        format!("--log-net-log={}", netlog.display()),
    ];
    chromium(&env, "profile-net", &flags, &file);
    assert_eq!(page_requests(&netlog), Vec::<String>::new());

    // The control: the same check does see a page that fetches an image (port 9 refuses at
    // once, so nothing waits).
    let control = env.write(
        "control.html",
        b"<!DOCTYPE html><p>kontroll</p><img src=\"http://127.0.0.1:9/bild.png\">",
    );
    let control_log = env.path("control.netlog.json");
    let flags = [
        "--dump-dom".to_string(),
        format!("--log-net-log={}", control_log.display()),
    ];
    chromium(&env, "profile-control", &flags, &control);
    assert_eq!(
        page_requests(&control_log),
        vec!["http://127.0.0.1:9/bild.png".to_string()]
    );
}

/// The report model of the hostile ledger, built in-process from its replayed state.
fn model(env: &TestEnv) -> malbok::report::Report {
    let ledger = Ledger::open(&env.ledger()).expect("open ledger");
    let state = replay(&ledger, KnownAt::Now).expect("replay");
    let id = find_follow_up(&state, "Delår 2021", Some("ekero")).expect("follow-up");
    let body = malbok::domain::Id::parse("ekero.sn").expect("id");
    let source = Source {
        ledger_id: "ledger".into(),
        head_seq: 1,
        head_hash: "0".repeat(64),
    };
    build(&state, &id, Some(&body), source).expect("report")
}

#[test]
fn render_is_deterministic_and_escapes_user_text() {
    let env = ledger();
    let report = model(&env);
    let once = html::render(&report);
    let twice = html::render(&report.clone());
    assert_eq!(once, twice, "the same report gives the same bytes");
    assert!(
        once.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n")
    );
    assert!(once.contains("@page { size: A4; margin: 18mm; }"));
    assert!(
        once.contains("16. &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;citat&quot;</td>"),
        "{once}"
    );
    assert!(!once.contains("<script"));

    // Through the binary the bytes are the same in any time zone and locale.
    let mut args = REPORT.to_vec();
    args.extend(["--format", "html"]);
    let outputs: Vec<Vec<u8>> = [("UTC", "C"), ("Asia/Kolkata", "sv_SE.UTF-8")]
        .into_iter()
        .map(|(tz, lang)| {
            let out = env
                .malbok()
                .env("TZ", tz)
                .env("LC_ALL", lang)
                .args(&args)
                .output()
                .expect("run");
            assert!(out.status.success());
            out.stdout
        })
        .collect();
    assert_eq!(outputs[0], outputs[1]);
}
