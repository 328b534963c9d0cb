//! Mutation fuzzing of every parser, in process, on stable Rust.
//!
//! Each target starts from a corpus: the committed inputs under `tests/fuzz/<target>/` (hand-made
//! edges and every input a run ever found) plus seeds cut from `fixtures/`, `fixtures/bad/`,
//! `fixtures/kolada/` and `events/vectors/`. A seeded mutator (bit flips, byte and token
//! insertions, deletions, duplications, splices of two inputs, truncations) makes each new input
//! from a corpus entry; the parser must return (accept or refuse) without a panic, within a time
//! bound, and without allocating more than a bound proportional to the input.
//!
//! `cargo test --test it fuzz::` runs 20,000 executions per target (seconds). The long run:
//! `MALBOK_FUZZ_EXECS=1000000 nice -n 19 cargo test --test it fuzz:: -- --nocapture`.
//! `MALBOK_FUZZ_SEED` replays a run (each target prints its seed and count). An input that
//! panics is written to `target/fuzz-found/<target>/` and its bytes printed; add it to
//! `tests/fuzz/<target>/` with the fix.

use crate::common;

use malbok::domain::{self, Direction, State};
use malbok::import::{self, jsonl};
use malbok::ledger::{self, envelope, export, merkle, note};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Allocation accounting: each thread counts the bytes it holds and the peak since the last reset,
// so one execution's peak can be compared with the size of its input.

struct Counting;

thread_local! {
    static HELD: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn held_add(n: usize) {
    let _ = HELD.try_with(|h| {
        let now = h.get().wrapping_add(n);
        h.set(now);
        let _ = PEAK.try_with(|p| {
            if now > p.get() {
                p.set(now);
            }
        });
    });
}

fn held_sub(n: usize) {
    let _ = HELD.try_with(|h| h.set(h.get().wrapping_sub(n)));
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are touched.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        held_add(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        held_sub(layout.size());
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        held_add(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        held_sub(layout.size());
        held_add(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The bytes this thread allocated at its peak during `f`, above what it held before.
fn peak_of(f: impl FnOnce()) -> usize {
    let base = HELD.with(Cell::get);
    PEAK.with(|p| p.set(base));
    f();
    PEAK.with(Cell::get).saturating_sub(base)
}

// ---------------------------------------------------------------------------------------------
// The mutator.

/// xorshift64*, replayable from a printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens the parsers give meaning to; inserting whole tokens gets past syntax checks that
/// random bytes rarely pass.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ",",
    ":",
    "\\",
    "\\u0000",
    "\\ud800",
    "\\\"",
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1e999",
    "9007199254740993",
    "9007199254740991",
    "-9007199254740993",
    "18446744073709551616",
    "0.1",
    "1.5",
    "87,5",
    "-3,5",
    "1 000",
    "\u{a0}",
    "NaN",
    "\n",
    "\r\n",
    "\n\n",
    "\t",
    " ",
    "§",
    " § ",
    "≥",
    "≤",
    ">=",
    "<=",
    "minst ",
    "högst ",
    "%",
    " %",
    "under ",
    "över ",
    "Uppnått",
    ": ",
    "KF 2020-10-19 § 147",
    "2021-02-29",
    "2020-02-29",
    "9999-12-31",
    "0000-01-01",
    "-2021-01-01",
    "+2021-01-01",
    "T10:00:00Z",
    "T24:00:00Z",
    ".000000Z",
    "+01:00",
    "\u{feff}",
    "\u{200b}",
    "\u{1b}[2J",
    "é",
    "ö",
    "å",
    "😀",
    "\u{10ffff}",
    ";",
    "\"\"",
    "=HYPERLINK(",
    "\"kind\"",
    "\"payload\"",
    "\"id\"",
    "\"values\"",
    "\"value\"",
    "\"period\"",
    "\"kpi\"",
    "\"municipality\"",
    "\"gender\"",
    "\"count\"",
    "\"event\"",
    "\"hash\"",
    "\"seq\"",
    "\"kind_v\"",
    "\"prev\"",
    "— ",
    "index ",
    "extra ",
    "c2sp.org/tlog-proof@v1\n",
    "AAAA",
    "====",
    "+",
    "/",
    "ekero",
    "ekero.sn.i01",
    "reading.recorded",
    "target.set",
    "ledger.genesis",
    "N31805",
    "0125",
    "T",
    "K",
    "M",
];

fn mutate(rng: &mut Rng, corpus: &[Vec<u8>], max_len: usize) -> Vec<u8> {
    let mut data = corpus[rng.below(corpus.len())].clone();
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = data.len();
        match rng.below(10) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                data.insert(i, rng.next() as u8);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(16));
                data.drain(i..i + n);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                let piece = data[i..i + n].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, piece);
            }
            4 | 5 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                let i = rng.below(len + 1);
                if rng.below(2) == 0 && i < len {
                    // Replace a run of the same length as often as insert: keeps shapes intact.
                    let end = (i + token.len()).min(len);
                    data.splice(i..end, token.iter().copied());
                } else {
                    data.splice(i..i, token.iter().copied());
                }
            }
            6 => {
                // Splice: the head of this input and the tail of another.
                let other = &corpus[rng.below(corpus.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            7 if len > 0 => {
                data.truncate(rng.below(len));
            }
            8 if len > 0 => {
                // An interesting byte: a quote, a digit, a bound.
                let i = rng.below(len);
                const BYTES: &[u8] = b"\"0 9-.,:;{}[]\n\x00\xff\x7f";
                data[i] = BYTES[rng.below(BYTES.len())];
            }
            _ if len > 0 => {
                // Repeat a small piece many times: deep nesting, long numbers, long lines.
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(4));
                let piece = data[i..i + n].to_vec();
                let times = 1 + rng.below(200);
                let at = rng.below(len + 1);
                let repeated: Vec<u8> = piece.iter().copied().cycle().take(n * times).collect();
                data.splice(at..at, repeated);
            }
            _ => data.push(rng.next() as u8),
        }
    }
    data.truncate(max_len);
    data
}

