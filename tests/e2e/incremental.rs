//! Incremental passes (issue 10 §11, issue 12 CPU): a steady pass, which works from the event
//! cache and rewrites only what changed, ends in exactly the state a pass from a cold cache
//! (every event listed and parsed again) ends in.

use super::common::*;
use oneonone::store::{Occurrence, SeriesRecord, Store};
use oneonone_sandbox::company::{ALICE, BOB};

/// Every stored series and its occurrences (timings and section states).
fn snapshot(daemon: &oneonone::daemon::Daemon) -> Vec<(SeriesRecord, Vec<Occurrence>)> {
    daemon.read_store(|s| {
        let mut all = Vec::new();
        for series in s.series_list(ALICE, None).expect("series") {
            let occ = s
                .occurrences(ALICE, &series.series_key)
                .expect("occurrences");
            all.push((series, occ));
        }
        all
    })
}

#[tokio::test]
async fn a_steady_pass_ends_where_a_pass_from_a_cold_cache_ends() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    // A moved occurrence and a one-off meeting in the mix, then two weeks of passes.
    let at = |t| google_calendar3::api::EventDateTime {
        date_time: Some(t),
        time_zone: Some(TZ.to_string()),
        ..Default::default()
    };
    let coffee = google_calendar3::api::Event {
        summary: Some("Coffee".into()),
        start: Some(at(utc(2026, 11, 30, 14, 0))),
        end: Some(at(utc(2026, 11, 30, 14, 30))),
        attendees: Some(vec![google_calendar3::api::EventAttendee {
            email: Some(BOB.into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    alice
        .calendar
        .events()
        .insert(coffee, "primary")
        .doit()
        .await
        .expect("a one-off meeting");
    co.run_until(&daemon, utc(2026, 12, 14, 12, 0)).await;
    let _ = series;

    co.reset_stats().await;
    let steady = co.pass(&daemon).await.report;
    let after_steady = snapshot(&daemon);
    assert_eq!(steady.events_synced, 0, "nothing changed in Calendar");
    assert_eq!(co.calls("docs.documents.batchUpdate").await, 0);
    drop(daemon);

    // The same moment from a cold cache: drop every cached event and the sync token.
    {
        let mut store = Store::open_in_state_dir(&co.dir.path().join("state")).expect("store");
        store.reset_calendar(ALICE, ALICE).expect("reset the cache");
    }
    co.reset_stats().await;
    let daemon = co.daemon().await;
    let cold = co.pass(&daemon).await.report;
    assert!(cold.full_sync && cold.events_synced > 0, "{cold}");
    assert_eq!(
        snapshot(&daemon),
        after_steady,
        "same series, timings and sections"
    );
    assert_eq!(
        (cold.sections_written, cold.docs_created, cold.docs_attached),
        (0, 0, 0),
        "{cold}"
    );
    assert_eq!(co.calls("docs.documents.batchUpdate").await, 0);
    assert_eq!(cold.problems, steady.problems);
}
