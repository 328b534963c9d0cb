//! `malbok import`: many events, all or nothing.

use super::{CliError, Context, Format};
use crate::import::jsonl;
use crate::ledger::envelope::Sealed;
use crate::ledger::{Hash, Ledger, LedgerTime, Seq};
use serde_json::json;
use std::io::Write;

/// Append every event of a JSONL file (one {"kind":..,"payload":{..}} per line), all or
/// nothing: a bad line refuses the whole file with file:line: field: reason, and the ledger
/// does not change. All events of one import share one run id and one ledger time. The file is
/// read as it streams, so an import of millions of lines needs little memory: each part is
/// checked and staged, and the import is committed in one step after its last line.
///
/// Example: malbok import fixtures/ekero/events.jsonl
///
/// With --from kolada it reads Kolada API data responses (v2 or v3; several files are one
/// import) and appends readings of the indicators whose source is that one KPI, for their
/// organisation's Kolada id: a new value is a reading, null is not measurable (Kolada's status
/// the reason), a changed value a correction, an unchanged one nothing. With --from csv it
/// reads readings from spreadsheets (`;`, decimal comma, UTF-8 or Windows-1252) with the
/// columns indicator;from;to;value;not_measurable;source_kind;source_description;comment;seq;
/// decision;reason, as `malbok readings --format csv` writes them: an edited export appends
/// exactly the corrections made. A first row with a `level` column reads targets
/// (indicator;target;effective;level;deadline;text;contrary;decision;reason), one with a
/// `follow_up` column assessments (goal;indicator;body;follow_up;scale;grade;analysis;trend;
/// decision;reason); README.md has the layouts.
///
/// Example: malbok import --from kolada --fetched 2022-05-01T08:00:00Z fixtures/kolada/data_N31805_0139.v2.json
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file (JSONL: one file, or - for standard input; Kolada and CSV: one or more).
    #[arg(required = true, num_args = 1..)]
    files: Vec<String>,
    /// The input format.
    #[arg(long, value_enum, default_value_t)]
    from: From,
    #[command(flatten)]
    kolada: KoladaArgs,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The input formats of `import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum From {
    /// One {"kind","payload"} per line (events/CATALOGUE.md).
    #[default]
    Jsonl,
    /// Kolada API v2/v3 data responses.
    Kolada,
    /// Readings, targets or assessments in the documented CSV layouts (semicolons, decimal
    /// comma).
    Csv,
}

/// Where Kolada files come from.
#[derive(Debug, clap::Args)]
pub struct KoladaArgs {
    /// Kolada: the gender to read, T (total), K or M.
    #[arg(long, default_value = "T", value_parser = ["T", "K", "M"])]
    gender: String,
    /// Kolada: the URL the files were fetched from (recorded with each reading).
    #[arg(long)]
    url: Option<String>,
    /// Kolada and CSV: when the files were fetched, RFC 3339, e.g. 2022-03-01T09:00:00Z
    /// (required for Kolada: Kolada revises its figures).
    #[arg(long)]
    fetched: Option<String>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    match args.from {
        From::Jsonl => {}
        From::Kolada => return kolada(args, ctx, out),
        From::Csv => return csv(args, ctx, out),
    }
    let [file] = args.files.as_slice() else {
        return Err(crate::import::InputError::new(
            "FILE",
            None,
            None,
            "a JSONL import takes one file; import several one after the other",
        )
        .into());
    };
    let source = super::input_name(file);
    let input: Box<dyn std::io::BufRead> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let opened = std::fs::File::open(file).map_err(|e| {
            crate::import::InputError::new(source, None, None, format!("cannot read: {e}"))
        })?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, opened))
    };
    let mut ledger = super::state::open(&ctx.ledger)?;
    // Tests make the parts and the derived batches small to stage and write many of them.
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse().ok());
    let part = env("MALBOK_IMPORT_PART").unwrap_or(crate::projection::IMPORT_PART);
    if let Some(entries) = env("MALBOK_DERIVED_BATCH") {
        ledger.set_derived_batch(entries);
    }
    let progress =
        super::progress::Progress::new(ctx.quiet, "importing", super::progress::Count::Items);
    let lines = jsonl::read(source, input).inspect(|_| progress.inc(1));
    let signer = super::sign::signer(ctx)?;
    let imported =
        crate::projection::import_stream(&mut ledger, &ctx.actor, ctx.now, source, lines, part)?;
    progress.finish();
    super::sign::sign_head(&mut ledger, ctx, signer.as_ref())?;
    let head = imported.head;
    print(
        imported.count,
        imported.first,
        imported.run,
        (head.seq, head.hash, head.time),
        args.format,
        out,
    )
}

/// Checks `lines` against the projection of each event's organisation and appends them, all
/// or nothing, with their derived data.
pub fn append_checked(
    ledger: &mut Ledger,
    ctx: &Context,
    source: &str,
    lines: Vec<jsonl::Line>,
) -> Result<Vec<Sealed>, CliError> {
    let signer = super::sign::signer(ctx)?;
    let appended = crate::projection::append_checked(ledger, &ctx.actor, ctx.now, source, lines)?;
    super::sign::sign_head(ledger, ctx, signer.as_ref())?;
    Ok(appended)
}

/// Prints what an append stored: positions, run and the new head.
pub fn report(appended: &[Sealed], format: Format, out: &mut dyn Write) -> Result<(), CliError> {
    let (Some(first), Some(last)) = (appended.first(), appended.last()) else {
        return Ok(());
    };
    print(
        appended.len() as u64,
        first.seq,
        first.run,
        (last.seq, last.hash, last.time),
        format,
        out,
    )
}

/// Prints an append: how many events from which position, the run and the new head.
fn print(
    count: u64,
    first: Seq,
    run: Seq,
    (seq, hash, time): (Seq, Hash, LedgerTime),
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    match format {
        Format::Text if count == 1 => writeln!(out, "appended {seq} {hash} at {time}")?,
        Format::Text => writeln!(
            out,
            "appended {count} events at {first}–{seq} (run {run}) at {time}\nhead {seq}:{hash}"
        )?,
        Format::Json => writeln!(
            out,
            "{}",
            json!({
                "count": count,
                "from": first.0,
                "to": seq.0,
                "run": run.0,
                "time": time.to_string(),
                "head": {"seq": seq.0, "hash": hash.to_hex()},
            })
        )?,
    }
    Ok(())
}

/// `import --from kolada`: the files converted against the ledger's state, then appended as
/// one import. Values already recorded append nothing.
fn kolada(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    use crate::import::{InputError, kolada};
    let Some(fetched) = args.kolada.fetched else {
        let why = "is required for Kolada: when were the files fetched? e.g. 2022-03-01T09:00:00Z";
        return Err(InputError::new("--fetched", None, None, why).into());
    };
    let mut files = Vec::new();
    for file in &args.files {
        let bytes = super::read_input(file)?;
        files.push(kolada::parse_data(super::input_name(file), &bytes)?);
    }
    let mut ledger = super::state::open(&ctx.ledger)?;
    let state = super::state::replay(&ledger, super::state::KnownAt::Now)?;
    let options = kolada::Options {
        gender: args.kolada.gender,
        url: args.kolada.url,
        fetched,
    };
    let converted = kolada::convert(&files, &state, &options)?;
    for note in &converted.notes {
        eprintln!("malbok: {note}");
    }
    append_converted(
        &mut ledger,
        ctx,
        "kolada",
        converted.events,
        args.format,
        out,
    )?;
    if args.format == Format::Text {
        writeln!(
            out,
            "{} values already recorded, {} for no indicator of this ledger",
            converted.unchanged, converted.unmatched
        )?;
    }
    Ok(())
}

/// `import --from csv`: readings, targets or assessments in the documented layouts (see
/// `crate::import::csv`), each file's layout told by its first row.
fn csv(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let mut ledger = super::state::open(&ctx.ledger)?;
    let state = super::state::replay(&ledger, super::state::KnownAt::Now)?;
    let mut lines = Vec::new();
    let mut layout = None;
    for file in &args.files {
        let bytes = super::read_input(file)?;
        let (this, rows) = crate::import::csv::rows(super::input_name(file), &bytes, &state)?;
        layout.get_or_insert(this);
        lines.extend(rows);
    }
    let layout = layout.unwrap_or(crate::import::csv::Layout::Readings);
    if lines.is_empty() {
        return append_converted(&mut ledger, ctx, "csv", Vec::new(), args.format, out);
    }
    // The domain's refusals name the file and the row's line (of the first file when several
    // are imported at once) and the column.
    let source = super::input_name(&args.files[0]).to_string();
    let appended = append_checked(&mut ledger, ctx, &source, lines).map_err(|e| match e {
        CliError::Refused(r) => {
            let column = layout.column_of(r.field.as_deref()).to_string();
            CliError::Refused(crate::import::InputError {
                field: Some(column),
                ..r
            })
        }
        other => other,
    })?;
    report(&appended, args.format, out)
}

/// Appends converted events, all or nothing, or says that there was nothing new.
fn append_converted(
    ledger: &mut Ledger,
    ctx: &Context,
    source: &str,
    events: Vec<crate::ledger::NewEvent>,
    format: Format,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if events.is_empty() {
        match format {
            Format::Text => writeln!(out, "nothing new to append")?,
            Format::Json => writeln!(out, "{}", json!({"count": 0}))?,
        }
        return Ok(());
    }
    let lines = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| jsonl::Line { line: i + 1, event })
        .collect();
    let appended = append_checked(ledger, ctx, source, lines)?;
    report(&appended, format, out)
}
