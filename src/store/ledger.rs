//! The action-item ledger: every action item ever harvested, for carry-forward and export.
//!
//! Identity is (user, series key, occurrence key, item key), the item key being the domain's
//! normalised text (DESIGN.md §4), so re-harvesting an edited section updates rows in place and
//! never duplicates them. `first_seen` is kept from the first harvest; `updated` moves only when
//! a stored value changes; `done_at` is set when an item becomes done and cleared when it is
//! reopened. Every item belongs to a stored occurrence (foreign key), whose start is the
//! "meeting date" the queries filter and sort by.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::columns::{opt_ts, ts, Day, Ts};
use super::{upserted, Result, Store, Upserted};

/// Who an item belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LedgerOwner {
    /// One attendee, by email.
    Email(String),
    /// Both attendees.
    Both,
    /// Nobody in particular.
    Unassigned,
    /// A name that is not an attendee, as written.
    Text(String),
}

impl LedgerOwner {
    fn to_columns(&self) -> (&'static str, Option<&str>) {
        match self {
            LedgerOwner::Email(e) => ("email", Some(e)),
            LedgerOwner::Both => ("both", None),
            LedgerOwner::Unassigned => ("unassigned", None),
            LedgerOwner::Text(t) => ("text", Some(t)),
        }
    }

    fn from_columns(kind: &str, owner: Option<String>) -> Option<LedgerOwner> {
        match (kind, owner) {
            ("email", Some(e)) => Some(LedgerOwner::Email(e)),
            ("both", None) => Some(LedgerOwner::Both),
            ("unassigned", None) => Some(LedgerOwner::Unassigned),
            ("text", Some(t)) => Some(LedgerOwner::Text(t)),
            _ => None,
        }
    }
}

/// The full identity of one ledger row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemKey {
    pub user: String,
    pub series_key: String,
    pub occurrence_key: String,
    pub item_key: String,
}

/// One action item as harvested from a section (its occurrence is given alongside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerItem {
    /// The domain's normalised identity of the item within its occurrence.
    pub item_key: String,
    /// Index of the item in its section, for ordering.
    pub position: u32,
    pub owner: LedgerOwner,
    pub task: String,
    pub due: Option<NaiveDate>,
    pub done: bool,
    /// The doc the item was read from, and the heading id of its section, for links.
    pub source_doc_url: String,
    pub heading_id: Option<String>,
}

/// A ledger row as returned by queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The row's identity (`key.item_key` equals `item.item_key`).
    pub key: ItemKey,
    pub item: LedgerItem,
    /// Start of the occurrence the item was written in.
    pub meeting_start: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    /// Closed because the item's Google Task was completed (a re-harvest keeps it closed).
    pub done_by_task: bool,
    pub first_seen: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

/// Which items a query returns by completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DoneFilter {
    #[default]
    All,
    Open,
    Done,
}

/// Filters for [`Store::ledger`]; every `None` means "any". Results are ordered by meeting
/// start, then position in the section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerQuery {
    pub user: Option<String>,
    pub series_key: Option<String>,
    /// Items owned by this email (case-insensitive), plus items owned by "both" in series
    /// where this email is the organizer or the other attendee.
    pub owner_email: Option<String>,
    pub done: DoneFilter,
    /// Meeting start at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Meeting start strictly before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only rows with this item key (to resolve a carried item back to its origin).
    pub item_key: Option<String>,
}

/// What [`Store::replace_occurrence_items`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacedItems {
    /// One outcome per given item, in order.
    pub upserted: Vec<Upserted>,
    /// Stored items of the occurrence that were not given, and were deleted.
    pub removed: usize,
}

fn entry_from_row(row: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    let kind: String = row.get("owner_kind")?;
    let owner = LedgerOwner::from_columns(&kind, row.get("owner")?).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            5,
            rusqlite::types::Type::Text,
            format!("owner_kind {kind:?} does not match its owner column").into(),
        )
    })?;
    Ok(LedgerEntry {
        key: ItemKey {
            user: row.get("user")?,
            series_key: row.get("series_key")?,
            occurrence_key: row.get("occurrence_key")?,
            item_key: row.get("item_key")?,
        },
        item: LedgerItem {
            item_key: row.get("item_key")?,
            position: row.get("position")?,
            owner,
            task: row.get("task")?,
            due: row.get::<_, Option<Day>>("due")?.map(|d| d.0),
            done: row.get("done")?,
            source_doc_url: row.get("source_doc_url")?,
            heading_id: row.get("heading_id")?,
        },
        meeting_start: ts(row, "meeting_start")?,
        done_at: opt_ts(row, "done_at")?,
        done_by_task: row.get("done_by_task")?,
        first_seen: ts(row, "first_seen")?,
        updated: ts(row, "updated")?,
    })
}

