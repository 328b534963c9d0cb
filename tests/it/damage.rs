//! The damage loop: a ledger's storage damaged at random — two blob files swapped, a file cut
//! short, bytes flipped or a range zeroed in sled's files (`db`, `conf`, `blobs/*`, snapshots) or
//! in `malbok.head`, a blob file deleted — and then `verify`, `head`, `log --subject` and `export`
//! run on it, each under a time bound. Every command must exit 0 with the answer the undamaged
//! ledger gives (byte for byte), or refuse: exit 3 with a message that names the damage and the
//! way out (`salvage`, `restore`), or (for `verify`/`export`, whose answer is the verification)
//! exit 1 naming the position. Never exit 101 (a panic), never a hang, never a different answer
//! with exit 0.
//!
//! `cargo test` damages 12 ledgers. The long run:
//! `MALBOK_DAMAGE_CYCLES=1000 nice -n 19 cargo test --test it damage:: -- --nocapture` (or
//! `tests/long/run.sh`). `MALBOK_DAMAGE_SEED` replays a run; the seed is printed. A ledger that
//! fails is kept under `target/damage-repro/`.

use crate::common;

use common::TestEnv;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

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

const COMMANDS: &[&[&str]] = &[
    &["verify"],
    &["head", "--format", "json"],
    &["log", "--subject", "kommun.7", "--format", "json"],
    &["export"],
];

