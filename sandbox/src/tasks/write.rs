//! Request bodies of `tasks.insert` / `tasks.patch` and `tasklists.insert`: which fields a
//! client may write, their limits, and how status, `completed` and `due` interact.
//!
//! Reference: Task resource
//! (<https://developers.google.com/workspace/tasks/reference/rest/v1/tasks>): `status` is
//! "either needsAction or completed"; `completed` is "omitted if the task has not been
//! completed"; `due` records the date only; `kind`, `updated`, `selfLink`, `parent`,
//! `position`, `hidden`, `links`, `webViewLink` and `assignmentInfo` are output only / read-only.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::model::{
    due_date_only, parse_time, Task, MAX_LIST_TITLE_CHARS, MAX_NOTES_CHARS, MAX_TITLE_CHARS,
};
use crate::error::ApiError;

/// Fields of a Task body that Google ignores on input (read-only / output-only).
const READ_ONLY: &[&str] = &[
    "kind",
    "id",
    "etag",
    "updated",
    "selfLink",
    "parent",
    "position",
    "hidden",
    "links",
    "webViewLink",
    "assignmentInfo",
];
const WRITABLE: &[&str] = &["title", "notes", "status", "due", "completed", "deleted"];

/// The writable fields found in a body, validated.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct TaskWrite {
    pub title: Option<String>,
    pub notes: Option<String>,
    pub status: Option<String>,
    pub due: Option<DateTime<Utc>>,
    pub completed: Option<DateTime<Utc>>,
    pub deleted: Option<bool>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid", message)
}

fn string_field(o: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match o.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(ApiError::bad_request(
            "parseError",
            format!("Invalid JSON payload received. Invalid value at '{name}' ({other}): expected a string."),
        )),
    }
}

/// Parses and validates a Task body: unknown field names and wrong types are the front end's
/// 400 `parseError`; over-long text, an unknown status or a malformed timestamp is 400
/// `invalid`.
pub fn parse_task(body: &Value) -> Result<TaskWrite, ApiError> {
    let o = body.as_object().ok_or_else(|| {
        ApiError::bad_request(
            "parseError",
            "Invalid JSON payload received. Expected an object.",
        )
    })?;
    if let Some(unknown) = o
        .keys()
        .find(|k| !WRITABLE.contains(&k.as_str()) && !READ_ONLY.contains(&k.as_str()))
    {
        return Err(ApiError::bad_request(
            "parseError",
            format!(
                "Invalid JSON payload received. Unknown name \"{unknown}\": Cannot find field."
            ),
        ));
    }
    let title = string_field(o, "title")?;
    if title
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_TITLE_CHARS)
    {
        return Err(invalid(format!(
            "Invalid value for title: longer than {MAX_TITLE_CHARS} characters."
        )));
    }
    let notes = string_field(o, "notes")?;
    if notes
        .as_ref()
        .is_some_and(|t| t.chars().count() > MAX_NOTES_CHARS)
    {
        return Err(invalid(format!(
            "Invalid value for notes: longer than {MAX_NOTES_CHARS} characters."
        )));
    }
    let status = string_field(o, "status")?;
    if let Some(s) = &status {
        if s != "needsAction" && s != "completed" {
            return Err(invalid(format!("Invalid value for status: {s}")));
        }
    }
    let due = match string_field(o, "due")? {
        None => None,
        Some(s) => {
            Some(due_date_only(&s).ok_or_else(|| invalid(format!("Invalid value for due: {s}")))?)
        }
    };
    let completed = match string_field(o, "completed")? {
        None => None,
        Some(s) => Some(
            parse_time(&s).ok_or_else(|| invalid(format!("Invalid value for completed: {s}")))?,
        ),
    };
    let deleted = match o.get("deleted") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            return Err(ApiError::bad_request(
                "parseError",
                format!("Invalid JSON payload received. Invalid value at 'deleted' ({other}): expected a boolean."),
            ))
        }
    };
    Ok(TaskWrite {
        title,
        notes,
        status,
        due,
        completed,
        deleted,
    })
}

/// Applies a validated write to a task. Completing without a `completed` time stamps now;
/// going back to `needsAction` drops `completed` (it "is omitted if the task has not been
/// completed").
pub fn apply(task: &mut Task, w: TaskWrite, now: DateTime<Utc>) {
    if let Some(t) = w.title {
        task.title = t;
    }
    if let Some(n) = w.notes {
        task.notes = Some(n);
    }
    if let Some(d) = w.due {
        task.due = Some(d);
    }
    if let Some(deleted) = w.deleted {
        task.deleted = deleted;
    }
    match w.status.as_deref() {
        Some("completed") => {
            task.status = "completed".into();
            task.completed = w.completed.or(task.completed).or(Some(now));
        }
        Some(_) => {
            task.status = "needsAction".into();
            task.completed = None;
        }
        None => {
            if task.status == "completed" {
                if let Some(c) = w.completed {
                    task.completed = Some(c);
                }
            }
        }
    }
    task.updated = now;
    task.version += 1;
}

/// A `tasklists.insert` body's title: required and at most 256 characters
/// (<https://developers.google.com/workspace/tasks/reference/rest/v1/tasklists>).
pub fn parse_list_title(body: &Value) -> Result<String, ApiError> {
    let o = body.as_object().ok_or_else(|| {
        ApiError::bad_request(
            "parseError",
            "Invalid JSON payload received. Expected an object.",
        )
    })?;
    if let Some(unknown) = o.keys().find(|k| {
        !matches!(
            k.as_str(),
            "title" | "kind" | "id" | "etag" | "updated" | "selfLink"
        )
    }) {
        return Err(ApiError::bad_request(
            "parseError",
            format!(
                "Invalid JSON payload received. Unknown name \"{unknown}\": Cannot find field."
            ),
        ));
    }
    let title = string_field(o, "title")?.unwrap_or_default();
    if title.trim().is_empty() {
        return Err(ApiError::bad_request(
            "required",
            "Missing task list title.",
        ));
    }
    if title.chars().count() > MAX_LIST_TITLE_CHARS {
        return Err(invalid(format!(
            "Invalid value for title: longer than {MAX_LIST_TITLE_CHARS} characters."
        )));
    }
    Ok(title)
}
