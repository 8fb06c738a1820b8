//! Crashes, conflicts and Google saying no: the daemon converges without duplicates.

use super::common::*;
use serde_json::json;

#[tokio::test]
async fn a_crash_between_create_and_attach_is_recovered_without_a_second_doc() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, "bob@example.com", "Alice / Bob").await;
    // Attaching fails hard (as if the process died right after the create).
    co.control
        .post(
            "_sandbox/faults",
            json!({"method": "calendar.events.patch", "status": 500, "times": 10}),
        )
        .await
        .expect("fault");
    {
        let daemon = co.daemon().await;
        let report = co.pass(&daemon).await.report;
        assert_eq!(report.docs_created, 1);
        assert!(!report.problems.is_empty(), "the failed attach is reported");
    }
    co.control
        .delete("_sandbox/faults")
        .await
        .expect("clear faults");
    // A restart with no memory of the doc.
    co.delete_store();
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_created, 0);
    assert_eq!(report.docs_attached, 1);
    assert_eq!(docs_in_drive(&alice).await, 1, "one doc ever created");
    assert!(alice.attached_doc(&series).await.expect("event").is_some());
}

#[tokio::test]
async fn a_concurrent_edit_during_insert_is_re_read_and_re_planned() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    co.pass(&daemon).await;
    co.control
        .post(
            "_sandbox/faults",
            json!({"method": "docs.documents.batchUpdate", "kind": "revision_bump", "times": 1}),
        )
        .await
        .expect("fault");
    co.set_now(utc(2026, 11, 30, 10, 0)).await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.revision_conflicts, 1);
    assert_eq!(report.sections_written, 1);
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    assert_eq!(
        count(&text_of(&alice, &doc_id).await, "Tue 1 Dec 2026 · 1:1"),
        1
    );
}

#[tokio::test]
async fn an_expired_sync_token_means_a_full_sync_and_nothing_twice() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    let series = weekly_one_on_one(&alice, "bob@example.com", "Alice / Bob").await;
    co.set_now(utc(2026, 11, 30, 10, 0)).await;
    let daemon = co.daemon().await;
    co.pass(&daemon).await;
    co.control
        .post("_sandbox/calendar/expire-sync-tokens", json!({}))
        .await
        .expect("expire");
    let report = co.pass(&daemon).await.report;
    assert!(report.full_sync);
    assert_eq!(report.docs_created + report.sections_written, 0);
    let doc_id = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    assert_eq!(
        count(&text_of(&alice, &doc_id).await, "Tue 1 Dec 2026 · 1:1"),
        1
    );
}

#[tokio::test]
async fn rate_limits_are_retried() {
    let co = Company::new(&["alice@example.com"], "").await;
    let alice = co.person("alice@example.com").await;
    weekly_one_on_one(&alice, "bob@example.com", "Alice / Bob").await;
    co.control
        .post(
            "_sandbox/faults",
            json!({"method": "drive.files.create", "status": 429, "times": 1}),
        )
        .await
        .expect("fault");
    let daemon = co.daemon().await;
    let report = co.pass(&daemon).await.report;
    assert_eq!(report.docs_created, 1, "{:?}", report.problems);
    assert_eq!(
        co.stats().await["errors"]["drive.files.create"],
        1,
        "one refused"
    );
    assert_eq!(docs_in_drive(&alice).await, 1, "then created once");
}
