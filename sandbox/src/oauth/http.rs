//! `POST /token` and the OAuth admin endpoints:
//!
//! * `POST /_sandbox/service-accounts` `{"name"?, "scopes"?}` → a complete key JSON file;
//! * `POST /_sandbox/tokens` `{"email", "scopes": […], "client_id"?}` → `{"access_token"}`;
//! * `POST /_sandbox/oauth-clients` → `{"installed": {…}}` (an installed-app client file);
//! * `POST /_sandbox/refresh-tokens` `{"client_id", "email", "scopes"}` → `{"refresh_token"}`;
//! * `GET /o/oauth2/auth` (and `/o/oauth2/v2/auth`): the consent page ([`super::authorize`]);
//! * `POST /_sandbox/oauth/consent` `{"email"}` (or `{"email": null}`): who is signed in to the
//!   sandbox's browser and consents.
//!
//! The token endpoint is not a Google API call (no bearer token), so it does its own counting
//! (`oauth2.token`) and fault handling instead of going through `AppState::call`.

use super::authorize::authorize;
use super::grant::{exchange, parse_scopes, GrantContext};
use super::keys::{
    self, InstalledClientFile, InstalledClientSecret, KeyPair, ServiceAccountKeyFile,
};
use crate::admin::{error, parse_json};
use crate::call::AppState;
use crate::state::World;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

const METHOD: &str = "oauth2.token";
/// App identity of tokens minted by `/_sandbox/tokens` without a `client_id`.
pub const TEST_CLIENT_ID: &str = "sandbox-test-client";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/token", post(token))
        .route("/_sandbox/service-accounts", post(create_service_account))
        .route("/_sandbox/tokens", post(mint_token))
        .route("/_sandbox/oauth-clients", post(create_client))
        .route("/_sandbox/refresh-tokens", post(mint_refresh_token))
        .route("/o/oauth2/auth", get(consent_page))
        .route("/o/oauth2/v2/auth", get(consent_page))
        .route("/_sandbox/oauth/consent", post(set_browser_user))
}

/// The consent page answers as the browser's last step does: a redirect to the app. A refusal
/// is shown to the person (Google renders an error page); here it is OAuth's error JSON.
async fn consent_page(State(s): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params: BTreeMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let mut w = s.lock();
    w.stats.record_call("oauth2.authorize");
    match authorize(&mut w.oauth, &params) {
        Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        Err(e) => {
            w.stats.record_error("oauth2.authorize");
            (e.status(), Json(e.body())).into_response()
        }
    }
}

#[derive(Deserialize)]
struct BrowserUser {
    email: Option<String>,
}

async fn set_browser_user(State(s): State<AppState>, body: Bytes) -> Response {
    let req: BrowserUser = match parse_json(&body, "consent") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut w = s.lock();
    if let Some(email) = &req.email {
        if !known_identity(&w, email) {
            return error(
                StatusCode::BAD_REQUEST,
                format!("{email} is not a sandbox user; add it with POST /_sandbox/users first"),
            );
        }
    }
    w.oauth.browser_user = req.email.map(|e| e.to_ascii_lowercase());
    Json(json!({"email": w.oauth.browser_user})).into_response()
}

async fn token(State(s): State<AppState>, body: Bytes) -> Response {
    let fault = {
        let mut w = s.lock();
        w.stats.record_call(METHOD);
        w.faults.next(METHOD, None)
    };
    if let Some(fault) = fault {
        if let Some(delay) = fault.delay {
            tokio::time::sleep(delay).await;
        }
        if fault.drop_connection {
            s.lock().stats.record_error(METHOD);
            return crate::call::dropped_connection();
        }
        if let Some(status) = fault.status {
            s.lock().stats.record_error(METHOD);
            let body = json!({"error": "internal_failure", "error_description": "Injected fault."});
            return (status, Json(body)).into_response();
        }
    }
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let now_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let mut w = s.lock();
    let World {
        oauth,
        users,
        base_url,
        stats,
        ..
    } = &mut *w;
    let token_url = format!("{base_url}token");
    let is_user = |email: &str| users.contains_key(&email.to_ascii_lowercase());
    let ctx = GrantContext {
        token_url: &token_url,
        is_user: &is_user,
        now_unix,
    };
    match exchange(oauth, &form, &ctx) {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => {
            stats.record_error(METHOD);
            (e.status(), Json(e.body())).into_response()
        }
    }
}

#[derive(Deserialize)]
struct NewServiceAccount {
    name: Option<String>,
    /// Scopes the domain admin authorised; absent = all.
    scopes: Option<Vec<String>>,
}

