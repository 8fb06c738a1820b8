//! The TOML configuration: what the operator writes in `oneonone.toml`, checked once at start-up.
//!
//! [`Config::load`] reads the file, parses it strictly ([`schema`]: unknown keys are errors) and
//! validates it ([`validate`]): relative paths are resolved against the file's directory, key
//! files must exist and look right, regexes must compile, durations must make sense together.
//! Every error names the file, the key, the bad value, the accepted forms and how to fix it, so
//! an operator never has to read the source to repair a typo. `config/oneonone.example.toml`
//! documents every key.

mod checker;
mod google_section;
mod http_section;
mod push_section;
mod schema;
mod settings;
mod validate;

pub use settings::Settings;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use regex::Regex;
use url::Url;

/// A configuration problem, always tied to the file it came from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read at all.
    #[error(
        "cannot read the configuration file {path}: {source} (pass --config FILE or set \
         ONEONONE_CONFIG; config/oneonone.example.toml is a documented starting point)"
    )]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML, has an unknown key or a value of the wrong type. `message` is
    /// the TOML parser's, which shows the line, the column and the accepted keys or forms.
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    /// A key has a value that parses but cannot be used.
    #[error("{path}: {key}: {message}")]
    Invalid {
        path: PathBuf,
        /// The dotted key, with an index for list entries, e.g. `detection.include_titles[1]`.
        key: String,
        /// What is wrong with the value, what is accepted and how to fix it.
        message: String,
    },
}

/// Which meetings get the "Growth" block (skills, goals, progress): a monthly conversation by
/// default, since weekly career talk turns into a ritual nobody prepares for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Growth {
    /// The first meeting of each calendar month.
    #[default]
    FirstOfMonth,
    /// Every meeting.
    Always,
    /// Never.
    Never,
}

/// The validated configuration. Paths in it are absolute or relative to the working directory
/// (never to the configuration file any more).
#[derive(Debug, Clone)]
pub struct Config {
    /// The file this configuration was read from.
    pub source: PathBuf,
    pub google: GoogleConfig,
    pub daemon: DaemonConfig,
    pub detection: DetectionConfig,
    pub doc: DocConfig,
    pub actions: ActionsConfig,
    pub http: HttpConfig,
    /// `[push]`; `None` polls as before.
    pub push: Option<PushConfig>,
    pub names: NamesConfig,
    pub tasks: TasksConfig,
}

/// `[push]`: Calendar push notifications to `run`'s listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushConfig {
    /// Where Google POSTs notifications: `push.address` with `notify` appended.
    pub notify_url: Url,
    /// The slow poll while every user's channel is open (`push.fallback_poll`).
    pub fallback_poll: Duration,
}

/// `[http]`: the listener of `oneonone run` (`/healthz`, `/readyz`, `/metrics`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpConfig {
    /// Whether `run` serves it at all (`once`, `demo` and the other commands never do).
    pub enabled: bool,
    /// The address to bind; loopback by default, so exposing it is a decision.
    pub listen: std::net::SocketAddr,
}

/// `[google]`: how to reach and sign in to Google (or the sandbox).
#[derive(Debug, Clone)]
pub struct GoogleConfig {
    pub auth: GoogleAuth,
    /// Base URL replacing Google's hosts for all three APIs (the sandbox), always ending in `/`.
    /// `None` means the real Google endpoints.
    pub endpoint: Option<Url>,
    /// How many times one API call is attempted in total when Google answers "retry later".
    pub max_attempts: u32,
    /// How long one HTTP attempt may take before it counts as a transient failure.
    pub request_timeout: Duration,
    /// `[google.quota]`: the per-minute budgets every call is paced by.
    pub quota: QuotaConfig,
}

