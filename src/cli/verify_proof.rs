//! `malbok verify-proof`: check a proof file against signed checkpoints, with no ledger.

use super::{CliError, Context, Format};
use crate::import::InputError;
use crate::ledger::merkle::{self, TreeHash};
use crate::ledger::note::{self, TLOG_PROOF_HEADER, TlogProof};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;

/// Check a proof made by `malbok prove` (JSON, or a C2SP tlog-proof) with no ledger at hand:
/// every checkpoint (given with --checkpoint or carried in the proof) must be signed by a given
/// key (other signatures, e.g. witnesses you do not follow, are listed as unverified), and the
/// proof must lead to the roots those checkpoints sign. For an inclusion proof the event's
/// bytes are hashed again, so the event shown is the event proven.
///
/// Example: malbok verify-proof seal-812.proof.json --checkpoint published.txt --key ekero.pub
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The proof file (`-` for standard input).
    file: String,
    /// A signed checkpoint (repeatable), e.g. the one the log published.
    #[arg(long)]
    checkpoint: Vec<String>,
    /// A verifier key file, NAME+HASH+KEYDATA per line (repeatable).
    #[arg(long, required = true)]
    key: Vec<String>,
    /// A published report: the proven event must be its report.sealed, with the report's BLAKE3.
    #[arg(long)]
    report: Option<String>,
    /// text, or json: {"ok", "signatures": [{checkpoint, name, key_id, status}], "proof" | "error"}.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// A proof read from a file, whichever its form.
enum Proof {
    Inclusion {
        origin: Option<String>,
        size: u64,
        index: u64,
        root: Option<TreeHash>,
        event: Option<Vec<u8>>,
        leaf_hash: Option<TreeHash>,
        path: Vec<TreeHash>,
    },
    Consistency {
        origin: Option<String>,
        old: u64,
        new: u64,
        roots: (Option<TreeHash>, Option<TreeHash>),
        path: Vec<TreeHash>,
    },
}

pub fn run(args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let (mut sigs, mut proven) = (Vec::new(), Value::Null);
    if args.format == Format::Text {
        return check(&args, out, &mut sigs, &mut proven);
    }
    let result = check(&args, &mut std::io::sink(), &mut sigs, &mut proven);
    let mut v = json!({"ok": result.is_ok(), "signatures": sigs});
    match &result {
        Ok(()) => v["proof"] = proven,
        Err(e) => v["error"] = json!(e.to_string()),
    }
    writeln!(out, "{v}")?;
    result
}

