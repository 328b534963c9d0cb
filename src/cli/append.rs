//! `malbok append`: one event.

use super::{CliError, Context, Format};
use crate::import::InputError;
use crate::import::jsonl::new_event;
use std::io::Write;

/// Append one event of a kind in events/CATALOGUE.md. The payload is a JSON object, given
/// with --payload or on standard input; it is checked as `import` checks a line. The commands
/// for people (`organisation add`, `goal add`, ...) build the same payloads from flags.
///
/// Example: malbok append --kind organisation.registered --payload '{"id":"ekero","name":"Ekerö kommun","kolada_id":"0125"}'
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The event kind, lowercase words joined by dots.
    #[arg(long)]
    kind: String,
    /// The payload, a JSON object; read from standard input when omitted.
    #[arg(long)]
    payload: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let payload = match args.payload {
        Some(text) => text,
        None => String::from_utf8(super::read_input("-")?)
            .map_err(|_| InputError::new("<stdin>", None, None, "the payload is not UTF-8"))?,
    };
    let payload_value = crate::ledger::canonical::parse_strict(payload.trim())
        .map_err(|e| InputError::new("--payload", None, None, format!("invalid JSON: {e}")))?;
    let event = new_event(args.kind, payload_value).map_err(|(field, reason)| {
        let source = if field.as_deref() == Some("kind") {
            "--kind"
        } else {
            "--payload"
        };
        InputError::new(source, None, field.as_deref(), reason)
    })?;
    let mut ledger = super::state::open(&ctx.ledger)?;
    let line = crate::import::jsonl::Line { line: 1, event };
    let appended = super::import::append_checked(&mut ledger, ctx, "--payload", vec![line])
        .map_err(|e| match e {
            // One event from the command line has no line number to name.
            CliError::Refused(refused) => CliError::Refused(InputError {
                line: None,
                ..refused
            }),
            other => other,
        })?;
    super::import::report(&appended, args.format, out)
}
