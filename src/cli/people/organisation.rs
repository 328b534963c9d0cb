//! `malbok organisation add`: `organisation.registered`.

use super::{Payload, append, derive_id};
use crate::cli::{CliError, Context, Format};
use std::io::Write;

/// Register the municipalities and regions the ledger keeps goals for.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
}

/// Register an organisation (organisation.registered): a municipality or a region. Without
/// --id, one is derived from the name and printed. `malbok init --template kommun` registers
/// one with its usual bodies and a scale in one step.
///
/// Example: malbok organisation add --id upplands-bro --name "Upplands-Bro kommun" --kolada-id 0139
///
/// It prints `appended <seq> <hash> at <time>` and `id: upplands-bro`.
#[derive(Debug, clap::Args)]
struct Add {
    /// The organisation's id, e.g. ekero; default: derived from --name (printed).
    #[arg(long)]
    id: Option<String>,
    /// Its name, e.g. "Ekerö kommun".
    #[arg(long)]
    name: String,
    /// Its Kolada id, four digits with the leading zero, e.g. 0125 (Kolada readings use it).
    #[arg(long)]
    kolada_id: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    let Command::Add(a) = args.command;
    let id = match a.id {
        Some(id) => id,
        None => derive_id(&session, "", &a.name),
    };
    let payload = Payload::default()
        .put("id", id.as_str())
        .put("name", a.name)
        .opt("kolada_id", a.kolada_id);
    let kind = "organisation.registered";
    append(session, ctx, kind, payload, Some(&id), a.format, out)
}
