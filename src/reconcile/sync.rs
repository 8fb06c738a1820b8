//! Calendar incremental sync: one `events.list` call on an idle poll.
//!
//! The first pass (or after Calendar answers 410 `fullSyncRequired`, or after the store was
//! deleted) lists every event of the user's calendar — masters and exceptions, not expanded —
//! and keeps the `nextSyncToken`; later passes ask only for what changed since. Everything the
//! rest of the pass needs is then read from the store's event cache.

use super::{PassReport, ReconcileError, Reconciler};
use crate::google::calendar::SyncMode;
use crate::google::{Clients, GoogleError};
use crate::store::{CachedEvent, EventStatus};
use serde_json::Value;

/// Syncs the user's calendar into the event cache; returns how many events changed (0 on an
/// idle poll).
pub(super) async fn sync_calendar(
    r: &Reconciler<'_>,
    clients: &Clients,
    now: chrono::DateTime<chrono::Utc>,
    report: &mut PassReport,
) -> Result<usize, ReconcileError> {
    let user = clients.user.as_str();
    let token = r
        .store(|s| s.calendar_sync_token(user, user))
        .map_err(ReconcileError::store(user))?;
    let mode = match token {
        Some(t) => SyncMode::Incremental(t),
        None => SyncMode::Full,
    };
    let mut full = matches!(mode, SyncMode::Full);
    let result = match clients.calendar.list_all_events(user, &mode).await {
        Err(GoogleError::FullSyncRequired { .. }) if matches!(mode, SyncMode::Incremental(_)) => {
            tracing::info!(user, "sync token expired (410); doing a full sync");
            r.store(|s| s.reset_calendar(user, user))
                .map_err(ReconcileError::store(user))?;
            full = true;
            clients
                .calendar
                .list_all_events(user, &SyncMode::Full)
                .await
        }
        other => other,
    };
    let synced = result.map_err(|source| ReconcileError::Google {
        user: user.to_string(),
        step: "calendar sync (events.list)",
        source,
    })?;
    report.full_sync |= full;
    report.events_synced += synced.items.len();
    // Even a dry run fills the event cache: the rest of the pass reads the events from there.
    // A dry run is given a scratch copy of the store (`Daemon::start_dry_run`).
    let cached: Vec<CachedEvent> = synced.items.iter().filter_map(cached_event).collect();
    r.store(|s| s.apply_calendar_page(user, user, &cached, synced.next_sync_token.as_deref(), now))
        .map_err(ReconcileError::store(user))?;
    // Pruning scans the user's cache, so it runs only when the calendar changed (an idle pass
    // stays one indexed read); single events past a day are no use to any pass.
    if !cached.is_empty() {
        let before = now - chrono::Duration::days(1);
        r.store(|s| s.prune_ended_single_events(user, user, before))
            .map_err(ReconcileError::store(user))?;
    }
    Ok(cached.len())
}

/// The cache row of one event resource; an item without an id is not an event and is skipped.
fn cached_event(v: &Value) -> Option<CachedEvent> {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let status = match s("status") {
        Some("cancelled") => EventStatus::Cancelled,
        Some("tentative") => EventStatus::Tentative,
        _ => EventStatus::Confirmed,
    };
    Some(CachedEvent {
        event_id: s("id")?.to_string(),
        recurring_event_id: s("recurringEventId").map(str::to_string),
        status,
        updated: s("updated")
            .and_then(|u| chrono::DateTime::parse_from_rfc3339(u).ok())
            .map(|t| t.with_timezone(&chrono::Utc)),
        json: v.to_string(),
    })
}
