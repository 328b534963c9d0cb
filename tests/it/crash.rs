//! Crash test: the real binary importing a large file is killed with SIGKILL at random moments.
//! After each kill the ledger must open, verify, hold either all or none of that import, and
//! still hold every append that had reported success.
//!
//! `cargo test` runs 30 kills. `MALBOK_CRASH_CYCLES=500 cargo test --release --test it crash` runs
//! more; `MALBOK_CRASH_SEED` replays a run (the seed is printed). A ledger that fails is kept
//! under `target/crash-repro/` for inspection.

use crate::common;

use common::TestEnv;
use std::process::Stdio;
use std::time::{Duration, Instant};

const IMPORT_EVENTS: u64 = 5_000;

/// xorshift64*: enough randomness for kill times, and replayable from a printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn seq_of(head: &str) -> u64 {
    head.split(':')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("SEQ:HASH")
}

#[test]
fn a_killed_import_leaves_all_or_nothing_and_loses_no_acknowledged_append() {
    let cycles: u32 = std::env::var("MALBOK_CRASH_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let seed: u64 = std::env::var("MALBOK_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 | 1)
        });
    println!("crash test: {cycles} cycles, MALBOK_CRASH_SEED={seed}");
    let mut rng = Rng(seed);

    let env = TestEnv::new();
    env.init();
    // Each cycle imports events of its own (ids are unique ledger-wide), so an import that
    // landed never makes the next one a duplicate.
    let write_import = |name: &str| {
        let lines: String = (0..IMPORT_EVENTS)
            .map(|i| common::org_line(&format!("{name}.kommun.{i}")))
            .collect();
        env.write("import.jsonl", lines.as_bytes());
    };
    // How long an uninterrupted import takes sets the window the kills are spread over; the
    // ledger grows, so it is measured again every ten cycles.
    let measure = |name: &str| {
        write_import(name);
        let started = Instant::now();
        env.run(&["import", "import.jsonl"]);
        started.elapsed().mul_f64(1.5)
    };

    let (mut none, mut all) = (0, 0);
    let mut window = Duration::ZERO;
    for cycle in 0..cycles {
        if cycle % 10 == 0 {
            window = measure(&format!("measure{cycle}"));
        }
        write_import(&format!("cycle{cycle}"));
        // An append that reports success must survive every later crash.
        env.malbok()
            .args(common::org_append(&format!("acknowledged.{cycle}")))
            .assert()
            .success();
        let acknowledged = env.head();

        // Half the kills anywhere in the window, half in its second half, around the write.
        let span = window.as_micros().max(1) as u64;
        let delay = if cycle % 2 == 0 {
            Duration::from_micros(rng.next() % span)
        } else {
            Duration::from_micros(span / 2 + rng.next() % (span / 2).max(1))
        };
        // Small parts and derived batches: the import stages many parts, each in several
        // derived batches, before it commits, so kills land between them as well as in the
        // commit.
        let mut child = env
            .process()
            .env("MALBOK_IMPORT_PART", "64")
            .env("MALBOK_DERIVED_BATCH", "16")
            .arg("import")
            .arg("import.jsonl")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn import");
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL; it may already have finished.
        child.wait().expect("reap the killed import");

        let verify = env
            .malbok()
            .args(["verify", "--head", &acknowledged])
            .output()
            .expect("run verify");
        if !verify.status.success() {
            let keep = common::root()
                .join("target/crash-repro")
                .join(format!("seed-{seed}-cycle-{cycle}"));
            let _ = std::fs::create_dir_all(keep.parent().expect("parent"));
            let _ = std::process::Command::new("cp")
                .arg("-r")
                .arg(env.ledger())
                .arg(&keep)
                .status();
            panic!(
                "cycle {cycle} (killed after {delay:?}): the ledger no longer verifies against the acknowledged head {acknowledged}; kept at {}: {}",
                keep.display(),
                String::from_utf8_lossy(&verify.stderr)
            );
        }
        // Derived data agrees with the events once a command has opened the ledger for it (which
        // takes back what an uncommitted import staged).
        env.run(&["log", "--subject", &format!("acknowledged.{cycle}")]);
        let deep = env
            .malbok()
            .args(["verify", "--deep"])
            .output()
            .expect("run verify --deep");
        assert!(
            deep.status.success(),
            "cycle {cycle} (killed after {delay:?}): derived data disagrees: {}",
            String::from_utf8_lossy(&deep.stderr)
        );
        let landed = seq_of(&env.head()) - seq_of(&acknowledged);
        match landed {
            0 => none += 1,
            IMPORT_EVENTS => all += 1,
            partial => panic!(
                "cycle {cycle}: {partial} of {IMPORT_EVENTS} events of a killed import landed"
            ),
        }
    }
    println!("crash test: {none} kills left none of the import, {all} left all of it");
}