fn valid_account_name(name: &str) -> bool {
    (1..=30).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

async fn create_service_account(State(s): State<AppState>, body: Bytes) -> Response {
    let req: NewServiceAccount = match parse_json(&body, "service account") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    if let Some(name) = req.name.as_deref().filter(|n| !valid_account_name(n)) {
        return error(
            StatusCode::BAD_REQUEST,
            format!("service account name '{name}' must be 1-30 characters of a-z, 0-9 and '-'"),
        );
    }
    let scopes = match req.scopes.map(|s| parse_scopes(&s.join(" "))).transpose() {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.description),
    };
    // RSA key generation takes a while: off the async threads, outside the world lock.
    let key = match tokio::task::spawn_blocking(KeyPair::generate).await {
        Ok(Ok(key)) => key,
        Ok(Err(e)) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    let mut w = s.lock();
    let name = req
        .name
        .unwrap_or_else(|| format!("oneonone-{}", w.oauth.serial + 1));
    let email = format!("{name}@{}.iam.gserviceaccount.com", keys::PROJECT_ID);
    if w.oauth.service_accounts.contains_key(&email) {
        return error(
            StatusCode::CONFLICT,
            format!("service account {email} already exists"),
        );
    }
    let domain = w.domain.clone();
    let account = w
        .oauth
        .add_service_account(&name, key.private_key_pem, &domain, scopes);
    let file = ServiceAccountKeyFile {
        key_type: "service_account".into(),
        project_id: keys::PROJECT_ID.into(),
        private_key_id: account.private_key_id,
        private_key: account.private_key_pem,
        client_email: account.client_email.clone(),
        client_id: account.client_id,
        auth_uri: format!("{}o/oauth2/auth", w.base_url),
        token_uri: format!("{}token", w.base_url),
        auth_provider_x509_cert_url: format!("{}oauth2/v1/certs", w.base_url),
        client_x509_cert_url: format!(
            "{}robot/v1/metadata/x509/{}",
            w.base_url,
            account.client_email.replace('@', "%40")
        ),
        universe_domain: "googleapis.com".into(),
    };
    Json(file).into_response()
}

#[derive(Deserialize)]
struct MintToken {
    email: String,
    scopes: Vec<String>,
    client_id: Option<String>,
}

fn known_identity(w: &World, email: &str) -> bool {
    w.user(email).is_some() || w.oauth.service_accounts.contains_key(email)
}

async fn mint_token(State(s): State<AppState>, body: Bytes) -> Response {
    let req: MintToken = match parse_json(&body, "token") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let scopes: BTreeSet<String> = match parse_scopes(&req.scopes.join(" ")) {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.description),
    };
    let mut w = s.lock();
    if !known_identity(&w, &req.email) {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "{} is not a sandbox user; add it with POST /_sandbox/users first",
                req.email
            ),
        );
    }
    let client_id = req.client_id.unwrap_or_else(|| TEST_CLIENT_ID.to_string());
    let token = w.oauth.issue_access_token(&req.email, &client_id, scopes);
    Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3599})).into_response()
}

async fn create_client(State(s): State<AppState>) -> Response {
    let mut w = s.lock();
    let client = w.oauth.add_installed_client();
    let file = InstalledClientFile {
        installed: InstalledClientSecret {
            client_id: client.client_id,
            client_secret: client.client_secret,
            project_id: keys::PROJECT_ID.into(),
            auth_uri: format!("{}o/oauth2/auth", w.base_url),
            token_uri: format!("{}token", w.base_url),
            auth_provider_x509_cert_url: format!("{}oauth2/v1/certs", w.base_url),
            redirect_uris: vec!["http://localhost".into()],
        },
    };
    Json(file).into_response()
}

#[derive(Deserialize)]
struct MintRefreshToken {
    client_id: String,
    email: String,
    scopes: Vec<String>,
}

async fn mint_refresh_token(State(s): State<AppState>, body: Bytes) -> Response {
    let req: MintRefreshToken = match parse_json(&body, "refresh token") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let scopes = match parse_scopes(&req.scopes.join(" ")) {
        Ok(s) => s,
        Err(e) => return error(StatusCode::BAD_REQUEST, e.description),
    };
    let mut w = s.lock();
    if !w.oauth.clients.contains_key(&req.client_id) {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "unknown client_id {}; create one with POST /_sandbox/oauth-clients",
                req.client_id
            ),
        );
    }
    if !known_identity(&w, &req.email) {
        return error(
            StatusCode::BAD_REQUEST,
            format!(
                "{} is not a sandbox user; add it with POST /_sandbox/users first",
                req.email
            ),
        );
    }
    let token = w
        .oauth
        .issue_refresh_token(&req.client_id, &req.email, scopes);
    Json(json!({"refresh_token": token})).into_response()
}
