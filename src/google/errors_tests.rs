//! Classification of literal Google error answers (shapes from Google's reference pages and the
//! ones noted in google-api-notes.md).

use std::time::Duration;

use google_calendar3::common::{self, Delegate};
use serde_json::json;

use super::*;

fn bad_request(body: Value) -> GoogleError {
    classify(common::Error::BadRequest(body), None, None)
}

#[test]
fn calendar_410_full_sync_required() {
    let e = bad_request(json!({"error": {"errors": [{"domain": "global",
        "reason": "fullSyncRequired",
        "message": "Sync token is no longer valid, a full sync is required."}],
        "code": 410, "message": "Sync token is no longer valid, a full sync is required."}}));
    assert_eq!(
        e,
        GoogleError::FullSyncRequired {
            message: "Sync token is no longer valid, a full sync is required.".into()
        }
    );
    assert!(!e.is_retryable());
}

#[test]
fn calendar_410_deleted_is_not_found() {
    let e = bad_request(
        json!({"error": {"errors": [{"domain": "global", "reason": "deleted",
        "message": "Resource has been deleted"}], "code": 410, "message": "Resource has been deleted"}}),
    );
    assert!(matches!(e, GoogleError::NotFound { .. }), "{e:?}");
}

#[test]
fn not_found_404() {
    let e = bad_request(
        json!({"error": {"errors": [{"domain": "global", "reason": "notFound",
        "message": "Not Found"}], "code": 404, "message": "Not Found"}}),
    );
    assert_eq!(
        e,
        GoogleError::NotFound {
            message: "Not Found".into()
        }
    );
}

/// developers.google.com/calendar/api/guides/errors ("403: User rate limit exceeded", "403:
/// Rate limit exceeded": "Use exponential backoff") and
/// developers.google.com/drive/api/guides/handle-errors ("403: Sharing rate limit exceeded",
/// `sharingRateLimitExceeded`): these clear within seconds to minutes, so they are retried
/// with backoff. `sharingRateLimitExceeded` used to fall through to `Forbidden` (no retry).
#[test]
fn rate_limit_reasons_are_rate_limited_and_retried() {
    for reason in [
        "userRateLimitExceeded",
        "rateLimitExceeded",
        "sharingRateLimitExceeded",
    ] {
        let e = bad_request(json!({"error": {"errors": [{"domain": "usageLimits",
            "reason": reason, "message": "Rate Limit Exceeded"}], "code": 403,
            "message": "Rate Limit Exceeded"}}));
        assert!(
            matches!(
                e,
                GoogleError::RateLimited {
                    retry_after: None,
                    ..
                }
            ),
            "{reason}: {e:?}"
        );
        assert!(e.is_retryable());
    }
}

