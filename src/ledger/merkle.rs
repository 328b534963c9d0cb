//! The RFC 6962 / RFC 9162 Merkle tree over the events (specified in `events/PROOFS.md`).
//!
//! Leaf i is event seq i + 1; leaf hash = SHA-256(0x00 ‖ canonical bytes), node hash =
//! SHA-256(0x01 ‖ left ‖ right), and a tree of n > 1 leaves splits at the largest power of two
//! below n. SHA-256 rather than BLAKE3 so that the transparency-log ecosystem (Go's
//! `sumdb/tlog`, witnesses) checks malbok's proofs unchanged; the BLAKE3 chain is separate.
//!
//! Every computation here asks a [`HashReader`] for the hashes of *complete, aligned* subtrees
//! ([`Subtree`]), in one batch, and combines them; this is how Go's `tlog` works with its
//! `HashReader` and `StoredHashIndex`. Today [`LedgerHashes`] computes the requested subtrees
//! in one streaming pass over the stored events; a store that keeps those subtree hashes as
//! derived data (see [`Subtree::stored_index`]) answers the same requests in O(log n) reads.
//!
//! Proof generation follows the RFC's recursive definitions; proof verification follows the
//! RFC's separate bit-level algorithms (§2.1.3.2, §2.1.4.2), so each checks the other.

use super::envelope::Seq;
use super::{LedgerError, store::Ledger};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// A SHA-256 hash of a tree node, leaf or root.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TreeHash(pub [u8; 32]);

impl TreeHash {
    /// Parses 64 lowercase hex digits.
    pub fn from_hex(s: &str) -> Option<TreeHash> {
        if s.len() != 64 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(TreeHash(out))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }
}

impl fmt::Display for TreeHash {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for TreeHash {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "TreeHash({})", self.to_hex())
    }
}

/// The root of the empty tree: SHA-256 of no bytes (RFC 9162 §2.1.1).
pub fn empty_root() -> TreeHash {
    TreeHash(Sha256::digest([]).into())
}

/// The hash of a leaf: SHA-256(0x00 ‖ bytes).
pub fn leaf_hash(bytes: &[u8]) -> TreeHash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(bytes);
    TreeHash(h.finalize().into())
}

/// The hash of an inner node: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &TreeHash, right: &TreeHash) -> TreeHash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    TreeHash(h.finalize().into())
}

/// A complete subtree at an aligned position: the 2^level leaves
/// `index·2^level .. (index+1)·2^level`. Level 0 is a single leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subtree {
    pub level: u8,
    pub index: u64,
}

impl Subtree {
    /// The first leaf it covers.
    pub fn start(&self) -> u64 {
        self.index << self.level
    }

    /// One past the last leaf it covers.
    pub fn end(&self) -> u64 {
        (self.index + 1) << self.level
    }

    /// Where this subtree's hash sits when every hash is stored in the order it becomes
    /// computable (after leaf i, every complete subtree that ends at leaf i, lowest first), as
    /// Go's `tlog.StoredHashIndex` numbers them. A store of derived tree nodes can key on it:
    /// appending leaf n adds exactly the indexes `stored_count(n) .. stored_count(n + 1)`.
    pub fn stored_index(&self) -> u64 {
        // Level L's n'th hash comes right after level L+1's ... down to level 0's (2^L·(n+1) − 1)'th
        // leaf; level 0's n'th hash is written at n + n/2 + n/4 + ....
        let mut n = self.index;
        for _ in 0..self.level {
            n = 2 * n + 1;
        }
        let mut i = 0;
        while n > 0 {
            i += n;
            n >>= 1;
        }
        i + u64::from(self.level)
    }
}

/// How many hashes a store holds for a tree of `n` leaves (Go's `tlog.StoredHashCount`).
pub fn stored_count(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    // The last leaf's level-0 hash, plus every subtree completed by it.
    let last = Subtree {
        level: 0,
        index: n - 1,
    };
    let mut count = last.stored_index() + 1;
    let mut i = n - 1;
    while i & 1 == 1 {
        count += 1;
        i >>= 1;
    }
    count
}

