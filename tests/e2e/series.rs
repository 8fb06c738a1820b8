//! Finding 1-1 series and pairing each with exactly one doc.

use super::common::*;
use google_calendar3::api::{Event, EventAttendee};
use oneonone::daemon::Daemon;
use oneonone_sandbox::company::BOB;
use oneonone_sandbox::people::Person;

#[tokio::test]
async fn new_series_gets_one_shared_doc_attached_and_a_dated_section() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let bob = co.person("bob@example.com").await;
    let series = weekly_one_on_one(&alice, "bob@example.com", "Alice / Bob 1:1").await;
    let daemon = co.daemon().await;

    // Monday morning: the series is found, the doc created, shared and attached; Tuesday's
    // meeting is more than 24 h away, so no section yet.
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.series_found, 1);
    assert_eq!(report.docs_created, 1);
    assert_eq!(report.docs_shared, 1);
    assert_eq!(report.sections_written, 0);
    let doc_id = bob
        .attached_doc(&series)
        .await
        .expect("bob reads his event")
        .expect("doc attached, visible on Bob's copy");
    let (_, file) = alice
        .drive
        .files()
        .get(&doc_id)
        .param("fields", "id,name,parents,mimeType")
        .doit()
        .await
        .expect("alice sees the file");
    // Calendar gives only Bob's address; the directory (names.directory, on by default with
    // a service account) knows his name.
    assert_eq!(
        file.name.as_deref(),
        Some("Alice Moreau / Bob Okafor · 1:1 notes")
    );
    assert_eq!(
        file.mime_type.as_deref(),
        Some("application/vnd.google-apps.document")
    );
    let (_, perms) = alice
        .drive
        .permissions()
        .list(&doc_id)
        .param("fields", "*")
        .doit()
        .await
        .expect("permissions");
    let bob_perm = perms
        .permissions
        .unwrap_or_default()
        .into_iter()
        .find(|p| p.email_address.as_deref() == Some("bob@example.com"))
        .expect("shared with bob");
    assert_eq!(bob_perm.role.as_deref(), Some("writer"));

    // Monday 10:00 UTC is within 24 h of Tuesday 09:00 UTC: the section appears, once.
    co.run_until(&daemon, utc(2026, 11, 30, 12, 0)).await;
    let text = text_of(&bob, &doc_id).await;
    assert_eq!(count(&text, "Tue 1 Dec 2026 · 1:1"), 1, "{text}");
    assert!(text.contains("How are you?"), "{text}");
    assert!(text.contains("Action items"), "{text}");
    assert!(
        text.contains("Growth"),
        "first meeting of December carries the growth block: {text}"
    );

    // An idle poll is a single Calendar call.
    co.reset_stats().await;
    co.pass(&daemon).await;
    let stats = co.stats().await;
    let calls: u64 = stats["calls"]
        .as_object()
        .expect("calls")
        .iter()
        .filter(|(k, _)| k.as_str() != "oauth2.token")
        .map(|(_, v)| v.as_u64().unwrap_or(0))
        .sum();
    assert_eq!(calls, 1, "idle poll: {stats}");
    assert_eq!(co.calls("calendar.events.list").await, 1);
}

#[tokio::test]
async fn a_doc_people_already_attached_is_adopted_not_replaced() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, "bob@example.com", "Bob <> Alice").await;
    let doc = alice.create_doc("Our running notes").await.expect("doc");
    let doc_id = doc.document_id.expect("doc id");
    alice
        .attach_doc(&series, &doc_id, "Our running notes")
        .await
        .expect("attach");

    let daemon = co.daemon().await;
    co.set_now(utc(2026, 11, 30, 10, 0)).await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_adopted, 1);
    assert_eq!(report.docs_created, 0);
    assert_eq!(co.calls("drive.files.create").await, 0);
    assert_eq!(report.sections_written, 1);
    let text = text_of(&alice, &doc_id).await;
    assert!(text.contains("Tue 1 Dec 2026 · 1:1"), "{text}");
    // Still exactly one attachment.
    let (_, event) = alice
        .calendar
        .events()
        .get("primary", &series)
        .doit()
        .await
        .expect("event");
    assert_eq!(event.attachments.unwrap_or_default().len(), 1);
}

