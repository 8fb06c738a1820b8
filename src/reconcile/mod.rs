//! One served user's pass, in the manner of a Kubernetes controller: **observe** what is,
//! **plan** the steps that make it what should be (a pure function), **apply** them, and say
//! when to look again. Failures go through one [`error::error_policy`].
//!
//! It is level-triggered: every pass works from what *is* (the synced events, the docs as read
//! now, the store as a cache) rather than from which change arrived, so a crash at any point and a
//! restart converge to the same result — no second doc (docs are found again by their Drive
//! marker or the event's attachment), no second section (sections are found again by their named
//! range or dated heading).
//!
//! * [`observe`] — Calendar sync ([`sync`]), the series ([`series`]), their docs
//!   ([`series_doc`], which attached doc is adopted: [`adoption`]), whether a doc changed ([`changes`]), one read per doc ([`doc_reads`]);
//! * [`quiet`] — users whose last pass found nothing to do are left alone until an input moves;
//! * [`names`] — people's names from the Workspace directory, cached;
//! * [`plan`] — pure: observed state in, typed [`steps`] with their reasons out;
//! * [`apply`] — the steps, in order; the ledger they share is in [`ledger`];
//! * [`error`] — `SeriesError` and the one error policy; [`report`] — what a pass did;
//! * [`tasks`] — action items as their owners' Google Tasks ([`task_steps`] applies them).

mod adoption;
mod apply;
pub(crate) mod backoff;
mod changes;
mod doc_reads;
mod error;
mod ledger;
mod names;
mod observe;
mod plan;
mod quiet;
mod report;
mod requests;
mod series;
mod series_doc;
mod steps;
mod sync;
mod task_notes;
mod task_steps;
mod tasks;

pub use adoption::{candidates as adoption_candidates, Candidate, Verdict};
pub use error::{Failure, PlanError, ReconcileError, SeriesError};
pub use quiet::QuietUsers;
pub use report::{PassReport, UserOutcome};

use quiet::Stillness;

use crate::config::{Config, Settings};
use crate::domain::template::Template;
use crate::google::{Clients, TasksClients};
use crate::store::{Store, StoreError};
use chrono::{DateTime, Utc};
use std::sync::Mutex;

/// Whether a pass changes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Observe, plan and apply.
    Apply,
    /// Observe and plan; report the plan and apply nothing. The calendar sync still fills the
    /// store's event cache (the plan is made from it), so this mode is only handed a scratch
    /// copy of the store (see [`crate::daemon::Daemon::pass`]).
    DryRun,
}

/// Everything a pass needs besides the user's clients.
pub struct Reconciler<'a> {
    config: &'a Config,
    settings: &'a Settings,
    /// Held only for short synchronous reads and writes, never across an `.await`.
    store: &'a Mutex<Store>,
    template: &'a Template,
    mode: Mode,
    /// Users whose last pass found nothing to do (see [`quiet`]); owned by the daemon so it
    /// outlives one pass.
    quiet: &'a QuietUsers,
    /// Per-owner Google Tasks clients when `[tasks] enabled = true`.
    tasks: Option<&'a TasksClients>,
}

