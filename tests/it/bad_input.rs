//! The bad-input corpus in `fixtures/bad/`: every `NAME.jsonl` there is a malformed import and
//! `NAME.expected` the one stderr line it must produce. Each file is refused whole with exit code
//! 2, nothing on stdout, no panic, and the ledger head unchanged; most files start with good
//! lines, so an unchanged head also proves those were not stored.
//!
//! Every fixture is copied into the test's own directory under its own name and imported from
//! there (the binary runs with that directory as its working directory), so the message names
//! just the file name. After changing a message in src/, update the `.expected` files.
//!
//! The 10 MiB line is generated here rather than committed.

use crate::common;

use common::TestEnv;
use malbok::import::jsonl::MAX_LINE_BYTES;
use std::path::PathBuf;

/// How many `*.jsonl` files the corpus holds; a file lost from `fixtures/bad/` fails the test.
const CORPUS_FILES: usize = 21;

/// The corpus files, sorted by name.
fn corpus() -> Vec<PathBuf> {
    let dir = common::root().join("fixtures/bad");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "jsonl"))
        .collect();
    files.sort();
    assert!(
        files.len() >= CORPUS_FILES,
        "fixtures/bad holds {} .jsonl files, expected at least {CORPUS_FILES}",
        files.len()
    );
    files
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .expect("file name")
        .to_str()
        .expect("UTF-8 file name")
        .to_string()
}

/// The stderr line `NAME.jsonl` must produce, from `NAME.expected`.
fn expected_for(path: &std::path::Path) -> String {
    let expected = path.with_extension("expected");
    let text = std::fs::read_to_string(&expected)
        .unwrap_or_else(|e| panic!("read {}: {e}", expected.display()));
    text.strip_suffix('\n').unwrap_or(&text).to_string()
}

/// Runs `cmd`, checks that it was refused as bad input (exit code 2, nothing on stdout, no
/// panic) and returns its stderr without the final newline.
fn refused(what: &str, cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().expect("run malbok");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "{what}: malbok panicked: {stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit code should be 2 (input refused); stderr: {stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "{what}: stdout should be empty, got: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr.strip_suffix('\n').unwrap_or(&stderr).to_string()
}

/// The head has not moved and the ledger still verifies.
fn assert_untouched(env: &TestEnv, what: &str, head_before: &str) {
    assert_eq!(env.head(), head_before, "{what}: the ledger head moved");
    env.run(&["verify"]);
}

/// The line number in a message `malbok: FILE:LINE: …`, if it has one.
fn line_of(message: &str, file: &str) -> Option<usize> {
    let rest = message.strip_prefix(&format!("malbok: {file}:"))?;
    rest.split(':').next()?.parse().ok()
}

#[test]
fn every_corpus_file_is_refused_whole_with_its_expected_message() {
    let mut mismatches = Vec::new();
    for path in corpus() {
        let name = file_name(&path);
        let bytes = std::fs::read(&path).expect("read fixture");
        let expected = expected_for(&path);

        let env = TestEnv::new();
        env.init();
        let head = env.head();
        env.write(&name, &bytes);
        let stderr = refused(&name, env.malbok().args(["import", &name]));
        if stderr != expected {
            mismatches.push(format!(
                "{name}:\n  expected: {expected}\n  got:      {stderr}"
            ));
        }
        assert_untouched(&env, &name, &head);

        // The lines before the bad one are good: alone they import, so it was the bad line
        // that kept them out of the ledger.
        let Some(line) = line_of(&expected, &name) else {
            continue;
        };
        let prefix: Vec<&[u8]> = bytes.split(|&b| b == b'\n').take(line - 1).collect();
        if prefix.iter().all(|l| l.trim_ascii().is_empty()) {
            continue;
        }
        let good = format!("good_part_of_{name}");
        env.write(&good, &[prefix.join(&b'\n'), b"\n".to_vec()].concat());
        env.run(&["import", &good]);
        assert_ne!(
            env.head(),
            head,
            "{name}: the good lines before line {line} stored nothing"
        );
    }
    assert!(
        mismatches.is_empty(),
        "messages differ from fixtures/bad/*.expected:\n{}",
        mismatches.join("\n")
    );
}

