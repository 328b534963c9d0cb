//! The baselines malbok is measured against, on the same bytes in the same run: raw sled
//! inserting the events of an export packed 256 per value (as the peers' `sled-baseline/
//! src/bin/block.rs` does, with malbok's own layout `hash ‖ u32 length ‖ bytes`), then flushing;
//! and raw BLAKE3 chaining of the same bytes (`BLAKE3("malbok-event-v1\0" ‖ prev ‖ bytes)`,
//! events/ENCODING.md), checked against the export's hashes. No malbok code is involved.
//!
//! Run: cargo bench --bench baseline -- EXPORT.jsonl WORK_DIR
//! Prints one `name events=N seconds=S events_per_s=R` line per baseline (benches/harness.py
//! parses them). Both read the export as a stream, so memory stays small whatever its size.

use std::io::BufRead;
use std::time::Instant;

const PER_VALUE: usize = 256;
const TAG: &[u8; 16] = b"malbok-event-v1\0";

/// The canonical bytes and hash of one export line `{"event":BYTES,"hash":"HEX"}`.
fn split(line: &[u8]) -> Option<(&[u8], [u8; 32])> {
    let bytes = line.strip_prefix(b"{\"event\":")?;
    let (bytes, tail) = bytes.split_at(bytes.len().checked_sub(75)?);
    let hex = tail.strip_prefix(b",\"hash\":\"")?.strip_suffix(b"\"}")?;
    let mut hash = [0u8; 32];
    hex::decode_to_slice(hex, &mut hash).ok()?;
    Some((bytes, hash))
}

fn lines(path: &str, mut each: impl FnMut(usize, &[u8], [u8; 32])) -> Result<usize, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::with_capacity(4096);
    let mut n = 0;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("{path}: {e}"))?;
        if read == 0 {
            return Ok(n);
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        let (bytes, hash) =
            split(&line).ok_or_else(|| format!("{path}:{}: not an export line", n + 1))?;
        n += 1;
        each(n, bytes, hash);
    }
}

fn sled_insert(path: &str, dir: &str) -> Result<(usize, f64), String> {
    let _ = std::fs::remove_dir_all(dir);
    let started = Instant::now();
    // sled's default configuration, as malbok opens its ledger.
    let db = sled::Config::new()
        .path(dir)
        .open()
        .map_err(|e| e.to_string())?;
    let tree = db.open_tree("events").map_err(|e| e.to_string())?;
    let mut block = Vec::with_capacity(PER_VALUE * 512);
    let mut first = 1u64;
    let mut failed = None;
    let n = lines(path, |n, bytes, hash| {
        block.extend_from_slice(&hash);
        block.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        block.extend_from_slice(bytes);
        if n % PER_VALUE == 0 {
            if let Err(e) = tree.insert(first.to_be_bytes(), std::mem::take(&mut block)) {
                failed = Some(e.to_string());
            }
            first = n as u64 + 1;
        }
    })?;
    if !block.is_empty() {
        tree.insert(first.to_be_bytes(), block)
            .map_err(|e| e.to_string())?;
    }
    if let Some(e) = failed {
        return Err(e);
    }
    db.flush().map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    drop(tree);
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
    Ok((n, seconds))
}

fn blake3_chain(path: &str) -> Result<(usize, f64), String> {
    let started = Instant::now();
    let mut prev = [0u8; 32];
    let mut wrong = None;
    let n = lines(path, |n, bytes, hash| {
        let mut h = blake3::Hasher::new();
        h.update(TAG);
        h.update(&prev);
        h.update(bytes);
        prev = *h.finalize().as_bytes();
        if prev != hash && wrong.is_none() {
            wrong = Some(n);
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    match wrong {
        // The chain is the export's own: a wrong hash means the bytes were not split right.
        Some(n) => Err(format!(
            "{path}:{n}: the chained hash differs from the export's"
        )),
        None => Ok((n, seconds)),
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [export, dir] = args.as_slice() else {
        eprintln!("usage: cargo bench --bench baseline -- EXPORT.jsonl WORK_DIR");
        std::process::exit(2);
    };
    let report = |name: &str, result: Result<(usize, f64), String>| match result {
        Ok((n, s)) => println!(
            "{name} events={n} seconds={s:.3} events_per_s={:.0}",
            n as f64 / s
        ),
        Err(e) => {
            eprintln!("baseline {name}: {e}");
            std::process::exit(1);
        }
    };
    // The chain first: it also warms the page cache for the sled run.
    report("blake3_chain", blake3_chain(export));
    report("sled_insert", sled_insert(export, dir));
}
