//! Google Tasks bookkeeping: each owner's task list and last read, and one row per (owner,
//! item marker) for the item's task (see migration 5).
//!
//! The store is a cache here too: a lost store is rebuilt from Google (the list by its title,
//! each task by the marker in its notes), so these rows only save calls and remember what
//! Google cannot tell apart later (that a person deleted a task).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::columns::{opt_ts, ts, Day, Ts};
use super::ledger::ItemKey;
use super::{Result, Store};

/// An owner's task list as remembered for one served user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskListRecord {
    pub title: String,
    pub list_id: String,
    /// When the owner's tasks were last read (start of that read), if ever.
    pub last_read: Option<DateTime<Utc>>,
}

/// What is known about an item's task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskRowState {
    Inserting,
    Open,
    Completed,
    Deleted,
}

impl TaskRowState {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskRowState::Inserting => "inserting",
            TaskRowState::Open => "open",
            TaskRowState::Completed => "completed",
            TaskRowState::Deleted => "deleted",
        }
    }

    fn parse(s: &str) -> Option<TaskRowState> {
        Some(match s {
            "inserting" => TaskRowState::Inserting,
            "open" => TaskRowState::Open,
            "completed" => TaskRowState::Completed,
            "deleted" => TaskRowState::Deleted,
            _ => return None,
        })
    }
}

/// One item's task for one owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionTask {
    pub owner: String,
    pub marker: String,
    /// The ledger row of the item (its served user, series, occurrence, item key).
    pub item: ItemKey,
    pub position: u32,
    /// `None` exactly while [`TaskRowState::Inserting`].
    pub task_id: Option<String>,
    pub state: TaskRowState,
    pub title: String,
    pub due: Option<NaiveDate>,
    /// The last insert attempt (or state change): a read from before it cannot settle an
    /// `inserting` row.
    pub attempted_at: DateTime<Utc>,
}

fn task_from_row(row: &Row<'_>) -> rusqlite::Result<ActionTask> {
    let state: String = row.get("state")?;
    let state = TaskRowState::parse(&state).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            8,
            rusqlite::types::Type::Text,
            format!("unknown task state {state:?}").into(),
        )
    })?;
    Ok(ActionTask {
        owner: row.get("owner")?,
        marker: row.get("marker")?,
        item: ItemKey {
            user: row.get("user")?,
            series_key: row.get("series_key")?,
            occurrence_key: row.get("occurrence_key")?,
            item_key: row.get("item_key")?,
        },
        position: row.get("position")?,
        task_id: row.get("task_id")?,
        state,
        title: row.get("title")?,
        due: row.get::<_, Option<Day>>("due")?.map(|d| d.0),
        attempted_at: ts(row, "attempted_at")?,
    })
}

