//! `oneonone run`: the daemon loop, until SIGTERM or SIGINT.

use super::signals::Shutdown;
use oneonone::config::Config;
use oneonone::daemon::Daemon;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(config_path: &Path) -> anyhow::Result<ExitCode> {
    // Listening from the start: a SIGTERM during start-up or the first pass still ends in a
    // clean exit after that pass, not in death by signal.
    let mut shutdown = Shutdown::install();
    let config = Config::load(config_path)?;
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.recv().await;
        tracing::info!("shutdown requested; finishing the step in flight (signal again to abort)");
        let _ = tx.send(true);
        shutdown.recv().await;
        tracing::warn!("second signal: aborting now; the next start redoes the abandoned pass");
        std::process::exit(130);
    });
    let http = config.http.clone();
    let daemon = Arc::new(Daemon::start(config).await?);
    // Bound before the first pass: a bad `http.listen` fails the start, and `/readyz` answers
    // 503 until the first sync.
    let server = if http.enabled {
        let (listener, bound) = oneonone::http::bind(&http).await?;
        tracing::info!(address = %bound, "http listening (/healthz, /readyz, /metrics)");
        let serving = oneonone::http::serve(listener, Arc::clone(&daemon), rx.clone());
        Some(tokio::spawn(serving))
    } else {
        None
    };
    daemon.run(rx).await?;
    if let Some(server) = server {
        // The loop stopped on the same signal the server watches: it is finishing its
        // requests in flight.
        match server.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the http listener failed"),
            Err(e) => tracing::warn!(error = %e, "the http listener crashed"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
