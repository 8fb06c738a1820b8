use super::*;
use crate::store::tests::t;

const U: &str = "alice@x.com";
const CAL: &str = "primary";

fn ev(id: &str, master: Option<&str>, status: EventStatus, updated: Option<&str>) -> CachedEvent {
    CachedEvent {
        event_id: id.into(),
        recurring_event_id: master.map(Into::into),
        status,
        updated: updated.map(t),
        json: format!(r#"{{"id":"{id}","updated":{updated:?}}}"#),
    }
}

fn ids(events: &[CachedEvent]) -> Vec<&str> {
    events.iter().map(|e| e.event_id.as_str()).collect()
}

#[test]
fn page_is_idempotent_and_sets_token_atomically() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-11-24T09:00:00Z");
    let page = [
        ev(
            "m1",
            None,
            EventStatus::Confirmed,
            Some("2026-11-01T00:00:00Z"),
        ),
        ev(
            "m1_x",
            Some("m1"),
            EventStatus::Confirmed,
            Some("2026-11-02T00:00:00Z"),
        ),
        ev(
            "single",
            None,
            EventStatus::Tentative,
            Some("2026-11-03T00:00:00Z"),
        ),
    ];
    s.apply_calendar_page(U, CAL, &page, None, now).unwrap();
    assert_eq!(
        s.calendar_sync_token(U, CAL).unwrap(),
        None,
        "no token before the last page"
    );
    s.apply_calendar_page(U, CAL, &page, Some("tok"), now)
        .unwrap();
    assert_eq!(
        s.calendar_sync_token(U, CAL).unwrap().as_deref(),
        Some("tok")
    );
    assert_eq!(ids(&s.cached_masters(U, CAL).unwrap()), ["m1", "single"]);
    assert_eq!(
        s.cached_exceptions(U, CAL, "m1").unwrap(),
        vec![page[1].clone()]
    );
    assert_eq!(
        s.cached_event(U, CAL, "single").unwrap(),
        Some(page[2].clone())
    );
    assert_eq!(s.cached_event(U, "other-cal", "single").unwrap(), None);
    assert_eq!(s.cached_event("bob@x.com", CAL, "single").unwrap(), None);
}

#[test]
fn newer_versions_replace_and_older_ones_are_ignored() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-11-24T09:00:00Z");
    let v2 = ev(
        "m1",
        None,
        EventStatus::Confirmed,
        Some("2026-11-02T00:00:00Z"),
    );
    let v1 = ev(
        "m1",
        None,
        EventStatus::Tentative,
        Some("2026-11-01T00:00:00Z"),
    );
    let v3 = ev(
        "m1",
        None,
        EventStatus::Confirmed,
        Some("2026-11-03T00:00:00Z"),
    );
    s.apply_calendar_page(U, CAL, std::slice::from_ref(&v2), None, now)
        .unwrap();
    s.apply_calendar_page(U, CAL, &[v1], None, now).unwrap();
    assert_eq!(s.cached_event(U, CAL, "m1").unwrap(), Some(v2));
    s.apply_calendar_page(U, CAL, std::slice::from_ref(&v3), None, now)
        .unwrap();
    assert_eq!(s.cached_event(U, CAL, "m1").unwrap(), Some(v3));
}

#[test]
fn cancelled_exception_is_kept_as_tombstone() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-11-24T09:00:00Z");
    let master = ev(
        "m1",
        None,
        EventStatus::Confirmed,
        Some("2026-11-01T00:00:00Z"),
    );
    let moved = ev(
        "m1_a",
        Some("m1"),
        EventStatus::Confirmed,
        Some("2026-11-02T00:00:00Z"),
    );
    let gone = ev("m1_a", Some("m1"), EventStatus::Cancelled, None);
    s.apply_calendar_page(U, CAL, &[master, moved], None, now)
        .unwrap();
    s.apply_calendar_page(U, CAL, std::slice::from_ref(&gone), None, now)
        .unwrap();
    s.apply_calendar_page(U, CAL, std::slice::from_ref(&gone), None, now)
        .unwrap();
    assert_eq!(s.cached_exceptions(U, CAL, "m1").unwrap(), vec![gone]);
}

