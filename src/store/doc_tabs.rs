//! The tab of each doc that holds the daemon's sections.
//!
//! A Google Doc can have several tabs, and a person may add one before ours at any time; the
//! Docs API's legacy fields and every request without a `tabId` then mean the new first tab
//! ("Work with tabs", developers.google.com/docs/api/how-tos/tabs). The tab our sections were
//! last written to is recorded here, so reads stay on it even when its named ranges are gone.
//! Losing this table loses little: the tab is found again by its `oneonone:` named ranges.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::columns::Ts;
use super::{Result, Store};

impl Store {
    /// The recorded tab of `doc_id`, if any.
    pub fn doc_tab(&self, user: &str, doc_id: &str) -> Result<Option<String>> {
        self.conn
            .query_row(
                "SELECT tab_id FROM doc_tabs WHERE user = ?1 AND doc_id = ?2",
                params![user, doc_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err("read the doc's tab"))
    }

    /// Records `tab_id` as the tab of `doc_id` (written only when it changed).
    pub fn set_doc_tab(
        &mut self,
        user: &str,
        doc_id: &str,
        tab_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write("record the doc's tab", |tx| {
            tx.execute(
                "INSERT INTO doc_tabs (user, doc_id, tab_id, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (user, doc_id) DO UPDATE SET
                     tab_id = excluded.tab_id, updated_at = excluded.updated_at
                 WHERE tab_id IS NOT excluded.tab_id",
                params![user, doc_id, tab_id, Ts(now)],
            )
            .map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_docs_tab_is_recorded_per_user_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_in_state_dir(dir.path()).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        assert_eq!(store.doc_tab("a@x", "d1").unwrap(), None);
        store.set_doc_tab("a@x", "d1", "t.0", now).unwrap();
        assert_eq!(store.doc_tab("a@x", "d1").unwrap().as_deref(), Some("t.0"));
        assert_eq!(store.doc_tab("b@x", "d1").unwrap(), None);
        store.set_doc_tab("a@x", "d1", "t.notes", now).unwrap();
        assert_eq!(
            store.doc_tab("a@x", "d1").unwrap().as_deref(),
            Some("t.notes")
        );
    }
}
