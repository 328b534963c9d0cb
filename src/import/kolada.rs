//! Kolada in: responses of the Kolada API (v2 and v3) -> readings of the indicators whose
//! source is that KPI. Pure: the files come in as bytes, the ledger as a read-only `State`.
//!
//! A data response is `{"values":[{"kpi","municipality"|"ou","period","values":[{"gender",
//! "count","status","value"}]}],"count":N,"next_page"|"next_url":..}`; `period` is a year
//! (a string in v2, an integer in v3). Values are read from their JSON text, never through a
//! float. A value becomes `reading.recorded` for the period 1 January – 31 December; `null`
//! becomes `reading.not_measurable` with Kolada's status as the reason; a value that differs
//! from the one already recorded becomes `reading.corrected` (Kolada revises published
//! figures without notice); a value already recorded appends nothing, so re-importing a file
//! is a no-op.

use super::InputError;
use crate::domain::{Dec, Outcome, SourceKind, State};
use crate::ledger::NewEvent;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One response file, parsed, with what identifies it.
pub struct KoladaFile {
    /// The name it is cited by in messages and in the readings' provenance.
    pub name: String,
    /// BLAKE3 of its bytes, hex: which exact response the values came from.
    pub blake3: String,
    /// The data items of all its values.
    pub items: Vec<Item>,
}

/// One (KPI, municipality or unit, period) with its values per gender.
#[derive(Debug, Deserialize)]
pub struct Item {
    pub kpi: String,
    #[serde(default)]
    pub municipality: Option<String>,
    #[serde(default)]
    pub ou: Option<String>,
    pub period: Box<RawValue>,
    pub values: Vec<GenderValue>,
}

/// A value for one gender: T (total), K (women), M (men).
#[derive(Debug, Deserialize)]
pub struct GenderValue {
    pub gender: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub value: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct Page<T> {
    values: Vec<T>,
}

/// How to read the files: which gender, where they were fetched and when.
pub struct Options {
    /// `T`, `K` or `M`.
    pub gender: String,
    /// The URL the files were fetched from, when given.
    pub url: Option<String>,
    /// When they were fetched, RFC 3339.
    pub fetched: String,
}

/// The events to append, and what was left out and why (for the person importing).
#[derive(Debug, Default)]
pub struct Converted {
    pub events: Vec<NewEvent>,
    /// Values already recorded with the same value.
    pub unchanged: usize,
    /// Values for which no indicator has this KPI as its single source.
    pub unmatched: usize,
    /// Sentences about values that were not imported although an indicator matched.
    pub notes: Vec<String>,
}

/// Parses one data response. `name` is used in messages.
pub fn parse_data(name: &str, bytes: &[u8]) -> Result<KoladaFile, InputError> {
    let page: Page<Item> = serde_json::from_slice(bytes).map_err(|e| json_error(name, &e))?;
    Ok(KoladaFile {
        name: name.to_string(),
        blake3: blake3::hash(bytes).to_hex().to_string(),
        items: page.values,
    })
}

/// A serde_json error as `file:line: column N: why`, with what the file should look like.
fn json_error(name: &str, e: &serde_json::Error) -> InputError {
    let message = e.to_string();
    let message = message
        .rfind(" at line ")
        .map_or(&message[..], |i| &message[..i]);
    InputError::new(
        name,
        Some(e.line()),
        Some(&format!("column {}", e.column())),
        format!(
            "{message}; expected a Kolada API response such as {{\"values\":[{{\"kpi\":\"N31805\",\"municipality\":\"0125\",\"period\":2021,\"values\":[{{\"gender\":\"T\",\"status\":\"\",\"value\":1.9}}]}}]}}"
        ),
    )
}

/// A JSON number's text as an exact decimal: `1.9`, `12`, `-0.5`, `1e-05`, `2.5E3`.
fn exact(text: &str) -> Option<Dec> {
    use rust_decimal::Decimal;
    let d = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()?
    } else {
        Decimal::from_str_exact(text).ok()?
    };
    // `-0.0` is zero; the ledger writes zero without a sign.
    let d = if d.is_zero() { d.abs() } else { d };
    Some(Dec(d))
}

/// The year of a period: `2021` or `"2021"`.
fn year(raw: &RawValue) -> Option<i32> {
    let text = raw.get().trim().trim_matches('"');
    let year: i32 = text.parse().ok()?;
    (text.len() == 4 && (1900..=2200).contains(&year)).then_some(year)
}

