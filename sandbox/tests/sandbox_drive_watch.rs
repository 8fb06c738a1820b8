//! Drive push channels (`changes.watch`, Drive's `channels.stop`) through the real
//! `google-drive3` client, as the Drive push guide describes them
//! (developers.google.com/workspace/drive/api/guides/push): a channel body of `id`,
//! `type: web_hook`, `address`, `token`, `expiration` (ms); a `sync` message first, then a
//! `change` message whenever the watching user's change list grows; the `X-Goog-*` headers;
//! `channels.stop` by `id` and `resourceId`. An expiration in the past is refused with
//! "Invalid ttl value for channel …", the live answer recorded in
//! googleapis/google-api-nodejs-client#3263.

use google_drive3::api::{Channel, File};
use google_drive3::{DriveHub, Error};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oneonone_sandbox::{Sandbox, SandboxClient, SandboxOptions};
use serde_json::Value;
use std::io::Cursor;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DRIVE_FILE: &str = "https://www.googleapis.com/auth/drive.file";

type Auth = yup_oauth2::authenticator::Authenticator<HttpConnector>;
type Hub = DriveHub<HttpConnector>;

async fn hub_for(sandbox: &Sandbox, control: &SandboxClient, user: &str) -> Hub {
    let key = control.service_account_key().await.expect("key");
    let key: yup_oauth2::ServiceAccountKey = serde_json::from_value(key).expect("key file");
    let client: Client<HttpConnector, String> = Client::builder(TokioExecutor::new()).build_http();
    let auth: Auth = yup_oauth2::ServiceAccountAuthenticator::with_client(
        key,
        yup_oauth2::CustomHyperClientBuilder::from(client),
    )
    .subject(user)
    .build()
    .await
    .expect("authenticator");
    let mut hub = DriveHub::new(Client::builder(TokioExecutor::new()).build_http(), auth);
    hub.base_url(format!("{}drive/v3/", sandbox.url));
    hub.root_url(sandbox.url.clone());
    hub
}

/// The headers of every POST a hook received, in order.
type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

async fn hook() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let record = record.clone();
            async move {
                let h = headers
                    .iter()
                    .map(|(k, v)| {
                        let v = v.to_str().unwrap_or_default().to_string();
                        (k.as_str().to_string(), v)
                    })
                    .collect();
                record.lock().expect("lock").push(h);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), seen)
}

