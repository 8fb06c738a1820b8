//! The sandbox's Google Calendar v3: calendars, events (with attendee copies), recurring series
//! and their exceptions, listing with paging and sync tokens, and push channels.
//!
//! This is an independent implementation of Google's observable behaviour; it shares no code
//! with the daemon's `domain` module (a bug there must not be hidden by the same bug here).
//!
//! * [`model`] — the event resource as stored and served.
//! * [`when`] — event times (`date` / `dateTime` + `timeZone`).
//! * [`recurrence`] — RRULE/EXDATE/RDATE expansion via the `rrule` crate, DST-correct.
//! * [`instances`] — instance ids, generated instances and exceptions.
//! * [`store`] — events per calendar: reads, writes, deletes, imports.
//! * [`body`] — request bodies: patch/update merging and Google's validity checks.
//! * [`copies`] — attendee copies of the organizer's events.
//! * [`guests`] — what a guest's write may change, and whether it reaches the organizer.
//! * [`list`] — `events.list` / `events.instances`: filters, ordering, paging.
//! * [`sync`] — sync and page tokens.
//! * [`watch`] — push channels and the notifications they queue.
//! * `http` — the axum routes (`routes()`), the only part that knows the sandbox core.
//!
//! The state methods take an [`Env`] (simulated time, user directory, base URL) instead of the
//! whole sandbox `World`, so they can be tested without HTTP.

pub mod body;
pub mod copies;
pub mod error;
mod guests;
mod http;
pub mod instances;
pub mod list;
pub mod model;
pub mod recurrence;
pub mod store;
pub mod sync;
pub mod watch;
pub mod when;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use error::CalError;
pub use http::routes;
pub use list::ListParams;
pub use model::Event;
pub use store::WriteOptions;
pub use watch::Push;

/// What the calendar needs to know about a sandbox user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserInfo {
    /// Display name (used for `creator` / `organizer`).
    pub name: String,
    /// IANA zone of the user's calendar (`calendars.get` `timeZone`, all-day days).
    pub time_zone: String,
}

/// Looks up sandbox users by email; events are copied only onto known users' calendars.
pub trait Directory {
    /// The user with this email, if the sandbox knows them.
    fn user(&self, email: &str) -> Option<UserInfo>;
}

impl Directory for BTreeMap<String, UserInfo> {
    fn user(&self, email: &str) -> Option<UserInfo> {
        self.get(email).cloned()
    }
}

/// The world around the calendar during one call.
pub struct Env<'a> {
    /// Simulated now.
    pub now: DateTime<Utc>,
    /// The sandbox's base URL with trailing slash (for `resourceUri`, `htmlLink`).
    pub base_url: &'a str,
    /// Sandbox users.
    pub directory: &'a dyn Directory,
    /// Push notifications queued by this call, to be sent after the world is unlocked.
    pub outbox: Vec<Push>,
}

impl<'a> Env<'a> {
    /// An environment with an empty outbox.
    pub fn new(now: DateTime<Utc>, base_url: &'a str, directory: &'a dyn Directory) -> Self {
        Env {
            now,
            base_url,
            directory,
            outbox: Vec::new(),
        }
    }
}

/// One stored copy of an event on one calendar.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct StoredEvent {
    /// The copy as this calendar sees it (`self` flags, private properties).
    pub(crate) event: Event,
    /// World change counter at the last change of this copy (drives sync tokens).
    pub(crate) change: u64,
    /// The calendar holding the organizer's (authoritative) copy.
    pub(crate) organizer_calendar: String,
    /// On the organizer's copy: the attendee calendars holding copies.
    #[serde(default)]
    pub(crate) copies: BTreeSet<String>,
}

/// One calendar's events by id.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct CalendarData {
    pub(crate) events: BTreeMap<String, StoredEvent>,
}

/// All Calendar state of the sandbox world.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CalendarState {
    /// Calendars by id (the owner's email), created on first write.
    pub(crate) calendars: BTreeMap<String, CalendarData>,
    /// World-wide change counter; every stored change takes the next value.
    pub(crate) change_counter: u64,
    /// Sync tokens carry the epoch they were issued in; expiring bumps it.
    pub(crate) token_epoch: u64,
    /// Push channels by channel id.
    pub(crate) channels: BTreeMap<String, watch::Channel>,
    /// Counter for generated event and resource ids.
    pub(crate) id_counter: u64,
}
