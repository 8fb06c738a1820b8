//! Sandbox-only controls that act as a person in Google's own Tasks apps (web UI, mobile),
//! where behaviour differs from the API in ways the daemon must survive:
//!
//! * Completing a task in a first-party client also hides it: tasks.list's reference says
//!   "showHidden must also be True to show tasks completed in first party clients, such as the
//!   web UI and Google's mobile apps"
//!   (<https://developers.google.com/workspace/tasks/reference/rest/v1/tasks/list>). A client
//!   that lists with the defaults never sees such a completion.
//! * Deleting a task in the UI flags it `deleted` like `tasks.delete`.
//!
//! | route | body | answer |
//! |---|---|---|
//! | `POST /_sandbox/tasks/complete` | `{"user","task"}` | the task |
//! | `POST /_sandbox/tasks/delete` | `{"user","task"}` | the task |
//! | `GET /_sandbox/tasks?user=` | | `{"lists":[{"id","title","tasks":[…]}]}` (everything, deleted and hidden too) |

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

use crate::call::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_sandbox/tasks", get(dump))
        .route("/_sandbox/tasks/complete", post(complete))
        .route("/_sandbox/tasks/delete", post(delete))
}

#[derive(Deserialize)]
struct Target {
    user: String,
    task: String,
}

fn control_error(message: String) -> Response {
    (StatusCode::NOT_FOUND, Json(json!({ "error": message }))).into_response()
}

/// Applies `f` to the task `t.task` in any of `t.user`'s lists.
fn act(
    s: &AppState,
    t: &Target,
    f: impl FnOnce(&mut super::model::Task, chrono::DateTime<chrono::Utc>),
) -> Response {
    let mut w = s.lock();
    let now = w.now();
    let base = w.base_url.clone();
    let Some(user) = w.tasks.users.get_mut(&t.user.to_ascii_lowercase()) else {
        return control_error(format!("no tasks for user {}", t.user));
    };
    for list in &mut user.lists {
        if let Some(task) = list.tasks.iter_mut().find(|x| x.id == t.task) {
            f(task, now);
            task.updated = now;
            task.version += 1;
            let out = task.to_json(&base, &list.list.id);
            list.touch(now);
            return Json(out).into_response();
        }
    }
    control_error(format!("no task {} for user {}", t.task, t.user))
}

async fn complete(State(s): State<AppState>, Json(t): Json<Target>) -> Response {
    act(&s, &t, |task, now| {
        task.status = "completed".into();
        task.completed = Some(now);
        task.hidden = true;
    })
}

async fn delete(State(s): State<AppState>, Json(t): Json<Target>) -> Response {
    act(&s, &t, |task, _| task.deleted = true)
}

async fn dump(State(s): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let pairs = super::http::query_pairs(&q);
    let Some((_, email)) = pairs.iter().find(|(k, _)| k == "user") else {
        return control_error("query parameter user= is required".into());
    };
    let w = s.lock();
    let lists: Vec<_> = w
        .tasks
        .users
        .get(&email.to_ascii_lowercase())
        .map(|u| {
            u.lists
                .iter()
                .map(|l| {
                    json!({
                        "id": l.list.id,
                        "title": l.list.title,
                        "tasks": l.tasks.iter().map(|t| t.to_json(&w.base_url, &l.list.id)).collect::<Vec<_>>(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Json(json!({ "lists": lists })).into_response()
}
