//! `malbok goal add|revise|retire`: `goal.defined`, `goal.revised`, `goal.retired`.

use super::{BasisArgs, Payload, append, derive_id};
use crate::cli::{CliError, Context, Format};
use std::io::Write;

/// Define, revise or retire a goal of a plan.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
    Revise(Revise),
    Retire(Retire),
}

/// Define a goal of a plan (goal.defined). Without --id, one is derived from the plan and the
/// text and printed.
///
/// Example: malbok goal add --plan ekero.sn.2019 --number 6 --text "Bryta den ofrivilliga ensamheten." --body ekero.sn --source-plan ekero.plattform
///
/// It prints `appended 57 <hash> at <time>` and `id: ekero.sn.2019.bryta-den-ofrivilliga-ensamheten`.
#[derive(Debug, clap::Args)]
struct Add {
    /// The goal's id; default: derived from --plan and --text (printed).
    #[arg(long)]
    id: Option<String>,
    /// The plan the goal belongs to.
    #[arg(long)]
    plan: String,
    /// Its label in the plan, e.g. 8 for "Mål 8".
    #[arg(long)]
    number: Option<String>,
    /// The goal text, verbatim.
    #[arg(long)]
    text: String,
    /// A longer description, verbatim.
    #[arg(long)]
    description: Option<String>,
    /// The area or task, e.g. "Självständigt liv".
    #[arg(long)]
    area: Option<String>,
    /// A live goal this one refines (a KF goal for a nämnd goal).
    #[arg(long)]
    parent: Option<String>,
    /// A responsible body; repeat (or separate with commas) for several.
    #[arg(long = "body", required = true, value_delimiter = ',')]
    bodies: Vec<String>,
    /// The plan the goal is taken from, when not its own (e.g. a political platform).
    #[arg(long)]
    source_plan: Option<String>,
    /// From when the goal applies, YYYY-MM-DD. Default: none, i.e. for the whole plan.
    #[arg(long)]
    effective: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Revise a goal from a date (goal.revised): only the given fields change; --body replaces
/// the list of bodies. Needs --decision or --reason.
///
/// Example: malbok goal revise --goal gotene.spp.m2 --effective 2023-03-27 --text "Användningen av välfärdsteknik ska öka" --decision "KF 2023-03-27 § 40"
#[derive(Debug, clap::Args)]
struct Revise {
    /// The goal.
    #[arg(long)]
    goal: String,
    /// From when the new version applies, YYYY-MM-DD, as the decision states it (required: a default would be
    /// wrong for anything entered afterwards).
    #[arg(long)]
    effective: String,
    /// New label in the plan.
    #[arg(long)]
    number: Option<String>,
    /// New text, verbatim.
    #[arg(long)]
    text: Option<String>,
    /// New description.
    #[arg(long)]
    description: Option<String>,
    /// New area.
    #[arg(long)]
    area: Option<String>,
    /// New parent goal.
    #[arg(long)]
    parent: Option<String>,
    /// The responsible bodies from now on (replaces the list); repeat for several.
    #[arg(long = "body", value_delimiter = ',')]
    bodies: Vec<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Retire a goal from a date (goal.retired). Needs --decision or --reason.
///
/// Example: malbok goal retire --goal ekero.sn.2019.m01 --effective 2023-01-01 --reason "Mandatperioden 2019–2022 är slut."
#[derive(Debug, clap::Args)]
struct Retire {
    /// The goal.
    #[arg(long)]
    goal: String,
    /// From when it no longer applies, YYYY-MM-DD, as the decision states it (required: a default would be
    /// wrong for anything entered afterwards).
    #[arg(long)]
    effective: String,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    match args.command {
        Command::Add(a) => {
            let id = match a.id {
                Some(id) => id,
                None => derive_id(&session, &a.plan, &a.text),
            };
            let payload = Payload::default()
                .put("id", id.as_str())
                .put("plan", a.plan)
                .opt("number", a.number)
                .put("text", a.text)
                .opt("description", a.description)
                .opt("area", a.area)
                .opt("parent", a.parent)
                .put("bodies", a.bodies)
                .opt("source_plan", a.source_plan)
                .opt("effective", a.effective);
            let payload = a.basis.add_to(payload);
            append(
                session,
                ctx,
                "goal.defined",
                payload,
                Some(&id),
                a.format,
                out,
            )
        }
        Command::Revise(a) => {
            let payload = Payload::default()
                .put("goal", a.goal)
                .put("effective", a.effective)
                .opt("number", a.number)
                .opt("text", a.text)
                .opt("description", a.description)
                .opt("area", a.area)
                .opt("parent", a.parent)
                .list("bodies", a.bodies);
            let payload = a.basis.add_to(payload);
            append(session, ctx, "goal.revised", payload, None, a.format, out)
        }
        Command::Retire(a) => {
            let payload = Payload::default()
                .put("goal", a.goal)
                .put("effective", a.effective);
            let payload = a.basis.add_to(payload);
            append(session, ctx, "goal.retired", payload, None, a.format, out)
        }
    }
}
