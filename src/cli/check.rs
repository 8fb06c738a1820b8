//! `oneonone check`: config, credentials, a token per user with the right scopes, endpoint
//! reachability — each problem with what to do about it.
//!
//! One user who cannot be served (a departed manager's `invalid_grant`, Google unreachable at
//! boot) must not keep the daemon from serving the others, so the exit status tells the two
//! kinds of failure apart:
//!
//! * 0 — everything passed;
//! * 1 — the daemon cannot start (config, key, state dir): nobody can be served;
//! * 2 — the daemon can start, but the users marked FAIL cannot be served now; it serves the
//!   others and retries these on every pass.
//!
//! `--allow-failing-users` turns 2 into 0 for the systemd unit's `ExecStartPre`, which may only
//! stop the service for problems no retry can fix.

use oneonone::config::{Config, GoogleAuth};
use oneonone::google::auth::key_file_mode_problem;
use oneonone::google::{scopes, Clients, GoogleError, TasksClients};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

/// The exit status when some users cannot be served but the daemon can start.
const SOME_USERS_FAIL: u8 = 2;

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Exit 0 when the daemon can start even though some users cannot be served now (they are
    /// still reported as FAIL); for the systemd unit's ExecStartPre.
    #[arg(long)]
    allow_failing_users: bool,
}

