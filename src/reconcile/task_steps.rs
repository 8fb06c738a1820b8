//! Applying the task planner's steps for one owner: the Tasks calls and the store rows that
//! record them, in an order that survives a crash at any point.
//!
//! An insert is recorded as `inserting` *before* it is sent, so a process killed while the
//! request is in flight leaves a row that the next read settles (the task is found by its
//! marker, or inserted again if it never arrived) instead of a second task.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use google_tasks1::api::Task;

use super::tasks::{google, TaskSyncError};
use super::{Reconciler, UserOutcome};
use crate::domain::task_sync::{self, Slot, Step, TaskState, Wanted};
use crate::google::TasksApi;
use crate::store::{ActionTask, ItemKey, LedgerEntry, SeriesRecord, TaskRowState};

/// One item as one owner's task should show it.
#[derive(Debug, Clone)]
pub(super) struct WantedItem {
    pub wanted: Wanted,
    pub key: ItemKey,
    /// Start of the meeting the item was written in (how fresh it is).
    pub meeting_start: DateTime<Utc>,
    /// The task's notes: the meeting, the link to the doc section, the marker.
    pub notes: String,
}

impl WantedItem {
    pub fn new(entry: &LedgerEntry, rec: &SeriesRecord) -> WantedItem {
        let marker = task_sync::marker(
            &entry.key.series_key,
            &entry.key.occurrence_key,
            &entry.key.item_key,
        );
        let tz: chrono_tz::Tz = rec.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let day = entry
            .meeting_start
            .with_timezone(&tz)
            .format("%a %-d %b %Y");
        let link = match &entry.item.heading_id {
            Some(h) => format!("{}#heading={h}", entry.item.source_doc_url),
            None => entry.item.source_doc_url.clone(),
        };
        let notes = format!(
            "From the 1:1 \"{}\" on {day}.\n{link}\n{}{marker}",
            rec.title,
            task_sync::MARKER_PREFIX
        );
        WantedItem {
            wanted: Wanted {
                marker,
                slot: Slot {
                    series: entry.key.series_key.clone(),
                    occurrence: entry.key.occurrence_key.clone(),
                    position: entry.item.position,
                },
                title: entry.item.task.clone(),
                due: entry.item.due,
                done: entry.item.done,
                done_by_task: entry.done_by_task,
            },
            key: entry.key.clone(),
            meeting_start: entry.meeting_start,
            notes,
        }
    }
}

/// What applying one owner's steps needs.
pub(super) struct OwnerCtx<'a> {
    pub r: &'a Reconciler<'a>,
    pub api: &'a TasksApi,
    pub owner: &'a str,
    pub list_id: &'a str,
    pub items: &'a [WantedItem],
    pub rows: &'a BTreeMap<&'a str, &'a ActionTask>,
    pub now: DateTime<Utc>,
}

/// Google's form of a date-only `due`: midnight UTC (the time part is discarded anyway).
fn due_wire(d: chrono::NaiveDate) -> String {
    format!("{}T00:00:00.000Z", d.format("%Y-%m-%d"))
}

impl OwnerCtx<'_> {
    fn item(&self, marker: &str) -> Option<&WantedItem> {
        self.items.iter().find(|i| i.wanted.marker == marker)
    }

    /// The row for `item` in `state`.
    fn row(&self, item: &WantedItem, task_id: Option<String>, state: TaskRowState) -> ActionTask {
        ActionTask {
            owner: self.owner.to_string(),
            marker: item.wanted.marker.clone(),
            item: item.key.clone(),
            position: item.wanted.slot.position,
            task_id,
            state,
            title: item.wanted.title.clone(),
            due: item.wanted.due,
            attempted_at: self.now,
        }
    }

    fn put(&self, row: &ActionTask, replaces: Option<&str>) -> Result<(), TaskSyncError> {
        Ok(self
            .r
            .store(|s| s.put_action_task(row, replaces, self.now))?)
    }

    /// The stored row of `marker`, as known now (after earlier steps of this pass).
    fn stored(&self, marker: &str) -> Result<Option<ActionTask>, TaskSyncError> {
        Ok(self
            .r
            .store(|s| s.action_tasks(self.owner))?
            .into_iter()
            .find(|t| t.marker == marker))
    }
}

fn row_state(s: TaskState) -> TaskRowState {
    match s {
        TaskState::Inserting => TaskRowState::Inserting,
        TaskState::Open => TaskRowState::Open,
        TaskState::Completed => TaskRowState::Completed,
        TaskState::Deleted => TaskRowState::Deleted,
    }
}

