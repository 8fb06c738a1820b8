use super::*;
use crate::domain::series::SeriesKey;

/// The documented defaults (`config::Settings` owns them; repeated here as plain test data).
fn default_cfg() -> ScheduleConfig {
    ScheduleConfig {
        prepare_before: Duration::hours(24),
        harvest_after: Duration::minutes(30),
        reharvest_debounce: Duration::minutes(10),
        reharvest_horizon: Duration::days(14),
    }
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn occ(start: DateTime<Utc>, minutes: i64, cancelled: bool) -> Occurrence {
    let series = SeriesKey::of("s1");
    Occurrence {
        key: OccurrenceKey::new(&series, start),
        series,
        original_start: start,
        start,
        end: start + Duration::minutes(minutes),
        time_zone: chrono_tz::Tz::UTC,
        cancelled,
        moved: false,
        event_id: format!("s1_{}", start.format("%Y%m%dT%H%M%SZ")),
    }
}

fn weekly() -> Vec<Occurrence> {
    (0..3)
        .map(|w| occ(t("2026-11-03T09:00:00Z") + Duration::weeks(w), 30, false))
        .collect()
}

#[test]
fn prepare_is_due_a_day_before_and_not_after_the_end() {
    let occs = weekly();
    let cfg = default_cfg();
    let states = HashMap::new();
    let early = plan(
        t("2026-11-02T08:59:59Z"),
        &occs,
        &states,
        DocChange::Unchanged,
        &cfg,
    );
    assert!(early.tasks.is_empty());
    assert_eq!(early.next_due, Some(t("2026-11-02T09:00:00Z")));

    let due = plan(
        t("2026-11-02T09:00:00Z"),
        &occs,
        &states,
        DocChange::Unchanged,
        &cfg,
    );
    assert_eq!(due.tasks, vec![Task::Prepare(occs[0].key.clone())]);
    assert_eq!(due.next_due, Some(t("2026-11-09T09:00:00Z")));

    let late = plan(
        t("2026-11-03T09:30:00Z"),
        &occs,
        &states,
        DocChange::Unchanged,
        &cfg,
    );
    assert!(
        late.tasks.is_empty(),
        "an ended meeting is not prepared: {late:?}"
    );
}

#[test]
fn harvest_after_grace_then_re_harvest_on_change_until_next_meeting() {
    let occs = weekly();
    let cfg = default_cfg();
    let k = occs[0].key.clone();
    let mut states = HashMap::from([(
        k.clone(),
        SectionState::Prepared {
            at: t("2026-11-02T09:00:00Z"),
        },
    )]);
    states.insert(occs[1].key.clone(), SectionState::NotPrepared);

    let p = plan(
        t("2026-11-03T09:59:00Z"),
        &occs,
        &states,
        DocChange::Unknown,
        &cfg,
    );
    assert!(p.tasks.is_empty());
    assert_eq!(p.next_due, Some(t("2026-11-03T10:00:00Z")));
    let p = plan(
        t("2026-11-03T10:00:00Z"),
        &occs,
        &states,
        DocChange::Unknown,
        &cfg,
    );
    assert_eq!(p.tasks, vec![Task::Harvest(k.clone())]);

    states.insert(
        k.clone(),
        SectionState::Harvested {
            at: t("2026-11-03T10:00:00Z"),
            revision: Some("r1".into()),
        },
    );
    let p = plan(
        t("2026-11-03T10:05:00Z"),
        &occs,
        &states,
        DocChange::Unchanged,
        &cfg,
    );
    assert!(p.tasks.is_empty(), "unchanged doc: {p:?}");
    let p = plan(
        t("2026-11-03T10:05:00Z"),
        &occs,
        &states,
        DocChange::Changed,
        &cfg,
    );
    assert!(p.tasks.is_empty(), "debounced");
    assert_eq!(p.next_due, Some(t("2026-11-03T10:10:00Z")));
    let p = plan(
        t("2026-11-05T12:00:00Z"),
        &occs,
        &states,
        DocChange::Changed,
        &cfg,
    );
    assert_eq!(p.tasks, vec![Task::Harvest(k.clone())]);
    // The next meeting has started: the window is closed.
    let p = plan(
        t("2026-11-10T09:00:00Z"),
        &occs,
        &states,
        DocChange::Unknown,
        &cfg,
    );
    assert!(!p.tasks.contains(&Task::Harvest(k)), "{p:?}");
}

#[test]
fn harvest_comes_before_prepare_and_cancelled_is_skipped() {
    // Daily meetings: the next one is prepared while the previous is being harvested.
    let mut occs: Vec<Occurrence> = (0..3)
        .map(|d| occ(t("2026-11-03T09:00:00Z") + Duration::days(d), 60, false))
        .collect();
    occs[2].cancelled = true;
    let states = HashMap::from([(
        occs[0].key.clone(),
        SectionState::Prepared {
            at: t("2026-11-02T09:00:00Z"),
        },
    )]);
    let p = plan(
        t("2026-11-03T10:30:00Z"),
        &occs,
        &states,
        DocChange::Unchanged,
        &default_cfg(),
    );
    assert_eq!(
        p.tasks,
        vec![
            Task::Harvest(occs[0].key.clone()),
            Task::Prepare(occs[1].key.clone())
        ]
    );
    assert_eq!(
        p.next_due, None,
        "nothing else pending; cancelled never due"
    );
}

#[test]
fn unprepared_past_meetings_are_never_harvested() {
    let occs = weekly();
    let p = plan(
        t("2026-12-30T00:00:00Z"),
        &occs,
        &HashMap::new(),
        DocChange::Changed,
        &default_cfg(),
    );
    assert_eq!(p, Plan::default());
}

#[test]
fn absurd_durations_saturate_instead_of_panicking() {
    let occs = weekly();
    let cfg = ScheduleConfig {
        prepare_before: Duration::MAX,
        harvest_after: Duration::MAX,
        reharvest_debounce: Duration::MAX,
        reharvest_horizon: Duration::MAX,
    };
    let p = plan(
        t("2026-11-01T00:00:00Z"),
        &occs,
        &HashMap::new(),
        DocChange::Unchanged,
        &cfg,
    );
    let all: Vec<Task> = occs.iter().map(|o| Task::Prepare(o.key.clone())).collect();
    assert_eq!(
        p.tasks, all,
        "an unbounded lead prepares every future meeting"
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn arb_occurrences() -> impl Strategy<Value = Vec<Occurrence>> {
        prop::collection::vec(
            (
                0i64..60 * 24 * 30,
                15i64..180,
                prop::bool::weighted(0.2),
                -600i64..600,
            ),
            1..12,
        )
        .prop_map(|specs| {
            let base = t("2026-11-01T00:00:00Z");
            let mut v: Vec<Occurrence> = specs
                .into_iter()
                .map(|(m, len, cancelled, shift)| {
                    let mut o = occ(base + Duration::minutes(m), len, cancelled);
                    // Some are moved: the key stays with the original start.
                    if shift % 3 == 0 {
                        o.start += Duration::minutes(shift);
                        o.end += Duration::minutes(shift);
                        o.moved = true;
                    }
                    o
                })
                .collect();
            v.sort_by(|a, b| a.key.cmp(&b.key));
            v.dedup_by(|a, b| a.key == b.key);
            v
        })
    }

    fn arb_states(
        occs: &[Occurrence],
    ) -> impl Strategy<Value = HashMap<OccurrenceKey, SectionState>> {
        let keys: Vec<OccurrenceKey> = occs.iter().map(|o| o.key.clone()).collect();
        prop::collection::vec((0u8..3, 0i64..60 * 24 * 40, 0u8..3), keys.len()).prop_map(move |v| {
            let base = t("2026-11-01T00:00:00Z");
            keys.iter()
                .cloned()
                .zip(v)
                .map(|(k, (kind, m, rev))| {
                    let at = base + Duration::minutes(m);
                    let s = match kind {
                        0 => SectionState::NotPrepared,
                        1 => SectionState::Prepared { at },
                        _ => SectionState::Harvested {
                            at,
                            revision: Some(format!("r{rev}")),
                        },
                    };
                    (k, s)
                })
                .collect()
        })
    }

    fn apply(
        states: &mut HashMap<OccurrenceKey, SectionState>,
        tasks: &[Task],
        now: DateTime<Utc>,
    ) {
        for task in tasks {
            let s = match task {
                Task::Prepare(_) => SectionState::Prepared { at: now },
                Task::Harvest(_) => SectionState::Harvested {
                    at: now,
                    revision: Some("read".into()),
                },
            };
            states.insert(task.key().clone(), s);
        }
    }

    fn arb_case() -> impl Strategy<
        Value = (
            Vec<Occurrence>,
            HashMap<OccurrenceKey, SectionState>,
            i64,
            DocChange,
        ),
    > {
        arb_occurrences().prop_flat_map(|occs| {
            let states = arb_states(&occs);
            (
                Just(occs),
                states,
                0i64..60 * 24 * 40,
                prop_oneof![
                    Just(DocChange::Unchanged),
                    Just(DocChange::Changed),
                    Just(DocChange::Unknown)
                ],
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(192))]

        /// Once its state records a task done, the same task is not due again at any later
        /// time while the doc stays unchanged; cancelled occurrences are never due;
        /// next_due is in the future.
        #[test]
        fn done_is_never_due_again((occs, mut states, m, rev) in arb_case(), later in prop::collection::vec(0i64..60 * 24 * 40, 1..6)) {
            let cfg = default_cfg();
            let now = t("2026-11-01T00:00:00Z") + Duration::minutes(m);
            let p = plan(now, &occs, &states, rev, &cfg);
            if let Some(n) = p.next_due { prop_assert!(n > now); }
            for task in &p.tasks {
                let o = occs.iter().find(|o| &o.key == task.key()).unwrap();
                prop_assert!(!o.cancelled, "cancelled occurrence got {:?}", task);
            }
            let done = p.tasks.clone();
            apply(&mut states, &done, now);
            for dm in later {
                let then = now + Duration::minutes(dm);
                let again = plan(then, &occs, &states, DocChange::Unchanged, &cfg);
                for task in &done {
                    prop_assert!(!again.tasks.contains(task), "{:?} due again at {}", task, then);
                }
                if let Some(n) = again.next_due { prop_assert!(n > then); }
            }
        }

        /// Driving the clock only by next_due (as the daemon sleeps) prepares every meeting whose
        /// preparation time is reached during the run exactly once and harvests it after it
        /// ended; nothing is missed.
        #[test]
        fn sleeping_until_next_due_misses_nothing(occs in arb_occurrences()) {
            let cfg = default_cfg();
            let start = t("2026-10-01T00:00:00Z");
            let mut now = start;
            let mut states = HashMap::new();
            let mut prepared: HashMap<OccurrenceKey, u32> = HashMap::new();
            let mut harvested: HashMap<OccurrenceKey, DateTime<Utc>> = HashMap::new();
            for _ in 0..200 {
                let p = plan(now, &occs, &states, DocChange::Unchanged, &cfg);
                for task in &p.tasks {
                    match task {
                        Task::Prepare(k) => *prepared.entry(k.clone()).or_default() += 1,
                        Task::Harvest(k) => { harvested.entry(k.clone()).or_insert(now); }
                    }
                }
                apply(&mut states, &p.tasks, now);
                // As the daemon does: after running tasks, plan again before sleeping.
                if !p.tasks.is_empty() { continue; }
                match p.next_due { Some(n) => now = n, None => break }
            }
            for o in &occs {
                let count = prepared.get(&o.key).copied().unwrap_or(0);
                if o.cancelled {
                    prop_assert_eq!(count, 0);
                } else {
                    prop_assert_eq!(count, 1, "{} prepared {} times", o.key, count);
                    let h = harvested.get(&o.key).copied();
                    prop_assert_eq!(h, Some(o.end + cfg.harvest_after));
                }
            }
        }
    }
}
