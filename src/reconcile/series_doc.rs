//! Exactly one shared Google Doc per 1-1 series.
//!
//! Order of preference: the doc the store remembers; a Google Doc already attached to the
//! series (adopted — people keep the history they have); a doc carrying our Drive marker
//! `oneononeSeries=<series key>` (we created it and crashed before attaching or recording it);
//! only then one new doc, created in a single `files.create` that carries the marker, so a crash
//! between any two steps is recovered by the marker lookup, never by a second create.

use super::series::{record, SeriesView};
use super::{problem, PassReport, Reconciler};
use crate::domain::event::Attachment;
use crate::google::calendar::doc_url;
use crate::google::drive::Role;
use crate::google::{Clients, GoogleError};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// The Drive appProperty that marks a doc as the one of a series.
pub const SERIES_MARKER: &str = "oneononeSeries";
const DOC_MIME: &str = "application/vnd.google-apps.document";

/// The doc of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesDoc {
    pub id: String,
    pub url: String,
}

/// Finds, adopts or creates the series' doc; makes sure it is shared with the other person and
/// attached to every master of the series. Returns the doc and whether the store did not know
/// it before this pass (a new series, an adopted doc, or a deleted store); `Ok(None)`: a dry
/// run with no doc yet.
pub(super) async fn ensure(
    r: &Reconciler<'_>,
    clients: &Clients,
    view: &SeriesView,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<Option<(SeriesDoc, bool)>, String> {
    let user = view.user.as_str();
    let key = view.key.as_str();
    let fail = |step: &str, e: &dyn std::fmt::Display| problem(key, step, e);
    let remembered = r
        .with_store(user, |s| s.series(user, key))
        .map_err(|e| fail("store", &e))?
        .and_then(|rec| rec.doc_id.zip(rec.doc_url));

    let (doc, newly_known, adopted) = if let Some((id, url)) = remembered {
        (SeriesDoc { id, url }, false, false)
    } else if let Some(attached) = attached_doc(view) {
        report.docs_adopted += 1;
        if !r.dry_run {
            mark_adopted(clients, &attached, key).await;
        }
        (attached, true, true)
    } else {
        let found = clients
            .drive
            .find_by_app_property(SERIES_MARKER, key)
            .await
            .map_err(|e| fail("find the series doc by its Drive marker", &e))?;
        match found.into_iter().find_map(|f| f.id) {
            Some(id) => {
                let url = doc_url(&id);
                (SeriesDoc { id, url }, true, false)
            }
            None if r.dry_run => {
                report.planned.push(format!(
                    "create doc {:?} for series {key}",
                    doc_title(r, view)
                ));
                return Ok(None);
            }
            None => {
                let folder = clients
                    .drive
                    .find_folder_or_create(&r.config.doc.folder)
                    .await
                    .map_err(|e| fail("find or create the notes folder", &e))?;
                let marker = BTreeMap::from([(SERIES_MARKER.to_string(), key.to_string())]);
                let file = clients
                    .drive
                    .create_doc(&doc_title(r, view), folder.id.as_deref(), &marker)
                    .await
                    .map_err(|e| fail("create the series doc", &e))?;
                let id = file
                    .id
                    .ok_or_else(|| fail("create the series doc", &"Drive returned no file id"))?;
                report.docs_created += 1;
                tracing::info!(user, series = key, doc = %id, "created the 1-1 doc");
                let url = doc_url(&id);
                (SeriesDoc { id, url }, true, false)
            }
        }
    };

    if newly_known && !r.dry_run {
        share(r, clients, view, &doc, report).await?;
        let rec = record(view, &doc.id, &doc.url, adopted, now);
        r.with_store(user, |s| s.upsert_series(&rec).map(|_| ()))
            .map_err(|e| fail("store", &e))?;
    }
    attach(r, clients, view, &doc, report).await?;
    Ok(Some((doc, newly_known)))
}

fn doc_title(r: &Reconciler<'_>, view: &SeriesView) -> String {
    r.config
        .doc
        .render_title(&view.organizer_name, &view.other_name)
}

/// The id in a Google Docs URL (`https://docs.google.com/document/d/<id>/edit`).
fn id_from_url(url: &str) -> Option<String> {
    let rest = url.split("/document/d/").nth(1)?;
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

fn doc_id_of(a: &Attachment) -> Option<String> {
    let is_doc = a.mime_type.as_deref() == Some(DOC_MIME) || a.file_url.contains("/document/d/");
    if !is_doc {
        return None;
    }
    a.file_id.clone().or_else(|| id_from_url(&a.file_url))
}

/// A Google Doc people already attached to the series (newest master first).
fn attached_doc(view: &SeriesView) -> Option<SeriesDoc> {
    view.masters.iter().rev().find_map(|m| {
        m.attachments.iter().find_map(|a| {
            doc_id_of(a).map(|id| SeriesDoc {
                url: a.file_url.clone(),
                id,
            })
        })
    })
}

/// Puts our marker on an adopted doc so it is found again even if someone removes the
/// attachment. With the `drive.file` scope Drive may not let this app touch a doc a person
/// created; the doc is still found through the attachment, so that is only logged.
async fn mark_adopted(clients: &Clients, doc: &SeriesDoc, key: &str) {
    let marker = BTreeMap::from([(SERIES_MARKER.to_string(), key.to_string())]);
    if let Err(e) = clients.drive.set_app_properties(&doc.id, &marker).await {
        tracing::debug!(doc = %doc.id, error = %e, "could not mark the adopted doc in Drive (drive.file scope); it stays found through the attachment");
    }
}

/// Shares the doc with the other attendee as writer, unless their domain is not allowed.
async fn share(
    r: &Reconciler<'_>,
    clients: &Clients,
    view: &SeriesView,
    doc: &SeriesDoc,
    report: &mut PassReport,
) -> Result<(), String> {
    let key = view.key.as_str();
    if !r.config.doc.may_share_with(&view.user, &view.other_email) {
        report.problems.push(format!(
            "series {key}: not sharing doc {} with {}: their domain is not in doc.allowed_domains \
             (add it there to allow sharing outside your domain)",
            doc.id, view.other_email
        ));
        return Ok(());
    }
    let permissions = match clients.drive.list_permissions(&doc.id).await {
        Ok(p) => p,
        Err(e @ (GoogleError::NotFound { .. } | GoogleError::Forbidden { .. })) => {
            // An adopted doc this app cannot see in Drive: people shared it themselves.
            tracing::debug!(doc = %doc.id, error = %e, "cannot list permissions; leaving sharing to its owner");
            return Ok(());
        }
        Err(e) => return Err(problem(key, "list the doc's permissions", &e)),
    };
    let already = permissions.iter().any(|p| {
        p.email_address
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case(&view.other_email))
    });
    if already {
        return Ok(());
    }
    clients
        .drive
        .share(
            &doc.id,
            &view.other_email,
            Role::Writer,
            r.config.doc.notify,
        )
        .await
        .map_err(|e| problem(key, "share the doc", &e))?;
    report.docs_shared += 1;
    Ok(())
}

/// Attaches the doc to every master of the series that lacks it, keeping existing attachments
/// (with `supportsAttachments=true` the list sent replaces the list stored).
async fn attach(
    r: &Reconciler<'_>,
    clients: &Clients,
    view: &SeriesView,
    doc: &SeriesDoc,
    report: &mut PassReport,
) -> Result<(), String> {
    for master in &view.masters {
        if master
            .attachments
            .iter()
            .any(|a| doc_id_of(a).as_deref() == Some(doc.id.as_str()))
        {
            continue;
        }
        if r.dry_run {
            report
                .planned
                .push(format!("attach doc {} to event {}", doc.id, master.id));
            continue;
        }
        let mut attachments: Vec<google_calendar3::api::EventAttachment> = master
            .attachments
            .iter()
            .map(|a| google_calendar3::api::EventAttachment {
                file_url: Some(a.file_url.clone()),
                file_id: a.file_id.clone(),
                title: a.title.clone(),
                mime_type: a.mime_type.clone(),
                ..Default::default()
            })
            .collect();
        attachments.push(crate::google::calendar::doc_attachment(
            &doc.id,
            &format!("{} / {} · 1:1 notes", view.organizer_name, view.other_name),
        ));
        clients
            .calendar
            .patch_attachments(&view.user, &master.id, attachments)
            .await
            .map_err(|e| problem(view.key.as_str(), "attach the doc to the event", &e))?;
        report.docs_attached += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ids_come_from_urls() {
        assert_eq!(
            id_from_url("https://docs.google.com/document/d/1AbC-d_9/edit?usp=x").as_deref(),
            Some("1AbC-d_9")
        );
        assert_eq!(id_from_url("https://example.com/x"), None);
    }
}
