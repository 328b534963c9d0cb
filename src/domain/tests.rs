//! Tests over whole event sequences: fixtures, validation errors, corrections, bitemporal
//! status, history, and deterministic replay.

use serde_json::{Value, json};

use super::*;
use crate::query::{StatusFilter, history, render_history_text, render_status_text, status};

pub(crate) const EKERO: &str = include_str!("../../fixtures/ekero/events.jsonl");
pub(crate) const GOTENE: &str = include_str!("../../fixtures/gotene/events.jsonl");
pub(crate) const ENKOPING: &str = include_str!("../../fixtures/enkoping/events.jsonl");

fn meta(seq: u64) -> Meta {
    Meta {
        seq,
        time: format!("2021-09-01T10:{:02}:{:02}.000000Z", seq / 60 % 60, seq % 60),
        actor: "test".into(),
    }
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

/// Parses, checks and applies `(kind, payload)` pairs with seq 1, 2, ...; the error names the
/// seq and the field.
fn replay_pairs(events: &[(String, Value)]) -> Result<State, String> {
    let mut state = State::default();
    for (i, (kind, payload)) in events.iter().enumerate() {
        let m = meta(i as u64 + 1);
        let ev = DomainEvent::parse(kind, payload).map_err(|e| format!("seq {}: {e}", m.seq))?;
        state
            .check(Some(&m), &ev)
            .map_err(|e| format!("seq {}: {e}", m.seq))?;
        state.apply(&m, &ev);
    }
    Ok(state)
}

fn lines(jsonl: &str) -> Vec<(String, Value)> {
    jsonl
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            let obj = v.as_object().unwrap();
            assert_eq!(obj.len(), 2, "only kind and payload on a line: {line}");
            (
                obj["kind"].as_str().unwrap().to_string(),
                obj["payload"].clone(),
            )
        })
        .collect()
}

fn replay(jsonl: &str) -> State {
    replay_pairs(&lines(jsonl)).unwrap()
}

fn ev(kind: &str, payload: Value) -> (String, Value) {
    (kind.to_string(), payload)
}

/// A small organisation with one goal and one percent indicator.
fn base() -> Vec<(String, Value)> {
    vec![
        ev(
            "organisation.registered",
            json!({"id": "k", "name": "Kommun", "kolada_id": "0125"}),
        ),
        ev(
            "body.registered",
            json!({"id": "k.kf", "organisation": "k", "name": "Kommunfullmäktige", "abbreviation": "KF"}),
        ),
        ev(
            "plan.adopted",
            json!({"id": "k.plan", "organisation": "k", "body": "k.kf", "title": "Plan",
            "period": {"from": "2019-01-01", "to": "2022-12-31"}, "decision": "KF 2019-03-25 § 40"}),
        ),
        ev(
            "goal.defined",
            json!({"id": "k.g1", "plan": "k.plan", "text": "Mål ett", "bodies": ["k.kf"]}),
        ),
        ev(
            "indicator.defined",
            json!({"id": "k.g1.i1", "goal": "k.g1", "text": "Andel nöjda", "unit": "percent", "direction": "increase"}),
        ),
        ev(
            "scale.defined",
            json!({"id": "k.skala", "name": "Tregradig", "grades": [
            {"code": "uppnatt", "label": "Uppnått", "symbol": "●"},
            {"code": "delvis", "label": "Delvis uppnått", "symbol": "◆"},
            {"code": "ej", "label": "Ej uppnått", "symbol": "○"}]}),
        ),
        ev(
            "follow_up.defined",
            json!({"id": "k.delar-2021", "organisation": "k", "name": "Delår 2021", "kind": "interim", "cut_off": "2021-08-31"}),
        ),
    ]
}

fn reading(value: &str, from: &str, to: &str) -> (String, Value) {
    ev(
        "reading.recorded",
        json!({"indicator": "k.g1.i1", "period": {"from": from, "to": to}, "value": value,
        "source": {"kind": "kolada", "kolada_kpi": "U23461", "kolada_municipality": "0125",
                   "url": "https://api.kolada.se/v2/data/kpi/U23461/municipality/0125/year/2020",
                   "fetched_at": "2021-09-01T08:00:00Z"}}),
    )
}

