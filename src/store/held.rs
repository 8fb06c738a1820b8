//! Setup steps Google refused for good (a share a sharing policy forbids, an attach patch
//! that cannot succeed), held back until a given time so they are not re-sent every poll
//! (issue 9 §8). The series carries on without them: its sections are still written and
//! harvested.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::columns::{ts, Ts};
use super::{Result, Store};

/// One held-back step of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldStep {
    /// `share`, or `attach:<event id>`.
    pub step: String,
    pub not_before: DateTime<Utc>,
    /// Google's refusal, as reported when it happened.
    pub error: String,
}

impl Store {
    /// Holds `step` of a series back until `not_before`, remembering why.
    pub(crate) fn hold_step(
        &mut self,
        user: &str,
        series_key: &str,
        step: &str,
        not_before: DateTime<Utc>,
        error: &str,
    ) -> Result<()> {
        self.write("hold back a refused step", |tx| {
            tx.execute(
                "INSERT INTO held_steps (user, series_key, step, not_before, error)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (user, series_key, step) DO UPDATE SET
                     not_before = excluded.not_before, error = excluded.error",
                params![user, series_key, step, Ts(not_before), error],
            )
            .map(drop)
        })
    }

    /// The step succeeded (or is no longer wanted): nothing is held back any more.
    pub(crate) fn release_step(&mut self, user: &str, series_key: &str, step: &str) -> Result<()> {
        self.write("release a held step", |tx| {
            tx.execute(
                "DELETE FROM held_steps WHERE user = ?1 AND series_key = ?2 AND step = ?3",
                params![user, series_key, step],
            )
            .map(drop)
        })
    }

    /// Every held-back step of a series (also for `oneonone explain`).
    pub fn held_steps(&self, user: &str, series_key: &str) -> Result<Vec<HeldStep>> {
        let op = "read the held steps";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT step, not_before, error FROM held_steps
                 WHERE user = ?1 AND series_key = ?2 ORDER BY step",
            )
            .map_err(self.sql_err(op))?;
        let rows = stmt
            .query_map(params![user, series_key], |r| {
                Ok(HeldStep {
                    step: r.get(0)?,
                    not_before: ts(r, "not_before")?,
                    error: r.get(2)?,
                })
            })
            .map_err(self.sql_err(op))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sql_err(op))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_held_step_is_kept_per_series_until_released() {
        let mut s = Store::open_in_memory().unwrap();
        let t = Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap();
        s.hold_step("a@x.org", "k1", "share", t, "403 policy")
            .unwrap();
        s.hold_step("a@x.org", "k1", "attach:e1", t, "400").unwrap();
        s.hold_step("a@x.org", "k2", "share", t, "403").unwrap();
        let held = s.held_steps("a@x.org", "k1").unwrap();
        assert_eq!(
            held.iter().map(|h| h.step.as_str()).collect::<Vec<_>>(),
            ["attach:e1", "share"]
        );
        assert_eq!(held[1].not_before, t);
        assert_eq!(held[1].error, "403 policy");
        s.release_step("a@x.org", "k1", "share").unwrap();
        assert_eq!(s.held_steps("a@x.org", "k1").unwrap().len(), 1);
        assert_eq!(s.held_steps("a@x.org", "k2").unwrap().len(), 1);
        assert!(s.held_steps("b@x.org", "k1").unwrap().is_empty());
    }
}
