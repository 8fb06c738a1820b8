//! The one "test company" the demo, the end-to-end tests, the CLI tests and the benchmarks
//! stand up on a sandbox: who works there, what day it is, and the service-account key a
//! daemon uses to act for them.
//!
//! It is defined here, once, so that a story told by the demo and a fact checked by a test are
//! about the same people. It is built only through the `/_sandbox/` controls
//! ([`SandboxClient`]), like any other client of a running sandbox, and hands out plain data
//! (endpoint, key, emails): the daemon's `Config` is the daemon's business, and this crate
//! never depends on the daemon.

use super::client::{ControlError, SandboxClient};
use super::people::{Person, PersonError};
use super::server::SandboxOptions;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use std::path::Path;

/// The company's Google Workspace domain.
pub const DOMAIN: &str = "example.com";
/// Where everyone works (and where the meetings are scheduled).
pub const TIME_ZONE: &str = "Europe/Berlin";

/// Alice manages Bob and Carol; the daemon usually serves her.
pub const ALICE: &str = "alice@example.com";
pub const BOB: &str = "bob@example.com";
pub const CAROL: &str = "carol@example.com";
/// Another manager (and, in the demo, one of Alice's reports).
pub const DAN: &str = "dan@example.com";
/// Works at a partner firm outside [`DOMAIN`]: docs must not be shared with her by default.
pub const ERIN: &str = "erin@partner.org";

/// Everyone in the sandbox's directory, as `(email, display name)`.
pub const MEMBERS: &[(&str, &str)] = &[
    (ALICE, "Alice Moreau"),
    (BOB, "Bob Okafor"),
    (CAROL, "Carol Nguyen"),
    (DAN, "Dan Kowalski"),
    (ERIN, "Erin Walsh"),
];

/// Monday 30 Nov 2026, 07:00 in Berlin (06:00 UTC): the company's "today", the day before the
/// first weekly 1-1s. Built from its Unix time so that it cannot fail.
pub fn monday() -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + Duration::seconds(1_796_018_400)
}

/// How to start a sandbox for this company (its domain, a free loopback port).
pub fn sandbox_options() -> SandboxOptions {
    SandboxOptions {
        domain: DOMAIN.to_string(),
        ..SandboxOptions::default()
    }
}

/// The company, stood up on one running sandbox.
pub struct TestCompany {
    control: SandboxClient,
    key: Value,
}

impl TestCompany {
    /// Sets the sandbox's clock to [`monday`], adds [`MEMBERS`] and mints a service-account
    /// key allowed domain-wide delegation.
    pub async fn stand_up(control: &SandboxClient) -> Result<TestCompany, ControlError> {
        Self::stand_up_at(control, monday()).await
    }

    /// [`stand_up`](Self::stand_up) with the clock at `now` instead.
    pub async fn stand_up_at(
        control: &SandboxClient,
        now: DateTime<Utc>,
    ) -> Result<TestCompany, ControlError> {
        control.set_now(now).await?;
        for (email, name) in MEMBERS {
            control.add_user(email, name, TIME_ZONE).await?;
        }
        let key = control.service_account_key().await?;
        Ok(TestCompany {
            control: control.clone(),
            key,
        })
    }

    /// The sandbox's controls.
    pub fn control(&self) -> &SandboxClient {
        &self.control
    }

    /// The base URL a daemon's `google.endpoint` points at (with the trailing slash).
    pub fn endpoint(&self) -> &str {
        self.control.base_url()
    }

    /// The service-account key (Google's JSON key file format).
    pub fn service_account_key(&self) -> &Value {
        &self.key
    }

    /// The key's PEM private key, for tests that check it is never printed.
    pub fn private_key(&self) -> Option<&str> {
        self.key.get("private_key").and_then(Value::as_str)
    }

    /// Writes the key to `path` as Google hands it out (pretty JSON), readable by its owner
    /// only, as a real credential file should be.
    pub fn write_service_account_key(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(&self.key).map_err(std::io::Error::other)?;
        write_private(path, &text)
    }

    /// Signs one of the members in with a person's full-access session.
    pub async fn person(&self, email: &str) -> Result<Person, PersonError> {
        Person::sign_in(&self.control, email).await
    }
}

/// Creates (or truncates) `path` with mode 0600 on Unix and writes `text`.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn monday_is_monday_morning_in_berlin() {
        let berlin: chrono_tz::Tz = TIME_ZONE.parse().expect("a known zone");
        let local = monday().with_timezone(&berlin);
        assert_eq!(
            local.format("%a %d %b %Y %H:%M").to_string(),
            "Mon 30 Nov 2026 07:00"
        );
        assert_eq!(
            Some(monday()),
            Utc.with_ymd_and_hms(2026, 11, 30, 6, 0, 0).single()
        );
    }

    #[test]
    fn everyone_but_erin_is_in_the_domain() {
        let outside: Vec<&str> = MEMBERS
            .iter()
            .map(|(email, _)| *email)
            .filter(|e| !e.ends_with(&format!("@{DOMAIN}")))
            .collect();
        assert_eq!(outside, [ERIN]);
    }
}

#[cfg(test)]
mod stand_up_tests {
    use super::*;
    use crate::Sandbox;

    #[tokio::test]
    async fn stands_up_the_members_the_clock_and_an_owner_only_key() {
        let sandbox = Sandbox::start(sandbox_options()).await.expect("sandbox");
        let control = SandboxClient::new(&sandbox.url);
        let company = TestCompany::stand_up(&control).await.expect("stand up");
        // The sandbox's clock runs on from where it was set, as real time passes.
        let now = control.now().await.expect("clock");
        assert!(
            now >= monday() && now < monday() + Duration::minutes(1),
            "clock at {now}"
        );
        let users = control.get("_sandbox/users").await.expect("users");
        let mut emails: Vec<&str> = users["users"]
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|u| u["email"].as_str())
            .collect();
        emails.sort_unstable();
        let mut expected: Vec<&str> = MEMBERS.iter().map(|(e, _)| *e).collect();
        expected.sort_unstable();
        assert_eq!(emails, expected);
        assert_eq!(company.endpoint(), sandbox.url);
        assert!(company
            .private_key()
            .is_some_and(|k| k.contains("PRIVATE KEY")));

        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("key.json");
        company.write_service_account_key(&path).expect("write key");
        let written: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("read key")).expect("JSON");
        assert_eq!(&written, company.service_account_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let alice = company.person(ALICE).await.expect("alice signs in");
        assert_eq!(alice.email, ALICE);
    }
}
