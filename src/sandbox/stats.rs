//! Calls and errors counted by Google's method ids — how benchmarks count API calls.
//! (Stub by the lead; the admin helper owns this file.)

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stats {
    pub calls: BTreeMap<String, u64>,
    pub errors: BTreeMap<String, u64>,
}

impl Stats {
    pub fn record_call(&mut self, method: &'static str) {
        *self.calls.entry(method.to_string()).or_default() += 1;
    }

    pub fn record_error(&mut self, method: &'static str) {
        *self.errors.entry(method.to_string()).or_default() += 1;
    }
}
