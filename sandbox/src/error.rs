//! Google's error JSON, in the two shapes its APIs use.
//!
//! The generated crates lose the HTTP status on errors and hand the daemon only the parsed body,
//! so the body is the contract: `error.code` must carry the status and Calendar/Drive errors must
//! carry `errors[].reason`, exactly as Google's do. Docs v1 is a newer, gRPC-transcoded API whose
//! errors have a `status` string and no `errors` array.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer in Google's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: StatusCode,
    /// The legacy `errors[0].reason` (e.g. `notFound`, `fullSyncRequired`).
    pub reason: String,
    pub message: String,
    /// The gRPC status name (e.g. `INVALID_ARGUMENT`).
    pub status: &'static str,
    /// True for the Calendar/Drive shape with an `errors` array; false for the Docs shape.
    pub legacy: bool,
}

impl ApiError {
    /// A Calendar/Drive-style error; the gRPC status name is derived from the HTTP code.
    pub fn new(code: StatusCode, reason: &str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason: reason.to_string(),
            message: message.into(),
            status: grpc_status_for(code),
            legacy: true,
        }
    }

    /// A Docs-style error (`code`, `message`, `status`).
    pub fn grpc(code: StatusCode, status: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason: String::new(),
            message: message.into(),
            status,
            legacy: false,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "notFound", message)
    }

    pub fn bad_request(reason: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, reason, message)
    }

    pub fn forbidden(reason: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, reason, message)
    }

    pub fn gone(reason: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::GONE, reason, message)
    }

    pub fn conflict(reason: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, reason, message)
    }

    /// Docs' answer to a malformed or out-of-range request.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::grpc(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authError",
            "Request is missing required authentication credential. Expected OAuth 2 access \
             token, login cookie or other valid authentication credential.",
        )
    }

    pub fn insufficient_scopes() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "insufficientPermissions",
            "Request had insufficient authentication scopes.",
        )
    }

    /// The JSON body Google would send.
    pub fn body(&self) -> serde_json::Value {
        if self.legacy {
            json!({"error": {
                "code": self.code.as_u16(),
                "message": self.message,
                "errors": [{"domain": "global", "reason": self.reason, "message": self.message}],
                "status": self.status,
            }})
        } else {
            json!({"error": {
                "code": self.code.as_u16(),
                "message": self.message,
                "status": self.status,
            }})
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.code, axum::Json(self.body())).into_response();
        if self.code == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static(
                    "Bearer realm=\"https://accounts.google.com/\"",
                ),
            );
        }
        response
    }
}

/// Google's mapping of HTTP codes to canonical gRPC status names.
pub fn grpc_status_for(code: StatusCode) -> &'static str {
    match code.as_u16() {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        410 => "NOT_FOUND",
        412 => "FAILED_PRECONDITION",
        413 => "OUT_OF_RANGE",
        429 => "RESOURCE_EXHAUSTED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        500..=599 => "INTERNAL",
        _ => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_shape_carries_code_and_reason() {
        let body = ApiError::gone("fullSyncRequired", "Sync token is no longer valid").body();
        assert_eq!(body["error"]["code"], 410);
        assert_eq!(body["error"]["errors"][0]["reason"], "fullSyncRequired");
        assert_eq!(body["error"]["errors"][0]["domain"], "global");
    }

    #[test]
    fn grpc_shape_has_status_and_no_errors_array() {
        let body = ApiError::invalid_argument("Invalid requests[0].insertText").body();
        assert_eq!(body["error"]["code"], 400);
        assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
        assert!(body["error"].get("errors").is_none());
    }
}
