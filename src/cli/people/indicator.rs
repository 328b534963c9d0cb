//! `malbok indicator add|revise|retire`: `indicator.defined`, `indicator.revised`,
//! `indicator.retired`.

use super::{BasisArgs, Payload, append, numbered_id, period};
use crate::cli::{CliError, Context, Format};
use std::io::Write;

/// Define, revise or retire an indicator of a goal.
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

/// What an indicator measures: the fields `add` and `revise` share.
#[derive(Debug, clap::Args)]
struct Fields {
    /// The area of activity, e.g. "Äldreomsorg".
    #[arg(long)]
    area: Option<String>,
    /// The unit in words; required when --unit is other.
    #[arg(long)]
    unit_label: Option<String>,
    /// Where values come from: kolada, survey, internal, document or other.
    #[arg(long)]
    source_kind: Option<String>,
    /// The source as the plan describes it; required unless the kind is kolada.
    #[arg(long)]
    source_description: Option<String>,
    /// A Kolada KPI the values are computed from, e.g. N31848; repeat for several
    /// (required for kolada).
    #[arg(long, value_delimiter = ',')]
    source_kolada_kpi: Vec<String>,
    /// The starting value, an exact decimal such as 8.9 (a point, never a comma).
    #[arg(long, allow_hyphen_values = true)]
    baseline: Option<String>,
    /// First day of the period the baseline was measured for, YYYY-MM-DD.
    #[arg(long, requires = "baseline_to")]
    baseline_from: Option<String>,
    /// Last day of the period the baseline was measured for.
    #[arg(long, requires = "baseline_from")]
    baseline_to: Option<String>,
}

impl Fields {
    fn add_to(self, payload: Payload) -> Payload {
        let source = Payload::default()
            .opt("kind", self.source_kind)
            .opt("description", self.source_description)
            .list("kolada_kpis", self.source_kolada_kpi);
        let mut baseline = Payload::default().opt("value", self.baseline);
        if let (Some(from), Some(to)) = (self.baseline_from, self.baseline_to) {
            baseline = baseline.object("period", period(from, to));
        }
        payload
            .opt("area", self.area)
            .opt("unit_label", self.unit_label)
            .object("source", source)
            .object("baseline", baseline)
    }
}

/// Define an indicator of a goal (indicator.defined). Without --id, it is `<goal>.i1` (`.i2`,
/// ... when taken), printed. Units: percent, count, per_10000, index, score, years, days,
/// sek, milestone (readings 1 = reached, 0 = not), other (with --unit-label). Directions:
/// increase, decrease, reach.
///
/// Example: malbok indicator add --goal ekero.sn.2019.m07 --text "Andel brukare som fått välja utförare" --unit percent --direction increase --source-kind survey --source-description "Socialstyrelsens brukarundersökning"
#[derive(Debug, clap::Args)]
struct Add {
    /// The indicator's id; default: `<goal>.i1`, `.i2`, ... (printed).
    #[arg(long)]
    id: Option<String>,
    /// The live goal it measures.
    #[arg(long)]
    goal: String,
    /// The indicator text, verbatim.
    #[arg(long)]
    text: String,
    /// What its values count (see above).
    #[arg(long)]
    unit: String,
    /// Which way it should move: increase, decrease or reach.
    #[arg(long)]
    direction: String,
    #[command(flatten)]
    fields: Fields,
    /// From when it applies, YYYY-MM-DD. Default: none, i.e. as long as its goal.
    #[arg(long)]
    effective: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Revise an indicator from a date (indicator.revised): only the given fields change; a new
/// source replaces the whole source. Needs --decision or --reason.
///
/// Example: malbok indicator revise --indicator gotene.spp.m5.sjukfranvaro --effective 2023-03-27 --source-kind internal --source-description "Sjukstatistik 1g/år" --baseline 8.9 --decision "KF 2023-03-27 § 40"
#[derive(Debug, clap::Args)]
struct Revise {
    /// The indicator.
    #[arg(long)]
    indicator: String,
    /// From when the new version applies, YYYY-MM-DD, as the decision states it (required: a default would be
    /// wrong for anything entered afterwards).
    #[arg(long)]
    effective: String,
    /// New text, verbatim.
    #[arg(long)]
    text: Option<String>,
    /// New unit.
    #[arg(long)]
    unit: Option<String>,
    /// New direction.
    #[arg(long)]
    direction: Option<String>,
    #[command(flatten)]
    fields: Fields,
    #[command(flatten)]
    basis: BasisArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Retire an indicator from a date (indicator.retired). Readings for periods ending before
/// that date are still accepted. Needs --decision or --reason.
///
/// Example: malbok indicator retire --indicator gotene.spp.m6.handlingsplan --effective 2023-03-27 --decision "KF 2023-03-27 § 40"
#[derive(Debug, clap::Args)]
struct Retire {
    /// The indicator.
    #[arg(long)]
    indicator: String,
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
                None => numbered_id(&session.state, &a.goal, "i", &a.text),
            };
            let payload = Payload::default()
                .put("id", id.as_str())
                .put("goal", a.goal)
                .put("text", a.text)
                .put("unit", a.unit)
                .put("direction", a.direction);
            let payload = a.fields.add_to(payload).opt("effective", a.effective);
            let payload = a.basis.add_to(payload);
            let kind = "indicator.defined";
            append(session, ctx, kind, payload, Some(&id), a.format, out)
        }
        Command::Revise(a) => {
            let payload = Payload::default()
                .put("indicator", a.indicator)
                .put("effective", a.effective)
                .opt("text", a.text)
                .opt("unit", a.unit)
                .opt("direction", a.direction);
            let payload = a.basis.add_to(a.fields.add_to(payload));
            let kind = "indicator.revised";
            append(session, ctx, kind, payload, None, a.format, out)
        }
        Command::Retire(a) => {
            let payload = Payload::default()
                .put("indicator", a.indicator)
                .put("effective", a.effective);
            let payload = a.basis.add_to(payload);
            let kind = "indicator.retired";
            append(session, ctx, kind, payload, None, a.format, out)
        }
    }
}