/// Checks the proof, writing text lines to `out` and collecting each signature's status and
/// what was proven for the JSON form.
fn check(
    args: &Args,
    out: &mut dyn Write,
    sigs: &mut Vec<Value>,
    proven: &mut Value,
) -> Result<(), CliError> {
    let keys = super::keygen::read_verifiers(&args.key)?;
    let name = super::input_name(&args.file).to_string();
    let bytes = super::read_input(&args.file)?;
    let mut checkpoints: Vec<(String, Vec<u8>)> = Vec::new();
    for path in &args.checkpoint {
        checkpoints.push((
            super::input_name(path).to_string(),
            super::read_input(path)?,
        ));
    }
    let proof = if bytes.starts_with(format!("{TLOG_PROOF_HEADER}\n").as_bytes()) {
        let p = TlogProof::parse(&bytes)
            .map_err(|e| InputError::new(&name, None, None, e.to_string()))?;
        let cp = note::Note::parse(p.checkpoint.as_bytes())
            .and_then(|n| note::Checkpoint::parse(&n.text))
            .map_err(|e| InputError::new(&name, None, Some("checkpoint"), e.to_string()))?;
        checkpoints.push((format!("{name} (checkpoint)"), p.checkpoint.into_bytes()));
        Proof::Inclusion {
            origin: Some(cp.origin),
            size: cp.size,
            index: p.index,
            root: None,
            event: p.extra,
            leaf_hash: None,
            path: p.path,
        }
    } else {
        from_json(&name, &bytes, &mut checkpoints)?
    };

    // Every checkpoint must be accepted; together they give the signed root of each size.
    let mut roots: BTreeMap<u64, TreeHash> = BTreeMap::new();
    let mut origin: Option<String> = None;
    for (cname, cbytes) in &checkpoints {
        let checked = note::open_checkpoint(cbytes, &keys)
            .map_err(|e| InputError::new(cname, None, None, e.to_string()))?;
        super::checkpoint::report(cname, &checked, out)?;
        for (sig, status) in &checked.signatures {
            let status = match status {
                note::SigStatus::Ok => "ok",
                note::SigStatus::Bad => "bad",
                note::SigStatus::Unverified => "unverified",
            };
            sigs.push(json!({"checkpoint": cname, "name": sig.name,
                             "key_id": format!("{:08x}", sig.id), "status": status}));
        }
        checked
            .accepted()
            .map_err(|why| CliError::ProofFailed(format!("checkpoint {cname}: {why}")))?;
        let cp = checked.checkpoint;
        if origin.as_ref().is_some_and(|o| *o != cp.origin) {
            return Err(CliError::ProofFailed(format!(
                "checkpoint {cname} is of {}, another is of {}",
                cp.origin,
                origin.unwrap_or_default()
            )));
        }
        origin = Some(cp.origin.clone());
        if roots.insert(cp.size, cp.root).is_some_and(|r| r != cp.root) {
            return Err(CliError::ProofFailed(format!(
                "two signed checkpoints of size {} with different roots: the log forked",
                cp.size
            )));
        }
    }
    let root_of = |size: u64| {
        roots.get(&size).copied().ok_or_else(|| {
            CliError::ProofFailed(format!(
                "no signed checkpoint of tree size {size}: give one with --checkpoint"
            ))
        })
    };
    let fail = |e: merkle::ProofError| CliError::ProofFailed(e.to_string());
    let stated = match &proof {
        Proof::Inclusion { origin, .. } | Proof::Consistency { origin, .. } => origin,
    };
    if let (Some(s), Some(o)) = (stated, &origin)
        && s != o
    {
        return Err(CliError::ProofFailed(format!(
            "the proof is for {s}, the checkpoints are of {o}"
        )));
    }
    let origin = origin.unwrap_or_default();
    match proof {
        Proof::Inclusion {
            size,
            index,
            root: stated_root,
            event,
            leaf_hash,
            path,
            ..
        } => {
            let root = root_of(size)?;
            if stated_root.is_some_and(|r| r != root) {
                return Err(CliError::ProofFailed(
                    "the proof's root is not the root the checkpoint signs".into(),
                ));
            }
            let leaf = match (&event, leaf_hash) {
                (Some(bytes), stated) => {
                    let leaf = merkle::leaf_hash(bytes);
                    if stated.is_some_and(|s| s != leaf) {
                        return Err(CliError::ProofFailed(
                            "leaf_hash is not the hash of the event's bytes".into(),
                        ));
                    }
                    check_seq(bytes, index)?;
                    if let Some(report) = &args.report {
                        check_report(report, bytes)?;
                    }
                    leaf
                }
                (None, Some(stated)) => stated,
                (None, None) => {
                    return Err(InputError::new(
                        &name,
                        None,
                        None,
                        "the proof carries neither the event nor its leaf hash",
                    )
                    .into());
                }
            };
            merkle::verify_inclusion(index, size, &leaf, &path, &root).map_err(fail)?;
            writeln!(
                out,
                "ok: event {} (leaf {index}) is in {origin} at tree size {size}",
                index + 1
            )?;
            *proven = json!({"type": "inclusion", "origin": origin, "tree_size": size,
                             "leaf_index": index, "seq": index + 1, "root": root.to_hex()});
            if let Some(bytes) = event {
                let text = String::from_utf8_lossy(&bytes);
                writeln!(out, "event: {text}")?;
                proven["event"] = json!(text);
            }
        }
        Proof::Consistency {
            old,
            new,
            roots: (old_stated, new_stated),
            path,
            ..
        } => {
            let (old_root, new_root) = (root_of(old)?, root_of(new)?);
            if old_stated.is_some_and(|r| r != old_root)
                || new_stated.is_some_and(|r| r != new_root)
            {
                return Err(CliError::ProofFailed(
                    "the proof's roots are not the roots the checkpoints sign".into(),
                ));
            }
            merkle::verify_consistency(old, new, &old_root, &new_root, &path).map_err(fail)?;
            writeln!(
                out,
                "ok: {origin} at tree size {new} extends tree size {old}"
            )?;
            *proven = json!({"type": "consistency", "origin": origin, "old_size": old,
                             "new_size": new, "old_root": old_root.to_hex(), "new_root": new_root.to_hex()});
        }
    }
    Ok(())
}

