//! The sandbox's Docs answers through the real `google-docs1` crate: what the daemon will
//! parse. Every captured document, once imported, must deserialize into the crate's types.

use google_docs1::api::{
    BatchUpdateDocumentRequest, CreateNamedRangeRequest, CreateParagraphBulletsRequest, Document,
    InsertPersonRequest, InsertTextRequest, Location, PersonProperties, Range, Request,
    WriteControl,
};
use google_docs1::Docs;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oneonone_sandbox::oauth::Grant;
use oneonone_sandbox::{Sandbox, SandboxOptions};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

fn hub(sandbox: &Sandbox, token: &str) -> Docs<hyper_util::client::legacy::connect::HttpConnector> {
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut docs = Docs::new(client, token.to_string());
    docs.base_url(sandbox.url.clone());
    docs.root_url(sandbox.url.clone());
    docs
}

fn grant(s: &Sandbox, token: &str, email: &str) {
    s.state.lock().oauth.tokens.insert(
        token.to_string(),
        Grant {
            email: email.to_string(),
            client_id: "app-1".to_string(),
            scopes: ["https://www.googleapis.com/auth/documents".to_string()]
                .into_iter()
                .collect(),
            expires_at_real: SystemTime::now() + Duration::from_secs(3600),
        },
    );
}

fn request(f: impl FnOnce(&mut Request)) -> Request {
    let mut r = Request::default();
    f(&mut r);
    r
}

#[tokio::test]
async fn the_generated_crate_drives_a_document_end_to_end() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("starts");
    grant(&sandbox, "alice", "alice@example.com");
    let docs = hub(&sandbox, "alice");
    let created = Document {
        title: Some("1-1".into()),
        ..Default::default()
    };
    let (_, doc) = docs
        .documents()
        .create(created)
        .add_scope("https://www.googleapis.com/auth/documents")
        .doit()
        .await
        .expect("create");
    let id = doc.document_id.clone().expect("id");
    let at = |i: i32| {
        Some(Location {
            index: Some(i),
            ..Default::default()
        })
    };
    let requests = vec![
        request(|r| {
            r.insert_text = Some(InsertTextRequest {
                text: Some("Agenda 😀\nitem".into()),
                location: at(1),
                ..Default::default()
            })
        }),
        request(|r| {
            r.insert_person = Some(InsertPersonRequest {
                person_properties: Some(PersonProperties {
                    email: Some("bob@example.com".into()),
                    name: None,
                }),
                location: at(11),
                ..Default::default()
            })
        }),
        request(|r| {
            r.create_paragraph_bullets = Some(CreateParagraphBulletsRequest {
                bullet_preset: Some("BULLET_CHECKBOX".into()),
                range: Some(Range {
                    start_index: Some(11),
                    end_index: Some(16),
                    ..Default::default()
                }),
            })
        }),
        request(|r| {
            r.create_named_range = Some(CreateNamedRangeRequest {
                name: Some("oneonone:section".into()),
                range: Some(Range {
                    start_index: Some(1),
                    end_index: Some(11),
                    ..Default::default()
                }),
            })
        }),
    ];
    let batch = BatchUpdateDocumentRequest {
        requests: Some(requests),
        write_control: Some(WriteControl {
            required_revision_id: doc.revision_id.clone(),
            ..Default::default()
        }),
    };
    let (_, reply) = docs
        .documents()
        .batch_update(batch, &id)
        .doit()
        .await
        .expect("batchUpdate");
    let replies = reply.replies.expect("replies");
    assert_eq!(replies.len(), 4);
    assert!(replies[3]
        .create_named_range
        .as_ref()
        .and_then(|c| c.named_range_id.as_ref())
        .is_some());
    let (_, got) = docs
        .documents()
        .get(&id)
        .include_tabs_content(true)
        .doit()
        .await
        .expect("get");
    assert_eq!(
        got.revision_id,
        reply.write_control.and_then(|w| w.required_revision_id)
    );
    let tab = got.tabs.expect("tabs").remove(0);
    let body = tab.document_tab.and_then(|t| t.body).expect("body");
    let content = body.content.expect("content");
    let item = content[2].paragraph.as_ref().expect("paragraph");
    assert_eq!(content[2].start_index, Some(11));
    assert!(item
        .bullet
        .as_ref()
        .and_then(|b| b.list_id.as_ref())
        .is_some());
    let person = item
        .elements
        .as_ref()
        .and_then(|e| e[0].person.as_ref())
        .expect("person chip");
    assert_eq!(
        person
            .person_properties
            .as_ref()
            .and_then(|p| p.email.as_deref()),
        Some("bob@example.com")
    );

    // A stale revision comes back as the crate's BadRequest with Google's error body.
    let stale = BatchUpdateDocumentRequest {
        requests: Some(vec![request(|r| {
            r.insert_text = Some(InsertTextRequest {
                text: Some("x".into()),
                location: at(1),
                ..Default::default()
            })
        })]),
        write_control: Some(WriteControl {
            required_revision_id: doc.revision_id,
            ..Default::default()
        }),
    };
    match docs.documents().batch_update(stale, &id).doit().await {
        Err(google_docs1::Error::BadRequest(v)) => assert_eq!(v["error"]["code"], 400),
        other => panic!("expected BadRequest, got {other:?}"),
    }
}

fn fixtures_dir() -> PathBuf {
    std::env::var_os("ONEONONE_GOOGLE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/google")
        })
        .join("docs")
}

#[tokio::test]
async fn every_imported_capture_parses_in_the_generated_crate() {
    let dir = fixtures_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "skipped: no Docs fixtures at {} (set ONEONONE_GOOGLE_FIXTURES)",
            dir.display()
        );
        return;
    };
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("starts");
    grant(&sandbox, "owner", "owner@example.com");
    let docs = hub(&sandbox, "owner");
    let http = reqwest::Client::new();
    let mut checked = 0;
    for path in entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
    {
        let capture: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("JSON");
        let resp = http
            .post(format!("{}_sandbox/documents/import", sandbox.url))
            .json(&json!({ "owner": "owner@example.com", "document": capture }))
            .send()
            .await
            .expect("import answers");
        assert_eq!(resp.status().as_u16(), 200, "{}", path.display());
        let id = capture["documentId"].as_str().expect("id");
        for tabs in [false, true] {
            let got = docs
                .documents()
                .get(id)
                .include_tabs_content(tabs)
                .doit()
                .await;
            assert!(
                got.is_ok(),
                "{} (tabs {tabs}): {:?}",
                path.display(),
                got.err()
            );
        }
        checked += 1;
    }
    eprintln!("parsed {checked} imported captures with google-docs1");
}
