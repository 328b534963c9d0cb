//! Issue 10: a ledger that always opens, never hangs, never panics, and can be salvaged. Each
//! test attacks one failure found from outside, through the real binary.

use crate::common;

use common::TestEnv;
use malbok::ledger::Ledger;
use malbok::ledger::envelope::{Hash, hash_event};
use malbok::ledger::export::{split_line, write_line};
use malbok::ledger::store::{join_block, split_block};

/// A ledger with `n` events (the genesis and `n - 1` organisations).
fn ledger_with(n: u64) -> TestEnv {
    let env = TestEnv::new();
    env.init();
    if n > 1 {
        let mut lines = String::new();
        for i in 2..=n {
            lines.push_str(&common::org_line(&format!("kommun.{i}")));
        }
        env.write("in.jsonl", lines.as_bytes());
        env.run(&["import", "in.jsonl"]);
    }
    env
}

/// Replaces `"kind_v":1` by `"kind_v":<big>` in the event bytes (the keys stay sorted, so the
/// bytes stay canonical).
fn with_kind_v(bytes: &[u8], big: &str) -> Vec<u8> {
    let text = std::str::from_utf8(bytes).expect("utf-8");
    assert!(text.contains("\"kind_v\":1,"), "{text}");
    text.replacen("\"kind_v\":1,", &format!("\"kind_v\":{big},"), 1)
        .into_bytes()
}

/// Defect 4: `kind_v` = 2^53 + 1 with re-computed hashes is refused by `verify --file`,
/// `restore` and the store, as ENCODING.md §4 says.
#[test]
fn envelope_integers_beyond_2_53_are_refused_everywhere() {
    let env = ledger_with(3);
    let export = env.run(&["export"]);
    // Rewrite event 2's kind_v and re-chain every hash after it, as a careful forger would.
    let mut out = Vec::new();
    let mut prev = Hash([0; 32]);
    for (i, line) in export.lines().enumerate() {
        let (_, bytes) = split_line(line.as_bytes()).expect("export line");
        let mut bytes = if i == 1 {
            with_kind_v(bytes, "9007199254740993")
        } else {
            bytes.to_vec()
        };
        if i > 0 {
            // Re-point prev at the re-computed hash of the event before.
            let text = String::from_utf8(bytes).expect("utf-8");
            let at = text.find("\"prev\":\"").expect("prev") + 8;
            bytes = format!("{}{}{}", &text[..at], prev.to_hex(), &text[at + 64..]).into_bytes();
        }
        let hash = hash_event(&prev, &bytes);
        write_line(&mut out, &bytes, &hash);
        prev = hash;
    }
    env.write("forged.jsonl", &out);
    let verify = env
        .malbok()
        .args(["verify", "--file", "forged.jsonl"])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&verify.stdout).to_string()
        + &String::from_utf8_lossy(&verify.stderr);
    assert_eq!(verify.status.code(), Some(1), "{text}");
    assert!(text.contains("kind_v") && text.contains(" 2"), "{text}");

    let restore = env
        .malbok()
        .args(["--ledger", "copy.db", "restore", "forged.jsonl"])
        .output()
        .expect("run");
    assert_eq!(restore.status.code(), Some(1));
    assert!(
        !env.path("copy.db").join("db").exists(),
        "restore wrote a ledger"
    );

    // The store: the same forged last event written into the sled tree.
    let env = ledger_with(2);
    {
        let ledger = Ledger::open(&env.ledger()).expect("open for tampering");
        let (events, _) = ledger.raw_trees();
        let (key, block) = events.iter().next().expect("a block").expect("read");
        let mut entries: Vec<(Hash, Vec<u8>)> = split_block(&block)
            .expect("block")
            .into_iter()
            .map(|(h, b)| (h, b.to_vec()))
            .collect();
        let prev = entries[0].0;
        let bytes = with_kind_v(&entries[1].1, "9007199254740993");
        entries[1] = (hash_event(&prev, &bytes), bytes);
        events.insert(key, join_block(&entries)).expect("insert");
        events.flush().expect("flush");
    }
    let verify = env.malbok().arg("verify").output().expect("run");
    let text = String::from_utf8_lossy(&verify.stdout).to_string()
        + &String::from_utf8_lossy(&verify.stderr);
    assert_ne!(verify.status.code(), Some(0), "{text}");
    assert!(text.contains("kind_v"), "{text}");
}

