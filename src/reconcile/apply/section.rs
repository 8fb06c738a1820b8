//! Writing the dated section before an occurrence: one `batchUpdate` on the doc as read.
//!
//! The write carries `writeControl.requiredRevisionId` from the read it was planned on, so a
//! person typing at the same moment is never overwritten: on a conflict the doc is read again and
//! the section planned again. The section's heading carries the named range
//! `oneonone:<occurrence key>`, so it is found — and never inserted twice — even after a person
//! renames the heading.

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

/// How many times a section is re-planned after revision conflicts before giving up until the
/// next pass (people are typing right now; the next pass will find a quieter moment).
const MAX_CONFLICTS: usize = 3;

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
                .batch_update(&doc_id, requests, revision)
                .await;
            reads.invalidate();
            match written {
                Ok(response) => {
                    let new_revision = response
                        .write_control
                        .and_then(|w| w.required_revision_id)
                        .unwrap_or_default();
                    self.out.report.sections_written += 1;
                    self.remember_tab(&doc_id, tab.as_deref())?;
                    tracing::info!(user = %view.user, series = %key, doc = %doc_id, date = %ctx.date_label, "wrote the dated section");
                    return self.mark_prepared(&occ.key, &new_revision);
                }
                Err(GoogleError::RevisionConflict { .. }) if attempt < MAX_CONFLICTS => {
                    self.out.report.revision_conflicts += 1;
                    tracing::info!(doc = %doc_id, attempt, "the doc changed while planning; re-reading");
                }
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
