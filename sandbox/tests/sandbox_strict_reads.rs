//! The sandbox as strict as Google where the daemon asks "did this doc change?" (issue 9 §4):
//! Drive's change list under `drive.file` is silent about docs the app did not create, and a
//! `fields` mask on `documents.get` returns only what it names. Each test cites what it follows.

use google_docs1::api::{InsertTextRequest, Location, Request};
use google_docs1::Docs;
use google_drive3::DriveHub;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oneonone_sandbox::people::Person;
use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};

const ALICE: &str = "alice@example.com";
/// The app's OAuth client (not the one people's own sessions use).
const APP: &str = "oneonone-app";

/// Alice's own session (full scopes, the web UI's client) and the app acting as Alice with
/// only `documents` and `drive.file`, as the daemon does.
async fn start() -> (
    Sandbox,
    Person,
    Docs<HttpConnector>,
    DriveHub<HttpConnector>,
) {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let control = SandboxClient::new(&sandbox.url);
    control
        .add_user(ALICE, "Alice Example", "Europe/Paris")
        .await
        .expect("add user");
    let alice = Person::sign_in(&control, ALICE).await.expect("sign in");
    let token = control
        .post(
            "_sandbox/tokens",
            serde_json::json!({"email": ALICE, "client_id": APP, "scopes": [
                "https://www.googleapis.com/auth/documents",
                "https://www.googleapis.com/auth/drive.file",
            ]}),
        )
        .await
        .expect("app token")["access_token"]
        .as_str()
        .expect("access_token")
        .to_string();
    let base = sandbox.url.clone();
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut docs = Docs::new(client.clone(), token.clone());
    docs.base_url(base.clone());
    docs.root_url(base.clone());
    let mut drive = DriveHub::new(client, token);
    drive.base_url(format!("{base}drive/v3/"));
    drive.root_url(base);
    (sandbox, alice, docs, drive)
}

fn insert(text: &str) -> Request {
    Request {
        insert_text: Some(InsertTextRequest {
            location: Some(Location {
                index: Some(1),
                ..Default::default()
            }),
            text: Some(text.to_string()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn app_edits(docs: &Docs<HttpConnector>, id: &str, text: &str) {
    docs.documents()
        .batch_update(
            google_docs1::api::BatchUpdateDocumentRequest {
                requests: Some(vec![insert(text)]),
                write_control: None,
            },
            id,
        )
        .doit()
        .await
        .expect("the app edits through the Docs API");
}

/// Drive's scope table (developers.google.com/workspace/drive/api/guides/about-auth):
/// `drive.file` is "See, edit, create, and delete only the specific Google Drive files you use
/// with this app" — files the app created, or that a person opened with it or picked for it in
/// Drive's own UI (Picker, "Open with"). Editing a doc through the Docs API under the
/// `documents` scope is neither, so `changes.list` with a `drive.file` token never reports a
/// doc a person created and attached, however often it changes; a doc the app created is
/// reported. (This is why the daemon checks an adopted doc's `revisionId` instead.)
#[tokio::test]
async fn drive_file_changes_never_report_a_doc_the_app_did_not_create() {
    let (_sandbox, alice, docs, drive) = start().await;
    let theirs = alice.create_doc("Our running notes").await.expect("doc");
    let theirs = theirs.document_id.expect("id");
    let (_, start) = drive
        .changes()
        .get_start_page_token()
        .doit()
        .await
        .expect("start token");
    let token = start.start_page_token.expect("token");

    alice
        .edit_doc(&theirs, vec![insert("typed by Alice\n")])
        .await
        .expect("edit");
    app_edits(&docs, &theirs, "written by the app\n").await;
    let (_, ours) = docs
        .documents()
        .create(google_docs1::api::Document {
            title: Some("Alice / Bob · 1:1 notes".into()),
            ..Default::default()
        })
        .doit()
        .await
        .expect("the app creates a doc");
    let ours = ours.document_id.expect("id");
    app_edits(&docs, &ours, "section\n").await;

    let (_, changes) = drive
        .changes()
        .list(&token)
        .doit()
        .await
        .expect("changes.list");
    let ids: Vec<String> = changes
        .changes
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| c.file_id)
        .collect();
    assert_eq!(ids, vec![ours], "only the app's own doc is reported");
}

/// "Standard Query Parameters" (developers.google.com/docs/api/reference/rest, shared by all
/// Google REST APIs): `fields` is a "selector specifying which fields to include in a partial
/// response". `documents.get` with `fields=revisionId` answers the revision alone — no title,
/// no body, no tabs — so a revision check costs no document transfer; a mask that does not
/// parse is `400 INVALID_ARGUMENT`.
#[tokio::test]
async fn a_fields_mask_on_documents_get_answers_only_what_it_names() {
    let (_sandbox, alice, docs, _drive) = start().await;
    let id = alice.create_doc("Masked").await.expect("doc");
    let id = id.document_id.expect("id");
    let (_, full) = alice.docs.documents().get(&id).doit().await.expect("get");
    let (_, masked) = alice
        .docs
        .documents()
        .get(&id)
        .param("fields", "revisionId")
        .doit()
        .await
        .expect("masked get");
    assert_eq!(masked.revision_id, full.revision_id);
    assert!(masked.revision_id.is_some());
    assert_eq!(masked.title, None);
    assert!(masked.body.is_none() && masked.tabs.is_none() && masked.document_id.is_none());

    app_edits(&docs, &id, "x\n").await;
    let (_, moved) = alice
        .docs
        .documents()
        .get(&id)
        .param("fields", "revisionId")
        .doit()
        .await
        .expect("masked get");
    assert_ne!(moved.revision_id, full.revision_id, "every write moves it");

    let err = alice
        .docs
        .documents()
        .get(&id)
        .param("fields", "revisionId(")
        .doit()
        .await
        .expect_err("a bad mask");
    assert!(
        err.to_string().contains("INVALID_ARGUMENT") || err.to_string().contains("400"),
        "{err}"
    );
}
