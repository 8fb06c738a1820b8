//! The calendar's own error value: a Google error reason plus message and HTTP status.
//!
//! The state code in this module does not depend on the HTTP layer, so it reports errors as
//! [`CalError`]; `http.rs` turns them into the sandbox-wide Google-shaped error response.

use std::fmt;

/// A Calendar API failure in Google's terms: HTTP status, `errors[].reason` and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalError {
    /// HTTP status code Google answers with (400, 403, 404, 409, 410).
    pub code: u16,
    /// Google's `errors[].reason`, e.g. `notFound`, `invalid`, `fullSyncRequired`.
    pub reason: &'static str,
    /// Human-readable message, Google's wording where known.
    pub message: String,
}

impl CalError {
    /// 400 with the given reason.
    pub fn bad_request(reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: 400,
            reason,
            message: message.into(),
        }
    }

    /// 400 `invalid` — Google's generic "this value is wrong".
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::bad_request("invalid", message)
    }

    /// 404 `notFound` with Google's terse message.
    pub fn not_found() -> Self {
        Self {
            code: 404,
            reason: "notFound",
            message: "Not Found".into(),
        }
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            code: 403,
            reason: "forbidden",
            message: message.into(),
        }
    }

    /// 409 `duplicate`: a client-supplied event id is already taken.
    pub fn duplicate() -> Self {
        Self {
            code: 409,
            reason: "duplicate",
            message: "The requested identifier already exists.".into(),
        }
    }

    /// 412 `conditionNotMet`: an `If-Match` etag that is not the event's current one.
    pub fn precondition_failed() -> Self {
        Self {
            code: 412,
            reason: "conditionNotMet",
            message: "Precondition Failed".into(),
        }
    }

    /// 410 `deleted`: the event was already deleted.
    pub fn deleted() -> Self {
        Self {
            code: 410,
            reason: "deleted",
            message: "Resource has been deleted".into(),
        }
    }

    /// 410 `fullSyncRequired`: the sync token is unknown or expired.
    pub fn full_sync_required() -> Self {
        Self {
            code: 410,
            reason: "fullSyncRequired",
            message: "Sync token is no longer valid, a full sync is required.".into(),
        }
    }
}

impl fmt::Display for CalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.code, self.reason, self.message)
    }
}

impl std::error::Error for CalError {}
