//! Store-level tests (opening, migrations, files, errors) and fixtures shared by the table tests.

use super::*;
use chrono::{DateTime, Utc};

/// Parses an RFC 3339 instant in a test.
pub(crate) fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A stored-ready series with plausible values.
pub(crate) fn series_rec(user: &str, key: &str) -> SeriesRecord {
    SeriesRecord {
        user: user.into(),
        series_key: key.into(),
        doc_id: None,
        doc_url: None,
        title: "Alice / Bob 1:1".into(),
        organizer_email: "alice@x.com".into(),
        other_email: Some("bob@x.com".into()),
        time_zone: "Europe/Berlin".into(),
        event_ids: vec![format!("ev-{key}")],
        state: SeriesState::Active,
        adopted: false,
        created_at: t("2026-11-01T08:00:00Z"),
        updated_at: t("2026-11-01T08:00:00Z"),
    }
}

/// An occurrence timing starting at `start` (one hour long, never moved).
pub(crate) fn timing(key: &str, start: &str) -> OccurrenceTiming {
    let start = t(start);
    OccurrenceTiming {
        occurrence_key: key.into(),
        start,
        end: start + chrono::Duration::hours(1),
        original_start: start,
        cancelled: false,
    }
}

fn table_names(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn migrations_apply_from_empty_in_memory() {
    let s = Store::open_in_memory().unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        migrations::LATEST_VERSION as i64
    );
    assert_eq!(
        table_names(&s),
        [
            "action_items",
            "action_tasks",
            "calendar_events",
            "calendar_sync",
            "directory_names",
            "doc_tabs",
            "drive_creates",
            "drive_folders",
            "drive_sync",
            "held_steps",
            "occurrences",
            "push_channels",
            "series",
            "task_lists",
            "user_backoff"
        ]
    );
    let fk: bool = s
        .conn
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap();
    assert!(fk, "foreign keys must be enforced");
}

#[test]
fn reopen_is_idempotent_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut s = Store::open_in_state_dir(dir.path()).unwrap();
        s.set_drive_page_token("a@x", "p1", t("2026-11-24T09:00:00Z"))
            .unwrap();
    }
    let s = Store::open_in_state_dir(dir.path()).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        migrations::LATEST_VERSION as i64
    );
    assert_eq!(s.drive_page_token("a@x").unwrap().as_deref(), Some("p1"));
    assert_eq!(s.path(), dir.path().join(DB_FILE_NAME));
    let mode: String = s
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_ascii_lowercase(), "wal");
}

#[test]
fn a_reader_shares_the_file_with_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let mut daemon = Store::open_in_state_dir(dir.path()).unwrap();
    let cli = Store::open_reader_in_state_dir(dir.path()).unwrap();
    daemon
        .set_drive_page_token("a@x", "p9", t("2026-11-24T09:00:00Z"))
        .unwrap();
    assert_eq!(cli.drive_page_token("a@x").unwrap().as_deref(), Some("p9"));
}

#[test]
fn a_reader_on_a_fresh_dir_creates_the_store_and_leaves_the_lock_free() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let reader = Store::open_reader_in_state_dir(&state).unwrap();
    assert_eq!(
        reader.schema_version().unwrap(),
        migrations::LATEST_VERSION as i64
    );
    // The daemon can still start while the reader is open.
    Store::open_in_state_dir(&state).expect("writer starts beside a reader");
}

#[cfg(unix)]
#[test]
fn a_second_writer_is_refused_before_touching_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open_in_state_dir(dir.path()).unwrap();
    let err = Store::open_in_state_dir(dir.path()).unwrap_err();
    assert!(
        matches!(&err, StoreError::Locked { pid: Some(p), .. } if *p == std::process::id()),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("pid {}", std::process::id())),
        "{msg}"
    );
    assert!(msg.contains("--dry-run"), "{msg}");
    drop(first);
    Store::open_in_state_dir(dir.path()).expect("the lock goes with its store");
}

