//! `oneonone run`'s HTTP listener (issue 12), through the real binary against the sandbox:
//! `/healthz`, `/readyz` (503 before the first sync, 200 after), and `/metrics`, which must parse
//! as Prometheus (OpenMetrics) text and count what the passes did.

#[allow(dead_code)] // shared with tests/cli.rs, which uses all of it
mod cli_support;
#[path = "support/openmetrics.rs"]
mod openmetrics;
#[path = "support/running.rs"]
mod running;

use cli_support::*;
use oneonone_sandbox::company::{ALICE, BOB, CAROL};
use running::Running;

fn monday_after_prepare() -> chrono::DateTime<chrono::Utc> {
    utc(2026, 11, 30, 10, 0)
}

/// The first pass fails (both attempts of Alice's calendar sync answer 503), so nobody has
/// synced: `/healthz` is 200 and `/readyz` 503 with the reason. After the back-off the next pass
/// syncs and attaches the doc: `/readyz` is 200 and `/metrics` counts the failed and the good
/// calls by method and status, the passes, the doc created and the user's sync age. SIGTERM
/// stops the listener with the loop.
#[tokio::test]
async fn run_serves_health_readiness_and_metrics_that_count_the_passes() {
    let w = World::new(&[ALICE], monday_after_prepare(), "poll_interval = \"1s\"").await;
    let alice = w.person(ALICE).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    w.control
        .post(
            "_sandbox/faults",
            serde_json::json!({"method": "calendar.events.list", "status": 503, "times": 2}),
        )
        .await
        .expect("fault");
    let mut run = Running::start(&w).await;
    let base = run.http_base().await;
    let http = reqwest::Client::new();

    let health = http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.expect("body"), "ok\n");

    run.wait_for_line(|l| l.contains("pass done") && l.contains("failures=1"))
        .await;
    let ready = http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 503, "no user has synced yet");
    let body: serde_json::Value = ready.json().await.expect("JSON reason");
    assert_eq!(body["status"], "not ready");
    assert!(
        body["reason"]
            .as_str()
            .is_some_and(|r| r.contains("no user has synced yet")),
        "{body}"
    );

    // Past Alice's back-off on the sandbox clock: the next pass serves her.
    w.control
        .set_now(monday_after_prepare() + chrono::Duration::minutes(5))
        .await
        .expect("clock");
    run.wait_for_line(|l| l.contains("pass done") && l.contains("failures=0"))
        .await;
    assert!(alice.attached_doc(&series).await.expect("event").is_some());
    let ready = http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.expect("JSON");
    assert_eq!(body["status"], "ready");
    assert!(body["last_sync_age_seconds"].as_f64().is_some(), "{body}");

    let scrape = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(scrape.status(), 200);
    let content_type = scrape.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = scrape.text().await.expect("body");
    let m = openmetrics::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let events_list = "method=\"calendar.events.list\"";
    assert_eq!(
        m.value(&format!(
            "oneonone_google_requests_total{{{events_list},status=\"503\"}}"
        )),
        Some(2.0),
        "both failed attempts"
    );
    assert!(
        m.value(&format!(
            "oneonone_google_requests_total{{{events_list},status=\"200\"}}"
        ))
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert_eq!(
        m.value(&format!(
            "oneonone_google_errors_total{{{events_list},kind=\"transient\"}}"
        )),
        Some(2.0)
    );
    assert!(
        m.value(&format!(
            "oneonone_google_retry_wait_seconds_total{{{events_list}}}"
        ))
        .is_some_and(|s| s > 0.0),
        "the retry waited: {text}"
    );
    assert!(
        m.value("oneonone_google_requests_total{method=\"drive.files.create\",status=\"200\"}")
            .is_some_and(|n| n >= 1.0),
        "the doc (and its folder) created: {text}"
    );
    assert!(m.value("oneonone_passes_total").is_some_and(|n| n >= 2.0));
    assert!(m
        .value("oneonone_pass_duration_seconds_count")
        .is_some_and(|n| n >= 2.0));
    assert_eq!(m.value("oneonone_docs_created_total"), Some(1.0));
    assert_eq!(m.value("oneonone_docs_attached_total"), Some(1.0));
    assert_eq!(
        m.value("oneonone_user_passes_total{outcome=\"failed\"}"),
        Some(1.0)
    );
    assert_eq!(m.value("oneonone_users_served"), Some(1.0));
    let age = m
        .value("oneonone_user_last_sync_age_seconds{user=\"alice@example.com\"}")
        .expect("Alice's sync age");
    assert!(age >= 0.0, "{age}");
    assert!(m
        .value("oneonone_step_duration_seconds_count{step=\"calendar_sync\"}")
        .is_some_and(|n| n >= 1.0));
    assert_eq!(
        m.family_type("oneonone_google_request_duration_seconds"),
        Some("histogram")
    );
    // Quota headroom: the configured budget and what the project used of it in the last minute.
    assert_eq!(
        m.value("oneonone_google_quota_limit_per_minute{api=\"calendar\"}"),
        Some(10_000.0)
    );
    assert!(
        m.value("oneonone_google_quota_requests_last_minute{api=\"calendar\"}")
            .is_some_and(|n| n >= 2.0),
        "the syncs are counted against the budget: {text}"
    );

    let stderr = run.stop().await;
    assert!(
        stderr.iter().any(|l| l.contains("stopped cleanly")),
        "{stderr:#?}"
    );
    assert!(
        http.get(format!("{base}/healthz")).send().await.is_err(),
        "the listener stopped with the loop"
    );
}

