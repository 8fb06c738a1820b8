//! The sandbox's answers as the generated crates (google-calendar3 / docs1 / drive3 7.0.0) read
//! them: errors arrive as `Error::BadRequest(json)` in Google's shape (the crates drop the HTTP
//! status, so `error.code` is all a client has), and the successes other suites do not cover
//! deserialise into the crate types.

use chrono::{TimeZone, Utc};
use google_calendar3::api::{Event, EventDateTime};
use google_calendar3::CalendarHub;
use google_docs1::api::{BatchUpdateDocumentRequest, InsertTextRequest, Location, Request};
use google_docs1::Docs;
use google_drive3::api::Permission;
use google_drive3::DriveHub;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oneonone_sandbox::people::Person;
use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use serde_json::{json, Value};

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";

async fn start() -> (Sandbox, SandboxClient, Person) {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox starts");
    let control = SandboxClient::new(&sandbox.url);
    for (email, name) in [(ALICE, "Alice Example"), (BOB, "Bob Example")] {
        control
            .add_user(email, name, "Europe/Paris")
            .await
            .expect("add user");
    }
    let alice = Person::sign_in(&control, ALICE).await.expect("sign in");
    (sandbox, control, alice)
}

/// Hubs of all three APIs using `token` as is (garbage or under-scoped tokens included).
struct Hubs {
    calendar: CalendarHub<HttpConnector>,
    docs: Docs<HttpConnector>,
    drive: DriveHub<HttpConnector>,
}

fn hubs(base: &str, token: &str) -> Hubs {
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut calendar = CalendarHub::new(client.clone(), token.to_string());
    calendar.base_url(format!("{base}calendar/v3/"));
    calendar.root_url(base.to_string());
    let mut docs = Docs::new(client.clone(), token.to_string());
    docs.base_url(base.to_string());
    docs.root_url(base.to_string());
    let mut drive = DriveHub::new(client, token.to_string());
    drive.base_url(format!("{base}drive/v3/"));
    drive.root_url(base.to_string());
    Hubs {
        calendar,
        docs,
        drive,
    }
}

/// The JSON of an `Error::BadRequest`, checked for Google's shape with the expected code.
/// `legacy` APIs (Calendar, Drive) carry `errors[0].reason`; Docs carries `status`.
#[track_caller]
fn google_error(what: &str, e: google_apis_error::Error, code: u16, legacy: bool) -> Value {
    let json = match e {
        google_apis_error::Error::BadRequest(json) => json,
        other => panic!("{what}: expected Error::BadRequest(json), got {other:?}"),
    };
    assert_eq!(json["error"]["code"], code, "{what}: {json}");
    assert!(json["error"]["message"].is_string(), "{what}: {json}");
    if legacy {
        assert!(
            json["error"]["errors"][0]["reason"].is_string(),
            "{what}: {json}"
        );
    } else {
        assert!(json["error"]["status"].is_string(), "{what}: {json}");
    }
    json
}

/// The three crates share one `Error` type (google-apis-common); name it once.
mod google_apis_error {
    pub use google_calendar3::Error;
}

