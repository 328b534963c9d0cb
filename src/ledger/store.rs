//! The sled store.
//!
//! Layout (see ARCHITECTURE.md): tree `events` maps the big-endian position of the first event
//! of a block to the block; a block is a run of consecutive events, each stored as
//! `hash (32 bytes) ‖ length (u32, big-endian) ‖ the exact hashed bytes`. Packing events into
//! blocks keeps the number of sled keys small, which is what makes opening a large ledger fast
//! (measured in the issue: 5.8 s to re-open 3M one-key-per-event values, 0.5 s packed). Tree
//! `meta` holds `format` and `ledger_id`. The head is simply the last event of the last block.
//!
//! Every append is one `apply_batch` on `events` (atomic across a crash), then `flush`, then an
//! fsync of every file of the database (sled's flush uses `sync_file_range`, which does not
//! flush volatile disk caches).

use super::envelope::{self, Event, Hash, LedgerTime, NewEvent, Sealed, Seq};
use super::verify::{Chain, Fault, Verified, precheck};
use super::{FORMAT_VERSION, LedgerError};
use sled::Transactional;
use std::path::{Path, PathBuf};

/// A block is closed once it holds this many events ...
pub const BLOCK_EVENTS: usize = 256;
/// ... or this many bytes, so rewriting the open block on a single append stays cheap.
pub const BLOCK_BYTES: usize = 256 * 1024;

const ENTRY_HEADER: usize = 32 + 4;

/// The key, in the derived tree, of the head the derived data reflects. The layer above keeps
/// its own keys from starting with `h`.
pub const DERIVED_HEAD: &[u8] = b"h";

/// The key, in `meta`, of the commit record: the head (seq ‖ hash ‖ RFC 3339 time) of the
/// last append that completed.
const HEAD_RECORD: &[u8] = b"head";

fn head_record(seq: Seq, hash: Hash, time: LedgerTime) -> Vec<u8> {
    let mut record = seq.0.to_be_bytes().to_vec();
    record.extend_from_slice(&hash.0);
    record.extend_from_slice(time.to_string().as_bytes());
    record
}

fn decode_head_record(record: &[u8]) -> Option<Head> {
    let (seq, rest) = record.split_first_chunk::<8>()?;
    let (hash, time) = rest.split_first_chunk::<32>()?;
    Some(Head {
        seq: Seq(u64::from_be_bytes(*seq)),
        hash: Hash(*hash),
        time: LedgerTime::parse_rfc3339(std::str::from_utf8(time).ok()?)?,
    })
}

/// The file, beside sled's, that records each commit's head as `SEQ:HASH`. It is written
/// (to a temporary file, fsynced, renamed) after sled holds the commit durably, so it never names
/// a position sled was not told to keep.
pub const HEAD_FILE: &str = "malbok.head";

/// Where [`Ledger::create`] builds a ledger before renaming it into `path`: `.NAME.creating`
/// beside it.
fn creating_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "ledger".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.creating"))
}

fn write_head_file(dir: &Path, seq: Seq, hash: Hash) -> std::io::Result<()> {
    use std::io::Write as _;
    let tmp = dir.join("malbok.head.tmp");
    let mut file = std::fs::File::create(&tmp)?;
    writeln!(file, "{seq}:{hash}")?;
    file.sync_all()?;
    std::fs::rename(&tmp, dir.join(HEAD_FILE))?;
    std::fs::File::open(dir)?.sync_all()
}

/// The recorded head, if the file exists (a ledger from before it has none).
fn read_head_file(dir: &Path) -> Result<Option<(Seq, Hash)>, String> {
    let text = match std::fs::read_to_string(dir.join(HEAD_FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("its {HEAD_FILE} cannot be read: {e}")),
    };
    super::verify::parse_head(text.trim_end())
        .map(Some)
        .ok_or_else(|| format!("its {HEAD_FILE} does not hold a head SEQ:HASH"))
}

/// One derived entry: key and value, opaque to this layer.
pub type DerivedEntry = (Vec<u8>, Vec<u8>);

/// A block read for `events_at`: its first position and its entries.
/// Set (with the message) once a write met a full disk. sled's handles then wait forever for
/// a flush that cannot happen when they are closed (`Tree::drop` in `iobuf::make_stable`), so
/// [`Ledger`]'s drop, when this process appended to it, ends the process with the message and exit
/// code 3 instead of closing them: nothing was committed (the head record is written last), and the next open recovers
/// from sled's log as after a crash.
pub(crate) static NO_SPACE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

impl Drop for Ledger {
    fn drop(&mut self) {
        // Only a ledger this process appended to: creating one (`init`, `restore`) cleans up
        // after itself when the disk is full, and its sled closes.
        if self.appended
            && let Some(message) = NO_SPACE.get()
        {
            if self.committing {
                eprintln!(
                    "malbok: no space left on the device holding {} while committing: sled may \
                     or may not have written the commit, never a part of it; once there is \
                     room, `malbok head` shows whether this command's events are there",
                    self.path.display()
                );
            } else {
                eprintln!("malbok: {message}");
            }
            std::process::exit(3);
        }
    }
}

/// A block read by `events_at`: its first position, its bytes as sled holds them (not
/// copied), and where each entry's hash and bytes are.
type CachedBlock = (u64, sled::IVec, Vec<(Hash, std::ops::Range<usize>)>);

/// The last event of a ledger: its position, hash and ledger time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    pub seq: Seq,
    pub hash: Hash,
    pub time: LedgerTime,
}

/// Written `SEQ:HASH`, the form `verify --head` reads back.
impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// An open ledger. Holding it holds sled's exclusive lock on the directory.
pub struct Ledger {
    path: PathBuf,
    /// sled's handles: `None` only while [`Ledger::let_readers_in`] has closed it.
    sled: Option<Sled>,
    /// Set when this process opened the ledger while an import paused for readers
    /// ([`Ledger::let_readers_in`]): the importing process. Such a ledger is read only, up to
    /// the committed head; stored data beyond it (the import's staged events and their derived
    /// entries) is the importer's and is neither read nor repaired.
    guest_of: Option<u32>,
    /// This process's request to be let in ([`WAIT_PREFIX`]), removed when the ledger closes.
    _want: Option<Want>,
    /// The newest blob file (by sled's log position) known to be fsynced.
    synced_blobs: std::sync::atomic::AtomicU64,
    /// How many derived entries of staged events one sled batch writes.
    derived_batch: usize,
    /// How many blocks `verify_letting_readers_in` reads between two looks for waiting readers.
    readers_check: usize,
    ledger_id: String,
    /// The last event this process sees (committed, or staged by this process), or why it
    /// cannot be read; kept as an error rather than refusing to open, so that `verify` can still
    /// walk a damaged ledger and name its first bad position.
    head: Result<Head, (u64, String)>,
    /// While an append is staged in parts ([`Ledger::stage`]): the committed head, and the run
    /// id and ledger time every part shares.
    staging: Option<Staging>,
    /// Whether this process staged an append here (see [`NO_SPACE`]).
    appended: bool,
    /// Set while a commit writes its head record: a failure then may or may not have committed.
    committing: bool,
    /// Set when the file beside sled could not be written after a commit (a full disk).
    disk_full: bool,
    /// The last commit as recorded outside sled, in [`HEAD_FILE`]: what `verify` checks the
    /// chain against when no head is given, so that storage that loses or rewrites committed
    /// events (sled opening an older state of damaged files) cannot pass for a shorter ledger.
    recorded: Option<(Seq, Hash)>,
}