// ---------------------------------------------------------------------------------------------
// The loop.

fn execs() -> u64 {
    std::env::var("MALBOK_FUZZ_EXECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

/// The printed base seed (`MALBOK_FUZZ_SEED`) and this target's stream of it.
fn seed_for(target: &str) -> (u64, u64) {
    let base = std::env::var("MALBOK_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    // Each target gets its own stream of the one printed seed.
    let salt = blake3::hash(target.as_bytes()).as_bytes()[..8]
        .iter()
        .fold(0u64, |a, b| a << 8 | u64::from(*b));
    (base, (base ^ salt) | 1)
}

/// The committed corpus of `target`, plus `seeds`.
fn corpus(target: &str, seeds: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut all = seeds;
    let dir = common::root().join("tests/fuzz").join(target);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            all.push(std::fs::read(&p).expect("read a corpus file"));
        }
    }
    assert!(!all.is_empty(), "{target}: an empty corpus");
    all
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(common::root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every file under `dir` whose name ends with `ext`.
fn files(dir: &str, ext: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = std::fs::read_dir(common::root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect()
}

/// The lines of `path`, in chunks of `n` lines each.
fn chunks(path: &str, n: usize) -> Vec<Vec<u8>> {
    let text = read(path);
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    lines.chunks(n).map(|c| c.concat()).collect()
}

/// Runs `check` on `execs()` mutated inputs (the corpus itself first). Fails on a panic, on one
/// execution slower than `slow`, or on a peak allocation above `1 MiB + factor × input length`.
fn fuzz(
    target: &str,
    corpus: Vec<Vec<u8>>,
    max_len: usize,
    alloc_factor: usize,
    check: impl Fn(&[u8]),
) {
    let n = execs();
    let (base, seed) = seed_for(target);
    let mut rng = Rng(seed);
    println!("fuzz {target}: {n} executions, MALBOK_FUZZ_SEED={base}");

    // A watchdog: an execution that never returns (a hang) ends the test run with the input.
    let progress = Arc::new(AtomicU64::new(0));
    let current = Arc::new(Mutex::new(Vec::<u8>::new()));
    let done = Arc::new(AtomicU64::new(0));
    {
        let (progress, current, done, target) = (
            progress.clone(),
            current.clone(),
            done.clone(),
            target.to_string(),
        );
        std::thread::spawn(move || {
            let mut last = u64::MAX;
            loop {
                for _ in 0..120 {
                    std::thread::sleep(Duration::from_millis(500));
                    if done.load(Ordering::Relaxed) == 1 {
                        return;
                    }
                }
                let now = progress.load(Ordering::Relaxed);
                if now == last {
                    let input = current.lock().map(|c| c.clone()).unwrap_or_default();
                    save_found(&target, "hang", &input);
                    eprintln!("fuzz {target}: no progress in 60 s on {:?}", lossy(&input));
                    std::process::abort();
                }
                last = now;
            }
        });
    }

    let (mut slowest, mut biggest) = (Duration::ZERO, 0usize);
    for i in 0..n {
        let input = if (i as usize) < corpus.len() {
            corpus[i as usize].clone()
        } else {
            mutate(&mut rng, &corpus, max_len)
        };
        if let Ok(mut c) = current.lock() {
            c.clone_from(&input);
        }
        let started = Instant::now();
        let mut outcome = Ok(());
        let peak = peak_of(|| {
            outcome = std::panic::catch_unwind(AssertUnwindSafe(|| check(&input)));
        });
        let took = started.elapsed();
        progress.store(i, Ordering::Relaxed);
        if outcome.is_err() {
            save_found(target, "panic", &input);
            done.store(1, Ordering::Relaxed);
            panic!(
                "fuzz {target}: execution {i} panicked on {:?} (MALBOK_FUZZ_SEED={base})",
                lossy(&input)
            );
        }
        let bound = (1 << 20) + alloc_factor * input.len();
        if peak > bound {
            save_found(target, "memory", &input);
            done.store(1, Ordering::Relaxed);
            panic!(
                "fuzz {target}: execution {i} allocated {peak} bytes at its peak for {} input bytes (bound {bound}) on {:?}",
                input.len(),
                lossy(&input)
            );
        }
        if took > Duration::from_secs(5) {
            save_found(target, "slow", &input);
            done.store(1, Ordering::Relaxed);
            panic!(
                "fuzz {target}: execution {i} took {took:?} on {:?}",
                lossy(&input)
            );
        }
        slowest = slowest.max(took);
        biggest = biggest.max(peak);
    }
    done.store(1, Ordering::Relaxed);
    println!(
        "fuzz {target}: {n} executions, 0 panics, slowest {slowest:?}, largest peak allocation {biggest} bytes"
    );
}

fn lossy(input: &[u8]) -> String {
    String::from_utf8_lossy(&input[..input.len().min(2_000)]).into_owned()
}

fn save_found(target: &str, why: &str, input: &[u8]) {
    let dir = common::root().join("target/fuzz-found").join(target);
    let _ = std::fs::create_dir_all(&dir);
    let name = format!("{why}-{}", &blake3::hash(input).to_hex()[..16]);
    let _ = std::fs::write(dir.join(&name), input);
    eprintln!("fuzz {target}: input saved to {}", dir.join(name).display());
}

// ---------------------------------------------------------------------------------------------
// States the domain targets check against: a seed municipality replayed.

fn state_of(path: &str) -> State {
    let lines = jsonl::parse(path, &read(path)).expect("a seed fixture parses");
    let mut state = State::default();
    import::check_against_state(
        &mut state,
        path,
        &lines,
        2,
        "2021-09-01T10:00:00.000000Z",
        "fuzz",
    )
    .expect("a seed fixture applies");
    state
}

// ---------------------------------------------------------------------------------------------
// The targets.

/// Import JSONL: syntax, envelope rules and the domain (parse, check and apply every line
/// against the Ekerö state, as `import` does).
#[test]
fn fuzz_import_jsonl() {
    let mut seeds = files("fixtures/bad", ".jsonl");
    seeds.extend(files("fixtures/bad/domain", ".jsonl"));
    seeds.extend(chunks("fixtures/ekero/events.jsonl", 4));
    seeds.extend(chunks("fixtures/gotene/events.jsonl", 4));
    seeds.extend(chunks("fixtures/hostile/events.jsonl", 2));
    seeds.extend(
        files("events/examples", ".json")
            .into_iter()
            .map(|example| {
                // The examples are {"kind","payload",...}-shaped documents; one line each.
                let v: serde_json::Value = serde_json::from_slice(&example).expect("example json");
                let line = serde_json::json!({"kind": v["kind"], "payload": v["payload"]});
                let mut line = serde_json::to_vec(&line).expect("json");
                line.push(b'\n');
                line
            }),
    );
    let base = state_of("fixtures/ekero/events.jsonl");
    fuzz("jsonl", corpus("jsonl", seeds), 64 << 10, 64, |bytes| {
        let Ok(lines) = jsonl::parse("fuzz.jsonl", bytes) else {
            return;
        };
        let mut state = base.clone();
        let _ = import::check_against_state(
            &mut state,
            "fuzz.jsonl",
            &lines,
            1_000,
            "2021-09-01T10:00:00.000000Z",
            "fuzz",
        );
    });
}

/// CSV readings against the Ekerö state (its indicators resolve).
#[test]
fn fuzz_csv_readings() {
    let seeds = vec![
        b"indicator;from;to;value\nekero.sn.i01;2021-01-01;2021-08-31;87,5\n".to_vec(),
        b"indicator;from;to;value;count;note\r\nekero.sn.i01;2020-01-01;2020-12-31;-3,5;12;\"a; b\"\r\n".to_vec(),
        b"\xef\xbb\xbfindicator;from;to;value\nekero.sn.i01;2021-01-01;2021-08-31;1 000,25\n".to_vec(),
        b"indicator;from;to;value\n\"ekero.sn.i01\";2021-01-01;2021-08-31;\"87,5\"\nekero.sn.i01;2021-01-01;2021-08-31;x\n".to_vec(),
        b"indicator;from;to\n".to_vec(),
        b"indicator;from;to;value\nekero.sn.i01;2021-01-01;2021-08-31;87\xe5\n".to_vec(),
    ];
    let base = state_of("fixtures/ekero/events.jsonl");
    // Real indicator ids make the rows reach the domain.
    let ids: Vec<String> = base.indicators.keys().map(|k| k.to_string()).collect();
    let mut seeds = seeds;
    for id in ids.iter().take(8) {
        seeds.push(
            format!("indicator;from;to;value\n{id};2021-01-01;2021-08-31;12,5\n").into_bytes(),
        );
    }
    fuzz("csv", corpus("csv", seeds), 64 << 10, 64, |bytes| {
        let _ = malbok::import::csv::readings("fuzz.csv", bytes, &base);
        let text = String::from_utf8_lossy(bytes);
        let _ = malbok::import::csv::number(&text);
        let _ = malbok::import::csv::safe_text(&text);
    });
}

/// Kolada data and KPI responses (v2 and v3), converted against Götene's state.
#[test]
fn fuzz_kolada_json() {
    let seeds = files("fixtures/kolada", ".json");
    let base = state_of("fixtures/gotene/events.jsonl");
    let options = import::kolada::Options {
        gender: "T".into(),
        url: None,
        fetched: "2021-09-01T10:00:00Z".into(),
    };
    fuzz("kolada", corpus("kolada", seeds), 64 << 10, 64, |bytes| {
        let _ = import::kolada::parse_kpis("fuzz.json", bytes);
        if let Ok(file) = import::kolada::parse_data("fuzz.json", bytes) {
            let _ = import::kolada::convert(&[file], &base, &options);
        }
    });
}

/// Export files as `verify --file` and `restore` read them: the chain, and each line's event
/// decoded alone (so that decoding sees mutated events whose hash no longer matters).
#[test]
fn fuzz_export_files() {
    // A real export of the Ekerö ledger, sealed here as the store seals it.
    let lines = jsonl::parse("ekero", &read("fixtures/ekero/events.jsonl")).expect("parse");
    let mut exported = Vec::new();
    let mut prev = envelope::Hash([0; 32]);
    let time = ledger::LedgerTime::parse_rfc3339("2021-09-01T10:00:00Z").expect("time");
    let mut events = vec![envelope::genesis("0123456789abcdef0123456789abcdef")];
    events.extend(lines.into_iter().map(|l| l.event));
    for (i, ev) in events.iter().enumerate() {
        let seq = ledger::Seq(i as u64 + 1);
        let sealed = envelope::seal(ev, seq, prev, time, "fuzz", ledger::Seq(1));
        export::write_line(&mut exported, &sealed.bytes, &sealed.hash);
        prev = sealed.hash;
    }
    let mut seeds = vec![read("events/vectors/chain.jsonl")];
    let export_lines: Vec<&[u8]> = exported.split_inclusive(|&b| b == b'\n').collect();
    seeds.extend(export_lines.chunks(6).take(1).map(|c| c.concat()));
    seeds.extend(export_lines.iter().take(30).map(|l| l.to_vec()));
    fuzz("export", corpus("export", seeds), 64 << 10, 64, |bytes| {
        let _ = export::verify_export(bytes, None, |_| {});
        for line in bytes.split(|&b| b == b'\n') {
            if let Ok((hash, event)) = export::split_line(line) {
                let _ = ledger::Event::decode(event, hash);
            }
        }
    });
}

/// Signed notes, checkpoints, keys and C2SP tlog-proofs, and the Merkle proof checks on what
/// they carry.
#[test]
fn fuzz_proofs_and_checkpoints() {
    let signer = note::SignerKey::from_seed("ekero.se/malbok", [7; 32]).expect("key");
    let witness = note::SignerKey::from_seed("witness.example", [9; 32]).expect("key");
    let verifier = signer.verifier();
    let root = merkle::leaf_hash(b"malbok");
    let checkpoint = note::Checkpoint {
        origin: "ekero.se/malbok".into(),
        size: 5,
        root,
        extensions: vec!["seal 812".into()],
    };
    let signed = note::sign(&checkpoint.text(), &[&signer, &witness]).expect("sign");
    let proof = note::TlogProof {
        extra: Some(b"{\"kind\":\"x\"}".to_vec()),
        index: 3,
        path: vec![root, merkle::leaf_hash(b"a"), merkle::leaf_hash(b"b")],
        checkpoint: signed.clone(),
    };
    let seeds = vec![
        signed.clone().into_bytes(),
        proof.encode().into_bytes(),
        checkpoint.text().into_bytes(),
        verifier.encode().into_bytes(),
        signer.encode().into_bytes(),
    ];
    let known = [verifier];
    fuzz("proofs", corpus("proofs", seeds), 16 << 10, 64, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = note::VerifierKey::parse(text.trim_end());
        let _ = note::SignerKey::parse(text.trim_end());
        let _ = note::Checkpoint::parse(&text);
        if let Ok(n) = note::Note::parse(bytes) {
            let _ = n.check(&known);
        }
        if let Ok(c) = note::open_checkpoint(bytes, &known) {
            let _ = c.accepted();
        }
        if let Ok(p) = note::TlogProof::parse(bytes) {
            let leaf = merkle::leaf_hash(p.extra.as_deref().unwrap_or_default());
            let size = p.index.saturating_add(1 + (bytes.len() as u64 % 7));
            let _ = merkle::verify_inclusion(p.index, size, &leaf, &p.path, &root);
            let _ = merkle::verify_consistency(p.index.max(1), size, &root, &leaf, &p.path);
            if let Ok(c) = note::open_checkpoint(p.checkpoint.as_bytes(), &known) {
                let _ = c.accepted();
            }
        }
    });
}

/// Dates and times as the CLI and the domain read them, decision references, decimals, ids,
/// and target levels (`parse_threshold`) for every direction, with and without `--contrary`.
#[test]
fn fuzz_dates_references_and_levels() {
    let seeds: Vec<Vec<u8>> = [
        "2021-08-31",
        "2020-02-29",
        "2021-09-01T10:00:00Z",
        "2021-09-01T10:00:00.500000Z",
        "2021-09-01T12:00:00+02:00",
        "KF 2020-10-19 § 147",
        "KS 2021-02-01 § 1",
        "Uppnått ≥ 90",
        "På rätt väg: minst 70",
        "Uppnått: 70 %",
        "högst 3,5",
        "> 10",
        "under 2",
        "87,5",
        "-0.5",
        "ekero.sn.i01",
        "N31805",
        "0125",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    fuzz("text", corpus("text", seeds), 4 << 10, 64, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        let s: &str = &text;
        let _ = domain::Date::parse(s);
        let _ = domain::Timestamp::parse(s);
        let _ = domain::DecisionRef::parse(s);
        let _ = domain::Dec::parse(s);
        let _ = domain::Id::parse(s);
        let _ = domain::KpiId::parse(s);
        let _ = domain::KoladaId::parse(s);
        let _ = ledger::LedgerTime::parse_rfc3339(s);
        let _ = ledger::LedgerTime::parse_stored(s);
        // `status --at`, `--known-at` dates as the CLI reads them.
        let _ = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d");
        for direction in [Direction::Increase, Direction::Decrease, Direction::Reach] {
            for contrary in [false, true] {
                let _ = domain::parse_threshold(s, direction, contrary);
            }
        }
        let _ = envelope::check_kind_format(s);
        let _ = envelope::check_actor(s);
        let _ = note::check_name(s);
        let _ = malbok::ledger::canonical::parse_strict(s);
    });
}

/// The corpus directories exist and every committed input is replayed by its target (a found
/// input stays a regression test).
#[test]
fn the_committed_corpus_is_in_place() {
    for target in ["jsonl", "csv", "kolada", "export", "proofs", "text"] {
        let dir = common::root().join("tests/fuzz").join(target);
        assert!(Path::new(&dir).is_dir(), "{} is missing", dir.display());
    }
}

/// The harness finds what it is for: a planted panic on an input the mutator must make from the
/// corpus (a paragraph number with a leading zero), within the short run's executions.
#[test]
#[should_panic(expected = "panicked on")]
fn the_harness_finds_a_planted_panic() {
    let seeds = vec!["KF 2020-10-19 § 147".as_bytes().to_vec()];
    fuzz("planted-panic", seeds, 1 << 10, 64, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if text.contains("§ 0") {
            panic!("planted");
        }
    });
}

/// The harness finds a memory blow-up: an allocation far above the bound for a small input.
#[test]
#[should_panic(expected = "at its peak")]
fn the_harness_finds_a_planted_memory_blow_up() {
    let seeds = vec![b"[1,2,3]".to_vec()];
    fuzz("planted-memory", seeds, 1 << 10, 64, |bytes| {
        if bytes.starts_with(b"[[") {
            let big = vec![1u8; 16 << 20];
            assert_eq!(big.len(), 16 << 20);
        }
    });
}
