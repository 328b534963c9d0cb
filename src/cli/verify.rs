//! `malbok verify`: recompute the chain.

use super::{CliError, Context, Format};
use crate::import::InputError;
use crate::ledger::verify::parse_head;
use crate::ledger::{Fault, Ledger, Verified, export};
use serde_json::json;
use std::io::Write;

/// Recompute every hash of the ledger (or of an export, with --file) and check the chain:
/// positions without gaps, each event linked to the one before, ledger time never going back,
/// the genesis event's ledger id matching the metadata. Against a head written down earlier
/// (--head SEQ:HASH, as `malbok head` prints it) it also detects a rewritten history or a cut-off
/// tail. On failure it names the first bad position and exits 1.
///
/// Example: malbok verify --head 1042:9f2c…e1
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A head written down earlier, as SEQ:HASH.
    #[arg(long)]
    head: Option<String>,
    /// Verify an export file instead of the ledger; needs no database.
    #[arg(long)]
    file: Option<String>,
    /// Also rebuild the derived data (indexes) from the events in passing and prove that it
    /// equals what is stored.
    #[arg(long, conflicts_with = "file")]
    deep: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// A published signed checkpoint: the ledger (or --file) must extend it (events/PROOFS.md).
    #[arg(long, requires = "key")]
    checkpoint: Option<String>,
    /// The verifier key(s) of the checkpoint, NAME+HASH+KEYDATA (repeatable).
    #[arg(long, requires = "checkpoint")]
    key: Vec<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let head = match &args.head {
        None => None,
        Some(text) => Some(parse_head(text).ok_or_else(|| {
            InputError::new(
                "--head",
                None,
                None,
                format!("{text:?} is not a head: write SEQ:HASH as `malbok head` prints it"),
            )
        })?),
    };
    if let Some(cp) = &args.checkpoint {
        return super::checkpoint::verify_against(
            cp,
            &args.key,
            args.file.as_deref(),
            head,
            ctx,
            out,
        );
    }
    let result = match &args.file {
        Some(file) => export::verify_export(&super::read_input(file)?, head, |_| {}),
        None => {
            let ledger = Ledger::open(&ctx.ledger)?;
            let result = ledger.verify(head);
            match (result, args.deep) {
                (Ok(verified), true) => match crate::projection::verify_derived(&ledger) {
                    Ok(entries) => {
                        if args.format == Format::Text {
                            writeln!(
                                out,
                                "ok: {entries} derived entries equal those the events give"
                            )?;
                        }
                        Ok(verified)
                    }
                    Err(what) => Err(Fault {
                        seq: verified.head.seq.0,
                        what: format!("derived data: {what}; `malbok reindex` rebuilds it"),
                    }),
                },
                (result, _) => result,
            }
        }
    };
    print(&result, args.format, out)?;
    result.map(|_| ()).map_err(CliError::VerifyFailed)
}

/// Prints a verification result; a failure is printed here and reported again by the exit code.
pub fn print(
    result: &Result<Verified, Fault>,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match (result, format) {
        (Ok(v), Format::Text) => writeln!(
            out,
            "ok: {} events verified, ledger {}, head {}",
            v.head.seq, v.ledger_id, v.head
        )?,
        (Ok(v), Format::Json) => writeln!(
            out,
            "{}",
            json!({"ok": true, "events": v.head.seq.0, "ledger_id": v.ledger_id,
                   "head": {"seq": v.head.seq.0, "hash": v.head.hash.to_hex()}})
        )?,
        (Err(_), Format::Text) => {}
        (Err(f), Format::Json) => writeln!(
            out,
            "{}",
            json!({"ok": false, "position": f.seq, "fault": f.what})
        )?,
    }
    Ok(())
}
