//! `malbok keygen`: an Ed25519 key pair in the signed-note key formats, for checkpoints.

use super::{CliError, Context, Format};
use crate::import::InputError;
use crate::ledger::note::{SignerKey, VerifierKey};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Make a key pair for signing checkpoints: PREFIX.key holds the signer key
/// (PRIVATE+KEY+NAME+HASH+KEYDATA, mode 0600: keep it secret), PREFIX.pub the verifier key
/// (NAME+HASH+KEYDATA: publish it). The formats are those of Go's golang.org/x/mod/sumdb/note,
/// so witnesses and other tlog tools read them. Never overwrites a file.
///
/// Example: malbok keygen --name ekero.revision --out ekero
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The key name, written in every signature line (no spaces, no '+'), e.g. the log's origin.
    #[arg(long)]
    name: String,
    /// Where to write: PREFIX.key and PREFIX.pub.
    #[arg(long, default_value = "malbok")]
    out: String,
    /// text, or json: {"signer_key": PATH, "verifier_key": PATH, "verifier": KEY}.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let refuse = |why: String| InputError::new("keygen", None, None, why);
    let (key_path, pub_path) = (format!("{}.key", args.out), format!("{}.pub", args.out));
    for path in [&key_path, &pub_path] {
        if Path::new(path).exists() {
            return Err(refuse(format!("{path} exists; keygen never overwrites a key")).into());
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| refuse(format!("no randomness for a key: {e}")))?;
    let signer = SignerKey::from_seed(&args.name, seed).map_err(|e| refuse(e.to_string()))?;
    let verifier = signer.verifier().encode();
    write_new(&key_path, &signer.encode(), 0o600)?;
    write_new(&pub_path, &verifier, 0o644)?;
    match args.format {
        Format::Text => writeln!(
            out,
            "signer key   {key_path} (mode 0600; keep it secret)\nverifier key {pub_path}: {verifier}"
        )?,
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::json!({"signer_key": key_path, "verifier_key": pub_path,
                               "verifier": verifier})
        )?,
    }
    Ok(())
}

/// Creates `path` (never replacing a file) with `mode` and writes one line.
fn write_new(path: &str, line: &str, mode: u32) -> Result<(), CliError> {
    let refuse =
        |e: std::io::Error| InputError::new(path, None, None, format!("cannot write: {e}"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(refuse)?;
    // The umask may have taken bits away; set exactly the mode asked for.
    file.set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(refuse)?;
    writeln!(file, "{line}").map_err(refuse)?;
    file.sync_all().map_err(refuse)?;
    Ok(())
}

/// Reads a signer key, refusing one that the group or others can read.
pub fn read_signer(path: &str) -> Result<SignerKey, InputError> {
    let refuse = |why: String| InputError::new(path, None, None, why);
    let meta = std::fs::metadata(path).map_err(|e| refuse(format!("cannot read: {e}")))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(refuse(format!(
            "the signer key is readable by group or others (mode {mode:04o}); run chmod 600 {path}"
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| refuse(format!("cannot read: {e}")))?;
    SignerKey::parse(&text).map_err(|e| refuse(e.to_string()))
}

/// Reads verifier keys: one or more files, each with one NAME+HASH+KEYDATA per non-empty line.
pub fn read_verifiers(paths: &[String]) -> Result<Vec<VerifierKey>, InputError> {
    let mut keys = Vec::new();
    for path in paths {
        let text = super::read_input(path)?;
        let text =
            String::from_utf8(text).map_err(|_| InputError::new(path, None, None, "not UTF-8"))?;
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            keys.push(
                VerifierKey::parse(line)
                    .map_err(|e| InputError::new(path, Some(i + 1), None, e.to_string()))?,
            );
        }
    }
    if keys.is_empty() {
        return Err(InputError::new(
            "--key",
            None,
            None,
            "no verifier key given",
        ));
    }
    Ok(keys)
}