/// `http.enabled = false`: `run` binds nothing and says nothing about listening; a taken port
/// fails the start naming `http.listen`.
#[tokio::test]
async fn run_without_the_listener_and_with_a_taken_port() {
    let w = World::new(&[ALICE], monday_after_prepare(), "").await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    // The test config's own `[http]` comes first; a second table would be a TOML error, so the
    // config is rewritten with the keys replaced.
    let config = std::fs::read_to_string(&w.config_path).expect("config");
    let with_port = config.replace(
        "listen = \"127.0.0.1:0\"",
        &format!("listen = \"127.0.0.1:{port}\""),
    );
    assert_ne!(config, with_port, "the test config has an [http] listen");
    std::fs::write(&w.config_path, &with_port).expect("write");
    let out = w.cli(&["run"]).await;
    out.expect_code(1);
    assert!(
        out.stderr.contains("http.listen") && out.stderr.contains(&port.to_string()),
        "{}",
        out.stderr
    );
    drop(taken);

    let off = config.replace("listen = \"127.0.0.1:0\"", "enabled = false");
    std::fs::write(&w.config_path, off).expect("write");
    let mut run = Running::start(&w).await;
    run.wait_for_line(|l| l.contains("pass done")).await;
    let stderr = run.stop().await;
    assert!(
        !stderr.iter().any(|l| l.contains("http listening")),
        "{stderr:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// push

/// A world whose `run` listens on a fixed free loopback port and asks Google (the sandbox) to
/// push to it; `daemon_keys` go into `[daemon]`. Returns the world and the listener's base URL.
async fn push_world(daemon_keys: &str, fallback_poll: &str) -> (World, String) {
    push_world_for(&[ALICE], daemon_keys, fallback_poll).await
}

/// [`push_world`] serving `served`.
async fn push_world_for(
    served: &[&str],
    daemon_keys: &str,
    fallback_poll: &str,
) -> (World, String) {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        probe.local_addr().expect("addr").port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let extra = format!(
        "{daemon_keys}\n[push]\naddress = \"{base}\"\nfallback_poll = \"{fallback_poll}\"\n"
    );
    let w = World::new(served, monday_after_prepare(), &extra).await;
    point_at_port(&w, port);
    (w, base)
}

/// Rewrites the world's config so the listener binds `port`.
fn point_at_port(w: &World, port: u16) {
    let config = std::fs::read_to_string(&w.config_path).expect("config");
    let fixed = config.replace(
        "listen = \"127.0.0.1:0\"",
        &format!("listen = \"127.0.0.1:{port}\""),
    );
    std::fs::write(&w.config_path, fixed).expect("write");
}

/// The push channels the daemon keeps in its store, read beside the running daemon.
fn stored_channels(w: &World) -> Vec<oneonone::store::PushChannel> {
    oneonone::store::Store::open_reader_in_state_dir(&w.state_dir())
        .expect("open the store")
        .push_channels()
        .expect("channels")
}

/// One scrape of `/metrics`, parsed.
async fn scrape(base: &str) -> openmetrics::Exposition {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("body");
    openmetrics::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Waits (bounded) until `alice`'s series has a doc attached.
async fn attached_soon(alice: &oneonone_sandbox::people::Person, series: &str) -> bool {
    for _ in 0..300 {
        if alice.attached_doc(series).await.expect("event").is_some() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

/// Push end to end: `run` opens one `events.watch` channel for Alice; a 1-1 created after the
/// first pass gets its doc attached although the loop sleeps for the 30-minute fallback poll,
/// because the sandbox's notification woke it. Forged notifications (wrong token, no token,
/// unknown channel) are refused with 403/401 and change nothing.
#[tokio::test]
async fn a_push_notification_syncs_the_user_without_waiting_for_a_poll() {
    let (w, base) = push_world("", "30m").await;
    let alice = w.person(ALICE).await;
    let mut run = Running::start(&w).await;
    run.wait_for_line(|l| l.contains("push channel open")).await;
    run.wait_for_line(|l| l.contains("pass done")).await;
    // The channel's first message (`sync`) asks for a sync of Alice: a second pass.
    run.wait_for_line(|l| l.contains("pass done")).await;
    assert_eq!(w.calls("calendar.events.watch").await, 1);
    assert_eq!(w.calls("drive.changes.watch").await, 1);
    let channels = stored_channels(&w);
    assert_eq!(channels.len(), 2, "one calendar, one Drive: {channels:?}");
    let channel = channels
        .iter()
        .find(|c| c.resource == "calendar")
        .expect("calendar channel");
    assert_eq!(channel.user, ALICE);
    assert_eq!(channel.token.len(), 64, "a long random secret");

    // Forged notifications: refused, and nothing is synced.
    let http = reqwest::Client::new();
    let m = scrape(&base).await;
    let passes = m.value("oneonone_passes_total");
    let lists = w.calls("calendar.events.list").await;
    let forge = |id: &str, token: Option<&str>| {
        let mut req = http
            .post(format!("{base}/notify"))
            .header("X-Goog-Channel-ID", id)
            .header("X-Goog-Resource-State", "exists")
            .header("X-Goog-Resource-ID", &channel.resource_id)
            .header("X-Goog-Message-Number", "99");
        if let Some(t) = token {
            req = req.header("X-Goog-Channel-Token", t);
        }
        req.send()
    };
    let wrong = "0".repeat(64);
    assert_eq!(
        forge(&channel.channel_id, Some(&wrong))
            .await
            .expect("post")
            .status(),
        403
    );
    assert_eq!(
        forge(&channel.channel_id, None)
            .await
            .expect("post")
            .status(),
        401
    );
    assert_eq!(
        forge("no-such-channel", Some(&channel.token))
            .await
            .expect("post")
            .status(),
        403
    );
    // A grace for a wrongly woken loop to show itself; the assertions are on counts.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let m = scrape(&base).await;
    assert_eq!(
        m.value("oneonone_passes_total"),
        passes,
        "no pass after forged notifications"
    );
    assert_eq!(w.calls("calendar.events.list").await, lists, "no sync");
    assert_eq!(
        m.value("oneonone_push_notifications_total{outcome=\"bad_token\"}"),
        Some(2.0)
    );
    assert_eq!(
        m.value("oneonone_push_notifications_total{outcome=\"unknown_channel\"}"),
        Some(1.0)
    );
    assert!(m
        .value("oneonone_push_channel_expiry_timestamp_seconds{user=\"alice@example.com\",resource=\"calendar\"}")
        .is_some_and(|t| t > 0.0));

    // A new 1-1: the sandbox notifies, the daemon syncs Alice and attaches the doc.
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    assert!(
        attached_soon(&alice, &series).await,
        "the doc is attached without waiting 30 minutes: {:#?}",
        run.seen
    );
    let m = scrape(&base).await;
    assert!(
        m.value("oneonone_push_notifications_total{outcome=\"accepted\"}")
            .is_some_and(|n| n >= 2.0),
        "the sync message and the change"
    );
    run.stop().await;
}

/// A channel is renewed before its expiration (the sandbox clock moved to an hour before it):
/// a new channel is opened, then the old one stopped, and the old one's notifications are
/// refused from then on. On SIGTERM every channel is stopped and the store keeps none.
#[tokio::test]
async fn channels_are_renewed_before_expiry_and_stopped_on_shutdown() {
    let (w, base) = push_world("poll_interval = \"1s\"", "2s").await;
    let mut run = Running::start(&w).await;
    run.wait_for_line(|l| l.contains("push channel open")).await;
    run.wait_for_line(|l| l.contains("pass done")).await;
    let calendar = |w: &World| -> Vec<oneonone::store::PushChannel> {
        stored_channels(w)
            .into_iter()
            .filter(|c| c.resource == "calendar")
            .collect()
    };
    let first = calendar(&w);
    assert_eq!(first.len(), 1, "{first:?}");
    let old = first[0].clone();
    assert!(old.expires_at > monday_after_prepare() + chrono::Duration::days(6));

    w.control
        .set_now(old.expires_at - chrono::Duration::hours(1))
        .await
        .expect("clock");
    run.wait_for_line(|l| l.contains("push channel open")).await;
    run.wait_for_line(|l| l.contains("pass done")).await;
    let renewed = calendar(&w);
    assert_eq!(renewed.len(), 1, "the old one is gone: {renewed:?}");
    assert_ne!(renewed[0].channel_id, old.channel_id);
    assert!(renewed[0].expires_at > old.expires_at);
    assert_eq!(w.calls("calendar.events.watch").await, 2);
    assert_eq!(
        w.calls("calendar.channels.stop").await,
        1,
        "the old channel stopped"
    );
    let stale = reqwest::Client::new()
        .post(format!("{base}/notify"))
        .header("X-Goog-Channel-ID", &old.channel_id)
        .header("X-Goog-Channel-Token", &old.token)
        .header("X-Goog-Resource-State", "exists")
        .send()
        .await
        .expect("post");
    assert_eq!(stale.status(), 403, "a stopped channel is unknown");

    let stderr = run.stop().await;
    assert!(
        stderr.iter().any(|l| l.contains("push channels stopped")),
        "{stderr:#?}"
    );
    assert_eq!(
        w.calls("calendar.channels.stop").await,
        2,
        "stopped on shutdown"
    );
    assert_eq!(
        w.calls("drive.channels.stop").await,
        1,
        "the live Drive channel too (the first one expired unstopped)"
    );
    assert!(stored_channels(&w).is_empty());
}

/// Channels outlive the process: after a crash (SIGKILL, no stop) the next `run` reuses
/// Alice's channels (calendar and Drive) instead of opening second ones, and stops Carol's,
/// whom the configuration no longer serves.
#[tokio::test]
async fn a_restart_reuses_channels_and_stops_those_of_users_who_left() {
    let (w, base) = push_world_for(&[ALICE, CAROL], "", "30m").await;
    let mut run = Running::start(&w).await;
    run.wait_for_line(|l| l.contains("pass done")).await;
    assert_eq!(w.calls("calendar.events.watch").await, 2);
    let before = stored_channels(&w);
    assert_eq!(
        before.len(),
        4,
        "a calendar and a Drive channel each: {before:?}"
    );
    run.kill().await;

    let port: u16 = base
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    let extra = format!("\n[push]\naddress = \"{base}\"\nfallback_poll = \"30m\"\n");
    w.write_config(&[ALICE], &extra);
    point_at_port(&w, port);
    let mut run = Running::start(&w).await;
    run.wait_for_line(|l| l.contains("pass done")).await;
    assert_eq!(
        w.calls("calendar.events.watch").await,
        2,
        "Alice's channel reused"
    );
    assert_eq!(w.calls("drive.changes.watch").await, 2, "and her Drive one");
    assert_eq!(
        w.calls("calendar.channels.stop").await,
        1,
        "Carol's stopped"
    );
    assert_eq!(w.calls("drive.channels.stop").await, 1, "both of hers");
    let after = stored_channels(&w);
    let alice: Vec<_> = before.iter().filter(|c| c.user == ALICE).cloned().collect();
    assert_eq!(after, alice);
    run.stop().await;
}

/// A doc edit reaches the daemon through Drive: Bob types into the pair's doc, the sandbox
/// sends a `change` message on Alice's Drive channel, and the daemon runs a pass for her
/// although the loop sleeps for the 30-minute fallback poll.
#[tokio::test]
async fn a_doc_edit_wakes_the_daemon_through_the_drive_channel() {
    let (w, base) = push_world("", "30m").await;
    let alice = w.person(ALICE).await;
    let bob = w.person(BOB).await;
    let series = weekly(&alice, &[BOB], "Alice / Bob").await;
    let mut run = Running::start(&w).await;
    run.wait_for_line(|l| l.contains("pass done")).await;
    assert!(attached_soon(&alice, &series).await, "{:#?}", run.seen);
    let doc = alice
        .attached_doc(&series)
        .await
        .expect("event")
        .expect("doc");
    // Let the messages about the daemon's own writes arrive and their passes finish.
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let accepted = "oneonone_push_notifications_total{outcome=\"accepted\"}";
    let before = scrape(&base).await;
    let (seen, passes) = (
        before.value(accepted),
        before.value("oneonone_passes_total"),
    );

    bob.type_at(&doc, 1, "Bob was here\n").await.expect("edit");
    let mut woke = false;
    for _ in 0..300 {
        let now = scrape(&base).await;
        if now.value(accepted) > seen && now.value("oneonone_passes_total") > passes {
            woke = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(woke, "the edit's notification woke a pass: {:#?}", run.seen);
    run.stop().await;
}
