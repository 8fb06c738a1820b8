//! The HTTP listener `oneonone run` serves beside its loop, for the operator's probes and
//! scraper: `GET /healthz` (the process is up), `GET /readyz` (it is doing its job, see
//! [`ready`]), `GET /metrics` (Prometheus text, see [`crate::metrics`]) and `POST /notify`
//! (push notifications, see [`crate::push`]).
//!
//! It binds before the first pass so a bad `http.listen` fails the start, not a later scrape,
//! and it stops with the loop: it is given the same stop signal and finishes the requests in
//! flight. Nothing here changes the daemon's state; it only reads it.

pub mod ready;

use crate::config::HttpConfig;
use crate::daemon::Daemon;
use crate::push::{Notification, Refusal};
use anyhow::Context;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Binds `http.listen`; the error names the key and the usual causes.
pub async fn bind(config: &HttpConfig) -> anyhow::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind(config.listen).await.with_context(|| {
        format!(
            "http.listen = \"{}\": cannot listen there (another process on the port, or an \
             address this machine does not have); pick another address or set \
             http.enabled = false",
            config.listen
        )
    })?;
    let bound = listener
        .local_addr()
        .context("cannot read the listener's address")?;
    Ok((listener, bound))
}

/// Serves the routes on `listener` until `stop` turns true.
pub async fn serve(
    listener: TcpListener,
    daemon: Arc<Daemon>,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let app = router(daemon);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            // A dropped sender can no longer ask to stop: serve until the process ends.
            if stop.wait_for(|s| *s).await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
}

fn router(daemon: Arc<Daemon>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/notify", post(notify))
        .with_state(daemon)
}

/// Up is up: answering at all is the whole check, so a hung loop shows on `/readyz` instead
/// and a liveness probe does not restart a daemon that is merely waiting on Google.
async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(daemon): State<Arc<Daemon>>) -> Response {
    match daemon.readiness() {
        Ok(ready) => (StatusCode::OK, Json(ready)).into_response(),
        Err(not) => (StatusCode::SERVICE_UNAVAILABLE, Json(not)).into_response(),
    }
}

/// A push notification (Calendar's push guide: an empty POST whose `X-Goog-*` headers say which
/// channel and what happened). 200 when accepted — Google retries anything else with backoff;
/// 401 without a token, 403 for an unknown channel or a wrong token, 400 when it is not a
/// notification at all. A refusal changes nothing.
async fn notify(State(daemon): State<Arc<Daemon>>, headers: HeaderMap) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let n = Notification {
        channel_id: header("x-goog-channel-id"),
        token: header("x-goog-channel-token"),
        resource_state: header("x-goog-resource-state"),
    };
    match daemon.receive_notification(&n) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(refusal) => {
            // Debug, not warn: anyone can POST here, and a flood must not flood the logs too;
            // `push_notifications_total{outcome}` counts them. The channel id is safe to log
            // (ours are random UUIDs); the token never is.
            tracing::debug!(channel = n.channel_id.as_deref().unwrap_or("-"), %refusal, "push notification refused");
            let status = match refusal {
                Refusal::Malformed => StatusCode::BAD_REQUEST,
                Refusal::MissingToken => StatusCode::UNAUTHORIZED,
                Refusal::UnknownChannel | Refusal::BadToken => StatusCode::FORBIDDEN,
            };
            (status, format!("{refusal}\n")).into_response()
        }
    }
}

async fn metrics() -> Response {
    let text = crate::metrics::global().render();
    ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text).into_response()
}
