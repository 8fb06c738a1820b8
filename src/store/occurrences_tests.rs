use super::*;
use crate::store::tests::{series_rec, t, timing};
use crate::store::StoreError;

fn store_with_series() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.upsert_series(&series_rec("a@x", "k1")).unwrap();
    s
}

#[test]
fn upsert_is_idempotent_and_refreshes_timing_only() {
    let mut s = store_with_series();
    let o1 = timing("o1", "2026-11-24T09:00:00Z");
    let o2 = timing("o2", "2026-12-01T09:00:00Z");
    let both = [o1.clone(), o2.clone()];
    assert_eq!(
        s.upsert_occurrences("a@x", "k1", &both).unwrap(),
        [Upserted::Inserted; 2]
    );
    assert_eq!(
        s.upsert_occurrences("a@x", "k1", &both).unwrap(),
        [Upserted::Unchanged; 2]
    );

    s.mark_prepared("a@x", "k1", "o1", t("2026-11-23T09:00:00Z"), "rev1")
        .unwrap();
    let mut moved = o1.clone();
    moved.start = t("2026-11-24T15:00:00Z");
    moved.end = t("2026-11-24T16:00:00Z");
    assert_eq!(
        s.upsert_occurrences("a@x", "k1", &[moved.clone()]).unwrap(),
        [Upserted::Updated]
    );
    let stored = s.occurrence("a@x", "k1", "o1").unwrap().unwrap();
    assert_eq!(
        (stored.start, stored.end, stored.original_start),
        (moved.start, moved.end, o1.start)
    );
    assert_eq!(
        stored.section,
        SectionState::Prepared {
            at: t("2026-11-23T09:00:00Z"),
            revision_id: "rev1".into()
        },
        "a timing refresh never resets the section"
    );

    let mut cancelled = o2.clone();
    cancelled.cancelled = true;
    s.upsert_occurrences("a@x", "k1", &[cancelled]).unwrap();
    assert!(s.occurrence("a@x", "k1", "o2").unwrap().unwrap().cancelled);
}

#[test]
fn occurrences_need_their_series() {
    let mut s = store_with_series();
    let err = s
        .upsert_occurrences("a@x", "missing", &[timing("o1", "2026-11-24T09:00:00Z")])
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert_eq!(s.occurrence("a@x", "missing", "o1").unwrap(), None);
}

#[test]
fn section_state_moves_forward_only() {
    let mut s = store_with_series();
    s.upsert_occurrences("a@x", "k1", &[timing("o1", "2026-11-24T09:00:00Z")])
        .unwrap();
    let get = |s: &Store| s.occurrence("a@x", "k1", "o1").unwrap().unwrap();
    assert_eq!(get(&s).section, SectionState::NotPrepared);
    assert_eq!(get(&s).last_harvested_revision(), None);

    let p = t("2026-11-23T09:00:00Z");
    s.mark_prepared("a@x", "k1", "o1", p, "r1").unwrap();
    s.mark_prepared("a@x", "k1", "o1", p, "r1").unwrap();
    assert_eq!(
        get(&s).section,
        SectionState::Prepared {
            at: p,
            revision_id: "r1".into()
        }
    );

    let h1 = t("2026-11-24T10:30:00Z");
    assert!(s.record_harvest("a@x", "k1", "o1", h1, "r2").unwrap());
    assert!(!s
        .record_harvest("a@x", "k1", "o1", t("2026-11-24T11:00:00Z"), "r2")
        .unwrap());
    let o = get(&s);
    assert_eq!(
        o.section,
        SectionState::Harvested {
            at: h1,
            revision_id: "r2".into()
        }
    );
    assert_eq!(
        (o.harvest_count, o.last_harvested_revision()),
        (1, Some("r2"))
    );

    let h2 = t("2026-11-25T10:30:00Z");
    assert!(s.record_harvest("a@x", "k1", "o1", h2, "r3").unwrap());
    assert_eq!(get(&s).harvest_count, 2);

    // Preparing again after a harvest is ignored.
    s.mark_prepared("a@x", "k1", "o1", t("2026-11-26T00:00:00Z"), "r9")
        .unwrap();
    assert_eq!(
        get(&s).section,
        SectionState::Harvested {
            at: h2,
            revision_id: "r3".into()
        }
    );

    for err in [
        s.mark_prepared("a@x", "k1", "nope", p, "r").unwrap_err(),
        s.record_harvest("a@x", "k1", "nope", p, "r").unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    }
}

#[test]
fn listing_orders_by_start_and_filters_by_range() {
    let mut s = store_with_series();
    s.upsert_series(&series_rec("a@x", "k2")).unwrap();
    s.upsert_series(&series_rec("b@x", "k1")).unwrap();
    let k1 = [
        timing("c", "2026-12-01T09:00:00Z"),
        timing("a", "2026-11-17T09:00:00Z"),
    ];
    s.upsert_occurrences("a@x", "k1", &k1).unwrap();
    s.upsert_occurrences("a@x", "k2", &[timing("x", "2026-11-20T09:00:00Z")])
        .unwrap();
    s.upsert_occurrences("b@x", "k1", &[timing("z", "2026-11-20T09:00:00Z")])
        .unwrap();
    let keys = |v: Vec<Occurrence>| v.into_iter().map(|o| o.occurrence_key).collect::<Vec<_>>();
    assert_eq!(keys(s.occurrences("a@x", "k1").unwrap()), ["a", "c"]);
    let from = t("2026-11-17T09:00:00Z");
    let until = t("2026-12-01T09:00:00Z");
    assert_eq!(
        keys(s.occurrences_starting_between("a@x", from, until).unwrap()),
        ["a", "x"]
    );
}
