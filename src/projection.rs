//! Derived data: the join of the ledger (bytes and positions) and the domain (kinds and ids).
//!
//! Everything here is computed from the events alone and can be rebuilt from them
//! (`malbok reindex`); `verify --deep` rebuilds it in passing and proves it equals what is
//! stored. Keys in the ledger's derived tree:
//!
//! | key | value | what for |
//! |---|---|---|
//! | `i` ‖ id | seq (8) ‖ space ‖ 0x00 ‖ home | where an id is defined and which organisation it belongs to |
//! | `s` ‖ id ‖ 0x00 ‖ first (8) | positions | the events that touch an id (`history`, `log --subject`) |
//! | `o` ‖ home ‖ 0x00 ‖ first (8) | positions | the events of one organisation (home empty: the shared definitions) |
//!
//! Positions are posting lists: a block of up to [`POSTINGS`] ascending positions, the first in
//! the key (big-endian), each stored as the LEB128 difference from the one before (the first as
//! 0). An append extends the last block of a list until it is full, so the blocks are the same
//! however the events were appended: a rebuild gives the same bytes. One key per block instead of
//! one per event keeps sled's key count, its memory and its opening time small.
//!
//! Ids never contain 0x00, so a prefix ending in 0x00 selects exactly one id. The store keeps
//! the head the derived data reflects; [`open`] brings it up to the ledger's head after a crash
//! between the two writes of an append.
//!
//! A query about one organisation folds that organisation's events and the shared ones
//! ([`org_state`]), never the whole ledger; an append checks each event against the
//! projection of its own organisation ([`append_checked`]).

use crate::domain::{
    DomainEvent, Foreign, HomeRef, Id, Meta, State, defines, home_ref, references, subjects,
};
use crate::import::{InputError, jsonl::Line};
use crate::ledger::envelope::Sealed;
use crate::ledger::store::{DERIVED_HEAD, DerivedEntry};
use crate::ledger::{Event, GENESIS_KIND, Hash, Ledger, LedgerError, LedgerTime, Seq};
use std::collections::BTreeMap;
use std::path::Path;

const IDS: u8 = b'i';
const SUBJECTS: u8 = b's';
const ORGS: u8 = b'o';

/// How many events `reindex` indexes per write.
const CHUNK: usize = 50_000;

/// An error of this layer: a refused input, or the ledger.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Refused(#[from] InputError),
    #[error("{0}")]
    Ledger(#[from] LedgerError),
}

/// "As known at": which prefix of the ledger a query sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KnownAt {
    /// Everything stored.
    Now,
    /// Events up to and including this position.
    Seq(Seq),
    /// Events appended at or before this ledger time.
    Time(LedgerTime),
}

impl KnownAt {
    /// Reads `--known-at`: a position (`1042`) or an RFC 3339 ledger time.
    pub fn parse(text: Option<&str>) -> Result<KnownAt, InputError> {
        let Some(text) = text else {
            return Ok(KnownAt::Now);
        };
        if let Ok(seq) = text.parse::<u64>() {
            return Ok(KnownAt::Seq(Seq(seq)));
        }
        LedgerTime::parse_rfc3339(text).map(KnownAt::Time).ok_or_else(|| {
            InputError::new(
                "--known-at",
                None,
                None,
                format!("{text:?} is neither a ledger position (e.g. 1042) nor an RFC 3339 time (e.g. 2021-09-15T12:00:00Z)"),
            )
        })
    }

    /// Whether `event` is in the prefix.
    pub fn includes(self, event: &Event) -> bool {
        match self {
            KnownAt::Now => true,
            KnownAt::Seq(seq) => event.seq <= seq,
            KnownAt::Time(time) => event.time <= time,
        }
    }
}

/// Where an id is defined: what it names, at which position, in which organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdInfo {
    pub space: &'static str,
    pub seq: u64,
    /// `None` for a shared definition.
    pub home: Option<Id>,
}

fn id_key(id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + id.len());
    key.push(IDS);
    key.extend_from_slice(id.as_bytes());
    key
}

fn seq_prefix(tag: u8, name: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 + name.len());
    key.push(tag);
    key.extend_from_slice(name.as_bytes());
    key.push(0);
    key
}

fn home_name(home: Option<&Id>) -> &str {
    home.map_or("", Id::as_str)
}

/// The spaces an id can name, as `State::space_of` says them.
const SPACES: &[&str] = &[
    "organisation",
    "body",
    "plan",
    "goal",
    "indicator",
    "target",
    "scale",
    "follow_up",
    "method",
    "template",
    "promise",
    "activity",
];

fn encode_info(info: &IdInfo) -> Vec<u8> {
    let mut value = info.seq.to_be_bytes().to_vec();
    value.extend_from_slice(info.space.as_bytes());
    value.push(0);
    value.extend_from_slice(home_name(info.home.as_ref()).as_bytes());
    value
}

