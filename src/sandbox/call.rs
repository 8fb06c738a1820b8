//! TEMPORARY SHIM (sandbox-drive): replaced by the lead's call.rs on `git merge main`.
use std::collections::BTreeSet;

pub struct Caller {
    pub email: String,
    pub client_id: String,
    pub scopes: BTreeSet<String>,
}

impl Caller {
    pub fn has_scope(&self, short: &str) -> bool {
        self.scopes.contains(&format!("https://www.googleapis.com/auth/{short}"))
    }
}

pub enum Reply {
    Json(serde_json::Value),
    Created(serde_json::Value),
    NoContent,
}

impl From<serde_json::Value> for Reply {
    fn from(v: serde_json::Value) -> Self {
        Reply::Json(v)
    }
}
