//! The adapters through the real generated crates against a scripted local HTTP server: which
//! URL, query, body and scope each call sends, and how answers are classified and retried.
//! (The sandbox tests the semantics; these pin the wiring.)

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::Router;
use google_calendar3::common::GetToken;
use serde_json::{json, Value};

use super::*;
use crate::config::{GoogleAuth, GoogleConfig};

const USER: &str = "alice@example.com";

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    authorization: Option<String>,
    body: String,
}

/// A scripted answer: status, extra headers, body.
type Answer = (u16, Vec<(&'static str, &'static str)>, String);

#[derive(Default)]
struct Script {
    seen: Mutex<Vec<Seen>>,
    answers: Mutex<VecDeque<Answer>>,
}

async fn serve(State(script): State<Arc<Script>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let query = url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    script.seen.lock().expect("lock").push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query,
        authorization: parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body,
    });
    let next = script.answers.lock().expect("lock").pop_front();
    let (status, headers, body) = next.unwrap_or((500, vec![], "no answer scripted".into()));
    let mut response = (
        axum::http::StatusCode::from_u16(status).expect("status"),
        [("content-type", "application/json")],
        body,
    )
        .into_response();
    for (k, v) in headers {
        response
            .headers_mut()
            .insert(k, v.parse().expect("header value"));
    }
    response
}

/// Records the scopes every call asks a token for.
#[derive(Clone, Default)]
struct ScopeRecorder(Arc<Mutex<Vec<Vec<String>>>>);

impl GetToken for ScopeRecorder {
    fn get_token<'a>(
        &'a self,
        scopes: &'a [&str],
    ) -> Pin<
        Box<
            dyn Future<Output = Result<Option<String>, Box<dyn std::error::Error + Send + Sync>>>
                + Send
                + 'a,
        >,
    > {
        self.0
            .lock()
            .expect("lock")
            .push(scopes.iter().map(|s| s.to_string()).collect());
        Box::pin(async { Ok(Some("test-token".to_string())) })
    }
}

/// Starts the scripted server; returns it and a configuration pointing at it.
async fn start(answers: Vec<Answer>) -> (Arc<Script>, GoogleConfig) {
    let script = Arc::new(Script {
        seen: Mutex::new(Vec::new()),
        answers: Mutex::new(answers.into()),
    });
    let app = Router::new().fallback(serve).with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let google = GoogleConfig {
        auth: GoogleAuth::ServiceAccount {
            key_file: "unused.json".into(),
            users: vec![USER.into()],
        },
        endpoint: Some(url::Url::parse(&format!("http://127.0.0.1:{port}/")).expect("url")),
        max_attempts: 3,
        request_timeout: Duration::from_secs(5),
        quota: Default::default(),
    };
    (script, google)
}

struct Harness {
    script: Arc<Script>,
    scopes: ScopeRecorder,
    clients: Clients,
}

