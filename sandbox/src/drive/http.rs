//! The Drive v3 routes. Every handler goes through `AppState::call` under Google's method id;
//! the work itself is in [`super::files`], [`super::permissions`] and [`super::changes`].

use super::changes::ChangesParams;
use super::docs_link;
use super::fields::{self, select};
use super::files::{ListParams, UpdateParams};
use super::multipart;
use super::permissions::CreateParams;
use crate::call::{AppState, Reply};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::state::World;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::routing::{delete, get, patch, post};
use axum::Router;
use serde_json::Value;
use std::collections::HashMap;

type Params = HashMap<String, String>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/drive/v3/files", get(files_list).post(files_create))
        .route("/upload/drive/v3/files", post(files_create))
        .route("/drive/v3/files/{id}", get(files_get).patch(files_update))
        .route("/upload/drive/v3/files/{id}", patch(files_update))
        .route(
            "/drive/v3/files/{id}/permissions",
            get(permissions_list).post(permissions_create),
        )
        .route(
            "/drive/v3/files/{id}/permissions/{permission_id}",
            delete(permissions_delete),
        )
        .route("/drive/v3/changes/startPageToken", get(changes_start))
        .route("/drive/v3/changes", get(changes_list))
        .route("/drive/v3/changes/watch", post(changes_watch))
        .route("/drive/v3/channels/stop", post(channels_stop))
        .route("/_sandbox/drive/search-lag", post(set_search_lag))
}

#[derive(serde::Deserialize)]
struct SearchLag {
    seconds: u64,
}

/// `POST /_sandbox/drive/search-lag {"seconds": n}`: from now on a file created less than `n`
/// simulated seconds ago is missing from `files.list` queries (0 turns the lag off); answers
/// `{"seconds"}`. Drive search is not read-after-write (kopia/kopia#90,
/// googleapis/google-api-php-client#1564: 5–15 s for new folders).
async fn set_search_lag(State(s): State<AppState>, body: Bytes) -> Response {
    use axum::response::IntoResponse;
    match crate::admin::parse_json::<SearchLag>(&body, "drive search lag") {
        Ok(req) => {
            s.lock().drive.search_lag_seconds = req.seconds;
            axum::Json(serde_json::json!({ "seconds": req.seconds })).into_response()
        }
        Err(e) => e.into_response(),
    }
}

fn mask(value: &Value, params: &Params, default: &str) -> Result<Reply, ApiError> {
    select(value, params.get("fields").map(String::as_str), default)
        .map(Reply::Json)
        .map_err(|e| ApiError::bad_request("invalidParameter", e.to_string()))
}

fn flag(params: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match params.get(name).map(String::as_str) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(ApiError::bad_request(
            "invalidParameter",
            format!("Invalid value '{other}' for boolean parameter {name}; use true or false."),
        )),
    }
}

fn json_body(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    crate::call::parse_body(bytes)
}

/// The metadata (and the media part's type and length) of a create/update request, from a
/// plain JSON body or an `uploadType=multipart` body. Media and resumable uploads are refused.
fn metadata_and_media(
    params: &Params,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Value, Option<(String, u64)>), ApiError> {
    match params.get("uploadType").map(String::as_str) {
        None => Ok((json_body(body)?, None)),
        Some("multipart") => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let parts = multipart::parse(content_type, body)
                .map_err(|e| ApiError::bad_request("badContent", e.to_string()))?;
            let mut parts = parts.into_iter();
            let meta = match parts.next() {
                Some(p) => json_body(&p.body)?,
                None => Value::Null,
            };
            let media = parts.next().map(|p| {
                let mime = p
                    .content_type
                    .unwrap_or_else(|| "application/octet-stream".to_string());
                let mime = mime.split(';').next().unwrap_or("").trim().to_string();
                (mime, p.body.len() as u64)
            });
            Ok((meta, media))
        }
        Some(other) => Err(ApiError::bad_request(
            "badRequest",
            format!(
                "uploadType={other} is not supported by the sandbox; use uploadType=multipart."
            ),
        )),
    }
}

fn owner_name(w: &World, email: &str) -> String {
    w.user(email)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| email.to_string())
}

fn create(
    w: &mut World,
    caller: &Caller,
    params: &Params,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let (meta, media) = metadata_and_media(params, headers, body)?;
    let plan = w
        .drive
        .plan_create(caller, &meta, media.as_ref().map(|(m, n)| (m.as_str(), *n)))?;
    // A Google Doc has one id in Drive and Docs: Docs mints it.
    let id = if plan.is_google_doc() {
        docs_link::create_document(w, &plan.name)
    } else {
        w.ids.next("file")
    };
    let name = owner_name(w, &caller.email);
    let now = w.now();
    let file = w.drive.insert_planned(plan, id, caller, &name, now);
    mask(&file, params, fields::FILE_DEFAULT)
}

