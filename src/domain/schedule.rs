//! When work is due for the occurrences of one series: preparing a section before a meeting,
//! harvesting action items after it.
//!
//! The store persists one [`SectionState`] per occurrence key; [`plan`] is a pure function of
//! that state, the occurrences, the clock and whether the doc changed since it was last read
//! ([`DocChange`]), and returns the
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
//! * **Re-harvest** a harvested occurrence when the doc changed since the last harvest (or
//!   nobody can say: [`DocChange::Unknown`]) while its *re-harvest window* is open:
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

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::occurrences::{Occurrence, OccurrenceKey};

/// Timing knobs. They are built once from the configuration (`config::Settings`), which is the
/// one place their defaults live; this module only applies them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleConfig {
    /// How long before the start the section is written.
    pub prepare_before: Duration,
    /// Grace after the end before the first harvest.
    pub harvest_after: Duration,
    /// Minimum time between two harvests of the same occurrence.
    pub reharvest_debounce: Duration,
    /// How long after its end an occurrence is re-harvested when no next meeting is known.
    pub reharvest_horizon: Duration,
}

/// Whether the series doc changed since the daemon last read it, as far as anyone can tell.
/// A plain answer instead of a revision string to compare, so nothing has to fake one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocChange {
    /// Drive's change list says it did not change (or was looked at too recently to ask).
    Unchanged,
    /// Drive says it changed.
    Changed,
    /// Nobody can say (first look, Drive could not answer, a doc Drive does not show us):
    /// treated as changed, so the doc is re-read on the debounce rather than never.
    Unknown,
}

impl DocChange {
    fn may_have_changed(self) -> bool {
        !matches!(self, DocChange::Unchanged)
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

/// The work due at `now` for one series' `occurrences`.
///
/// The occurrences should reach back over re-harvest windows of past meetings and the start of
/// the current local month, and ahead over the next preparation and, for a monthly series, the
/// next meeting (which closes the previous one's re-harvest window). A shorter list is safe but
/// less exact: a missing occurrence gets no task, and a missing "next meeting" makes the
/// re-harvest window end `reharvest_horizon` after the meeting instead.
///
/// `states` holds the stored state per key (missing = not prepared); `doc` says whether the
/// series doc changed since its last harvest.
pub fn plan(
    now: DateTime<Utc>,
    occurrences: &[Occurrence],
    states: &HashMap<OccurrenceKey, SectionState>,
    doc: DocChange,
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
            SectionState::Harvested { at, .. } => {
                let changed = doc.may_have_changed();
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
