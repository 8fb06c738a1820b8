use super::*;
use crate::store::tests::{series_rec, t};
use crate::store::StoreError;

#[test]
fn upsert_is_idempotent_and_keeps_created_at() {
    let mut s = Store::open_in_memory().unwrap();
    let rec = series_rec("a@x", "k1");
    assert_eq!(s.upsert_series(&rec).unwrap(), Upserted::Inserted);
    assert_eq!(s.upsert_series(&rec).unwrap(), Upserted::Unchanged);
    // Unchanged content with a later clock does not move updated_at.
    let mut later = rec.clone();
    later.updated_at = t("2026-11-20T00:00:00Z");
    assert_eq!(s.upsert_series(&later).unwrap(), Upserted::Unchanged);
    assert_eq!(s.series("a@x", "k1").unwrap(), Some(rec.clone()));

    let mut changed = later.clone();
    changed.title = "Alice <> Bob".into();
    changed.event_ids.push("ev-k1_R20261201".into());
    changed.created_at = t("2030-01-01T00:00:00Z");
    assert_eq!(s.upsert_series(&changed).unwrap(), Upserted::Updated);
    let stored = s.series("a@x", "k1").unwrap().unwrap();
    assert_eq!(stored.created_at, rec.created_at, "created_at is kept");
    assert_eq!(stored.updated_at, later.updated_at);
    assert_eq!(stored.title, "Alice <> Bob");
    assert_eq!(stored.event_ids, ["ev-k1", "ev-k1_R20261201"]);
}

#[test]
fn every_state_roundtrips_and_list_filters_by_state() {
    let mut s = Store::open_in_memory().unwrap();
    let states = [
        SeriesState::Active,
        SeriesState::NotOneOnOne,
        SeriesState::Deleted,
    ];
    for (i, state) in states.into_iter().enumerate() {
        let mut rec = series_rec("a@x", &format!("k{i}"));
        rec.state = state;
        rec.adopted = i % 2 == 0;
        rec.other_email = None;
        s.upsert_series(&rec).unwrap();
        assert_eq!(s.series("a@x", &rec.series_key).unwrap(), Some(rec));
    }
    s.upsert_series(&series_rec("b@x", "kb")).unwrap();
    let keys = |v: Vec<SeriesRecord>| v.into_iter().map(|r| r.series_key).collect::<Vec<_>>();
    assert_eq!(
        keys(s.series_list("a@x", None).unwrap()),
        ["k0", "k1", "k2"]
    );
    assert_eq!(
        keys(s.series_list("a@x", Some(SeriesState::Active)).unwrap()),
        ["k0"]
    );
    assert_eq!(
        keys(s.series_list("a@x", Some(SeriesState::Deleted)).unwrap()),
        ["k2"]
    );
    assert_eq!(keys(s.series_list("b@x", None).unwrap()), ["kb"]);
}

#[test]
fn lookup_by_event_id_and_doc_id() {
    let mut s = Store::open_in_memory().unwrap();
    let mut rec = series_rec("a@x", "k1");
    rec.event_ids = vec!["old".into(), "old_R2026".into()];
    s.upsert_series(&rec).unwrap();
    s.upsert_series(&series_rec("a@x", "k2")).unwrap();
    let now = t("2026-11-24T09:00:00Z");
    s.set_series_doc("a@x", "k1", "doc1", "https://docs/doc1", true, now)
        .unwrap();

    let found = |r: Option<SeriesRecord>| r.map(|r| r.series_key);
    assert_eq!(
        found(s.series_for_event("a@x", "old_R2026").unwrap()).as_deref(),
        Some("k1")
    );
    assert_eq!(
        found(s.series_for_event("a@x", "ev-k2").unwrap()).as_deref(),
        Some("k2")
    );
    assert_eq!(found(s.series_for_event("a@x", "old_R").unwrap()), None);
    assert_eq!(found(s.series_for_event("b@x", "old").unwrap()), None);
    assert_eq!(
        found(s.series_for_doc("a@x", "doc1").unwrap()).as_deref(),
        Some("k1")
    );
    assert_eq!(found(s.series_for_doc("a@x", "doc2").unwrap()), None);

    let stored = s.series("a@x", "k1").unwrap().unwrap();
    assert_eq!(stored.doc_url.as_deref(), Some("https://docs/doc1"));
    assert!(stored.adopted);
    assert_eq!(stored.updated_at, now);
}

#[test]
fn setters_are_idempotent_and_report_missing_series() {
    let mut s = Store::open_in_memory().unwrap();
    s.upsert_series(&series_rec("a@x", "k1")).unwrap();
    let t1 = t("2026-11-24T09:00:00Z");
    let t2 = t("2026-11-25T09:00:00Z");
    s.set_series_state("a@x", "k1", SeriesState::NotOneOnOne, t1)
        .unwrap();
    s.set_series_state("a@x", "k1", SeriesState::NotOneOnOne, t2)
        .unwrap();
    let stored = s.series("a@x", "k1").unwrap().unwrap();
    assert_eq!(stored.state, SeriesState::NotOneOnOne);
    assert_eq!(stored.updated_at, t1, "a no-op does not touch updated_at");

    let err = s
        .set_series_state("a@x", "nope", SeriesState::Deleted, t1)
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string().contains("no series \"nope\" of a@x"),
        "{err}"
    );
    let err = s
        .set_series_doc("b@x", "k1", "d", "u", false, t1)
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

#[test]
fn a_pair_doc_is_the_oldest_series_doc_of_the_same_two_people() {
    let mut s = Store::open_in_memory().unwrap();
    let now = t("2026-11-24T09:00:00Z");
    let mut old = series_rec("a@x", "old");
    old.state = SeriesState::Deleted;
    s.upsert_series(&old).unwrap();
    let mut newer = series_rec("a@x", "newer");
    newer.created_at = t("2026-11-10T08:00:00Z");
    s.upsert_series(&newer).unwrap();
    let mut carol = series_rec("a@x", "carol");
    carol.other_email = Some("carol@x.com".into());
    s.upsert_series(&carol).unwrap();
    assert_eq!(s.pair_doc("a@x", "bob@x.com").unwrap(), None);
    s.set_series_doc("a@x", "newer", "doc2", "https://docs/doc2", false, now)
        .unwrap();
    s.set_series_doc("a@x", "old", "doc1", "https://docs/doc1", false, now)
        .unwrap();
    s.set_series_doc("a@x", "carol", "doc3", "https://docs/doc3", false, now)
        .unwrap();
    assert_eq!(
        s.pair_doc("a@x", "BOB@x.com").unwrap(),
        Some(("doc1".into(), "https://docs/doc1".into()))
    );
    assert_eq!(s.pair_doc("b@x", "bob@x.com").unwrap(), None);
}
