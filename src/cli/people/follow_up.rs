//! `malbok follow-up add`: `follow_up.defined`.

use super::{DefineArgs, FormatArgs, append};
use crate::cli::{CliError, Context};
use std::io::Write;

/// Define the occasions at which goals are followed up.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
}

/// Define a follow-up of an organisation (follow_up.defined): a delårsrapport (interim) or an
/// årsredovisning (annual). The cut-off is required: it is the valid date of the follow-up's
/// assessments, so no default would be right. Without --id, one is derived from the
/// organisation and the name and printed.
///
/// Example: malbok follow-up add --organisation ekero --name "Delår 2021" --kind interim --cut-off 2021-08-31
///
/// It prints `appended 59 <hash> at <time>` and `id: ekero.delar-2021`.
#[derive(Debug, clap::Args)]
struct Add {
    /// --id, --organisation, --name (e.g. "Delår 2021", "Årsredovisning 2021").
    #[command(flatten)]
    def: DefineArgs,
    /// interim or annual.
    #[arg(long)]
    kind: String,
    /// The cut-off date, YYYY-MM-DD.
    #[arg(long)]
    cut_off: String,
    #[command(flatten)]
    format: FormatArgs,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    let Command::Add(a) = args.command;
    let id = a.def.id_from(&session, &a.def.name);
    let payload = a
        .def
        .payload(&id)
        .put("kind", a.kind)
        .put("cut_off", a.cut_off);
    let kind = "follow_up.defined";
    append(session, ctx, kind, payload, Some(&id), a.format.format, out)
}