fn decode_info(value: &[u8]) -> Option<IdInfo> {
    let (seq, rest) = value.split_first_chunk::<8>()?;
    let at = rest.iter().position(|&b| b == 0)?;
    let space = std::str::from_utf8(&rest[..at]).ok()?;
    let space = SPACES.iter().find(|s| **s == space)?;
    let home = std::str::from_utf8(&rest[at + 1..]).ok()?;
    let home = if home.is_empty() {
        None
    } else {
        Some(Id::parse(home).ok()?)
    };
    Some(IdInfo {
        space,
        seq: u64::from_be_bytes(*seq),
        home,
    })
}

/// Where `id` is defined, from the stored derived data.
/// Only ids defined up to the ledger's head: an id that an import has staged but not yet
/// committed is not there for a reader let in while the import paused.
pub fn id_info(ledger: &Ledger, id: &str) -> Result<Option<IdInfo>, LedgerError> {
    let head = ledger.head()?.seq.0;
    Ok(stored_info(ledger, id)?.filter(|info| info.seq <= head))
}

/// The stored entry of `id`, whatever position defined it (staged events included: checks,
/// indexing and roll-back need those).
fn stored_info(ledger: &Ledger, id: &str) -> Result<Option<IdInfo>, LedgerError> {
    let Some(value) = ledger.derived_get(&id_key(id))? else {
        return Ok(None);
    };
    decode_info(&value)
        .map(Some)
        .ok_or_else(|| LedgerError::Damaged {
            seq: 0,
            why: format!("the derived entry of id `{id}` cannot be read; run `malbok reindex`"),
        })
}

/// How many positions one posting block holds.
pub const POSTINGS: usize = 4096;

