//! `malbok target set|revise|retire`: `target.set`, `target.revised`, `target.retired`.

use super::{BasisArgs, Payload, append, derive_id, direction_of, indicator_of, level};
use crate::cli::{CliError, Context, Format};
use crate::domain::Direction;
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
/// each written as a name and a threshold as people write it: "Uppnått ≥ 90", "På rätt väg:
/// minst 70", "Uppnått 2023 >= 80", "Nivå 1: högst 3,5", "Uppnått: 70 %" (a bare number reads
/// with the indicator's direction), or just a name when the decision gives no number. A level
/// name cannot contain ':', '<', '>', '=', '≥' or '≤'. A comparison against the indicator's
/// direction needs --contrary. Without --id, the id is `<indicator>.t` (`.t-2`, ... when
/// taken), printed.
///
/// Example: malbok target set --indicator enkoping.lp.m10.i1 --level "På rätt väg: minst 50" --level "Uppnått 2023 ≥ 80" --deadline 2023-12-31 --effective 2020-01-01 --decision "KF 2019-11-25 § 180"
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
    /// A level, e.g. "Uppnått ≥ 90", "På rätt väg: minst 70" or just "Uppnått"; repeat, least
    /// ambitious first.
    #[arg(long = "level", required = true)]
    levels: Vec<String>,
    /// Confirms a level whose comparison runs against the indicator's direction.
    #[arg(long)]
    contrary: bool,
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
    /// Confirms a level whose comparison runs against the indicator's direction.
    #[arg(long)]
    contrary: bool,
    /// New deadline, YYYY-MM-DD.
    #[arg(long)]
    deadline: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The levels as the catalogue writes them, read with the indicator's direction, left out
/// when none were given; `contrary` is stored when given.
fn levels(
    payload: Payload,
    levels: &[String],
    direction: Direction,
    contrary: bool,
) -> Result<Payload, CliError> {
    let payload = if contrary {
        payload.put("contrary", true)
    } else {
        payload
    };
    if levels.is_empty() {
        return Ok(payload);
    }
    let levels = levels
        .iter()
        .map(|l| level(l, direction, contrary))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(payload.put("levels", levels))
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
            let direction = direction_of(&session, &a.indicator, "--indicator")?;
            let payload = Payload::default()
                .put("id", id.as_str())
                .put("indicator", a.indicator)
                .opt("text", a.text);
            let payload = levels(payload, &a.levels, direction, a.contrary)?
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
            let direction = if a.levels.is_empty() {
                Direction::Reach
            } else {
                direction_of(&session, &indicator_of(&session, &a.target)?, "--target")?
            };
            let payload = Payload::default()
                .put("target", a.target)
                .put("effective", a.effective)
                .opt("text", a.text);
            let payload =
                levels(payload, &a.levels, direction, a.contrary)?.opt("deadline", a.deadline);
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