/// Gives the hashes of complete, aligned subtrees, many in one call. The order of the answer is
/// the order of the question. Implemented by a streaming pass over the ledger today and by stored
/// tree nodes later; every tree computation in this module goes through it.
pub trait HashReader {
    type Error;
    fn read_hashes(&mut self, subtrees: &[Subtree]) -> Result<Vec<TreeHash>, Self::Error>;
}

/// Why a proof cannot be made or does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The sizes or index asked for do not exist (for example a leaf beyond the tree).
    #[error("{0}")]
    Range(String),
    /// The proof does not prove what it claims.
    #[error("{0}")]
    Invalid(String),
}

/// Splits the leaves `lo..hi` into the complete aligned subtrees whose hashes, folded from the
/// right, give the RFC hash of that range; only for ranges the RFC recursion makes (each `lo` a
/// multiple of a power of two at least `hi − lo`), where the pieces shrink from left to right.
fn decompose(mut lo: u64, hi: u64, out: &mut Vec<Subtree>) {
    while lo < hi {
        let mut level = 0u8;
        while level < 63 {
            let size = 1u64 << (level + 1);
            if !lo.is_multiple_of(size) || lo + size > hi {
                break;
            }
            level += 1;
        }
        out.push(Subtree {
            level,
            index: lo >> level,
        });
        lo += 1u64 << level;
    }
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: u64) -> u64 {
    1u64 << (63 - (n - 1).leading_zeros())
}

/// A plan: ranges of leaves whose RFC hashes make up an answer, computed from one batch read.
struct Plan {
    ranges: Vec<(u64, u64)>,
}

impl Plan {
    fn hashes<R: HashReader>(&self, reader: &mut R) -> Result<Vec<TreeHash>, R::Error> {
        let mut pieces: Vec<Vec<Subtree>> = Vec::with_capacity(self.ranges.len());
        let mut wanted = Vec::new();
        for &(lo, hi) in &self.ranges {
            let mut p = Vec::new();
            decompose(lo, hi, &mut p);
            wanted.extend_from_slice(&p);
            pieces.push(p);
        }
        wanted.sort_unstable();
        wanted.dedup();
        let got = reader.read_hashes(&wanted)?;
        let known: BTreeMap<Subtree, TreeHash> = wanted.into_iter().zip(got).collect();
        Ok(pieces
            .iter()
            .map(|p| {
                // Fold from the right: the RFC hash of pieces [a, b, c] is node(a, node(b, c)).
                let mut it = p.iter().rev().map(|s| known[s]);
                let last = it.next().unwrap_or_else(empty_root);
                it.fold(last, |acc, h| node_hash(&h, &acc))
            })
            .collect())
    }
}

/// The root of the tree of the first `n` leaves (RFC 9162 MTH).
pub fn tree_hash<R: HashReader>(n: u64, reader: &mut R) -> Result<TreeHash, R::Error> {
    if n == 0 {
        return Ok(empty_root());
    }
    let plan = Plan {
        ranges: vec![(0, n)],
    };
    Ok(plan.hashes(reader)?[0])
}

/// The ranges of the inclusion path of leaf `m` in `lo..hi` (RFC 9162 §2.1.3.1 PATH), leaf first.
fn path_ranges(m: u64, lo: u64, hi: u64, out: &mut Vec<(u64, u64)>) {
    if hi - lo <= 1 {
        return;
    }
    let k = split(hi - lo);
    if m < lo + k {
        path_ranges(m, lo, lo + k, out);
        out.push((lo + k, hi));
    } else {
        path_ranges(m, lo + k, hi, out);
        out.push((lo, lo + k));
    }
}