impl<'a> Reconciler<'a> {
    /// Crate-private: only the daemon builds one, and it pairs [`Mode::DryRun`] with a scratch
    /// store.
    pub(crate) fn new(
        config: &'a Config,
        settings: &'a Settings,
        store: &'a Mutex<Store>,
        template: &'a Template,
        mode: Mode,
        quiet: &'a QuietUsers,
        tasks: Option<&'a TasksClients>,
    ) -> Reconciler<'a> {
        Reconciler {
            config,
            settings,
            store,
            template,
            mode,
            quiet,
            tasks,
        }
    }

    /// One short store operation.
    pub(crate) fn store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        f(&mut self.store.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// One pass for one served user: observe → plan → apply, one series at a time. After the
    /// calendar sync, a user whose last pass found nothing to do and whose calendar did not
    /// change is left there ([`quiet`]): an idle pass costs one `events.list`. Then, quiet or
    /// not, the action items and their owners' Google Tasks are kept in step ([`tasks`]).
    pub async fn reconcile(
        &self,
        clients: &Clients,
        now: DateTime<Utc>,
    ) -> Result<UserOutcome, ReconcileError> {
        let mut out = self.reconcile_series(clients, now).await?;
        if let (Mode::Apply, Some(tasks)) = (self.mode, self.tasks) {
            tasks::sync(self, tasks, clients, now, &mut out).await;
        }
        Ok(out)
    }

    /// The calendar, the series, their docs and sections.
    async fn reconcile_series(
        &self,
        clients: &Clients,
        now: DateTime<Utc>,
    ) -> Result<UserOutcome, ReconcileError> {
        let user = clients.user.as_str();
        let mut out = UserOutcome::default();
        let started = std::time::Instant::now();
        let synced = sync::sync_calendar(self, clients, now, &mut out.report).await?;
        crate::metrics::global()
            .pass
            .step("calendar_sync", started.elapsed());
        let still = match self.mode {
            Mode::Apply if synced == 0 => self.quiet.still(user, now),
            _ => None,
        };
        if let Some((series, until)) = still {
            out.report.series_found = series;
            out.report.users_quiet = 1;
            out.due_by(Some(until));
            return Ok(out);
        }
        let still = self.serve_series(clients, now, &mut out).await;
        // Whatever ended the pass, a quiet is left only by one that completed having done
        // nothing; an error leaves none, so the next pass is whole.
        let until = match &still {
            Ok(s) => s.until(now),
            Err(_) => None,
        };
        if self.mode == Mode::Apply {
            self.quiet.record(user, until, out.report.series_found);
        }
        still.map(|_| out)
    }

    /// Observes, plans and applies every series of the user; says whether anything was done.
    async fn serve_series(
        &self,
        clients: &Clients,
        now: DateTime<Utc>,
        out: &mut UserOutcome,
    ) -> Result<Stillness, ReconcileError> {
        let user = clients.user.as_str();
        let mut still = Stillness::default();
        let mut observed = observe::user(self, clients)?;
        names::apply(self, clients, &mut observed.series, now).await;
        out.report.series_found = observed.series.len();
        let departures = plan::departures(&observed.gone);
        still.acted |= !departures.is_empty();
        self.apply_user_steps(user, &departures, now, out)?;
        let mut changes = changes::ChangedDocs::new(self.quiet.take_drive_change(user));
        for view in &observed.series {
            let started = std::time::Instant::now();
            let seen = match observe::series(self, clients, view, &mut changes, now).await {
                Ok(seen) => seen,
                Err(e) => {
                    still.acted = true;
                    error::settle(out, user, e)?;
                    continue;
                }
            };
            let planned = plan::series(&seen, &self.settings.schedule, now);
            out.due_by(planned.next_due);
            still.acted |= !planned.steps.is_empty() || !planned.problems.is_empty();
            still.wake_by(planned.next_due);
            still.wake_by(seen.held.iter().map(|(_, at)| *at).min());
            match self.mode {
                Mode::DryRun => out.report.planned.extend(planned.lines()),
                Mode::Apply => apply::series(self, clients, view, seen, &planned, now, out).await?,
            }
            crate::metrics::global()
                .pass
                .step("series", started.elapsed());
        }
        out.report.problems.extend(changes.problem.take());
        still.acted |= !out.report.problems.is_empty();
        still.wake_by(changes.next_look());
        // The change list moves forward only when every series was served or failed for good
        // (a problem a person must fix). After a transient failure the old position is kept,
        // stamped with this look, so the same changes are asked again after the debounce.
        let remembered = if out.transient_failures == 0 {
            changes.new_token.take()
        } else {
            changes.old_token.take()
        };
        let token = plan::drive_token(remembered);
        self.apply_user_steps(user, token.as_slice(), now, out)?;
        Ok(still)
    }

    /// The steps that belong to the user rather than one series; a dry run lists them.
    fn apply_user_steps(
        &self,
        user: &str,
        steps: &[plan::Planned],
        now: DateTime<Utc>,
        out: &mut UserOutcome,
    ) -> Result<(), ReconcileError> {
        match self.mode {
            Mode::DryRun => {
                let visible = steps.iter().filter(|p| !p.step.is_bookkeeping());
                let lines =
                    visible.map(|p| format!("{} ({})", plan::describe_step(&p.step), p.why));
                out.report.planned.extend(lines);
                Ok(())
            }
            Mode::Apply => apply::user_steps(self, user, steps, now),
        }
    }
}
