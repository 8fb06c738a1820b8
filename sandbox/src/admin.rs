//! The `/_sandbox/` test controls (JSON in, JSON out; errors as `{"error": "…"}`):
//!
//! | route | body | answer |
//! |---|---|---|
//! | `POST /_sandbox/users` | `{"email","name"?,"timeZone"?}` | the user |
//! | `GET /_sandbox/users` | | `{"users":[…]}` |
//! | `GET /_sandbox/clock` | | `{"now"}` |
//! | `POST /_sandbox/clock` | `{"now": RFC 3339}` or `{"advance_seconds": n}` | `{"now"}` |
//! | `POST /_sandbox/faults` | scripted `{"method","kind"?,"status"?,"reason"?,"message"?,"times"?,"delay_ms"?,"retry_after_s"?,"user"?}` (kind `status`, `timeout`, `delay`, `revision_bump`) or random `{"rate","statuses","seed","methods"?}` | `{"faults": …}` |
//! | `DELETE /_sandbox/faults` | | `{}` |
//! | `POST /_sandbox/latency` | `{"ms"}`, `{"min_ms","max_ms"}` or `{"mean_ms","sd_ms"}`, with `"method"?` (a pattern as for faults; absent: every other call) | `{"latency": …}` |
//! | `GET /_sandbox/latency` | | `{"latency": …}` |
//! | `DELETE /_sandbox/latency` | | `{}` — answers at full speed again |
//! | `GET /_sandbox/stats` | | `{"calls","errors","total_calls"}` |
//! | `POST /_sandbox/stats/reset` | | `{}` |
//! | `POST /_sandbox/reset` | | `{}` — an empty world, same domain and base URL |
//! | `GET /_sandbox/state` | | the whole world, loadable by [`World::from_seed`] |
//!
//! Service accounts, tokens and OAuth clients are minted by [`super::oauth::http`].

use super::call::AppState;
use super::faults::{RandomFaults, ScriptedFault};
use super::state::{User, World};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_sandbox/users", get(list_users).post(add_user))
        .route("/_sandbox/clock", get(get_clock).post(set_clock))
        .route("/_sandbox/faults", post(add_fault).delete(clear_faults))
        .route(
            "/_sandbox/latency",
            get(get_latency).post(set_latency).delete(clear_latency),
        )
        .route("/_sandbox/stats", get(get_stats))
        .route("/_sandbox/stats/reset", post(reset_stats))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/state", get(get_state))
}

/// A saved state that does not load.
#[derive(Debug, thiserror::Error)]
#[error("not a saved sandbox state (expected the JSON of GET /_sandbox/state): {0}")]
pub struct SeedError(#[from] serde_json::Error);

impl World {
    /// Loads a world saved with `GET /_sandbox/state` (the `--seed-file` of `oneonone
    /// sandbox`). The server sets `base_url` to where it actually listens.
    pub fn from_seed(json: &str) -> Result<World, SeedError> {
        Ok(serde_json::from_str(json)?)
    }
}

pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// A refused admin request: `{"error": "…"}` with a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminError {
    pub status: StatusCode,
    pub message: String,
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        error(self.status, self.message)
    }
}

/// Parses an admin JSON body (an empty body reads as `{}`).
pub fn parse_json<T: serde::de::DeserializeOwned>(
    body: &[u8],
    what: &str,
) -> Result<T, AdminError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| AdminError {
        status: StatusCode::BAD_REQUEST,
        message: format!("{what}: invalid JSON body: {e}"),
    })
}

fn now_json(w: &World) -> Value {
    json!({"now": w.now().to_rfc3339_opts(SecondsFormat::Millis, true)})
}

#[derive(Deserialize)]
struct NewUser {
    email: String,
    name: Option<String>,
    #[serde(rename = "timeZone")]
    time_zone: Option<String>,
}

async fn add_user(State(s): State<AppState>, body: Bytes) -> Response {
    let req: NewUser = match parse_json(&body, "user") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let email = req.email.trim().to_ascii_lowercase();
    let valid = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !valid {
        return error(
            StatusCode::BAD_REQUEST,
            format!("user email '{}' is not an email address", req.email),
        );
    }
    let time_zone = req.time_zone.unwrap_or_else(|| "UTC".to_string());
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        return error(
            StatusCode::BAD_REQUEST,
            format!("timeZone '{time_zone}' is not an IANA time zone (e.g. Europe/Paris)"),
        );
    }
    let name = req
        .name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
    let user = User {
        email: email.clone(),
        name,
        time_zone,
    };
    s.lock().users.insert(email, user.clone());
    Json(user).into_response()
}

