//! Events per calendar: reads, inserts, patches, updates, deletes and imports. Writes by the
//! organizer are copied to attendees (see [`super::copies`]); request bodies are merged and
//! checked in [`super::body`].

use std::collections::BTreeSet;

use chrono_tz::Tz;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::body::{apply_body, is_valid_event_id, validate, BASE32HEX};
use super::copies::{eq_email, personalize};
use super::error::CalError;
use super::guests::{guest_write, GuestWrite};
use super::instances::{split_instance_id, Master};
use super::model::{Event, EventStatus, Person};
use super::when::{parse_tz, stamp};
use super::{CalendarState, Env, StoredEvent};

pub use super::body::{WriteOptions, MAX_ATTACHMENTS};

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
        if organizer_cal != cal {
            if let Some(org) = self.find_event(&organizer_cal, event_id) {
                if let Some(split) = guest_write(&org, &body)? {
                    return self.write_as_guest(
                        env,
                        &cal,
                        &organizer_cal,
                        &org,
                        split,
                        opts,
                        replace,
                    );
                }
            }
        }
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

    /// A guest's write to an event that lets guests modify it ([`super::guests`]): made to
    /// the organizer's copy, copied to every attendee, answered with the guest's own copy.
    #[allow(clippy::too_many_arguments)]
    fn write_as_guest(
        &mut self,
        env: &mut Env<'_>,
        cal: &str,
        organizer_cal: &str,
        org: &Event,
        split: GuestWrite,
        opts: WriteOptions,
        replace: bool,
    ) -> Result<Event, CalError> {
        let mut ev = apply_body(org, split.shared, opts, replace)?;
        validate(&ev)?;
        if (&ev.start, &ev.end, &ev.recurrence) != (&org.start, &org.end, &org.recurrence) {
            ev.sequence = org.sequence + 1;
        }
        let mut touched = BTreeSet::new();
        let stored = self.commit(env, organizer_cal, ev, organizer_cal, &mut touched);
        self.propagate(env, organizer_cal, &stored.id, &mut touched);
        let mut mine = self
            .find_event(cal, &stored.id)
            .ok_or_else(CalError::not_found)?;
        if !split.local.is_empty() {
            mine = apply_body(&mine, split.local, opts, false)?;
            mine = self.commit(env, cal, mine, organizer_cal, &mut touched);
        }
        self.notify(env, &touched);
        Ok(mine)
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
}