/// Runs malbok with `args`, returning (exit code, stdout, stderr).
fn outcome(env: &TestEnv, args: &[&str]) -> (Option<i32>, String, String) {
    let out = env.malbok().args(args).output().expect("run malbok");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Defect 6: `export` from a ledger that fails `verify` exits 1 with the first bad position and
/// writes no event.
#[test]
fn export_verifies_before_it_writes() {
    let env = ledger_with(3);
    {
        let ledger = Ledger::open(&env.ledger()).expect("open for tampering");
        let (events, _) = ledger.raw_trees();
        let (key, block) = events.iter().next().expect("a block").expect("read");
        let mut entries: Vec<(Hash, Vec<u8>)> = split_block(&block)
            .expect("block")
            .into_iter()
            .map(|(h, b)| (h, b.to_vec()))
            .collect();
        // Change a name in event 2 without re-hashing: verify fails at 2.
        let text = String::from_utf8(entries[1].1.clone()).expect("utf-8");
        entries[1].1 = text.replacen("Kommun", "Kommum", 1).into_bytes();
        events.insert(key, join_block(&entries)).expect("insert");
        events.flush().expect("flush");
    }
    let (code, stdout, stderr) = outcome(&env, &["export"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        !stdout.contains("{\"event\""),
        "export wrote events: {stdout}"
    );
    assert!(
        stderr.contains("verification failed at position 2"),
        "{stderr}"
    );
}

/// Defect 6: files that merely bear sled's names are not a ledger; reading commands refuse them
/// with exit 3 and leave them byte for byte as they were. A sled database without malbok's
/// metadata is refused too, and gets no trees.
#[test]
fn opening_never_creates_a_database() {
    let env = TestEnv::new();
    let dir = env.path("unrelated");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("db"), b"my database, not sled's\n").expect("db");
    std::fs::write(dir.join("conf"), b"my configuration\n").expect("conf");
    let shown = dir.display().to_string();
    for command in [
        &["head"][..],
        &["verify"],
        &["log"],
        &["export"],
        &["status"],
    ] {
        let mut args = vec!["--ledger", shown.as_str()];
        args.extend_from_slice(command);
        let (code, _, stderr) = outcome(&env, &args);
        assert_eq!(code, Some(3), "{command:?}: {stderr}");
        assert!(stderr.contains("not a malbok ledger"), "{stderr}");
    }
    assert_eq!(
        std::fs::read(dir.join("db")).expect("db"),
        b"my database, not sled's\n"
    );
    assert_eq!(
        std::fs::read(dir.join("conf")).expect("conf"),
        b"my configuration\n"
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 2, "files were added: {names:?}");

    // A real sled database that malbok did not write.
    let other = env.path("other-sled");
    {
        let db = sled::open(&other).expect("sled");
        db.open_tree("things").expect("tree");
        db.flush().expect("flush");
    }
    let (code, _, stderr) = outcome(&env, &["--ledger", other.to_str().expect("path"), "head"]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("not a malbok ledger"), "{stderr}");
    let db = sled::open(&other).expect("sled");
    assert!(
        !db.tree_names().iter().any(|n| n.as_ref() == b"meta"),
        "opening created malbok's trees"
    );
}

/// Defect 6: `init` refuses a directory that holds anything and leaves its content alone.
#[test]
fn init_refuses_a_directory_with_content() {
    let env = TestEnv::new();
    std::fs::create_dir(env.ledger()).expect("mkdir");
    std::fs::write(env.ledger().join("notes.txt"), b"mine").expect("write");
    let (code, _, stderr) = outcome(&env, &["init"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("not empty"), "{stderr}");
    let names: Vec<_> = std::fs::read_dir(env.ledger())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("notes.txt")]);
}

