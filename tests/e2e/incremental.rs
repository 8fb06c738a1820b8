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

/// One pass every `minutes` simulated minutes from the sandbox's now until `until`
/// (inclusive); the summed report.
async fn every(
    minutes: i64,
    co: &Company,
    daemon: &oneonone::daemon::Daemon,
    until: chrono::DateTime<chrono::Utc>,
) -> oneonone::reconcile::PassReport {
    let mut total = oneonone::reconcile::PassReport::default();
    let mut at = co.control.now().await.expect("clock");
    loop {
        co.set_now(at).await;
        total.absorb(co.pass(daemon).await.report);
        if at >= until {
            return total;
        }
        at = (at + chrono::Duration::minutes(minutes)).min(until);
    }
}

#[tokio::test]
async fn a_quiet_user_costs_one_call_per_pass_and_misses_nothing_due() {
    let (co, alice, series, daemon) = alice_and_bob("").await;
    // Mon 30 Nov 06:00 UTC: the doc is made, shared and attached; then nothing is due until the
    // section, 24 h before the meeting (Mon 09:00 UTC).
    let setup = every(15, &co, &daemon, utc(2026, 11, 30, 6, 30)).await;
    assert_eq!(setup.docs_created, 1);
    co.reset_stats().await;
    let idle = every(15, &co, &daemon, utc(2026, 11, 30, 8, 45)).await;
    // Ten passes, 06:30 to 08:45: quiet but for one whole pass an hour (the longest a quiet
    // holds), at 07:30 and 08:30.
    assert_eq!(idle.users_quiet, 8, "idle passes leave Alice quiet: {idle}");
    assert_eq!(idle.sections_written, 0);
    let calls = co.stats().await["calls"].clone();
    let total: u64 = calls
        .as_object()
        .expect("calls")
        .values()
        .filter_map(|v| v.as_u64())
        .sum();
    assert_eq!(
        (total, co.calls("calendar.events.list").await),
        (10, 10),
        "one events.list per quiet pass and nothing else: {calls}"
    );

    // The section falls due while she is quiet: it is written in the pass at its time.
    co.set_now(utc(2026, 11, 30, 9, 0)).await;
    assert_eq!(co.pass(&daemon).await.report.sections_written, 1);

    // After the meeting (ends Tue 09:30, harvested 30 min later) Bob types an item; the pass
    // that follows Drive's debounce re-harvests it, although Alice was quiet in between.
    co.set_now(utc(2026, 12, 1, 10, 0)).await;
    assert_eq!(co.pass(&daemon).await.report.harvests, 1);
    // Passes every 5 min: Drive's change list is asked every 10 min (the debounce), so every
    // other pass is quiet.
    let quiet = every(5, &co, &daemon, utc(2026, 12, 1, 10, 45)).await;
    assert!(quiet.users_quiet >= 4, "quiet after the harvest: {quiet}");
    let doc = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    let bob = co.person(BOB).await;
    assert!(bob
        .type_under_heading(&doc, "Action items", &["Bob to book the offsite by Friday"])
        .await
        .expect("type"));
    let later = every(5, &co, &daemon, utc(2026, 12, 1, 11, 0)).await;
    assert_eq!(
        later.items_harvested, 1,
        "the typed item is harvested: {later}"
    );

    // A calendar change ends the quiet at once: a cancelled meeting is seen by the next pass.
    let quiet = co.pass(&daemon).await.report;
    assert_eq!(quiet.users_quiet, 1, "{quiet}");
    alice
        .calendar
        .events()
        .delete("primary", &series)
        .doit()
        .await
        .expect("delete the series");
    let seen = co.pass(&daemon).await.report;
    assert_eq!((seen.users_quiet, seen.events_synced), (0, 1), "{seen}");
}
