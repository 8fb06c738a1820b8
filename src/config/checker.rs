//! What every section's validation shares: [`Checker`], which builds errors naming the file
//! and key, and the small checks more than one section uses.
//!
//! Kept apart from [`validate`](super::validate) so that section validators such as
//! [`google_section`](super::google_section) can use them without importing `validate`, which
//! calls them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ConfigError;

/// Builds errors that all carry the configuration file's path.
pub(super) struct Checker<'a> {
    path: &'a Path,
    /// Directory relative paths in the file are resolved against.
    base: PathBuf,
}

impl<'a> Checker<'a> {
    /// A checker for the file at `path`; relative paths in it resolve against its directory.
    pub(super) fn new(path: &'a Path) -> Checker<'a> {
        let base = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        Checker { path, base }
    }

    pub(super) fn invalid(
        &self,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            key: key.into(),
            message: message.into(),
        }
    }

    pub(super) fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }
}

/// A deliberately simple address check: it catches typos (missing `@`, spaces, names instead
/// of addresses) without pretending to implement RFC 5322.
pub(super) fn check_email(c: &Checker, key: &str, value: &str) -> Result<(), ConfigError> {
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(c.invalid(
            key,
            format!("\"{value}\" is not an e-mail address; write e.g. \"alice@example.com\""),
        ))
    }
}

/// A duration key within `min..=max`. Every duration has an upper bound too: the schedule adds
/// them to dates, and a value like "300000y" would otherwise overflow the calendar arithmetic
/// instead of being refused here with the key's name.
pub(super) fn within(
    c: &Checker,
    key: &str,
    value: Duration,
    min: Duration,
    max: Duration,
) -> Result<(), ConfigError> {
    let show = |d: Duration| humantime_serde::re::humantime::format_duration(d).to_string();
    if value < min {
        return Err(c.invalid(
            key,
            format!(
                "\"{}\" is too short; accepted: {} to {}",
                show(value),
                show(min),
                show(max)
            ),
        ));
    }
    if value > max {
        return Err(c.invalid(
            key,
            format!(
                "\"{}\" is too long; accepted: {} to {}",
                show(value),
                show(min),
                show(max)
            ),
        ));
    }
    Ok(())
}
