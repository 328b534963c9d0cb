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
    let lines = jsonl::parse(super::input_name(&args.file), &bytes)?;
    let mut ledger = Ledger::open(&ctx.ledger)?;
    let events: Vec<_> = lines.into_iter().map(|l| l.event).collect();
    let appended = ledger.append(&events, &ctx.actor, ctx.now)?;
    report(&appended, args.format, out)
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
