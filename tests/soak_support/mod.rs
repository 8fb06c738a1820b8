//! The soak's world: an in-process sandbox with a small company, a config pointing the real
//! binary at it, and ways to run the binary — to completion, or killed with SIGKILL after a
//! delay — that keep everything it printed for the secret check.
//!
//! Copied from `tests/cli_support` rather than shared, so the soak can tune retries and
//! timeouts and log at debug level without touching the other tests' fixture.

use chrono::{DateTime, TimeZone, Utc};
use oneonone_sandbox::people::Person;
use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

pub const TZ: &str = "Europe/Berlin";
/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_oneonone");
/// No single command may take longer than this (a hang fails the test instead of the suite).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(90);

pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid test date")
}

/// Alice manages Bob and Carol.
const PEOPLE: &[(&str, &str)] = &[
    ("alice@example.com", "Alice Moreau"),
    ("bob@example.com", "Bob Okafor"),
    ("carol@example.com", "Carol Nguyen"),
];

/// A sandbox with [`PEOPLE`], a service-account key and a config file in a temp dir.
pub struct World {
    /// Kept so the server lives as long as the test.
    #[allow(dead_code)]
    pub sandbox: Sandbox,
    pub control: SandboxClient,
    pub dir: tempfile::TempDir,
    pub config_path: PathBuf,
    /// The service-account key as written to `key.json`.
    pub key: serde_json::Value,
}

impl World {
    /// The clock at `now`; the config serves `served`.
    pub async fn new(served: &[&str], now: DateTime<Utc>) -> World {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("sandbox starts");
        let control = SandboxClient::new(&sandbox.url);
        control.set_now(now).await.expect("set clock");
        for (email, name) in PEOPLE {
            control.add_user(email, name, TZ).await.expect("add user");
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let key = control
            .service_account_key()
            .await
            .expect("service account");
        std::fs::write(dir.path().join("key.json"), key.to_string()).expect("write key");
        let config_path = dir.path().join("oneonone.toml");
        let users = served
            .iter()
            .map(|u| format!("\"{u}\""))
            .collect::<Vec<_>>()
            .join(", ");
        // Two attempts and a short timeout: a fault costs the soak half a second, not a minute,
        // and a pass that runs out of attempts is what the next pass must recover from.
        let config = format!(
            "[google]\nauth = \"service_account\"\nservice_account_key = \"key.json\"\n\
             users = [{users}]\nendpoint = \"{}\"\nmax_attempts = 2\nrequest_timeout = \"3s\"\n\n\
             [http]\nlisten = \"127.0.0.1:0\"\n\n[daemon]\nstate_dir = \"state\"\nclock = \"sandbox\"\n",
            control.base_url()
        );
        std::fs::write(&config_path, config).expect("write config");
        World {
            sandbox,
            control,
            dir,
            config_path,
            key,
        }
    }

    fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(BIN);
        cmd.arg("--config")
            .arg(&self.config_path)
            .args(args)
            .current_dir(self.dir.path())
            // Debug logs are where a secret would leak first.
            .env("RUST_LOG", "debug")
            .env_remove("ONEONONE_CONFIG")
            .env_remove("RUST_BACKTRACE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }

    /// Runs `oneonone --config <config> args…` to completion.
    pub async fn cli(&self, args: &[&str]) -> Output {
        let child = self.command(args).spawn().expect("spawn oneonone");
        let out = tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output())
            .await
            .unwrap_or_else(|_| panic!("oneonone {args:?} did not finish in {COMMAND_TIMEOUT:?}"))
            .expect("wait for oneonone");
        Output::from(out)
    }

    /// Starts `oneonone args…`, lets it work for `after`, then SIGKILLs it (if it has not
    /// exited by then).
    pub async fn start_and_kill(&self, args: &[&str], after: Duration) -> Output {
        let mut child = self.command(args).spawn().expect("spawn oneonone");
        tokio::time::sleep(after).await;
        // SIGKILL: no signal handler, no cleanup, as a crash or an OOM kill.
        let _ = child.start_kill();
        let out = tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output())
            .await
            .expect("a killed process is reaped")
            .expect("wait for oneonone");
        Output::from(out)
    }

    pub async fn person(&self, email: &str) -> Person {
        Person::sign_in(&self.control, email)
            .await
            .expect("sign in")
    }

    /// The key's private key text, which must never appear in any output.
    pub fn private_key(&self) -> String {
        self.key["private_key"]
            .as_str()
            .expect("key has private_key")
            .to_string()
    }
}

/// Alice's weekly 30-minute meeting with `other` from `first`, on `byday` (`TU`, `TH`, …).
pub async fn weekly(
    alice: &Person,
    other: &str,
    title: &str,
    first: DateTime<Utc>,
    byday: &str,
) -> String {
    alice
        .create_recurring(
            title,
            &[other],
            first,
            30,
            TZ,
            &[&format!("RRULE:FREQ=WEEKLY;BYDAY={byday}")],
        )
        .await
        .expect("create series")
        .id
        .expect("event id")
}

#[path = "../support/output.rs"]
mod output;
pub use output::Output;

impl From<std::process::Output> for Output {
    fn from(out: std::process::Output) -> Self {
        Output {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Everything every command printed, for the closing secret check.
#[derive(Default)]
pub struct Log {
    outputs: Vec<Output>,
}

impl Log {
    /// Keeps `out`, after checking that it did not panic (a fault is never a reason to).
    pub fn push(&mut self, out: Output) {
        out.no_panic();
        self.outputs.push(out);
    }

    /// How much was printed in all: what the secret check reads.
    pub fn bytes(&self) -> usize {
        self.outputs
            .iter()
            .map(|o| o.stdout.len() + o.stderr.len())
            .sum()
    }

    /// No access or refresh token, private key (whole or a line of it), signed assertion or
    /// key armour in any output. Returns how many outputs it checked.
    pub fn assert_clean(&self, secrets: &[String], seed: u64) -> u32 {
        for (n, out) in self.outputs.iter().enumerate() {
            let all = out.all();
            for secret in secrets {
                assert!(
                    !all.contains(secret.as_str()),
                    "seed {seed}: output {n} carries a secret ({}…)",
                    &secret[..secret.len().min(12)]
                );
            }
            for pattern in ["eyJhbGciOi", "assertion=", "PRIVATE KEY", "ya29."] {
                assert!(
                    !all.contains(pattern),
                    "seed {seed}: output {n} carries {pattern}"
                );
            }
        }
        self.outputs.len() as u32
    }
}
