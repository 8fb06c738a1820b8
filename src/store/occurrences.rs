//! Occurrences: one meeting of a series, and what the daemon did to its section.
//!
//! Keyed (user, series key, occurrence key); the occurrence key is computed by the domain from
//! `originalStartTime`, so it is stable when an instance moves. Timing columns are refreshed
//! from Calendar by [`Store::upsert_occurrences`]; the section columns only move forward through
//! [`Store::mark_prepared`] and [`Store::record_harvest`], and no timing upsert touches them.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::columns::{opt_ts, ts, Ts};
use super::{upserted, Result, Store, Upserted};

/// What the daemon has done to an occurrence's section in the doc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionState {
    /// No section written yet.
    NotPrepared,
    /// The section was inserted; `revision_id` is the doc revision our write produced.
    Prepared {
        at: DateTime<Utc>,
        revision_id: String,
    },
    /// Action items were read from the section, last `at`, from doc revision `revision_id`
    /// (an unchanged revision means there is nothing new to read).
    Harvested {
        at: DateTime<Utc>,
        revision_id: String,
    },
}

impl SectionState {
    fn word(&self) -> &'static str {
        match self {
            SectionState::NotPrepared => "not_prepared",
            SectionState::Prepared { .. } => "prepared",
            SectionState::Harvested { .. } => "harvested",
        }
    }
}

/// When an occurrence takes place, as Calendar says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccurrenceTiming {
    pub occurrence_key: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `originalStartTime`: where the recurrence rule put it before any move.
    pub original_start: DateTime<Utc>,
    pub cancelled: bool,
}

/// An occurrence as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub user: String,
    pub series_key: String,
    pub occurrence_key: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub original_start: DateTime<Utc>,
    pub cancelled: bool,
    pub section: SectionState,
    /// How many distinct doc revisions have been harvested.
    pub harvest_count: u32,
}

impl Occurrence {
    /// The doc revision of the last harvest, if any: skip re-reading when it is unchanged.
    pub fn last_harvested_revision(&self) -> Option<&str> {
        match &self.section {
            SectionState::Harvested { revision_id, .. } => Some(revision_id),
            _ => None,
        }
    }
}

const COLUMNS: &str = "user, series_key, occurrence_key, start, \"end\", original_start, \
                       cancelled, section_state, section_at, section_revision, harvest_count";

fn occurrence_from_row(row: &Row<'_>) -> rusqlite::Result<Occurrence> {
    let word: String = row.get("section_state")?;
    let at = opt_ts(row, "section_at")?;
    let revision: Option<String> = row.get("section_revision")?;
    let section = match (word.as_str(), at, revision) {
        ("not_prepared", _, _) => SectionState::NotPrepared,
        ("prepared", Some(at), Some(revision_id)) => SectionState::Prepared { at, revision_id },
        ("harvested", Some(at), Some(revision_id)) => SectionState::Harvested { at, revision_id },
        _ => {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                7,
                rusqlite::types::Type::Text,
                format!("section_state {word:?} with its time and revision is not valid").into(),
            ))
        }
    };
    Ok(Occurrence {
        user: row.get("user")?,
        series_key: row.get("series_key")?,
        occurrence_key: row.get("occurrence_key")?,
        start: ts(row, "start")?,
        end: ts(row, "end")?,
        original_start: ts(row, "original_start")?,
        cancelled: row.get("cancelled")?,
        section,
        harvest_count: row.get("harvest_count")?,
    })
}

impl Store {
    /// Inserts or refreshes the timing of occurrences of one stored series, in one
    /// transaction; new ones start [`SectionState::NotPrepared`]. Returns what happened to
    /// each, in order. Errors with [`super::StoreError::NotFound`] if the series is not stored.
    pub fn upsert_occurrences(
        &mut self,
        user: &str,
        series_key: &str,
        timings: &[OccurrenceTiming],
    ) -> Result<Vec<Upserted>> {
        const OP: &str = "upsert occurrences";
        let outcome = self.write(OP, |tx| {
            if !series_exists(tx, user, series_key)? {
                return Ok(None);
            }
            timings
                .iter()
                .map(|t| upsert_timing(tx, user, series_key, t))
                .collect::<rusqlite::Result<Vec<_>>>()
                .map(Some)
        })?;
        let found = usize::from(outcome.is_some());
        self.expect_row(found, OP, || format!("series {series_key:?} of {user}"))?;
        Ok(outcome.unwrap_or_default())
    }