#[tokio::test]
async fn deleting_the_store_rebuilds_without_duplicates() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, "bob@example.com", "Alice / Bob").await;
    co.set_now(utc(2026, 11, 30, 10, 0)).await;
    {
        let daemon = co.daemon().await;
        co.pass(&daemon).await;
    }
    co.delete_store();
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_created, 0, "found again by its marker");
    assert_eq!(report.sections_written, 0, "found again by its named range");
    assert_eq!(docs_in_drive(&alice).await, 1);
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let text = text_of(&alice, &doc_id).await;
    assert_eq!(count(&text, "Tue 1 Dec 2026 · 1:1"), 1, "{text}");
    let (_, event) = alice
        .calendar
        .events()
        .get("primary", &series)
        .doit()
        .await
        .expect("event");
    assert_eq!(event.attachments.unwrap_or_default().len(), 1);
}

#[tokio::test]
async fn meetings_that_are_not_one_on_ones_are_left_alone() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let start = utc(2026, 12, 1, 9, 0);
    // Three people.
    alice
        .create_recurring(
            "Team",
            &["bob@example.com", "carol@example.com"],
            start,
            30,
            TZ,
            &["RRULE:FREQ=WEEKLY"],
        )
        .await
        .expect("team");
    // Not recurring.
    alice
        .create_recurring("One-off", &["bob@example.com"], start, 30, TZ, &[])
        .await
        .expect("single");
    // Organised by someone else (Dan) with Alice, who declined it: whoever organises a 1-1,
    // the served user must not have declined (issue 11).
    let dan = co.person("dan@example.com").await;
    let dans = dan
        .create_recurring(
            "Dan / Alice",
            &["alice@example.com"],
            start,
            30,
            TZ,
            &["RRULE:FREQ=WEEKLY"],
        )
        .await
        .expect("dan's");
    let mut attendees = dans.attendees.clone().unwrap_or_default();
    for a in &mut attendees {
        if a.email.as_deref() == Some("alice@example.com") {
            a.response_status = Some("declined".into());
        }
    }
    let decline = Event {
        attendees: Some(attendees),
        ..Default::default()
    };
    alice
        .patch_event(dans.id.as_deref().expect("id"), decline)
        .await
        .expect("alice declines");
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.series_found, 0);
    assert_eq!(co.calls("drive.files.create").await, 0);
}

#[tokio::test]
async fn sharing_outside_the_allowed_domains_is_refused_and_reported() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    weekly_one_on_one(&alice, "erin@partner.org", "Alice / Erin").await;
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_shared, 0);
    assert_eq!(co.calls("drive.permissions.create").await, 0);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("erin@partner.org") && p.contains("allowed_domains")),
        "{:?}",
        report.problems
    );
}

#[tokio::test]
async fn allowed_domains_lets_a_partner_in() {
    let co = Company::new(
        &["alice@example.com"],
        "[doc]\nallowed_domains = [\"example.com\", \"partner.org\"]\n",
    )
    .await;
    let alice = co.person("alice@example.com").await;
    weekly_one_on_one(&alice, "erin@partner.org", "Alice / Erin").await;
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_shared, 1, "{:?}", report.problems);
}