#[test]
fn a_failed_migration_does_not_advise_deleting_a_healthy_file() {
    // What a racing second process used to hit: the tables exist but `user_version` is 0.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    drop(Store::open_file(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 0).unwrap();
    }
    let err = Store::open_file(&path).unwrap_err();
    assert!(matches!(err, StoreError::Migrate { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("already exists"), "{msg}");
    assert!(!msg.contains("delete"), "{msg}");
    assert!(msg.contains("left as it was"), "{msg}");
}

#[test]
fn no_store_message_advises_deleting() {
    let dir = tempfile::tempdir().unwrap();
    let busy =
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
    let other = rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR),
        None,
    );
    for cause in [busy, other] {
        let msg = StoreError::Sqlite {
            path: dir.path().join(DB_FILE_NAME),
            op: "write",
            cause,
        }
        .to_string();
        assert!(!msg.contains("delete"), "{msg}");
    }
    let too_new = StoreError::TooNew {
        path: dir.path().join(DB_FILE_NAME),
        found: 9,
        supported: 1,
    }
    .to_string();
    assert!(!too_new.contains("delete"), "{too_new}");
}

#[cfg(unix)]
#[test]
fn creates_private_dir_and_file() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("nested").join("state");
    let mut s = Store::open_in_state_dir(&state).unwrap();
    // Force a WAL write so the sidecar files exist too.
    s.set_drive_page_token("a@x", "p1", t("2026-11-24T09:00:00Z"))
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&state), 0o700);
    assert_eq!(mode(&state.join(DB_FILE_NAME)), 0o600);
    let wal = state.join(format!("{DB_FILE_NAME}-wal"));
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600, "SQLite should copy the db file's mode");
    }
}

#[test]
fn garbage_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    std::fs::write(&path, vec![b'x'; 4096]).unwrap();
    let err = Store::open_file(&path).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("store {}: cannot open:", path.display())),
        "{msg}"
    );
    assert!(
        msg.contains("move the file aside") && !msg.contains("delete"),
        "{msg}"
    );
}

#[test]
fn truncated_database_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    {
        let mut s = Store::open_file(&path).unwrap();
        s.set_drive_page_token("a@x", "p1", t("2026-11-24T09:00:00Z"))
            .unwrap();
    }
    // A valid header followed by nonsense pages.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.truncate(100);
    bytes.extend(std::iter::repeat_n(0xA5, 8192));
    std::fs::write(&path, bytes).unwrap();
    let _ = std::fs::remove_file(dir.path().join(format!("{DB_FILE_NAME}-wal")));
    let result = Store::open_file(&path).and_then(|s| s.drive_page_token("a@x"));
    let msg = result.unwrap_err().to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(
        msg.contains("move the file aside") && !msg.contains("delete"),
        "{msg}"
    );
}

#[test]
fn schema_from_the_future_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    drop(Store::open_file(&path).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let err = Store::open_file(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found: 99, .. }),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .contains("newer than this oneonone supports"));
}

#[test]
fn missing_parent_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join(DB_FILE_NAME);
    let err = Store::open_file(&path).unwrap_err();
    assert!(matches!(err, StoreError::CreateFile { .. }), "{err:?}");
    assert!(err.to_string().contains("cannot create the database file"));
}

#[test]
fn unreadable_column_is_an_error_naming_the_fix() {
    let mut s = Store::open_in_memory().unwrap();
    s.upsert_series(&series_rec("a@x", "k1")).unwrap();
    s.conn
        .execute("UPDATE series SET created_at = 'last tuesday'", [])
        .unwrap();
    let msg = s.series("a@x", "k1").unwrap_err().to_string();
    assert!(msg.contains("cannot read a series"), "{msg}");
    assert!(
        msg.contains("\"last tuesday\" is not an RFC 3339 instant"),
        "{msg}"
    );
    assert!(
        msg.contains("move the file aside") && !msg.contains("delete"),
        "{msg}"
    );
}

#[test]
fn store_can_move_into_spawn_blocking() {
    fn assert_send<T: Send + 'static>() {}
    assert_send::<Store>();
    assert_send::<StoreError>();
}
