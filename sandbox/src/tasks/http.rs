//! The Tasks v1 routes, at the paths the generated `google-tasks1` crate calls
//! (`tasks/v1/users/@me/lists…`, `tasks/v1/lists/{tasklist}/tasks…`). Every handler goes
//! through [`AppState::call`] (stats by method, faults, latency, auth, scopes).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use super::list::{one_page, page, TaskQuery, LISTS_DEFAULT_PAGE, LISTS_MAX_PAGE};
use super::model::{Task, TaskList};
use super::write::{apply, parse_list_title, parse_task};
use crate::call::{parse_body, AppState, Reply};
use crate::error::ApiError;
use crate::state::World;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/tasks/v1/users/@me/lists",
            get(lists_list).post(lists_insert),
        )
        .route(
            "/tasks/v1/lists/{tasklist}/tasks",
            get(tasks_list).post(tasks_insert),
        )
        .route(
            "/tasks/v1/lists/{tasklist}/tasks/{task}",
            get(tasks_get).patch(tasks_patch).delete(tasks_delete),
        )
        .merge(super::ui::routes())
}

pub(super) fn query_pairs(q: &Option<String>) -> Vec<(String, String)> {
    q.as_deref()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default()
}

/// The tasks of a list in Google's order (by `position`).
fn ordered(tasks: &[Task]) -> Vec<Task> {
    let mut v = tasks.to_vec();
    v.sort_by(|a, b| a.position.cmp(&b.position));
    v
}

async fn lists_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    s.call("tasks.tasklists.list", &headers, move |w, caller| {
        let (max, offset) = page(&query_pairs(&q), LISTS_DEFAULT_PAGE, LISTS_MAX_PAGE)?;
        let now = w.now();
        let base = w.base_url.clone();
        let user = w.tasks.user_mut(&caller.email, now, &mut w.ids);
        let lists: Vec<TaskList> = user.lists.iter().map(|l| l.list.clone()).collect();
        let (items, next) = one_page(&lists, offset, max);
        let mut out = json!({
            "kind": "tasks#taskLists",
            "etag": format!("\"{}\"", lists.iter().map(|l| l.version).sum::<u64>()),
            "items": items.iter().map(|l| l.to_json(&base)).collect::<Vec<_>>(),
        });
        if let Some(next) = next {
            out["nextPageToken"] = next.into();
        }
        Ok(Reply::Json(out))
    })
    .await
}

async fn lists_insert(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    s.call("tasks.tasklists.insert", &headers, move |w, caller| {
        let body: Value = parse_body(&body)?;
        let title = parse_list_title(&body)?;
        let now = w.now();
        let id = w.ids.next("l");
        let base = w.base_url.clone();
        let user = w.tasks.user_mut(&caller.email, now, &mut w.ids);
        let list = TaskList {
            id,
            title,
            updated: now,
            version: 1,
        };
        user.lists.push(super::StoredList {
            list: list.clone(),
            tasks: Vec::new(),
        });
        Ok(Reply::Created(list.to_json(&base)))
    })
    .await
}

/// Runs `f` on the caller's list `list_id` (404 if it is not theirs).
fn in_list<T>(
    w: &mut World,
    email: &str,
    list_id: &str,
    f: impl FnOnce(
        &mut super::StoredList,
        &mut crate::state::IdGen,
        chrono::DateTime<chrono::Utc>,
    ) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let now = w.now();
    let World { tasks, ids, .. } = w;
    let user = tasks.user_mut(email, now, ids);
    let list = user.list_mut(list_id)?;
    f(list, ids, now)
}

async fn tasks_list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(list_id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    s.call("tasks.tasks.list", &headers, move |w, caller| {
        let query = TaskQuery::parse(&query_pairs(&q))?;
        let base = w.base_url.clone();
        in_list(w, &caller.email, &list_id, |list, _, _| {
            let admitted: Vec<Task> = ordered(&list.tasks)
                .into_iter()
                .filter(|t| query.admits(t))
                .collect();
            let (items, next) = one_page(&admitted, query.offset, query.max_results);
            let mut out = json!({
                "kind": "tasks#tasks",
                "etag": format!("\"{}\"", list.list.version),
                "items": items.iter().map(|t| t.to_json(&base, &list.list.id)).collect::<Vec<_>>(),
            });
            if let Some(next) = next {
                out["nextPageToken"] = next.into();
            }
            Ok(Reply::Json(out))
        })
    })
    .await
}

async fn tasks_insert(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(list_id): Path<String>,
    body: Bytes,
) -> Response {
    s.call("tasks.tasks.insert", &headers, move |w, caller| {
        let body: Value = parse_body(&body)?;
        let write = parse_task(&body)?;
        let base = w.base_url.clone();
        let position = w.tasks.next_position();
        in_list(w, &caller.email, &list_id, |list, ids, now| {
            let mut task = Task {
                id: ids.next("t"),
                title: String::new(),
                notes: None,
                status: "needsAction".into(),
                due: None,
                completed: None,
                deleted: false,
                hidden: false,
                updated: now,
                position,
                version: 0,
            };
            apply(&mut task, write, now);
            list.tasks.push(task.clone());
            list.touch(now);
            Ok(Reply::Created(task.to_json(&base, &list.list.id)))
        })
    })
    .await
}

/// `tasks.get` answers a deleted task too (with `deleted: true`): Google keeps deleted tasks,
/// which is why `tasks.list` has `showDeleted`.
async fn tasks_get(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((list_id, task_id)): Path<(String, String)>,
) -> Response {
    s.call("tasks.tasks.get", &headers, move |w, caller| {
        let base = w.base_url.clone();
        in_list(w, &caller.email, &list_id, |list, _, _| {
            let id = list.list.id.clone();
            let task = list.task_mut(&task_id)?;
            Ok(Reply::Json(task.to_json(&base, &id)))
        })
    })
    .await
}

async fn tasks_patch(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((list_id, task_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    s.call("tasks.tasks.patch", &headers, move |w, caller| {
        let body: Value = parse_body(&body)?;
        let write = parse_task(&body)?;
        let base = w.base_url.clone();
        in_list(w, &caller.email, &list_id, |list, _, now| {
            let id = list.list.id.clone();
            let task = list.task_mut(&task_id)?;
            apply(task, write, now);
            let out = task.to_json(&base, &id);
            list.touch(now);
            Ok(Reply::Json(out))
        })
    })
    .await
}

/// "Deletes the specified task from the task list": the task stays, flagged `deleted`, and is
/// listed again only with `showDeleted=true`. Answers 204 with an empty body.
async fn tasks_delete(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((list_id, task_id)): Path<(String, String)>,
) -> Response {
    s.call("tasks.tasks.delete", &headers, move |w, caller| {
        in_list(w, &caller.email, &list_id, |list, _, now| {
            let task = list.task_mut(&task_id)?;
            task.deleted = true;
            task.updated = now;
            task.version += 1;
            list.touch(now);
            Ok(Reply::NoContent)
        })
    })
    .await
}
