//! `--sign-key FILE`: after an append, a `signature.added` event signs the batch's last event
//! (and through the chain everything before it); see `crate::signatures`.

use super::{CliError, Context};
use crate::import::jsonl::{Line, new_event};
use crate::ledger::Ledger;
use crate::ledger::note::SignerKey;

/// The signer key given with `--sign-key`, read (and its mode checked) before anything is
/// appended, so a bad key refuses the whole command.
pub fn signer(ctx: &Context) -> Result<Option<SignerKey>, CliError> {
    match &ctx.sign_key {
        Some(path) => Ok(Some(super::keygen::read_signer(
            &path.display().to_string(),
        )?)),
        None => Ok(None),
    }
}

/// Appends the signature of the ledger's head by `signer`, if one is given. It is its own
/// append after the signed batch: a crash between the two leaves the batch unsigned (which
/// `verify` counts), never a signature without its event.
pub fn sign_head(
    ledger: &mut Ledger,
    ctx: &Context,
    signer: Option<&SignerKey>,
) -> Result<(), CliError> {
    let Some(signer) = signer else {
        return Ok(());
    };
    let head = ledger.head()?;
    let payload = crate::signatures::payload(signer, head.seq, &head.hash);
    let event = new_event("signature.added".into(), payload).map_err(|(field, reason)| {
        crate::import::InputError::new("--sign-key", None, field.as_deref(), reason)
    })?;
    crate::projection::append_checked(
        ledger,
        &ctx.actor,
        ctx.now,
        "--sign-key",
        vec![Line { line: 1, event }],
    )?;
    Ok(())
}
