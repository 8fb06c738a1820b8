//! OAuth 2.0 as Google's token endpoint does it, for the two flows oneonone uses:
//! service accounts with domain-wide delegation (the JWT-bearer grant) and installed-app
//! clients (the authorization-code flow through a loopback redirect, then the refresh-token
//! grant). Tests can also mint tokens directly through the
//! `/_sandbox/…` admin endpoints to act as a person.
//!
//! * [`jwt`] verifies the signed assertion (RS256, audience, real-time window);
//! * [`keys`] generates key pairs and the key/client JSON files Google hands out;
//! * [`authorize`] is the consent page and the code exchange of the installed-app flow;
//! * [`grant`] turns a `/token` form into an access token or an OAuth error;
//! * [`http`] serves `/token` and the admin endpoints.
//!
//! Access tokens expire by *real* time (`SystemTime`), as the client library judges them,
//! never by the simulated clock.

pub mod authorize;
pub mod grant;
pub mod http;
pub mod jwt;
pub mod keys;

use rand::distributions::Alphanumeric;
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

pub use grant::{OAuthError, OAuthErrorKind, TokenResponse};
pub use http::routes;

/// Lifetime Google gives access tokens (it answers `expires_in: 3599`).
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(3599);

/// Prefix of full scope URLs; `Caller::has_scope` compares the part after it.
pub const SCOPE_PREFIX: &str = "https://www.googleapis.com/auth/";

/// Everything the token endpoint knows: registered apps and the tokens it issued.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OAuthState {
    /// Service accounts by `client_email`.
    pub service_accounts: BTreeMap<String, ServiceAccount>,
    /// Installed-app clients by `client_id`.
    pub clients: BTreeMap<String, InstalledClient>,
    /// Refresh tokens (the token string is the key) for installed-app clients.
    pub refresh_tokens: BTreeMap<String, RefreshGrant>,
    /// Issued access tokens (the token string is the key).
    pub tokens: BTreeMap<String, Grant>,
    /// Counter behind client ids and key ids, so they are unique and stable in a seed file.
    pub serial: u64,
    /// Authorization codes handed out by the consent page and not yet exchanged.
    #[serde(default)]
    pub codes: BTreeMap<String, authorize::PendingCode>,
    /// Who is signed in to the sandbox's "browser" and clicks Allow on the consent page
    /// (`POST /_sandbox/oauth/consent`); nobody by default.
    #[serde(default)]
    pub browser_user: Option<String>,
}

/// A registered service account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAccount {
    pub client_email: String,
    /// Numeric client id: the identity an admin authorises for domain-wide delegation, and
    /// the app identity (`Caller::client_id`) its tokens carry.
    pub client_id: String,
    pub private_key_id: String,
    /// PKCS#8 PEM; test-only material, kept so a saved state can be reloaded.
    pub private_key_pem: String,
    /// Domains whose users it may impersonate (`sub`).
    pub delegation_domains: BTreeSet<String>,
    /// Scopes the domain admin authorised for delegation; `None` = any scope.
    pub delegated_scopes: Option<BTreeSet<String>>,
}

/// A registered installed-app ("Desktop") OAuth client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledClient {
    pub client_id: String,
    pub client_secret: String,
}

/// What a refresh token stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshGrant {
    pub client_id: String,
    pub email: String,
    /// Full scope URLs.
    pub scopes: BTreeSet<String>,
}

/// What an access token stands for: who, through which app, with which scopes, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub email: String,
    pub client_id: String,
    /// Full scope URLs, e.g. `https://www.googleapis.com/auth/drive.file`.
    pub scopes: BTreeSet<String>,
    /// Real wall-clock expiry.
    pub expires_at_real: SystemTime,
}

impl OAuthState {
    /// The live grant behind a bearer token; `None` when unknown or expired (by real time).
    pub fn grant_for(&self, access_token: &str) -> Option<&Grant> {
        self.tokens
            .get(access_token)
            .filter(|g| g.expires_at_real > SystemTime::now())
    }

    /// Issues an access token for `email` through app `client_id` with full-URL `scopes`.
    pub fn issue_access_token(
        &mut self,
        email: &str,
        client_id: &str,
        scopes: BTreeSet<String>,
    ) -> String {
        let now = SystemTime::now();
        // Forget long-dead tokens so a long test run does not grow the map without bound.
        self.tokens
            .retain(|_, g| g.expires_at_real + ACCESS_TOKEN_LIFETIME > now);
        let token = format!("ya29.sandbox-{}", random_chars(40));
        self.tokens.insert(
            token.clone(),
            Grant {
                email: email.to_string(),
                client_id: client_id.to_string(),
                scopes,
                expires_at_real: now + ACCESS_TOKEN_LIFETIME,
            },
        );
        token
    }

    /// Registers a service account for `key_pem` and returns it.
    pub fn add_service_account(
        &mut self,
        name: &str,
        key_pem: String,
        domain: &str,
        delegated_scopes: Option<BTreeSet<String>>,
    ) -> ServiceAccount {
        self.serial += 1;
        let client_email = format!("{name}@{}.iam.gserviceaccount.com", keys::PROJECT_ID);
        let account = ServiceAccount {
            client_id: format!("1{:020}", 40_000_000_000u64 + self.serial),
            private_key_id: format!("{:040x}", self.serial.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            private_key_pem: key_pem,
            delegation_domains: BTreeSet::from([domain.to_string()]),
            delegated_scopes,
            client_email: client_email.clone(),
        };
        self.service_accounts.insert(client_email, account.clone());
        account
    }

    /// Registers an installed-app client and returns it.
    pub fn add_installed_client(&mut self) -> InstalledClient {
        self.serial += 1;
        let client = InstalledClient {
            client_id: format!(
                "{}-sandbox{}.apps.googleusercontent.com",
                700_000_000_000u64 + self.serial,
                random_chars(8).to_lowercase()
            ),
            client_secret: format!("GOCSPX-{}", random_chars(28)),
        };
        self.clients
            .insert(client.client_id.clone(), client.clone());
        client
    }

    /// Issues a refresh token, as if `email` had consented in a browser.
    pub fn issue_refresh_token(
        &mut self,
        client_id: &str,
        email: &str,
        scopes: BTreeSet<String>,
    ) -> String {
        let token = format!("1//sandbox-{}", random_chars(40));
        self.refresh_tokens.insert(
            token.clone(),
            RefreshGrant {
                client_id: client_id.to_string(),
                email: email.to_string(),
                scopes,
            },
        );
        token
    }
}

/// Turns `calendar.events` or a full URL into the full URL.
pub fn full_scope(scope: &str) -> String {
    if scope.contains("://") || matches!(scope, "openid" | "email" | "profile") {
        scope.to_string()
    } else {
        format!("{SCOPE_PREFIX}{scope}")
    }
}

fn random_chars(n: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}