/// The corpus is about exact bytes; an editor or a git line-ending conversion must not have
/// quietly repaired it.
#[test]
fn corpus_bytes_are_intact() {
    let read = |name: &str| std::fs::read(common::root().join("fixtures/bad").join(name)).unwrap();
    assert!(read("bom.jsonl").starts_with(b"\xEF\xBB\xBF"));
    let crlf = read("crlf.jsonl");
    assert!(crlf.ends_with(b"\r\n") && !crlf.starts_with(b"\xEF\xBB\xBF"));
    assert!(std::str::from_utf8(&read("non_utf8.jsonl")).is_err());
    assert!(read("non_utf8.jsonl").contains(&0xE5));
    assert!(read("empty.jsonl").is_empty());
    assert!(read("only_blank_lines.jsonl").trim_ascii().is_empty());
    for path in corpus() {
        let name = file_name(&path);
        if name != "crlf.jsonl" {
            assert!(!read(&name).contains(&b'\r'), "{name} holds a CR");
        }
    }
}

#[test]
fn a_ten_mib_line_is_refused_by_its_length() {
    let env = TestEnv::new();
    env.init();
    let head = env.head();
    // A line the domain accepts: a streamed import refuses at the first bad line, in order.
    let good = r#"{"kind":"organisation.registered","payload":{"id":"testby","name":"Testby"}}"#;
    let huge = format!(
        r#"{{"kind":"document.attached","payload":{{"name":"protokoll.pdf","base64":"{}"}}}}"#,
        "A".repeat(10 << 20)
    );
    env.write("ten_mib_line.jsonl", format!("{good}\n{huge}\n").as_bytes());

    let stderr = refused(
        "10 MiB line",
        env.malbok().args(["import", "ten_mib_line.jsonl"]),
    );
    assert_eq!(
        stderr,
        format!(
            "malbok: ten_mib_line.jsonl:2: the line is {} bytes; a line may have at most {MAX_LINE_BYTES} bytes (1 MiB)",
            huge.len()
        )
    );
    assert_untouched(&env, "10 MiB line", &head);
}

#[test]
fn append_refuses_a_float_payload_like_import_does() {
    let env = TestEnv::new();
    env.init();
    let head = env.head();
    let reason = r#"payload.v: numbers with a fraction or an exponent (here 0.5) are never stored; write an exact decimal as a string, e.g. "0.87", and whole numbers without an exponent"#;

    let stderr = refused(
        "append",
        env.malbok()
            .args(["append", "--kind", "x.y", "--payload", r#"{"v":0.5}"#]),
    );
    assert_eq!(stderr, format!("malbok: --payload: {reason}"));
    assert_untouched(&env, "append", &head);

    env.write(
        "float.jsonl",
        b"{\"kind\":\"x.y\",\"payload\":{\"v\":0.5}}\n",
    );
    let stderr = refused("import", env.malbok().args(["import", "float.jsonl"]));
    assert_eq!(stderr, format!("malbok: float.jsonl:1: {reason}"));
    assert_untouched(&env, "import", &head);
}

/// The whole corpus again, through `import -`: the same messages with `<stdin>` as the source, on one
/// ledger that none of them moves.
#[test]
fn import_from_stdin_refuses_the_corpus_the_same_way() {
    let env = TestEnv::new();
    env.init();
    let head = env.head();
    let mut mismatches = Vec::new();
    for path in corpus() {
        let name = file_name(&path);
        let expected = expected_for(&path);
        let expected = expected
            .strip_prefix(&format!("malbok: {name}"))
            .map(|rest| format!("malbok: <stdin>{rest}"))
            .unwrap_or_else(|| panic!("{name}.expected does not start with `malbok: {name}`"));
        let stdin = std::fs::read(&path).expect("read fixture");
        let what = format!("{name} on stdin");
        let stderr = refused(&what, env.malbok().args(["import", "-"]).write_stdin(stdin));
        if stderr != expected {
            mismatches.push(format!(
                "{what}:\n  expected: {expected}\n  got:      {stderr}"
            ));
        }
        assert_untouched(&env, &what, &head);
    }
    assert!(
        mismatches.is_empty(),
        "messages for stdin differ:\n{}",
        mismatches.join("\n")
    );
}
