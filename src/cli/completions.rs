//! `malbok completions SHELL`: shell completions, generated from the clap definitions.

use super::{Cli, CliError, Context};
use clap::CommandFactory;
use std::io::Write;

/// Print completions for bash, zsh or fish, generated from malbok's own flags and commands.
/// Save them where your shell looks (bash: ~/.local/share/bash-completion/completions/malbok,
/// zsh: a directory on $fpath as _malbok, fish: ~/.config/fish/completions/malbok.fish).
///
/// Example: malbok completions bash > malbok.bash
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

/// The shells completions are written for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
}

pub fn run(args: Args, _ctx: &Context, out: &mut dyn Write) -> Result<(), CliError> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "malbok", &mut buf);
    out.write_all(&buf)?;
    Ok(())
}
