//! From [`RawConfig`] (what the file says) to [`Config`] (what the daemon can use).
//!
//! Each check produces a [`ConfigError::Invalid`] naming the key, the bad value, the accepted
//! forms and the fix. Checks run in file order and stop at the first problem, so the message
//! always points at one concrete line to repair.

use std::path::Path;
use std::time::Duration;

use regex::{Regex, RegexBuilder};

use super::checker::{check_email, within, Checker};
use super::google_section;
use super::http_section;
use super::push_section;
use super::schema::{
    RawActions, RawClockKind, RawConfig, RawDaemon, RawDetection, RawDoc, RawNames, RawTasks,
};
use super::{
    ActionsConfig, ClockKind, Config, ConfigError, DaemonConfig, DetectionConfig, DocConfig,
    GoogleAuth, NamesConfig, TasksConfig, TemplateChoice, DEFAULT_TASK_LIST,
};

const DEFAULT_STATE_DIR: &str = "./state";
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(60);
/// Users reconciled at once. Google answers in ~100–300 ms, so one user's in-order steps make
/// at most ~5 calls a second; 32 such users make ~160 calls a second, which is about Calendar's
/// default project quota (10,000 a minute). More in flight would only queue at the quota.
const DEFAULT_CONCURRENCY: i64 = 32;
/// Beyond this the process holds more sockets and futures than any project quota can serve.
const MAX_CONCURRENCY: i64 = 1024;
const DEFAULT_PREPARE_BEFORE: Duration = Duration::from_secs(24 * 3600);
const DEFAULT_HARVEST_AFTER: Duration = Duration::from_secs(30 * 60);
const DEFAULT_LOOKAHEAD: Duration = Duration::from_secs(35 * 24 * 3600);
const DEFAULT_TITLE: &str = "{organizer} / {other} · 1:1 notes";
const DEFAULT_FOLDER: &str = "1:1 notes";
const TITLE_PLACEHOLDERS: [&str; 2] = ["organizer", "other"];

pub(crate) fn validate(raw: RawConfig, path: &Path) -> Result<Config, ConfigError> {
    let c = Checker::new(path);
    let daemon = daemon(&c, raw.daemon)?;
    let mut google = google_section::google(&c, raw.google, &daemon.state_dir)?;
    // Simulated time: a wall-clock minute is weeks of it, so per-minute pacing would only slow
    // the simulation (see `QuotaConfig::paced`).
    google.quota.paced = daemon.clock != ClockKind::Sandbox;
    if daemon.clock == ClockKind::Sandbox && google.endpoint.is_none() {
        return Err(c.invalid(
            "daemon.clock",
            "\"sandbox\" reads the time from the sandbox, which needs google.endpoint \
             (e.g. \"http://127.0.0.1:8089/\"); set google.endpoint or use clock = \"system\"",
        ));
    }
    Ok(Config {
        source: path.to_path_buf(),
        detection: detection(&c, raw.detection)?,
        doc: doc(&c, raw.doc)?,
        actions: actions(&c, raw.actions)?,
        http: http_section::http(&c, raw.http)?,
        push: push_section::push(&c, raw.push, daemon.poll_interval)?,
        names: names(&c, raw.names, &google.auth)?,
        tasks: tasks(&c, raw.tasks, &google.auth)?,
        google,
        daemon,
    })
}

/// How long directory names are kept by default: names change rarely (a marriage, a typo
/// fixed), and a week keeps the directory calls to one per person per week.
const DEFAULT_NAMES_REFRESH: Duration = Duration::from_secs(7 * 24 * 3600);

