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
    #[serde(default)]
    pub http: RawHttp,
    pub push: Option<RawPush>,
    #[serde(default)]
    pub names: RawNames,
    #[serde(default)]
    pub tasks: RawTasks,
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
    #[serde(default, deserialize_with = "duration")]
    pub request_timeout: Option<Duration>,
    #[serde(default)]
    pub quota: RawQuota,
}

/// `[google.quota]`: requests per minute, per project and per user, for each API.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuota {
    pub calendar_per_minute: Option<i64>,
    pub calendar_per_user_per_minute: Option<i64>,
    pub docs_reads_per_minute: Option<i64>,
    pub docs_reads_per_user_per_minute: Option<i64>,
    pub docs_writes_per_minute: Option<i64>,
    pub docs_writes_per_user_per_minute: Option<i64>,
    pub drive_per_minute: Option<i64>,
    pub drive_per_user_per_minute: Option<i64>,
    pub background_percent: Option<i64>,
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
    #[serde(default, deserialize_with = "duration")]
    pub poll_interval: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub prepare_before: Option<Duration>,
    #[serde(default, deserialize_with = "duration")]
    pub harvest_after: Option<Duration>,
    #[serde(default)]
    pub clock: RawClockKind,
    #[serde(default, deserialize_with = "duration")]
    pub lookahead: Option<Duration>,
    pub concurrency: Option<i64>,
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
    pub growth: super::Growth,
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    pub template: Option<PathBuf>,
    #[serde(default)]
    pub per: super::DocPer,
}

/// `[http]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHttp {
    pub enabled: Option<bool>,
    pub listen: Option<String>,
}

/// `[push]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPush {
    pub address: Option<String>,
    #[serde(default, deserialize_with = "duration")]
    pub fallback_poll: Option<Duration>,
}

/// `[actions]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawActions {
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}

/// `[names]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNames {
    pub directory: Option<bool>,
    #[serde(default, deserialize_with = "duration")]
    pub refresh: Option<Duration>,
}

/// `[tasks]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTasks {
    #[serde(default)]
    pub enabled: bool,
    pub list: Option<String>,
    #[serde(default)]
    pub owners: super::TaskOwners,
}

/// Reads an optional duration such as `"90s"`, `"30m"`, `"24h"`, `"35d"` (humantime syntax),
/// with an error that shows the accepted forms.
fn duration<'de, D>(deserializer: D) -> Result<Option<Duration>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    humantime_serde::re::humantime::parse_duration(&text)
        .map(Some)
        .map_err(|e| {
            serde::de::Error::custom(format!(
                "invalid duration \"{text}\" ({e}); write a number and a unit, e.g. \"90s\", \"30m\", \"24h\", \"35d\" or \"1h 30m\""
            ))
        })
}
