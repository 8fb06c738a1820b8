//! The Docs v1 HTTP surface: `documents.create`, `documents.get`, `documents.batchUpdate`,
//! and the sandbox's `/_sandbox/documents/import`, `…/{id}/tick`, `…/{id}/ticks` and `…/{id}/tabs`.
//!
//! Access follows Drive: reading needs a reader role (or better) on the file, writing a
//! writer role; a token with only the `drive.file` scope opens only documents its app
//! created. axum cannot match `{id}:batchUpdate` inside one segment, so everything under
//! `/v1/documents/` is one wildcard route split here.

use super::drive_link::{self, Role};
use super::unknown_names;
use super::DocsError;
use crate::call::{parse_body, AppState, Reply};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::state::World;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/documents", post(create))
        .route("/v1/documents/{*rest}", post(batch_update).get(get))
        .route("/_sandbox/documents/import", post(import))
        .route("/_sandbox/documents/{id}/tick", post(tick))
        .route("/_sandbox/documents/{id}/ticks", axum::routing::get(ticks))
        .route("/_sandbox/documents/{id}/tabs", post(add_tab))
}

impl From<DocsError> for ApiError {
    fn from(e: DocsError) -> Self {
        match e {
            DocsError::NotFound => {
                ApiError::grpc(StatusCode::NOT_FOUND, "NOT_FOUND", e.to_string())
            }
            DocsError::Invalid(m) => ApiError::invalid_argument(m),
            DocsError::RevisionMismatch(m) => {
                ApiError::grpc(StatusCode::BAD_REQUEST, "FAILED_PRECONDITION", m)
            }
        }
    }
}

fn not_found() -> ApiError {
    DocsError::NotFound.into()
}

fn permission_denied() -> ApiError {
    ApiError::grpc(
        StatusCode::FORBIDDEN,
        "PERMISSION_DENIED",
        "The caller does not have permission",
    )
}

