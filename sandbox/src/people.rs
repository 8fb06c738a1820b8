//! Acting as a person in the sandbox — a manager creating a recurring 1-1, a report typing notes
//! into the doc — through the real generated crates with a token from `/_sandbox/tokens`.
//!
//! The demo and the end-to-end tests use this to play the humans around the daemon. It is
//! deliberately not the daemon's adapter code: people don't use least-privilege scopes or
//! retries, and sharing code here would hide bugs in the daemon's adapters.

use super::client::{ControlError, SandboxClient};
use super::drive::DOC_MIME;
use chrono::{DateTime, Utc};
use google_calendar3::api::{Event, EventAttachment, EventAttendee, EventDateTime};
use google_calendar3::CalendarHub;
use google_docs1::api::{BatchUpdateDocumentRequest, Document, Request};
use google_docs1::Docs;
use google_drive3::DriveHub;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// The scopes a person's own Google session has (full access, as the web UI does).
pub const PERSON_SCOPES: &[&str] = &["calendar", "documents", "drive"];

#[derive(Debug, thiserror::Error)]
pub enum PersonError {
    #[error(transparent)]
    Control(#[from] ControlError),
    #[error("{person}: {call} failed: {message}")]
    Api {
        person: String,
        call: &'static str,
        message: String,
    },
}

/// A paragraph of a document body as a person reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeenParagraph {
    pub start: i32,
    pub end: i32,
    /// The text runs' text, chips left out, ending with the paragraph's newline.
    pub text: String,
}

/// One human with their own Calendar, Docs and Drive clients.
pub struct Person {
    pub email: String,
    pub token: String,
    pub calendar: CalendarHub<HttpConnector>,
    pub docs: Docs<HttpConnector>,
    pub drive: DriveHub<HttpConnector>,
    /// For what a person does that no API carries (a click on a checkbox, a new tab).
    control: SandboxClient,
}

impl Person {
    /// Signs `email` in (the user must exist in the sandbox).
    pub async fn sign_in(sandbox: &SandboxClient, email: &str) -> Result<Person, PersonError> {
        let token = sandbox.token(email, PERSON_SCOPES).await?;
        let base = sandbox.base_url().to_string();
        let client = Client::builder(TokioExecutor::new()).build_http();
        let mut calendar = CalendarHub::new(client.clone(), token.clone());
        calendar.base_url(format!("{base}calendar/v3/"));
        calendar.root_url(base.clone());
        let mut docs = Docs::new(client.clone(), token.clone());
        docs.base_url(base.clone());
        docs.root_url(base.clone());
        let mut drive = DriveHub::new(client, token.clone());
        drive.base_url(format!("{base}drive/v3/"));
        drive.root_url(base);
        Ok(Person {
            email: email.to_string(),
            token,
            calendar,
            docs,
            drive,
            control: sandbox.clone(),
        })
    }

    fn api_error(&self, call: &'static str, e: impl std::fmt::Display) -> PersonError {
        PersonError::Api {
            person: self.email.clone(),
            call,
            message: e.to_string(),
        }
    }

    /// Creates a recurring event on the person's calendar, organised by them.
    pub async fn create_recurring(
        &self,
        summary: &str,
        attendees: &[&str],
        start: DateTime<Utc>,
        minutes: i64,
        time_zone: &str,
        recurrence: &[&str],
    ) -> Result<Event, PersonError> {
        let at = |t: DateTime<Utc>| EventDateTime {
            date_time: Some(t),
            time_zone: Some(time_zone.to_string()),
            ..Default::default()
        };
        let mut people: Vec<EventAttendee> = vec![EventAttendee {
            email: Some(self.email.clone()),
            organizer: Some(true),
            response_status: Some("accepted".into()),
            ..Default::default()
        }];
        people.extend(attendees.iter().map(|a| EventAttendee {
            email: Some(a.to_string()),
            ..Default::default()
        }));
        let event = Event {
            summary: Some(summary.to_string()),
            start: Some(at(start)),
            end: Some(at(start + chrono::Duration::minutes(minutes))),
            recurrence: Some(recurrence.iter().map(|r| r.to_string()).collect()),
            attendees: Some(people),
            ..Default::default()
        };
        let (_, created) = self
            .calendar
            .events()
            .insert(event, "primary")
            .supports_attachments(true)
            .doit()
            .await
            .map_err(|e| self.api_error("calendar.events.insert", e))?;
        Ok(created)
    }

    /// Patches an event or one instance (`<masterId>_<UTC basic time>`) on the person's calendar.
    pub async fn patch_event(&self, event_id: &str, patch: Event) -> Result<Event, PersonError> {
        let (_, event) = self
            .calendar
            .events()
            .patch(patch, "primary", event_id)
            .supports_attachments(true)
            .doit()
            .await
            .map_err(|e| self.api_error("calendar.events.patch", e))?;
        Ok(event)
    }

