//! The first third of a pass: what is, read from Calendar, the store, Drive and the doc, into
//! the plain data [`super::plan`] decides on. Reads only; every write is a planned step.

use super::changes::ChangedDocs;
use super::error::{fail, SeriesError};
use super::plan::{
    change_by_revision, needs_read, revision_check_due, DocSource, KnownSeries, ObservedSeries,
};
use super::series::{self, SeriesView};
use super::series_doc::{attached_doc, lacking, SeriesDoc, PAIR_MARKER, SERIES_MARKER};
use super::{doc_reads, ReconcileError, Reconciler};
use crate::config::DocPer;
use crate::domain::pair::{meeting_labels, pair_key};
use crate::domain::schedule::{DocChange, SectionState};
use crate::google::calendar::doc_url;
use crate::google::Clients;
use crate::store::{EventStatus, SeriesState};
use chrono::{DateTime, Duration, Utc};

/// The user's calendar after the sync, as series.
pub(super) struct ObservedUser {
    pub series: Vec<SeriesView>,
    /// Series the store knows as active that are not among the 1-1s any more.
    pub gone: Vec<KnownSeries>,
}

/// Reads the user's series from the store's event cache (after [`super::sync`]).
pub(super) fn user(r: &Reconciler<'_>, clients: &Clients) -> Result<ObservedUser, ReconcileError> {
    let user = clients.user.as_str();
    let mut views = series::load(r, user)?;
    if r.config.doc.per == DocPer::Pair {
        let titles: Vec<(&str, &str)> = views
            .iter()
            .map(|v| (v.other_email.as_str(), v.title.as_str()))
            .collect();
        let labels = meeting_labels(&titles);
        for (view, label) in views.iter_mut().zip(labels) {
            view.meeting = label;
        }
    }
    let known = r
        .store(|s| s.series_list(user, Some(SeriesState::Active)))
        .map_err(ReconcileError::store(user))?;
    let mut gone = Vec::new();
    for record in known {
        if views.iter().any(|v| v.key.as_str() == record.series_key) {
            continue;
        }
        let mut still_in_calendar = false;
        for id in &record.event_ids {
            let cached = r
                .store(|s| s.cached_event(user, user, id))
                .map_err(ReconcileError::store(user))?;
            if cached.is_some_and(|e| e.status != EventStatus::Cancelled) {
                still_in_calendar = true;
                break;
            }
        }
        gone.push(KnownSeries {
            key: record.series_key,
            still_in_calendar,
        });
    }
    Ok(ObservedUser {
        series: views,
        gone,
    })
}

