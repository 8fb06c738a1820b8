//! From the event cache to 1-1 series: detection, grouping of split series, occurrences, and
//! the stored section state of each occurrence.

use super::{ReconcileError, Reconciler};
use crate::domain::event::Event;
use crate::domain::occurrences::{occurrences, Occurrence, OccurrenceKey};
use crate::domain::schedule::SectionState as PlanState;
use crate::domain::series::{detect, other_attendee, SeriesKey};
use crate::store::{OccurrenceTiming, SectionState as StoredState, SeriesRecord, SeriesState};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashMap};

/// How far back occurrences are expanded: far enough to keep re-harvesting a section that
/// people are still editing (the schedule's re-harvest horizon) plus a long gap between
/// meetings.
const LOOKBACK: Duration = Duration::days(42);

/// One 1-1 series as this pass sees it. After a "this and following" edit Calendar has two
/// masters (the old one ending with UNTIL, the new one with an id `<old>_R<date>`); both map to
/// the same [`SeriesKey`] and so share one doc and one sequence of occurrences.
#[derive(Debug, Clone)]
pub struct SeriesView {
    pub key: SeriesKey,
    /// The served user (organizer).
    pub user: String,
    /// Masters passing detection, oldest first.
    pub masters: Vec<Event>,
    /// Exceptions (moved, edited or cancelled instances) of those masters.
    pub exceptions: Vec<Event>,
    pub title: String,
    pub organizer_name: String,
    pub other_email: String,
    pub other_name: String,
    pub time_zone: String,
    pub lookahead: Duration,
}

impl SeriesView {
    /// The occurrences from [`LOOKBACK`] ago to the configured lookahead, cancelled ones
    /// included (the schedule skips them), sorted by start.
    pub fn occurrences(&self, now: DateTime<Utc>) -> Vec<Occurrence> {
        let mut all: Vec<Occurrence> = Vec::new();
        for master in &self.masters {
            let exceptions: Vec<Event> = self
                .exceptions
                .iter()
                .filter(|e| e.recurring_event_id.as_deref() == Some(master.id.as_str()))
                .cloned()
                .collect();
            match occurrences(master, &exceptions, now - LOOKBACK, now + self.lookahead) {
                Ok(found) => all.extend(found),
                Err(e) => tracing::warn!(series = %self.key, event = %master.id, error = %e,
                    "cannot expand the recurrence; skipping this master"),
            }
        }
        all.sort_by(|a, b| (a.start, a.key.as_str()).cmp(&(b.start, b.key.as_str())));
        all.dedup_by(|a, b| a.key == b.key);
        all
    }
}

/// A display name for an e-mail address when Calendar has none: the local part, capitalised.
pub(crate) fn name_from_email(email: &str) -> String {
    let local = email.split('@').next().unwrap_or(email);
    let mut chars = local.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => email.to_string(),
    }
}

/// Reads the user's cached events and returns their 1-1 series.
pub(super) fn load(
    r: &Reconciler<'_>,
    user: &str,
    _now: DateTime<Utc>,
) -> Result<Vec<SeriesView>, ReconcileError> {
    let cached = r.with_store(user, |s| s.cached_masters(user, user))?;
    let lookahead = Duration::from_std(r.config.daemon.lookahead).unwrap_or(Duration::days(35));
    let mut groups: BTreeMap<SeriesKey, SeriesView> = BTreeMap::new();
    for row in cached {
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&row.json) else {
            continue;
        };
        let event = match Event::from_json(&json) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(user, event = %row.event_id, error = %e, "unreadable cached event");
                continue;
            }
        };
        if !detect(&event, user, r.rules).is_one_on_one {
            continue;
        }
        let Some(other) = other_attendee(&event, user) else {
            continue;
        };
        let other_email = other.email.clone().unwrap_or_default().to_ascii_lowercase();
        let other_name = other
            .display_name
            .clone()
            .unwrap_or_else(|| name_from_email(&other_email));
        let organizer_name = event
            .organizer
            .as_ref()
            .and_then(|o| o.display_name.clone())
            .or_else(|| {
                event
                    .attendees
                    .iter()
                    .find(|a| {
                        a.email
                            .as_deref()
                            .is_some_and(|e| e.eq_ignore_ascii_case(user))
                    })
                    .and_then(|a| a.display_name.clone())
            })
            .unwrap_or_else(|| name_from_email(user));
        let exceptions = r.with_store(user, |s| s.cached_exceptions(user, user, &event.id))?;
        let exceptions: Vec<Event> = exceptions
            .iter()
            .filter_map(|row| serde_json::from_str::<serde_json::Value>(&row.json).ok())
            .filter_map(|v| Event::from_json(&v).ok())
            .collect();
        let key = SeriesKey::of(&event.id);
        let time_zone = event
            .start
            .as_ref()
            .and_then(|s| match s {
                crate::domain::event::EventTime::DateTime { time_zone, .. } => time_zone.clone(),
                crate::domain::event::EventTime::Date(_) => None,
            })
            .unwrap_or_else(|| "UTC".to_string());
        let view = groups.entry(key.clone()).or_insert_with(|| SeriesView {
            key,
            user: user.to_string(),
            masters: Vec::new(),
            exceptions: Vec::new(),
            title: event.summary.clone().unwrap_or_default(),
            organizer_name,
            other_email,
            other_name,
            time_zone,
            lookahead,
        });
        view.exceptions.extend(exceptions);
        view.masters.push(event);
    }
    let mut views: Vec<SeriesView> = groups.into_values().collect();
    for v in &mut views {
        v.masters
            .sort_by_key(|m| m.start.as_ref().and_then(|s| s.utc()));
        // The newest master names the series (titles change in "this and following" edits).
        if let Some(newest) = v.masters.last() {
            v.title = newest.summary.clone().unwrap_or_default();
        }
    }
    Ok(views)
}