/// The inclusion proof (audit path) of leaf `index` in the tree of `size` leaves: the sibling
/// hashes from the leaf up to the root's child.
pub fn prove_inclusion<R: HashReader>(
    index: u64,
    size: u64,
    reader: &mut R,
) -> Result<Result<Vec<TreeHash>, ProofError>, R::Error> {
    if index >= size {
        return Ok(Err(ProofError::Range(format!(
            "leaf {index} is not in a tree of {size} leaves"
        ))));
    }
    let mut ranges = Vec::new();
    path_ranges(index, 0, size, &mut ranges);
    Ok(Ok(Plan { ranges }.hashes(reader)?))
}

/// The ranges of SUBPROOF(m, D[lo..hi], b) (RFC 9162 §2.1.4.1).
fn subproof_ranges(m: u64, lo: u64, hi: u64, whole: bool, out: &mut Vec<(u64, u64)>) {
    let n = hi - lo;
    if m == n {
        if !whole {
            out.push((lo, hi));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof_ranges(m, lo, lo + k, whole, out);
        out.push((lo + k, hi));
    } else {
        subproof_ranges(m - k, lo + k, hi, false, out);
        out.push((lo, lo + k));
    }
}

/// The consistency proof that the tree of `new` leaves extends the tree of `old` leaves,
/// 0 < old ≤ new (empty when they are equal).
pub fn prove_consistency<R: HashReader>(
    old: u64,
    new: u64,
    reader: &mut R,
) -> Result<Result<Vec<TreeHash>, ProofError>, R::Error> {
    if old == 0 || old > new {
        return Ok(Err(ProofError::Range(format!(
            "no consistency proof from size {old} to size {new}: need 0 < old ≤ new"
        ))));
    }
    let mut ranges = Vec::new();
    subproof_ranges(old, 0, new, true, &mut ranges);
    Ok(Ok(Plan { ranges }.hashes(reader)?))
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2): leaf `index` with hash `leaf` is in the tree
/// of `size` leaves with root `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &TreeHash,
    path: &[TreeHash],
    root: &TreeHash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::Invalid(format!(
            "leaf index {index} is not below the tree size {size}"
        )));
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in path {
        if s == 0 {
            return Err(ProofError::Invalid(
                "the inclusion proof is longer than the tree is deep".into(),
            ));
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::Invalid(
            "the inclusion proof is shorter than the tree is deep".into(),
        ));
    }
    if r != *root {
        return Err(ProofError::Invalid(
            "the inclusion proof does not lead to the root".into(),
        ));
    }
    Ok(())
}

/// Checks a consistency proof (RFC 9162 §2.1.4.2): the tree of `new` leaves with root
/// `new_root` extends the tree of `old` leaves with root `old_root`, 0 < old ≤ new.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &TreeHash,
    new_root: &TreeHash,
    path: &[TreeHash],
) -> Result<(), ProofError> {
    if old == 0 || old > new {
        return Err(ProofError::Invalid(format!(
            "no consistency proof from size {old} to size {new}: need 0 < old ≤ new"
        )));
    }
    if old == new {
        if !path.is_empty() {
            return Err(ProofError::Invalid(
                "a consistency proof between equal sizes must be empty".into(),
            ));
        }
        if old_root != new_root {
            return Err(ProofError::Invalid(
                "two different roots for the same tree size".into(),
            ));
        }
        return Ok(());
    }
    let mut path: Vec<TreeHash> = path.to_vec();
    if old.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let Some((first, rest)) = path.split_first() else {
        return Err(ProofError::Invalid("the consistency proof is empty".into()));
    };
    let (mut f, mut s) = (old - 1, new - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s == 0 {
            return Err(ProofError::Invalid(
                "the consistency proof is longer than the tree is deep".into(),
            ));
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::Invalid(
            "the consistency proof is shorter than the tree is deep".into(),
        ));
    }
    if fr != *old_root {
        return Err(ProofError::Invalid(
            "the consistency proof does not lead to the old root".into(),
        ));
    }
    if sr != *new_root {
        return Err(ProofError::Invalid(
            "the consistency proof does not lead to the new root".into(),
        ));
    }
    Ok(())
}

