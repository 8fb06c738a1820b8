//! What went wrong with a Google call, in the terms the caller acts on.
//!
//! The generated crates lose the HTTP status: a JSON error body comes back as
//! `Error::BadRequest(json)` whatever the status was. We recover it two ways: from the body
//! (`error.code`, `error.errors[0].reason`, `error.status`) and from a [`FailureProbe`]
//! delegate that sees the raw response (status and `Retry-After`) before the crate discards it.
//! [`classify`] then maps everything onto [`GoogleError`], whose variants are decisions:
//! re-sync, back off, re-read, give up. Messages carry Google's text, never a token or header.

use std::time::Duration;

use google_calendar3::common;
use serde_json::Value;

/// A classified failure of one Google API call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GoogleError {
    /// 410 on a Calendar list with a sync token (`fullSyncRequired`): drop the token and run a
    /// full sync.
    #[error("sync token no longer valid, a full sync is required (410): {message}")]
    FullSyncRequired { message: String },
    /// 404 (or 410 `deleted`): the event, document or file does not exist or is not visible.
    #[error("not found (404): {message}")]
    NotFound { message: String },
    /// 429, or 403 `rateLimitExceeded` / `userRateLimitExceeded` / `sharingRateLimitExceeded`:
    /// too fast for now; back off and retry (Drive's and Calendar's error guides prescribe
    /// exponential backoff for these). `retry_after` is Google's hint when it gave one.
    #[error("rate limited{}: {message}", retry_label(*retry_after))]
    RateLimited {
        retry_after: Option<Duration>,
        message: String,
    },
    /// 403 `dailyLimitExceeded` / `quotaExceeded`: a daily or project quota is used up, and
    /// retrying within seconds only burns more of it. Not retried in the call: the caller parks
    /// the user until `retry_after` (Google's hint) or, without one, until the next midnight
    /// Pacific time, when daily quotas reset — computed by the caller on its own clock.
    #[error(
        "quota exhausted (403 {reason}), retry {} or after raising the quota in the Cloud \
         console: {message}",
        quota_wait_label(*retry_after)
    )]
    QuotaExhausted {
        reason: String,
        retry_after: Option<Duration>,
        message: String,
    },
    /// A Docs `batchUpdate` that carried `writeControl.requiredRevisionId` was refused: the
    /// document changed since it was read. Re-read and re-plan; never force.
    #[error("document changed since it was read (revision conflict): {message}")]
    RevisionConflict { message: String },
    /// 403 for any other reason: missing permission, delegation not granted, domain policy.
    #[error("forbidden (403 {reason}): {message}")]
    Forbidden { reason: String, message: String },
    /// 401, or no token could be obtained (key revoked, delegation missing, login needed).
    #[error("not authorised: {message}")]
    Unauthorized { message: String },
    /// 5xx, 408, timeouts and connection failures: worth retrying as is.
    #[error("transient failure{}: {message}", status_label(*code, None))]
    Transient { code: Option<u16>, message: String },
    /// A local problem found before any request could be made: an unreadable key file or
    /// token cache, a user the configuration does not serve.
    #[error("cannot use Google: {message}")]
    Setup { message: String },
    /// Anything else (400, 409, undecodable answers, client-side misuse): retrying the same
    /// request will fail the same way.
    #[error("request failed{}: {message}", status_label(*code, reason.as_deref()))]
    Permanent {
        code: Option<u16>,
        reason: Option<String>,
        message: String,
    },
}

/// `" (400 badRequest)"`, `" (400)"`, `" (badRequest)"` or nothing.
fn status_label(code: Option<u16>, reason: Option<&str>) -> String {
    match (code, reason) {
        (Some(c), Some(r)) => format!(" ({c} {r})"),
        (Some(c), None) => format!(" ({c})"),
        (None, Some(r)) => format!(" ({r})"),
        (None, None) => String::new(),
    }
}

fn quota_wait_label(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("in {}s", d.as_secs()),
        None => "after the daily reset (midnight Pacific time)".to_string(),
    }
}

fn retry_label(retry_after: Option<Duration>) -> String {
    retry_after
        .map(|d| format!(" (retry after {}s)", d.as_secs_f64()))
        .unwrap_or_default()
}

