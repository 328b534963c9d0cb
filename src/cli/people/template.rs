//! `malbok template add`: `template.defined`.

use super::{BasisArgs, DefineArgs, FormatArgs, append};
use crate::cli::{CliError, Context};
use crate::import::InputError;
use serde_json::Value;
use std::io::Write;

/// Define the layout of an organisation's own follow-up document.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
}

/// Define a report template (template.defined): the title, the columns of the results table
/// (--column KIND=LABEL, in order; KIND goal, indicator, grade, deadline, comment, target, or
/// outcomes:YEARS for one column per year) and the sections that appear (--section, each once:
/// results, verdicts, measurements, attainment, trend, bodies, summary, comparison,
/// published_summary, method, forecast, changes, legend). A report uses the template in force
/// at its cut-off. Without --id, one is derived from the organisation and the name.
///
/// Example: malbok template add --org upplands-bro --name "Delårsrapportens måltabell" --follow-up-kind interim --effective 2024-01-01 --title "Uppföljning av nämndmål" --column goal=Nämndmål --column indicator=Indikator --column outcomes:3=Utfall --column comment=Kommentar --section results --section summary --section legend --reason "Som i delårsrapporten."
///
/// It prints `appended <seq> <hash> at <time>` and `id: upplands-bro.delarsrapportens-maltabell`.
#[derive(Debug, clap::Args)]
struct Add {
    /// --id, --organisation (whose documents it describes), --name.
    #[command(flatten)]
    def: DefineArgs,
    /// interim or annual; default: any kind of follow-up.
    #[arg(long)]
    follow_up_kind: Option<String>,
    /// From when it applies, YYYY-MM-DD.
    #[arg(long)]
    effective: String,
    /// The report's title before " – <follow-up>"; default "Uppföljning av politiska mål".
    #[arg(long)]
    title: Option<String>,
    /// A column of the results table, KIND=LABEL (outcomes:YEARS=LABEL), in order.
    #[arg(long = "column", required = true)]
    columns: Vec<String>,
    /// A section that appears, e.g. results; repeat it, or separate with commas.
    #[arg(long = "section", required = true, value_delimiter = ',')]
    sections: Vec<String>,
    /// same_period or last_year_outcome: what trend compares the latest reading with.
    #[arg(long)]
    trend_basis: Option<String>,
    #[command(flatten)]
    basis: BasisArgs,
    #[command(flatten)]
    format: FormatArgs,
}

/// `KIND=LABEL` or `outcomes:YEARS=LABEL` as `{"kind", "label", "years"?}`; the kind and the
/// years are checked by the catalogue, so a bad one is refused naming `--column #n`.
fn column(n: usize, text: &str) -> Result<Value, InputError> {
    let refuse = |why: String| InputError::new(&format!("--column #{n}"), None, None, why);
    let Some((kind, label)) = text.split_once('=') else {
        return Err(refuse(format!(
            "{text:?} is not KIND=LABEL, e.g. goal=Nämndmål or outcomes:3=Utfall"
        )));
    };
    let (kind, years) = match kind.split_once(':') {
        Some((kind, years)) => {
            let years = years.trim().parse::<u64>().map_err(|_| {
                refuse(format!(
                    "{years:?} in {text:?} is not a number of years, e.g. outcomes:3=Utfall"
                ))
            })?;
            (kind.trim(), Some(years))
        }
        None => (kind.trim(), None),
    };
    let mut column = serde_json::json!({"kind": kind, "label": label.trim()});
    if let (Some(years), Value::Object(map)) = (years, &mut column) {
        map.insert("years".into(), years.into());
    }
    Ok(column)
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let Command::Add(a) = args.command;
    let columns = a
        .columns
        .iter()
        .enumerate()
        .map(|(i, text)| column(i + 1, text))
        .collect::<Result<Vec<_>, _>>()?;
    let sections: Vec<String> = a.sections.iter().map(|s| s.trim().to_string()).collect();
    let session = super::open(ctx)?;
    let id = a.def.id_from(&session, &a.def.name);
    let payload = a
        .def
        .payload(&id)
        .opt("follow_up_kind", a.follow_up_kind)
        .put("effective", a.effective)
        .opt("title", a.title)
        .put("columns", columns)
        .put("sections", sections)
        .opt("trend_basis", a.trend_basis);
    let payload = a.basis.add_to(payload);
    let kind = "template.defined";
    append(session, ctx, kind, payload, Some(&id), a.format.format, out)
}