impl Store {
    /// The owner's task list as remembered for `user`.
    pub fn task_list(&self, user: &str, owner: &str) -> Result<Option<TaskListRecord>> {
        const OP: &str = "read an owner's task list";
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT title, list_id, last_read FROM task_lists WHERE user = ?1 AND owner = ?2",
            )
            .map_err(self.sql_err(OP))?;
        stmt.query_row(params![user, owner], |r| {
            Ok(TaskListRecord {
                title: r.get("title")?,
                list_id: r.get("list_id")?,
                last_read: opt_ts(r, "last_read")?,
            })
        })
        .optional()
        .map_err(self.sql_err(OP))
    }

    /// Remembers the owner's list (a new list id resets the last read: its tasks are unread).
    pub fn set_task_list(
        &mut self,
        user: &str,
        owner: &str,
        title: &str,
        list_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("remember an owner's task list", |tx| {
            tx.prepare_cached(
                "INSERT INTO task_lists (user, owner, title, list_id, last_read, updated_at)
                 VALUES (?1, ?2, ?3, ?4, NULL, ?5)
                 ON CONFLICT (user, owner) DO UPDATE SET
                     title = excluded.title, updated_at = excluded.updated_at,
                     last_read = CASE WHEN list_id = excluded.list_id THEN last_read END,
                     list_id = excluded.list_id",
            )?
            .execute(params![user, owner, title, list_id, Ts(now)])
            .map(drop)
        })
    }

    /// Records that the owner's tasks were read, as of `at`.
    pub fn set_tasks_read(&mut self, user: &str, owner: &str, at: DateTime<Utc>) -> Result<()> {
        self.write("record a read of an owner's tasks", |tx| {
            tx.prepare_cached(
                "UPDATE task_lists SET last_read = ?3, updated_at = ?3
                 WHERE user = ?1 AND owner = ?2",
            )?
            .execute(params![user, owner, Ts(at)])
            .map(drop)
        })
    }

    /// Every task row of `owner`.
    pub fn action_tasks(&self, owner: &str) -> Result<Vec<ActionTask>> {
        self.query_tasks(
            "SELECT * FROM action_tasks WHERE owner = ?1 ORDER BY marker",
            owner,
        )
    }

    /// Every task row made for `user`'s items (for `oneonone actions`).
    pub fn action_tasks_of_user(&self, user: &str) -> Result<Vec<ActionTask>> {
        self.query_tasks(
            "SELECT * FROM action_tasks WHERE user = ?1 ORDER BY owner, marker",
            user,
        )
    }

    fn query_tasks(&self, sql: &str, arg: &str) -> Result<Vec<ActionTask>> {
        const OP: &str = "read action-item tasks";
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.sql_err(OP))?;
        let rows = stmt
            .query_map(params![arg], task_from_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
        rows.map_err(self.sql_err(OP))
    }

    /// Writes (replaces) one task row; with `replaces`, the row of that marker is removed in
    /// the same transaction (an edited item's task moving to its new key).
    pub fn put_action_task(
        &mut self,
        task: &ActionTask,
        replaces: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("write an action-item task", |tx| {
            if let Some(old) = replaces {
                tx.prepare_cached("DELETE FROM action_tasks WHERE owner = ?1 AND marker = ?2")?
                    .execute(params![task.owner, old])?;
            }
            tx.prepare_cached(
                "INSERT INTO action_tasks (owner, marker, user, series_key, occurrence_key,
                     item_key, position, task_id, state, title, due, attempted_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (owner, marker) DO UPDATE SET
                     user = excluded.user, series_key = excluded.series_key,
                     occurrence_key = excluded.occurrence_key, item_key = excluded.item_key,
                     position = excluded.position, task_id = excluded.task_id,
                     state = excluded.state, title = excluded.title, due = excluded.due,
                     attempted_at = excluded.attempted_at, updated_at = excluded.updated_at",
            )?
            .execute(params![
                task.owner,
                task.marker,
                task.item.user,
                task.item.series_key,
                task.item.occurrence_key,
                task.item.item_key,
                task.position,
                task.task_id,
                task.state.as_str(),
                task.title,
                task.due.map(Day),
                Ts(task.attempted_at),
                Ts(now)
            ])
            .map(drop)
        })
    }

    /// Closes (or, with `done = false`, reopens) an item because of its task; a re-harvest of
    /// the doc keeps a task-closed item closed. Returns whether the row changed.
    pub fn set_item_done_by_task(
        &mut self,
        key: &ItemKey,
        done: bool,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        self.write("close an action item from its task", |tx| {
            tx.prepare_cached(
                "UPDATE action_items SET done = ?5, done_by_task = ?5, updated = ?6,
                     done_at = CASE WHEN ?5 THEN ?6 ELSE NULL END
                 WHERE user = ?1 AND series_key = ?2 AND occurrence_key = ?3 AND item_key = ?4
                   AND (done IS NOT ?5 OR done_by_task IS NOT ?5)",
            )?
            .execute(params![
                key.user,
                key.series_key,
                key.occurrence_key,
                key.item_key,
                done,
                Ts(at)
            ])
            .map(|n| n > 0)
        })
    }
}

#[cfg(test)]
#[path = "tasks_tests.rs"]
mod tests;