async fn list_users(State(s): State<AppState>) -> Response {
    let w = s.lock();
    let users: Vec<&User> = w.users.values().collect();
    Json(json!({"users": users})).into_response()
}

async fn get_clock(State(s): State<AppState>) -> Response {
    Json(now_json(&s.lock())).into_response()
}

#[derive(Deserialize)]
struct ClockMove {
    now: Option<String>,
    advance_seconds: Option<i64>,
}

async fn set_clock(State(s): State<AppState>, body: Bytes) -> Response {
    let req: ClockMove = match parse_json(&body, "clock") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut w = s.lock();
    match (req.now, req.advance_seconds) {
        (Some(now), None) => match DateTime::parse_from_rfc3339(&now) {
            Ok(t) => w.clock.set(t.with_timezone(&Utc)),
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("clock: now '{now}' is not RFC 3339 ({e})"),
                )
            }
        },
        (None, Some(secs)) => match Duration::try_seconds(secs) {
            Some(d) => w.clock.advance(d),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("clock: advance_seconds {secs} is out of range"),
                )
            }
        },
        (None, None) => {}
        (Some(_), Some(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "clock: give either \"now\" or \"advance_seconds\", not both",
            )
        }
    }
    Json(now_json(&w)).into_response()
}

#[derive(Deserialize)]
struct RandomSpec {
    rate: f64,
    statuses: Vec<u16>,
    seed: u64,
    methods: Option<Vec<String>>,
}

async fn add_fault(State(s): State<AppState>, body: Bytes) -> Response {
    let raw: Value = match parse_json(&body, "fault") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut w = s.lock();
    let added = if raw.get("rate").is_some() {
        serde_json::from_value::<RandomSpec>(raw)
            .map_err(|e| format!("random fault: {e}"))
            .and_then(|r| {
                RandomFaults::new(r.rate, r.statuses, r.seed, r.methods).map_err(|e| e.to_string())
            })
            .map(|r| w.faults.set_random(r))
    } else {
        serde_json::from_value::<ScriptedFault>(raw)
            .map_err(|e| format!("scripted fault: {e}"))
            .and_then(|f| w.faults.add_scripted(f).map_err(|e| e.to_string()))
    };
    match added {
        Ok(()) => Json(json!({"faults": &w.faults})).into_response(),
        Err(e) => error(StatusCode::BAD_REQUEST, e),
    }
}

async fn set_latency(State(s): State<AppState>, body: Bytes) -> Response {
    let spec: crate::latency::LatencySpec = match parse_json(&body, "latency") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut w = s.lock();
    match spec.rule().and_then(|r| w.latency.set(r)) {
        Ok(()) => Json(json!({"latency": &w.latency})).into_response(),
        Err(e) => error(StatusCode::BAD_REQUEST, format!("latency: {e}")),
    }
}

async fn get_latency(State(s): State<AppState>) -> Response {
    Json(json!({"latency": &s.lock().latency})).into_response()
}

async fn clear_latency(State(s): State<AppState>) -> Response {
    s.lock().latency.clear();
    Json(json!({})).into_response()
}

async fn clear_faults(State(s): State<AppState>) -> Response {
    s.lock().faults.clear();
    Json(json!({})).into_response()
}

async fn get_stats(State(s): State<AppState>) -> Response {
    Json(s.lock().stats.to_json()).into_response()
}

async fn reset_stats(State(s): State<AppState>) -> Response {
    s.lock().stats.reset();
    Json(json!({})).into_response()
}

async fn reset(State(s): State<AppState>) -> Response {
    let mut w = s.lock();
    let fresh = World::new(&w.domain, &w.base_url);
    *w = fresh;
    Json(json!({})).into_response()
}

/// Serialised straight to bytes: going through a `serde_json::Value` first cost about ten times
/// the dump's size in memory (a 35 MiB world took the process from 150 to 630 MiB, see
/// BENCHMARKS.md) and held the world's lock about twice as long.
async fn get_state(State(s): State<AppState>) -> Response {
    let dumped = serde_json::to_vec(&*s.lock());
    match dumped {
        Ok(bytes) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            bytes,
        )
            .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("state: {e}")),
    }
}
