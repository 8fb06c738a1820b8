//! `oneonone check`: config, credentials, a token per user with the right scopes, endpoint
//! reachability — each problem with what to do about it.

use oneonone::config::Config;
use oneonone::google::calendar::SyncMode;
use oneonone::google::{Clients, GoogleError};
use std::path::Path;
use std::process::ExitCode;

pub async fn run(config_path: &Path) -> anyhow::Result<ExitCode> {
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
    let mut failed = 0;
    match std::fs::create_dir_all(&config.daemon.state_dir) {
        Ok(()) => println!("ok   state dir {}", config.daemon.state_dir.display()),
        Err(e) => {
            failed += 1;
            println!(
                "FAIL state dir {}: {e} — create it, writable by the daemon's user",
                config.daemon.state_dir.display()
            );
        }
    }
    let clients = match Clients::connect_all(&config.google).await {
        Ok(c) => c,
        Err(e) => {
            println!("FAIL credentials: {e}");
            return Ok(ExitCode::FAILURE);
        }
    };
    for c in &clients {
        let user = c.user.as_str();
        // One cheap read per API proves the token, the delegation and each scope. The first
        // read also fetches the user's token: if that is refused, the other reads would only
        // repeat the same failure, so the user is reported once.
        let calendar = c
            .calendar
            .list_events(user, &SyncMode::Full, None)
            .await
            .map(|_| ());
        if let Err(e @ GoogleError::Unauthorized { .. }) = &calendar {
            failed += 1;
            println!(
                "FAIL {user}: token: {e}\n     fix: {}",
                advice(user, e, CALENDAR_SCOPE)
            );
            continue;
        }
        let drive = c.drive.changes_start_token().await.map(|_| ());
        for (what, result, scope) in [
            ("calendar", calendar, CALENDAR_SCOPE),
            ("drive", drive, "https://www.googleapis.com/auth/drive.file"),
        ] {
            match result {
                Ok(()) => println!("ok   {user}: {what}"),
                Err(e) => {
                    failed += 1;
                    println!(
                        "FAIL {user}: {what}: {e}\n     fix: {}",
                        advice(user, &e, scope)
                    );
                }
            }
        }
    }
    if failed == 0 {
        println!("all checks passed");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{failed} check(s) failed");
        Ok(ExitCode::FAILURE)
    }
}

const CALENDAR_SCOPE: &str = "https://www.googleapis.com/auth/calendar.events";

fn advice(user: &str, e: &GoogleError, scope: &str) -> String {
    match e {
        // Google's token endpoint answers `invalid_grant` for a subject it does not know.
        GoogleError::Unauthorized { message } if message.contains("invalid_grant") => format!(
            "no token could be issued for {user}: check that it is spelled right in \
             google.users and is an active user of the Workspace domain the service account \
             belongs to, and that the account has domain-wide delegation (Admin console → \
             Security → API controls) for the scopes calendar.events, documents, drive.file; \
             for `auth = \"installed\"` run `oneonone auth login` again"
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
