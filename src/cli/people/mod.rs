//! Commands for people: `organisation`, `body`, `plan`, `scale`, `method`, `goal`,
//! `indicator`, `target`, `reading`, `assess`, `follow-up`, `template`, `summary`.
//!
//! Each builds one event from flags named after its payload fields (`--follow-up` for
//! `follow_up`) and appends it through the same checks as `import` (`new_event`, then
//! `append_checked`), so a command and the equivalent import line store the same payload and
//! are refused for the same reasons. Refusals name the flag, e.g. `--grade: ...`.

pub mod assess;
pub mod body;
pub mod follow_up;
pub mod goal;
pub mod indicator;
pub mod method;
pub mod organisation;
pub mod plan;
pub mod reading;
pub mod scale;
pub mod summary;
pub mod target;
pub mod template;

use super::{CliError, Context, Format};
use crate::domain::{Direction, Id};
use crate::import::InputError;
use crate::import::jsonl::{Line, new_event};
use crate::ledger::Ledger;
use serde_json::{Map, Value};
use std::io::Write;

/// A payload under construction, in the catalogue's field names. Absent options are left out,
/// because the catalogue refuses `null`.
#[derive(Default)]
struct Payload(Map<String, Value>);

impl Payload {
    fn put(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_string(), value.into());
        self
    }

    fn opt(self, key: &str, value: Option<impl Into<Value>>) -> Self {
        match value {
            Some(v) => self.put(key, v),
            None => self,
        }
    }

    /// A list, left out when empty.
    fn list(self, key: &str, values: Vec<String>) -> Self {
        if values.is_empty() {
            return self;
        }
        self.put(key, values)
    }

    /// A nested object, left out when none of its fields was given.
    fn object(self, key: &str, inner: Payload) -> Self {
        if inner.0.is_empty() {
            return self;
        }
        self.put(key, Value::Object(inner.0))
    }
}

/// `--id`, `--organisation` and `--name` of a command that defines something of an
/// organisation (a body, a method, a follow-up, a template).
#[derive(Debug, clap::Args)]
struct DefineArgs {
    /// Its id; default: derived from --organisation and --name (printed).
    #[arg(long)]
    id: Option<String>,
    /// The organisation it belongs to.
    #[arg(long, visible_alias = "org")]
    organisation: String,
    /// Its name, verbatim.
    #[arg(long)]
    name: String,
}

impl DefineArgs {
    /// The given `--id`, or one derived from `short` (the name or an abbreviation).
    fn id_from(&self, session: &Session, short: &str) -> String {
        match &self.id {
            Some(id) => id.clone(),
            None => derive_id(session, &self.organisation, short),
        }
    }

    /// `id`, `organisation` and `name`, in the catalogue's order.
    fn payload(self, id: &str) -> Payload {
        Payload::default()
            .put("id", id)
            .put("organisation", self.organisation)
            .put("name", self.name)
    }
}

/// `--format`: what a command for people prints about its append.
#[derive(Debug, clap::Args)]
struct FormatArgs {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Reads `CODE=N` pairs (goals per grade) into `{"grade": CODE, "count": N}` objects; `flag`
/// names the refused one (`--count #2`).
fn counts(flag: &str, texts: &[String]) -> Result<Vec<Value>, InputError> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| count(&format!("{flag} #{}", i + 1), text))
        .collect()
}

/// One `CODE=N` pair (see `counts`).
fn count(flag: &str, text: &str) -> Result<Value, InputError> {
    let parsed = text
        .split_once('=')
        .and_then(|(code, n)| Some((code.trim(), n.trim().parse::<u64>().ok()?)))
        .filter(|(code, _)| !code.is_empty());
    match parsed {
        Some((code, n)) => Ok(serde_json::json!({"grade": code, "count": n})),
        None => Err(InputError::new(
            flag,
            None,
            None,
            format!("{text:?} is not CODE=COUNT with a whole number, e.g. uppnatt=12"),
        )),
    }
}

