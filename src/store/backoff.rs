//! Per-user back-off across passes: until when a served user is left alone, and why.
//!
//! Why it is persisted: a spent daily quota resets at midnight Pacific time, hours away; a
//! restart (a deploy, `oneonone once` from cron) must not call again before then. One row per
//! user in back-off; no row means "due now". The daemon decides the times
//! (`reconcile::backoff`); the store only keeps them.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::columns::{ts, Ts};
use super::{Result, Store};

/// A user's back-off as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserBackoff {
    /// No call for this user before this instant.
    pub next_attempt: DateTime<Utc>,
    /// Passes in a row that failed this way (1 after the first).
    pub failures: u32,
    /// What Google said, in words, for pass output and `check`.
    pub reason: String,
}

impl Store {
    /// The user's back-off, if they are in one (whether or not it has expired).
    pub fn user_backoff(&self, user: &str) -> Result<Option<UserBackoff>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT next_attempt, failures, reason FROM user_backoff WHERE user = ?1",
            )
            .map_err(self.sql_err("read the user's back-off"))?;
        stmt.query_row(params![user], |r| {
            Ok(UserBackoff {
                next_attempt: ts(r, "next_attempt")?,
                failures: r.get("failures")?,
                reason: r.get("reason")?,
            })
        })
        .optional()
        .map_err(self.sql_err("read the user's back-off"))
    }

    /// Records (replaces) the user's back-off.
    pub fn set_user_backoff(
        &mut self,
        user: &str,
        backoff: &UserBackoff,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("write the user's back-off", |tx| {
            tx.prepare_cached(
                "INSERT INTO user_backoff (user, next_attempt, failures, reason, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (user) DO UPDATE SET
                     next_attempt = excluded.next_attempt, failures = excluded.failures,
                     reason = excluded.reason, updated_at = excluded.updated_at",
            )?
            .execute(params![
                user,
                Ts(backoff.next_attempt),
                backoff.failures.max(1),
                backoff.reason,
                Ts(now)
            ])
            .map(drop)
        })
    }

    /// Ends the user's back-off (their pass succeeded). A no-op when there is none.
    pub fn clear_user_backoff(&mut self, user: &str) -> Result<()> {
        self.write("clear the user's back-off", |tx| {
            tx.prepare_cached("DELETE FROM user_backoff WHERE user = ?1")?
                .execute(params![user])
                .map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn a_backoff_is_per_user_replaced_and_cleared_and_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let now = t("2026-11-24T09:00:00Z");
        let b = UserBackoff {
            next_attempt: t("2026-11-25T08:00:00Z"),
            failures: 1,
            reason: "quota exhausted (403 dailyLimitExceeded)".into(),
        };
        {
            let mut s = Store::open_in_state_dir(dir.path()).unwrap();
            assert_eq!(s.user_backoff("a@x").unwrap(), None);
            s.set_user_backoff("a@x", &b, now).unwrap();
            let again = UserBackoff {
                failures: 2,
                ..b.clone()
            };
            s.set_user_backoff("a@x", &again, now).unwrap();
        }
        let mut s = Store::open_in_state_dir(dir.path()).unwrap();
        let got = s
            .user_backoff("a@x")
            .unwrap()
            .expect("kept across a reopen");
        assert_eq!(got.failures, 2);
        assert_eq!(got.next_attempt, b.next_attempt);
        assert_eq!(s.user_backoff("b@x").unwrap(), None, "per user");
        s.clear_user_backoff("a@x").unwrap();
        s.clear_user_backoff("a@x").unwrap();
        assert_eq!(s.user_backoff("a@x").unwrap(), None);
    }
}
