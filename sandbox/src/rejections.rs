//! Google-shaped answers for requests refused before any handler runs.
//!
//! axum answers a wrong method (405), an oversize body (413), an undecodable path or query
//! (400) and a handler panic in plain text or with an empty body. The generated crates turn a
//! non-JSON error into `Error::Failure` instead of `Error::BadRequest(json)`, so one plain-text
//! answer would make the daemon's error handling take a path it never takes against Google.
//! This middleware rewrites every non-JSON error response into the shape its path speaks:
//! Google's `{"error":{"code",…}}` for the APIs (the gRPC shape under Docs' `/v1/`), OAuth's
//! `{"error","error_description"}` for `/token`, and the admin `{"error"}` under `/_sandbox/`.

use super::error::ApiError;
use super::limits::MAX_BODY_BYTES;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// How much of a plain-text rejection body is kept as detail (axum's are one short line).
const MAX_DETAIL_BYTES: usize = 4 * 1024;

/// The middleware: passes successes and JSON errors through, reshapes everything else.
pub async fn google_shaped(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, MAX_DETAIL_BYTES)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let mut reshaped = reshape(&method, &path, status, &detail);
    for name in [header::ALLOW, header::WWW_AUTHENTICATE] {
        if let Some(value) = parts.headers.get(&name) {
            reshaped.headers_mut().insert(name, value.clone());
        }
    }
    reshaped
}

/// Whether the response already carries a JSON body.
fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"))
}

/// The error `status` on `path` in the shape that path speaks.
fn reshape(method: &Method, path: &str, status: StatusCode, detail: &str) -> Response {
    let (reason, message) = explain(method, path, status, detail);
    if path == "/token" {
        let body = json!({"error": "invalid_request", "error_description": message});
        return (status, axum::Json(body)).into_response();
    }
    if path.starts_with("/_sandbox/") {
        return super::admin::error(status, message);
    }
    let error = if path.starts_with("/v1/") {
        ApiError::grpc(status, super::error::grpc_status_for(status), message)
    } else {
        ApiError::new(status, reason, message)
    };
    error.into_response()
}

/// Google's legacy reason and a message saying what went wrong and how to fix it.
fn explain(
    method: &Method,
    path: &str,
    status: StatusCode,
    detail: &str,
) -> (&'static str, String) {
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(" ({detail})")
    };
    match status {
        StatusCode::METHOD_NOT_ALLOWED => (
            "httpMethodNotAllowed",
            format!("Method {method} is not allowed on {path}; see the Allow header."),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "requestTooLarge",
            format!(
                "Request body is larger than the sandbox limit of {MAX_BODY_BYTES} bytes{detail}."
            ),
        ),
        StatusCode::NOT_FOUND => (
            "notFound",
            "The requested URL was not found on this server.".to_string(),
        ),
        StatusCode::BAD_REQUEST => ("badRequest", format!("Invalid request{detail}.")),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("badContent", format!("Unsupported content type{detail}."))
        }
        s if s.is_server_error() => ("backendError", format!("Backend Error{detail}.")),
        _ => ("badRequest", format!("Request refused{detail}.")),
    }
}

/// Turns a handler panic into Google's 500 instead of a dropped connection.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let mut response = ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "backendError",
        "Backend Error",
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt as _;
    use tower_http::catch_panic::CatchPanicLayer;

    async fn panics() -> &'static str {
        panic!("a handler bug")
    }

    fn app() -> Router {
        Router::new()
            .route("/drive/v3/boom", get(panics))
            .route("/token", axum::routing::post(|| async { "ok" }))
            .route("/_sandbox/x", get(|| async { "ok" }))
            .route("/v1/x", get(|| async { "ok" }))
            .layer(CatchPanicLayer::custom(panic_response))
            .layer(axum::middleware::from_fn(google_shaped))
    }

    async fn answer(method: &str, path: &str) -> (StatusCode, serde_json::Value) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .expect("request");
        let response = app().oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        (status, serde_json::from_slice(&bytes).expect("JSON body"))
    }

    #[tokio::test]
    async fn a_handler_panic_is_googles_500() {
        let (status, body) = answer("GET", "/drive/v3/boom").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], 500);
        assert_eq!(body["error"]["errors"][0]["reason"], "backendError");
    }

    #[tokio::test]
    async fn each_path_family_gets_its_own_shape() {
        let (status, body) = answer("GET", "/token").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["error"], "invalid_request");
        assert!(body["error_description"]
            .as_str()
            .is_some_and(|d| d.contains("GET")));
        let (_, body) = answer("POST", "/_sandbox/x").await;
        assert!(body["error"].is_string(), "{body}");
        let (_, body) = answer("POST", "/v1/x").await;
        assert_eq!(body["error"]["code"], 405);
        assert!(body["error"].get("errors").is_none(), "{body}");
        let (_, body) = answer("DELETE", "/drive/v3/boom").await;
        assert_eq!(body["error"]["errors"][0]["reason"], "httpMethodNotAllowed");
    }
}
