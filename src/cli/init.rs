//! `malbok init`: create a ledger, optionally with a starter set-up of one organisation.

use super::{CliError, Context, Format};
use crate::import::InputError;
use crate::ledger::Ledger;
use serde_json::json;
use std::io::Write;

/// Create a new ledger (a genesis event with a random ledger id) in a new or empty directory.
/// It prints the head, SEQ:HASH.
///
/// With --template kommun it also writes a starter set-up of one municipality as an editable
/// JSONL file (one event per line, see events/CATALOGUE.md): the organisation, its
/// kommunfullmäktige and the usual nämnder (KS, BUN, SN, MBN, KFN, TN), and a three-grade
/// scale (● Uppnått, ◆ Delvis uppnått, ○ Ej uppnått, – Kan ej bedömas), and imports it. With
/// --no-import it only writes the file: remove or rename bodies, change the scale, then
/// `malbok import FILE`.
///
/// Example: malbok init --template kommun --org 0125 --name "Ekerö kommun"
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A starter set-up to write and import; `kommun` is the one there is.
    #[arg(long, value_enum, requires_all = ["org", "name"])]
    template: Option<Template>,
    /// The municipality's Kolada id, four digits with the leading zero, e.g. 0125.
    #[arg(long)]
    org: Option<String>,
    /// The municipality's name, e.g. "Ekerö kommun".
    #[arg(long)]
    name: Option<String>,
    /// The organisation's id; default: the name without " kommun", e.g. ekero (printed).
    #[arg(long)]
    id: Option<String>,
    /// Where to write the set-up; default: `<id>.setup.jsonl`. An existing file is not
    /// overwritten.
    #[arg(long)]
    out: Option<String>,
    /// Only write the set-up file; import it later with `malbok import FILE`.
    #[arg(long, requires = "template")]
    no_import: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The starter set-ups.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Template {
    /// A municipality: organisation, KF and the usual nämnder, a three-grade scale.
    Kommun,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let Some(Template::Kommun) = args.template else {
        let ledger = Ledger::init(&ctx.ledger, &ctx.actor, ctx.now)?;
        return super::head::print(&ledger, args.format, out);
    };
    // `requires_all` makes both present; the fallbacks are never used.
    let name = args.name.unwrap_or_default();
    let kolada_id = args.org.unwrap_or_default();
    let id = match args.id {
        Some(id) => id,
        None => {
            let short = name.strip_suffix(" kommun").unwrap_or(&name);
            crate::domain::derive_id("", short, |_| false)
        }
    };
    let text = kommun(&id, &name, &kolada_id);
    let file = args.out.unwrap_or_else(|| format!("{id}.setup.jsonl"));
    // Check the lines (against an empty ledger) before anything is written or created, so a
    // bad --org or --name leaves nothing behind.
    let lines = crate::import::jsonl::parse(&file, text.as_bytes())?;
    let mut empty = crate::domain::State::default();
    let time = ctx.now.to_string();
    crate::import::check_against_state(&mut empty, &file, &lines, 2, &time, &ctx.actor).map_err(
        |e| match e.field.as_deref() {
            Some("payload.kolada_id") => InputError::new("--org", None, None, e.reason),
            Some("payload.name") if e.line == Some(1) => {
                InputError::new("--name", None, None, e.reason)
            }
            Some("payload.id") if e.line == Some(1) => {
                InputError::new("--id", None, None, e.reason)
            }
            _ => e,
        },
    )?;
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        let reason = format!("cannot write the set-up: {e}; give another file with --out");
        return Err(InputError::new(&file, None, None, reason).into());
    }
    if args.no_import {
        writeln!(
            out,
            "wrote {file} ({} events); import it with `malbok import {file}`",
            lines.len()
        )?;
        return Ok(());
    }
    let mut ledger = Ledger::init(&ctx.ledger, &ctx.actor, ctx.now)?;
    let appended = super::import::append_checked(&mut ledger, ctx, &file, lines)?;
    if args.format == Format::Text {
        writeln!(
            out,
            "wrote {file}: organisation {id}, {} bodies, scale {id}.tregradig",
            BODIES.len()
        )?;
    }
    super::import::report(&appended, args.format, out)
}

/// The usual bodies of a Swedish municipality: (id suffix, name, abbreviation).
const BODIES: &[(&str, &str, &str)] = &[
    ("kf", "Kommunfullmäktige", "KF"),
    ("ks", "Kommunstyrelsen", "KS"),
    ("bun", "Barn- och utbildningsnämnden", "BUN"),
    ("sn", "Socialnämnden", "SN"),
    ("mbn", "Miljö- och byggnadsnämnden", "MBN"),
    ("kfn", "Kultur- och fritidsnämnden", "KFN"),
    ("tn", "Tekniska nämnden", "TN"),
];

/// The set-up of one municipality, one event per line.
fn kommun(id: &str, name: &str, kolada_id: &str) -> String {
    let mut lines = vec![json!({"kind": "organisation.registered",
        "payload": {"id": id, "name": name, "kolada_id": kolada_id}})];
    for (suffix, body, abbreviation) in BODIES {
        lines.push(json!({"kind": "body.registered", "payload": {
            "id": format!("{id}.{suffix}"), "organisation": id, "name": body,
            "abbreviation": abbreviation}}));
    }
    lines.push(json!({"kind": "scale.defined", "payload": {
        "id": format!("{id}.tregradig"), "organisation": id, "name": "Tregradig skala",
        "grades": [
            {"code": "uppnatt", "label": "Uppnått", "symbol": "●", "plural": "uppnådda"},
            {"code": "delvis", "label": "Delvis uppnått", "symbol": "◆", "plural": "delvis uppnådda"},
            {"code": "ej_uppnatt", "label": "Ej uppnått", "symbol": "○", "plural": "ej uppnådda"},
        ],
        "not_assessable": {"code": "kan_ej_bedomas", "label": "Kan ej bedömas", "symbol": "–"},
    }}));
    lines.iter().map(|l| format!("{l}\n")).collect()
}
