//! The one error type of the store.
//!
//! Every message names the database file and the operation that failed, then says what to do.
//! The store is only a cache of Google (see the module docs), so the last resort is always
//! the same and always safe: delete the file and let a re-sync rebuild it.
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
        "store {}: cannot migrate the schema: {cause} — delete the file to rebuild from Google",
        path.display()
    )]
    Migrate {
        path: PathBuf,
        cause: rusqlite_migration::Error,
    },
    /// The file was written by a newer oneonone whose schema this build does not know.
    #[error(
        "store {}: schema version {found} is newer than this oneonone supports ({supported}) — \
         run the newer oneonone, or delete the file to rebuild from Google",
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

/// The advice that follows a SQLite error, chosen by its code.
struct Hint<'a>(&'a rusqlite::Error);

impl fmt::Display for Hint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rebuild = "delete the file to rebuild from Google";
        match self.0.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                write!(f, "is another oneonone running? if not, {rebuild}")
            }
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
                "is another oneonone running? if this persists, {rebuild}"
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