fn encode_postings(first: u64, seqs: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(seqs.len() * 2);
    let mut prev = first;
    for &seq in seqs {
        let mut delta = seq - prev;
        prev = seq;
        loop {
            let byte = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out
}

fn decode_postings(first: u64, value: &[u8]) -> Option<Vec<u64>> {
    let mut seqs = Vec::new();
    let mut prev = first;
    let mut delta = 0u64;
    let mut shift = 0u32;
    for &byte in value {
        if shift > 63 {
            return None;
        }
        delta |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            prev = prev.checked_add(delta)?;
            seqs.push(prev);
            delta = 0;
            shift = 0;
        }
    }
    (shift == 0).then_some(seqs)
}

/// The derived entries of a run of consecutive events, built in memory, then turned into the
/// writes that continue what the ledger stores.
#[derive(Default)]
pub struct Build {
    ids: Vec<DerivedEntry>,
    /// `tag ‖ name ‖ 0x00` → positions, ascending.
    postings: BTreeMap<Vec<u8>, Vec<u64>>,
}

impl Build {
    /// Adds the event at `seq` of organisation `home`.
    pub fn add(&mut self, seq: u64, ev: &DomainEvent, home: Option<&Id>) {
        let mut post = |prefix: Vec<u8>| self.postings.entry(prefix).or_default().push(seq);
        post(seq_prefix(ORGS, home_name(home)));
        for id in subjects(ev) {
            post(seq_prefix(SUBJECTS, id));
        }
        if let Some((id, space)) = defines(ev) {
            let info = IdInfo {
                space,
                seq,
                home: home.cloned(),
            };
            self.ids.push((id_key(id.as_str()), encode_info(&info)));
        }
    }

    /// The writes: the id entries, and each posting list continuing the last stored block of
    /// its list (read from `ledger`; `None` builds from nothing), in key order per list.
    pub fn into_entries(self, ledger: Option<&Ledger>) -> Result<Vec<DerivedEntry>, LedgerError> {
        let mut out = self.ids;
        for (prefix, seqs) in self.postings {
            let last = match ledger {
                Some(ledger) => ledger.derived_last(&prefix)?,
                None => None,
            };
            let mut block: Option<(u64, Vec<u64>)> = match last {
                Some((key, value)) => {
                    let first = key_first(&prefix, &key)?;
                    let stored = decode_postings(first, &value).ok_or_else(unreadable)?;
                    (stored.len() < POSTINGS).then_some((first, stored))
                }
                None => None,
            };
            for seq in seqs {
                let (_, list) = block.get_or_insert_with(|| (seq, Vec::new()));
                list.push(seq);
                if list.len() == POSTINGS {
                    let (first, list) = block.take().expect("just filled");
                    out.push(posting_entry(&prefix, first, &list));
                }
            }
            if let Some((first, list)) = block {
                out.push(posting_entry(&prefix, first, &list));
            }
        }
        Ok(out)
    }
}

fn posting_entry(prefix: &[u8], first: u64, seqs: &[u64]) -> DerivedEntry {
    let mut key = prefix.to_vec();
    key.extend_from_slice(&first.to_be_bytes());
    (key, encode_postings(first, seqs))
}

fn unreadable() -> LedgerError {
    LedgerError::Damaged {
        seq: 0,
        why: "a derived index entry cannot be read; run `malbok reindex`".into(),
    }
}

/// The first position of a posting block, from its key.
fn key_first(prefix: &[u8], key: &[u8]) -> Result<u64, LedgerError> {
    let tail: [u8; 8] = key
        .get(prefix.len()..)
        .and_then(|t| t.try_into().ok())
        .ok_or_else(unreadable)?;
    Ok(u64::from_be_bytes(tail))
}

/// Ids defined by events not yet stored (earlier in the same batch or chunk), looked up before
/// the stored ones.
#[derive(Default)]
struct Pending(BTreeMap<Id, IdInfo>);

impl Pending {
    /// Where `id` is defined: pending first, then the ledger's id index (if there is a ledger).
    fn lookup(&self, ledger: Option<&Ledger>, id: &Id) -> Result<Option<IdInfo>, LedgerError> {
        match (self.0.get(id), ledger) {
            (Some(info), _) => Ok(Some(info.clone())),
            (None, Some(ledger)) => stored_info(ledger, id.as_str()),
            (None, None) => Ok(None),
        }
    }

    /// The home of `ev`: `Some(home)`, or `None` when the id it goes through is unknown (the
    /// check then refuses the event).
    fn home(
        &self,
        ledger: Option<&Ledger>,
        ev: &DomainEvent,
    ) -> Result<Option<Option<Id>>, LedgerError> {
        Ok(match home_ref(ev) {
            HomeRef::Org(org) => Some(Some(org.clone())),
            HomeRef::Shared => Some(None),
            HomeRef::Via(id) => self.lookup(ledger, id)?.map(|info| info.home),
        })
    }

    fn define(&mut self, seq: u64, ev: &DomainEvent, home: Option<&Id>) {
        if let Some((id, space)) = defines(ev) {
            self.0.insert(
                id.clone(),
                IdInfo {
                    space,
                    seq,
                    home: home.cloned(),
                },
            );
        }
    }
}

fn domain_event(event: &Event) -> Result<DomainEvent, LedgerError> {
    let payload = serde_json::Value::Object(event.payload.clone());
    DomainEvent::parse(&event.kind, &payload).map_err(|e| LedgerError::Damaged {
        seq: event.seq.0,
        why: format!(
            "the stored {} event is not one this malbok reads: {e}",
            event.kind
        ),
    })
}

fn meta(event: &Event) -> Meta {
    Meta {
        seq: event.seq.0,
        time: event.time.to_string(),
        actor: event.actor.clone(),
    }
}

/// The derived entries of the stored events from `from` on, written in chunks, each with the
/// derived head it reaches.
fn index_from(ledger: &Ledger, from: Seq) -> Result<u64, LedgerError> {
    let mut pending = Pending::default();
    let mut build = Build::default();
    let mut tree = crate::tree_store::TreeBuild::new(from.0 - 1);
    let mut count = 0u64;
    let mut last = None;
    for event in ledger.events_from(from) {
        let event = event?;
        last = Some((event.seq, event.hash));
        count += 1;
        tree.add(&event.bytes);
        if event.kind != GENESIS_KIND {
            let ev = domain_event(&event)?;
            let home = pending
                .home(Some(ledger), &ev)?
                .ok_or_else(|| LedgerError::Damaged {
                    seq: event.seq.0,
                    why: "the event refers to an id that no earlier event defines".into(),
                })?;
            pending.define(event.seq.0, &ev, home.as_ref());
            build.add(event.seq.0, &ev, home.as_ref());
        }
        if count.is_multiple_of(CHUNK as u64) {
            let through = last.expect("an event was read");
            let mut entries = std::mem::take(&mut build).into_entries(Some(ledger))?;
            entries.extend(tree.take(Some(ledger))?);
            ledger.write_derived(entries, through)?;
            pending = Pending::default();
        }
    }
    if let Some(through) = last {
        let mut entries = build.into_entries(Some(ledger))?;
        entries.extend(tree.take(Some(ledger))?);
        ledger.write_derived(entries, through)?;
    }
    Ok(count)
}

/// Takes back the derived data that `staged` (events after the committed head, in order)
/// added: their positions leave the posting lists and the ids they defined leave the id index.
/// The derived head returns to the committed head.
fn roll_back(ledger: &Ledger, staged: &[Event]) -> Result<(), LedgerError> {
    let head = ledger.committed_head()?;
    let (remove, insert) = roll_back_plan(ledger, staged)?;
    ledger.rewrite_derived(remove, insert, (head.seq, head.hash))
}

/// What [`roll_back`] removes and rewrites.
type Plan = (Vec<Vec<u8>>, Vec<DerivedEntry>);

/// The derived entries to remove and rewrite to take back what `staged` added (see
/// [`roll_back`]); also what a reader let in during an import leaves out to compare the
/// derived data with the committed events ([`verify_derived`]).
fn roll_back_plan(ledger: &Ledger, staged: &[Event]) -> Result<Plan, LedgerError> {
    let head = ledger.committed_head()?;
    let mut build = Build::default();
    let pending = Pending::default();
    for event in staged.iter().filter(|e| e.kind != GENESIS_KIND) {
        let ev = domain_event(event)?;
        // A staged event's home is found as when it was staged (ids it defined are indexed).
        let home = pending.home(Some(ledger), &ev)?.unwrap_or(None);
        build.add(event.seq.0, &ev, home.as_ref());
    }
    let mut remove = Vec::new();
    let mut insert = Vec::new();
    for (key, _) in build.ids {
        let id = String::from_utf8_lossy(&key[1..]).into_owned();
        if stored_info(ledger, &id)?.is_some_and(|info| info.seq > head.seq.0) {
            remove.push(key);
        }
    }
    for prefix in build.postings.keys() {
        for item in ledger.derived_scan(prefix) {
            let (key, value) = item?;
            let first = key_first(prefix, &key)?;
            if first > head.seq.0 {
                remove.push(key);
                continue;
            }
            let seqs = decode_postings(first, &value).ok_or_else(unreadable)?;
            let kept = seqs.partition_point(|s| *s <= head.seq.0);
            if kept < seqs.len() {
                insert.push((key, encode_postings(first, &seqs[..kept])));
            }
        }
    }
    let (tree_remove, tree_insert) = crate::tree_store::truncate(ledger, head.seq.0)?;
    remove.extend(tree_remove);
    insert.extend(tree_insert);
    Ok((remove, insert))
}

/// Rebuilds all derived data from the events; returns how many events were read.
pub fn reindex(ledger: &Ledger) -> Result<u64, LedgerError> {
    ledger.clear_derived()?;
    let count = index_from(ledger, Seq(1))?;
    ledger.flush()?;
    Ok(count)
}

/// Opens a ledger with its derived data up to date: derived data behind the head (a crash
/// between an append's two writes, or a ledger from before derived data) is caught up from the
/// events; derived data that is not a prefix of this chain is rebuilt.
pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
    let ledger = Ledger::open(path)?;
    catch_up(&ledger)?;
    Ok(ledger)
}

