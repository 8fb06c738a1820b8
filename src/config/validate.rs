//! From [`RawConfig`] (what the file says) to [`Config`] (what the daemon can use).
//!
//! Each check produces a [`ConfigError::Invalid`] naming the key, the bad value, the accepted
//! forms and the fix. Checks run in file order and stop at the first problem, so the message
//! always points at one concrete line to repair.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::{Regex, RegexBuilder};
use url::{Host, Url};

use super::schema::{
    RawActions, RawAuthKind, RawClockKind, RawConfig, RawDaemon, RawDetection, RawDoc, RawGoogle,
};
use super::{
    ActionsConfig, ClockKind, Config, ConfigError, DaemonConfig, DetectionConfig, DocConfig,
    GoogleAuth, GoogleConfig,
};

const DEFAULT_STATE_DIR: &str = "./state";
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(60);
const DEFAULT_PREPARE_BEFORE: Duration = Duration::from_secs(24 * 3600);
const DEFAULT_HARVEST_AFTER: Duration = Duration::from_secs(30 * 60);
const DEFAULT_LOOKAHEAD: Duration = Duration::from_secs(35 * 24 * 3600);
const DEFAULT_MAX_ATTEMPTS: u32 = 5;
const MAX_MAX_ATTEMPTS: u32 = 20;
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_TITLE: &str = "{organizer} / {other} · 1:1 notes";
const DEFAULT_FOLDER: &str = "1:1 notes";
const TITLE_PLACEHOLDERS: [&str; 2] = ["organizer", "other"];
/// The token cache's file name inside `daemon.state_dir` when `google.token_cache` is not set.
const DEFAULT_TOKEN_CACHE: &str = "oauth-token.json";

const KEY_HELP: &str = "create one in the Google Cloud console (IAM & Admin → Service accounts → \
     your account → Keys → Add key → JSON), grant it domain-wide delegation for the scopes \
     calendar.events, documents and drive.file, and set google.service_account_key to its path";
const CLIENT_HELP: &str = "create one in the Google Cloud console (APIs & Services → \
     Credentials → Create credentials → OAuth client ID → Desktop app), download its JSON and \
     set google.oauth_client to its path";

/// Builds errors that all carry the configuration file's path.
struct Checker<'a> {
    path: &'a Path,
    /// Directory relative paths in the file are resolved against.
    base: PathBuf,
}

impl Checker<'_> {
    fn invalid(&self, key: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            path: self.path.to_path_buf(),
            key: key.into(),
            message: message.into(),
        }
    }

    fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }
}

pub(crate) fn validate(raw: RawConfig, path: &Path) -> Result<Config, ConfigError> {
    let base = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let c = Checker { path, base };
    let daemon = daemon(&c, raw.daemon)?;
    let google = google(&c, raw.google, &daemon.state_dir)?;
    if daemon.clock == ClockKind::Sandbox && google.endpoint.is_none() {
        return Err(c.invalid(
            "daemon.clock",
            "\"sandbox\" reads the time from the sandbox, which needs google.endpoint \
             (e.g. \"http://127.0.0.1:8089/\"); set google.endpoint or use clock = \"system\"",
        ));
    }
    Ok(Config {
        source: path.to_path_buf(),
        google,
        daemon,
        detection: detection(&c, raw.detection)?,
        doc: doc(&c, raw.doc)?,
        actions: actions(&c, raw.actions)?,
    })
}

