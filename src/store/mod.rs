//! The SQLite journal and cache of the daemon.
//!
//! Google is the source of truth (DESIGN.md §2): deleting this file loses nothing a re-sync
//! cannot rebuild. It holds, per served user (every row is keyed by the user's email):
//!
//! * sync state — Calendar sync token per (user, calendar) and Drive changes page token
//!   ([`sync`]);
//! * the calendar cache — the raw JSON of every event sync has seen, so the daemon can rebuild
//!   a series' occurrences without an API call and an idle poll costs one Calendar call
//!   ([`events`]);
//! * series → doc ([`series`]), their occurrences and section state ([`occurrences`]);
//! * the action-item ledger ([`ledger`]);
//! * per-user back-off across passes ([`backoff`]).
//!
//! # Using it from async code
//!
//! The API is synchronous, like rusqlite. A [`Store`] owns one connection; it is `Send` but not
//! `Sync`. The intended use in the daemon is one `Arc<std::sync::Mutex<Store>>`, locked inside
//! `tokio::task::spawn_blocking` (or for a short, non-`.await`ing critical section: each call
//! is a few small indexed statements). Never hold the lock across an `.await`. A CLI command
//! such as `oneonone actions` can open its own `Store` on the same file while the daemon runs
//! ([`Store::open_reader_in_state_dir`]): the file is in WAL mode (readers do not block the
//! writer) with a busy timeout.
//!
//! # One writer per state directory
//!
//! [`Store::open_in_state_dir`] takes an exclusive lock on the state directory ([`lock`]) and
//! holds it for the life of the `Store`, migrations included: a second daemon (`once` while the
//! service runs) fails at once naming the holder's pid, instead of creating a second doc for
//! every new series.
//!
//! Writes take `&mut self` and each is one transaction, so a crash leaves either the old or the
//! new state. The store never reads the clock: every timestamp (`now`, `at`) comes from the
//! caller, so the simulated clock of the tests and the sandbox applies here too.

pub(crate) mod backoff;
mod columns;
mod doc_tabs;
pub(crate) mod drive;
mod error;
pub(crate) mod events;
pub(crate) mod held;
pub(crate) mod ledger;
mod lock;
mod migrations;
mod names;
pub(crate) mod occurrences;
pub(crate) mod push;
pub(crate) mod series;
pub(crate) mod sync;
pub(crate) mod tasks;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, Transaction};

pub use backoff::UserBackoff;
pub use error::{Result, StoreError};
pub use events::{CachedEvent, EventStatus};
pub use held::HeldStep;
pub use ledger::{
    DoneFilter, ItemKey, LedgerEntry, LedgerItem, LedgerOwner, LedgerQuery, ReplacedItems,
};
pub use lock::LOCK_FILE_NAME;
pub use names::DirectoryName;
pub use occurrences::{Occurrence, OccurrenceTiming, SectionState};
pub use push::PushChannel;
pub use series::{SeriesRecord, SeriesState};
pub use tasks::{ActionTask, TaskListRecord, TaskRowState};

/// The database file's name inside the state directory.
pub const DB_FILE_NAME: &str = "oneonone.sqlite";

/// How long a statement waits for another connection's lock before failing with "busy".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What an upsert did: callers log and count it; tests use it to prove idempotency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Upserted {
    /// The row did not exist.
    Inserted,
    /// The row existed and some stored value changed.
    Updated,
    /// The row existed with exactly these values; nothing was written.
    Unchanged,
}

/// An open store: one SQLite connection with the schema at the latest version.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// The database file, or `:memory:`; named in every error.
    path: PathBuf,
    /// The state directory's lock, held by the writer opened with
    /// [`Store::open_in_state_dir`]; released when the store is dropped.
    _lock: Option<lock::StateDirLock>,
}

impl Store {
    /// Opens (creating if missing) `<state_dir>/oneonone.sqlite` as the state directory's one
    /// writer: takes its lock first (failing with [`StoreError::Locked`] when another process
    /// holds it), then migrates. A missing state directory is created with mode 0700, a missing
    /// file with mode 0600 (on unix): the store holds email addresses and meeting titles.
    pub fn open_in_state_dir(state_dir: &Path) -> Result<Store> {
        let path = state_dir.join(DB_FILE_NAME);
        create_dir_private(state_dir).map_err(|cause| StoreError::StateDir {
            path: path.clone(),
            dir: state_dir.to_path_buf(),
            cause,
        })?;
        let lock = lock::StateDirLock::acquire(state_dir)?;
        let mut store = Store::open_file(&path)?;
        store._lock = Some(lock);
        Ok(store)
    }

    /// Opens the store in `state_dir` for a reader that may run beside the daemon (`oneonone
    /// actions`). A store already at this build's schema is opened without the lock and
    /// without migrating; a missing or older one is created or migrated under the lock, which
    /// is released before returning — so a running writer is never raced, and a reader never
    /// keeps the daemon from starting.
    pub fn open_reader_in_state_dir(state_dir: &Path) -> Result<Store> {
        let path = state_dir.join(DB_FILE_NAME);
        if path.is_file() {
            let conn = Store::connect(&path)?;
            let found = Store::version_of(&conn, &path)?;
            if found == migrations::LATEST_VERSION as i64 {
                return Ok(Store {
                    conn,
                    path,
                    _lock: None,
                });
            }
        }
        let mut store = Store::open_in_state_dir(state_dir)?;
        store._lock = None;
        Ok(store)
    }

