//! SIGINT/SIGTERM, listened for from the moment a command starts.
//!
//! Tokio only starts catching a signal once a listener is registered; until then the default
//! action kills the process. Registering up front (before the sandbox prints its URL, before the
//! daemon's first pass) means a supervisor's SIGTERM always ends in a clean exit 0.

/// Registered listeners for SIGINT and SIGTERM.
pub struct Shutdown {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Shutdown {
    /// Starts catching SIGINT and SIGTERM now. A listener that cannot be registered is logged
    /// and left out (the default action, exit by signal, then applies to that signal).
    pub fn install() -> Shutdown {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let listen = |kind: SignalKind, name: &str| match signal(kind) {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for {name}");
                    None
                }
            };
            Shutdown {
                interrupt: listen(SignalKind::interrupt(), "SIGINT"),
                terminate: listen(SignalKind::terminate(), "SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        Shutdown {}
    }

    /// Resolves at the next SIGINT or SIGTERM (including one that arrived since `install`).
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = next(&mut self.interrupt) => {},
                _ = next(&mut self.terminate) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
