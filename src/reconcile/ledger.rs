//! The action-item ledger as the pass uses it: the series sharing one doc, and the open items
//! carried forward into the next section. Shared by harvesting and section writing, so neither
//! imports the other.

use super::series::SeriesView;
use crate::domain::actions::{self, ActionItem, Owner};
use crate::domain::occurrences::Occurrence;
use crate::store::{LedgerEntry, LedgerOwner, LedgerQuery, Store, StoreError};

pub(super) fn ledger_owner(owner: &Owner) -> LedgerOwner {
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

/// The series that share one doc: a series split by a "this and following" edit continues in
/// the same doc under a new series key, and its open items carry over from the old one.
fn family(
    s: &Store,
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
pub(super) fn find_items(
    s: &Store,
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
    s: &Store,
    view: &SeriesView,
    doc_id: &str,
    occ: &Occurrence,
) -> Result<Vec<String>, StoreError> {
    let user = view.user.as_str();
    let before = occ.original_start.min(occ.start);
    let mut open = Vec::new();
    for key in family(s, user, view.key.as_str(), doc_id)? {
        open.extend(s.open_items_before(user, &key, before)?);
    }
    open.sort_by_key(|e| e.meeting_start);
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
