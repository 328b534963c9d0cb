//! `malbok readings`: every reading in effect, for a spreadsheet (`--format csv`) or a machine.

use super::state::{KnownAt, scoped};
use super::{CliError, Context};
use crate::domain::{Outcome, State};
use crate::import::csv::{COLUMNS, safe_text};
use std::io::Write;

/// List the readings in effect (the latest correction's value), one row per indicator and
/// period. --format csv writes what Swedish Excel reads (UTF-8 with BOM, `;`, decimal comma,
/// CRLF; text cells starting with =, +, - or @ get a leading '): edit values in it and
/// `malbok import --from csv FILE` appends exactly the corrections made.
///
/// Example: malbok readings --org ekero --format csv > utfall.csv
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this organisation's indicators.
    #[arg(long)]
    org: Option<String>,
    /// Only this indicator.
    #[arg(long)]
    indicator: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: TableFormat,
}

/// Output formats of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum TableFormat {
    #[default]
    Text,
    Json,
    Csv,
}

/// One row: the reading in effect.
struct Row {
    cells: Vec<String>,
    value: Option<String>,
}

fn rows(state: &State, args: &Args) -> Vec<Row> {
    let mut rows = Vec::new();
    for (id, ind) in &state.indicators {
        if args.indicator.as_deref().is_some_and(|i| i != id.as_str()) {
            continue;
        }
        if let Some(org) = &args.org
            && state.goal_organisation(&ind.goal).map(|o| o.as_str()) != Some(org.as_str())
        {
            continue;
        }
        let mut readings: Vec<_> = ind
            .readings
            .iter()
            .filter_map(|seq| Some((*seq, state.readings.get(seq)?)))
            .collect();
        readings.sort_by_key(|(_, r)| (r.period.from, r.period.to));
        for (seq, r) in readings {
            let (kind, description, not_measurable) = match &r.outcome {
                Outcome::Value { source, .. } => (
                    source.kind.as_str().to_string(),
                    source.description.clone().unwrap_or_default(),
                    String::new(),
                ),
                Outcome::NotMeasurable { reason } => (String::new(), String::new(), reason.clone()),
            };
            let value = r.value().map(|v| v.to_string());
            rows.push(Row {
                cells: vec![
                    id.to_string(),
                    r.period.from.to_string(),
                    r.period.to.to_string(),
                    value.clone().unwrap_or_default(),
                    if value.is_some() {
                        String::new()
                    } else {
                        not_measurable
                    },
                    kind,
                    description,
                    r.comment.clone().unwrap_or_default(),
                    seq.to_string(),
                    String::new(),
                    String::new(),
                ],
                value,
            });
        }
    }
    rows
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let ledger = super::state::open(&ctx.ledger)?;
    // Only the organisation named (by itself or through the indicator) is folded.
    let scope = [
        ("--org", args.org.as_deref()),
        ("--indicator", args.indicator.as_deref()),
        ("--org", None),
    ];
    let (state, _) = scoped(&ledger, KnownAt::Now, scope, true)?;
    let rows = rows(&state, &args);
    match args.format {
        TableFormat::Csv => {
            out.write_all(b"\xEF\xBB\xBF")?;
            let mut w = csv::WriterBuilder::new()
                .delimiter(b';')
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new());
            let io = |e: csv::Error| std::io::Error::other(e.to_string());
            w.write_record(COLUMNS).map_err(io)?;
            for row in &rows {
                let cells = row.cells.iter().enumerate().map(|(i, c)| match COLUMNS[i] {
                    // Numbers with a decimal comma, as Excel reads them; never prefixed.
                    "value" => c.replace('.', ","),
                    "from" | "to" | "seq" => c.clone(),
                    _ => safe_text(c),
                });
                w.write_record(cells).map_err(io)?;
            }
            out.write_all(
                &w.into_inner()
                    .map_err(|e| std::io::Error::other(e.to_string()))?,
            )?;
        }
        TableFormat::Json => {
            for row in &rows {
                let object: serde_json::Map<String, serde_json::Value> = COLUMNS
                    .iter()
                    .zip(&row.cells)
                    .filter(|(_, c)| !c.is_empty())
                    .map(|(k, c)| (k.to_string(), c.clone().into()))
                    .collect();
                writeln!(out, "{}", serde_json::Value::Object(object))?;
            }
        }
        TableFormat::Text => {
            for row in &rows {
                let c = &row.cells;
                let what = match &row.value {
                    Some(v) => v.replace('.', ","),
                    None => format!("not measurable: {}", c[4]),
                };
                writeln!(out, "{}  {}..{}  {what}  [seq {}]", c[0], c[1], c[2], c[8])?;
            }
        }
    }
    Ok(())
}