/// Runs `base()` + `before`, then expects `bad` to be refused at `field` with `reason` in the text.
fn refused(before: Vec<(String, Value)>, bad: (String, Value), field: &str, reason: &str) {
    let mut events = base();
    events.extend(before);
    let state = replay_pairs(&events).unwrap();
    let m = meta(events.len() as u64 + 1);
    let err = DomainEvent::parse(&bad.0, &bad.1)
        .and_then(|e| state.check(Some(&m), &e))
        .expect_err("must be refused");
    assert_eq!(err.field, field, "{err}");
    assert!(err.reason.contains(reason), "{err}");
}

#[test]
fn every_fixture_replays_line_by_line() {
    for (name, f) in [("ekero", EKERO), ("gotene", GOTENE), ("enkoping", ENKOPING)] {
        let state = replay_pairs(&lines(f)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(state.journal.len(), f.lines().count(), "{name}");
    }
}

#[test]
fn payloads_round_trip_canonically() {
    for f in [EKERO, GOTENE, ENKOPING] {
        for (kind, payload) in lines(f) {
            let e = DomainEvent::parse(&kind, &payload).unwrap();
            assert_eq!(e.kind(), kind);
            assert_eq!(e.to_payload(), payload, "{kind}");
            assert_eq!(DomainEvent::parse(&kind, &e.to_payload()).unwrap(), e);
        }
    }
}

#[test]
fn ekero_status_at_delar_2021_matches_the_report() {
    let state = replay(EKERO);
    let filter = StatusFilter {
        org: Some("ekero".into()),
        ..Default::default()
    };
    let view = status(&state, date("2021-08-31").0, &filter);
    assert_eq!(view.goals.len(), 15);
    assert_eq!(
        view.goals.iter().map(|g| g.indicators.len()).sum::<usize>(),
        26
    );
    let counts: Vec<(String, u64)> = view
        .goal_grades
        .iter()
        .map(|c| (c.grade.symbol.clone().unwrap(), c.count))
        .collect();
    assert_eq!(counts, vec![("●".to_string(), 12), ("◆".to_string(), 3)]);
    // The platform's twelve goals: 9 uppnådda and 3 delvis.
    let platform: Vec<&str> = view
        .goals
        .iter()
        .filter(|g| {
            g.source_plan
                .as_ref()
                .is_some_and(|p| p.as_str() == "ekero.plattform")
        })
        .flat_map(|g| &g.assessments)
        .filter_map(|a| a.grade.as_ref().map(|g| g.code.as_str()))
        .collect();
    assert_eq!(platform.len(), 12);
    assert_eq!(platform.iter().filter(|c| **c == "uppnatt").count(), 9);
    // Indicator grades: 18 ● and 8 ◆ of 26.
    let ind: Vec<&str> = view
        .goals
        .iter()
        .flat_map(|g| &g.indicators)
        .flat_map(|i| &i.assessments)
        .filter_map(|a| a.grade.as_ref().map(|g| g.code.as_str()))
        .collect();
    assert_eq!(
        (ind.len(), ind.iter().filter(|c| **c == "uppnatt").count()),
        (26, 18)
    );
    // The hemtjänst choice indicator: 87 % against "minst 90 %", assessed ◆.
    let i = view.goals[6].indicators.first().unwrap();
    assert_eq!(
        i.reading
            .as_ref()
            .and_then(|r| r.value)
            .map(|v| v.to_string())
            .as_deref(),
        Some("87")
    );
    let computed = i.computed.as_ref().unwrap();
    assert_eq!(computed.reached, None);
    assert!(!computed.levels[0].met);
    assert_eq!(
        i.assessments[0].grade.as_ref().unwrap().code.as_str(),
        "delvis"
    );
    assert_eq!(
        i.target.as_ref().unwrap().deadline,
        Some(date("2022-12-31"))
    );
    let text = render_status_text(&view);
    assert!(
        text.contains("Goal assessments: ● Uppnått: 12, ◆ Delvis uppnått: 3"),
        "{text}"
    );
    // Before the cut-off no assessment is in view.
    let before = status(&state, date("2021-08-30").0, &filter);
    assert!(before.goal_grades.is_empty());
}

#[test]
fn gotene_revisions_show_in_history_and_status() {
    let state = replay(GOTENE);
    let h = history(&state, "gotene.spp.m5.sjukfranvaro").unwrap();
    let kinds: Vec<&str> = h.entries.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        ["indicator.defined", "indicator.revised", "target.set"]
    );
    assert_eq!(h.entries[1].decision.as_deref(), Some("KF 2023-03-27 § 40"));
    assert!(
        h.entries[1]
            .changes
            .iter()
            .any(|c| c.field == "baseline.value" && c.new.as_deref() == Some("8.9"))
    );
    // The environmental plan indicator is retired from 2023-03-27.
    let retired = "gotene.spp.m6.handlingsplan";
    let ids = |at: &str| -> Vec<String> {
        status(&state, date(at).0, &StatusFilter::default())
            .goals
            .iter()
            .flat_map(|g| g.indicators.iter().map(|i| i.id.to_string()))
            .collect()
    };
    assert!(ids("2022-12-31").contains(&retired.to_string()));
    assert!(!ids("2023-03-27").contains(&retired.to_string()));
    assert_eq!(ids("2022-12-31").len(), 31);
    assert_eq!(ids("2023-12-31").len(), 35);
    // Goal 5.2's wording before and after the 2023 revision.
    let text_at = |at: &str| {
        status(
            &state,
            date(at).0,
            &StatusFilter {
                goal: Some("gotene.spp.m2".into()),
                ..Default::default()
            },
        )
        .goals[0]
            .text
            .clone()
    };
    assert!(text_at("2022-06-30").contains("e-tjänster"));
    assert!(text_at("2023-06-30").contains("digitalisering"));
    let plan = history(&state, "gotene.spp").unwrap();
    let decisions: Vec<&str> = plan
        .entries
        .iter()
        .filter_map(|e| e.decision.as_deref())
        .collect();
    assert!(decisions.starts_with(&["KF 2019-03-25 § 40", "KF 2020-10-19 § 147"]));
    assert!(decisions.contains(&"KF 2023-03-27 § 40"));
}

