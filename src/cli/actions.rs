//! `oneonone actions`: the action-item history from the store, as a table, JSON, CSV or a
//! Markdown review summary. Reads only the local ledger (no Google call); run `once` first for
//! fresh data.

use anyhow::Context;
use chrono::{NaiveDate, TimeZone, Utc};
use clap::ValueEnum;
use oneonone::config::Config;
use oneonone::export::{self, ActionRow, TaskExport};
use oneonone::store::{DoneFilter, ItemKey, LedgerOwner, LedgerQuery, Store};
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Csv,
    Markdown,
}

#[derive(Debug, Default, clap::Args)]
pub struct Args {
    /// Only this series (its key, or a piece of its title).
    #[arg(long)]
    pub series: Option<String>,
    /// Only items owned by this e-mail address.
    #[arg(long)]
    pub person: Option<String>,
    /// Only open items.
    #[arg(long, conflicts_with = "done")]
    pub open: bool,
    /// Only done items.
    #[arg(long)]
    pub done: bool,
    /// Meetings on or after this date (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<NaiveDate>,
    /// Meetings on or before this date (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub async fn run(config_path: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(config_path)?;
    let store = Store::open_reader_in_state_dir(&config.daemon.state_dir).with_context(|| {
        format!(
            "daemon.state_dir = {}: cannot open the store",
            config.daemon.state_dir.display()
        )
    })?;
    let rows = rows(&store, &args)?;
    let today = Utc::now().date_naive();
    match args.format {
        Format::Table => println!("{}", export::to_table(&rows, today)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&export::to_json(&rows))?),
        Format::Csv => print!("{}", export::to_csv(&rows)?),
        Format::Markdown => print!("{}", export::review_markdown(&rows, today)),
    }
    Ok(ExitCode::SUCCESS)
}

/// The ledger rows matching `args`, oldest meeting first.
pub fn rows(store: &Store, args: &Args) -> anyhow::Result<Vec<ActionRow>> {
    let day_start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).map(|t| Utc.from_utc_datetime(&t));
    let query = LedgerQuery {
        owner_email: args.person.as_ref().map(|p| p.to_ascii_lowercase()),
        done: match (args.open, args.done) {
            (true, _) => DoneFilter::Open,
            (_, true) => DoneFilter::Done,
            _ => DoneFilter::All,
        },
        // A day of slack both ways: meetings are dated in their own time zone, filtered below.
        since: args
            .since
            .and_then(|d| day_start(d - chrono::Duration::days(1))),
        until: args
            .until
            .and_then(|d| day_start(d + chrono::Duration::days(2))),
        ..LedgerQuery::default()
    };
    let entries = store.ledger(&query)?;
    let mut series = HashMap::new();
    let mut tasks: HashMap<String, HashMap<ItemKey, Vec<TaskExport>>> = HashMap::new();
    let mut out = Vec::new();
    for e in entries {
        let key = (e.key.user.clone(), e.key.series_key.clone());
        if !series.contains_key(&key) {
            series.insert(key.clone(), store.series(&key.0, &key.1)?);
        }
        let record = series.get(&key).and_then(|r| r.as_ref());
        let title = record.map(|r| r.title.clone()).unwrap_or_default();
        if let Some(wanted) = &args.series {
            let wanted_l = wanted.to_lowercase();
            if e.key.series_key != *wanted && !title.to_lowercase().contains(&wanted_l) {
                continue;
            }
        }
        let tz: chrono_tz::Tz = record
            .and_then(|r| r.time_zone.parse().ok())
            .unwrap_or(chrono_tz::UTC);
        let meeting = e.meeting_start.with_timezone(&tz).date_naive();
        if args.since.is_some_and(|d| meeting < d) || args.until.is_some_and(|d| meeting > d) {
            continue;
        }
        let (owner_kind, owner) = match &e.item.owner {
            LedgerOwner::Email(m) => ("email", Some(m.clone())),
            LedgerOwner::Both => ("both", None),
            LedgerOwner::Unassigned => ("unassigned", None),
            LedgerOwner::Text(t) => ("text", Some(t.clone())),
        };
        let source = match &e.item.heading_id {
            Some(h) => format!("{}#heading={h}", e.item.source_doc_url),
            None => e.item.source_doc_url.clone(),
        };
        // The directory's name, as the daemon cached it (issue 11); never looked up here.
        let owner_name = match &e.item.owner {
            // A store from before schema 5 (a reader does not migrate) has no names: none.
            LedgerOwner::Email(m) => store.directory_name(m).ok().flatten().and_then(|d| d.name),
            _ => None,
        };
        if !tasks.contains_key(&e.key.user) {
            let mut of_user: HashMap<ItemKey, Vec<TaskExport>> = HashMap::new();
            for t in store.action_tasks_of_user(&e.key.user)? {
                of_user.entry(t.item.clone()).or_default().push(TaskExport {
                    owner: t.owner.clone(),
                    state: t.state.as_str().to_string(),
                });
            }
            tasks.insert(e.key.user.clone(), of_user);
        }
        let item_tasks = tasks
            .get(&e.key.user)
            .and_then(|m| m.get(&e.key))
            .cloned()
            .unwrap_or_default();
        out.push(ActionRow {
            series: e.key.series_key.clone(),
            series_title: title,
            meeting,
            owner_kind: owner_kind.to_string(),
            owner,
            owner_name,
            task: e.item.task.clone(),
            due: e.item.due,
            done: e.item.done,
            done_at: e.done_at,
            source,
            key: e.item.item_key.clone(),
            tasks: item_tasks,
        });
    }
    Ok(out)
}
