//! `malbok prove`: inclusion and consistency proofs of the RFC 6962 tree, for checking one
//! event or a later tree head in O(log n) without the ledger (see events/PROOFS.md).

use super::checkpoint::{checkpoint, size_in};
use super::{CliError, Context};
use crate::import::InputError;
use crate::ledger::merkle::{self, TreeHash};
use crate::ledger::note::{self, TlogProof};
use crate::ledger::{Event, Seq};
use clap::{Subcommand, ValueEnum};
use serde_json::json;
use std::io::Write;

/// Print a proof. `inclusion SEQ`: event SEQ is in the tree of the first N events (its bytes,
/// leaf hash, audit path and root); `seal SEAL`: the same for a report.sealed event, the bundle
/// an auditor keeps beside a published report; `consistency OLD [NEW]`: the tree of NEW events
/// extends the tree of OLD events. With --key each proof carries the signed checkpoints it leads
/// to; `malbok verify-proof` and Go's sumdb/tlog check them with no ledger at hand.
///
/// Example: malbok prove seal 812 --key ekero.key > seal-812.proof.json
///          malbok prove inclusion 812 --key ekero.key --format tlog-proof
///          malbok prove consistency 812 --key ekero.key
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(Debug, Subcommand)]
enum What {
    /// Event SEQ is leaf SEQ−1 of the tree of the first N events.
    Inclusion(Inclusion),
    /// Like inclusion, for a report.sealed event (a sealed report's proof bundle).
    Seal(Inclusion),
    /// The tree of NEW events (default: all) extends the tree of OLD events.
    Consistency(Consistency),
}

#[derive(Debug, clap::Args)]
struct Inclusion {
    /// The event's position.
    seq: u64,
    /// The tree size (default: every event).
    #[arg(long)]
    size: Option<u64>,
    /// A signer key: the proof then carries the signed checkpoint of that size.
    #[arg(long)]
    key: Option<String>,
    /// The checkpoint's origin (default malbok.<ledger id>).
    #[arg(long)]
    origin: Option<String>,
    /// json (malbok's proof file) or tlog-proof (C2SP; needs --key).
    #[arg(long, value_enum, default_value_t)]
    format: ProofFormat,
}

#[derive(Debug, clap::Args)]
struct Consistency {
    /// The older tree size.
    old: u64,
    /// The newer tree size (default: every event).
    new: Option<u64>,
    /// A signer key: the proof then carries the signed checkpoints of both sizes.
    #[arg(long)]
    key: Option<String>,
    /// The checkpoints' origin (default malbok.<ledger id>).
    #[arg(long)]
    origin: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
enum ProofFormat {
    #[default]
    Json,
    TlogProof,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    match args.what {
        What::Inclusion(a) => inclusion(a, false, ctx, out),
        What::Seal(a) => inclusion(a, true, ctx, out),
        What::Consistency(a) => consistency(a, ctx, out),
    }
}

fn refused(flag: &str, why: String) -> CliError {
    InputError::new(flag, None, None, why).into()
}

fn inclusion(a: Inclusion, seal: bool, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let signer = a
        .key
        .as_deref()
        .map(super::keygen::read_signer)
        .transpose()?;
    if a.format == ProofFormat::TlogProof && signer.is_none() {
        return Err(refused(
            "--format",
            "a tlog-proof holds a signed checkpoint: give --key".into(),
        ));
    }
    let ledger = super::state::open(&ctx.ledger)?;
    // A signed checkpoint certifies the ledger: verify the chain first. An unsigned proof is
    // worth only what a signed checkpoint makes of it, so it costs O(log n) reads.
    let cp = if signer.is_some() {
        checkpoint(&ledger, a.size, a.origin)?
    } else {
        super::checkpoint::unverified(&ledger, a.size, a.origin)?
    };
    if a.seq == 0 || a.seq > cp.size {
        return Err(refused(
            "SEQ",
            format!("event {} is not in the tree of {} events", a.seq, cp.size),
        ));
    }
    let Some(item) = ledger.raw_from(Seq(a.seq)).next() else {
        return Err(refused("SEQ", format!("no event {}", a.seq)));
    };
    let (_, hash, bytes) = item?;
    if seal {
        let event = Event::decode(&bytes, hash)
            .map_err(|why| crate::ledger::LedgerError::Damaged { seq: a.seq, why })?;
        if event.kind != "report.sealed" {
            return Err(refused(
                "SEAL",
                format!("event {} is a {}, not a report.sealed", a.seq, event.kind),
            ));
        }
    }
    let index = a.seq - 1;
    let path = merkle::prove_inclusion(index, cp.size, &mut crate::tree_store::reader(&ledger)?)?
        .map_err(|e| refused("SEQ", e.to_string()))?;
    let signed = match &signer {
        Some(s) => {
            Some(note::sign(&cp.text(), &[s]).map_err(|e| refused("--origin", e.to_string()))?)
        }
        None => None,
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| crate::ledger::LedgerError::Damaged {
        seq: a.seq,
        why: "the event's bytes are not UTF-8".into(),
    })?;
    match a.format {
        ProofFormat::TlogProof => {
            let proof = TlogProof {
                extra: Some(bytes.clone()),
                index,
                path,
                checkpoint: signed.unwrap_or_default(),
            };
            out.write_all(proof.encode().as_bytes())?;
        }
        ProofFormat::Json => {
            let mut v = json!({
                "type": "inclusion",
                "origin": cp.origin,
                "tree_size": cp.size,
                "seq": a.seq,
                "leaf_index": index,
                "event": text,
                "leaf_hash": merkle::leaf_hash(&bytes).to_hex(),
                "root": cp.root.to_hex(),
                "path": hexes(&path),
            });
            if let Some(s) = signed {
                v["checkpoint"] = json!(s);
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).map_err(std::io::Error::other)?
            )?;
        }
    }
    Ok(())
}

fn consistency(a: Consistency, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let signer = a
        .key
        .as_deref()
        .map(super::keygen::read_signer)
        .transpose()?;
    let ledger = super::state::open(&ctx.ledger)?;
    let new = if signer.is_some() {
        checkpoint(&ledger, a.new, a.origin.clone())?
    } else {
        super::checkpoint::unverified(&ledger, a.new, a.origin.clone())?
    };
    let old_size = size_in(&ledger, Some(a.old), "OLD")?;
    if old_size > new.size {
        return Err(refused(
            "OLD",
            format!("{old_size} is beyond NEW {}", new.size),
        ));
    }
    let mut reader = crate::tree_store::reader(&ledger)?;
    let old = crate::ledger::note::Checkpoint {
        size: old_size,
        root: merkle::tree_hash(old_size, &mut reader)?,
        ..new.clone()
    };
    let path = merkle::prove_consistency(old.size, new.size, &mut reader)?
        .map_err(|e| refused("OLD", e.to_string()))?;
    let mut v = json!({
        "type": "consistency",
        "origin": new.origin,
        "old_size": old.size,
        "new_size": new.size,
        "old_root": old.root.to_hex(),
        "new_root": new.root.to_hex(),
        "path": hexes(&path),
    });
    if let Some(s) = &signer {
        let sign = |cp: &crate::ledger::note::Checkpoint| {
            note::sign(&cp.text(), &[s]).map_err(|e| refused("--origin", e.to_string()))
        };
        v["old_checkpoint"] = json!(sign(&old)?);
        v["new_checkpoint"] = json!(sign(&new)?);
    }
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&v).map_err(std::io::Error::other)?
    )?;
    Ok(())
}

fn hexes(path: &[TreeHash]) -> Vec<String> {
    path.iter().map(TreeHash::to_hex).collect()
}
