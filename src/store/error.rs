//! The one error type of the store.
//!
//! Every message names the database file and the operation that failed, then says what to do.
//! The store is mostly a cache of Google (see the module docs), but advice is read in a hurry:
//! a message never tells anyone to delete the file. Where the file is healthy (busy, locked, a
//! migration that another process raced) deleting it would throw away a working store for
//! nothing, so the advice is to stop the other process and retry. Where the file really is
//! unusable (damaged, unreadable values) the last resort is to *move it aside* — kept for a bug
//! report, and restorable — and let a re-sync rebuild it from Google.
//!
//! The underlying error is part of the message rather than exposed through
//! [`std::error::Error::source`], so a report printed with `{:#}` does not repeat it; the
//! `cause` fields stay public for callers that need to branch on the SQLite error code.

use std::fmt;
use std::path::PathBuf;

use rusqlite::ErrorCode;

/// What the store says when it cannot do what was asked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The state directory did not exist and could not be created.
    #[error(
        "store {}: cannot create the state directory {}: {cause} — check that its parent \
         exists and is writable by this user",
        path.display(),
        dir.display()
    )]
    StateDir {
        path: PathBuf,
        dir: PathBuf,
        cause: std::io::Error,
    },
    /// The database file did not exist and could not be created with mode 0600.
    #[error(
        "store {}: cannot create the database file: {cause} — check that the state directory \
         is writable by this user",
        path.display()
    )]
    CreateFile {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// Another process holds the state directory's lock (see `lock.rs`).
    #[error(
        "state dir {}: in use by another oneonone ({}) — only one `run` or `once` may use a \
         state dir at a time: stop the other one first (e.g. `systemctl stop oneonone`), or use \
         `oneonone once --dry-run`, which needs no lock; the lock is {}",
        dir.display(),
        match pid { Some(p) => format!("pid {p}"), None => "pid not yet recorded".to_string() },
        lock_file.display()
    )]
    Locked {
        dir: PathBuf,
        lock_file: PathBuf,
        /// The holder's pid as it recorded it, when it has.
        pid: Option<u32>,
    },
    /// The lock file could not be created or locked.
    #[error(
        "state dir lock {}: {cause} — check that the state directory is writable by this user",
        path.display()
    )]
    LockFile {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// SQLite refused an operation.
    #[error("store {}: cannot {op}: {cause} — {}", path.display(), Hint(cause))]
    Sqlite {
        path: PathBuf,
        /// What the store was doing, e.g. "open" or "upsert series".
        op: &'static str,
        cause: rusqlite::Error,
    },
    /// Bringing the schema up to date failed.
    #[error(
        "store {}: cannot migrate the schema: {} — the file was left as it was; make sure \
         no other program writes to it and retry; if it persists, {MOVE_ASIDE}",
        path.display(),
        MigrateCause(cause)
    )]
    Migrate {
        path: PathBuf,
        cause: rusqlite_migration::Error,
    },
    /// The file was written by a newer oneonone whose schema this build does not know.
    #[error(
        "store {}: schema version {found} is newer than this oneonone supports ({supported}) — \
         run the newer oneonone (what it recorded would be lost to this one)",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: usize,
    },
    /// An update named a row that does not exist.
    #[error(
        "store {}: cannot {op}: no {what} — record it first (the caller's order of steps is wrong)",
        path.display()
    )]
    NotFound {
        path: PathBuf,
        op: &'static str,
        what: String,
    },
}

/// The last resort for a file that cannot be used: a move keeps it, unlike a delete.
const MOVE_ASIDE: &str = "stop oneonone, move the file aside (keep it for a bug report) and \
     start again: a re-sync rebuilds the store from Google";

/// A migration's failure without the whole migration's SQL, which rusqlite_migration's own
/// message repeats in full.
struct MigrateCause<'a>(&'a rusqlite_migration::Error);

impl fmt::Display for MigrateCause<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            rusqlite_migration::Error::RusqliteError {
                err: rusqlite::Error::SqlInputError { msg, .. },
                ..
            } => write!(f, "{msg}"),
            rusqlite_migration::Error::RusqliteError { err, .. } => write!(f, "{err}"),
            other => write!(f, "{other}"),
        }
    }
}

/// The advice that follows a SQLite error, chosen by its code.
struct Hint<'a>(&'a rusqlite::Error);

impl fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rebuild = MOVE_ASIDE;
        match self.0.sqlite_error_code() {
            // A healthy file another process is writing: deleting it would lose its work.
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => write!(
                f,
                "another process is writing the file (another oneonone, or a tool such as \
                 sqlite3): let it finish or stop it, then retry"
            ),
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                write!(f, "the file is damaged or not a oneonone store; {rebuild}")
            }
            Some(
                ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::ReadOnly
                | ErrorCode::AuthorizationForStatementDenied,
            ) => write!(
                f,
                "check that the file and its directory are readable and writable by this user"
            ),
            Some(ErrorCode::DiskFull) => write!(f, "free some disk space"),
            Some(ErrorCode::ConstraintViolation) => write!(
                f,
                "the caller broke an invariant of the store (a bug); if it persists, {rebuild}"
            ),
            _ if is_bad_value(self.0) => {
                write!(
                    f,
                    "the file holds values this oneonone cannot read; {rebuild}"
                )
            }
            _ => write!(
                f,
                "retry; if this persists, report it with this message (the file is kept as it is)"
            ),
        }
    }
}

fn is_bad_value(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    )
}

/// Shorthand for the store's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
