//! `malbok method add`: `method.defined`.

use super::{BasisArgs, DefineArgs, FormatArgs, Payload, append};
use crate::cli::{CliError, Context};
use crate::import::InputError;
use serde_json::Value;
use std::io::Write;

/// Define how grades become goal grades and an index.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
}

/// Define a grading method (method.defined; events/METHODS.md has the arithmetic): a score
/// per grade (--score CODE=SCORE), the goal grade a goal's mean score gives (--goal-grade
/// CODE=MIN, best first), and how goals become an index. Scores and minimums are exact
/// decimals with a point. Without --id, one is derived from the organisation and the name.
///
/// Example: malbok method add --org upplands-bro --scale upplands-bro.tregradig-skala --name "Index för måluppfyllelse" --effective 2024-01-01 --score uppnatt=1 --score delvis=0.5 --score ej_uppnatt=0 --goal-grade uppnatt=0.75 --goal-grade delvis=0.5 --goal-grade ej_uppnatt=0 --index-aggregation mean_of_goal_means --index-decimals 2 --index-rounding half_up --reason "Som i årsredovisningen."
///
/// It prints `appended <seq> <hash> at <time>` and `id: upplands-bro.index-for-maluppfyllelse`.
#[derive(Debug, clap::Args)]
struct Add {
    /// --id, --organisation (that uses it), --name.
    #[command(flatten)]
    def: DefineArgs,
    /// The scale whose grades it scores.
    #[arg(long)]
    scale: String,
    /// From when it applies, YYYY-MM-DD: a report uses the method in force at its cut-off.
    #[arg(long)]
    effective: String,
    /// A grade's score, CODE=SCORE, e.g. delvis=0.5; one per grade.
    #[arg(long = "score", required = true)]
    scores: Vec<String>,
    /// A goal grade and the mean score it needs, CODE=MIN, best first.
    #[arg(long = "goal-grade", required = true)]
    goal_grades: Vec<String>,
    /// mean_of_goal_means or mean_of_indicators.
    #[arg(long)]
    index_aggregation: Option<String>,
    /// Decimals the index keeps, 0 to 6.
    #[arg(long)]
    index_decimals: Option<String>,
    /// truncate, half_up or half_even.
    #[arg(long)]
    index_rounding: Option<String>,
    /// The organisation's own definition of the method, verbatim.
    #[arg(long)]
    definition: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[command(flatten)]
    format: FormatArgs,
}

/// Reads `CODE=NUMBER` pairs into `{"grade": CODE, <key>: NUMBER}` objects.
fn pairs(flag: &str, key: &str, texts: &[String]) -> Result<Vec<Value>, InputError> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let Some((code, number)) = text.split_once('=') else {
                return Err(InputError::new(
                    &format!("{flag} #{}", i + 1),
                    None,
                    None,
                    format!("{text:?} is not CODE=NUMBER, e.g. delvis=0.5"),
                ));
            };
            Ok(serde_json::json!({"grade": code.trim(), key: number.trim()}))
        })
        .collect()
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let Command::Add(a) = args.command;
    let scores = pairs("--score", "score", &a.scores)?;
    let goal_grades = pairs("--goal-grade", "min", &a.goal_grades)?;
    let index = Payload::default()
        .opt("aggregation", a.index_aggregation)
        .opt("decimals", a.index_decimals)
        .opt("rounding", a.index_rounding);
    let session = super::open(ctx)?;
    let id = a.def.id_from(&session, &a.def.name);
    let payload = a
        .def
        .payload(&id)
        .put("scale", a.scale)
        .put("effective", a.effective)
        .put("scores", scores)
        .put("goal_grades", goal_grades)
        .object("index", index)
        .opt("definition", a.definition);
    let payload = a.basis.add_to(payload);
    append(
        session,
        ctx,
        "method.defined",
        payload,
        Some(&id),
        a.format.format,
        out,
    )
}