/// A `KoladaId`'s text (the type keeps its string private).
fn kolada_text(id: &impl serde::Serialize) -> String {
    match serde_json::to_value(id) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Converts parsed files into events against `state`. All files are one import: a value
/// given twice must agree.
pub fn convert(
    files: &[KoladaFile],
    state: &State,
    options: &Options,
) -> Result<Converted, InputError> {
    // The live indicators whose source is exactly one Kolada KPI, by (KPI, municipality id).
    // An indicator computed from several KPIs (a ratio) is not a Kolada value itself.
    let mut by_kpi: BTreeMap<(String, String), Vec<&crate::domain::Id>> = BTreeMap::new();
    for (id, ind) in &state.indicators {
        let Some(version) = ind.versions.last() else {
            continue;
        };
        let Some(source) = &version.source else {
            continue;
        };
        let [kpi] = source.kolada_kpis.as_slice() else {
            continue;
        };
        if source.kind != SourceKind::Kolada || ind.retired.is_some() {
            continue;
        }
        let Some(org) = state.goal_organisation(&ind.goal) else {
            continue;
        };
        let Some(kolada_id) = state
            .organisations
            .get(org)
            .and_then(|o| o.def.kolada_id.as_ref())
        else {
            continue;
        };
        by_kpi
            .entry((kpi.to_string(), kolada_text(kolada_id)))
            .or_default()
            .push(id);
    }

    let mut out = Converted::default();
    /// What one import says about one indicator and year.
    struct Wanted {
        value: Option<Dec>,
        status: String,
        file: usize,
        kpi: String,
        municipality: String,
    }
    let mut wanted: BTreeMap<(String, i32), Wanted> = BTreeMap::new();
    for (f, file) in files.iter().enumerate() {
        for (i, item) in file.items.iter().enumerate() {
            let at = |field: &str| format!("values[{i}].{field}");
            let refuse =
                |field: &str, why: String| InputError::new(&file.name, None, Some(&at(field)), why);
            let Some(year) = year(&item.period) else {
                return Err(refuse(
                    "period",
                    format!("{} is not a year such as 2021", item.period.get()),
                ));
            };
            let municipality = match (&item.municipality, &item.ou) {
                (Some(m), _) => m.clone(),
                (None, Some(ou)) => {
                    return Err(refuse(
                        "ou",
                        format!(
                            "unit-level data (ou {ou:?}) has no indicator to go to: malbok keeps readings per municipality; fetch /data/kpi/{}/municipality/... instead",
                            item.kpi
                        ),
                    ));
                }
                (None, None) => {
                    return Err(refuse("municipality", "is missing".into()));
                }
            };
            let Some(indicators) = by_kpi.get(&(item.kpi.clone(), municipality.clone())) else {
                out.unmatched += 1;
                continue;
            };
            let Some(value) = item.values.iter().find(|v| v.gender == options.gender) else {
                out.notes.push(format!(
                    "{}: {} {} {year}: no value for gender {}",
                    file.name, item.kpi, municipality, options.gender
                ));
                continue;
            };
            let parsed = match &value.value {
                None => None,
                Some(raw) => Some(exact(raw.get()).ok_or_else(|| {
                    refuse(
                        "values.value",
                        format!("{} is not a number that can be kept exactly", raw.get()),
                    )
                })?),
            };
            for ind in indicators {
                let key = (ind.to_string(), year);
                if let Some(earlier) = wanted.get(&key)
                    && earlier.value != parsed
                {
                    let show = |d: Option<Dec>| d.map_or("null".into(), |d| d.to_string());
                    return Err(refuse(
                        "values.value",
                        format!(
                            "{} {municipality} {year} is {} here but {} in {}: one import cannot hold two values for one period",
                            item.kpi,
                            show(parsed),
                            show(earlier.value),
                            files[earlier.file].name,
                        ),
                    ));
                }
                let entry = Wanted {
                    value: parsed,
                    status: value.status.clone().unwrap_or_default(),
                    file: f,
                    kpi: item.kpi.clone(),
                    municipality: municipality.clone(),
                };
                wanted.insert(key, entry);
            }
        }
    }

    for ((indicator, year), w) in wanted {
        let Wanted {
            value,
            status,
            file,
            kpi,
            municipality,
        } = w;
        let file_name = files[file].name.clone();
        let period = json!({"from": format!("{year}-01-01"), "to": format!("{year}-12-31")});
        let mut source = json!({
            "kind": "kolada",
            "kolada_kpi": kpi,
            "kolada_municipality": municipality,
            "file": file_name,
            "description": format!("Kolada, svar med BLAKE3 {}", files[file].blake3),
            "fetched_at": options.fetched,
        });
        if let (Some(url), Value::Object(map)) = (&options.url, &mut source) {
            map.insert("url".into(), url.clone().into());
        }
        let existing = state.indicators.get(indicator.as_str()).and_then(|ind| {
            ind.readings.iter().find_map(|seq| {
                let r = state.readings.get(seq)?;
                (r.period.from.0.format("%Y-%m-%d").to_string() == format!("{year}-01-01")
                    && r.period.to.0.format("%Y-%m-%d").to_string() == format!("{year}-12-31"))
                .then_some((*seq, r))
            })
        });
        let event = match (existing, value) {
            (None, Some(v)) => (
                "reading.recorded",
                json!({"indicator": indicator, "period": period, "value": v.to_string(),
                       "source": source}),
            ),
            (None, None) => {
                let reason = if status.trim().is_empty() {
                    "Kolada har inget värde för perioden.".to_string()
                } else {
                    format!("Kolada: {}", status.trim())
                };
                (
                    "reading.not_measurable",
                    json!({"indicator": indicator, "period": period, "reason": reason,
                           "comment": format!("{kpi} {municipality}, {file_name}")}),
                )
            }
            (Some((_, r)), Some(v)) if r.value() == Some(v) => {
                out.unchanged += 1;
                continue;
            }
            (Some((seq, _)), Some(v)) => (
                "reading.corrected",
                json!({"corrects": seq, "indicator": indicator, "value": v.to_string(),
                       "source": source, "reason": "Kolada har reviderat värdet."}),
            ),
            (Some((_, r)), None) => {
                if r.value().is_none() || matches!(r.outcome, Outcome::NotMeasurable { .. }) {
                    out.unchanged += 1;
                } else {
                    out.notes.push(format!(
                        "{file_name}: {kpi} {municipality} {year}: Kolada no longer gives a value ({}); the recorded reading of {indicator} stays",
                        if status.is_empty() { "no status" } else { status.as_str() }
                    ));
                }
                continue;
            }
        };
        let (kind, payload) = event;
        let event = super::jsonl::new_event(kind.to_string(), payload)
            .map_err(|(field, why)| InputError::new(&file_name, None, field.as_deref(), why))?;
        out.events.push(event);
    }
    Ok(out)
}

/// A KPI's metadata (`/v2/kpi`, `/v3/kpi`): what can define an indicator. Kolada does not say
/// whether higher or lower is better, so the direction is never taken from here.
#[derive(Debug, Deserialize)]
pub struct Kpi {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub operating_area: Option<String>,
}

/// Parses a KPI metadata response.
pub fn parse_kpis(name: &str, bytes: &[u8]) -> Result<Vec<Kpi>, InputError> {
    let page: Page<Kpi> = serde_json::from_slice(bytes).map_err(|e| {
        let mut err = json_error(name, &e);
        err.reason = err.reason.replace(
            "a Kolada API response such as",
            "a Kolada KPI metadata response (/v2/kpi/ID) holding {\"values\":[{\"id\",\"title\",...}]}, not for example",
        );
        err
    })?;
    Ok(page.values)
}

/// The catalogue's unit for a Kolada unit text, and the text itself when it is `other`.
pub fn unit_of(kolada: &str) -> (&'static str, Option<String>) {
    let lower = kolada.trim().to_lowercase();
    let unit = match lower.as_str() {
        "procent" | "%" | "andel" | "andel (%)" => "percent",
        "antal" => "count",
        "kronor" | "kr" | "sek" => "sek",
        "index" => "index",
        "dagar" => "days",
        "år" => "years",
        _ if lower.contains("10 000") || lower.contains("10000") => "per_10000",
        _ => return ("other", Some(kolada.trim().to_string())),
    };
    (unit, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_exactly_from_their_text() {
        assert_eq!(exact("1.9").map(|d| d.to_string()).as_deref(), Some("1.9"));
        assert_eq!(exact("12").map(|d| d.to_string()).as_deref(), Some("12"));
        assert_eq!(
            exact("1e-05").map(|d| d.to_string()).as_deref(),
            Some("0.00001")
        );
        assert_eq!(exact("-0.0").map(|d| d.to_string()).as_deref(), Some("0.0"));
        // 0.1 + 0.2 in binary floating point is not 0.3; read from the text it stays exact.
        assert_eq!(exact("0.3").map(|d| d.to_string()).as_deref(), Some("0.3"));
    }

    #[test]
    fn periods_are_years_as_string_or_integer() {
        let raw = |t: &str| serde_json::from_str::<Box<RawValue>>(t).unwrap();
        assert_eq!(year(&raw("2021")), Some(2021));
        assert_eq!(year(&raw("\"2021\"")), Some(2021));
        assert_eq!(year(&raw("\"2021-08\"")), None);
    }

    #[test]
    fn kolada_units_map_to_the_catalogue() {
        assert_eq!(unit_of("Procent"), ("percent", None));
        assert_eq!(unit_of("Antal"), ("count", None));
        assert_eq!(unit_of("Antal/10 000 inv"), ("per_10000", None));
        assert_eq!(unit_of("Kr/inv"), ("other", Some("Kr/inv".into())));
    }
}
