//! Series: one recurring 1-1 and the doc paired with it.
//!
//! Keyed (user, series key); the series key is computed by the domain (organizer calendar +
//! recurring event id) and is opaque here. A series row is never deleted by the daemon: a
//! series that stops being a 1-1 or is deleted in Calendar changes [`SeriesState`] and keeps
//! its doc, occurrences and action items (DESIGN.md §1.6).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::columns::{sql_enum, ts, Ts};
use super::{upserted, Result, Store, Upserted};

/// Where a series stands, as far as the daemon acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesState {
    /// A recurring 1-1: sections are prepared and harvested.
    Active,
    /// Still exists but is no longer a 1-1 (a third attendee, one attendee left): left alone.
    NotOneOnOne,
    /// The series was deleted in Calendar: left alone, doc kept.
    Deleted,
}

sql_enum!(SeriesState, "a series state", {
    SeriesState::Active => "active",
    SeriesState::NotOneOnOne => "not_one_on_one",
    SeriesState::Deleted => "deleted",
});

/// Everything the store keeps about one series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesRecord {
    /// The served user (email) this row belongs to.
    pub user: String,
    pub series_key: String,
    /// The paired Google Doc, once created or adopted.
    pub doc_id: Option<String>,
    pub doc_url: Option<String>,
    pub title: String,
    pub organizer_email: String,
    /// The other attendee, when there is exactly one.
    pub other_email: Option<String>,
    /// IANA time zone of the series (e.g. `Europe/Berlin`), for dating sections.
    pub time_zone: String,
    /// Master event ids last seen for this series: more than one after a "this and following"
    /// split. [`Store::series_for_event`] looks series up by any of them.
    pub event_ids: Vec<String>,
    pub state: SeriesState,
    /// The doc was already attached to the event and adopted, rather than created by us.
    pub adopted: bool,
    /// When the store first saw the series; kept by every later upsert.
    pub created_at: DateTime<Utc>,
    /// When a stored value last changed; an unchanged upsert keeps the old value.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "user, series_key, doc_id, doc_url, title, organizer_email, other_email, \
                       time_zone, event_ids, state, adopted, created_at, updated_at";

fn series_from_row(row: &Row<'_>) -> rusqlite::Result<SeriesRecord> {
    let ids: String = row.get("event_ids")?;
    let event_ids = serde_json::from_str(&ids).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            8,
            rusqlite::types::Type::Text,
            format!("event_ids {ids:?} is not a JSON array of strings: {e}").into(),
        )
    })?;
    Ok(SeriesRecord {
        user: row.get("user")?,
        series_key: row.get("series_key")?,
        doc_id: row.get("doc_id")?,
        doc_url: row.get("doc_url")?,
        title: row.get("title")?,
        organizer_email: row.get("organizer_email")?,
        other_email: row.get("other_email")?,
        time_zone: row.get("time_zone")?,
        event_ids,
        state: row.get("state")?,
        adopted: row.get("adopted")?,
        created_at: ts(row, "created_at")?,
        updated_at: ts(row, "updated_at")?,
    })
}

