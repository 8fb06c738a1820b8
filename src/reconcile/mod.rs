//! One served user's reconcile step, in the manner of a Kubernetes controller: observe Calendar
//! (incremental sync), compute what should exist with the pure [`crate::domain`], take the
//! smallest steps that get there, and say when to look again.
//!
//! It is level-triggered: every pass works from what *is* (the synced events, the docs as read
//! now, the store as a cache) rather than from which change arrived, so a crash at any point and a
//! restart converge to the same result — no second doc (docs are found again by their Drive
//! marker or the event's attachment), no second section (sections are found again by their named
//! range or dated heading).
//!
//! * [`sync`] — Calendar incremental sync into the store's event cache;
//! * [`series`] — which cached events form 1-1 series, and their occurrences;
//! * [`series_doc`] — one doc per series: adopt, find or create; share; attach;
//! * [`section`] — write the dated section before an occurrence;
//! * [`harvest`] — read the action items after it;
//! * [`requests`] — planned edits as Docs API requests.

mod harvest;
mod requests;
mod section;
mod series;
mod series_doc;
mod sync;

pub use series::SeriesView;

use crate::config::Config;
use crate::domain::schedule::{self, ScheduleConfig, Task};
use crate::domain::series::DetectionRules;
use crate::domain::template::Template;
use crate::google::{Clients, GoogleError};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::fmt;
use std::sync::Mutex;

/// Why a user's pass stopped early. Per-series problems don't stop a pass: they are reported
/// in [`PassReport::problems`] and retried on the next pass.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("{user}: {step}: {source}")]
    Google {
        user: String,
        step: &'static str,
        #[source]
        source: GoogleError,
    },
    #[error("{user}: {source}")]
    Store {
        user: String,
        #[source]
        source: Box<StoreError>,
    },
}

/// What one pass did, for logs, `once` output and the demo's summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PassReport {
    pub events_synced: usize,
    pub full_sync: bool,
    pub series_found: usize,
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
    /// What a dry run would do (empty unless dry-running).
    pub planned: Vec<String>,
    /// Per-series problems: what failed and what to do. The pass went on without them.
    pub problems: Vec<String>,
}

impl PassReport {
    pub fn absorb(&mut self, other: PassReport) {
        self.events_synced += other.events_synced;
        self.full_sync |= other.full_sync;
        self.series_found += other.series_found;
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
        self.planned.extend(other.planned);
        self.problems.extend(other.problems);
    }
}

impl fmt::Display for PassReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} events synced{}, {} series, docs: {} created / {} adopted / {} attached / {} \
             shared, sections: {} written ({} already there, {} revision conflicts), {} \
             harvests ({} items, {} closed), {} problems",
            self.events_synced,
            if self.full_sync { " (full)" } else { "" },
            self.series_found,
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
            self.problems.len()
        )
    }
}

/// The outcome of one user's pass.
#[derive(Debug, Clone, Default)]
pub struct UserOutcome {
    pub report: PassReport,
    /// When something becomes due next if nothing changes in Calendar.
    pub next_due: Option<DateTime<Utc>>,
}

/// Everything a pass needs besides the user's clients.
pub struct Reconciler<'a> {
    pub config: &'a Config,
    /// Held only for short synchronous reads and writes, never across an `.await`.
    pub store: &'a Mutex<Store>,
    pub template: &'a Template,
    pub rules: &'a DetectionRules,
    /// Plan and report, change nothing in Google. The calendar sync still fills the store's
    /// event cache (the plan is made from it), so a dry run must be given a scratch copy of the
    /// store, as `Daemon::start_dry_run` does.
    pub dry_run: bool,
}

impl Reconciler<'_> {
    pub(crate) fn schedule_config(&self) -> ScheduleConfig {
        ScheduleConfig {
            prepare_before: chrono::Duration::from_std(self.config.daemon.prepare_before)
                .unwrap_or_else(|_| chrono::Duration::hours(24)),
            harvest_after: chrono::Duration::from_std(self.config.daemon.harvest_after)
                .unwrap_or_else(|_| chrono::Duration::minutes(30)),
            ..ScheduleConfig::default()
        }
    }

    pub(crate) fn with_store<T>(
        &self,
        user: &str,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, ReconcileError> {
        let mut store = self.store.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut store).map_err(|source| ReconcileError::Store {
            user: user.to_string(),
            source: Box::new(source),
        })
    }

    /// One pass for one served user.
    pub async fn reconcile(
        &self,
        clients: &Clients,
        now: DateTime<Utc>,
    ) -> Result<UserOutcome, ReconcileError> {
        let user = clients.user.as_str();
        let mut report = PassReport::default();
        sync::sync_calendar(self, clients, now, &mut report).await?;

        let views = series::load(self, user, now)?;
        series::record_departures(self, user, &views, now)?;
        report.series_found = views.len();

        let mut next_due: Option<DateTime<Utc>> = None;
        let mut changed_docs = harvest::ChangedDocs::default();
        for view in &views {
            let (doc, newly_known) =
                match series_doc::ensure(self, clients, view, now, &mut report).await {
                    Ok(Some(found)) => found,
                    Ok(None) => {
                        // A dry run for a series whose doc would be created first.
                        let occurrences = view.occurrences(now);
                        let plan = schedule::plan(
                            now,
                            &occurrences,
                            &Default::default(),
                            None,
                            &self.schedule_config(),
                        );
                        section::plan_into_new_doc(view, &occurrences, &plan.tasks, &mut report);
                        continue;
                    }
                    Err(problem) => {
                        report.problems.push(problem);
                        continue;
                    }
                };
            let occurrences = view.occurrences(now);
            if !self.dry_run {
                series::record_occurrences(self, user, view, &occurrences)?;
            }
            if newly_known && !self.dry_run {
                if let Err(problem) =
                    section::recover(self, clients, &doc, view, &occurrences, now).await
                {
                    report.problems.push(problem);
                }
            }
            let states = series::section_states(self, user, view)?;
            let revision = changed_docs
                .revision_hint(self, clients, &doc, &states, now, &mut report)
                .await;
            let plan = schedule::plan(
                now,
                &occurrences,
                &states.by_key,
                revision.as_deref(),
                &self.schedule_config(),
            );
            if let Some(due) = plan.next_due {
                next_due = Some(next_due.map_or(due, |n| n.min(due)));
            }
            if plan.tasks.is_empty() {
                continue;
            }
            let mut work = section::DocWork::new(clients, &doc);
            for task in &plan.tasks {
                let Some(occ) = occurrences.iter().find(|o| &o.key == task.key()) else {
                    continue;
                };
                let result = match task {
                    Task::Prepare(_) => {
                        section::prepare(self, &mut work, view, occ, &occurrences, now, &mut report)
                            .await
                    }
                    Task::Harvest(_) => {
                        harvest::harvest(self, &mut work, view, occ, now, &mut report).await
                    }
                };
                if let Err(problem) = result {
                    report.problems.push(problem);
                }
            }
        }
        Ok(UserOutcome { report, next_due })
    }
}

/// A Google failure inside one series, as a line for [`PassReport::problems`].
pub(crate) fn problem(series: &str, step: &str, e: &dyn fmt::Display) -> String {
    format!("series {series}: {step}: {e}")
}
