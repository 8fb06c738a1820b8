//! The configuration file exactly as written: serde structures that mirror the TOML.
//!
//! Nothing here is checked beyond what serde does (types, unknown keys, enum spellings); the
//! checks that need context — paths relative to the file, mutually exclusive keys, regexes —
//! live in [`super::validate`], which turns a [`RawConfig`] into a [`super::Config`].
//! Every struct denies unknown keys so a typo ("poll_intervall") is an error, not a silently
//! ignored setting.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    pub google: RawGoogle,
    #[serde(default)]
    pub daemon: RawDaemon,
    #[serde(default)]
    pub detection: RawDetection,
    #[serde(default)]
    pub doc: RawDoc,
    #[serde(default)]
    pub actions: RawActions,
}

/// How oneonone signs in to Google.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawAuthKind {
    ServiceAccount,
    Installed,
}

/// `[google]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawGoogle {
    pub auth: RawAuthKind,
    pub service_account_key: Option<PathBuf>,
    pub users: Option<Vec<String>>,
    pub oauth_client: Option<PathBuf>,
    pub token_cache: Option<PathBuf>,
    pub user: Option<String>,
    pub endpoint: Option<String>,
    pub max_attempts: Option<u32>,
    #[serde(default, with = "humantime_serde")]
    pub request_timeout: Option<Duration>,
}

/// Which clock the daemon reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RawClockKind {
    #[default]
    System,
    Sandbox,
}

/// `[daemon]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDaemon {
    pub state_dir: Option<PathBuf>,
    #[serde(default, with = "humantime_serde")]
    pub poll_interval: Option<Duration>,
    #[serde(default, with = "humantime_serde")]
    pub prepare_before: Option<Duration>,
    #[serde(default, with = "humantime_serde")]
    pub harvest_after: Option<Duration>,
    #[serde(default)]
    pub clock: RawClockKind,
    #[serde(default, with = "humantime_serde")]
    pub lookahead: Option<Duration>,
}

/// `[detection]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDetection {
    #[serde(default)]
    pub include_titles: Vec<String>,
    #[serde(default)]
    pub exclude_titles: Vec<String>,
}

/// `[doc]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDoc {
    pub title: Option<String>,
    pub folder: Option<String>,
    #[serde(default)]
    pub notify: bool,
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    pub template: Option<PathBuf>,
}

/// `[actions]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawActions {
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}
