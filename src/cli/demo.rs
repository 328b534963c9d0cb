//! `malbok demo`: the main job, end to end, on the seed fixtures.

use super::{CliError, Context, Format};
use crate::import::jsonl;
use crate::ledger::Ledger;
use std::io::Write;

/// The seed municipalities, compiled in so the demo runs from any directory.
pub const FIXTURES: &[(&str, &str)] = &[(
    "fixtures/demo/events.jsonl",
    include_str!("../../fixtures/demo/events.jsonl"),
)];

/// Build a ledger from the seed fixtures in a new directory (given with --ledger, or a temporary
/// one), verify it and print what it holds.
///
/// Example: malbok demo
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the ledger in this new directory instead of a temporary one.
    #[arg(long)]
    keep: Option<std::path::PathBuf>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let temp = tempfile::tempdir()?;
    let path = args.keep.unwrap_or_else(|| temp.path().join("malbok.db"));
    let mut ledger = Ledger::init(&path, &ctx.actor, ctx.now)?;
    for (name, text) in FIXTURES {
        let lines = jsonl::parse(name, text.as_bytes())?;
        let events: Vec<_> = lines.into_iter().map(|l| l.event).collect();
        let appended = ledger.append(&events, &ctx.actor, ctx.now)?;
        writeln!(out, "imported {name}: {} events", appended.len())?;
    }
    let verified = ledger.verify(None);
    super::verify::print(&verified, Format::Text, out)?;
    verified.map(|_| ()).map_err(CliError::VerifyFailed)
}
