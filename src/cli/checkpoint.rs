//! `malbok checkpoint`: the signed tree head of the ledger (a C2SP tlog checkpoint), and the
//! check that a ledger or export extends a published one (`verify --checkpoint`).

use super::{CliError, Context};
use crate::import::InputError;
use crate::ledger::merkle::{self, Builder, TreeHash, leaf_hash};
use crate::ledger::note::{self, CheckedCheckpoint, Checkpoint, SigStatus, SignerKey};
use crate::ledger::{Fault, Ledger, Seq, export};
use std::io::Write;

/// Print the signed checkpoint of the ledger: origin, tree size and the RFC 6962 SHA-256 root
/// of the events (see events/PROOFS.md), then a blank line and the signature line. Publish it:
/// `malbok verify --checkpoint FILE --key PUBKEY` later proves the ledger still extends it, and
/// Go's golang.org/x/mod/sumdb/note reads it. The ledger's chain is verified before signing.
///
/// Example: malbok checkpoint --key ekero.key > checkpoint-2021-09-01.txt
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The signer key (from `malbok keygen`; mode 0600).
    #[arg(long, default_value = "malbok.key")]
    key: String,
    /// The tree size to sign (default: every event); an older size gives an older tree head.
    #[arg(long)]
    size: Option<u64>,
    /// The origin line (default malbok.<ledger id>).
    #[arg(long)]
    origin: Option<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let signer = super::keygen::read_signer(&args.key)?;
    let ledger = super::state::open(&ctx.ledger)?;
    let text = signed(&ledger, args.size, args.origin, &signer)?;
    out.write_all(text.as_bytes())?;
    Ok(())
}

/// The origin a ledger's checkpoints carry unless another is chosen.
pub fn default_origin(ledger: &Ledger) -> String {
    format!("malbok.{}", ledger.ledger_id())
}

/// The tree size asked for, checked against the ledger: 1 ..= the head position.
pub fn size_in(ledger: &Ledger, size: Option<u64>, flag: &str) -> Result<u64, CliError> {
    let head = ledger.head()?.seq.0;
    match size {
        None => Ok(head),
        Some(n) if (1..=head).contains(&n) => Ok(n),
        Some(n) => Err(InputError::new(
            flag,
            None,
            None,
            format!("tree size {n} is not between 1 and the ledger's {head} events"),
        )
        .into()),
    }
}

/// The checkpoint of the first `size` events (default all), after verifying the chain.
pub fn checkpoint(
    ledger: &Ledger,
    size: Option<u64>,
    origin: Option<String>,
) -> Result<Checkpoint, CliError> {
    ledger.verify(None).map_err(CliError::VerifyFailed)?;
    unverified(ledger, size, origin)
}

/// The checkpoint of the first `size` events, read from the stored tree without verifying the
/// chain: only for what is not signed (an unsigned proof is checked against a checkpoint signed
/// earlier, which a rewritten ledger cannot match).
pub fn unverified(
    ledger: &Ledger,
    size: Option<u64>,
    origin: Option<String>,
) -> Result<Checkpoint, CliError> {
    let size = size_in(ledger, size, "--size")?;
    let origin = origin.unwrap_or_else(|| default_origin(ledger));
    if origin.is_empty() || origin.contains('\n') || origin.chars().any(char::is_control) {
        return Err(InputError::new("--origin", None, None, "must be one non-empty line").into());
    }
    let root = merkle::tree_hash(size, &mut crate::tree_store::reader(ledger)?)?;
    Ok(Checkpoint {
        origin,
        size,
        root,
        extensions: Vec::new(),
    })
}

/// The signed checkpoint note of the first `size` events.
pub fn signed(
    ledger: &Ledger,
    size: Option<u64>,
    origin: Option<String>,
    signer: &SignerKey,
) -> Result<String, CliError> {
    let cp = checkpoint(ledger, size, origin)?;
    note::sign(&cp.text(), &[signer])
        .map_err(|e| InputError::new("checkpoint", None, None, e.to_string()).into())
}

