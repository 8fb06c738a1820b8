//! `tasks.list` and `tasklists.list`: filters and paging, per Google's reference.
//!
//! * tasks.list (<https://developers.google.com/workspace/tasks/reference/rest/v1/tasks/list>):
//!   `maxResults` "The default is 20 (max allowed: 100)"; `showCompleted` default True ("Note
//!   that showHidden must also be True to show tasks completed in first party clients, such as
//!   the web UI and Google's mobile apps"); `showDeleted` default False; `showHidden` default
//!   False; `updatedMin`, `dueMin`/`dueMax`, `completedMin`/`completedMax` are RFC 3339 bounds
//!   ("Lower bound for a task's last modification time … to filter by").
//! * tasklists.list
//!   (<https://developers.google.com/workspace/tasks/reference/rest/v1/tasklists/list>):
//!   `maxResults` "The default is 1000 (max allowed: 1000)".
//!
//! Page tokens are opaque to clients: here `p<offset>`, refused with 400 when malformed.

use chrono::{DateTime, Utc};

use super::model::{parse_time, Task};
use crate::error::ApiError;

pub const TASKS_DEFAULT_PAGE: usize = 20;
pub const TASKS_MAX_PAGE: usize = 100;
pub const LISTS_DEFAULT_PAGE: usize = 1000;
pub const LISTS_MAX_PAGE: usize = 1000;

/// The query of a `tasks.list` call.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskQuery {
    pub max_results: usize,
    pub offset: usize,
    pub show_completed: bool,
    pub show_hidden: bool,
    pub show_deleted: bool,
    pub updated_min: Option<DateTime<Utc>>,
    pub due_min: Option<DateTime<Utc>>,
    pub due_max: Option<DateTime<Utc>>,
    pub completed_min: Option<DateTime<Utc>>,
    pub completed_max: Option<DateTime<Utc>>,
}

fn invalid(name: &str, value: &str) -> ApiError {
    ApiError::bad_request("invalid", format!("Invalid value for {name}: {value}"))
}

fn flag(pairs: &[(String, String)], name: &str, default: bool) -> Result<bool, ApiError> {
    match pairs.iter().find(|(k, _)| k == name) {
        None => Ok(default),
        Some((_, v)) if v == "true" => Ok(true),
        Some((_, v)) if v == "false" => Ok(false),
        Some((_, v)) => Err(invalid(name, v)),
    }
}

fn time(pairs: &[(String, String)], name: &str) -> Result<Option<DateTime<Utc>>, ApiError> {
    match pairs.iter().find(|(k, _)| k == name) {
        None => Ok(None),
        Some((_, v)) => parse_time(v).map(Some).ok_or_else(|| invalid(name, v)),
    }
}

/// `maxResults` within `1..=max` (default `default`) and the page token's offset.
pub fn page(
    pairs: &[(String, String)],
    default: usize,
    max: usize,
) -> Result<(usize, usize), ApiError> {
    let max_results = match pairs.iter().find(|(k, _)| k == "maxResults") {
        None => default,
        Some((_, v)) => match v.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => return Err(invalid("maxResults", v)),
        },
    };
    let offset = match pairs.iter().find(|(k, _)| k == "pageToken") {
        None => 0,
        Some((_, v)) => v
            .strip_prefix('p')
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| invalid("pageToken", v))?,
    };
    Ok((max_results, offset))
}

impl TaskQuery {
    pub fn parse(pairs: &[(String, String)]) -> Result<TaskQuery, ApiError> {
        let (max_results, offset) = page(pairs, TASKS_DEFAULT_PAGE, TASKS_MAX_PAGE)?;
        Ok(TaskQuery {
            max_results,
            offset,
            show_completed: flag(pairs, "showCompleted", true)?,
            show_hidden: flag(pairs, "showHidden", false)?,
            show_deleted: flag(pairs, "showDeleted", false)?,
            updated_min: time(pairs, "updatedMin")?,
            due_min: time(pairs, "dueMin")?,
            due_max: time(pairs, "dueMax")?,
            completed_min: time(pairs, "completedMin")?,
            completed_max: time(pairs, "completedMax")?,
        })
    }

    /// Whether `task` passes the filters (paging aside).
    pub fn admits(&self, task: &Task) -> bool {
        if task.deleted && !self.show_deleted {
            return false;
        }
        if task.hidden && !self.show_hidden {
            return false;
        }
        if task.status == "completed" && !self.show_completed {
            return false;
        }
        if self.updated_min.is_some_and(|m| task.updated < m) {
            return false;
        }
        let within = |t: Option<DateTime<Utc>>, min: Option<DateTime<Utc>>, max| match (min, max) {
            (None, None) => true,
            _ => t.is_some_and(|t| {
                min.is_none_or(|m| t >= m) && max.is_none_or(|m: DateTime<Utc>| t <= m)
            }),
        };
        within(task.due, self.due_min, self.due_max)
            && within(task.completed, self.completed_min, self.completed_max)
    }
}

/// One page of `items` from `offset`, and the next page's token if more remain.
pub fn one_page<T: Clone>(items: &[T], offset: usize, max: usize) -> (Vec<T>, Option<String>) {
    let page: Vec<T> = items.iter().skip(offset).take(max).cloned().collect();
    let next = offset + page.len();
    let token = (next < items.len()).then(|| format!("p{next}"));
    (page, token)
}
