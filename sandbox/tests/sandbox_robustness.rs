//! Bad input never crashes the sandbox and every refusal is Google-shaped.
//!
//! Raw HTTP (reqwest) against every route the routers serve: missing, garbage and under-scoped
//! tokens, malformed and oversize bodies, unknown paths, wrong methods, unknown query
//! parameters, odd path parameters; then a property test throwing random bytes and paths at
//! each API prefix, and the generated crates reading the errors as `Error::BadRequest(json)`.

use oneonone_sandbox::server::MAX_BODY_BYTES;
use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use reqwest::Method;
use serde_json::{json, Value};

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";

/// A running sandbox with Alice's full token, an event, a doc and a shared file of hers.
struct World {
    sandbox: Sandbox,
    http: reqwest::Client,
    token: String,
    /// A valid token whose only scope allows none of the API methods.
    unscoped: String,
    event: String,
    doc: String,
    file: String,
    permission: String,
    page_token: String,
}

async fn world() -> World {
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
    let token = control
        .token(ALICE, &["calendar", "documents", "drive"])
        .await
        .expect("token");
    let unscoped = control.token(ALICE, &["email"]).await.expect("token");
    let http = reqwest::Client::new();
    let mut w = World {
        sandbox,
        http,
        token,
        unscoped,
        event: String::new(),
        doc: String::new(),
        file: String::new(),
        permission: String::new(),
        page_token: String::new(),
    };
    let ok = |r: (u16, Value)| {
        assert_eq!(r.0, 200, "setup call failed: {}", r.1);
        r.1
    };
    let event = ok(w
        .send(
            Method::POST,
            &format!("calendar/v3/calendars/{ALICE}/events"),
            Some(event_body().to_string()),
        )
        .await);
    w.event = str_at(&event, "/id");
    let doc = ok(w
        .send(
            Method::POST,
            "v1/documents",
            Some(json!({"title": "1-1"}).to_string()),
        )
        .await);
    w.doc = str_at(&doc, "/documentId");
    let file = ok(w
        .send(
            Method::POST,
            "drive/v3/files",
            Some(json!({"name": "notes.txt", "mimeType": "text/plain"}).to_string()),
        )
        .await);
    w.file = str_at(&file, "/id");
    let permission = ok(w
        .send(
            Method::POST,
            &format!("drive/v3/files/{}/permissions", w.file),
            Some(json!({"type": "user", "role": "reader", "emailAddress": BOB}).to_string()),
        )
        .await);
    w.permission = str_at(&permission, "/id");
    let start = ok(w
        .send(Method::GET, "drive/v3/changes/startPageToken", None)
        .await);
    w.page_token = str_at(&start, "/startPageToken");
    w
}

fn event_body() -> Value {
    json!({
        "summary": "Alice / Bob",
        "start": {"dateTime": "2030-01-07T10:00:00+01:00", "timeZone": "Europe/Paris"},
        "end": {"dateTime": "2030-01-07T10:30:00+01:00", "timeZone": "Europe/Paris"},
        "attendees": [{"email": ALICE}, {"email": BOB}],
    })
}

fn str_at(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {pointer} in {v}"))
        .to_string()
}

impl World {
    /// Sends with Alice's full token; answers the status and the body as JSON (or a string).
    async fn send(&self, method: Method, path: &str, body: Option<String>) -> (u16, Value) {
        self.raw(
            method,
            path,
            Some(&self.token),
            body.map(String::into_bytes),
        )
        .await
    }

