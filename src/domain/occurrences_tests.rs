use super::*;
use crate::domain::event::tests::fixture_events;
use crate::domain::recurrence::RecurrenceError;
use chrono::NaiveTime;
use serde_json::json;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn master(start: &str, end: &str, tz: &str, recurrence: &[&str]) -> Event {
    Event::from_json(&json!({
        "id": "m1",
        "start": {"dateTime": start, "timeZone": tz},
        "end": {"dateTime": end, "timeZone": tz},
        "recurrence": recurrence,
    }))
    .unwrap()
}

fn exception(original: &str, start: &str, end: &str, status: &str) -> Event {
    Event::from_json(&json!({
        "id": format!("m1_{}", utc(original).format("%Y%m%dT%H%M%SZ")),
        "status": status,
        "recurringEventId": "m1",
        "originalStartTime": {"dateTime": original},
        "start": {"dateTime": start},
        "end": {"dateTime": end},
    }))
    .unwrap()
}

fn local_times(occs: &[Occurrence]) -> Vec<String> {
    occs.iter()
        .map(|o| {
            o.start
                .with_timezone(&o.time_zone)
                .format("%a %Y-%m-%d %H:%M")
                .to_string()
        })
        .collect()
}

#[test]
fn weekly_in_berlin_keeps_ten_oclock_across_dst_end() {
    // DST ends in Europe on Sun 25 Oct 2026.
    let m = master(
        "2026-10-13T10:00:00+02:00",
        "2026-10-13T10:30:00+02:00",
        "Europe/Berlin",
        &["RRULE:FREQ=WEEKLY;BYDAY=TU"],
    );
    let occs = occurrences(
        &m,
        &[],
        utc("2026-10-01T00:00:00Z"),
        utc("2026-11-04T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        local_times(&occs),
        vec![
            "Tue 2026-10-13 10:00",
            "Tue 2026-10-20 10:00",
            "Tue 2026-10-27 10:00",
            "Tue 2026-11-03 10:00"
        ]
    );
    assert_eq!(occs[1].start, utc("2026-10-20T08:00:00Z"));
    assert_eq!(occs[2].start, utc("2026-10-27T09:00:00Z"));
    assert!(occs
        .iter()
        .all(|o| o.end - o.start == Duration::minutes(30)));
    assert_eq!(occs[2].key.as_str(), "m1:20261027T090000Z");
    assert_eq!(occs[2].event_id, "m1_20261027T090000Z");
    assert_eq!(occs[2].key.named_range(), "oneonone:m1:20261027T090000Z");
    assert_eq!(heading_date_label(&occs[2]), "Tue 27 Oct 2026");
    assert_eq!(
        OccurrenceKey::from_named_range(&occs[2].key.named_range()),
        Some(occs[2].key.clone())
    );
    assert_eq!(OccurrenceKey::parse("m1:20261027T090000"), None);
    assert_eq!(OccurrenceKey::parse("m1:20261327T090000Z"), None);
    assert_eq!(OccurrenceKey::from_named_range("extradoc:callout:1"), None);
}

#[test]
fn exdate_rdate_and_until_forms_are_honoured() {
    let m = master(
        "2026-11-03T09:00:00-05:00",
        "2026-11-03T09:30:00-05:00",
        "America/New_York",
        &[
            "RRULE:FREQ=WEEKLY;UNTIL=20261201",
            "EXDATE;TZID=America/New_York:20261110T090000",
            "EXDATE:20261117T140000Z",
            "EXDATE:20261124T090000",
            "RDATE;TZID=America/New_York:20261105T150000",
        ],
    );
    let occs = occurrences(
        &m,
        &[],
        utc("2026-11-01T00:00:00Z"),
        utc("2027-01-01T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        local_times(&occs),
        vec![
            "Tue 2026-11-03 09:00",
            "Thu 2026-11-05 15:00",
            "Tue 2026-12-01 09:00"
        ]
    );
}

#[test]
fn exceptions_cancel_move_and_add() {
    let m = master(
        "2026-11-03T09:00:00Z",
        "2026-11-03T10:00:00Z",
        "UTC",
        &["RRULE:FREQ=WEEKLY;COUNT=4"],
    );
    let excs = vec![
        exception(
            "2026-11-10T09:00:00Z",
            "2026-11-10T09:00:00Z",
            "2026-11-10T10:00:00Z",
            "cancelled",
        ),
        exception(
            "2026-11-17T09:00:00Z",
            "2026-11-18T14:00:00Z",
            "2026-11-18T14:30:00Z",
            "confirmed",
        ),
        // Not produced by the rule (COUNT=4 ends on 24 Nov) but Google keeps it.
        exception(
            "2026-12-01T09:00:00Z",
            "2026-12-01T11:00:00Z",
            "2026-12-01T12:00:00Z",
            "confirmed",
        ),
        // Another series' instance is ignored.
        Event::from_json(&json!({"id": "zz_20261103T090000Z", "status": "cancelled",
            "recurringEventId": "zz", "originalStartTime": {"dateTime": "2026-11-03T09:00:00Z"}}))
        .unwrap(),
    ];
    let occs = occurrences(
        &m,
        &excs,
        utc("2026-11-01T00:00:00Z"),
        utc("2027-01-01T00:00:00Z"),
    )
    .unwrap();
    let summary: Vec<(String, bool, bool)> = occs
        .iter()
        .map(|o| {
            (
                o.start.format("%m-%d %H:%M").to_string(),
                o.cancelled,
                o.moved,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("11-03 09:00".into(), false, false),
            ("11-10 09:00".into(), true, false),
            ("11-18 14:00".into(), false, true),
            ("11-24 09:00".into(), false, false),
            ("12-01 11:00".into(), false, true),
        ]
    );
    assert_eq!(
        occs[2].key.as_str(),
        "m1:20261117T090000Z",
        "key follows the original start"
    );
    assert_eq!(occs[2].end, utc("2026-11-18T14:30:00Z"));
    assert_eq!(occs[2].event_id, "m1_20261117T090000Z");
}

#[test]
fn moved_into_or_out_of_window_is_included() {
    let m = master(
        "2026-11-03T09:00:00Z",
        "2026-11-03T10:00:00Z",
        "UTC",
        &["RRULE:FREQ=WEEKLY"],
    );
    let into = exception(
        "2026-11-24T09:00:00Z",
        "2026-11-16T09:00:00Z",
        "2026-11-16T10:00:00Z",
        "confirmed",
    );
    let occs = occurrences(
        &m,
        &[into],
        utc("2026-11-09T00:00:00Z"),
        utc("2026-11-20T00:00:00Z"),
    )
    .unwrap();
    let keys: Vec<&str> = occs.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "m1:20261110T090000Z",
            "m1:20261124T090000Z",
            "m1:20261117T090000Z"
        ]
    );
}

#[test]
fn split_series_fixture_expands_with_its_exceptions() {
    let Some(events) = fixture_events("compass-CONVERTED-edit-this-and-following-2.json") else {
        return;
    };
    let old = events
        .iter()
        .find(|e| e.id == "3i234gl45i6i1s8rpui7dleor0")
        .unwrap();
    let occs = occurrences(
        old,
        &events,
        utc("2025-03-01T00:00:00Z"),
        utc("2025-04-30T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(occs.len(), 14, "12..=25 March, UNTIL 26 March 04:59:59Z");
    let moved: Vec<&str> = occs
        .iter()
        .filter(|o| o.moved)
        .map(|o| o.event_id.as_str())
        .collect();
    assert_eq!(
        moved,
        vec![
            "3i234gl45i6i1s8rpui7dleor0_20250315T131500Z",
            "3i234gl45i6i1s8rpui7dleor0_20250319T131500Z"
        ]
    );
    let new = events
        .iter()
        .find(|e| e.id.ends_with("_R20250326T131500"))
        .unwrap();
    let next = occurrences(
        new,
        &events,
        utc("2025-03-01T00:00:00Z"),
        utc("2025-03-29T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(next.len(), 3);
    assert_eq!(
        next[0].series, occs[0].series,
        "the split keeps the series key"
    );
    assert!(next.iter().all(|n| occs.iter().all(|o| o.key != n.key)));
}

#[test]
fn bare_tombstone_cancels_by_instance_id() {
    let Some(events) = fixture_events("compass-CONVERTED-delete-this-and-following-2.json") else {
        return;
    };
    let m = &events[0];
    let occs = occurrences(
        m,
        &events,
        utc("2025-03-20T00:00:00Z"),
        utc("2025-04-01T00:00:00Z"),
    )
    .unwrap();
    let cancelled: Vec<&str> = occs
        .iter()
        .filter(|o| o.cancelled)
        .map(|o| o.key.as_str())
        .collect();
    assert_eq!(
        cancelled,
        vec!["72o12msae3t6au1lim41i8tu6j:20250328T150000Z"]
    );
    assert_eq!(
        occs.iter().filter(|o| !o.cancelled).count(),
        2,
        "24 and 25 March"
    );
}

#[test]
fn all_day_yearly_fixture() {
    let Some(events) = fixture_events("libkgapi-event2-yearly-allday-attendee-self.json") else {
        return;
    };
    let occs = occurrences(
        &events[0],
        &[],
        utc("2019-01-01T00:00:00Z"),
        utc("2021-01-01T00:00:00Z"),
    )
    .unwrap();
    let ids: Vec<String> = occs
        .iter()
        .map(|o| o.event_id.rsplit('_').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, vec!["20190420", "20200420"]);
    assert_eq!(occs[0].end - occs[0].start, Duration::days(3));
}

#[test]
fn offset_fallback_and_errors() {
    let mut m = master(
        "2026-11-03T09:00:00+05:00",
        "2026-11-03T10:00:00+05:00",
        "Not/AZone",
        &["RRULE:FREQ=DAILY;COUNT=2"],
    );
    let occs = occurrences(
        &m,
        &[],
        utc("2026-11-01T00:00:00Z"),
        utc("2026-12-01T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        local_times(&occs),
        vec!["Tue 2026-11-03 09:00", "Wed 2026-11-04 09:00"]
    );

    m = master(
        "2026-11-03T09:00:00+05:30",
        "2026-11-03T10:00:00+05:30",
        "Not/AZone",
        &["RRULE:FREQ=DAILY"],
    );
    let err = occurrences(
        &m,
        &[],
        utc("2026-11-01T00:00:00Z"),
        utc("2026-12-01T00:00:00Z"),
    )
    .unwrap_err();
    assert!(matches!(err, RecurrenceError::NoTimeZone { .. }), "{err}");

    m = master(
        "2026-11-03T09:00:00Z",
        "2026-11-03T10:00:00Z",
        "UTC",
        &["RRULE:FREQ=SOMETIMES"],
    );
    let err = occurrences(
        &m,
        &[],
        utc("2026-11-01T00:00:00Z"),
        utc("2026-12-01T00:00:00Z"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("m1"), "{err}");

    m = master(
        "2026-11-03T09:00:00Z",
        "2026-11-03T10:00:00Z",
        "UTC",
        &["DTSTART:20261103T090000Z"],
    );
    let err = occurrences(
        &m,
        &[],
        utc("2026-11-01T00:00:00Z"),
        utc("2026-12-01T00:00:00Z"),
    )
    .unwrap_err();
    assert!(matches!(err, RecurrenceError::InvalidLine { .. }), "{err}");

    m = master(
        "1970-01-01T00:00:00Z",
        "1970-01-01T00:00:01Z",
        "UTC",
        &["RRULE:FREQ=SECONDLY"],
    );
    let err = occurrences(
        &m,
        &[],
        utc("2026-11-01T00:00:00Z"),
        utc("2026-12-01T00:00:00Z"),
    )
    .unwrap_err();
    assert!(
        matches!(err, RecurrenceError::TooManyInstances { .. }),
        "{err}"
    );
}

#[test]
fn rule_ending_before_the_start_is_empty_not_an_error() {
    let m = master(
        "2026-11-03T09:00:00Z",
        "2026-11-03T10:00:00Z",
        "UTC",
        &["RRULE:FREQ=DAILY;UNTIL=20261101T000000Z"],
    );
    let kept = exception(
        "2026-11-05T09:00:00Z",
        "2026-11-05T09:00:00Z",
        "2026-11-05T10:00:00Z",
        "confirmed",
    );
    let occs = occurrences(
        &m,
        &[kept],
        utc("2026-11-01T00:00:00Z"),
        utc("2026-12-01T00:00:00Z"),
    )
    .unwrap();
    let keys: Vec<&str> = occs.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, vec!["m1:20261105T090000Z"]);
}

#[test]
fn first_in_month_skips_cancelled_and_uses_local_month() {
    // Local months in Sydney: the Jan 7 meeting is on Jan 6 in UTC.
    let m = master(
        "2026-12-24T10:00:00+11:00",
        "2026-12-24T10:30:00+11:00",
        "Australia/Sydney",
        &["RRULE:FREQ=WEEKLY"],
    );
    let cancel = exception(
        "2027-01-06T23:00:00Z",
        "2027-01-06T23:00:00Z",
        "2027-01-06T23:30:00Z",
        "cancelled",
    );
    let occs = occurrences(
        &m,
        &[cancel],
        utc("2026-12-01T00:00:00Z"),
        utc("2027-02-01T00:00:00Z"),
    )
    .unwrap();
    let firsts: Vec<String> = occs
        .iter()
        .filter(|o| is_first_in_month(o, &occs))
        .map(heading_date_label)
        .collect();
    assert_eq!(firsts, vec!["Thu 24 Dec 2026", "Thu 14 Jan 2027"]);
    assert_eq!(
        local_date(&occs[0]),
        NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()
    );
}

mod props {
    use super::*;
    use proptest::prelude::*;

    const ZONES: [&str; 4] = [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
    ];

    fn arb_rule() -> impl Strategy<Value = String> {
        prop_oneof![
            (1u8..3).prop_map(|i| format!("RRULE:FREQ=DAILY;INTERVAL={i}")),
            (
                1u8..3,
                prop::sample::select(vec!["MO", "TU", "WE", "TH", "FR", "MO,TH"])
            )
                .prop_map(|(i, d)| format!("RRULE:FREQ=WEEKLY;INTERVAL={i};BYDAY={d}")),
            (1u8..29).prop_map(|d| format!("RRULE:FREQ=MONTHLY;BYMONTHDAY={d}")),
            Just("RRULE:FREQ=MONTHLY;BYDAY=1TU".to_string()),
            Just("RRULE:FREQ=WEEKLY;COUNT=30".to_string()),
        ]
    }

    /// A series starting at a local wall-clock time that exists every day (07:00–20:45), on a
    /// random day in 2025–2027 (several DST changes in every zone that has them).
    fn arb_series() -> impl Strategy<Value = (Event, NaiveTime)> {
        (
            0usize..4,
            0i64..900,
            7u32..21,
            prop::sample::select(vec![0u32, 15, 30, 45]),
            15i64..120,
            arb_rule(),
        )
            .prop_map(|(z, day, hour, minute, len, rule)| {
                let zone: Tz = ZONES[z].parse().unwrap();
                let date = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Duration::days(day);
                let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap();
                let start = zone
                    .from_local_datetime(&date.and_time(time))
                    .single()
                    .unwrap();
                let end = start + Duration::minutes(len);
                let m = master(&start.to_rfc3339(), &end.to_rfc3339(), ZONES[z], &[&rule]);
                (m, time)
            })
    }

    fn window(m: &Event) -> (DateTime<Utc>, DateTime<Utc>) {
        let s = m.start.as_ref().and_then(EventTime::utc).unwrap();
        (s - Duration::days(3), s + Duration::days(400))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn wall_clock_time_is_kept_and_keys_are_unique((m, time) in arb_series()) {
            let (ws, we) = window(&m);
            let occs = occurrences(&m, &[], ws, we).unwrap();
            prop_assert!(!occs.is_empty());
            for o in &occs {
                prop_assert_eq!(o.start.with_timezone(&o.time_zone).time(), time);
                prop_assert_eq!(o.end - o.start, occs[0].end - occs[0].start);
                prop_assert!(ws <= o.start && o.start < we);
                prop_assert!(o.key.as_str().is_ascii() && o.key.as_str().len() <= 120);
                prop_assert_eq!(OccurrenceKey::parse(o.key.as_str()), Some(o.key.clone()));
            }
            let mut keys: Vec<&OccurrenceKey> = occs.iter().map(|o| &o.key).collect();
            keys.sort();
            keys.dedup();
            prop_assert_eq!(keys.len(), occs.len());
        }

        #[test]
        fn moving_an_instance_keeps_every_key((m, _) in arb_series(), pick in any::<prop::sample::Index>(), shift_h in -72i64..72) {
            let (ws, we) = window(&m);
            let before = occurrences(&m, &[], ws, we).unwrap();
            let target = &before[pick.index(before.len())];
            let new_start = target.start + Duration::hours(shift_h) + Duration::minutes(7);
            let moved = Event::from_json(&json!({
                "id": target.event_id, "recurringEventId": "m1",
                "originalStartTime": {"dateTime": target.original_start.to_rfc3339()},
                "start": {"dateTime": new_start.to_rfc3339()},
                "end": {"dateTime": (new_start + Duration::minutes(20)).to_rfc3339()},
            })).unwrap();
            let after = occurrences(&m, &[moved], ws, we).unwrap();
            let keys = |v: &[Occurrence]| { let mut k: Vec<_> = v.iter().map(|o| o.key.clone()).collect(); k.sort(); k };
            prop_assert_eq!(keys(&before), keys(&after));
            let m2 = after.iter().find(|o| o.key == target.key).unwrap();
            prop_assert!(m2.moved);
            prop_assert_eq!(m2.start, new_start);
            prop_assert_eq!(m2.original_start, target.original_start);
        }

        #[test]
        fn garbage_recurrence_lines_never_panic(
            lines in prop::collection::vec(prop_oneof![
                ".{0,30}",
                "(RRULE|EXDATE|RDATE|EXRULE)[:;][A-Z=;,:0-9/_TZ+-]{0,40}",
                "RRULE:FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY|HOURLY|SECONDLY|X)(;(BYDAY|BYMONTHDAY|BYSETPOS|COUNT|INTERVAL|UNTIL|BYHOUR|WKST)=[-0-9A-Z,]{0,10}){0,3}",
            ], 1..4),
            tz in prop::sample::select(vec!["UTC", "Europe/Berlin", "Nope/Zone", ""]),
        ) {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let m = master("2026-03-01T09:00:00+01:00", "2026-03-01T10:00:00+01:00", tz, &refs);
            let _ = occurrences(&m, &[], utc("2026-01-01T00:00:00Z"), utc("2027-01-01T00:00:00Z"));
        }
    }
}