#[tokio::test]
async fn multi_user_domain_wide_delegation_serves_each_manager() {
    let co = Company::new(&["alice@example.com", "dan@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let dan = co.person("dan@example.com").await;
    let a = weekly_one_on_one(&alice, "bob@example.com", "Alice / Bob").await;
    let d = weekly_one_on_one(&dan, "carol@example.com", "Dan / Carol").await;
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.series_found, 2);
    assert_eq!(report.docs_created, 2);
    let a_doc = alice.attached_doc(&a).await.expect("event").expect("doc");
    let d_doc = dan.attached_doc(&d).await.expect("event").expect("doc");
    assert_ne!(a_doc, d_doc);
    // Each doc lives in its organizer's Drive: Dan cannot open Alice's.
    assert!(dan.get_doc(&a_doc).await.is_err());
    assert!(alice.get_doc(&a_doc).await.is_ok());
}

#[tokio::test]
async fn a_third_person_added_later_leaves_the_series_and_its_doc_alone() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    co.pass(&daemon).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let people = ["alice@example.com", "bob@example.com", "carol@example.com"]
        .iter()
        .map(|e| EventAttendee {
            email: Some(e.to_string()),
            ..Default::default()
        })
        .collect();
    alice
        .patch_event(
            &series,
            Event {
                attendees: Some(people),
                ..Default::default()
            },
        )
        .await
        .expect("add carol");
    let report = co.run_until(&daemon, utc(2026, 12, 1, 12, 0)).await;
    assert_eq!(report.sections_written, 0, "no longer a 1-1: no section");
    let text = text_of(&alice, &doc_id).await;
    assert!(!text.contains("Tue 1 Dec 2026"), "{text}");
    // The doc is kept (still readable, still attached).
    assert_eq!(
        alice.attached_doc(&series).await.expect("event"),
        Some(doc_id)
    );
}

#[tokio::test]
async fn a_series_split_by_this_and_following_keeps_its_doc() {
    split_this_and_following(true).await;
}

/// Issue 11: a split made through the API as a new user would make it — UNTIL on the old
/// master, a new master from the split date, same two people, *no attachments copied* — finds
/// the pair's doc instead of creating a second one, and carries the open items.
#[tokio::test]
async fn an_api_split_without_attachments_keeps_the_doc() {
    split_this_and_following(false).await;
}

/// Ends Alice and Bob's weekly series on Mon 14 Dec and starts a new one on Tue 15 Dec at
/// 14:00, copying the attachments as Calendar's own split does or not as an API client may.
async fn split_this_and_following(copy_attachments: bool) {
    let (co, alice, old, daemon) = alice_and_bob("").await;
    co.run_until(&daemon, utc(2026, 12, 8, 9, 10)).await;
    let doc_id = alice.attached_doc(&old).await.expect("event").expect("doc");
    let bob = co.person("bob@example.com").await;
    assert!(bob
        .type_under_heading(
            &doc_id,
            "Action items",
            &["Bob to send the budget by Friday"]
        )
        .await
        .expect("type"));

    // "This and following" from Tue 15 Dec, moved to 14:00: the old series ends, a new one
    // starts carrying the same attachments (as Calendar does when it splits a series).
    alice
        .patch_event(
            &old,
            Event {
                recurrence: Some(vec![
                    "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261214T225959Z".into()
                ]),
                ..Default::default()
            },
        )
        .await
        .expect("end the old series");
    let (_, old_event) = alice
        .calendar
        .events()
        .get("primary", &old)
        .doit()
        .await
        .expect("old");
    let start = utc(2026, 12, 15, 13, 0);
    let at = |t| google_calendar3::api::EventDateTime {
        date_time: Some(t),
        time_zone: Some(TZ.into()),
        ..Default::default()
    };
    let (_, new_series) = alice
        .calendar
        .events()
        .insert(
            Event {
                summary: old_event.summary.clone(),
                start: Some(at(start)),
                end: Some(at(start + chrono::Duration::minutes(30))),
                recurrence: Some(vec!["RRULE:FREQ=WEEKLY;BYDAY=TU".into()]),
                attendees: old_event.attendees.clone(),
                attachments: if copy_attachments {
                    old_event.attachments.clone()
                } else {
                    None
                },
                ..Default::default()
            },
            "primary",
        )
        .supports_attachments(true)
        .doit()
        .await
        .expect("new series");
    let new_id = new_series.id.expect("id");

    co.reset_stats().await;
    co.run_until(&daemon, utc(2026, 12, 15, 12, 0)).await;
    assert_eq!(
        co.stats().await["calls"]["drive.files.create"],
        serde_json::Value::Null,
        "no new doc"
    );
    assert_eq!(
        alice.attached_doc(&new_id).await.expect("event"),
        Some(doc_id.clone())
    );
    let text = text_of(&alice, &doc_id).await;
    assert!(
        text.contains("Tue 8 Dec 2026 · 1:1"),
        "old series' last meeting: {text}"
    );
    assert!(
        text.contains("Tue 15 Dec 2026 · 1:1"),
        "new series' first meeting, same doc: {text}"
    );
    assert_eq!(count(&text, "Tue 15 Dec 2026 · 1:1"), 1, "{text}");
    let newest = &text[..text.find("Tue 8 Dec 2026 · 1:1").expect("8 Dec")];
    assert!(
        newest.contains("send the budget"),
        "open item carried across the split: {newest}"
    );
    let (_, attached) = alice
        .calendar
        .events()
        .get("primary", &new_id)
        .doit()
        .await
        .expect("new");
    assert_eq!(
        attached.attachments.unwrap_or_default().len(),
        1,
        "not attached twice"
    );
}

