//! Action items as their owners' Google Tasks, once per user pass after the series (issue 13).
//!
//! It runs also when the user is quiet (their calendar did not move): a task completed in Google
//! Tasks is an input Calendar cannot report. Each owner's list is read incrementally
//! (`updatedMin` from the last read, widened to cover any insert whose answer was lost): at most
//! once per re-harvest debounce in the day after a meeting gave them an open item (when people
//! act on them), then every [`SETTLED_READ_INTERVAL`], and not at all while none of their items
//! could change. Google's Tasks API has "a courtesy limit of 50,000 queries per day" per project
//! (<https://developers.google.com/workspace/tasks/limits>), so polling every owner every 10
//! minutes (144 reads a day) would serve fewer than 350 owners. Writes the plan needs (a new
//! item, an item done in the doc) go out in the pass that sees them.
//!
//! The planning is [`crate::domain::task_sync`]; this module gathers its inputs from the ledger
//! and Google, and [`task_steps`](super::task_steps) applies its steps.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::task_steps::{apply_owner, LedgerChanges, OwnerCtx, WantedItem};
use super::{Reconciler, UserOutcome};
use crate::domain::task_sync::{self, Known, Seen, Slot, TaskState, Wanted};
use crate::google::{Clients, GoogleError, TasksApi, TasksClients};
use crate::store::{
    ActionTask, LedgerEntry, LedgerOwner, LedgerQuery, SeriesRecord, StoreError, TaskRowState,
};

/// How far before the last read the next incremental read starts: clocks of two machines and
/// Google's own `updated` stamps are not exactly in step, and re-seeing a task is harmless.
const READ_OVERLAP: Duration = Duration::minutes(2);

/// How often an owner whose open items are all older than [`FRESH`] is read: 12 reads a day,
/// and a completion seen well before the next section is prepared (a day ahead by default).
const SETTLED_READ_INTERVAL: Duration = Duration::hours(2);

/// How long an owner whose Tasks call failed is left alone (in this process): a transient
/// failure costs a few minutes, a missing delegation one failing call per wait.
const FAILED_OWNER_WAIT: Duration = Duration::minutes(10);

/// How long after its meeting an open item keeps its owner on the fast (debounce) cadence.
const FRESH: Duration = Duration::hours(24);

/// Keeps the user's items and their owners' tasks in step. Failures are reported per owner
/// (a person without delegation must not stop the pass for the others).
pub(super) async fn sync(
    r: &Reconciler<'_>,
    tasks: &TasksClients,
    clients: &Clients,
    now: DateTime<Utc>,
    out: &mut UserOutcome,
) {
    let user = clients.user.as_str();
    let wanted = match r.store(|s| wanted_by_owner(r, s, user)) {
        Ok(w) => w,
        Err(e) => {
            out.report.problems.push(format!(
                "tasks: cannot read the ledger: {e} (retrying next pass)"
            ));
            return;
        }
    };
    let mut closed_any = false;
    let mut closed = Vec::new();
    for (owner, items) in wanted {
        if let Some(until) = tasks.held_until(&owner, now) {
            out.due_by(Some(until));
            continue;
        }
        match owner_pass(r, tasks, user, &owner, &items, now, out).await {
            Ok(changes) => {
                tasks.hold(&owner, None);
                closed_any |= changes.any;
                closed.extend(changes.closed);
            }
            Err(e) => {
                let until = now + FAILED_OWNER_WAIT;
                tasks.hold(&owner, Some(until));
                out.due_by(Some(until));
                out.report.problems.push(format!(
                    "tasks for {owner}: {e} (retrying after {until}; `oneonone check` proves \
                     the tasks scope)"
                ));
            }
        }
    }
    if !closed.is_empty() {
        super::task_notes::write(r, clients, &closed, now, out).await;
    }
    if closed_any {
        // The next section must no longer carry what was done in Tasks: a whole pass.
        r.quiet.forget(user);
    }
}

