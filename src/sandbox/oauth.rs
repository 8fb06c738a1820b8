//! The OAuth token endpoint and the grants it issued. (Stub by the lead; the oauth helper owns
//! this file.)

use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// What an access token stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub email: String,
    /// The OAuth client (app) the token was issued to: Drive's appProperties and `drive.file`
    /// visibility are per app.
    pub client_id: String,
    pub scopes: BTreeSet<String>,
    pub expires_at_real: std::time::SystemTime,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OAuthState {
    pub tokens: HashMap<String, Grant>,
}

impl OAuthState {
    pub fn grant_for(&self, access_token: &str) -> Option<&Grant> {
        self.tokens.get(access_token)
    }
}

pub fn routes() -> axum::Router<super::AppState> {
    axum::Router::new()
}
