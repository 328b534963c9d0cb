//! `malbok scale add`: `scale.defined`.

use super::{Payload, append, derive_id};
use crate::cli::{CliError, Context, Format};
use crate::import::InputError;
use serde_json::Value;
use std::io::Write;

/// Define the grades assessments use.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Add(Add),
}

/// Define a scale (scale.defined): its grades best first, each written
/// `CODE:LABEL[:SYMBOL[:PLURAL]]` (the plural is how the grade reads after a count in a
/// report: "12 mål uppnådda"). "Cannot be assessed" is either its own state outside the order
/// (--not-assessable CODE:LABEL[:SYMBOL]) or folded into a grade (--not-assessable-folded-into
/// CODE), never both. Without --id, one is derived from the organisation and the name.
///
/// Example: malbok scale add --org upplands-bro --name "Tregradig skala" --grade "uppnatt:Uppnått:●:uppnådda" --grade "delvis:Delvis uppnått:◆:delvis uppnådda" --grade "ej_uppnatt:Ej uppnått:○:ej uppnådda" --not-assessable "kan_ej_bedomas:Kan ej bedömas:–" --on-track-from delvis
///
/// It prints `appended <seq> <hash> at <time>` and `id: upplands-bro.tregradig-skala`.
#[derive(Debug, clap::Args)]
struct Add {
    /// The scale's id; default: derived from --organisation and --name (printed).
    #[arg(long)]
    id: Option<String>,
    /// The organisation that uses it; leave out for a scale shared by all.
    #[arg(long, visible_alias = "org")]
    organisation: Option<String>,
    /// Its name, e.g. "Tregradig skala".
    #[arg(long)]
    name: String,
    /// A grade, CODE:LABEL[:SYMBOL[:PLURAL]]; repeat, best first (at least two).
    #[arg(long = "grade", required = true)]
    grades: Vec<String>,
    /// A separate "cannot be assessed" state, CODE:LABEL[:SYMBOL].
    #[arg(long, conflicts_with = "not_assessable_folded_into")]
    not_assessable: Option<String>,
    /// The grade code that also means "cannot be assessed".
    #[arg(long)]
    not_assessable_folded_into: Option<String>,
    /// The grade code from which a goal counts as on track in a report's roll-ups.
    #[arg(long)]
    on_track_from: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Reads `CODE:LABEL[:SYMBOL[:PLURAL]]` into a grade of the catalogue; the parts themselves
/// are checked by the domain like any payload.
fn grade(flag: &str, n: usize, text: &str) -> Result<Value, InputError> {
    let parts: Vec<&str> = text.split(':').map(str::trim).collect();
    let (code, label) = match parts.as_slice() {
        [code, label, ..] if parts.len() <= 4 => (*code, *label),
        _ => {
            return Err(InputError::new(
                &format!("{flag} #{n}"),
                None,
                None,
                format!(
                    "{text:?} is not CODE:LABEL[:SYMBOL[:PLURAL]], e.g. \"uppnatt:Uppnått:●:uppnådda\""
                ),
            ));
        }
    };
    let mut grade = Payload::default().put("code", code).put("label", label);
    if let Some(symbol) = parts.get(2).filter(|s| !s.is_empty()) {
        grade = grade.put("symbol", *symbol);
    }
    if let Some(plural) = parts.get(3).filter(|s| !s.is_empty()) {
        grade = grade.put("plural", *plural);
    }
    Ok(Value::Object(grade.0))
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let Command::Add(a) = args.command;
    let grades = a
        .grades
        .iter()
        .enumerate()
        .map(|(i, g)| grade("--grade", i + 1, g))
        .collect::<Result<Vec<_>, _>>()?;
    let not_assessable = match &a.not_assessable {
        Some(text) => Some(grade("--not-assessable", 1, text)?),
        None => None,
    };
    let session = super::open(ctx)?;
    let id = match a.id {
        Some(id) => id,
        None => derive_id(&session, a.organisation.as_deref().unwrap_or(""), &a.name),
    };
    let payload = Payload::default()
        .put("id", id.as_str())
        .opt("organisation", a.organisation)
        .put("name", a.name)
        .put("grades", grades)
        .opt("not_assessable_folded_into", a.not_assessable_folded_into)
        .opt("not_assessable", not_assessable)
        .opt("on_track_from", a.on_track_from);
    let kind = "scale.defined";
    append(session, ctx, kind, payload, Some(&id), a.format, out)
}