    /// Deletes an event or one instance (which cancels that occurrence).
    pub async fn delete_event(&self, event_id: &str) -> Result<(), PersonError> {
        self.calendar
            .events()
            .delete("primary", event_id)
            .doit()
            .await
            .map_err(|e| self.api_error("calendar.events.delete", e))?;
        Ok(())
    }

    /// Creates an empty Google Doc the way the Docs UI does.
    pub async fn create_doc(&self, title: &str) -> Result<Document, PersonError> {
        let (_, doc) = self
            .docs
            .documents()
            .create(Document {
                title: Some(title.to_string()),
                ..Default::default()
            })
            .doit()
            .await
            .map_err(|e| self.api_error("docs.documents.create", e))?;
        Ok(doc)
    }

    /// Attaches a doc to an event (keeping what is attached), as the Calendar UI does.
    pub async fn attach_doc(
        &self,
        event_id: &str,
        doc_id: &str,
        title: &str,
    ) -> Result<Event, PersonError> {
        let (_, current) = self
            .calendar
            .events()
            .get("primary", event_id)
            .doit()
            .await
            .map_err(|e| self.api_error("calendar.events.get", e))?;
        let mut attachments = current.attachments.unwrap_or_default();
        attachments.push(EventAttachment {
            file_id: Some(doc_id.to_string()),
            file_url: Some(format!("https://docs.google.com/document/d/{doc_id}/edit")),
            mime_type: Some(DOC_MIME.into()),
            title: Some(title.to_string()),
            ..Default::default()
        });
        self.patch_event(
            event_id,
            Event {
                attachments: Some(attachments),
                ..Default::default()
            },
        )
        .await
    }

    /// Attaches any file (a PDF, a sheet) to an event, keeping what is attached, as the
    /// Calendar UI does: the event is read first and its attachments sent back whole.
    pub async fn attach_file(
        &self,
        event_id: &str,
        attachment: EventAttachment,
    ) -> Result<Event, PersonError> {
        let (_, current) = self
            .calendar
            .events()
            .get("primary", event_id)
            .doit()
            .await
            .map_err(|e| self.api_error("calendar.events.get", e))?;
        let mut attachments = current.attachments.unwrap_or_default();
        attachments.push(attachment);
        self.patch_event(
            event_id,
            Event {
                attachments: Some(attachments),
                ..Default::default()
            },
        )
        .await
    }

    pub async fn get_doc(&self, doc_id: &str) -> Result<Document, PersonError> {
        let (_, doc) = self
            .docs
            .documents()
            .get(doc_id)
            .doit()
            .await
            .map_err(|e| self.api_error("docs.documents.get", e))?;
        Ok(doc)
    }

    /// Sends raw Docs requests, as the Docs editor would while the person types.
    pub async fn edit_doc(&self, doc_id: &str, requests: Vec<Request>) -> Result<(), PersonError> {
        self.docs
            .documents()
            .batch_update(
                BatchUpdateDocumentRequest {
                    requests: Some(requests),
                    ..Default::default()
                },
                doc_id,
            )
            .doit()
            .await
            .map_err(|e| self.api_error("docs.documents.batchUpdate", e))?;
        Ok(())
    }
}

/// The plain text of a document body, paragraph by paragraph (chips shown as their email or
/// display text) — what a person sees, for printing and assertions.
pub fn doc_text(doc: &Document) -> String {
    let mut out = String::new();
    let content = doc
        .body
        .as_ref()
        .and_then(|b| b.content.as_ref())
        .cloned()
        .unwrap_or_default();
    for element in content {
        let Some(paragraph) = element.paragraph else {
            continue;
        };
        for e in paragraph.elements.unwrap_or_default() {
            if let Some(run) = e.text_run {
                out.push_str(run.content.as_deref().unwrap_or(""));
            } else if let Some(person) = e.person {
                let props = person.person_properties.unwrap_or_default();
                out.push_str(props.email.as_deref().unwrap_or("@?"));
            } else if let Some(date) = e.date_element {
                let props = date.date_element_properties.unwrap_or_default();
                out.push_str(props.display_text.as_deref().unwrap_or("[date]"));
            }
        }
    }
    out
}

impl Person {
    /// Types `lines` into the first empty paragraph after the first paragraph whose text is
    /// `heading` (e.g. the empty checklist item under "Action items"), one paragraph per line —
    /// what a person does in the Docs editor. Returns false if there is no such heading.
    pub async fn type_under_heading(
        &self,
        doc_id: &str,
        heading: &str,
        lines: &[&str],
    ) -> Result<bool, PersonError> {
        let paragraphs = self.paragraphs(doc_id).await?;
        let Some(at) = paragraphs.iter().position(|p| p.text.trim() == heading) else {
            return Ok(false);
        };
        let Some(below) = paragraphs.get(at + 1) else {
            return Ok(false);
        };
        self.type_at(doc_id, below.start, &lines.join("\n")).await?;
        Ok(true)
    }