/// `[google.quota]`: Google's per-minute quotas, enforced on our side across all users
/// (`google::quota`). The defaults are Google's published limits for a new project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotaConfig {
    pub calendar: ApiLimits,
    pub docs_reads: ApiLimits,
    pub docs_writes: ApiLimits,
    pub drive: ApiLimits,
    /// The share of each budget (1–100 %, default 50) background work may use; the rest is kept
    /// for due work (the next section, a new doc), and a burst of background calls — every
    /// user's fallback poll at once — never takes more than half a project quota.
    pub background_percent: u32,
    /// False on the sandbox's simulated clock (`daemon.clock = "sandbox"`), where a wall-clock
    /// minute is weeks of simulated time: pacing would only slow the simulation down.
    pub paced: bool,
}

/// One API's budget: requests per minute for the whole project and for any one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiLimits {
    pub per_minute: u32,
    pub per_user_per_minute: u32,
}

impl Default for QuotaConfig {
    /// Google's published defaults: Calendar 10,000 / 600 ("Usage limits", Calendar API), Docs
    /// reads 3,000 / 300 and writes 600 / 60 ("Usage limits", Docs API), Drive 12,000 / 12,000.
    fn default() -> Self {
        let limits = |per_minute, per_user_per_minute| ApiLimits {
            per_minute,
            per_user_per_minute,
        };
        QuotaConfig {
            calendar: limits(10_000, 600),
            docs_reads: limits(3_000, 300),
            docs_writes: limits(600, 60),
            drive: limits(12_000, 12_000),
            background_percent: 50,
            paced: true,
        }
    }
}

/// The two ways of signing in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoogleAuth {
    /// A service account with domain-wide delegation: one token per served user, each with the
    /// user as JWT subject. Serves many managers of one Workspace domain.
    ServiceAccount {
        key_file: PathBuf,
        users: Vec<String>,
    },
    /// An installed-app OAuth client for a single manager, whose refresh token is cached on
    /// disk by `oneonone auth login`.
    Installed {
        client_secret: PathBuf,
        token_cache: PathBuf,
        user: String,
    },
}

impl GoogleAuth {
    /// The e-mail addresses of every manager this deployment serves.
    pub fn users(&self) -> &[String] {
        match self {
            GoogleAuth::ServiceAccount { users, .. } => users,
            GoogleAuth::Installed { user, .. } => std::slice::from_ref(user),
        }
    }
}

/// Where the daemon reads the time from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    /// The machine's clock.
    System,
    /// The sandbox's simulated clock at `<endpoint>_sandbox/clock`, so tests can run weeks of
    /// meetings in seconds.
    Sandbox,
}

/// `[daemon]`: the loop's timing and its local state.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    /// Directory of the SQLite journal (and, by default, the OAuth token cache).
    pub state_dir: PathBuf,
    /// How often each user's calendar is synced when no push notification arrives.
    pub poll_interval: Duration,
    /// How long before an occurrence its agenda section is written.
    pub prepare_before: Duration,
    /// How long after an occurrence ends its action items are harvested.
    pub harvest_after: Duration,
    pub clock: ClockKind,
    /// How far ahead recurring series are expanded into occurrences.
    pub lookahead: Duration,
    /// How many users a pass reconciles at the same time (`daemon.concurrency`).
    pub concurrency: usize,
}

/// `[detection]`: title filters on top of the structural 1-1 test (two people, recurring).
#[derive(Debug, Clone, Default)]
pub struct DetectionConfig {
    /// If not empty, a series title must match one of these (case-insensitive).
    pub include_titles: Vec<Regex>,
    /// A series whose title matches any of these is never treated as a 1-1 (case-insensitive).
    pub exclude_titles: Vec<Regex>,
}

impl DetectionConfig {
    /// Whether the title filters let a series with this title through.
    pub fn admits_title(&self, title: &str) -> bool {
        let included =
            self.include_titles.is_empty() || self.include_titles.iter().any(|r| r.is_match(title));
        included && !self.exclude_titles.iter().any(|r| r.is_match(title))
    }
}