impl GoogleError {
    /// The decision this error stands for, as a metric label (`google_errors_total{kind}`).
    pub fn kind(&self) -> &'static str {
        match self {
            GoogleError::FullSyncRequired { .. } => "full_sync_required",
            GoogleError::NotFound { .. } => "not_found",
            GoogleError::RateLimited { .. } => "rate_limited",
            GoogleError::QuotaExhausted { .. } => "quota_exhausted",
            GoogleError::RevisionConflict { .. } => "revision_conflict",
            GoogleError::Forbidden { .. } => "forbidden",
            GoogleError::Unauthorized { .. } => "unauthorized",
            GoogleError::Transient { .. } => "transient",
            GoogleError::Setup { .. } => "setup",
            GoogleError::Permanent { .. } => "permanent",
        }
    }

    /// The HTTP status as a metric label (`google_requests_total{status}`): the code when the
    /// variant implies or carries one (a rate limit is counted as `429`, though Google also
    /// says it with 403), else what failed instead of an answer: `transport` (timeout or
    /// connection), `setup` (no request made) or `undecodable`.
    pub fn metric_status(&self) -> String {
        let code = match self {
            GoogleError::FullSyncRequired { .. } => Some(410),
            GoogleError::NotFound { .. } => Some(404),
            GoogleError::RateLimited { .. } => Some(429),
            GoogleError::QuotaExhausted { .. } | GoogleError::Forbidden { .. } => Some(403),
            GoogleError::RevisionConflict { .. } => Some(400),
            GoogleError::Unauthorized { .. } => Some(401),
            GoogleError::Transient { code, .. } | GoogleError::Permanent { code, .. } => *code,
            GoogleError::Setup { .. } => return "setup".to_string(),
        };
        match (code, self) {
            (Some(c), _) => c.to_string(),
            (None, GoogleError::Transient { .. }) => "transport".to_string(),
            (None, _) => "undecodable".to_string(),
        }
    }

    /// Whether repeating the identical request later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            GoogleError::Transient { .. } | GoogleError::RateLimited { .. }
        )
    }

    /// Whether Google certainly refused the request without acting on it (a rate limit), so
    /// even a non-idempotent write may be sent again. A timeout or 5xx is not a refusal: the
    /// write may have been applied.
    pub fn is_refusal(&self) -> bool {
        matches!(self, GoogleError::RateLimited { .. })
    }

    /// How long to wait before the same request may succeed: Google's `Retry-After` (or
    /// `RetryInfo.retryDelay`) hint for a rate limit, the time to the quota reset for an
    /// exhausted quota.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            GoogleError::RateLimited { retry_after, .. } => *retry_after,
            GoogleError::QuotaExhausted { retry_after, .. } => {
                Some(retry_after.unwrap_or_else(|| until_pacific_midnight(chrono::Utc::now())))
            }
            _ => None,
        }
    }

    /// Whether a guarded Docs write was refused because the document changed since it was
    /// read: re-read the document once and re-plan. Any other refusal of the write (a bad index,
    /// a malformed request) is [`GoogleError::Permanent`] and re-reading will not help.
    pub fn is_revision_conflict(&self) -> bool {
        matches!(self, GoogleError::RevisionConflict { .. })
    }

    /// Reinterprets a refusal of a write that carried `writeControl.requiredRevisionId`.
    ///
    /// The Docs reference (`WriteControl.requiredRevisionId`) says only that a revision that
    /// is not the latest "returns a 400 bad request error". What comes back, as recorded by
    /// public probes of the live API, is 400 with `status: FAILED_PRECONDITION` and the message
    /// "The required revision ID '…' does not match the latest revision." A malformed request
    /// on the same call is 400 `INVALID_ARGUMENT` ("Invalid requests[0].insertText: …"). So
    /// only a 400 that says `FAILED_PRECONDITION`, or whose message is about the required
    /// revision (Apps Script's relay drops the status), is a conflict; every other 400 stays
    /// a permanent bad request with Google's message.
    pub fn into_revision_conflict(self) -> GoogleError {
        match self {
            GoogleError::Permanent {
                code: Some(400) | None,
                reason,
                message,
            } if reason.as_deref() == Some("FAILED_PRECONDITION")
                || mentions_required_revision(&message) =>
            {
                GoogleError::RevisionConflict { message }
            }
            other => other,
        }
    }
}

/// Whether Google's message is about the required revision ("The required revision ID '…' does
/// not match the latest revision."), whatever else it says.
fn mentions_required_revision(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("required revision") || lower.contains("requiredrevisionid")
}

/// A delegate that records the HTTP status and `Retry-After` of a failed response, which the
/// crates otherwise drop. It never asks the crate to retry: [`super::retry`] owns that.
#[derive(Debug, Default)]
pub(crate) struct FailureProbe {
    status: Option<u16>,
    retry_after: Option<Duration>,
}