/// How long one command may take on a damaged ledger of this size before it counts as a hang.
const BOUND: Duration = Duration::from_secs(60);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Runs a command with stdout and stderr in files, killed after `BOUND`.
/// Returns the exit code (None for a hang), stdout and stderr.
fn bounded(env: &TestEnv, args: &[&str]) -> (Option<i32>, Vec<u8>, String) {
    let out_path = env.path("cmd.out");
    let err_path = env.path("cmd.err");
    let mut child = env
        .process()
        .args(args)
        .stdout(Stdio::from(std::fs::File::create(&out_path).expect("out")))
        .stderr(Stdio::from(std::fs::File::create(&err_path).expect("err")))
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    let code = loop {
        match child.try_wait().expect("wait") {
            Some(status) => break status.code(),
            None if started.elapsed() > BOUND => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    let stdout = std::fs::read(&out_path).unwrap_or_default();
    let stderr =
        String::from_utf8_lossy(&std::fs::read(&err_path).unwrap_or_default()).into_owned();
    (code, stdout, stderr)
}

/// One random damage to the ledger at `dir`; returns what was done, in words.
fn damage(rng: &mut Rng, dir: &Path) -> String {
    let files = files_under(dir);
    let blobs: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.parent().is_some_and(|d| d.ends_with("blobs")))
        .collect();
    let name = |p: &Path| {
        p.strip_prefix(dir)
            .map(|r| r.display().to_string())
            .unwrap_or_default()
    };
    match rng.below(6) {
        0 if blobs.len() >= 2 => {
            let i = rng.below(blobs.len());
            let j = (i + 1 + rng.below(blobs.len() - 1)) % blobs.len();
            let a = std::fs::read(blobs[i]).expect("a");
            let b = std::fs::read(blobs[j]).expect("b");
            std::fs::write(blobs[i], &b).expect("write a");
            std::fs::write(blobs[j], &a).expect("write b");
            format!("swapped {} and {}", name(blobs[i]), name(blobs[j]))
        }
        1 => {
            let f = &files[rng.below(files.len())];
            let len = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
            let to = if len == 0 { 0 } else { rng.next() % len };
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(f)
                .expect("open");
            file.set_len(to).expect("truncate");
            format!("cut {} from {len} to {to} bytes", name(f))
        }
        2 if !blobs.is_empty() => {
            let f = blobs[rng.below(blobs.len())];
            std::fs::remove_file(f).expect("remove");
            format!("deleted {}", name(f))
        }
        3 => {
            let f = &files[rng.below(files.len())];
            let mut bytes = std::fs::read(f).expect("read");
            if bytes.is_empty() {
                return format!("left the empty {} alone", name(f));
            }
            let at = rng.below(bytes.len());
            let n = 1 + rng.below((bytes.len() - at).min(4096));
            bytes[at..at + n].fill(0);
            std::fs::write(f, &bytes).expect("write");
            format!("zeroed {n} bytes of {} at {at}", name(f))
        }
        _ => {
            // Prefer sled's main file: it holds the log and the page table.
            let f = if rng.below(2) == 0 {
                dir.join("db")
            } else {
                files[rng.below(files.len())].clone()
            };
            let mut bytes = std::fs::read(&f).expect("read");
            if bytes.is_empty() {
                return format!("left the empty {} alone", name(&f));
            }
            let flips = 1 + rng.below(8);
            let mut at = Vec::new();
            for _ in 0..flips {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
                at.push(i);
            }
            std::fs::write(&f, &bytes).expect("write");
            format!("flipped bits of {} at {at:?}", name(&f))
        }
    }
}

/// A ledger over several commits, with events large enough that sled keeps blocks in blob
/// files, and a quick follow-up so `status`-like reads have derived data to use.
fn pristine() -> TestEnv {
    let env = TestEnv::new();
    env.init();
    let long = "Kommunens mål för ett hållbart samhälle ".repeat(20);
    for part in 0..3 {
        let mut lines = String::new();
        for i in (part * 300 + 2)..=(part * 300 + 301) {
            lines.push_str(&format!(
                "{{\"kind\":\"organisation.registered\",\"payload\":{{\"id\":\"kommun.{i}\",\"name\":\"{long}{i}\"}}}}\n"
            ));
        }
        env.write("in.jsonl", lines.as_bytes());
        env.run(&["import", "in.jsonl"]);
    }
    for i in 0..5 {
        env.malbok()
            .args(common::org_append(&format!("appended.{i}")))
            .assert()
            .success();
    }
    env
}

#[test]
fn damaged_ledgers_never_panic_hang_or_answer_wrongly() {
    let cycles: u32 = std::env::var("MALBOK_DAMAGE_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let seed: u64 = std::env::var("MALBOK_DAMAGE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 | 1)
        });
    println!("damage loop: {cycles} damaged ledgers, MALBOK_DAMAGE_SEED={seed}");
    let mut rng = Rng(seed);

    let env = pristine();
    let pristine_dir = env.path("pristine");
    copy_dir(&env.ledger(), &pristine_dir);
    let expected: Vec<Vec<u8>> = COMMANDS
        .iter()
        .map(|args| {
            let (code, out, err) = bounded(&env, args);
            assert_eq!(code, Some(0), "{args:?} on the undamaged ledger: {err}");
            out
        })
        .collect();

    // (command, exit code) -> count; and how many ledgers were refused by at least one command.
    let mut codes: BTreeMap<(String, Option<i32>), u32> = BTreeMap::new();
    let (mut refused_ledgers, mut all_correct) = (0u32, 0u32);
    for cycle in 0..cycles {
        let _ = std::fs::remove_dir_all(env.ledger());
        copy_dir(&pristine_dir, &env.ledger());
        let what = damage(&mut rng, &env.ledger());
        let context = format!("ledger {cycle} ({what}; seed {seed})");
        // The damaged ledger as it was before any command touched it, kept if a check fails.
        let damaged = env.path("damaged");
        let _ = std::fs::remove_dir_all(&damaged);
        copy_dir(&env.ledger(), &damaged);
        let keep = || {
            let dir = common::root()
                .join("target/damage-repro")
                .join(format!("seed-{seed}-ledger-{cycle}"));
            let _ = std::fs::remove_dir_all(&dir);
            copy_dir(&damaged, &dir);
            dir.display().to_string()
        };
        let mut refused = false;
        for (args, want) in COMMANDS.iter().zip(&expected) {
            let (code, out, err) = bounded(&env, args);
            *codes.entry((args[0].to_string(), code)).or_insert(0) += 1;
            let fail = |why: &str| -> ! {
                panic!(
                    "{context}: malbok {args:?} {why}; stderr: {err}; (the damaged ledger is kept at {})",
                    keep()
                )
            };
            match code {
                None => fail("did not end within the bound (a hang)"),
                Some(101) => fail("panicked (exit 101)"),
                Some(0) if &out != want => {
                    fail("exited 0 with an answer that differs from the undamaged ledger's")
                }
                Some(0) => {}
                Some(3) => {
                    refused = true;
                    if !(err.contains("salvage") || err.contains("restore")) {
                        fail("exited 3 without naming the way out (salvage, restore)");
                    }
                }
                Some(1) if args[0] == "verify" || args[0] == "export" => {
                    refused = true;
                    if !err.contains("position") && !err.contains(" at ") {
                        fail("failed verification without naming where");
                    }
                }
                Some(other) => fail(&format!("exited {other}")),
            }
        }
        if refused {
            refused_ledgers += 1;
        } else {
            all_correct += 1;
        }
    }
    println!(
        "damage loop: {cycles} damaged ledgers: {all_correct} answered exactly as undamaged, {refused_ledgers} refused by at least one command with the damage named; 0 panics, 0 hangs, 0 wrong answers"
    );
    println!("damage loop: (command, exit code) counts: {codes:?}");
}