    /// Opens (creating with mode 0600 if missing) the database at `path` and brings its schema
    /// up to date. The parent directory must exist.
    ///
    /// This takes no lock: it is for files no other process writes (a dry run's private copy).
    pub fn open_file(path: &Path) -> Result<Store> {
        let conn = Store::connect(path)?;
        Store::init(conn, path.to_path_buf())
    }

    /// Creates the file with mode 0600 if missing, connects and sets the pragmas every
    /// connection needs.
    fn connect(path: &Path) -> Result<Connection> {
        create_file_private(path).map_err(|cause| StoreError::CreateFile {
            path: path.to_path_buf(),
            cause,
        })?;
        let conn = Connection::open(path).map_err(|cause| StoreError::Sqlite {
            path: path.to_path_buf(),
            op: "open",
            cause,
        })?;
        Store::configure(&conn, path)?;
        Ok(conn)
    }

    /// A fresh store in memory, for tests and dry runs.
    pub fn open_in_memory() -> Result<Store> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|cause| StoreError::Sqlite {
            path: path.clone(),
            op: "open",
            cause,
        })?;
        Store::configure(&conn, &path)?;
        Store::init(conn, path)
    }

    /// The database file (or `:memory:`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file (SQLite `user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(self.sql_err("read the schema version"))
    }

    /// Sets the pragmas every connection needs.
    fn configure(conn: &Connection, path: &Path) -> Result<()> {
        let err = |cause| StoreError::Sqlite {
            path: path.to_path_buf(),
            op: "open",
            cause,
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        // The first statement that reads the file: a non-database fails here, with NOTADB.
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(err)?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            tracing::warn!(path = %path.display(), mode, "store: WAL mode unavailable");
        }
        // NORMAL is durable across application crashes in WAL mode; only a power loss can
        // forget the last transactions, which a re-sync restores.
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(err)?;
        Ok(())
    }

    /// The file's schema version; one from the future is refused.
    fn version_of(conn: &Connection, path: &Path) -> Result<i64> {
        let found: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|cause| StoreError::Sqlite {
                path: path.to_path_buf(),
                op: "open",
                cause,
            })?;
        if found > migrations::LATEST_VERSION as i64 {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: migrations::LATEST_VERSION,
            });
        }
        Ok(found)
    }

    /// Refuses a schema from the future, migrates.
    fn init(mut conn: Connection, path: PathBuf) -> Result<Store> {
        Store::version_of(&conn, &path)?;
        migrations::migrations()
            .to_latest(&mut conn)
            .map_err(|cause| StoreError::Migrate {
                path: path.clone(),
                cause,
            })?;
        Ok(Store {
            conn,
            path,
            _lock: None,
        })
    }

    /// Runs `f` in one transaction and commits it; any failure rolls back and is reported as
    /// `op` on this file.
    fn write<T>(
        &mut self,
        op: &'static str,
        f: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let Store { conn, path, .. } = self;
        let run = || {
            let tx = conn.transaction()?;
            let value = f(&tx)?;
            tx.commit()?;
            Ok(value)
        };
        run().map_err(|cause| StoreError::Sqlite {
            path: path.clone(),
            op,
            cause,
        })
    }

    /// Maps a rusqlite error to a [`StoreError`] naming this file and `op`.
    fn sql_err(&self, op: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |cause| StoreError::Sqlite {
            path: self.path.clone(),
            op,
            cause,
        }
    }

    /// Turns "0 rows matched" into [`StoreError::NotFound`].
    fn expect_row(
        &self,
        matched: usize,
        op: &'static str,
        what: impl FnOnce() -> String,
    ) -> Result<()> {
        if matched > 0 {
            return Ok(());
        }
        Err(self.missing(op, what))
    }

    /// The [`StoreError::NotFound`] for `op`, naming the missing row.
    fn missing(&self, op: &'static str, what: impl FnOnce() -> String) -> StoreError {
        StoreError::NotFound {
            path: self.path.clone(),
            op,
            what: what(),
        }
    }
}

/// `query_row` through the connection's statement cache: an idle pass runs the same few
/// statements for every user, and compiling SQL was ~40 % of its CPU (BENCHMARKS.md).
fn cached_row<T, P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// `execute` through the connection's statement cache (see [`cached_row`]).
fn cached_exec<P: rusqlite::Params>(
    conn: &Connection,
    sql: &str,
    params: P,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// Statements kept compiled per connection: more than the store has, so none is evicted.
const STATEMENT_CACHE: usize = 64;

/// Classifies an upsert from whether the row existed and how many rows the statement changed.
fn upserted(existed: bool, changed: usize) -> Upserted {
    match (existed, changed) {
        (false, _) => Upserted::Inserted,
        (true, 0) => Upserted::Unchanged,
        (true, _) => Upserted::Updated,
    }
}

#[cfg(unix)]
fn create_dir_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_dir_private(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Creates the file if it is missing, so SQLite opens a file that already has our mode (SQLite
/// gives its `-wal` and `-shm` files the same mode as the database). An existing file is left
/// as the operator set it.
fn create_file_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests;
