//! The Tasks v1 resources as stored and served, and Google's rules for the fields a client may
//! write.
//!
//! Reference: <https://developers.google.com/workspace/tasks/reference/rest/v1/tasks> (Task) and
//! <https://developers.google.com/workspace/tasks/reference/rest/v1/tasklists> (TaskList).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// "Title of the task. Maximum length allowed: 1024 characters." (Task resource)
pub const MAX_TITLE_CHARS: usize = 1024;
/// "Notes describing the task. Optional. Maximum length allowed: 8192 characters." (Task)
pub const MAX_NOTES_CHARS: usize = 8192;
/// "Title of the task list. Maximum length allowed: 256 characters." (TaskList resource)
pub const MAX_LIST_TITLE_CHARS: usize = 256;

/// A task as the sandbox stores it. Serialised field names are Google's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `needsAction` or `completed`.
    pub status: String,
    /// Midnight UTC of the scheduled day: the API records the date only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub hidden: bool,
    pub updated: DateTime<Utc>,
    /// Lexicographic order among siblings (read-only for clients).
    pub position: String,
    /// Bumped on every change; the etag is derived from it.
    pub version: u64,
}

/// A task list as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskList {
    pub id: String,
    pub title: String,
    pub updated: DateTime<Utc>,
    pub version: u64,
}

/// Google's timestamp form: RFC 3339, UTC, milliseconds (`2026-11-24T00:00:00.000Z`).
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Task {
    /// The JSON Google serves for this task. `base_url` makes `selfLink`.
    pub fn to_json(&self, base_url: &str, list_id: &str) -> serde_json::Value {
        let mut v = serde_json::json!({
            "kind": "tasks#task",
            "id": self.id,
            "etag": format!("\"{}\"", self.version),
            "title": self.title,
            "updated": rfc3339(self.updated),
            "selfLink": format!("{base_url}tasks/v1/lists/{list_id}/tasks/{}", self.id),
            "position": self.position,
            "status": self.status,
            "links": [],
            "webViewLink": format!("https://tasks.google.com/task/{}?sa=6", self.id),
        });
        let o = v.as_object_mut().expect("json! object");
        if let Some(notes) = &self.notes {
            o.insert("notes".into(), notes.clone().into());
        }
        if let Some(due) = self.due {
            o.insert("due".into(), rfc3339(due).into());
        }
        if let Some(done) = self.completed {
            o.insert("completed".into(), rfc3339(done).into());
        }
        // Google omits false flags.
        if self.deleted {
            o.insert("deleted".into(), true.into());
        }
        if self.hidden {
            o.insert("hidden".into(), true.into());
        }
        v
    }
}

impl TaskList {
    pub fn to_json(&self, base_url: &str) -> serde_json::Value {
        serde_json::json!({
            "kind": "tasks#taskList",
            "id": self.id,
            "etag": format!("\"{}\"", self.version),
            "title": self.title,
            "updated": rfc3339(self.updated),
            "selfLink": format!("{base_url}tasks/v1/users/@me/lists/{}", self.id),
        })
    }
}

/// Parses an RFC 3339 timestamp as the Tasks API accepts it (query parameters and `due` /
/// `completed`).
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `due` as Google keeps it: "Only date information is recorded; the time portion of the
/// timestamp is discarded when setting this field. It isn't possible to read or write the time
/// that a task is scheduled for using the API." (Task resource, `due`). The date is the one
/// written in the timestamp (its own offset), served back as midnight UTC.
pub fn due_date_only(s: &str) -> Option<DateTime<Utc>> {
    let date_part = s.get(..10)?;
    // Still require a full, valid RFC 3339 timestamp.
    DateTime::parse_from_rfc3339(s).ok()?;
    let day = NaiveDate::parse_from_str(date_part, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}
