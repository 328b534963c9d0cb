//! `malbok import`: many events, all or nothing.

use super::{CliError, Context, Format};
use crate::import::jsonl;
use crate::ledger::envelope::Sealed;
use crate::ledger::{Hash, Ledger, LedgerTime, Seq};
use serde_json::json;
use std::io::Write;

/// Append every event of a JSONL file (one {"kind":..,"payload":{..}} per line), all or
/// nothing: a bad line refuses the whole file with file:line: field: reason, and the ledger
/// does not change. All events of one import share one run id and one ledger time. The file is
/// read as it streams, so an import of millions of lines needs little memory: each part is
/// checked and staged, and the import is committed in one step after its last line.
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
    let source = super::input_name(&args.file);
    let input: Box<dyn std::io::BufRead> = if args.file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.file).map_err(|e| {
            crate::import::InputError::new(source, None, None, format!("cannot read: {e}"))
        })?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, file))
    };
    let mut ledger = super::state::open(&ctx.ledger)?;
    // Tests make the parts small to stage many of them.
    let part = std::env::var("MALBOK_IMPORT_PART")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(crate::projection::IMPORT_PART);
    let lines = jsonl::read(source, input);
    let imported =
        crate::projection::import_stream(&mut ledger, &ctx.actor, ctx.now, source, lines, part)?;
    let head = imported.head;
    print(
        imported.count,
        imported.first,
        imported.run,
        (head.seq, head.hash, head.time),
        args.format,
        out,
    )
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
    print(
        appended.len() as u64,
        first.seq,
        first.run,
        (last.seq, last.hash, last.time),
        format,
        out,
    )
}

/// Prints an append: how many events from which position, the run and the new head.
fn print(
    count: u64,
    first: Seq,
    run: Seq,
    (seq, hash, time): (Seq, Hash, LedgerTime),
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match format {
        Format::Text if count == 1 => writeln!(out, "appended {seq} {hash} at {time}")?,
        Format::Text => writeln!(
            out,
            "appended {count} events at {first}–{seq} (run {run}) at {time}\nhead {seq}:{hash}"
        )?,
        Format::Json => writeln!(
            out,
            "{}",
            json!({
                "count": count,
                "from": first.0,
                "to": seq.0,
                "run": run.0,
                "time": time.to_string(),
                "head": {"seq": seq.0, "hash": hash.to_hex()},
            })
        )?,
    }
    Ok(())
}