/// `[names]`: the directory is on by default only with a service account, whose delegation
/// the admin grants with the other scopes; an installed-app sign-in made without the
/// directory scope would have every lookup refused.
fn names(c: &Checker, n: RawNames, auth: &GoogleAuth) -> Result<NamesConfig, ConfigError> {
    let service_account = matches!(auth, GoogleAuth::ServiceAccount { .. });
    let directory = n.directory.unwrap_or(service_account);
    let refresh = n.refresh.unwrap_or(DEFAULT_NAMES_REFRESH);
    within(
        c,
        "names.refresh",
        refresh,
        Duration::from_secs(3600),
        Duration::from_secs(366 * 24 * 3600),
    )?;
    Ok(NamesConfig { directory, refresh })
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
    const MINUTE: Duration = Duration::from_secs(60);
    const DAY: Duration = Duration::from_secs(24 * 3600);
    let poll_interval = d.poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL);
    within(
        c,
        "daemon.poll_interval",
        poll_interval,
        Duration::from_secs(1),
        DAY,
    )?;
    let prepare_before = d.prepare_before.unwrap_or(DEFAULT_PREPARE_BEFORE);
    within(c, "daemon.prepare_before", prepare_before, MINUTE, 30 * DAY)?;
    let harvest_after = d.harvest_after.unwrap_or(DEFAULT_HARVEST_AFTER);
    within(
        c,
        "daemon.harvest_after",
        harvest_after,
        Duration::ZERO,
        7 * DAY,
    )?;
    let lookahead = d.lookahead.unwrap_or(DEFAULT_LOOKAHEAD);
    within(c, "daemon.lookahead", lookahead, DAY, 366 * DAY)?;
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
    let concurrency = d.concurrency.unwrap_or(DEFAULT_CONCURRENCY);
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        return Err(c.invalid(
            "daemon.concurrency",
            format!(
                "{concurrency} is out of range; give a whole number of users reconciled at once, \
                 from 1 to {MAX_CONCURRENCY} (default {DEFAULT_CONCURRENCY})"
            ),
        ));
    }
    Ok(DaemonConfig {
        concurrency: usize::try_from(concurrency).unwrap_or(1),
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
        None => TemplateChoice::Default,
        Some(p) if p.as_os_str() == "default" => TemplateChoice::Default,
        Some(p) if p.as_os_str() == "compact" => TemplateChoice::Compact,
        Some(p) => {
            let p = c.resolve(&p);
            if !p.is_file() {
                return Err(c.invalid(
                    "doc.template",
                    format!(
                        "{} does not exist; copy config/template.md next to the configuration \
                         and point doc.template at it, or write \"default\" or \"compact\" \
                         (or remove the key) to use a built-in template",
                        p.display()
                    ),
                ));
            }
            TemplateChoice::File(p)
        }
    };
    Ok(DocConfig {
        title,
        folder,
        notify: d.notify,
        growth: d.growth,
        allowed_domains,
        template,
        per: d.per,
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

/// Google's limit for a task list title ("Maximum length allowed: 256 characters", TaskList
/// resource of the Tasks API).
const MAX_TASK_LIST_TITLE: usize = 256;

fn tasks(c: &Checker, t: RawTasks, auth: &GoogleAuth) -> Result<TasksConfig, ConfigError> {
    let list = t.list.unwrap_or_else(|| DEFAULT_TASK_LIST.to_string());
    if list.trim().is_empty() {
        return Err(c.invalid(
            "tasks.list",
            format!(
                "is empty; write the title of the task list to create in each owner's Google \
                 Tasks, e.g. list = \"{DEFAULT_TASK_LIST}\" (the default)"
            ),
        ));
    }
    if list.chars().count() > MAX_TASK_LIST_TITLE {
        return Err(c.invalid(
            "tasks.list",
            format!(
                "is {} characters long; Google Tasks allows at most {MAX_TASK_LIST_TITLE} for a \
                 list title, write a shorter one",
                list.chars().count()
            ),
        ));
    }
    if t.enabled && matches!(auth, GoogleAuth::Installed { .. }) {
        return Err(c.invalid(
            "tasks.enabled",
            "true needs google.auth = \"service_account\": tasks are written as each owner \
             (domain-wide delegation with the scope https://www.googleapis.com/auth/tasks), \
             which an installed-app sign-in cannot do; set enabled = false or switch to a \
             service account",
        ));
    }
    Ok(TasksConfig {
        enabled: t.enabled,
        list,
        owners: t.owners,
    })
}
