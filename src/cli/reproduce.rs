//! `malbok reproduce`: rebuild a sealed report and prove it byte for byte.

use super::report::make;
use super::state::KnownAt;
use super::{CliError, Context, Format};
use crate::domain::{DomainEvent, Prov, Seal};
use crate::import::InputError;
use crate::ledger::{Fault, Hash, Ledger, Seq};
use crate::report::Source;
use crate::report::render::ReportFormat;
use std::io::Write;

/// Rebuild a sealed report from the events up to the head it was made from, verify the chain up
/// to that head, and compare the report's hash with the seal: byte-identical, or a failure
/// naming the first difference (exit 1).
///
/// Example: malbok reproduce 271 --out delar-2021.md
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The seal id (the ledger position `malbok seal` printed).
    seal: u64,
    /// Write the rebuilt report to this file.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// text, or json: {"reproduced":true,"seal","report_hash","head":{"seq","hash"}}.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Finds a seal in the ledger by its position: the one event stored there.
pub fn find_seal(ledger: &Ledger, seal: u64) -> Result<Seal, CliError> {
    let not_a_seal = || {
        InputError::new(
            "SEAL",
            None,
            None,
            format!("position {seal} is not a report.sealed event"),
        )
    };
    if seal == 0 || seal > ledger.head()?.seq.0 {
        return Err(not_a_seal().into());
    }
    let Some(event) = ledger.events_at([Seq(seal)]).next().transpose()? else {
        return Err(not_a_seal().into());
    };
    let payload = serde_json::Value::Object(event.payload.clone());
    match DomainEvent::parse(&event.kind, &payload) {
        Ok(DomainEvent::ReportSealed(def)) => Ok(Seal {
            prov: Prov {
                seq: event.seq.0,
                time: event.time.to_string(),
                actor: event.actor,
                provenance: def.provenance.clone(),
            },
            def,
        }),
        _ => Err(not_a_seal().into()),
    }
}

/// The state of the sealed report's organisation as known at `known`, with the journal.
pub fn seal_state(
    ledger: &Ledger,
    seal: &crate::domain::ReportSealed,
    known: KnownAt,
) -> Result<crate::domain::State, CliError> {
    Ok(super::state::of_id(ledger, seal.follow_up.as_str(), "SEAL", known)?.0)
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let mut ledger = super::state::open(&ctx.ledger)?;
    let seal = find_seal(&ledger, args.seal)?.def;
    let head_hash = Hash::from_hex(&seal.head_hash).ok_or_else(|| {
        CliError::VerifyFailed(Fault {
            seq: args.seal,
            what: "the seal's head hash is not a hash".into(),
        })
    })?;
    // The history the report was made from must be intact and unchanged.
    ledger
        .verify_letting_readers_in(Some((Seq(seal.head_seq), head_hash)))
        .map_err(CliError::VerifyFailed)?;
    // The seal ties the report to the tree of the events it was made from: a checkpoint of
    // that size or later proves the seal's place. A rewritten and re-hashed history has
    // another root even where the BLAKE3 chain was recomputed to verify.
    if let (Some(size), Some(root)) = (seal.tree_size, &seal.tree_root) {
        let actual =
            crate::ledger::merkle::tree_hash(size, &mut crate::tree_store::reader(&ledger)?)?;
        if actual.to_hex() != *root {
            return Err(CliError::VerifyFailed(Fault {
                seq: args.seal,
                what: format!(
                    "the seal records tree root {root} for the first {size} events, the ledger's is {}: the events the report was made from are not the ones sealed",
                    actual.to_hex()
                ),
            }));
        }
    }
    let state = seal_state(&ledger, &seal, KnownAt::Seq(Seq(seal.head_seq)))?;
    let format =
        ReportFormat::from_name(&seal.format).expect("a checked seal names a known format");
    let source = Source {
        ledger_id: ledger.ledger_id().to_string(),
        head_seq: seal.head_seq,
        head_hash: seal.head_hash.clone(),
    };
    let bytes = make(&state, &seal.follow_up, seal.body.as_ref(), source, format)?;
    if let Some(path) = &args.out {
        std::fs::write(path, &bytes).map_err(|e| {
            InputError::new(
                &path.display().to_string(),
                None,
                None,
                format!("cannot write: {e}"),
            )
        })?;
    }
    let hash = blake3::hash(&bytes).to_hex().to_string();
    if hash != seal.report_hash {
        return Err(CliError::VerifyFailed(Fault {
            seq: args.seal,
            what: format!(
                "the rebuilt report hashes to {hash}, the seal says {}{}",
                seal.report_hash,
                if args.out.is_some() {
                    "; the rebuilt report was written to --out"
                } else {
                    ""
                }
            ),
        }));
    }
    match args.format {
        Format::Text => writeln!(
            out,
            "reproduced: the report of seal {} is byte-identical (BLAKE3 {hash}), made from head {}:{}",
            args.seal, seal.head_seq, seal.head_hash
        )?,
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::json!({
                "reproduced": true,
                "seal": args.seal,
                "report_hash": hash,
                "head": {"seq": seal.head_seq, "hash": seal.head_hash},
            })
        )?,
    }
    Ok(())
}
