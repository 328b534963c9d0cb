//! `malbok log`: the stored events, filtered.

use super::readings::TableFormat;
use super::{CliError, Context};
use crate::ledger::{Event, Ledger, Seq, export};
use std::io::Write;

/// List stored events, oldest first. Text for people; with --format json one export line per
/// event ({"event":{..},"hash":".."}), the exact stored bytes; with --format csv one row per
/// event (the payload as JSON text) as Swedish Excel reads it.
///
/// Example: malbok log --from 10 --kind reading.corrected --actor anna
#[derive(Debug, clap::Args)]
pub struct Args {
    /// First position to show.
    #[arg(long, default_value_t = 1)]
    from: u64,
    /// Last position to show.
    #[arg(long)]
    to: Option<u64>,
    /// Only events of this kind.
    #[arg(long)]
    kind: Option<String>,
    /// Only events appended by this actor.
    #[arg(long)]
    actor: Option<String>,
    /// Only events that touch this id (a goal, indicator, target, body, ...).
    #[arg(long)]
    subject: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: TableFormat,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let to = args.to.unwrap_or(u64::MAX);
    let from = Seq(args.from.max(1));
    let keep = |event: &Event| {
        args.kind.as_ref().is_none_or(|k| *k == event.kind)
            && args.actor.as_ref().is_none_or(|a| *a == event.actor)
    };
    let mut csv = super::csv_out::LogCsv::default();
    let mut show = |event: Event| -> Result<(), CliError> {
        if !keep(&event) {
            return Ok(());
        }
        match args.format {
            TableFormat::Json => out.write_all(&export::line_of(&event))?,
            TableFormat::Csv => csv.push(&event),
            TableFormat::Text => writeln!(
                out,
                "{:>6}  {}  {}  {}  {}  {}",
                event.seq.0,
                event.time,
                &event.hash.to_hex()[..12],
                event.actor,
                event.kind,
                serde_json::Value::Object(event.payload.clone())
            )?,
        }
        Ok(())
    };
    match &args.subject {
        // The subject index names the events that touch the id: only those are read.
        Some(subject) => {
            let ledger = super::state::open(&ctx.ledger)?;
            let seqs = crate::projection::subject_positions(&ledger, subject)?;
            let seqs = seqs.into_iter().filter(|s| *s >= from && s.0 <= to);
            for event in ledger.events_at(seqs) {
                show(event?)?;
            }
        }
        None => {
            let ledger = Ledger::open(&ctx.ledger)?;
            for event in ledger.events_from(from) {
                let event = event?;
                if event.seq.0 > to {
                    break;
                }
                show(event)?;
            }
        }
    }
    if args.format == TableFormat::Csv {
        csv.write(out)?;
    }
    Ok(())
}