pub async fn run(config_path: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let config = match Config::load(config_path) {
        Ok(c) => {
            println!("ok   config {}", config_path.display());
            c
        }
        Err(e) => {
            println!("FAIL config: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let state_dir = &config.daemon.state_dir;
    if let Err(e) = create_dir_private(state_dir) {
        println!(
            "FAIL state dir {}: {e} — create it, writable by the daemon's user",
            state_dir.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    println!("ok   state dir {}", state_dir.display());
    if let Some(mode) = group_or_other_access(state_dir) {
        println!(
            "WARN state dir {} is open to group or others (mode {mode:04o}): it holds names, \
             e-mail addresses and meeting titles — run `chmod 700 {}`",
            state_dir.display(),
            state_dir.display()
        );
    }
    if let GoogleAuth::ServiceAccount { key_file, .. } = &config.google.auth {
        if let Some(problem) = key_file_mode_problem(key_file) {
            println!("WARN {problem}");
        }
    }
    let clients = match Clients::connect_all(&config.google).await {
        Ok(c) => c,
        Err(e) => {
            println!("FAIL credentials: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    // Tasks act as each item's owner; proving the scope for every served user (a manager is
    // always an owner) shows a missing delegation before the first item needs it.
    let tasks = config
        .tasks
        .enabled
        .then(|| TasksClients::new(&config.google));
    let backing_off = super::backoffs::recorded(&config);
    let mut failing = BTreeSet::new();
    for c in &clients {
        let user = c.user.as_str();
        if let Some(b) = backing_off.get(user) {
            println!("WARN {}", super::backoffs::describe(user, b));
        }
        // The cheapest call that needs each scope proves the token, the delegation and that
        // scope. The first also fetches the user's token: if that is refused, the other calls
        // would only repeat the same failure, so the user is reported once.
        let calendar = c.calendar.probe(user).await;
        if let Err(e @ GoogleError::Unauthorized { .. }) = &calendar {
            failing.insert(user);
            println!(
                "FAIL {user}: token: {e}\n     fix: {}",
                advice(user, e, scopes::CALENDAR_EVENTS)
            );
            continue;
        }
        let drive = c.drive.changes_start_token().await.map(|_| ());
        let documents = documents_probe(c).await;
        let mut probes = vec![
            ("calendar", calendar, scopes::CALENDAR_EVENTS),
            ("drive", drive, scopes::DRIVE_FILE),
            ("documents", documents, scopes::DOCUMENTS),
        ];
        if let Some(tasks) = &tasks {
            let result = match tasks.for_owner(user).await {
                Ok(api) => api.probe().await,
                Err(e) => Err(e),
            };
            probes.push(("tasks", result, scopes::TASKS));
        }
        for (what, result, scope) in probes {
            match result {
                Ok(()) => println!("ok   {user}: {what} ({scope})"),
                Err(e) => {
                    failing.insert(user);
                    println!(
                        "FAIL {user}: {what} ({scope}): {e}\n     fix: {}",
                        advice(user, &e, scope)
                    );
                }
            }
        }
        // names.directory: the user's own directory entry proves directory.readonly.
        if config.names.directory {
            let scope = scopes::DIRECTORY_READONLY;
            match c.people.directory_name(user).await {
                Ok(_) => println!("ok   {user}: directory ({scope})"),
                Err(e) => {
                    failing.insert(user);
                    println!(
                        "FAIL {user}: directory ({scope}): {e}\n     fix: names.directory = \
                         true reads people's names from the Workspace directory: {}; or set \
                         names.directory = false (names then come from Calendar or the \
                         address; the daemon runs either way)",
                        directory_advice(&e)
                    );
                }
            }
        }
    }
    if failing.is_empty() {
        println!("all checks passed");
        return Ok(ExitCode::SUCCESS);
    }
    let served = clients.len() - failing.len();
    let names = failing.iter().copied().collect::<Vec<_>>().join(", ");
    println!(
        "{} of {} user(s) cannot be served now: {names} — the daemon serves the other {served} \
         and retries these on every pass; fix them as said above",
        failing.len(),
        clients.len()
    );
    Ok(if args.allow_failing_users {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(SOME_USERS_FAIL)
    })
}

/// Creates the state directory (and missing parents) with mode 0700, as the store does: it
/// holds names, e-mail addresses and meeting titles. An existing directory is left alone.
fn create_dir_private(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// The directory's mode when group or others have any access to it.
fn group_or_other_access(dir: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Proves the `documents` scope with the cheapest Docs call: the `revisionId` of a document
/// id that cannot exist. Google checks the token and its scopes before it looks the document
/// up: a delegation without the scope refuses the token, a token without it is answered 403
/// (`ACCESS_TOKEN_SCOPE_INSUFFICIENT`), and only an accepted one reaches "not found" (404, or
/// 400 should Google reject the id's shape), so those two prove the scope.
async fn documents_probe(c: &Clients) -> Result<(), GoogleError> {
    match c.docs.revision_id(PROBE_DOCUMENT_ID).await {
        Ok(_)
        | Err(GoogleError::NotFound { .. })
        | Err(GoogleError::Permanent {
            code: Some(400), ..
        }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// A document id no Google Doc has (ids are 44 base64url characters).
const PROBE_DOCUMENT_ID: &str = "oneonone-check-scope-probe";

/// How to grant the directory scope, by what refused it.
fn directory_advice(e: &GoogleError) -> &'static str {
    match e {
        GoogleError::Unauthorized { .. } => {
            "add https://www.googleapis.com/auth/directory.readonly to the service account's \
             domain-wide delegation (Admin console → Security → API controls), or for \
             `auth = \"installed\"` run `oneonone auth login` again"
        }
        GoogleError::Forbidden { .. } => {
            "enable the People API in the Cloud project, and let the domain share its \
             directory (Admin console → Directory → Directory settings → Sharing settings)"
        }
        _ => "see the message above",
    }
}

fn advice(user: &str, e: &GoogleError, scope: &str) -> String {
    match e {
        // Google's token endpoint answers `invalid_grant` for a subject it does not know.
        GoogleError::Unauthorized { message } if message.contains("invalid_grant") => format!(
            "no token could be issued for {user}: check that it is spelled right in \
             google.users and is an active user of the Workspace domain the service account \
             belongs to, and that the account has domain-wide delegation (Admin console → \
             Security → API controls) for the scopes calendar.events, documents, drive.file; \
             for `auth = \"installed\"` run `oneonone auth login` again. Needed here: {scope}"
        ),
        GoogleError::Unauthorized { .. } => format!(
            "the token was refused: for a service account, allow domain-wide delegation for its \
             client id with the scopes calendar.events, documents, drive.file in the Admin \
             console (Security → API controls); for `auth = \"installed\"` run `oneonone auth \
             login` again. Needed here: {scope}"
        ),
        GoogleError::Forbidden { .. } => format!(
            "the API refused: enable the Calendar, Docs and Drive APIs in the Cloud project and \
             grant {scope}"
        ),
        GoogleError::Transient { .. } => {
            "Google (or google.endpoint) is unreachable: check the network and the endpoint URL"
                .to_string()
        }
        _ => "see the message above".to_string(),
    }
}
