//! The steps that establish the series doc: create or adopt it, share it, record it, attach it.
//!
//! Drive's search is not read-after-write (issue 9 §3), so nothing here looks a file it just
//! made up by a query: the notes folder's id is remembered in the store, and a `files.create`
//! whose answer was lost is remembered too ([`crate::store::drive`]), so no second doc is
//! created while the first may still be hiding from the marker lookup.
//!
//! A share or attach Google refuses never stops the series (issue 9 §8): the series is
//! recorded before either, its sections are still written and harvested, and the refused step
//! is held back ([`crate::store::held`]) instead of being re-sent every poll.

use super::Apply;
use crate::domain::roles::{attach_as, AttachAs};
use crate::domain::series::organizer_email;
use crate::google::calendar::{attachments_of, doc_attachment};
use crate::google::drive::Role;
use crate::google::GoogleError;
use crate::reconcile::doc_reads::DocReads;
use crate::reconcile::error::{error_policy, fail, Action, Failure, PlanError, SeriesError};
use crate::reconcile::series::record;
use crate::reconcile::series_doc::{id_from_url, markers, SeriesDoc};
use crate::store::drive::CreateTarget;
use chrono::{DateTime, Duration, Utc};

/// How long after a `files.create` whose answer was lost a marker search that finds nothing
/// is not believed. Reports put Drive's search lag at 5–15 s for new files
/// (google-api-php-client#1564); ten minutes leaves a wide margin and costs only a late doc
/// after a timeout, never a second one.
pub(crate) const SEARCH_SETTLE: Duration = Duration::minutes(10);

/// How long a share or attach that Google refused for good is held back before it is tried
/// again (a person may have changed the sharing policy or the event in between).
pub(crate) const REFUSED_RETRY: Duration = Duration::hours(24);

/// The `held_steps` name of the share step.
pub(crate) const SHARE_STEP: &str = "share";

/// The `held_steps` name of the attach step of one master.
pub(crate) fn attach_step(event_id: &str) -> String {
    format!("attach:{event_id}")
}

/// Whether a failed `files.create` may nevertheless have made the file: only when no answer
/// said otherwise (a timeout, a dropped connection, a 5xx).
fn may_have_landed(e: &GoogleError) -> bool {
    matches!(e, GoogleError::Transient { .. })
}

