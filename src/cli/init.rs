//! `malbok init`: create a ledger.

use super::{CliError, Context, Format};
use crate::ledger::Ledger;
use std::io::Write;

/// Create a new ledger (a genesis event with a random ledger id) in a new or empty directory.
///
/// Example: malbok --ledger ekero.db init
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let ledger = Ledger::init(&ctx.ledger, &ctx.actor, ctx.now)?;
    super::head::print(&ledger, args.format, out)
}