    /// The body's paragraphs as the person sees them: range and text runs' text.
    pub async fn paragraphs(&self, doc_id: &str) -> Result<Vec<SeenParagraph>, PersonError> {
        let doc = self.get_doc(doc_id).await?;
        let content = doc.body.and_then(|b| b.content).unwrap_or_default();
        Ok(content
            .iter()
            .filter_map(|e| {
                let p = e.paragraph.as_ref()?;
                let text: String = p
                    .elements
                    .iter()
                    .flatten()
                    .filter_map(|el| el.text_run.as_ref()?.content.clone())
                    .collect();
                Some(SeenParagraph {
                    start: e.start_index.unwrap_or(0),
                    end: e.end_index.unwrap_or(0),
                    text,
                })
            })
            .collect())
    }

    /// Types `text` at `index`.
    pub async fn type_at(&self, doc_id: &str, index: i32, text: &str) -> Result<(), PersonError> {
        let request = Request {
            insert_text: Some(google_docs1::api::InsertTextRequest {
                location: Some(google_docs1::api::Location {
                    index: Some(index),
                    ..Default::default()
                }),
                text: Some(text.to_string()),
                ..Default::default()
            }),
            ..Default::default()
        };
        self.edit_doc(doc_id, vec![request]).await
    }

    /// The id of the Google Doc attached to an event on this person's calendar.
    pub async fn attached_doc(&self, event_id: &str) -> Result<Option<String>, PersonError> {
        let (_, event) = self
            .calendar
            .events()
            .get("primary", event_id)
            .doit()
            .await
            .map_err(|e| self.api_error("calendar.events.get", e))?;
        Ok(event
            .attachments
            .unwrap_or_default()
            .into_iter()
            .find_map(|a| {
                let is_doc = a.mime_type.as_deref() == Some(DOC_MIME);
                if is_doc {
                    a.file_id
                } else {
                    None
                }
            }))
    }
}

impl Person {
    /// Types "✅ " in front of the first paragraph containing `text` (the newest one: sections
    /// are newest first) — a person *typing* a done mark, which the API sees, unlike a click
    /// on a checkbox ([`Person::tick`]). Returns false if no paragraph contains it.
    pub async fn type_done_mark(&self, doc_id: &str, text: &str) -> Result<bool, PersonError> {
        let paragraphs = self.paragraphs(doc_id).await?;
        let Some(found) = paragraphs.iter().find(|p| p.text.contains(text)) else {
            return Ok(false);
        };
        self.type_at(doc_id, found.start, "✅ ").await?;
        Ok(true)
    }

    /// The old name of [`Person::type_done_mark`], kept for its callers.
    pub async fn mark_done(&self, doc_id: &str, text: &str) -> Result<bool, PersonError> {
        self.type_done_mark(doc_id, text).await
    }

    /// Clicks the box of the first checklist item (in the first tab) whose text starts with
    /// `text_prefix`, as a person does in the editor. Google keeps the tick and changes the
    /// revision, but no API shows it (see `docs::ticks`); only
    /// `GET /_sandbox/documents/{id}/ticks` does. Fails if no such paragraph exists or it is
    /// not a checklist item.
    pub async fn tick(&self, doc_id: &str, text_prefix: &str) -> Result<(), PersonError> {
        self.control
            .post(
                &format!("_sandbox/documents/{doc_id}/tick"),
                serde_json::json!({ "text": text_prefix }),
            )
            .await?;
        Ok(())
    }

    /// Adds an empty tab titled `title` at root position `index` (0 = before the others), as a
    /// person does in the editor, and returns its `tabId`. With a tab added first, legacy
    /// `documents.get` shows the new tab and requests without `tabId` write into it.
    pub async fn add_tab(
        &self,
        doc_id: &str,
        title: &str,
        index: usize,
    ) -> Result<String, PersonError> {
        let added = self
            .control
            .post(
                &format!("_sandbox/documents/{doc_id}/tabs"),
                serde_json::json!({ "title": title, "index": index }),
            )
            .await?;
        Ok(added["tabId"].as_str().unwrap_or_default().to_string())
    }

    /// Unticks the box that [`Person::tick`] would tick.
    pub async fn untick(&self, doc_id: &str, text_prefix: &str) -> Result<(), PersonError> {
        self.control
            .post(
                &format!("_sandbox/documents/{doc_id}/tick"),
                serde_json::json!({ "text": text_prefix, "ticked": false }),
            )
            .await?;
        Ok(())
    }
}
