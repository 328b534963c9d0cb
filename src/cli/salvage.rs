//! `malbok salvage`: every intact event out of a damaged ledger, as an export.

use super::{CliError, Context};
use crate::ledger::verify::Chain;
use crate::ledger::{Fault, Ledger, Seq, export};
use std::io::Write;

/// Write every intact event of a (possibly damaged) ledger to FILE in the export format: the
/// chain from the genesis, verified event by event, up to the first position that is missing,
/// damaged or does not chain. It says on standard error what was lost (from which position, and
/// why). `malbok verify --file FILE` checks the result and `malbok --ledger NEW restore FILE`
/// rebuilds a ledger from it. Exits 0 when nothing was lost, 1 when the file holds only the
/// events before the first bad position.
///
/// Example: malbok salvage --out ekero-salvaged.jsonl
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export file to write; an existing file is not overwritten.
    #[arg(long)]
    out: String,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let ledger = Ledger::open(&ctx.ledger)?;
    let mut chain = Chain::new(None);
    let mut lines = Vec::new();
    let mut saved = 0u64;
    let mut lost: Option<Fault> = None;
    for item in ledger.raw_from(Seq(1)) {
        let (seq, hash, bytes) = match item {
            Ok(entry) => entry,
            Err(e) => {
                lost = Some(Fault {
                    seq: chain.next_seq(),
                    what: e.to_string(),
                });
                break;
            }
        };
        match chain.push(&bytes, hash) {
            Ok(_) => {
                export::write_line(&mut lines, &bytes, &hash);
                saved = seq.0;
            }
            Err(fault) => {
                lost = Some(fault);
                break;
            }
        }
    }
    let head = ledger.head().ok();
    if lost.is_none()
        && let Some(head) = &head
        && head.seq.0 > saved
    {
        lost = Some(Fault {
            seq: saved + 1,
            what: format!(
                "the head record names position {} but no event is stored there",
                head.seq
            ),
        });
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .and_then(|mut f| f.write_all(&lines).and_then(|()| f.sync_all()));
    if let Err(e) = written {
        let reason = format!("cannot write the salvaged export: {e}; give another file with --out");
        return Err(crate::import::InputError::new(&args.out, None, None, reason).into());
    }
    writeln!(out, "salvaged {saved} events to {}", args.out)?;
    match lost {
        None => Ok(()),
        Some(fault) => {
            let head = head.map_or("unknown".to_string(), |h| h.seq.to_string());
            eprintln!(
                "malbok: lost everything from position {} on (the recorded head is at {head}): {}",
                fault.seq, fault.what
            );
            Err(CliError::VerifyFailed(fault))
        }
    }
}
