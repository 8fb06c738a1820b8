//! Readiness: the store answers and some user synced recently.
//!
//! "Recently" is within [`READY_POLLS`] poll intervals of now: one missed pass (a slow Google,
//! a long pass at scale) is not an outage, three are. A daemon whose every user fails — a
//! revoked key, Google down — syncs nobody and goes unready, which is what a load balancer or
//! an alert should see. Before the first sync it is not ready either.

use serde::Serialize;
use std::time::Duration;

/// How many poll intervals may pass without any user syncing before the daemon is unready.
pub const READY_POLLS: u32 = 3;

/// `/readyz`'s 200 body.
#[derive(Debug, Serialize, PartialEq)]
pub struct Ready {
    pub status: &'static str,
    /// Seconds since the most recent successful sync of any user.
    pub last_sync_age_seconds: f64,
}

/// `/readyz`'s 503 body.
#[derive(Debug, Serialize, PartialEq)]
pub struct NotReady {
    pub status: &'static str,
    /// Why, in words an operator acts on.
    pub reason: String,
}

/// Judges readiness from the store's answer, the age of the newest sync (`None`: none yet)
/// and the longest the loop may sleep between passes (`daemon.poll_interval`, or
/// `push.fallback_poll` under push, when an idle deployment syncs only that often).
pub fn judge(
    store: Result<(), String>,
    newest_sync_age: Option<Duration>,
    poll_interval: Duration,
) -> Result<Ready, NotReady> {
    let not = |reason: String| NotReady {
        status: "not ready",
        reason,
    };
    store.map_err(|e| not(format!("the store does not answer: {e}")))?;
    let window = poll_interval.saturating_mul(READY_POLLS);
    match newest_sync_age {
        None => Err(not(
            "no user has synced yet (the first pass is running or failing; see the logs)".into(),
        )),
        Some(age) if age > window => Err(not(format!(
            "no user has synced for {}s, more than {READY_POLLS} poll intervals ({}s): every \
             user's pass is failing or stuck; see the logs and `oneonone check`",
            age.as_secs(),
            window.as_secs()
        ))),
        Some(age) => Ok(Ready {
            status: "ready",
            last_sync_age_seconds: age.as_secs_f64(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn ready_only_with_a_store_and_a_recent_sync() {
        let ok = judge(Ok(()), Some(Duration::from_secs(5)), MINUTE).expect("ready");
        assert_eq!(ok.status, "ready");
        assert_eq!(ok.last_sync_age_seconds, 5.0);
        // Exactly at the edge is still ready; one second more is not.
        assert!(judge(Ok(()), Some(3 * MINUTE), MINUTE).is_ok());
        let stale =
            judge(Ok(()), Some(3 * MINUTE + Duration::from_secs(1)), MINUTE).expect_err("stale");
        assert!(
            stale.reason.contains("181s") && stale.reason.contains("180s"),
            "{stale:?}"
        );
        let never = judge(Ok(()), None, MINUTE).expect_err("no sync yet");
        assert!(never.reason.contains("no user has synced yet"), "{never:?}");
        let broken = judge(Err("disk I/O error".into()), Some(Duration::ZERO), MINUTE)
            .expect_err("store down");
        assert!(broken.reason.contains("disk I/O error"), "{broken:?}");
        assert_eq!(broken.status, "not ready");
    }
}