async fn files_create(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
    body: Bytes,
) -> Response {
    let h = headers.clone();
    s.call("drive.files.create", &headers, move |w, caller| {
        create(w, caller, &params, &h, &body)
    })
    .await
}

async fn files_get(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    s.call("drive.files.get", &headers, move |w, caller| {
        let file = w.drive.get(&id, caller)?;
        mask(&file, &params, fields::FILE_DEFAULT)
    })
    .await
}

async fn files_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    s.call("drive.files.list", &headers, move |w, caller| {
        let now = w.now();
        let list = w.drive.list(
            caller,
            &ListParams {
                q: params.get("q").cloned(),
                page_size: params.get("pageSize").cloned(),
                page_token: params.get("pageToken").cloned(),
                now: Some(now),
            },
        )?;
        mask(&list, &params, fields::FILE_LIST_DEFAULT)
    })
    .await
}

async fn files_update(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Params>,
    body: Bytes,
) -> Response {
    let h = headers.clone();
    s.call("drive.files.update", &headers, move |w, caller| {
        let (meta, _media) = metadata_and_media(&params, &h, &body)?;
        let now = w.now();
        let update = UpdateParams {
            add_parents: params.get("addParents").cloned(),
            remove_parents: params.get("removeParents").cloned(),
        };
        let (file, renamed) = w.drive.update(&id, caller, &meta, &update, now)?;
        if let Some(name) = renamed {
            if w.drive
                .files
                .get(&id)
                .is_some_and(|f| f.mime_type == super::DOC_MIME)
            {
                docs_link::retitle(w, &id, &name);
            }
        }
        mask(&file, &params, fields::FILE_DEFAULT)
    })
    .await
}

async fn permissions_create(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Params>,
    body: Bytes,
) -> Response {
    s.call("drive.permissions.create", &headers, move |w, caller| {
        let body = json_body(&body)?;
        let create = CreateParams {
            send_notification_email: flag(&params, "sendNotificationEmail")?,
            email_message: params.get("emailMessage").cloned(),
            transfer_ownership: flag(&params, "transferOwnership")?.unwrap_or(false),
        };
        let now = w.now();
        let p = w
            .drive
            .create_permission(&id, caller, &body, &create, now)?;
        mask(&p, &params, fields::PERMISSION_DEFAULT)
    })
    .await
}

async fn permissions_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<Params>,
) -> Response {
    s.call("drive.permissions.list", &headers, move |w, caller| {
        let list = w.drive.list_permissions(&id, caller)?;
        mask(&list, &params, fields::PERMISSION_LIST_DEFAULT)
    })
    .await
}

async fn permissions_delete(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, permission_id)): Path<(String, String)>,
) -> Response {
    s.call("drive.permissions.delete", &headers, move |w, caller| {
        let now = w.now();
        w.drive
            .delete_permission(&id, &permission_id, caller, now)?;
        Ok(Reply::NoContent)
    })
    .await
}

async fn changes_start(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    s.call(
        "drive.changes.getStartPageToken",
        &headers,
        move |w, _caller| {
            mask(
                &w.drive.start_page_token_json(),
                &params,
                "kind,startPageToken",
            )
        },
    )
    .await
}

async fn changes_watch(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
    body: Bytes,
) -> Response {
    s.call("drive.changes.watch", &headers, move |w, caller| {
        let body: Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request("parseError", format!("Parse Error: {e}")))?;
        let now = w.now();
        let base = w.base_url.clone();
        let channel = w.drive.watch_changes(
            caller,
            params.get("pageToken").map(String::as_str),
            body,
            now,
            &base,
        )?;
        Ok(Reply::Json(channel))
    })
    .await
}

async fn channels_stop(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    s.call("drive.channels.stop", &headers, move |w, _caller| {
        let body: Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request("parseError", format!("Parse Error: {e}")))?;
        w.drive.stop_channel(body)?;
        Ok(Reply::NoContent)
    })
    .await
}

async fn changes_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    s.call("drive.changes.list", &headers, move |w, caller| {
        let list = w.drive.list_changes(
            caller,
            &ChangesParams {
                page_token: params.get("pageToken").cloned(),
                page_size: params.get("pageSize").cloned(),
                include_removed: flag(&params, "includeRemoved")?,
            },
        )?;
        mask(&list, &params, fields::CHANGE_LIST_DEFAULT)
    })
    .await
}