/// `--decision` and `--reason`: why a change was made.
#[derive(Debug, clap::Args)]
struct BasisArgs {
    /// The decision, as `<body> <YYYY-MM-DD> § <n>`, e.g. "SN 2021-10-20 § 90".
    #[arg(long)]
    decision: Option<String>,
    /// Why, in words, verbatim (when there is no decision to cite, or in addition to it).
    #[arg(long)]
    reason: Option<String>,
}

impl BasisArgs {
    fn add_to(self, payload: Payload) -> Payload {
        payload
            .opt("decision", self.decision)
            .opt("reason", self.reason)
    }
}

/// `--source-*`: where a reading comes from (`source` of `reading.recorded`).
#[derive(Debug, clap::Args)]
struct ReadingSourceArgs {
    /// kolada, survey, internal, document or other.
    #[arg(long)]
    source_kind: Option<String>,
    /// The source in words; required unless the kind is kolada.
    #[arg(long)]
    source_description: Option<String>,
    /// Kolada: the KPI, e.g. N31805.
    #[arg(long)]
    source_kolada_kpi: Option<String>,
    /// Kolada: the municipality the value is for, e.g. 1471.
    #[arg(long)]
    source_kolada_municipality: Option<String>,
    /// Where the value was fetched (Kolada needs --source-url or --source-file).
    #[arg(long)]
    source_url: Option<String>,
    /// The file the value was read from.
    #[arg(long)]
    source_file: Option<String>,
    /// When it was fetched, RFC 3339, e.g. 2023-04-02T08:15:00Z (required for Kolada).
    #[arg(long)]
    source_fetched_at: Option<String>,
}

impl ReadingSourceArgs {
    fn payload(self) -> Payload {
        Payload::default()
            .opt("kind", self.source_kind)
            .opt("description", self.source_description)
            .opt("kolada_kpi", self.source_kolada_kpi)
            .opt("kolada_municipality", self.source_kolada_municipality)
            .opt("url", self.source_url)
            .opt("file", self.source_file)
            .opt("fetched_at", self.source_fetched_at)
    }
}

/// A period from `--from` and `--to`, as the catalogue writes it.
fn period(from: String, to: String) -> Payload {
    Payload::default().put("from", from).put("to", to)
}

/// The first unused `<prefix>.<stem>1`, `<prefix>.<stem>2`, ... (`ekero.sn.2019.m07.i1`): short
/// ids that say what they belong to, for things whose texts are long sentences. Falls back to
/// an id derived from the text when the prefix leaves no room.
fn numbered_id(session: &Session, prefix: &str, stem: &str, text: &str) -> String {
    for n in 1u32.. {
        let id = format!("{prefix}.{stem}{n}");
        if crate::domain::Id::parse(&id).is_err() {
            break;
        }
        // A storage error here surfaces again when the event is checked and appended.
        let taken = crate::projection::id_info(&session.ledger, &id).is_ok_and(|i| i.is_some());
        if !taken {
            return id;
        }
    }
    derive_id(session, prefix, text)
}

/// A readable, unused id under `prefix` for `text`, for a defining command given no `--id`.
/// Ids are unique across the ledger, so the ledger's id index is asked, not one projection.
fn derive_id(session: &Session, prefix: &str, text: &str) -> String {
    crate::domain::derive_id(prefix, text, |id| {
        // A storage error here surfaces again when the event is checked and appended.
        crate::projection::id_info(&session.ledger, id).is_ok_and(|info| info.is_some())
    })
}

/// The open ledger, its derived data up to date. Each event is checked against the projection
/// of its own organisation when it is appended.
struct Session {
    ledger: Ledger,
}

fn open(ctx: &Context) -> Result<Session, CliError> {
    Ok(Session {
        ledger: super::state::open(&ctx.ledger)?,
    })
}

/// Reads a target level as people write it (`crate::import::csv::level`); what cannot be read
/// is refused naming `--level`, never stored as a name.
fn level(text: &str, direction: Direction, contrary: bool) -> Result<Value, CliError> {
    crate::import::csv::level(text, direction, contrary).map_err(|why| {
        crate::projection::Error::from(InputError::new("--level", None, None, why)).into()
    })
}

