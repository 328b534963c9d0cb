//! `malbok demo`: the main job, end to end, on the seed fixtures.

use super::{CliError, Context, Format};
use crate::import::jsonl;
use crate::ledger::Ledger;
use crate::report::render::ReportFormat;
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
/// or a temporary one), verify it, and print Ekerö socialnämnden's report "Uppföljning av
/// politiska mål – Delår 2021" as published.
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
    // The main job: Ekerö socialnämnden's Delår 2021 report, as published.
    let (state, (seq, hash)) =
        super::state::of_id(&ledger, "ekero", "demo", super::state::KnownAt::Now)?;
    let source = crate::report::Source {
        ledger_id: ledger.ledger_id().to_string(),
        head_seq: seq.0,
        head_hash: hash.to_hex(),
    };
    let follow_up = crate::domain::Id::parse("ekero.delar-2021").expect("a valid id");
    let body = crate::domain::Id::parse("ekero.sn").expect("a valid id");
    let report = super::report::make(&state, &follow_up, Some(&body), source, ReportFormat::Md)?;
    writeln!(out)?;
    out.write_all(&report)?;
    Ok(())
}
