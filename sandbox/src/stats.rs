//! Per-method call and error counters: what a benchmark reads to tell how many Google calls a
//! meeting costs, and what fault tests read to check that every injected error was retried.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counters keyed by Google's method id (`calendar.events.list`, `oauth2.token`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub calls: BTreeMap<String, u64>,
    /// Calls answered with an error status, injected or not.
    pub errors: BTreeMap<String, u64>,
}

impl Stats {
    pub fn record_call(&mut self, method: &'static str) {
        *self.calls.entry(method.to_string()).or_default() += 1;
    }

    pub fn record_error(&mut self, method: &'static str) {
        *self.errors.entry(method.to_string()).or_default() += 1;
    }

    pub fn total_calls(&self) -> u64 {
        self.calls.values().sum()
    }

    pub fn reset(&mut self) {
        *self = Stats::default();
    }

    /// The `GET /_sandbox/stats` body: `{"calls":{…},"errors":{…},"total_calls":n}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "calls": self.calls,
            "errors": self.errors,
            "total_calls": self.total_calls(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_method_and_total() {
        let mut s = Stats::default();
        s.record_call("drive.files.list");
        s.record_call("drive.files.list");
        s.record_call("oauth2.token");
        s.record_error("oauth2.token");
        let j = s.to_json();
        assert_eq!(j["calls"]["drive.files.list"], 2);
        assert_eq!(j["errors"]["oauth2.token"], 1);
        assert_eq!(j["total_calls"], 3);
        s.reset();
        assert_eq!(s.total_calls(), 0);
    }
}