/// The direction of an indicator as the ledger knows it now, for reading its target levels;
/// an unknown indicator is refused naming `flag`.
fn direction_of(session: &Session, indicator: &str, flag: &str) -> Result<Direction, CliError> {
    let home = crate::projection::home_of(&session.ledger, indicator, flag)?;
    let (state, _) = crate::projection::org_state(
        &session.ledger,
        home.as_ref(),
        crate::projection::KnownAt::Now,
        true,
    )?;
    Id::parse(indicator)
        .ok()
        .and_then(|id| state.indicators.get(&id))
        .and_then(|i| i.versions.last())
        .map(|v| v.direction)
        .ok_or_else(|| {
            crate::projection::Error::from(InputError::new(
                flag,
                None,
                None,
                format!("`{indicator}` is not an indicator; `malbok indicator add` defines one"),
            ))
            .into()
        })
}

/// The indicator a target applies to; an unknown target is refused naming `--target`.
fn indicator_of(session: &Session, target: &str) -> Result<String, CliError> {
    let home = crate::projection::home_of(&session.ledger, target, "--target")?;
    let (state, _) = crate::projection::org_state(
        &session.ledger,
        home.as_ref(),
        crate::projection::KnownAt::Now,
        true,
    )?;
    Id::parse(target)
        .ok()
        .and_then(|id| state.targets.get(&id))
        .map(|t| t.indicator.to_string())
        .ok_or_else(|| {
            crate::projection::Error::from(InputError::new(
                "--target",
                None,
                None,
                format!("`{target}` is not a target; `malbok target set` sets one"),
            ))
            .into()
        })
}

/// The flag a refused payload field came from, and what is left of the path below it:
/// `payload.period.to` is `--to`, `payload.levels[1].threshold` is `--level #2` and
/// `threshold`. Fields with no flag of their own keep their payload path.
fn flag_of(field: &str) -> (String, Option<String>) {
    let Some(path) = field.strip_prefix("payload.") else {
        return (field.to_string(), None);
    };
    let (name, below) = match path.find(['.', '[']) {
        Some(i) => (&path[..i], &path[i..]),
        None => (path, ""),
    };
    let below = below.trim_start_matches('.');
    let flag = |name: &str| format!("--{}", name.replace('_', "-"));
    let first = |s: &str| s.split(['.', '[']).next().unwrap_or("").to_string();
    match name {
        "period" => (flag(if below == "to" { "to" } else { "from" }), None),
        "baseline" => match below {
            "period.from" => ("--baseline-from".into(), None),
            "period.to" => ("--baseline-to".into(), None),
            _ => ("--baseline".into(), None),
        },
        "source" if below.starts_with("kolada_kpis") => ("--source-kolada-kpi".into(), None),
        "source" if below.is_empty() => ("--source-kind".into(), None),
        "source" => (flag(&format!("source_{}", first(below))), None),
        "bodies" => ("--body".into(), None),
        "index" if !below.is_empty() => (flag(&format!("index_{}", first(below))), None),
        "levels" | "grades" | "scores" | "goal_grades" | "counts" | "columns" | "sections"
        | "rollups" => {
            let singular = match name {
                "levels" => "--level",
                "grades" => "--grade",
                "scores" => "--score",
                "counts" => "--count",
                "columns" => "--column",
                "sections" => "--section",
                "rollups" => "--rollup",
                _ => "--goal-grade",
            };
            // `[1].threshold`: the second --level, its threshold.
            let index = below
                .strip_prefix('[')
                .and_then(|s| s.split_once(']'))
                .and_then(|(n, rest)| Some((n.parse::<usize>().ok()?, rest)));
            match index {
                Some((n, rest)) => {
                    let rest = rest.trim_start_matches('.');
                    let part = (!rest.is_empty()).then(|| rest.to_string());
                    (format!("{singular} #{}", n + 1), part)
                }
                None => (singular.into(), None),
            }
        }
        _ => (flag(name), None),
    }
}