#[test]
fn cancelled_master_removes_itself_and_its_exceptions_only() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-11-24T09:00:00Z");
    let page = [
        ev(
            "m1",
            None,
            EventStatus::Confirmed,
            Some("2026-11-01T00:00:00Z"),
        ),
        ev(
            "m1_a",
            Some("m1"),
            EventStatus::Confirmed,
            Some("2026-11-02T00:00:00Z"),
        ),
        ev("m1_b", Some("m1"), EventStatus::Cancelled, None),
        ev(
            "m2",
            None,
            EventStatus::Confirmed,
            Some("2026-11-01T00:00:00Z"),
        ),
        ev(
            "m2_a",
            Some("m2"),
            EventStatus::Confirmed,
            Some("2026-11-02T00:00:00Z"),
        ),
    ];
    s.apply_calendar_page(U, CAL, &page, Some("t1"), now)
        .unwrap();
    s.apply_calendar_page(U, "team", &page, Some("t1"), now)
        .unwrap();
    let delete = ev("m1", None, EventStatus::Cancelled, None);
    s.apply_calendar_page(U, CAL, std::slice::from_ref(&delete), Some("t2"), now)
        .unwrap();
    s.apply_calendar_page(U, CAL, std::slice::from_ref(&delete), Some("t2"), now)
        .unwrap();
    assert_eq!(s.cached_event(U, CAL, "m1").unwrap(), None);
    assert!(s.cached_exceptions(U, CAL, "m1").unwrap().is_empty());
    assert_eq!(ids(&s.cached_masters(U, CAL).unwrap()), ["m2"]);
    assert_eq!(ids(&s.cached_exceptions(U, CAL, "m2").unwrap()), ["m2_a"]);
    assert_eq!(
        ids(&s.cached_exceptions(U, "team", "m1").unwrap()),
        ["m1_a", "m1_b"]
    );
}

#[test]
fn reset_clears_one_calendar_cache_and_token() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-11-24T09:00:00Z");
    let page = [ev(
        "m1",
        None,
        EventStatus::Confirmed,
        Some("2026-11-01T00:00:00Z"),
    )];
    s.apply_calendar_page(U, CAL, &page, Some("t1"), now)
        .unwrap();
    s.apply_calendar_page(U, "team", &page, Some("t9"), now)
        .unwrap();
    s.reset_calendar(U, CAL).unwrap();
    assert_eq!(s.calendar_sync_token(U, CAL).unwrap(), None);
    assert!(s.cached_masters(U, CAL).unwrap().is_empty());
    assert_eq!(
        s.calendar_sync_token(U, "team").unwrap().as_deref(),
        Some("t9")
    );
    assert_eq!(s.cached_masters(U, "team").unwrap().len(), 1);
}

fn with_json(id: &str, master: Option<&str>, json: &str) -> CachedEvent {
    CachedEvent {
        event_id: id.into(),
        recurring_event_id: master.map(Into::into),
        status: EventStatus::Confirmed,
        updated: Some(t("2026-11-01T00:00:00Z")),
        json: json.into(),
    }
}

#[test]
fn pruning_drops_only_single_events_that_ended_before_the_cutoff() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-11-24T09:00:00Z");
    let page = [
        // Ended on the 20th (Berlin offset): pruned.
        with_json(
            "old",
            None,
            r#"{"id":"old","end":{"dateTime":"2026-11-20T10:30:00+01:00"}}"#,
        ),
        // An all-day single that ended on the 21st: pruned.
        with_json(
            "allday",
            None,
            r#"{"id":"allday","end":{"date":"2026-11-21"}}"#,
        ),
        // Ends just after the cutoff (09:30 UTC = 10:30 Berlin on the 23rd): kept.
        with_json(
            "recent",
            None,
            r#"{"id":"recent","end":{"dateTime":"2026-11-23T10:30:00+01:00"}}"#,
        ),
        // A future single: kept.
        with_json(
            "future",
            None,
            r#"{"id":"future","end":{"dateTime":"2026-12-01T10:30:00Z"}}"#,
        ),
        // A past series master and its exception: kept (a series, not a single).
        with_json(
            "m",
            None,
            r#"{"id":"m","recurrence":["RRULE:FREQ=WEEKLY"],"end":{"dateTime":"2026-01-01T10:30:00Z"}}"#,
        ),
        with_json(
            "m_1",
            Some("m"),
            r#"{"id":"m_1","end":{"dateTime":"2026-01-08T10:30:00Z"}}"#,
        ),
        // An end SQLite cannot read: kept.
        with_json("odd", None, r#"{"id":"odd","end":{"dateTime":"soon"}}"#),
    ];
    s.apply_calendar_page(U, CAL, &page, Some("tok"), now)
        .unwrap();
    let cutoff = t("2026-11-23T09:00:00Z");
    assert_eq!(s.prune_ended_single_events(U, CAL, cutoff).unwrap(), 2);
    assert_eq!(
        ids(&s.cached_masters(U, CAL).unwrap()),
        ["future", "m", "odd", "recent"]
    );
    assert_eq!(ids(&s.cached_exceptions(U, CAL, "m").unwrap()), ["m_1"]);
    assert_eq!(
        s.prune_ended_single_events(U, CAL, cutoff).unwrap(),
        0,
        "idempotent"
    );
    assert_eq!(
        s.prune_ended_single_events("bob@x.com", CAL, now).unwrap(),
        0,
        "per user"
    );
}
