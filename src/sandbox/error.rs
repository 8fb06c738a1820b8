//! TEMPORARY SHIM (sandbox-drive): replaced by the lead's error.rs on `git merge main`.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, Clone)]
pub struct ApiError {
    pub code: StatusCode,
    pub reason: String,
    pub message: String,
    pub status: &'static str,
    pub legacy: bool,
}

impl ApiError {
    pub fn new(code: StatusCode, reason: &str, message: impl Into<String>) -> Self {
        ApiError { code, reason: reason.into(), message: message.into(), status: "", legacy: true }
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
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.code.as_u16(), "message": self.message,
            "errors": [{"domain": "global", "reason": self.reason, "message": self.message}]}});
        (self.code, axum::Json(body)).into_response()
    }
}