/// Brings the derived data up to the ledger's head (see [`open`]).
pub fn catch_up(ledger: &Ledger) -> Result<(), LedgerError> {
    // Opened while an import paused for readers: the derived data beyond the head is the
    // import's staged part, not a crash's leftover, and this process only reads.
    if ledger.guest_of().is_some() {
        return Ok(());
    }
    let head = ledger.head()?;
    match ledger.derived_head()? {
        Some(at) if at == (head.seq, head.hash) => {}
        // An import that staged events and their derived data but never committed (a crash, or
        // a refusal that could not clean up): take back what its events added.
        Some((seq, hash)) if seq > head.seq => {
            let staged = ledger.uncommitted()?;
            let upto = staged.iter().position(|e| e.seq == seq);
            match upto {
                Some(at) if staged[at].hash == hash => roll_back(ledger, &staged[..=at])?,
                _ => {
                    reindex(ledger)?;
                }
            }
            ledger.flush()?;
        }
        Some((seq, hash)) if seq < head.seq && stored_hash(ledger, seq)? == Some(hash) => {
            index_from(ledger, Seq(seq.0 + 1))?;
            ledger.flush()?;
        }
        _ => {
            reindex(ledger)?;
        }
    }
    Ok(())
}

fn stored_hash(ledger: &Ledger, seq: Seq) -> Result<Option<Hash>, LedgerError> {
    Ok(ledger.events_at([seq]).next().transpose()?.map(|e| e.hash))
}

