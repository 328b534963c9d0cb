//! The test environment: every test runs the real binary against its own ledger directory with
//! the clock, actor, time zone and locale fixed, so outputs never churn.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// Ledger time every test event gets unless a test sets another.
pub const NOW: &str = "2021-09-01T10:00:00Z";

pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The default ledger of this environment.
    pub fn ledger(&self) -> PathBuf {
        self.dir.path().join("malbok.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `malbok` with a fixed environment, on this environment's ledger.
    pub fn malbok(&self) -> Command {
        Command::from_std(self.process())
    }

    /// The same as a plain `std::process::Command`, for tests that spawn and kill it.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("malbok"));
        cmd.current_dir(self.dir.path())
            .env_clear()
            .env("MALBOK_LEDGER", self.ledger())
            .env("MALBOK_ACTOR", "tester")
            .env("MALBOK_NOW", NOW)
            .env("TZ", "UTC")
            .env("LC_ALL", "C");
        cmd
    }

    /// A ledger with `init` done.
    pub fn init(&self) {
        self.malbok().arg("init").assert().success();
    }

    /// Runs malbok and returns its stdout; panics with stderr if it fails.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.malbok().args(args).output().expect("run malbok");
        assert!(
            out.status.success(),
            "malbok {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// `SEQ:HASH` of the current head.
    pub fn head(&self) -> String {
        let json: serde_json::Value =
            serde_json::from_str(&self.run(&["head", "--format", "json"])).expect("json");
        format!("{}:{}", json["seq"], json["hash"].as_str().expect("hash"))
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write input");
        path
    }
}

/// The repository root, for fixtures.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A valid import line that registers an organisation: the simplest domain event, for tests
/// that need many distinct valid events.
pub fn org_line(id: &str) -> String {
    format!(
        "{{\"kind\":\"organisation.registered\",\"payload\":{{\"id\":\"{id}\",\"name\":\"Kommun {id} – Ekerö, Götene\"}}}}\n"
    )
}

/// `org_line` as the arguments of `malbok append`.
pub fn org_append(id: &str) -> Vec<String> {
    vec![
        "append".into(),
        "--kind".into(),
        "organisation.registered".into(),
        "--payload".into(),
        format!("{{\"id\":\"{id}\",\"name\":\"Kommun {id}\"}}"),
    ]
}
