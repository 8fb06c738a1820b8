//! Request bodies of event writes: which fields a client may set, how a patch or an update
//! combines with the stored event, and Google's validity checks.

use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use super::error::CalError;
use super::model::{Event, EventDateTime};
use super::recurrence::Series;
use super::when::{self, When};

/// Google's cap on attachments per event.
pub const MAX_ATTACHMENTS: usize = 25;

/// Query options of a write.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// `supportsAttachments=true`: without it, `attachments` in the body are silently dropped.
    pub supports_attachments: bool,
}

/// Fields the server owns; client values are ignored.
const READ_ONLY: &[&str] = &[
    "kind",
    "etag",
    "id",
    "htmlLink",
    "created",
    "updated",
    "creator",
    "organizer",
    "iCalUID",
    "recurringEventId",
    "originalStartTime",
    "sequence",
];

/// Every top-level name of the v3 `Event` resource (Google's discovery document). Calendar v3
/// ignores any other name in a request body instead of refusing it, and never stores or echoes
/// it; the sandbox does the same, so a typo in a client shows up as a missing field, as it
/// would against Google.
const EVENT_FIELDS: &[&str] = &[
    "anyoneCanAddSelf",
    "attachments",
    "attendees",
    "attendeesOmitted",
    "birthdayProperties",
    "colorId",
    "conferenceData",
    "created",
    "creator",
    "description",
    "end",
    "endTimeUnspecified",
    "etag",
    "eventType",
    "extendedProperties",
    "focusTimeProperties",
    "gadget",
    "guestsCanInviteOthers",
    "guestsCanModify",
    "guestsCanSeeOtherGuests",
    "hangoutLink",
    "htmlLink",
    "iCalUID",
    "id",
    "kind",
    "location",
    "locked",
    "organizer",
    "originalStartTime",
    "outOfOfficeProperties",
    "privateCopy",
    "recurrence",
    "recurringEventId",
    "reminders",
    "sequence",
    "source",
    "start",
    "status",
    "summary",
    "transparency",
    "updated",
    "visibility",
    "workingLocationProperties",
];

pub(crate) const BASE32HEX: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// Google's rule for client-supplied ids: base32hex characters, 5 to 1024 of them.
pub fn is_valid_event_id(id: &str) -> bool {
    (5..=1024).contains(&id.len()) && id.bytes().all(|b| BASE32HEX.contains(&b))
}

/// Applies a request body to `current`: patch (field-wise, `extendedProperties` merged key by
/// key, `null` removes) or update (replace). Server-owned fields are kept from `current`.
pub(crate) fn apply_body(
    current: &Event,
    body: Map<String, Value>,
    opts: WriteOptions,
    replace: bool,
) -> Result<Event, CalError> {
    let Value::Object(mut base) = serde_json::to_value(current)
        .map_err(|e| CalError::invalid(format!("Cannot read event: {e}.")))?
    else {
        return Err(CalError::invalid("Cannot read event."));
    };
    if replace {
        base.retain(|k, _| {
            READ_ONLY.contains(&k.as_str()) || (k == "attachments" && !opts.supports_attachments)
        });
    }
    for (key, value) in body {
        if READ_ONLY.contains(&key.as_str())
            || !EVENT_FIELDS.contains(&key.as_str())
            || (key == "attachments" && !opts.supports_attachments)
        {
            continue;
        }
        if value.is_null() {
            base.remove(&key);
        } else if key == "extendedProperties" && !replace {
            merge_properties(base.entry(key).or_insert_with(|| json!({})), value);
        } else {
            base.insert(key, value);
        }
    }
    let mut ev: Event = serde_json::from_value(Value::Object(base))
        .map_err(|e| CalError::invalid(format!("Invalid event: {e}.")))?;
    for a in ev.attendees.iter_mut().flatten() {
        a.response_status
            .get_or_insert_with(|| "needsAction".into());
    }
    for edt in [ev.start.as_mut(), ev.end.as_mut()].into_iter().flatten() {
        normalize_time(edt);
    }
    Ok(ev)
}

/// Google answers `dateTime` in the event's `timeZone` with that zone's offset, whatever form
/// the client sent (`…Z`, another offset, or a floating time); invalid times are left for
/// [`validate`] to report.
fn normalize_time(edt: &mut EventDateTime) {
    if let Ok(When::Instant { utc, tz: Some(tz) }) = when::parse(edt, "start") {
        edt.date_time = Some(when::format_instant(utc, Some(tz)));
    }
}

/// Merges `extendedProperties` patches: each given map merges into the stored one.
fn merge_properties(stored: &mut Value, patch: Value) {
    let (Value::Object(stored), Value::Object(patch)) = (stored, patch) else {
        return;
    };
    for (scope, entries) in patch {
        match entries {
            Value::Object(entries) => {
                let slot = stored.entry(scope).or_insert_with(|| json!({}));
                if let Value::Object(slot) = slot {
                    for (k, v) in entries {
                        if v.is_null() {
                            slot.remove(&k);
                        } else {
                            slot.insert(k, v);
                        }
                    }
                }
            }
            Value::Null => {
                stored.remove(&scope);
            }
            other => {
                stored.insert(scope, other);
            }
        }
    }
}

/// Google's insert/update checks: times present, same kind, end after start, a valid
/// recurrence, attendees with emails, at most 25 attachments each with a `fileUrl`.
pub(crate) fn validate(ev: &Event) -> Result<(), CalError> {
    let start = when::parse(
        ev.start
            .as_ref()
            .ok_or_else(|| CalError::bad_request("required", "Missing start time."))?,
        "start",
    )?;
    let end = when::parse(
        ev.end
            .as_ref()
            .ok_or_else(|| CalError::bad_request("required", "Missing end time."))?,
        "end",
    )?;
    if start.is_all_day() != end.is_all_day() {
        return Err(CalError::invalid(
            "Start and end times must either both be date or both be dateTime.",
        ));
    }
    if end.to_utc(Tz::UTC) <= start.to_utc(Tz::UTC) {
        return Err(CalError::bad_request(
            "timeRangeEmpty",
            "The specified time range is empty.",
        ));
    }
    if let Some(lines) = ev.recurrence.as_ref().filter(|r| !r.is_empty()) {
        Series::parse(lines, &start)?;
    }
    if ev
        .attendees
        .iter()
        .flatten()
        .any(|a| a.email.as_deref().is_none_or(str::is_empty))
    {
        return Err(CalError::bad_request("required", "Missing attendee email."));
    }
    let attachments = ev.attachments.as_deref().unwrap_or_default();
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(CalError::invalid(format!(
            "Too many attachments: {} given, at most {MAX_ATTACHMENTS} are allowed per event.",
            attachments.len()
        )));
    }
    if attachments
        .iter()
        .any(|a| a.file_url.as_deref().is_none_or(str::is_empty))
    {
        return Err(CalError::bad_request(
            "required",
            "Missing attachment fileUrl.",
        ));
    }
    Ok(())
}