/// Rebuilds the derived data in passing and compares it with what is stored: every entry the
/// events give is stored with the same value, and nothing else is stored. Returns the number
/// of entries, or the first difference.
pub fn verify_derived(ledger: &Ledger) -> Result<u64, String> {
    let head = ledger.head().map_err(|e| e.to_string())?;
    // Opened while an import paused: the stored data also holds the entries of its staged
    // events; what it holds for the committed events is what is left after taking those back.
    let mut staged: Option<Plan> = None;
    match ledger.derived_head().map_err(|e| e.to_string())? {
        Some(at) if at == (head.seq, head.hash) => {}
        Some((seq, _)) if ledger.guest_of().is_some() && seq > head.seq => {
            let events = ledger.uncommitted().map_err(|e| e.to_string())?;
            staged = Some(roll_back_plan(ledger, &events).map_err(|e| e.to_string())?);
        }
        Some((seq, _)) => {
            return Err(format!(
                "the derived data reflects position {seq}, the ledger's head is {}",
                head.seq
            ));
        }
        None => return Err("no derived data is stored; run `malbok reindex`".into()),
    }
    // Rebuilt from nothing, the derived data must be the stored bytes exactly (the posting
    // blocks fill the same way however the events were appended).
    let mut pending = Pending::default();
    let mut build = Build::default();
    for event in ledger.events_from(Seq(1)) {
        let event = event.map_err(|e| e.to_string())?;
        if event.kind == GENESIS_KIND {
            continue;
        }
        let ev = domain_event(&event).map_err(|e| e.to_string())?;
        let home = pending
            .home(None, &ev)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("position {}: refers to an unknown id", event.seq))?;
        pending.define(event.seq.0, &ev, home.as_ref());
        build.add(event.seq.0, &ev, home.as_ref());
    }
    let mut expected = build.into_entries(None).map_err(|e| e.to_string())?;
    expected.extend(crate::tree_store::rebuilt(ledger).map_err(|e| e.to_string())?);
    expected.sort();
    let (remove, rewrite) = staged.unwrap_or_default();
    let remove: std::collections::BTreeSet<Vec<u8>> = remove.into_iter().collect();
    let rewrite: BTreeMap<Vec<u8>, Vec<u8>> = rewrite.into_iter().collect();
    let mut stored = ledger
        .derived_scan(b"")
        .filter(|item| !matches!(item, Ok((k, _)) if k == DERIVED_HEAD || remove.contains(k)))
        .map(|item| {
            item.map(|(k, v)| match rewrite.get(&k) {
                Some(kept) => (k, kept.clone()),
                None => (k, v),
            })
        });
    for (key, value) in &expected {
        match stored.next().transpose().map_err(|e| e.to_string())? {
            Some((k, v)) if &k == key && &v == value => {}
            Some((k, _)) if &k == key => {
                return Err(format!(
                    "the stored entry {} differs from the one the events give",
                    shown(key)
                ));
            }
            Some((k, _)) if k < *key => {
                return Err(format!(
                    "the stored entry {} is not one the events give",
                    shown(&k)
                ));
            }
            _ => return Err(format!("the entry {} is missing", shown(key))),
        }
    }
    if let Some(extra) = stored.next().transpose().map_err(|e| e.to_string())? {
        return Err(format!(
            "the stored entry {} is not one the events give",
            shown(&extra.0)
        ));
    }
    Ok(expected.len() as u64)
}

/// A derived key for messages: its text, with the binary position tail in hex.
fn shown(key: &[u8]) -> String {
    match key.iter().position(|&b| b == 0) {
        Some(at) => format!(
            "{}/{}",
            String::from_utf8_lossy(&key[..at]),
            hex::encode(&key[at + 1..])
        ),
        None => String::from_utf8_lossy(key).into_owned(),
    }
}

/// The positions stored under `tag ‖ name ‖ 0x00`, ascending, up to the ledger's head (a
/// reader let in while an import paused does not see the import's staged positions).
fn positions(ledger: &Ledger, tag: u8, name: &str) -> Result<Vec<Seq>, LedgerError> {
    let prefix = seq_prefix(tag, name);
    let head = ledger.head()?.seq.0;
    let mut seqs = Vec::new();
    for item in ledger.derived_scan(&prefix) {
        let (key, value) = item?;
        let first = key_first(&prefix, &key)?;
        if first > head {
            break;
        }
        let block = decode_postings(first, &value).ok_or_else(unreadable)?;
        seqs.extend(block.into_iter().take_while(|s| *s <= head).map(Seq));
    }
    Ok(seqs)
}

/// The positions of the events that touch `id`, ascending.
pub fn subject_positions(ledger: &Ledger, id: &str) -> Result<Vec<Seq>, LedgerError> {
    positions(ledger, SUBJECTS, id)
}

/// The positions of the events of organisation `home` and the shared ones, ascending.
pub fn org_positions(ledger: &Ledger, home: Option<&Id>) -> Result<Vec<Seq>, LedgerError> {
    let mut seqs = positions(ledger, ORGS, "")?;
    if let Some(org) = home {
        seqs.extend(positions(ledger, ORGS, org.as_str())?);
        seqs.sort_unstable();
    }
    Ok(seqs)
}

