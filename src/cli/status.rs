//! `malbok status`: every goal at a valid date, as the ledger knew it at a position or time.

use super::readings::TableFormat;
use super::state::{KnownAt, scoped};
use super::{CliError, Context};
use crate::import::InputError;
use crate::query::{StatusFilter, render_status_text, status};
use std::io::Write;

/// For each goal: its indicators with the target in force at --at, the latest reading for a
/// period ending on or before --at, a grade computed from them, and the latest assessment — all
/// as the ledger knew them at --known-at (a position or a ledger time; default: everything).
///
/// With --format csv, one row per indicator as Swedish Excel reads it (`;`, decimal comma,
/// formula-safe), like `readings --format csv`.
///
/// Example: malbok status --at 2021-08-31 --known-at 2021-09-15T00:00:00Z --body ekero.sn
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The valid date, YYYY-MM-DD. Default: today (printed, so you know).
    #[arg(long)]
    at: Option<String>,
    /// As known at this ledger position (e.g. 1042) or ledger time (RFC 3339).
    #[arg(long)]
    known_at: Option<String>,
    /// Only this organisation's goals.
    #[arg(long)]
    org: Option<String>,
    /// Only goals this body is responsible for.
    #[arg(long)]
    body: Option<String>,
    /// Only this goal.
    #[arg(long)]
    goal: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: TableFormat,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let at = valid_date(args.at.as_deref(), "--at", ctx)?;
    let known = KnownAt::parse(args.known_at.as_deref())?;
    let ledger = super::state::open(&ctx.ledger)?;
    // An unknown id, or the id of another kind of thing, is a typing error, not an empty
    // answer: refuse it as other commands do.
    for (flag, id, kind, a) in [
        ("--org", &args.org, "organisation", "an"),
        ("--body", &args.body, "body", "a"),
        ("--goal", &args.goal, "goal", "a"),
    ] {
        let Some(id) = id else { continue };
        let info = crate::projection::id_info(&ledger, id)?;
        match info.map(|i| i.space) {
            Some(found) if found == kind => {}
            Some(found) => {
                let reason = format!("{id:?} is a {found}, not {a} {kind}");
                return Err(InputError::new(flag, None, None, reason).into());
            }
            None => {
                let reason = format!("{id:?} is not {a} {kind} this ledger knows");
                return Err(InputError::new(flag, None, None, reason).into());
            }
        }
    }
    let scope = [
        ("--org", args.org.as_deref()),
        ("--body", args.body.as_deref()),
        ("--goal", args.goal.as_deref()),
    ];
    let (state, _) = scoped(&ledger, known, scope, true)?;
    let filter = StatusFilter {
        org: args.org,
        body: args.body,
        goal: args.goal,
    };
    let view = status(&state, at, &filter);
    match args.format {
        TableFormat::Text => out.write_all(render_status_text(&view).as_bytes())?,
        TableFormat::Csv => super::csv_out::status(&view, out)?,
        TableFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&view).map_err(std::io::Error::other)?
        )?,
    }
    Ok(())
}

/// Reads a valid-time date argument; when it is omitted, today's date (UTC) is used and said
/// on stderr, because valid time is never chosen silently.
pub fn valid_date(
    text: Option<&str>,
    arg: &str,
    ctx: &Context,
) -> Result<chrono::NaiveDate, InputError> {
    match text {
        Some(text) => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
            InputError::new(
                arg,
                None,
                None,
                format!("{text:?} is not a date of the form 2021-08-31"),
            )
        }),
        None => {
            let today = ctx.now.date();
            eprintln!("malbok: {arg} not given; using today, {today}");
            Ok(today)
        }
    }
}
