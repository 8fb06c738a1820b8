//! The dated sections: newest first, one per occurrence, never touching what people wrote.

use super::common::*;
use chrono::Duration;
use google_calendar3::api::{Event, EventDateTime};

#[tokio::test]
async fn sections_follow_the_calendar_newest_first_skipping_cancelled_and_dating_moved_ones() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, "bob@example.com", "Alice / Bob").await;
    // Cancel Tue 8 Dec; move Tue 15 Dec to Thu 17 Dec 16:00 Berlin.
    alice
        .delete_event(&format!("{series}_20261208T090000Z"))
        .await
        .expect("cancel");
    let moved = utc(2026, 12, 17, 15, 0);
    let at = |t| EventDateTime {
        date_time: Some(t),
        time_zone: Some(TZ.into()),
        ..Default::default()
    };
    alice
        .patch_event(
            &format!("{series}_20261215T090000Z"),
            Event {
                start: Some(at(moved)),
                end: Some(at(moved + Duration::minutes(30))),
                ..Default::default()
            },
        )
        .await
        .expect("move");
    let daemon = co.daemon().await;
    co.run_until(&daemon, utc(2026, 12, 21, 12, 0)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let text = text_of(&alice, &doc_id).await;
    assert!(
        !text.contains("Tue 8 Dec 2026"),
        "cancelled occurrence got a section: {text}"
    );
    assert!(
        !text.contains("Tue 15 Dec 2026"),
        "moved occurrence dated by its old day: {text}"
    );
    let first = text.find("Tue 1 Dec 2026 · 1:1").expect("1 Dec section");
    let moved_at = text
        .find("Thu 17 Dec 2026 · 1:1")
        .expect("moved section dated 17 Dec");
    let next = text
        .find("Tue 22 Dec 2026 · 1:1")
        .expect("22 Dec section (prepared 24 h before)");
    assert!(next < moved_at && moved_at < first, "newest first: {text}");
    assert_eq!(
        count(&text, "Growth"),
        1,
        "growth only in the first meeting of the month: {text}"
    );
}

#[tokio::test]
async fn what_people_write_around_the_sections_is_preserved_byte_for_byte() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    let bob = co.person("bob@example.com").await;
    co.run_until(&daemon, utc(2026, 11, 30, 12, 0)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");

    // Bob writes a note at the very top (above the dated sections) with emoji and combining
    // marks, and a line inside the section.
    let top = "Ground rules 🙂: agenda owned by Bob; café ☕ talk allowed.\n";
    bob.type_at(&doc_id, 1, top).await.expect("bob writes");
    assert!(bob
        .type_under_heading(&doc_id, "Notes", &["Bob: 👩🏽‍💻 shipped the migration"])
        .await
        .expect("type"));
    let before = text_of(&bob, &doc_id).await;

    // A week later the next section goes in between the top note and last week's section.
    co.run_until(&daemon, utc(2026, 12, 7, 12, 0)).await;
    let after = text_of(&bob, &doc_id).await;
    assert!(after.starts_with(top), "top note moved or changed: {after}");
    let new_section = after.find("Tue 8 Dec 2026 · 1:1").expect("new section");
    let old_section = after.find("Tue 1 Dec 2026 · 1:1").expect("old section");
    assert!(new_section < old_section);
    let old_part_before = &before[before.find("Tue 1 Dec 2026 · 1:1").expect("old")..];
    let old_part_after = &after[old_section..];
    assert_eq!(
        old_part_before, old_part_after,
        "last week's section changed"
    );
}

#[tokio::test]
async fn a_renamed_heading_is_still_recognised_by_its_named_range() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, "bob@example.com", "Alice / Bob").await;
    co.set_now(utc(2026, 11, 30, 10, 0)).await;
    let daemon = co.daemon().await;
    co.pass(&daemon).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let heading_start = alice
        .paragraphs(&doc_id)
        .await
        .expect("doc")
        .iter()
        .find(|p| p.text.contains("Tue 1 Dec 2026"))
        .expect("heading")
        .start;
    // Alice renames the heading by typing in front of it.
    alice
        .type_at(&doc_id, heading_start, "Kick-off! ")
        .await
        .expect("rename");
    co.delete_store();
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.sections_written, 0);
    let text = text_of(&alice, &doc_id).await;
    assert_eq!(count(&text, "Tue 1 Dec 2026 · 1:1"), 1, "{text}");
}

#[tokio::test]
async fn growth_never_leaves_the_growth_block_out() {
    let (co, alice, series, daemon) = alice_and_bob("[doc]\ngrowth = \"never\"\n").await;
    co.run_until(&daemon, utc(2026, 11, 30, 12, 0)).await;
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let text = text_of(&alice, &doc_id).await;
    assert!(text.contains("Tue 1 Dec 2026 · 1:1"), "{text}");
    assert!(!text.contains("Growth"), "{text}");
}
