//! `malbok seal`: publish a report: record what it was made from and the hash of its bytes.

use super::report::{Which, make};
use super::state::KnownAt;
use super::{CliError, Context, Format};
use crate::import::InputError;
use crate::import::jsonl::{Line, new_event};
use crate::report::Source;
use crate::report::render::ReportFormat;
use serde_json::json;
use std::io::Write;

/// Seal a report at publication: appends a report.sealed event holding the follow-up, body,
/// format, the ledger head the report is made from and the BLAKE3 hash of the report's bytes.
/// Prints the seal id (its ledger position): `malbok reproduce SEAL` proves the report later,
/// `malbok diff SEAL` lists what changed since.
///
/// Example: malbok seal --follow-up "Delår 2021" --org ekero --body ekero.sn --report-format md
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    which: Which,
    /// The format of the published report.
    #[arg(long, value_enum)]
    report_format: ReportFormat,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let mut ledger = super::state::open(&ctx.ledger)?;
    // A seal certifies the history it was made from: that history must verify first. (This
    // reads the whole chain; verifying only what was appended since the last verified seal is
    // the faster way, not built yet.)
    let verified = ledger.verify(None).map_err(CliError::VerifyFailed)?;
    let (state, (head_seq, head_hash)) = args.which.state(&ledger, KnownAt::Now)?;
    debug_assert_eq!(verified.head.seq, head_seq);
    let (follow_up, body) = args.which.resolve(&state)?;
    let source = Source {
        ledger_id: ledger.ledger_id().to_string(),
        head_seq: head_seq.0,
        head_hash: head_hash.to_hex(),
    };
    let bytes = make(
        &state,
        &follow_up,
        body.as_ref(),
        source,
        args.report_format,
    )?;
    let report_hash = blake3::hash(&bytes).to_hex().to_string();
    // The tree root at the report's head ties the seal to any checkpoint of that size or later.
    let tree_root =
        crate::ledger::merkle::tree_hash(head_seq.0, &mut crate::tree_store::reader(&ledger)?)?;
    let mut payload = json!({
        "follow_up": follow_up.as_str(),
        "format": args.report_format.name(),
        "head_seq": head_seq.0,
        "head_hash": head_hash.to_hex(),
        "report_hash": report_hash,
        "tree_size": head_seq.0,
        "tree_root": tree_root.to_hex(),
    });
    if let Some(body) = &body {
        payload["body"] = json!(body.as_str());
    }
    let event = new_event("report.sealed".into(), payload)
        .map_err(|(field, reason)| InputError::new("seal", None, field.as_deref(), reason))?;
    let appended =
        super::import::append_checked(&mut ledger, ctx, "seal", vec![Line { line: 1, event }])?;
    let seal = appended.last().expect("one event appended");
    match args.format {
        Format::Text => writeln!(
            out,
            "seal {}: report {report_hash} made from head {}:{}\nreproduce it with: malbok reproduce {}",
            seal.seq, head_seq, head_hash, seal.seq
        )?,
        Format::Json => writeln!(
            out,
            "{}",
            json!({"seal": seal.seq.0, "report_hash": report_hash,
                   "head": {"seq": head_seq.0, "hash": head_hash.to_hex()}, "hash": seal.hash.to_hex()})
        )?,
    }
    Ok(())
}
