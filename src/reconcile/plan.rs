//! The pure middle of a pass: from what was observed to the steps that make it so.
//!
//! Nothing here performs I/O (no tokio, HTTP or SQL): the observation is plain data
//! ([`ObservedSeries`], [`KnownSeries`]) and the result is a list of typed [`Step`]s, each with
//! the reason it is needed ([`Why`]). That is what a dry run prints and what the unit tests in
//! `plan_tests.rs` check, case by case, without a sandbox.

pub(crate) use super::steps::{describe_step, Departure, Planned, Step, Why};

use super::error::PlanError;
use super::series_doc::SeriesDoc;
use crate::domain::doc::Doc;
use crate::domain::occurrences::{heading_date_label, local_date, Occurrence, OccurrenceKey};
use crate::domain::schedule::{self, DocChange, ScheduleConfig, SectionState, Task};
use crate::domain::sections::find_section;
use crate::domain::series::SeriesKey;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Where this pass finds the series doc.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DocSource {
    /// The store remembers it.
    Remembered(SeriesDoc),
    /// People attached a Google Doc to the series; it is adopted, history and all.
    Attached(SeriesDoc),
    /// It carries our Drive marker: we created it, then crashed before recording it.
    Marked(SeriesDoc),
    /// Nowhere: one is created.
    Missing,
}

impl DocSource {
    pub fn doc(&self) -> Option<&SeriesDoc> {
        match self {
            DocSource::Remembered(d) | DocSource::Attached(d) | DocSource::Marked(d) => Some(d),
            DocSource::Missing => None,
        }
    }
}

/// Everything the planner needs to know about one series, as plain data.
#[derive(Debug, Clone)]
pub(crate) struct ObservedSeries {
    pub key: SeriesKey,
    pub doc: DocSource,
    /// The name a new doc gets (`doc.title` rendered).
    pub title: String,
    pub other_email: String,
    /// Whether `doc.allowed_domains` lets the doc be shared with the other person.
    pub may_share: bool,
    /// Masters of the series that do not carry the doc yet (all of them without a doc).
    pub unattached: Vec<String>,
    /// Expanded over the configured lookback and lookahead, cancelled ones included.
    pub occurrences: Vec<Occurrence>,
    /// The stored section state per occurrence (missing = not prepared).
    pub stored: HashMap<OccurrenceKey, SectionState>,
    pub change: DocChange,
    /// The doc as read this pass, if [`needs_read`] said so.
    pub read: Option<Doc>,
    /// Share and attach steps that failed before, with when each may be tried again (`share`,
    /// `attach:<event id>`).
    pub held: Vec<(String, DateTime<Utc>)>,
    /// Whether the occurrences' timings differ from what the store has (a new, moved or
    /// cancelled occurrence): only then are they rewritten (issue 12, CPU).
    pub timings_changed: bool,
}

/// A series the store knows as active that this pass no longer finds among the 1-1s.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KnownSeries {
    pub key: String,
    /// Whether any of its events is still in the calendar (not cancelled).
    pub still_in_calendar: bool,
}

/// The plan of one series.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SeriesPlan {
    pub key: SeriesKey,
    /// "doc <id>", or "the new doc of series <key>", for the printed plan.
    pub doc_label: String,
    pub steps: Vec<Planned>,
    /// What cannot be done as wished (sharing refused), for the pass report.
    pub problems: Vec<PlanError>,
    pub next_due: Option<DateTime<Utc>>,
}

/// Whether the observation must read the doc: to find sections already in a doc the store did
/// not know, or because the schedule has work for it. One read serves the whole pass.
pub(crate) fn needs_read(
    doc: &DocSource,
    occurrences: &[Occurrence],
    stored: &HashMap<OccurrenceKey, SectionState>,
    change: DocChange,
    cfg: &ScheduleConfig,
    now: DateTime<Utc>,
) -> bool {
    let recovering = !matches!(doc, DocSource::Remembered(_))
        && occurrences.iter().any(|o| !o.cancelled && o.end <= now);
    doc.doc().is_some()
        && (recovering
            || !schedule::plan(now, occurrences, stored, change, cfg)
                .tasks
                .is_empty())
}