/// `[doc]`: the shared notes document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocConfig {
    /// Document name with the placeholders `{organizer}` and `{other}` (display names).
    pub title: String,
    /// Name of the Drive folder (in the organizer's My Drive) holding the docs.
    pub folder: String,
    /// Whether Drive e-mails the other attendee when the doc is shared.
    pub notify: bool,
    /// Which sections carry the template's growth block (`growth` is true in the template).
    pub growth: Growth,
    /// Lower-case domains the doc may be shared into; empty means the organizer's own domain.
    pub allowed_domains: Vec<String>,
    /// Which section template: `doc.template`.
    pub template: TemplateChoice,
    /// What one doc belongs to: `doc.per`.
    pub per: DocPer,
}

/// `doc.per`: what one doc belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocPer {
    /// The two people: a recreated or split series, or a second series between them (a monthly
    /// career chat beside the weekly 1-1), continues the pair's doc.
    #[default]
    Pair,
    /// One series: every new series gets its own doc (the behaviour before pairs).
    Series,
}

/// `doc.template`: one of the shipped templates by name, or the operator's own file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TemplateChoice {
    /// `"default"` or no key: `config/template.md`, built in.
    #[default]
    Default,
    /// `"compact"`: `config/template-compact.md`, built in.
    Compact,
    /// Any other value: a Markdown template file (relative to the configuration file).
    File(PathBuf),
}

impl DocConfig {
    /// The document name for a 1-1 between `organizer` and `other`.
    pub fn render_title(&self, organizer: &str, other: &str) -> String {
        self.title
            .replace("{organizer}", organizer)
            .replace("{other}", other)
    }

    /// Whether a doc may be shared with `email`, given the organizer's address.
    pub fn may_share_with(&self, organizer: &str, email: &str) -> bool {
        let Some(domain) = email_domain(email) else {
            return false;
        };
        if self.allowed_domains.is_empty() {
            email_domain(organizer) == Some(domain)
        } else {
            self.allowed_domains.contains(&domain)
        }
    }
}

/// The lower-cased domain part of an e-mail address.
fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.rsplit_once('@')?;
    (!domain.is_empty()).then(|| domain.to_ascii_lowercase())
}

/// `[tasks]`: action items as tasks in their owners' Google Tasks (issue 13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TasksConfig {
    /// Off by default: it needs the `tasks` scope added to the domain-wide delegation.
    pub enabled: bool,
    /// The title of the task list the daemon creates (and finds again) in each owner's Tasks.
    pub list: String,
    pub owners: TaskOwners,
}

impl Default for TasksConfig {
    fn default() -> Self {
        TasksConfig {
            enabled: false,
            list: DEFAULT_TASK_LIST.to_string(),
            owners: TaskOwners::Both,
        }
    }
}

/// The default `tasks.list`.
pub const DEFAULT_TASK_LIST: &str = "1:1 action items";

/// `tasks.owners`: whose items become tasks. The manager is the series' organizer (the served
/// user), the report the other attendee; an item owned by "both" goes to each chosen person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskOwners {
    Manager,
    Report,
    #[default]
    Both,
}

impl TaskOwners {
    pub fn manager(self) -> bool {
        matches!(self, TaskOwners::Manager | TaskOwners::Both)
    }

    pub fn report(self) -> bool {
        matches!(self, TaskOwners::Report | TaskOwners::Both)
    }
}

/// `[actions]`: how action items are attributed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionsConfig {
    /// Names people write in docs ("Bobby") mapped to e-mail addresses.
    pub aliases: BTreeMap<String, String>,
}

/// `[names]`: where people's names come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamesConfig {
    /// Look names up in the Workspace directory (People API, scope `directory.readonly`).
    /// Default: on with service-account auth (the admin grants the scope with the others),
    /// off with installed-app auth (a sign-in made without it would be refused).
    pub directory: bool,
    /// How long a name looked up in the directory is kept before it is asked again.
    pub refresh: Duration,
}

impl Config {
    /// Reads, parses and validates the configuration file at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_toml(&text, path)
    }

    /// Parses and validates `text` as if it had been read from `path` (relative paths in it are
    /// resolved against `path`'s directory).
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: schema::RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        validate::validate(raw, path)
    }
}

#[cfg(test)]
mod tests;
