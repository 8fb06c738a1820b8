//! "✅ done <date>" after the carried line of an item whose Google Task was completed
//! ([`crate::domain::actions::done_note`]): one guarded `batchUpdate` per doc, insert only.
//!
//! Best effort: the ledger already holds the item closed (the next section will not carry it);
//! a doc that changed meanwhile (revision conflict) or cannot be read only loses the note, which
//! is reported, never forced.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::doc_reads::read_doc;
use super::requests::to_requests;
use super::{Reconciler, UserOutcome};
use crate::domain::actions::done_note::{done_notes, Closed};
use crate::google::Clients;
use crate::store::ItemKey;

/// Notes the `closed` items (key, task text) in the newest section of their series' docs.
pub(super) async fn write(
    r: &Reconciler<'_>,
    clients: &Clients,
    closed: &[(ItemKey, String)],
    now: DateTime<Utc>,
    out: &mut UserOutcome,
) {
    let mut by_series: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (key, task) in closed {
        by_series
            .entry(key.series_key.as_str())
            .or_default()
            .push(task);
    }
    for (series, tasks) in by_series {
        let record = match r.store(|s| s.series(&clients.user, series)) {
            Ok(Some(rec)) => rec,
            _ => continue,
        };
        let Some(doc_id) = record.doc_id.as_deref() else {
            continue;
        };
        let tz: chrono_tz::Tz = record.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let on = now.with_timezone(&tz).date_naive();
        let closed: Vec<Closed> = tasks
            .iter()
            .map(|t| Closed {
                task: t.to_string(),
                on,
            })
            .collect();
        if let Err(e) = note_doc(clients, doc_id, &closed).await {
            out.report.problems.push(format!(
                "tasks: could not note \"✅ done\" in {}: {e} (the items are closed; the next \
                 section does not carry them)",
                record.doc_url.as_deref().unwrap_or(doc_id)
            ));
        }
    }
}

async fn note_doc(clients: &Clients, doc_id: &str, closed: &[Closed]) -> Result<(), String> {
    let doc = read_doc(clients, doc_id, None)
        .await
        .map_err(|e| e.to_string())?;
    let ops = done_notes(&doc.paragraphs, closed);
    if ops.is_empty() {
        return Ok(());
    }
    let requests = to_requests(&ops, doc.tab_id.as_deref()).map_err(|e| e.to_string())?;
    clients
        .docs
        .batch_update(doc_id, requests, doc.revision_id.clone())
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
