//! What a guest (an attendee who does not organise the event) may change, and where it lands.
//!
//! Google's Events reference (developers.google.com/calendar/api/v3/reference/events):
//! `guestsCanModify` — "Whether attendees other than the organizer can modify the event.
//! Optional. The default is False." What happens otherwise is spelled out in the GData
//! Calendar specification that defined the flag (`gCal:guestsCanModify`, as libgdata documents
//! it): with it, attendees "may modify the original event, so that changes are visible to
//! organizers and other attendees. Otherwise, any changes made by attendees will be restricted
//! to that attendee's calendar." Shared extended properties are the exception Google refuses
//! outright: a guest's write to them answers 403 `forbiddenForNonOrganizer`, "Shared
//! properties can only be changed by the organizer of the event." (captured from Google in
//! kewisch/gdata-provider#426).
//!
//! So the sandbox, for a write on a guest's copy:
//! * without `guestsCanModify` on the organizer's copy: a change to `extendedProperties.shared`
//!   is refused with that 403; anything else is stored on the guest's copy only (the
//!   organizer and the other guests never see it; the guest's own `responseStatus` is still
//!   carried to the organizer, see [`super::copies`]);
//! * with it: the change is made to the organizer's copy and copied to every attendee, except
//!   what belongs to each calendar's own copy (`reminders`, `colorId`,
//!   `extendedProperties.private`).

use serde_json::{Map, Value};

use super::error::CalError;
use super::model::Event;

/// Fields that are per calendar: a guest's value never reaches the organizer's copy.
const PER_CALENDAR: &[&str] = &["reminders", "colorId"];

/// Google's `guestsCanModify` of an event (absent = false).
pub(crate) fn guests_can_modify(ev: &Event) -> bool {
    ev.extra
        .get("guestsCanModify")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// 403 `forbiddenForNonOrganizer`, Google's answer to a guest's change of shared properties.
fn forbidden_for_non_organizer() -> CalError {
    CalError {
        code: 403,
        reason: "forbiddenForNonOrganizer",
        message: "Shared properties can only be changed by the organizer of the event.".into(),
    }
}

/// Whether `body` changes `extendedProperties.shared` of `current`.
fn changes_shared_properties(current: &Event, body: &Map<String, Value>) -> bool {
    let Some(ep) = body.get("extendedProperties") else {
        return false;
    };
    let Some(shared) = ep.get("shared") else {
        return ep.is_null() && current.shared_props().is_some_and(|m| !m.is_empty());
    };
    let stored = current.shared_props();
    match shared {
        Value::Null => stored.is_some_and(|m| !m.is_empty()),
        Value::Object(entries) => entries.iter().any(|(k, v)| {
            let now = stored.and_then(|m| m.get(k));
            match v {
                Value::Null => now.is_some(),
                Value::String(s) => now != Some(s),
                _ => true,
            }
        }),
        _ => true,
    }
}

/// A guest's write split by where it lands: `shared` goes to the organizer's copy (and from
/// there to everyone's), `local` stays on the guest's own copy.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GuestWrite {
    pub shared: Map<String, Value>,
    pub local: Map<String, Value>,
}

/// Checks a guest's write against the organizer's copy `organizer_copy`. `Ok(Some(split))`
/// when the event lets guests modify it; `Ok(None)` means the whole write stays on the
/// guest's copy.
pub(crate) fn guest_write(
    organizer_copy: &Event,
    body: &Map<String, Value>,
) -> Result<Option<GuestWrite>, CalError> {
    if !guests_can_modify(organizer_copy) {
        if changes_shared_properties(organizer_copy, body) {
            return Err(forbidden_for_non_organizer());
        }
        return Ok(None);
    }
    let mut shared = body.clone();
    let mut local = Map::new();
    for field in PER_CALENDAR {
        if let Some(v) = shared.remove(*field) {
            local.insert(field.to_string(), v);
        }
    }
    if let Some(Value::Object(ep)) = shared.get_mut("extendedProperties") {
        if let Some(private) = ep.remove("private") {
            local.insert(
                "extendedProperties".into(),
                serde_json::json!({ "private": private }),
            );
        }
    }
    Ok(Some(GuestWrite { shared, local }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(v: Value) -> Event {
        serde_json::from_value(v).expect("event")
    }

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().expect("object").clone()
    }

    #[test]
    fn without_the_flag_a_guest_writes_only_their_copy_and_never_shared_properties() {
        let org = event(json!({"id": "e1", "extendedProperties": {"shared": {"a": "1"}}}));
        assert_eq!(guest_write(&org, &body(json!({"summary": "x"}))), Ok(None));
        let same = json!({"extendedProperties": {"shared": {"a": "1"}}});
        assert_eq!(guest_write(&org, &body(same)), Ok(None));
        let err = guest_write(
            &org,
            &body(json!({"extendedProperties": {"shared": {"a": "2"}}})),
        )
        .expect_err("refused");
        assert_eq!((err.code, err.reason), (403, "forbiddenForNonOrganizer"));
        let private = json!({"extendedProperties": {"private": {"mine": "1"}}});
        assert_eq!(guest_write(&org, &body(private)), Ok(None));
    }

    #[test]
    fn with_the_flag_the_shared_part_goes_to_the_organizer() {
        let org = event(json!({"id": "e1", "guestsCanModify": true}));
        let b = body(json!({
            "attachments": [{"fileUrl": "u"}],
            "reminders": {"useDefault": false},
            "extendedProperties": {"private": {"p": "1"}, "shared": {"s": "1"}}
        }));
        let split = guest_write(&org, &b)
            .expect("allowed")
            .expect("to the organizer");
        assert!(split.shared.contains_key("attachments"));
        assert!(!split.shared.contains_key("reminders"));
        assert_eq!(
            split.shared["extendedProperties"],
            json!({"shared": {"s": "1"}})
        );
        assert_eq!(split.local["reminders"], json!({"useDefault": false}));
        assert_eq!(
            split.local["extendedProperties"],
            json!({"private": {"p": "1"}})
        );
    }
}
