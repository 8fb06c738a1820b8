//! The sandbox's Calendar v3 over HTTP, driven by the real `google-calendar3` client: routes,
//! auth, Google-shaped errors, sync-token expiry and push delivery to a loopback hook.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use google_calendar3::api::{Channel, Event, EventAttachment, EventAttendee, EventDateTime};
use google_calendar3::{CalendarHub, Error};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use oneonone_sandbox::oauth::Grant;
use oneonone_sandbox::state::User;
use oneonone_sandbox::{Sandbox, SandboxOptions};
use serde_json::Value;

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";

fn add_person(s: &Sandbox, email: &str, tz: &str) -> String {
    let mut w = s.state.lock();
    w.users.insert(
        email.into(),
        User {
            email: email.into(),
            name: email.into(),
            time_zone: tz.into(),
        },
    );
    let token = format!("test-token-{email}");
    let scopes: BTreeSet<String> = ["https://www.googleapis.com/auth/calendar".to_string()].into();
    w.oauth.tokens.insert(
        token.clone(),
        Grant {
            email: email.into(),
            client_id: "test-client".into(),
            scopes,
            expires_at_real: SystemTime::now() + Duration::from_secs(3600),
        },
    );
    token
}

fn hub(s: &Sandbox, token: &str) -> CalendarHub<HttpConnector> {
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut hub = CalendarHub::new(client, token.to_string());
    hub.base_url(format!("{}calendar/v3/", s.url));
    hub.root_url(s.url.clone());
    hub
}

fn error_json(e: Error) -> Value {
    match e {
        Error::BadRequest(v) => v,
        other => panic!("expected a Google error body, got {other:?}"),
    }
}

fn at(rfc3339: &str) -> EventDateTime {
    EventDateTime {
        date_time: Some(
            chrono::DateTime::parse_from_rfc3339(rfc3339)
                .unwrap()
                .to_utc(),
        ),
        time_zone: Some("Europe/Berlin".into()),
        ..Default::default()
    }
}

/// The headers of every request a hook received, in order.
type Seen = Arc<Mutex<Vec<Vec<(String, String)>>>>;

/// A loopback hook that records the headers of every POST it receives.
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
                        (
                            k.as_str().to_string(),
                            v.to_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                record.lock().unwrap().push(h);
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/hook"), seen)
}

