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

    /// Jump to `t` (backwards too: tests sometimes need it).
    pub fn set(&mut self, t: DateTime<Utc>) {
        self.offset_ms = (t - Utc::now()).num_milliseconds();
    }

    pub fn advance(&mut self, by: Duration) {
        self.offset_ms = self.offset_ms.saturating_add(by.num_milliseconds());
    }
}
