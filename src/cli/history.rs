//! `malbok history`: who changed this, when, and by what decision.

use super::readings::TableFormat;
use super::state::{KnownAt, of_id};
use super::{CliError, Context};
use crate::import::InputError;
use crate::query::{Scope, history_of, render_history_text};
use std::io::Write;

/// Every event that touched a goal, indicator, target (or any other id) or anything under it
/// (plan → goals → indicators → targets, readings, assessments), oldest first: ledger position
/// and time, actor, the subject when it is not the id itself, valid date, decision reference,
/// and each changed field old → new.
///
/// With --format csv, one row per changed field, as Swedish Excel reads it.
///
/// Example: malbok history gotene.sp.i12
/// Example: malbok history gotene.sp.i12 --only   (the indicator's own events, not its targets')
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The id of a goal, indicator, target, plan, body, ...
    id: String,
    /// Only the events that touch the id itself, not what is under it.
    #[arg(long)]
    only: bool,
    /// As known at this ledger position (e.g. 1042) or ledger time (RFC 3339).
    #[arg(long)]
    known_at: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: TableFormat,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let known = KnownAt::parse(args.known_at.as_deref())?;
    let ledger = super::state::open(&ctx.ledger)?;
    let (state, _) = of_id(&ledger, &args.id, "ID", known)?;
    let scope = if args.only { Scope::Only } else { Scope::Tree };
    let view = history_of(&state, &args.id, scope).ok_or_else(|| {
        InputError::new(
            "ID",
            None,
            None,
            format!("{:?} is not an id this ledger knows", args.id),
        )
    })?;
    match args.format {
        TableFormat::Text => out.write_all(render_history_text(&view).as_bytes())?,
        TableFormat::Csv => super::csv_out::history(&view, out)?,
        TableFormat::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&view).map_err(std::io::Error::other)?
        )?,
    }
    Ok(())
}
