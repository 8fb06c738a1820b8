//! The Docs routes over HTTP: create, get (legacy and tabs), batchUpdate, access checks and
//! the import endpoint. Tokens are put straight into the world (the OAuth helper's token
//! endpoint is tested on its own).

use oneonone_sandbox::oauth::Grant;
use oneonone_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

fn grant(s: &Sandbox, token: &str, email: &str, scope: &str) {
    let mut w = s.state.lock();
    w.oauth.tokens.insert(
        token.to_string(),
        Grant {
            email: email.to_string(),
            client_id: "app-1".to_string(),
            scopes: [format!("https://www.googleapis.com/auth/{scope}")]
                .into_iter()
                .collect(),
            expires_at_real: SystemTime::now() + Duration::from_secs(3600),
        },
    );
}

async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("sandbox answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn create_get_batch_update_and_access_over_http() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("starts");
    grant(&sandbox, "alice", "alice@example.com", "documents");
    grant(&sandbox, "mallory", "mallory@example.com", "documents");
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", sandbox.url);

    let (status, created) = send(
        http.post(url("v1/documents"))
            .bearer_auth("alice")
            .json(&json!({ "title": "1-1 Alice/Bob" })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["documentId"].as_str().expect("id").to_string();
    assert_eq!(created["title"], "1-1 Alice/Bob");
    assert_eq!(created["body"]["content"][1]["endIndex"], 2);

    let body = json!({ "requests": [{ "insertText": { "text": "Agenda\n", "location": { "index": 1 } } }],
        "writeControl": { "requiredRevisionId": created["revisionId"] } });
    let (status, reply) = send(
        http.post(url(&format!("v1/documents/{id}:batchUpdate")))
            .bearer_auth("alice")
            .json(&body),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["documentId"], id.as_str());

    let (status, stale) = send(
        http.post(url(&format!("v1/documents/{id}:batchUpdate")))
            .bearer_auth("alice")
            .json(&body),
    )
    .await;
    // Docs API reference, `WriteControl.requiredRevisionId`: a revision that is not the latest
    // "returns a 400 bad request error"; public probes of the live API record the status
    // FAILED_PRECONDITION and the message "The required revision ID '…' does not match the
    // latest revision." (the daemon's `GoogleError::into_revision_conflict` keys on both).
    assert_eq!(status, 400);
    assert_eq!(stale["error"]["status"], "FAILED_PRECONDITION");
    let required = created["revisionId"].as_str().expect("revision id");
    assert_eq!(
        stale["error"]["message"],
        format!("The required revision ID '{required}' does not match the latest revision.")
    );

    let (status, bad) = send(http.post(url(&format!("v1/documents/{id}:batchUpdate"))).bearer_auth("alice")
        .json(&json!({ "requests": [{ "insertText": { "text": "x", "location": { "index": 99 } } }] }))).await;
    assert_eq!(status, 400);
    assert_eq!(bad["error"]["status"], "INVALID_ARGUMENT");
    assert!(bad["error"]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("Invalid requests[0].insertText: Index 99")));

    let (status, tabs) = send(
        http.get(url(&format!("v1/documents/{id}?includeTabsContent=true")))
            .bearer_auth("alice"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        tabs["tabs"][0]["documentTab"]["body"]["content"][1]["paragraph"]["elements"][0]["textRun"]
            ["content"],
        "Agenda\n"
    );
    assert_eq!(
        tabs["revisionId"],
        reply["writeControl"]["requiredRevisionId"]
    );

    let (status, denied) = send(
        http.get(url(&format!("v1/documents/{id}")))
            .bearer_auth("mallory"),
    )
    .await;
    assert_eq!(status, 403, "{denied}");
    assert_eq!(denied["error"]["status"], "PERMISSION_DENIED");
    let (status, _) = send(
        http.get(url("v1/documents/unknown-doc"))
            .bearer_auth("alice"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = send(http.get(url(&format!("v1/documents/{id}")))).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn imported_documents_belong_to_their_owner() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("starts");
    grant(&sandbox, "bob", "bob@example.com", "documents.readonly");
    let http = reqwest::Client::new();
    let doc = json!({ "documentId": "captured-1", "title": "Captured", "revisionId": "rev-1", "body": { "content": [
        { "endIndex": 1, "sectionBreak": {} },
        { "startIndex": 1, "endIndex": 999, "paragraph": { "elements": [{ "textRun": { "content": "héllo 😀\n" } }] } }
    ] } });
    let (status, out) = send(
        http.post(format!("{}_sandbox/documents/import", sandbox.url))
            .json(&json!({ "owner": "bob@example.com", "document": doc })),
    )
    .await;
    assert_eq!(status, 200, "{out}");
    assert_eq!(out["documentId"], "captured-1");
    let (status, got) = send(
        http.get(format!("{}v1/documents/captured-1", sandbox.url))
            .bearer_auth("bob"),
    )
    .await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["revisionId"], "rev-1");
    assert_eq!(
        got["body"]["content"][1]["endIndex"], 10,
        "indices recomputed from the content"
    );
    let (status, _) = send(
        http.post(format!(
            "{}v1/documents/captured-1:batchUpdate",
            sandbox.url
        ))
        .bearer_auth("bob")
        .json(&json!({ "requests": [] })),
    )
    .await;
    assert_eq!(status, 403, "a read-only scope cannot write");
}

#[tokio::test]
async fn a_drive_file_token_opens_only_documents_its_app_created() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("starts");
    grant(&sandbox, "alice-app1", "alice@example.com", "drive.file");
    grant(&sandbox, "alice-docs", "alice@example.com", "documents");
    {
        // The same user through another app.
        let mut w = sandbox.state.lock();
        let mut other = w.oauth.tokens.get("alice-app1").cloned().expect("granted");
        other.client_id = "app-2".into();
        w.oauth.tokens.insert("alice-app2".into(), other);
    }
    let http = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", sandbox.url);
    let (status, created) = send(
        http.post(url("v1/documents"))
            .bearer_auth("alice-app1")
            .json(&json!({ "title": "t" })),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["documentId"].as_str().expect("id").to_string();
    let (status, _) = send(
        http.get(url(&format!("v1/documents/{id}")))
            .bearer_auth("alice-app1"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(
        http.get(url(&format!("v1/documents/{id}")))
            .bearer_auth("alice-app2"),
    )
    .await;
    assert_eq!(status, 403, "drive.file sees only its own app's files");
    let (status, _) = send(
        http.get(url(&format!("v1/documents/{id}")))
            .bearer_auth("alice-docs"),
    )
    .await;
    assert_eq!(
        status, 200,
        "the documents scope opens any document the user can read"
    );
}
