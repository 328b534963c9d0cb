//! `malbok reading add|correct|not-measurable`: `reading.recorded`, `reading.corrected`,
//! `reading.not_measurable`.

use super::{BasisArgs, Payload, ReadingSourceArgs, append, period};
use crate::cli::{CliError, Context, Format};
use std::io::Write;

/// Record, correct, or mark as not measurable a reading (utfall) of an indicator.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
    Correct(Correct),
    NotMeasurable(NotMeasurable),
}

/// Record a measured value of an indicator for a period (reading.recorded). The period is
/// always given (--from, --to): it is what was measured, never when it was entered. One
/// reading per indicator and period; change it with `reading correct`.
///
/// Example: malbok reading add --indicator ekero.sn.2019.m07.i1 --from 2021-01-01 --to 2021-08-31 --value 87 --source-kind survey --source-description "Socialstyrelsens brukarundersökning 2020"
///
/// Kolada: --source-kind kolada --source-kolada-kpi N31805 --source-url https://api.kolada.se/v2/data/kpi/N31805/municipality/1471/year/2022 --source-fetched-at 2023-04-02T08:15:00Z
#[derive(Debug, clap::Args)]
struct Add {
    /// The indicator.
    #[arg(long)]
    indicator: String,
    /// First day of the period measured, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Last day of the period measured (included), YYYY-MM-DD.
    #[arg(long)]
    to: String,
    /// The value, an exact decimal such as 87 or 2.75 (a point, never a comma); milestone: 1 or 0.
    #[arg(long, allow_hyphen_values = true)]
    value: String,
    #[command(flatten)]
    source: ReadingSourceArgs,
    /// A comment, verbatim.
    #[arg(long)]
    comment: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Give a new value for an earlier reading (reading.corrected); the original stays in the
/// ledger. --corrects is the ledger position of the original reading (as `malbok log` shows
/// it; also for a second correction), --indicator its indicator (checked). Needs --decision or
/// --reason.
///
/// Example: malbok reading correct --corrects 57 --indicator ekero.sn.2019.m07.i1 --value 85 --decision "SN 2021-10-20 § 90"
#[derive(Debug, clap::Args)]
struct Correct {
    /// The ledger position of the reading.recorded or reading.not_measurable corrected.
    #[arg(long)]
    corrects: u64,
    /// The corrected reading's indicator.
    #[arg(long)]
    indicator: String,
    /// The correct value, an exact decimal.
    #[arg(long, allow_hyphen_values = true)]
    value: String,
    #[command(flatten)]
    source: ReadingSourceArgs,
    /// A comment, verbatim.
    #[arg(long)]
    comment: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Record that an indicator could not be measured for a period, and why
/// (reading.not_measurable). A later `reading correct` can supply the value.
///
/// Example: malbok reading not-measurable --indicator enkoping.lp.m09.enkater --from 2021-01-01 --to 2021-08-31 --reason "Enkäterna är ännu inte genomförda."
#[derive(Debug, clap::Args)]
struct NotMeasurable {
    /// The indicator.
    #[arg(long)]
    indicator: String,
    /// First day of the period, YYYY-MM-DD.
    #[arg(long)]
    from: String,
    /// Last day of the period (included), YYYY-MM-DD.
    #[arg(long)]
    to: String,
    /// Why it could not be measured, verbatim.
    #[arg(long)]
    reason: String,
    /// A comment, verbatim.
    #[arg(long)]
    comment: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let session = super::open(ctx)?;
    match args.command {
        Command::Add(a) => {
            let payload = Payload::default()
                .put("indicator", a.indicator)
                .object("period", period(a.from, a.to))
                .put("value", a.value)
                .object("source", a.source.payload())
                .opt("comment", a.comment);
            let kind = "reading.recorded";
            append(session, ctx, kind, payload, None, a.format, out)
        }
        Command::Correct(a) => {
            let payload = Payload::default()
                .put("corrects", a.corrects)
                .put("indicator", a.indicator)
                .put("value", a.value)
                .object("source", a.source.payload())
                .opt("comment", a.comment);
            let payload = a.basis.add_to(payload);
            let kind = "reading.corrected";
            append(session, ctx, kind, payload, None, a.format, out)
        }
        Command::NotMeasurable(a) => {
            let payload = Payload::default()
                .put("indicator", a.indicator)
                .object("period", period(a.from, a.to))
                .put("reason", a.reason)
                .opt("comment", a.comment);
            let kind = "reading.not_measurable";
            append(session, ctx, kind, payload, None, a.format, out)
        }
    }
}
