//! `malbok diff`: everything appended after a seal that changes what its report shows.

use super::reproduce::find_seal;
use super::state::KnownAt;
use super::{CliError, Context, Format};
use crate::domain::JournalEntry;
use crate::report::changes::{changes_after, report_subjects};
use serde::Serialize;
use std::io::Write;

/// List every event appended after the sealed head that touches what the report shows — its
/// goals, indicators and their targets, the follow-up, the body's assessments and summary, the
/// method — with ledger position and time, actor, decision or reason, and each field old → new.
///
/// Example: malbok diff 271
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The seal id (the ledger position `malbok seal` printed).
    seal: u64,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Serialize)]
struct Change<'a> {
    #[serde(flatten)]
    entry: &'a JournalEntry,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let ledger = super::state::open(&ctx.ledger)?;
    let seal = find_seal(&ledger, args.seal)?.def;
    let state = super::reproduce::seal_state(&ledger, &seal, KnownAt::Now)?;
    let subjects = report_subjects(&state, &seal.follow_up, seal.body.as_ref());
    let changes = changes_after(&state, seal.head_seq, &subjects);
    match args.format {
        Format::Json => {
            let list: Vec<Change> = changes.iter().map(|entry| Change { entry }).collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&list).map_err(std::io::Error::other)?
            )?;
        }
        Format::Text => {
            if changes.is_empty() {
                writeln!(
                    out,
                    "no change since seal {} (made from position {})",
                    args.seal, seal.head_seq
                )?;
            }
            for e in changes {
                write!(out, "{}", render_change(e))?;
            }
        }
    }
    Ok(())
}

/// One change as text: position, time, actor, kind, subject, decision, old → new per field.
pub fn render_change(e: &JournalEntry) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let subject = e.subjects.first().map_or("", |i| i.as_str());
    let _ = write!(
        s,
        "{:>6}  {}  {}  {}  {subject}",
        e.prov.seq, e.prov.time, e.prov.actor, e.kind
    );
    if let Some(d) = &e.basis.decision {
        let _ = write!(s, "  ({d})");
    }
    if let Some(r) = &e.basis.reason {
        let _ = write!(s, "  reason: {r}");
    }
    let _ = writeln!(s);
    for c in &e.changes {
        let _ = writeln!(
            s,
            "        {}: {} → {}",
            c.field,
            c.old.as_deref().unwrap_or("–"),
            c.new.as_deref().unwrap_or("–")
        );
    }
    s
}
