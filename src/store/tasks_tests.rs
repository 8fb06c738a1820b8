use super::*;
use crate::store::tests::{series_rec, t, timing};
use crate::store::{LedgerItem, LedgerOwner, LedgerQuery};

const U: &str = "alice@x.com";

fn store_with_item() -> (Store, ItemKey) {
    let mut s = Store::open_in_memory().unwrap();
    s.upsert_series(&series_rec(U, "k1")).unwrap();
    s.upsert_occurrences(U, "k1", &[timing("o1", "2026-11-24T09:00:00Z")])
        .unwrap();
    let item = LedgerItem {
        item_key: "bob|send draft".into(),
        position: 0,
        owner: LedgerOwner::Email("bob@x.com".into()),
        task: "send draft".into(),
        due: None,
        done: false,
        source_doc_url: "https://docs.google.com/document/d/doc1/edit".into(),
        heading_id: None,
    };
    s.replace_occurrence_items(U, "k1", "o1", &[item], t("2026-11-24T10:00:00Z"))
        .unwrap();
    let key = ItemKey {
        user: U.into(),
        series_key: "k1".into(),
        occurrence_key: "o1".into(),
        item_key: "bob|send draft".into(),
    };
    (s, key)
}

fn row(key: &ItemKey, marker: &str, state: TaskRowState, id: Option<&str>) -> ActionTask {
    ActionTask {
        owner: "bob@x.com".into(),
        marker: marker.into(),
        item: key.clone(),
        position: 0,
        task_id: id.map(str::to_string),
        state,
        title: "send draft".into(),
        due: NaiveDate::from_ymd_opt(2026, 11, 27),
        attempted_at: t("2026-11-24T10:00:00Z"),
    }
}

#[test]
fn one_row_per_owner_and_marker_and_a_rebind_moves_it() {
    let (mut s, key) = store_with_item();
    let now = t("2026-11-24T10:00:00Z");
    s.put_action_task(&row(&key, "m1", TaskRowState::Inserting, None), None, now)
        .unwrap();
    s.put_action_task(&row(&key, "m1", TaskRowState::Open, Some("t1")), None, now)
        .unwrap();
    let rows = s.action_tasks("bob@x.com").unwrap();
    assert_eq!(rows, vec![row(&key, "m1", TaskRowState::Open, Some("t1"))]);
    s.put_action_task(
        &row(&key, "m2", TaskRowState::Open, Some("t1")),
        Some("m1"),
        now,
    )
    .unwrap();
    let markers: Vec<_> = s
        .action_tasks("bob@x.com")
        .unwrap()
        .into_iter()
        .map(|r| r.marker)
        .collect();
    assert_eq!(markers, ["m2"]);
    assert_eq!(s.action_tasks_of_user(U).unwrap().len(), 1);
    // The schema refuses an inserting row with an id (and an open one without).
    assert!(s
        .put_action_task(&row(&key, "m3", TaskRowState::Open, None), None, now)
        .is_err());
}

#[test]
fn a_task_list_is_remembered_and_a_new_list_forgets_the_last_read() {
    let (mut s, _) = store_with_item();
    let now = t("2026-11-24T10:00:00Z");
    assert_eq!(s.task_list(U, "bob@x.com").unwrap(), None);
    s.set_task_list(U, "bob@x.com", "1:1 action items", "L1", now)
        .unwrap();
    s.set_tasks_read(U, "bob@x.com", now).unwrap();
    assert_eq!(
        s.task_list(U, "bob@x.com").unwrap().unwrap().last_read,
        Some(now)
    );
    s.set_task_list(U, "bob@x.com", "1:1 action items", "L2", now)
        .unwrap();
    let rec = s.task_list(U, "bob@x.com").unwrap().unwrap();
    assert_eq!((rec.list_id.as_str(), rec.last_read), ("L2", None));
}

#[test]
fn an_item_closed_by_its_task_stays_closed_when_the_doc_is_harvested_again() {
    let (mut s, key) = store_with_item();
    let at = t("2026-11-25T08:00:00Z");
    assert!(s.set_item_done_by_task(&key, true, at).unwrap());
    assert!(
        !s.set_item_done_by_task(&key, true, at).unwrap(),
        "idempotent"
    );
    // The doc still shows the item open: harvesting it again must not reopen it.
    let again = LedgerItem {
        item_key: key.item_key.clone(),
        position: 0,
        owner: LedgerOwner::Email("bob@x.com".into()),
        task: "send draft".into(),
        due: None,
        done: false,
        source_doc_url: "https://docs.google.com/document/d/doc1/edit".into(),
        heading_id: None,
    };
    s.replace_occurrence_items(U, "k1", "o1", &[again], t("2026-11-25T09:00:00Z"))
        .unwrap();
    let entry = &s.ledger(&LedgerQuery::default()).unwrap()[0];
    assert!(entry.item.done && entry.done_by_task);
    assert_eq!(entry.done_at, Some(at));
    // A reopened task reopens it.
    assert!(s.set_item_done_by_task(&key, false, at).unwrap());
    let entry = &s.ledger(&LedgerQuery::default()).unwrap()[0];
    assert!(!entry.item.done && !entry.done_by_task && entry.done_at.is_none());
}
