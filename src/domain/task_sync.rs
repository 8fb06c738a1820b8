//! Keeping action items and their owners' Google Tasks in step: a pure planner.
//!
//! Given the items an owner should have tasks for ([`Wanted`], from the ledger), what the store
//! knows of their tasks ([`Known`]) and, when the owner's list was read this pass, the tasks as
//! Google shows them ([`Seen`]), [`plan`] returns the [`Step`]s that bring both sides together.
//! The rules:
//!
//! * one task per (item, owner): a task is found again by its id, or — after a lost store or an
//!   insert whose answer never came — by the marker in its notes, before any insert;
//! * an item done (in the doc) gets no new task; an open one does;
//! * done in either place is done in both: a completed task closes the item, an item done in the
//!   doc completes the task;
//! * the owner decides: a task they deleted is recorded and never recreated; a task they reopened
//!   is not completed again from the doc;
//! * an item whose text was edited has a new key (the key is its normalised text): the task of
//!   the item that was at the same place of the same section is moved to it and patched, not
//!   duplicated; an edited due date patches the task;
//! * tasks of items that left the doc are left alone (never deleted: they are the owner's).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

/// Where an item sits: its section and its index there. Two items at the same slot in two
/// passes are the same line, edited.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot {
    pub series: String,
    pub occurrence: String,
    pub position: u32,
}

/// An item that should have a task for this owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The item's identity across stores and processes (written into the task's notes).
    pub marker: String,
    pub slot: Slot,
    pub title: String,
    pub due: Option<NaiveDate>,
    /// Done in the ledger (from the doc, or from the task).
    pub done: bool,
    /// Closed because its task was completed (not by the doc).
    pub done_by_task: bool,
}

/// What the store knows about an item's task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// An insert was sent and its answer not recorded (it may or may not exist).
    Inserting,
    Open,
    Completed,
    /// The owner deleted it: never recreated.
    Deleted,
}

/// A task as the store remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub marker: String,
    pub slot: Slot,
    pub task_id: Option<String>,
    pub state: TaskState,
    /// The title and due date last written to (or read from) the task.
    pub title: String,
    pub due: Option<NaiveDate>,
}

/// A task as Google's `tasks.list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub id: String,
    /// The item marker found in its notes, if any.
    pub marker: Option<String>,
    pub completed: bool,
    pub deleted: bool,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Create the item's task (record [`TaskState::Inserting`] first).
    Insert { marker: String },
    /// A task found in Google that the store did not know (or knew only as inserting).
    Adopt {
        marker: String,
        task_id: String,
        state: TaskState,
    },
    /// The item's text changed (so did its key): its task moves from `from` to `to`.
    Rebind { from: String, to: String },
    /// Write the item's current title / due date (and notes, after a rebind) to the task.
    Patch {
        marker: String,
        task_id: String,
        title: bool,
        due: bool,
        notes: bool,
    },
    /// The item is done in the doc: complete its task.
    Complete { marker: String, task_id: String },
    /// The task was completed in Google: record it, and close the item if it is open.
    Completed { marker: String, close_item: bool },
    /// The task was reopened in Google: record it, and reopen the item if the task had closed it.
    Reopened { marker: String, reopen_item: bool },
    /// The owner deleted the task.
    Deleted { marker: String },
}