impl Store {
    /// Inserts the series or replaces every stored value except `created_at`. `updated_at` is
    /// written only when something else changed.
    pub fn upsert_series(&mut self, rec: &SeriesRecord) -> Result<Upserted> {
        let ids = serde_json::Value::from(rec.event_ids.clone()).to_string();
        self.write("upsert a series", |tx| {
            let existed = super::cached_row(
                tx,
                "SELECT 1 FROM series WHERE user = ?1 AND series_key = ?2",
                params![rec.user, rec.series_key],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
            let changed = super::cached_exec(
                tx,
                "INSERT INTO series (user, series_key, doc_id, doc_url, title, organizer_email,
                     other_email, time_zone, event_ids, state, adopted, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT (user, series_key) DO UPDATE SET
                     doc_id = excluded.doc_id, doc_url = excluded.doc_url,
                     title = excluded.title, organizer_email = excluded.organizer_email,
                     other_email = excluded.other_email, time_zone = excluded.time_zone,
                     event_ids = excluded.event_ids, state = excluded.state,
                     adopted = excluded.adopted, updated_at = excluded.updated_at
                 WHERE (doc_id, doc_url, title, organizer_email, other_email, time_zone,
                        event_ids, state, adopted)
                   IS NOT (excluded.doc_id, excluded.doc_url, excluded.title,
                        excluded.organizer_email, excluded.other_email, excluded.time_zone,
                        excluded.event_ids, excluded.state, excluded.adopted)",
                params![
                    rec.user,
                    rec.series_key,
                    rec.doc_id,
                    rec.doc_url,
                    rec.title,
                    rec.organizer_email,
                    rec.other_email,
                    rec.time_zone,
                    ids,
                    rec.state,
                    rec.adopted,
                    Ts(rec.created_at),
                    Ts(rec.updated_at)
                ],
            )?;
            Ok(upserted(existed, changed))
        })
    }

    /// One series.
    pub fn series(&self, user: &str, series_key: &str) -> Result<Option<SeriesRecord>> {
        super::cached_row(
            &self.conn,
            &format!("SELECT {COLUMNS} FROM series WHERE user = ?1 AND series_key = ?2"),
            params![user, series_key],
            series_from_row,
        )
        .optional()
        .map_err(self.sql_err("read a series"))
    }

    /// Every series of a user, optionally only those in `state`, ordered by series key.
    pub fn series_list(&self, user: &str, state: Option<SeriesState>) -> Result<Vec<SeriesRecord>> {
        const OP: &str = "list series";
        let sql = format!(
            "SELECT {COLUMNS} FROM series WHERE user = ?1 AND (?2 IS NULL OR state = ?2)
             ORDER BY series_key"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.sql_err(OP))?;
        let rows = stmt
            .query_map(params![user, state], series_from_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
        rows.map_err(self.sql_err(OP))
    }

    /// The series one of whose `event_ids` is `event_id` (for routing a synced change).
    pub fn series_for_event(&self, user: &str, event_id: &str) -> Result<Option<SeriesRecord>> {
        super::cached_row(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM series WHERE user = ?1 AND EXISTS
                     (SELECT 1 FROM json_each(series.event_ids) WHERE value = ?2)
                     ORDER BY series_key LIMIT 1"
            ),
            params![user, event_id],
            series_from_row,
        )
        .optional()
        .map_err(self.sql_err("find the series of an event"))
    }

    /// The series paired with a doc (for routing a Drive change to a re-harvest).
    pub fn series_for_doc(&self, user: &str, doc_id: &str) -> Result<Option<SeriesRecord>> {
        super::cached_row(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM series WHERE user = ?1 AND doc_id = ?2
                     ORDER BY series_key LIMIT 1"
            ),
            params![user, doc_id],
            series_from_row,
        )
        .optional()
        .map_err(self.sql_err("find the series of a doc"))
    }

    /// The doc of an earlier series of the same two people (any state: a deleted series' doc
    /// is exactly what a recreated one continues). The oldest series' doc wins, so every pass
    /// picks the same one when a pair already has several docs.
    pub fn pair_doc(&self, user: &str, other_email: &str) -> Result<Option<(String, String)>> {
        super::cached_row(
            &self.conn,
            "SELECT doc_id, doc_url FROM series
                 WHERE user = ?1 AND lower(other_email) = lower(?2)
                   AND doc_id IS NOT NULL AND doc_url IS NOT NULL
                 ORDER BY created_at, series_key LIMIT 1",
            params![user, other_email],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .map_err(self.sql_err("find the doc of a pair"))
    }

    /// Changes a series' state. Errors with [`super::StoreError::NotFound`] if the series is
    /// not stored.
    pub fn set_series_state(
        &mut self,
        user: &str,
        series_key: &str,
        state: SeriesState,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const OP: &str = "set a series' state";
        let n = self.write(OP, |tx| {
            super::cached_exec(
                tx,
                "UPDATE series SET state = ?3,
                     updated_at = CASE WHEN state IS ?3 THEN updated_at ELSE ?4 END
                 WHERE user = ?1 AND series_key = ?2",
                params![user, series_key, state, Ts(now)],
            )
        })?;
        self.expect_row(n, OP, || format!("series {series_key:?} of {user}"))
    }

    /// Records the doc paired with a series (created, or adopted from the event's attachment).
    pub fn set_series_doc(
        &mut self,
        user: &str,
        series_key: &str,
        doc_id: &str,
        doc_url: &str,
        adopted: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        const OP: &str = "set a series' doc";
        let n = self.write(OP, |tx| {
            super::cached_exec(
                tx,
                "UPDATE series SET doc_id = ?3, doc_url = ?4, adopted = ?5,
                     updated_at = CASE WHEN (doc_id, doc_url, adopted) IS (?3, ?4, ?5)
                                       THEN updated_at ELSE ?6 END
                 WHERE user = ?1 AND series_key = ?2",
                params![user, series_key, doc_id, doc_url, adopted, Ts(now)],
            )
        })?;
        self.expect_row(n, OP, || format!("series {series_key:?} of {user}"))
    }
}

#[cfg(test)]
#[path = "series_tests.rs"]
mod tests;