/// Checks that `caller` may use document `id` with at least `needed`.
fn authorize(w: &World, id: &str, caller: &Caller, needed: Role) -> Result<(), ApiError> {
    if w.docs.document(id).is_none() {
        return Err(not_found());
    }
    let broad = ["documents", "documents.readonly", "drive", "drive.readonly"]
        .iter()
        .any(|s| caller.has_scope(s));
    if !broad && !drive_link::app_can_open(w, id, &caller.client_id) {
        return Err(permission_denied());
    }
    match drive_link::role_of(w, id, &caller.email) {
        Some(role) if role >= needed => Ok(()),
        _ => Err(permission_denied()),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetQuery {
    include_tabs_content: Option<bool>,
    /// The standard `fields` partial-response mask ("Standard Query Parameters",
    /// developers.google.com/docs/api/reference/rest — `fields`: "Selector specifying which
    /// fields to include in a partial response"); absent = the whole document.
    fields: Option<String>,
}

async fn get(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(rest): Path<String>,
    Query(q): Query<GetQuery>,
) -> Response {
    if rest.contains(['/', ':']) {
        return not_found().into_response();
    }
    let tabs = q.include_tabs_content.unwrap_or(false);
    let fields = q.fields.filter(|f| !f.trim().is_empty());
    s.call("docs.documents.get", &headers, move |w, caller| {
        let mask = fields
            .as_deref()
            .map(crate::drive::fields::Mask::parse)
            .transpose()
            .map_err(|e| ApiError::invalid_argument(e.to_string()))?;
        authorize(w, &rest, caller, Role::Reader)?;
        let doc = w.docs.get_json(&rest, tabs)?;
        Ok(Reply::Json(match mask {
            Some(mask) => mask.apply(&doc),
            None => doc,
        }))
    })
    .await
}

async fn create(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    s.call("docs.documents.create", &headers, move |w, caller| {
        let req: Value = parse_body(&body)?;
        unknown_names::check::<google_docs1::api::Document>(&req)
            .map_err(ApiError::invalid_argument)?;
        let title = req
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("Untitled document");
        let id = w.docs.create(title);
        let now = w.now();
        let name = w
            .user(&caller.email)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        drive_link::register_doc(w, &id, title, &caller.email, &name, &caller.client_id, now);
        Ok(Reply::Created(w.docs.get_json(&id, false)?))
    })
    .await
}

async fn batch_update(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(rest): Path<String>,
    body: Bytes,
) -> Response {
    let Some(id) = rest
        .strip_suffix(":batchUpdate")
        .filter(|id| !id.contains(['/', ':']))
    else {
        return not_found().into_response();
    };
    let id = id.to_string();
    s.call("docs.documents.batchUpdate", &headers, move |w, caller| {
        let req: Value = parse_body(&body)?;
        unknown_names::check::<google_docs1::api::BatchUpdateDocumentRequest>(&req)
            .map_err(ApiError::invalid_argument)?;
        authorize(w, &id, caller, Role::Writer)?;
        if w.faults.take_revision_bump("docs.documents.batchUpdate") {
            w.docs.bump_revision(&id)?;
        }
        let users = &w.users;
        let name = |email: &str| {
            users
                .get(&email.to_ascii_lowercase())
                .map(|u| u.name.clone())
        };
        let reply = w.docs.batch_update(&id, &req, &name)?;
        let now = w.now();
        drive_link::touch(w, &id, now);
        Ok(Reply::Json(reply))
    })
    .await
}

#[derive(Deserialize)]
struct ImportBody {
    owner: String,
    document: Value,
}

/// `POST /_sandbox/documents/import {"owner", "document"}`: loads a captured document owned
/// by `owner` and answers `{"documentId"}`.
async fn import(State(s): State<AppState>, body: Bytes) -> Response {
    let result = (|| {
        let req: ImportBody = parse_body(&body)?;
        let mut w = s.lock();
        let id = w.docs.import(&req.document)?;
        let title = w
            .docs
            .document(&id)
            .map(|d| d.title.clone())
            .unwrap_or_default();
        let name = w
            .user(&req.owner)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        let now = w.now();
        drive_link::register_doc(&mut w, &id, &title, &req.owner, &name, "", now);
        Ok::<_, ApiError>(json!({ "documentId": id }))
    })();
    match result {
        Ok(v) => (StatusCode::OK, axum::Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A sandbox control answered: `{"error"}` with a status when refused.
fn control_reply(result: Result<Value, DocsError>) -> Response {
    match result {
        Ok(v) => (StatusCode::OK, axum::Json(v)).into_response(),
        Err(DocsError::NotFound) => crate::admin::error(StatusCode::NOT_FOUND, "no such document"),
        Err(DocsError::Invalid(m) | DocsError::RevisionMismatch(m)) => {
            crate::admin::error(StatusCode::BAD_REQUEST, m)
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TickBody {
    text: Option<String>,
    paragraph: Option<usize>,
    #[serde(rename = "tabId")]
    tab_id: Option<String>,
    ticked: Option<bool>,
}

/// `POST /_sandbox/documents/{id}/tick {"text": prefix | "paragraph": n, "tabId"?, "ticked"?}`:
/// a person clicks a checklist item's box (`ticked` false unticks it). Answers
/// `{"documentId", "tabId", "paragraph", "text", "ticked", "revisionId"}`.
async fn tick(State(s): State<AppState>, Path(id): Path<String>, body: Bytes) -> Response {
    let req: TickBody = match crate::admin::parse_json(&body, "tick") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let which = match (req.text, req.paragraph) {
        (Some(t), None) => super::ticks::Which::Text(t),
        (None, Some(n)) => super::ticks::Which::Index(n),
        _ => return crate::admin::error(
            StatusCode::BAD_REQUEST,
            "tick: give either \"text\" (a paragraph's text prefix) or \"paragraph\" (its index)",
        ),
    };
    let ticked = req.ticked.unwrap_or(true);
    let mut w = s.lock();
    let result = w.docs.tick(&id, req.tab_id.as_deref(), &which, ticked);
    if result.is_ok() {
        let now = w.now();
        drive_link::touch(&mut w, &id, now);
    }
    control_reply(result.map(|(item, revision)| {
        json!({
            "documentId": id, "tabId": item.tab_id, "paragraph": item.paragraph,
            "text": item.text, "ticked": ticked, "revisionId": revision,
        })
    }))
}

/// `GET /_sandbox/documents/{id}/ticks`: the ticked items, as the editor shows them —
/// `{"ticked": [{"tabId", "paragraph", "text"}]}`.
async fn ticks(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let result = s.lock().docs.ticked(&id);
    control_reply(result.map(|items| json!({ "ticked": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTab {
    title: Option<String>,
    index: Option<usize>,
}

/// `POST /_sandbox/documents/{id}/tabs {"title"?, "index"?}`: a person adds an empty root tab
/// at `index` (default 0, before the others; title default "Tab N"). Answers
/// `{"documentId", "tabId", "index", "title", "revisionId"}`.
async fn add_tab(State(s): State<AppState>, Path(id): Path<String>, body: Bytes) -> Response {
    let req: NewTab = match crate::admin::parse_json(&body, "new tab") {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let mut w = s.lock();
    let count = w.docs.document(&id).map_or(0, |d| d.tabs.len());
    let title = req
        .title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| format!("Tab {}", count + 1));
    let index = req.index.unwrap_or(0);
    let result = w.docs.add_tab(&id, &title, index);
    if result.is_ok() {
        let now = w.now();
        drive_link::touch(&mut w, &id, now);
    }
    control_reply(result.map(|(tab_id, revision)| {
        json!({
            "documentId": id, "tabId": tab_id, "index": index, "title": title,
            "revisionId": revision,
        })
    }))
}
