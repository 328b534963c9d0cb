//! `malbok demo`: the main job, end to end, on the seed fixtures.

use super::{CliError, Context, Format};
use crate::import::jsonl;
use crate::ledger::Ledger;
use std::io::Write;

/// The seed municipalities, compiled in so the demo runs from any directory.
pub const FIXTURES: &[(&str, &str)] = &[
    (
        "fixtures/ekero/events.jsonl",
        include_str!("../../fixtures/ekero/events.jsonl"),
    ),
    (
        "fixtures/gotene/events.jsonl",
        include_str!("../../fixtures/gotene/events.jsonl"),
    ),
    (
        "fixtures/enkoping/events.jsonl",
        include_str!("../../fixtures/enkoping/events.jsonl"),
    ),
];

/// Build a ledger from the seed fixtures (Ekerö, Götene, Enköping) in a new directory (--keep,
/// or a temporary one), verify it, and print Ekerö socialnämnden's status at Delår 2021.
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
        let appended = super::import::append_checked(&mut ledger, ctx, name, lines)?;
        writeln!(out, "imported {name}: {} events", appended.len())?;
    }
    let verified = ledger.verify(None);
    super::verify::print(&verified, Format::Text, out)?;
    verified.map_err(CliError::VerifyFailed)?;
    let state = super::state::replay(&ledger, super::state::KnownAt::Now)?;
    let at = chrono::NaiveDate::from_ymd_opt(2021, 8, 31).expect("a real date");
    let filter = crate::query::StatusFilter {
        body: Some("ekero.sn".into()),
        ..Default::default()
    };
    writeln!(out)?;
    out.write_all(
        crate::query::render_status_text(&crate::query::status(&state, at, &filter)).as_bytes(),
    )?;
    Ok(())
}
