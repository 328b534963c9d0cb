//! `malbok gen`: realistic national data for benchmarks, as import JSONL.

use super::{CliError, Context};
use crate::r#gen::{Spec, parse_size};
use crate::import::InputError;
use std::io::Write;

/// Generate realistic national data as import JSONL (one {"kind":..,"payload":{..}} per line,
/// as `malbok import` reads): organisations with 4-digit Kolada ids, bodies, plans, goals,
/// indicators tied to Kolada KPIs, targets and revisions with decision references, ten years
/// of yearly and interim readings with corrections and not-measurable periods, follow-ups twice
/// a year with assessments, methods and published summaries. About 5,100 events per
/// organisation. Deterministic: the same arguments give the same bytes. Seals are left out:
/// they hash a report, so make them with `malbok seal`.
///
/// Corrections name the reading they correct by its ledger position, and an import puts its
/// first line at the head + 1: give the head of the ledger the file goes into as --after.
///
/// Example: malbok init && malbok gen --size small --seed 1 --out small.jsonl && malbok import small.jsonl
///
/// A second set into the same ledger (different seeds give disjoint ids); `malbok head`
/// prints `SEQ:HASH`, and --after takes SEQ or SEQ:HASH:
///   malbok gen --size small --seed 2 --after "$(malbok head)" --out more.jsonl
#[derive(Debug, clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// small (100,000 events), medium (1,000,000), national (10,000,000) or a number of events.
    #[arg(long, default_value = "small")]
    size: String,
    /// Goes into every id (k0125s2...), so different seeds give disjoint data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The head position (SEQ or SEQ:HASH) of the ledger the file will be imported into;
    /// 1 for a fresh ledger, which holds only its genesis event.
    #[arg(long, default_value = "1")]
    after: String,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let refuse = |flag: &str, reason: String| InputError::new(flag, None, None, reason);
    let events = parse_size(&args.size).map_err(|e| refuse("--size", e))?;
    let seq = args.after.split(':').next().unwrap_or_default();
    let after = seq.parse::<u64>().map_err(|_| {
        refuse(
            "--after",
            format!(
                "{:?} is not a ledger position such as 1 or 120:8999…",
                args.after
            ),
        )
    })?;
    let spec = Spec::new(events, args.seed, after).map_err(|e| refuse("--size", e))?;
    let progress =
        super::progress::Progress::new(ctx.quiet, "generating", super::progress::Count::Of(events));
    match &args.out {
        None => {
            let mut out = super::progress::CountLines {
                inner: out,
                progress: &progress,
            };
            crate::r#gen::write(&spec, &mut out)?;
        }
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| refuse(&path.display().to_string(), format!("cannot create: {e}")))?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            let mut counted = super::progress::CountLines {
                inner: &mut w,
                progress: &progress,
            };
            crate::r#gen::write(&spec, &mut counted)?;
            w.flush()?;
        }
    }
    Ok(())
}
