//! The command line: flags and help per command, the context every command gets (ledger path,
//! actor, clock), and the mapping of errors to exit codes. One file per command.

mod append;
mod checkpoint;
mod completions;
mod csv_out;
mod demo;
mod diff;
mod export;
mod r#gen;
mod head;
mod history;
mod import;
mod init;
mod keygen;
mod log;
mod man;
mod people;
mod progress;
mod prove;
mod readings;
mod reindex;
mod report;
mod reproduce;
mod restore;
mod salvage;
mod seal;
mod sign;
pub mod state;
mod status;
mod verify;
mod verify_proof;

use crate::import::InputError;
use crate::ledger::{LedgerError, LedgerTime};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  verification failed (the first bad position is printed)
  2  input refused: bad arguments or bad input; nothing was stored
  3  ledger unavailable: in use by another process, missing, not a ledger, or unreadable

Environment:
  MALBOK_LEDGER  the ledger directory (default ./malbok.db)
  MALBOK_ACTOR   who is appending (default: the OS user)
  MALBOK_NOW     ledger time to record instead of the system clock, RFC 3339
                 (e.g. 2021-09-01T10:00:00Z); for tests and reproducible examples
  MALBOK_WAIT    seconds to wait for another process to let go of the ledger (default 10)
  NO_COLOR       set (to anything but empty): progress shows no colour";

/// malbok: a tamper-evident audit ledger of goal assessments.
#[derive(Debug, Parser)]
#[command(name = "malbok", version, after_help = EXIT_CODES)]
pub struct Cli {
    /// The ledger directory.
    #[arg(
        long,
        global = true,
        env = "MALBOK_LEDGER",
        default_value = "malbok.db"
    )]
    pub ledger: PathBuf,
    /// Who is appending; recorded in every event. Given before the command
    /// (`malbok --actor anna import ...`), since `log --actor` is a filter.
    #[arg(long, env = "MALBOK_ACTOR")]
    pub actor: Option<String>,
    /// How long to wait, in seconds, for another malbok process (an import, say) to let go of
    /// the ledger before giving up with exit 3.
    #[arg(
        long,
        global = true,
        env = "MALBOK_WAIT",
        default_value_t = 10.0,
        value_name = "SECS"
    )]
    pub wait: f64,
    /// Sign what this command appends: a `signature.added` event by this signer key (from
    /// `malbok keygen`, registered with an `actor.key_registered` event) follows the batch.
    #[arg(long, global = true, env = "MALBOK_SIGN_KEY", value_name = "FILE")]
    pub sign_key: Option<PathBuf>,
    /// No progress on stderr for long imports, verifications, restores, reindexes and `gen`
    /// (progress is shown only when stderr is a terminal anyway).
    #[arg(long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::Args),
    Append(append::Args),
    Import(import::Args),
    Log(log::Args),
    Head(head::Args),
    Verify(verify::Args),
    Export(export::Args),
    Restore(restore::Args),
    Salvage(salvage::Args),
    Reindex(reindex::Args),
    Status(status::Args),
    History(history::Args),
    Report(report::Args),
    Seal(seal::Args),
    Reproduce(reproduce::Args),
    Diff(diff::Args),
    Demo(demo::Args),
    Goal(people::goal::Args),
    Indicator(people::indicator::Args),
    Target(people::target::Args),
    Reading(people::reading::Args),
    Assess(people::assess::Args),
    FollowUp(people::follow_up::Args),
    Organisation(people::organisation::Args),
    Body(people::body::Args),
    Plan(people::plan::Args),
    Scale(people::scale::Args),
    Method(people::method::Args),
    Template(people::template::Args),
    Summary(people::summary::Args),
    Readings(readings::Args),
    Completions(completions::Args),
    Man(man::Args),
    Gen(r#gen::Args),
    Keygen(keygen::Args),
    Checkpoint(checkpoint::Args),
    Prove(prove::Args),
    VerifyProof(verify_proof::Args),
}

impl Command {
    /// Commands that only read the ledger: on read-only media they read a private copy (see
    /// `main`), since sled writes to any database it opens.
    pub fn reads_only(&self) -> bool {
        matches!(
            self,
            Command::Log(_)
                | Command::Head(_)
                | Command::Verify(_)
                | Command::Export(_)
                | Command::Salvage(_)
                | Command::Status(_)
                | Command::History(_)
                | Command::Report(_)
                | Command::Reproduce(_)
                | Command::Diff(_)
                | Command::Readings(_)
                | Command::Checkpoint(_)
                | Command::Prove(_)
        )
    }
}

/// Text for people, or JSON for machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// What every command gets from the outside world, read once in `main`.
pub struct Context {
    pub ledger: PathBuf,
    pub actor: String,
    /// Ledger time for anything appended: the clock is read once, here, never in the core.
    pub now: LedgerTime,
    /// `--sign-key`: the signer key that signs what is appended.
    pub sign_key: Option<PathBuf>,
    /// `--quiet`: no progress on stderr.
    pub quiet: bool,
}

