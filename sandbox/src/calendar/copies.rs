//! Attendee copies. Each calendar holds its own copy of an event under the same id; the
//! organizer's copy is authoritative. Its writes are copied to every attendee who is a sandbox
//! user (keeping that copy's `extendedProperties.private` and recomputing the `self` flags);
//! attendees who were removed get a cancelled copy. A guest's write changes only their own copy
//! unless the event has `guestsCanModify` (then it is made to the organizer's copy, see
//! [`super::guests`]); their own `responseStatus` is carried back to the organizer's copy
//! either way, like Google does.

use std::collections::BTreeSet;

use super::model::{Event, EventStatus, ExtendedProperties};
use super::{CalendarState, Env};

/// Case-insensitive email comparison (calendar ids are emails).
pub(crate) fn eq_email(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Sets the per-calendar flags: `self` on creator/organizer/attendee entries of `cal`, and
/// `organizer` on the attendee entry of the organizer.
pub(crate) fn personalize(ev: &mut Event, cal: &str) {
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
    /// Copies the organizer's copy of `id` to every sandbox-user attendee and cancels the copies
    /// of removed attendees.
    pub(crate) fn propagate(
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
                copy.extended_properties = Some(ExtendedProperties {
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
    pub(crate) fn report_response(
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
