use super::*;
use crate::store::tests::{series_rec, t, timing};
use crate::store::StoreError;
use proptest::prelude::*;

const U: &str = "alice@x.com";

fn item(key: &str, position: u32, owner: LedgerOwner, done: bool) -> LedgerItem {
    LedgerItem {
        item_key: key.into(),
        position,
        owner,
        task: format!("task {key}"),
        due: NaiveDate::from_ymd_opt(2026, 11, 27),
        done,
        source_doc_url: "https://docs.google.com/document/d/doc1/edit".into(),
        heading_id: Some("h.abc".into()),
    }
}

fn bob() -> LedgerOwner {
    LedgerOwner::Email("bob@x.com".into())
}

/// Series k1 (alice/bob) with meetings o1 (17 Nov), o2 (24 Nov), o3 (1 Dec); series k2
/// (alice/carol) with meeting p1 (20 Nov).
fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.upsert_series(&series_rec(U, "k1")).unwrap();
    let mut k2 = series_rec(U, "k2");
    k2.other_email = Some("carol@x.com".into());
    s.upsert_series(&k2).unwrap();
    let k1 = [
        timing("o1", "2026-11-17T09:00:00Z"),
        timing("o2", "2026-11-24T09:00:00Z"),
        timing("o3", "2026-12-01T09:00:00Z"),
    ];
    s.upsert_occurrences(U, "k1", &k1).unwrap();
    s.upsert_occurrences(U, "k2", &[timing("p1", "2026-11-20T09:00:00Z")])
        .unwrap();
    s
}

fn keys(entries: &[LedgerEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("{}/{}", e.key.occurrence_key, e.key.item_key))
        .collect()
}

#[test]
fn upsert_is_idempotent_and_tracks_first_seen_updated_done_at() {
    let mut s = store();
    let (t1, t2, t3, t4) = (
        t("2026-11-24T10:30:00Z"),
        t("2026-11-24T11:00:00Z"),
        t("2026-11-25T08:00:00Z"),
        t("2026-11-26T08:00:00Z"),
    );
    let it = item("send draft", 0, bob(), false);
    assert_eq!(
        s.upsert_item(U, "k1", "o2", &it, t1).unwrap(),
        Upserted::Inserted
    );
    assert_eq!(
        s.upsert_item(U, "k1", "o2", &it, t2).unwrap(),
        Upserted::Unchanged
    );
    let all = s.ledger(&LedgerQuery::default()).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].first_seen, all[0].updated, all[0].done_at),
        (t1, t1, None)
    );
    assert_eq!(all[0].item, it);
    assert_eq!(all[0].meeting_start, t("2026-11-24T09:00:00Z"));

    let done = LedgerItem {
        done: true,
        ..it.clone()
    };
    assert_eq!(
        s.upsert_item(U, "k1", "o2", &done, t3).unwrap(),
        Upserted::Updated
    );
    assert_eq!(
        s.upsert_item(U, "k1", "o2", &done, t4).unwrap(),
        Upserted::Unchanged
    );
    let e = &s.ledger(&LedgerQuery::default()).unwrap()[0];
    assert_eq!((e.first_seen, e.updated, e.done_at), (t1, t3, Some(t3)));

    let retitled = LedgerItem {
        task: "send the Q3 draft".into(),
        ..done.clone()
    };
    s.upsert_item(U, "k1", "o2", &retitled, t4).unwrap();
    let e = &s.ledger(&LedgerQuery::default()).unwrap()[0];
    assert_eq!(
        (e.updated, e.done_at),
        (t4, Some(t3)),
        "done_at is when it became done"
    );

    s.upsert_item(U, "k1", "o2", &it, t4).unwrap();
    assert_eq!(
        s.ledger(&LedgerQuery::default()).unwrap()[0].done_at,
        None,
        "reopened"
    );
}