impl Store {
    /// Inserts or updates one item of a stored occurrence. Idempotent. Errors with
    /// [`super::StoreError::NotFound`] if the occurrence is not stored.
    pub fn upsert_item(
        &mut self,
        user: &str,
        series_key: &str,
        occurrence_key: &str,
        item: &LedgerItem,
        now: DateTime<Utc>,
    ) -> Result<Upserted> {
        self.write_items(
            "upsert an action item",
            user,
            series_key,
            occurrence_key,
            |tx| upsert_row(tx, user, series_key, occurrence_key, item, now),
        )
    }

    /// Makes the stored items of one occurrence exactly `items`: upserts each and deletes the
    /// stored ones not given (a line a person removed or rewrote). Call it only with a complete
    /// read of the section. Errors with [`super::StoreError::NotFound`] if the occurrence is not
    /// stored. Two items with one key are one row: the later wins.
    pub fn replace_occurrence_items(
        &mut self,
        user: &str,
        series_key: &str,
        occurrence_key: &str,
        items: &[LedgerItem],
        now: DateTime<Utc>,
    ) -> Result<ReplacedItems> {
        self.write_items(
            "replace an occurrence's action items",
            user,
            series_key,
            occurrence_key,
            |tx| {
                let upserted = items
                    .iter()
                    .map(|item| upsert_row(tx, user, series_key, occurrence_key, item, now))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                let keys = serde_json::Value::from(
                    items.iter().map(|i| i.item_key.clone()).collect::<Vec<_>>(),
                )
                .to_string();
                let removed = super::cached_exec(
                    tx,
                    "DELETE FROM action_items
                 WHERE user = ?1 AND series_key = ?2 AND occurrence_key = ?3
                   AND item_key NOT IN (SELECT value FROM json_each(?4))",
                    params![user, series_key, occurrence_key, keys],
                )?;
                Ok(ReplacedItems { upserted, removed })
            },
        )
    }

