//! `malbok import`: many events, all or nothing.

use super::{CliError, Context, Format};
use crate::import::jsonl;
use crate::ledger::Ledger;
use crate::ledger::envelope::Sealed;
use serde_json::json;
use std::io::Write;

/// Append every event of a JSONL file (one {"kind":..,"payload":{..}} per line), all or
/// nothing: a bad line refuses the whole file with file:line: field: reason, and the ledger
/// does not change. All events of one import share one run id and one ledger time.
///
/// Example: malbok import fixtures/ekero/events.jsonl
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The JSONL file, or - for standard input.
    file: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let bytes = super::read_input(&args.file)?;
    let source = super::input_name(&args.file);
    let lines = jsonl::parse(source, &bytes)?;
    let mut ledger = super::state::open(&ctx.ledger)?;
    let appended = append_checked(&mut ledger, ctx, source, lines)?;
    report(&appended, args.format, out)
}

/// Checks `lines` against the projection of each event's organisation and appends them, all
/// or nothing, with their derived data.
pub fn append_checked(
    ledger: &mut Ledger,
    ctx: &Context,
    source: &str,
    lines: Vec<jsonl::Line>,
) -> Result<Vec<Sealed>, CliError> {
    Ok(crate::projection::append_checked(
        ledger, &ctx.actor, ctx.now, source, lines,
    )?)
}

/// Prints what an append stored: positions, run and the new head.
pub fn report(appended: &[Sealed], format: Format, out: &mut dyn Write) -> Result<(), CliError> {
    let (Some(first), Some(last)) = (appended.first(), appended.last()) else {
        return Ok(());
    };
    match format {
        Format::Text if appended.len() == 1 => {
            writeln!(out, "appended {} {} at {}", last.seq, last.hash, last.time)?
        }
        Format::Text => writeln!(
            out,
            "appended {} events at {}–{} (run {}) at {}\nhead {}:{}",
            appended.len(),
            first.seq,
            last.seq,
            first.run,
            last.time,
            last.seq,
            last.hash
        )?,
        Format::Json => writeln!(
            out,
            "{}",
            json!({
                "count": appended.len(),
                "from": first.seq.0,
                "to": last.seq.0,
                "run": first.run.0,
                "time": last.time.to_string(),
                "head": {"seq": last.seq.0, "hash": last.hash.to_hex()},
            })
        )?,
    }
    Ok(())
}
