//! `malbok body add`: `body.registered`.

use super::{DefineArgs, FormatArgs, append};
use crate::cli::{CliError, Context};
use std::io::Write;

/// Register the political bodies of an organisation.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
}

/// Register a body of an organisation (body.registered): kommunfullmäktige, a nämnd. Without
/// --id, it is `<organisation>.<abbreviation>` (or derived from the name when there is no
/// abbreviation), printed.
///
/// Example: malbok body add --org upplands-bro --name "Socialnämnden" --abbreviation SN
///
/// It prints `appended <seq> <hash> at <time>` and `id: upplands-bro.sn`.
#[derive(Debug, clap::Args)]
struct Add {
    /// --id (default `<organisation>.<abbreviation>`), --organisation, --name (e.g.
    /// "Kommunfullmäktige").
    #[command(flatten)]
    def: DefineArgs,
    /// The abbreviation its decisions are cited with, e.g. KF in "KF 2020-10-19 § 147".
    #[arg(long)]
    abbreviation: Option<String>,
    #[command(flatten)]
    format: FormatArgs,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    let Command::Add(a) = args.command;
    let short = a.abbreviation.as_deref().unwrap_or(&a.def.name);
    let id = a.def.id_from(&session, short);
    let payload = a.def.payload(&id).opt("abbreviation", a.abbreviation);
    let kind = "body.registered";
    append(session, ctx, kind, payload, Some(&id), a.format.format, out)
}
