//! `oneonone run`: the daemon loop, until SIGTERM or SIGINT.

use super::signals::Shutdown;
use oneonone::config::Config;
use oneonone::daemon::Daemon;
use std::path::Path;
use std::process::ExitCode;
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
    let daemon = Daemon::start(config).await?;
    daemon.run(rx).await?;
    Ok(ExitCode::SUCCESS)
}
