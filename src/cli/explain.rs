//! `oneonone explain <event id or title>`: why a meeting was or wasn't picked up as a 1-1.

use oneonone::config::{Config, Settings};
use oneonone::domain::event::Event;
use oneonone::domain::series::{detect, SeriesKey};
use oneonone::google::calendar::SyncMode;
use oneonone::google::Clients;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// An event id, or a piece of its title (case-insensitive).
    event: String,
}

pub async fn run(config_path: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let rules = Settings::new(&config).rules;
    let needle = args.event.to_lowercase();
    let mut shown = 0;
    let mut unreadable = 0;
    let backing_off = super::backoffs::recorded(&config);
    for clients in Clients::connect_all(&config.google).await? {
        let user = clients.user.as_str();
        if let Some(b) = backing_off.get(user) {
            println!(
                "note: {}
",
                super::backoffs::describe(user, b)
            );
        }
        // One unreadable calendar (a user the key cannot act as) must not hide the others.
        let listed = match clients
            .calendar
            .list_all_events(user, &SyncMode::Full)
            .await
        {
            Ok(listed) => listed,
            Err(e) => {
                unreadable += 1;
                eprintln!(
                    "cannot read the calendar of {user}: {e}; `oneonone check` says how to fix it"
                );
                continue;
            }
        };
        for json in &listed.items {
            let Ok(event) = Event::from_json(json) else {
                continue;
            };
            let matches = event.id == args.event
                || event
                    .summary
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().contains(&needle));
            // Exceptions of a series are explained through their master.
            if !matches || event.recurring_event_id.is_some() {
                continue;
            }
            shown += 1;
            let detection = detect(&event, user, &rules);
            println!(
                "{} — {:?} (event {}, calendar of {user})",
                if detection.is_one_on_one {
                    "1-1"
                } else {
                    "not a 1-1"
                },
                event.summary.as_deref().unwrap_or("(no title)"),
                event.id
            );
            print!("{detection}");
            if detection.is_one_on_one {
                println!("  series key: {}", SeriesKey::of(&event.id));
            }
            println!();
        }
    }
    if shown == 0 {
        if unreadable > 0 {
            println!(
                "no event matches {:?} on the calendars that could be read ({unreadable} could \
                 not, see above)",
                args.event
            );
            return Ok(ExitCode::FAILURE);
        }
        println!(
            "no event matches {:?} on the calendars of the served users (google.users); \
             try the event id from the Calendar URL or a word of its title",
            args.event
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