#[test]
fn enkoping_four_levels_several_bodies_and_not_measurable() {
    let state = replay(ENKOPING);
    let view = status(
        &state,
        date("2021-08-31").0,
        &StatusFilter {
            goal: Some("enkoping.lp.m10".into()),
            ..Default::default()
        },
    );
    // Goal 10, first. Seed 003 was a refinement of it before the fixtures made it an
    // activity tied to goal 10 (issue 11), so either fixture set passes here.
    assert!((1..=2).contains(&view.goals.len()), "{}", view.goals.len());
    let g10 = &view.goals[0];
    assert_eq!(g10.id.as_str(), "enkoping.lp.m10");
    let bodies: Vec<&str> = g10.assessments.iter().map(|a| a.body.as_str()).collect();
    assert_eq!(bodies, ["enkoping.kf", "enkoping.sn", "enkoping.von"]);
    assert_eq!(
        g10.assessments[0].grade.as_ref().unwrap().label,
        "Delvis på rätt väg"
    );
    let i = &g10.indicators[0];
    assert_eq!(
        i.reading
            .as_ref()
            .unwrap()
            .value
            .map(|v| v.to_string())
            .as_deref(),
        Some("57")
    );
    assert_eq!(
        i.previous_reading
            .as_ref()
            .unwrap()
            .value
            .map(|v| v.to_string())
            .as_deref(),
        Some("37")
    );
    assert_eq!(i.computed.as_ref().unwrap().trend, Some(Trend::Improved));
    assert_eq!(i.assessments[0].trend, Some(Trend::Improved));
    let von = &g10.indicators[1];
    assert!(
        von.reading
            .as_ref()
            .unwrap()
            .not_measurable
            .as_deref()
            .unwrap()
            .contains("LSS-boende")
    );
    let text = render_status_text(&view);
    assert!(
        text.contains("not measurable: För vård-och omsorgsnämnden"),
        "{text}"
    );
}