    /// Marks one item done or open (e.g. ticked where it was carried forward). Returns whether
    /// anything changed. Errors with [`super::StoreError::NotFound`] if the item is not stored.
    pub fn set_item_done(&mut self, key: &ItemKey, done: bool, at: DateTime<Utc>) -> Result<bool> {
        const OP: &str = "mark an action item done";
        let (found, changed) = self.write(OP, |tx| {
            let found = super::cached_row(
                tx,
                "SELECT 1 FROM action_items WHERE user = ?1 AND series_key = ?2
                     AND occurrence_key = ?3 AND item_key = ?4",
                params![key.user, key.series_key, key.occurrence_key, key.item_key],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
            let changed = super::cached_exec(
                tx,
                "UPDATE action_items SET done = ?5, updated = ?6,
                     done_at = CASE WHEN ?5 THEN ?6 ELSE NULL END
                 WHERE user = ?1 AND series_key = ?2 AND occurrence_key = ?3 AND item_key = ?4
                   AND done IS NOT ?5",
                params![
                    key.user,
                    key.series_key,
                    key.occurrence_key,
                    key.item_key,
                    done,
                    Ts(at)
                ],
            )?;
            Ok((found, changed > 0))
        })?;
        self.expect_row(usize::from(found), OP, || format!("action item {key:?}"))?;
        Ok(changed)
    }

    /// Ledger rows matching `q`, ordered by meeting start, then position in the section.
    pub fn ledger(&self, q: &LedgerQuery) -> Result<Vec<LedgerEntry>> {
        const OP: &str = "query the action ledger";
        let done = match q.done {
            DoneFilter::All => None,
            DoneFilter::Open => Some(false),
            DoneFilter::Done => Some(true),
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.*, o.start AS meeting_start
                 FROM action_items a
                 JOIN occurrences o USING (user, series_key, occurrence_key)
                 JOIN series s USING (user, series_key)
                 WHERE (?1 IS NULL OR a.user = ?1)
                   AND (?2 IS NULL OR a.series_key = ?2)
                   AND (?3 IS NULL
                        OR (a.owner_kind = 'email' AND a.owner = ?3 COLLATE NOCASE)
                        OR (a.owner_kind = 'both' AND (s.organizer_email = ?3 COLLATE NOCASE
                                                       OR s.other_email = ?3 COLLATE NOCASE)))
                   AND (?4 IS NULL OR a.done = ?4)
                   AND (?5 IS NULL OR o.start >= ?5)
                   AND (?6 IS NULL OR o.start < ?6)
                   AND (?7 IS NULL OR a.item_key = ?7)
                 ORDER BY o.start, a.user, a.series_key, a.occurrence_key, a.position, a.item_key",
            )
            .map_err(self.sql_err(OP))?;
        let rows = stmt
            .query_map(
                params![
                    q.user,
                    q.series_key,
                    q.owner_email,
                    done,
                    q.since.map(Ts),
                    q.until.map(Ts),
                    q.item_key
                ],
                entry_from_row,
            )
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
        rows.map_err(self.sql_err(OP))
    }

    /// Open items of a series from meetings that started before `before` (pass the start of
    /// the occurrence being prepared): the "Open action items" to carry forward.
    pub fn open_items_before(
        &self,
        user: &str,
        series_key: &str,
        before: DateTime<Utc>,
    ) -> Result<Vec<LedgerEntry>> {
        self.ledger(&LedgerQuery {
            user: Some(user.to_owned()),
            series_key: Some(series_key.to_owned()),
            done: DoneFilter::Open,
            until: Some(before),
            ..LedgerQuery::default()
        })
    }

    /// Runs `f` in a transaction after checking that the occurrence exists.
    fn write_items<T>(
        &mut self,
        op: &'static str,
        user: &str,
        series_key: &str,
        occurrence_key: &str,
        f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let outcome = self.write(op, |tx| {
            let found = super::cached_row(
                tx,
                "SELECT 1 FROM occurrences
                     WHERE user = ?1 AND series_key = ?2 AND occurrence_key = ?3",
                params![user, series_key, occurrence_key],
                |_| Ok(()),
            )
            .optional()?;
            match found {
                Some(()) => f(tx).map(Some),
                None => Ok(None),
            }
        })?;
        match outcome {
            Some(value) => Ok(value),
            None => Err(self.missing(op, || {
                format!("occurrence {occurrence_key:?} of series {series_key:?} of {user}")
            })),
        }
    }
}

fn upsert_row(
    tx: &Transaction<'_>,
    user: &str,
    series_key: &str,
    occurrence_key: &str,
    item: &LedgerItem,
    now: DateTime<Utc>,
) -> rusqlite::Result<Upserted> {
    let existed = super::cached_row(
        tx,
        "SELECT 1 FROM action_items WHERE user = ?1 AND series_key = ?2
             AND occurrence_key = ?3 AND item_key = ?4",
        params![user, series_key, occurrence_key, item.item_key],
        |_| Ok(()),
    )
    .optional()?
    .is_some();
    let (kind, owner) = item.owner.to_columns();
    let changed = super::cached_exec(
        tx,
        "INSERT INTO action_items (user, series_key, occurrence_key, item_key, position,
             owner_kind, owner, task, due, done, done_at, source_doc_url, heading_id,
             first_seen, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CASE WHEN ?10 THEN ?13 END, ?11, ?12,
                 ?13, ?13)
         ON CONFLICT (user, series_key, occurrence_key, item_key) DO UPDATE SET
             position = excluded.position, owner_kind = excluded.owner_kind,
             owner = excluded.owner, task = excluded.task, due = excluded.due,
             done = excluded.done OR action_items.done_by_task,
             done_at = CASE WHEN action_items.done_by_task THEN action_items.done_at
                            WHEN NOT excluded.done THEN NULL
                            WHEN action_items.done THEN action_items.done_at
                            ELSE excluded.done_at END,
             source_doc_url = excluded.source_doc_url, heading_id = excluded.heading_id,
             updated = excluded.updated
         WHERE (position, owner_kind, owner, task, due, done, source_doc_url, heading_id)
            IS NOT (excluded.position, excluded.owner_kind, excluded.owner, excluded.task,
                    excluded.due, excluded.done OR action_items.done_by_task,
                    excluded.source_doc_url, excluded.heading_id)",
        params![
            user,
            series_key,
            occurrence_key,
            item.item_key,
            item.position,
            kind,
            owner,
            item.task,
            item.due.map(Day),
            item.done,
            item.source_doc_url,
            item.heading_id,
            Ts(now)
        ],
    )?;
    Ok(upserted(existed, changed))
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
