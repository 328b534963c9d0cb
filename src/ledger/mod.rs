//! Bytes and positions: the envelope, its canonical encoding, the hash chain, the sled store,
//! verification and the export format. This layer knows nothing of goals or indicators.

pub mod canonical;
pub mod envelope;
pub mod export;
pub mod merkle;
pub mod note;
pub mod scan;
pub mod store;
pub mod verify;

pub use envelope::{Event, Hash, LedgerTime, NewEvent, Seq};
pub use store::{Head, Ledger};
pub use verify::{Fault, Verified};

/// The format version written into every event (`v`) and into the metadata tree.
pub const FORMAT_VERSION: u64 = 1;

/// The kind of the first event of every ledger. The prefix `ledger.` is reserved for this layer.
pub const GENESIS_KIND: &str = "ledger.genesis";

/// Errors of the storage layer. Each says what went wrong and, where it can, what to do.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Another process holds the ledger open.
    #[error("ledger in use: {0} is opened by another malbok process; wait for it to finish")]
    InUse(String),
    /// A process holding the ledger (an import, a verify, a seal) paused to let readers in; a
    /// command that writes waits for it to end.
    #[error(
        "{path} is held by process {pid} (an import, verify or seal), which paused to let this \
         command read the ledger as last committed; a command that writes must wait until that \
         process ends: run it again then"
    )]
    Importing { path: String, pid: u32 },
    /// The directory holds no ledger.
    #[error("no ledger at {0}; create one with `malbok init` or choose another with --ledger")]
    Missing(String),
    /// The directory exists but is not a malbok ledger (or is a damaged one).
    #[error("{path} is not a malbok ledger: {why}")]
    NotALedger { path: String, why: String },
    /// `init` or `restore` into a directory that already has content.
    #[error("{0} is not empty; init and restore need a new or empty directory")]
    NotEmpty(String),
    /// A ledger written by a newer malbok.
    #[error(
        "{path} has format version {found}; this malbok reads version {FORMAT_VERSION}: upgrade malbok"
    )]
    NewerFormat { path: String, found: String },
    /// An event handed to `append` that could not be stored as a valid event (the layers above
    /// check input first; this is the store's own guard).
    #[error("event {index} of the batch cannot be stored: {why}")]
    Invalid { index: usize, why: String },
    /// A stored block cannot be decoded or the stored events do not form a valid chain where the
    /// operation needs them to (for example the head event while appending).
    #[error("ledger damaged at position {seq}: {why}; run `malbok verify`")]
    Damaged { seq: u64, why: String },
    /// The disk holding the ledger is full (ENOSPC).
    #[error(
        "no space left on the device holding {0}: nothing of this command was committed; free space and run it again (the ledger opens and verifies once there is room)"
    )]
    NoSpace(String),
    /// The underlying storage failed.
    #[error("storage error at {path}: {source}")]
    Storage {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl LedgerError {
    pub(crate) fn storage(path: &std::path::Path, source: impl Into<std::io::Error>) -> Self {
        let source = source.into();
        // sled sometimes hands the error on as text (`Os { code: 28, .. }`).
        let text = format!("{source} {source:?}");
        if source.kind() == std::io::ErrorKind::StorageFull
            || source.raw_os_error() == Some(28)
            || text.contains("No space left on device")
            || text.contains("StorageFull")
        {
            let error = LedgerError::NoSpace(path.display().to_string());
            // Remembered for `Ledger`'s drop: closing sled on a full disk can wait forever.
            let _ = store::NO_SPACE.set(error.to_string());
            return error;
        }
        LedgerError::Storage {
            path: path.display().to_string(),
            source,
        }
    }
}
