//! `oneonone run`: the daemon loop, until SIGTERM or SIGINT.

use crate::config::Config;
use crate::daemon::Daemon;
use std::path::Path;
use std::process::ExitCode;
use tokio::sync::watch;

pub async fn run(config_path: &Path) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let daemon = Daemon::start(config).await?;
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        super::sandbox::shutdown_signal().await;
        tracing::info!("shutdown requested; finishing the step in flight (signal again to abort)");
        let _ = tx.send(true);
        super::sandbox::shutdown_signal().await;
        tracing::warn!("second signal: aborting now; the next start redoes the abandoned pass");
        std::process::exit(130);
    });
    daemon.run(rx).await?;
    Ok(ExitCode::SUCCESS)
}