/// The command that appends each kind a refusal may tell people to create first.
const COMMAND_OF_KIND: &[(&str, &str)] = &[
    ("organisation.registered", "malbok organisation add"),
    ("body.registered", "malbok body add"),
    ("plan.adopted", "malbok plan adopt"),
    ("goal.defined", "malbok goal add"),
    ("indicator.defined", "malbok indicator add"),
    ("target.set", "malbok target set"),
    ("scale.defined", "malbok scale add"),
    ("follow_up.defined", "malbok follow-up add"),
    ("method.defined", "malbok method add"),
    ("template.defined", "malbok template add"),
    ("reading.corrected", "malbok reading correct"),
    ("reading.recorded", "malbok reading add"),
];

/// A domain refusal reworded for someone who typed flags: "define it first with <kind>" names
/// the command that appends the kind, quoted payload field names become flags (`or a "reason"` → `or
/// --reason`), and `is required: add "x"` loses the hint, since the flag is named before it.
fn for_people(reason: &str) -> String {
    let mut text = reason.to_string();
    for (kind, command) in COMMAND_OF_KIND {
        text = text.replace(
            &format!("first with {kind}"),
            &format!("first with `{command}`"),
        );
    }
    if let Some(at) = text.find(": add \"") {
        let rest = &text[at + 7..];
        if let Some(end) = rest.find('"')
            && rest[..end]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_')
        {
            text = format!("{}{}", &text[..at], &rest[end + 1..]);
        }
    }
    // Field names in quotes, as the catalogue's messages write them.
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('"') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let word = &after[..close];
        let is_field = !word.is_empty()
            && word.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && FIELD_NAMES.contains(&word);
        if word == "period" {
            out.push_str("--from/--to");
        } else if is_field {
            out.push_str(&flag_of(&format!("payload.{word}")).0);
        } else {
            out.push_str(&rest[open..open + close + 2]);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out.replace(
        "record reading.corrected with --corrects",
        "use `malbok reading correct --corrects`",
    )
    .replace(" a --", " --")
    .replace(" an --", " --")
    .replace("or --file", "or --source-file")
    .replace("or --url", "or --source-url")
}

/// Payload field names that refusals quote and that are flags of the commands for people.
const FIELD_NAMES: &[&str] = &[
    "analysis",
    "decision",
    "reason",
    "indicator",
    "goal",
    "grade",
    "scale",
    "file",
    "url",
    "text",
    "period",
    "note",
    "title",
    "body",
    "organisation",
    "follow_up",
    "levels",
    "corrects",
];

/// A refusal of one event given on the command line: no line number, the flag for the field
/// (or the kind, for the rare refusal of no particular field), the reason in flags.
fn refusal(kind: &str, field: Option<&str>, reason: String) -> InputError {
    let reason = for_people(&reason);
    match field {
        Some(field) => {
            let (flag, below) = flag_of(field);
            InputError::new(&flag, None, below.as_deref(), reason)
        }
        None => InputError::new(kind, None, None, reason),
    }
}

/// Checks one event exactly as `import` checks a line, appends it and prints its position and
/// hash, and `id: <id>` for an event that defines something.
fn append(
    session: Session,
    ctx: &Context,
    kind: &str,
    payload: Payload,
    id: Option<&str>,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let Session { mut ledger } = session;
    let event = new_event(kind.to_string(), Value::Object(payload.0))
        .map_err(|(field, reason)| refusal(kind, field.as_deref(), reason))?;
    let line = Line { line: 1, event };
    let appended =
        super::import::append_checked(&mut ledger, ctx, kind, vec![line]).map_err(|e| match e {
            CliError::Refused(r) => CliError::Refused(refusal(kind, r.field.as_deref(), r.reason)),
            other => other,
        })?;
    match format {
        Format::Text => {
            super::import::report(&appended, format, out)?;
            if let Some(id) = id {
                writeln!(out, "id: {id}")?;
            }
        }
        Format::Json => {
            // The same fields as `append --format json`, plus the id.
            let mut buf = Vec::new();
            super::import::report(&appended, format, &mut buf)?;
            let mut report: Value = serde_json::from_slice(&buf).map_err(std::io::Error::other)?;
            if let (Some(id), Value::Object(map)) = (id, &mut report) {
                map.insert("id".into(), id.into());
            }
            writeln!(out, "{report}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_name_comparison_threshold() {
        let up = |t: &str| level(t, Direction::Increase, false).ok();
        let json = |n: &str, c: &str, t: &str| {
            Some(serde_json::json!({"name": n, "comparison": c, "threshold": t}))
        };
        assert_eq!(up("Uppnått 2023 >= 80"), json("Uppnått 2023", ">=", "80"));
        assert_eq!(up("Uppnått ≥ 90"), json("Uppnått", ">=", "90"));
        assert_eq!(up("På rätt väg: minst 70"), json("På rätt väg", ">=", "70"));
        assert_eq!(up("Uppnått minst 70,5"), json("Uppnått", ">=", "70.5"));
        assert_eq!(up("Uppnått: 70 %"), json("Uppnått", ">=", "70"));
        assert_eq!(
            level("På rätt väg<5.5", Direction::Decrease, false).ok(),
            json("På rätt väg", "<", "5.5")
        );
        assert_eq!(up("Uppnått"), Some(serde_json::json!({"name": "Uppnått"})));
        assert_eq!(
            up("Undervisning"),
            Some(serde_json::json!({"name": "Undervisning"}))
        );
        assert!(up("Uppnått ≥ nittio").is_none());
        assert!(up("Uppnått: bra").is_none());
        assert!(up("Uppnått ≤ 3").is_none(), "contrary to the direction");
        assert!(level("Uppnått ≤ 3", Direction::Increase, true).is_ok());
        assert!(up(": 70").is_none());
    }

    #[test]
    fn refusals_speak_of_flags_and_commands() {
        assert_eq!(
            for_people("unknown plan `x`: define it first with plan.adopted"),
            "unknown plan `x`: define it first with `malbok plan adopt`"
        );
        assert_eq!(for_people("is required: add \"source\""), "is required");
        assert_eq!(
            for_people("to change it, record reading.corrected with \"corrects\": 13"),
            "to change it, use `malbok reading correct --corrects`: 13"
        );
        assert_eq!(
            for_people("is required, or a \"reason\": say which decision"),
            "is required, or --reason: say which decision"
        );
        assert_eq!(
            for_people("is required for a Kolada reading, or \"file\": say where"),
            "is required for a Kolada reading, or --source-file: say where"
        );
        assert_eq!(
            for_people("add \">=\", \">\" or \"=\""),
            "add \">=\", \">\" or \"=\""
        );
    }

    #[test]
    fn fields_name_their_flags() {
        let f = |p: &str| flag_of(p);
        assert_eq!(f("payload.value"), ("--value".into(), None));
        assert_eq!(f("payload.follow_up"), ("--follow-up".into(), None));
        assert_eq!(f("payload.period.to"), ("--to".into(), None));
        assert_eq!(f("payload.period.from"), ("--from".into(), None));
        assert_eq!(
            f("payload.source.fetched_at"),
            ("--source-fetched-at".into(), None)
        );
        assert_eq!(
            f("payload.source.kolada_kpis[0]"),
            ("--source-kolada-kpi".into(), None)
        );
        assert_eq!(f("payload.bodies[1]"), ("--body".into(), None));
        assert_eq!(
            f("payload.levels[1].threshold"),
            ("--level #2".into(), Some("threshold".into()))
        );
        assert_eq!(f("payload.levels"), ("--level".into(), None));
        assert_eq!(
            f("payload.scores[2].score"),
            ("--score #3".into(), Some("score".into()))
        );
        assert_eq!(
            f("payload.index.decimals"),
            ("--index-decimals".into(), None)
        );
        assert_eq!(
            f("payload.baseline.period.to"),
            ("--baseline-to".into(), None)
        );
    }
}