/// The head of the prefix `known` sees: its last position and hash (the genesis event when
/// the prefix is empty of anything else).
pub fn prefix_head(ledger: &Ledger, known: KnownAt) -> Result<(Seq, Hash), LedgerError> {
    let head = ledger.head()?;
    let last = match known {
        KnownAt::Now => return Ok((head.seq, head.hash)),
        KnownAt::Seq(seq) => seq.min(head.seq).max(Seq(1)),
        KnownAt::Time(time) => {
            // Ledger time never decreases along the chain: find the last position at or
            // before `time` by bisection.
            let (mut lo, mut hi) = (1u64, head.seq.0);
            let time_at = |seq: u64| -> Result<LedgerTime, LedgerError> {
                let event = ledger.events_at([Seq(seq)]).next().transpose()?;
                Ok(event.map_or(time, |e| e.time))
            };
            if time_at(1)? > time {
                return Ok((Seq(0), Hash::ZERO));
            }
            while lo < hi {
                let mid = lo + (hi - lo).div_ceil(2);
                if time_at(mid)? <= time {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            Seq(lo)
        }
    };
    let hash = stored_hash(ledger, last)?.unwrap_or(Hash::ZERO);
    Ok((last, hash))
}

/// The projection of organisation `home` (with the shared definitions) as known at `known`:
/// the fold of only those events. `lean` leaves out the journal (`history` and `diff` need it).
/// Returns the head of the prefix of the whole ledger that `known` sees.
pub fn org_state(
    ledger: &Ledger,
    home: Option<&Id>,
    known: KnownAt,
    lean: bool,
) -> Result<(State, (Seq, Hash)), LedgerError> {
    let head = prefix_head(ledger, known)?;
    let mut state = if lean {
        State::lean()
    } else {
        State::default()
    };
    state.scope = home.cloned();
    let seqs = org_positions(ledger, home)?;
    let upto = seqs.partition_point(|s| *s <= head.0);
    for event in ledger.events_at(seqs[..upto].iter().copied()) {
        let event = event?;
        let ev = domain_event(&event)?;
        state.apply(&meta(&event), &ev);
    }
    Ok((state, head))
}

/// The projection of the whole ledger as known at `known`: every organisation. For the few
/// questions that span organisations (a status without `--org`).
pub fn full_state(
    ledger: &Ledger,
    known: KnownAt,
    lean: bool,
) -> Result<(State, (Seq, Hash)), LedgerError> {
    let mut state = if lean {
        State::lean()
    } else {
        State::default()
    };
    let mut head = (Seq(0), Hash::ZERO);
    for event in ledger.events_from(Seq(1)) {
        let event = event?;
        if !known.includes(&event) {
            break;
        }
        head = (event.seq, event.hash);
        if event.kind == GENESIS_KIND {
            continue;
        }
        let ev = domain_event(&event)?;
        state.apply(&meta(&event), &ev);
    }
    Ok((state, head))
}

/// The organisation an id belongs to, refusing an unknown id with the flag it came from.
pub fn home_of(ledger: &Ledger, id: &str, flag: &str) -> Result<Option<Id>, Error> {
    match id_info(ledger, id)? {
        Some(info) if info.space == "organisation" => Ok(Some(
            Id::parse(id).map_err(|r| InputError::new(flag, None, None, r))?,
        )),
        Some(info) => Ok(info.home),
        None => Err(InputError::new(
            flag,
            None,
            None,
            format!("`{id}` names nothing in this ledger; `malbok log` lists what is there"),
        )
        .into()),
    }
}

/// Checks events one after the other against the projection of each event's organisation, as
/// if each earlier one were already applied: the projections are loaded from the ledger (if
/// there is one) the first time an organisation is met, then advanced in memory.
#[derive(Default)]
pub struct Checker {
    states: BTreeMap<Option<Id>, State>,
    pending: Pending,
}

/// How many organisations' projections a checker keeps between parts of a streamed import.
/// A projection dropped is folded again from the ledger when the organisation comes back, which
/// costs its whole history: imports ordered as a national ledger fills (every organisation's
/// readings of one year, then the next year's) come back to every organisation in every part,
/// so the projections are kept, at about 1 KiB of memory per event of the organisations one
/// import touches. Stored projection checkpoints (issue: scale) would bound this.
const KEEP_STATES: usize = 4096;

impl Checker {
    /// A checker with nothing loaded yet.
    pub fn new() -> Checker {
        Checker::default()
    }

    /// After the events checked so far were staged (their ids are indexed): forgets the pending
    /// ids and, when it holds many, the projections, which reload from the ledger when needed.
    fn staged(&mut self) {
        self.pending = Pending::default();
        if self.states.len() > KEEP_STATES {
            self.states.clear();
        }
    }

    /// Checks `ev` at `meta` and applies it; returns the organisation it belongs to, or the
    /// refusal. After a refusal the checker must be dropped.
    pub fn check(
        &mut self,
        ledger: Option<&Ledger>,
        meta: &Meta,
        ev: &DomainEvent,
    ) -> Result<Result<Option<Id>, crate::domain::FieldError>, LedgerError> {
        // An event whose home cannot be found refers to an unknown id: the check against the
        // shared definitions alone refuses it with the usual message.
        let home = self.pending.home(ledger, ev)?.unwrap_or(None);
        if !self.states.contains_key(&home) {
            let mut state = match ledger {
                Some(ledger) => org_state(ledger, home.as_ref(), KnownAt::Now, true)?.0,
                None => State::lean(),
            };
            state.scope = home.clone();
            // Shared definitions met earlier are part of every projection.
            if let Some(shared) = self.states.get(&None) {
                for (id, scale) in &shared.scales {
                    state
                        .scales
                        .entry(id.clone())
                        .or_insert_with(|| scale.clone());
                }
            }
            self.states.insert(home.clone(), state);
        }
        let mut foreign = BTreeMap::new();
        let ids = defines(ev)
            .map(|(id, _)| id)
            .into_iter()
            .chain(references(ev));
        for id in ids {
            if let Some(info) = self.pending.lookup(ledger, id)?
                && info.home.is_some()
                && info.home != home
            {
                let foreign_id = Foreign {
                    space: info.space,
                    seq: info.seq,
                    home: info.home,
                };
                foreign.insert(id.clone(), foreign_id);
            }
        }
        let corrected_kind = match (ev, ledger) {
            (DomainEvent::ReadingCorrected(p), Some(ledger))
                if p.corrects <= ledger.head()?.seq.0 =>
            {
                ledger
                    .events_at([Seq(p.corrects)])
                    .next()
                    .transpose()?
                    .map(|e| (p.corrects, kind_name(&e.kind)))
            }
            _ => None,
        };
        let state = self.states.get_mut(&home).expect("inserted above");
        if let Some((seq, kind)) = corrected_kind {
            state.kinds.entry(seq).or_insert(kind);
        }
        state.foreign = foreign;
        let checked = state.check(Some(meta), ev);
        state.foreign.clear();
        if let Err(e) = checked {
            return Ok(Err(e));
        }
        if home.is_none() {
            for other in self.states.values_mut() {
                other.apply(meta, ev);
            }
        } else {
            state.apply(meta, ev);
        }
        self.pending.define(meta.seq, ev, home.as_ref());
        Ok(Ok(home))
    }
}

/// Checks a verified chain (an export being restored) against the domain from its genesis on,
/// as an import would have checked each event, and returns its derived entries. A refusal names
/// the export's line (line N holds position N) and the field.
pub fn check_chain(source: &str, events: &[Event]) -> Result<Vec<DerivedEntry>, Error> {
    let mut checker = Checker::new();
    let mut build = Build::default();
    let mut tree = crate::tree_store::TreeBuild::new(0);
    events.iter().for_each(|e| tree.add(&e.bytes));
    for sealed in events.iter().filter(|e| e.kind != GENESIS_KIND) {
        let line = sealed.seq.0 as usize;
        let refuse = |e: crate::domain::FieldError| {
            InputError::new(
                source,
                Some(line),
                Some(&e.field),
                format!(
                    "the chain is intact but the domain refuses this event: {}",
                    e.reason
                ),
            )
        };
        let payload = serde_json::Value::Object(sealed.payload.clone());
        let ev = DomainEvent::parse(&sealed.kind, &payload).map_err(refuse)?;
        let meta = Meta {
            seq: sealed.seq.0,
            time: sealed.time.to_string(),
            actor: sealed.actor.clone(),
        };
        let home = checker.check(None, &meta, &ev)?.map_err(refuse)?;
        build.add(sealed.seq.0, &ev, home.as_ref());
    }
    let mut entries = build.into_entries(None)?;
    entries.extend(tree.take(None)?);
    Ok(entries)
}

/// How many lines a streamed import checks and stages at a time.
pub const IMPORT_PART: usize = 50_000;

/// What an import appended: how many events, the first position, the new head and the run.
#[derive(Debug, Clone)]
pub struct Imported {
    pub count: u64,
    pub first: Seq,
    pub head: crate::ledger::Head,
    pub run: Seq,
}

/// Imports events as they stream in, all or nothing, in bounded memory: each part of `part`
/// lines is checked against the projections (as if every earlier line were applied), then
/// staged with its derived data; only after the last line is the whole import committed, in one
/// step. A refused line (or any error) rolls back what was staged, and a crash leaves the
/// staged events uncommitted, to be ignored and cleaned up when the ledger is next opened.
pub fn import_stream(
    ledger: &mut Ledger,
    actor: &str,
    now: LedgerTime,
    source: &str,
    lines: impl Iterator<Item = Result<Line, InputError>>,
    part: usize,
) -> Result<Imported, Error> {
    ledger.writable()?;
    catch_up(ledger)?;
    let committed = ledger.head()?;
    match stage_all(ledger, actor, now, source, lines, part.max(1)) {
        Ok(count) if count > 0 => {
            ledger.commit()?;
            // The next command then opens without replaying what this import wrote.
            ledger.settle()?;
            Ok(Imported {
                count,
                first: Seq(committed.seq.0 + 1),
                head: ledger.head()?,
                run: Seq(committed.seq.0 + 1),
            })
        }
        Ok(_) => Err(crate::import::jsonl::empty(source).into()),
        // Unless sled could not be opened again after readers were let in: then the next
        // open takes back what was staged, as after a crash.
        // Nor on a full disk: sled waits forever for the space a roll-back would write.
        Err(e) if ledger.is_open() && !ledger.out_of_space() => {
            let staged = ledger.uncommitted()?;
            roll_back(ledger, &staged)?;
            ledger.abort()?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// The staging half of [`import_stream`]: returns how many events were staged.
fn stage_all(
    ledger: &mut Ledger,
    actor: &str,
    now: LedgerTime,
    source: &str,
    mut lines: impl Iterator<Item = Result<Line, InputError>>,
    part: usize,
) -> Result<u64, Error> {
    let committed = ledger.head()?;
    // The time the ledger will record: the clock, or the head's time if the clock is behind.
    let time = now.max(committed.time).to_string();
    let mut checker = Checker::new();
    let mut count = 0u64;
    loop {
        let base = ledger.head()?.seq.0;
        let mut events = Vec::with_capacity(part);
        let mut build = Build::default();
        for line in lines.by_ref().take(part) {
            let mut line = line?;
            let number = line.line;
            let refuse = |e: crate::domain::FieldError| {
                InputError::new(source, Some(number), Some(&e.field), e.reason)
            };
            // The payload is lent to the domain's parser and taken back: no copy per event.
            let payload = serde_json::Value::Object(std::mem::take(&mut line.event.payload));
            let parsed = DomainEvent::parse(&line.event.kind, &payload);
            if let serde_json::Value::Object(map) = payload {
                line.event.payload = map;
            }
            let ev = parsed.map_err(refuse)?;
            let seq = base + 1 + events.len() as u64;
            let meta = Meta {
                seq,
                time: time.clone(),
                actor: actor.to_string(),
            };
            let home = checker.check(Some(ledger), &meta, &ev)?.map_err(refuse)?;
            build.add(seq, &ev, home.as_ref());
            events.push(line.event);
        }
        if events.is_empty() {
            return Ok(count);
        }
        let mut derived = build.into_entries(Some(ledger))?;
        derived.extend(crate::tree_store::staged_entries(
            ledger, &events, actor, now,
        )?);
        ledger.stage(&events, actor, now, Some(derived))?;
        count += events.len() as u64;
        checker.staged();
        ledger.let_readers_in()?;
    }
}

/// Checks `lines` (read from `source`) against the projection of each event's organisation, as
/// if each earlier line were already applied, and appends them all or none, with their derived
/// data.
pub fn append_checked(
    ledger: &mut Ledger,
    actor: &str,
    now: LedgerTime,
    source: &str,
    lines: Vec<Line>,
) -> Result<Vec<Sealed>, Error> {
    ledger.writable()?;
    catch_up(ledger)?;
    let head = ledger.head()?;
    // The time the ledger will record: the clock, or the head's time if the clock is behind.
    let time = now.max(head.time).to_string();
    let mut checker = Checker::new();
    let mut parsed = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let refuse = |e: crate::domain::FieldError| {
            InputError::new(source, Some(line.line), Some(&e.field), e.reason)
        };
        let payload = serde_json::Value::Object(line.event.payload.clone());
        let ev = DomainEvent::parse(&line.event.kind, &payload).map_err(refuse)?;
        let meta = Meta {
            seq: head.seq.0 + 1 + i as u64,
            time: time.clone(),
            actor: actor.to_string(),
        };
        let home = checker.check(Some(ledger), &meta, &ev)?.map_err(refuse)?;
        parsed.push((ev, home));
    }
    drop(checker);
    // The positions the events will get are known: head + 1, + 2, ... (the ledger is held
    // exclusively), so their derived entries are computed before they are appended.
    let mut build = Build::default();
    for (i, (ev, home)) in parsed.iter().enumerate() {
        build.add(head.seq.0 + 1 + i as u64, ev, home.as_ref());
    }
    let mut derived = build.into_entries(Some(ledger))?;
    let events: Vec<_> = lines.into_iter().map(|l| l.event).collect();
    derived.extend(crate::tree_store::staged_entries(
        ledger, &events, actor, now,
    )?);
    Ok(ledger.append_derived(&events, actor, now, derived)?)
}

/// A stored kind as a static name, for the check's messages.
fn kind_name(kind: &str) -> &'static str {
    crate::domain::KINDS
        .iter()
        .find(|k| **k == kind)
        .copied()
        .unwrap_or("other")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_round_trip() {
        let seqs = [5u64, 6, 200, 201, 100_000, 1 << 40];
        let value = encode_postings(5, &seqs);
        assert_eq!(decode_postings(5, &value), Some(seqs.to_vec()));
        // A cut varint is not a list.
        assert_eq!(decode_postings(5, &[0x80]), None);
        assert_eq!(decode_postings(5, &[0xff; 11]), None);
    }
}
