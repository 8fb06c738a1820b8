//! Running the real `oneonone` binary against an in-process sandbox: a small company, a config
//! pointing at it, and a helper that runs one command and captures its output.
//!
//! The sandbox runs on the test's tokio runtime, so commands are awaited through
//! `tokio::process` (never a blocking wait that would starve the server).

use chrono::{DateTime, TimeZone, Utc};
use oneonone_sandbox::company::TIME_ZONE as TZ;
use oneonone_sandbox::people::Person;
use oneonone_sandbox::{Sandbox, SandboxClient, TestCompany};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

#[path = "../support/daemon_config.rs"]
mod daemon_config;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_oneonone");
/// No single command may take longer than this (a hang fails the test instead of the suite).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid test date")
}

/// [`TestCompany`] (Alice manages Bob and Carol) on its own sandbox, its service-account key
/// and a config file in a temp dir.
pub struct World {
    /// Kept so the server lives as long as the test.
    #[allow(dead_code)]
    pub sandbox: Sandbox,
    pub control: SandboxClient,
    pub company: TestCompany,
    pub dir: tempfile::TempDir,
    pub config_path: PathBuf,
}

impl World {
    /// The clock at `now`; the config serves `served` with `extra_config` appended.
    pub async fn new(served: &[&str], now: DateTime<Utc>, extra_config: &str) -> World {
        let sandbox = Sandbox::start(oneonone_sandbox::company::sandbox_options())
            .await
            .expect("sandbox starts");
        let control = SandboxClient::new(&sandbox.url);
        let company = TestCompany::stand_up_at(&control, now)
            .await
            .expect("stand up the test company");
        let dir = tempfile::tempdir().expect("tempdir");
        daemon_config::write_key(&company, dir.path());
        let config_path = dir.path().join("oneonone.toml");
        let world = World {
            sandbox,
            control,
            company,
            dir,
            config_path,
        };
        world.write_config(served, extra_config);
        world
    }

    /// (Re)writes `oneonone.toml` for `served`.
    pub fn write_config(&self, served: &[&str], extra_config: &str) {
        let config = daemon_config::daemon_toml(&self.company, served, extra_config);
        std::fs::write(&self.config_path, config).expect("write config");
    }

    /// Runs `oneonone --config <this world's config> args…` to completion.
    pub async fn cli(&self, args: &[&str]) -> Output {
        let config = self.config_path.display().to_string();
        let mut all = vec!["--config", config.as_str()];
        all.extend_from_slice(args);
        oneonone(&all, self.dir.path()).await
    }

    pub async fn person(&self, email: &str) -> Person {
        self.company.person(email).await.expect("sign in")
    }

    /// How often the sandbox served `method` (e.g. `drive.files.create`).
    pub async fn calls(&self, method: &str) -> u64 {
        let stats = self.control.stats().await.expect("stats");
        stats["calls"][method].as_u64().unwrap_or(0)
    }

    /// The key's private key text, which must never appear in any output.
    pub fn private_key(&self) -> String {
        self.company
            .private_key()
            .expect("key has private_key")
            .to_string()
    }

    /// The service-account key as written to `key.json`.
    pub fn key(&self) -> &serde_json::Value {
        self.company.service_account_key()
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }
}

/// Alice's weekly Tuesday 10:00 (Berlin) meeting from Tue 1 Dec 2026 with `others`.
pub async fn weekly(alice: &Person, others: &[&str], title: &str) -> String {
    alice
        .create_recurring(
            title,
            others,
            utc(2026, 12, 1, 9, 0),
            30,
            TZ,
            &["RRULE:FREQ=WEEKLY;BYDAY=TU"],
        )
        .await
        .expect("create series")
        .id
        .expect("event id")
}

#[path = "../support/output.rs"]
mod output;
pub use output::Output;

/// A command with a clean environment (no `RUST_LOG`, no `ONEONONE_CONFIG`), in `cwd`.
pub fn command(args: &[&str], cwd: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(BIN);
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .env_remove("ONEONONE_CONFIG")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Runs the binary to completion (at most [`COMMAND_TIMEOUT`]).
pub async fn oneonone(args: &[&str], cwd: &Path) -> Output {
    let child = command(args, cwd).spawn().expect("spawn oneonone");
    let out = tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("oneonone {args:?} did not finish in {COMMAND_TIMEOUT:?}"))
        .expect("wait for oneonone");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Sends SIGTERM to a child process.
pub fn sigterm(child: &tokio::process::Child) {
    let pid = child.id().expect("child still running");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -TERM {pid} failed");
}