/// A command's failure, by exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("verification failed at {0}")]
    VerifyFailed(crate::ledger::Fault),
    /// A proof or checkpoint that does not verify (no ledger position to name).
    #[error("verification failed: {0}")]
    ProofFailed(String),
    #[error("{0}")]
    Refused(#[from] InputError),
    #[error("{0}")]
    Ledger(#[from] LedgerError),
    #[error("{0}")]
    Output(#[from] std::io::Error),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::VerifyFailed(_) | CliError::ProofFailed(_) => 1,
            CliError::Refused(_) => 2,
            CliError::Ledger(LedgerError::NotEmpty(_) | LedgerError::Invalid { .. }) => 2,
            CliError::Ledger(_) => 3,
            CliError::Output(_) => 3,
        }
    }
}

/// Reads the context from flags and environment.
pub fn context(cli: &Cli) -> Result<Context, InputError> {
    let actor = cli
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .unwrap_or_else(|| "unknown".into());
    let wait = std::time::Duration::try_from_secs_f64(cli.wait).map_err(|_| {
        InputError::new(
            "--wait",
            None,
            None,
            format!("{} is not a number of seconds such as 10 or 0.5", cli.wait),
        )
    })?;
    crate::ledger::store::set_lock_patience(wait);
    crate::ledger::envelope::check_actor(&actor)
        .map_err(|reason| InputError::new("--actor", None, None, reason))?;
    let now = match std::env::var("MALBOK_NOW") {
        Ok(text) => LedgerTime::parse_rfc3339(&text).ok_or_else(|| {
            InputError::new(
                "MALBOK_NOW",
                None,
                None,
                format!("{text:?} is not an RFC 3339 time such as 2021-09-01T10:00:00Z"),
            )
        })?,
        Err(_) => LedgerTime::from_utc(chrono::Utc::now()),
    };
    Ok(Context {
        ledger: cli.ledger.clone(),
        actor,
        now,
        sign_key: cli.sign_key.clone(),
        quiet: cli.quiet,
    })
}

/// Runs the command, writing what it prints to `out`.
pub fn run(cli: Cli, ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    match cli.command {
        Command::Init(args) => init::run(args, ctx, out),
        Command::Append(args) => append::run(args, ctx, out),
        Command::Import(args) => import::run(args, ctx, out),
        Command::Log(args) => log::run(args, ctx, out),
        Command::Head(args) => head::run(args, ctx, out),
        Command::Verify(args) => verify::run(args, ctx, out),
        Command::Export(args) => export::run(args, ctx, out),
        Command::Restore(args) => restore::run(args, ctx, out),
        Command::Salvage(args) => salvage::run(args, ctx, out),
        Command::Reindex(args) => reindex::run(args, ctx, out),
        Command::Status(args) => status::run(args, ctx, out),
        Command::History(args) => history::run(args, ctx, out),
        Command::Report(args) => report::run(args, ctx, out),
        Command::Seal(args) => seal::run(args, ctx, out),
        Command::Reproduce(args) => reproduce::run(args, ctx, out),
        Command::Diff(args) => diff::run(args, ctx, out),
        Command::Demo(args) => demo::run(args, ctx, out),
        Command::Goal(args) => people::goal::run(args, ctx, out),
        Command::Indicator(args) => people::indicator::run(args, ctx, out),
        Command::Target(args) => people::target::run(args, ctx, out),
        Command::Reading(args) => people::reading::run(args, ctx, out),
        Command::Assess(args) => people::assess::run(args, ctx, out),
        Command::FollowUp(args) => people::follow_up::run(args, ctx, out),
        Command::Organisation(args) => people::organisation::run(args, ctx, out),
        Command::Body(args) => people::body::run(args, ctx, out),
        Command::Plan(args) => people::plan::run(args, ctx, out),
        Command::Scale(args) => people::scale::run(args, ctx, out),
        Command::Method(args) => people::method::run(args, ctx, out),
        Command::Template(args) => people::template::run(args, ctx, out),
        Command::Summary(args) => people::summary::run(args, ctx, out),
        Command::Readings(args) => readings::run(args, ctx, out),
        Command::Completions(args) => completions::run(args, ctx, out),
        Command::Man(args) => man::run(args, ctx, out),
        Command::Gen(args) => r#gen::run(args, ctx, out),
        Command::Keygen(args) => keygen::run(args, ctx, out),
        Command::Checkpoint(args) => checkpoint::run(args, ctx, out),
        Command::Prove(args) => prove::run(args, ctx, out),
        Command::VerifyProof(args) => verify_proof::run(args, ctx, out),
    }
}

/// How an input is named in messages: its path, or `<stdin>` for `-`.
pub fn input_name(path: &str) -> &str {
    if path == "-" { "<stdin>" } else { path }
}

/// Reads a file argument, `-` meaning standard input.
pub fn read_input(path: &str) -> Result<Vec<u8>, InputError> {
    let result = if path == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    };
    result.map_err(|e| InputError::new(input_name(path), None, None, format!("cannot read: {e}")))
}
