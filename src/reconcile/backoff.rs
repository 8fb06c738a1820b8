//! Per-user back-off across passes (issue 10 §8): when a user's pass fails, how long to leave
//! that user alone — no call at all — before the next attempt.
//!
//! Google's guides ask for truncated exponential backoff with jitter on repeated failures
//! (developers.google.com/drive/api/guides/limits, "Resolve time-based quota errors") and to
//! honour `Retry-After`; a spent daily quota (`dailyLimitExceeded`) only comes back at the
//! reset, midnight Pacific time (Calendar's errors guide). The wait is the longest of:
//!
//! * the exponential wait for the n-th failure in a row: none for the first (most transient
//!   failures are gone by the next poll, and one bad minute must not cost a user an hour), then
//!   `base`, `2·base`, … up to `max`, jittered (backon's policy, as the per-call retries use);
//! * Google's `Retry-After` hint;
//! * for an exhausted quota without a hint, the next midnight Pacific time on the pass's clock.
//!
//! The state lives in the store ([`crate::store::UserBackoff`]) so a restart does not hammer;
//! a successful pass clears it. Other users are never affected: every decision is per user.

use super::{error::Failure, ReconcileError};
use crate::google::errors::until_pacific_midnight;
use crate::google::GoogleError;
use crate::store::UserBackoff;
use backon::BackoffBuilder;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// The longest exponential wait between two attempts for one user. A user who is signed out
/// for good is still tried once an hour, so a fixed delegation is noticed within the hour.
pub const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// What a failed user pass asks of the next ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cause {
    /// Google's wait (`Retry-After`, or the time to the quota reset).
    pub wait: Option<Duration>,
    /// In words, for the pass output and `check`.
    pub reason: String,
}

/// Why the failed pass failed, and any wait Google asked for (measured from `now`).
pub(crate) fn cause_of(e: &ReconcileError, now: DateTime<Utc>) -> Cause {
    Cause {
        wait: google_error(e).and_then(|g| google_wait(g, now)),
        reason: e.to_string(),
    }
}

/// The wait Google asked for with this error, if any.
pub(crate) fn google_wait(e: &GoogleError, now: DateTime<Utc>) -> Option<Duration> {
    match e {
        GoogleError::RateLimited { retry_after, .. } => *retry_after,
        GoogleError::QuotaExhausted { retry_after, .. } => {
            Some(retry_after.unwrap_or_else(|| until_pacific_midnight(now)))
        }
        _ => None,
    }
}

/// The Google error behind a failed user pass, if it was one.
fn google_error(e: &ReconcileError) -> Option<&GoogleError> {
    match e {
        ReconcileError::Google { source, .. } => Some(source),
        ReconcileError::Series { source, .. } => match source.source.as_ref() {
            Failure::Google(g) => Some(g),
            _ => None,
        },
        ReconcileError::Store { .. } => None,
    }
}

/// The back-off after one more failed pass: `previous` is the one in force (if any), `base`
/// the first exponential wait (the poll interval).
pub(crate) fn after_failure(
    previous: Option<&UserBackoff>,
    cause: Cause,
    now: DateTime<Utc>,
    base: Duration,
) -> UserBackoff {
    let failures = previous.map_or(1, |p| p.failures.saturating_add(1));
    let exponential = exponential_wait(failures, base);
    let wait = cause.wait.map_or(exponential, |w| w.max(exponential));
    let next_attempt = chrono::Duration::from_std(wait)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    UserBackoff {
        next_attempt,
        failures,
        reason: cause.reason,
    }
}

/// None for the first failure, then `base · 2^(n-2)` jittered, at most [`MAX_BACKOFF`].
fn exponential_wait(failures: u32, base: Duration) -> Duration {
    if failures <= 1 {
        return Duration::ZERO;
    }
    let nth = usize::try_from(failures - 1).unwrap_or(usize::MAX);
    let base = base.clamp(Duration::from_secs(1), MAX_BACKOFF);
    backon::ExponentialBuilder::default()
        .with_min_delay(base)
        .with_max_delay(MAX_BACKOFF)
        .with_factor(2.0)
        .with_jitter()
        .without_max_times()
        .build()
        .nth(nth - 1)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF)
}

/// The back-off still in force at `now`, if any: the user is skipped (no call) until then.
pub(crate) fn in_force(backoff: Option<UserBackoff>, now: DateTime<Utc>) -> Option<UserBackoff> {
    backoff.filter(|b| b.next_attempt > now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn cause(wait: Option<u64>) -> Cause {
        Cause {
            wait: wait.map(Duration::from_secs),
            reason: "x".into(),
        }
    }

    const BASE: Duration = Duration::from_secs(60);

    #[test]
    fn the_first_failure_waits_only_for_google_then_the_wait_doubles_up_to_the_cap() {
        let now = t("2026-11-30T10:00:00Z");
        let first = after_failure(None, cause(None), now, BASE);
        assert_eq!((first.failures, first.next_attempt), (1, now));
        let mut prev = first;
        let mut waits = Vec::new();
        for _ in 0..10 {
            let next = after_failure(Some(&prev), cause(None), now, BASE);
            waits.push((next.next_attempt - now).num_seconds());
            prev = next;
        }
        assert_eq!(prev.failures, 11);
        // Jitter adds up to one more delay; the cap holds regardless.
        assert!((60..=120).contains(&waits[0]), "{waits:?}");
        assert!((120..=240).contains(&waits[1]), "{waits:?}");
        assert!(waits.iter().all(|w| *w <= 3600), "{waits:?}");
        assert_eq!(*waits.last().unwrap(), 3600, "{waits:?}");
    }

    #[test]
    fn the_longer_of_googles_wait_and_the_exponential_one_wins() {
        let now = t("2026-11-30T10:00:00Z");
        let first = after_failure(None, cause(Some(300)), now, BASE);
        assert_eq!(first.next_attempt, t("2026-11-30T10:05:00Z"));
        let many = UserBackoff {
            failures: 20,
            ..first.clone()
        };
        let later = after_failure(Some(&many), cause(Some(300)), now, BASE);
        assert_eq!(later.next_attempt, t("2026-11-30T11:00:00Z"));
    }

    #[test]
    fn an_exhausted_quota_without_a_hint_waits_for_midnight_pacific_on_the_pass_clock() {
        let now = t("2026-11-30T10:00:00Z"); // 02:00 in Los Angeles (PST, UTC-8)
        let e = GoogleError::QuotaExhausted {
            reason: "dailyLimitExceeded".into(),
            retry_after: None,
            message: "Daily Limit Exceeded".into(),
        };
        let wait = google_wait(&e, now).expect("a wait");
        assert_eq!(
            now + chrono::Duration::from_std(wait).unwrap(),
            t("2026-12-01T08:00:00Z")
        );
        let hinted = GoogleError::RateLimited {
            retry_after: Some(Duration::from_secs(300)),
            message: String::new(),
        };
        assert_eq!(google_wait(&hinted, now), Some(Duration::from_secs(300)));
        let transient = GoogleError::Transient {
            code: Some(503),
            message: String::new(),
        };
        assert_eq!(google_wait(&transient, now), None);
    }

    #[test]
    fn a_backoff_is_in_force_only_before_its_time() {
        let now = t("2026-11-30T10:00:00Z");
        let b = after_failure(None, cause(Some(60)), now, BASE);
        assert!(in_force(Some(b.clone()), now).is_some());
        assert!(in_force(Some(b.clone()), b.next_attempt).is_none());
        assert!(in_force(None, now).is_none());
    }
}
