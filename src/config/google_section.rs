//! Validation of `[google]`: the sign-in method and its files, the endpoint override, retries.
//!
//! Key files are opened and checked for the fields yup-oauth2 needs, so pointing
//! `service_account_key` at an OAuth client secret (an easy mix-up) fails at start-up with the
//! fix, not at the first API call with a JWT error.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use url::{Host, Url};

use super::checker::{check_email, within, Checker};
use super::schema::{RawAuthKind, RawGoogle, RawQuota};
use super::{ApiLimits, ConfigError, GoogleAuth, GoogleConfig, QuotaConfig};

const DEFAULT_MAX_ATTEMPTS: u32 = 5;
const MAX_MAX_ATTEMPTS: u32 = 20;
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// The token cache's file name inside `daemon.state_dir` when `google.token_cache` is not set.
const DEFAULT_TOKEN_CACHE: &str = "oauth-token.json";

const KEY_HELP: &str = "create one in the Google Cloud console (IAM & Admin → Service accounts → \
     your account → Keys → Add key → JSON), grant it domain-wide delegation for the scopes \
     calendar.events, documents and drive.file, and set google.service_account_key to its path";
const CLIENT_HELP: &str = "create one in the Google Cloud console (APIs & Services → \
     Credentials → Create credentials → OAuth client ID → Desktop app), download its JSON and \
     set google.oauth_client to its path";

pub(super) fn google(
    c: &Checker,
    g: RawGoogle,
    state_dir: &Path,
) -> Result<GoogleConfig, ConfigError> {
    let auth = match g.auth {
        RawAuthKind::ServiceAccount => {
            for (key, set) in [
                ("oauth_client", g.oauth_client.is_some()),
                ("token_cache", g.token_cache.is_some()),
                ("user", g.user.is_some()),
            ] {
                if set {
                    return Err(c.invalid(
                        format!("google.{key}"),
                        "is only used with auth = \"installed\"; remove it, or set \
                         auth = \"installed\" and remove service_account_key and users",
                    ));
                }
            }
            let Some(key_file) = g.service_account_key else {
                return Err(c.invalid(
                    "google.service_account_key",
                    format!("missing: auth = \"service_account\" needs the key file; {KEY_HELP}"),
                ));
            };
            let key_file = c.resolve(&key_file);
            check_service_account_key(c, &key_file)?;
            let users = g.users.unwrap_or_default();
            if users.is_empty() {
                return Err(c.invalid(
                    "google.users",
                    "missing or empty: list the managers to serve, e.g. \
                     users = [\"alice@example.com\", \"bob@example.com\"]",
                ));
            }
            for (i, u) in users.iter().enumerate() {
                check_email(c, &format!("google.users[{i}]"), u)?;
                if users[..i].contains(u) {
                    return Err(c.invalid(
                        format!("google.users[{i}]"),
                        format!("\"{u}\" is listed twice; remove the duplicate"),
                    ));
                }
            }
            GoogleAuth::ServiceAccount { key_file, users }
        }
        RawAuthKind::Installed => {
            for (key, set) in [
                ("service_account_key", g.service_account_key.is_some()),
                ("users", g.users.is_some()),
            ] {
                if set {
                    return Err(c.invalid(
                        format!("google.{key}"),
                        "is only used with auth = \"service_account\"; remove it, or set \
                         auth = \"service_account\" and remove oauth_client, token_cache and user",
                    ));
                }
            }
            let Some(client_secret) = g.oauth_client else {
                return Err(c.invalid(
                    "google.oauth_client",
                    format!("missing: auth = \"installed\" needs an OAuth client; {CLIENT_HELP}"),
                ));
            };
            let client_secret = c.resolve(&client_secret);
            check_oauth_client(c, &client_secret)?;
            let token_cache = match g.token_cache {
                Some(p) => c.resolve(&p),
                None => state_dir.join(DEFAULT_TOKEN_CACHE),
            };
            if token_cache.is_dir() {
                return Err(c.invalid(
                    "google.token_cache",
                    format!(
                        "{} is a directory; give a file path, e.g. \"state/{DEFAULT_TOKEN_CACHE}\"",
                        token_cache.display()
                    ),
                ));
            }
            let Some(user) = g.user else {
                return Err(c.invalid(
                    "google.user",
                    "missing: auth = \"installed\" serves one manager; set \
                     user = \"you@example.com\" (the account you sign in with)",
                ));
            };
            check_email(c, "google.user", &user)?;
            GoogleAuth::Installed {
                client_secret,
                token_cache,
                user,
            }
        }
    };
    let endpoint = g.endpoint.map(|e| endpoint(c, &e)).transpose()?;
    let max_attempts = g.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
    if !(1..=MAX_MAX_ATTEMPTS).contains(&max_attempts) {
        return Err(c.invalid(
            "google.max_attempts",
            format!(
                "{max_attempts} is out of range; accepted: 1 (no retries) to {MAX_MAX_ATTEMPTS}, \
                 default {DEFAULT_MAX_ATTEMPTS}"
            ),
        ));
    }
    let request_timeout = g.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT);
    within(
        c,
        "google.request_timeout",
        request_timeout,
        Duration::from_secs(1),
        Duration::from_secs(10 * 60),
    )?;
    let quota = quota(c, &g.quota)?;
    Ok(GoogleConfig {
        auth,
        endpoint,
        max_attempts,
        request_timeout,
        quota,
    })
}