/// The event must seal the report: a report.sealed whose report_hash is the report's BLAKE3.
fn check_report(report: &str, event: &[u8]) -> Result<(), CliError> {
    let bytes = super::read_input(report)?;
    let v: Value = serde_json::from_slice(event).unwrap_or(Value::Null);
    if v["kind"] != "report.sealed" {
        return Err(CliError::ProofFailed(
            "--report: the proven event is not a report.sealed".into(),
        ));
    }
    let hash = blake3::hash(&bytes).to_hex().to_string();
    if v["payload"]["report_hash"] != hash.as_str() {
        return Err(CliError::ProofFailed(format!(
            "--report: {report} has BLAKE3 {hash}, the seal says {}",
            v["payload"]["report_hash"]
        )));
    }
    Ok(())
}

/// A malbok event's `seq` must be its leaf index + 1 (other logs' records are not checked).
fn check_seq(bytes: &[u8], index: u64) -> Result<(), CliError> {
    let seq = serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|v| v.get("seq").and_then(Value::as_u64));
    match seq {
        Some(s) if Some(s) != index.checked_add(1) => Err(CliError::ProofFailed(format!(
            "the event has seq {s} but the proof is for leaf {index}"
        ))),
        _ => Ok(()),
    }
}

/// Reads malbok's JSON proof form (see events/PROOFS.md), collecting the checkpoints it carries.
fn from_json(
    name: &str,
    bytes: &[u8],
    checkpoints: &mut Vec<(String, Vec<u8>)>,
) -> Result<Proof, InputError> {
    let bad = |field: &str, why: &str| InputError::new(name, None, Some(field), why);
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| InputError::new(name, Some(e.line()), None, format!("not a proof: {e}")))?;
    let Some(obj) = v.as_object() else {
        return Err(bad("", "a proof is a JSON object"));
    };
    let size = |field: &str| {
        obj.get(field)
            .and_then(Value::as_u64)
            .ok_or_else(|| bad(field, "missing or not a non-negative integer"))
    };
    let hash = |field: &str, v: &Value| {
        v.as_str()
            .and_then(TreeHash::from_hex)
            .ok_or_else(|| bad(field, "not 64 lowercase hex digits"))
    };
    let opt_hash = |field: &str| obj.get(field).map(|v| hash(field, v)).transpose();
    let path = || -> Result<Vec<TreeHash>, InputError> {
        let items = obj
            .get("path")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("path", "missing or not an array"))?;
        items.iter().map(|v| hash("path", v)).collect()
    };
    let origin = match obj.get("origin") {
        None => None,
        Some(o) => Some(
            o.as_str()
                .ok_or_else(|| bad("origin", "not a string"))?
                .to_string(),
        ),
    };
    for field in ["checkpoint", "old_checkpoint", "new_checkpoint"] {
        if let Some(c) = obj.get(field) {
            let text = c.as_str().ok_or_else(|| bad(field, "not a string"))?;
            checkpoints.push((format!("{name} ({field})"), text.as_bytes().to_vec()));
        }
    }
    let kind = obj.get("type").and_then(Value::as_str);
    let allowed: &[&str] = match kind {
        Some("inclusion") => &[
            "type",
            "origin",
            "tree_size",
            "seq",
            "leaf_index",
            "event",
            "leaf_hash",
            "root",
            "path",
            "checkpoint",
        ],
        _ => &[
            "type",
            "origin",
            "old_size",
            "new_size",
            "old_root",
            "new_root",
            "path",
            "old_checkpoint",
            "new_checkpoint",
        ],
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(bad(k, "not a member of this kind of proof"));
    }
    match kind {
        Some("inclusion") => {
            let index = size("leaf_index")?;
            if obj.get("seq").is_some() && size("seq")? != index.wrapping_add(1) {
                return Err(bad("seq", "is not leaf_index + 1"));
            }
            let event = match obj.get("event") {
                None => None,
                Some(e) => Some(
                    e.as_str()
                        .ok_or_else(|| bad("event", "not a string"))?
                        .as_bytes()
                        .to_vec(),
                ),
            };
            Ok(Proof::Inclusion {
                origin,
                size: size("tree_size")?,
                index,
                root: opt_hash("root")?,
                event,
                leaf_hash: opt_hash("leaf_hash")?,
                path: path()?,
            })
        }
        Some("consistency") => Ok(Proof::Consistency {
            origin,
            old: size("old_size")?,
            new: size("new_size")?,
            roots: (opt_hash("old_root")?, opt_hash("new_root")?),
            path: path()?,
        }),
        _ => Err(bad("type", "must be \"inclusion\" or \"consistency\"")),
    }
}