    /// One occurrence.
    pub fn occurrence(
        &self,
        user: &str,
        series_key: &str,
        occurrence_key: &str,
    ) -> Result<Option<Occurrence>> {
        super::cached_row(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM occurrences
                     WHERE user = ?1 AND series_key = ?2 AND occurrence_key = ?3"
            ),
            params![user, series_key, occurrence_key],
            occurrence_from_row,
        )
        .optional()
        .map_err(self.sql_err("read an occurrence"))
    }

    /// Every stored occurrence of a series (cancelled ones included), by start.
    pub fn occurrences(&self, user: &str, series_key: &str) -> Result<Vec<Occurrence>> {
        self.query_occurrences(
            "list a series' occurrences",
            "series_key = ?2 ORDER BY start, occurrence_key",
            params![user, series_key],
        )
    }

    /// Every stored occurrence of any series of `user` starting in `[from, until)`, by start:
    /// the scheduler's view of what is coming up or awaiting harvest.
    pub fn occurrences_starting_between(
        &self,
        user: &str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Occurrence>> {
        self.query_occurrences(
            "list occurrences by start",
            "start >= ?2 AND start < ?3 ORDER BY start, series_key, occurrence_key",
            params![user, Ts(from), Ts(until)],
        )
    }

    /// Records that the section was written. Idempotent; does nothing if the occurrence was
    /// already harvested (state never moves back). Errors with
    /// [`super::StoreError::NotFound`] if the occurrence is not stored.
    pub fn mark_prepared(
        &mut self,
        user: &str,
        series_key: &str,
        occurrence_key: &str,
        at: DateTime<Utc>,
        revision_id: &str,
    ) -> Result<()> {
        const OP: &str = "mark a section prepared";
        let found = self.write(OP, |tx| {
            let Some(state) = section_word(tx, user, series_key, occurrence_key)? else {
                return Ok(0);
            };
            if state != "harvested" {
                super::cached_exec(
                    tx,
                    "UPDATE occurrences SET section_state = 'prepared', section_at = ?4,
                         section_revision = ?5
                     WHERE user = ?1 AND series_key = ?2 AND occurrence_key = ?3",
                    params![user, series_key, occurrence_key, Ts(at), revision_id],
                )?;
            }
            Ok(1)
        })?;
        self.expect_row(found, OP, || {
            format!("occurrence {occurrence_key:?} of series {series_key:?} of {user}")
        })
    }

    /// Records a harvest of doc revision `revision_id`. Harvesting the same revision again
    /// changes nothing (returns `false`); a new revision bumps `harvest_count` (returns
    /// `true`). Errors with [`super::StoreError::NotFound`] if the occurrence is not stored.
    pub fn record_harvest(
        &mut self,
        user: &str,
        series_key: &str,
        occurrence_key: &str,
        at: DateTime<Utc>,
        revision_id: &str,
    ) -> Result<bool> {
        const OP: &str = "record a harvest";
        let found = self.write(OP, |tx| {
            if section_word(tx, user, series_key, occurrence_key)?.is_none() {
                return Ok(None);
            }
            let changed = super::cached_exec(
                tx,
                "UPDATE occurrences SET section_state = 'harvested', section_at = ?4,
                     section_revision = ?5, harvest_count = harvest_count + 1
                 WHERE user = ?1 AND series_key = ?2 AND occurrence_key = ?3
                   AND NOT (section_state = 'harvested' AND section_revision IS ?5)",
                params![user, series_key, occurrence_key, Ts(at), revision_id],
            )?;
            Ok(Some(changed > 0))
        })?;
        self.expect_row(usize::from(found.is_some()), OP, || {
            format!("occurrence {occurrence_key:?} of series {series_key:?} of {user}")
        })?;
        Ok(found.unwrap_or(false))
    }

    fn query_occurrences(
        &self,
        op: &'static str,
        filter: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<Occurrence>> {
        let sql = format!("SELECT {COLUMNS} FROM occurrences WHERE user = ?1 AND {filter}");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.sql_err(op))?;
        let rows = stmt
            .query_map(params, occurrence_from_row)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>());
        rows.map_err(self.sql_err(op))
    }
}

fn series_exists(tx: &Transaction<'_>, user: &str, series_key: &str) -> rusqlite::Result<bool> {
    super::cached_row(
        tx,
        "SELECT 1 FROM series WHERE user = ?1 AND series_key = ?2",
        params![user, series_key],
        |_| Ok(()),
    )
    .optional()
    .map(|found| found.is_some())
}

fn section_word(
    tx: &Transaction<'_>,
    user: &str,
    series_key: &str,
    occurrence_key: &str,
) -> rusqlite::Result<Option<String>> {
    super::cached_row(
        tx,
        "SELECT section_state FROM occurrences
         WHERE user = ?1 AND series_key = ?2 AND occurrence_key = ?3",
        params![user, series_key, occurrence_key],
        |r| r.get(0),
    )
    .optional()
}

fn upsert_timing(
    tx: &Transaction<'_>,
    user: &str,
    series_key: &str,
    t: &OccurrenceTiming,
) -> rusqlite::Result<Upserted> {
    let existed = section_word(tx, user, series_key, &t.occurrence_key)?.is_some();
    let changed = super::cached_exec(
        tx,
        "INSERT INTO occurrences (user, series_key, occurrence_key, start, \"end\",
             original_start, cancelled, section_state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (user, series_key, occurrence_key) DO UPDATE SET
             start = excluded.start, \"end\" = excluded.\"end\",
             original_start = excluded.original_start, cancelled = excluded.cancelled
         WHERE (start, \"end\", original_start, cancelled)
            IS NOT (excluded.start, excluded.\"end\", excluded.original_start, excluded.cancelled)",
        params![
            user,
            series_key,
            t.occurrence_key,
            Ts(t.start),
            Ts(t.end),
            Ts(t.original_start),
            t.cancelled,
            SectionState::NotPrepared.word()
        ],
    )?;
    Ok(upserted(existed, changed))
}

#[cfg(test)]
#[path = "occurrences_tests.rs"]
mod tests;