/// Whether an adopted doc's revision is worth checking now: a harvested meeting's re-harvest
/// would be due if the doc had changed. Drive's change list cannot say for an adopted doc
/// (under `drive.file` it reports only files the app created or was given through Drive's own
/// UI), so on the re-harvest debounce the observation asks Docs for the `revisionId` alone
/// and reads the whole doc only when it moved ([`change_by_revision`]).
pub(crate) fn revision_check_due(
    occurrences: &[Occurrence],
    stored: &HashMap<OccurrenceKey, SectionState>,
    cfg: &ScheduleConfig,
    now: DateTime<Utc>,
) -> bool {
    schedule::plan(now, occurrences, stored, DocChange::Changed, cfg)
        .tasks
        .iter()
        .any(|t| {
            matches!(t, Task::Harvest(k)
                if matches!(stored.get(k), Some(SectionState::Harvested { .. })))
        })
}

/// Whether the doc changed since the last harvest, from its current `revisionId`: unchanged
/// only when it equals the revision the latest harvest read. No revision from Google, or none
/// recorded, cannot be compared: [`DocChange::Unknown`].
pub(crate) fn change_by_revision(
    stored: &HashMap<OccurrenceKey, SectionState>,
    current: Option<&str>,
) -> DocChange {
    let latest = stored
        .values()
        .filter_map(|s| match s {
            SectionState::Harvested { at, revision } => Some((at, revision.as_deref())),
            _ => None,
        })
        .max_by_key(|(at, _)| **at);
    match (latest, current) {
        (Some((_, Some(read))), Some(now)) if read == now => DocChange::Unchanged,
        (Some((_, Some(_))), Some(_)) => DocChange::Changed,
        _ => DocChange::Unknown,
    }
}

