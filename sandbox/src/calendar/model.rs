//! The wire model of a Calendar event as the sandbox stores and serves it.
//!
//! Known fields are typed so the sandbox can reason about them (times, recurrence, attendees);
//! every other field a client sends (`colorId`, `transparency`, `conferenceData`, …) is kept in
//! `extra` and echoed back unchanged, like Google does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

fn is_false(b: &bool) -> bool {
    !*b
}

/// `start`, `end` and `originalStartTime`: either an all-day `date` or a `dateTime`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDateTime {
    /// `yyyy-mm-dd` for all-day events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// RFC 3339 with offset (or `Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time: Option<String>,
    /// IANA zone name; required for recurring events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// `creator` and `organizer`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// True on the copy that lives on this person's own calendar.
    #[serde(rename = "self", default, skip_serializing_if = "is_false")]
    pub is_self: bool,
}

/// One `attendees[]` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attendee {
    /// Email address (required by Google for new attendees).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// `needsAction` (default), `declined`, `tentative`, `accepted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_status: Option<String>,
    /// Whether this attendee is the organizer (computed by the sandbox).
    #[serde(default, skip_serializing_if = "is_false")]
    pub organizer: bool,
    /// Whether this entry is the calendar owner (computed per calendar copy).
    #[serde(rename = "self", default, skip_serializing_if = "is_false")]
    pub is_self: bool,
    /// Rooms and equipment are attendees with `resource: true`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub resource: bool,
    /// Optional attendee.
    #[serde(default, skip_serializing_if = "is_false")]
    pub optional: bool,
    /// Fields the sandbox does not interpret (comment, additionalGuests, id…).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// One `attachments[]` entry (a Drive file link).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// URL of the file; required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_url: Option<String>,
    /// Drive file id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// MIME type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Icon URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon_link: Option<String>,
}

/// `extendedProperties`: `private` is per calendar copy, `shared` is the same on all copies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendedProperties {
    /// Visible only on this calendar's copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<BTreeMap<String, String>>,
    /// Visible on every attendee's copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<BTreeMap<String, String>>,
}

/// `status` of an event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventStatus {
    /// The default.
    #[default]
    Confirmed,
    /// Tentatively confirmed.
    Tentative,
    /// Deleted (a tombstone) or a cancelled occurrence of a series.
    Cancelled,
}

/// A Calendar event resource (`calendar#event`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Always `calendar#event`.
    #[serde(default)]
    pub kind: String,
    /// Changes on every change of this copy.
    #[serde(default)]
    pub etag: String,
    /// Event id (for exceptions: the instance id).
    #[serde(default)]
    pub id: String,
    /// confirmed / tentative / cancelled.
    #[serde(default)]
    pub status: EventStatus,
    /// Link into the (fake) Calendar UI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html_link: Option<String>,
    /// Creation time, RFC 3339 with millis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Last modification time, RFC 3339 with millis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Description (HTML allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free-form location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Who created the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<Person>,
    /// Whose calendar holds the authoritative copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizer: Option<Person>,
    /// Start (inclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<EventDateTime>,
    /// End (exclusive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<EventDateTime>,
    /// RRULE / EXDATE / RDATE lines of a series master.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Vec<String>>,
    /// For instances and exceptions: the master's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurring_event_id: Option<String>,
    /// For instances and exceptions: where the series put this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_start_time: Option<EventDateTime>,
    /// `<id>@google.com`, shared by a series and its instances.
    #[serde(rename = "iCalUID", skip_serializing_if = "Option::is_none")]
    pub ical_uid: Option<String>,
    /// iCalendar sequence: bumped when the time of the event changes.
    #[serde(default)]
    pub sequence: i64,
    /// Guests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attendees: Option<Vec<Attendee>>,
    /// `default`, `outOfOffice`, `focusTime`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Drive attachments (only stored with `supportsAttachments=true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<Attachment>>,
    /// Private (per calendar) and shared key/values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_properties: Option<ExtendedProperties>,
    /// Reminders; the sandbox stores what it is given (default `{useDefault: true}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminders: Option<Value>,
    /// Every other field, echoed back unchanged.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl Event {
    /// True for a series master (an event with recurrence lines and no master of its own).
    pub fn is_master(&self) -> bool {
        self.recurring_event_id.is_none() && self.recurrence.as_ref().is_some_and(|r| !r.is_empty())
    }

    /// The email of the organizer, if any.
    pub fn organizer_email(&self) -> Option<&str> {
        self.organizer.as_ref().and_then(|o| o.email.as_deref())
    }

    /// The private extended property map of this copy (empty when absent).
    pub fn private_props(&self) -> Option<&BTreeMap<String, String>> {
        self.extended_properties
            .as_ref()
            .and_then(|p| p.private.as_ref())
    }

    /// The shared extended property map (empty when absent).
    pub fn shared_props(&self) -> Option<&BTreeMap<String, String>> {
        self.extended_properties
            .as_ref()
            .and_then(|p| p.shared.as_ref())
    }

    /// What Google returns for a deleted event: id, status and series links only.
    pub fn tombstone_view(&self) -> Event {
        Event {
            kind: self.kind.clone(),
            etag: self.etag.clone(),
            id: self.id.clone(),
            status: EventStatus::Cancelled,
            updated: self.updated.clone(),
            recurring_event_id: self.recurring_event_id.clone(),
            original_start_time: self.original_start_time.clone(),
            ..Event::default()
        }
    }
}
