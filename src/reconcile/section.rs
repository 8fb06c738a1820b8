//! The dated section before each occurrence: one `documents.get` and one `batchUpdate`.
//!
//! The write carries `writeControl.requiredRevisionId` from the read it was planned on, so a
//! person typing at the same moment is never overwritten: on a conflict the doc is read again and
//! the section planned again. The section's heading carries the named range
//! `oneonone:<occurrence key>`, so it is found — and never inserted twice — even after a person
//! renames the heading.

use super::requests::to_requests;
use super::series::SeriesView;
use super::series_doc::SeriesDoc;
use super::{problem, PassReport, Reconciler};
use crate::config::Growth;
use crate::domain::doc::Doc;
use crate::domain::edit::plan_section;
use crate::domain::occurrences::{heading_date_label, is_first_in_month, local_date, Occurrence};
use crate::domain::sections::find_section;
use crate::domain::template::TemplateContext;
use crate::google::{Clients, GoogleError};
use chrono::{DateTime, Utc};

/// How many times a section is re-planned after revision conflicts before giving up until the
/// next pass (people are typing right now; the next pass will find a quieter moment).
const MAX_CONFLICTS: usize = 3;

/// The doc of one series during one pass: read at most once unless we write to it, so harvest
/// and preparation of the same doc share one `documents.get`.
pub(super) struct DocWork<'c> {
    clients: &'c Clients,
    pub doc: &'c SeriesDoc,
    read: Option<Doc>,
}

impl<'c> DocWork<'c> {
    pub fn new(clients: &'c Clients, doc: &'c SeriesDoc) -> Self {
        DocWork {
            clients,
            doc,
            read: None,
        }
    }

    /// The doc as last read, reading it if needed.
    pub async fn read(&mut self) -> Result<&Doc, GoogleError> {
        let doc = match self.read.take() {
            Some(doc) => doc,
            None => {
                let json = self.clients.docs.get(&self.doc.id).await?;
                Doc::from_json(&json).map_err(|e| GoogleError::Permanent {
                    code: Some(200),
                    reason: Some("unreadableDocument".into()),
                    message: format!("document {}: {e}", self.doc.id),
                })?
            }
        };
        Ok(self.read.insert(doc))
    }

    /// Forgets the read after a write or a conflict.
    pub fn invalidate(&mut self) {
        self.read = None;
    }

    pub fn clients(&self) -> &'c Clients {
        self.clients
    }
}

/// A dry run's plan for a series whose doc does not exist yet: every due section would be
/// written into the new doc (there is nothing to harvest in a doc nobody has seen).
pub(super) fn plan_into_new_doc(
    view: &SeriesView,
    all: &[Occurrence],
    tasks: &[crate::domain::schedule::Task],
    report: &mut PassReport,
) {
    for task in tasks {
        let crate::domain::schedule::Task::Prepare(key) = task else {
            continue;
        };
        if let Some(occ) = all.iter().find(|o| &o.key == key) {
            report.planned.push(format!(
                "write section {:?} into the new doc of series {}",
                heading_date_label(occ),
                view.key
            ));
        }
    }
}

/// Writes the section for `occ` unless it is already there.
pub(super) async fn prepare(
    r: &Reconciler<'_>,
    work: &mut DocWork<'_>,
    view: &SeriesView,
    occ: &Occurrence,
    all: &[Occurrence],
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<(), String> {
    let key = view.key.as_str();
    let fail = |step: &str, e: &dyn std::fmt::Display| problem(key, step, e);
    let date = local_date(occ);
    let open_items =
        super::harvest::carry_lines(r, view, &work.doc.id, occ).map_err(|e| fail("store", &e))?;
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
        .map_err(|e| fail("render the template", &e))?;
    for attempt in 0..=MAX_CONFLICTS {
        let doc = work.read().await.map_err(|e| fail("read the doc", &e))?;
        if find_section(doc, occ.key.as_str(), date).is_some() {
            report.sections_found += 1;
            let revision = doc.revision_id.clone().unwrap_or_default();
            mark_prepared(r, view, occ, now, &revision)?;
            return Ok(());
        }
        if r.dry_run {
            report.planned.push(format!(
                "write section {:?} into doc {}",
                ctx.date_label, work.doc.id
            ));
            return Ok(());
        }
        let ops = plan_section(doc, &blocks, occ.key.as_str())
            .map_err(|e| fail("plan the section", &e))?;
        let requests =
            to_requests(&ops).map_err(|e| fail("turn the plan into Docs requests", &e))?;
        let revision = doc.revision_id.clone();
        let doc_id = work.doc.id.clone();
        let written = work
            .clients()
            .docs
            .batch_update(&doc_id, requests, revision)
            .await;
        work.invalidate();
        match written {
            Ok(response) => {
                let new_revision = response
                    .write_control
                    .and_then(|w| w.required_revision_id)
                    .unwrap_or_default();
                report.sections_written += 1;
                tracing::info!(user = %view.user, series = key, doc = %doc_id, date = %ctx.date_label, "wrote the dated section");
                return mark_prepared(r, view, occ, now, &new_revision);
            }
            Err(GoogleError::RevisionConflict { .. }) if attempt < MAX_CONFLICTS => {
                report.revision_conflicts += 1;
                tracing::info!(doc = %doc_id, attempt, "the doc changed while planning; re-reading");
            }
            Err(e) => return Err(fail("write the section", &e)),
        }
    }
    Err(fail(
        "write the section",
        &"the doc kept changing; will try again next pass",
    ))
}

fn mark_prepared(
    r: &Reconciler<'_>,
    view: &SeriesView,
    occ: &Occurrence,
    now: DateTime<Utc>,
    revision: &str,
) -> Result<(), String> {
    if r.dry_run {
        return Ok(());
    }
    r.with_store(&view.user, |s| {
        s.mark_prepared(
            &view.user,
            view.key.as_str(),
            occ.key.as_str(),
            now,
            revision,
        )
    })
    .map_err(|e| problem(view.key.as_str(), "store", &e))
}

/// A doc the store did not know (a deleted store, an adopted doc): sections already in it for
/// past occurrences are recorded as prepared, so the schedule harvests them again and the
/// ledger is rebuilt from the docs. Costs one `documents.get`, once per series.
pub(super) async fn recover(
    r: &Reconciler<'_>,
    clients: &Clients,
    doc: &SeriesDoc,
    view: &SeriesView,
    occurrences: &[Occurrence],
    now: DateTime<Utc>,
) -> Result<(), String> {
    let past: Vec<&Occurrence> = occurrences
        .iter()
        .filter(|o| !o.cancelled && o.end <= now)
        .collect();
    if past.is_empty() {
        return Ok(());
    }
    let mut work = DocWork::new(clients, doc);
    let read = work
        .read()
        .await
        .map_err(|e| problem(view.key.as_str(), "read the doc", &e))?;
    let revision = read.revision_id.clone().unwrap_or_default();
    for occ in past {
        if find_section(read, occ.key.as_str(), local_date(occ)).is_some() {
            mark_prepared(r, view, occ, now, &revision)?;
        }
    }
    Ok(())
}