#[test]
fn every_owner_kind_roundtrips() {
    let mut s = store();
    let owners = [
        bob(),
        LedgerOwner::Both,
        LedgerOwner::Unassigned,
        LedgerOwner::Text("Dana".into()),
    ];
    let items: Vec<_> = owners
        .iter()
        .enumerate()
        .map(|(i, o)| item(&format!("i{i}"), i as u32, o.clone(), false))
        .collect();
    s.replace_occurrence_items(U, "k1", "o1", &items, t("2026-11-17T10:00:00Z"))
        .unwrap();
    let got: Vec<_> = s
        .ledger(&LedgerQuery::default())
        .unwrap()
        .into_iter()
        .map(|e| e.item)
        .collect();
    assert_eq!(got, items);
}

#[test]
fn items_need_their_occurrence() {
    let mut s = store();
    let now = t("2026-11-24T10:30:00Z");
    let err = s
        .upsert_item(U, "k1", "nope", &item("a", 0, bob(), false), now)
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let err = s
        .replace_occurrence_items(U, "k9", "o1", &[], now)
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    let key = ItemKey {
        user: U.into(),
        series_key: "k1".into(),
        occurrence_key: "o1".into(),
        item_key: "x".into(),
    };
    let err = s.set_item_done(&key, true, now).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

#[test]
fn replace_upserts_and_removes_what_is_gone() {
    let mut s = store();
    let now = t("2026-11-24T10:30:00Z");
    let first = [item("a", 0, bob(), false), item("b", 1, bob(), false)];
    s.replace_occurrence_items(U, "k1", "o2", &first, now)
        .unwrap();
    s.replace_occurrence_items(U, "k1", "o1", &[item("old", 0, bob(), false)], now)
        .unwrap();
    let second = [
        item("b", 0, bob(), true),
        item("c", 1, LedgerOwner::Both, false),
    ];
    let r = s
        .replace_occurrence_items(U, "k1", "o2", &second, now)
        .unwrap();
    assert_eq!(
        r,
        ReplacedItems {
            upserted: vec![Upserted::Updated, Upserted::Inserted],
            removed: 1
        }
    );
    let r = s
        .replace_occurrence_items(U, "k1", "o2", &second, now)
        .unwrap();
    assert_eq!(
        r,
        ReplacedItems {
            upserted: vec![Upserted::Unchanged; 2],
            removed: 0
        }
    );
    assert_eq!(
        keys(&s.ledger(&LedgerQuery::default()).unwrap()),
        ["o1/old", "o2/b", "o2/c"]
    );
}

#[test]
fn filters_and_order() {
    let mut s = store();
    let now = t("2026-12-01T12:00:00Z");
    s.replace_occurrence_items(
        U,
        "k1",
        "o2",
        &[
            item("z", 0, bob(), true),
            item("a", 1, LedgerOwner::Both, false),
        ],
        now,
    )
    .unwrap();
    s.replace_occurrence_items(
        U,
        "k1",
        "o1",
        &[item(
            "m",
            0,
            LedgerOwner::Email("ALICE@x.com".into()),
            false,
        )],
        now,
    )
    .unwrap();
    s.replace_occurrence_items(
        U,
        "k2",
        "p1",
        &[
            item("p", 0, LedgerOwner::Both, false),
            item("q", 1, LedgerOwner::Text("Bob".into()), false),
        ],
        now,
    )
    .unwrap();
    let q = |q: LedgerQuery| keys(&s.ledger(&q).unwrap());

    assert_eq!(
        q(LedgerQuery::default()),
        ["o1/m", "p1/p", "p1/q", "o2/z", "o2/a"]
    );
    assert_eq!(
        q(LedgerQuery {
            series_key: Some("k2".into()),
            ..Default::default()
        }),
        ["p1/p", "p1/q"]
    );
    assert_eq!(
        q(LedgerQuery {
            user: Some("someone@else".into()),
            ..Default::default()
        }),
        Vec::<String>::new()
    );
    // bob owns z, and a (both) in his series with alice; not p (both, alice/carol) nor q (text).
    assert_eq!(
        q(LedgerQuery {
            owner_email: Some("Bob@X.com".into()),
            ..Default::default()
        }),
        ["o2/z", "o2/a"]
    );
    assert_eq!(
        q(LedgerQuery {
            owner_email: Some("alice@x.com".into()),
            ..Default::default()
        }),
        ["o1/m", "p1/p", "o2/a"]
    );
    assert_eq!(
        q(LedgerQuery {
            done: DoneFilter::Done,
            ..Default::default()
        }),
        ["o2/z"]
    );
    assert_eq!(
        q(LedgerQuery {
            done: DoneFilter::Open,
            ..Default::default()
        }),
        ["o1/m", "p1/p", "p1/q", "o2/a"]
    );
    let since = Some(t("2026-11-20T09:00:00Z"));
    let until = Some(t("2026-11-24T09:00:00Z"));
    assert_eq!(
        q(LedgerQuery {
            since,
            ..Default::default()
        }),
        ["p1/p", "p1/q", "o2/z", "o2/a"]
    );
    assert_eq!(
        q(LedgerQuery {
            since,
            until,
            ..Default::default()
        }),
        ["p1/p", "p1/q"]
    );
    assert_eq!(
        q(LedgerQuery {
            item_key: Some("a".into()),
            ..Default::default()
        }),
        ["o2/a"]
    );
}

#[test]
fn carry_forward_and_mark_done_by_key() {
    let mut s = store();
    let now = t("2026-11-24T12:00:00Z");
    s.replace_occurrence_items(
        U,
        "k1",
        "o1",
        &[item("a", 0, bob(), false), item("b", 1, bob(), true)],
        now,
    )
    .unwrap();
    s.replace_occurrence_items(U, "k1", "o2", &[item("c", 0, bob(), false)], now)
        .unwrap();
    s.replace_occurrence_items(U, "k2", "p1", &[item("p", 0, bob(), false)], now)
        .unwrap();
    let o2_start = t("2026-11-24T09:00:00Z");
    let o3_start = t("2026-12-01T09:00:00Z");
    assert_eq!(
        keys(&s.open_items_before(U, "k1", o2_start).unwrap()),
        ["o1/a"]
    );
    assert_eq!(
        keys(&s.open_items_before(U, "k1", o3_start).unwrap()),
        ["o1/a", "o2/c"]
    );

    let key = ItemKey {
        user: U.into(),
        series_key: "k1".into(),
        occurrence_key: "o1".into(),
        item_key: "a".into(),
    };
    let at = t("2026-12-01T10:00:00Z");
    assert!(s.set_item_done(&key, true, at).unwrap());
    assert!(!s
        .set_item_done(&key, true, t("2026-12-02T10:00:00Z"))
        .unwrap());
    assert_eq!(
        keys(&s.open_items_before(U, "k1", o3_start).unwrap()),
        ["o2/c"]
    );
    let e = s
        .ledger(&LedgerQuery {
            item_key: Some("a".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (e[0].item.done, e[0].done_at, e[0].updated),
        (true, Some(at), at)
    );
    assert!(s.set_item_done(&key, false, at).unwrap());
    assert_eq!(
        s.ledger(&LedgerQuery {
            item_key: Some("a".into()),
            ..Default::default()
        })
        .unwrap()[0]
            .done_at,
        None
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any sequence of upserts leaves exactly one row per distinct key, holding the last write.
    #[test]
    fn repeated_upserts_never_duplicate(ops in prop::collection::vec((0usize..3, 0usize..4, any::<bool>(), 0u32..5), 1..40)) {
        let mut s = store();
        let occs = ["o1", "o2", "o3"];
        let mut last = std::collections::BTreeMap::new();
        for (i, (occ, key, done, pos)) in ops.into_iter().enumerate() {
            let it = item(&format!("k{key}"), pos, bob(), done);
            let now = t("2026-12-01T00:00:00Z") + chrono::Duration::minutes(i as i64);
            s.upsert_item(U, "k1", occs[occ], &it, now).unwrap();
            last.insert((occs[occ].to_string(), it.item_key.clone()), it);
        }
        let stored = s.ledger(&LedgerQuery::default()).unwrap();
        prop_assert_eq!(stored.len(), last.len());
        for e in stored {
            prop_assert_eq!(Some(&e.item), last.get(&(e.key.occurrence_key.clone(), e.key.item_key.clone())));
        }
    }
}
