//! `malbok head`: the last event, written so it can be noted down and checked later.

use super::{CliError, Context, Format};
use crate::ledger::Ledger;
use serde_json::json;
use std::io::Write;

/// Print the ledger head as SEQ:HASH, alone on its line. Write it down: `malbok verify --head
/// SEQ:HASH` later proves the ledger still contains exactly that history (nothing rewritten,
/// nothing cut off). --format json adds the head's ledger time and the ledger id.
///
/// Example: malbok verify --head "$(malbok head)"
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let ledger = Ledger::open(&ctx.ledger)?;
    print(&ledger, args.format, out)
}

pub fn print(ledger: &Ledger, format: Format, out: &mut dyn Write) -> Result<(), CliError> {
    let head = ledger.head()?;
    match format {
        // Alone on its line, so `verify --head "$(malbok head)"` works.
        Format::Text => writeln!(out, "{}:{}", head.seq, head.hash.to_hex())?,
        Format::Json => writeln!(
            out,
            "{}",
            json!({
                "seq": head.seq.0,
                "hash": head.hash.to_hex(),
                "time": head.time.to_string(),
                "ledger_id": ledger.ledger_id(),
            })
        )?,
    }
    Ok(())
}
