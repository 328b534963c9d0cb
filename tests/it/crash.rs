//! Crash test: the real binary importing a large file is killed with SIGKILL at random moments.
//! After each kill the ledger must open, verify, hold either all or none of that import, and
//! still hold every append that had reported success.
//!
//! `cargo test` runs 30 kills. `MALBOK_CRASH_CYCLES=500 cargo test --release --test it crash` runs
//! more; `MALBOK_CRASH_SEED` replays a run (the seed is printed). A ledger that fails is kept
//! under `target/crash-repro/` for inspection.
//!
//! The crash loop (`a_crash_loop_over_every_write_path_loses_nothing_acknowledged`) does the same
//! over every write path: import, `reading add`, `seal`, `reindex` and `restore`.

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

/// One write path of the crash loop.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Import,
    ReadingAdd,
    Seal,
    Reindex,
    Restore,
}

const OPS: [Op; 5] = [
    Op::Import,
    Op::ReadingAdd,
    Op::Seal,
    Op::Reindex,
    Op::Restore,
];
const LOOP_IMPORT_EVENTS: u64 = 1_000;

/// What the crash loop saw, per write path.
#[derive(Default, Debug)]
struct Tally {
    kills: u32,
    /// The process had not ended when it was killed.
    killed_running: u32,
    /// Evidence read from the storage right after the kill that the write was under way:
    /// staged events beyond the committed head, or derived data not at the head.
    mid_write: u32,
    /// The write had landed (whole) / had not landed at all.
    landed: u32,
    not_landed: u32,
    /// `verify --deep` run first after the kill reported derived data staged beyond the head or
    /// missing (passes once a command has opened the ledger for use).
    deep_saw_staged: u32,
    /// Restore only: a killed restore left a directory that does not open (exit 3, said in words).
    restore_left_unopenable: u32,
}

fn cycles_and_seed(cycles_var: &str, default_cycles: u32) -> (u32, u64) {
    let cycles: u32 = std::env::var(cycles_var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_cycles);
    let seed: u64 = std::env::var("MALBOK_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64 | 1)
        });
    (cycles, seed)
}

