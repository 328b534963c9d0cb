//! `malbok target set|revise|retire`: `target.set`, `target.revised`, `target.retired`.

use super::{BasisArgs, Payload, append, derive_id, level};
use crate::cli::{CliError, Context, Format};
use std::io::Write;

/// Set, revise or retire the target of an indicator.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Set(Set),
    Revise(Revise),
    Retire(Retire),
}

/// Retire a target from a date (target.retired): it is no longer in force, e.g. when its plan
/// ends or the decision that set it is withdrawn. With --decision or --reason.
///
/// Example: malbok target retire --target ekero.sn.2019.m07.i1.t --effective 2023-01-01 --reason "Mandatperioden 2019–2022 är slut."
#[derive(Debug, clap::Args)]
struct Retire {
    /// The target.
    #[arg(long)]
    target: String,
    /// From when it is no longer in force, YYYY-MM-DD, as the decision states it.
    #[arg(long)]
    effective: String,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Set a target of an indicator (target.set). Levels go from the least to the most ambitious,
/// each written `NAME`, or `NAME COMPARISON THRESHOLD` with one of >=, >, <=, <, = (a level
/// name cannot contain <, > or =). Without --id, the id is `<indicator>.t` (`.t-2`, ... when
/// taken), printed.
///
/// Example: malbok target set --indicator enkoping.lp.m10.i1 --level "På rätt väg >= 50" --level "Uppnått 2023 >= 80" --deadline 2023-12-31 --effective 2020-01-01 --decision "KF 2019-11-25 § 180"
///
/// It prints `appended 58 <hash> at <time>` and `id: enkoping.lp.m10.i1.t`.
#[derive(Debug, clap::Args)]
struct Set {
    /// The target's id; default: `<indicator>.t`, or `.t-2`, ... when taken (printed).
    #[arg(long)]
    id: Option<String>,
    /// The live indicator it applies to.
    #[arg(long)]
    indicator: String,
    /// The target as the source words it, verbatim.
    #[arg(long)]
    text: Option<String>,
    /// A level, e.g. "Uppnått >= 90" or just "Uppnått"; repeat, least ambitious first.
    #[arg(long = "level", required = true)]
    levels: Vec<String>,
    /// When the most ambitious level is to be reached, YYYY-MM-DD.
    #[arg(long)]
    deadline: Option<String>,
    /// From when the target is in force, YYYY-MM-DD, as the decision states it (required: a default would be
    /// wrong for anything entered afterwards).
    #[arg(long)]
    effective: String,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Revise a target from a date (target.revised): new levels (replacing all levels), a new
/// deadline and/or new text, with --decision or --reason. Levels are written as for
/// `target set`.
///
/// Example: malbok target revise --target enkoping.lp.m10.i1.t --effective 2022-01-01 --level "På rätt väg >= 50" --level "Uppnått 2023 >= 70" --reason "Skillnaden mellan nivåerna är för stor."
#[derive(Debug, clap::Args)]
struct Revise {
    /// The target.
    #[arg(long)]
    target: String,
    /// From when the new version is in force, YYYY-MM-DD, as the decision states it (required: a default would be
    /// wrong for anything entered afterwards).
    #[arg(long)]
    effective: String,
    /// New wording.
    #[arg(long)]
    text: Option<String>,
    /// A new level; repeat, least ambitious first. Replaces all levels.
    #[arg(long = "level")]
    levels: Vec<String>,
    /// New deadline, YYYY-MM-DD.
    #[arg(long)]
    deadline: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The levels as the catalogue writes them, left out when none were given.
fn levels(payload: Payload, levels: &[String]) -> Payload {
    if levels.is_empty() {
        return payload;
    }
    payload.put(
        "levels",
        levels.iter().map(|l| level(l)).collect::<Vec<_>>(),
    )
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    match args.command {
        Command::Set(a) => {
            let id = match a.id {
                Some(id) => id,
                // Target texts are long sentences; `.t` reads better and matches the fixtures.
                None => derive_id(&session, &a.indicator, "t"),
            };
            let payload = Payload::default()
                .put("id", id.as_str())
                .put("indicator", a.indicator)
                .opt("text", a.text);
            let payload = levels(payload, &a.levels)
                .opt("deadline", a.deadline)
                .put("effective", a.effective);
            let payload = a.basis.add_to(payload);
            append(
                session,
                ctx,
                "target.set",
                payload,
                Some(&id),
                a.format,
                out,
            )
        }
        Command::Revise(a) => {
            let payload = Payload::default()
                .put("target", a.target)
                .put("effective", a.effective)
                .opt("text", a.text);
            let payload = levels(payload, &a.levels).opt("deadline", a.deadline);
            let payload = a.basis.add_to(payload);
            append(session, ctx, "target.revised", payload, None, a.format, out)
        }
        Command::Retire(a) => {
            let payload = Payload::default()
                .put("target", a.target)
                .put("effective", a.effective);
            let payload = a.basis.add_to(payload);
            append(session, ctx, "target.retired", payload, None, a.format, out)
        }
    }
}
