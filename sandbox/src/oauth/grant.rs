//! `POST /token`: the three grants (JWT bearer, refresh token, and the authorization code of
//! [`super::authorize`]), each validated the way Google's endpoint refuses them, with
//! errors in OAuth's own shape (`{"error": "invalid_grant", "error_description": "…"}`) rather
//! than Google's API error shape.

use super::authorize::{exchange_code, AUTHORIZATION_CODE};
use super::{full_scope, jwt, OAuthState, ACCESS_TOKEN_LIFETIME, SCOPE_PREFIX};
use axum::http::StatusCode;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub const REFRESH_TOKEN: &str = "refresh_token";

/// The successful `/token` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Only the authorization-code exchange hands one out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// OAuth's error codes (RFC 6749 §5.2) that Google uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthErrorKind {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    InvalidScope,
    /// The consent page's refusal (RFC 6749 §4.1.2.1).
    AccessDenied,
    /// Google's own code for a code exchanged with another `redirect_uri`.
    RedirectUriMismatch,
}

impl OAuthErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthErrorKind::InvalidRequest => "invalid_request",
            OAuthErrorKind::InvalidClient => "invalid_client",
            OAuthErrorKind::InvalidGrant => "invalid_grant",
            OAuthErrorKind::UnauthorizedClient => "unauthorized_client",
            OAuthErrorKind::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorKind::InvalidScope => "invalid_scope",
            OAuthErrorKind::AccessDenied => "access_denied",
            OAuthErrorKind::RedirectUriMismatch => "redirect_uri_mismatch",
        }
    }
}

/// A refused token request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub kind: OAuthErrorKind,
    pub description: String,
}

impl OAuthError {
    pub(crate) fn new(kind: OAuthErrorKind, description: impl Into<String>) -> Self {
        OAuthError {
            kind,
            description: description.into(),
        }
    }

    /// 401 for a bad client secret (as Google answers), 400 for everything else.
    pub fn status(&self) -> StatusCode {
        match self.kind {
            OAuthErrorKind::InvalidClient => StatusCode::UNAUTHORIZED,
            OAuthErrorKind::AccessDenied => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({"error": self.kind.as_str(), "error_description": self.description})
    }
}

/// The `aud` Google's own client libraries sign whatever the key's `token_uri` says. Google's
/// service-account guide ("Preparing to make an authorized API call", JWT claim set): "When
/// making an access token request this value is always `https://oauth2.googleapis.com/token`"
/// (developers.google.com/identity/protocols/oauth2/service-account); google-auth-library-python
/// hard-codes it (googleapis/google-auth-library-python#784). The sandbox accepts it next to its
/// own token URL, so Google's clients, not only ours, can talk to it.
pub const GOOGLE_TOKEN_AUDIENCE: &str = "https://oauth2.googleapis.com/token";

/// What the grant checks need from outside the OAuth state.
pub struct GrantContext<'a> {
    /// This sandbox's token URL: accepted as JWT `aud`, besides [`GOOGLE_TOKEN_AUDIENCE`].
    pub token_url: &'a str,
    /// Whether `email` is a sandbox user.
    pub is_user: &'a dyn Fn(&str) -> bool,
    /// Real wall-clock time, Unix seconds.
    pub now_unix: i64,
}

/// Handles one `/token` form.
pub fn exchange(
    state: &mut OAuthState,
    form: &BTreeMap<String, String>,
    ctx: &GrantContext<'_>,
) -> Result<TokenResponse, OAuthError> {
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    match field("grant_type") {
        Some(JWT_BEARER) => {
            let assertion = field("assertion").ok_or_else(|| {
                OAuthError::new(
                    OAuthErrorKind::InvalidRequest,
                    "Missing required parameter: assertion",
                )
            })?;
            jwt_bearer(state, assertion, ctx)
        }
        Some(REFRESH_TOKEN) => refresh(state, form),
        Some(AUTHORIZATION_CODE) => exchange_code(state, form),
        Some(other) => Err(OAuthError::new(
            OAuthErrorKind::UnsupportedGrantType,
            format!("Invalid grant_type: {other}"),
        )),
        None => Err(OAuthError::new(
            OAuthErrorKind::UnsupportedGrantType,
            "Invalid grant_type: ",
        )),
    }
}

