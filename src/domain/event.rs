//! The daemon's own plain model of a Google Calendar event.
//!
//! Why not use `google_calendar3::api::Event` directly: detection, expansion and scheduling are
//! pure, property-tested functions, and they should depend on the handful of fields they read,
//! typed the way they are meant (enums for statuses, one [`EventTime`] for "timed or all-day"),
//! not on a generated struct where every field is an `Option<String>`. The Calendar adapter maps
//! the crate type into an [`Event`]; the simplest way is to serialise it to JSON and call
//! [`Event::from_json`], which reads Google's wire shape (the same shape as the captured
//! fixtures).
//!
//! Parsing is lenient about absent fields (a deleted event arrives as a tombstone carrying only
//! `id` and `status: cancelled`) and strict about present fields with a wrong type or an unknown
//! enum value, so a surprise from Google is reported instead of silently misread.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// A calendar event: a series master, an exception instance, a single event or a tombstone.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: String,
    pub ical_uid: Option<String>,
    pub status: EventStatus,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub html_link: Option<String>,
    pub organizer: Option<Organizer>,
    pub creator_email: Option<String>,
    pub attendees: Vec<Attendee>,
    /// Absent only on tombstones (deleted events) and malformed items.
    pub start: Option<EventTime>,
    pub end: Option<EventTime>,
    /// `RRULE:`, `EXRULE:`, `RDATE…:` and `EXDATE…:` lines, as Google sends them. Non-empty only
    /// on a series master.
    pub recurrence: Vec<String>,
    /// On an exception instance: the id of its series master.
    pub recurring_event_id: Option<String>,
    /// On an exception instance: where the recurrence rule originally put it. Stable when the
    /// instance is moved, so it identifies the occurrence.
    pub original_start_time: Option<EventTime>,
    /// `default`, `outOfOffice`, `focusTime`, `workingLocation`, `birthday`, `fromGmail`, …
    /// Kept as a string because Google adds types; absent means `default`.
    pub event_type: String,
    pub attachments: Vec<Attachment>,
    /// `extendedProperties.private`: visible on this calendar's copy only.
    pub private_properties: BTreeMap<String, String>,
    /// `extendedProperties.shared`: visible to all attendees.
    pub shared_properties: BTreeMap<String, String>,
    pub updated: Option<DateTime<Utc>>,
    /// Google's `guestsCanModify` (default false): whether an attendee's change to the event
    /// reaches the organizer's copy, which decides whether the served user may attach the doc
    /// when they do not organise the event.
    pub guests_can_modify: bool,
}

/// `status` of an event. Google documents exactly these three values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    Confirmed,
    Tentative,
    Cancelled,
}

/// The organizer of an event. `is_self` is Google's `self`: true on the organizer's own copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Organizer {
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub is_self: bool,
}

/// One attendee. Rooms and other resources are attendees too, with `resource: true`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendee {
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub resource: bool,
    pub response_status: ResponseStatus,
    /// Google's `self`: this attendee is the owner of the calendar the event was read from.
    pub is_self: bool,
    pub organizer: bool,
    pub optional: bool,
}

/// An attendee's answer to the invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseStatus {
    NeedsAction,
    Declined,
    Tentative,
    Accepted,
}

/// A file attached to the event (Google Drive files carry `fileId`).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub file_url: String,
    pub file_id: Option<String>,
    pub title: Option<String>,
    pub mime_type: Option<String>,
}

/// Start, end or original start of an event: a moment, or a whole day.
#[derive(Debug, Clone, PartialEq)]
pub enum EventTime {
    /// Google's `dateTime` (RFC 3339 with an offset) plus the optional `timeZone` (an IANA name
    /// in which recurrences are expanded). `offset` is the offset the `dateTime` was written
    /// with: the fallback zone when `time_zone` is absent or unknown.
    DateTime {
        utc: DateTime<Utc>,
        offset: FixedOffset,
        time_zone: Option<String>,
    },
    /// Google's `date` (`YYYY-MM-DD`): an all-day event, no time zone.
    Date(NaiveDate),
}

impl EventTime {
    /// The instant, if this is a timed value.
    pub fn utc(&self) -> Option<DateTime<Utc>> {
        match self {
            EventTime::DateTime { utc, .. } => Some(*utc),
            EventTime::Date(_) => None,
        }
    }

    pub fn is_all_day(&self) -> bool {
        matches!(self, EventTime::Date(_))
    }
}

