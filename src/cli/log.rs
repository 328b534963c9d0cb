//! `malbok log`: the stored events, filtered.

use super::{CliError, Context, Format};
use crate::domain::{DomainEvent, subjects};
use crate::ledger::{Event, Ledger, Seq, export};
use std::io::Write;

/// List stored events, oldest first. Text for people; with --format json one export line per
/// event ({"event":{..},"hash":".."}), the exact stored bytes.
///
/// With --interpretations, only the events whose provenance is an interpretation (what the
/// ledger adds to the documents): position, kind, subject and the reason; with --format json
/// one object per line ({"seq","kind","subject","interpretation"}).
///
/// Example: malbok log --from 10 --kind reading.corrected --actor anna
///
/// Example: malbok log --interpretations
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
    /// Only events that are interpretations (provenance with "interpretation"), with the reason.
    #[arg(long)]
    interpretations: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let to = args.to.unwrap_or(u64::MAX);
    let from = Seq(args.from.max(1));
    let keep = |event: &Event| {
        args.kind.as_ref().is_none_or(|k| *k == event.kind)
            && args.actor.as_ref().is_none_or(|a| *a == event.actor)
    };
    let mut show = |event: Event| -> Result<(), CliError> {
        if !keep(&event) {
            return Ok(());
        }
        if args.interpretations {
            return show_interpretation(&event, args.format, out);
        }
        match args.format {
            Format::Json => out.write_all(&export::line_of(&event))?,
            Format::Text => writeln!(
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
    Ok(())
}

/// One line for an interpretation: nothing for an event that cites its facts or cites none.
fn show_interpretation(event: &Event, format: Format, out: &mut dyn Write) -> Result<(), CliError> {
    let payload = serde_json::Value::Object(event.payload.clone());
    // A stored event passed the parser when it was appended; one that no longer parses (a
    // kind from a later version) is not an interpretation this version can name.
    let Ok(parsed) = DomainEvent::parse(&event.kind, &payload) else {
        return Ok(());
    };
    let Some(reason) = parsed.interpretation() else {
        return Ok(());
    };
    let subject = subjects(&parsed).first().copied().unwrap_or("-");
    match format {
        Format::Json => {
            let line = serde_json::json!({
                "seq": event.seq.0,
                "kind": event.kind,
                "subject": subject,
                "interpretation": reason,
            });
            writeln!(out, "{line}")?;
        }
        Format::Text => writeln!(
            out,
            "{:>6}  {}  {}  {}",
            event.seq.0,
            event.kind,
            subject,
            reason.replace('\n', " ")
        )?,
    }
    Ok(())
}
