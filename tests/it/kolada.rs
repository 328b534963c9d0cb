//! `import --from kolada` and `indicator add --from-kolada-kpi` through the real binary, with
//! the response files in `fixtures/kolada/`.

use crate::common;

use common::TestEnv;
use serde_json::Value;

fn fixture(name: &str) -> String {
    common::root()
        .join("fixtures/kolada")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Upplands-Bro with one goal and an indicator defined from the KPI's metadata.
fn municipality() -> TestEnv {
    let env = TestEnv::new();
    env.run(&[
        "init",
        "--template",
        "kommun",
        "--org",
        "0139",
        "--name",
        "Upplands-Bro kommun",
    ]);
    env.run(&[
        "plan",
        "adopt",
        "--body",
        "upplands-bro.sn",
        "--title",
        "Mål 2020–2023",
        "--from",
        "2020-01-01",
        "--to",
        "2023-12-31",
        "--decision",
        "SN 2019-12-11 § 90",
    ]);
    env.run(&[
        "goal",
        "add",
        "--id",
        "ub.m1",
        "--plan",
        "upplands-bro.sn.2020",
        "--text",
        "Färre barnfamiljer ska behöva ekonomiskt bistånd.",
        "--body",
        "upplands-bro.sn",
    ]);
    let out = env.run(&[
        "indicator",
        "add",
        "--goal",
        "ub.m1",
        "--from-kolada-kpi",
        &fixture("kpi_N31805.v2.json"),
        "--direction",
        "decrease",
    ]);
    assert!(out.ends_with("id: ub.m1.i1\n"), "{out}");
    env
}

fn stored(env: &TestEnv) -> Vec<Value> {
    env.run(&["log", "--format", "json"])
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["event"].clone())
        .collect()
}

#[test]
fn kpi_metadata_defines_an_indicator_with_the_direction_given() {
    let env = municipality();
    let last = stored(&env).pop().expect("event");
    assert_eq!(last["kind"], "indicator.defined");
    assert_eq!(
        last["payload"],
        serde_json::json!({
            "id": "ub.m1.i1", "goal": "ub.m1",
            "text": "Barnfamiljer som erhållit ekonomiskt bistånd, andel (%)",
            "area": "Ekonomiskt bistånd", "unit": "percent", "direction": "decrease",
            "source": {"kind": "kolada", "kolada_kpis": ["N31805"],
                "description": "Antal barnfamiljer som erhållit ekonomiskt bistånd någon gång under året dividerat med antal barnfamiljer i kommunen. Källa: SCB och Socialstyrelsen."},
        })
    );
}

