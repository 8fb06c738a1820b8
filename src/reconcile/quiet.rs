//! "Nothing to do for this user before T, unless Calendar says otherwise", remembered between
//! passes, so that an idle pass is one `events.list` and nothing else (issue 10 §11, issue 12
//! CPU): without it every pass re-read and re-parsed every cached master, expanded every
//! recurrence and read every series' section states, only to plan nothing.
//!
//! The pass stays level-triggered: this is a cache of the last plan's answer, valid only while
//! none of its inputs moved. Its inputs are the calendar (any synced event ends it), the docs
//! (it ends when Drive's change list is next due to be asked), the clock (it ends at the
//! schedule's next due time and at the earliest held step's retry time) and the store (only this
//! process writes it, under the state-dir lock). A pass that did anything, failed anything or
//! reported a problem leaves no quiet behind, so the next pass is a whole one. It lives in
//! memory only: a restart begins with a whole pass.

use chrono::{DateTime, Duration, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

/// The longest a user is left quiet even when nothing is due: a bound on what a time-based
/// input the plan does not name (an occurrence entering the lookahead window) can be late by.
const MAX_QUIET: Duration = Duration::hours(1);

/// Users whose last pass found nothing to do, and until when that answer holds; and users
/// whose Drive changed by a push notification, whose next pass asks Drive's change list at once.
#[derive(Debug, Default)]
pub struct QuietUsers {
    quiet: Mutex<HashMap<String, Quiet>>,
    drive_changed: Mutex<HashSet<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Quiet {
    until: DateTime<Utc>,
    /// The series the last whole pass found, for the pass report.
    series: usize,
}

impl QuietUsers {
    /// The series count of a user still quiet at `now`; `None` means a whole pass is needed.
    pub(crate) fn still(&self, user: &str, now: DateTime<Utc>) -> Option<(usize, DateTime<Utc>)> {
        let map = self.quiet.lock().unwrap_or_else(|p| p.into_inner());
        map.get(user)
            .filter(|q| now < q.until)
            .map(|q| (q.series, q.until))
    }

    /// Records the outcome of a whole pass: quiet until `until`, or (when the pass acted)
    /// nothing, so the next pass is whole.
    pub(crate) fn record(&self, user: &str, until: Option<DateTime<Utc>>, series: usize) {
        let mut map = self.quiet.lock().unwrap_or_else(|p| p.into_inner());
        match until {
            Some(until) => map.insert(user.to_string(), Quiet { until, series }),
            None => map.remove(user),
        };
    }

    /// A Drive push notification said the user's change list grew: their next pass is whole
    /// and asks Drive's change list even within its debounce (`reconcile::changes`).
    pub fn drive_changed(&self, user: &str) {
        self.forget(user);
        self.drive_changed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(user.to_string());
    }

    /// Whether Drive said the user's change list grew since the last call (clears it).
    pub(crate) fn take_drive_change(&self, user: &str) -> bool {
        self.drive_changed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(user)
    }

    /// Makes the user's next pass a whole one (something outside Calendar changed).
    pub fn forget(&self, user: &str) {
        self.quiet
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(user);
    }
}

/// What one whole pass saw that decides whether it leaves a quiet behind.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Stillness {
    /// A step was planned, a step failed or a problem was reported.
    pub acted: bool,
    /// The earliest time something becomes due without any input moving.
    pub wake: Option<DateTime<Utc>>,
}

impl Stillness {
    /// No later than `at`.
    pub fn wake_by(&mut self, at: Option<DateTime<Utc>>) {
        if let Some(at) = at {
            self.wake = Some(self.wake.map_or(at, |w| w.min(at)));
        }
    }

    /// Until when the pass's answer holds: `None` when it acted, else the earliest wake-up,
    /// at most [`MAX_QUIET`] away.
    pub fn until(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.acted {
            return None;
        }
        let cap = now + MAX_QUIET;
        Some(self.wake.map_or(cap, |w| w.min(cap))).filter(|u| *u > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().expect("a test instant")
    }

    #[test]
    fn a_pass_that_acted_leaves_no_quiet() {
        let s = Stillness {
            acted: true,
            wake: Some(t("2026-12-02T10:00:00Z")),
        };
        assert_eq!(s.until(t("2026-12-02T09:00:00Z")), None);
    }

    #[test]
    fn quiet_ends_at_the_earliest_wake_up_and_within_the_cap() {
        let now = t("2026-12-02T09:00:00Z");
        let mut s = Stillness::default();
        assert_eq!(s.until(now), Some(now + MAX_QUIET));
        s.wake_by(Some(t("2026-12-02T09:40:00Z")));
        s.wake_by(Some(t("2026-12-02T09:20:00Z")));
        s.wake_by(None);
        assert_eq!(s.until(now), Some(t("2026-12-02T09:20:00Z")));
        s.wake_by(Some(now));
        assert_eq!(s.until(now), None, "something due now is not quiet");
    }

    #[test]
    fn a_quiet_holds_until_its_time_and_can_be_forgotten() {
        let q = QuietUsers::default();
        let until = t("2026-12-02T09:30:00Z");
        q.record("a@x.test", Some(until), 3);
        assert_eq!(
            q.still("a@x.test", t("2026-12-02T09:29:59Z")),
            Some((3, until))
        );
        assert_eq!(q.still("a@x.test", until), None);
        assert_eq!(q.still("b@x.test", t("2026-12-02T09:00:00Z")), None);
        q.forget("a@x.test");
        assert_eq!(q.still("a@x.test", t("2026-12-02T09:00:00Z")), None);
        q.record("a@x.test", Some(until), 3);
        q.record("a@x.test", None, 3);
        assert_eq!(q.still("a@x.test", t("2026-12-02T09:00:00Z")), None);
    }
}