/// Builds complete subtrees from leaf hashes given one at a time, keeping O(log n) hashes: the
/// compact range of the leaves seen so far. `push` reports every subtree the new leaf completes.
#[derive(Debug, Default, Clone)]
pub struct Builder {
    /// Complete subtrees of decreasing level, covering every leaf pushed so far.
    stack: Vec<(Subtree, TreeHash)>,
    leaves: u64,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Adds the next leaf; calls `done` with each subtree that it completes, lowest level first
    /// (the leaf itself first): exactly the hashes a store of tree nodes would add.
    pub fn push(&mut self, leaf: TreeHash, mut done: impl FnMut(Subtree, TreeHash)) {
        let mut top = (
            Subtree {
                level: 0,
                index: self.leaves,
            },
            leaf,
        );
        self.leaves += 1;
        done(top.0, top.1);
        while let Some(&(left, lh)) = self.stack.last() {
            if left.level != top.0.level {
                break;
            }
            self.stack.pop();
            top = (
                Subtree {
                    level: left.level + 1,
                    index: left.index >> 1,
                },
                node_hash(&lh, &top.1),
            );
            done(top.0, top.1);
        }
        self.stack.push(top);
    }

    /// The subtrees a builder of `n` leaves keeps: one per set bit of `n`, highest level first
    /// (the compact range of `0..n`). Their hashes resume a builder with [`Builder::resume`].
    pub fn frontier(n: u64) -> Vec<Subtree> {
        let mut out = Vec::new();
        let mut start = 0u64;
        for level in (0..64u8).rev() {
            if n & (1u64 << level) != 0 {
                out.push(Subtree {
                    level,
                    index: start >> level,
                });
                start += 1u64 << level;
            }
        }
        out
    }

    /// A builder that continues a tree of `n` leaves, from the hashes of [`Builder::frontier`]`(n)`
    /// in that order; `None` if they are not as many.
    pub fn resume(n: u64, hashes: &[TreeHash]) -> Option<Builder> {
        let frontier = Builder::frontier(n);
        (frontier.len() == hashes.len()).then(|| Builder {
            stack: frontier.into_iter().zip(hashes.iter().copied()).collect(),
            leaves: n,
        })
    }

    /// How many leaves were pushed.
    pub fn size(&self) -> u64 {
        self.leaves
    }

    /// The root of the leaves pushed so far.
    pub fn root(&self) -> TreeHash {
        let mut it = self.stack.iter().rev().map(|(_, h)| *h);
        let last = it.next().unwrap_or_else(empty_root);
        it.fold(last, |acc, h| node_hash(&h, &acc))
    }
}

/// Answers a batch of subtree requests from leaf hashes given in order, stopping as soon as
/// every requested subtree is complete.
pub fn hashes_from_leaves<E>(
    leaves: impl IntoIterator<Item = Result<TreeHash, E>>,
    subtrees: &[Subtree],
) -> Result<Result<Vec<TreeHash>, u64>, E> {
    let mut found: BTreeMap<Subtree, Option<TreeHash>> =
        subtrees.iter().map(|s| (*s, None)).collect();
    let need = subtrees.iter().map(Subtree::end).max().unwrap_or(0);
    let mut builder = Builder::new();
    let mut leaves = leaves.into_iter();
    while builder.size() < need {
        let Some(leaf) = leaves.next() else {
            // Fewer leaves than the request needs: say how many there were.
            return Ok(Err(builder.size()));
        };
        builder.push(leaf?, |s, h| {
            if let Some(slot) = found.get_mut(&s) {
                *slot = Some(h);
            }
        });
    }
    Ok(Ok(subtrees
        .iter()
        .map(|s| found[s].unwrap_or_else(empty_root))
        .collect()))
}

/// Leaf hashes held in memory: for tests, golden vectors and small trees.
impl HashReader for Vec<TreeHash> {
    type Error = ProofError;
    fn read_hashes(&mut self, subtrees: &[Subtree]) -> Result<Vec<TreeHash>, ProofError> {
        let leaves = self.iter().map(|h| Ok::<_, ProofError>(*h));
        hashes_from_leaves(leaves, subtrees)?
            .map_err(|had| ProofError::Range(format!("the tree has only {had} leaves")))
    }
}