impl common::Delegate for FailureProbe {
    fn http_failure(&mut self, response: &common::Response, _: Option<&Value>) -> common::Retry {
        self.status = Some(response.status().as_u16());
        self.retry_after = response
            .headers()
            .get(hyper::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        common::Retry::Abort
    }
}

impl FailureProbe {
    /// Classifies the outcome of one call made with this probe as its delegate.
    pub fn finish<T>(
        &self,
        outcome: Result<common::Result<T>, tokio::time::error::Elapsed>,
        timeout: Duration,
    ) -> Result<T, GoogleError> {
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(classify(e, self.status, self.retry_after)),
            Err(_) => Err(GoogleError::Transient {
                code: None,
                message: format!("no answer within {}s", timeout.as_secs_f64()),
            }),
        }
    }
}

/// `Retry-After` is either delta-seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// `RetryInfo.retryDelay` in `error.details` is a protobuf duration string such as `"30s"` or
/// `"1.5s"`.
fn retry_delay_from_details(error: &Value) -> Option<Duration> {
    error
        .get("details")?
        .as_array()?
        .iter()
        .filter_map(|d| d.get("retryDelay")?.as_str())
        .find_map(|s| {
            let secs: f64 = s.strip_suffix('s')?.parse().ok()?;
            Duration::try_from_secs_f64(secs).ok()
        })
}

/// Maps a crate error onto [`GoogleError`]. `status` and `retry_after` come from a
/// [`FailureProbe`] when one was attached; the JSON body wins where both speak.
pub fn classify(
    err: common::Error,
    status: Option<u16>,
    retry_after: Option<Duration>,
) -> GoogleError {
    use common::Error as E;
    match err {
        E::BadRequest(body) => classify_body(&body, status, retry_after),
        E::Failure(response) => {
            let code = response.status().as_u16();
            let retry_after = retry_after.or_else(|| {
                response
                    .headers()
                    .get(hyper::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(parse_retry_after)
            });
            let reason = response
                .status()
                .canonical_reason()
                .unwrap_or("unknown status");
            from_parts(
                Some(code),
                None,
                None,
                retry_after,
                format!("HTTP {code} {reason}"),
            )
        }
        E::HttpError(e) => GoogleError::Transient {
            code: None,
            message: format!("connection failed: {e}"),
        },
        E::Io(e) => GoogleError::Transient {
            code: None,
            message: format!("I/O error: {e}"),
        },
        E::MissingToken(e) => classify_token_error(e.as_ref()),
        E::JsonDecodeError(_, e) => GoogleError::Permanent {
            code: status,
            reason: Some("undecodableResponse".into()),
            message: format!("the answer could not be decoded: {e}"),
        },
        E::UploadSizeLimitExceeded(size, max) => GoogleError::Permanent {
            code: None,
            reason: Some("uploadTooLarge".into()),
            message: format!("upload of {size} bytes exceeds the limit of {max}"),
        },
        E::MissingAPIKey => GoogleError::Unauthorized {
            message: "the method needs an API key and none is configured".into(),
        },
        E::Cancelled => GoogleError::Permanent {
            code: None,
            reason: Some("cancelled".into()),
            message: "cancelled by the delegate".into(),
        },
        E::FieldClash(field) => GoogleError::Permanent {
            code: None,
            reason: Some("fieldClash".into()),
            message: format!("parameter {field} given twice"),
        },
    }
}

/// Reads Google's error shape: `{"error": {"code", "message", "status", "errors": [{"reason"}],
/// "details"}}`. OAuth-style bodies (`{"error": "invalid_grant", "error_description"}`) are
/// understood too.
fn classify_body(body: &Value, status: Option<u16>, retry_after: Option<Duration>) -> GoogleError {
    let error = body.get("error").unwrap_or(body);
    if let Some(oauth) = error.as_str() {
        let description = body
            .get("error_description")
            .and_then(Value::as_str)
            .unwrap_or("");
        return GoogleError::Unauthorized {
            message: format!("{oauth}: {description}")
                .trim_end_matches([':', ' '])
                .into(),
        };
    }
    let code = error
        .get("code")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok())
        .or(status);
    let reason = error
        .get("errors")
        .and_then(Value::as_array)
        .and_then(|errs| errs.first())
        .and_then(|e| e.get("reason"))
        .and_then(Value::as_str);
    let rpc_status = error.get("status").and_then(Value::as_str);
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| body.to_string());
    let retry_after = retry_after.or_else(|| retry_delay_from_details(error));
    from_parts(code, reason, rpc_status, retry_after, message)
}

