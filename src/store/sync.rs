//! Sync state: where each incremental sync resumes.
//!
//! * Calendar: one `nextSyncToken` per (user, calendar). It is written in the same transaction
//!   as the last page of events it covers ([`Store::apply_calendar_page`]), so the cache and
//!   the token never disagree. Page tokens are not kept: after a crash mid-listing the next
//!   sync starts again from the old token and the upserts are idempotent.
//! * Drive: one `changes.list` page token per user (the Drive changes feed is per account).
//!
//! A missing token means "do a full sync". On Calendar's 410 `fullSyncRequired`, call
//! [`Store::reset_calendar`], which drops the token and the cached events together.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::columns::Ts;
use super::{Result, Store};

impl Store {
    /// The Calendar sync token to resume from, if a full sync has completed.
    pub fn calendar_sync_token(&self, user: &str, calendar_id: &str) -> Result<Option<String>> {
        super::cached_row(
            &self.conn,
            "SELECT sync_token FROM calendar_sync WHERE user = ?1 AND calendar_id = ?2",
            params![user, calendar_id],
            |r| r.get(0),
        )
        .optional()
        .map_err(self.sql_err("read the calendar sync token"))
    }

    /// Records a Calendar sync token on its own (prefer [`Store::apply_calendar_page`], which
    /// writes it atomically with the events it covers).
    pub fn set_calendar_sync_token(
        &mut self,
        user: &str,
        calendar_id: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("write the calendar sync token", |tx| {
            put_calendar_token(tx, user, calendar_id, token, now)
        })
    }

    /// The Drive changes page token to resume from.
    pub fn drive_page_token(&self, user: &str) -> Result<Option<String>> {
        super::cached_row(
            &self.conn,
            "SELECT page_token FROM drive_sync WHERE user = ?1",
            params![user],
            |r| r.get(0),
        )
        .optional()
        .map_err(self.sql_err("read the Drive page token"))
    }

    /// Records the Drive changes page token (`newStartPageToken` or the last `nextPageToken`).
    /// The Drive page token and when it was last written (the last look at the changes feed).
    pub fn drive_page_token_at(&self, user: &str) -> Result<Option<(String, DateTime<Utc>)>> {
        super::cached_row(
            &self.conn,
            "SELECT page_token, updated_at FROM drive_sync WHERE user = ?1",
            params![user],
            |r| Ok((r.get::<_, String>(0)?, super::columns::ts(r, "updated_at")?)),
        )
        .optional()
        .map_err(self.sql_err("read the Drive page token"))
    }

    pub fn set_drive_page_token(
        &mut self,
        user: &str,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("write the Drive page token", |tx| {
            super::cached_exec(
                tx,
                "INSERT INTO drive_sync (user, page_token, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (user) DO UPDATE SET
                     page_token = excluded.page_token, updated_at = excluded.updated_at",
                params![user, token, Ts(now)],
            )
            .map(drop)
        })
    }

    /// Forgets the Drive page token (e.g. Drive said it is invalid): the next sync starts over
    /// from `getStartPageToken`.
    pub fn clear_drive_page_token(&mut self, user: &str) -> Result<()> {
        self.write("clear the Drive page token", |tx| {
            super::cached_exec(tx, "DELETE FROM drive_sync WHERE user = ?1", params![user])
                .map(drop)
        })
    }
}

/// Upserts a calendar token inside a caller's transaction.
pub(super) fn put_calendar_token(
    tx: &Transaction<'_>,
    user: &str,
    calendar_id: &str,
    token: &str,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    super::cached_exec(
        tx,
        "INSERT INTO calendar_sync (user, calendar_id, sync_token, updated_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (user, calendar_id) DO UPDATE SET
             sync_token = excluded.sync_token, updated_at = excluded.updated_at",
        params![user, calendar_id, token, Ts(now)],
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn calendar_tokens_are_per_user_and_calendar_and_idempotent() {
        let mut s = Store::open_in_memory().unwrap();
        let now = t("2026-11-24T09:00:00Z");
        assert_eq!(s.calendar_sync_token("a@x", "primary").unwrap(), None);
        s.set_calendar_sync_token("a@x", "primary", "tok1", now)
            .unwrap();
        s.set_calendar_sync_token("a@x", "primary", "tok1", now)
            .unwrap();
        s.set_calendar_sync_token("b@x", "primary", "tokB", now)
            .unwrap();
        s.set_calendar_sync_token("a@x", "team", "tokT", now)
            .unwrap();
        assert_eq!(
            s.calendar_sync_token("a@x", "primary").unwrap().as_deref(),
            Some("tok1")
        );
        s.set_calendar_sync_token("a@x", "primary", "tok2", now)
            .unwrap();
        assert_eq!(
            s.calendar_sync_token("a@x", "primary").unwrap().as_deref(),
            Some("tok2")
        );
        assert_eq!(
            s.calendar_sync_token("b@x", "primary").unwrap().as_deref(),
            Some("tokB")
        );
        assert_eq!(
            s.calendar_sync_token("a@x", "team").unwrap().as_deref(),
            Some("tokT")
        );
    }

    #[test]
    fn drive_token_set_replace_clear() {
        let mut s = Store::open_in_memory().unwrap();
        let now = t("2026-11-24T09:00:00Z");
        assert_eq!(s.drive_page_token("a@x").unwrap(), None);
        s.set_drive_page_token("a@x", "p1", now).unwrap();
        s.set_drive_page_token("a@x", "p1", now).unwrap();
        assert_eq!(s.drive_page_token("a@x").unwrap().as_deref(), Some("p1"));
        s.set_drive_page_token("a@x", "p2", now).unwrap();
        assert_eq!(s.drive_page_token("a@x").unwrap().as_deref(), Some("p2"));
        assert_eq!(s.drive_page_token("b@x").unwrap(), None);
        s.clear_drive_page_token("a@x").unwrap();
        assert_eq!(s.drive_page_token("a@x").unwrap(), None);
    }
}
