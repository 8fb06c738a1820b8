//! What a pass did, for logs, `once` output and the demo's summary.

use chrono::{DateTime, Utc};
use std::fmt;

/// What one pass did, for logs, `once` output and the demo's summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassReport {
    pub events_synced: usize,
    pub full_sync: bool,
    pub series_found: usize,
    /// Users left quiet: their calendar had not changed and nothing was due, so the pass made
    /// one Calendar call for them and nothing else (`reconcile::quiet`).
    pub users_quiet: usize,
    pub docs_created: usize,
    pub docs_adopted: usize,
    pub docs_attached: usize,
    pub docs_shared: usize,
    pub sections_written: usize,
    pub sections_found: usize,
    pub revision_conflicts: usize,
    pub harvests: usize,
    pub items_harvested: usize,
    pub items_closed: usize,
    /// Google Tasks created, updated or completed for action items (`[tasks]`).
    pub tasks_written: usize,
    /// What a dry run would do, one planned step and its reason per line (empty unless
    /// dry-running).
    pub planned: Vec<String>,
    /// Per-series problems: what failed and what to do. The pass went on without them.
    pub problems: Vec<String>,
}

impl PassReport {
    pub fn absorb(&mut self, other: PassReport) {
        self.events_synced += other.events_synced;
        self.full_sync |= other.full_sync;
        self.series_found += other.series_found;
        self.users_quiet += other.users_quiet;
        self.docs_created += other.docs_created;
        self.docs_adopted += other.docs_adopted;
        self.docs_attached += other.docs_attached;
        self.docs_shared += other.docs_shared;
        self.sections_written += other.sections_written;
        self.sections_found += other.sections_found;
        self.revision_conflicts += other.revision_conflicts;
        self.harvests += other.harvests;
        self.items_harvested += other.items_harvested;
        self.items_closed += other.items_closed;
        self.tasks_written += other.tasks_written;
        self.planned.extend(other.planned);
        self.problems.extend(other.problems);
    }
}

impl fmt::Display for PassReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} events synced{}, {} series ({} users quiet), docs: {} created / {} adopted / {} attached / {} \
             shared, sections: {} written ({} already there, {} revision conflicts), {} \
             harvests ({} items, {} closed), {} tasks written, {} problems",
            self.events_synced,
            if self.full_sync { " (full)" } else { "" },
            self.series_found,
            self.users_quiet,
            self.docs_created,
            self.docs_adopted,
            self.docs_attached,
            self.docs_shared,
            self.sections_written,
            self.sections_found,
            self.revision_conflicts,
            self.harvests,
            self.items_harvested,
            self.items_closed,
            self.tasks_written,
            self.problems.len()
        )
    }
}

/// The outcome of one user's pass.
#[derive(Debug, Clone, Default)]
pub struct UserOutcome {
    pub report: PassReport,
    /// When something becomes due next if nothing changes in Calendar (or Google asked us to
    /// come back).
    pub next_due: Option<DateTime<Utc>>,
    /// Series steps that failed in a way that may pass by itself (a 5xx, a timeout, a rate
    /// limit). While any did, the pass does not move Drive's change list forward: a doc it
    /// reported changed may be among those not read, and must be reported again next pass.
    pub(crate) transient_failures: usize,
}

impl UserOutcome {
    /// Wake up no later than `at`.
    pub(crate) fn due_by(&mut self, at: Option<DateTime<Utc>>) {
        if let Some(at) = at {
            self.next_due = Some(self.next_due.map_or(at, |n| n.min(at)));
        }
    }
}