fn jwt_bearer(
    state: &mut OAuthState,
    assertion: &str,
    ctx: &GrantContext<'_>,
) -> Result<TokenResponse, OAuthError> {
    let claims = jwt::verify(
        assertion,
        |iss| {
            state
                .service_accounts
                .get(iss)
                .and_then(|sa| super::keys::public_key_of(&sa.private_key_pem))
        },
        &[ctx.token_url, GOOGLE_TOKEN_AUDIENCE],
        ctx.now_unix,
    )
    .map_err(|e| OAuthError::new(OAuthErrorKind::InvalidGrant, e.to_string()))?;
    let account = state
        .service_accounts
        .get(&claims.iss)
        .ok_or_else(|| OAuthError::new(OAuthErrorKind::InvalidGrant, "Invalid JWT: unknown iss"))?
        .clone();
    let scopes = parse_scopes(claims.scope.as_deref().unwrap_or(""))?;
    let email = match claims.sub.as_deref().filter(|s| !s.is_empty()) {
        None => account.client_email.clone(),
        Some(sub) => {
            if !(ctx.is_user)(sub) {
                return Err(OAuthError::new(
                    OAuthErrorKind::InvalidGrant,
                    "Invalid email or User ID",
                ));
            }
            let domain = sub.rsplit_once('@').map_or("", |(_, d)| d);
            let scopes_allowed = account
                .delegated_scopes
                .as_ref()
                .is_none_or(|allowed| scopes.is_subset(allowed));
            if !account.delegation_domains.contains(domain) || !scopes_allowed {
                return Err(OAuthError::new(
                    OAuthErrorKind::UnauthorizedClient,
                    "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.",
                ));
            }
            sub.to_string()
        }
    };
    let access_token = state.issue_access_token(&email, &account.client_id, scopes);
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_LIFETIME.as_secs(),
        scope: None,
        refresh_token: None,
    })
}

fn refresh(
    state: &mut OAuthState,
    form: &BTreeMap<String, String>,
) -> Result<TokenResponse, OAuthError> {
    let field = |name: &str| form.get(name).map(String::as_str).filter(|v| !v.is_empty());
    let client_id = installed_client(state, form)?;
    let refresh_token = required(form, "refresh_token")?;
    let grant = state
        .refresh_tokens
        .get(refresh_token)
        .filter(|g| g.client_id == client_id)
        .cloned()
        .ok_or_else(|| {
            OAuthError::new(
                OAuthErrorKind::InvalidGrant,
                "Token has been expired or revoked.",
            )
        })?;
    // A refresh may narrow the scopes, never widen them.
    let scopes = match field("scope") {
        None => grant.scopes.clone(),
        Some(requested) => {
            let requested = parse_scopes(requested)?;
            if !requested.is_subset(&grant.scopes) {
                return Err(OAuthError::new(
                    OAuthErrorKind::InvalidScope,
                    "The requested scopes are not a subset of the scopes the user granted.",
                ));
            }
            requested
        }
    };
    let scope = scopes.iter().cloned().collect::<Vec<_>>().join(" ");
    let access_token = state.issue_access_token(&grant.email, client_id, scopes);
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_LIFETIME.as_secs(),
        scope: Some(scope),
        refresh_token: None,
    })
}

/// A non-empty form field, or OAuth's `invalid_request` naming it.
pub(super) fn required<'f>(
    form: &'f BTreeMap<String, String>,
    name: &str,
) -> Result<&'f str, OAuthError> {
    form.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            OAuthError::new(
                OAuthErrorKind::InvalidRequest,
                format!("Missing required parameter: {name}"),
            )
        })
}

/// The installed-app client a token request authenticates as (`client_id` + `client_secret`),
/// or 401 `invalid_client` as Google answers a wrong secret.
pub(super) fn installed_client<'f>(
    state: &OAuthState,
    form: &'f BTreeMap<String, String>,
) -> Result<&'f str, OAuthError> {
    let client_id = required(form, "client_id")?;
    let secret = form.get("client_secret").map(String::as_str);
    let secret_ok = state
        .clients
        .get(client_id)
        .is_some_and(|c| Some(c.client_secret.as_str()) == secret);
    if !secret_ok {
        return Err(OAuthError::new(
            OAuthErrorKind::InvalidClient,
            "Unauthorized",
        ));
    }
    Ok(client_id)
}

/// Splits a space-separated scope list; every scope must be a Google scope URL (or OpenID's
/// `openid`/`email`/`profile`).
pub fn parse_scopes(scope: &str) -> Result<BTreeSet<String>, OAuthError> {
    let scopes: BTreeSet<String> = scope.split_whitespace().map(full_scope).collect();
    if scopes.is_empty() {
        return Err(OAuthError::new(
            OAuthErrorKind::InvalidScope,
            "Empty or missing scope not allowed.",
        ));
    }
    if let Some(bad) = scopes.iter().find(|s| {
        !(s.starts_with(SCOPE_PREFIX) && s.len() > SCOPE_PREFIX.len()
            || matches!(s.as_str(), "openid" | "email" | "profile"))
    }) {
        return Err(OAuthError::new(
            OAuthErrorKind::InvalidScope,
            format!("Invalid OAuth scope or ID token audience provided: {bad}"),
        ));
    }
    Ok(scopes)
}

#[cfg(test)]
#[path = "grant_tests.rs"]
mod tests;