/// The most requests per minute a key accepts: far above any quota Google grants, low enough
/// that a typo of extra zeros is caught.
const MAX_PER_MINUTE: i64 = 10_000_000;

/// `[google.quota]`: each budget a whole number of requests per minute, and a user's budget
/// never above the project's (Google would refuse the project first).
fn quota(c: &Checker, q: &RawQuota) -> Result<QuotaConfig, ConfigError> {
    let defaults = QuotaConfig::default();
    let per_minute = |key: &str, value: Option<i64>, default: u32| -> Result<u32, ConfigError> {
        let Some(v) = value else { return Ok(default) };
        u32::try_from(v)
            .ok()
            .filter(|&n| n >= 1 && i64::from(n) <= MAX_PER_MINUTE)
            .ok_or_else(|| {
                c.invalid(
                    format!("google.quota.{key}"),
                    format!(
                        "{v} is out of range; accepted: 1 to {MAX_PER_MINUTE} requests per \
                         minute, default {default} (Google's published limit)"
                    ),
                )
            })
    };
    let api = |name: &str, project: Option<i64>, user: Option<i64>, d: ApiLimits| {
        let limits = ApiLimits {
            per_minute: per_minute(&format!("{name}_per_minute"), project, d.per_minute)?,
            per_user_per_minute: per_minute(
                &format!("{name}_per_user_per_minute"),
                user,
                d.per_user_per_minute,
            )?,
        };
        if limits.per_user_per_minute > limits.per_minute {
            return Err(c.invalid(
                format!("google.quota.{name}_per_user_per_minute"),
                format!(
                    "{} is above {name}_per_minute ({}): one user cannot use more than the \
                     whole project; lower it or raise {name}_per_minute",
                    limits.per_user_per_minute, limits.per_minute
                ),
            ));
        }
        Ok(limits)
    };
    let background_percent = match q.background_percent {
        None => defaults.background_percent,
        Some(v) => u32::try_from(v)
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                c.invalid(
                    "google.quota.background_percent",
                    format!(
                        "{v} is out of range; accepted: 1 to 100 (the share of each budget \
                         background work may use), default {}",
                        defaults.background_percent
                    ),
                )
            })?,
    };
    Ok(QuotaConfig {
        calendar: api(
            "calendar",
            q.calendar_per_minute,
            q.calendar_per_user_per_minute,
            defaults.calendar,
        )?,
        docs_reads: api(
            "docs_reads",
            q.docs_reads_per_minute,
            q.docs_reads_per_user_per_minute,
            defaults.docs_reads,
        )?,
        docs_writes: api(
            "docs_writes",
            q.docs_writes_per_minute,
            q.docs_writes_per_user_per_minute,
            defaults.docs_writes,
        )?,
        drive: api(
            "drive",
            q.drive_per_minute,
            q.drive_per_user_per_minute,
            defaults.drive,
        )?,
        background_percent,
        paced: true,
    })
}