#[tokio::test]
async fn a_deleted_series_is_left_alone_and_its_doc_kept() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    co.run_until(&daemon, utc(2026, 12, 1, 12, 0)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    alice
        .delete_event(&series)
        .await
        .expect("delete the series");
    let report = co.run_until(&daemon, utc(2026, 12, 14, 12, 0)).await;
    assert_eq!(report.series_found, 0);
    assert_eq!(report.sections_written, 0);
    let text = text_of(&alice, &doc_id).await;
    assert_eq!(
        count(&text, "· 1:1"),
        1,
        "only the section written before: {text}"
    );
}

#[tokio::test]
async fn a_series_deleted_and_recreated_continues_the_pairs_doc() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    co.run_until(&daemon, utc(2026, 12, 1, 12, 0)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let bob = co.person(BOB).await;
    assert!(bob
        .type_under_heading(&doc_id, "Notes", &["Bob wants to talk about the offsite"])
        .await
        .expect("type"));
    alice
        .delete_event(&series)
        .await
        .expect("delete the series");
    co.run_until(&daemon, utc(2026, 12, 2, 12, 0)).await;
    // The same two people, a new weekly series at a new time: the pair's doc, not a new one.
    let again = alice
        .create_recurring(
            "Alice / Bob (new time)",
            &[BOB],
            utc(2026, 12, 3, 14, 0),
            30,
            TZ,
            &["RRULE:FREQ=WEEKLY;BYDAY=TH"],
        )
        .await
        .expect("recreate the series")
        .id
        .expect("event id");
    let report = co.run_until(&daemon, utc(2026, 12, 3, 12, 0)).await;
    assert_eq!(report.docs_created, 0, "no second doc: {report}");
    assert_eq!(
        alice.attached_doc(&again).await.expect("event").as_deref(),
        Some(doc_id.as_str()),
        "the recreated series carries the pair's doc"
    );
    assert_eq!(docs_in_drive(&alice).await, 1);
    let text = text_of(&alice, &doc_id).await;
    assert!(
        text.contains("Bob wants to talk about the offsite"),
        "history kept: {text}"
    );
    assert_eq!(
        count(&text, "· 1:1"),
        2,
        "one new section above the old: {text}"
    );
}

