//! The planner on plain data: one case per situation the e2e tests drive through the sandbox.

use super::*;
use crate::domain::doc_build::{build, Para};
use chrono::Duration;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn cfg() -> ScheduleConfig {
    ScheduleConfig {
        prepare_before: Duration::hours(24),
        harvest_after: Duration::minutes(30),
        reharvest_debounce: Duration::minutes(10),
        reharvest_horizon: Duration::days(14),
    }
}

fn series_key() -> SeriesKey {
    SeriesKey::of("ev1")
}

/// Weekly 30-minute meetings on Tuesdays at 09:00 UTC from 24 Nov 2026.
fn weekly(n: i64) -> Vec<Occurrence> {
    (0..n)
        .map(|w| {
            let start = t("2026-11-24T09:00:00Z") + Duration::weeks(w);
            let series = series_key();
            Occurrence {
                key: OccurrenceKey::new(&series, start),
                series,
                original_start: start,
                start,
                end: start + Duration::minutes(30),
                time_zone: chrono_tz::Tz::UTC,
                cancelled: false,
                moved: false,
                event_id: "ev1".into(),
            }
        })
        .collect()
}

fn doc() -> SeriesDoc {
    SeriesDoc {
        id: "d1".into(),
        url: "https://docs.google.com/document/d/d1/edit".into(),
    }
}

fn observed(doc: DocSource, occurrences: Vec<Occurrence>) -> ObservedSeries {
    let unattached = match doc {
        DocSource::Remembered(_) => vec![],
        _ => vec!["ev1".to_string()],
    };
    ObservedSeries {
        key: series_key(),
        doc,
        title: "Alice / Bob · 1:1 notes".into(),
        other_email: "bob@example.com".into(),
        may_share: true,
        unattached,
        occurrences,
        stored: HashMap::new(),
        change: DocChange::Unchanged,
        read: None,
        held: vec![],
        timings_changed: true,
    }
}

fn steps(plan: &SeriesPlan) -> Vec<Step> {
    plan.steps.iter().map(|p| p.step.clone()).collect()
}

fn write(o: &Occurrence) -> Step {
    Step::WriteSection {
        occurrence: o.key.clone(),
        label: heading_date_label(o),
    }
}

#[test]
fn a_new_series_gets_a_doc_shared_recorded_attached_and_a_section() {
    let occs = weekly(3);
    let now = t("2026-11-23T10:00:00Z");
    let plan = series(&observed(DocSource::Missing, occs.clone()), &cfg(), now);
    assert_eq!(
        steps(&plan),
        vec![
            Step::CreateDoc {
                title: "Alice / Bob · 1:1 notes".into()
            },
            Step::RecordSeries { adopted: false },
            Step::Share {
                with: "bob@example.com".into()
            },
            Step::Attach {
                event_id: "ev1".into()
            },
            Step::RecordOccurrences,
            write(&occs[0]),
        ]
    );
    assert_eq!(plan.next_due, Some(t("2026-11-30T09:00:00Z")));
    let printed: Vec<String> = plan.lines().collect();
    assert!(
        printed[0].starts_with("create doc \"Alice / Bob"),
        "{printed:?}"
    );
    assert!(printed
        .last()
        .unwrap()
        .starts_with("write section \"Tue 24 Nov 2026\" into the new doc"));
    assert_eq!(printed.len(), 4, "bookkeeping is not printed: {printed:?}");
}

/// Issue 9 §8: a share or attach Google refused is held back until its time, then tried
/// again; the sections are planned either way.
#[test]
fn held_shares_and_attaches_wait_for_their_time() {
    let occs = weekly(3);
    let now = t("2026-11-23T10:00:00Z");
    let mut o = observed(DocSource::Remembered(doc()), occs.clone());
    o.unattached = vec!["ev1".into(), "ev2".into()];
    o.held = vec![
        ("attach:ev1".into(), t("2026-11-24T10:00:00Z")),
        ("share".into(), t("2026-11-24T10:00:00Z")),
    ];
    let plan = series(&o, &cfg(), now);
    assert_eq!(
        steps(&plan),
        vec![
            Step::Attach {
                event_id: "ev2".into()
            },
            Step::RecordOccurrences,
            write(&occs[0]),
        ]
    );
    let later = series(&o, &cfg(), t("2026-11-24T10:00:00Z"));
    let later_steps = steps(&later);
    assert!(later_steps.contains(&Step::Share {
        with: "bob@example.com".into()
    }));
    assert!(later_steps.contains(&Step::Attach {
        event_id: "ev1".into()
    }));
}

