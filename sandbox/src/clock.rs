//! Simulated time. Tests and the demo move it forward so weeks of meetings pass in seconds; it
//! starts at real time and drives `updated` stamps, recurrence windows and sync-token expiry.
//! OAuth token expiry deliberately does NOT use it: yup-oauth2 judges its tokens by wall time.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The sandbox's clock: real time plus an offset, so simulated time keeps flowing between
/// explicit moves (a daemon that sleeps one real second sees one simulated second pass).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SimClock {
    offset_ms: i64,
}

impl SimClock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms)
    }

    /// Jump to `t` (backwards too: tests sometimes need it). The offset is rounded *up* to the
    /// millisecond, so the clock never reads back earlier than `t` (truncating the sub-millisecond
    /// rest made `12:00:00Z` read back as `11:59:59.999`).
    pub fn set(&mut self, t: DateTime<Utc>) {
        let nanos = (t - Utc::now()).num_nanoseconds().unwrap_or(i64::MAX);
        self.offset_ms = nanos.div_euclid(1_000_000) + i64::from(nanos.rem_euclid(1_000_000) != 0);
    }

    pub fn advance(&mut self, by: Duration) {
        self.offset_ms = self.offset_ms.saturating_add(by.num_milliseconds());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_set_to_a_whole_second_reads_back_that_second() {
        let t = DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for _ in 0..200 {
            let mut c = SimClock::default();
            c.set(t);
            let read = c.now();
            assert!(read >= t, "set to {t}, read back {read}");
            assert!(
                read - t < Duration::seconds(1),
                "set to {t}, read back {read}"
            );
        }
    }
}
