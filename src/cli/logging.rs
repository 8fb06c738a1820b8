//! Logging to stderr, with the crates that log secrets held below the levels where they do.
//!
//! `yup_oauth2` logs at debug the tokens it receives (`access_token":"ya29…`) and the signed
//! JWT assertion it sends — under domain-wide delegation an assertion is an hour of access to
//! any user of the domain. The HTTP stack's trace levels (hyper, h2, rustls, the generated
//! clients' common crate) can show headers and bodies too. `RUST_LOG` is for debugging, and a
//! debug log ends up pasted in an issue, so these caps hold whatever `RUST_LOG` says: the
//! filter is a second one, after the `EnvFilter`, and a directive cannot lift it.

use super::LogFormat;
use tracing::{Level, Metadata};
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::prelude::*;
use tracing_subscriber::EnvFilter;

/// The most verbose level each secret-bearing crate may log at (a crate and its modules).
const CAPS: &[(&str, Level)] = &[
    ("yup_oauth2", Level::WARN),
    ("hyper", Level::INFO),
    ("hyper_util", Level::INFO),
    ("hyper_rustls", Level::INFO),
    ("h2", Level::INFO),
    ("rustls", Level::INFO),
    ("reqwest", Level::INFO),
    ("google_apis_common", Level::INFO),
];

/// Whether an event or span may be logged at all, whatever `RUST_LOG` enables.
pub fn allowed(meta: &Metadata<'_>) -> bool {
    allowed_target(meta.target(), *meta.level())
}

fn allowed_target(target: &str, level: Level) -> bool {
    let crate_name = target.split("::").next().unwrap_or(target);
    match CAPS.iter().find(|(name, _)| *name == crate_name) {
        // `Level` orders TRACE as the greatest: `level <= cap` means "at most as verbose".
        Some((_, cap)) => level <= *cap,
        None => true,
    }
}

/// Logs go to stderr so stdout stays for the command's own output (the sandbox's URL line,
/// `actions` tables, `--dry-run` plans). `RUST_LOG` overrides the default level, within
/// [`CAPS`].
pub fn init(format: LogFormat, default_level: &str) {
    use std::io::IsTerminal;
    let env = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never into journald or a log file.
        .with_ansi(std::io::stderr().is_terminal());
    let fmt = match format {
        LogFormat::Human => fmt.boxed(),
        LogFormat::Json => fmt.json().boxed(),
    };
    tracing_subscriber::registry()
        .with(fmt.with_filter(env).with_filter(filter_fn(allowed)))
        .init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_logging_crates_are_capped_at_every_depth() {
        assert!(!allowed_target("yup_oauth2", Level::DEBUG));
        assert!(!allowed_target("yup_oauth2::service_account", Level::DEBUG));
        assert!(!allowed_target("yup_oauth2::authenticator", Level::INFO));
        assert!(allowed_target("yup_oauth2::authenticator", Level::WARN));
        assert!(!allowed_target("hyper::proto::h1::role", Level::TRACE));
        assert!(!allowed_target("h2::codec", Level::DEBUG));
        assert!(allowed_target("hyper_util::client", Level::INFO));
    }

    #[test]
    fn our_own_and_other_crates_log_at_any_level() {
        assert!(allowed_target("oneonone::daemon", Level::TRACE));
        assert!(allowed_target("rusqlite_migration", Level::DEBUG));
        // A crate whose name merely starts like a capped one is not capped.
        assert!(allowed_target("hyperloop", Level::TRACE));
    }
}