/// Series the store knows as active that are no longer 1-1s (a third person, deleted): left
/// alone from now on, their doc kept.
pub(super) fn record_departures(
    r: &Reconciler<'_>,
    user: &str,
    views: &[SeriesView],
    now: DateTime<Utc>,
) -> Result<(), ReconcileError> {
    if r.dry_run {
        return Ok(());
    }
    let known = r.with_store(user, |s| s.series_list(user, Some(SeriesState::Active)))?;
    for record in known {
        if views.iter().any(|v| v.key.as_str() == record.series_key) {
            continue;
        }
        let still_there = record.event_ids.iter().any(|id| {
            r.with_store(user, |s| s.cached_event(user, user, id))
                .ok()
                .flatten()
                .is_some_and(|e| e.status != crate::store::EventStatus::Cancelled)
        });
        let state = if still_there {
            SeriesState::NotOneOnOne
        } else {
            SeriesState::Deleted
        };
        tracing::info!(user, series = %record.series_key, ?state, "series left alone from now on; its doc is kept");
        r.with_store(user, |s| {
            s.set_series_state(user, &record.series_key, state, now)
        })?;
    }
    Ok(())
}

/// Stores the occurrences' current timing (moves, cancellations).
pub(super) fn record_occurrences(
    r: &Reconciler<'_>,
    user: &str,
    view: &SeriesView,
    occurrences: &[Occurrence],
) -> Result<(), ReconcileError> {
    let timings: Vec<OccurrenceTiming> = occurrences
        .iter()
        .map(|o| OccurrenceTiming {
            occurrence_key: o.key.as_str().to_string(),
            start: o.start,
            end: o.end,
            original_start: o.original_start,
            cancelled: o.cancelled,
        })
        .collect();
    r.with_store(user, |s| {
        s.upsert_occurrences(user, view.key.as_str(), &timings)
    })?;
    Ok(())
}

/// The stored section state of each occurrence, in the schedule's terms.
pub(super) struct SectionStates {
    pub by_key: HashMap<OccurrenceKey, PlanState>,
    /// The newest revision any harvest of this series read.
    pub last_harvested_revision: Option<String>,
}

pub(super) fn section_states(
    r: &Reconciler<'_>,
    user: &str,
    view: &SeriesView,
) -> Result<SectionStates, ReconcileError> {
    let stored = r.with_store(user, |s| s.occurrences(user, view.key.as_str()))?;
    let mut by_key = HashMap::new();
    let mut newest: Option<(DateTime<Utc>, String)> = None;
    for occ in stored {
        let state = match occ.section {
            StoredState::NotPrepared => PlanState::NotPrepared,
            StoredState::Prepared { at, .. } => PlanState::Prepared { at },
            StoredState::Harvested { at, revision_id } => {
                if newest.as_ref().is_none_or(|(t, _)| at > *t) {
                    newest = Some((at, revision_id.clone()));
                }
                PlanState::Harvested {
                    at,
                    revision: Some(revision_id),
                }
            }
        };
        if let Some(key) = OccurrenceKey::parse(&occ.occurrence_key) {
            by_key.insert(key, state);
        }
    }
    Ok(SectionStates {
        by_key,
        last_harvested_revision: newest.map(|(_, r)| r),
    })
}

/// The record the store keeps for a series once its doc is known.
pub(super) fn record(
    view: &SeriesView,
    doc_id: &str,
    doc_url: &str,
    adopted: bool,
    now: DateTime<Utc>,
) -> SeriesRecord {
    SeriesRecord {
        user: view.user.clone(),
        series_key: view.key.as_str().to_string(),
        doc_id: Some(doc_id.to_string()),
        doc_url: Some(doc_url.to_string()),
        title: view.title.clone(),
        organizer_email: view.user.clone(),
        other_email: Some(view.other_email.clone()),
        time_zone: view.time_zone.clone(),
        event_ids: view.masters.iter().map(|m| m.id.clone()).collect(),
        state: SeriesState::Active,
        adopted,
        created_at: now,
        updated_at: now,
    }
}
