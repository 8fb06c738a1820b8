//! Exporting the action-item ledger: a terminal table, JSON with a stable schema, CSV, and a
//! Markdown review summary per person.
//!
//! Rows are built once from the store ([`ActionRow`]) and each format is a pure function of the
//! rows, so every format shows the same facts.

mod csv_cell;
mod doc_markdown;
mod markdown;
pub mod review;

pub use doc_markdown::doc_to_markdown;
pub use markdown::review_markdown;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// The version tag of the JSON document; bump it on any incompatible change.
pub(crate) const JSON_SCHEMA: &str = "oneonone.actions/v1";

/// One action item as exported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRow {
    /// The series key (stable id of the recurring 1-1).
    pub series: String,
    pub series_title: String,
    /// The meeting's local date in the series' time zone.
    pub meeting: NaiveDate,
    /// `email`, `both`, `unassigned` or `text` (a name as written, not resolved).
    pub owner_kind: String,
    /// The owner's e-mail (kind `email`) or the name as written (kind `text`).
    pub owner: Option<String>,
    /// The owner's display name from the Workspace directory (`names.directory`), when the
    /// store has it cached; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    pub task: String,
    pub due: Option<NaiveDate>,
    pub done: bool,
    pub done_at: Option<DateTime<Utc>>,
    /// The doc, at the section's heading when known.
    pub source: String,
    /// The item's identity within its meeting (normalised text).
    pub key: String,
    /// Its Google Tasks (`[tasks]`), one per owner; empty when tasks are off.
    pub tasks: Vec<TaskExport>,
}

/// One owner's task for an item: `state` is `inserting` (sent, answer not yet recorded),
/// `open`, `completed` or `deleted` (by its owner; never recreated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskExport {
    pub owner: String,
    pub state: String,
}