/// The steps for one series, in the order to apply them.
pub(crate) fn series(o: &ObservedSeries, cfg: &ScheduleConfig, now: DateTime<Utc>) -> SeriesPlan {
    let mut steps = Vec::new();
    let mut problems = Vec::new();
    let mut push = |step, why| steps.push(Planned { step, why });
    let newly_known = !matches!(o.doc, DocSource::Remembered(_));
    match &o.doc {
        DocSource::Remembered(_) | DocSource::Marked(_) => {}
        DocSource::Attached(_) => push(Step::AdoptDoc, Why::AttachedByPeople),
        DocSource::Missing => push(
            Step::CreateDoc {
                title: o.title.clone(),
            },
            Why::NoDocAnywhere,
        ),
    }
    // A held step is skipped until its time; once due it is tried again.
    let held = |step: &str| o.held.iter().find(|(s, _)| s == step).map(|(_, t)| *t);
    if newly_known {
        // Recorded first: a share or attach Google refuses must not leave the doc unknown.
        let adopted = matches!(o.doc, DocSource::Attached(_));
        push(Step::RecordSeries { adopted }, Why::NewToTheStore);
    }
    let share = match held("share") {
        Some(at) if at > now => None,
        Some(_) => Some(Why::RetryRefused),
        None => newly_known.then_some(Why::NewToTheStore),
    };
    if let Some(why) = share {
        if o.may_share {
            let with = o.other_email.clone();
            push(Step::Share { with }, why);
        } else if newly_known {
            problems.push(PlanError::SharingRefused {
                doc: o.doc.doc().map_or("(new)".to_string(), |d| d.id.clone()),
                email: o.other_email.clone(),
            });
        }
    }
    for event_id in &o.unattached {
        if held(&format!("attach:{event_id}")).is_some_and(|at| at > now) {
            continue;
        }
        let event_id = event_id.clone();
        push(Step::Attach { event_id }, Why::NotAttached);
    }
    if o.timings_changed {
        push(Step::RecordOccurrences, Why::KeepTimings);
    }

    let mut states = o.stored.clone();
    if let (true, Some(read)) = (newly_known, &o.read) {
        let revision = read.revision_id.clone().unwrap_or_default();
        for occ in o
            .occurrences
            .iter()
            .filter(|o| !o.cancelled && o.end <= now)
        {
            if find_section(read, occ.key.as_str(), local_date(occ)).is_none() {
                continue;
            }
            let occurrence = occ.key.clone();
            let revision = revision.clone();
            push(
                Step::SectionFound {
                    occurrence,
                    revision,
                },
                Why::InDocUnknownToStore,
            );
            // The store never moves a harvested section back to prepared.
            if !matches!(states.get(&occ.key), Some(SectionState::Harvested { .. })) {
                states.insert(occ.key.clone(), SectionState::Prepared { at: now });
            }
        }
    }

    let schedule = schedule::plan(now, &o.occurrences, &states, o.change, cfg);
    for task in &schedule.tasks {
        let Some(occ) = o.occurrences.iter().find(|x| &x.key == task.key()) else {
            continue;
        };
        let occurrence = occ.key.clone();
        let label = heading_date_label(occ);
        match task {
            Task::Harvest(_) => {
                let why = match states.get(&occ.key) {
                    Some(SectionState::Harvested { .. }) => Why::DocChanged(o.change),
                    _ => Why::MeetingEnded,
                };
                push(Step::Harvest { occurrence, label }, why);
            }
            Task::Prepare(_) => {
                let found = o.read.as_ref().and_then(|read| {
                    find_section(read, occ.key.as_str(), local_date(occ))
                        .map(|_| read.revision_id.clone().unwrap_or_default())
                });
                match found {
                    Some(revision) => push(
                        Step::SectionFound {
                            occurrence,
                            revision,
                        },
                        Why::AlreadyInDoc,
                    ),
                    // A write Google refused as a bad request waits for its time.
                    None if held(&format!("section:{}", occ.key.as_str()))
                        .is_some_and(|at| at > now) => {}
                    None => push(
                        Step::WriteSection { occurrence, label },
                        Why::MeetingSoon { starts: occ.start },
                    ),
                }
            }
        }
    }
    SeriesPlan {
        key: o.key.clone(),
        doc_label: match o.doc.doc() {
            Some(d) => format!("doc {}", d.id),
            None => format!("the new doc of series {}", o.key),
        },
        steps,
        problems,
        next_due: schedule.next_due,
    }
}

/// The steps for series that left the 1-1s: recorded once, left alone from then on.
pub(crate) fn departures(gone: &[KnownSeries]) -> Vec<Planned> {
    gone.iter()
        .map(|k| Planned {
            step: Step::RecordDeparture {
                series: k.key.clone(),
                departure: if k.still_in_calendar {
                    Departure::NotOneOnOne
                } else {
                    Departure::Deleted
                },
            },
            why: Why::LeftTheOneOnOnes,
        })
        .collect()
}

/// Remembering where Drive's change list stands, once the pass is applied.
pub(crate) fn drive_token(token: Option<String>) -> Option<Planned> {
    token.map(|token| Planned {
        step: Step::RememberDriveToken { token },
        why: Why::DriveLooked,
    })
}

impl SeriesPlan {
    /// The plan as a dry run prints it: one line per visible step, with its reason.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.steps
            .iter()
            .filter(|p| !p.step.is_bookkeeping())
            .map(|p| format!("{} ({})", self.describe(&p.step), p.why))
    }

    fn describe(&self, step: &Step) -> String {
        let (key, doc) = (&self.key, &self.doc_label);
        match step {
            Step::CreateDoc { title } => format!("create doc {title:?} for series {key}"),
            Step::AdoptDoc => format!("adopt {doc} for series {key}"),
            Step::Share { with } => format!("share {doc} with {with}"),
            Step::Attach { event_id } => format!("attach {doc} to event {event_id}"),
            Step::Harvest { label, .. } => format!("harvest section {label:?} of {doc}"),
            Step::WriteSection { label, .. } => format!("write section {label:?} into {doc}"),
            other => describe_step(other),
        }
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