/// What the planner needs to know about one series. Reads the doc at most once, and only when
/// [`needs_read`] says a step will need it.
pub(super) async fn series(
    r: &Reconciler<'_>,
    clients: &Clients,
    view: &SeriesView,
    changes: &mut ChangedDocs,
    now: DateTime<Utc>,
) -> Result<ObservedSeries, SeriesError> {
    let user = view.user.as_str();
    let key = &view.key;
    let record = r
        .store(|s| s.series(user, key.as_str()))
        .map_err(|e| fail(key, "read the series from the store", e))?;
    let adopted = record.as_ref().is_some_and(|rec| rec.adopted);
    let remembered = record.and_then(|rec| rec.doc_id.zip(rec.doc_url));
    let doc = match (remembered, attached_doc(&view.masters)) {
        (Some((id, url)), _) => DocSource::Remembered(SeriesDoc { id, url }),
        (None, Some(attached)) => DocSource::Attached(attached),
        (None, None) => {
            let per_pair = r.config.doc.per == DocPer::Pair;
            let known = if per_pair {
                r.store(|s| s.pair_doc(user, &view.other_email))
                    .map_err(|e| fail(key, "read the pair's doc from the store", e))?
            } else {
                None
            };
            match known {
                // An earlier series of the same two people (recreated, split): continue its doc.
                Some((id, url)) => DocSource::Marked(SeriesDoc { id, url }),
                None => marked_doc(clients, view, per_pair).await?,
            }
        }
    };
    // The doc is the record. When the store does not know it yet (first sight, or a deleted
    // store) every dated section since the series began is found again and harvested, not
    // only the recent window: the ledger's history must survive losing the store.
    let lookback = match &doc {
        DocSource::Remembered(_) => r.settings.lookback,
        _ => view
            .first_start()
            .and_then(|first| {
                now.signed_duration_since(first)
                    .checked_add(&Duration::days(2))
            })
            .map_or(r.settings.lookback, |since| since.max(r.settings.lookback)),
    };
    let occurrences = view.occurrences(now, lookback, r.settings.lookahead);
    let (stored, timings_changed) = r
        .store(|s| series::section_states(s, view, &occurrences))
        .map_err(|e| fail(key, "read the section states from the store", e))?;
    let harvested_before = stored
        .values()
        .any(|s| matches!(s, SectionState::Harvested { .. }));
    let schedule = &r.settings.schedule;
    let change = match doc.doc() {
        Some(d) if harvested_before => {
            let listed = changes
                .of(r, clients, &d.id, now)
                .await
                .map_err(|e| fail(key, "read Drive's page token from the store", e))?;
            // An adopted doc never shows in Drive's change list: check its revision instead,
            // on the same debounce, and only when a re-harvest could follow.
            let adopted = adopted || matches!(doc, DocSource::Attached(_));
            if adopted
                && listed == DocChange::Unchanged
                && changes.asked_drive()
                && revision_check_due(&occurrences, &stored, schedule, now)
            {
                let current = clients
                    .docs
                    .revision_id(&d.id)
                    .await
                    .map_err(|e| fail(key, "check the adopted doc's revision", e))?;
                change_by_revision(&stored, current.as_deref())
            } else {
                listed
            }
        }
        _ => DocChange::Unchanged,
    };
    let held = r
        .store(|s| s.held_steps(user, key.as_str()))
        .map_err(|e| fail(key, "read the held steps from the store", e))?
        .into_iter()
        .map(|h| {
            tracing::debug!(user, series = %key, step = %h.step, until = %h.not_before, error = %h.error, "a refused step is held back");
            (h.step, h.not_before)
        })
        .collect();
    let read = match doc.doc() {
        Some(d) if needs_read(&doc, &occurrences, &stored, change, schedule, now) => {
            let tab = r
                .store(|s| s.doc_tab(user, &d.id))
                .map_err(|e| fail(key, "read the doc's tab from the store", e))?;
            Some(
                doc_reads::read_doc(clients, &d.id, tab.as_deref())
                    .await
                    .map_err(|e| fail(key, "read the doc", e))?,
            )
        }
        _ => None,
    };
    Ok(ObservedSeries {
        key: key.clone(),
        unattached: lacking(&view.masters, doc.doc().map(|d| d.id.as_str())),
        doc,
        title: r
            .config
            .doc
            .render_title(&view.organizer_name, &view.other_name),
        other_email: view.other_email.clone(),
        may_share: r.config.doc.may_share_with(&view.user, &view.other_email),
        occurrences,
        stored,
        change,
        read,
        held,
        timings_changed,
    })
}

/// The doc carrying our Drive marker for this series (we created it, then crashed before
/// recording it) or, failing that and when docs belong to pairs (`doc.per = "pair"`), for its
/// pair (a doc of an earlier series of the same two people, when the store does not know it).
/// Several docs of one pair (made before pair markers): the smallest id wins, so every pass
/// picks the same one.
async fn marked_doc(
    clients: &Clients,
    view: &SeriesView,
    per_pair: bool,
) -> Result<DocSource, SeriesError> {
    let key = &view.key;
    let drive = &clients.drive;
    let mut found = drive
        .find_by_app_property(SERIES_MARKER, key.as_str())
        .await
        .map_err(|e| fail(key, "find the series doc by its Drive marker", e))?;
    if per_pair && !found.iter().any(|f| f.id.is_some()) {
        found = drive
            .find_by_app_property(PAIR_MARKER, &pair_key(&view.user, &view.other_email))
            .await
            .map_err(|e| fail(key, "find the pair's doc by its Drive marker", e))?;
        found.sort_by(|a, b| a.id.cmp(&b.id));
    }
    Ok(found
        .into_iter()
        .find_map(|f| Some((f.id?, f.web_view_link)))
        .map_or(DocSource::Missing, |(id, link)| {
            DocSource::Marked(SeriesDoc {
                url: link.unwrap_or_else(|| doc_url(&id)),
                id,
            })
        }))
}