#[test]
fn validation_errors_name_the_field() {
    let target = |id: &str, ind: &str| {
        ev(
            "target.set",
            json!({"id": id, "indicator": ind, "levels": [{"name": "Mål", "comparison": ">=", "threshold": "70"}], "effective": "2020-01-01"}),
        )
    };
    refused(
        vec![],
        target("k.t", "k.nope"),
        "payload.indicator",
        "unknown indicator `k.nope`",
    );
    refused(
        vec![],
        target("k.t", "k.g1"),
        "payload.indicator",
        "is a goal (seq 4), not an indicator",
    );
    refused(
        vec![],
        target("k.g1", "k.g1.i1"),
        "payload.id",
        "already used by a goal (seq 4)",
    );
    refused(
        vec![],
        ev(
            "target.set",
            json!({"id": "k.t", "indicator": "k.g1.i1", "effective": "2020-01-01",
            "levels": [{"name": "På rätt väg", "comparison": ">=", "threshold": "60"}, {"name": "Uppnått", "threshold": "70"}]}),
        ),
        "payload.levels[1].comparison",
        "is required when a threshold is given",
    );
    refused(
        vec![],
        ev(
            "target.set",
            json!({"id": "k.t", "indicator": "k.g1.i1", "effective": "2020-01-01",
            "levels": [{"name": "Mål", "comparison": ">=", "threshold": 70.5}]}),
        ),
        "payload.levels[0].threshold",
        "numbers are refused",
    );
    refused(
        vec![],
        ev(
            "target.set",
            json!({"id": "k.t", "indicator": "k.g1.i1", "effective": "2020-01-01",
            "levels": [{"name": "Mål", "comparison": ">=", "threshhold": "70"}]}),
        ),
        "payload.levels[0].threshhold",
        "is not a field",
    );
    refused(
        vec![],
        reading("85", "2021-02-01", "2021-02-30"),
        "payload.period.to",
        "not a date in the calendar",
    );
    refused(
        vec![],
        reading("85", "2021-06-01", "2021-01-31"),
        "payload.period.to",
        "before the start",
    );
    refused(
        vec![reading("85", "2020-01-01", "2020-12-31")],
        reading("86", "2020-01-01", "2020-12-31"),
        "payload.period",
        "already has a reading",
    );
    let retire = ev(
        "indicator.retired",
        json!({"indicator": "k.g1.i1", "effective": "2021-01-01", "reason": "Mäts inte längre."}),
    );
    refused(
        vec![retire.clone()],
        reading("85", "2021-01-01", "2021-12-31"),
        "payload.indicator",
        "was retired from 2021-01-01",
    );
    // A reading for a period that ended before the retirement is still history worth recording.
    let mut ok = base();
    ok.extend([retire, reading("85", "2020-01-01", "2020-12-31")]);
    assert!(replay_pairs(&ok).is_ok());
    let assess = |grade: &str| {
        ev(
            "assessment.recorded",
            json!({"body": "k.kf", "goal": "k.g1", "follow_up": "k.delar-2021", "scale": "k.skala", "grade": grade}),
        )
    };
    refused(
        vec![],
        assess("gron"),
        "payload.grade",
        "not a grade on scale `k.skala`; use one of: uppnatt, delvis, ej",
    );
    refused(
        vec![assess("delvis")],
        assess("uppnatt"),
        "payload.reason",
        "already assessed this",
    );
    refused(
        vec![],
        ev(
            "goal.revised",
            json!({"goal": "k.g1", "effective": "2021-01-01", "text": "Nytt"}),
        ),
        "payload.decision",
        "is required, or a \"reason\"",
    );
    refused(
        vec![],
        ev(
            "goal.revised",
            json!({"goal": "k.g1", "effective": "2021-01-01", "text": "Nytt", "decision": "KF 2020-10-19 §147"}),
        ),
        "payload.decision",
        "has no \" § \" paragraph",
    );
    refused(
        vec![],
        ev(
            "goal.defined",
            json!({"id": "k.g2", "plan": "k.plan", "text": "Mål", "bodies": ["k.kf"], "parent": null}),
        ),
        "payload.parent",
        "must not be null",
    );
    refused(
        vec![],
        ev(
            "goal.defined",
            json!({"id": "K.G2", "plan": "k.plan", "text": "Mål", "bodies": ["k.kf"]}),
        ),
        "payload.id",
        "not a valid id",
    );
    refused(
        vec![],
        ev(
            "goal.defined",
            json!({"id": "k.g2", "plan": "k.plan", "text": "Mål", "bodies": []}),
        ),
        "payload.bodies",
        "at least one",
    );
    refused(
        vec![],
        ev("goal.done", json!({})),
        "kind",
        "not a known kind",
    );
    refused(
        vec![],
        ev("goal.defined", json!([])),
        "payload",
        "must be a JSON object",
    );
    refused(
        vec![],
        ev(
            "reading.recorded",
            json!({"indicator": "k.g1.i1", "period": {"from": "2020-01-01", "to": "2020-12-31"}, "value": "85",
            "source": {"kind": "kolada", "kolada_kpi": "U23461", "url": "https://api.kolada.se/"}}),
        ),
        "payload.source.fetched_at",
        "record when it was fetched",
    );
}