fn at(h: u32) -> EventDateTime {
    EventDateTime {
        date_time: Some(Utc.with_ymd_and_hms(2030, 1, 7, h, 0, 0).unwrap()),
        time_zone: Some("Europe/Paris".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn api_errors_reach_the_crates_as_bad_request_json_with_the_status_as_code() {
    let (sandbox, _control, alice) = start().await;
    let doc = alice.create_doc("1-1").await.expect("doc");
    let doc_id = doc.document_id.expect("id");

    let e = alice
        .calendar
        .events()
        .get("primary", "nosuchevent0")
        .doit()
        .await
        .expect_err("unknown event");
    let json = google_error("events.get", e, 404, true);
    assert_eq!(json["error"]["errors"][0]["reason"], "notFound");
    let backwards = Event {
        start: Some(at(11)),
        end: Some(at(10)),
        ..Default::default()
    };
    let e = alice
        .calendar
        .events()
        .insert(backwards, "primary")
        .doit()
        .await
        .expect_err("end before start");
    let json = google_error("events.insert", e, 400, true);
    assert_eq!(json["error"]["errors"][0]["reason"], "timeRangeEmpty");

    let e = alice
        .docs
        .documents()
        .get("nosuchdoc")
        .doit()
        .await
        .expect_err("no doc");
    let json = google_error("documents.get", e, 404, false);
    assert_eq!(json["error"]["status"], "NOT_FOUND");
    let past_end = BatchUpdateDocumentRequest {
        requests: Some(vec![Request {
            insert_text: Some(InsertTextRequest {
                location: Some(Location {
                    index: Some(10_000),
                    ..Default::default()
                }),
                text: Some("x".into()),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let e = alice
        .docs
        .documents()
        .batch_update(past_end, &doc_id)
        .doit()
        .await
        .expect_err("index past the end");
    let json = google_error("documents.batchUpdate", e, 400, false);
    assert_eq!(json["error"]["status"], "INVALID_ARGUMENT");

    let e = alice
        .drive
        .files()
        .get("nosuchfile")
        .doit()
        .await
        .expect_err("no file");
    let json = google_error("files.get", e, 404, true);
    assert_eq!(json["error"]["errors"][0]["reason"], "notFound");
    let e = alice
        .drive
        .files()
        .list()
        .q("nonsense ~~ 'x'")
        .doit()
        .await
        .expect_err("bad q");
    google_error("files.list", e, 400, true);
    drop(sandbox);
}

#[tokio::test]
async fn auth_failures_and_injected_faults_reach_the_crates_in_googles_shape() {
    let (sandbox, control, alice) = start().await;
    let garbage = hubs(&sandbox.url, "ya29.garbage");
    let unscoped = hubs(
        &sandbox.url,
        &control.token(ALICE, &["email"]).await.expect("token"),
    );
    for (hub, code, reason) in [
        (&garbage, 401, "authError"),
        (&unscoped, 403, "insufficientPermissions"),
    ] {
        let e = hub
            .calendar
            .events()
            .list("primary")
            .doit()
            .await
            .expect_err("calendar");
        let json = google_error("events.list", e, code, true);
        assert_eq!(json["error"]["errors"][0]["reason"], reason);
        let e = hub
            .docs
            .documents()
            .get("any")
            .doit()
            .await
            .expect_err("docs");
        google_error("documents.get", e, code, true);
        let e = hub.drive.files().list().doit().await.expect_err("drive");
        let json = google_error("files.list", e, code, true);
        assert_eq!(json["error"]["errors"][0]["reason"], reason);
    }
    control
        .post(
            "_sandbox/faults",
            json!({"method": "drive.files.list", "status": 503, "times": 1}),
        )
        .await
        .expect("fault");
    let e = alice.drive.files().list().doit().await.expect_err("fault");
    let json = google_error("injected 503", e, 503, true);
    assert_eq!(json["error"]["errors"][0]["reason"], "backendError");
    alice
        .drive
        .files()
        .list()
        .doit()
        .await
        .expect("the fault is spent");
}

#[tokio::test]
async fn events_update_and_permission_list_and_delete_fit_the_crate_types() {
    let (_sandbox, _control, alice) = start().await;
    let created = alice
        .create_recurring(
            "Alice / Bob",
            &[BOB],
            Utc.with_ymd_and_hms(2030, 1, 7, 9, 0, 0).unwrap(),
            30,
            "Europe/Paris",
            &["RRULE:FREQ=WEEKLY"],
        )
        .await
        .expect("series");
    let id = created.id.clone().expect("id");
    let mut replaced = created.clone();
    replaced.summary = Some("Alice <> Bob".into());
    let (_, updated) = alice
        .calendar
        .events()
        .update(replaced, "primary", &id)
        .doit()
        .await
        .expect("events.update");
    assert_eq!(updated.summary.as_deref(), Some("Alice <> Bob"));
    assert_eq!(updated.id.as_deref(), Some(id.as_str()));
    assert_eq!(updated.recurrence, created.recurrence);

    let doc = alice.create_doc("notes").await.expect("doc");
    let doc_id = doc.document_id.expect("id");
    let (_, shared) = alice
        .drive
        .permissions()
        .create(
            Permission {
                type_: Some("user".into()),
                role: Some("writer".into()),
                email_address: Some(BOB.into()),
                ..Default::default()
            },
            &doc_id,
        )
        .send_notification_email(false)
        .doit()
        .await
        .expect("permissions.create");
    let (_, list) = alice
        .drive
        .permissions()
        .list(&doc_id)
        .param("fields", "*")
        .doit()
        .await
        .expect("permissions.list");
    let permissions = list.permissions.unwrap_or_default();
    let bob = permissions
        .iter()
        .find(|p| p.email_address.as_deref() == Some(BOB))
        .expect("Bob listed");
    assert_eq!(bob.role.as_deref(), Some("writer"));
    assert!(permissions
        .iter()
        .any(|p| p.email_address.as_deref() == Some(ALICE) && p.role.as_deref() == Some("owner")));
    let shared_id = shared.id.expect("permission id");
    alice
        .drive
        .permissions()
        .delete(&doc_id, &shared_id)
        .doit()
        .await
        .expect("permissions.delete");
    let (_, after) = alice
        .drive
        .permissions()
        .list(&doc_id)
        .doit()
        .await
        .expect("permissions.list");
    assert!(after
        .permissions
        .unwrap_or_default()
        .iter()
        .all(|p| p.id.as_deref() != Some(shared_id.as_str())));
}
