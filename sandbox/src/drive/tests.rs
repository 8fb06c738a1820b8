//! Unit tests of the Drive model: visibility, appProperties privacy, `drive.file`, sharing
//! and the change feed, without HTTP.

use super::changes::ChangesParams;
use super::files::{ListParams, UpdateParams};
use super::permissions::CreateParams;
use super::*;
use chrono::TimeZone;
use serde_json::{json, Value};

fn t(min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, min, 0).unwrap()
}

fn caller(email: &str, client: &str, scopes: &[&str]) -> Caller {
    Caller {
        email: email.into(),
        client_id: client.into(),
        scopes: scopes
            .iter()
            .map(|s| format!("https://www.googleapis.com/auth/{s}"))
            .collect(),
    }
}

fn app_alice() -> Caller {
    caller("alice@example.com", "app", &["drive.file"])
}

fn create(d: &mut DriveState, c: &Caller, id: &str, meta: Value) -> Value {
    let plan = d.plan_create(c, &meta, Some(("text/plain", 0))).unwrap();
    d.insert_planned(plan, id.into(), c, "Alice", t(0))
}

fn list(d: &DriveState, c: &Caller, q: &str) -> Vec<String> {
    let v = d
        .list(
            c,
            &ListParams {
                q: Some(q.into()),
                ..Default::default()
            },
        )
        .unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

const MARKER: &str =
    "appProperties has { key='oneononeSeries' and value='s1' } and trashed = false";

#[test]
fn create_a_doc_with_a_marker_and_find_it() {
    let mut d = DriveState::default();
    let a = app_alice();
    let v = create(
        &mut d,
        &a,
        "doc1",
        json!({"name": "Alice / Bob · 1:1 notes", "mimeType": DOC_MIME,
               "appProperties": {"oneononeSeries": "s1"}}),
    );
    assert_eq!(v["mimeType"], DOC_MIME);
    assert_eq!(
        v["webViewLink"],
        "https://docs.google.com/document/d/doc1/edit?usp=drivesdk"
    );
    assert_eq!(v["appProperties"]["oneononeSeries"], "s1");
    assert!(v.get("size").is_none(), "native docs have no size");
    assert_eq!(list(&d, &a, MARKER), vec!["doc1"]);
    assert_eq!(d.role_of("doc1", "alice@example.com"), Some(Role::Owner));
    assert_eq!(d.role_of("doc1", "bob@example.com"), None);
}

#[test]
fn app_properties_are_private_to_their_app() {
    let mut d = DriveState::default();
    create(
        &mut d,
        &app_alice(),
        "doc1",
        json!({"appProperties": {"oneononeSeries": "s1"}}),
    );
    let other_app = caller("alice@example.com", "other", &["drive"]);
    let seen = d.get("doc1", &other_app).unwrap();
    assert!(seen.get("appProperties").is_none());
    assert!(list(&d, &other_app, MARKER).is_empty());
    assert_eq!(list(&d, &other_app, "trashed = false"), vec!["doc1"]);
}

#[test]
fn drive_file_scope_hides_files_of_other_apps() {
    let mut d = DriveState::default();
    let person = caller("alice@example.com", "web-ui", &["drive"]);
    create(&mut d, &person, "mine", json!({"name": "typed by hand"}));
    let app = app_alice();
    assert!(list(&d, &app, "trashed = false").is_empty());
    let err = d.get("mine", &app).unwrap_err();
    assert_eq!(err.code.as_u16(), 404);
    assert_eq!(err.message, "File not found: mine.");
    assert!(!d.app_can_open("mine", "app"));
    assert!(d.app_can_open("mine", "web-ui"));
}

#[test]
fn sharing_gives_access_and_readers_cannot_write() {
    let mut d = DriveState::default();
    let a = app_alice();
    create(&mut d, &a, "doc1", json!({"name": "n"}));
    let bob = caller("bob@example.com", "app", &["drive.file"]);
    assert!(d.get("doc1", &bob).is_err());
    let p = d
        .create_permission(
            "doc1",
            &a,
            &json!({"type": "user", "role": "reader", "emailAddress": "bob@example.com"}),
            &CreateParams {
                send_notification_email: Some(false),
                ..Default::default()
            },
            t(1),
        )
        .unwrap();
    assert_eq!(p["role"], "reader");
    assert!(!d.files["doc1"].permissions[1].notified);
    assert_eq!(d.role_of("doc1", "BOB@example.com"), Some(Role::Reader));
    assert!(d.get("doc1", &bob).is_ok());
    let err = d
        .update(
            "doc1",
            &bob,
            &json!({"name": "x"}),
            &UpdateParams::default(),
            t(2),
        )
        .unwrap_err();
    assert_eq!(err.reason, "insufficientFilePermissions");
    // Re-sharing the same user updates the permission instead of adding one.
    d.create_permission(
        "doc1",
        &a,
        &json!({"type": "user", "role": "writer", "emailAddress": "bob@example.com"}),
        &CreateParams::default(),
        t(3),
    )
    .unwrap();
    assert_eq!(d.files["doc1"].permissions.len(), 2);
    assert!(d
        .update(
            "doc1",
            &bob,
            &json!({"name": "x"}),
            &UpdateParams::default(),
            t(4)
        )
        .is_ok());
    let list = d.list_permissions("doc1", &a).unwrap();
    assert_eq!(list["permissions"].as_array().unwrap().len(), 2);
    let owner_perm = user_permission_id("alice@example.com");
    let err = d
        .delete_permission("doc1", &owner_perm, &a, t(5))
        .unwrap_err();
    assert_eq!(err.code.as_u16(), 403);
    d.delete_permission("doc1", &user_permission_id("bob@example.com"), &a, t(6))
        .unwrap();
    assert!(d.get("doc1", &bob).is_err());
}

#[test]
fn permission_requests_are_validated() {
    let mut d = DriveState::default();
    let a = app_alice();
    create(&mut d, &a, "doc1", json!({}));
    for body in [
        json!({"type": "user", "role": "writer"}),
        json!({"type": "user", "role": "boss", "emailAddress": "b@x.com"}),
        json!({"type": "robot", "role": "reader"}),
        json!({"type": "domain", "role": "reader"}),
        json!({"type": "user", "role": "owner", "emailAddress": "b@x.com"}),
    ] {
        let err = d
            .create_permission("doc1", &a, &body, &CreateParams::default(), t(1))
            .unwrap_err();
        assert!(matches!(err.code.as_u16(), 400 | 403), "{body}");
    }
    d.create_permission(
        "doc1",
        &a,
        &json!({"type": "domain", "role": "commenter", "domain": "example.com"}),
        &CreateParams::default(),
        t(1),
    )
    .unwrap();
    assert_eq!(
        d.role_of("doc1", "carol@example.com"),
        Some(Role::Commenter)
    );
    assert_eq!(d.role_of("doc1", "carol@other.org"), None);
}

#[test]
fn update_merges_app_properties_moves_parents_and_trashes() {
    let mut d = DriveState::default();
    let a = app_alice();
    create(
        &mut d,
        &a,
        "folder",
        json!({"name": "1:1 notes", "mimeType": FOLDER_MIME}),
    );
    create(
        &mut d,
        &a,
        "doc1",
        json!({"appProperties": {"k1": "v1", "k2": "v2"}}),
    );
    let (v, renamed) = d
        .update(
            "doc1",
            &a,
            &json!({"name": "new", "appProperties": {"k1": null, "k3": "v3"}}),
            &UpdateParams {
                add_parents: Some("folder".into()),
                remove_parents: Some("root".into()),
            },
            t(1),
        )
        .unwrap();
    assert_eq!(renamed.as_deref(), Some("new"));
    assert_eq!(v["appProperties"], json!({"k2": "v2", "k3": "v3"}));
    assert_eq!(v["parents"], json!(["folder"]));
    assert_eq!(list(&d, &a, "'folder' in parents"), vec!["doc1"]);
    assert!(list(&d, &a, "'root' in parents").contains(&"folder".to_string()));
    d.update(
        "doc1",
        &a,
        &json!({"trashed": true}),
        &UpdateParams::default(),
        t(2),
    )
    .unwrap();
    assert!(list(&d, &a, "name = 'new' and trashed = false").is_empty());
    assert_eq!(
        list(&d, &a, "name = 'new' and trashed = true"),
        vec!["doc1"]
    );
    let err = d
        .update(
            "doc1",
            &a,
            &json!({"parents": ["x"]}),
            &UpdateParams::default(),
            t(3),
        )
        .unwrap_err();
    assert_eq!(err.reason, "fieldNotWritable");
}

#[test]
fn oversized_properties_and_bad_queries_are_refused() {
    let d = DriveState::default();
    let a = app_alice();
    let long = "x".repeat(121);
    let err = d
        .plan_create(&a, &json!({"appProperties": {"key1": long}}), None)
        .unwrap_err();
    assert_eq!(err.code.as_u16(), 400);
    let err = d
        .list(
            &a,
            &ListParams {
                q: Some("fullText contains 'x'".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!((err.code.as_u16(), err.reason.as_str()), (400, "invalid"));
}

#[test]
fn list_pages() {
    let mut d = DriveState::default();
    let a = app_alice();
    for i in 0..5 {
        create(&mut d, &a, &format!("f{i}"), json!({}));
    }
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let v = d
            .list(
                &a,
                &ListParams {
                    page_size: Some("2".into()),
                    page_token: token.clone(),
                    ..Default::default()
                },
            )
            .unwrap();
        for f in v["files"].as_array().unwrap() {
            seen.push(f["id"].as_str().unwrap().to_string());
        }
        match v.get("nextPageToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, vec!["f0", "f1", "f2", "f3", "f4"]);
}

fn changes(d: &DriveState, c: &Caller, token: &str, size: Option<&str>) -> Value {
    d.list_changes(
        c,
        &ChangesParams {
            page_token: Some(token.into()),
            page_size: size.map(str::to_string),
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn changes_report_each_file_once_then_a_new_start_token() {
    let mut d = DriveState::default();
    let a = app_alice();
    create(&mut d, &a, "old", json!({}));
    let start = d.start_page_token();
    assert_eq!(changes(&d, &a, &start, None)["changes"], json!([]));
    create(&mut d, &a, "doc1", json!({}));
    create(&mut d, &a, "doc2", json!({}));
    d.touch("doc1", t(5));
    d.touch("doc1", t(6));
    d.touch("nope", t(6));
    let v = changes(&d, &a, &start, None);
    let ids: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["fileId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["doc2", "doc1"]);
    assert_eq!(v["newStartPageToken"], json!(d.start_page_token()));
    assert_eq!(d.files["doc1"].version, 3);
    assert_eq!(d.files["doc1"].modified_time, t(6));

    // Paged: one file per page, newStartPageToken only on the last.
    let p1 = changes(&d, &a, &start, Some("1"));
    assert_eq!(p1["changes"].as_array().unwrap().len(), 1);
    assert!(p1.get("newStartPageToken").is_none());
    let p2 = changes(&d, &a, p1["nextPageToken"].as_str().unwrap(), Some("1"));
    assert_eq!(p2["changes"][0]["fileId"], "doc1");
    let tail = match p2.get("nextPageToken").and_then(Value::as_str) {
        Some(t) => changes(&d, &a, t, Some("1")),
        None => p2,
    };
    assert!(tail.get("newStartPageToken").is_some());

    assert!(d
        .list_changes(
            &a,
            &ChangesParams {
                page_token: Some("999".into()),
                ..Default::default()
            }
        )
        .is_err());
}

#[test]
fn unsharing_shows_up_as_removed_for_the_former_reader() {
    let mut d = DriveState::default();
    let a = app_alice();
    create(&mut d, &a, "doc1", json!({}));
    d.create_permission(
        "doc1",
        &a,
        &json!({"type": "user", "role": "writer", "emailAddress": "bob@example.com"}),
        &CreateParams::default(),
        t(1),
    )
    .unwrap();
    let bob = caller("bob@example.com", "app", &["drive.file"]);
    let start = d.start_page_token();
    d.delete_permission("doc1", &user_permission_id("bob@example.com"), &a, t(2))
        .unwrap();
    let v = changes(&d, &bob, &start, None);
    assert_eq!(v["changes"][0]["removed"], true);
    assert!(v["changes"][0].get("file").is_none());
    let carol = caller("carol@example.com", "app", &["drive.file"]);
    assert_eq!(changes(&d, &carol, &start, None)["changes"], json!([]));
}

#[test]
fn register_doc_makes_a_docs_document_a_drive_file() {
    let mut d = DriveState::default();
    d.register_doc(
        "d1",
        "Made in Docs",
        "alice@example.com",
        "Alice",
        "app",
        t(0),
    );
    let a = app_alice();
    let v = d.get("d1", &a).unwrap();
    assert_eq!(v["name"], "Made in Docs");
    assert_eq!(v["owners"][0]["displayName"], "Alice");
    assert_eq!(d.name_of("d1"), Some("Made in Docs"));
    assert_eq!(
        list(&d, &a, &format!("mimeType = '{DOC_MIME}'")),
        vec!["d1"]
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// However the log is paged, every file changed since the token is reported exactly
        /// once, and the last page carries the token that sees nothing new.
        #[test]
        fn paging_reports_each_changed_file_once(
            touches in proptest::collection::vec(0usize..6, 0..40),
            page in 1usize..5,
        ) {
            let mut d = DriveState::default();
            let a = app_alice();
            for i in 0..6 {
                create(&mut d, &a, &format!("f{i}"), json!({}));
            }
            let start = d.start_page_token();
            for (n, i) in touches.iter().enumerate() {
                d.touch(&format!("f{i}"), t((n % 60) as u32));
            }
            let mut token = start;
            let mut seen = Vec::new();
            let last = loop {
                let v = changes(&d, &a, &token, Some(&page.to_string()));
                for c in v["changes"].as_array().unwrap() {
                    seen.push(c["fileId"].as_str().unwrap().to_string());
                }
                match v.get("nextPageToken").and_then(Value::as_str) {
                    Some(next) => token = next.to_string(),
                    None => break v,
                }
            };
            let expected: BTreeSet<String> = touches.iter().map(|i| format!("f{i}")).collect();
            let unique: BTreeSet<String> = seen.iter().cloned().collect();
            prop_assert_eq!(seen.len(), unique.len());
            prop_assert_eq!(unique, expected);
            let fresh = last["newStartPageToken"].as_str().unwrap().to_string();
            prop_assert_eq!(changes(&d, &a, &fresh, None)["changes"].as_array().unwrap().len(), 0);
        }
    }
}