/// Issue 11: the recreated series carries the open items of the deleted one: the ledger follows
/// the doc, not the series id.
#[tokio::test]
async fn a_recreated_series_carries_the_open_items_of_the_deleted_one() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    co.run_until(&daemon, utc(2026, 12, 1, 9, 10)).await;
    let doc_id = doc_of(&alice, &series).await;
    let bob = co.person(BOB).await;
    assert!(bob
        .type_under_heading(
            &doc_id,
            "Action items",
            &["Bob to book the offsite venue by 18 Dec"]
        )
        .await
        .expect("type"));
    let report = co.run_until(&daemon, utc(2026, 12, 1, 12, 0)).await;
    assert!(report.items_harvested >= 1, "{report}");
    let again =
        delete_and_recreate_on_fridays(&co, &alice, &daemon, &series, "Alice & Bob weekly").await;
    let report = co.run_until(&daemon, utc(2026, 12, 3, 12, 0)).await;
    assert_eq!(report.docs_created, 0, "{report}");
    assert_eq!(
        alice.attached_doc(&again).await.expect("event").as_deref(),
        Some(doc_id.as_str())
    );
    let text = text_of(&alice, &doc_id).await;
    let newest = &text[..text.find("Tue 1 Dec 2026").expect("old section")];
    assert!(newest.contains("Fri 4 Dec 2026 · 1:1"), "{text}");
    assert!(
        newest.contains("book the offsite venue"),
        "the open item carried into the recreated series' section: {newest}"
    );
}

/// Issue 11: a weekly 1-1 and a monthly career chat of the same two people share one doc, and
/// each section's heading names its meeting.
#[tokio::test]
async fn two_series_of_one_pair_share_one_doc_and_name_their_meetings() {
    let (co, alice, weekly, daemon) = alice_and_bob("").await;
    let monthly = alice
        .create_recurring(
            "Career chat",
            &[BOB],
            utc(2026, 12, 2, 15, 0),
            45,
            TZ,
            &["RRULE:FREQ=MONTHLY;BYDAY=1WE"],
        )
        .await
        .expect("monthly")
        .id
        .expect("id");
    let report = co.run_until(&daemon, utc(2026, 12, 2, 12, 0)).await;
    assert_eq!(report.docs_created, 1, "one doc for the pair: {report}");
    let doc_id = doc_of(&alice, &weekly).await;
    assert_eq!(
        doc_of(&alice, &monthly).await,
        doc_id,
        "the career chat shares the pair's doc"
    );
    assert_eq!(docs_in_drive(&alice).await, 1);
    let text = text_of(&alice, &doc_id).await;
    assert_eq!(count(&text, "Wed 2 Dec 2026 · Career chat"), 1, "{text}");
    assert_eq!(count(&text, "Tue 1 Dec 2026 · Alice / Bob"), 1, "{text}");
    assert_eq!(count(&text, "· 1:1"), 0, "{text}");
}

/// Issue 11: `doc.per = "series"` keeps the old behaviour: a recreated series gets a doc of its
/// own.
#[tokio::test]
async fn doc_per_series_gives_a_recreated_series_its_own_doc() {
    let (co, alice, series, daemon) = alice_and_bob("[doc]\nper = \"series\"\n").await;
    co.run_until(&daemon, utc(2026, 12, 1, 12, 0)).await;
    let first = doc_of(&alice, &series).await;
    let again = delete_and_recreate_on_fridays(&co, &alice, &daemon, &series, "Alice / Bob").await;
    let report = co.run_until(&daemon, utc(2026, 12, 3, 12, 0)).await;
    assert_eq!(report.docs_created, 1, "{report}");
    let second = doc_of(&alice, &again).await;
    assert_ne!(first, second);
    assert_eq!(docs_in_drive(&alice).await, 2);
}

/// Alice deletes `series` on Tue 1 Dec after the meeting's harvest and, a day later, creates
/// a new weekly series with Bob on Fridays (titled `title`, from Fri 4 Dec); its event id.
async fn delete_and_recreate_on_fridays(
    co: &Company,
    alice: &Person,
    daemon: &Daemon,
    series: &str,
    title: &str,
) -> String {
    alice.delete_event(series).await.expect("delete");
    co.run_until(daemon, utc(2026, 12, 2, 9, 0)).await;
    alice
        .create_recurring(
            title,
            &[BOB],
            utc(2026, 12, 4, 9, 0),
            30,
            TZ,
            &["RRULE:FREQ=WEEKLY;BYDAY=FR"],
        )
        .await
        .expect("recreate")
        .id
        .expect("id")
}