/// Why a JSON value could not be read as an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("calendar event JSON is not an object (got {found}); expected an item of events.list")]
    NotAnObject { found: &'static str },
    #[error("calendar event has no string `id`; every Calendar v3 event carries one")]
    MissingId,
    #[error("calendar event {event_id}: field `{field}` is {problem}")]
    InvalidField {
        event_id: String,
        field: String,
        problem: String,
    },
}

impl Event {
    /// Reads one event in the Calendar v3 wire shape (an element of `events.list`'s `items`).
    pub fn from_json(value: &Value) -> Result<Event, EventError> {
        let obj = value.as_object().ok_or(EventError::NotAnObject {
            found: json_kind(value),
        })?;
        let id = obj
            .get("id")
            .and_then(Value::as_str)
            .ok_or(EventError::MissingId)?
            .to_string();
        let r = Reader { id: &id };
        let status = match r.opt_str(value, "status")? {
            None | Some("confirmed") => EventStatus::Confirmed,
            Some("tentative") => EventStatus::Tentative,
            Some("cancelled") => EventStatus::Cancelled,
            Some(other) => {
                return Err(r.invalid(
                    "status",
                    format!("`{other}`; expected confirmed, tentative or cancelled"),
                ))
            }
        };
        let organizer = match obj.get("organizer") {
            None | Some(Value::Null) => None,
            Some(o) => Some(Organizer {
                email: r.opt_string(o, "organizer.email")?,
                display_name: r.opt_string(o, "organizer.displayName")?,
                is_self: r.opt_bool(o, "organizer.self")?,
            }),
        };
        let creator_email = match obj.get("creator") {
            None | Some(Value::Null) => None,
            Some(c) => r.opt_string(c, "creator.email")?,
        };
        let attendees = r
            .array(value, "attendees")?
            .iter()
            .enumerate()
            .map(|(i, a)| r.attendee(a, i))
            .collect::<Result<Vec<_>, _>>()?;
        let recurrence = r
            .array(value, "recurrence")?
            .iter()
            .enumerate()
            .map(|(i, line)| {
                line.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| r.invalid(&format!("recurrence[{i}]"), "not a string".into()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let attachments = r
            .array(value, "attachments")?
            .iter()
            .enumerate()
            .map(|(i, a)| r.attachment(a, i))
            .collect::<Result<Vec<_>, _>>()?;
        let (private_properties, shared_properties) = match obj.get("extendedProperties") {
            None | Some(Value::Null) => (BTreeMap::new(), BTreeMap::new()),
            Some(ep) => (
                r.string_map(ep, "extendedProperties.private")?,
                r.string_map(ep, "extendedProperties.shared")?,
            ),
        };
        let updated = match r.opt_str(value, "updated")? {
            None => None,
            Some(s) => Some(
                DateTime::parse_from_rfc3339(s)
                    .map_err(|e| r.invalid("updated", format!("`{s}`, not RFC 3339: {e}")))?
                    .with_timezone(&Utc),
            ),
        };
        Ok(Event {
            ical_uid: r.opt_string(value, "iCalUID")?,
            status,
            summary: r.opt_string(value, "summary")?,
            description: r.opt_string(value, "description")?,
            html_link: r.opt_string(value, "htmlLink")?,
            organizer,
            creator_email,
            attendees,
            start: r.event_time(value, "start")?,
            end: r.event_time(value, "end")?,
            recurrence,
            recurring_event_id: r.opt_string(value, "recurringEventId")?,
            original_start_time: r.event_time(value, "originalStartTime")?,
            event_type: r
                .opt_string(value, "eventType")?
                .unwrap_or_else(|| "default".to_string()),
            attachments,
            private_properties,
            shared_properties,
            updated,
            guests_can_modify: r.opt_bool(value, "guestsCanModify")?,
            id,
        })
    }

    /// True when this is a series master (it carries recurrence lines).
    pub fn is_recurring(&self) -> bool {
        !self.recurrence.is_empty()
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Field readers that name the event and the field in every error. `field` is the dotted path
/// used in messages; its last segment is the JSON key.
struct Reader<'a> {
    id: &'a str,
}

impl Reader<'_> {
    fn invalid(&self, field: &str, problem: String) -> EventError {
        EventError::InvalidField {
            event_id: self.id.to_string(),
            field: field.to_string(),
            problem,
        }
    }

    fn get<'v>(&self, parent: &'v Value, field: &str) -> Option<&'v Value> {
        let key = field.rsplit('.').next().unwrap_or(field);
        match parent.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn opt_str<'v>(&self, parent: &'v Value, field: &str) -> Result<Option<&'v str>, EventError> {
        match self.get(parent, field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.invalid(field, format!("{}, expected a string", json_kind(v)))),
        }
    }

    fn opt_string(&self, parent: &Value, field: &str) -> Result<Option<String>, EventError> {
        Ok(self.opt_str(parent, field)?.map(str::to_string))
    }

    fn opt_bool(&self, parent: &Value, field: &str) -> Result<bool, EventError> {
        match self.get(parent, field) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(self.invalid(field, format!("{}, expected a boolean", json_kind(v)))),
        }
    }

    fn array<'v>(&self, parent: &'v Value, field: &str) -> Result<&'v [Value], EventError> {
        match self.get(parent, field) {
            None => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(v) => Err(self.invalid(field, format!("{}, expected an array", json_kind(v)))),
        }
    }

    fn string_map(
        &self,
        parent: &Value,
        field: &str,
    ) -> Result<BTreeMap<String, String>, EventError> {
        match self.get(parent, field) {
            None => Ok(BTreeMap::new()),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k.clone(), s.clone())),
                    other => Err(self.invalid(
                        &format!("{field}.{k}"),
                        format!("{}, expected a string", json_kind(other)),
                    )),
                })
                .collect(),
            Some(v) => Err(self.invalid(field, format!("{}, expected an object", json_kind(v)))),
        }
    }

    fn attendee(&self, a: &Value, i: usize) -> Result<Attendee, EventError> {
        let f = |name: &str| format!("attendees[{i}].{name}");
        let response_status = match self.opt_str(a, &f("responseStatus"))? {
            None | Some("needsAction") => ResponseStatus::NeedsAction,
            Some("declined") => ResponseStatus::Declined,
            Some("tentative") => ResponseStatus::Tentative,
            Some("accepted") => ResponseStatus::Accepted,
            Some(other) => {
                return Err(self.invalid(
                    &f("responseStatus"),
                    format!("`{other}`; expected needsAction, declined, tentative or accepted"),
                ))
            }
        };
        Ok(Attendee {
            email: self.opt_string(a, &f("email"))?,
            display_name: self.opt_string(a, &f("displayName"))?,
            resource: self.opt_bool(a, &f("resource"))?,
            response_status,
            is_self: self.opt_bool(a, &f("self"))?,
            organizer: self.opt_bool(a, &f("organizer"))?,
            optional: self.opt_bool(a, &f("optional"))?,
        })
    }

    fn attachment(&self, a: &Value, i: usize) -> Result<Attachment, EventError> {
        let f = |name: &str| format!("attachments[{i}].{name}");
        let file_url = self
            .opt_string(a, &f("fileUrl"))?
            .ok_or_else(|| self.invalid(&f("fileUrl"), "missing; Google requires it".into()))?;
        Ok(Attachment {
            file_url,
            file_id: self.opt_string(a, &f("fileId"))?,
            title: self.opt_string(a, &f("title"))?,
            mime_type: self.opt_string(a, &f("mimeType"))?,
        })
    }

    /// Reads `start`, `end` or `originalStartTime`: `{dateTime, timeZone}` or `{date}`.
    fn event_time(&self, parent: &Value, field: &str) -> Result<Option<EventTime>, EventError> {
        let Some(t) = self.get(parent, field) else {
            return Ok(None);
        };
        let time_zone = self.opt_string(t, &format!("{field}.timeZone"))?;
        if let Some(s) = self.opt_str(t, &format!("{field}.dateTime"))? {
            let at = parse_date_time(s, time_zone.as_deref()).ok_or_else(|| {
                self.invalid(
                    &format!("{field}.dateTime"),
                    format!("`{s}`, not RFC 3339 (e.g. 2026-11-24T10:00:00+01:00)"),
                )
            })?;
            return Ok(Some(EventTime::DateTime {
                utc: at.with_timezone(&Utc),
                offset: *at.offset(),
                time_zone,
            }));
        }
        if let Some(s) = self.opt_str(t, &format!("{field}.date"))? {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| {
                self.invalid(
                    &format!("{field}.date"),
                    format!("`{s}`, not YYYY-MM-DD: {e}"),
                )
            })?;
            return Ok(Some(EventTime::Date(d)));
        }
        Err(self.invalid(
            field,
            "present but has neither `dateTime` nor `date`".into(),
        ))
    }
}

/// RFC 3339 with an offset; or, as Google accepts on input, a local time without offset whose
/// zone is given by `timeZone`.
fn parse_date_time(s: &str, time_zone: Option<&str>) -> Option<DateTime<FixedOffset>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt);
    }
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    let tz: chrono_tz::Tz = time_zone?.parse().ok()?;
    let local = tz.from_local_datetime(&naive).earliest()?;
    Some(local.fixed_offset())
}

#[cfg(test)]
#[path = "event_tests.rs"]
pub(crate) mod tests;
