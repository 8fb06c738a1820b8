//! The whole sandbox world: every user, token, event, document and file, in memory.
//!
//! One `World` behind one mutex keeps every API call atomic with respect to every other, which
//! is what Google's per-resource consistency looks like from a single client, and makes
//! `/_sandbox/state` a consistent snapshot. Handlers never hold the lock across an `.await`.

use super::calendar::CalendarState;
use super::clock::SimClock;
use super::docs::DocsState;
use super::drive::DriveState;
use super::faults::Faults;
use super::oauth::OAuthState;
use super::stats::Stats;
use super::tasks::TasksState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A person with a Google account in the sandbox's domain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub email: String,
    pub name: String,
    #[serde(rename = "timeZone")]
    pub time_zone: String,
}

/// A push notification waiting to be POSTed once the world is unlocked (Google sends an empty
/// body; everything is in the `X-Goog-*` headers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub address: String,
    pub headers: Vec<(String, String)>,
}

/// Unique ids. Deterministic (a counter per world) so seeded runs are reproducible, and mixed
/// with a per-world salt so ids from two sandboxes never collide in one test.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IdGen {
    counter: u64,
    salt: u64,
}

impl IdGen {
    pub fn with_salt(salt: u64) -> Self {
        IdGen { counter: 0, salt }
    }

    /// A fresh id: `prefix` followed by lowercase base32hex digits (the alphabet Calendar
    /// requires for event ids, a-v and 0-9), at least 10 of them.
    pub fn next(&mut self, prefix: &str) -> String {
        self.counter += 1;
        let mut n = self
            .salt
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(self.counter.wrapping_mul(0xBF58_476D_1CE4_E5B9));
        const ALPHABET: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
        let mut out = String::from(prefix);
        for _ in 0..13 {
            out.push(ALPHABET[(n & 31) as usize] as char);
            n >>= 5;
        }
        out.push_str(&format!("{:x}", self.counter));
        out
    }

    /// A monotonically increasing number (sequence numbers, revisions, change ids).
    pub fn tick(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct World {
    /// The Workspace domain the sandbox pretends to be (domain-wide delegation is granted for
    /// it).
    pub domain: String,
    /// `http://127.0.0.1:PORT/`, with the trailing slash the crates need.
    pub base_url: String,
    pub users: BTreeMap<String, User>,
    pub clock: SimClock,
    pub faults: Faults,
    /// How slow answers are ([`crate::latency`]).
    #[serde(default)]
    pub latency: crate::latency::Latency,
    pub stats: Stats,
    pub oauth: OAuthState,
    pub calendar: CalendarState,
    pub docs: DocsState,
    pub drive: DriveState,
    /// Google Tasks: every user's task lists and tasks.
    #[serde(default)]
    pub tasks: TasksState,
    #[serde(skip)]
    pub outbox: Vec<Notification>,
    pub ids: IdGen,
}

impl World {
    pub fn new(domain: &str, base_url: &str) -> Self {
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        World {
            domain: domain.to_string(),
            base_url: base_url.to_string(),
            ids: IdGen::with_salt(salt),
            ..World::default()
        }
    }

    /// Simulated now.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn user(&self, email: &str) -> Option<&User> {
        self.users.get(&email.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_base32hex() {
        let mut ids = IdGen::with_salt(42);
        let a = ids.next("");
        let b = ids.next("");
        assert_ne!(a, b);
        assert!(a.len() >= 10);
        assert!(a.chars().all(|c| matches!(c, '0'..='9' | 'a'..='v')));
    }
}