#[test]
fn corrections_must_name_an_earlier_reading() {
    let correct = |seq: u64| {
        ev(
            "reading.corrected",
            json!({"corrects": seq, "indicator": "k.g1.i1", "value": "87", "reason": "Fel avläst."}),
        )
    };
    refused(
        vec![],
        correct(4),
        "payload.corrects",
        "seq 4 is a goal.defined event, not a reading",
    );
    refused(
        vec![],
        correct(100),
        "payload.corrects",
        "is not before this event",
    );
    refused(
        vec![reading("85", "2020-01-01", "2020-12-31"), correct(8)],
        correct(9),
        "payload.corrects",
        "use \"corrects\": 8",
    );
    refused(
        vec![reading("85", "2020-01-01", "2020-12-31")],
        ev(
            "reading.corrected",
            json!({"corrects": 8, "indicator": "k.g1.i1", "value": "87"}),
        ),
        "payload.decision",
        "is required",
    );
    refused(
        vec![reading("85", "2020-01-01", "2020-12-31")],
        ev(
            "reading.corrected",
            json!({"corrects": 8, "indicator": "k.g1.i1", "value": "85", "reason": "x"}),
        ),
        "payload.value",
        "already recorded",
    );
}

#[test]
fn a_corrected_reading_is_bitemporal() {
    let mut events = base();
    events.push(ev(
        "target.set",
        json!({"id": "k.t", "indicator": "k.g1.i1", "effective": "2020-01-01",
        "levels": [{"name": "Uppnått", "comparison": ">=", "threshold": "86"}]}),
    ));
    events.push(reading("85", "2020-01-01", "2020-12-31")); // seq 9
    events.push(ev(
        "reading.corrected",
        json!({"corrects": 9, "indicator": "k.g1.i1", "value": "87",
        "decision": "KF 2021-10-04 § 12", "reason": "Kolada reviderade värdet."}),
    )); // seq 10
    let at = date("2021-08-31").0;
    // As known before the correction (replay up to seq 9): the original.
    let before = replay_pairs(&events[..9]).unwrap();
    let v = status(&before, at, &StatusFilter::default());
    let r = v.goals[0].indicators[0].reading.clone().unwrap();
    assert_eq!(
        (r.value.unwrap().to_string(), r.corrected.is_none()),
        ("85".to_string(), true)
    );
    assert_eq!(
        v.goals[0].indicators[0].computed.as_ref().unwrap().reached,
        None
    );
    // As known after: the correction's value, marked with the correction's seq.
    let after = replay_pairs(&events).unwrap();
    let v = status(&after, at, &StatusFilter::default());
    let i = &v.goals[0].indicators[0];
    let r = i.reading.clone().unwrap();
    assert_eq!(r.value.unwrap().to_string(), "87");
    let mark = r.corrected.unwrap();
    assert_eq!(
        (mark.by.seq, mark.original_value.unwrap().to_string()),
        (10, "85".to_string())
    );
    assert_eq!(
        i.computed.as_ref().unwrap().reached.as_deref(),
        Some("Uppnått")
    );
    assert!(render_status_text(&v).contains("87  [seq 9; corrected by seq 10, originally 85]"));
    let h = history(&after, "k.g1.i1").unwrap();
    let last = h.entries.last().unwrap();
    assert_eq!(last.kind, "reading.corrected");
    assert_eq!(last.decision.as_deref(), Some("KF 2021-10-04 § 12"));
    assert_eq!(
        (
            last.changes[0].old.as_deref(),
            last.changes[0].new.as_deref()
        ),
        (Some("85"), Some("87"))
    );
    // Valid time: a reading whose period ends after the date asked about is not shown.
    let early = status(&after, date("2020-12-30").0, &StatusFilter::default());
    assert!(early.goals[0].indicators[0].reading.is_none());
}

