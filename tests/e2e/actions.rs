//! Action items: typed by a report in many shapes, harvested after the meeting, carried into
//! the next section, closed when ticked there, exported by `oneonone actions`.

use super::common::*;
use google_docs1::api::{
    DateElementProperties, InsertDateRequest, InsertPersonRequest, Location, PersonProperties,
    ReplaceAllTextRequest, Request, SubstringMatchCriteria,
};
use oneonone_sandbox::people::Person;
use serde_json::{json, Value};

/// Runs the real binary's `actions --format json` against the company's store.
pub(super) fn actions_json(co: &Company, extra: &[&str]) -> Vec<Value> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oneonone"))
        .arg("--config")
        .arg(&co.config_path)
        .args(["actions", "--format", "json"])
        .args(extra)
        .output()
        .expect("run oneonone actions");
    assert!(
        out.status.success(),
        "actions failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(v["schema"], "oneonone.actions/v1");
    v["items"].as_array().cloned().unwrap_or_default()
}

fn find<'a>(items: &'a [Value], task_start: &str) -> &'a Value {
    items
        .iter()
        .find(|i| {
            i["task"]
                .as_str()
                .is_some_and(|t| t.starts_with(task_start))
        })
        .unwrap_or_else(|| panic!("no item starting {task_start:?} in {items:#?}"))
}

/// The start index of the first paragraph whose text contains `needle`, and its end.
async fn paragraph_with(person: &Person, doc_id: &str, needle: &str) -> (i32, i32) {
    let paragraphs = person.paragraphs(doc_id).await.expect("doc");
    let found = paragraphs.iter().find(|p| p.text.contains(needle));
    let found = found.unwrap_or_else(|| panic!("no paragraph contains {needle:?}"));
    (found.start, found.end)
}