/// Reads and checks a signed checkpoint file against the keys; prints each signature's status
/// to `out` (as text lines) and fails unless a given key signed it and none signed it badly.
pub fn open_checked(
    path: &str,
    keys: &[note::VerifierKey],
    out: &mut dyn Write,
) -> Result<CheckedCheckpoint, CliError> {
    let bytes = super::read_input(path)?;
    let checked = note::open_checkpoint(&bytes, keys)
        .map_err(|e| InputError::new(super::input_name(path), None, None, e.to_string()))?;
    report(path, &checked, out)?;
    checked
        .accepted()
        .map_err(|why| CliError::ProofFailed(format!("checkpoint {path}: {why}")))?;
    Ok(checked)
}

/// One line per signature of a checkpoint: name, key id, ok / BAD / unverified.
pub fn report(name: &str, c: &CheckedCheckpoint, out: &mut dyn Write) -> std::io::Result<()> {
    for (s, status) in &c.signatures {
        let status = match status {
            SigStatus::Ok => "ok",
            SigStatus::Bad => "BAD",
            SigStatus::Unverified => "unverified (key not given)",
        };
        writeln!(out, "{name}: signature {} {:08x}: {status}", s.name, s.id)?;
    }
    Ok(())
}

/// `verify --checkpoint FILE --key PUBKEY [--file EXPORT]`: the chain verifies and its first
/// `size` events have the checkpoint's root, so nothing published was rewritten or cut off.
pub fn verify_against(
    checkpoint_path: &str,
    key_paths: &[String],
    file: Option<&str>,
    head: Option<(Seq, crate::ledger::Hash)>,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let keys = super::keygen::read_verifiers(key_paths)?;
    let checked = open_checked(checkpoint_path, &keys, out)?;
    let cp = checked.checkpoint;
    // One pass: the chain check hands over every event, whose bytes are the tree's leaves.
    let mut builder = Builder::new();
    let mut root_at = if cp.size == 0 {
        Some(merkle::empty_root())
    } else {
        None
    };
    let mut leaf = |bytes: &[u8]| {
        builder.push(leaf_hash(bytes), |_, _| {});
        if builder.size() == cp.size {
            root_at = Some(builder.root());
        }
    };
    let verified = match file {
        Some(file) => export::verify_export(&super::read_input(file)?, head, |e| leaf(&e.bytes)),
        None => {
            let ledger = Ledger::open(&ctx.ledger)?;
            let result = ledger.verify(head);
            if result.is_ok() {
                for item in ledger.raw_from(Seq(1)) {
                    leaf(&item?.2);
                }
            }
            result
        }
    };
    let verified = verified.map_err(CliError::VerifyFailed)?;
    let n = verified.head.seq.0;
    let own = format!("malbok.{}", verified.ledger_id);
    if cp.origin.starts_with("malbok.") && cp.origin != own {
        return Err(CliError::ProofFailed(format!(
            "the checkpoint is of {}, this ledger is {own}",
            cp.origin
        )));
    }
    let Some(root) = root_at else {
        return Err(CliError::VerifyFailed(Fault {
            seq: n + 1,
            what: format!(
                "the checkpoint signs {} events but the ledger holds {n}: the tail was cut off",
                cp.size
            ),
        }));
    };
    if root != cp.root {
        return Err(CliError::ProofFailed(format!(
            "the first {} events do not have the checkpoint's root {}: the ledger was rewritten at or before position {}",
            cp.size,
            b64(&cp.root),
            cp.size
        )));
    }
    writeln!(
        out,
        "ok: {n} events verified; the first {} match checkpoint {} ({})",
        cp.size, cp.origin, checkpoint_path
    )?;
    Ok(())
}

fn b64(h: &TreeHash) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(h.0)
}
