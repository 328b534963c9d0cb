//! `malbok export`: the portable form of a ledger.

use super::{CliError, Context};
use crate::ledger::{Ledger, Seq, export};
use std::io::Write;

/// Write the stored events as JSONL, one {"event":<the exact hashed bytes>,"hash":"<hex>"} per
/// line (see events/ENCODING.md). `verify --file` checks an export with no database and
/// `restore` rebuilds an identical ledger from it.
///
/// Example: malbok export > ekero-2021-09-01.jsonl
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Export only up to this position.
    #[arg(long)]
    to: Option<u64>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let ledger = Ledger::open(&ctx.ledger)?;
    // Verify first, then stream: an export never carries a chain that `verify` refuses.
    ledger.verify(None).map_err(CliError::VerifyFailed)?;
    let to = args.to.unwrap_or(u64::MAX);
    let mut buf = Vec::with_capacity(1 << 16);
    for item in ledger.raw_from(Seq(1)) {
        let (seq, hash, bytes) = item?;
        if seq.0 > to {
            break;
        }
        export::write_line(&mut buf, &bytes, &hash);
        if buf.len() >= 1 << 16 {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    out.write_all(&buf)?;
    Ok(())
}