impl Apply<'_> {
    /// One `files.create` that carries the marker, so a crash before the doc is recorded or
    /// attached is recovered by the marker lookup, never by a second create. While an earlier
    /// create of this series may still be hiding from that lookup, nothing is created.
    pub(super) async fn create_doc(&mut self, title: &str) -> Result<(), SeriesError> {
        let (key, user, now) = (&self.view.key, self.view.user.as_str(), self.now);
        let target = CreateTarget::Doc {
            series_key: key.as_str(),
        };
        let pending = self
            .r
            .store(|s| s.create_attempt(user, &target))
            .map_err(|e| fail(key, "read the doc's create attempt", e))?;
        if let Some(since) = pending.filter(|t| now < *t + SEARCH_SETTLE) {
            return Err(fail(
                key,
                "create the series doc",
                PlanError::CreatePending {
                    since: since.to_rfc3339(),
                },
            ));
        }
        let folder = self.notes_folder().await?;
        let marker = markers(self.view);
        self.r
            .store(|s| s.note_create_attempt(user, &target, now))
            .map_err(|e| fail(key, "record the doc's create attempt", e))?;
        let created = self
            .clients
            .drive
            .create_doc(title, Some(folder.as_str()), &marker)
            .await;
        let file = match created {
            Ok(file) => file,
            Err(e) => {
                if !may_have_landed(&e) {
                    self.forget_attempt(&target)?;
                }
                return Err(fail(key, "create the series doc", e));
            }
        };
        let id = file
            .id
            .ok_or_else(|| fail(key, "create the series doc", PlanError::NoFileId))?;
        self.out.report.docs_created += 1;
        tracing::info!(user = %self.view.user, series = %key, doc = %id, "created the 1-1 doc");
        let doc = SeriesDoc {
            url: web_view_link(file.web_view_link, &id),
            id,
        };
        self.reads = Some(DocReads::new(self.clients, doc, None));
        Ok(())
    }

    /// The id of the user's notes folder: the remembered one if it still exists (one
    /// `files.get`, which unlike a search sees a folder the moment it exists), else one found
    /// by its marker (a lost store), else a new one.
    async fn notes_folder(&mut self) -> Result<String, SeriesError> {
        let (key, user, now) = (&self.view.key, self.view.user.as_str(), self.now);
        let drive = &self.clients.drive;
        let step = "find or create the notes folder";
        let remembered = self
            .r
            .store(|s| s.notes_folder(user))
            .map_err(|e| fail(key, step, e))?;
        if let Some(id) = remembered {
            match drive.get_file(&id).await {
                Ok(f) if f.trashed != Some(true) => return Ok(id),
                Ok(_) | Err(GoogleError::NotFound { .. }) => {
                    tracing::info!(user, folder = %id, "the notes folder was deleted or trashed; making a new one");
                    self.r
                        .store(|s| s.forget_notes_folder(user))
                        .map_err(|e| fail(key, step, e))?;
                }
                Err(e) => return Err(fail(key, step, e)),
            }
        }
        let pending = self
            .r
            .store(|s| s.create_attempt(user, &CreateTarget::Folder))
            .map_err(|e| fail(key, step, e))?;
        if let Some(since) = pending.filter(|t| now < *t + SEARCH_SETTLE) {
            // An earlier folder create may have landed and not be searchable yet.
            let since = since.to_rfc3339();
            return Err(fail(key, step, PlanError::CreatePending { since }));
        }
        let name = &self.r.config.doc.folder;
        let folder = match drive.find_folder(name).await {
            Ok(Some(found)) => found,
            Ok(None) => {
                self.r
                    .store(|s| s.note_create_attempt(user, &CreateTarget::Folder, now))
                    .map_err(|e| fail(key, step, e))?;
                match drive.create_folder(name).await {
                    Ok(folder) => folder,
                    Err(e) => {
                        if !may_have_landed(&e) {
                            self.forget_attempt(&CreateTarget::Folder)?;
                        }
                        return Err(fail(key, step, e));
                    }
                }
            }
            Err(e) => return Err(fail(key, step, e)),
        };
        let id = folder
            .id
            .ok_or_else(|| fail(key, step, PlanError::NoFileId))?;
        self.r
            .store(|s| s.set_notes_folder(user, &id, now))
            .map_err(|e| fail(key, step, e))?;
        Ok(id)
    }

    fn forget_attempt(&self, target: &CreateTarget<'_>) -> Result<(), SeriesError> {
        let user = self.view.user.as_str();
        self.r
            .store(|s| s.clear_create_attempt(user, target))
            .map_err(|e| fail(&self.view.key, "forget a refused create attempt", e))
    }

    /// Puts our marker on an adopted doc so it is found again even if someone removes the
    /// attachment. With the `drive.file` scope Drive may not let this app touch a doc a person
    /// created; the doc is still found through the attachment, so that is only logged.
    pub(super) async fn mark_adopted(&mut self) {
        let Some(doc) = self.reads.as_ref().map(|r| r.doc.id.clone()) else {
            return;
        };
        let marker = markers(self.view);
        if let Err(e) = self.clients.drive.set_app_properties(&doc, &marker).await {
            tracing::debug!(doc = %doc, error = %e, "could not mark the adopted doc in Drive (drive.file scope); it stays found through the attachment");
        }
    }

    /// Shares the doc with the other attendee as writer (the planner already checked
    /// `doc.allowed_domains`). A failure is held back ([`Apply::hold`]); a success releases it.
    pub(super) async fn share(&mut self, with: &str) -> Result<(), SeriesError> {
        let shared = self.share_once(with).await;
        self.settle_held(SHARE_STEP, shared)
    }

    async fn share_once(&mut self, with: &str) -> Result<(), SeriesError> {
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

    /// Records the series with its doc as soon as the doc is known (before sharing and
    /// attaching, which may be refused), and ends a pending create: the doc is found.
    pub(super) fn record_series(&mut self, adopted: bool) -> Result<(), SeriesError> {
        let Some(doc) = self.reads.as_ref().map(|r| r.doc.clone()) else {
            return Ok(());
        };
        let rec = record(self.view, &doc.id, &doc.url, adopted, self.now);
        let target = CreateTarget::Doc {
            series_key: self.view.key.as_str(),
        };
        self.r
            .store(|s| {
                s.upsert_series(&rec)?;
                s.clear_create_attempt(&rec.user, &target)
            })
            .map_err(|e| fail(&self.view.key, "record the series", e))
    }

    /// Attaches the doc to one master. The event is read fresh (`events.get`) right before
    /// the patch, and its attachments are sent back exactly as Google gave them (with their
    /// `iconLink`): with `supportsAttachments=true` the list sent replaces the list stored, so
    /// a list from the cache would drop a file a person attached since the last sync.
    pub(super) async fn attach(&mut self, event_id: &str) -> Result<(), SeriesError> {
        let attached = self.attach_once(event_id).await;
        self.settle_held(&attach_step(event_id), attached)
    }

    async fn attach_once(&mut self, event_id: &str) -> Result<(), SeriesError> {
        let view = self.view;
        let Some(doc) = self.reads.as_ref().map(|r| r.doc.clone()) else {
            return Ok(());
        };
        let step = "attach the doc to the event";
        let master = view.masters.iter().find(|m| m.id == event_id);
        let organizer = master
            .and_then(|m| organizer_email(m, &view.user))
            .unwrap_or_else(|| view.user.clone());
        let guests_can_modify = master.is_some_and(|m| m.guests_can_modify);
        let how = attach_as(
            &organizer,
            &view.user,
            self.clients.can_delegate(),
            guests_can_modify,
        );
        // The organizer's copy is the one Google keeps; as whom it is written decides which
        // calendar is read and patched (the event id is the same on both copies).
        let delegated;
        let (calendar, calendar_id) = match &how {
            AttachAs::ServedOrganizer | AttachAs::Guest => {
                (&self.clients.calendar, view.user.as_str())
            }
            AttachAs::Organizer(o) => {
                delegated = match self.clients.calendar_as(o).await {
                    Ok(c) => c,
                    Err(e) => return Err(fail(&view.key, step, organizer_refused(o, &doc, e))),
                };
                (&delegated, o.as_str())
            }
            AttachAs::NotPossible(why) => {
                let why = why.to_string();
                let doc_url = doc.url.clone();
                return Err(fail(
                    &view.key,
                    step,
                    PlanError::NotAttachable { doc_url, why },
                ));
            }
        };
        let event = match calendar.get_event(calendar_id, event_id).await {
            Ok(event) => event,
            Err(e) if is_delegation_refusal(&how, &e) => {
                return Err(fail(
                    &view.key,
                    step,
                    organizer_refused(&organizer, &doc, e),
                ))
            }
            Err(e) => return Err(fail(&view.key, "read the event before attaching", e)),
        };
        let mut attachments = attachments_of(&event);
        let carries = attachments.iter().any(|a| {
            a.file_id.as_deref() == Some(doc.id.as_str())
                || a.file_url.as_deref().and_then(id_from_url).as_deref() == Some(&doc.id)
        });
        if carries {
            return Ok(());
        }
        let title = self
            .r
            .config
            .doc
            .render_title(&view.organizer_name, &view.other_name);
        attachments.push(doc_attachment(&doc.id, &doc.url, &title));
        calendar
            .patch_attachments(calendar_id, event_id, attachments)
            .await
            .map_err(|e| fail(&view.key, step, e))?;
        tracing::info!(user = %view.user, series = %view.key, event = event_id, how = %how, "attached the doc");
        self.out.report.docs_attached += 1;
        Ok(())
    }

    /// After a share or attach: a success releases a held step; a failure holds it back until
    /// [`held_until`] says, so a refusal is not re-sent every poll.
    fn settle_held(&self, step: &str, done: Result<(), SeriesError>) -> Result<(), SeriesError> {
        let (user, series) = (self.view.user.as_str(), self.view.key.as_str());
        let stored = match &done {
            Ok(()) => self.r.store(|s| s.release_step(user, series, step)),
            Err(e) => {
                let until = held_until(&error_policy(&e.source), self.now);
                let why = e.to_string();
                self.r
                    .store(|s| s.hold_step(user, series, step, until, &why))
            }
        };
        if let Err(e) = stored {
            tracing::warn!(user, series, step, error = %e, "could not record the step's outcome");
        }
        done
    }
}

