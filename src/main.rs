use clap::Parser;
use malbok::cli::{self, Cli};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = cli::context(&cli)
        .map_err(cli::CliError::from)
        .and_then(|ctx| {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            cli::run(cli, &ctx, &mut out).and_then(|()| out.flush().map_err(cli::CliError::from))
        });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`malbok log | head`) is the reader's choice, not a failure.
        Err(cli::CliError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("malbok: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
