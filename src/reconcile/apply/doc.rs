//! The steps that establish the series doc: create or adopt it, share it, record it, attach it.

use super::Apply;
use crate::google::calendar::doc_url;
use crate::google::drive::Role;
use crate::google::GoogleError;
use crate::reconcile::doc_reads::DocReads;
use crate::reconcile::error::{fail, PlanError, SeriesError};
use crate::reconcile::series::record;
use crate::reconcile::series_doc::{SeriesDoc, SERIES_MARKER};
use std::collections::BTreeMap;

impl Apply<'_> {
    /// One `files.create` that carries the marker, so a crash before the doc is recorded or
    /// attached is recovered by the marker lookup, never by a second create.
    pub(super) async fn create_doc(&mut self, title: &str) -> Result<(), SeriesError> {
        let key = &self.view.key;
        let drive = &self.clients.drive;
        let folder = drive
            .find_folder_or_create(&self.r.config.doc.folder)
            .await
            .map_err(|e| fail(key, "find or create the notes folder", e))?;
        let marker = BTreeMap::from([(SERIES_MARKER.to_string(), key.as_str().to_string())]);
        let file = drive
            .create_doc(title, folder.id.as_deref(), &marker)
            .await
            .map_err(|e| fail(key, "create the series doc", e))?;
        let id = file
            .id
            .ok_or_else(|| fail(key, "create the series doc", PlanError::NoFileId))?;
        self.out.report.docs_created += 1;
        tracing::info!(user = %self.view.user, series = %key, doc = %id, "created the 1-1 doc");
        let doc = SeriesDoc {
            url: doc_url(&id),
            id,
        };
        self.reads = Some(DocReads::new(self.clients, doc, None));
        Ok(())
    }

    /// Puts our marker on an adopted doc so it is found again even if someone removes the
    /// attachment. With the `drive.file` scope Drive may not let this app touch a doc a person
    /// created; the doc is still found through the attachment, so that is only logged.
    pub(super) async fn mark_adopted(&mut self) {
        let key = self.view.key.as_str().to_string();
        let Some(doc) = self.reads.as_ref().map(|r| r.doc.id.clone()) else {
            return;
        };
        let marker = BTreeMap::from([(SERIES_MARKER.to_string(), key)]);
        if let Err(e) = self.clients.drive.set_app_properties(&doc, &marker).await {
            tracing::debug!(doc = %doc, error = %e, "could not mark the adopted doc in Drive (drive.file scope); it stays found through the attachment");
        }
    }

    /// Shares the doc with the other attendee as writer (the planner already checked
    /// `doc.allowed_domains`).
    pub(super) async fn share(&mut self, with: &str) -> Result<(), SeriesError> {
        let key = &self.view.key;
        let (clients, notify) = (self.clients, self.r.config.doc.notify);
        let Some(doc) = self.reads.as_ref().map(|r| r.doc.id.clone()) else {
            return Ok(());
        };
        let permissions = match clients.drive.list_permissions(&doc).await {
            Ok(p) => p,
            Err(e @ (GoogleError::NotFound { .. } | GoogleError::Forbidden { .. })) => {
                // An adopted doc this app cannot see in Drive: people shared it themselves.
                tracing::debug!(doc = %doc, error = %e, "cannot list permissions; leaving sharing to its owner");
                return Ok(());
            }
            Err(e) => return Err(fail(key, "list the doc's permissions", e)),
        };
        let already = permissions.iter().any(|p| {
            p.email_address
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(with))
        });
        if already {
            return Ok(());
        }
        clients
            .drive
            .share(&doc, with, Role::Writer, notify)
            .await
            .map_err(|e| fail(key, "share the doc", e))?;
        self.out.report.docs_shared += 1;
        Ok(())
    }

    pub(super) fn record_series(&mut self, adopted: bool) -> Result<(), SeriesError> {
        let Some(doc) = self.reads.as_ref().map(|r| r.doc.clone()) else {
            return Ok(());
        };
        let rec = record(self.view, &doc.id, &doc.url, adopted, self.now);
        self.r
            .store(|s| s.upsert_series(&rec).map(|_| ()))
            .map_err(|e| fail(&self.view.key, "record the series", e))
    }

    /// Attaches the doc to one master, keeping its existing attachments (with
    /// `supportsAttachments=true` the list sent replaces the list stored).
    pub(super) async fn attach(&mut self, event_id: &str) -> Result<(), SeriesError> {
        let view = self.view;
        let Some(doc) = self.reads.as_ref().map(|r| r.doc.id.clone()) else {
            return Ok(());
        };
        let Some(master) = view.masters.iter().find(|m| m.id == event_id) else {
            return Ok(());
        };
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
        let title = self
            .r
            .config
            .doc
            .render_title(&view.organizer_name, &view.other_name);
        attachments.push(crate::google::calendar::doc_attachment(&doc, &title));
        self.clients
            .calendar
            .patch_attachments(&view.user, &master.id, attachments)
            .await
            .map_err(|e| fail(&view.key, "attach the doc to the event", e))?;
        self.out.report.docs_attached += 1;
        Ok(())
    }
}
