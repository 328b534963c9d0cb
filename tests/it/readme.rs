//! The README's "Using it" examples, run as written and in order against the real binary, with
//! `malbok` on PATH, from a directory where `fixtures/` is the repository's.

use crate::common;

use common::TestEnv;

/// The `sh` blocks of the README from "## Using it" to the next second-level heading.
fn using_it_blocks(readme: &str) -> Vec<String> {
    let start = readme.find("\n## Using it").expect("a Using it section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in rest[..end].lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), text) => {
                block.push_str(text);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

#[test]
fn the_readme_examples_run_as_written_in_order() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README");
    let blocks = using_it_blocks(&readme);
    assert!(blocks.len() >= 5, "{blocks:?}");
    let env = TestEnv::new();
    std::os::unix::fs::symlink(common::root().join("fixtures"), env.path("fixtures"))
        .expect("link fixtures");
    let bin = assert_cmd::cargo::cargo_bin("malbok");
    let dir = bin.parent().expect("bin dir");
    // One shell, so that `export` and variables carry from block to block as in a terminal;
    // `set -e` stops at the first command that fails.
    let script = format!("set -e\n{}", blocks.concat());
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(env.dir.path())
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", dir.display()))
        .env("HOME", env.dir.path())
        .env("TZ", "UTC")
        .env("LC_ALL", "C")
        .output()
        .expect("run sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    // What the README's comments promise.
    assert!(stdout.contains("sealed as 124\n"), "{stdout}");
    assert!(!stdout.contains("No goals match"), "{stdout}");
    assert!(stdout.contains("id: ekero.sn.2019.m07.i4\n"), "{stdout}");
    assert!(
        stdout.contains("reading[78].value: 87 → 85"),
        "diff lists the correction:\n{stdout}"
    );
    assert!(env.path("upplands-bro.setup.jsonl").exists());
    // The Kolada and CSV examples did what their comments say.
    assert!(
        stdout.contains("id: upplands-bro.sn.2024.fler-aldre-ska-kunna-bo-kvar-hemma.i1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("0 values already recorded, 1 for no indicator"),
        "{stdout}"
    );
    assert!(stdout.contains("nothing new to append\n"), "{stdout}");
    assert!(env.path("malbok.1").exists() && env.path("malbok.bash").exists());
    assert!(env.path("published.md").exists());
}
