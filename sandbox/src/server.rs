//! Serving the sandbox: the router, request limits, and a handle to stop it.

use super::call::AppState;
use super::error::ApiError;
use super::state::World;
use super::{admin, calendar, docs, drive, oauth, rejections, tasks};
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::Router;
use std::net::SocketAddr;
use tokio::sync::oneshot;
use tower_http::catch_panic::CatchPanicLayer;

pub use super::limits::MAX_BODY_BYTES;

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub listen: SocketAddr,
    pub domain: String,
    /// A saved `/_sandbox/state` to start from.
    pub seed: Option<World>,
    /// Drive's search lag: seconds of simulated time a new file is missing from `files.list`
    /// queries (0 = none, the default). A seed's own setting is kept when this is 0.
    pub drive_search_lag_seconds: u64,
    /// A fixed delay before every API answer, in milliseconds (0 = none, the default; a
    /// seed's own latency is kept when this is 0). See [`crate::latency`].
    pub latency_ms: u64,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            domain: "example.com".to_string(),
            seed: None,
            drive_search_lag_seconds: 0,
            latency_ms: 0,
        }
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    /// `http://127.0.0.1:PORT/` — with the trailing slash the generated crates need.
    pub url: String,
    pub addr: SocketAddr,
    pub state: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Sandbox {
    /// Binds and starts serving in the background on the current tokio runtime.
    pub async fn start(options: SandboxOptions) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(options.listen).await?;
        let addr = listener.local_addr()?;
        let url = format!("http://{addr}/");
        let mut world = match options.seed {
            Some(mut seeded) => {
                seeded.base_url = url.clone();
                seeded
            }
            None => World::new(&options.domain, &url),
        };
        if options.drive_search_lag_seconds > 0 {
            world.drive.search_lag_seconds = options.drive_search_lag_seconds;
        }
        if options.latency_ms > 0 {
            world.latency = crate::latency::Latency::fixed(options.latency_ms);
        }
        let state = AppState::new(world);
        let app = router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            // TCP_NODELAY, as Google's front ends answer: without it a response written as
            // headers then body waits for the client's delayed ACK (up to 200 ms per call).
            use axum::serve::ListenerExt;
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!(error = %e, "cannot set TCP_NODELAY");
                }
            });
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        Ok(Sandbox {
            url,
            addr,
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// Stops accepting connections and waits for in-flight requests to finish.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Every route of every API, plus Google-shaped answers for unknown paths, wrong methods,
/// oversize bodies, undecodable paths and queries, and handler panics (see [`rejections`]).
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(oauth::routes())
        .merge(admin::routes())
        .merge(calendar::routes())
        .merge(docs::routes())
        .merge(drive::routes())
        .merge(crate::directory::routes())
        .merge(tasks::routes())
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "notFound",
                "The requested URL was not found on this server.",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CatchPanicLayer::custom(rejections::panic_response))
        .layer(axum::middleware::from_fn(rejections::google_shaped))
        .with_state(state)
}