/// Parses `google.endpoint`, normalises it to end in `/` and refuses plain HTTP to anything
/// but this machine: tokens must never cross a network unencrypted.
fn endpoint(c: &Checker, value: &str) -> Result<Url, ConfigError> {
    const KEY: &str = "google.endpoint";
    let mut url = Url::parse(value).map_err(|e| {
        c.invalid(
            KEY,
            format!("\"{value}\" is not a URL ({e}); write e.g. \"http://127.0.0.1:8089/\""),
        )
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(c.invalid(
                KEY,
                format!(
                    "\"{value}\" uses plain http to a host that is not this machine; http is only \
                     allowed for 127.0.0.1, ::1 or localhost (the sandbox); use https:// otherwise"
                ),
            ))
        }
        other => {
            return Err(c.invalid(
                KEY,
                format!(
                "\"{value}\" has scheme \"{other}\"; accepted: https://, or http:// to 127.0.0.1"
            ),
            ))
        }
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(c.invalid(
            KEY,
            format!("\"{value}\" must be a plain base URL without user, query or fragment"),
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Fields of a service-account key file that yup-oauth2 needs; checking them here turns a
/// wrong file (e.g. an OAuth client secret) into a config error at start-up.
#[derive(serde::Deserialize)]
struct KeyFileShape {
    #[serde(rename = "type")]
    kind: Option<String>,
    client_email: Option<String>,
    private_key: Option<String>,
    token_uri: Option<String>,
}

fn check_service_account_key(c: &Checker, file: &Path) -> Result<(), ConfigError> {
    const KEY: &str = "google.service_account_key";
    let text = read_existing(c, KEY, file, KEY_HELP)?;
    let shape: KeyFileShape = serde_json::from_str(&text).map_err(|e| {
        c.invalid(
            KEY,
            format!("{} is not JSON ({e}); {KEY_HELP}", file.display()),
        )
    })?;
    let missing: Vec<&str> = [
        ("client_email", shape.client_email.is_none()),
        ("private_key", shape.private_key.is_none()),
        ("token_uri", shape.token_uri.is_none()),
    ]
    .into_iter()
    .filter_map(|(k, absent)| absent.then_some(k))
    .collect();
    if shape.kind.as_deref() != Some("service_account") || !missing.is_empty() {
        return Err(c.invalid(
            KEY,
            format!(
                "{} is not a service-account key (expected \"type\": \"service_account\" and the \
                 fields client_email, private_key, token_uri{}); {KEY_HELP}",
                file.display(),
                if missing.is_empty() {
                    String::new()
                } else {
                    format!("; missing: {}", missing.join(", "))
                }
            ),
        ));
    }
    Ok(())
}

fn check_oauth_client(c: &Checker, file: &Path) -> Result<(), ConfigError> {
    const KEY: &str = "google.oauth_client";
    let text = read_existing(c, KEY, file, CLIENT_HELP)?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        c.invalid(
            KEY,
            format!("{} is not JSON ({e}); {CLIENT_HELP}", file.display()),
        )
    })?;
    if value.get("installed").is_none() && value.get("web").is_none() {
        return Err(c.invalid(
            KEY,
            format!(
                "{} is not an OAuth client secret (expected a top-level \"installed\" object); \
                 {CLIENT_HELP}",
                file.display()
            ),
        ));
    }
    Ok(())
}

fn read_existing(c: &Checker, key: &str, file: &Path, help: &str) -> Result<String, ConfigError> {
    if !file.exists() {
        return Err(c.invalid(key, format!("{} does not exist; {help}", file.display())));
    }
    std::fs::read_to_string(file)
        .map_err(|e| c.invalid(key, format!("cannot read {}: {e}", file.display())))
}
