//! `malbok restore`: an identical ledger from an export.

use super::{CliError, Context, Format};
use crate::ledger::envelope::Sealed;
use crate::ledger::{Ledger, export};
use std::io::Write;

/// Rebuild a ledger from an export into a new or empty directory: the same ledger id, times,
/// actors and hashes. Every event is verified first; if anything fails nothing is written.
/// This is how an auditor takes a copy of a municipality's ledger.
///
/// Example: malbok --ledger copy.db restore ekero-2021-09-01.jsonl
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export file, or - for standard input.
    file: String,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let bytes = super::read_input(&args.file)?;
    let progress =
        super::progress::Progress::new(ctx.quiet, "restoring", super::progress::Count::Items);
    let mut events = Vec::new();
    let verified = export::verify_export(&bytes, None, |e| {
        progress.inc(1);
        events.push(e)
    });
    let Ok(verified) = &verified else {
        super::verify::print(&verified, args.format, out)?;
        return verified.map(|_| ()).map_err(CliError::VerifyFailed);
    };
    // The chain is intact; the events must also be ones the domain accepts, in order, exactly
    // as an import would have checked them, or the copy would hold events no view can show.
    let source = super::input_name(&args.file);
    let derived = crate::projection::check_chain(source, &events)?;
    let events: Vec<Sealed> = events.into_iter().map(Sealed::from).collect();
    let ledger = Ledger::create(&ctx.ledger, &verified.ledger_id, &events)?;
    let head = ledger.head()?;
    ledger.write_derived(derived, (head.seq, head.hash))?;
    ledger.flush()?;
    progress.finish();
    super::head::print(&ledger, args.format, out)
}
