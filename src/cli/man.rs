//! `malbok man`: the manual page, generated from the clap definitions.

use super::{Cli, CliError, Context};
use clap::CommandFactory;
use std::io::Write;

/// Print malbok's manual page (roff), generated from its own help texts.
///
/// Example: malbok man > malbok.1 && man ./malbok.1
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(_args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    out.write_all(&buf)?;
    Ok(())
}
