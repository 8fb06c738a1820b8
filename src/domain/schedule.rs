//! When work is due for the occurrences of one series: preparing a section before a meeting,
//! harvesting action items after it.
//!
//! The store persists one [`SectionState`] per occurrence key; [`plan`] is a pure function of
//! that state, the occurrences, the clock and the doc's latest known revision, and returns the
//! tasks due now plus the next time anything becomes due (for the daemon to sleep until).
//!
//! # The rules
//!
//! * **Prepare** an occurrence when `now >= start - prepare_before`, it has not ended, it is not
//!   cancelled and its state is [`SectionState::NotPrepared`]. A meeting that ended unprepared
//!   (daemon down, series adopted late) is left alone: there is no section to write into.
//! * **Harvest** (first time) a prepared, non-cancelled occurrence once
//!   `now >= end + harvest_after`. There is no deadline: after downtime the first harvest still
//!   happens, because the action-item ledger needs it.
//! * **Re-harvest** a harvested occurrence when the doc changed since — `doc_revision` differs
//!   from the revision recorded at the last harvest — while its *re-harvest window* is open:
//!   until the next non-cancelled occurrence of the series starts ("items are re-read while the
//!   doc is still being edited, until the next meeting"), or `reharvest_horizon` after its end
//!   when no next occurrence is known. Re-harvests are at least `reharvest_debounce` apart, so a
//!   person typing does not cost a Docs read per loop.
//!
//! Why the window closes when the next meeting *starts* rather than when its section is
//! *prepared*: with daily meetings and the default 24 h lead, the next section is prepared
//! before the current meeting even ends; closing at preparation would leave no window at all.
//!
//! Tasks are ordered harvests first, then preparations, each by meeting start: a new section
//! carries the open items of earlier meetings, so those should be in the ledger first (and the
//! reconcile step can share one `documents.get` between them).
//!
//! The daemon's own writes change the doc's revision too: after writing, record the revision
//! returned by the write as the `revision` of every harvested occurrence of that doc whose
//! window is open, or each write triggers a useless re-harvest.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::occurrences::{Occurrence, OccurrenceKey};

/// Timing knobs; `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleConfig {
    /// How long before the start the section is written (default 24 h).
    pub prepare_before: Duration,
    /// Grace after the end before the first harvest (default 30 min).
    pub harvest_after: Duration,
    /// Minimum time between two harvests of the same occurrence (default 10 min).
    pub reharvest_debounce: Duration,
    /// How long after its end an occurrence is re-harvested when no next meeting is known
    /// (default 14 days).
    pub reharvest_horizon: Duration,
}

impl Default for ScheduleConfig {
    fn default() -> Self {
        ScheduleConfig {
            prepare_before: Duration::hours(24),
            harvest_after: Duration::minutes(30),
            reharvest_debounce: Duration::minutes(10),
            reharvest_horizon: Duration::days(14),
        }
    }
}

/// What the daemon has done for one occurrence's section. A missing entry means `NotPrepared`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionState {
    NotPrepared,
    /// The section was written (or found already present) at `at`.
    Prepared {
        at: DateTime<Utc>,
    },
    /// Action items were last read at `at`, from the doc at `revision` (Docs `revisionId`;
    /// `None` if the read carried none, which makes any known revision count as a change).
    Harvested {
        at: DateTime<Utc>,
        revision: Option<String>,
    },
}

/// One unit of work for the reconcile step.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Task {
    Prepare(OccurrenceKey),
    Harvest(OccurrenceKey),
}

impl Task {
    pub fn key(&self) -> &OccurrenceKey {
        match self {
            Task::Prepare(k) | Task::Harvest(k) => k,
        }
    }
}

/// The outcome of [`plan`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Due now, in the order to run them.
    pub tasks: Vec<Task>,
    /// The earliest time after `now` at which a task becomes due if nothing else changes;
    /// `None` when nothing is pending. Always later than `now`. Running `tasks` changes the
    /// state (a prepared section will need a harvest), so plan again after running them.
    pub next_due: Option<DateTime<Utc>>,
}

/// The window of occurrences to expand for [`plan`] (and for
/// [`is_first_in_month`](super::occurrences::is_first_in_month) when preparing): 45 days back
/// and 45 days ahead of `now`.
///
/// Back: re-harvest windows of past meetings (up to `reharvest_horizon`, or until the next
/// meeting for series up to monthly) and the start of the current local month. Ahead: the next
/// preparation (`prepare_before`) and, for a monthly series, the next meeting, which closes the
/// previous one's re-harvest window. A shorter window is safe but less exact: an occurrence
/// missing from the list gets no task, and a missing "next meeting" makes the re-harvest window
/// end `reharvest_horizon` after the meeting instead.
pub fn planning_window(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    (now - Duration::days(45), now + Duration::days(45))
}

/// The work due at `now` for one series' `occurrences` (expanded over [`planning_window`]).
///
/// `states` holds the stored state per key (missing = not prepared); `doc_revision` is the
/// series doc's latest known revision (from Drive `changes.list` or the last read), `None` if
/// unknown, which disables re-harvests.
pub fn plan(
    now: DateTime<Utc>,
    occurrences: &[Occurrence],
    states: &HashMap<OccurrenceKey, SectionState>,
    doc_revision: Option<&str>,
    config: &ScheduleConfig,
) -> Plan {
    let mut live: Vec<&Occurrence> = occurrences.iter().filter(|o| !o.cancelled).collect();
    live.sort_by(|a, b| (a.start, &a.key).cmp(&(b.start, &b.key)));
    live.dedup_by(|a, b| a.key == b.key);

    let mut harvests = Vec::new();
    let mut prepares = Vec::new();
    let mut next_due: Option<DateTime<Utc>> = None;
    let mut wake_at = |t: DateTime<Utc>| {
        if t > now {
            next_due = Some(next_due.map_or(t, |n| n.min(t)));
        }
    };

    for (i, occ) in live.iter().enumerate() {
        let state = states.get(&occ.key).unwrap_or(&SectionState::NotPrepared);
        let harvest_at = add(occ.end, config.harvest_after);
        match state {
            SectionState::NotPrepared => {
                let prepare_at = add(occ.start, -config.prepare_before);
                if now >= prepare_at && now < occ.end {
                    prepares.push(Task::Prepare(occ.key.clone()));
                } else if now < prepare_at {
                    wake_at(prepare_at);
                }
            }
            SectionState::Prepared { .. } => {
                if now >= harvest_at {
                    harvests.push(Task::Harvest(occ.key.clone()));
                } else {
                    wake_at(harvest_at);
                }
            }
            SectionState::Harvested { at, revision } => {
                let changed = doc_revision.is_some_and(|r| revision.as_deref() != Some(r));
                let closes = live
                    .get(i + 1)
                    .map_or(add(occ.end, config.reharvest_horizon), |next| next.start);
                let earliest = add(*at, config.reharvest_debounce).max(harvest_at);
                if changed && earliest < closes {
                    if now >= earliest {
                        if now < closes {
                            harvests.push(Task::Harvest(occ.key.clone()));
                        }
                    } else {
                        wake_at(earliest);
                    }
                }
            }
        }
    }
    harvests.extend(prepares);
    Plan {
        tasks: harvests,
        next_due,
    }
}

/// `t + d`, saturating: configured durations come from operators and must not panic the loop.
fn add(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(if d < Duration::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
