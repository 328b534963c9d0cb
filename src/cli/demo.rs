//! `malbok demo`: the main job, end to end, on the seed fixtures.

use super::state::KnownAt;
use super::{CliError, Context, Format};
use crate::domain::Id;
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

/// What the demo prints for one seed document: a follow-up report (of one body, or of every
/// body of the organisation) or the history of one id (for a document that is not a follow-up).
enum Show {
    Report {
        follow_up: &'static str,
        body: Option<&'static str>,
    },
    History {
        ids: &'static [&'static str],
    },
    /// The organisation's promises tied to no goal, with their latest status at a valid date.
    Promises {
        at: &'static str,
    },
}

/// Every seed document, in the order `--all` prints them: organisation, heading, what to show.
/// The headings name the original document so a reader can put the two side by side.
const SEEDS: &[(&str, &str, Show)] = &[
    (
        "ekero",
        "Ekerö kommun, Socialnämnden: Uppföljning av politiska mål, Delår 2021 (seed 001)",
        Show::Report {
            follow_up: "ekero.delar-2021",
            body: Some("ekero.sn"),
        },
    ),
    (
        "gotene",
        "Götene kommun: Socialpolitiskt program 2019-2024, as revised 2023-03-27 (seed 002)",
        Show::Report {
            follow_up: "gotene.revidering-2023",
            body: None,
        },
    ),
    (
        "enkoping",
        "Enköpings kommun: Självständigt liv, Delår 2021 (seed 000)",
        Show::Report {
            follow_up: "enkoping.delar-2021",
            body: None,
        },
    ),
    (
        "enkoping",
        "Enköpings kommun, Socialförvaltningen: Information om resurser inom sysselsättningsverksamhet Joar Socia (seed 003)",
        Show::History {
            ids: &["enkoping.sn.joar-socia"],
        },
    ),
    (
        "enkoping",
        "Enköpings kommun: Var har vi varit och vart är vi på väg? The platform promises and their status (seed 004)",
        // The look-back is undated; the fixtures date its statuses 2021-01-01 (an
        // interpretation their events state).
        Show::Promises { at: "2021-01-01" },
    ),
];

/// Build a ledger from the seed fixtures (Ekerö, Götene, Enköping) in a new directory (--keep,
/// or a temporary one), verify it, and print Ekerö socialnämnden's report "Uppföljning av
/// politiska mål – Delår 2021" as published; with --all, what the ledger holds of every seed
/// document (Ekerö, Götene, Enköping's Delår 2021, its Joar Socia report and its platform
/// promises), with --org, those of one organisation.
///
/// Example: malbok demo
/// Example: malbok demo --all
/// Example: malbok demo --org gotene
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the ledger in this new directory instead of a temporary one.
    #[arg(long)]
    keep: Option<std::path::PathBuf>,
    /// Print every seed document: the follow-up reports of Ekerö, Götene and Enköping, and
    /// Enköping's Joar Socia report and platform promises.
    #[arg(long, conflicts_with = "org")]
    all: bool,
    /// Print the seed documents of this organisation: ekero, gotene or enkoping.
    #[arg(long, value_parser = ["ekero", "gotene", "enkoping"])]
    org: Option<String>,
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
    if !args.all && args.org.is_none() {
        // The main job: Ekerö socialnämnden's Delår 2021 report, as published.
        writeln!(out)?;
        return show(&ledger, "ekero", &SEEDS[0].2, out);
    }
    for (org, heading, what) in SEEDS {
        if args.org.as_deref().is_some_and(|o| o != *org) {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "==== {heading}")?;
        writeln!(out)?;
        show(&ledger, org, what, out)?;
    }
    Ok(())
}

/// Prints one seed document as the ledger holds it: its report in Markdown, or its history.
fn show(ledger: &Ledger, org: &str, what: &Show, out: &mut dyn Write) -> Result<(), CliError> {
    let (state, (seq, hash)) = super::state::of_id(ledger, org, "demo", KnownAt::Now)?;
    match what {
        Show::Report { follow_up, body } => {
            let source = crate::report::Source {
                ledger_id: ledger.ledger_id().to_string(),
                head_seq: seq.0,
                head_hash: hash.to_hex(),
            };
            // The ids are constants of this file, checked by the demo's tests.
            let follow_up = Id::parse(follow_up).expect("a valid id");
            let body = body.map(|b| Id::parse(b).expect("a valid id"));
            let report =
                super::report::make(&state, &follow_up, body.as_ref(), source, ReportFormat::Md)?;
            out.write_all(&report)?;
        }
        Show::Promises { at } => {
            let at = crate::domain::Date::parse(at).expect("a valid date");
            let filter = crate::query::StatusFilter {
                org: Some(org.to_string()),
                ..Default::default()
            };
            let mut view = crate::query::status(&state, at.0, &filter);
            // Only the promises: the goals are the Delår report's.
            view.goals.clear();
            view.goal_grades.clear();
            out.write_all(crate::query::render_status_text(&view).as_bytes())?;
        }
        Show::History { ids } => {
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                let view = crate::query::history_of(&state, id, crate::query::Scope::Tree)
                    .ok_or_else(|| {
                        let reason = format!("the seed fixtures hold no {id:?}");
                        crate::import::InputError::new("demo", None, None, reason)
                    })?;
                out.write_all(crate::query::render_history_text(&view).as_bytes())?;
            }
        }
    }
    Ok(())
}
