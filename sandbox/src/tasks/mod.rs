//! The sandbox's Google Tasks v1: each user's task lists and tasks, with Google's fields,
//! paging, `updatedMin` / `showCompleted` / `showHidden` / `showDeleted` filters, date-only
//! `due`, and Google's errors.
//!
//! An independent implementation of Google's reference
//! (<https://developers.google.com/workspace/tasks/reference/rest>); it shares no code with the
//! daemon.
//!
//! * [`model`] — the Task and TaskList resources, their limits and time formats.
//! * [`write`] — validating and applying request bodies (insert and patch).
//! * [`list`] — `tasks.list` / `tasklists.list` filters and paging.
//! * `http` — the axum routes, all through [`crate::AppState::call`].
//! * `ui` — the sandbox-only controls that act as a person in Google's own Tasks UI.

mod http;
pub mod list;
pub mod model;
mod ui;
pub mod write;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::IdGen;
pub use http::routes;
use model::{Task, TaskList};

/// The title Google gives every user's first, default list.
pub const DEFAULT_LIST_TITLE: &str = "My Tasks";

/// One list and its tasks, in creation order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredList {
    pub list: TaskList,
    pub tasks: Vec<Task>,
}

/// One user's lists, in creation order (the default list first).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserTasks {
    pub lists: Vec<StoredList>,
}

/// All Tasks state of the sandbox world, by user email (lowercase).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TasksState {
    pub users: BTreeMap<String, UserTasks>,
    /// Positions count down so that a new task sorts first, as Google puts an inserted task at
    /// the top of its list when no `previous` is given.
    #[serde(default)]
    position_counter: u64,
}

impl TasksState {
    /// The user's lists, with Google's default list created on first use (every Google account
    /// has one).
    pub fn user_mut(&mut self, email: &str, now: DateTime<Utc>, ids: &mut IdGen) -> &mut UserTasks {
        let user = self.users.entry(email.to_ascii_lowercase()).or_default();
        if user.lists.is_empty() {
            user.lists.push(StoredList {
                list: TaskList {
                    id: ids.next("l"),
                    title: DEFAULT_LIST_TITLE.to_string(),
                    updated: now,
                    version: 1,
                },
                tasks: Vec::new(),
            });
        }
        user
    }

    pub(crate) fn next_position(&mut self) -> String {
        self.position_counter += 1;
        format!("{:020}", u64::MAX / 2 - self.position_counter)
    }
}

impl UserTasks {
    /// The list `id`; `@default` names the user's default list, as in Google's API.
    pub fn list_mut(&mut self, id: &str) -> Result<&mut StoredList, ApiError> {
        let found = if id == "@default" {
            self.lists.first_mut()
        } else {
            self.lists.iter_mut().find(|l| l.list.id == id)
        };
        found.ok_or_else(|| ApiError::not_found("Task list not found."))
    }
}

impl StoredList {
    pub fn task_mut(&mut self, id: &str) -> Result<&mut Task, ApiError> {
        self.tasks
            .iter_mut()
            .find(|t| t.id == id)
            .ok_or_else(|| ApiError::not_found("Task not found."))
    }

    /// Records a change to the list's contents (its `updated` follows its tasks).
    pub(crate) fn touch(&mut self, now: DateTime<Utc>) {
        self.list.updated = now;
        self.list.version += 1;
    }
}