#[test]
fn an_attached_doc_is_adopted_and_its_past_sections_recovered() {
    let occs = weekly(3);
    let now = t("2026-12-01T08:00:00Z");
    let mut o = observed(DocSource::Attached(doc()), occs.clone());
    o.read = Some(build(&[
        Para::h(2, "Tue 24 Nov 2026"),
        Para::normal("notes"),
    ]));
    let plan = series(&o, &cfg(), now);
    assert_eq!(
        steps(&plan),
        vec![
            Step::AdoptDoc,
            Step::RecordSeries { adopted: true },
            Step::Share {
                with: "bob@example.com".into()
            },
            Step::Attach {
                event_id: "ev1".into()
            },
            Step::RecordOccurrences,
            Step::SectionFound {
                occurrence: occs[0].key.clone(),
                revision: "rev".into()
            },
            Step::Harvest {
                occurrence: occs[0].key.clone(),
                label: heading_date_label(&occs[0])
            },
            write(&occs[1]),
        ]
    );
    assert_eq!(plan.steps[5].why, Why::InDocUnknownToStore);
    assert_eq!(plan.steps[6].why, Why::MeetingEnded);
}

#[test]
fn a_refused_share_is_a_problem_not_a_step() {
    let mut o = observed(DocSource::Marked(doc()), weekly(1));
    o.may_share = false;
    let plan = series(&o, &cfg(), t("2026-11-01T00:00:00Z"));
    assert!(!steps(&plan).iter().any(|s| matches!(s, Step::Share { .. })));
    assert!(matches!(
        plan.problems[..],
        [PlanError::SharingRefused { .. }]
    ));
}

#[test]
fn cancelled_and_moved_occurrences() {
    let mut occs = weekly(2);
    occs[0].cancelled = true;
    occs[1].start -= Duration::days(1);
    occs[1].end -= Duration::days(1);
    occs[1].moved = true;
    // The moved meeting (now Mon 30 Nov) is due 24 h before its new start; the cancelled
    // one never is.
    let now = t("2026-11-29T09:00:00Z");
    let plan = series(
        &observed(DocSource::Remembered(doc()), occs.clone()),
        &cfg(),
        now,
    );
    assert_eq!(steps(&plan), vec![Step::RecordOccurrences, write(&occs[1])]);
    assert_eq!(heading_date_label(&occs[1]), "Mon 30 Nov 2026");
}

#[test]
fn a_section_already_in_the_doc_is_recorded_not_written() {
    let occs = weekly(2);
    let mut o = observed(DocSource::Remembered(doc()), occs.clone());
    o.read = Some(build(&[Para::h(2, "Tue 24 Nov 2026")]));
    let plan = series(&o, &cfg(), t("2026-11-23T12:00:00Z"));
    assert_eq!(
        plan.steps.last(),
        Some(&Planned {
            step: Step::SectionFound {
                occurrence: occs[0].key.clone(),
                revision: "rev".into()
            },
            why: Why::AlreadyInDoc
        })
    );
    assert_eq!(plan.lines().count(), 0, "nothing visible to do");
}

#[test]
fn a_harvest_is_due_after_the_meeting_and_again_only_if_the_doc_changed() {
    let occs = weekly(2);
    let mut o = observed(DocSource::Remembered(doc()), occs.clone());
    let prepared = SectionState::Prepared {
        at: t("2026-11-23T09:00:00Z"),
    };
    o.stored.insert(occs[0].key.clone(), prepared);
    let harvest = Step::Harvest {
        occurrence: occs[0].key.clone(),
        label: heading_date_label(&occs[0]),
    };
    let plan = series(&o, &cfg(), t("2026-11-24T10:00:00Z"));
    assert_eq!(steps(&plan), vec![Step::RecordOccurrences, harvest.clone()]);

    let harvested = SectionState::Harvested {
        at: t("2026-11-24T10:00:00Z"),
        revision: Some("r1".into()),
    };
    o.stored.insert(occs[0].key.clone(), harvested);
    let later = t("2026-11-25T09:00:00Z");
    assert_eq!(
        steps(&series(&o, &cfg(), later)),
        vec![Step::RecordOccurrences]
    );
    o.change = DocChange::Changed;
    let plan = series(&o, &cfg(), later);
    assert_eq!(steps(&plan), vec![Step::RecordOccurrences, harvest]);
    assert_eq!(plan.steps[1].why, Why::DocChanged(DocChange::Changed));
}