/// The crash loop: the real binary is killed (SIGKILL) at random moments of every write path —
/// `import` (staged in small parts), `reading add`, `seal`, `reindex` and `restore` — and after
/// each kill the ledger must open, verify against the last acknowledged head, pass
/// `verify --deep`, and hold the write whole or not at all; a killed `restore` leaves either the
/// whole copy or a directory that refuses to open in words (never a partial copy that opens).
///
/// `cargo test` runs 25 kills (5 per path) and asserts that some landed mid-write. The long run:
/// `MALBOK_CRASH_LOOP_CYCLES=1000 nice -n 19 cargo test --test it crash::a_crash_loop -- --nocapture`
/// (or `tests/long/run.sh`). `MALBOK_CRASH_SEED` replays a run; the seed is printed.
#[test]
fn a_crash_loop_over_every_write_path_loses_nothing_acknowledged() {
    let (cycles, seed) = cycles_and_seed("MALBOK_CRASH_LOOP_CYCLES", 25);
    println!("crash loop: {cycles} kills, MALBOK_CRASH_SEED={seed}");
    let mut rng = Rng(seed);

    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", fixture.to_str().expect("utf-8 path")]);
    // Some bulk, so that restore and reindex take long enough to be killed inside.
    let bulk: String = (0..2_000)
        .map(|i| common::org_line(&format!("bulk.kommun.{i}")))
        .collect();
    let bulk_path = env.write("bulk.jsonl", bulk.as_bytes());
    env.run(&["import", bulk_path.to_str().expect("utf-8 path")]);
    env.write("export.jsonl", env.run(&["export"]).as_bytes());
    let exported_head = env.head();

    let mut serial = 0u32;
    let mut args_for =
        |op: Op, env: &TestEnv| -> (Vec<String>, Vec<(&'static str, &'static str)>) {
            serial += 1;
            let s = serial;
            match op {
                Op::Import => {
                    let lines: String = (0..LOOP_IMPORT_EVENTS)
                        .map(|i| common::org_line(&format!("loop{s}.kommun.{i}")))
                        .collect();
                    env.write("loop.jsonl", lines.as_bytes());
                    (
                        vec!["import".into(), "loop.jsonl".into()],
                        vec![("MALBOK_IMPORT_PART", "64"), ("MALBOK_DERIVED_BATCH", "16")],
                    )
                }
                Op::ReadingAdd => {
                    let day = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("date")
                        + chrono::Days::new(u64::from(s));
                    let day = day.format("%Y-%m-%d").to_string();
                    (
                        [
                            "reading",
                            "add",
                            "--indicator",
                            "ekero.sn.2019.m06.i1",
                            "--from",
                            &day,
                            "--to",
                            &day,
                            "--value",
                            "1",
                            "--source-kind",
                            "survey",
                            "--source-description",
                            "Egen enkät",
                        ]
                        .map(String::from)
                        .to_vec(),
                        vec![],
                    )
                }
                Op::Seal => (
                    [
                        "seal",
                        "--follow-up",
                        "Delår 2021",
                        "--org",
                        "ekero",
                        "--body",
                        "ekero.sn",
                        "--report-format",
                        "md",
                    ]
                    .map(String::from)
                    .to_vec(),
                    vec![],
                ),
                Op::Reindex => (vec!["reindex".into()], vec![]),
                Op::Restore => {
                    let _ = std::fs::remove_dir_all(env.path("restored.db"));
                    (
                        ["--ledger", "restored.db", "restore", "export.jsonl"]
                            .map(String::from)
                            .to_vec(),
                        vec![],
                    )
                }
            }
        };

    // Each path's uninterrupted time sets the window its kills are spread over.
    let mut windows = std::collections::BTreeMap::new();
    for op in OPS {
        let (args, envs) = args_for(op, &env);
        let started = Instant::now();
        let mut cmd = env.malbok();
        cmd.args(&args).envs(envs);
        cmd.assert().success();
        windows.insert(format!("{op:?}"), started.elapsed());
    }
    println!("crash loop: uninterrupted times: {windows:?}");

    let mut tallies: std::collections::BTreeMap<String, Tally> = Default::default();
    for cycle in 0..cycles {
        let op = OPS[cycle as usize % OPS.len()];
        let (args, envs) = args_for(op, &env);
        let acknowledged = env.head();
        let window = windows[&format!("{op:?}")];
        let delay = Duration::from_micros(rng.next() % window.as_micros().max(1) as u64);
        let mut child = env
            .process()
            .args(&args)
            .envs(envs)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(delay);
        let running = matches!(child.try_wait(), Ok(None));
        let _ = child.kill();
        child.wait().expect("reap the killed process");
        let tally = tallies.entry(format!("{op:?}")).or_default();
        tally.kills += 1;
        tally.killed_running += u32::from(running);
        let what = format!("cycle {cycle} ({op:?} killed after {delay:?}, seed {seed})");

        if op == Op::Restore {
            let out = env
                .malbok()
                .args(["--ledger", "restored.db", "head", "--format", "json"])
                .output()
                .expect("run head");
            if out.status.success() {
                let json: serde_json::Value =
                    serde_json::from_slice(&out.stdout).expect("head json");
                let head = format!("{}:{}", json["seq"], json["hash"].as_str().expect("hash"));
                assert_eq!(
                    head, exported_head,
                    "{what}: a killed restore opened with another head"
                );
                // A restore killed after its events were written but before their derived data:
                // said by `verify --deep`, rebuilt by the next command that opens the copy.
                let deep = env
                    .malbok()
                    .args(["--ledger", "restored.db", "verify", "--deep"])
                    .output()
                    .expect("run verify --deep");
                if !deep.status.success() {
                    let stderr = String::from_utf8_lossy(&deep.stderr);
                    assert!(
                        stderr.contains("`malbok reindex` rebuilds it"),
                        "{what}: {stderr}"
                    );
                    tally.deep_saw_staged += 1;
                    env.run(&["--ledger", "restored.db", "log", "--subject", "ekero"]);
                    env.malbok()
                        .args(["--ledger", "restored.db", "verify", "--deep"])
                        .assert()
                        .success();
                }
                tally.landed += 1;
            } else {
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(3), "{what}: {stderr}");
                if env.path("restored.db").exists() {
                    tally.restore_left_unopenable += 1;
                } else {
                    tally.not_landed += 1;
                }
            }
            continue;
        }

        // Look at the storage as the kill left it, before any command repairs it.
        {
            let ledger = malbok::ledger::Ledger::open(&env.ledger())
                .unwrap_or_else(|e| panic!("{what}: the ledger does not open: {e}"));
            let staged = ledger.uncommitted().map(|s| s.len()).unwrap_or(0);
            let head = ledger.head().expect("head");
            let derived = ledger.derived_head().expect("derived head");
            if staged > 0 || derived != Some((head.seq, head.hash)) {
                tally.mid_write += 1;
            }
        }

        let verify = env
            .malbok()
            .args(["verify", "--head", &acknowledged])
            .output()
            .expect("run verify");
        if !verify.status.success() {
            let keep = common::root()
                .join("target/crash-repro")
                .join(format!("loop-seed-{seed}-cycle-{cycle}"));
            let _ = std::fs::create_dir_all(keep.parent().expect("parent"));
            let _ = std::process::Command::new("cp")
                .arg("-r")
                .arg(env.ledger())
                .arg(&keep)
                .status();
            panic!(
                "{what}: the ledger no longer verifies against the acknowledged head {acknowledged}; kept at {}: {}",
                keep.display(),
                String::from_utf8_lossy(&verify.stderr)
            );
        }
        // `verify --deep` straight after the kill: derived data a killed import staged beyond
        // the committed head, or a killed reindex left missing, is reported with the way out (it
        // is taken back or rebuilt by the next command that opens the ledger for use, e.g.
        // `log`); after that it must agree.
        let deep = env
            .malbok()
            .args(["verify", "--deep"])
            .output()
            .expect("run verify --deep");
        if !deep.status.success() {
            let stderr = String::from_utf8_lossy(&deep.stderr);
            assert!(
                stderr.contains("derived data") && stderr.contains("`malbok reindex` rebuilds it"),
                "{what}: derived data disagrees: {stderr}"
            );
            tally.deep_saw_staged += 1;
        }
        env.run(&["log", "--subject", "ekero"]);
        let deep = env
            .malbok()
            .args(["verify", "--deep"])
            .output()
            .expect("run verify --deep");
        assert!(
            deep.status.success(),
            "{what}: derived data disagrees after a command opened the ledger: {}",
            String::from_utf8_lossy(&deep.stderr)
        );
        let landed = seq_of(&env.head()) - seq_of(&acknowledged);
        let whole = match op {
            Op::Import => LOOP_IMPORT_EVENTS,
            Op::ReadingAdd | Op::Seal => 1,
            Op::Reindex | Op::Restore => 0,
        };
        match landed {
            0 => tally.not_landed += 1,
            n if n == whole => tally.landed += 1,
            partial => panic!("{what}: {partial} of {whole} events landed"),
        }
    }
    let mut total_mid = 0;
    for (op, t) in &tallies {
        println!("crash loop: {op}: {t:?}");
        total_mid += t.mid_write + t.deep_saw_staged + t.restore_left_unopenable;
    }
    let kills: u32 = tallies.values().map(|t| t.kills).sum();
    println!(
        "crash loop: {kills} kills, {total_mid} caught mid-write, 0 lost acknowledged events, 0 partial writes"
    );
    if cycles >= 25 {
        assert!(
            total_mid > 0,
            "no kill landed mid-write in {cycles} kills (seed {seed}): the loop tests nothing"
        );
    }
}
