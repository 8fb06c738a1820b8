//! The one path every Google API call takes through the sandbox.
//!
//! Keeping stats, faults, authentication, scope checks, locking, error counting and push
//! delivery in one function means each API module only writes the part that is Google's
//! behaviour for that method, and no handler can forget to count a call or check a scope.

use super::access;
use super::caller::Caller;
use super::error::ApiError;
use super::state::{Notification, World};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::de::DeserializeOwned;
use std::sync::{Arc, Mutex, MutexGuard};

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Json(serde_json::Value),
    /// Google answers creates with 200 too; kept distinct for readability at call sites.
    Created(serde_json::Value),
    /// 204, as `events.delete` and `channels.stop` answer.
    NoContent,
}

impl From<serde_json::Value> for Reply {
    fn from(v: serde_json::Value) -> Self {
        Reply::Json(v)
    }
}

type PushClient = Client<hyper_util::client::legacy::connect::HttpConnector, Full<bytes::Bytes>>;

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub world: Arc<Mutex<World>>,
    /// Sends `events.watch` notifications (plain HTTP to loopback only).
    push: PushClient,
}

impl AppState {
    pub fn new(world: World) -> Self {
        AppState {
            world: Arc::new(Mutex::new(world)),
            push: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// Locks the world. A panic in another handler poisons the mutex; the world is still
    /// consistent (every mutation is applied to a clone or completes before returning), so the
    /// poison is ignored rather than taking the whole sandbox down.
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The one entry point of every Google API handler: count, inject faults, authenticate,
    /// check scopes, run `f` on the locked world, count errors, deliver push notifications.
    pub async fn call<F>(&self, method: &'static str, headers: &HeaderMap, f: F) -> Response
    where
        F: FnOnce(&mut World, &Caller) -> Result<Reply, ApiError>,
    {
        let fault = {
            let mut world = self.lock();
            world.stats.record_call(method);
            let caller = bearer_user(&world, headers);
            let latency = world.latency.next(method);
            (latency, world.faults.next(method, caller.as_deref()))
        };
        let (latency, fault) = fault;
        if let Some(latency) = latency {
            // Slept without the world lock: other requests are served meanwhile.
            tokio::time::sleep(latency).await;
        }
        if let Some(fault) = &fault {
            if let Some(delay) = fault.delay {
                tokio::time::sleep(delay).await;
            }
            if fault.drop_connection && !fault.apply_first {
                self.lock().stats.record_error(method);
                return dropped_connection();
            }
            if let Some(status) = fault.status {
                self.lock().stats.record_error(method);
                let mut response =
                    injected_error(method, status, fault.reason.clone(), fault.message.clone())
                        .into_response();
                if let Some(secs) = fault.retry_after_s {
                    response.headers_mut().insert(
                        axum::http::header::RETRY_AFTER,
                        axum::http::HeaderValue::from(secs),
                    );
                }
                return response;
            }
        }

        let (result, outbox) = {
            let mut world = self.lock();
            let result =
                authenticate(&world, method, headers).and_then(|caller| f(&mut world, &caller));
            if result.is_err() {
                world.stats.record_error(method);
            }
            let mut outbox = std::mem::take(&mut world.outbox);
            outbox.append(&mut world.drive.outbox);
            (result, outbox)
        };
        self.deliver(outbox);
        if fault.as_ref().is_some_and(|f| f.apply_first) {
            // A lost answer: Google acted, the client never hears of it.
            self.lock().stats.record_error(method);
            return dropped_connection();
        }
        match result {
            Ok(Reply::Json(v)) | Ok(Reply::Created(v)) => {
                (StatusCode::OK, axum::Json(v)).into_response()
            }
            Ok(Reply::NoContent) => StatusCode::NO_CONTENT.into_response(),
            Err(e) => e.into_response(),
        }
    }

    /// POSTs queued notifications in the background, as Google does (asynchronously, possibly
    /// out of order, and without retrying a receiver that is down).
    fn deliver(&self, outbox: Vec<Notification>) {
        for note in outbox {
            let client = self.push.clone();
            tokio::spawn(async move {
                let mut request = hyper::Request::post(note.address.as_str());
                for (name, value) in &note.headers {
                    request = request.header(name.as_str(), value.as_str());
                }
                if let Ok(request) = request.body(Full::new(bytes::Bytes::new())) {
                    let sent = tokio::time::timeout(
                        std::time::Duration::from_secs(5),
                        client.request(request),
                    )
                    .await;
                    if !matches!(sent, Ok(Ok(_))) {
                        tracing::debug!(address = %note.address, "push notification not delivered");
                    }
                }
            });
        }
    }
}

/// The user a call's bearer token was issued for, if it is one the sandbox issued (for faults
/// aimed at one user; authentication proper happens in [`authenticate`]).
fn bearer_user(world: &World, headers: &HeaderMap) -> Option<String> {
    let token = bearer_token(headers)?;
    world.oauth.grant_for(token).map(|g| g.email.clone())
}

/// The token of an `Authorization: Bearer …` header.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Checks the bearer token and its scopes for `method`.
fn authenticate(world: &World, method: &str, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = bearer_token(headers).ok_or_else(ApiError::unauthenticated)?;
    let grant = world
        .oauth
        .grant_for(token)
        .filter(|g| g.expires_at_real > std::time::SystemTime::now())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "authError",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, \
                 login cookie or other valid authentication credential.",
            )
        })?;
    if !access::allows(method, &grant.scopes) {
        return Err(ApiError::insufficient_scopes());
    }
    Ok(Caller {
        email: grant.email.clone(),
        client_id: grant.client_id.clone(),
        scopes: grant.scopes.clone(),
    })
}

/// The error a scripted or random fault answers with, in the shape of the API it hits: Docs v1
/// answers in its gRPC-transcoded shape (`status`, no `errors[].reason`), Calendar and Drive in
/// the legacy shape with the scripted (or a typical) `reason`.
fn injected_error(
    method: &str,
    status: StatusCode,
    reason: Option<String>,
    message: Option<String>,
) -> ApiError {
    let (default_reason, default_message) = match status.as_u16() {
        429 => ("rateLimitExceeded", "Rate Limit Exceeded"),
        403 => ("userRateLimitExceeded", "User Rate Limit Exceeded"),
        500..=599 => ("backendError", "Backend Error"),
        _ => ("injectedFault", "Fault injected by the sandbox"),
    };
    let message = message.unwrap_or_else(|| default_message.to_string());
    if method.starts_with("docs.") {
        let grpc = crate::error::grpc_status_for(status);
        return ApiError::grpc(status, grpc, message);
    }
    ApiError::new(status, reason.as_deref().unwrap_or(default_reason), message)
}

/// A connection that ends without an answer: the body fails before a byte is sent, so hyper
/// aborts the connection and the client sees a transport error — what a timeout or a reset
/// looks like — instead of an HTTP status.
pub(crate) fn dropped_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<axum::body::Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "fault: connection dropped by the sandbox",
        ))
    });
    Response::new(axum::body::Body::from_stream(failing))
}

/// Parses a JSON request body, answering malformed JSON or unknown fields the way Google's
/// front end does.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.is_empty() {
        return serde_json::from_slice(b"{}").map_err(|e| {
            ApiError::bad_request("required", format!("Request body is required: {e}"))
        });
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request("parseError", format!("Invalid JSON payload received. {e}"))
    })
}
