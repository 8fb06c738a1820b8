//! The calendar cache: the raw JSON of every event sync has seen.
//!
//! Why: the daemon must be able to rebuild every series' occurrences (master `recurrence` plus
//! its exceptions) after a restart or a change, without calling Google; an idle poll should
//! cost exactly one `events.list(syncToken)`.
//!
//! Rows are keyed (user, calendar, event id) — an event id is unique only within a calendar,
//! and the same meeting appears under the same id on both attendees' calendars. The JSON is
//! stored verbatim (the daemon parses it); `recurring_event_id`, `status` and `updated` are
//! copied into columns for lookups.
//!
//! Semantics of [`Store::apply_calendar_page`], per event:
//!
//! * a cancelled event **without** `recurringEventId` (a deleted series master or single
//!   event) is removed together with every cached exception of it: the series is gone and
//!   Google will not list its instances again;
//! * a cancelled event **with** `recurringEventId` (a cancelled occurrence) is kept as a
//!   tombstone, replacing any earlier version: the occurrence must stay cancelled when the
//!   series is expanded again;
//! * anything else is upserted. A version whose `updated` is older than the cached one is
//!   ignored, so replaying a page (after a crash between pages) never moves an event back in
//!   time. Tombstones carry no `updated` (Google omits it) and always apply.
//!
//! A cancelled exception may arrive after its master was deleted (page order is not
//! guaranteed); it is then kept as an orphan tombstone, harmless because no master refers to
//! it, and dropped at the next [`Store::reset_calendar`].

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::columns::{opt_ts, sql_enum, Ts};
use super::{sync, Result, Store};

/// An event's `status` as Calendar reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventStatus {
    Confirmed,
    Tentative,
    Cancelled,
}

sql_enum!(EventStatus, "an event status", {
    EventStatus::Confirmed => "confirmed",
    EventStatus::Tentative => "tentative",
    EventStatus::Cancelled => "cancelled",
});

/// One event as cached: a series master, an exception (moved/edited/cancelled occurrence) or a
/// single event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedEvent {
    /// `id`.
    pub event_id: String,
    /// `recurringEventId`: set on exceptions, naming their master.
    pub recurring_event_id: Option<String>,
    pub status: EventStatus,
    /// `updated`; Google omits it on cancellation tombstones.
    pub updated: Option<DateTime<Utc>>,
    /// The event resource exactly as received.
    pub json: String,
}

const COLUMNS: &str = "event_id, recurring_event_id, status, updated, json";

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<CachedEvent> {
    Ok(CachedEvent {
        event_id: row.get("event_id")?,
        recurring_event_id: row.get("recurring_event_id")?,
        status: row.get("status")?,
        updated: opt_ts(row, "updated")?,
        json: row.get("json")?,
    })
}

impl Store {
    /// Applies one page of an `events.list` response in one transaction, and, when
    /// `next_sync_token` is given (the last page), records it in the same transaction.
    /// See the module docs for the per-event rules. Idempotent.
    pub fn apply_calendar_page(
        &mut self,
        user: &str,
        calendar_id: &str,
        events: &[CachedEvent],
        next_sync_token: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("apply a calendar sync page", |tx| {
            for e in events {
                apply_event(tx, user, calendar_id, e)?;
            }
            match next_sync_token {
                Some(token) => sync::put_calendar_token(tx, user, calendar_id, token, now),
                None => Ok(()),
            }
        })
    }

    /// Drops the sync token and every cached event of one calendar, so the next sync is a full
    /// one that rebuilds the cache (Calendar answered 410 `fullSyncRequired`).
    pub fn reset_calendar(&mut self, user: &str, calendar_id: &str) -> Result<()> {
        self.write("reset the calendar cache", |tx| {
            for table in ["calendar_events", "calendar_sync"] {
                super::cached_exec(
                    tx,
                    &format!("DELETE FROM {table} WHERE user = ?1 AND calendar_id = ?2"),
                    params![user, calendar_id],
                )?;
            }
            Ok(())
        })
    }

