//! `malbok verify`: recompute the chain.

use super::{CliError, Context, Format};
use crate::import::InputError;
use crate::ledger::verify::parse_head;
use crate::ledger::{Fault, Hash, Ledger, Seq, Verified, export};
use serde_json::json;
use std::io::Write;

/// Recompute every hash of the ledger (or of an export, with --file) and check the chain:
/// positions without gaps, each event linked to the one before, ledger time never going back,
/// the genesis event's ledger id matching the metadata. Against a head written down earlier
/// (--head SEQ:HASH, as `malbok head` prints it) it also detects a rewritten history or a cut-off
/// tail. On failure it names the first bad position and exits 1.
///
/// The hash may be shortened to a prefix of at least 12 hex digits (SEQ:PREFIX, or PREFIX
/// alone when it is unique among the ledger's hashes).
///
/// Example: malbok verify --head 1042:9f2c4b7a1d3e
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A head written down earlier, as SEQ:HASH (the hash or a 12+ digit prefix of it).
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
        Some(text) => match parse_head(text) {
            Some(head) => Some(head),
            None => match prefix_head(text, args.file.as_deref(), ctx)? {
                Ok(head) => Some(head),
                Err(fault) => {
                    let result = Err(fault);
                    print(&result, args.format, out)?;
                    return result.map(|_| ()).map_err(CliError::VerifyFailed);
                }
            },
        },
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
    // A file's events are counted as they are read; the ledger's verification gives no count.
    let count = match args.file {
        Some(_) => super::progress::Count::Items,
        None => super::progress::Count::Nothing,
    };
    let progress = super::progress::Progress::new(ctx.quiet, "verifying", count);
    let result = match &args.file {
        Some(file) => export::verify_export(&super::read_input(file)?, head, |_| progress.inc(1)),
        None => {
            let mut ledger = Ledger::open(&ctx.ledger)?;
            // Tests look for waiting readers after every block or few.
            if let Some(blocks) = std::env::var("MALBOK_READERS_CHECK")
                .ok()
                .and_then(|v| v.parse().ok())
            {
                ledger.set_readers_check(blocks);
            }
            let result = ledger.verify_letting_readers_in(head);
            let result = match (result, args.deep) {
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
            };
            // Signatures are checked on an intact chain; each actor's count is reported.
            match result {
                Ok(verified) => match crate::signatures::check(&ledger) {
                    Ok(report) => {
                        // A ledger that never saw a key says nothing about signatures.
                        if args.format == Format::Text && report.keys + report.signatures > 0 {
                            for (actor, (signed, all)) in &report.actors {
                                writeln!(out, "signed: {actor}: {signed} of {all} events")?;
                            }
                        }
                        Ok(verified)
                    }
                    Err(fault) => Err(fault),
                },
                Err(fault) => Err(fault),
            }
        }
    };
    progress.finish();
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

/// `resolve_prefix` against the ledger or the export file, each opened (and closed again)
/// only for this.
fn prefix_head(
    text: &str,
    file: Option<&str>,
    ctx: &Context,
) -> Result<Result<(Seq, Hash), Fault>, CliError> {
    match file {
        Some(file) => resolve_prefix(text, None, Some(&super::read_input(file)?)),
        None => resolve_prefix(text, Some(&Ledger::open(&ctx.ledger)?), None),
    }
}

/// The shortest hash prefix `--head` accepts: 12 hex digits (48 bits) make an accidental match
/// among millions of events very unlikely, and a match is still checked to be unique.
const MIN_PREFIX: usize = 12;

/// Resolves `--head SEQ:PREFIX` or `--head PREFIX` (a hash shortened to at least 12 hex digits)
/// to the full head, from the stored hashes. A prefix that matches no hash at SEQ is a failed
/// verification (the history differs from what was written down); a malformed, too short,
/// unknown or ambiguous prefix is refused.
fn resolve_prefix(
    text: &str,
    ledger: Option<&Ledger>,
    file: Option<&[u8]>,
) -> Result<Result<(Seq, Hash), Fault>, CliError> {
    let refuse = |why: String| InputError::new("--head", None, None, format!("{text:?}: {why}"));
    let (seq, prefix) = match text.split_once(':') {
        Some((seq, prefix)) => {
            // Written as `malbok head` prints it: digits only, no sign, no leading zero.
            let plain = seq.bytes().all(|b| b.is_ascii_digit()) && !seq.starts_with('0');
            let seq = seq
                .parse::<u64>()
                .ok()
                .filter(|&n| n > 0 && plain)
                .ok_or_else(|| {
                    refuse("the part before `:` is not a ledger position such as 1042".into())
                })?;
            (Some(seq), prefix)
        }
        None => (None, text),
    };
    let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if prefix.is_empty() || !prefix.bytes().all(lower_hex) || prefix.len() > 64 {
        return Err(refuse(
            "not a head: write SEQ:HASH as `malbok head` prints it (the hash in lowercase hex)"
                .into(),
        )
        .into());
    }
    if prefix.len() < MIN_PREFIX {
        return Err(refuse(format!(
            "a hash prefix of {} hex digits is too short: give at least {MIN_PREFIX}, or the whole SEQ:HASH as `malbok head` prints it",
            prefix.len()
        ))
        .into());
    }
    // Every stored (position, hash), from the ledger or the export file.
    let mut entries: Vec<(Seq, Hash)> = Vec::new();
    if let Some(ledger) = ledger {
        for item in ledger.raw_from(Seq(seq.unwrap_or(1))) {
            let (at, hash, _) = item?;
            if seq.is_some_and(|s| at.0 > s) {
                break;
            }
            entries.push((at, hash));
        }
    }
    if let Some(bytes) = file {
        for (i, line) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
            let Ok((hash, _)) = export::split_line(line.strip_suffix(b"\n").unwrap_or(line)) else {
                // A damaged line is for the verification itself to report.
                continue;
            };
            entries.push((Seq(i as u64 + 1), hash));
        }
    }
    let matches: Vec<(Seq, Hash)> = entries
        .iter()
        .filter(|(at, hash)| seq.is_none_or(|s| at.0 == s) && hash.to_hex().starts_with(prefix))
        .copied()
        .collect();
    match (matches.as_slice(), seq) {
        ([one], _) => Ok(Ok(*one)),
        ([], Some(s)) => {
            let stored = entries.iter().find(|(at, _)| at.0 == s);
            Ok(Err(match stored {
                Some((_, hash)) => Fault {
                    seq: s,
                    what: format!(
                        "the recorded head says {s}:{prefix}…, the ledger has {s}:{hash}: the ledger was rewritten from here or before"
                    ),
                },
                None => Fault {
                    seq: entries.last().map_or(1, |(at, _)| at.0 + 1),
                    what: format!(
                        "the ledger has no position {s} but the recorded head is there: the tail was cut off"
                    ),
                },
            }))
        }
        ([], None) => Err(refuse(
            "no stored event's hash starts with it; write SEQ:HASH as `malbok head` prints it"
                .into(),
        )
        .into()),
        (many, _) => Err(refuse(format!(
            "{} stored hashes start with it; give more digits or SEQ:HASH",
            many.len()
        ))
        .into()),
    }
}
