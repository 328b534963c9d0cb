//! The SHA-256 Merkle tree (`ledger::merkle`) stored as derived data, so that a proof, a
//! checkpoint or a seal reads O(log n) stored hashes instead of rehashing the ledger.
//!
//! Every complete subtree's hash is stored, numbered as Go's `tlog.StoredHashIndex` numbers
//! them ([`Subtree::stored_index`]): appending leaf n adds exactly the indexes
//! `stored_count(n) .. stored_count(n + 1)`, so the stored hashes only ever grow at the end.
//! They are kept in blocks of [`BLOCK`] consecutive indexes (about two per event), under
//!
//! | key | value |
//! |---|---|
//! | `t` ‖ block (8, big-endian) | the 32-byte hashes of indexes `block·BLOCK ..`, concatenated |
//!
//! in the ledger's derived tree, written in the same batch as the events' other derived entries
//! (`projection` calls in here), rebuilt by `reindex` and compared by `verify --deep`. The last
//! block grows as events are appended; one key per block keeps sled's key count small (the same
//! reason the posting lists are blocked).
//!
//! A ledger whose derived data was built before tree nodes were stored has no `t` entries: it
//! keeps none until `malbok reindex`, and [`reader`] answers from the events meanwhile.

use crate::ledger::envelope::{NewEvent, seal};
use crate::ledger::merkle::{
    Builder, HashReader, LedgerHashes, Subtree, TreeHash, leaf_hash, stored_count,
};
use crate::ledger::store::DerivedEntry;
use crate::ledger::{Ledger, LedgerError, LedgerTime, Seq};
use std::collections::BTreeMap;

/// The key prefix of the stored tree nodes.
pub const TREE: u8 = b't';

/// How many hashes one stored block holds (8 KiB).
pub const BLOCK: u64 = 256;

fn key(block: u64) -> Vec<u8> {
    let mut key = vec![TREE];
    key.extend_from_slice(&block.to_be_bytes());
    key
}

fn damaged(why: String) -> LedgerError {
    LedgerError::Damaged {
        seq: 0,
        why: format!("{why}; run `malbok reindex`"),
    }
}

/// Whether the ledger stores tree nodes at all.
fn present(ledger: &Ledger) -> Result<bool, LedgerError> {
    Ok(ledger.derived_last(&[TREE])?.is_some())
}

/// Reads stored hashes by stored index, each block once.
struct Blocks<'a> {
    ledger: &'a Ledger,
    cache: BTreeMap<u64, Vec<u8>>,
}

impl Blocks<'_> {
    fn get(&mut self, index: u64) -> Result<TreeHash, LedgerError> {
        let block = index / BLOCK;
        if !self.cache.contains_key(&block) {
            let value = self.ledger.derived_get(&key(block))?.unwrap_or_default();
            self.cache.insert(block, value);
        }
        let at = ((index % BLOCK) * 32) as usize;
        self.cache[&block]
            .get(at..at + 32)
            .and_then(|h| h.try_into().ok())
            .map(TreeHash)
            .ok_or_else(|| damaged(format!("the stored tree node {index} is missing")))
    }
}

/// The derived entries that add the leaves of consecutive events to the stored tree.
pub struct TreeBuild {
    /// How many leaves the stored tree has before `leaves`.
    size: u64,
    leaves: Vec<TreeHash>,
}

impl TreeBuild {
    /// A build continuing a tree of `size` leaves (the events before position `size + 1`).
    pub fn new(size: u64) -> TreeBuild {
        TreeBuild {
            size,
            leaves: Vec::new(),
        }
    }

    /// Adds the next event, by its stored bytes.
    pub fn add(&mut self, bytes: &[u8]) {
        self.leaves.push(leaf_hash(bytes));
    }

