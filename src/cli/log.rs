//! `malbok log`: the stored events, filtered.

use super::{CliError, Context, Format};
use crate::ledger::{Ledger, Seq, export};
use std::io::Write;

/// List stored events, oldest first. Text for people; with --format json one export line per
/// event ({"event":{..},"hash":".."}), the exact stored bytes.
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
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let ledger = Ledger::open(&ctx.ledger)?;
    let to = args.to.unwrap_or(u64::MAX);
    for event in ledger.events_from(Seq(args.from.max(1))) {
        let event = event?;
        if event.seq.0 > to {
            break;
        }
        if args.kind.as_ref().is_some_and(|k| *k != event.kind)
            || args.actor.as_ref().is_some_and(|a| *a != event.actor)
            || args.subject.as_ref().is_some_and(|s| !touches(&event, s))
        {
            continue;
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
    }
    Ok(())
}

/// Whether a stored event names `id` among its subjects.
fn touches(event: &crate::ledger::Event, id: &str) -> bool {
    let payload = serde_json::Value::Object(event.payload.clone());
    crate::domain::DomainEvent::parse(&event.kind, &payload)
        .is_ok_and(|domain| crate::domain::subjects(&domain).contains(&id))
}
