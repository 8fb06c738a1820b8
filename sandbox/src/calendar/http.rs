//! The Calendar v3 routes. Every handler goes through `AppState::call` (auth, scopes, faults,
//! stats), builds an [`Env`] from the locked world and calls one `CalendarState` method.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;

use super::{CalError, Directory, Env, ListParams, UserInfo, WriteOptions};
use crate::call::{parse_body, AppState, Reply};
use crate::error::ApiError;
use crate::state::{Notification, User, World};

/// The Calendar routes plus the sandbox-only `POST /_sandbox/calendar/expire-sync-tokens`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar/v3/calendars/{calendar}", get(calendar_get))
        .route(
            "/calendar/v3/calendars/{calendar}/events",
            get(events_list).post(events_insert),
        )
        .route(
            "/calendar/v3/calendars/{calendar}/events/watch",
            post(events_watch),
        )
        .route(
            "/calendar/v3/calendars/{calendar}/events/{event}",
            get(events_get)
                .patch(events_patch)
                .put(events_update)
                .delete(events_delete),
        )
        .route(
            "/calendar/v3/calendars/{calendar}/events/{event}/instances",
            get(events_instances),
        )
        .route("/calendar/v3/channels/stop", post(channels_stop))
        .route(
            "/_sandbox/calendar/expire-sync-tokens",
            post(expire_sync_tokens),
        )
}

struct Users<'a>(&'a std::collections::BTreeMap<String, User>);

impl Directory for Users<'_> {
    fn user(&self, email: &str) -> Option<UserInfo> {
        let u = self
            .0
            .get(email)
            .or_else(|| self.0.get(&email.to_ascii_lowercase()))?;
        Some(UserInfo {
            name: u.name.clone(),
            time_zone: u.time_zone.clone(),
        })
    }
}

fn api_error(e: CalError) -> ApiError {
    let code = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
    ApiError::new(code, e.reason, e.message)
}

/// Runs `f` with an [`Env`] over the world and moves queued pushes to the world's outbox.
fn with_env<T>(
    w: &mut World,
    f: impl FnOnce(&mut super::CalendarState, &mut Env<'_>) -> Result<T, CalError>,
) -> Result<T, ApiError> {
    let now = w.now();
    let users = Users(&w.users);
    let mut env = Env::new(now, &w.base_url, &users);
    let out = f(&mut w.calendar, &mut env);
    let pushes = std::mem::take(&mut env.outbox);
    w.outbox.extend(pushes.into_iter().map(|p| Notification {
        address: p.address,
        headers: p.headers,
    }));
    out.map_err(api_error)
}

fn query_pairs(q: &Option<String>) -> Vec<(String, String)> {
    q.as_deref()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

fn write_options(q: &Option<String>) -> WriteOptions {
    WriteOptions {
        supports_attachments: query_pairs(q)
            .iter()
            .any(|(k, v)| k == "supportsAttachments" && v == "true"),
    }
}

fn json_reply<T: serde::Serialize>(v: T) -> Result<Reply, ApiError> {
    serde_json::to_value(v).map(Reply::Json).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internalError",
            e.to_string(),
        )
    })
}

async fn calendar_get(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(cal): Path<String>,
) -> Response {
    s.call("calendar.calendars.get", &headers, move |w, caller| {
        with_env(w, |c, env| c.calendar_resource(env, &caller.email, &cal)).and_then(json_reply)
    })
    .await
}

async fn events_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(cal): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    s.call("calendar.events.list", &headers, move |w, caller| {
        let p = ListParams::from_pairs(query_pairs(&q)).map_err(api_error)?;
        with_env(w, |c, env| c.list_events(env, &caller.email, &cal, &p)).and_then(json_reply)
    })
    .await
}

async fn events_insert(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(cal): Path<String>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    s.call("calendar.events.insert", &headers, move |w, caller| {
        let body: Value = parse_body(&body)?;
        let opts = write_options(&q);
        with_env(w, |c, env| {
            c.insert_event(env, &caller.email, &cal, body, opts)
        })
        .and_then(json_reply)
    })
    .await
}

async fn events_get(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((cal, id)): Path<(String, String)>,
) -> Response {
    s.call("calendar.events.get", &headers, move |w, caller| {
        with_env(w, |c, _| c.get_event(&caller.email, &cal, &id)).and_then(json_reply)
    })
    .await
}

/// The etag of an `If-Match` header, for Calendar's conditional modification: "If the entry
/// (and its etag) has not changed since the last retrieval, the modification succeeds …
/// Otherwise, you will get a 412 (Precondition failed) response code"
/// (developers.google.com/calendar/api/guides/version-resources). `*` matches any etag.
fn if_match(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

/// Refuses the write with 412 when `expected` (an `If-Match`) is not the event's etag now.
fn check_etag(
    c: &super::CalendarState,
    caller: &str,
    cal: &str,
    id: &str,
    expected: Option<&str>,
) -> Result<(), CalError> {
    let Some(expected) = expected.filter(|e| *e != "*") else {
        return Ok(());
    };
    let current = c.get_event(caller, cal, id)?;
    if current.etag == expected || current.etag.trim_matches('"') == expected.trim_matches('"') {
        Ok(())
    } else {
        Err(CalError::precondition_failed())
    }
}

async fn events_patch(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((cal, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let expected = if_match(&headers);
    s.call("calendar.events.patch", &headers, move |w, caller| {
        let body: Value = parse_body(&body)?;
        let opts = write_options(&q);
        with_env(w, |c, env| {
            check_etag(c, &caller.email, &cal, &id, expected.as_deref())?;
            c.patch_event(env, &caller.email, &cal, &id, body, opts)
        })
        .and_then(json_reply)
    })
    .await
}

async fn events_update(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((cal, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let expected = if_match(&headers);
    s.call("calendar.events.update", &headers, move |w, caller| {
        let body: Value = parse_body(&body)?;
        let opts = write_options(&q);
        with_env(w, |c, env| {
            check_etag(c, &caller.email, &cal, &id, expected.as_deref())?;
            c.update_event(env, &caller.email, &cal, &id, body, opts)
        })
        .and_then(json_reply)
    })
    .await
}

async fn events_delete(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((cal, id)): Path<(String, String)>,
) -> Response {
    s.call("calendar.events.delete", &headers, move |w, caller| {
        with_env(w, |c, env| c.delete_event(env, &caller.email, &cal, &id))
            .map(|()| Reply::NoContent)
    })
    .await
}

async fn events_instances(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((cal, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    s.call("calendar.events.instances", &headers, move |w, caller| {
        let p = ListParams::from_pairs(query_pairs(&q)).map_err(api_error)?;
        with_env(w, |c, env| {
            c.list_instances(env, &caller.email, &cal, &id, &p)
        })
        .and_then(json_reply)
    })
    .await
}

async fn events_watch(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(cal): Path<String>,
    body: Bytes,
) -> Response {
    s.call("calendar.events.watch", &headers, move |w, caller| {
        let body: Value = parse_body(&body)?;
        with_env(w, |c, env| c.watch(env, &caller.email, &cal, body)).and_then(json_reply)
    })
    .await
}

async fn channels_stop(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    s.call("calendar.channels.stop", &headers, move |w, _caller| {
        let body: Value = parse_body(&body)?;
        with_env(w, |c, _| c.stop_channel(body)).map(|()| Reply::NoContent)
    })
    .await
}

/// Sandbox-only: invalidates every sync token issued so far (next incremental sync → 410).
async fn expire_sync_tokens(State(s): State<AppState>) -> Response {
    s.lock().calendar.expire_sync_tokens();
    StatusCode::NO_CONTENT.into_response()
}