async fn wait_for(seen: &Seen, n: usize) -> Vec<Vec<(String, String)>> {
    for _ in 0..100 {
        if seen.lock().unwrap().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    seen.lock().unwrap().clone()
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn the_generated_client_works_against_the_sandbox() {
    let s = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let alice = hub(&s, &add_person(&s, ALICE, "Europe/Berlin"));
    let bob = hub(&s, &add_person(&s, BOB, "America/New_York"));

    let (_, cal) = alice.calendars().get("primary").doit().await.unwrap();
    assert_eq!(
        (cal.id.as_deref(), cal.time_zone.as_deref()),
        (Some(ALICE), Some("Europe/Berlin"))
    );

    let (_, ch) = alice
        .events()
        .watch(
            Channel {
                id: Some("c1".into()),
                type_: Some("web_hook".into()),
                address: Some(hook().await.0),
                token: Some("t".into()),
                ..Default::default()
            },
            "primary",
        )
        .doit()
        .await
        .unwrap();
    assert!(ch.expiration.is_some_and(|ms| ms > 0));

    let series = Event {
        summary: Some("Alice / Bob".into()),
        start: Some(at("2025-03-03T10:00:00+01:00")),
        end: Some(at("2025-03-03T10:30:00+01:00")),
        recurrence: Some(vec!["RRULE:FREQ=WEEKLY;COUNT=4".into()]),
        attendees: Some(vec![EventAttendee {
            email: Some(BOB.into()),
            ..Default::default()
        }]),
        attachments: Some(vec![EventAttachment {
            file_url: Some("https://docs.google.com/document/d/x".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let (_, master) = alice
        .events()
        .insert(series, "primary")
        .supports_attachments(true)
        .doit()
        .await
        .unwrap();
    let id = master.id.clone().unwrap();
    assert_eq!(master.attachments.map(|a| a.len()), Some(1));

    let (_, inst) = bob.events().instances("primary", &id).doit().await.unwrap();
    let items = inst.items.unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(
        items[0].id.as_deref(),
        Some(format!("{id}_20250303T090000Z").as_str())
    );

    // Full sync, then one change, then expiry.
    let (_, full) = alice.events().list("primary").doit().await.unwrap();
    let token = full.next_sync_token.unwrap();
    let moved = Event {
        summary: Some("moved".into()),
        ..Default::default()
    };
    alice
        .events()
        .patch(moved, "primary", &format!("{id}_20250310T090000Z"))
        .doit()
        .await
        .unwrap();
    let (_, inc) = alice
        .events()
        .list("primary")
        .sync_token(&token)
        .doit()
        .await
        .unwrap();
    let changed: Vec<String> = inc
        .items
        .unwrap()
        .into_iter()
        .filter_map(|e| e.id)
        .collect();
    assert_eq!(changed, vec![format!("{id}_20250310T090000Z")]);

    let client: Client<HttpConnector, http_body_util::Full<bytes::Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let req = hyper::Request::post(format!("{}_sandbox/calendar/expire-sync-tokens", s.url))
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .unwrap();
    assert_eq!(client.request(req).await.unwrap().status(), 204);
    let gone = error_json(
        alice
            .events()
            .list("primary")
            .sync_token(&token)
            .doit()
            .await
            .unwrap_err(),
    );
    assert_eq!(gone["error"]["code"], 410);
    assert_eq!(gone["error"]["errors"][0]["reason"], "fullSyncRequired");

    // Nobody reads another person's calendar; bad requests are Google-shaped.
    let nf = error_json(bob.events().get(ALICE, &id).doit().await.unwrap_err());
    assert_eq!(nf["error"]["code"], 404);
    let bad = error_json(
        alice
            .events()
            .list("primary")
            .order_by("startTime")
            .doit()
            .await
            .unwrap_err(),
    );
    assert_eq!(bad["error"]["code"], 400);

    alice.events().delete("primary", &id).doit().await.unwrap();
    let (_, after) = bob
        .events()
        .list("primary")
        .single_events(true)
        .doit()
        .await
        .unwrap();
    assert!(after.items.unwrap_or_default().is_empty());
    s.stop().await;
}

#[tokio::test]
async fn watch_delivers_sync_then_exists_to_a_loopback_hook() {
    let s = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let alice = hub(&s, &add_person(&s, ALICE, "Europe/Berlin"));
    let (address, seen) = hook().await;
    let channel = Channel {
        id: Some("chan".into()),
        type_: Some("web_hook".into()),
        address: Some(address),
        token: Some("secret".into()),
        ..Default::default()
    };
    let (_, ch) = alice
        .events()
        .watch(channel, "primary")
        .doit()
        .await
        .unwrap();
    let got = wait_for(&seen, 1).await;
    assert_eq!(header(&got[0], "x-goog-resource-state"), Some("sync"));
    assert_eq!(header(&got[0], "x-goog-channel-token"), Some("secret"));
    assert_eq!(
        header(&got[0], "x-goog-resource-id"),
        ch.resource_id.as_deref()
    );

    let ev = Event {
        start: Some(at("2025-03-03T10:00:00+01:00")),
        end: Some(at("2025-03-03T11:00:00+01:00")),
        ..Default::default()
    };
    alice.events().insert(ev, "primary").doit().await.unwrap();
    let got = wait_for(&seen, 2).await;
    assert_eq!(header(&got[1], "x-goog-resource-state"), Some("exists"));
    assert_eq!(header(&got[1], "x-goog-message-number"), Some("2"));

    let off = Channel {
        id: Some("c2".into()),
        type_: Some("web_hook".into()),
        address: Some("https://example.com/hook".into()),
        ..Default::default()
    };
    let refused = error_json(
        alice
            .events()
            .watch(off, "primary")
            .doit()
            .await
            .unwrap_err(),
    );
    assert_eq!(refused["error"]["code"], 400);

    alice.channels().stop(ch).doit().await.unwrap();
    let unknown = Channel {
        id: Some("chan".into()),
        resource_id: Some("x".into()),
        ..Default::default()
    };
    let nf = error_json(alice.channels().stop(unknown).doit().await.unwrap_err());
    assert_eq!(nf["error"]["code"], 404);
    s.stop().await;
}
