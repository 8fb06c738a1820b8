//! `oneonone explain <event id or title>`: why a meeting was or wasn't picked up as a 1-1.

use oneonone::config::{Config, GoogleAuth, Settings};
use oneonone::domain::event::Event;
use oneonone::domain::roles::{acting_user, attach_as};
use oneonone::domain::series::{detect, organizer_email, other_attendee, SeriesKey};
use oneonone::google::calendar::SyncMode;
use oneonone::google::Clients;
use oneonone::reconcile::{adoption_candidates, Verdict};
use oneonone::store::Store;
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
                if let Some(other) = serving_pass(&config, user, &event) {
                    println!(
                        "  served by {other}'s pass: both people are served and one pass acts \
                         on a 1-1 (the organizer's if served, else the smaller address); this \
                         pass skips it"
                    );
                    println!();
                    continue;
                }
                print_attach_route(&config, user, &event);
                let exceptions: Vec<Event> = listed
                    .items
                    .iter()
                    .filter_map(|j| Event::from_json(j).ok())
                    .filter(|e| e.recurring_event_id.as_deref() == Some(event.id.as_str()))
                    .collect();
                print_doc(&config, user, &event, &exceptions);
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

/// The other served user whose pass acts on this 1-1, when it is not `user`'s.
fn serving_pass(config: &Config, user: &str, event: &Event) -> Option<String> {
    let organizer = organizer_email(event, user)?;
    let other = other_attendee(event, user)?
        .email
        .clone()?
        .to_ascii_lowercase();
    let acting = acting_user(
        &organizer,
        [user, other.as_str()],
        config.google.auth.users(),
    )?;
    (acting != user).then(|| acting.to_string())
}

/// As whom the doc is attached to the event, and, when it cannot be or a try was refused,
/// what the pass reported (held back for a day, so it is not repeated every pass).
fn print_attach_route(config: &Config, user: &str, event: &Event) {
    let organizer = organizer_email(event, user).unwrap_or_else(|| user.to_string());
    let delegation = matches!(config.google.auth, GoogleAuth::ServiceAccount { .. });
    let how = attach_as(&organizer, user, delegation, event.guests_can_modify);
    println!("  attach the doc: {how}");
    let key = SeriesKey::of(&event.id);
    let held = Store::open_reader_in_state_dir(&config.daemon.state_dir)
        .ok()
        .and_then(|s| s.held_steps(user, key.as_str()).ok())
        .unwrap_or_default();
    let step = format!("attach:{}", event.id);
    for h in held.iter().filter(|h| h.step == step) {
        println!(
            "  not attached (next try after {}): {}",
            h.not_before.to_rfc3339(),
            h.error
        );
    }
}

/// Which doc the series has or would adopt, and why each attached Google Doc was or was not
/// adopted (issue 9 §10), plus what the store records (read-only, so it works next to `run`).
fn print_doc(config: &Config, user: &str, master: &Event, exceptions: &[Event]) {
    let key = SeriesKey::of(&master.id);
    let recorded = Store::open_reader_in_state_dir(&config.daemon.state_dir)
        .ok()
        .and_then(|s| s.series(user, key.as_str()).ok().flatten());
    match recorded
        .as_ref()
        .and_then(|r| r.doc_id.as_ref().map(|d| (d, r.adopted)))
    {
        Some((doc, true)) => println!("  doc: {doc} (adopted: people had attached it)"),
        Some((doc, false)) => println!("  doc: {doc} (created by oneonone)"),
        None => println!("  doc: none recorded yet"),
    }
    let candidates = adoption_candidates(std::slice::from_ref(master), exceptions);
    if candidates.is_empty() {
        if recorded.is_none() {
            println!("  attached Google Docs: none, so a new doc will be created");
        }
        return;
    }
    println!("  attached Google Docs:");
    for c in &candidates {
        let on = if c.event_id == master.id {
            "the series".to_string()
        } else {
            format!("instance {}", c.event_id)
        };
        let ours = recorded.as_ref().and_then(|r| r.doc_id.as_deref()) == Some(&c.doc_id);
        let verdict = if ours {
            "the series' doc".to_string()
        } else {
            c.verdict.to_string()
        };
        println!(
            "    {} {:?} (on {on}) — {verdict}",
            c.doc_id,
            c.title.as_deref().unwrap_or("(no title)"),
        );
    }
    if recorded.is_none() && !candidates.iter().any(|c| c.verdict == Verdict::Adopted) {
        println!("  none fits, so a new doc will be created");
    }
}