/// When a failed share or attach is tried again: a day after a refusal that needs a person,
/// when Google said for a rate limit, on the next pass otherwise.
pub(crate) fn held_until(action: &Action, now: DateTime<Utc>) -> DateTime<Utc> {
    match action {
        Action::Problem { .. } => now + REFUSED_RETRY,
        Action::BackOffUser { after: Some(after) } => {
            chrono::Duration::from_std(*after).map_or(now + REFUSED_RETRY, |d| now + d)
        }
        Action::BackOffUser { after: None } => now,
        Action::Backoff | Action::StopUser => now,
    }
}

/// Whether a failure reading the event as its organizer means the delegation itself was
/// refused (the organizer's account cannot be impersonated): a problem for a person about
/// this one series, never the end of the served user's pass.
fn is_delegation_refusal(how: &AttachAs, e: &GoogleError) -> bool {
    matches!(how, AttachAs::Organizer(_))
        && matches!(
            e,
            GoogleError::Unauthorized { .. } | GoogleError::Setup { .. }
        )
}

fn organizer_refused(organizer: &str, doc: &SeriesDoc, e: GoogleError) -> Failure {
    match e {
        GoogleError::Unauthorized { message } | GoogleError::Setup { message } => {
            Failure::Plan(PlanError::OrganizerRefused {
                organizer: organizer.to_string(),
                doc_url: doc.url.clone(),
                message,
            })
        }
        other => Failure::Google(other),
    }
}

/// Drive's `webViewLink` of a new doc (Google's own link, `…/edit?usp=drivesdk`); the plain
/// editor URL only if Drive left it out.
fn web_view_link(link: Option<String>, id: &str) -> String {
    link.unwrap_or_else(|| {
        tracing::debug!(doc = %id, "files.create answered without webViewLink");
        crate::google::calendar::doc_url(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn refusals_wait_a_day_rate_limits_as_told_and_blips_a_pass() {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let fix = "x";
        assert_eq!(
            held_until(&Action::Problem { fix }, now),
            now + REFUSED_RETRY
        );
        let after = std::time::Duration::from_secs(90);
        assert_eq!(
            held_until(&Action::BackOffUser { after: Some(after) }, now),
            now + Duration::seconds(90)
        );
        assert_eq!(held_until(&Action::Backoff, now), now);
    }
}
