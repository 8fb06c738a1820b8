//! Scripted and random faults. (Stub by the lead; the admin helper owns this file.)

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// What to do to one call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultAction {
    pub delay: Option<std::time::Duration>,
    pub status: Option<StatusCode>,
    pub drop_connection: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Faults {}

impl Faults {
    pub fn next(&mut self, _method: &str) -> Option<FaultAction> {
        None
    }

    pub fn take_revision_bump(&mut self, _method: &str) -> bool {
        false
    }
}
