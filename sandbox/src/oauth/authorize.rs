//! The installed-app ("Desktop") authorization-code flow, as Google runs it since the
//! out-of-band flow was turned off:
//!
//! * `GET /o/oauth2/auth` (also `/o/oauth2/v2/auth`) stands for Google's consent page. Nobody
//!   clicks in a test, so whoever is signed in to the sandbox's "browser"
//!   (`POST /_sandbox/oauth/consent {"email"}`) consents at once, and the page answers like the
//!   browser's final step: `302` to the app's loopback `redirect_uri` with `code` and `scope`
//!   (and `state`, when the app sent one).
//! * `POST /token` with `grant_type=authorization_code` exchanges the code, once, for an
//!   access token and a refresh token.
//!
//! Google's rules it follows (developers.google.com/identity/protocols/oauth2/native-app,
//! "Loopback IP address" and "Step 5: Exchange authorization code"): the redirect URI of a
//! Desktop client is `http://127.0.0.1:PORT`, `http://[::1]:PORT` or `http://localhost:PORT`
//! with any port; the out-of-band `urn:ietf:wg:oauth:2.0:oob` is refused for every client
//! since 31 January 2023 (…/oauth2/resources/oob-migration); a code is single-use and short
//! lived, and its exchange must repeat the same `redirect_uri`.

use super::grant::{
    installed_client, parse_scopes, required, OAuthError, OAuthErrorKind, TokenResponse,
};
use super::{OAuthState, ACCESS_TOKEN_LIFETIME};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};

pub const AUTHORIZATION_CODE: &str = "authorization_code";
/// The redirect URI Google no longer accepts.
pub const OOB_REDIRECT_URI: &str = "urn:ietf:wg:oauth:2.0:oob";
/// How long a code can be exchanged (Google does not publish the figure; codes are "short
/// lived" and minutes is what is observed).
const CODE_LIFETIME: Duration = Duration::from_secs(600);

/// A code handed to the app's redirect URI and not yet exchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub email: String,
    /// Full scope URLs.
    pub scopes: BTreeSet<String>,
    /// Real wall-clock expiry, like access tokens.
    pub expires_at_real: SystemTime,
}

/// The consent page: checks the request as Google does and returns the `Location` the
/// browser is sent to.
pub fn authorize(
    state: &mut OAuthState,
    params: &BTreeMap<String, String>,
) -> Result<String, OAuthError> {
    let field = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let missing = |name: &str| {
        OAuthError::new(
            OAuthErrorKind::InvalidRequest,
            format!("Required parameter is missing: {name}"),
        )
    };
    let client_id = field("client_id").ok_or_else(|| missing("client_id"))?;
    if !state.clients.contains_key(client_id) {
        return Err(OAuthError::new(
            OAuthErrorKind::InvalidClient,
            "The OAuth client was not found.",
        ));
    }
    let redirect_uri = field("redirect_uri").ok_or_else(|| missing("redirect_uri"))?;
    if redirect_uri == OOB_REDIRECT_URI {
        return Err(OAuthError::new(
            OAuthErrorKind::InvalidRequest,
            "The out-of-band (OOB) flow has been blocked in order to keep users secure. Use a \
             loopback redirect URI (http://127.0.0.1:PORT) instead.",
        ));
    }
    if !is_loopback_redirect(redirect_uri) {
        return Err(OAuthError::new(
            OAuthErrorKind::InvalidRequest,
            format!(
                "redirect_uri_mismatch: {redirect_uri} is not a loopback address; a Desktop \
                 client redirects to http://127.0.0.1:PORT, http://[::1]:PORT or \
                 http://localhost:PORT"
            ),
        ));
    }
    if field("response_type") != Some("code") {
        return Err(OAuthError::new(
            OAuthErrorKind::InvalidRequest,
            "response_type must be code for an installed application",
        ));
    }
    let scopes = parse_scopes(field("scope").unwrap_or(""))?;
    let email = state.browser_user.clone().ok_or_else(|| {
        OAuthError::new(
            OAuthErrorKind::AccessDenied,
            "nobody is signed in to the sandbox's browser; POST /_sandbox/oauth/consent \
             {\"email\"} first (it stands for the person who clicks Allow)",
        )
    })?;
    let now = SystemTime::now();
    state.codes.retain(|_, c| c.expires_at_real > now);
    let code = format!("4/0sandbox-{}", super::random_chars(40));
    let scope = scopes.iter().cloned().collect::<Vec<_>>().join(" ");
    state.codes.insert(
        code.clone(),
        PendingCode {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            email,
            scopes,
            expires_at_real: now + CODE_LIFETIME,
        },
    );
    let mut location = url::Url::parse(redirect_uri).map_err(|_| {
        OAuthError::new(OAuthErrorKind::InvalidRequest, "redirect_uri is not a URL")
    })?;
    {
        let mut q = location.query_pairs_mut();
        if let Some(s) = field("state") {
            q.append_pair("state", s);
        }
        q.append_pair("code", &code);
        q.append_pair("scope", &scope);
    }
    Ok(location.to_string())
}

/// `grant_type=authorization_code`: one exchange per code, by the client it was issued to,
/// with the same redirect URI.
pub fn exchange_code(
    state: &mut OAuthState,
    form: &BTreeMap<String, String>,
) -> Result<TokenResponse, OAuthError> {
    let code = required(form, "code")?;
    let redirect_uri = required(form, "redirect_uri")?;
    let client_id = installed_client(state, form)?;
    // Taken out first: a code is spent by any attempt that names it, as at Google.
    let pending = state
        .codes
        .remove(code)
        .filter(|c| c.expires_at_real > SystemTime::now() && c.client_id == client_id)
        .ok_or_else(|| OAuthError::new(OAuthErrorKind::InvalidGrant, "Malformed auth code."))?;
    if pending.redirect_uri != redirect_uri {
        return Err(OAuthError::new(
            OAuthErrorKind::RedirectUriMismatch,
            "Bad Request",
        ));
    }
    let scope = pending.scopes.iter().cloned().collect::<Vec<_>>().join(" ");
    let refresh_token =
        state.issue_refresh_token(client_id, &pending.email, pending.scopes.clone());
    let access_token = state.issue_access_token(&pending.email, client_id, pending.scopes);
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_LIFETIME.as_secs(),
        scope: Some(scope),
        refresh_token: Some(refresh_token),
    })
}

/// `http://127.0.0.1:PORT`, `http://[::1]:PORT` or `http://localhost:PORT`, any path.
fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    let host_ok = match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    u.scheme() == "http" && host_ok
}

#[cfg(test)]
#[path = "authorize_tests.rs"]
mod tests;