/// Waits (bounded) for `n` messages; returns what arrived.
async fn wait_for(seen: &Seen, n: usize) -> Vec<Vec<(String, String)>> {
    for _ in 0..250 {
        if seen.lock().expect("lock").len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen.lock().expect("lock").clone()
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn error_json(e: Error) -> Value {
    match e {
        Error::BadRequest(v) => v,
        other => panic!("expected a Google error body, got {other:?}"),
    }
}

fn channel(id: &str, address: &str, token: &str) -> Channel {
    Channel {
        id: Some(id.into()),
        type_: Some("web_hook".into()),
        address: Some(address.into()),
        token: Some(token.into()),
        ..Default::default()
    }
}

async fn create_file(hub: &Hub, name: &str) {
    let meta = File {
        name: Some(name.into()),
        mime_type: Some("application/vnd.google-apps.document".into()),
        ..Default::default()
    };
    hub.files()
        .create(meta)
        .add_scope(DRIVE_FILE)
        .upload(Cursor::new(Vec::new()), "text/plain".parse().expect("mime"))
        .await
        .expect("files.create");
}

async fn start_token(hub: &Hub) -> String {
    let (_, t) = hub
        .changes()
        .get_start_page_token()
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect("start token");
    t.start_page_token.expect("token")
}

#[tokio::test]
async fn changes_watch_sends_sync_then_a_change_for_the_watchers_own_list_only() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let control = SandboxClient::new(&sandbox.url);
    for (email, name) in [("alice@example.com", "Alice"), ("bob@example.com", "Bob")] {
        control
            .add_user(email, name, "Europe/Paris")
            .await
            .expect("user");
    }
    let alice = hub_for(&sandbox, &control, "alice@example.com").await;
    let bob = hub_for(&sandbox, &control, "bob@example.com").await;
    let (address, seen) = hook().await;
    let token = start_token(&alice).await;

    // Refusals: no pageToken, an expiration already past, an address off the machine.
    let no_token = alice
        .changes()
        .watch(channel("c0", &address, "s"), "")
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect_err("pageToken is required");
    assert_eq!(error_json(no_token)["error"]["code"], 400);
    let mut past = channel("c0", &address, "s");
    past.expiration = Some(1_000);
    let past = error_json(
        alice
            .changes()
            .watch(past, &token)
            .add_scope(DRIVE_FILE)
            .doit()
            .await
            .expect_err("expiration in the past"),
    );
    assert_eq!(past["error"]["code"], 400);
    assert!(
        past["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("Invalid ttl value for channel")),
        "{past}"
    );
    let off = error_json(
        alice
            .changes()
            .watch(channel("c0", "https://example.com/hook", "s"), &token)
            .add_scope(DRIVE_FILE)
            .doit()
            .await
            .expect_err("not loopback"),
    );
    assert_eq!(off["error"]["code"], 400);

    let (_, opened) = alice
        .changes()
        .watch(channel("c1", &address, "secret"), &token)
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect("changes.watch");
    assert_eq!(opened.id.as_deref(), Some("c1"));
    assert_eq!(opened.token.as_deref(), Some("secret"));
    assert!(opened.expiration.is_some_and(|ms| ms > 0));
    let resource_id = opened.resource_id.clone().expect("resourceId");
    let dup = alice
        .changes()
        .watch(channel("c1", &address, "secret"), &token)
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect_err("channel ids are unique");
    assert_eq!(error_json(dup)["error"]["code"], 400);

    let got = wait_for(&seen, 1).await;
    assert_eq!(got.len(), 1);
    let sync = &got[0];
    assert_eq!(header(sync, "x-goog-resource-state"), Some("sync"));
    assert_eq!(header(sync, "x-goog-channel-id"), Some("c1"));
    assert_eq!(header(sync, "x-goog-channel-token"), Some("secret"));
    assert_eq!(
        header(sync, "x-goog-resource-id"),
        Some(resource_id.as_str())
    );
    assert_eq!(header(sync, "x-goog-message-number"), Some("1"));
    assert!(header(sync, "x-goog-channel-expiration").is_some_and(|e| e.ends_with("GMT")));
    assert!(header(sync, "x-goog-resource-uri").is_some_and(|u| u.contains("drive/v3/changes")));

    // Bob's file is not in Alice's list; Alice's next file is, and is message 2.
    create_file(&bob, "Bob's").await;
    create_file(&alice, "Alice's").await;
    let got = wait_for(&seen, 2).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let got_now = seen.lock().expect("lock").clone();
    assert_eq!(
        got_now.len(),
        2,
        "one change message, for Alice's own file: {got:?}"
    );
    assert_eq!(header(&got_now[1], "x-goog-resource-state"), Some("change"));
    assert_eq!(header(&got_now[1], "x-goog-message-number"), Some("2"));

    // Stopping needs the resource id; a stopped channel is gone.
    let mut wrong = channel("c1", &address, "secret");
    wrong.resource_id = Some("nope".into());
    let nf = error_json(
        alice
            .channels()
            .stop(wrong)
            .add_scope(DRIVE_FILE)
            .doit()
            .await
            .expect_err("wrong resource id"),
    );
    assert_eq!(nf["error"]["code"], 404);
    let mut stop = channel("c1", &address, "secret");
    stop.resource_id = Some(resource_id);
    alice
        .channels()
        .stop(stop)
        .add_scope(DRIVE_FILE)
        .doit()
        .await
        .expect("channels.stop");
    assert_eq!(sandbox.state.lock().drive.watch_channels().count(), 0);
    sandbox.stop().await;
}
