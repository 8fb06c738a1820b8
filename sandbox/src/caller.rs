//! Who is calling an API method, as [`call`](super::call) established it from the token.
//!
//! Its own module because both the call path and the API state (e.g. Drive's visibility rules
//! in [`drive`](super::drive)) use it, and the state must not import the call path that locks it.

use super::access;
use std::collections::BTreeSet;

/// Who is calling: the user the token was issued for, the OAuth client (app) it was issued to
/// and the scopes it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub email: String,
    pub client_id: String,
    pub scopes: BTreeSet<String>,
}

impl Caller {
    /// Whether the token carries `short` (e.g. `"drive.file"`).
    pub fn has_scope(&self, short: &str) -> bool {
        self.scopes
            .iter()
            .any(|s| s.strip_prefix(access::SCOPE_PREFIX) == Some(short))
    }
}