#[test]
fn the_doc_is_read_only_when_a_step_needs_it() {
    let occs = weekly(2);
    let (none, c) = (HashMap::new(), cfg());
    let quiet = t("2026-11-01T00:00:00Z");
    let remembered = DocSource::Remembered(doc());
    assert!(!needs_read(
        &remembered,
        &occs,
        &none,
        DocChange::Changed,
        &c,
        quiet
    ));
    let due = t("2026-11-23T12:00:00Z");
    assert!(needs_read(
        &remembered,
        &occs,
        &none,
        DocChange::Unchanged,
        &c,
        due
    ));
    assert!(!needs_read(
        &DocSource::Missing,
        &occs,
        &none,
        DocChange::Unchanged,
        &c,
        due
    ));
    // A doc the store did not know is read for its past sections.
    let past = t("2026-12-02T00:00:00Z");
    assert!(needs_read(
        &DocSource::Marked(doc()),
        &occs[..1],
        &none,
        DocChange::Unchanged,
        &c,
        past
    ));
}

#[test]
fn departed_series_are_recorded_by_what_became_of_them() {
    let gone = [
        KnownSeries {
            key: "a".into(),
            still_in_calendar: true,
        },
        KnownSeries {
            key: "b".into(),
            still_in_calendar: false,
        },
    ];
    let steps: Vec<Step> = departures(&gone).into_iter().map(|p| p.step).collect();
    assert_eq!(
        steps,
        vec![
            Step::RecordDeparture {
                series: "a".into(),
                departure: Departure::NotOneOnOne
            },
            Step::RecordDeparture {
                series: "b".into(),
                departure: Departure::Deleted
            },
        ]
    );
}

/// Issue 9 §4: an adopted doc is checked by revision on the re-harvest debounce: only a
/// harvested meeting whose re-harvest window is open makes the check due, and only a revision
/// other than the last harvested one counts as a change.
#[test]
fn an_adopted_docs_revision_is_checked_only_while_a_re_harvest_could_run() {
    let occ = weekly(2);
    let first = &occ[0];
    let after = first.end + Duration::hours(2);
    let harvested = |at: DateTime<Utc>, rev: Option<&str>| {
        HashMap::from([(
            first.key.clone(),
            SectionState::Harvested {
                at,
                revision: rev.map(str::to_string),
            },
        )])
    };
    let stored = harvested(first.end + Duration::minutes(30), Some("r7"));
    assert!(revision_check_due(&occ, &stored, &cfg(), after));
    // Within the debounce of the last harvest: not yet.
    let recent = harvested(after - Duration::minutes(5), Some("r7"));
    assert!(!revision_check_due(&occ, &recent, &cfg(), after));
    // After the next meeting started the window is closed.
    assert!(!revision_check_due(
        &occ,
        &stored,
        &cfg(),
        occ[1].start + Duration::hours(1)
    ));
    // Never harvested: nothing to re-harvest (the first harvest does not need a change).
    assert!(!revision_check_due(&occ, &HashMap::new(), &cfg(), after));

    assert_eq!(
        change_by_revision(&stored, Some("r7")),
        DocChange::Unchanged
    );
    assert_eq!(change_by_revision(&stored, Some("r8")), DocChange::Changed);
    assert_eq!(change_by_revision(&stored, None), DocChange::Unknown);
    let unknown = harvested(first.end, None);
    assert_eq!(change_by_revision(&unknown, Some("r7")), DocChange::Unknown);
}

#[test]
fn unchanged_timings_are_not_rewritten() {
    let now = t("2026-11-23T10:00:00Z");
    let mut o = observed(DocSource::Remembered(doc()), weekly(3));
    assert!(steps(&series(&o, &cfg(), now)).contains(&Step::RecordOccurrences));
    o.timings_changed = false;
    assert!(!steps(&series(&o, &cfg(), now)).contains(&Step::RecordOccurrences));
}