/// A failure of one owner's part.
#[derive(Debug, thiserror::Error)]
pub(super) enum TaskSyncError {
    #[error("{what}: {source}")]
    Google {
        what: &'static str,
        source: GoogleError,
    },
    #[error("store: {0}")]
    Store(#[from] StoreError),
}

pub(super) fn google(what: &'static str) -> impl FnOnce(GoogleError) -> TaskSyncError {
    move |source| TaskSyncError::Google { what, source }
}

/// One owner: read if due, plan, apply. Returns what changed in the ledger.
async fn owner_pass(
    r: &Reconciler<'_>,
    tasks: &TasksClients,
    user: &str,
    owner: &str,
    items: &[WantedItem],
    now: DateTime<Utc>,
    out: &mut UserOutcome,
) -> Result<LedgerChanges, TaskSyncError> {
    let rows = r.store(|s| s.action_tasks(owner))?;
    let known: Vec<Known> = rows.iter().map(known_of).collect();
    let by_marker: BTreeMap<&str, &ActionTask> =
        rows.iter().map(|t| (t.marker.as_str(), t)).collect();
    let wanted: Vec<Wanted> = items.iter().map(|i| i.wanted.clone()).collect();
    // Nothing of this owner's can change: every item done and no open task to watch.
    let live = wanted.iter().any(|w| {
        !w.done
            || by_marker
                .get(w.marker.as_str())
                .is_some_and(|t| matches!(t.state, TaskRowState::Open | TaskRowState::Inserting))
    });
    if !live {
        return Ok(LedgerChanges::default());
    }
    let title = r.config.tasks.list.as_str();
    let list = r
        .store(|s| s.task_list(user, owner))?
        .filter(|l| l.title == title);
    let youngest = items
        .iter()
        .filter(|i| !i.wanted.done)
        .map(|i| i.meeting_start)
        .max();
    let interval = match youngest {
        Some(t) if now - t < FRESH => r.settings.schedule.reharvest_debounce,
        _ => SETTLED_READ_INTERVAL,
    };
    let inserting_since = rows
        .iter()
        .filter(|t| t.state == TaskRowState::Inserting)
        .map(|t| t.attempted_at)
        .min();
    let read_due = match &list {
        None => true,
        Some(l) => match l.last_read {
            None => true,
            Some(last) => now - last >= interval || inserting_since.is_some(),
        },
    };
    let mut api: Option<std::sync::Arc<TasksApi>> = None;
    let mut list_id = list.as_ref().map(|l| l.list_id.clone());
    let mut seen: Option<Vec<Seen>> = None;
    if read_due {
        let client = tasks
            .for_owner(owner)
            .await
            .map_err(google("sign in as the owner"))?;
        let id = match list_id.clone() {
            Some(id) => id,
            None => {
                let id = match client
                    .find_list(title)
                    .await
                    .map_err(google("find the task list"))?
                {
                    Some(id) => id,
                    None => client
                        .insert_list(title)
                        .await
                        .map_err(google("create the task list"))?,
                };
                r.store(|s| s.set_task_list(user, owner, title, &id, now))?;
                id
            }
        };
        let last_read = list.as_ref().and_then(|l| l.last_read);
        // Only a list already read once is read incrementally; a first read is whole, so a
        // lost store finds every task by its marker.
        let updated_min =
            last_read.map(|last| inserting_since.map_or(last, |t| t.min(last)) - READ_OVERLAP);
        let found = client
            .list_tasks(&id, updated_min)
            .await
            .map_err(google("read the tasks"))?;
        seen = Some(found.iter().filter_map(seen_of).collect());
        list_id = Some(id);
        api = Some(client);
    }
    let steps = task_sync::plan(&wanted, &known, seen.as_deref());
    let mut changes = LedgerChanges::default();
    if !steps.is_empty() {
        let client = match api {
            Some(c) => c,
            None => tasks
                .for_owner(owner)
                .await
                .map_err(google("sign in as the owner"))?,
        };
        let Some(list_id) = list_id.clone() else {
            // Unreachable in practice: without a list the read above was due.
            return Ok(changes);
        };
        let ctx = OwnerCtx {
            r,
            api: &client,
            owner,
            list_id: &list_id,
            items,
            rows: &by_marker,
            now,
        };
        changes = apply_owner(&ctx, &steps, out).await?;
    }
    let last_read = if read_due {
        r.store(|s| s.set_tasks_read(user, owner, now))?;
        now
    } else {
        list.and_then(|l| l.last_read).unwrap_or(now)
    };
    out.due_by(Some(last_read + interval));
    Ok(changes)
}

/// The ledger's items of `user`, grouped by the owners who should have a task for them.
fn wanted_by_owner(
    r: &Reconciler<'_>,
    s: &crate::store::Store,
    user: &str,
) -> Result<BTreeMap<String, Vec<WantedItem>>, StoreError> {
    let series: BTreeMap<String, SeriesRecord> = s
        .series_list(user, None)?
        .into_iter()
        .map(|rec| (rec.series_key.clone(), rec))
        .collect();
    let entries = s.ledger(&LedgerQuery {
        user: Some(user.to_string()),
        ..LedgerQuery::default()
    })?;
    let mut by_owner: BTreeMap<String, Vec<WantedItem>> = BTreeMap::new();
    for entry in entries {
        let Some(rec) = series.get(&entry.key.series_key) else {
            continue;
        };
        for owner in owners_of(r, &entry, rec) {
            by_owner
                .entry(owner)
                .or_default()
                .push(WantedItem::new(&entry, rec));
        }
    }
    Ok(by_owner)
}

/// Who gets a task for `entry`: its owner (or both people, for "Both") among those
/// `tasks.owners` names, inside the allowed domains.
fn owners_of(r: &Reconciler<'_>, entry: &LedgerEntry, rec: &SeriesRecord) -> Vec<String> {
    let choice = r.config.tasks.owners;
    let manager = rec.organizer_email.to_ascii_lowercase();
    let report = rec.other_email.as_deref().map(str::to_ascii_lowercase);
    let chosen = |email: &str| {
        (choice.manager() && email == manager)
            || (choice.report() && report.as_deref() == Some(email))
    };
    let candidates: Vec<String> = match &entry.item.owner {
        LedgerOwner::Email(e) => vec![e.to_ascii_lowercase()],
        LedgerOwner::Both => std::iter::once(manager.clone())
            .chain(report.clone())
            .collect(),
        LedgerOwner::Unassigned | LedgerOwner::Text(_) => Vec::new(),
    };
    candidates
        .into_iter()
        .filter(|e| chosen(e) && r.config.doc.may_share_with(&rec.organizer_email, e))
        .collect()
}

fn known_of(t: &ActionTask) -> Known {
    Known {
        marker: t.marker.clone(),
        slot: Slot {
            series: t.item.series_key.clone(),
            occurrence: t.item.occurrence_key.clone(),
            position: t.position,
        },
        task_id: t.task_id.clone(),
        state: match t.state {
            TaskRowState::Inserting => TaskState::Inserting,
            TaskRowState::Open => TaskState::Open,
            TaskRowState::Completed => TaskState::Completed,
            TaskRowState::Deleted => TaskState::Deleted,
        },
        title: t.title.clone(),
        due: t.due,
    }
}

fn seen_of(t: &google_tasks1::api::Task) -> Option<Seen> {
    Some(Seen {
        id: t.id.clone()?,
        marker: t
            .notes
            .as_deref()
            .and_then(task_sync::marker_in)
            .map(str::to_string),
        completed: t.status.as_deref() == Some("completed"),
        deleted: t.deleted == Some(true),
    })
}
