//! The last third of a pass: the planned steps, carried out in order.
//!
//! Each step either succeeds or returns a [`SeriesError`]; what a failure means (retry later,
//! report with a fix, stop the user) is [`super::error::settle`]'s decision, not the step's. A
//! failed setup step (the doc must exist, be shared, recorded and attached first) leaves the
//! series' later steps to the next pass; a failed section step does not hold up the others.

mod doc;
mod harvest;
mod section;

use super::doc_reads::DocReads;
use super::error::{fail, settle, SeriesError};
use super::plan::{Departure, ObservedSeries, Planned, SeriesPlan, Step, Why};
use super::series::{timings, SeriesView};
use super::{ReconcileError, Reconciler, UserOutcome};
use crate::domain::occurrences::{Occurrence, OccurrenceKey};
use crate::google::{quota, Clients};
use crate::store::SeriesState;
use chrono::{DateTime, Utc};

/// One series being applied.
struct Apply<'a> {
    r: &'a Reconciler<'a>,
    clients: &'a Clients,
    view: &'a SeriesView,
    occurrences: &'a [Occurrence],
    now: DateTime<Utc>,
    /// The series doc and its read; `None` until a planned `CreateDoc` made it.
    reads: Option<DocReads<'a>>,
    out: &'a mut UserOutcome,
}

/// Carries out one series' plan.
pub(super) async fn series(
    r: &Reconciler<'_>,
    clients: &Clients,
    view: &SeriesView,
    observed: ObservedSeries,
    plan: &SeriesPlan,
    now: DateTime<Utc>,
    out: &mut UserOutcome,
) -> Result<(), ReconcileError> {
    let user = view.user.as_str();
    for problem in &plan.problems {
        let e = fail(&view.key, "share the doc", problem.clone());
        settle(out, user, e)?;
    }
    let ObservedSeries {
        doc,
        read,
        occurrences,
        ..
    } = observed;
    let mut a = Apply {
        r,
        clients,
        view,
        occurrences: &occurrences,
        now,
        reads: doc.doc().map(|d| DocReads::new(clients, d.clone(), read)),
        out,
    };
    for planned in &plan.steps {
        let step = a.step(planned);
        let done = if planned.step.is_due_work() {
            quota::as_due(step).await
        } else {
            step.await
        };
        if let Err(e) = done {
            settle(a.out, user, e)?;
            if planned.step.is_setup() {
                break;
            }
        }
    }
    Ok(())
}

/// Carries out the user-level steps (departures, Drive's page token).
pub(super) fn user_steps(
    r: &Reconciler<'_>,
    user: &str,
    steps: &[Planned],
    now: DateTime<Utc>,
) -> Result<(), ReconcileError> {
    for planned in steps {
        let done = match &planned.step {
            Step::RecordDeparture { series, departure } => {
                let state = match departure {
                    Departure::NotOneOnOne => SeriesState::NotOneOnOne,
                    Departure::Deleted => SeriesState::Deleted,
                };
                tracing::info!(user, series = %series, ?state, "series left alone from now on; its doc is kept");
                r.store(|s| s.set_series_state(user, series, state, now))
            }
            Step::RememberDriveToken { token } => {
                r.store(|s| s.set_drive_page_token(user, token, now))
            }
            other => {
                tracing::debug!(user, step = ?other, "not a user-level step; skipped");
                Ok(())
            }
        };
        done.map_err(ReconcileError::store(user))?;
    }
    Ok(())
}

impl<'a> Apply<'a> {
    async fn step(&mut self, planned: &Planned) -> Result<(), SeriesError> {
        let key = &self.view.key;
        match &planned.step {
            Step::CreateDoc { title } => self.create_doc(title).await,
            Step::AdoptDoc => {
                self.mark_adopted().await;
                self.out.report.docs_adopted += 1;
                Ok(())
            }
            Step::Share { with } => self.share(with).await,
            Step::RecordSeries { adopted } => self.record_series(*adopted),
            Step::Attach { event_id } => self.attach(event_id).await,
            Step::RecordOccurrences => {
                let timings = timings(self.occurrences);
                let (user, series) = (&self.view.user, key.as_str());
                self.r
                    .store(|s| s.upsert_occurrences(user, series, &timings).map(|_| ()))
                    .map_err(|e| fail(key, "store the occurrences", e))
            }
            Step::SectionFound {
                occurrence,
                revision,
            } => {
                if planned.why == Why::AlreadyInDoc {
                    self.out.report.sections_found += 1;
                }
                self.mark_prepared(occurrence, revision)
            }
            Step::Harvest { occurrence, .. } => match self.occurrence(occurrence) {
                Some(occ) => self.harvest(occ).await,
                None => Ok(()),
            },
            Step::WriteSection { occurrence, .. } => match self.occurrence(occurrence) {
                Some(occ) => self.write_section(occ).await,
                None => Ok(()),
            },
            Step::RecordDeparture { .. } | Step::RememberDriveToken { .. } => Ok(()),
        }
    }

    fn occurrence(&self, key: &OccurrenceKey) -> Option<&'a Occurrence> {
        let all: &'a [Occurrence] = self.occurrences;
        all.iter().find(|o| &o.key == key)
    }

    fn mark_prepared(&self, occurrence: &OccurrenceKey, revision: &str) -> Result<(), SeriesError> {
        let v = self.view;
        self.r
            .store(|s| {
                s.mark_prepared(
                    &v.user,
                    v.key.as_str(),
                    occurrence.as_str(),
                    self.now,
                    revision,
                )
            })
            .map_err(|e| fail(&v.key, "record the section as prepared", e))
    }
}