    async fn raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.sandbox.url);
        let mut request = self.http.request(method, &url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.expect("the sandbox answers");
        let status = response.status().as_u16();
        let text = response.text().await.expect("a readable body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    /// Every API route: (method, path with real ids, takes a JSON body).
    fn routes(&self) -> Vec<(Method, String, bool)> {
        let cal = format!("calendar/v3/calendars/{ALICE}");
        let ev = format!("{cal}/events/{}", self.event);
        let file = format!("drive/v3/files/{}", self.file);
        vec![
            (Method::GET, cal.clone(), false),
            (Method::GET, format!("{cal}/events"), false),
            (Method::POST, format!("{cal}/events"), true),
            (Method::POST, format!("{cal}/events/watch"), true),
            (Method::GET, ev.clone(), false),
            (Method::PATCH, ev.clone(), true),
            (Method::PUT, ev.clone(), true),
            (Method::DELETE, ev.clone(), false),
            (Method::GET, format!("{ev}/instances"), false),
            (Method::POST, "calendar/v3/channels/stop".into(), true),
            (Method::POST, "v1/documents".into(), true),
            (Method::GET, format!("v1/documents/{}", self.doc), false),
            (
                Method::POST,
                format!("v1/documents/{}:batchUpdate", self.doc),
                true,
            ),
            (Method::GET, "drive/v3/files".into(), false),
            (Method::POST, "drive/v3/files".into(), true),
            (Method::POST, "upload/drive/v3/files".into(), true),
            (Method::GET, file.clone(), false),
            (Method::PATCH, file.clone(), true),
            (Method::PATCH, format!("upload/{file}"), true),
            (Method::GET, format!("{file}/permissions"), false),
            (Method::POST, format!("{file}/permissions"), true),
            (
                Method::DELETE,
                format!("{file}/permissions/{}", self.permission),
                false,
            ),
            (Method::GET, "drive/v3/changes/startPageToken".into(), false),
            (
                Method::GET,
                format!("drive/v3/changes?pageToken={}", self.page_token),
                false,
            ),
        ]
    }
}

/// Asserts Google's error shape with `error.code` equal to the status; answers the body's
/// `error` object. Docs (`/v1/`) errors have `status` and no `errors` array; the others carry
/// `errors[0].reason`.
#[track_caller]
fn assert_google_error(what: &str, path: &str, status: u16, body: &Value) -> Value {
    let error = body.get("error").unwrap_or_else(|| {
        panic!("{what}: {path} answered {status} without Google's shape: {body}")
    });
    assert_eq!(
        error["code"], status,
        "{what}: {path}: code ≠ status in {body}"
    );
    assert!(
        error["message"].is_string(),
        "{what}: {path}: no message in {body}"
    );
    if path.starts_with("v1/") {
        assert!(
            error["status"].is_string(),
            "{what}: {path}: no status in {body}"
        );
    } else {
        assert!(
            error["errors"][0]["reason"].is_string(),
            "{what}: {path}: no errors[0].reason in {body}"
        );
    }
    error.clone()
}

#[tokio::test]
async fn every_route_refuses_missing_garbage_and_underscoped_tokens() {
    let w = world().await;
    for (method, path, body) in w.routes() {
        let body = body.then(|| b"{}".to_vec());
        let (status, answer) = w.raw(method.clone(), &path, None, body.clone()).await;
        assert_eq!(status, 401, "no token: {method} {path}: {answer}");
        let e = assert_google_error("no token", &path, status, &answer);
        assert_eq!(e["errors"][0]["reason"], "authError", "{path}");

        let (status, answer) = w
            .raw(method.clone(), &path, Some("ya29.garbage"), body.clone())
            .await;
        assert_eq!(status, 401, "garbage token: {method} {path}: {answer}");
        assert_google_error("garbage token", &path, status, &answer);

        let (status, answer) = w.raw(method.clone(), &path, Some(&w.unscoped), body).await;
        assert_eq!(status, 403, "unscoped token: {method} {path}: {answer}");
        let e = assert_google_error("unscoped token", &path, status, &answer);
        assert_eq!(
            e["errors"][0]["reason"], "insufficientPermissions",
            "{path}"
        );
    }
}

#[tokio::test]
async fn malformed_json_bodies_are_400_on_every_route_that_reads_one() {
    let w = world().await;
    for bad in [
        "{",
        "{\"summary\": }",
        "[1,",
        "\u{0}\u{1}",
        "nul",
        "{\"a\":1}}",
    ] {
        for (method, path, takes_body) in w.routes() {
            if !takes_body {
                continue;
            }
            let (status, answer) = w.send(method.clone(), &path, Some(bad.into())).await;
            assert_eq!(status, 400, "{bad:?} to {method} {path}: {answer}");
            assert_google_error("malformed JSON", &path, status, &answer);
        }
    }
}

#[tokio::test]
async fn oversize_bodies_are_413_in_each_apis_shape() {
    let w = world().await;
    let huge = vec![b' '; MAX_BODY_BYTES + 1];
    let cal = format!("calendar/v3/calendars/{ALICE}/events");
    let batch = format!("v1/documents/{}:batchUpdate", w.doc);
    for path in [
        cal.as_str(),
        batch.as_str(),
        "drive/v3/files",
        "upload/drive/v3/files?uploadType=multipart",
    ] {
        let (status, answer) = w
            .raw(Method::POST, path, Some(&w.token), Some(huge.clone()))
            .await;
        assert_eq!(status, 413, "{path}: {answer}");
        assert_google_error("oversize", path, status, &answer);
    }
    let (status, answer) = w.raw(Method::POST, "token", None, Some(huge)).await;
    assert_eq!(status, 413, "/token: {answer}");
    assert!(
        answer["error"].is_string() && answer["error_description"].is_string(),
        "{answer}"
    );
    // A body just under the limit is read (and refused for what it says, not its size).
    let (status, answer) = w
        .raw(
            Method::POST,
            &cal,
            Some(&w.token),
            Some(vec![b' '; MAX_BODY_BYTES - 1]),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405_in_googles_shape() {
    let w = world().await;
    for path in [
        "",
        "nope",
        "calendar/v3/users/me/calendarList",
        "calendar/v3/calendars",
        "drive/v3/about",
        "drive/v2/files",
        "v1/documentz",
        &format!("v1/documents/{}:merge", w.doc),
        &format!("v1/documents/{}/extra", w.doc),
    ] {
        let (status, answer) = w.send(Method::GET, path, None).await;
        assert_eq!(status, 404, "GET /{path}: {answer}");
        assert_google_error("unknown path", path, status, &answer);
    }
    let file = format!("drive/v3/files/{}", w.file);
    let wrong = [
        (Method::DELETE, format!("calendar/v3/calendars/{ALICE}")),
        (Method::PUT, format!("calendar/v3/calendars/{ALICE}/events")),
        (Method::GET, "calendar/v3/channels/stop".to_string()),
        (Method::DELETE, format!("v1/documents/{}", w.doc)),
        (Method::GET, "v1/documents".to_string()),
        (Method::PUT, "drive/v3/files".to_string()),
        (Method::DELETE, file.clone()),
        (Method::POST, format!("{file}/permissions/{}", w.permission)),
        (Method::POST, "drive/v3/changes".to_string()),
    ];
    for (method, path) in wrong {
        let (status, answer) = w.send(method.clone(), &path, None).await;
        assert_eq!(status, 405, "{method} /{path}: {answer}");
        assert_google_error("wrong method", &path, status, &answer);
    }
    let (status, answer) = w.raw(Method::GET, "token", None, None).await;
    assert_eq!(status, 405, "{answer}");
    assert_eq!(answer["error"], "invalid_request", "{answer}");
}

#[tokio::test]
async fn unknown_query_parameters_are_ignored_as_google_does() {
    let w = world().await;
    let extra = "alt=json&prettyPrint=false&quotaUser=q&fooBar=1&%E2%9C%93=%FF";
    for (method, path, _) in w.routes() {
        if method != Method::GET {
            continue;
        }
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{sep}{extra}");
        let (status, answer) = w.send(method, &path, None).await;
        assert_eq!(status, 200, "GET /{path}: {answer}");
    }
    // A known parameter with a value of the wrong type is Google's 400, not axum's text.
    let path = format!("v1/documents/{}?includeTabsContent=maybe", w.doc);
    let (status, answer) = w.send(Method::GET, &path, None).await;
    assert_eq!(status, 400, "{answer}");
    assert_google_error("bad query value", &path, status, &answer);
}

#[tokio::test]
async fn odd_path_parameters_are_4xx_never_5xx() {
    let w = world().await;
    let long = "a".repeat(10_000);
    let odd = [
        "%FF%FE",
        "%00",
        "..",
        "%2E%2E%2Fetc",
        "%2F",
        "%20",
        "%C3%BCn%C3%AF%F0%9F%98%80",
        "%E2%80%AE",
        long.as_str(),
        "%25",
        "a%3Ab",
    ];
    for id in odd {
        for (method, template) in [
            (Method::GET, "calendar/v3/calendars/{}"),
            (Method::GET, "calendar/v3/calendars/{}/events"),
            (Method::GET, "calendar/v3/calendars/primary/events/{}"),
            (Method::PATCH, "calendar/v3/calendars/primary/events/{}"),
            (Method::DELETE, "calendar/v3/calendars/primary/events/{}"),
            (
                Method::GET,
                "calendar/v3/calendars/primary/events/{}/instances",
            ),
            (Method::GET, "v1/documents/{}"),
            (Method::POST, "v1/documents/{}:batchUpdate"),
            (Method::GET, "drive/v3/files/{}"),
            (Method::PATCH, "drive/v3/files/{}"),
            (Method::GET, "drive/v3/files/{}/permissions"),
            (Method::DELETE, "drive/v3/files/{}/permissions/{}"),
        ] {
            let path = template.replace("{}", id);
            let body = matches!(method, Method::PATCH | Method::POST).then(|| "{}".to_string());
            let (status, answer) = w.send(method.clone(), &path, body).await;
            assert!(
                matches!(status, 400 | 403 | 404),
                "{method} /{}: {status} {answer}",
                &path[..path.len().min(120)]
            );
            assert_google_error("odd path", &path, status, &answer);
        }
    }
    // Still answering.
    let (status, _) = w.send(Method::GET, "drive/v3/files", None).await;
    assert_eq!(status, 200);
}

/// Posts a raw form to `/token` and answers (status, body).
async fn token_form(w: &World, form: &[u8]) -> (u16, Value) {
    let url = format!("{}token", w.sandbox.url);
    let response = w
        .http
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_vec())
        .send()
        .await
        .expect("the sandbox answers");
    let status = response.status().as_u16();
    let body = response.json().await.expect("OAuth answers JSON");
    (status, body)
}

#[tokio::test]
async fn token_endpoint_refuses_malformed_forms_in_oauths_shape() {
    use base64::Engine as _;
    let w = world().await;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let header = b64(r#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = b64(r#"{"iss":"x@y","aud":"z","exp":1,"iat":0}"#);
    let bearer = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"".to_vec(), "unsupported_grant_type"),
        (b"%%%&&&===".to_vec(), "unsupported_grant_type"),
        (vec![0xff, 0xfe, 0x00, b'='], "unsupported_grant_type"),
        (b"assertion=abc".to_vec(), "unsupported_grant_type"),
        (
            b"grant_type=password&username=a".to_vec(),
            "unsupported_grant_type",
        ),
        (
            b"{\"grant_type\":\"refresh_token\"}".to_vec(),
            "unsupported_grant_type",
        ),
        (bearer.as_bytes().to_vec(), "invalid_request"),
        (format!("{bearer}not-a-jwt").into_bytes(), "invalid_grant"),
        (format!("{bearer}a.b").into_bytes(), "invalid_grant"),
        (format!("{bearer}a.b.c.d").into_bytes(), "invalid_grant"),
        (
            format!("{bearer}%21%21.%21%21.%21%21").into_bytes(),
            "invalid_grant",
        ),
        (
            format!("{bearer}{header}.{claims}.").into_bytes(),
            "invalid_grant",
        ),
        (
            format!("{bearer}{header}.{}.sig", b64("[]")).into_bytes(),
            "invalid_grant",
        ),
        (
            format!("{bearer}{}.{claims}.sig", b64(r#"{"alg":"none"}"#)).into_bytes(),
            "invalid_grant",
        ),
        (b"grant_type=refresh_token".to_vec(), "invalid_request"),
        (
            b"grant_type=refresh_token&refresh_token=x&client_id=y".to_vec(),
            "invalid_client",
        ),
    ];
    for (form, expected) in cases {
        let (status, body) = token_form(&w, &form).await;
        let shown = String::from_utf8_lossy(&form);
        assert!((400..500).contains(&status), "{shown}: {status} {body}");
        assert_eq!(body["error"], expected, "{shown}: {body}");
        assert!(
            body["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{shown}: {body}"
        );
        assert_eq!(
            body.as_object().map(|o| o.len()),
            Some(2),
            "{shown}: {body}"
        );
    }
}

#[tokio::test]
async fn unknown_body_fields_follow_each_apis_rule() {
    let w = world().await;
    // Calendar v3 and Drive v3 ignore names they do not know (Drive's `title` from v2 is the
    // classic case: the file is created as "Untitled"), and do not echo them back.
    let mut body = event_body();
    body["fooBar"] = json!(1);
    let (status, event) = w
        .send(
            Method::POST,
            &format!("calendar/v3/calendars/{ALICE}/events"),
            Some(body.to_string()),
        )
        .await;
    assert_eq!(status, 200, "{event}");
    assert!(
        event.get("fooBar").is_none(),
        "unknown name echoed: {event}"
    );
    let (status, file) = w
        .send(
            Method::POST,
            "drive/v3/files?fields=*",
            Some(json!({"title": "v2 name", "mimeType": "text/plain"}).to_string()),
        )
        .await;
    assert_eq!(status, 200, "{file}");
    assert_eq!(file["name"], "Untitled", "{file}");
    assert!(file.get("title").is_none(), "{file}");
    // Docs v1 is proto-backed: an unknown name anywhere is 400 INVALID_ARGUMENT.
    let batch = format!("v1/documents/{}:batchUpdate", w.doc);
    let insert = json!({"insertText": {"location": {"index": 1}, "text": "x"}});
    for body in [
        json!({"requests": [insert], "fooBar": 1}),
        json!({"requests": [], "writeControl": {"fooBar": "x"}}),
        json!({"requests": [{"insertText": {"location": {"index": 1}, "text": "x", "fooBar": 1}}]}),
        json!({"requests": [{"insertText": {"location": {"index": 1, "fooBar": 1}, "text": "x"}}]}),
    ] {
        let (status, answer) = w.send(Method::POST, &batch, Some(body.to_string())).await;
        assert_eq!(status, 400, "{body}: {answer}");
        let e = assert_google_error("unknown name", &batch, status, &answer);
        assert_eq!(e["status"], "INVALID_ARGUMENT", "{answer}");
        assert!(
            e["message"]
                .as_str()
                .is_some_and(|m| m.contains("Unknown name \"fooBar\"")),
            "{answer}"
        );
    }
    let (status, answer) = w
        .send(
            Method::POST,
            "v1/documents",
            Some(json!({"title": "t", "fooBar": 1}).to_string()),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    // The document is unchanged by the refused requests.
    let (_, doc) = w
        .send(Method::GET, &format!("v1/documents/{}", w.doc), None)
        .await;
    assert!(!doc.to_string().contains("\"x\\n"), "{doc}");
}