/// 403 reasons that mean "too fast for now" rather than "not allowed": back off and retry.
/// Drive: developers.google.com/drive/api/guides/handle-errors (`rateLimitExceeded`,
/// `userRateLimitExceeded`, `sharingRateLimitExceeded`); Calendar:
/// developers.google.com/calendar/api/guides/errors (`rateLimitExceeded`,
/// `userRateLimitExceeded`).
const RATE_LIMIT_REASONS: [&str; 3] = [
    "rateLimitExceeded",
    "userRateLimitExceeded",
    "sharingRateLimitExceeded",
];

/// 403 reasons that mean a daily or project quota is used up (`dailyLimitExceeded`: "the API
/// limit for your project has been reached"; `quotaExceeded`: Calendar's usage limits). These
/// do not clear in seconds; see [`GoogleError::QuotaExhausted`].
const QUOTA_REASONS: [&str; 2] = ["dailyLimitExceeded", "quotaExceeded"];

/// The time from `now` to the next midnight in Pacific time, when Google's daily quotas reset
/// ("Queries per day" quotas reset at midnight Pacific Time, Cloud console quota pages). At
/// least one second, so a caller never spins.
pub(crate) fn until_pacific_midnight(now: chrono::DateTime<chrono::Utc>) -> Duration {
    use chrono::TimeZone;
    let tz = chrono_tz::America::Los_Angeles;
    let local = now.with_timezone(&tz);
    let next_day = local.date_naive().succ_opt().unwrap_or(local.date_naive());
    let midnight = next_day.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight exists in Los Angeles on every day (its DST shifts happen at 02:00).
    let reset = tz
        .from_local_datetime(&midnight)
        .earliest()
        .map_or(now + chrono::Duration::hours(24), |t| {
            t.with_timezone(&chrono::Utc)
        });
    (reset - now)
        .to_std()
        .unwrap_or(Duration::ZERO)
        .max(Duration::from_secs(1))
}

fn from_parts(
    code: Option<u16>,
    reason: Option<&str>,
    rpc_status: Option<&str>,
    retry_after: Option<Duration>,
    message: String,
) -> GoogleError {
    let rate_limited = reason.is_some_and(|r| RATE_LIMIT_REASONS.contains(&r))
        || rpc_status == Some("RESOURCE_EXHAUSTED");
    if let Some(quota) = reason.filter(|r| QUOTA_REASONS.contains(r)) {
        // 429 is "too many requests" whatever the reason says: a rate limit, retried.
        if matches!(code, Some(403) | None) {
            return GoogleError::QuotaExhausted {
                reason: quota.to_string(),
                retry_after,
                message,
            };
        }
    }
    match code {
        Some(429) => GoogleError::RateLimited {
            retry_after,
            message,
        },
        Some(403) if rate_limited => GoogleError::RateLimited {
            retry_after,
            message,
        },
        Some(403) => GoogleError::Forbidden {
            reason: reason.or(rpc_status).unwrap_or("forbidden").to_string(),
            message,
        },
        Some(401) => GoogleError::Unauthorized { message },
        Some(404) => GoogleError::NotFound { message },
        Some(410) if reason == Some("deleted") => GoogleError::NotFound { message },
        Some(410) => GoogleError::FullSyncRequired { message },
        Some(408) => GoogleError::Transient { code, message },
        Some(c) if c >= 500 => GoogleError::Transient { code, message },
        None if rate_limited => GoogleError::RateLimited {
            retry_after,
            message,
        },
        _ => GoogleError::Permanent {
            code,
            reason: reason.or(rpc_status).map(str::to_string),
            message,
        },
    }
}

/// A token could not be had. A refusal by the token endpoint (`invalid_grant`,
/// `unauthorized_client`: delegation not granted, key revoked) is [`GoogleError::Unauthorized`];
/// failing to reach it, or an answer that is not a token at all (an outage page), is transient.
fn classify_token_error(e: &(dyn std::error::Error + Send + Sync + 'static)) -> GoogleError {
    use yup_oauth2::Error as Y;
    let transient = match e.downcast_ref::<Y>() {
        Some(Y::HttpError(_) | Y::HttpClientError(_) | Y::LowLevelError(_)) => true,
        Some(Y::JSONError(_) | Y::MissingAccessToken) => true,
        Some(_) | None => false,
    };
    let message = format!("no access token: {e}");
    if transient {
        GoogleError::Transient {
            code: None,
            message,
        }
    } else {
        GoogleError::Unauthorized { message }
    }
}

#[cfg(test)]
#[path = "errors_tests.rs"]
mod tests;
