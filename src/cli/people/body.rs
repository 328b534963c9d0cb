//! `malbok body add`: `body.registered`.

use super::{Payload, append, derive_id};
use crate::cli::{CliError, Context, Format};
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
    /// The body's id; default: `<organisation>.<abbreviation>` (printed).
    #[arg(long)]
    id: Option<String>,
    /// The organisation it belongs to.
    #[arg(long, visible_alias = "org")]
    organisation: String,
    /// Its name, e.g. "Kommunfullmäktige".
    #[arg(long)]
    name: String,
    /// The abbreviation its decisions are cited with, e.g. KF in "KF 2020-10-19 § 147".
    #[arg(long)]
    abbreviation: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    let Command::Add(a) = args.command;
    let id = match a.id {
        Some(id) => id,
        None => {
            let short = a.abbreviation.as_deref().unwrap_or(&a.name);
            derive_id(&session, &a.organisation, short)
        }
    };
    let payload = Payload::default()
        .put("id", id.as_str())
        .put("organisation", a.organisation)
        .put("name", a.name)
        .opt("abbreviation", a.abbreviation);
    let kind = "body.registered";
    append(session, ctx, kind, payload, Some(&id), a.format, out)
}
