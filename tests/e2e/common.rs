//! The test company in a fresh sandbox, a config pointing the daemon at it, and helpers to move
//! simulated time and look at the result as the people would.

use chrono::{DateTime, Duration, TimeZone, Utc};
use oneonone::config::Config;
use oneonone::daemon::{Daemon, PassSummary};
pub use oneonone_sandbox::company::TIME_ZONE as TZ;
use oneonone_sandbox::company::{ALICE, BOB};
use oneonone_sandbox::people::Person;
use oneonone_sandbox::{Sandbox, SandboxClient, TestCompany};
use serde_json::Value;
use std::path::PathBuf;

#[path = "../support/daemon_config.rs"]
mod daemon_config;

pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("valid test date")
}

/// The [`TestCompany`] (Alice manages Bob and Carol; Dan is another manager; Erin works at a
/// partner firm outside the domain) on its own sandbox, its clock at Monday 30 Nov 2026 07:00
/// Berlin, and a daemon config.
pub struct Company {
    /// Kept so the server lives as long as the test.
    #[allow(dead_code)]
    pub sandbox: Sandbox,
    pub control: SandboxClient,
    pub company: TestCompany,
    pub dir: tempfile::TempDir,
    pub config_path: PathBuf,
}

impl Company {
    /// The company, and a config serving `served` with `extra_config` appended.
    pub async fn new(served: &[&str], extra_config: &str) -> Company {
        let sandbox = Sandbox::start(oneonone_sandbox::company::sandbox_options())
            .await
            .expect("sandbox starts");
        let control = SandboxClient::new(&sandbox.url);
        let company = TestCompany::stand_up(&control)
            .await
            .expect("stand up the test company");
        let dir = tempfile::tempdir().expect("tempdir");
        daemon_config::write_key(&company, dir.path());
        let config_path = dir.path().join("oneonone.toml");
        std::fs::write(
            &config_path,
            daemon_config::daemon_toml(&company, served, extra_config),
        )
        .expect("write config");
        Company {
            sandbox,
            control,
            company,
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
        self.company.person(email).await.expect("sign in")
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

/// The opening most tests share: the company with a daemon serving Alice (and
/// `extra_config`), her weekly 1-1 with Bob ([`weekly_one_on_one`], titled "Alice / Bob",
/// its event id returned), and the daemon, started after the series exists.
pub async fn alice_and_bob(extra_config: &str) -> (Company, Person, String, Daemon) {
    let co = Company::new(&[ALICE], extra_config).await;
    let alice = co.person(ALICE).await;
    let series = weekly_one_on_one(&alice, BOB, "Alice / Bob").await;
    let daemon = co.daemon().await;
    (co, alice, series, daemon)
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
/// The doc attached to `event_id` on `person`'s calendar; the test fails when there is none.
pub async fn doc_of(person: &Person, event_id: &str) -> String {
    person
        .attached_doc(event_id)
        .await
        .expect("read the event")
        .unwrap_or_else(|| panic!("no doc attached to {event_id}"))
}

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