#[test]
fn a_revised_target_is_in_force_from_its_effective_date() {
    let mut events = base();
    events.push(ev("target.set", json!({"id": "k.t", "indicator": "k.g1.i1", "effective": "2019-05-01", "deadline": "2022-12-31",
        "levels": [{"name": "Uppnått 2022", "comparison": ">=", "threshold": "60"}], "decision": "KF 2019-03-25 § 40"})));
    events.push(ev("target.revised", json!({"target": "k.t", "effective": "2021-01-01",
        "levels": [{"name": "Uppnått 2022", "comparison": ">=", "threshold": "70"}], "decision": "KF 2020-10-19 § 147"})));
    let state = replay_pairs(&events).unwrap();
    let threshold = |at: &str| {
        status(&state, date(at).0, &StatusFilter::default()).goals[0].indicators[0]
            .target
            .as_ref()
            .map(|t| t.levels[0].threshold.unwrap().to_string())
    };
    assert_eq!(threshold("2019-04-30"), None);
    assert_eq!(threshold("2020-12-31").as_deref(), Some("60"));
    assert_eq!(threshold("2021-01-01").as_deref(), Some("70"));
    let h = history(&state, "k.t").unwrap();
    assert_eq!(h.subject, "target");
    assert_eq!(h.entries.len(), 2);
    let rev = &h.entries[1];
    assert_eq!((rev.seq, rev.kind), (9, "target.revised"));
    assert_eq!(rev.decision.as_deref(), Some("KF 2020-10-19 § 147"));
    assert_eq!(rev.valid, Some(Valid::Date(date("2021-01-01"))));
    assert_eq!(rev.changes.len(), 1);
    assert_eq!(rev.changes[0].field, "levels[0].threshold");
    assert_eq!(
        (rev.changes[0].old.as_deref(), rev.changes[0].new.as_deref()),
        (Some("60"), Some("70"))
    );
    let text = render_history_text(&h);
    assert!(text.contains("decision: KF 2020-10-19 § 147"), "{text}");
    assert!(
        text.contains("levels[0].threshold: \"60\" -> \"70\""),
        "{text}"
    );
    assert!(history(&state, "k.nothing").is_none());
}

#[test]
fn subjects_list_the_touched_ids() {
    let e = DomainEvent::parse(
        "assessment.recorded",
        &json!({"body": "k.kf", "indicator": "k.g1.i1", "follow_up": "k.f", "analysis": "Bra."}),
    )
    .unwrap();
    assert_eq!(subjects(&e), ["k.g1.i1", "k.kf"]);
    let e = DomainEvent::parse(
        "goal.retired",
        &json!({"goal": "k.g1", "effective": "2021-01-01", "reason": "Klart."}),
    )
    .unwrap();
    assert_eq!(subjects(&e), ["k.g1"]);
    assert_eq!(
        e.to_payload(),
        json!({"goal": "k.g1", "effective": "2021-01-01", "reason": "Klart."})
    );
}

#[test]
fn every_kind_has_an_example_that_parses() {
    let examples = crate::domain::tests::EXAMPLES;
    let kinds: Vec<&str> = examples.iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, KINDS);
    for (kind, text) in examples {
        let payload: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let e = DomainEvent::parse(kind, &payload).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert_eq!(
            e.to_payload(),
            payload,
            "{kind}: example is not in canonical form"
        );
    }
}

