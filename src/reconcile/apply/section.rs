//! Writing the dated section before an occurrence: one `batchUpdate` on the doc as read.
//!
//! The write carries `writeControl.requiredRevisionId` from the read it was planned on, so a
//! person typing at the same moment is never overwritten: on a conflict the doc is read again and
//! the section planned again. The section's heading carries the named range
//! `oneonone:<occurrence key>`, so it is found — and never inserted twice — even after a person
//! renames the heading.
//!
//! Google answers a stale `requiredRevisionId` with a 400, but so it answers a bad request
//! (issue 9 §8). A 400 that does not say `FAILED_PRECONDITION` is therefore checked once: the
//! doc is read again, and only if its `revisionId` moved is it a conflict (re-planned as
//! usual); otherwise it is a permanent problem with Google's message, and the section is held
//! back for [`SECTION_RETRY`] instead of being sent again every poll.

use super::Apply;
use crate::config::Growth;
use crate::domain::edit::plan_section;
use crate::domain::occurrences::{heading_date_label, is_first_in_month, local_date, Occurrence};
use crate::domain::sections::find_section;
use crate::domain::template::TemplateContext;
use crate::google::GoogleError;
use crate::reconcile::error::{fail, PlanError, SeriesError};
use crate::reconcile::ledger::carry_lines;
use crate::reconcile::requests::to_requests;
use chrono::Duration;

/// How many times a section is re-planned after revision conflicts before giving up until the
/// next pass (people are typing right now; the next pass will find a quieter moment).
const MAX_CONFLICTS: usize = 3;

/// How long a section whose write Google refused as a bad request waits before it is planned
/// again (short enough to still land before the meeting once the cause is fixed).
pub(crate) const SECTION_RETRY: Duration = Duration::hours(1);

/// The `held_steps` name of one occurrence's section write.
pub(crate) fn section_step(occurrence: &str) -> String {
    format!("section:{occurrence}")
}

impl Apply<'_> {
    /// Writes the section for `occ` unless it is there by now.
    pub(super) async fn write_section(&mut self, occ: &Occurrence) -> Result<(), SeriesError> {
        let (r, view) = (self.r, self.view);
        let key = &view.key;
        let all = self.occurrences;
        let Some(reads) = self.reads.as_mut() else {
            return Ok(());
        };
        let doc_id = reads.doc.id.clone();
        let date = local_date(occ);
        let open_items = r
            .store(|s| carry_lines(s, view, &doc_id, occ))
            .map_err(|e| fail(key, "read the open action items", e))?;
        let ctx = TemplateContext {
            date_label: heading_date_label(occ),
            date,
            meeting: view.meeting.clone(),
            organizer_name: view.organizer_name.clone(),
            other_name: view.other_name.clone(),
            organizer_email: view.user.clone(),
            other_email: view.other_email.clone(),
            growth: match r.config.doc.growth {
                Growth::FirstOfMonth => is_first_in_month(occ, all),
                Growth::Always => true,
                Growth::Never => false,
            },
            open_items,
        };
        let blocks = r
            .template
            .render(&ctx)
            .map_err(|e| fail(key, "render the template", PlanError::from(e)))?;
        let mut reread = false;
        for attempt in 0..=MAX_CONFLICTS {
            let doc = reads
                .read()
                .await
                .map_err(|e| fail(key, "read the doc", e))?;
            let tab = doc.tab_id.clone();
            if find_section(doc, occ.key.as_str(), date).is_some() {
                let revision = doc.revision_id.clone().unwrap_or_default();
                self.out.report.sections_found += 1;
                self.remember_tab(&doc_id, tab.as_deref())?;
                return self.mark_prepared(&occ.key, &revision);
            }
            let ops = plan_section(doc, &blocks, occ.key.as_str())
                .map_err(|e| fail(key, "plan the section", PlanError::from(e)))?;
            let requests = to_requests(&ops, doc.tab_id.as_deref()).map_err(|e| {
                fail(
                    key,
                    "turn the plan into Docs requests",
                    PlanError::Requests(e.to_string()),
                )
            })?;
            let revision = doc.revision_id.clone();
            let written = reads
                .clients()
                .docs
                .batch_update(&doc_id, requests, revision.clone())
                .await;
            reads.invalidate();
            match written {
                Ok(response) => {
                    let new_revision = response
                        .write_control
                        .and_then(|w| w.required_revision_id)
                        .unwrap_or_default();
                    self.out.report.sections_written += 1;
                    let (user, series) = (view.user.as_str(), key.as_str());
                    let step = section_step(occ.key.as_str());
                    if let Err(e) = r.store(|s| s.release_step(user, series, &step)) {
                        tracing::warn!(user, series, error = %e, "could not release a held section");
                    }
                    self.remember_tab(&doc_id, tab.as_deref())?;
                    tracing::info!(user = %view.user, series = %key, doc = %doc_id, date = %ctx.date_label, "wrote the dated section");
                    return self.mark_prepared(&occ.key, &new_revision);
                }
                Err(GoogleError::RevisionConflict { .. }) if attempt < MAX_CONFLICTS => {
                    self.out.report.revision_conflicts += 1;
                    tracing::info!(doc = %doc_id, attempt, "the doc changed while planning; re-reading");
                }
                Err(e @ GoogleError::Permanent { .. }) if !reread && revision.is_some() => {
                    // Conflict or bad request? Only a moved revision says conflict.
                    reread = true;
                    let fresh = reads
                        .read()
                        .await
                        .map_err(|e| fail(key, "read the doc", e))?;
                    if fresh.revision_id == revision {
                        return Err(self.hold_section(occ, e));
                    }
                    self.out.report.revision_conflicts += 1;
                    tracing::info!(doc = %doc_id, attempt, "a 400 on a guarded write, and the doc changed since: a conflict; re-planning");
                }
                Err(e @ GoogleError::Permanent { .. }) => return Err(self.hold_section(occ, e)),
                Err(e) => return Err(fail(key, "write the section", e)),
            }
        }
        Err(fail(key, "write the section", PlanError::KeptChanging))
    }

    /// Records the tab our sections are in, so later reads stay on it (`store::doc_tabs`).
    fn remember_tab(&self, doc_id: &str, tab: Option<&str>) -> Result<(), SeriesError> {
        let Some(tab) = tab else { return Ok(()) };
        let (user, now) = (self.view.user.as_str(), self.now);
        self.r
            .store(|s| s.set_doc_tab(user, doc_id, tab, now))
            .map_err(|e| fail(&self.view.key, "record the doc's tab", e))
    }
}

impl Apply<'_> {
    /// Holds the section of `occ` back for [`SECTION_RETRY`] after Google refused its write
    /// as a bad request, and returns the failure to report (with Google's message).
    fn hold_section(&self, occ: &Occurrence, e: GoogleError) -> SeriesError {
        let (user, series) = (self.view.user.as_str(), self.view.key.as_str());
        let step = section_step(occ.key.as_str());
        let why = e.to_string();
        let until = self.now + SECTION_RETRY;
        if let Err(se) = self
            .r
            .store(|s| s.hold_step(user, series, &step, until, &why))
        {
            tracing::warn!(user, series, error = %se, "could not hold the refused section back");
        }
        fail(&self.view.key, "write the section", e)
    }
}
