//! Scripted faults say what Google says: a chosen `reason` and `message`, in the error shape of
//! the API hit (Docs v1's gRPC-transcoded shape on `/v1/`, Calendar/Drive's legacy shape with
//! `errors[].reason` — developers.google.com/docs/api/reference/rest and
//! developers.google.com/drive/api/guides/handle-errors); a `timeout` ends the connection
//! without an answer, as a real timeout or reset does; a `delay` answers normally, late.

use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn start() -> (Sandbox, SandboxClient, String) {
    let sandbox = Sandbox::start(SandboxOptions::default())
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

async fn fault(control: &SandboxClient, spec: Value) {
    control
        .post("_sandbox/faults", spec)
        .await
        .expect("fault accepted");
}

async fn get(url: &str, token: &str) -> Result<(u16, Value), reqwest::Error> {
    let answer = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await?;
    let status = answer.status().as_u16();
    let body = answer.json::<Value>().await?;
    Ok((status, body))
}

#[tokio::test]
async fn a_scripted_refusal_carries_its_reason_and_message() {
    let (sandbox, control, token) = start().await;
    fault(
        &control,
        json!({"method": "drive.files.list", "status": 403, "reason": "sharingRateLimitExceeded",
               "message": "Rate limit exceeded. User message: \"Sorry, you have exceeded your sharing quota.\""}),
    )
    .await;
    let (status, body) = get(&format!("{}drive/v3/files", sandbox.url), &token)
        .await
        .expect("an answer");
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], 403);
    assert_eq!(
        body["error"]["errors"][0]["reason"],
        "sharingRateLimitExceeded"
    );
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("sharing quota"));
    // Used up: the next call succeeds.
    let (status, _) = get(&format!("{}drive/v3/files", sandbox.url), &token)
        .await
        .expect("an answer");
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_docs_fault_answers_in_the_docs_shape() {
    let (sandbox, control, token) = start().await;
    fault(
        &control,
        json!({"method": "docs.documents.get", "status": 429}),
    )
    .await;
    let (status, body) = get(&format!("{}v1/documents/some-doc", sandbox.url), &token)
        .await
        .expect("an answer");
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], 429);
    assert_eq!(body["error"]["status"], "RESOURCE_EXHAUSTED");
    assert!(body["error"].get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn a_timeout_drops_the_connection_without_an_answer() {
    let (sandbox, control, token) = start().await;
    fault(
        &control,
        json!({"method": "drive.files.list", "kind": "timeout", "delay_ms": 50}),
    )
    .await;
    let got = get(&format!("{}drive/v3/files", sandbox.url), &token).await;
    assert!(
        got.is_err(),
        "a timeout must not answer with a status: {got:?}"
    );
    let stats = control.stats().await.expect("stats");
    assert_eq!(stats["errors"]["drive.files.list"], 1, "{stats}");
}

#[tokio::test]
async fn a_delay_answers_normally_after_waiting() {
    let (sandbox, control, token) = start().await;
    fault(
        &control,
        json!({"method": "drive.files.list", "kind": "delay", "delay_ms": 300}),
    )
    .await;
    let t = Instant::now();
    let (status, body) = get(&format!("{}drive/v3/files", sandbox.url), &token)
        .await
        .expect("an answer");
    assert!(
        t.elapsed() >= Duration::from_millis(300),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(status, 200, "{body}");
    assert!(body["files"].is_array(), "{body}");
}

/// A rate-limit answer can say when to come back: `Retry-After` in delta-seconds (RFC 6585 §4,
/// "The response representations SHOULD include … and MAY include a Retry-After header";
/// Google's usage-limit guides, e.g. developers.google.com/drive/api/guides/limits, answer 429
/// and ask for backoff). A fault aimed at one user (`"user"`) spares every other caller.
#[tokio::test]
async fn a_scripted_rate_limit_carries_retry_after_and_hits_only_its_user() {
    let (sandbox, control, token) = start().await;
    control
        .add_user("bob@example.com", "Bob", "Europe/Berlin")
        .await
        .expect("user");
    let bob = control
        .token("bob@example.com", &["drive.file"])
        .await
        .expect("token");
    fault(
        &control,
        json!({"method": "drive.files.list", "status": 429, "retry_after_s": 300,
               "user": "alice@example.com"}),
    )
    .await;
    let url = format!("{}drive/v3/files", sandbox.url);
    let (status, _) = get(&url, &bob).await.expect("bob's answer");
    assert_eq!(status, 200, "bob is not hit");
    let answer = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .expect("alice's answer");
    assert_eq!(answer.status().as_u16(), 429);
    assert_eq!(
        answer
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("300")
    );
    let (status, _) = get(&url, &token).await.expect("alice again");
    assert_eq!(status, 200, "the fault was used up");
}
