//! `malbok plan adopt|revise`: `plan.adopted`, `plan.revised`.

use super::{BasisArgs, Payload, append, derive_id, period};
use crate::cli::{CliError, Context, Format};
use std::io::Write;

/// Adopt or revise a plan: a programme of goals a body adopts for a period.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Adopt(Adopt),
    Revise(Revise),
}

/// Adopt a plan (plan.adopted), with --decision or --reason. The organisation is the body's.
/// Without --id, it is `<body>.<first year>` (e.g. `upplands-bro.sn.2024`), printed.
///
/// Example: malbok plan adopt --body upplands-bro.sn --title "Socialnämndens mål 2024–2027" --from 2024-01-01 --to 2027-12-31 --decision "SN 2023-12-13 § 101"
///
/// It prints `appended <seq> <hash> at <time>` and `id: upplands-bro.sn.2024`.
#[derive(Debug, clap::Args)]
struct Adopt {
    /// The plan's id; default: `<body>.<year of --from>` (printed).
    #[arg(long)]
    id: Option<String>,
    /// The adopting body.
    #[arg(long)]
    body: String,
    /// The organisation; default: the body's.
    #[arg(long, visible_alias = "org")]
    organisation: Option<String>,
    /// The title, verbatim.
    #[arg(long)]
    title: String,
    /// First day of the period the plan covers, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Last day of the period the plan covers, YYYY-MM-DD.
    #[arg(long)]
    to: String,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Revise a plan from a date (plan.revised): a new title, a new period (--from and --to, an
/// extension) and/or a --note saying what the revision did, with --decision or --reason.
///
/// Example: malbok plan revise --plan upplands-bro.sn.2024 --effective 2025-01-01 --to 2028-12-31 --note "Förlängd med ett år" --decision "SN 2024-11-20 § 88"
#[derive(Debug, clap::Args)]
struct Revise {
    /// The plan.
    #[arg(long)]
    plan: String,
    /// From when the revision applies, YYYY-MM-DD, as the decision states it.
    #[arg(long)]
    effective: String,
    /// New title, verbatim.
    #[arg(long)]
    title: Option<String>,
    /// New first day of the period; default: the plan's current one when only --to is given.
    #[arg(long)]
    from: Option<String>,
    /// New last day of the period.
    #[arg(long)]
    to: Option<String>,
    /// What the revision did, verbatim.
    #[arg(long)]
    note: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    match args.command {
        Command::Adopt(a) => {
            // The body's organisation, from the id index (a storage error surfaces again when
            // the event is checked).
            let organisation = a.organisation.or_else(|| {
                let info = crate::projection::id_info(&session.ledger, &a.body).ok()??;
                (info.space == "body").then(|| info.home.map(|h| h.to_string()))?
            });
            let id = match a.id {
                Some(id) => id,
                None => {
                    let year = a.from.get(..4).unwrap_or("plan");
                    derive_id(&session, &a.body, year)
                }
            };
            let payload = Payload::default()
                .put("id", id.as_str())
                .opt("organisation", organisation)
                .put("body", a.body)
                .put("title", a.title)
                .object("period", period(a.from, a.to));
            let payload = a.basis.add_to(payload);
            let kind = "plan.adopted";
            append(session, ctx, kind, payload, Some(&id), a.format, out)
        }
        Command::Revise(a) => {
            // A period is written whole; an extension usually names only its new end.
            let (state, _) = crate::cli::state::scoped(
                &session.ledger,
                crate::cli::state::KnownAt::Now,
                [("--plan", Some(a.plan.as_str())), ("", None), ("", None)],
                true,
            )?;
            let current = state
                .plans
                .get(a.plan.as_str())
                .and_then(|p| p.versions.last())
                .map(|v| (v.period.from.to_string(), v.period.to.to_string()));
            let new_period = match (a.from, a.to) {
                (None, None) => None,
                (from, to) => {
                    let (cur_from, cur_to) = current.unwrap_or_default();
                    Some(period(from.unwrap_or(cur_from), to.unwrap_or(cur_to)))
                }
            };
            let mut payload = Payload::default()
                .put("plan", a.plan)
                .put("effective", a.effective)
                .opt("title", a.title);
            if let Some(p) = new_period {
                payload = payload.object("period", p);
            }
            let payload = a.basis.add_to(payload.opt("note", a.note));
            append(session, ctx, "plan.revised", payload, None, a.format, out)
        }
    }
}
