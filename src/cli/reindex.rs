//! `malbok reindex`: rebuild the derived data from the events.

use super::{CliError, Context, Format};
use crate::ledger::Ledger;
use serde_json::json;
use std::io::Write;

/// Throw away the derived data (the id, subject and organisation indexes) and rebuild it from
/// the events alone. Never needed in normal use — every append keeps it up to date and opening
/// a ledger catches it up after a crash — but it proves that derived data is only derived, and
/// repairs it if it was damaged (`malbok verify --deep` says so).
///
/// Example: malbok reindex && malbok verify --deep
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let mut ledger = Ledger::open(&ctx.ledger)?;
    let progress =
        super::progress::Progress::new(ctx.quiet, "reindexing", super::progress::Count::Nothing);
    let events = crate::projection::reindex(&ledger)?;
    // Rewriting every derived entry is a large write: see `Ledger::settle`.
    ledger.settle()?;
    progress.finish();
    let head = ledger.head()?;
    match args.format {
        Format::Text => writeln!(out, "reindexed {events} events up to head {head}")?,
        Format::Json => writeln!(
            out,
            "{}",
            json!({"events": events, "head": {"seq": head.seq.0, "hash": head.hash.to_hex()}})
        )?,
    }
    Ok(())
}