/// One example payload per kind, in `KINDS` order.
pub(crate) const EXAMPLES: &[(&str, &str)] = &[
    (
        "organisation.registered",
        include_str!("../../events/examples/organisation.registered.json"),
    ),
    (
        "body.registered",
        include_str!("../../events/examples/body.registered.json"),
    ),
    (
        "plan.adopted",
        include_str!("../../events/examples/plan.adopted.json"),
    ),
    (
        "plan.revised",
        include_str!("../../events/examples/plan.revised.json"),
    ),
    (
        "goal.defined",
        include_str!("../../events/examples/goal.defined.json"),
    ),
    (
        "goal.revised",
        include_str!("../../events/examples/goal.revised.json"),
    ),
    (
        "goal.retired",
        include_str!("../../events/examples/goal.retired.json"),
    ),
    (
        "indicator.defined",
        include_str!("../../events/examples/indicator.defined.json"),
    ),
    (
        "indicator.revised",
        include_str!("../../events/examples/indicator.revised.json"),
    ),
    (
        "indicator.retired",
        include_str!("../../events/examples/indicator.retired.json"),
    ),
    (
        "target.set",
        include_str!("../../events/examples/target.set.json"),
    ),
    (
        "target.revised",
        include_str!("../../events/examples/target.revised.json"),
    ),
    (
        "target.retired",
        include_str!("../../events/examples/target.retired.json"),
    ),
    (
        "reading.recorded",
        include_str!("../../events/examples/reading.recorded.json"),
    ),
    (
        "reading.corrected",
        include_str!("../../events/examples/reading.corrected.json"),
    ),
    (
        "reading.not_measurable",
        include_str!("../../events/examples/reading.not_measurable.json"),
    ),
    (
        "scale.defined",
        include_str!("../../events/examples/scale.defined.json"),
    ),
    (
        "follow_up.defined",
        include_str!("../../events/examples/follow_up.defined.json"),
    ),
    (
        "assessment.recorded",
        include_str!("../../events/examples/assessment.recorded.json"),
    ),
    (
        "method.defined",
        include_str!("../../events/examples/method.defined.json"),
    ),
    (
        "summary.recorded",
        include_str!("../../events/examples/summary.recorded.json"),
    ),
    (
        "report.sealed",
        include_str!("../../events/examples/report.sealed.json"),
    ),
    (
        "template.defined",
        include_str!("../../events/examples/template.defined.json"),
    ),
    (
        "promise.made",
        include_str!("../../events/examples/promise.made.json"),
    ),
    (
        "promise.status_recorded",
        include_str!("../../events/examples/promise.status_recorded.json"),
    ),
    (
        "activity.reported",
        include_str!("../../events/examples/activity.reported.json"),
    ),
];

mod determinism {
    use proptest::prelude::*;

    use super::*;

    fn no_floats(v: &Value) -> bool {
        match v {
            Value::Number(n) => !n.is_f64(),
            Value::Array(a) => a.iter().all(no_floats),
            Value::Object(o) => o.values().all(no_floats),
            _ => true,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The same events in the same order give byte-identical state JSON, whatever the values.
        #[test]
        fn replay_is_deterministic(readings in prop::collection::vec((0u32..100_000, 0u32..4, 2000i32..2030), 0..20)) {
            let mut events = base();
            for (v, scale, year) in &readings {
                let value = rust_decimal::Decimal::new(i64::from(*v), *scale).to_string();
                events.push(reading(&value, &format!("{year}-01-01"), &format!("{year}-12-31")));
            }
            let run = || {
                let mut state = State::default();
                for (i, (kind, payload)) in events.iter().enumerate() {
                    let m = meta(i as u64 + 1);
                    let Ok(e) = DomainEvent::parse(kind, payload) else { continue };
                    if state.check(Some(&m), &e).is_ok() {
                        state.apply(&m, &e);
                    }
                }
                serde_json::to_string(&state).unwrap()
            };
            let (a, b) = (run(), run());
            prop_assert_eq!(&a, &b);
            prop_assert!(no_floats(&serde_json::from_str(&a).unwrap()));
        }
    }
}
