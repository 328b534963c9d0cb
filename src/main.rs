use clap::Parser;
use malbok::cli::{self, Cli, CliError};
use malbok::ledger::LedgerError;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // sled panics on some storage damage that passes its checksums (a blob swapped for another):
    // such a panic is the ledger's damage, not a bug of the command, and ends with exit 3 and the
    // way out, at once, without unwinding through (and dropping) the sled handles.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let in_sled = info
            .location()
            .is_some_and(|l| l.file().contains("/sled-") || l.file().contains("sled/src"));
        if in_sled {
            eprintln!(
                "malbok: the ledger's storage is damaged: sled failed reading it ({}); get the \
                 intact events out with `malbok salvage --out FILE`, or `malbok restore` an export \
                 into a new directory",
                info.location().map(|l| l.to_string()).unwrap_or_default()
            );
            std::process::exit(3);
        }
        default_hook(info);
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap quotes the arguments it refuses: neutralise escapes in them like ours.
            let text = printable(&e.render().to_string());
            if e.use_stderr() {
                eprint!("{text}");
            } else {
                print!("{text}");
            }
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    // Held to the end of the process: the private copy of a ledger on read-only media.
    let mut private_copy = None;
    let reads_only = cli.command.reads_only();
    let result = cli::context(&cli)
        .map_err(cli::CliError::from)
        .and_then(|mut ctx| {
            if reads_only {
                private_copy = read_only_copy(&mut ctx)?;
            }
            Ok(ctx)
        })
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
            eprintln!("malbok: {}", printable(&e.to_string()));
            if let Some(hint) = way_out(&e) {
                eprintln!("malbok: {hint}");
            }
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// A message for a terminal: messages quote input (field names, kinds, arguments), and a
/// terminal escape sequence in them (`\x1b[2J`, `\x1b]8;;…`) must be shown, not obeyed. Every
/// control character but the newline is written as its Rust escape (`\u{1b}`).
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The way out of a failure that means the ledger's storage is damaged (a stored block that does
/// not decode, a file of sled's missing or cut short): the message above names the damage, this
/// line what to do. Other failures (in use, full disk, permissions) say their own way out.
fn way_out(e: &CliError) -> Option<&'static str> {
    use std::io::ErrorKind;
    let damaged = match e {
        CliError::Ledger(LedgerError::Damaged { .. }) => true,
        CliError::Ledger(LedgerError::Storage { source, .. }) => matches!(
            source.kind(),
            ErrorKind::NotFound
                | ErrorKind::UnexpectedEof
                | ErrorKind::InvalidData
                | ErrorKind::Other
        ),
        // A directory that holds `malbok.head` was a malbok ledger: files of it that are no
        // longer sled's are damage, not a foreign directory.
        CliError::Ledger(LedgerError::NotALedger { path, why }) => {
            !why.contains("salvage") && std::path::Path::new(path).join("malbok.head").exists()
        }
        _ => false,
    };
    if let CliError::Ledger(LedgerError::Storage { source, .. }) = e
        && (matches!(
            source.kind(),
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
        ) || source.raw_os_error() == Some(30))
    {
        return Some(
            "the ledger is on read-only media or not writable by you: read commands read a \
             private copy; to append, copy the ledger directory to writable storage",
        );
    }
    damaged.then_some(
        "the ledger's storage looks damaged: `malbok verify` shows where; get the intact events \
         out with `malbok salvage --out FILE`, or `malbok restore` an export into a new directory",
    )
}

/// sled writes to every database it opens (its lock, its log, its snapshots), so a ledger on
/// read-only media (a read-only mount, a write-protected directory or files) cannot be opened in
/// place. A command that only reads then copies the ledger directory to a private temporary
/// directory and reads that, saying so on stderr; nothing is ever written to the ledger itself.
/// The copy costs the ledger's size in temporary space and the time to copy it.
fn read_only_copy(ctx: &mut cli::Context) -> Result<Option<tempfile::TempDir>, CliError> {
    use std::io::ErrorKind;
    let ledger = ctx.ledger.clone();
    // A missing directory or one without sled's file is for the command to refuse in words.
    if !ledger.join("db").is_file() {
        return Ok(None);
    }
    let refused = |e: &std::io::Error| {
        matches!(
            e.kind(),
            ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
        ) || e.raw_os_error() == Some(30)
    };
    // Opening for writing writes nothing; an unnamed temporary file leaves nothing behind.
    let db = std::fs::OpenOptions::new()
        .write(true)
        .open(ledger.join("db"));
    let dir = tempfile::tempfile_in(&ledger);
    let read_only = matches!(&db, Err(e) if refused(e)) || matches!(&dir, Err(e) if refused(e));
    drop((db, dir));
    if !read_only {
        return Ok(None);
    }
    let copy_dir = tempfile::Builder::new()
        .prefix("malbok-read-only-")
        .tempdir()
        .map_err(CliError::Output)?;
    let copy = copy_dir.path().join("ledger");
    copy_tree(&ledger, &copy).map_err(CliError::Output)?;
    eprintln!(
        "malbok: {} is read-only and sled writes to what it opens: reading a private copy in {} \
         (nothing is written to the ledger)",
        ledger.display(),
        copy.display()
    );
    ctx.ledger = copy;
    Ok(Some(copy_dir))
}

/// Copies a directory tree, making every copy writable (the originals may be write-protected).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(to)?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700))?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}