#[test]
fn values_become_readings_revisions_corrections_and_reimport_appends_nothing() {
    let env = municipality();
    let head = env.head();
    let v2 = fixture("data_N31805_0139.v2.json");
    let out = env.run(&[
        "import",
        "--from",
        "kolada",
        "--fetched",
        "2022-05-01T08:00:00Z",
        "--url",
        "https://api.kolada.se/v2/data/kpi/N31805/municipality/0139,0000/year/2020,2021",
        &v2,
    ]);
    assert!(out.contains("appended 2 events"), "{out}");
    assert!(
        out.contains("0 values already recorded, 1 for no indicator of this ledger"),
        "{out}"
    );
    let events = stored(&env);
    let first = &events[events.len() - 2];
    assert_eq!(first["kind"], "reading.recorded");
    let payload = &first["payload"];
    assert_eq!(payload["value"], "2.4");
    assert_eq!(
        payload["period"],
        serde_json::json!({"from": "2020-01-01", "to": "2020-12-31"})
    );
    assert_eq!(payload["source"]["kolada_kpi"], "N31805");
    assert_eq!(payload["source"]["kolada_municipality"], "0139");
    assert_eq!(payload["source"]["fetched_at"], "2022-05-01T08:00:00Z");
    assert!(
        payload["source"]["url"]
            .as_str()
            .expect("url")
            .starts_with("https://api.kolada.se/v2/")
    );
    let bytes = std::fs::read(&v2).expect("fixture");
    let hash = blake3::hash(&bytes).to_hex().to_string();
    assert!(
        payload["source"]["description"]
            .as_str()
            .expect("d")
            .contains(&hash)
    );
    let seq_2021 = events[events.len() - 1]["seq"].as_u64().expect("seq");
    assert_ne!(env.head(), head);

    // Another gender than the file holds: said on stderr, nothing appended.
    let out = env
        .malbok()
        .args([
            "import",
            "--from",
            "kolada",
            "--gender",
            "K",
            "--fetched",
            "2022-05-01T08:00:00Z",
            &v2,
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("N31805 0139 2020: no value for gender K"),
        "{stderr}"
    );

    // The same file again: nothing new.
    let head = env.head();
    let out = env.run(&[
        "import",
        "--from",
        "kolada",
        "--fetched",
        "2022-05-02T08:00:00Z",
        &v2,
    ]);
    assert!(
        out.starts_with("nothing new to append\n2 values already recorded"),
        "{out}"
    );
    assert_eq!(env.head(), head);

    // v3, a year later: 2021 revised by Kolada, 2022 missing.
    let out = env.run(&[
        "import",
        "--from",
        "kolada",
        "--fetched",
        "2023-05-01T08:00:00Z",
        &fixture("data_N31805_0139.v3.json"),
    ]);
    assert!(out.contains("appended 2 events"), "{out}");
    let events = stored(&env);
    let correction = &events[events.len() - 2];
    assert_eq!(correction["kind"], "reading.corrected");
    assert_eq!(correction["payload"]["corrects"], seq_2021);
    assert_eq!(correction["payload"]["value"], "2.2");
    let missing = &events[events.len() - 1];
    assert_eq!(missing["kind"], "reading.not_measurable");
    assert_eq!(missing["payload"]["reason"], "Kolada: Missing");
    assert_eq!(missing["payload"]["period"]["from"], "2022-01-01");

    // Re-importing the v3 file: nothing new.
    let head = env.head();
    let out = env.run(&[
        "import",
        "--from",
        "kolada",
        "--fetched",
        "2023-05-02T08:00:00Z",
        &fixture("data_N31805_0139.v3.json"),
    ]);
    assert!(out.starts_with("nothing new to append"), "{out}");
    assert_eq!(env.head(), head);
}

#[test]
fn bad_kolada_input_is_refused_with_file_and_place() {
    let env = municipality();
    let head = env.head();
    env.write("broken.json", b"{\"values\":[{\"kpi\":\"N31805\",\n\"municipality\":\"0139\",\"period\":2021,\"values\":[{\"gender\":\"T\",\"value\":1,9}]}]}");
    env.write("conflict.json", br#"{"values":[{"kpi":"N31805","municipality":"0139","period":2020,"values":[{"gender":"T","value":9.9}]}]}"#);
    for (args, message) in [
        (
            vec!["--fetched", "2022-05-01T08:00:00Z", "broken.json"],
            "broken.json:2: column ",
        ),
        (
            vec![
                "--fetched",
                "2022-05-01T08:00:00Z",
                &fixture("ou_U23471.v2.json"),
            ],
            "values[0].ou: unit-level data",
        ),
        (
            vec![&fixture("data_N31805_0139.v2.json")],
            "--fetched: is required for Kolada",
        ),
        (
            vec![
                "--fetched",
                "2022-05-01T08:00:00Z",
                &fixture("data_N31805_0139.v2.json"),
                "conflict.json",
            ],
            "conflict.json: values[0].values.value: N31805 0139 2020 is 9.9 here but 2.4 in",
        ),
    ] {
        let out = env
            .malbok()
            .args(["import", "--from", "kolada"])
            .args(&args)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}:\n{stderr}");
    }
    assert_eq!(env.head(), head);
}
