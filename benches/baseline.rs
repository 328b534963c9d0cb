//! The baselines malbok is measured against, on the same bytes in the same run: raw sled
//! inserting the events of an export packed 256 per value (as the peers' `sled-baseline/
//! src/bin/block.rs` does, with malbok's own layout `hash ‖ u32 length ‖ bytes`), then flushing;
//! and raw BLAKE3 chaining of the same bytes (`BLAKE3("malbok-event-v1\0" ‖ prev ‖ bytes)`,
//! events/ENCODING.md), checked against the export's hashes. No malbok code is involved.
//!
//! Run: cargo bench --bench baseline -- EXPORT.jsonl WORK_DIR
//! Prints one `name events=N seconds=S events_per_s=R` line per baseline (benches/harness.py
//! parses them). Both read the export in chunks of about 64 MiB, so memory stays bounded
//! whatever its size, and time only the work on a chunk in memory, not reading the file.

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

/// Events read from the export, held in memory while they are timed: `bytes` holds their
/// canonical bytes one after another, `events` each one's span and hash.
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    events: Vec<(usize, usize, [u8; 32])>,
}

/// Reading and parsing the export is not what the baselines measure, so `each` gets the events
/// in chunks of about 64 MiB, read before its clock starts. Returns the number of events.
fn chunks(path: &str, mut each: impl FnMut(&Chunk) -> Result<(), String>) -> Result<usize, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{path}: {e}"))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::with_capacity(4096);
    let mut chunk = Chunk::default();
    let mut n = 0;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("{path}: {e}"))?;
        if read > 0 {
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            let (bytes, hash) =
                split(&line).ok_or_else(|| format!("{path}:{}: not an export line", n + 1))?;
            chunk.events.push((chunk.bytes.len(), bytes.len(), hash));
            chunk.bytes.extend_from_slice(bytes);
            n += 1;
        }
        if read == 0 || chunk.bytes.len() >= 64 << 20 {
            each(&chunk)?;
            chunk.bytes.clear();
            chunk.events.clear();
        }
        if read == 0 {
            return Ok(n);
        }
    }
}

fn sled_insert(path: &str, dir: &str) -> Result<(usize, f64), String> {
    let _ = std::fs::remove_dir_all(dir);
    let mut timed = 0.0;
    let started = Instant::now();
    // sled's default configuration, as malbok opens its ledger.
    let db = sled::Config::new()
        .path(dir)
        .open()
        .map_err(|e| e.to_string())?;
    let tree = db.open_tree("events").map_err(|e| e.to_string())?;
    timed += started.elapsed().as_secs_f64();
    let mut block = Vec::with_capacity(PER_VALUE * 512);
    let mut count = 0;
    let mut first = 1u64;
    let n = chunks(path, |chunk| {
        let started = Instant::now();
        for &(start, len, hash) in &chunk.events {
            block.extend_from_slice(&hash);
            block.extend_from_slice(&(len as u32).to_be_bytes());
            block.extend_from_slice(&chunk.bytes[start..start + len]);
            count += 1;
            if count == PER_VALUE {
                tree.insert(first.to_be_bytes(), std::mem::take(&mut block))
                    .map_err(|e| e.to_string())?;
                first += count as u64;
                count = 0;
            }
        }
        timed += started.elapsed().as_secs_f64();
        Ok(())
    })?;
    let started = Instant::now();
    if !block.is_empty() {
        tree.insert(first.to_be_bytes(), block)
            .map_err(|e| e.to_string())?;
    }
    db.flush().map_err(|e| e.to_string())?;
    timed += started.elapsed().as_secs_f64();
    drop(tree);
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
    Ok((n, timed))
}

fn blake3_chain(path: &str) -> Result<(usize, f64), String> {
    let mut timed = 0.0;
    let mut prev = [0u8; 32];
    let mut seen = 0;
    let n = chunks(path, |chunk| {
        let started = Instant::now();
        for &(start, len, hash) in &chunk.events {
            let mut h = blake3::Hasher::new();
            h.update(TAG);
            h.update(&prev);
            h.update(&chunk.bytes[start..start + len]);
            prev = *h.finalize().as_bytes();
            seen += 1;
            if prev != hash {
                // The chain is the export's own: a wrong hash means the bytes were split wrongly.
                return Err(format!(
                    "{path}:{seen}: the chained hash differs from the export's"
                ));
            }
        }
        timed += started.elapsed().as_secs_f64();
        Ok(())
    })?;
    Ok((n, timed))
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
    report("blake3_chain", blake3_chain(export));
    report("sled_insert", sled_insert(export, dir));
}
