//! `oneonone sandbox`: serve the in-memory Google until SIGINT/SIGTERM.

use super::signals::Shutdown;
use anyhow::{bail, Context};
use oneonone_sandbox::{Sandbox, SandboxOptions, World};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on; port 0 picks a free port. Loopback only unless --allow-remote.
    #[arg(long, default_value = "127.0.0.1:8089")]
    listen: SocketAddr,
    /// The Workspace domain the sandbox pretends to be.
    #[arg(long, default_value = "example.com")]
    domain: String,
    /// Start from a saved `GET /_sandbox/state`.
    #[arg(long)]
    seed_file: Option<PathBuf>,
    /// Allow listening on a non-loopback address (the sandbox has no real security).
    #[arg(long)]
    allow_remote: bool,
    /// Wait this many milliseconds before every API answer, as Google takes ~100–300 ms
    /// (other requests are served meanwhile); 0 = none. Distributions and per-method delays:
    /// `POST /_sandbox/latency`.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    latency_ms: u64,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    // Before the URL line: whoever reads it may send SIGTERM at once.
    let mut shutdown = Shutdown::install();
    if !args.listen.ip().is_loopback() && !args.allow_remote {
        bail!(
            "--listen {}: the sandbox binds to loopback only (127.0.0.1 or [::1]); it hands out \
             tokens to anyone who asks. Pass --allow-remote if you really mean it.",
            args.listen
        );
    }
    let seed = match &args.seed_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("--seed-file {}: cannot read", path.display()))?;
            let world: World = serde_json::from_str(&text).with_context(|| {
                format!(
                    "--seed-file {}: not a saved sandbox state (expected the JSON of \
                     GET /_sandbox/state)",
                    path.display()
                )
            })?;
            Some(world)
        }
        None => None,
    };
    let sandbox = Sandbox::start(SandboxOptions {
        listen: args.listen,
        domain: args.domain,
        seed,
        latency_ms: args.latency_ms,
        ..SandboxOptions::default()
    })
    .await
    .with_context(|| format!("--listen {}: cannot bind", args.listen))?;
    // The first stdout line is a contract: scripts read the URL from it.
    let mut out = std::io::stdout();
    writeln!(
        out,
        "sandbox listening on {}",
        sandbox.url.trim_end_matches('/')
    )?;
    out.flush()?;
    shutdown.recv().await;
    tracing::info!("sandbox stopping");
    sandbox.stop().await;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGINT or SIGTERM (listening starts at the call).
pub async fn shutdown_signal() {
    Shutdown::install().recv().await;
}
