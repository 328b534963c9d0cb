//! `malbok summary add`: `summary.recorded`.

use super::{BasisArgs, FormatArgs, Payload, append, count, counts};
use crate::cli::{CliError, Context};
use crate::import::InputError;
use serde_json::Value;
use std::io::Write;

/// Record what a body published about a follow-up as a whole.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
}

/// Record a published summary (summary.recorded): its text verbatim and the figures the
/// document states, as data, so a report compares computed figures only with published ones.
/// Goals per grade are --count CODE=N on --scale; each roll-up sentence is one --rollup
/// "KEY=VALUE; ...; text=SENTENCE" with keys plan, area, total, on_track and grade codes
/// (CODE=N), and text last (it runs to the end, so it may hold semicolons).
///
/// Example: malbok summary add --body ekero.sn --follow-up ekero.delar-2021 --text "Per den sista augusti 2021 är 12 mål uppnådda och 3 delvis uppnådda." --scale ekero.tregradig --count uppnatt=12 --count delvis=3 --total 15 --index 0.87 --rollup "plan=ekero.plattform; total=12; uppnatt=9; delvis=3; text=Av de 12 mål som härrör från Ekeröalliansens politiska plattform är 9 uppnådda och 3 delvis uppnådda." --reason "Delårsrapporten 2021, s. 4."
///
/// It prints `appended <seq> <hash> at <time>`.
#[derive(Debug, clap::Args)]
struct Add {
    /// The body that published it.
    #[arg(long)]
    body: String,
    /// The follow-up it sums up.
    #[arg(long)]
    follow_up: String,
    /// The summary, verbatim.
    #[arg(long)]
    text: String,
    /// The scale of the counts (required with --count or roll-up counts).
    #[arg(long)]
    scale: Option<String>,
    /// Goals per grade as published, CODE=N, e.g. uppnatt=12; one per grade.
    #[arg(long = "count")]
    counts: Vec<String>,
    /// The number of goals the document speaks of.
    #[arg(long)]
    total: Option<u64>,
    /// The published index, an exact decimal, e.g. 0.87.
    #[arg(long)]
    index: Option<String>,
    /// A roll-up sentence with its figures: "plan=ID; total=12; uppnatt=9; text=SENTENCE".
    #[arg(long = "rollup")]
    rollups: Vec<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[command(flatten)]
    format: FormatArgs,
}

/// One `--rollup` as `{"text", "plan"?, "area"?, "total"?, "counts"?, "on_track"?}`.
fn rollup(n: usize, spec: &str) -> Result<Value, InputError> {
    let flag = format!("--rollup #{n}");
    let refuse = |why: String| InputError::new(&flag, None, None, why);
    let (figures, text) = match spec.find("text=") {
        Some(at) => (&spec[..at], Some(spec[at + 5..].trim())),
        None => (spec, None),
    };
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Err(refuse(format!(
            "{spec:?} has no sentence; end it with text=SENTENCE, e.g. \"total=3; on_track=1; \
             text=Ett av tre mål är på rätt väg\""
        )));
    };
    let whole = |key: &str, value: &str| {
        value.parse::<u64>().map_err(|_| {
            refuse(format!(
                "{key}={value:?} is not a whole number of goals, e.g. {key}=3"
            ))
        })
    };
    let mut payload = Payload::default().put("text", text);
    let mut grade_counts = Vec::new();
    for part in figures.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((key, value)) = part.split_once('=') else {
            return Err(refuse(format!(
                "{part:?} is not KEY=VALUE (plan, area, total, on_track or a grade code)"
            )));
        };
        let (key, value) = (key.trim(), value.trim());
        payload = match key {
            "plan" | "area" => payload.put(key, value),
            "total" | "on_track" => payload.put(key, whole(key, value)?),
            _ => {
                grade_counts.push(count(&flag, part)?);
                payload
            }
        };
    }
    if !grade_counts.is_empty() {
        payload = payload.put("counts", grade_counts);
    }
    Ok(Value::Object(payload.0))
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let Command::Add(a) = args.command;
    let counts = counts("--count", &a.counts)?;
    let rollups = a
        .rollups
        .iter()
        .enumerate()
        .map(|(i, spec)| rollup(i + 1, spec))
        .collect::<Result<Vec<_>, _>>()?;
    let session = super::open(ctx)?;
    let mut payload = Payload::default()
        .put("body", a.body)
        .put("follow_up", a.follow_up)
        .put("text", a.text)
        .opt("scale", a.scale)
        .opt("total", a.total)
        .opt("index", a.index);
    if !counts.is_empty() {
        payload = payload.put("counts", counts);
    }
    if !rollups.is_empty() {
        payload = payload.put("rollups", rollups);
    }
    let payload = a.basis.add_to(payload);
    let kind = "summary.recorded";
    append(session, ctx, kind, payload, None, a.format.format, out)
}