/// What applying one owner's steps changed in the ledger.
#[derive(Debug, Default)]
pub(super) struct LedgerChanges {
    /// An item was closed or reopened: the next section must be planned anew.
    pub any: bool,
    /// The items closed because their task was completed, with their text.
    pub closed: Vec<(ItemKey, String)>,
}

/// Applies `steps` in order. Stops at the first failed call (the rest is planned again next
/// pass).
pub(super) async fn apply_owner(
    ctx: &OwnerCtx<'_>,
    steps: &[Step],
    out: &mut UserOutcome,
) -> Result<LedgerChanges, TaskSyncError> {
    let mut changes = LedgerChanges::default();
    for step in steps {
        match step {
            Step::Insert { marker } => {
                let Some(item) = ctx.item(marker) else {
                    continue;
                };
                ctx.put(&ctx.row(item, None, TaskRowState::Inserting), None)?;
                let task = Task {
                    title: Some(item.wanted.title.clone()),
                    notes: Some(item.notes.clone()),
                    due: item.wanted.due.map(due_wire),
                    ..Default::default()
                };
                let made = ctx
                    .api
                    .insert_task(ctx.list_id, task)
                    .await
                    .map_err(google("create a task"))?;
                if let Some(id) = made.id {
                    ctx.put(&ctx.row(item, Some(id), TaskRowState::Open), None)?;
                    out.report.tasks_written += 1;
                }
            }
            Step::Adopt {
                marker,
                task_id,
                state,
            } => {
                let Some(item) = ctx.item(marker) else {
                    continue;
                };
                let row = ctx.row(item, Some(task_id.clone()), row_state(*state));
                ctx.put(&row, None)?;
            }
            Step::Rebind { from, to } => {
                let (Some(item), Some(old)) = (ctx.item(to), ctx.rows.get(from.as_str())) else {
                    continue;
                };
                let row = ActionTask {
                    // Keep what was last written, so the patch that follows sees the change.
                    title: old.title.clone(),
                    due: old.due,
                    ..ctx.row(item, old.task_id.clone(), old.state)
                };
                ctx.put(&row, Some(from))?;
            }
            Step::Patch {
                marker,
                task_id,
                title,
                due,
                notes,
            } => {
                let Some(item) = ctx.item(marker) else {
                    continue;
                };
                let patch = Task {
                    title: title.then(|| item.wanted.title.clone()),
                    due: if *due {
                        item.wanted.due.map(due_wire)
                    } else {
                        None
                    },
                    notes: notes.then(|| item.notes.clone()),
                    ..Default::default()
                };
                ctx.api
                    .patch_task(ctx.list_id, task_id, patch)
                    .await
                    .map_err(google("update a task"))?;
                ctx.put(
                    &ctx.row(item, Some(task_id.clone()), TaskRowState::Open),
                    None,
                )?;
                out.report.tasks_written += 1;
            }
            Step::Complete { marker, task_id } => {
                let Some(item) = ctx.item(marker) else {
                    continue;
                };
                let patch = Task {
                    status: Some("completed".into()),
                    ..Default::default()
                };
                ctx.api
                    .patch_task(ctx.list_id, task_id, patch)
                    .await
                    .map_err(google("complete a task"))?;
                let row = ctx.row(item, Some(task_id.clone()), TaskRowState::Completed);
                ctx.put(&row, None)?;
                out.report.tasks_written += 1;
            }
            Step::Completed { marker, close_item } => {
                set_state(ctx, marker, TaskRowState::Completed)?;
                if *close_item {
                    if let Some(item) = ctx.item(marker) {
                        if ctx
                            .r
                            .store(|s| s.set_item_done_by_task(&item.key, true, ctx.now))?
                        {
                            out.report.items_closed += 1;
                            changes.any = true;
                            changes
                                .closed
                                .push((item.key.clone(), item.wanted.title.clone()));
                        }
                    }
                }
            }
            Step::Reopened {
                marker,
                reopen_item,
            } => {
                set_state(ctx, marker, TaskRowState::Open)?;
                if *reopen_item {
                    if let Some(item) = ctx.item(marker) {
                        ctx.r
                            .store(|s| s.set_item_done_by_task(&item.key, false, ctx.now))?;
                        changes.any = true;
                    }
                }
            }
            Step::Deleted { marker } => set_state(ctx, marker, TaskRowState::Deleted)?,
        }
    }
    Ok(changes)
}

/// Records a state Google reported for a known task.
fn set_state(ctx: &OwnerCtx<'_>, marker: &str, state: TaskRowState) -> Result<(), TaskSyncError> {
    if let Some(mut row) = ctx.stored(marker)? {
        if row.task_id.is_some() {
            row.state = state;
            row.attempted_at = ctx.now;
            ctx.put(&row, None)?;
        }
    }
    Ok(())
}
