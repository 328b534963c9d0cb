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
    /// The indicator text, verbatim (default with --from-kolada-kpi: the KPI's title).
    #[arg(long, required_unless_present = "from_kolada_kpi")]
    text: Option<String>,
    /// What its values count (see above; default with --from-kolada-kpi: from the KPI's unit).
    #[arg(long, required_unless_present = "from_kolada_kpi")]
    unit: Option<String>,
    /// Which way it should move: increase, decrease or reach. Always yours to give: Kolada's
    /// metadata does not say whether higher or lower is better.
    #[arg(long)]
    direction: String,
    /// A Kolada KPI metadata response (/v2/kpi/ID or /v3/kpi/ID, saved to a file): text, unit,
    /// area and source come from the KPI (flags given win). With several KPIs in the file,
    /// name one with --source-kolada-kpi.
    #[arg(long, value_name = "FILE")]
    from_kolada_kpi: Option<String>,
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
        Command::Add(mut a) => {
            if let Some(file) = a.from_kolada_kpi.clone() {
                from_kolada_kpi(&file, &mut a)?;
            }
            // Both are present: clap requires them unless --from-kolada-kpi filled them in.
            let text = a.text.unwrap_or_default();
            let id = match a.id {
                Some(id) => id,
                None => numbered_id(&session, &a.goal, "i", &text),
            };
            let payload = Payload::default()
                .put("id", id.as_str())
                .put("goal", a.goal)
                .put("text", text)
                .opt("unit", a.unit)
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

/// Fills in what `indicator add` was not given from a Kolada KPI metadata file.
fn from_kolada_kpi(file: &str, a: &mut Add) -> Result<(), CliError> {
    use crate::import::{InputError, kolada};
    let bytes = crate::cli::read_input(file)?;
    let kpis = kolada::parse_kpis(crate::cli::input_name(file), &bytes)?;
    let kpi = match (a.fields.source_kolada_kpi.as_slice(), kpis.as_slice()) {
        ([wanted], _) => kpis.iter().find(|k| &k.id == wanted),
        ([], [one]) => Some(one),
        _ => None,
    };
    let Some(kpi) = kpi else {
        let ids: Vec<&str> = kpis.iter().map(|k| k.id.as_str()).collect();
        let why = format!(
            "the file holds the KPIs {}; name the one to use with --source-kolada-kpi",
            if ids.is_empty() {
                "(none)".to_string()
            } else {
                ids.join(", ")
            }
        );
        return Err(InputError::new("--from-kolada-kpi", None, None, why).into());
    };
    a.text.get_or_insert_with(|| kpi.title.clone());
    if a.unit.is_none() {
        let (unit, label) = kolada::unit_of(kpi.unit.as_deref().unwrap_or(""));
        a.unit = Some(unit.to_string());
        if a.fields.unit_label.is_none() {
            a.fields.unit_label = label;
        }
    }
    if a.fields.area.is_none() {
        a.fields.area = kpi.operating_area.clone();
    }
    a.fields.source_kind.get_or_insert_with(|| "kolada".into());
    if a.fields.source_kolada_kpi.is_empty() {
        a.fields.source_kolada_kpi = vec![kpi.id.clone()];
    }
    if a.fields.source_description.is_none() {
        a.fields.source_description = kpi.description.clone();
    }
    Ok(())
}
