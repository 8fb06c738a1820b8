//! From the event cache to 1-1 series: detection, grouping of split series, occurrences, and
//! the stored section state of each occurrence.

use super::{ReconcileError, Reconciler};
use crate::domain::event::Event;
use crate::domain::occurrences::{occurrences, Occurrence, OccurrenceKey};
use crate::domain::roles::acting_user;
use crate::domain::schedule::SectionState as PlanState;
use crate::domain::series::{detect, organizer_email, other_attendee, SeriesKey};
use crate::store::{
    OccurrenceTiming, SectionState as StoredState, SeriesRecord, SeriesState, Store, StoreError,
};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashMap};

/// One 1-1 series as this pass sees it. After a "this and following" edit Calendar has two
/// masters (the old one ending with UNTIL, the new one with an id `<old>_R<date>`); both map to
/// the same [`SeriesKey`] and so share one doc and one sequence of occurrences.
#[derive(Debug, Clone)]
pub(crate) struct SeriesView {
    pub key: SeriesKey,
    /// The served user whose pass acts on the series: the organizer, or a guest when the
    /// organizer is not served ([`acting_user`]).
    pub user: String,
    /// Masters passing detection, oldest first.
    pub masters: Vec<Event>,
    /// Exceptions (moved, edited or cancelled instances) of those masters.
    pub exceptions: Vec<Event>,
    pub title: String,
    /// The served user's display name (`{organizer}` in `doc.title`: the doc lives in their
    /// Drive, whoever organises the meetings).
    pub organizer_name: String,
    pub other_email: String,
    pub other_name: String,
    pub time_zone: String,
    /// What the section headings call this series' meetings ([`crate::domain::pair::meeting_labels`]).
    pub meeting: String,
}

impl SeriesView {
    /// When the series began: the earliest start of its masters (a split series has several).
    pub fn first_start(&self) -> Option<DateTime<Utc>> {
        self.masters
            .iter()
            .filter_map(|m| m.start.as_ref().and_then(|t| t.utc()))
            .min()
    }

    /// The occurrences from `lookback` ago to `lookahead` ahead, cancelled ones included (the
    /// schedule skips them), sorted by start.
    pub fn occurrences(
        &self,
        now: DateTime<Utc>,
        lookback: Duration,
        lookahead: Duration,
    ) -> Vec<Occurrence> {
        let mut all: Vec<Occurrence> = Vec::new();
        for master in &self.masters {
            let exceptions: Vec<Event> = self
                .exceptions
                .iter()
                .filter(|e| e.recurring_event_id.as_deref() == Some(master.id.as_str()))
                .cloned()
                .collect();
            match occurrences(master, &exceptions, now - lookback, now + lookahead) {
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
pub(super) fn load(r: &Reconciler<'_>, user: &str) -> Result<Vec<SeriesView>, ReconcileError> {
    let cached = r
        .store(|s| s.cached_masters(user, user))
        .map_err(ReconcileError::store(user))?;
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
        if !detect(&event, user, &r.settings.rules).is_one_on_one {
            continue;
        }
        let Some(other) = other_attendee(&event, user) else {
            continue;
        };
        let other_email = other.email.clone().unwrap_or_default().to_ascii_lowercase();
        let Some(organizer) = organizer_email(&event, user) else {
            continue;
        };
        // When both people are served, only one of the two passes acts (issue 11).
        let served = r.config.google.auth.users();
        if acting_user(&organizer, [user, other_email.as_str()], served) != Some(user) {
            tracing::debug!(user, event = %event.id, other = %other_email, "the other person's pass serves this 1-1");
            continue;
        }
        let other_name = other
            .display_name
            .clone()
            .unwrap_or_else(|| name_from_email(&other_email));
        let served_is_organizer = organizer.eq_ignore_ascii_case(user);
        let organizer_name = event
            .organizer
            .as_ref()
            .filter(|_| served_is_organizer)
            .and_then(|o| o.display_name.clone())
            .or_else(|| {
                event
                    .attendees
                    .iter()
                    .find(|a| {
                        a.is_self
                            || a.email
                                .as_deref()
                                .is_some_and(|e| e.eq_ignore_ascii_case(user))
                    })
                    .and_then(|a| a.display_name.clone())
            })
            .unwrap_or_else(|| name_from_email(user));
        let exceptions = r
            .store(|s| s.cached_exceptions(user, user, &event.id))
            .map_err(ReconcileError::store(user))?;
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
            meeting: "1:1".to_string(),
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

/// The occurrences' current timing (moves, cancellations), as the store keeps it.
pub(super) fn timings(occurrences: &[Occurrence]) -> Vec<OccurrenceTiming> {
    occurrences
        .iter()
        .map(|o| OccurrenceTiming {
            occurrence_key: o.key.as_str().to_string(),
            start: o.start,
            end: o.end,
            original_start: o.original_start,
            cancelled: o.cancelled,
        })
        .collect()
}

/// The stored section state of each occurrence, in the schedule's terms, and whether
/// `occurrences` (as expanded now) has a timing the store does not (so they must be written).
pub(super) fn section_states(
    s: &Store,
    view: &SeriesView,
    occurrences: &[Occurrence],
) -> Result<(HashMap<OccurrenceKey, PlanState>, bool), StoreError> {
    let mut by_key = HashMap::new();
    let stored = s.occurrences(&view.user, view.key.as_str())?;
    let known: HashMap<&str, OccurrenceTiming> = stored
        .iter()
        .map(|o| {
            let timing = OccurrenceTiming {
                occurrence_key: o.occurrence_key.clone(),
                start: o.start,
                end: o.end,
                original_start: o.original_start,
                cancelled: o.cancelled,
            };
            (o.occurrence_key.as_str(), timing)
        })
        .collect();
    let changed = timings(occurrences)
        .iter()
        .any(|t| known.get(t.occurrence_key.as_str()) != Some(t));
    for occ in stored {
        let state = match occ.section {
            StoredState::NotPrepared => PlanState::NotPrepared,
            StoredState::Prepared { at, .. } => PlanState::Prepared { at },
            StoredState::Harvested { at, revision_id } => PlanState::Harvested {
                at,
                revision: Some(revision_id),
            },
        };
        if let Some(key) = OccurrenceKey::parse(&occ.occurrence_key) {
            by_key.insert(key, state);
        }
    }
    Ok((by_key, changed))
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