    /// One cached event by id.
    pub fn cached_event(
        &self,
        user: &str,
        calendar_id: &str,
        event_id: &str,
    ) -> Result<Option<CachedEvent>> {
        super::cached_row(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM calendar_events
                     WHERE user = ?1 AND calendar_id = ?2 AND event_id = ?3"
            ),
            params![user, calendar_id, event_id],
            event_from_row,
        )
        .optional()
        .map_err(self.sql_err("read a cached event"))
    }

    /// Every cached exception (including cancellation tombstones) of the master `master_id`,
    /// ordered by event id.
    pub fn cached_exceptions(
        &self,
        user: &str,
        calendar_id: &str,
        master_id: &str,
    ) -> Result<Vec<CachedEvent>> {
        self.query_events(
            "read cached exceptions",
            "recurring_event_id = ?3 ORDER BY event_id",
            params![user, calendar_id, master_id],
        )
    }

    /// Every cached event that is not an exception — series masters and single events (the
    /// JSON tells them apart by `recurrence`) — ordered by event id. Candidates for 1-1
    /// detection after a restart.
    pub fn cached_masters(&self, user: &str, calendar_id: &str) -> Result<Vec<CachedEvent>> {
        self.query_events(
            "read cached series masters",
            "recurring_event_id IS NULL ORDER BY event_id",
            params![user, calendar_id],
        )
    }

    /// Drops cached single events (no `recurrence`, not an exception) that ended before
    /// `before`; returns how many. Why: singles are never 1-1 series, yet every pass read them
    /// back with the masters, so the cache — and an idle pass's work — grew with history
    /// (issue 10 §11). A single later turned into a series arrives again through sync, whole.
    /// An end that SQLite cannot read as a time is kept.
    pub fn prune_ended_single_events(
        &mut self,
        user: &str,
        calendar_id: &str,
        before: DateTime<Utc>,
    ) -> Result<usize> {
        self.write("prune ended single events", |tx| {
            super::cached_exec(
                tx,
                "DELETE FROM calendar_events
                 WHERE user = ?1 AND calendar_id = ?2 AND recurring_event_id IS NULL
                   AND json_extract(json, '$.recurrence') IS NULL
                   AND julianday(coalesce(json_extract(json, '$.end.dateTime'),
                                          json_extract(json, '$.end.date'))) < julianday(?3)",
                params![user, calendar_id, Ts(before)],
            )
        })
    }

    fn query_events(
        &self,
        op: &'static str,
        filter: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<CachedEvent>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM calendar_events WHERE user = ?1 AND calendar_id = ?2 AND {filter}"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.sql_err(op))?;
        let rows = stmt
            .query_map(params, event_from_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
        rows.map_err(self.sql_err(op))
    }
}

fn apply_event(
    tx: &Transaction<'_>,
    user: &str,
    calendar_id: &str,
    e: &CachedEvent,
) -> rusqlite::Result<()> {
    if e.status == EventStatus::Cancelled && e.recurring_event_id.is_none() {
        super::cached_exec(
            tx,
            "DELETE FROM calendar_events WHERE user = ?1 AND calendar_id = ?2
             AND (event_id = ?3 OR recurring_event_id = ?3)",
            params![user, calendar_id, e.event_id],
        )?;
        return Ok(());
    }
    super::cached_exec(
        tx,
        "INSERT INTO calendar_events
             (user, calendar_id, event_id, recurring_event_id, status, updated, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (user, calendar_id, event_id) DO UPDATE SET
             recurring_event_id = excluded.recurring_event_id,
             status = excluded.status,
             updated = excluded.updated,
             json = excluded.json
         WHERE excluded.updated IS NULL OR calendar_events.updated IS NULL
            OR excluded.updated >= calendar_events.updated",
        params![
            user,
            calendar_id,
            e.event_id,
            e.recurring_event_id,
            e.status,
            e.updated.map(Ts),
            e.json
        ],
    )?;
    Ok(())
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