    /// The writes for the events added since the last call, continuing what `ledger` stores
    /// (`None`: nothing is stored, the build starts at leaf 0). A ledger that stores no tree
    /// nodes gets none (see the module's doc).
    pub fn take(&mut self, ledger: Option<&Ledger>) -> Result<Vec<DerivedEntry>, LedgerError> {
        let leaves = std::mem::take(&mut self.leaves);
        let size = self.size;
        self.size += leaves.len() as u64;
        if leaves.is_empty() {
            return Ok(Vec::new());
        }
        let first = stored_count(size);
        let (mut builder, mut bytes) = match ledger {
            _ if size == 0 => (Builder::new(), Vec::new()),
            Some(ledger) if present(ledger)? => {
                let mut blocks = Blocks {
                    ledger,
                    cache: BTreeMap::new(),
                };
                let frontier = Builder::frontier(size)
                    .iter()
                    .map(|s| blocks.get(s.stored_index()))
                    .collect::<Result<Vec<_>, _>>()?;
                let builder = Builder::resume(size, &frontier).expect("one hash per subtree");
                // The open block's hashes before `first`, to be written again with the new ones.
                let kept = ((first % BLOCK) * 32) as usize;
                let mut open = if kept == 0 {
                    Vec::new()
                } else {
                    ledger.derived_get(&key(first / BLOCK))?.unwrap_or_default()
                };
                if open.len() < kept {
                    return Err(damaged(format!(
                        "the stored tree nodes end before node {first}"
                    )));
                }
                open.truncate(kept);
                (builder, open)
            }
            _ => return Ok(Vec::new()),
        };
        for leaf in leaves {
            builder.push(leaf, |_, hash| bytes.extend_from_slice(&hash.0));
        }
        let start = first - first % BLOCK;
        Ok(bytes
            .chunks(BLOCK as usize * 32)
            .enumerate()
            .map(|(i, chunk)| (key(start / BLOCK + i as u64), chunk.to_vec()))
            .collect())
    }
}

/// The tree entries for `events`, about to be staged after the ledger's head by `actor` at
/// `now`: each is sealed here exactly as `Ledger::stage` will seal it (the same position,
/// previous hash, ledger time and run), so its bytes, the tree's leaves, are known before it
/// is written and its nodes go in the same batch as the other derived entries.
pub fn staged_entries(
    ledger: &Ledger,
    events: &[NewEvent],
    actor: &str,
    now: LedgerTime,
) -> Result<Vec<DerivedEntry>, LedgerError> {
    let head = ledger.head()?;
    let committed = ledger.committed_head()?;
    let time = now.max(committed.time);
    let run = Seq(committed.seq.0 + 1);
    let mut build = TreeBuild::new(head.seq.0);
    let mut prev = head.hash;
    for (i, new) in events.iter().enumerate() {
        let sealed = seal(new, Seq(head.seq.0 + 1 + i as u64), prev, time, actor, run);
        prev = sealed.hash;
        build.add(&sealed.bytes);
    }
    build.take(Some(ledger))
}

/// The tree entries of a whole ledger, from its stored bytes (for `verify --deep`).
pub fn rebuilt(ledger: &Ledger) -> Result<Vec<DerivedEntry>, LedgerError> {
    let mut build = TreeBuild::new(0);
    for item in ledger.raw_from(Seq(1)) {
        build.add(&item?.2);
    }
    build.take(None)
}

/// What takes the stored tree back to `size` leaves: the keys to remove and the block to
/// rewrite shorter.
pub fn truncate(
    ledger: &Ledger,
    size: u64,
) -> Result<(Vec<Vec<u8>>, Vec<DerivedEntry>), LedgerError> {
    let count = stored_count(size);
    let (mut remove, mut insert) = (Vec::new(), Vec::new());
    for item in ledger.derived_scan(&[TREE]) {
        let (k, value) = item?;
        let Some(block) = k.get(1..).and_then(|b| <[u8; 8]>::try_from(b).ok()) else {
            continue;
        };
        let start = u64::from_be_bytes(block) * BLOCK;
        if start >= count {
            remove.push(k);
        } else if start + (value.len() / 32) as u64 > count {
            insert.push((k, value[..((count - start) * 32) as usize].to_vec()));
        }
    }
    Ok((remove, insert))
}

/// Answers subtree hashes from the stored tree nodes when the derived data is up to date and
/// holds them, else by one pass over the events ([`LedgerHashes`]).
pub struct Reader<'a> {
    ledger: &'a Ledger,
    /// The leaves the stored tree covers (0: none stored).
    stored: u64,
}

/// The reader of `ledger`'s tree (see [`Reader`]).
pub fn reader(ledger: &Ledger) -> Result<Reader<'_>, LedgerError> {
    let head = ledger.head()?;
    let current = ledger.derived_current()?;
    let stored = if current && present(ledger)? {
        head.seq.0
    } else {
        0
    };
    Ok(Reader { ledger, stored })
}

impl HashReader for Reader<'_> {
    type Error = LedgerError;
    fn read_hashes(&mut self, subtrees: &[Subtree]) -> Result<Vec<TreeHash>, LedgerError> {
        if subtrees.iter().any(|s| s.end() > self.stored) {
            return LedgerHashes {
                ledger: self.ledger,
            }
            .read_hashes(subtrees);
        }
        let mut blocks = Blocks {
            ledger: self.ledger,
            cache: BTreeMap::new(),
        };
        subtrees
            .iter()
            .map(|s| blocks.get(s.stored_index()))
            .collect()
    }
}