#[test]
fn docs_429_resource_exhausted_with_retry_info() {
    let e = bad_request(json!({"error": {"code": 429,
        "message": "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'",
        "status": "RESOURCE_EXHAUSTED",
        "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "31.5s"}]}}));
    assert_eq!(e.retry_after(), Some(Duration::from_millis(31_500)));
    assert!(e.is_retryable());
}

#[test]
fn probe_retry_after_beats_missing_details() {
    let e = classify(
        common::Error::BadRequest(json!({"error": {"code": 429, "message": "slow down"}})),
        Some(429),
        Some(Duration::from_secs(7)),
    );
    assert_eq!(
        e,
        GoogleError::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
            message: "slow down".into()
        }
    );
}

#[test]
fn drive_403_insufficient_permissions_is_forbidden() {
    let e = bad_request(json!({"error": {"errors": [{"domain": "global",
        "reason": "insufficientFilePermissions",
        "message": "The user does not have sufficient permissions for this file."}],
        "code": 403, "message": "The user does not have sufficient permissions for this file."}}));
    assert_eq!(
        e,
        GoogleError::Forbidden {
            reason: "insufficientFilePermissions".into(),
            message: "The user does not have sufficient permissions for this file.".into()
        }
    );
    assert!(!e.is_retryable());
}

#[test]
fn docs_403_permission_denied_uses_the_rpc_status_as_reason() {
    let e = bad_request(json!({"error": {"code": 403,
        "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}}));
    assert!(
        matches!(&e, GoogleError::Forbidden { reason, .. } if reason == "PERMISSION_DENIED"),
        "{e:?}"
    );
}

#[test]
fn unauthorized_401() {
    let e = bad_request(
        json!({"error": {"errors": [{"domain": "global", "reason": "authError",
        "message": "Invalid Credentials", "locationType": "header", "location": "Authorization"}],
        "code": 401, "message": "Invalid Credentials"}}),
    );
    assert_eq!(
        e,
        GoogleError::Unauthorized {
            message: "Invalid Credentials".into()
        }
    );
}

#[test]
fn oauth_error_body_is_unauthorized() {
    let e = bad_request(
        json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}),
    );
    assert_eq!(
        e,
        GoogleError::Unauthorized {
            message: "invalid_grant: Invalid JWT Signature.".into()
        }
    );
}

#[test]
fn server_errors_are_transient() {
    for (code, reason) in [
        (500, "backendError"),
        (503, "backendError"),
        (502, "badGateway"),
    ] {
        let e = bad_request(
            json!({"error": {"errors": [{"domain": "global", "reason": reason,
            "message": "Backend Error"}], "code": code, "message": "Backend Error"}}),
        );
        assert_eq!(
            e,
            GoogleError::Transient {
                code: Some(code),
                message: "Backend Error".into()
            }
        );
    }
}

/// developers.google.com/calendar/api/guides/errors ("403: Daily limit exceeded",
/// `dailyLimitExceeded`: "The Courtesy API limit for your project has been reached"; "403:
/// Calendar usage limits exceeded", `quotaExceeded`) and
/// developers.google.com/drive/api/guides/handle-errors (`dailyLimitExceeded`: "the API limit
/// for your project has been reached"). Retrying in-call only burns quota: they used to be
/// retried 5 times as rate limits; now they are surfaced with a wait until the reset.
#[test]
fn daily_and_project_quota_errors_wait_for_the_reset_and_are_not_retried_in_call() {
    for (domain, reason) in [
        ("usageLimits", "dailyLimitExceeded"),
        ("usageLimits", "quotaExceeded"),
    ] {
        let e = bad_request(json!({"error": {"errors": [{"domain": domain,
            "reason": reason, "message": "Quota exceeded"}], "code": 403,
            "message": "Quota exceeded"}}));
        let GoogleError::QuotaExhausted {
            reason: got,
            retry_after,
            message,
        } = &e
        else {
            panic!("{reason}: {e:?}");
        };
        assert_eq!(got, reason);
        assert_eq!(message, "Quota exceeded");
        assert_eq!(
            *retry_after, None,
            "no hint: the caller waits for the reset"
        );
        let wait = e.retry_after().expect("a wait until the reset");
        assert!(wait >= Duration::from_secs(1));
        assert!(wait <= Duration::from_secs(25 * 3600), "{wait:?}");
        assert!(!e.is_retryable(), "{reason} must not be retried in-call");
    }
}

#[test]
fn a_quota_error_with_a_retry_hint_keeps_the_hint() {
    let e = classify(
        common::Error::BadRequest(json!({"error": {"code": 403, "message": "q",
            "errors": [{"reason": "dailyLimitExceeded", "message": "q"}]}})),
        Some(403),
        Some(Duration::from_secs(90)),
    );
    assert_eq!(e.retry_after(), Some(Duration::from_secs(90)));
}

/// Daily quotas reset at midnight Pacific time (Calendar errors guide, "Daily limit
/// exceeded"; Cloud console quotas "per day" reset at midnight PT).
#[test]
fn pacific_midnight_is_computed_in_los_angeles_time_across_dst() {
    use chrono::TimeZone;
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    // 23:00 PST (UTC-8) on 2026-01-15 is 07:00 UTC on the 16th: one hour to go.
    assert_eq!(
        until_pacific_midnight(at("2026-01-16T07:00:00Z")),
        Duration::from_secs(3600)
    );
    // 00:00:00 PDT (UTC-7) on 2026-07-01 exactly: the next reset is a full day away.
    assert_eq!(
        until_pacific_midnight(at("2026-07-01T07:00:00Z")),
        Duration::from_secs(24 * 3600)
    );
    // The day DST starts (2026-03-08) has 23 hours: from its midnight to the next is 23 h.
    let start = chrono_tz::America::Los_Angeles
        .with_ymd_and_hms(2026, 3, 8, 0, 0, 0)
        .unwrap()
        .to_utc();
    assert_eq!(
        until_pacific_midnight(start),
        Duration::from_secs(23 * 3600)
    );
}

/// Docs API reference, `WriteControl.requiredRevisionId`: "If this is not the latest revision
/// of the document, the request is not processed and returns a 400 bad request error." Public
/// probes of the live API record the answer as 400 `FAILED_PRECONDITION`, "The required
/// revision ID '…' does not match the latest revision."
#[test]
fn bad_request_400_is_permanent_until_the_caller_says_revision() {
    let body = json!({"error": {"code": 400,
        "message": "The required revision ID 'ALm37BV' does not match the latest revision.",
        "status": "FAILED_PRECONDITION"}});
    let e = bad_request(body);
    assert_eq!(
        e,
        GoogleError::Permanent {
            code: Some(400),
            reason: Some("FAILED_PRECONDITION".into()),
            message: "The required revision ID 'ALm37BV' does not match the latest revision."
                .into()
        }
    );
    assert!(matches!(
        e.into_revision_conflict(),
        GoogleError::RevisionConflict { .. }
    ));
}

/// The same guarded write refused as a malformed request (400 `INVALID_ARGUMENT`, the shape
/// of the Docs API's validation errors, e.g. "Invalid requests[0].insertText: Index 90 must be
/// less than the end index of the referenced segment, 12.") is not a conflict: re-reading
/// would plan the same bad request again. It used to be taken as a conflict (any 400).
#[test]
fn a_guarded_400_invalid_argument_stays_a_permanent_bad_request() {
    let message = "Invalid requests[0].insertText: Index 90 must be less than the end index \
                   of the referenced segment, 12.";
    let e = bad_request(json!({"error": {"code": 400, "message": message,
        "status": "INVALID_ARGUMENT"}}))
    .into_revision_conflict();
    assert!(!e.is_revision_conflict(), "{e:?}");
    assert_eq!(
        e,
        GoogleError::Permanent {
            code: Some(400),
            reason: Some("INVALID_ARGUMENT".into()),
            message: message.into(),
        }
    );
    assert!(e.to_string().contains("Index 90"), "{e}");
    // 409 and 412 are not what Docs answers a stale revision with either.
    for code in [409, 412] {
        let e = bad_request(json!({"error": {"code": code, "message": "x"}}));
        assert!(!e.into_revision_conflict().is_revision_conflict());
    }
}

/// Apps Script's relay of the same refusal keeps the message but drops `status`.
#[test]
fn a_stale_revision_without_status_is_known_by_its_message() {
    let e = bad_request(json!({"error": {"code": 400,
        "message": "The required revision ID 'AIxLkS' does not match the latest revision."}}))
    .into_revision_conflict();
    assert!(e.is_revision_conflict(), "{e:?}");
}

#[test]
fn revision_conflict_leaves_other_errors_alone() {
    let e = GoogleError::NotFound {
        message: "x".into(),
    };
    assert_eq!(e.clone().into_revision_conflict(), e);
    let rate = GoogleError::RateLimited {
        retry_after: None,
        message: "x".into(),
    };
    assert_eq!(rate.clone().into_revision_conflict(), rate);
}

#[test]
fn status_from_probe_fills_a_body_without_code() {
    let e = classify(
        common::Error::BadRequest(json!({"error": {"message": "gone away"}})),
        Some(503),
        None,
    );
    assert!(matches!(
        e,
        GoogleError::Transient {
            code: Some(503),
            ..
        }
    ));
}

#[test]
fn non_json_failure_keeps_the_status() {
    let response = hyper::Response::builder()
        .status(503)
        .header("Retry-After", "12")
        .body(common::to_body::<String>(None))
        .expect("response");
    let e = classify(common::Error::Failure(response), None, None);
    assert!(
        matches!(
            e,
            GoogleError::Transient {
                code: Some(503),
                ..
            }
        ),
        "{e:?}"
    );
    let response = hyper::Response::builder()
        .status(429)
        .header("Retry-After", "12")
        .body(common::to_body::<String>(None))
        .expect("response");
    let e = classify(common::Error::Failure(response), None, None);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(12)));
}

#[test]
fn io_and_decode_errors() {
    let e = classify(
        common::Error::Io(std::io::Error::other("reset")),
        None,
        None,
    );
    assert!(e.is_retryable());
    let decode = serde_json::from_str::<Value>("{").expect_err("invalid json");
    let e = classify(
        common::Error::JsonDecodeError("{".into(), decode),
        None,
        None,
    );
    assert!(matches!(e, GoogleError::Permanent { .. }));
}

#[test]
fn token_errors_split_into_refused_and_unreachable() {
    let refused: yup_oauth2::Error = serde_json::from_value::<yup_oauth2::error::AuthError>(
        json!({"error": "unauthorized_client", "error_description": "Client is unauthorized to retrieve access tokens using this method"}),
    )
    .expect("auth error")
    .into();
    let e = classify(common::Error::MissingToken(Box::new(refused)), None, None);
    assert!(
        matches!(&e, GoogleError::Unauthorized { message } if message.contains("unauthorized_client")),
        "{e:?}"
    );

    let unreachable: yup_oauth2::Error = std::io::Error::other("connection refused").into();
    let e = classify(
        common::Error::MissingToken(Box::new(unreachable)),
        None,
        None,
    );
    assert!(e.is_retryable(), "{e:?}");
}

#[test]
fn probe_records_status_and_retry_after() {
    let mut probe = FailureProbe::default();
    let response = hyper::Response::builder()
        .status(429)
        .header("Retry-After", "3")
        .body(common::to_body::<String>(None))
        .expect("response");
    assert!(matches!(
        probe.http_failure(&response, None),
        common::Retry::Abort
    ));
    assert_eq!(probe.status, Some(429));
    assert_eq!(probe.retry_after, Some(Duration::from_secs(3)));
}

#[test]
fn retry_after_http_date_in_the_past_is_zero() {
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        Some(Duration::ZERO)
    );
    assert_eq!(parse_retry_after(" 120 "), Some(Duration::from_secs(120)));
    assert_eq!(parse_retry_after("soon"), None);
}

#[test]
fn messages_name_code_and_reason() {
    let e = GoogleError::Permanent {
        code: Some(400),
        reason: Some("invalid".into()),
        message: "Invalid value".into(),
    };
    assert_eq!(e.to_string(), "request failed (400 invalid): Invalid value");
    let e = GoogleError::RateLimited {
        retry_after: Some(Duration::from_secs(2)),
        message: "slow".into(),
    };
    assert_eq!(e.to_string(), "rate limited (retry after 2s): slow");
}
