//! What the daemon remembers about Drive because Drive's search cannot tell it in time.
//!
//! `files.list` is not read-after-write: a file created seconds ago may be missing from a
//! query (issue 9 §3; google-api-php-client#1564 reports 5–15 s for new folders). So the
//! notes folder's id is remembered once created, and a `files.create` whose answer was lost
//! (a timeout: the file may exist) is remembered with its time, so that the marker lookup is
//! not trusted to say "it does not exist" until the search has had time to catch up.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::columns::{ts, Ts};
use super::{Result, Store};

/// The target of a remembered `files.create`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CreateTarget<'a> {
    /// The user's notes folder.
    Folder,
    /// The doc of one series.
    Doc { series_key: &'a str },
}

impl CreateTarget<'_> {
    fn column(&self) -> String {
        match self {
            CreateTarget::Folder => "folder".to_string(),
            CreateTarget::Doc { series_key } => format!("doc:{series_key}"),
        }
    }
}

impl Store {
    /// The notes folder this user's docs go into, once created or found.
    pub(crate) fn notes_folder(&self, user: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT folder_id FROM drive_folders WHERE user = ?1",
                params![user],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err("read the notes folder id"))
    }

    /// Remembers the notes folder (and forgets a pending folder create: it landed).
    pub(crate) fn set_notes_folder(
        &mut self,
        user: &str,
        folder_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("remember the notes folder id", |tx| {
            tx.execute(
                "INSERT INTO drive_folders (user, folder_id, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (user) DO UPDATE SET
                     folder_id = excluded.folder_id, updated_at = excluded.updated_at",
                params![user, folder_id, Ts(now)],
            )?;
            tx.execute(
                "DELETE FROM drive_creates WHERE user = ?1 AND target = 'folder'",
                params![user],
            )
            .map(drop)
        })
    }

    /// Forgets the notes folder (it was deleted or trashed): the next doc makes a new one.
    pub(crate) fn forget_notes_folder(&mut self, user: &str) -> Result<()> {
        self.write("forget the notes folder id", |tx| {
            tx.execute("DELETE FROM drive_folders WHERE user = ?1", params![user])
                .map(drop)
        })
    }

    /// Records that a `files.create` for `target` is about to be sent. The caller sends one
    /// only when no earlier attempt is still settling, so a new attempt replaces an old one.
    pub(crate) fn note_create_attempt(
        &mut self,
        user: &str,
        target: &CreateTarget<'_>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let target = target.column();
        self.write("record a Drive create attempt", |tx| {
            tx.execute(
                "INSERT INTO drive_creates (user, target, attempted_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (user, target) DO UPDATE SET attempted_at = excluded.attempted_at",
                params![user, target, Ts(now)],
            )
            .map(drop)
        })
    }

    /// When a `files.create` for `target` was sent without its file being known since.
    pub(crate) fn create_attempt(
        &self,
        user: &str,
        target: &CreateTarget<'_>,
    ) -> Result<Option<DateTime<Utc>>> {
        self.conn
            .query_row(
                "SELECT attempted_at FROM drive_creates WHERE user = ?1 AND target = ?2",
                params![user, target.column()],
                |r| ts(r, "attempted_at"),
            )
            .optional()
            .map_err(self.sql_err("read a Drive create attempt"))
    }

    /// The file of `target` is known (created, or found by its marker): forget the attempt.
    pub(crate) fn clear_create_attempt(
        &mut self,
        user: &str,
        target: &CreateTarget<'_>,
    ) -> Result<()> {
        let target = target.column();
        self.write("forget a Drive create attempt", |tx| {
            tx.execute(
                "DELETE FROM drive_creates WHERE user = ?1 AND target = ?2",
                params![user, target],
            )
            .map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, min, 0).unwrap()
    }

    #[test]
    fn the_folder_is_remembered_per_user_and_forgotten() {
        let mut s = Store::open_in_memory().unwrap();
        assert_eq!(s.notes_folder("a@x.org").unwrap(), None);
        s.set_notes_folder("a@x.org", "F1", at(0)).unwrap();
        s.set_notes_folder("b@x.org", "F2", at(0)).unwrap();
        assert_eq!(s.notes_folder("a@x.org").unwrap().as_deref(), Some("F1"));
        s.set_notes_folder("a@x.org", "F3", at(1)).unwrap();
        assert_eq!(s.notes_folder("a@x.org").unwrap().as_deref(), Some("F3"));
        s.forget_notes_folder("a@x.org").unwrap();
        assert_eq!(s.notes_folder("a@x.org").unwrap(), None);
        assert_eq!(s.notes_folder("b@x.org").unwrap().as_deref(), Some("F2"));
    }

    #[test]
    fn the_latest_create_attempt_is_kept_until_cleared() {
        let mut s = Store::open_in_memory().unwrap();
        let doc = CreateTarget::Doc {
            series_key: "primary/abc",
        };
        s.note_create_attempt("a@x.org", &doc, at(0)).unwrap();
        s.note_create_attempt("a@x.org", &doc, at(5)).unwrap();
        assert_eq!(s.create_attempt("a@x.org", &doc).unwrap(), Some(at(5)));
        assert_eq!(s.create_attempt("b@x.org", &doc).unwrap(), None);
        assert_eq!(
            s.create_attempt("a@x.org", &CreateTarget::Folder).unwrap(),
            None
        );
        s.clear_create_attempt("a@x.org", &doc).unwrap();
        assert_eq!(s.create_attempt("a@x.org", &doc).unwrap(), None);

        s.note_create_attempt("a@x.org", &CreateTarget::Folder, at(1))
            .unwrap();
        s.set_notes_folder("a@x.org", "F", at(2)).unwrap();
        assert_eq!(
            s.create_attempt("a@x.org", &CreateTarget::Folder).unwrap(),
            None,
            "a remembered folder ends its pending create"
        );
    }
}