impl Harness {
    async fn new(answers: Vec<Answer>) -> Harness {
        let (script, google) = start(answers).await;
        let transport = Transport::new(&google);
        let scopes = ScopeRecorder::default();
        let clients = Clients::with_auth(&transport, USER, scopes.clone());
        Harness {
            script,
            scopes,
            clients,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.script.seen.lock().expect("lock").clone()
    }

    fn scopes(&self) -> Vec<Vec<String>> {
        self.scopes.0.lock().expect("lock").clone()
    }

    fn assert_only_scope(&self, scope: &str) {
        let scopes = self.scopes();
        assert!(!scopes.is_empty());
        for s in scopes {
            assert_eq!(s, vec![scope.to_string()]);
        }
    }
}

fn ok(body: Value) -> Answer {
    (200, vec![], body.to_string())
}

fn google_error(code: u16, reason: &str, message: &str) -> Answer {
    (
        code,
        vec![],
        json!({"error": {"code": code, "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}]}})
        .to_string(),
    )
}

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|e| e["id"].as_str()).collect()
}

/// `quotaUser` is not sent: developers.google.com/calendar/api/v3/reference ("Standard Query
/// Parameters": at most 40 characters) and cloud.google.com/apis/docs/system-parameters
/// (ignored without an API key). It used to carry the full e-mail address.
#[tokio::test]
async fn full_sync_walks_pages_without_single_events_or_quota_user() {
    let h = Harness::new(vec![
        ok(json!({"items": [{"id": "a"}], "nextPageToken": "p2"})),
        ok(json!({"items": [{"id": "b", "status": "cancelled"}], "nextSyncToken": "s1"})),
    ])
    .await;
    let sync = h
        .clients
        .calendar
        .list_all_events("primary", &SyncMode::Full)
        .await
        .expect("sync");
    assert_eq!(ids(&sync.items), ["a", "b"]);
    assert_eq!(sync.next_sync_token.as_deref(), Some("s1"));
    let seen = h.seen();
    assert_eq!(seen.len(), 2);
    for (i, s) in seen.iter().enumerate() {
        assert_eq!(s.method, "GET");
        assert_eq!(s.path, "/calendar/v3/calendars/primary/events");
        assert_eq!(s.query.get("showDeleted").map(String::as_str), Some("true"));
        assert_eq!(
            s.query.get("singleEvents").map(String::as_str),
            Some("false")
        );
        assert!(!s.query.contains_key("quotaUser"), "{:?}", s.query);
        assert!(!s.query.contains_key("syncToken"));
        assert_eq!(
            s.query.get("pageToken").map(String::as_str),
            (i == 1).then_some("p2")
        );
    }
    h.assert_only_scope(scopes::CALENDAR_EVENTS);
}

#[tokio::test]
async fn expired_sync_token_is_full_sync_required() {
    let h = Harness::new(vec![google_error(
        410,
        "fullSyncRequired",
        "Sync token is no longer valid, a full sync is required.",
    )])
    .await;
    let err = h
        .clients
        .calendar
        .list_events("primary", &SyncMode::Incremental("old".into()), None)
        .await
        .expect_err("410");
    assert!(
        matches!(err, GoogleError::FullSyncRequired { .. }),
        "{err:?}"
    );
    let seen = h.seen();
    assert_eq!(seen.len(), 1, "a 410 is not retried");
    assert_eq!(
        seen[0].query.get("syncToken").map(String::as_str),
        Some("old")
    );
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_servers_hint() {
    let h = Harness::new(vec![
        (
            429,
            vec![("retry-after", "0")],
            json!({"error": {"code": 429, "message": "slow down"}}).to_string(),
        ),
        google_error(403, "userRateLimitExceeded", "Rate Limit Exceeded"),
        ok(json!({"id": "e1"})),
    ])
    .await;
    let event = h
        .clients
        .calendar
        .get_event("primary", "e1")
        .await
        .expect("third attempt succeeds");
    assert_eq!(event["id"], "e1");
    assert_eq!(h.seen().len(), 3);
}

#[tokio::test]
async fn patching_attachments_sends_the_full_list_with_supports_attachments() {
    let h = Harness::new(vec![ok(
        json!({"id": "e1", "attachments": [{"fileUrl": "u"}]}),
    )])
    .await;
    let link = "https://docs.google.com/document/d/d1/edit?usp=drivesdk";
    let list = vec![calendar::doc_attachment("d1", link, "Notes")];
    let event = h
        .clients
        .calendar
        .patch_attachments("primary", "e1", list)
        .await
        .expect("patch");
    assert_eq!(event["id"], "e1");
    let seen = h.seen();
    assert_eq!(seen[0].method, "PATCH");
    assert_eq!(seen[0].path, "/calendar/v3/calendars/primary/events/e1");
    assert_eq!(
        seen[0].query.get("supportsAttachments").map(String::as_str),
        Some("true")
    );
    assert!(!seen[0].query.contains_key("quotaUser"));
    let body: Value = serde_json::from_str(&seen[0].body).expect("json body");
    assert_eq!(body["attachments"][0]["fileUrl"], link);
    h.assert_only_scope(scopes::CALENDAR_EVENTS);
}

/// Every tab is asked for (`includeTabsContent=true`): without it Google shows only the first
/// tab, which a person can change by adding a tab ("Work with tabs").
#[tokio::test]
async fn docs_get_returns_the_wire_json_of_every_tab() {
    let doc = json!({"documentId": "d1", "revisionId": "r1", "title": "T",
        "tabs": [{"tabProperties": {"tabId": "t.0"}, "documentTab":
            {"body": {"content": [{"endIndex": 1, "sectionBreak": {}}]}}}], "someNewField": 1});
    let h = Harness::new(vec![ok(doc.clone())]).await;
    let got = h.clients.docs.get("d1").await.expect("get");
    assert_eq!(got, doc);
    let seen = h.seen();
    assert_eq!(seen[0].path, "/v1/documents/d1");
    assert_eq!(
        seen[0].query.get("includeTabsContent").map(String::as_str),
        Some("true")
    );
    h.assert_only_scope(scopes::DOCUMENTS);
}

/// The adopted-doc revision check asks for the revision alone (`fields=revisionId`).
#[tokio::test]
async fn docs_revision_id_asks_for_the_revision_alone() {
    let h = Harness::new(vec![ok(json!({"revisionId": "r9"}))]).await;
    let got = h.clients.docs.revision_id("d1").await.expect("get");
    assert_eq!(got.as_deref(), Some("r9"));
    let seen = h.seen();
    assert_eq!(seen[0].path, "/v1/documents/d1");
    assert_eq!(
        seen[0].query.get("fields").map(String::as_str),
        Some("revisionId")
    );
    h.assert_only_scope(scopes::DOCUMENTS);
}

#[tokio::test]
async fn a_refused_guarded_write_is_a_revision_conflict() {
    let h = Harness::new(vec![(
        400,
        vec![],
        json!({"error": {"code": 400, "message": "The document was modified.",
            "status": "FAILED_PRECONDITION"}})
        .to_string(),
    )])
    .await;
    let err = h
        .clients
        .docs
        .batch_update("d1", vec![Default::default()], Some("r1".into()))
        .await
        .expect_err("conflict");
    assert!(
        matches!(err, GoogleError::RevisionConflict { .. }),
        "{err:?}"
    );
    let seen = h.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/v1/documents/d1:batchUpdate");
    let body: Value = serde_json::from_str(&seen[0].body).expect("json body");
    assert_eq!(body["writeControl"]["requiredRevisionId"], "r1");
}

/// Only a stale revision is a conflict (Docs API reference, `WriteControl`): a guarded write
/// refused as malformed (400 INVALID_ARGUMENT) is a permanent bad request carrying Google's
/// message, sent once. It used to be taken as a revision conflict, so reconcile re-read and
/// sent the same bad request again.
#[tokio::test]
async fn a_guarded_write_refused_as_invalid_is_a_permanent_bad_request() {
    let message = "Invalid requests[0].insertText: Index 99 must be less than the end index of \
                   the referenced segment, 2.";
    let h = Harness::new(vec![(
        400,
        vec![],
        json!({"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}})
            .to_string(),
    )])
    .await;
    let err = h
        .clients
        .docs
        .batch_update("d1", vec![Default::default()], Some("r1".into()))
        .await
        .expect_err("bad request");
    assert!(!err.is_revision_conflict(), "{err:?}");
    assert!(
        matches!(&err, GoogleError::Permanent { code: Some(400), message: m, .. } if m == message),
        "{err:?}"
    );
    assert_eq!(h.seen().len(), 1);
}

#[tokio::test]
async fn an_unguarded_write_is_not_repeated_after_a_server_error() {
    let h = Harness::new(vec![
        google_error(503, "backendError", "Backend Error"),
        ok(json!({"documentId": "d1"})),
    ])
    .await;
    let err = h
        .clients
        .docs
        .batch_update("d1", vec![Default::default()], None)
        .await
        .expect_err("503");
    assert!(
        matches!(
            err,
            GoogleError::Transient {
                code: Some(503),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(h.seen().len(), 1);
}

#[tokio::test]
async fn a_guarded_write_is_repeated_after_a_server_error() {
    let h = Harness::new(vec![
        google_error(503, "backendError", "Backend Error"),
        ok(json!({"documentId": "d1", "writeControl": {"requiredRevisionId": "r2"}})),
    ])
    .await;
    let reply = h
        .clients
        .docs
        .batch_update("d1", vec![Default::default()], Some("r1".into()))
        .await
        .expect("retried");
    assert_eq!(
        reply
            .write_control
            .and_then(|w| w.required_revision_id)
            .as_deref(),
        Some("r2")
    );
    assert_eq!(h.seen().len(), 2);
}

#[tokio::test]
async fn creating_a_doc_is_one_multipart_upload_with_the_marker() {
    let h = Harness::new(vec![ok(json!({"id": "f1", "name": "Notes",
        "mimeType": drive::DOC_MIME, "appProperties": {"oneononeSeries": "k"}}))])
    .await;
    let props = BTreeMap::from([("oneononeSeries".to_string(), "k".to_string())]);
    let file = h
        .clients
        .drive
        .create_doc("Notes", Some("folder1"), &props)
        .await
        .expect("create");
    assert_eq!(file.id.as_deref(), Some("f1"));
    let seen = h.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/upload/drive/v3/files");
    assert_eq!(
        seen[0].query.get("uploadType").map(String::as_str),
        Some("multipart")
    );
    for needle in [
        drive::DOC_MIME,
        "\"oneononeSeries\":\"k\"",
        "folder1",
        "text/plain",
    ] {
        assert!(
            seen[0].body.contains(needle),
            "{needle} in {}",
            seen[0].body
        );
    }
    h.assert_only_scope(scopes::DRIVE_FILE);
}

#[tokio::test]
async fn a_failed_create_is_not_repeated() {
    let h = Harness::new(vec![google_error(500, "backendError", "Backend Error")]).await;
    let err = h
        .clients
        .drive
        .create_doc("Notes", None, &BTreeMap::new())
        .await
        .expect_err("500");
    assert!(
        err.is_retryable(),
        "the caller may retry after a marker lookup"
    );
    assert_eq!(h.seen().len(), 1);
}

#[tokio::test]
async fn finding_by_marker_queries_app_properties_and_walks_pages() {
    let h = Harness::new(vec![
        ok(json!({"files": [{"id": "f1"}], "nextPageToken": "n"})),
        ok(json!({"files": [{"id": "f2"}]})),
    ])
    .await;
    let files = h
        .clients
        .drive
        .find_by_app_property("oneononeSeries", "it's")
        .await
        .expect("list");
    let ids: Vec<_> = files.iter().filter_map(|f| f.id.as_deref()).collect();
    assert_eq!(ids, ["f1", "f2"]);
    let seen = h.seen();
    assert_eq!(seen[0].path, "/drive/v3/files");
    assert_eq!(
        seen[0].query.get("q").map(String::as_str),
        Some(r"appProperties has { key='oneononeSeries' and value='it\'s' } and trashed = false")
    );
    assert_eq!(
        seen[1].query.get("pageToken").map(String::as_str),
        Some("n")
    );
    h.assert_only_scope(scopes::DRIVE_FILE);
}

#[tokio::test]
async fn the_folder_is_reused_when_its_marker_is_found() {
    let h = Harness::new(vec![ok(
        json!({"files": [{"id": "folder1", "name": "1:1 notes"}]}),
    )])
    .await;
    let folder = h
        .clients
        .drive
        .find_folder("1:1 notes")
        .await
        .expect("folder")
        .expect("found");
    assert_eq!(folder.id.as_deref(), Some("folder1"));
    let seen = h.seen();
    assert_eq!(seen.len(), 1, "one search");
    let q = seen[0].query.get("q").cloned().unwrap_or_default();
    assert!(q.contains("key='oneononeFolder' and value='1'"), "{q}");
    assert!(q.contains("name = '1:1 notes'"), "{q}");
}

/// developers.google.com/drive/api/guides/handle-errors, "403: Sharing rate limit exceeded"
/// (`sharingRateLimitExceeded`): a rate limit, retried with backoff. It used to be `Forbidden`
/// and the share was given up at once.
#[tokio::test]
async fn a_sharing_rate_limit_is_retried() {
    let limited = json!({"error": {"code": 403, "message": "Rate limit exceeded. User message: \"Sorry, you have exceeded your sharing quota.\"",
        "errors": [{"domain": "usageLimits", "reason": "sharingRateLimitExceeded",
            "message": "Rate limit exceeded."}]}});
    let h = Harness::new(vec![
        (403, vec![("retry-after", "0")], limited.to_string()),
        ok(json!({"id": "p1", "role": "writer"})),
    ])
    .await;
    h.clients
        .drive
        .share("f1", "bob@example.com", Role::Writer, false)
        .await
        .expect("shared on the second attempt");
    assert_eq!(h.seen().len(), 2);
}

/// developers.google.com/calendar/api/guides/errors, "403: Daily limit exceeded"
/// (`dailyLimitExceeded`): not retried in the call (it used to be, 5 times); surfaced with the
/// wait until the quota resets.
#[tokio::test]
async fn a_daily_limit_is_surfaced_at_once_with_the_wait() {
    let exhausted = json!({"error": {"code": 403, "message": "Daily Limit Exceeded",
        "errors": [{"domain": "usageLimits", "reason": "dailyLimitExceeded",
            "message": "Daily Limit Exceeded"}]}});
    let h = Harness::new(vec![
        (403, vec![], exhausted.to_string()),
        ok(json!({"items": []})),
    ])
    .await;
    let err = h
        .clients
        .calendar
        .list_events("primary", &SyncMode::Full, None)
        .await
        .expect_err("quota");
    assert!(
        matches!(&err, GoogleError::QuotaExhausted { reason, .. } if reason == "dailyLimitExceeded"),
        "{err:?}"
    );
    assert!(err
        .retry_after()
        .is_some_and(|d| d >= Duration::from_secs(1)));
    assert!(!err.is_retryable());
    assert_eq!(h.seen().len(), 1);
}

#[tokio::test]
async fn sharing_is_quiet_unless_asked() {
    let h = Harness::new(vec![ok(json!({"id": "p1", "role": "writer"}))]).await;
    h.clients
        .drive
        .share("f1", "bob@example.com", Role::Writer, false)
        .await
        .expect("share");
    let seen = h.seen();
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/drive/v3/files/f1/permissions");
    assert_eq!(
        seen[0]
            .query
            .get("sendNotificationEmail")
            .map(String::as_str),
        Some("false")
    );
    let body: Value = serde_json::from_str(&seen[0].body).expect("json");
    assert_eq!(body["type"], "user");
    assert_eq!(body["role"], "writer");
    assert_eq!(body["emailAddress"], "bob@example.com");
}

#[tokio::test]
async fn changes_are_collected_across_pages_once_each() {
    let h = Harness::new(vec![
        ok(json!({"changes": [{"fileId": "a"}, {"fileId": "b"}], "nextPageToken": "t2"})),
        ok(json!({"changes": [{"fileId": "a"}, {"fileId": "c"}], "newStartPageToken": "t3"})),
    ])
    .await;
    let changes = h.clients.drive.changes_since("t1").await.expect("changes");
    assert_eq!(changes.file_ids, ["a", "b", "c"]);
    assert_eq!(changes.new_start_token, "t3");
    let seen = h.seen();
    assert_eq!(seen[0].path, "/drive/v3/changes");
    assert_eq!(
        seen[0].query.get("pageToken").map(String::as_str),
        Some("t1")
    );
    assert_eq!(
        seen[1].query.get("pageToken").map(String::as_str),
        Some("t2")
    );
}

/// The JWT claims of a service-account token request (`assertion=<header>.<claims>.<sig>`).
fn jwt_claims(form_body: &str) -> Value {
    use base64::Engine;
    let assertion = url::form_urlencoded::parse(form_body.as_bytes())
        .find(|(k, _)| k == "assertion")
        .map(|(_, v)| v.into_owned())
        .expect("assertion");
    let claims = assertion.split('.').nth(1).expect("claims segment");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(claims.trim_end_matches('='))
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("claims json")
}

/// Points `google` at a freshly minted service-account key whose token URI is the script.
fn with_service_account(mut google: GoogleConfig) -> (tempfile::TempDir, GoogleConfig) {
    use rsa::pkcs8::EncodePrivateKey;
    let endpoint = google.endpoint.clone().expect("endpoint");
    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("rsa key");
    let pem = key
        .to_pkcs8_pem(rsa::pkcs8::LineEnding::LF)
        .expect("pem")
        .to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let key_file = dir.path().join("key.json");
    let key_json = json!({"type": "service_account",
        "client_email": "svc@p.iam.gserviceaccount.com",
        "private_key": pem, "token_uri": format!("{endpoint}token")});
    std::fs::write(&key_file, key_json.to_string()).expect("write key");
    google.auth = GoogleAuth::ServiceAccount {
        key_file,
        users: vec![USER.into()],
    };
    (dir, google)
}

#[tokio::test]
async fn service_account_tokens_are_per_user_and_per_scope() {
    let (script, google) = start(vec![
        ok(json!({"access_token": "tok-cal", "expires_in": 3600, "token_type": "Bearer"})),
        ok(json!({"items": [], "nextSyncToken": "s"})),
    ])
    .await;
    let (_dir, google) = with_service_account(google);

    let all = Clients::connect_all(&google).await.expect("connect");
    assert_eq!(all.len(), 1);
    all[0]
        .calendar
        .list_events("primary", &SyncMode::Full, None)
        .await
        .expect("list");

    let seen = script.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].path, "/token");
    let claims = jwt_claims(&seen[0].body);
    assert_eq!(claims["sub"], USER);
    assert_eq!(claims["iss"], "svc@p.iam.gserviceaccount.com");
    assert_eq!(claims["scope"], scopes::CALENDAR_EVENTS);
    assert_eq!(seen[1].path, "/calendar/v3/calendars/primary/events");
    assert_eq!(seen[1].authorization.as_deref(), Some("Bearer tok-cal"));
}

#[tokio::test]
async fn a_refused_delegation_is_unauthorized_and_not_retried() {
    let (script, google) = start(vec![(
        401,
        vec![],
        json!({"error": "unauthorized_client",
            "error_description": "Client is unauthorized to retrieve access tokens using this method."})
        .to_string(),
    )])
    .await;
    let (_dir, google) = with_service_account(google);
    let transport = Transport::new(&google);
    let clients = Clients::connect(&transport, &google, USER)
        .await
        .expect("connect");
    let err = clients.docs.get("d1").await.expect_err("refused");
    assert!(
        matches!(&err, GoogleError::Unauthorized { message } if message.contains("unauthorized_client")),
        "{err:?}"
    );
    let seen = script.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1, "only the token request: {seen:?}");
    assert_eq!(jwt_claims(&seen[0].body)["scope"], scopes::DOCUMENTS);
}

/// The daemon spawns per-user work on tokio: clients must be shareable and every adapter
/// future `Send`. This is checked by the compiler; the function never runs.
#[allow(dead_code)]
fn clients_and_their_futures_can_cross_threads(c: &Clients) {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: T) {}
    send_sync::<Clients>();
    let empty = BTreeMap::new();
    send(c.calendar.list_all_events("p", &SyncMode::Full));
    send(c.calendar.get_event("p", "e"));
    send(c.calendar.patch_attachments("p", "e", vec![]));
    send(c.docs.get("d"));
    send(c.docs.batch_update("d", vec![], None));
    send(c.drive.create_doc("n", None, &empty));
    send(c.drive.find_folder("n"));
    send(c.drive.create_folder("n"));
    send(c.drive.get_file("f"));
    send(c.drive.find_by_app_property("k", "v"));
    send(c.drive.set_app_properties("f", &empty));
    send(c.drive.share("f", "e", Role::Writer, false));
    send(c.drive.list_permissions("f"));
    send(c.drive.changes_start_token());
    send(c.drive.changes_since("t"));
}