/// Defect 2: an incomplete sled snapshot (`snap.<N>.generating`, left by a kill or a full disk)
/// is set aside into `quarantine/`, said on stderr, and every command works.
#[test]
fn an_incomplete_snapshot_is_set_aside_and_the_ledger_opens() {
    let env = ledger_with(5);
    let head = env.head();
    let leftover = env.ledger().join("snap.FFFFFFFFFFFFFFFF.generating");
    std::fs::write(&leftover, b"").expect("leftover");
    let (code, stdout, stderr) = outcome(&env, &["head"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("set aside an incomplete sled snapshot"),
        "{stderr}"
    );
    assert!(
        stdout.contains(head.split(':').nth(1).expect("hash")),
        "{stdout}"
    );
    assert!(!leftover.exists());
    assert!(
        env.ledger()
            .join("quarantine/snap.FFFFFFFFFFFFFFFF.generating")
            .exists(),
        "the file was not kept"
    );
    env.run(&["verify"]);
    env.run(&["log"]);
    env.run(&["status"]);
    let export = env.run(&["export"]);
    assert_eq!(export.lines().count(), 5);
    let args = common::org_append("kommun.efter");
    env.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    env.run(&["verify"]);
}

/// Defect 3: swapping blob files (damage that passes sled's checksums) never makes a command
/// panic (exit 101): a panic inside sled becomes exit 3 with the way out.
#[test]
fn swapped_blobs_never_panic() {
    // Blocks of 256 events, each over sled's blob threshold: several blob files.
    // Several imports, so that sled holds nodes and links in different blob files: swapping
    // such a pair makes sled panic (an assertion on the blob's kind, "cannot find pid").
    let env = TestEnv::new();
    env.init();
    for (part, size, repeat) in [(0, 1200, 20), (1, 800, 60), (2, 800, 60), (3, 800, 60)] {
        let long = "Kommunens mål för ett hållbart samhälle ".repeat(repeat);
        let mut lines = String::new();
        for i in 2..=size {
            lines.push_str(&format!(
                "{{\"kind\":\"organisation.registered\",\"payload\":{{\"id\":\"kommun.{part}.{i}\",\"name\":\"{long}{i}\"}}}}\n"
            ));
        }
        env.write("in.jsonl", lines.as_bytes());
        env.run(&["import", "in.jsonl"]);
    }
    let blobs = env.ledger().join("blobs");
    let mut files: Vec<_> = std::fs::read_dir(&blobs)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    if files.len() < 2 {
        println!("skipped: this ledger has {} blob files", files.len());
        return;
    }
    let pristine = env.path("pristine");
    copy_dir(&env.ledger(), &pristine);
    let mut tried = 0;
    let mut codes = std::collections::BTreeMap::new();
    // Refusals that came through the panic hook of `main.rs` (a panic inside sled).
    let mut hooked = 0;
    for i in 0..files.len() {
        for j in i + 1..files.len() {
            if hooked >= 6 {
                break;
            }
            std::fs::remove_dir_all(env.ledger()).expect("remove");
            copy_dir(&pristine, &env.ledger());
            let a = std::fs::read(&files[i]).expect("a");
            let b = std::fs::read(&files[j]).expect("b");
            std::fs::write(&files[i], &b).expect("write a");
            std::fs::write(&files[j], &a).expect("write b");
            for command in ["verify", "head", "status"] {
                let (code, _, stderr) = outcome(&env, &[command]);
                tried += 1;
                *codes.entry(code).or_insert(0) += 1;
                assert_ne!(code, Some(101), "{command} panicked: {stderr}");
                if stderr.contains("sled failed reading it") {
                    assert_eq!(code, Some(3), "{stderr}");
                    hooked += 1;
                }
                if code == Some(3) && stderr.contains("damaged") {
                    assert!(
                        stderr.contains("salvage") || stderr.contains("restore"),
                        "{stderr}"
                    );
                }
            }
        }
    }
    // Damage inside sled's log: one byte flipped at spread-out offsets.
    let size = std::fs::metadata(pristine.join("db")).expect("db").len() as usize;
    for k in 1..=12 {
        std::fs::remove_dir_all(env.ledger()).expect("remove");
        copy_dir(&pristine, &env.ledger());
        let mut bytes = std::fs::read(env.ledger().join("db")).expect("db");
        let at = size * k / 13;
        bytes[at] ^= 0x5a;
        std::fs::write(env.ledger().join("db"), &bytes).expect("write db");
        for command in ["verify", "head", "status"] {
            let (code, _, stderr) = outcome(&env, &[command]);
            tried += 1;
            *codes.entry(code).or_insert(0) += 1;
            assert_ne!(code, Some(101), "{command} panicked: {stderr}");
        }
    }
    println!(
        "{tried} commands on {} blob files, none panicked; exit codes: {codes:?}; {hooked} \
         panics inside sled became exit 3",
        files.len()
    );
    assert!(
        hooked > 0,
        "no swap made sled panic: the panic hook was not exercised ({} blob files)",
        files.len()
    );
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("list") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// `malbok salvage`: a ledger with a damaged block in the middle gives up exactly the events
/// before it, as an export that `verify --file` passes and `restore` takes, and says what was
/// lost.
#[test]
fn salvage_gets_the_intact_events_out() {
    let env = ledger_with(600);
    // An intact ledger: everything, exit 0.
    let (code, stdout, stderr) = outcome(&env, &["salvage", "--out", "all.jsonl"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("salvaged 600 events"), "{stdout}");
    assert_eq!(
        std::fs::read(env.path("all.jsonl")).expect("all"),
        env.run(&["export"]).into_bytes()
    );
    {
        let ledger = Ledger::open(&env.ledger()).expect("open for damage");
        let (events, _) = ledger.raw_trees();
        // The second block (positions 257..=512) becomes bytes that are no block.
        events
            .insert(257u64.to_be_bytes(), &b"\x00\x01damaged"[..])
            .expect("insert");
        events.flush().expect("flush");
    }
    let (code, stdout, stderr) = outcome(&env, &["salvage", "--out", "salvaged.jsonl"]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("salvaged 256 events"), "{stdout}");
    assert!(
        stderr.contains("lost everything from position 257"),
        "{stderr}"
    );
    let salvaged = std::fs::read_to_string(env.path("salvaged.jsonl")).expect("salvaged");
    let all = std::fs::read_to_string(env.path("all.jsonl")).expect("all");
    let first: String = all.lines().take(256).map(|l| format!("{l}\n")).collect();
    assert_eq!(salvaged, first);
    env.run(&["verify", "--file", "salvaged.jsonl"]);
    let restored = env.run(&["--ledger", "copy.db", "restore", "salvaged.jsonl"]);
    assert!(restored.starts_with("256:"), "{restored}");
    let (code, _, _) = outcome(&env, &["--ledger", "copy.db", "verify"]);
    assert_eq!(code, Some(0));
    // An existing file is not overwritten.
    let (code, _, stderr) = outcome(&env, &["salvage", "--out", "salvaged.jsonl"]);
    assert_eq!(code, Some(2), "{stderr}");
}

/// Unmounts the test's tmpfs however the test ends.
struct Mounted(std::path::PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Runs a child to its end, killing it after `limit`: `None` means it hung.
fn bounded(
    mut cmd: std::process::Command,
    limit: std::time::Duration,
) -> Option<std::process::Output> {
    let started = std::time::Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    loop {
        if child.try_wait().expect("wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Defect 1: on a full disk an import ends within a bounded time with exit 3 and "no space
/// left", commits nothing, and once space is back the ledger opens and verifies. Needs a 3 MiB
/// tmpfs, so root; skipped with the reason elsewhere.
#[test]
fn a_full_disk_ends_an_import_with_exit_3_and_commits_nothing() {
    let env = TestEnv::new();
    let mnt = env.path("small");
    std::fs::create_dir(&mnt).expect("mkdir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
        .arg(&mnt)
        .output();
    match mounted {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            println!(
                "skipped: cannot mount a tmpfs: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return;
        }
        Err(e) => {
            println!("skipped: cannot run mount: {e}");
            return;
        }
    }
    let _guard = Mounted(mnt.clone());
    let ledger = mnt.join("full.db");
    let ledger_arg = ledger.to_str().expect("path").to_string();
    let with = |args: &[&str]| {
        let mut cmd = env.process();
        cmd.arg("--ledger").arg(&ledger_arg).args(args);
        cmd
    };
    let limit = std::time::Duration::from_secs(60);
    let run = |args: &[&str]| bounded(with(args), limit).expect("a command hung");
    assert!(run(&["init"]).status.success());
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    assert!(
        run(&["import", fixture.to_str().expect("path")])
            .status
            .success()
    );
    let before = String::from_utf8(run(&["head"]).stdout).expect("utf-8");
    let mut lines = String::new();
    for i in 0..8000 {
        lines.push_str(&common::org_line(&format!("fyll.{i}")));
    }
    env.write("big.jsonl", lines.as_bytes());
    let big = env.path("big.jsonl");
    let import = bounded(with(&["import", big.to_str().expect("path")]), limit)
        .expect("the import on a full disk hung");
    let stderr = String::from_utf8_lossy(&import.stderr);
    assert_eq!(import.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("no space left"), "{stderr}");
    // Space back: the ledger opens, verifies, and holds nothing of the refused import.
    let remount = std::process::Command::new("mount")
        .args(["-o", "remount,size=64m"])
        .arg(&mnt)
        .status()
        .expect("remount");
    assert!(remount.success());
    let head = run(&["head"]);
    assert!(
        head.status.success(),
        "{}",
        String::from_utf8_lossy(&head.stderr)
    );
    assert_eq!(String::from_utf8(head.stdout).expect("utf-8"), before);
    let verify = run(&["verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    // And it takes appends again.
    assert!(
        run(&["import", big.to_str().expect("path")])
            .status
            .success()
    );
    assert!(run(&["verify"]).status.success());
}

/// Storage that comes back holding fewer events than were committed (sled opening an older
/// state of damaged files) is not a shorter valid ledger: the head recorded beside sled at each
/// commit names the loss, for `verify` and for every command that reads.
#[test]
fn storage_that_lost_committed_events_is_named_not_passed() {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", fixture.to_str().expect("UTF-8")]);
    let recorded = std::fs::read_to_string(env.ledger().join(malbok::ledger::store::HEAD_FILE))
        .expect("the head file");
    assert_eq!(recorded.trim_end(), env.head());
    // The loss: the ledger's storage as it was before the import, under the later head file.
    let before = TestEnv::new();
    before.init();
    let older = env.path("older.db");
    std::fs::rename(before.ledger(), &older).expect("move");
    for name in ["db", "conf"] {
        std::fs::copy(older.join(name), env.ledger().join(name)).expect("copy");
    }
    let _ = std::fs::remove_dir_all(env.ledger().join("blobs"));
    for entry in std::fs::read_dir(env.ledger()).expect("dir").flatten() {
        if entry.file_name().to_string_lossy().starts_with("snap.") {
            std::fs::remove_file(entry.path()).expect("remove snapshot");
        }
    }
    for entry in std::fs::read_dir(&older).expect("dir").flatten() {
        if entry.file_name().to_string_lossy().starts_with("snap.") {
            std::fs::copy(entry.path(), env.ledger().join(entry.file_name())).expect("copy");
        }
    }
    // The older storage is another ledger's (its own id), so verify fails either way; what
    // matters is that it fails, and every reader refuses rather than answering from it.
    let out = env.malbok().arg("verify").output().expect("run");
    assert_ne!(
        out.status.code(),
        Some(0),
        "verify passed a ledger that lost events"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("recorded head is at 123"), "{err}");
    let out = env
        .malbok()
        .args(["status", "--org", "ekero", "--at", "2021-08-31"])
        .output()
        .expect("run");
    assert_ne!(
        out.status.code(),
        Some(0),
        "status answered from lost storage"
    );
}

/// The files of a directory tree with their bytes, to show that nothing changed.
fn tree_bytes(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let name = p.strip_prefix(dir).expect("under").display().to_string();
                out.insert(name, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

/// Defect 5 (read-only media): `head`, `verify`, `export`, `status` and `report` on a ledger
/// that cannot be written give the same answers as on the writable ledger, by reading a private
/// copy (said on stderr); the ledger is left byte-identical, and an append is refused with exit 3
/// and the way out. As root the ledger is bind-mounted read-only; otherwise it is made
/// write-protected with `chmod -R a-w`; skipped with the reason where neither takes effect.
#[test]
fn read_commands_work_on_read_only_media() {
    let env = TestEnv::new();
    env.init();
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    env.run(&["import", fixture.to_str().expect("path")]);
    let commands: &[&[&str]] = &[
        &["head"],
        &["verify"],
        &["export"],
        &["status", "--at", "2021-08-31", "--org", "ekero"],
        &[
            "report",
            "--follow-up",
            "Delår 2021",
            "--org",
            "ekero",
            "--body",
            "ekero.sn",
            "--format",
            "md",
        ],
    ];
    let expected: Vec<String> = commands.iter().map(|args| env.run(args)).collect();

    let mnt = env.path("ro");
    std::fs::create_dir(&mnt).expect("mkdir");
    let bind = std::process::Command::new("mount")
        .arg("--bind")
        .arg(env.dir.path().join("malbok.db"))
        .arg(&mnt)
        .output();
    let (ledger, _guard, how) = match bind {
        Ok(out) if out.status.success() => {
            let guard = Mounted(mnt.clone());
            let ro = std::process::Command::new("mount")
                .args(["-o", "remount,ro,bind"])
                .arg(&mnt)
                .status()
                .expect("remount");
            assert!(ro.success(), "remount read-only");
            (mnt.clone(), Some(guard), "a read-only bind mount")
        }
        _ => {
            let _ = std::process::Command::new("chmod")
                .args(["-R", "a-w"])
                .arg(env.ledger())
                .status();
            (env.ledger(), None, "chmod -R a-w")
        }
    };
    if std::fs::write(ledger.join("probe"), b"x").is_ok() {
        let _ = std::fs::remove_file(ledger.join("probe"));
        let _ = std::process::Command::new("chmod")
            .args(["-R", "u+w"])
            .arg(env.ledger())
            .status();
        println!("skipped: {how} left the ledger writable (root without mount rights?)");
        return;
    }
    println!("read-only media made by {how}");
    let before = tree_bytes(&ledger);
    let ledger_arg = ledger.to_str().expect("path").to_string();
    for (args, want) in commands.iter().zip(&expected) {
        let out = env
            .malbok()
            .arg("--ledger")
            .arg(&ledger_arg)
            .args(*args)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert_eq!(&String::from_utf8_lossy(&out.stdout), want, "{args:?}");
        assert!(
            stderr.contains("read-only") && stderr.contains("private copy"),
            "{stderr}"
        );
    }
    let out = env
        .malbok()
        .arg("--ledger")
        .arg(&ledger_arg)
        .args(common::org_append("skrivskyddad"))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("read-only media"), "{stderr}");
    assert_eq!(tree_bytes(&ledger), before, "the read-only ledger changed");
    let _ = std::process::Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(env.ledger())
        .status();
}

/// Defect 6 (`init` on a full disk): on tmpfs mounts of 4, 8 and 12 KiB, `init` either fails
/// with exit 3 and "no space left" leaving no half-made directory (and a later `init` at the same
/// path works once there is room), or succeeds with a ledger that verifies to the head it printed
/// once there is room. Needs root to mount; skipped with the reason elsewhere.
#[test]
fn init_on_a_full_disk_leaves_nothing_behind() {
    let env = TestEnv::new();
    let limit = std::time::Duration::from_secs(60);
    let mut failed = 0;
    for size in ["4k", "8k", "12k"] {
        let mnt = env.path(&format!("tiny-{size}"));
        std::fs::create_dir(&mnt).expect("mkdir");
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}")])
            .arg("tmpfs")
            .arg(&mnt)
            .output();
        match mounted {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                println!(
                    "skipped: cannot mount a tmpfs: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                return;
            }
            Err(e) => {
                println!("skipped: cannot run mount: {e}");
                return;
            }
        }
        let _guard = Mounted(mnt.clone());
        let ledger = mnt.join("new.db");
        let init = || {
            let mut cmd = env.process();
            cmd.arg("--ledger").arg(&ledger).arg("init");
            bounded(cmd, limit).expect("init on a full disk hung")
        };
        let out = init();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        println!(
            "init on a {size} tmpfs: exit {:?} {}",
            out.status.code(),
            stderr.trim()
        );
        let grow = || {
            let grown = std::process::Command::new("mount")
                .args(["-o", "remount,size=64m"])
                .arg(&mnt)
                .status()
                .expect("remount");
            assert!(grown.success());
        };
        if out.status.success() {
            let head = String::from_utf8_lossy(&out.stdout).trim().to_string();
            grow();
            let mut cmd = env.process();
            cmd.arg("--ledger")
                .arg(&ledger)
                .args(["verify", "--head", &head]);
            let verify = bounded(cmd, limit).expect("verify hung");
            assert!(
                verify.status.success(),
                "init on {size} said {head} but: {}",
                String::from_utf8_lossy(&verify.stderr)
            );
            continue;
        }
        failed += 1;
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains("no space left"), "{stderr}");
        assert!(
            !ledger.exists() || std::fs::read_dir(&ledger).expect("dir").next().is_none(),
            "init left a half-made ledger: {:?}",
            tree_bytes(&ledger).keys().collect::<Vec<_>>()
        );
        grow();
        let again = init();
        assert!(
            again.status.success(),
            "init after space was freed: {}",
            String::from_utf8_lossy(&again.stderr)
        );
    }
    println!("{failed} of 3 inits failed for want of space, each leaving nothing behind");
}

/// Defect 5 (readers are writers): a reader during an import waits only until the import's next
/// part, which lets it in; it sees the ledger as committed before the import (or after it), never
/// a mix, and never exits 3. A command that writes and is let in is refused before it writes.
#[test]
fn readers_are_let_in_while_an_import_runs() {
    let env = TestEnv::new();
    env.init();
    env.run(&["gen", "--size", "6000", "--seed", "1", "--out", "a.jsonl"]);
    env.run(&["import", "a.jsonl"]);
    let before = env.run(&["head"]).trim().to_string();
    let size = 20_000u64;
    env.run(&[
        "gen",
        "--size",
        &size.to_string(),
        "--seed",
        "2",
        "--after",
        &before,
        "--out",
        "b.jsonl",
    ]);
    let mut import = env
        .process()
        .env("MALBOK_IMPORT_PART", "500")
        .args(["import", "b.jsonl"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start the import");
    let reads: [&[&str]; 3] = [
        &["head"],
        &["verify", "--deep"],
        &["status", "--org", "k0001s1", "--at", "2021-08-31"],
    ];
    let (mut during, mut writers_refused) = (0, 0);
    let mut heads = std::collections::BTreeSet::new();
    while import.try_wait().expect("poll").is_none() {
        for args in reads {
            let out = env.malbok().args(args).output().expect("run a reader");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{args:?} during the import: {stderr}");
            if args == ["head"] {
                heads.insert(String::from_utf8_lossy(&out.stdout).trim().to_string());
            }
        }
        // A writer that would be refused anyway (the organisation exists): let in during the
        // import it is refused as a writer (exit 3) before it checks anything; before or after
        // the import, by the check (exit 2). Either way nothing is written.
        let write = env
            .malbok()
            .args(["organisation", "add", "--id", "k0001s1", "--name", "Again"])
            .output()
            .expect("run a writer");
        let stderr = String::from_utf8_lossy(&write.stderr);
        match write.status.code() {
            Some(3) => {
                assert!(
                    stderr.contains("which paused to let this command read"),
                    "{stderr}"
                );
                writers_refused += 1;
            }
            code => assert_eq!(code, Some(2), "a writer during the import: {stderr}"),
        }
        if import.try_wait().expect("poll").is_none() {
            during += 1;
        }
    }
    let done = import.wait_with_output().expect("import ends");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(
        during >= 2,
        "only {during} rounds of readers ran during the import"
    );
    assert!(
        writers_refused >= 1,
        "no writer was let in during the import"
    );
    let after = env.run(&["head"]).trim().to_string();
    let first_seq: u64 = before.split(':').next().unwrap().parse().unwrap();
    let last_seq: u64 = after.split(':').next().unwrap().parse().unwrap();
    assert_eq!(last_seq, first_seq + size, "the import is whole");
    heads.retain(|h| *h != before && *h != after);
    assert!(
        heads.is_empty(),
        "heads neither before nor after: {heads:?}"
    );
    env.run(&["verify", "--deep"]);
    eprintln!("{during} rounds of readers during the import, {writers_refused} writers refused");
}

/// A long `verify` (also `seal`'s and `reproduce`'s) lets waiting readers in between its
/// blocks and goes on where it stopped: the readers succeed and the verify still checks every
/// event. `MALBOK_READERS_CHECK=1` makes it look for readers after every block.
#[test]
fn a_verify_lets_readers_in_and_still_checks_every_event() {
    let env = TestEnv::new();
    env.init();
    env.run(&["gen", "--size", "4000", "--seed", "1", "--out", "a.jsonl"]);
    env.run(&["import", "a.jsonl"]);
    let head = env.run(&["head"]).trim().to_string();
    let mut rounds = 0;
    let mut during = 0;
    for _ in 0..2 {
        let mut verify = env
            .process()
            .env("MALBOK_READERS_CHECK", "1")
            .arg("verify")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start verify");
        while verify.try_wait().expect("poll").is_none() {
            let out = env.run(&["head"]);
            assert_eq!(out.trim(), head);
            rounds += 1;
            if verify.try_wait().expect("poll").is_none() {
                during += 1;
            }
        }
        let done = verify.wait_with_output().expect("verify ends");
        let stdout = String::from_utf8_lossy(&done.stdout);
        assert!(
            done.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&done.stderr)
        );
        assert!(stdout.contains(&format!("head {head}")), "{stdout}");
    }
    eprintln!("{rounds} readers while a verify ran, {during} of them finished before it");
    assert!(rounds >= 1, "no reader ran while a verify ran");
}

/// "Every write path has a bounded failure on a full disk": the Ekerö ledger on a tmpfs that is
/// then filled to the last byte; each write command (an append through a command for people, a
/// reading, a seal, a reindex, a restore into a new directory, an import) must end within 60 s
/// with exit 3 and "no space left", or succeed; once space is back the ledger opens, its head
/// is the one before or the one the command reported, and it verifies, derived data included.
/// Needs root for the mount; skipped with the reason elsewhere.
#[test]
fn every_write_path_ends_on_a_full_disk_and_the_ledger_verifies_after() {
    let env = TestEnv::new();
    let mnt = env.path("full");
    std::fs::create_dir(&mnt).expect("mkdir");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=32m", "tmpfs"])
        .arg(&mnt)
        .output();
    match mounted {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            println!(
                "skipped: cannot mount a tmpfs: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return;
        }
        Err(e) => {
            println!("skipped: cannot run mount: {e}");
            return;
        }
    }
    let _guard = Mounted(mnt.clone());
    let ledger = mnt.join("l.db");
    let ledger_arg = ledger.to_str().expect("path").to_string();
    let with = |args: &[&str]| {
        let mut cmd = env.process();
        cmd.arg("--ledger").arg(&ledger_arg).args(args);
        cmd
    };
    let limit = std::time::Duration::from_secs(60);
    let run = |args: &[&str]| bounded(with(args), limit).unwrap_or_else(|| panic!("{args:?} hung"));
    let ok = |args: &[&str]| {
        let out = run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    ok(&["init"]);
    let fixture = common::root().join("fixtures/ekero/events.jsonl");
    ok(&["import", fixture.to_str().expect("path")]);
    let export = env.path("ekero.export.jsonl");
    let exported = with(&["export"])
        .stdout(std::fs::File::create(&export).expect("export file"))
        .status()
        .expect("export");
    assert!(exported.success());
    let big = env.path("big.jsonl");
    let lines: String = (0..3000)
        .map(|i| common::org_line(&format!("fyll.{i}")))
        .collect();
    std::fs::write(&big, lines).expect("write input");
    let restored = mnt.join("restored.db");
    let writes: Vec<Vec<String>> = vec![
        vec![
            "organisation",
            "add",
            "--id",
            "sent",
            "--name",
            "Sent kommun",
        ],
        vec![
            "reading",
            "add",
            "--indicator",
            "ekero.sn.2019.m01.i1",
            "--from",
            "2022-01-01",
            "--to",
            "2022-12-31",
            "--value",
            "1",
            "--source-kind",
            "internal",
            "--source-description",
            "Test",
        ],
        vec![
            "seal",
            "--follow-up",
            "Delår 2021",
            "--org",
            "ekero",
            "--body",
            "ekero.sn",
            "--report-format",
            "md",
        ],
        vec!["reindex"],
        vec!["restore", export.to_str().expect("path")],
        vec!["import", big.to_str().expect("path")],
    ]
    .into_iter()
    .map(|w| w.into_iter().map(String::from).collect())
    .collect();
    let mut refused = 0;
    for write in &writes {
        let args: Vec<&str> = write.iter().map(String::as_str).collect();
        let before = ok(&["head"]).trim().to_string();
        // Fill the disk to its last byte.
        let filler = mnt.join("filler");
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&filler).expect("filler");
            let chunk = vec![0u8; 64 * 1024];
            while file.write_all(&chunk).is_ok() {}
            for size in [4096, 512, 1] {
                while file.write_all(&vec![0u8; size]).is_ok() {}
            }
        }
        // A restore makes a new ledger beside this one.
        let cmd = if args[0] == "restore" {
            let mut cmd = env.process();
            cmd.arg("--ledger").arg(&restored).args(&args);
            cmd
        } else {
            with(&args)
        };
        eprintln!("on a full disk: {args:?}");
        let out = bounded(cmd, limit).unwrap_or_else(|| panic!("{args:?} hung on a full disk"));
        eprintln!("  exit {:?}", out.status.code());
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        std::fs::remove_file(&filler).expect("free the space");
        match out.status.code() {
            Some(0) => {}
            Some(3) => {
                assert!(stderr.contains("no space left"), "{args:?}: {stderr}");
                refused += 1;
            }
            code => panic!("{args:?} on a full disk exited {code:?}: {stderr}"),
        }
        // Space back: the ledger opens at the head before, or at the one the command
        // reported, verifies, and (once a command has opened it for use) so does its derived
        // data.
        let after = ok(&["head"]).trim().to_string();
        if out.status.success() && args[0] != "reindex" && args[0] != "restore" {
            assert_ne!(
                after, before,
                "{args:?} succeeded without appending: {stdout}"
            );
        } else {
            assert_eq!(
                after, before,
                "{args:?} refused but the head moved: {stderr}"
            );
        }
        ok(&["verify"]);
        ok(&["log", "--subject", "ekero"]);
        ok(&["verify", "--deep"]);
        if args[0] == "restore" {
            if out.status.success() {
                let verified = bounded(
                    {
                        let mut cmd = env.process();
                        cmd.arg("--ledger").arg(&restored).arg("verify");
                        cmd
                    },
                    limit,
                )
                .expect("verify hung");
                assert!(verified.status.success());
                std::fs::remove_dir_all(&restored).expect("remove restored");
            } else {
                assert!(!restored.exists(), "a refused restore left {restored:?}");
            }
        }
    }
    println!(
        "{refused} of {} write commands refused for space",
        writes.len()
    );
    assert!(
        refused >= 3,
        "the disk was not full enough to refuse most writes"
    );
}
