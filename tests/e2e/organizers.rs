//! 1-1s whoever organises them (issue 11): a report's invite is served for the manager, the
//! doc attached as the organizer under domain-wide delegation, or as the guest when the event
//! lets guests modify it, or created and reported when neither is possible; and when both
//! people are served, one pass acts.

use super::common::*;
use google_calendar3::api::Event;
use oneonone_sandbox::company::{ALICE, BOB, ERIN};
use oneonone_sandbox::people::Person;

/// `organizer`'s weekly Tuesday 10:00 (Berlin) 1:1 with `other`, from Tue 1 Dec 2026.
async fn series_by(organizer: &Person, other: &str, title: &str) -> String {
    weekly_one_on_one(organizer, other, title).await
}

/// The one doc in `person`'s Drive: (id, name).
async fn only_doc(person: &Person) -> (String, String) {
    let (_, list) = person
        .drive
        .files()
        .list()
        .q("mimeType = 'application/vnd.google-apps.document' and trashed = false")
        .param("fields", "files(id,name)")
        .doit()
        .await
        .expect("files.list");
    let files = list.files.unwrap_or_default();
    assert_eq!(files.len(), 1, "exactly one doc: {files:?}");
    let f = &files[0];
    (
        f.id.clone().expect("id"),
        f.name.clone().unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_one_on_one_the_report_organises_is_served_for_the_manager_as_the_organizer() {
    let co = Company::new(&[ALICE], "").await;
    let alice = co.person(ALICE).await;
    let bob = co.person(BOB).await;
    let series = series_by(&bob, ALICE, "Bob / Alice 1:1").await;
    let daemon = co.daemon().await;

    let report = co.pass(&daemon).await.report;
    assert_eq!(report.series_found, 1, "{report:?}");
    assert_eq!(report.docs_created, 1);
    assert_eq!(report.docs_shared, 1);
    assert_eq!(report.docs_attached, 1);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // The doc lives in the served manager's Drive and is written on the organizer's copy
    // (Bob's), which Google copies to Alice's.
    let (doc_id, name) = only_doc(&alice).await;
    assert_eq!(
        name, "Alice Moreau / Bob Okafor · 1:1 notes",
        "directory names"
    );
    let on_bobs = bob.attached_doc(&series).await.expect("event");
    assert_eq!(
        on_bobs.as_deref(),
        Some(doc_id.as_str()),
        "on the organizer's copy"
    );
    let on_alices = alice.attached_doc(&series).await.expect("event");
    assert_eq!(on_alices.as_deref(), Some(doc_id.as_str()));
    assert!(bob.get_doc(&doc_id).await.is_ok(), "shared with Bob");

    // The section is prepared as for any 1-1, and nothing is attached twice.
    co.run_until(&daemon, utc(2026, 11, 30, 12, 0)).await;
    let text = text_of(&bob, &doc_id).await;
    assert_eq!(count(&text, "Tue 1 Dec 2026 · 1:1"), 1, "{text}");
    let (_, event) = bob
        .calendar
        .events()
        .get("primary", &series)
        .doit()
        .await
        .expect("event");
    assert_eq!(event.attachments.unwrap_or_default().len(), 1);
}

#[tokio::test]
async fn a_one_on_one_that_cannot_be_attached_is_created_prepared_and_reported_once() {
    let co = Company::new(
        &[ALICE],
        "[doc]\nallowed_domains = [\"example.com\", \"partner.org\"]\n",
    )
    .await;
    let alice = co.person(ALICE).await;
    let erin = co.person(ERIN).await;
    // Erin is outside the domain (no delegation covers her) and lets no guest modify it.
    let series = series_by(&erin, ALICE, "Erin / Alice").await;
    let daemon = co.daemon().await;

    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_created, 1);
    assert_eq!(report.docs_shared, 1);
    assert_eq!(report.docs_attached, 0);
    let (doc_id, _) = only_doc(&alice).await;
    let said: Vec<&String> = report
        .problems
        .iter()
        .filter(|p| p.contains("not attached"))
        .collect();
    assert_eq!(said.len(), 1, "{:?}", report.problems);
    assert!(
        said[0].contains(ERIN) && said[0].contains("outside"),
        "{}",
        said[0]
    );
    assert!(
        said[0].contains(&doc_id),
        "the link to attach by hand: {}",
        said[0]
    );
    assert_eq!(erin.attached_doc(&series).await.expect("event"), None);
    assert_eq!(alice.attached_doc(&series).await.expect("event"), None);
    assert_eq!(
        co.calls("calendar.events.patch").await,
        0,
        "nothing is tried"
    );

    // Not repeated every pass, and the doc is prepared all the same.
    let later = co.run_until(&daemon, utc(2026, 11, 30, 12, 0)).await;
    assert!(
        !later.problems.iter().any(|p| p.contains("not attached")),
        "{:?}",
        later.problems
    );
    let text = text_of(&erin, &doc_id).await;
    assert_eq!(count(&text, "Tue 1 Dec 2026 · 1:1"), 1, "{text}");
}

#[tokio::test]
async fn a_guest_attaches_when_the_event_lets_guests_modify_it() {
    let co = Company::new(
        &[ALICE],
        "[doc]\nallowed_domains = [\"example.com\", \"partner.org\"]\n",
    )
    .await;
    let erin = co.person(ERIN).await;
    let series = series_by(&erin, ALICE, "Erin / Alice").await;
    let patch = Event {
        guests_can_modify: Some(true),
        ..Default::default()
    };
    erin.patch_event(&series, patch)
        .await
        .expect("guests may modify");
    let daemon = co.daemon().await;

    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_attached, 1, "{:?}", report.problems);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let on_erins = erin.attached_doc(&series).await.expect("event");
    assert!(
        on_erins.is_some(),
        "Google carried the guest's change to the organizer"
    );
}

#[tokio::test]
async fn when_both_people_are_served_nothing_happens_twice() {
    let co = Company::new(&[ALICE, BOB], "").await;
    let alice = co.person(ALICE).await;
    let bob = co.person(BOB).await;
    let series = series_by(&bob, ALICE, "Bob / Alice").await;
    let daemon = co.daemon().await;

    let report = co.run_until(&daemon, utc(2026, 12, 8, 12, 0)).await;
    assert_eq!(report.docs_created, 1, "{report:?}");
    assert_eq!(report.docs_attached, 1);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // The organizer's pass acted: the doc is in Bob's Drive, Alice sees it shared.
    let (doc_id, _) = only_doc(&bob).await;
    assert_eq!(
        alice.attached_doc(&series).await.expect("event").as_deref(),
        Some(doc_id.as_str())
    );
    let text = text_of(&alice, &doc_id).await;
    assert_eq!(count(&text, "Tue 1 Dec 2026 · 1:1"), 1, "{text}");
    assert_eq!(count(&text, "Tue 8 Dec 2026 · 1:1"), 1, "{text}");
    assert_eq!(
        co.calls("drive.files.create").await,
        2,
        "one folder, one doc"
    );
}
