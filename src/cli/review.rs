//! `oneonone review`: a review packet for one person, from the docs themselves — what was
//! written in each meeting of the period (people's text only, not the template's prompts),
//! the action items with their outcome, and a few figures. Reads the docs through the Docs API
//! as each served user; the items and figures come from the local store (run `once` first).

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use clap::ValueEnum;
use oneonone::config::Config;
use oneonone::domain::doc::Doc;
use oneonone::export::review::{people_text, prompts, MeetingNotes};
use oneonone::export::ActionRow;
use oneonone::google::Clients;
use oneonone::store::Store;
use serde::Serialize;
use std::fmt::Write;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    #[default]
    Markdown,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The person the packet is about (the other attendee of the 1-1s), by e-mail address.
    #[arg(long)]
    pub person: String,
    /// Meetings on or after this date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<NaiveDate>,
    /// Meetings on or before this date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
}

/// The packet, as printed with `--format json`.
#[derive(Debug, Serialize)]
struct Packet {
    schema: &'static str,
    person: String,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    meetings: Vec<Meeting>,
    action_items: Vec<ActionRow>,
    figures: Figures,
}

#[derive(Debug, Serialize)]
struct Meeting {
    doc: String,
    #[serde(flatten)]
    notes: MeetingNotes,
}

#[derive(Debug, Default, Serialize)]
struct Figures {
    meetings_held: usize,
    meetings_cancelled: usize,
    items_done: usize,
    items_open: usize,
    items_overdue: usize,
}

pub async fn run(config_path: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let store = Store::open_reader_in_state_dir(&config.daemon.state_dir).with_context(|| {
        format!(
            "daemon.state_dir = {}: cannot open the store",
            config.daemon.state_dir.display()
        )
    })?;
    let person = args.person.trim().to_ascii_lowercase();
    let prompts = prompts(&config.doc.template);
    // The sandbox's simulated time under `daemon.clock = "sandbox"`, so figures match the passes.
    let today = oneonone::daemon::clock_for(&config)
        .now()
        .await
        .unwrap_or_else(|_| Utc::now())
        .date_naive();
    let in_period =
        |d: NaiveDate| args.since.is_none_or(|s| d >= s) && args.until.is_none_or(|u| d <= u);
    let mut meetings = Vec::new();
    let mut figures = Figures::default();
    let mut failed = 0;
    for clients in Clients::connect_all(&config.google).await? {
        let user = clients.user.as_str();
        for series in store.series_list(user, None)? {
            if series.other_email.as_deref().map(str::to_ascii_lowercase) != Some(person.clone()) {
                continue;
            }
            let tz: chrono_tz::Tz = series.time_zone.parse().unwrap_or(chrono_tz::UTC);
            for occ in store.occurrences(user, &series.series_key)? {
                let day = occ.start.with_timezone(&tz).date_naive();
                if !in_period(day) || day > today {
                    continue;
                }
                if occ.cancelled {
                    figures.meetings_cancelled += 1;
                } else {
                    figures.meetings_held += 1;
                }
            }
            let Some(doc_id) = series.doc_id.as_deref() else {
                continue;
            };
            let url = series.doc_url.clone().unwrap_or_default();
            let json = match clients.docs.get(doc_id).await {
                Ok(json) => json,
                Err(e) => {
                    failed += 1;
                    eprintln!("cannot read the doc {url} as {user}: {e}; `oneonone check` says how to fix it");
                    continue;
                }
            };
            let tab = store.doc_tab(user, doc_id)?;
            let doc = match Doc::from_json_in(&json, tab.as_deref()) {
                Ok(doc) => doc,
                Err(e) => {
                    failed += 1;
                    eprintln!("cannot read the doc {url}: {e}");
                    continue;
                }
            };
            for notes in people_text(&doc, &prompts, args.since, args.until) {
                meetings.push(Meeting {
                    doc: url.clone(),
                    notes,
                });
            }
        }
    }
    meetings.sort_by_key(|m| m.notes.date);
    let action_items = super::actions::rows(
        &store,
        &super::actions::Args {
            person: Some(person.clone()),
            since: args.since,
            until: args.until,
            ..Default::default()
        },
    )?;
    for row in &action_items {
        if row.done {
            figures.items_done += 1;
        } else {
            figures.items_open += 1;
        }
        if row.overdue(today) {
            figures.items_overdue += 1;
        }
    }
    let packet = Packet {
        schema: "oneonone.review/v1",
        person,
        since: args.since,
        until: args.until,
        meetings,
        action_items,
        figures,
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&packet)?),
        Format::Markdown => print!("{}", markdown(&packet, today)),
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn markdown(p: &Packet, today: NaiveDate) -> String {
    let mut out = String::new();
    let period = match (p.since, p.until) {
        (None, None) => "all meetings".to_string(),
        (s, u) => format!(
            "{} to {}",
            s.map(|d| d.to_string())
                .unwrap_or_else(|| "the start".into()),
            u.map(|d| d.to_string()).unwrap_or_else(|| "today".into())
        ),
    };
    let f = &p.figures;
    let _ = writeln!(out, "# Review: {} ({period})\n", p.person);
    let _ = writeln!(
        out,
        "Meetings held: {} · cancelled: {} · action items done: {} · open: {} · overdue: {}\n",
        f.meetings_held, f.meetings_cancelled, f.items_done, f.items_open, f.items_overdue
    );
    let _ = writeln!(out, "## Notes");
    for m in &p.meetings {
        let _ = writeln!(out, "\n### {}\n", m.notes.date);
        let mut heading: Option<&str> = None;
        for l in &m.notes.lines {
            if l.heading.as_deref() != heading {
                heading = l.heading.as_deref();
                if let Some(h) = heading {
                    let _ = writeln!(out, "_{h}_");
                }
            }
            let _ = writeln!(out, "- {}", l.text);
        }
    }
    let _ = writeln!(out, "\n## Action items\n");
    for r in &p.action_items {
        let outcome = if r.done {
            "done"
        } else if r.overdue(today) {
            "overdue"
        } else {
            "open"
        };
        let due = r.due.map(|d| format!(" (due {d})")).unwrap_or_default();
        let _ = writeln!(out, "- {} · {}{due} · {outcome}", r.meeting, r.task);
    }
    out
}