impl ActionRow {
    /// `owner:state` for each task, `; `-separated (CSV and table).
    fn tasks_label(&self) -> String {
        self.tasks
            .iter()
            .map(|t| format!("{}:{}", t.owner, t.state))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

impl ActionRow {
    /// Open and past its due date on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        !self.done && self.due.is_some_and(|d| d < today)
    }

    fn owner_label(&self) -> String {
        match (self.owner_kind.as_str(), &self.owner) {
            ("both", _) => "both".to_string(),
            ("unassigned", _) => "unassigned".to_string(),
            (_, Some(o)) => match &self.owner_name {
                Some(name) => format!("{name} <{o}>"),
                None => o.clone(),
            },
            _ => "?".to_string(),
        }
    }
}

/// `{"schema": "oneonone.actions/v1", "items": [...]}`.
pub fn to_json(rows: &[ActionRow]) -> serde_json::Value {
    serde_json::json!({"schema": JSON_SCHEMA, "items": rows})
}

/// CSV with a header row. Every cell is passed through [`csv_cell::neutralise`], so a task
/// someone typed as `=…` stays text in a spreadsheet.
pub fn to_csv(rows: &[ActionRow]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "series",
        "series_title",
        "meeting",
        "owner_kind",
        "owner",
        "task",
        "due",
        "done",
        "done_at",
        "source",
        "key",
        "tasks",
    ])?;
    for r in rows {
        let cells = [
            r.series.as_str(),
            r.series_title.as_str(),
            &r.meeting.to_string(),
            r.owner_kind.as_str(),
            r.owner.as_deref().unwrap_or(""),
            r.task.as_str(),
            &r.due.map(|d| d.to_string()).unwrap_or_default(),
            if r.done { "true" } else { "false" },
            &r.done_at.map(|d| d.to_rfc3339()).unwrap_or_default(),
            r.source.as_str(),
            r.key.as_str(),
            &r.tasks_label(),
        ];
        w.write_record(cells.iter().map(|c| csv_cell::neutralise(c).into_owned()))?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A terminal table.
pub fn to_table(rows: &[ActionRow], today: NaiveDate) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
    // The tasks column only when there are tasks (`[tasks]` on), so the table stays narrow.
    let with_tasks = rows.iter().any(|r| !r.tasks.is_empty());
    let mut header = vec!["meeting", "series", "owner", "task", "due", "status"];
    if with_tasks {
        header.push("tasks");
    }
    table.set_header(header);
    for r in rows {
        let status = if r.done {
            "done".to_string()
        } else if r.overdue(today) {
            "OVERDUE".to_string()
        } else {
            "open".to_string()
        };
        let mut cells = vec![
            r.meeting.format("%a %d %b %Y").to_string(),
            r.series_title.clone(),
            r.owner_label(),
            r.task.clone(),
            r.due
                .map(|d| d.format("%a %d %b").to_string())
                .unwrap_or_default(),
            status,
        ];
        if with_tasks {
            cells.push(r.tasks_label());
        }
        table.add_row(cells);
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn row(
        owner: &str,
        task: &str,
        meeting: &str,
        due: Option<&str>,
        done: bool,
    ) -> ActionRow {
        ActionRow {
            series: "s1".into(),
            series_title: "Alice / Bob".into(),
            meeting: meeting.parse().expect("test date"),
            owner_kind: "email".into(),
            owner: Some(owner.into()),
            owner_name: None,
            task: task.into(),
            due: due.map(|d| d.parse().expect("test date")),
            done,
            done_at: None,
            source: "https://docs.google.com/document/d/x/edit".into(),
            key: task.to_lowercase(),
            tasks: Vec::new(),
        }
    }

    #[test]
    fn a_directory_name_labels_the_owner_and_is_in_the_json() {
        let mut r = row("bob@example.com", "send", "2026-11-24", None, false);
        assert_eq!(r.owner_label(), "bob@example.com");
        assert!(to_json(std::slice::from_ref(&r))["items"][0]
            .get("owner_name")
            .is_none());
        r.owner_name = Some("Bob Okafor".into());
        assert_eq!(r.owner_label(), "Bob Okafor <bob@example.com>");
        assert_eq!(to_json(&[r])["items"][0]["owner_name"], "Bob Okafor");
    }

    #[test]
    fn csv_quotes_commas_and_keeps_every_column() {
        let csv = to_csv(&[row(
            "bob@example.com",
            "send Q3, Q4 drafts",
            "2026-11-24",
            Some("2026-11-27"),
            false,
        )])
        .expect("csv");
        let mut lines = csv.lines();
        assert_eq!(lines.next().map(|l| l.split(',').count()), Some(12));
        let data = lines.next().expect("data row");
        assert!(data.contains("\"send Q3, Q4 drafts\""), "{data}");
        assert!(data.contains("2026-11-27"));
    }

    #[test]
    fn csv_cells_never_become_formulas() {
        let mut r = row(
            "bob@example.com",
            "=HYPERLINK(\"http://evil.example\",\"click\")",
            "2026-11-24",
            None,
            false,
        );
        r.series_title = "+cmd|' /C calc'!A0".into();
        r.owner_kind = "text".into();
        r.owner = Some("@bob".into());
        r.key = "-1+1".into();
        let csv = to_csv(&[r]).expect("csv");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let record = reader.records().next().expect("a row").expect("valid csv");
        assert_eq!(&record[1], "'+cmd|' /C calc'!A0");
        assert_eq!(&record[4], "'@bob");
        assert_eq!(&record[5], "'=HYPERLINK(\"http://evil.example\",\"click\")");
        assert_eq!(&record[10], "'-1+1");
        assert_eq!(&record[2], "2026-11-24", "our own columns are untouched");
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn json_has_schema_and_nulls_for_missing_fields() {
        let v = to_json(&[row("bob@example.com", "x", "2026-11-24", None, true)]);
        assert_eq!(v["schema"], JSON_SCHEMA);
        assert_eq!(v["items"][0]["due"], serde_json::Value::Null);
        assert_eq!(v["items"][0]["meeting"], "2026-11-24");
        assert_eq!(v["items"][0]["done"], true);
    }

    #[test]
    fn overdue_only_when_open_and_past_due() {
        let today: NaiveDate = "2026-12-01".parse().expect("date");
        assert!(row("b", "t", "2026-11-24", Some("2026-11-27"), false).overdue(today));
        assert!(!row("b", "t", "2026-11-24", Some("2026-11-27"), true).overdue(today));
        assert!(!row("b", "t", "2026-11-24", Some("2026-12-02"), false).overdue(today));
        assert!(!row("b", "t", "2026-11-24", None, false).overdue(today));
    }
}
