//! Events per calendar: reads, inserts, patches, updates, deletes, imports, and the attendee
//! copies that keep every sandbox attendee's calendar in step with the organizer's.
//!
//! Each calendar holds its own copy of an event under the same id. The organizer's copy is
//! authoritative: its writes are copied to every attendee who is a sandbox user (keeping that
//! copy's `extendedProperties.private` and recomputing the `self` flags), attendees who were
//! removed get a cancelled copy. A non-organizer's write changes only their own copy, except
//! their own `responseStatus`, which is reported back to the organizer's copy like Google does.

use std::collections::BTreeSet;

use chrono_tz::Tz;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::error::CalError;
use super::instances::{split_instance_id, Master};
use super::model::{Event, EventStatus, Person};
use super::recurrence::Series;
use super::when::{self, parse_tz, stamp};
use super::{CalendarState, Env, StoredEvent};

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

const BASE32HEX: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

/// Google's rule for client-supplied ids: base32hex characters, 5 to 1024 of them.
pub fn is_valid_event_id(id: &str) -> bool {
    (5..=1024).contains(&id.len()) && id.bytes().all(|b| BASE32HEX.contains(&b))
}

fn eq_email(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Sets the per-calendar flags: `self` on creator/organizer/attendee entries of `cal`, and
/// `organizer` on the attendee entry of the organizer.
fn personalize(ev: &mut Event, cal: &str) {
    let organizer = ev.organizer_email().map(str::to_string);
    for p in [&mut ev.creator, &mut ev.organizer].into_iter().flatten() {
        p.is_self = p.email.as_deref().is_some_and(|e| eq_email(e, cal));
    }
    for a in ev.attendees.iter_mut().flatten() {
        let email = a.email.as_deref().unwrap_or_default();
        a.is_self = eq_email(email, cal);
        a.organizer = organizer.as_deref().is_some_and(|o| eq_email(o, email));
    }
}

impl CalendarState {
    /// Resolves `primary` to the caller's calendar; any other calendar is invisible (404).
    pub fn resolve_calendar(&self, calendar_id: &str, caller: &str) -> Result<String, CalError> {
        if calendar_id == "primary" || eq_email(calendar_id, caller) {
            Ok(caller.to_ascii_lowercase())
        } else {
            Err(CalError::not_found())
        }
    }

    /// The zone of a calendar: its owner's zone, UTC when unknown.
    pub fn calendar_tz(env: &Env<'_>, cal: &str) -> Tz {
        env.directory
            .user(cal)
            .and_then(|u| parse_tz(&u.time_zone))
            .unwrap_or(Tz::UTC)
    }

    /// `calendars.get`.
    pub fn calendar_resource(
        &self,
        env: &Env<'_>,
        caller: &str,
        calendar_id: &str,
    ) -> Result<Value, CalError> {
        let cal = self.resolve_calendar(calendar_id, caller)?;
        let tz = Self::calendar_tz(env, &cal);
        Ok(json!({
            "kind": "calendar#calendar",
            "etag": format!("\"{}\"", self.change_counter),
            "id": cal,
            "summary": cal,
            "timeZone": tz.name(),
            "conferenceProperties": {"allowedConferenceSolutionTypes": ["hangoutsMeet"]},
        }))
    }

    /// `events.get`: a stored copy (also when cancelled) or a generated instance.
    pub fn get_event(
        &self,
        caller: &str,
        calendar_id: &str,
        event_id: &str,
    ) -> Result<Event, CalError> {
        let cal = self.resolve_calendar(calendar_id, caller)?;
        self.find_event(&cal, event_id)
            .ok_or_else(CalError::not_found)
    }

    /// A stored copy, or the generated instance an instance id names.
    pub(crate) fn find_event(&self, cal: &str, event_id: &str) -> Option<Event> {
        let events = &self.calendars.get(cal)?.events;
        if let Some(s) = events.get(event_id) {
            return Some(s.event.clone());
        }
        let (master_id, occ) = split_instance_id(event_id)?;
        let master = &events.get(master_id)?.event;
        if master.status == EventStatus::Cancelled || !master.is_master() {
            return None;
        }
        let m = Master::new(master).ok()?;
        m.has_occurrence(&occ).then(|| m.instance(&occ))
    }

    fn new_event_id(&mut self) -> String {
        self.id_counter += 1;
        let digest = Sha256::digest(format!("sandbox-event-{}", self.id_counter));
        let mut bits: u128 = 0;
        for b in digest.iter().take(16) {
            bits = (bits << 8) | u128::from(*b);
        }
        (0..26)
            .map(|i| char::from(BASE32HEX[((bits >> (i * 5)) & 31) as usize]))
            .collect()
    }

    /// `events.insert`: the caller becomes organizer and creator.
    pub fn insert_event(
        &mut self,
        env: &mut Env<'_>,
        caller: &str,
        calendar_id: &str,
        body: Value,
        opts: WriteOptions,
    ) -> Result<Event, CalError> {
        let cal = self.resolve_calendar(calendar_id, caller)?;
        let Value::Object(body) = body else {
            return Err(CalError::bad_request("parseError", "Parse Error"));
        };
        let id = match body.get("id").and_then(Value::as_str) {
            Some(id) if !is_valid_event_id(id) => {
                return Err(CalError::invalid("Invalid resource id value."));
            }
            Some(id)
                if self
                    .calendars
                    .get(&cal)
                    .is_some_and(|c| c.events.contains_key(id)) =>
            {
                return Err(CalError::duplicate());
            }
            Some(id) => id.to_string(),
            None => self.new_event_id(),
        };
        let mut ev = apply_body(&Event::default(), body, opts, false)?;
        ev.id = id;
        let me = Person {
            email: Some(cal.clone()),
            display_name: env.directory.user(&cal).map(|u| u.name),
            is_self: true,
        };
        ev.creator = Some(me.clone());
        ev.organizer = Some(me);
        validate(&ev)?;
        let mut touched = BTreeSet::new();
        let stored = self.commit(env, &cal, ev, &cal, &mut touched);
        self.propagate(env, &cal, &stored.id, &mut touched);
        self.notify(env, &touched);
        Ok(stored)
    }

    /// `events.patch`: changes only the given fields; on an instance id, creates an exception.
    pub fn patch_event(
        &mut self,
        env: &mut Env<'_>,
        caller: &str,
        calendar_id: &str,
        event_id: &str,
        body: Value,
        opts: WriteOptions,
    ) -> Result<Event, CalError> {
        self.write_existing(env, caller, calendar_id, event_id, body, opts, false)
    }

    /// `events.update`: replaces the event with the body (server-owned fields kept).
    pub fn update_event(
        &mut self,
        env: &mut Env<'_>,
        caller: &str,
        calendar_id: &str,
        event_id: &str,
        body: Value,
        opts: WriteOptions,
    ) -> Result<Event, CalError> {
        self.write_existing(env, caller, calendar_id, event_id, body, opts, true)
    }

    #[allow(clippy::too_many_arguments)]
    fn write_existing(
        &mut self,
        env: &mut Env<'_>,
        caller: &str,
        calendar_id: &str,
        event_id: &str,
        body: Value,
        opts: WriteOptions,
        replace: bool,
    ) -> Result<Event, CalError> {
        let cal = self.resolve_calendar(calendar_id, caller)?;
        let current = self
            .find_event(&cal, event_id)
            .ok_or_else(CalError::not_found)?;
        let organizer_cal = self.organizer_calendar_of(&cal, &current);
        let Value::Object(body) = body else {
            return Err(CalError::bad_request("parseError", "Parse Error"));
        };
        let mut ev = apply_body(&current, body, opts, replace)?;
        if ev.recurring_event_id.is_some() && ev.recurrence.as_ref().is_some_and(|r| !r.is_empty())
        {
            return Err(CalError::invalid("Invalid recurrence rule."));
        }
        validate(&ev)?;
        if (&ev.start, &ev.end, &ev.recurrence)
            != (&current.start, &current.end, &current.recurrence)
        {
            ev.sequence = current.sequence + 1;
        }
        let mut touched = BTreeSet::new();
        let stored = self.commit(env, &cal, ev, &organizer_cal, &mut touched);
        if organizer_cal == cal {
            self.propagate(env, &cal, &stored.id, &mut touched);
        } else {
            self.report_response(env, &cal, &organizer_cal, &stored, &mut touched);
        }
        self.notify(env, &touched);
        Ok(stored)
    }

    /// `events.delete`: cancels the copy (and a master's exceptions); on an instance id, stores
    /// a cancelled exception. The organizer's delete cancels every attendee copy.
    pub fn delete_event(
        &mut self,
        env: &mut Env<'_>,
        caller: &str,
        calendar_id: &str,
        event_id: &str,
    ) -> Result<(), CalError> {
        let cal = self.resolve_calendar(calendar_id, caller)?;
        let current = self
            .find_event(&cal, event_id)
            .ok_or_else(CalError::not_found)?;
        if current.status == EventStatus::Cancelled {
            return Err(CalError::deleted());
        }
        let organizer_cal = self.organizer_calendar_of(&cal, &current);
        let mut ids = vec![current.id.clone()];
        if current.is_master() {
            if let Some(c) = self.calendars.get(&cal) {
                ids.extend(
                    c.events
                        .values()
                        .filter(|s| s.event.recurring_event_id.as_deref() == Some(event_id))
                        .filter(|s| s.event.status != EventStatus::Cancelled)
                        .map(|s| s.event.id.clone()),
                );
            }
        }
        let mut touched = BTreeSet::new();
        for id in ids {
            let Some(mut ev) = self.find_event(&cal, &id) else {
                continue;
            };
            ev.status = EventStatus::Cancelled;
            self.commit(env, &cal, ev, &organizer_cal, &mut touched);
            if organizer_cal == cal {
                self.propagate(env, &cal, &id, &mut touched);
            }
        }
        self.notify(env, &touched);
        Ok(())
    }

    /// Stores an event as given (id, recurrence, series links kept) on `calendar_id`, as the
    /// organizer's copy, and copies it to attendees. For seeding worlds and importing captures.
    pub fn import_event(
        &mut self,
        env: &mut Env<'_>,
        calendar_id: &str,
        event: Value,
    ) -> Result<Event, CalError> {
        let cal = calendar_id.to_ascii_lowercase();
        let mut ev: Event = serde_json::from_value(event)
            .map_err(|e| CalError::invalid(format!("Cannot import event: {e}.")))?;
        if ev.id.is_empty() {
            ev.id = self.new_event_id();
        }
        if ev.organizer.is_none() {
            ev.organizer = Some(Person {
                email: Some(cal.clone()),
                ..Person::default()
            });
        }
        if ev.creator.is_none() {
            ev.creator = ev.organizer.clone();
        }
        if ev.status != EventStatus::Cancelled {
            validate(&ev)?;
        }
        let mut touched = BTreeSet::new();
        let stored = self.commit(env, &cal, ev, &cal, &mut touched);
        self.propagate(env, &cal, &stored.id, &mut touched);
        self.notify(env, &touched);
        Ok(stored)
    }

    /// The calendar holding the organizer's copy of `ev` as seen from `cal`.
    fn organizer_calendar_of(&self, cal: &str, ev: &Event) -> String {
        let own = self.calendars.get(cal).and_then(|c| c.events.get(&ev.id));
        let master = ev
            .recurring_event_id
            .as_deref()
            .and_then(|m| self.calendars.get(cal)?.events.get(m));
        own.or(master)
            .map(|s| s.organizer_calendar.clone())
            .unwrap_or_else(|| cal.to_string())
    }

    /// Stores `ev` on `cal`: stamps, etag, next change number, `self` flags.
    pub(crate) fn commit(
        &mut self,
        env: &Env<'_>,
        cal: &str,
        mut ev: Event,
        organizer_cal: &str,
        touched: &mut BTreeSet<String>,
    ) -> Event {
        self.change_counter += 1;
        let now = env.now;
        ev.kind = "calendar#event".into();
        ev.created.get_or_insert_with(|| stamp(now));
        ev.updated = Some(stamp(now));
        ev.etag = format!(
            "\"{}\"",
            now.timestamp_millis().max(0) as u64 * 1000 + self.change_counter % 1000
        );
        if ev.ical_uid.is_none() {
            let base = ev.recurring_event_id.as_deref().unwrap_or(&ev.id);
            ev.ical_uid = Some(format!("{base}@google.com"));
        }
        if ev.html_link.is_none() {
            use base64::Engine;
            let eid =
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{} {cal}", ev.id));
            ev.html_link = Some(format!("{}calendar/event?eid={eid}", env.base_url));
        }
        ev.event_type.get_or_insert_with(|| "default".into());
        ev.reminders
            .get_or_insert_with(|| json!({"useDefault": true}));
        personalize(&mut ev, cal);
        let data = self.calendars.entry(cal.to_string()).or_default();
        let copies = data
            .events
            .get(&ev.id)
            .map(|s| s.copies.clone())
            .unwrap_or_default();
        data.events.insert(
            ev.id.clone(),
            StoredEvent {
                event: ev.clone(),
                change: self.change_counter,
                organizer_calendar: organizer_cal.to_string(),
                copies,
            },
        );
        touched.insert(cal.to_string());
        ev
    }

    /// Copies the organizer's copy of `id` to every sandbox-user attendee and cancels the copies
    /// of removed attendees.
    fn propagate(
        &mut self,
        env: &Env<'_>,
        organizer_cal: &str,
        id: &str,
        touched: &mut BTreeSet<String>,
    ) {
        let Some(org) = self
            .calendars
            .get(organizer_cal)
            .and_then(|c| c.events.get(id))
            .cloned()
        else {
            return;
        };
        let desired: BTreeSet<String> = org
            .event
            .attendees
            .iter()
            .flatten()
            .filter_map(|a| a.email.as_deref())
            .map(str::to_ascii_lowercase)
            .filter(|e| e != organizer_cal && env.directory.user(e).is_some())
            .collect();
        for cal in &desired {
            let existing = self.calendars.get(cal).and_then(|c| c.events.get(id));
            if existing.is_some_and(|s| s.organizer_calendar != organizer_cal) {
                continue; // an unrelated event with the same id; never overwrite it
            }
            // A never-seen cancelled single event needs no copy; a cancelled occurrence does
            // (it hides that occurrence of the attendee's copy of the series).
            if existing.is_none()
                && org.event.status == EventStatus::Cancelled
                && org.event.recurring_event_id.is_none()
            {
                continue;
            }
            let private = existing.and_then(|s| s.event.private_props().cloned());
            let mut copy = org.event.clone();
            if let Some(p) = copy.extended_properties.as_mut() {
                p.private = private;
            } else if private.is_some() {
                copy.extended_properties = Some(super::model::ExtendedProperties {
                    private,
                    shared: None,
                });
            }
            self.commit(env, cal, copy, organizer_cal, touched);
        }
        for gone in org.copies.difference(&desired) {
            let existing = self.calendars.get(gone).and_then(|c| c.events.get(id));
            if let Some(s) = existing.filter(|s| s.event.status != EventStatus::Cancelled) {
                let mut ev = s.event.clone();
                ev.status = EventStatus::Cancelled;
                self.commit(env, gone, ev, organizer_cal, touched);
            }
        }
        if let Some(s) = self
            .calendars
            .get_mut(organizer_cal)
            .and_then(|c| c.events.get_mut(id))
        {
            s.copies = desired;
        }
    }

    /// An attendee changed their own copy: carry their `responseStatus` to the organizer.
    fn report_response(
        &mut self,
        env: &Env<'_>,
        cal: &str,
        organizer_cal: &str,
        mine: &Event,
        touched: &mut BTreeSet<String>,
    ) {
        let Some(status) = mine
            .attendees
            .iter()
            .flatten()
            .find(|a| a.email.as_deref().is_some_and(|e| eq_email(e, cal)))
            .and_then(|a| a.response_status.clone())
        else {
            return;
        };
        let Some(mut org) = self.find_event(organizer_cal, &mine.id) else {
            return;
        };
        let Some(entry) = org
            .attendees
            .iter_mut()
            .flatten()
            .find(|a| a.email.as_deref().is_some_and(|e| eq_email(e, cal)))
        else {
            return;
        };
        if entry.response_status.as_deref() == Some(status.as_str()) {
            return;
        }
        entry.response_status = Some(status);
        self.commit(env, organizer_cal, org, organizer_cal, touched);
        self.propagate(env, organizer_cal, &mine.id, touched);
    }
}

/// Applies a request body to `current`: patch (field-wise, `extendedProperties` merged key by
/// key, `null` removes) or update (replace). Server-owned fields are kept from `current`.
fn apply_body(
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
        if READ_ONLY.contains(&key.as_str()) || (key == "attachments" && !opts.supports_attachments)
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
    Ok(ev)
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