fn google(c: &Checker, g: RawGoogle, state_dir: &Path) -> Result<GoogleConfig, ConfigError> {
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
    at_least(
        c,
        "google.request_timeout",
        request_timeout,
        Duration::from_secs(1),
    )?;
    Ok(GoogleConfig {
        auth,
        endpoint,
        max_attempts,
        request_timeout,
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

/// A deliberately simple address check: it catches typos (missing `@`, spaces, names instead
/// of addresses) without pretending to implement RFC 5322.
fn check_email(c: &Checker, key: &str, value: &str) -> Result<(), ConfigError> {
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

fn at_least(c: &Checker, key: &str, value: Duration, min: Duration) -> Result<(), ConfigError> {
    if value < min {
        return Err(c.invalid(
            key,
            format!(
                "\"{}\" is too short; the minimum is \"{}\"",
                humantime_serde::re::humantime::format_duration(value),
                humantime_serde::re::humantime::format_duration(min)
            ),
        ));
    }
    Ok(())
}

fn daemon(c: &Checker, d: RawDaemon) -> Result<DaemonConfig, ConfigError> {
    let state_dir = c.resolve(
        d.state_dir
            .as_deref()
            .unwrap_or(Path::new(DEFAULT_STATE_DIR)),
    );
    if state_dir.is_file() {
        return Err(c.invalid(
            "daemon.state_dir",
            format!(
                "{} is a file; give a directory (it is created if missing)",
                state_dir.display()
            ),
        ));
    }
    let poll_interval = d.poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL);
    at_least(
        c,
        "daemon.poll_interval",
        poll_interval,
        Duration::from_secs(1),
    )?;
    let prepare_before = d.prepare_before.unwrap_or(DEFAULT_PREPARE_BEFORE);
    let harvest_after = d.harvest_after.unwrap_or(DEFAULT_HARVEST_AFTER);
    let lookahead = d.lookahead.unwrap_or(DEFAULT_LOOKAHEAD);
    if lookahead <= prepare_before {
        return Err(c.invalid(
            "daemon.lookahead",
            format!(
                "\"{}\" must be longer than daemon.prepare_before (\"{}\"), or occurrences would \
                 be due before they are known; raise lookahead or lower prepare_before",
                humantime_serde::re::humantime::format_duration(lookahead),
                humantime_serde::re::humantime::format_duration(prepare_before)
            ),
        ));
    }
    Ok(DaemonConfig {
        state_dir,
        poll_interval,
        prepare_before,
        harvest_after,
        clock: match d.clock {
            RawClockKind::System => ClockKind::System,
            RawClockKind::Sandbox => ClockKind::Sandbox,
        },
        lookahead,
    })
}

fn detection(c: &Checker, d: RawDetection) -> Result<DetectionConfig, ConfigError> {
    Ok(DetectionConfig {
        include_titles: regexes(c, "detection.include_titles", &d.include_titles)?,
        exclude_titles: regexes(c, "detection.exclude_titles", &d.exclude_titles)?,
    })
}

fn regexes(c: &Checker, key: &str, patterns: &[String]) -> Result<Vec<Regex>, ConfigError> {
    patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            RegexBuilder::new(p)
                .case_insensitive(true)
                .build()
                .map_err(|e| {
                    c.invalid(
                        format!("{key}[{i}]"),
                        format!(
                        "\"{p}\" is not a valid regular expression (Rust regex syntax, matched \
                         case-insensitively): {e}"
                    ),
                    )
                })
        })
        .collect()
}

fn doc(c: &Checker, d: RawDoc) -> Result<DocConfig, ConfigError> {
    let title = d.title.unwrap_or_else(|| DEFAULT_TITLE.to_string());
    check_title(c, &title)?;
    let folder = d.folder.unwrap_or_else(|| DEFAULT_FOLDER.to_string());
    if folder.trim().is_empty() || folder.contains('/') {
        return Err(c.invalid(
            "doc.folder",
            format!(
                "\"{folder}\" is not a folder name; give one non-empty name without '/', \
                 e.g. \"{DEFAULT_FOLDER}\" (it is created in the organizer's My Drive)"
            ),
        ));
    }
    let mut allowed_domains = Vec::with_capacity(d.allowed_domains.len());
    for (i, dom) in d.allowed_domains.iter().enumerate() {
        let ok = !dom.is_empty()
            && !dom.contains('@')
            && !dom.chars().any(char::is_whitespace)
            && dom.contains('.');
        if !ok {
            return Err(c.invalid(
                format!("doc.allowed_domains[{i}]"),
                format!("\"{dom}\" is not a domain; write e.g. \"example.com\" (no '@')"),
            ));
        }
        allowed_domains.push(dom.to_ascii_lowercase());
    }
    let template = match d.template {
        None => None,
        Some(p) => {
            let p = c.resolve(&p);
            if !p.is_file() {
                return Err(c.invalid(
                    "doc.template",
                    format!(
                        "{} does not exist; copy config/template.md next to the configuration \
                         and point doc.template at it, or remove the key to use the built-in \
                         template",
                        p.display()
                    ),
                ));
            }
            Some(p)
        }
    };
    Ok(DocConfig {
        title,
        folder,
        notify: d.notify,
        allowed_domains,
        template,
    })
}

/// Every `{...}` in the title must be a known placeholder, so a typo like `{organiser}` does not
/// end up verbatim in hundreds of document names.
fn check_title(c: &Checker, title: &str) -> Result<(), ConfigError> {
    const KEY: &str = "doc.title";
    let accepted = "accepted placeholders: {organizer}, {other}";
    if title.trim().is_empty() {
        return Err(c.invalid(KEY, format!("is empty; write e.g. \"{DEFAULT_TITLE}\"")));
    }
    let mut rest = title;
    while let Some(open) = rest.find(['{', '}']) {
        let after = &rest[open..];
        if after.starts_with('}') {
            return Err(c.invalid(
                KEY,
                format!("\"{title}\" has a '}}' without '{{'; {accepted}"),
            ));
        }
        let Some(close) = after.find('}') else {
            return Err(c.invalid(
                KEY,
                format!("\"{title}\" has a '{{' without '}}'; {accepted}"),
            ));
        };
        let name = &after[1..close];
        if !TITLE_PLACEHOLDERS.contains(&name) {
            return Err(c.invalid(
                KEY,
                format!("\"{title}\" has an unknown placeholder {{{name}}}; {accepted}"),
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

fn actions(c: &Checker, a: RawActions) -> Result<ActionsConfig, ConfigError> {
    for (name, email) in &a.aliases {
        if name.trim().is_empty() {
            return Err(c.invalid(
                "actions.aliases",
                "has an empty name; write e.g. aliases = { \"Bobby\" = \"bob@example.com\" }",
            ));
        }
        check_email(c, &format!("actions.aliases.\"{name}\""), email)?;
    }
    Ok(ActionsConfig { aliases: a.aliases })
}
