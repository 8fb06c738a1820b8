//! The sandbox can be as slow as Google (~100–300 ms an answer) without becoming a queue: a
//! delayed answer is a sleep outside the world lock, so ten concurrent slow calls take about
//! one delay, not ten; per-method rules override the default; bad rules are refused.

use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use serde_json::json;
use std::time::{Duration, Instant};

async fn start(latency_ms: u64) -> (Sandbox, SandboxClient, String) {
    let sandbox = Sandbox::start(SandboxOptions {
        latency_ms,
        ..SandboxOptions::default()
    })
    .await
    .expect("sandbox starts");
    let control = SandboxClient::new(&sandbox.url);
    control
        .add_user("alice@example.com", "Alice", "Europe/Berlin")
        .await
        .expect("user");
    let token = control
        .token("alice@example.com", &["drive.file", "documents"])
        .await
        .expect("token");
    (sandbox, control, token)
}

async fn files_list(url: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{url}drive/v3/files"))
        .bearer_auth(token)
        .send()
        .await
        .expect("an answer")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_fixed_latency_delays_each_answer_but_not_the_others() {
    let (sandbox, _control, token) = start(300).await;
    let t = Instant::now();
    assert_eq!(files_list(&sandbox.url, &token).await, 200);
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );

    let t = Instant::now();
    let calls = (0..10).map(|_| files_list(&sandbox.url, &token));
    let statuses = futures_util::future::join_all(calls).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let took = t.elapsed();
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(
        took < Duration::from_millis(1500),
        "10 concurrent calls took {took:?}: the latency serialises requests"
    );
}

#[tokio::test]
async fn per_method_latency_is_set_read_and_cleared_over_http() {
    let (sandbox, control, token) = start(0).await;
    control
        .post(
            "_sandbox/latency",
            json!({"method": "drive.*", "min_ms": 200, "max_ms": 250}),
        )
        .await
        .expect("rule accepted");
    let shown = control.get("_sandbox/latency").await.expect("readable");
    assert_eq!(shown["latency"]["methods"][0][0], "drive.*", "{shown}");
    let t = Instant::now();
    assert_eq!(files_list(&sandbox.url, &token).await, 200);
    assert!(
        t.elapsed() >= Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );

    control.delete("_sandbox/latency").await.expect("cleared");
    let t = Instant::now();
    assert_eq!(files_list(&sandbox.url, &token).await, 200);
    assert!(
        t.elapsed() < Duration::from_millis(200),
        "{:?}",
        t.elapsed()
    );

    for bad in [
        json!({"ms": 10, "min_ms": 1, "max_ms": 2}),
        json!({"min_ms": 5, "max_ms": 1}),
        json!({"ms": 10, "methd": "drive.*"}),
        json!({"ms": 999_999}),
        json!({"mean_ms": -3.0, "sd_ms": 1.0}),
    ] {
        let refused = control.post("_sandbox/latency", bad.clone()).await;
        assert!(refused.is_err(), "{bad} was accepted");
    }
}
