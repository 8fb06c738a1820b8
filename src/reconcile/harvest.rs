//! Reading the action items after a meeting, keeping the ledger, and carrying open items
//! forward into the next section.
//!
//! Change is detected cheaply: one Drive `changes.list` per user per pass says which docs changed
//! since the last look; only those are read again. A doc this app cannot see in Drive (an
//! adopted one, under the `drive.file` scope) is re-read on the schedule's debounce instead.

use super::section::DocWork;
use super::series::{SectionStates, SeriesView};
use super::series_doc::SeriesDoc;
use super::{problem, PassReport, Reconciler};
use crate::domain::actions::{self, ActionItem, MeetingContext, Owner, Person};
use crate::domain::occurrences::{local_date, Occurrence};
use crate::domain::sections::find_section;
use crate::google::Clients;
use crate::store::{LedgerEntry, LedgerItem, LedgerOwner, LedgerQuery, StoreError};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// The docs Drive says changed since the last look, fetched at most once per user per pass and
/// at most once per re-harvest debounce period (a re-harvest is not due more often anyway), so
/// most idle polls stay a single Calendar call.
#[derive(Default)]
pub(super) struct ChangedDocs {
    /// `None` until asked; `Some(None)` when Drive could not say (treat all as changed).
    changed: Option<Option<HashSet<String>>>,
}

impl ChangedDocs {
    /// The revision to hand the schedule for re-harvest decisions: the last harvested
    /// revision when the doc is unchanged, a value that differs from it when it changed.
    pub async fn revision_hint(
        &mut self,
        r: &Reconciler<'_>,
        clients: &Clients,
        doc: &SeriesDoc,
        states: &SectionStates,
        now: DateTime<Utc>,
        report: &mut PassReport,
    ) -> Option<String> {
        let last = states.last_harvested_revision.clone()?;
        if self.changed.is_none() {
            self.changed = Some(self.fetch(r, clients, now, report).await);
        }
        match &self.changed {
            Some(Some(ids)) if !ids.contains(&doc.id) => Some(last),
            _ => Some(format!("changed-after:{last}")),
        }
    }

    async fn fetch(
        &self,
        r: &Reconciler<'_>,
        clients: &Clients,
        now: DateTime<Utc>,
        report: &mut PassReport,
    ) -> Option<HashSet<String>> {
        let user = clients.user.as_str();
        let stored = r.with_store(user, |s| s.drive_page_token_at(user)).ok()?;
        let Some((token, looked_at)) = stored else {
            // First look: remember where Drive is now; everything counts as changed once.
            if let Ok(start) = clients.drive.changes_start_token().await {
                if !r.dry_run {
                    let _ = r.with_store(user, |s| s.set_drive_page_token(user, &start, now));
                }
            }
            return None;
        };
        if now - looked_at < r.schedule_config().reharvest_debounce {
            // Looked recently: nothing counts as changed yet; the token is not advanced, so
            // the next look still sees every change since the last one.
            return Some(HashSet::new());
        }
        match clients.drive.changes_since(&token).await {
            Ok(changes) => {
                if !r.dry_run {
                    let _ = r.with_store(user, |s| {
                        s.set_drive_page_token(user, &changes.new_start_token, now)
                    });
                }
                Some(changes.file_ids.into_iter().collect())
            }
            Err(e) => {
                report.problems.push(format!(
                    "{user}: Drive changes.list: {e} (re-reading docs instead)"
                ));
                None
            }
        }
    }
}

fn meeting_context(r: &Reconciler<'_>, view: &SeriesView, occ: &Occurrence) -> MeetingContext {
    MeetingContext {
        meeting_date: local_date(occ),
        organizer: Person {
            email: view.user.clone(),
            name: Some(view.organizer_name.clone()),
        },
        other: Person {
            email: view.other_email.clone(),
            name: Some(view.other_name.clone()),
        },
        aliases: r
            .config
            .actions
            .aliases
            .iter()
            .map(|(alias, email)| (alias.clone(), email.clone()))
            .collect(),
    }
}

fn ledger_owner(owner: &Owner) -> LedgerOwner {
    match owner {
        Owner::Email(e) => LedgerOwner::Email(e.clone()),
        Owner::Both => LedgerOwner::Both,
        Owner::Unassigned => LedgerOwner::Unassigned,
        Owner::AsWritten(t) => LedgerOwner::Text(t.clone()),
    }
}

fn domain_owner(owner: &LedgerOwner) -> Owner {
    match owner {
        LedgerOwner::Email(e) => Owner::Email(e.clone()),
        LedgerOwner::Both => Owner::Both,
        LedgerOwner::Unassigned => Owner::Unassigned,
        LedgerOwner::Text(t) => Owner::AsWritten(t.clone()),
    }
}

