//! `malbok report`: a follow-up report in Swedish, as the ledger knew it at a position.

use super::state::KnownAt;
use super::{CliError, Context};
use crate::domain::{Id, State};
use crate::import::InputError;
use crate::ledger::{Hash, Ledger, Seq};
use crate::report::render::{ReportFormat, render};
use crate::report::{Source, build, find_follow_up};
use std::io::Write;

/// Print the report of a follow-up, shaped like the published document: the table Nämndmål ·
/// Indikator · Tidpunkter · Kommentar, the summary sentences, computed and published figures
/// side by side, the method in force, and the ledger head it was made from.
///
/// Example: malbok report --follow-up "Delår 2021" --org ekero --body ekero.sn --format md
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    which: Which,
    /// As known at this ledger position (e.g. 1042) or ledger time (RFC 3339).
    #[arg(long)]
    known_at: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
}

pub fn run(args: Args, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let known = KnownAt::parse(args.known_at.as_deref())?;
    let ledger = super::state::open(&ctx.ledger)?;
    let (state, head) = args.which.state(&ledger, known)?;
    let (follow_up, body) = args.which.resolve(&state)?;
    let source = Source {
        ledger_id: ledger.ledger_id().to_string(),
        head_seq: head.0.0,
        head_hash: head.1.to_hex(),
    };
    let bytes = make(&state, &follow_up, body.as_ref(), source, args.format)?;
    match args.out {
        Some(path) => std::fs::write(&path, &bytes).map_err(|e| {
            InputError::new(
                &path.display().to_string(),
                None,
                None,
                format!("cannot write: {e}"),
            )
        })?,
        None => out.write_all(&bytes)?,
    }
    Ok(())
}

/// Which report: a follow-up, and the body whose report it is.
#[derive(Debug, clap::Args)]
pub struct Which {
    /// The follow-up, by name ("Delår 2021") or id.
    #[arg(long)]
    follow_up: String,
    /// The organisation, when several have a follow-up of that name.
    #[arg(long)]
    org: Option<String>,
    /// Only the goals this body is responsible for, with its assessments (default: each goal's
    /// plan's body).
    #[arg(long)]
    body: Option<String>,
}

impl Which {
    /// The state of the organisation the report is about (`--org`, else the body's, else the
    /// follow-up's when given by id), as known at `known`, with the journal a report's "changed
    /// since" section needs; and the head of the prefix it was made from.
    pub fn state(&self, ledger: &Ledger, known: KnownAt) -> Result<(State, (Seq, Hash)), CliError> {
        let follow_up =
            crate::projection::id_info(ledger, &self.follow_up)?.map(|_| self.follow_up.as_str());
        let scope = [
            ("--org", self.org.as_deref()),
            ("--body", self.body.as_deref()),
            ("--follow-up", follow_up),
        ];
        super::state::scoped(ledger, known, scope, false)
    }

    /// The follow-up's id and the body's, checked against the state.
    pub fn resolve(&self, state: &State) -> Result<(Id, Option<Id>), InputError> {
        let follow_up = find_follow_up(state, &self.follow_up, self.org.as_deref())
            .map_err(|reason| InputError::new("--follow-up", None, None, reason))?;
        let body = self
            .body
            .as_deref()
            .map(|b| Id::parse(b).map_err(|reason| InputError::new("--body", None, None, reason)))
            .transpose()?;
        Ok((follow_up, body))
    }
}

/// The report's bytes: the one path `report`, `seal`, `reproduce` and `demo` share.
pub fn make(
    state: &State,
    follow_up: &Id,
    body: Option<&Id>,
    source: Source,
    format: ReportFormat,
) -> Result<Vec<u8>, InputError> {
    let report = build(state, follow_up, body, source)
        .map_err(|reason| InputError::new("--follow-up", None, None, reason))?;
    Ok(render(&report, format))
}
