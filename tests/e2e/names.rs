//! Names people recognise (issue 11): display names from the Workspace directory (People API
//! through the real `google-people1` crate, on the sandbox's directory), used in doc titles,
//! sections and owners; Calendar's name and the address as fallbacks.

use super::actions::actions_json;
use super::common::*;
use oneonone_sandbox::company::{ALICE, BOB};
use serde_json::json;

/// The name of the doc attached to `series`, as Alice's Drive shows it.
async fn doc_name(co: &Company, series: &str) -> (String, String) {
    let alice = co.person(ALICE).await;
    let id = alice
        .attached_doc(series)
        .await
        .expect("event")
        .expect("doc attached");
    let (_, file) = alice
        .drive
        .files()
        .get(&id)
        .param("fields", "id,name")
        .doit()
        .await
        .expect("files.get");
    (id, file.name.unwrap_or_default())
}

/// Alice renames the series, so the next pass syncs a change and looks at it again (a user
/// whose calendar did not change is left quiet and would ask nothing anyway).
async fn retitle(co: &Company, series: &str) {
    let alice = co.person(ALICE).await;
    let patch = google_calendar3::api::Event {
        summary: Some("Alice / Bob 1:1".into()),
        ..Default::default()
    };
    alice.patch_event(series, patch).await.expect("retitle");
}

#[tokio::test]
async fn doc_titles_and_owners_use_directory_names() {
    let (co, _alice, series, daemon) = alice_and_bob("").await;
    let bob = co.person(BOB).await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let (doc_id, name) = doc_name(&co, &series).await;
    // Calendar gave only Bob's address; the directory knows him as Bob Okafor.
    assert_eq!(name, "Alice Moreau / Bob Okafor · 1:1 notes");
    assert!(bob
        .type_under_heading(
            &doc_id,
            "Action items",
            &[
                "B. Okafor to send the Q3 draft by Friday",
                "Okafor: book the offsite",
                "Alice Moreau to review the packet",
            ],
        )
        .await
        .expect("type"));
    co.run_until(&daemon, utc(2026, 12, 1, 10, 30)).await;
    let items = actions_json(&co, &[]);
    let owner = |task: &str| {
        items
            .iter()
            .find(|i| i["task"].as_str().is_some_and(|t| t.starts_with(task)))
            .map(|i| i["owner"].clone())
            .unwrap_or_else(|| panic!("no item {task:?} in {items:#?}"))
    };
    assert_eq!(owner("send the Q3 draft"), json!(BOB));
    assert_eq!(owner("book the offsite"), json!(BOB));
    assert_eq!(owner("review the packet"), json!(ALICE));
    // What people typed stays as they typed it; the next section carries the open items
    // under the directory's name.
    co.run_until(&daemon, utc(2026, 12, 7, 12, 0)).await;
    let text = text_of(&bob, &doc_id).await;
    assert!(
        text.contains("B. Okafor to send the Q3 draft by Friday"),
        "{text}"
    );
    let next = &text[..text.find("Tue 1 Dec 2026").expect("first section")];
    assert!(next.contains("Tue 8 Dec 2026"), "{text}");
    assert!(
        next.contains("Bob Okafor"),
        "carried under the directory name: {next}"
    );

    // One directory call per person, then the cache: a pass that looks at the series again
    // (the event changed) asks the directory nothing.
    retitle(&co, &series).await;
    co.reset_stats().await;
    co.pass(&daemon).await;
    assert!(co.calls("calendar.events.list").await >= 1);
    assert_eq!(co.calls("people.people.searchDirectoryPeople").await, 0);
}

#[tokio::test]
async fn without_the_directory_names_fall_back_to_calendar_and_the_address() {
    let (co, _alice, series, daemon) = alice_and_bob("[names]\ndirectory = false\n").await;
    co.pass(&daemon).await;
    let (_, name) = doc_name(&co, &series).await;
    assert_eq!(name, "Alice Moreau / Bob · 1:1 notes");
    assert_eq!(co.calls("people.people.searchDirectoryPeople").await, 0);
}

#[tokio::test]
async fn a_refused_directory_falls_back_and_is_not_asked_every_pass() {
    let co = Company::new(&[ALICE], "").await;
    let alice = co.person(ALICE).await;
    let series = weekly_one_on_one(&alice, BOB, "Alice / Bob").await;
    co.control
        .post(
            "_sandbox/faults",
            json!({"method": "people.people.searchDirectoryPeople", "status": 403,
                   "reason": "forbidden", "times": 100}),
        )
        .await
        .expect("fault");
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let (_, name) = doc_name(&co, &series).await;
    assert_eq!(name, "Alice Moreau / Bob · 1:1 notes");
    let asked = co.calls("people.people.searchDirectoryPeople").await;
    assert!(asked >= 1);
    co.control
        .advance(chrono::Duration::hours(1))
        .await
        .expect("advance");
    retitle(&co, &series).await;
    co.pass(&daemon).await;
    assert_eq!(
        co.calls("people.people.searchDirectoryPeople").await,
        asked,
        "the refusal is remembered for names.refresh"
    );
}