/// Reads the occurrence's section and records its action items.
pub(super) async fn harvest(
    r: &Reconciler<'_>,
    work: &mut DocWork<'_>,
    view: &SeriesView,
    occ: &Occurrence,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<(), String> {
    let key = view.key.as_str();
    let fail = |step: &str, e: &dyn std::fmt::Display| problem(key, step, e);
    let doc_url = work.doc.url.clone();
    let doc_id = work.doc.id.clone();
    let doc = work.read().await.map_err(|e| fail("read the doc", &e))?;
    let revision = doc.revision_id.clone().unwrap_or_default();
    let ctx = meeting_context(r, view, occ);
    let harvest = match find_section(doc, occ.key.as_str(), ctx.meeting_date) {
        Some(span) => {
            let paragraphs = doc.paragraphs.get(span.paragraphs.clone()).unwrap_or(&[]);
            actions::harvest(paragraphs, &ctx)
        }
        None => actions::Harvest::default(),
    };
    report.harvests += 1;
    if r.dry_run {
        report.planned.push(format!(
            "record {} action items from {}",
            harvest.items.len(),
            work.doc.id
        ));
        return Ok(());
    }
    let items: Vec<LedgerItem> = harvest
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| LedgerItem {
            item_key: item.key.clone(),
            position: i as u32,
            owner: ledger_owner(&item.owner),
            task: item.task.clone(),
            due: item.due,
            done: item.done,
            source_doc_url: doc_url.clone(),
            heading_id: item.heading_id.clone(),
        })
        .collect();
    report.items_harvested += items.len();
    let user = view.user.as_str();
    let closed = r
        .with_store(user, |s| {
            s.replace_occurrence_items(user, key, occ.key.as_str(), &items, now)?;
            let mut closed = 0;
            for update in harvest.carried.iter().filter(|u| u.done) {
                for original in find_items(s, user, key, &doc_id, &update.key)? {
                    if !original.item.done && s.set_item_done(&original.key, true, now)? {
                        closed += 1;
                    }
                }
            }
            s.record_harvest(user, key, occ.key.as_str(), now, &revision)?;
            Ok(closed)
        })
        .map_err(|e| fail("store", &e))?;
    report.items_closed += closed;
    Ok(())
}

/// The series that share one doc: a series split by a "this and following" edit continues in
/// the same doc under a new series key, and its open items carry over from the old one.
fn family(
    s: &crate::store::Store,
    user: &str,
    series_key: &str,
    doc_id: &str,
) -> Result<Vec<String>, StoreError> {
    let mut keys: Vec<String> = s
        .series_list(user, None)?
        .into_iter()
        .filter(|rec| rec.doc_id.as_deref() == Some(doc_id))
        .map(|rec| rec.series_key)
        .collect();
    if !keys.iter().any(|k| k == series_key) {
        keys.push(series_key.to_string());
    }
    Ok(keys)
}

/// Ledger entries with `item_key` in any series sharing the doc.
fn find_items(
    s: &crate::store::Store,
    user: &str,
    series_key: &str,
    doc_id: &str,
    item_key: &str,
) -> Result<Vec<LedgerEntry>, StoreError> {
    let mut found = Vec::new();
    for key in family(s, user, series_key, doc_id)? {
        found.extend(s.ledger(&LedgerQuery {
            user: Some(user.to_string()),
            series_key: Some(key),
            item_key: Some(item_key.to_string()),
            ..LedgerQuery::default()
        })?);
    }
    Ok(found)
}

/// The still-open items of earlier meetings of the series, as carry-forward lines.
pub(super) fn carry_lines(
    r: &Reconciler<'_>,
    view: &SeriesView,
    doc_id: &str,
    occ: &Occurrence,
) -> Result<Vec<String>, super::ReconcileError> {
    let user = view.user.as_str();
    let before = occ.original_start.min(occ.start);
    let open = r.with_store(user, |s| {
        let mut open = Vec::new();
        for key in family(s, user, view.key.as_str(), doc_id)? {
            open.extend(s.open_items_before(user, &key, before)?);
        }
        open.sort_by_key(|e| e.meeting_start);
        Ok(open)
    })?;
    let names = |owner: &Owner| match owner {
        Owner::Email(e) if e.eq_ignore_ascii_case(&view.user) => view.organizer_name.clone(),
        Owner::Email(e) if e.eq_ignore_ascii_case(&view.other_email) => view.other_name.clone(),
        Owner::Email(e) => e.clone(),
        Owner::Both => "Both".to_string(),
        Owner::Unassigned => "Unassigned".to_string(),
        Owner::AsWritten(t) => t.clone(),
    };
    let tz: chrono_tz::Tz = occ.time_zone;
    Ok(open
        .iter()
        .map(|entry| {
            let item = ActionItem {
                owner: domain_owner(&entry.item.owner),
                task: entry.item.task.clone(),
                due: entry.item.due,
                done: false,
                key: entry.item.item_key.clone(),
                raw: entry.item.task.clone(),
                heading_id: entry.item.heading_id.clone(),
            };
            let from = entry.meeting_start.with_timezone(&tz).date_naive();
            actions::carry_line(&item, &names, from)
        })
        .collect())
}