#[derive(Debug, Clone, Copy)]
struct Staging {
    committed: Head,
    run: Seq,
    time: LedgerTime,
}

impl Ledger {
    /// sled's handles (closed only inside [`Ledger::let_readers_in`], which holds `&mut self`).
    fn s(&self) -> &Sled {
        self.sled
            .as_ref()
            .expect("sled is closed only inside let_readers_in")
    }

    /// Opens an existing ledger.
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        let shown = path.display().to_string();
        if !path.exists() {
            return Err(LedgerError::Missing(shown));
        }
        if !path.join("db").is_file() || !path.join("conf").is_file() {
            return Err(LedgerError::NotALedger {
                path: shown,
                why: "it holds no sled database".into(),
            });
        }
        // Never create a database where none was: files that merely bear sled's names are left
        // untouched (sled's `conf` is its own text format).
        let conf = std::fs::read(path.join("conf")).map_err(|e| LedgerError::storage(path, e))?;
        if !conf.starts_with(b"segment_size: ") {
            return Err(LedgerError::NotALedger {
                path: shown,
                why: "its files db and conf are not a sled database; nothing was changed".into(),
            });
        }
        let ((db, events, meta, derived), want) = open_sled(path, true, lock_patience())?;
        let guest_of = paused_importer(path);
        let not_a_ledger = |why: &str| LedgerError::NotALedger {
            path: shown.clone(),
            why: why.into(),
        };
        let format = meta
            .get("format")
            .map_err(|e| storage_error(path, e))?
            .ok_or_else(|| not_a_ledger("its metadata has no format version"))?;
        let format = String::from_utf8_lossy(&format).into_owned();
        match format.parse::<u64>() {
            Ok(FORMAT_VERSION) => {}
            Ok(n) if n > FORMAT_VERSION => {
                return Err(LedgerError::NewerFormat {
                    path: shown,
                    found: format,
                });
            }
            _ => {
                return Err(not_a_ledger(&format!(
                    "its metadata has format version {format:?}, which no malbok wrote"
                )));
            }
        }
        let ledger_id = meta
            .get("ledger_id")
            .map_err(|e| storage_error(path, e))?
            .ok_or_else(|| not_a_ledger("its metadata has no ledger id"))?;
        let ledger_id = String::from_utf8_lossy(&ledger_id).into_owned();
        let record = meta.get(HEAD_RECORD).map_err(|e| storage_error(path, e))?;
        let head = match record {
            // The commit record: events stored beyond it belong to an append that never
            // completed and are not part of the ledger.
            Some(record) => decode_head_record(&record).ok_or((
                0,
                "the head record in the metadata cannot be read".to_string(),
            )),
            // A ledger written before the head record: its last stored event.
            None => match read_head(&events, path) {
                Ok(Some(head)) => Ok(head),
                Ok(None) => return Err(not_a_ledger("it holds no events")),
                Err(LedgerError::Damaged { seq, why }) => Err((seq, why)),
                Err(other) => return Err(other),
            },
        };
        let recorded = match read_head_file(path) {
            Ok(recorded) => recorded,
            Err(why) => return Err(not_a_ledger(&why)),
        };
        // Storage that holds less than was committed lost events: say so before anything reads.
        let head = match (head, recorded) {
            (Ok(h), Some((seq, _))) if h.seq < seq => Err((
                h.seq.0 + 1,
                format!(
                    "the storage holds events up to position {} but position {seq} was committed \
                     ({HEAD_FILE}); committed events were lost: `malbok salvage --out FILE` saves \
                     what is intact, then restore from an export",
                    h.seq
                ),
            )),
            (head, _) => head,
        };
        Ok(Ledger {
            path: path.to_path_buf(),
            sled: Some(Sled {
                db,
                events,
                meta,
                derived,
            }),
            recorded,
            synced_blobs: newest_blob(path).into(),
            derived_batch: DERIVED_BATCH,
            readers_check: READERS_CHECK,
            ledger_id,
            head,
            staging: None,
            appended: false,
            committing: false,
            disk_full: false,
            guest_of,
            _want: want,
        })
    }

    /// Creates a ledger in a new or empty directory: a genesis event with a fresh random ledger
    /// id, and the metadata, written together.
    pub fn init(path: &Path, actor: &str, now: LedgerTime) -> Result<Ledger, LedgerError> {
        let mut id = [0u8; 16];
        getrandom::fill(&mut id).map_err(|e| {
            LedgerError::storage(path, std::io::Error::other(format!("no randomness: {e}")))
        })?;
        let ledger_id = hex::encode(id);
        let genesis = envelope::seal(
            &envelope::genesis(&ledger_id),
            Seq(1),
            Hash::ZERO,
            now,
            actor,
            Seq(1),
        );
        Ledger::create(path, &ledger_id, &[genesis])
    }

    /// Writes a ledger from a verified chain (a new genesis, or an export) into a new or empty
    /// directory: the events and the metadata in one transaction. The events must have passed
    /// `Chain`, which also yields `ledger_id`.
    ///
    /// The ledger is built in a directory beside `path` (`.NAME.creating`) and renamed into
    /// place once sled holds it: a failure, a full disk or a kill part-way leaves `path` as it
    /// was (absent or empty), so `init` or `restore` can simply be run again; a leftover
    /// `.NAME.creating` is removed by the next attempt.
    pub fn create(path: &Path, ledger_id: &str, events: &[Sealed]) -> Result<Ledger, LedgerError> {
        let Some(last) = events.last() else {
            return Err(LedgerError::Damaged {
                seq: 1,
                why: "a ledger needs at least its genesis event".into(),
            });
        };
        if path.exists() {
            let mut entries = std::fs::read_dir(path).map_err(|e| LedgerError::storage(path, e))?;
            if entries.next().is_some() {
                return Err(LedgerError::NotEmpty(path.display().to_string()));
            }
        }
        // A path without a name of its own (`.`) is named by its absolute form.
        let absolute;
        let path = match path.file_name() {
            Some(_) => path,
            None => {
                absolute =
                    std::fs::canonicalize(path).map_err(|e| LedgerError::storage(path, e))?;
                absolute.as_path()
            }
        };
        let existed = path.exists();
        let building = creating_path(path);
        let _ = std::fs::remove_dir_all(&building);
        match Ledger::create_in(&building, ledger_id, events, last) {
            // Closed before it moves: sled flushes on close.
            Ok(ledger) => drop(ledger),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&building);
                return Err(e);
            }
        }
        // An empty directory at `path` is replaced by the rename; then the parent directory
        // is fsynced so that the rename survives a power loss.
        let moved = std::fs::rename(&building, path).and_then(|()| {
            let parent = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            std::fs::File::open(parent)?.sync_all()
        });
        if let Err(e) = moved {
            let _ = std::fs::remove_dir_all(&building);
            return Err(LedgerError::storage(path, e));
        }
        // Opening writes too (a full disk can refuse it): then the new ledger is taken back,
        // leaving `path` as it was.
        Ledger::open(path).inspect_err(|_| {
            if existed {
                for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
                    let p = entry.path();
                    let _ = if p.is_dir() {
                        std::fs::remove_dir_all(&p)
                    } else {
                        std::fs::remove_file(&p)
                    };
                }
            } else {
                let _ = std::fs::remove_dir_all(path);
            }
        })
    }

    fn create_in(
        path: &Path,
        ledger_id: &str,
        events: &[Sealed],
        last: &Sealed,
    ) -> Result<Ledger, LedgerError> {
        let ((db, events_tree, meta, derived), want) = open_sled(path, false, lock_patience())?;
        let mut batch = sled::Batch::default();
        for (key, block) in pack(None, events) {
            batch.insert(&key.to_be_bytes(), block);
        }
        (&events_tree, &meta)
            .transaction(|(tx_events, tx_meta)| {
                tx_events.apply_batch(&batch)?;
                tx_meta.insert("format", FORMAT_VERSION.to_string().as_bytes())?;
                tx_meta.insert("ledger_id", ledger_id.as_bytes())?;
                tx_meta.insert(HEAD_RECORD, head_record(last.seq, last.hash, last.time))?;
                Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|e| LedgerError::storage(path, std::io::Error::other(format!("{e:?}"))))?;
        let ledger = Ledger {
            path: path.to_path_buf(),
            sled: Some(Sled {
                db,
                events: events_tree,
                meta,
                derived,
            }),
            synced_blobs: 0.into(),
            derived_batch: DERIVED_BATCH,
            readers_check: READERS_CHECK,
            ledger_id: ledger_id.to_string(),
            head: Ok(Head {
                seq: last.seq,
                hash: last.hash,
                time: last.time,
            }),
            staging: None,
            appended: false,
            committing: false,
            disk_full: false,
            recorded: None,
            guest_of: None,
            _want: want,
        };
        ledger.sync()?;
        write_head_file(path, last.seq, last.hash).map_err(|e| LedgerError::storage(path, e))?;
        Ok(ledger)
    }

    /// The importing process, when this ledger was opened while an import paused to let
    /// readers in (see [`Ledger::guest_of`] on the struct): reads only, up to the committed head.
    pub fn guest_of(&self) -> Option<u32> {
        self.guest_of
    }

    /// Refuses a write to a ledger opened while an import paused for readers (a command that
    /// writes calls it before it checks anything, so that the refusal is the first word).
    pub fn writable(&self) -> Result<(), LedgerError> {
        match self.guest_of {
            Some(pid) => Err(LedgerError::Importing {
                path: self.path.display().to_string(),
                pid,
            }),
            None => Ok(()),
        }
    }

    /// Whether the stored derived data answers for the ledger up to its head: it reflects the
    /// head, or (opened while an import paused) the import's staged events after it, whose
    /// entries the readers of derived data leave out (`projection` keeps to the head).
    pub fn derived_current(&self) -> Result<bool, LedgerError> {
        let head = self.head()?;
        Ok(match self.derived_head()? {
            Some(at) if at == (head.seq, head.hash) => true,
            Some((seq, _)) => self.guest_of.is_some() && seq > head.seq,
            None => false,
        })
    }

    /// Between the parts of a long import: when readers are waiting for the ledger (each has
    /// left a [`WAIT_PREFIX`] file), flushes what is staged, closes sled so that they can open
    /// it, and opens it again once they are done (a reader that does not come in within
    /// [`READERS_PATIENCE`] is not waited for). What the readers see is the ledger up to the
    /// committed head: the staged events are not committed, and [`PAUSED_FILE`] tells their
    /// `open` to leave the staged data alone. Nothing in memory changes: the staging goes on.
    pub fn let_readers_in(&mut self) -> Result<(), LedgerError> {
        if waiting_readers(&self.path) == 0 {
            return Ok(());
        }
        self.s()
            .db
            .flush()
            .map_err(|e| storage_error(&self.path, e))?;
        let paused = self.path.join(PAUSED_FILE);
        std::fs::write(&paused, std::process::id().to_string())
            .map_err(|e| LedgerError::storage(&self.path, e))?;
        // Closing sled lets go of its lock (its flusher thread a moment after the handles).
        self.sled = None;
        let started = std::time::Instant::now();
        while waiting_readers(&self.path) > 0 && started.elapsed() < READERS_PATIENCE {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // Readers still inside hold the lock: opening waits for them. Readers that come now
        // wait until this process is back in (see `open_sled`), then ask again.
        let _ = std::fs::write(&paused, format!("{} {RESUMING}", std::process::id()));
        let reopened = self.open_again();
        let _ = std::fs::remove_file(&paused);
        reopened
    }

    /// Opens sled again after this process closed it (`self.sled` is `None`), waiting as long
    /// as readers let in hold it.
    fn open_again(&mut self) -> Result<(), LedgerError> {
        let ((db, events, meta, derived), _) =
            open_sled(&self.path, true, std::time::Duration::from_secs(600))?;
        self.sled = Some(Sled {
            db,
            events,
            meta,
            derived,
        });
        Ok(())
    }

    /// Closes sled and opens it again, so that sled writes its snapshot now: sled 0.34 writes
    /// one only when it opens, after replaying the log written since the last one, so the
    /// first command after a large import replayed all of it (4 s after ten million events,
    /// against 80 ms for the next). After a large write the writer pays that once instead.
    /// Best effort: on a disk that refused a write (the commit stands; closing sled could wait
    /// forever for space) it does nothing.
    pub fn settle(&mut self) -> Result<(), LedgerError> {
        if self.disk_full || NO_SPACE.get().is_some() || self.s().db.flush().is_err() {
            return Ok(());
        }
        self.sled = None;
        self.open_again()
    }

    /// Whether a write of this process met a full disk: then nothing more is written (sled waits
    /// forever for space that does not come, even to roll back), and the staged events are left
    /// beyond the committed head for the next open to set aside.
    pub fn out_of_space(&self) -> bool {
        NO_SPACE.get().is_some()
    }

    /// Whether sled is open (it is, except after [`Ledger::let_readers_in`] failed to open it
    /// again; then nothing staged can be rolled back here, and the next open does it).
    pub fn is_open(&self) -> bool {
        self.sled.is_some()
    }

    /// The ledger id from the metadata.
    pub fn ledger_id(&self) -> &str {
        &self.ledger_id
    }

    /// The last stored event.
    pub fn head(&self) -> Result<Head, LedgerError> {
        self.head
            .clone()
            .map_err(|(seq, why)| LedgerError::Damaged { seq, why })
    }

    /// Appends `batch` atomically and durably: all events land or none; when this returns
    /// `Ok` they are flushed and fsynced. All events of one call share one run id and one
    /// ledger time: `now`, or the head's time if the clock is behind it, so that ledger time
    /// never decreases along the chain.
    pub fn append(
        &mut self,
        batch: &[NewEvent],
        actor: &str,
        now: LedgerTime,
    ) -> Result<Vec<Sealed>, LedgerError> {
        let sealed = self.stage(batch, actor, now, None)?;
        self.commit()?;
        Ok(sealed)
    }

    /// [`Ledger::append`], with the derived data of the new events: `derived`, computed by the
    /// caller for the positions the events get (head + 1 on). The entries and the new derived head
    /// are written in one atomic batch right after the events and before the flush, so when
    /// this returns both are durable; after a crash between the two writes the derived head is
    /// behind the head, and the layer above brings it up to date from the events (see
    /// [`Ledger::derived_head`]).
    pub fn append_derived(
        &mut self,
        batch: &[NewEvent],
        actor: &str,
        now: LedgerTime,
        derived: Vec<DerivedEntry>,
    ) -> Result<Vec<Sealed>, LedgerError> {
        let sealed = self.stage(batch, actor, now, Some(derived))?;
        self.commit()?;
        Ok(sealed)
    }

    /// Stores `batch` after the head without committing it: this process sees the events
    /// (`head`, reads, derived data), a crash or [`Ledger::abort`] leaves the ledger as it was,
    /// and [`Ledger::commit`] makes every part staged since the last commit one append, durably.
    /// All parts share one run id and one ledger time (`now`, or the committed head's time if
    /// the clock is behind it). `derived` are the parts' derived entries (see
    /// [`Ledger::append_derived`]); `None` leaves the derived data behind.
    pub fn stage(
        &mut self,
        batch: &[NewEvent],
        actor: &str,
        now: LedgerTime,
        derived: Option<Vec<DerivedEntry>>,
    ) -> Result<Vec<Sealed>, LedgerError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        self.writable()?;
        envelope::check_actor(actor).map_err(|why| LedgerError::Invalid { index: 0, why })?;
        for (index, new) in batch.iter().enumerate() {
            new.check()
                .map_err(|why| LedgerError::Invalid { index, why })?;
        }
        let head = self.head()?;
        self.appended = true;
        let staging = *self.staging.get_or_insert(Staging {
            committed: head,
            run: Seq(head.seq.0 + 1),
            time: now.max(head.time),
        });
        let mut prev = head.hash;
        let mut sealed = Vec::with_capacity(batch.len());
        for (i, new) in batch.iter().enumerate() {
            let seq = Seq(head.seq.0 + 1 + i as u64);
            let event = envelope::seal(new, seq, prev, staging.time, actor, staging.run);
            prev = event.hash;
            sealed.push(event);
        }
        let mut writes = sled::Batch::default();
        let open_block = self.cut_after(head.seq, &mut writes)?;
        for (key, block) in pack(open_block, &sealed) {
            writes.insert(&key.to_be_bytes(), block);
        }
        self.s()
            .events
            .apply_batch(writes)
            .map_err(|e| storage_error(&self.path, e))?;
        let last = sealed.last().expect("batch is not empty");
        // Derived data is written only on top of derived data that is up to date; otherwise
        // the layer above catches up first (it does so when it opens the ledger).
        if let Some(derived) = derived
            && self.derived_head()? == Some((head.seq, head.hash))
        {
            self.write_derived_staged(derived, (last.seq, last.hash))?;
        }
        self.head = Ok(Head {
            seq: last.seq,
            hash: last.hash,
            time: last.time,
        });
        Ok(sealed)
    }

    /// Commits what was staged: first everything staged is flushed, then the head record
    /// naming the new head is written and flushed and every written file fsynced. Only then is
    /// the append durable, and a crash before the head record reaches the disk leaves the
    /// ledger as it was.
    pub fn commit(&mut self) -> Result<(), LedgerError> {
        if self.staging.take().is_none() {
            return Ok(());
        }
        let head = self.head()?;
        self.s()
            .db
            .flush()
            .map_err(|e| storage_error(&self.path, e))?;
        // From the head record on, a failure cannot say that nothing was committed: sled may
        // have written the record before it failed (see `Drop`).
        self.committing = true;
        self.s()
            .meta
            .insert(HEAD_RECORD, head_record(head.seq, head.hash, head.time))
            .map_err(|e| storage_error(&self.path, e))?;
        self.sync()?;
        self.committing = false;
        // Only after sled holds the commit durably: the file may lag sled after a crash, never
        // lead it. The commit stands if the file cannot be written (a full disk): open and
        // verify accept a file that lags.
        match write_head_file(&self.path, head.seq, head.hash) {
            Ok(()) => self.recorded = Some((head.seq, head.hash)),
            Err(e) => {
                self.disk_full = true;
                eprintln!(
                    "malbok: committed, but {HEAD_FILE} beside the ledger still names an earlier \
                     head ({e}); the next commit updates it"
                );
            }
        }
        Ok(())
    }

    /// Drops what was staged: the events after the committed head are removed and the head is
    /// the committed one again. The derived data of the staged events is the caller's to roll
    /// back first (it knows what the entries mean).
    pub fn abort(&mut self) -> Result<(), LedgerError> {
        let Some(staging) = self.staging.take() else {
            return Ok(());
        };
        let mut writes = sled::Batch::default();
        if let Some((first, block, _)) = self.cut_after(staging.committed.seq, &mut writes)? {
            writes.insert(&first.to_be_bytes(), block);
        }
        self.s()
            .events
            .apply_batch(writes)
            .map_err(|e| storage_error(&self.path, e))?;
        self.head = Ok(staging.committed);
        self.s()
            .db
            .flush()
            .map_err(|e| storage_error(&self.path, e))?;
        Ok(())
    }

    /// The head as last committed (the same as `head` unless parts are staged).
    pub fn committed_head(&self) -> Result<Head, LedgerError> {
        match self.staging {
            Some(staging) => Ok(staging.committed),
            None => self.head(),
        }
    }

    /// Stored events after the committed head: what an append that never completed left (a
    /// crash while staging). Read until the first that cannot be read.
    pub fn uncommitted(&self) -> Result<Vec<Event>, LedgerError> {
        let head = self.committed_head()?;
        let mut out = Vec::new();
        for item in self.s().events.range((head.seq.0 + 1).to_be_bytes()..) {
            let Ok((key, block)) = item else { break };
            let first = key_seq(&key);
            let Ok(entries) = split_block(&block) else {
                break;
            };
            for (i, (hash, bytes)) in entries.into_iter().enumerate() {
                let Ok(event) = Event::decode(bytes, hash) else {
                    return Ok(out);
                };
                if event.seq.0 != first + i as u64 {
                    return Ok(out);
                }
                out.push(event);
            }
        }
        // The block holding the committed head may also hold staged events.
        if let Some(Ok((key, block))) = self
            .s()
            .events
            .range(..=head.seq.0.to_be_bytes())
            .next_back()
        {
            let first = key_seq(&key);
            if let Ok(entries) = split_block(&block) {
                let mut tail = Vec::new();
                for (i, (hash, bytes)) in entries.into_iter().enumerate() {
                    let seq = first + i as u64;
                    if seq <= head.seq.0 {
                        continue;
                    }
                    match Event::decode(bytes, hash) {
                        Ok(event) if event.seq.0 == seq => tail.push(event),
                        _ => break,
                    }
                }
                tail.append(&mut out);
                out = tail;
            }
        }
        Ok(out)
    }

    /// The stored events from position `from` on, in order, decoded. Stops at the first block
    /// that cannot be decoded, with an error; use `verify` to check the chain itself.
    pub fn events_from(&self, from: Seq) -> impl Iterator<Item = Result<Event, LedgerError>> + '_ {
        self.raw_from(from).map(|item| {
            let (seq, hash, bytes) = item?;
            Event::decode(&bytes, hash).map_err(|why| LedgerError::Damaged { seq: seq.0, why })
        })
    }

    /// The stored entries (position by layout, stored hash, bytes) from position `from` on.
    pub fn raw_from(
        &self,
        from: Seq,
    ) -> impl Iterator<Item = Result<(Seq, Hash, Vec<u8>), LedgerError>> + '_ {
        let start = self
            .s()
            .events
            .range(..=from.0.to_be_bytes())
            .next_back()
            .and_then(Result::ok)
            .map_or(from.0, |(k, _)| key_seq(&k));
        let path = self.path.clone();
        // Only the ledger up to its head: events stored beyond it were never committed.
        let last = self.head.as_ref().map_or(Seq(u64::MAX), |h| h.seq);
        self.s()
            .events
            .range(start.to_be_bytes()..)
            .flat_map(move |item| {
                let entries = item
                    .map_err(|e| storage_error(&path, e))
                    .and_then(|(key, block)| {
                        let first = key_seq(&key);
                        split_block(&block)
                            .map_err(|why| LedgerError::Damaged { seq: first, why })
                            .map(|entries| {
                                entries
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, (hash, bytes))| {
                                        (Seq(first + i as u64), hash, bytes.to_vec())
                                    })
                                    .collect::<Vec<_>>()
                            })
                    });
                match entries {
                    Ok(list) => list.into_iter().map(Ok).collect::<Vec<_>>(),
                    Err(e) => vec![Err(e)],
                }
            })
            .skip_while(move |item| matches!(item, Ok((seq, _, _)) if *seq < from))
            .take_while(move |item| !matches!(item, Ok((seq, _, _)) if *seq > last))
    }

    /// Recomputes the whole chain from the stored bytes and checks it against the metadata and,
    /// if given, a head written down earlier. Returns the first fault.
    pub fn verify(&self, expected_head: Option<(Seq, Hash)>) -> Result<Verified, Fault> {
        let mut chain = Chain::new(expected_head.or(self.recorded));
        let claimed = self.head.as_ref().ok().copied();
        let last = claimed.map_or(u64::MAX, |h| h.seq.0);
        self.verify_from(&mut chain, 0, last, false)?;
        self.verified(chain, claimed)
    }

    /// [`Ledger::verify`], letting readers that wait for the ledger in every [`READERS_CHECK`]
    /// blocks ([`Ledger::let_readers_in`]), so that the long verify of `verify`, `seal` and
    /// `reproduce` does not lock them out.
    pub fn verify_letting_readers_in(
        &mut self,
        expected_head: Option<(Seq, Hash)>,
    ) -> Result<Verified, Fault> {
        // Without a head written down elsewhere, the last commit recorded outside sled.
        let mut chain = Chain::new(expected_head.or(self.recorded));
        // The head this ledger claims: events stored beyond it were never committed.
        let claimed = self.head.as_ref().ok().copied();
        let last = claimed.map_or(u64::MAX, |h| h.seq.0);
        let mut from = 0u64;
        loop {
            let paused = self.verify_from(&mut chain, from, last, true)?;
            if !paused {
                break;
            }
            from = chain.next_seq();
            self.let_readers_in().map_err(|e| Fault {
                seq: from,
                what: e.to_string(),
            })?;
        }
        self.verified(chain, claimed)
    }

    /// The blocks from key `from` up to position `last`, pushed onto `chain`; returns `true`
    /// when it stopped early because readers wait (only if `pause`; `chain` then goes on at its
    /// next position).
    fn verify_from(
        &self,
        chain: &mut Chain,
        from: u64,
        last: u64,
        pause: bool,
    ) -> Result<bool, Fault> {
        for (n, item) in self
            .s()
            .events
            .range(from.to_be_bytes()..=last.to_be_bytes())
            .enumerate()
        {
            let at = chain.next_seq();
            let (key, block) = item.map_err(|e| Fault {
                seq: at,
                what: format!("storage error: {e}"),
            })?;
            if key.len() != 8 || key_seq(&key) != at {
                return Err(Fault {
                    seq: at,
                    what: format!(
                        "a block is stored under key {} where position {at} belongs",
                        hex::encode(&key)
                    ),
                });
            }
            let (entries, broken) = split_block_partial(&block);
            let take = entries
                .len()
                .min(last.saturating_sub(chain.next_seq()).saturating_add(1) as usize);
            // Decoding and hashing are independent per event (each needs only the stored hash
            // before it): half of the block on another core, then the chain's checks in order.
            let prev = chain.last_hash();
            let pre = |part: &[(Hash, &[u8])], mut prev: Hash| {
                part.iter()
                    .map(|(hash, bytes)| {
                        let checked = precheck(bytes, *hash, prev);
                        prev = *hash;
                        checked
                    })
                    .collect::<Vec<_>>()
            };
            let mid = take / 2;
            let prechecked = std::thread::scope(|scope| {
                let second = scope.spawn(|| {
                    let before = if mid == 0 { prev } else { entries[mid - 1].0 };
                    pre(&entries[mid..take], before)
                });
                let mut all = pre(&entries[..mid], prev);
                all.extend(
                    second
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
                all
            });
            for ((hash, _), checked) in entries.iter().zip(prechecked) {
                chain.push_prechecked(*hash, checked)?;
            }
            if let Some(what) = broken
                && chain.next_seq() <= last
            {
                return Err(Fault {
                    seq: chain.next_seq(),
                    what,
                });
            }
            if pause
                && (n + 1) % self.readers_check == 0
                && chain.next_seq() <= last
                && waiting_readers(&self.path) > 0
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The end of [`Ledger::verify`]: the chain reached the claimed head and names this ledger.
    fn verified(&self, chain: Chain, claimed: Option<Head>) -> Result<Verified, Fault> {
        if let Some(head) = claimed
            && chain.next_seq() <= head.seq.0
        {
            return Err(Fault {
                seq: chain.next_seq(),
                what: format!(
                    "the event at this position is missing: the ledger's head record names position {}",
                    head.seq
                ),
            });
        }
        let verified = chain.finish()?;
        if let Some(head) = claimed
            && verified.head.hash != head.hash
        {
            return Err(Fault {
                seq: head.seq.0,
                what: format!(
                    "the stored event's hash {} is not the hash {} the ledger's head record names",
                    verified.head.hash, head.hash
                ),
            });
        }
        if verified.ledger_id != self.ledger_id {
            return Err(Fault {
                seq: 1,
                what: format!(
                    "the metadata names ledger {} but the genesis event names {}",
                    self.ledger_id, verified.ledger_id
                ),
            });
        }
        Ok(verified)
    }

    /// Prepares appending after position `head`: every stored block that starts after it (left
    /// by an append that never committed, or being aborted) is removed in `writes`, and the
    /// block holding `head` is returned cut after it, to be continued: its first position,
    /// bytes and number of events.
    fn cut_after(
        &self,
        head: Seq,
        writes: &mut sled::Batch,
    ) -> Result<Option<(u64, Vec<u8>, usize)>, LedgerError> {
        for item in self.s().events.range((head.0 + 1).to_be_bytes()..) {
            let (key, _) = item.map_err(|e| storage_error(&self.path, e))?;
            writes.remove(key);
        }
        let Some((key, block)) = self
            .s()
            .events
            .range(..=head.0.to_be_bytes())
            .next_back()
            .transpose()
            .map_err(|e| storage_error(&self.path, e))?
        else {
            return Ok(None);
        };
        let first = key_seq(&key);
        let entries =
            split_block(&block).map_err(|why| LedgerError::Damaged { seq: first, why })?;
        let keep = ((head.0 + 1).saturating_sub(first) as usize).min(entries.len());
        if keep == entries.len() {
            return Ok(Some((first, block.to_vec(), keep)));
        }
        let kept: Vec<(Hash, Vec<u8>)> = entries[..keep]
            .iter()
            .map(|(h, b)| (*h, b.to_vec()))
            .collect();
        Ok(Some((first, join_block(&kept), keep)))
    }

    /// `flush`, then fsync every file and directory of the database.
    fn sync(&self) -> Result<(), LedgerError> {
        self.s()
            .db
            .flush()
            .map_err(|e| storage_error(&self.path, e))?;
        let synced = self.synced_blobs.load(std::sync::atomic::Ordering::Relaxed);
        let newest =
            fsync_new(&self.path, synced).map_err(|e| LedgerError::storage(&self.path, e))?;
        self.synced_blobs
            .store(newest, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// The head (position and hash) the stored derived data reflects, if any is stored.
    pub fn derived_head(&self) -> Result<Option<(Seq, Hash)>, LedgerError> {
        let Some(value) = self
            .s()
            .derived
            .get(DERIVED_HEAD)
            .map_err(|e| storage_error(&self.path, e))?
        else {
            return Ok(None);
        };
        let Some((seq, hash)) = value.split_first_chunk::<8>() else {
            return Ok(None);
        };
        let Ok(hash) = <[u8; 32]>::try_from(hash) else {
            return Ok(None);
        };
        Ok(Some((Seq(u64::from_be_bytes(*seq)), Hash(hash))))
    }

    /// Writes derived entries and the head they bring the derived data up to, in one atomic
    /// batch. Not flushed: an append flushes it with the events; `reindex` calls `flush`.
    pub fn write_derived(
        &self,
        entries: Vec<DerivedEntry>,
        through: (Seq, Hash),
    ) -> Result<(), LedgerError> {
        self.rewrite_derived(Vec::new(), entries, through)
    }

    /// Writes the derived entries of staged (uncommitted) events in batches of
    /// [`DERIVED_BATCH`] (tests set fewer: [`Ledger::set_derived_batch`]), the derived head `through` in the first. One sled batch holds every
    /// node it replaces until it ends, so one batch for a whole import part held hundreds of
    /// MiB. Atomicity is kept by the order: from the first batch on, the derived head is ahead
    /// of the committed head, and a crash leaves exactly the case that
    /// `projection::catch_up` repairs by taking back what the uncommitted events added (every
    /// key written here is one those events touch).
    fn write_derived_staged(
        &self,
        entries: Vec<DerivedEntry>,
        through: (Seq, Hash),
    ) -> Result<(), LedgerError> {
        let mut batch = sled::Batch::default();
        batch.insert(DERIVED_HEAD, derived_head_value(through));
        for (i, (key, value)) in entries.into_iter().enumerate() {
            batch.insert(key, value);
            if (i + 1) % self.derived_batch == 0 {
                self.s()
                    .derived
                    .apply_batch(std::mem::take(&mut batch))
                    .map_err(|e| storage_error(&self.path, e))?;
            }
        }
        self.s()
            .derived
            .apply_batch(batch)
            .map_err(|e| storage_error(&self.path, e))
    }

    /// Sets how many blocks a verify reads between two looks for waiting readers (at least
    /// one); tests make it small.
    pub fn set_readers_check(&mut self, blocks: usize) {
        self.readers_check = blocks.max(1);
    }

    /// Sets how many derived entries of staged events one sled batch writes (at least one); the
    /// crash test makes it small so that kills land between the batches.
    pub fn set_derived_batch(&mut self, entries: usize) {
        self.derived_batch = entries.max(1);
    }

    /// Removes derived entries and writes others, and the head they bring the derived data back
    /// to, in one atomic batch (rolling back the derived data of uncommitted events).
    pub fn rewrite_derived(
        &self,
        remove: Vec<Vec<u8>>,
        insert: Vec<DerivedEntry>,
        through: (Seq, Hash),
    ) -> Result<(), LedgerError> {
        self.writable()?;
        let mut batch = sled::Batch::default();
        for key in remove {
            batch.remove(key);
        }
        for (key, value) in insert {
            batch.insert(key, value);
        }
        batch.insert(DERIVED_HEAD, derived_head_value(through));
        self.s()
            .derived
            .apply_batch(batch)
            .map_err(|e| storage_error(&self.path, e))
    }

    /// Removes all derived data (before rebuilding it).
    pub fn clear_derived(&self) -> Result<(), LedgerError> {
        self.writable()?;
        self.s()
            .derived
            .clear()
            .map_err(|e| storage_error(&self.path, e))
    }

    /// `flush` and fsync: makes what was written durable.
    pub fn flush(&self) -> Result<(), LedgerError> {
        self.sync()
    }

    /// The last derived entry whose key starts with `prefix` and is followed by 8 more bytes:
    /// the last block of a posting list.
    pub fn derived_last(&self, prefix: &[u8]) -> Result<Option<DerivedEntry>, LedgerError> {
        let mut end = prefix.to_vec();
        end.extend_from_slice(&[0xff; 8]);
        self.s()
            .derived
            .range(prefix.to_vec()..=end)
            .next_back()
            .transpose()
            .map(|e| e.map(|(k, v)| (k.to_vec(), v.to_vec())))
            .map_err(|e| storage_error(&self.path, e))
    }

    /// One derived value.
    pub fn derived_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, LedgerError> {
        self.s()
            .derived
            .get(key)
            .map(|v| v.map(|v| v.to_vec()))
            .map_err(|e| storage_error(&self.path, e))
    }

    /// The derived entries whose keys start with `prefix`, in key order.
    pub fn derived_scan(
        &self,
        prefix: &[u8],
    ) -> impl Iterator<Item = Result<DerivedEntry, LedgerError>> + '_ {
        self.s().derived.scan_prefix(prefix).map(|item| {
            item.map(|(k, v)| (k.to_vec(), v.to_vec()))
                .map_err(|e| storage_error(&self.path, e))
        })
    }

    /// How many derived entries are stored, the derived head included.
    pub fn derived_len(&self) -> usize {
        self.s().derived.len()
    }

    /// The events at the given positions (ascending), decoded, reading each block once for
    /// the positions it holds. A position beyond the head is an error.
    pub fn events_at<'a, I>(
        &'a self,
        seqs: I,
    ) -> impl Iterator<Item = Result<Event, LedgerError>> + 'a
    where
        I: IntoIterator<Item = Seq>,
        I::IntoIter: 'a,
    {
        let mut block: Option<CachedBlock> = None;
        let last = self.head.as_ref().map_or(Seq(u64::MAX), |h| h.seq);
        seqs.into_iter().map(move |seq| {
            if seq > last {
                return Err(LedgerError::Damaged {
                    seq: seq.0,
                    why: format!("position {seq} is beyond the head ({last})"),
                });
            }
            let cached = block.as_ref().is_some_and(|(first, _, entries)| {
                *first <= seq.0 && seq.0 < first + entries.len() as u64
            });
            if !cached {
                let (key, value) = self
                    .s()
                    .events
                    .range(..=seq.0.to_be_bytes())
                    .next_back()
                    .ok_or_else(|| LedgerError::Damaged {
                        seq: seq.0,
                        why: "no stored block holds this position".into(),
                    })?
                    .map_err(|e| storage_error(&self.path, e))?;
                let first = key_seq(&key);
                // Each query reads a few events of many blocks: keep the block as sled gave
                // it and only the entries' places, instead of copying every entry.
                let base = value.as_ptr() as usize;
                let entries = split_block(&value)
                    .map_err(|why| LedgerError::Damaged { seq: first, why })?
                    .into_iter()
                    .map(|(hash, bytes)| {
                        let start = bytes.as_ptr() as usize - base;
                        (hash, start..start + bytes.len())
                    })
                    .collect();
                block = Some((first, value, entries));
            }
            let (first, value, entries) = block.as_ref().expect("filled above");
            let Some((hash, range)) = entries.get((seq.0 - first) as usize) else {
                return Err(LedgerError::Damaged {
                    seq: seq.0,
                    why: "no stored block holds this position".into(),
                });
            };
            let event = Event::decode(&value[range.clone()], *hash)
                .map_err(|why| LedgerError::Damaged { seq: seq.0, why })?;
            if event.seq != seq {
                return Err(LedgerError::Damaged {
                    seq: seq.0,
                    why: format!("the event stored here says it is at position {}", event.seq),
                });
            }
            Ok(event)
        })
    }

    /// For tests that play the attacker: the raw tree of derived data.
    #[doc(hidden)]
    pub fn raw_derived(&self) -> &sled::Tree {
        &self.s().derived
    }

    /// For tests that play the attacker: the raw trees.
    #[doc(hidden)]
    pub fn raw_trees(&self) -> (&sled::Tree, &sled::Tree) {
        (&self.s().events, &self.s().meta)
    }
}

/// Packs `events` (consecutive, in order) into blocks, continuing `open` (the current last
/// block: first position, bytes, number of events) while it has room.
fn pack(open: Option<(u64, Vec<u8>, usize)>, events: &[Sealed]) -> Vec<(u64, Vec<u8>)> {
    let mut blocks = Vec::new();
    let mut current =
        open.filter(|(_, bytes, count)| *count < BLOCK_EVENTS && bytes.len() < BLOCK_BYTES);
    for event in events {
        let (_, bytes, count) = current.get_or_insert_with(|| (event.seq.0, Vec::new(), 0));
        bytes.extend_from_slice(&event.hash.0);
        bytes.extend_from_slice(&(event.bytes.len() as u32).to_be_bytes());
        bytes.extend_from_slice(&event.bytes);
        *count += 1;
        if *count >= BLOCK_EVENTS || bytes.len() >= BLOCK_BYTES {
            let (first, bytes, _) = current.take().expect("just inserted");
            blocks.push((first, bytes));
        }
    }
    if let Some((first, bytes, _)) = current {
        blocks.push((first, bytes));
    }
    blocks
}

/// Splits a block into (stored hash, event bytes) entries.
pub fn split_block(block: &[u8]) -> Result<Vec<(Hash, &[u8])>, String> {
    match split_block_partial(block) {
        (entries, None) => Ok(entries),
        (_, Some(why)) => Err(why),
    }
}

/// Splits a block as far as it can be split: the entries before the first malformed one, and
/// what is wrong with that one, so `verify` can name the exact position.
fn split_block_partial(block: &[u8]) -> (Vec<(Hash, &[u8])>, Option<String>) {
    let mut entries = Vec::new();
    let mut rest = block;
    if rest.is_empty() {
        return (entries, Some("an empty block is stored".into()));
    }
    while !rest.is_empty() {
        if rest.len() < ENTRY_HEADER {
            return (
                entries,
                Some("the stored entry is cut short: the stored bytes were changed".into()),
            );
        }
        let hash = Hash(rest[..32].try_into().expect("32 bytes checked above"));
        let len =
            u32::from_be_bytes(rest[32..36].try_into().expect("4 bytes checked above")) as usize;
        let Some(bytes) = rest.get(ENTRY_HEADER..ENTRY_HEADER + len) else {
            return (
                entries,
                Some(format!(
                    "the stored entry claims {len} bytes, beyond the end of its block: the stored bytes were changed"
                )),
            );
        };
        entries.push((hash, bytes));
        rest = &rest[ENTRY_HEADER + len..];
    }
    (entries, None)
}

/// Encodes one block from entries; for tests that tamper with blocks.
#[doc(hidden)]
pub fn join_block(entries: &[(Hash, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (hash, bytes) in entries {
        out.extend_from_slice(&hash.0);
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

fn key_seq(key: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = key.len().min(8);
    buf[8 - n..].copy_from_slice(&key[key.len() - n..]);
    u64::from_be_bytes(buf)
}

fn read_head(events: &sled::Tree, path: &Path) -> Result<Option<Head>, LedgerError> {
    let Some((key, block)) = events.last().map_err(|e| storage_error(path, e))? else {
        return Ok(None);
    };
    let first = key_seq(&key);
    let entries = split_block(&block).map_err(|why| LedgerError::Damaged { seq: first, why })?;
    let (hash, bytes) = entries
        .last()
        .expect("split_block returns at least one entry");
    let seq = first + entries.len() as u64 - 1;
    let event = Event::decode(bytes, *hash).map_err(|why| LedgerError::Damaged { seq, why })?;
    Ok(Some(Head {
        seq: event.seq,
        hash: *hash,
        time: event.time,
    }))
}

/// How long to wait for sled's lock before saying the ledger is in use, in milliseconds: set
/// once by the command line (`--wait`). A ledger just closed (sled's background thread lets go
/// of the file a moment after the handle is dropped) or just left by a killed process holds the
/// lock briefly; a writer holds it until its command ends.
static LOCK_PATIENCE_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(5_000);

/// Sets how long opening a ledger waits for another process to let go of it.
pub fn set_lock_patience(wait: std::time::Duration) {
    LOCK_PATIENCE_MS.store(
        wait.as_millis().min(u64::MAX as u128) as u64,
        std::sync::atomic::Ordering::Relaxed,
    );
}

/// The process holding a lock on `file`, from the kernel's table of locks (Linux); `None` where
/// it cannot be told.
fn lock_holder(file: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(file).ok()?.ino();
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    locks.lines().find_map(|line| {
        // "1: FLOCK  ADVISORY  WRITE 12345 fd:01:1234567 0 EOF" (a blocked waiter has "->").
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(1) == Some(&"->") {
            return None;
        }
        let pid = fields.get(4)?.parse().ok()?;
        let ino: u64 = fields.get(5)?.rsplit(':').next()?.parse().ok()?;
        (ino == inode && pid != std::process::id()).then_some(pid)
    })
}

/// sled's page cache, in bytes. Its default (1 GiB) alone would spend the whole memory budget
/// of a command; reads are mostly sequential or of one organisation's events, so a smaller
/// cache costs little.
const SLED_CACHE: u64 = 256 << 20;

/// How many derived entries of staged events one sled batch writes (see
/// [`Ledger::write_derived_staged`]).
const DERIVED_BATCH: usize = 1000;

/// The stored form of the derived head: seq (8, big-endian) ‖ hash.
fn derived_head_value(through: (Seq, Hash)) -> Vec<u8> {
    let mut value = through.0.0.to_be_bytes().to_vec();
    value.extend_from_slice(&through.1.0);
    value
}

/// An open sled database and its trees.
struct Sled {
    db: sled::Db,
    events: sled::Tree,
    meta: sled::Tree,
    /// Derived data (indexes, projections) written by the layer above: opaque keys and values
    /// computed from the events, with the head they reflect under [`DERIVED_HEAD`].
    derived: sled::Tree,
}

type Trees = (sled::Db, sled::Tree, sled::Tree, sled::Tree);

/// Moves sled's incomplete snapshot files (`snap.<N>.generating`, left by a kill or a full disk
/// while sled wrote a snapshot; sled then refuses to open) into `<ledger>/quarantine/`, never
/// deleting them, and says so on stderr; returns whether it moved any. Done only where the
/// directory is writable; on read-only media nothing is moved. Only after sled refused to open
/// (it held the lock then): a process that holds the ledger may be writing such a file.
fn set_aside_incomplete_snapshots(path: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(path) else {
        return false;
    };
    let mut moved_any = false;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("snap.") && name.ends_with(".generating")) {
            continue;
        }
        let quarantine = path.join("quarantine");
        let mut target = quarantine.join(&name);
        let mut n = 1;
        while target.exists() {
            target = quarantine.join(format!("{name}.{n}"));
            n += 1;
        }
        let moved = std::fs::create_dir_all(&quarantine)
            .and_then(|()| std::fs::rename(entry.path(), &target));
        moved_any |= moved.is_ok();
        match moved {
            Ok(()) => eprintln!(
                "malbok: set aside an incomplete sled snapshot: {} -> {} (left by a kill or a \
                 full disk; the ledger's events are in sled's log)",
                entry.path().display(),
                target.display()
            ),
            Err(e) => eprintln!(
                "malbok: cannot set aside the incomplete sled snapshot {}: {e}",
                entry.path().display()
            ),
        }
    }
    moved_any
}

/// A file `malbok.wait.PID` in the ledger directory: process PID is waiting to open the ledger
/// (an import lets it in between its parts: [`Ledger::let_readers_in`]).
pub const WAIT_PREFIX: &str = "malbok.wait.";

/// A file holding the pid of an import that has closed sled for waiting readers.
pub const PAUSED_FILE: &str = "malbok.paused";

/// How many blocks `verify` reads between two looks for waiting readers.
const READERS_CHECK: usize = 64;

/// How long an import that paused waits for the readers that asked to come in.
const READERS_PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// This process's [`WAIT_PREFIX`] file, removed when dropped.
struct Want(PathBuf);

impl Drop for Want {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Whether process `pid` is alive (Linux: `/proc`; elsewhere every pid is taken as alive).
fn alive(pid: u32) -> bool {
    !Path::new("/proc/self").exists() || Path::new("/proc").join(pid.to_string()).exists()
}

/// How many live processes wait to open the ledger at `dir` (files of dead ones are removed).
fn waiting_readers(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut live = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(WAIT_PREFIX))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if alive(pid) {
            live += 1;
        } else {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    live
}

/// Written after the pid in [`PAUSED_FILE`] once the paused process wants the ledger back.
const RESUMING: &str = "resuming";

/// The process that paused for readers, if one did and is still alive, and whether it is
/// taking the ledger back.
fn paused_holder(dir: &Path) -> Option<(u32, bool)> {
    let text = std::fs::read_to_string(dir.join(PAUSED_FILE)).ok()?;
    let mut words = text.split_whitespace();
    let pid = words.next()?.parse::<u32>().ok()?;
    let resuming = words.next() == Some(RESUMING);
    (pid != std::process::id() && alive(pid)).then_some((pid, resuming))
}

/// The process that paused for readers (see [`paused_holder`]).
fn paused_importer(dir: &Path) -> Option<u32> {
    paused_holder(dir).map(|(pid, _)| pid)
}

/// Leaves this process's [`WAIT_PREFIX`] file (none on read-only media: there the wait is
/// only a wait).
fn ask_to_be_let_in(path: &Path) -> Option<Want> {
    let file = path.join(format!("{WAIT_PREFIX}{}", std::process::id()));
    std::fs::write(&file, b"").ok().map(|()| Want(file))
}

fn lock_patience() -> std::time::Duration {
    std::time::Duration::from_millis(LOCK_PATIENCE_MS.load(std::sync::atomic::Ordering::Relaxed))
}

/// Opens sled, waiting up to `patience` for another process to let go of it. While waiting,
/// a [`WAIT_PREFIX`] file asks an import to let this process in; it is returned, to be kept
/// while the ledger is open.
fn open_sled(
    path: &Path,
    existing: bool,
    patience: std::time::Duration,
) -> Result<(Trees, Option<Want>), LedgerError> {
    let started = std::time::Instant::now();
    let mut want = None;
    let mut set_aside = false;
    let db = loop {
        // A process that paused for readers and is taking the ledger back goes first (a stream
        // of readers would otherwise keep it out): wait until it is back in, then ask it.
        if existing
            && started.elapsed() < patience
            && paused_holder(path).is_some_and(|(_, resuming)| resuming)
        {
            if want.is_none() {
                want = ask_to_be_let_in(path);
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
            continue;
        }
        match sled::Config::new()
            .path(path)
            .cache_capacity(SLED_CACHE)
            .open()
            .map_err(|e| storage_error(path, e))
        {
            Err(LedgerError::InUse(_)) if started.elapsed() < patience => {
                if want.is_none() && existing {
                    want = ask_to_be_let_in(path);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(LedgerError::InUse(shown)) => {
                let holder = match lock_holder(&path.join("db")) {
                    Some(pid) => format!(" (process {pid})"),
                    None => String::new(),
                };
                let waited = started.elapsed().as_secs_f64();
                return Err(LedgerError::InUse(format!(
                    "{shown}{holder}; waited {waited:.1} s (--wait SECS waits longer)"
                )));
            }
            // sled refuses a directory holding an incomplete snapshot: set it aside, then
            // open again.
            Err(LedgerError::NotALedger { .. })
                if existing && !set_aside && set_aside_incomplete_snapshots(path) =>
            {
                set_aside = true;
            }
            other => break other?,
        }
    };
    // Opening an existing ledger never creates its trees: a database without `meta` is not one.
    if existing && !db.tree_names().iter().any(|name| name.as_ref() == b"meta") {
        return Err(LedgerError::NotALedger {
            path: path.display().to_string(),
            why: "its sled database holds no malbok metadata".into(),
        });
    }
    let events = db.open_tree("events").map_err(|e| storage_error(path, e))?;
    let meta = db.open_tree("meta").map_err(|e| storage_error(path, e))?;
    let derived = db
        .open_tree("derived")
        .map_err(|e| storage_error(path, e))?;
    Ok(((db, events, meta, derived), want))
}

fn storage_error(path: &Path, e: sled::Error) -> LedgerError {
    let shown = path.display().to_string();
    match e {
        sled::Error::Io(io) if io.to_string().starts_with("could not acquire lock on") => {
            LedgerError::InUse(shown)
        }
        sled::Error::Io(io) => LedgerError::storage(path, io),
        sled::Error::Corruption { at, .. } => LedgerError::NotALedger {
            path: shown,
            why: format!(
                "its storage is damaged (sled finds a corrupt record{}); get the intact events out \
                 with `malbok salvage --out FILE`, or `malbok restore` an export into a new directory",
                match at {
                    Some(at) => format!(" at {at:?}"),
                    None => String::new(),
                }
            ),
        },
        other => LedgerError::storage(path, std::io::Error::other(other.to_string())),
    }
}

/// fsyncs what a flush may have left only in the page cache, so that it survives a power loss
/// and not only a process crash: sled's log file (`db`, written with `sync_file_range`), the
/// blob files sled wrote since `synced` (sled names them by their log position and never
/// fsyncs them), every other top-level file (the config, snapshots), and the directories.
/// Returns the newest blob position now synced. Blobs from before `synced` were fsynced by the
/// append that wrote them, so an append costs a few fsyncs however large the ledger is.
fn fsync_new(dir: &Path, synced: u64) -> std::io::Result<u64> {
    let mut newest = synced;
    let blobs = dir.join("blobs");
    if blobs.is_dir() {
        for entry in std::fs::read_dir(&blobs)? {
            let entry = entry?;
            let Some(lsn) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            if lsn <= synced {
                continue;
            }
            newest = newest.max(lsn);
            // sled may remove a blob it no longer needs while we walk.
            match std::fs::File::open(entry.path()) {
                Ok(file) => file.sync_all()?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        std::fs::File::open(&blobs)?.sync_all()?;
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        // sled's background thread may remove an old snapshot while we walk.
        match std::fs::File::open(entry.path()) {
            Ok(file) => file.sync_all()?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    std::fs::File::open(dir)?.sync_all()?;
    Ok(newest)
}

/// The newest blob position present: what an earlier process already fsynced.
fn newest_blob(dir: &Path) -> u64 {
    std::fs::read_dir(dir.join("blobs"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u64>().ok()))
        .max()
        .unwrap_or(0)
}