/// Bob, during the Tue 1 Dec meeting, types items in every shape.
async fn bob_types_items(bob: &Person, doc_id: &str) {
    assert!(bob
        .type_under_heading(
            doc_id,
            "Action items",
            &[
                "Bob to send the Q3 draft by Friday",
                "Alice: review the promotion packet by 15 Dec 🚀",
                "we agree on the on-call rota by 2026-12-10",
                " to update the roadmap by ",
            ],
        )
        .await
        .expect("type"));
    assert!(bob
        .type_under_heading(doc_id, "Notes", &["TODO: Bob to fix the flaky test ✅"])
        .await
        .expect("type notes"));
    // A person chip in front of "to update the roadmap", a date chip at its end.
    let (start, end) = paragraph_with(bob, doc_id, "to update the roadmap by").await;
    let date = Request {
        insert_date: Some(InsertDateRequest {
            location: Some(Location {
                index: Some(end - 1),
                ..Default::default()
            }),
            date_element_properties: Some(DateElementProperties {
                timestamp: Some(utc(2026, 12, 4, 12, 0)),
                display_text: Some("Dec 4, 2026".into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let person = Request {
        insert_person: Some(InsertPersonRequest {
            location: Some(Location {
                index: Some(start),
                ..Default::default()
            }),
            person_properties: Some(PersonProperties {
                email: Some("bob@example.com".into()),
                name: Some("Bob Okafor".into()),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    bob.edit_doc(doc_id, vec![date, person])
        .await
        .expect("chips");
}

/// The opening of the item tests: Alice's 1-1 with Bob, its doc attached and the first section
/// written (Tue 1 Dec 09:10), Bob's items typed into it.
async fn bob_typed_items_in_the_first_meeting(
) -> (Company, Person, oneonone::daemon::Daemon, String) {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    let bob = co.person("bob@example.com").await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    bob_types_items(&bob, &doc_id).await;
    (co, bob, daemon, doc_id)
}

#[tokio::test]
async fn items_are_harvested_carried_forward_closed_and_exported() {
    let (co, bob, daemon, doc_id) = bob_typed_items_in_the_first_meeting().await;

    // Meeting ends 09:30 UTC; harvest after 30 minutes.
    let report = co.run_until(&daemon, utc(2026, 12, 1, 10, 30)).await;
    assert!(report.harvests >= 1);
    let items = actions_json(&co, &[]);
    assert_eq!(items.len(), 5, "{items:#?}");
    let q3 = find(&items, "send the Q3 draft");
    assert_eq!(q3["owner"], "bob@example.com");
    assert_eq!(q3["owner_kind"], "email");
    assert_eq!(q3["due"], "2026-12-04", "Friday after Tue 1 Dec");
    assert_eq!(q3["done"], false);
    assert_eq!(q3["meeting"], "2026-12-01");
    let review = find(&items, "review the promotion packet");
    assert_eq!(review["owner"], "alice@example.com");
    assert_eq!(review["due"], "2026-12-15");
    let rota = find(&items, "agree on the on-call rota");
    assert_eq!(rota["owner_kind"], "both");
    assert_eq!(rota["due"], "2026-12-10");
    let roadmap = find(&items, "update the roadmap");
    assert_eq!(roadmap["owner"], "bob@example.com", "person chip");
    assert_eq!(roadmap["due"], "2026-12-04", "date chip");
    let flaky = find(&items, "fix the flaky test");
    assert_eq!(flaky["done"], true);
    assert_eq!(flaky["owner"], "bob@example.com");

    // Filters.
    // A person's items include the ones owned by both attendees.
    let alices = actions_json(&co, &["--person", "alice@example.com"]);
    let mut kinds: Vec<&str> = alices
        .iter()
        .filter_map(|i| i["owner_kind"].as_str())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["both", "email"], "{alices:#?}");
    let done = actions_json(&co, &["--done"]);
    assert_eq!(done.len(), 1, "{done:#?}");
    assert_eq!(actions_json(&co, &["--open"]).len(), 4);

    // Bob edits an item after the harvest: the ledger follows, without a duplicate.
    bob.edit_doc(
        &doc_id,
        vec![Request {
            replace_all_text: Some(ReplaceAllTextRequest {
                contains_text: Some(SubstringMatchCriteria {
                    text: Some("by Friday".into()),
                    match_case: Some(true),
                    ..Default::default()
                }),
                replace_text: Some("by Thursday".into()),
                ..Default::default()
            }),
            ..Default::default()
        }],
    )
    .await
    .expect("edit");
    co.run_until(&daemon, utc(2026, 12, 2, 12, 0)).await;
    let items = actions_json(&co, &[]);
    assert_eq!(items.len(), 5, "{items:#?}");
    assert_eq!(find(&items, "send the Q3 draft")["due"], "2026-12-03");

    // The next section (Tue 8 Dec, written Mon 7 Dec) carries the open items, not the done one.
    co.run_until(&daemon, utc(2026, 12, 8, 9, 5)).await;
    let text = text_of(&bob, &doc_id).await;
    let next = text.find("Tue 8 Dec 2026 · 1:1").expect("next section");
    let prev = text.find("Tue 1 Dec 2026 · 1:1").expect("previous section");
    let carried = &text[next..prev];
    assert!(carried.contains("Open action items"), "{carried}");
    assert!(carried.contains("send the Q3 draft"), "{carried}");
    assert!(!carried.contains("fix the flaky test"), "{carried}");

    // Bob ticks the carried item during the meeting; after the harvest the original is closed.
    assert!(bob
        .mark_done(&doc_id, "send the Q3 draft")
        .await
        .expect("tick"));
    co.run_until(&daemon, utc(2026, 12, 8, 10, 30)).await;
    let items = actions_json(&co, &["--done"]);
    assert!(
        items.iter().any(|i| i["task"]
            .as_str()
            .is_some_and(|t| t.starts_with("send the Q3 draft"))),
        "{items:#?}"
    );

    // A deleted store rebuilds the same ledger from the docs, without duplicates.
    let before = actions_json(&co, &[]).len();
    drop(daemon);
    co.delete_store();
    let daemon = co.daemon().await;
    co.pass(&daemon).await;
    let after = actions_json(&co, &[]);
    assert_eq!(after.len(), before, "{after:#?}");
}

/// Issue 10 §3: Bob deletes the dated heading line of a harvested section (its named range goes
/// with it) and leaves the items. The next re-harvest cannot find the section: that is reported,
/// and the ledger keeps every item instead of taking "0 items" for "all removed".
#[tokio::test]
async fn a_deleted_section_heading_keeps_the_meetings_items_and_is_reported() {
    let (co, bob, daemon, doc_id) = bob_typed_items_in_the_first_meeting().await;
    co.run_until(&daemon, utc(2026, 12, 1, 10, 30)).await;
    assert_eq!(actions_json(&co, &[]).len(), 5);

    let (start, end) = paragraph_with(&bob, &doc_id, "Tue 1 Dec 2026").await;
    bob.edit_doc(
        &doc_id,
        vec![Request {
            delete_content_range: Some(google_docs1::api::DeleteContentRangeRequest {
                range: Some(google_docs1::api::Range {
                    start_index: Some(start),
                    end_index: Some(end),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        }],
    )
    .await
    .expect("delete the heading");
    assert!(!text_of(&bob, &doc_id).await.contains("Tue 1 Dec 2026"));

    let report = co.run_until(&daemon, utc(2026, 12, 2, 12, 0)).await;
    let items = actions_json(&co, &[]);
    assert_eq!(items.len(), 5, "no item may leave the ledger: {items:#?}");
    assert_eq!(find(&items, "send the Q3 draft")["meeting"], "2026-12-01");
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("Tue 1 Dec 2026") && p.contains("heading")),
        "the missing section is reported: {:?}",
        report.problems
    );
}

/// Issue 10 §2: Drive reports the doc changed, but reading it fails (two 503s, the test
/// config's two attempts). The change list must not move forward past that change: the next
/// pass asks again, reads the doc and harvests the item Bob typed.
#[tokio::test]
async fn a_failed_re_read_keeps_the_change_for_the_next_pass() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    let bob = co.person("bob@example.com").await;
    co.run_until(&daemon, utc(2026, 12, 1, 10, 30)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    assert!(actions_json(&co, &[]).is_empty());

    bob.type_under_heading(
        &doc_id,
        "Action items",
        &["Bob to book the offsite by Friday"],
    )
    .await
    .expect("type");
    co.control
        .post(
            "_sandbox/faults",
            json!({"method": "docs.documents.get", "status": 503, "times": 2}),
        )
        .await
        .expect("fault");
    co.set_now(utc(2026, 12, 1, 11, 0)).await;
    let failed = co.pass(&daemon).await.report;
    assert!(
        failed
            .problems
            .iter()
            .any(|p| p.contains("503") || p.contains("Backend")),
        "the failed read is reported: {:?}",
        failed.problems
    );
    assert!(actions_json(&co, &[]).is_empty(), "nothing harvested yet");

    co.set_now(utc(2026, 12, 1, 11, 20)).await;
    co.pass(&daemon).await;
    let items = actions_json(&co, &[]);
    assert_eq!(items.len(), 1, "the typed item is harvested: {items:#?}");
    assert_eq!(find(&items, "book the offsite")["owner"], "bob@example.com");
}

/// Issue 10 §9: the doc is the record. Nine weeks of meetings, items typed in the first; the
/// store is deleted; the rebuild reads every dated section since the series began (not only
/// the last six weeks), so the exported ledger is the same as before.
#[tokio::test]
async fn a_deleted_store_is_rebuilt_from_every_section_of_the_doc() {
    let (co, _bob, daemon, _doc_id) = bob_typed_items_in_the_first_meeting().await;
    for week in 0..9 {
        let tuesday = utc(2026, 12, 1, 10, 30) + chrono::Duration::weeks(week);
        co.set_now(tuesday).await;
        co.pass(&daemon).await;
        co.set_now(tuesday + chrono::Duration::days(6)).await;
        co.pass(&daemon).await;
    }
    let summary = |items: Vec<Value>| {
        let mut rows: Vec<String> = items
            .iter()
            .map(|i| {
                format!(
                    "{} | {} | {} | {} | {}",
                    i["meeting"], i["task"], i["owner"], i["due"], i["done"]
                )
            })
            .collect();
        rows.sort();
        rows
    };
    let before = summary(actions_json(&co, &[]));
    assert_eq!(before.len(), 5, "{before:#?}");
    assert!(
        before.iter().all(|r| r.starts_with("\"2026-12-01\"")),
        "{before:#?}"
    );

    drop(daemon);
    co.delete_store();
    let daemon = co.daemon().await;
    co.pass(&daemon).await;
    let after = summary(actions_json(&co, &[]));
    assert_eq!(after, before, "the rebuilt ledger equals the one before");
}
