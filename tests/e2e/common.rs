//! A small company in a fresh sandbox, a config pointing the daemon at it, and helpers to move
//! simulated time and look at the result as the people would.

use chrono::{DateTime, Duration, TimeZone, Utc};
use oneonone::config::Config;
use oneonone::daemon::{Daemon, PassSummary};
use oneonone_sandbox::people::Person;
use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use serde_json::Value;
use std::path::PathBuf;

pub const TZ: &str = "Europe/Berlin";

pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid test date")
}

/// Monday 30 Nov 2026 07:00 Berlin: the tests' "today".
pub fn monday() -> DateTime<Utc> {
    utc(2026, 11, 30, 6, 0)
}

pub struct Company {
    /// Kept so the server lives as long as the test.
    #[allow(dead_code)]
    pub sandbox: Sandbox,
    pub control: SandboxClient,
    pub dir: tempfile::TempDir,
    pub config_path: PathBuf,
}

/// People of the default company: Alice manages Bob and Carol; Dan is another manager; Erin
/// works at a partner firm outside the domain.
pub const PEOPLE: &[(&str, &str)] = &[
    ("alice@example.com", "Alice Moreau"),
    ("bob@example.com", "Bob Okafor"),
    ("carol@example.com", "Carol Nguyen"),
    ("dan@example.com", "Dan Kowalski"),
    ("erin@partner.org", "Erin Walsh"),
];

impl Company {
    /// A sandbox with [`PEOPLE`], the clock at [`monday`], and a config serving `served`.
    pub async fn new(served: &[&str], extra_config: &str) -> Company {
        let sandbox = Sandbox::start(SandboxOptions::default())
            .await
            .expect("sandbox starts");
        let control = SandboxClient::new(&sandbox.url);
        control.set_now(monday()).await.expect("set clock");
        for (email, name) in PEOPLE {
            control.add_user(email, name, TZ).await.expect("add user");
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let key = control
            .service_account_key()
            .await
            .expect("service account");
        std::fs::write(dir.path().join("key.json"), key.to_string()).expect("write key");
        let users = served
            .iter()
            .map(|u| format!("\"{u}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let config = format!(
            "[google]\nauth = \"service_account\"\nservice_account_key = \"key.json\"\n\
             users = [{users}]\nendpoint = \"{}\"\nmax_attempts = 2\n\n[daemon]\n\
             state_dir = \"state\"\nclock = \"sandbox\"\n{extra_config}\n",
            control.base_url()
        );
        let config_path = dir.path().join("oneonone.toml");
        std::fs::write(&config_path, config).expect("write config");
        Company {
            sandbox,
            control,
            dir,
            config_path,
        }
    }

    pub fn config(&self) -> Config {
        Config::load(&self.config_path).expect("config loads")
    }

    /// A daemon as a fresh process would start it (same store on disk).
    pub async fn daemon(&self) -> Daemon {
        Daemon::start(self.config()).await.expect("daemon starts")
    }

    pub async fn person(&self, email: &str) -> Person {
        Person::sign_in(&self.control, email)
            .await
            .expect("sign in")
    }

    pub async fn pass(&self, daemon: &Daemon) -> PassSummary {
        let summary = daemon.pass(None).await.expect("pass runs");
        assert!(
            summary.failures.is_empty(),
            "pass failed: {:?}",
            summary.failures
        );
        summary
    }

    /// Runs one pass per simulated hour until `until`.
    pub async fn run_until(
        &self,
        daemon: &Daemon,
        until: DateTime<Utc>,
    ) -> oneonone::reconcile::PassReport {
        let mut total = oneonone::reconcile::PassReport::default();
        loop {
            let summary = self.pass(daemon).await;
            total.absorb(summary.report);
            let now = self.control.now().await.expect("clock");
            if now >= until {
                return total;
            }
            let step = (until - now).min(Duration::hours(1));
            self.control.advance(step).await.expect("advance");
        }
    }

    pub async fn set_now(&self, t: DateTime<Utc>) {
        self.control.set_now(t).await.expect("set clock");
    }

    pub async fn stats(&self) -> Value {
        self.control.stats().await.expect("stats")
    }

    pub async fn calls(&self, method: &str) -> u64 {
        self.stats().await["calls"][method].as_u64().unwrap_or(0)
    }

    pub async fn reset_stats(&self) {
        self.control.reset_stats().await.expect("reset stats");
    }

    pub fn delete_store(&self) {
        std::fs::remove_dir_all(self.dir.path().join("state")).expect("delete state dir");
    }
}

/// Alice's weekly Tuesday 10:00 (Berlin) 1:1 with `other`, from Tue 1 Dec 2026.
pub async fn weekly_one_on_one(alice: &Person, other: &str, title: &str) -> String {
    alice
        .create_recurring(
            title,
            &[other],
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

/// The plain text of a doc, as its reader sees it.
pub async fn text_of(person: &Person, doc_id: &str) -> String {
    oneonone_sandbox::people::doc_text(&person.get_doc(doc_id).await.expect("read doc"))
}

/// How often `needle` appears in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// How many Google Docs `person` owns or can see in Drive (not trashed).
pub async fn docs_in_drive(person: &Person) -> usize {
    let (_, list) = person
        .drive
        .files()
        .list()
        .q("mimeType = 'application/vnd.google-apps.document' and trashed = false")
        .param("fields", "files(id,name)")
        .doit()
        .await
        .expect("files.list");
    list.files.unwrap_or_default().len()
}
