//! Issue 12: users are reconciled concurrently, so a user whose Google calls hang holds one
//! slot of the pass, not the pass: another user's due section is written while the first is
//! still waiting for its timeout.

use crate::common::*;
use oneonone_sandbox::company::{ALICE, BOB, DAN};
use serde_json::json;
use std::time::{Duration, Instant};

/// How long each of Dan's calls hangs before its connection drops.
const HANG_MS: u64 = 3_000;

#[tokio::test]
async fn a_user_whose_calls_hang_does_not_delay_another_users_due_section() {
    // Dan comes first in the config: served one after the other, Alice would wait for him.
    let co = Company::new(&[DAN, ALICE], "").await;
    let alice = co.person(ALICE).await;
    let series = weekly_one_on_one(&alice, BOB, "Alice / Bob").await;
    // Tuesday's section is due (prepare_before = 24h) from Monday 09:00 UTC.
    co.set_now(utc(2026, 11, 30, 9, 5)).await;
    let daemon = co.daemon().await;
    co.control
        .post(
            "_sandbox/faults",
            json!({"method": "*", "kind": "timeout", "delay_ms": HANG_MS, "times": 1000, "user": DAN}),
        )
        .await
        .expect("fault accepted");

    let started = Instant::now();
    let pass = daemon.pass(None);
    tokio::pin!(pass);
    let mut written_after = None;
    while written_after.is_none() {
        tokio::select! {
            _ = &mut pass => panic!("the pass ended before Alice's section was seen"),
            _ = tokio::time::sleep(Duration::from_millis(100)) => {}
        }
        let doc = alice.attached_doc(&series).await.expect("event");
        if let Some(doc_id) = doc {
            if text_of(&alice, &doc_id)
                .await
                .contains("Tue 1 Dec 2026 · 1:1")
            {
                written_after = Some(started.elapsed());
            }
        }
    }
    let written_after = written_after.unwrap_or_default();
    assert!(
        written_after < Duration::from_millis(HANG_MS),
        "Alice's section took {written_after:?}: it waited for Dan's hanging calls"
    );
    let summary = pass.await.expect("the pass runs");
    assert_eq!(summary.failures.len(), 1, "{:?}", summary.failures);
    assert!(
        summary
            .failures
            .iter()
            .all(|f| f.contains(DAN) || f.contains("dan")),
        "{:?}",
        summary.failures
    );
    assert!(
        started.elapsed() >= Duration::from_millis(HANG_MS),
        "Dan's calls did hang"
    );
}