/// The steps for one owner. `seen` is `None` when the owner's tasks were not read this pass
/// (then only what the store knows is acted on, and no unknown-outcome insert is repeated).
pub fn plan(wanted: &[Wanted], known: &[Known], seen: Option<&[Seen]>) -> Vec<Step> {
    let mut known: BTreeMap<String, Known> = known
        .iter()
        .map(|k| (k.marker.clone(), k.clone()))
        .collect();
    let by_id: BTreeMap<&str, &Seen> = seen
        .unwrap_or(&[])
        .iter()
        .map(|s| (s.id.as_str(), s))
        .collect();
    let by_marker: BTreeMap<&str, &Seen> = seen
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| s.marker.as_deref().map(|m| (m, s)))
        .collect();
    let wanted_markers: BTreeSet<&str> = wanted.iter().map(|w| w.marker.as_str()).collect();
    let mut steps = Vec::new();
    let mut rebound = BTreeSet::new();

    // Edited items first: a wanted item nobody knows takes over the task of the item that was
    // at its slot and is no longer wanted.
    for w in wanted {
        if known.contains_key(&w.marker) || by_marker.contains_key(w.marker.as_str()) {
            continue;
        }
        let orphan = known
            .values()
            .find(|k| {
                k.slot == w.slot
                    && !wanted_markers.contains(k.marker.as_str())
                    && k.task_id.is_some()
                    && matches!(k.state, TaskState::Open | TaskState::Completed)
            })
            .map(|k| k.marker.clone());
        if let Some(from) = orphan {
            if let Some(mut k) = known.remove(&from) {
                k.marker = w.marker.clone();
                known.insert(w.marker.clone(), k);
                steps.push(Step::Rebind {
                    from,
                    to: w.marker.clone(),
                });
                rebound.insert(w.marker.clone());
            }
        }
    }

    for w in wanted {
        let marker = w.marker.clone();
        let k = known.get(&w.marker);
        let s = match k.and_then(|k| k.task_id.as_deref()) {
            Some(id) => by_id.get(id).copied(),
            None => by_marker.get(w.marker.as_str()).copied(),
        };
        let state = match (k, s) {
            (Some(k), _) if k.state == TaskState::Deleted => continue,
            (Some(k), _) if k.task_id.is_some() => k.state,
            // Unknown, or an insert of unknown outcome: adopt what Google has.
            (_, Some(s)) => {
                let state = seen_state(s);
                steps.push(Step::Adopt {
                    marker: marker.clone(),
                    task_id: s.id.clone(),
                    state,
                });
                if state == TaskState::Deleted {
                    continue;
                }
                // Adopted as it is in Google: reconcile done-ness below from that state.
                match (state, w.done) {
                    (TaskState::Completed, false) => steps.push(Step::Completed {
                        marker,
                        close_item: true,
                    }),
                    (TaskState::Open, true) => steps.push(Step::Complete {
                        marker,
                        task_id: s.id.clone(),
                    }),
                    _ => {}
                }
                continue;
            }
            (None, None) => {
                if !w.done {
                    steps.push(Step::Insert { marker });
                }
                continue;
            }
            // Inserting, and Google did not show it: insert again only after a read that
            // would have shown it.
            (Some(_), None) => {
                if seen.is_some() && !w.done {
                    steps.push(Step::Insert { marker });
                }
                continue;
            }
        };
        let Some(k) = k else { continue };
        let Some(task_id) = k.task_id.clone() else {
            continue;
        };
        if let Some(s) = s {
            if s.deleted {
                steps.push(Step::Deleted { marker });
                continue;
            }
            if s.completed && state != TaskState::Completed {
                steps.push(Step::Completed {
                    marker,
                    close_item: !w.done,
                });
                continue;
            }
            if !s.completed && state == TaskState::Completed {
                if w.done_by_task || !w.done {
                    steps.push(Step::Reopened {
                        marker,
                        reopen_item: w.done_by_task,
                    });
                }
                // Done in the doc but reopened by the owner: the owner's choice stands.
                continue;
            }
        }
        if state != TaskState::Open {
            continue;
        }
        if w.done {
            steps.push(Step::Complete { marker, task_id });
            continue;
        }
        let title = w.title != k.title;
        let due = w.due != k.due;
        let notes = rebound.contains(&w.marker);
        if title || due || notes {
            steps.push(Step::Patch {
                marker,
                task_id,
                title,
                due,
                notes,
            });
        }
    }
    steps
}

fn seen_state(s: &Seen) -> TaskState {
    if s.deleted {
        TaskState::Deleted
    } else if s.completed {
        TaskState::Completed
    } else {
        TaskState::Open
    }
}

/// The marker line written into a task's notes: `oneonone-item:<id>`.
pub const MARKER_PREFIX: &str = "oneonone-item:";

/// The marker of an item: 16 hex digits of SHA-256 over its series, occurrence and item keys.
/// It names the item, not the served user, so two served users who share a meeting find the
/// same task.
pub fn marker(series_key: &str, occurrence_key: &str, item_key: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [series_key, occurrence_key, item_key] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The marker in a task's notes, if it carries one.
pub fn marker_in(notes: &str) -> Option<&str> {
    let at = notes.find(MARKER_PREFIX)?;
    let rest = &notes[at + MARKER_PREFIX.len()..];
    let end = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

#[cfg(test)]
#[path = "task_sync_tests.rs"]
mod tests;