/// The tree of a stored ledger: each request is answered by one pass over the stored events
/// from the first, hashing their bytes as leaves (no event bytes are held beyond the one being
/// hashed). The BLAKE3 chain is not checked here; `verify` does that.
pub struct LedgerHashes<'a> {
    pub ledger: &'a Ledger,
}

impl HashReader for LedgerHashes<'_> {
    type Error = LedgerError;
    fn read_hashes(&mut self, subtrees: &[Subtree]) -> Result<Vec<TreeHash>, LedgerError> {
        let leaves = self
            .ledger
            .raw_from(Seq(1))
            .map(|item| item.map(|(_, _, bytes)| leaf_hash(&bytes)));
        hashes_from_leaves(leaves, subtrees)?.map_err(|had| LedgerError::Damaged {
            seq: had + 1,
            why: format!(
                "the tree needs {} events but the ledger holds {had}",
                subtrees.iter().map(Subtree::end).max().unwrap_or(0)
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: u64) -> Vec<TreeHash> {
        (0..n)
            .map(|i| leaf_hash(format!("leaf {i}").as_bytes()))
            .collect()
    }

    /// The RFC's recursive MTH, written out directly, as the reference for everything else.
    fn mth(l: &[TreeHash]) -> TreeHash {
        match l.len() {
            0 => empty_root(),
            1 => l[0],
            n => {
                let k = split(n as u64) as usize;
                node_hash(&mth(&l[..k]), &mth(&l[k..]))
            }
        }
    }

    #[test]
    fn a_resumed_builder_continues_as_if_it_never_stopped() {
        let all = leaves(40);
        for n in 0..=40u64 {
            let mut whole = all[..n as usize].to_vec();
            let hashes = whole.read_hashes(&Builder::frontier(n)).unwrap();
            let mut resumed = Builder::resume(n, &hashes).unwrap();
            let mut reference = Builder::new();
            for leaf in &all[..n as usize] {
                reference.push(*leaf, |_, _| {});
            }
            for leaf in &all[n as usize..] {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                resumed.push(*leaf, |s, h| a.push((s, h)));
                reference.push(*leaf, |s, h| b.push((s, h)));
                assert_eq!(a, b);
                assert_eq!(resumed.root(), reference.root());
            }
        }
    }

    #[test]
    fn roots_match_the_rfc_definition_and_the_builder() {
        let all = leaves(70);
        let mut builder = Builder::new();
        for n in 0..=70u64 {
            let mut r = all[..n as usize].to_vec();
            assert_eq!(
                tree_hash(n, &mut r).unwrap(),
                mth(&all[..n as usize]),
                "{n}"
            );
            assert_eq!(builder.root(), mth(&all[..n as usize]), "{n}");
            if n < 70 {
                builder.push(all[n as usize], |_, _| {});
            }
        }
    }

    #[test]
    fn every_proof_up_to_64_verifies_and_no_other_does() {
        let all = leaves(64);
        let mut r = all.clone();
        for n in 1..=64u64 {
            let root = mth(&all[..n as usize]);
            for i in 0..n {
                let path = prove_inclusion(i, n, &mut r).unwrap().unwrap();
                verify_inclusion(i, n, &all[i as usize], &path, &root).unwrap();
                assert!(verify_inclusion(i, n, &all[(i as usize + 1) % 64], &path, &root).is_err());
                if n > 1 {
                    assert!(
                        verify_inclusion((i + 1) % n, n, &all[i as usize], &path, &root).is_err()
                    );
                }
            }
            for m in 1..=n {
                let old = mth(&all[..m as usize]);
                let path = prove_consistency(m, n, &mut r).unwrap().unwrap();
                verify_consistency(m, n, &old, &root, &path).unwrap();
                if m < n {
                    assert!(verify_consistency(m, n, &root, &root, &path).is_err());
                    assert!(verify_consistency(m, n, &old, &old, &path).is_err());
                }
            }
        }
    }

    #[test]
    fn any_flipped_bit_in_a_proof_or_root_fails() {
        let all = leaves(13);
        let mut r = all.clone();
        let root = mth(&all);
        let path = prove_inclusion(5, 13, &mut r).unwrap().unwrap();
        for (j, byte, bit) in
            (0..path.len()).flat_map(|j| (0..32).flat_map(move |b| (0..8).map(move |t| (j, b, t))))
        {
            let mut bad = path.clone();
            bad[j].0[byte] ^= 1 << bit;
            assert!(verify_inclusion(5, 13, &all[5], &bad, &root).is_err());
        }
        let mut bad_root = root;
        bad_root.0[31] ^= 1;
        assert!(verify_inclusion(5, 13, &all[5], &path, &bad_root).is_err());
        let old = mth(&all[..6]);
        let path = prove_consistency(6, 13, &mut r).unwrap().unwrap();
        for j in 0..path.len() {
            for byte in 0..32 {
                let mut bad = path.clone();
                bad[j].0[byte] ^= 0x80;
                assert!(verify_consistency(6, 13, &old, &root, &bad).is_err());
            }
        }
        assert!(verify_consistency(6, 13, &old, &bad_root, &path).is_err());
        assert!(verify_consistency(6, 13, &old, &root, &path[..path.len() - 1]).is_err());
        let mut longer = path.clone();
        longer.push(root);
        assert!(verify_consistency(6, 13, &old, &root, &longer).is_err());
    }

    /// A cheap deterministic generator, so the random sizes are the same on every run.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn random_proofs_up_to_100_000_verify() {
        let all: Vec<TreeHash> = (0..100_000u64)
            .map(|i| leaf_hash(&i.to_be_bytes()))
            .collect();
        // One builder pass gives the roots of every size, for reference.
        let mut roots = vec![empty_root()];
        let mut b = Builder::new();
        for l in &all {
            b.push(*l, |_, _| {});
            roots.push(b.root());
        }
        let mut r = all.clone();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..40 {
            let n = next(&mut state) % 100_000 + 1;
            let i = next(&mut state) % n;
            let m = next(&mut state) % n + 1;
            let path = prove_inclusion(i, n, &mut r).unwrap().unwrap();
            verify_inclusion(i, n, &all[i as usize], &path, &roots[n as usize]).unwrap();
            let path = prove_consistency(m, n, &mut r).unwrap().unwrap();
            verify_consistency(m, n, &roots[m as usize], &roots[n as usize], &path).unwrap();
        }
    }

    #[test]
    fn stored_indexes_follow_go_tlog() {
        // Go's tlog: after leaf 0 → 0; leaf 1 → 1, then level 1 → 2; leaf 2 → 3; leaf 3 → 4,
        // level 1 #1 → 5, level 2 → 6.
        let idx = |level, index| Subtree { level, index }.stored_index();
        assert_eq!(
            [
                idx(0, 0),
                idx(0, 1),
                idx(1, 0),
                idx(0, 2),
                idx(0, 3),
                idx(1, 1),
                idx(2, 0)
            ],
            [0, 1, 2, 3, 4, 5, 6]
        );
        assert_eq!(
            [
                stored_count(1),
                stored_count(2),
                stored_count(4),
                stored_count(5)
            ],
            [1, 3, 7, 8]
        );
        let mut order = Vec::new();
        let mut b = Builder::new();
        for l in leaves(33) {
            b.push(l, |s, _| order.push(s.stored_index()));
        }
        assert_eq!(order, (0..stored_count(33)).collect::<Vec<_>>());
    }

    #[test]
    fn refuses_what_does_not_exist() {
        let mut r = leaves(4);
        assert!(prove_inclusion(4, 4, &mut r).unwrap().is_err());
        assert!(prove_consistency(0, 4, &mut r).unwrap().is_err());
        assert!(prove_consistency(5, 4, &mut r).unwrap().is_err());
        assert!(prove_inclusion(1, 8, &mut r).is_err());
    }
}
