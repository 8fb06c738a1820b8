//! Behaviour of the sandbox's Calendar v3 state: events, validation, attachments, attendee
//! copies, exceptions, listing, sync tokens and push channels (called without HTTP).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use oneonone_sandbox::calendar::{CalendarState, Env, Event, ListParams, UserInfo, WriteOptions};
use serde_json::{json, Value};

const ALICE: &str = "alice@example.com";
const BOB: &str = "bob@example.com";
const BASE: &str = "http://127.0.0.1:1/";

fn users() -> BTreeMap<String, UserInfo> {
    let mut m = BTreeMap::new();
    m.insert(
        ALICE.into(),
        UserInfo {
            name: "Alice".into(),
            time_zone: "Europe/Berlin".into(),
        },
    );
    m.insert(
        BOB.into(),
        UserInfo {
            name: "Bob".into(),
            time_zone: "America/New_York".into(),
        },
    );
    m
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 8, 0, 0).unwrap()
}

fn timed(start: &str, end: &str) -> Value {
    json!({
        "summary": "1:1",
        "start": {"dateTime": start, "timeZone": "Europe/Berlin"},
        "end": {"dateTime": end, "timeZone": "Europe/Berlin"},
    })
}

fn params(pairs: &[(&str, &str)]) -> ListParams {
    ListParams::from_pairs(pairs.iter().map(|(k, v)| (*k, v.to_string()))).unwrap()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

fn insert(s: &mut CalendarState, env: &mut Env<'_>, who: &str, body: Value) -> Event {
    s.insert_event(env, who, "primary", body, WriteOptions::default())
        .unwrap()
}

#[test]
fn insert_fills_server_fields_and_matches_the_generated_crate() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let ev = insert(
        &mut s,
        &mut env,
        ALICE,
        timed("2025-03-03T10:00:00+01:00", "2025-03-03T10:30:00+01:00"),
    );
    assert_eq!(ev.id.len(), 26);
    assert!(ev
        .id
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b)));
    assert_eq!(
        ev.ical_uid.as_deref(),
        Some(format!("{}@google.com", ev.id).as_str())
    );
    assert_eq!(ev.created.as_deref(), Some("2025-03-01T08:00:00.000Z"));
    assert!(ev.etag.starts_with('"') && ev.etag.ends_with('"'));
    assert!(ev
        .etag
        .trim_matches('"')
        .bytes()
        .all(|b| b.is_ascii_digit()));
    let v = serde_json::to_value(&ev).unwrap();
    assert_eq!(v["kind"], "calendar#event");
    assert_eq!(v["eventType"], "default");
    assert_eq!(v["reminders"], json!({"useDefault": true}));
    assert_eq!(
        v["organizer"],
        json!({"email": ALICE, "displayName": "Alice", "self": true})
    );
    let typed: google_calendar3::api::Event = serde_json::from_value(v).unwrap();
    assert_eq!(typed.id.as_deref(), Some(ev.id.as_str()));

    env.now = t0() + Duration::minutes(5);
    let patched = s
        .patch_event(
            &mut env,
            ALICE,
            ALICE,
            &ev.id,
            json!({"description": "agenda"}),
            WriteOptions::default(),
        )
        .unwrap();
    assert_ne!(patched.etag, ev.etag);
    assert_eq!(patched.sequence, 0, "no time change, no sequence bump");
    assert_eq!(patched.summary.as_deref(), Some("1:1"));
    let moved = s
        .patch_event(
            &mut env,
            ALICE,
            ALICE,
            &ev.id,
            json!({"start": {"dateTime": "2025-03-03T09:00:00+01:00"}}),
            WriteOptions::default(),
        )
        .unwrap();
    assert_eq!(moved.sequence, 1);
    assert_eq!(s.get_event(ALICE, "primary", &ev.id).unwrap(), moved);
}

#[test]
fn insert_rejects_what_google_rejects() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let mut err = |body: Value| {
        s.insert_event(&mut env, ALICE, "primary", body, WriteOptions::default())
            .unwrap_err()
    };
    let e = err(timed(
        "2025-03-03T10:00:00+01:00",
        "2025-03-03T09:00:00+01:00",
    ));
    assert_eq!((e.code, e.reason), (400, "timeRangeEmpty"));
    let e =
        err(json!({"start": {"date": "2025-03-03"}, "end": {"dateTime": "2025-03-04T00:00:00Z"}}));
    assert_eq!((e.code, e.reason), (400, "invalid"));
    let e = err(
        json!({"start": {"dateTime": "2025-03-03T10:00:00Z", "timeZone": "Nowhere/Land"}, "end": {"dateTime": "2025-03-03T11:00:00Z"}}),
    );
    assert_eq!(e.message, "Invalid time zone definition for start time.");
    let e = err(json!({"start": {"dateTime": "2025-03-03T10:00:00Z"}}));
    assert_eq!(e.message, "Missing end time.");
    let mut bad_rule = timed("2025-03-03T10:00:00+01:00", "2025-03-03T11:00:00+01:00");
    bad_rule["recurrence"] = json!(["RRULE:FREQ=FORTNIGHTLY"]);
    assert_eq!(err(bad_rule).message, "Invalid recurrence rule.");
    let no_zone = json!({
        "start": {"dateTime": "2025-03-03T10:00:00+01:00"}, "end": {"dateTime": "2025-03-03T11:00:00+01:00"},
        "recurrence": ["RRULE:FREQ=WEEKLY"]
    });
    assert_eq!(
        err(no_zone).message,
        "Missing time zone definition for start time."
    );
    let mut bad_id = timed("2025-03-03T10:00:00+01:00", "2025-03-03T11:00:00+01:00");
    bad_id["id"] = json!("Not_Valid!");
    assert_eq!(err(bad_id).message, "Invalid resource id value.");

    let mut good_id = timed("2025-03-03T10:00:00+01:00", "2025-03-03T11:00:00+01:00");
    good_id["id"] = json!("oneonone0abc123");
    let ev = s
        .insert_event(
            &mut env,
            ALICE,
            "primary",
            good_id.clone(),
            WriteOptions::default(),
        )
        .unwrap();
    assert_eq!(ev.id, "oneonone0abc123");
    let dup = s
        .insert_event(&mut env, ALICE, "primary", good_id, WriteOptions::default())
        .unwrap_err();
    assert_eq!((dup.code, dup.reason), (409, "duplicate"));
}

#[test]
fn attachments_need_supports_attachments_and_are_capped() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let doc = json!({"fileUrl": "https://docs.google.com/document/d/abc", "title": "1:1 notes"});
    let mut body = timed("2025-03-03T10:00:00+01:00", "2025-03-03T11:00:00+01:00");
    body["attachments"] = json!([doc]);
    let dropped = s
        .insert_event(
            &mut env,
            ALICE,
            "primary",
            body.clone(),
            WriteOptions::default(),
        )
        .unwrap();
    assert_eq!(
        dropped.attachments, None,
        "silently dropped without supportsAttachments"
    );

    let on = WriteOptions {
        supports_attachments: true,
    };
    let kept = s
        .insert_event(&mut env, ALICE, "primary", body, on)
        .unwrap();
    assert_eq!(kept.attachments.as_ref().map(Vec::len), Some(1));
    // A patch without the flag neither clears nor replaces them.
    let p = s
        .patch_event(
            &mut env,
            ALICE,
            "primary",
            &kept.id,
            json!({"attachments": []}),
            WriteOptions::default(),
        )
        .unwrap();
    assert_eq!(p.attachments.as_ref().map(Vec::len), Some(1));

    let many: Vec<Value> = (0..26)
        .map(|i| json!({"fileUrl": format!("https://x/{i}")}))
        .collect();
    let e = s
        .patch_event(
            &mut env,
            ALICE,
            "primary",
            &kept.id,
            json!({"attachments": many}),
            on,
        )
        .unwrap_err();
    assert_eq!(e.code, 400);
    let e = s
        .patch_event(
            &mut env,
            ALICE,
            "primary",
            &kept.id,
            json!({"attachments": [{"title": "x"}]}),
            on,
        )
        .unwrap_err();
    assert_eq!(e.code, 400);
    let max: Vec<Value> = (0..25)
        .map(|i| json!({"fileUrl": format!("https://x/{i}")}))
        .collect();
    let ok = s
        .patch_event(
            &mut env,
            ALICE,
            "primary",
            &kept.id,
            json!({"attachments": max}),
            on,
        )
        .unwrap();
    assert_eq!(ok.attachments.map(|a| a.len()), Some(25));
}

#[test]
fn attendee_copies_follow_the_organizer() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let mut body = timed("2025-03-03T10:00:00+01:00", "2025-03-03T10:30:00+01:00");
    body["attendees"] = json!([{"email": BOB}, {"email": "carol@elsewhere.org"}, {"email": ALICE}]);
    body["extendedProperties"] = json!({"private": {"mine": "alice"}, "shared": {"series": "s1"}});
    let ev = insert(&mut s, &mut env, ALICE, body);

    let bobs = s.get_event(BOB, "primary", &ev.id).unwrap();
    assert_eq!(bobs.organizer.as_ref().map(|o| o.is_self), Some(false));
    let me = |e: &Event, who: &str| {
        e.attendees
            .iter()
            .flatten()
            .find(|a| a.email.as_deref() == Some(who))
            .cloned()
            .unwrap()
    };
    assert!(me(&bobs, BOB).is_self);
    assert!(!me(&bobs, ALICE).is_self);
    assert!(me(&bobs, ALICE).organizer);
    assert_eq!(
        me(&bobs, BOB).response_status.as_deref(),
        Some("needsAction")
    );
    assert!(me(&ev, ALICE).is_self);
    assert_eq!(
        bobs.private_props(),
        None,
        "private properties stay on the organizer's copy"
    );
    assert_eq!(
        bobs.shared_props()
            .and_then(|m| m.get("series"))
            .map(String::as_str),
        Some("s1")
    );
    // The external attendee has no sandbox calendar, and nobody reads another's calendar.
    assert_eq!(s.get_event(ALICE, BOB, &ev.id).unwrap_err().code, 404);

    // Bob's private property survives the organizer's changes.
    s.patch_event(
        &mut env,
        BOB,
        "primary",
        &ev.id,
        json!({"extendedProperties": {"private": {"mine": "bob"}}}),
        WriteOptions::default(),
    )
    .unwrap();
    s.patch_event(
        &mut env,
        ALICE,
        "primary",
        &ev.id,
        json!({"summary": "Alice / Bob"}),
        WriteOptions::default(),
    )
    .unwrap();
    let bobs = s.get_event(BOB, "primary", &ev.id).unwrap();
    assert_eq!(bobs.summary.as_deref(), Some("Alice / Bob"));
    assert_eq!(
        bobs.private_props()
            .and_then(|m| m.get("mine"))
            .map(String::as_str),
        Some("bob")
    );
    let alices = s.get_event(ALICE, "primary", &ev.id).unwrap();
    assert_eq!(
        alices
            .private_props()
            .and_then(|m| m.get("mine"))
            .map(String::as_str),
        Some("alice")
    );

    // Bob's answer reaches the organizer; his other edits stay on his copy.
    let mut attendees = serde_json::to_value(&bobs.attendees).unwrap();
    for a in attendees.as_array_mut().unwrap() {
        if a["email"] == BOB {
            a["responseStatus"] = json!("accepted");
        }
    }
    s.patch_event(
        &mut env,
        BOB,
        "primary",
        &ev.id,
        json!({"attendees": attendees, "summary": "bob's title"}),
        WriteOptions::default(),
    )
    .unwrap();
    let alices = s.get_event(ALICE, "primary", &ev.id).unwrap();
    assert_eq!(
        me(&alices, BOB).response_status.as_deref(),
        Some("accepted")
    );
    assert_eq!(alices.summary.as_deref(), Some("Alice / Bob"));

    // Removing Bob cancels his copy.
    s.patch_event(
        &mut env,
        ALICE,
        "primary",
        &ev.id,
        json!({"attendees": [{"email": ALICE}]}),
        WriteOptions::default(),
    )
    .unwrap();
    let bobs = s.get_event(BOB, "primary", &ev.id).unwrap();
    assert_eq!(serde_json::to_value(bobs.status).unwrap(), "cancelled");
}

fn weekly(s: &mut CalendarState, env: &mut Env<'_>) -> Event {
    let mut body = timed("2025-03-03T10:00:00", "2025-03-03T10:30:00");
    body["recurrence"] = json!(["RRULE:FREQ=WEEKLY;COUNT=6"]);
    body["attendees"] = json!([{"email": ALICE}, {"email": BOB}]);
    insert(s, env, ALICE, body)
}

#[test]
fn instance_edits_and_deletes_become_exceptions() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let m = weekly(&mut s, &mut env);
    let all = s
        .list_instances(&env, ALICE, "primary", &m.id, &params(&[]))
        .unwrap();
    let inst = ids(&all);
    assert_eq!(inst.len(), 6);
    // 10:00 Berlin is 09:00Z before DST (30 March) and 08:00Z after.
    assert_eq!(inst[0], format!("{}_20250303T090000Z", m.id));
    assert_eq!(inst[5], format!("{}_20250407T080000Z", m.id));
    assert_eq!(
        all["items"][5]["start"]["dateTime"],
        "2025-04-07T10:00:00+02:00"
    );
    assert_eq!(
        all["items"][5]["originalStartTime"]["dateTime"],
        "2025-04-07T10:00:00+02:00"
    );

    // Move the second occurrence: an exception under the instance id.
    let moved = s
        .patch_event(&mut env, ALICE, "primary", &inst[1], json!({"start": {"dateTime": "2025-03-11T15:00:00+01:00"}, "end": {"dateTime": "2025-03-11T15:30:00+01:00"}}), WriteOptions::default())
        .unwrap();
    assert_eq!(moved.id, inst[1]);
    assert_eq!(moved.recurring_event_id.as_deref(), Some(m.id.as_str()));
    assert_eq!(
        moved
            .original_start_time
            .as_ref()
            .and_then(|o| o.date_time.as_deref()),
        Some("2025-03-10T10:00:00+01:00")
    );
    assert_eq!(moved.sequence, 1);
    assert_eq!(moved.recurrence, None);
    // The attendee sees the exception too.
    assert_eq!(
        s.get_event(BOB, "primary", &inst[1]).unwrap().start,
        moved.start
    );

    // Cancel the third one.
    s.delete_event(&mut env, ALICE, "primary", &inst[2])
        .unwrap();
    assert_eq!(
        s.delete_event(&mut env, ALICE, "primary", &inst[2])
            .unwrap_err()
            .code,
        410
    );
    let now = s
        .list_instances(&env, ALICE, "primary", &m.id, &params(&[]))
        .unwrap();
    assert_eq!(ids(&now).len(), 5);
    assert_eq!(
        now["items"][1]["start"]["dateTime"],
        "2025-03-11T15:00:00+01:00"
    );
    let with_deleted = s
        .list_instances(
            &env,
            ALICE,
            "primary",
            &m.id,
            &params(&[("showDeleted", "true")]),
        )
        .unwrap();
    assert_eq!(
        with_deleted["items"][2],
        json!({
            "kind": "calendar#event", "etag": with_deleted["items"][2]["etag"], "id": inst[2], "status": "cancelled",
            "updated": "2025-03-01T08:00:00.000Z", "recurringEventId": m.id,
            "originalStartTime": {"dateTime": "2025-03-17T10:00:00+01:00", "timeZone": "Europe/Berlin"},
            "sequence": 0,
        })
    );

    // Without singleEvents: master + both exceptions (the cancelled one too, like Google).
    let raw = s.list_events(&env, BOB, "primary", &params(&[])).unwrap();
    assert_eq!(ids(&raw).len(), 3);
    let single = s
        .list_events(
            &env,
            BOB,
            "primary",
            &params(&[("singleEvents", "true"), ("orderBy", "startTime")]),
        )
        .unwrap();
    assert_eq!(ids(&single).len(), 5);
    let typed: google_calendar3::api::Events = serde_json::from_value(single).unwrap();
    assert_eq!(typed.items.map(|i| i.len()), Some(5));

    // Deleting the master cancels the series and its exceptions everywhere.
    s.delete_event(&mut env, ALICE, "primary", &m.id).unwrap();
    assert!(ids(&s
        .list_events(&env, BOB, "primary", &params(&[("singleEvents", "true")]))
        .unwrap())
    .is_empty());
    assert_eq!(
        s.get_event(BOB, "primary", &inst[1]).unwrap().status,
        s.get_event(BOB, "primary", &m.id).unwrap().status
    );
    assert_eq!(
        s.get_event(ALICE, "primary", &inst[3]).unwrap_err().code,
        404
    );
}

#[test]
fn list_filters_window_and_order() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let mut a = timed("2025-03-05T10:00:00+01:00", "2025-03-05T11:00:00+01:00");
    a["extendedProperties"] = json!({"private": {"oneononeSeries": "x"}, "shared": {"k": "v"}});
    let a = insert(&mut s, &mut env, ALICE, a);
    let b = insert(
        &mut s,
        &mut env,
        ALICE,
        timed("2025-03-04T10:00:00+01:00", "2025-03-04T11:00:00+01:00"),
    );
    let m = weekly(&mut s, &mut env);

    let by_private = s
        .list_events(
            &env,
            ALICE,
            "primary",
            &params(&[("privateExtendedProperty", "oneononeSeries=x")]),
        )
        .unwrap();
    assert_eq!(ids(&by_private), vec![a.id.clone()]);
    let both = params(&[
        ("privateExtendedProperty", "oneononeSeries=x"),
        ("sharedExtendedProperty", "k=other"),
    ]);
    assert!(ids(&s.list_events(&env, ALICE, "primary", &both).unwrap()).is_empty());

    // timeMin is compared with ends, timeMax with starts (overlap).
    let window = params(&[
        ("timeMin", "2025-03-04T10:30:00+01:00"),
        ("timeMax", "2025-03-05T10:00:00+01:00"),
    ]);
    assert_eq!(
        ids(&s.list_events(&env, ALICE, "primary", &window).unwrap()),
        vec![b.id.clone()]
    );
    let ordered = s
        .list_events(
            &env,
            ALICE,
            "primary",
            &params(&[
                ("singleEvents", "true"),
                ("orderBy", "startTime"),
                ("timeMax", "2025-03-11T00:00:00Z"),
            ]),
        )
        .unwrap();
    assert_eq!(
        ids(&ordered),
        vec![
            format!("{}_20250303T090000Z", m.id),
            b.id.clone(),
            a.id.clone(),
            format!("{}_20250310T090000Z", m.id)
        ]
    );
    let e = s
        .list_events(&env, ALICE, "primary", &params(&[("orderBy", "startTime")]))
        .unwrap_err();
    assert_eq!(e.code, 400);
    let q = s
        .list_events(&env, ALICE, "primary", &params(&[("q", "BOB@example")]))
        .unwrap();
    assert_eq!(ids(&q), vec![m.id.clone()]);
}

#[test]
fn sync_tokens_page_and_expire() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let evs: Vec<Event> = (0..5)
        .map(|i| {
            insert(
                &mut s,
                &mut env,
                ALICE,
                timed(
                    &format!("2025-03-0{}T10:00:00+01:00", i + 3),
                    &format!("2025-03-0{}T11:00:00+01:00", i + 3),
                ),
            )
        })
        .collect();

    // Full sync in pages of 2: nextSyncToken only on the last page.
    let token;
    let mut seen = Vec::new();
    let mut page_token: Option<String> = None;
    loop {
        let mut p = params(&[("maxResults", "2")]);
        p.page_token = page_token.clone();
        let page = s.list_events(&env, ALICE, "primary", &p).unwrap();
        seen.extend(ids(&page));
        match page["nextPageToken"].as_str() {
            Some(t) => {
                assert!(page.get("nextSyncToken").is_none());
                page_token = Some(t.to_string());
            }
            None => {
                token = page["nextSyncToken"].as_str().map(str::to_string);
                break;
            }
        }
    }
    assert_eq!(seen.len(), 5);
    let token = token.unwrap();

    // Nothing changed: empty increment with a token.
    let mut inc = params(&[]);
    inc.sync_token = Some(token.clone());
    let empty = s.list_events(&env, ALICE, "primary", &inc).unwrap();
    assert!(ids(&empty).is_empty());
    assert!(empty["nextSyncToken"].is_string());

    s.patch_event(
        &mut env,
        ALICE,
        "primary",
        &evs[1].id,
        json!({"summary": "changed"}),
        WriteOptions::default(),
    )
    .unwrap();
    s.delete_event(&mut env, ALICE, "primary", &evs[3].id)
        .unwrap();
    let changes = s.list_events(&env, ALICE, "primary", &inc).unwrap();
    assert_eq!(ids(&changes), vec![evs[1].id.clone(), evs[3].id.clone()]);
    assert_eq!(changes["items"][1]["status"], "cancelled");
    // The deleted event is gone from a normal listing.
    assert_eq!(
        ids(&s.list_events(&env, ALICE, "primary", &params(&[])).unwrap()).len(),
        4
    );

    // Incremental pages: same syncToken + pageToken; nextSyncToken on the last page only.
    let mut p1 = params(&[("maxResults", "1")]);
    p1.sync_token = Some(token.clone());
    let first = s.list_events(&env, ALICE, "primary", &p1).unwrap();
    assert_eq!(ids(&first), vec![evs[1].id.clone()]);
    assert!(first.get("nextSyncToken").is_none());
    p1.page_token = first["nextPageToken"].as_str().map(str::to_string);
    let second = s.list_events(&env, ALICE, "primary", &p1).unwrap();
    assert_eq!(ids(&second), vec![evs[3].id.clone()]);
    let next = second["nextSyncToken"].as_str().unwrap().to_string();
    let mut after = params(&[]);
    after.sync_token = Some(next);
    assert!(ids(&s.list_events(&env, ALICE, "primary", &after).unwrap()).is_empty());

    let mut combined = params(&[("timeMin", "2025-01-01T00:00:00Z")]);
    combined.sync_token = Some(token.clone());
    assert_eq!(
        s.list_events(&env, ALICE, "primary", &combined)
            .unwrap_err()
            .code,
        400
    );
    // Another user's token, garbage and expired tokens: 410 fullSyncRequired.
    assert_eq!(
        s.list_events(&env, BOB, "primary", &inc).unwrap_err().code,
        410
    );
    let mut garbage = params(&[]);
    garbage.sync_token = Some("garbage".into());
    assert_eq!(
        s.list_events(&env, ALICE, "primary", &garbage)
            .unwrap_err()
            .reason,
        "fullSyncRequired"
    );
    s.expire_sync_tokens();
    let e = s.list_events(&env, ALICE, "primary", &inc).unwrap_err();
    assert_eq!(
        (e.code, e.reason, e.message.as_str()),
        (
            410,
            "fullSyncRequired",
            "Sync token is no longer valid, a full sync is required."
        )
    );
}

#[test]
fn watch_queues_sync_then_exists() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let ch = s
        .watch(&mut env, ALICE, "primary", json!({"id": "chan-1", "type": "web_hook", "address": "http://127.0.0.1:9999/hook", "token": "tok"}))
        .unwrap();
    assert_eq!(ch["kind"], "api#channel");
    assert_eq!(
        ch["expiration"],
        json!((t0() + Duration::days(7)).timestamp_millis().to_string())
    );
    let typed: google_calendar3::api::Channel = serde_json::from_value(ch.clone()).unwrap();
    assert_eq!(typed.token.as_deref(), Some("tok"));
    fn header(env: &Env<'_>, i: usize, name: &str) -> Option<String> {
        env.outbox[i]
            .headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
    assert_eq!(env.outbox.len(), 1);
    assert_eq!(
        header(&env, 0, "X-Goog-Resource-State").as_deref(),
        Some("sync")
    );
    assert_eq!(
        header(&env, 0, "X-Goog-Message-Number").as_deref(),
        Some("1")
    );
    assert_eq!(
        header(&env, 0, "X-Goog-Channel-Token").as_deref(),
        Some("tok")
    );
    assert_eq!(
        header(&env, 0, "X-Goog-Resource-ID").as_deref(),
        ch["resourceId"].as_str()
    );

    let mut body = timed("2025-03-03T10:00:00+01:00", "2025-03-03T10:30:00+01:00");
    body["attendees"] = json!([{"email": BOB}]);
    insert(&mut s, &mut env, BOB, body);
    assert_eq!(env.outbox.len(), 1, "Bob's calendar is not watched");
    insert(
        &mut s,
        &mut env,
        ALICE,
        timed("2025-03-03T12:00:00+01:00", "2025-03-03T12:30:00+01:00"),
    );
    assert_eq!(env.outbox.len(), 2);
    assert_eq!(
        header(&env, 1, "X-Goog-Resource-State").as_deref(),
        Some("exists")
    );
    assert_eq!(
        header(&env, 1, "X-Goog-Message-Number").as_deref(),
        Some("2")
    );

    let e = s
        .watch(
            &mut env,
            ALICE,
            "primary",
            json!({"id": "chan-2", "type": "web_hook", "address": "https://example.com/hook"}),
        )
        .unwrap_err();
    assert_eq!(e.code, 400);
    assert!(e.message.contains("loopback"));
    assert_eq!(
        s.stop_channel(json!({"id": "nope", "resourceId": "x"}))
            .unwrap_err()
            .code,
        404
    );
    s.stop_channel(json!({"id": "chan-1", "resourceId": ch["resourceId"]}))
        .unwrap();
    insert(
        &mut s,
        &mut env,
        ALICE,
        timed("2025-03-04T12:00:00+01:00", "2025-03-04T12:30:00+01:00"),
    );
    assert_eq!(env.outbox.len(), 2, "a stopped channel gets nothing");
}

#[test]
fn ten_thousand_events_list_in_pages() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    for i in 0..10_000 {
        let day = t0() + Duration::hours(i);
        let body = json!({
            "start": {"dateTime": day.to_rfc3339()},
            "end": {"dateTime": (day + Duration::minutes(30)).to_rfc3339()},
        });
        insert(&mut s, &mut env, ALICE, body);
    }
    let started = std::time::Instant::now();
    let mut total = 0;
    let mut p = params(&[("maxResults", "2500")]);
    loop {
        let page = s.list_events(&env, ALICE, "primary", &p).unwrap();
        total += ids(&page).len();
        match page["nextPageToken"].as_str() {
            Some(t) => p.page_token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(total, 10_000);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "listing took {:?}",
        started.elapsed()
    );
}

#[test]
fn old_daily_series_still_expand_in_a_recent_window() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let mut body = timed("2005-01-03T09:00:00", "2005-01-03T09:15:00");
    body["recurrence"] = json!(["RRULE:FREQ=DAILY"]);
    let m = insert(&mut s, &mut env, ALICE, body);
    // Over 7,000 occurrences precede this window.
    let p = params(&[
        ("singleEvents", "true"),
        ("timeMin", "2025-03-03T00:00:00Z"),
        ("timeMax", "2025-03-05T00:00:00Z"),
    ]);
    let listed = ids(&s.list_events(&env, ALICE, "primary", &p).unwrap());
    assert_eq!(
        listed,
        vec![
            format!("{}_20250303T080000Z", m.id),
            format!("{}_20250304T080000Z", m.id)
        ]
    );
    let far = format!("{}_20250304T080000Z", m.id);
    assert_eq!(s.get_event(ALICE, "primary", &far).unwrap().id, far);
    assert_eq!(
        s.get_event(ALICE, "primary", &format!("{}_20250304T090000Z", m.id))
            .unwrap_err()
            .code,
        404
    );
}

#[test]
fn cutting_a_series_short_hides_its_later_exceptions() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let m = weekly(&mut s, &mut env);
    let fifth = format!("{}_20250331T080000Z", m.id);
    s.patch_event(
        &mut env,
        ALICE,
        "primary",
        &fifth,
        json!({"summary": "special"}),
        WriteOptions::default(),
    )
    .unwrap();
    // "This and following" from the fourth occurrence, done the way clients do it.
    s.patch_event(
        &mut env,
        ALICE,
        "primary",
        &m.id,
        json!({"recurrence": ["RRULE:FREQ=WEEKLY;UNTIL=20250323T225959Z"]}),
        WriteOptions::default(),
    )
    .unwrap();
    let listed = ids(&s
        .list_instances(&env, ALICE, "primary", &m.id, &params(&[]))
        .unwrap());
    assert_eq!(listed.len(), 3);
    assert!(!listed.contains(&fifth));
    assert_eq!(
        s.get_event(ALICE, "primary", &m.id).unwrap().sequence,
        1,
        "recurrence change bumps sequence"
    );
}

#[test]
fn state_survives_a_save_and_load() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let m = weekly(&mut s, &mut env);
    s.delete_event(
        &mut env,
        ALICE,
        "primary",
        &format!("{}_20250310T090000Z", m.id),
    )
    .unwrap();
    let full = s.list_events(&env, BOB, "primary", &params(&[])).unwrap();
    let saved = serde_json::to_string(&s).unwrap();
    let loaded: CalendarState = serde_json::from_str(&saved).unwrap();
    assert_eq!(
        loaded
            .list_events(&env, BOB, "primary", &params(&[]))
            .unwrap(),
        full
    );
    // Sync tokens minted before the save stay valid after it.
    let mut inc = params(&[]);
    inc.sync_token = full["nextSyncToken"].as_str().map(str::to_string);
    assert!(ids(&loaded.list_events(&env, BOB, "primary", &inc).unwrap()).is_empty());
}

#[test]
fn show_deleted_updated_min_and_ical_uid() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let a = insert(
        &mut s,
        &mut env,
        ALICE,
        timed("2025-03-03T10:00:00+01:00", "2025-03-03T11:00:00+01:00"),
    );
    env.now = t0() + Duration::hours(1);
    let b = insert(
        &mut s,
        &mut env,
        ALICE,
        timed("2025-03-04T10:00:00+01:00", "2025-03-04T11:00:00+01:00"),
    );
    s.delete_event(&mut env, ALICE, "primary", &a.id).unwrap();
    assert_eq!(
        ids(&s.list_events(&env, ALICE, "primary", &params(&[])).unwrap()),
        vec![b.id.clone()]
    );
    let deleted = s
        .list_events(&env, ALICE, "primary", &params(&[("showDeleted", "true")]))
        .unwrap();
    assert_eq!(ids(&deleted), vec![a.id.clone(), b.id.clone()]);
    assert_eq!(deleted["items"][0]["status"], "cancelled");
    let recent = params(&[
        ("updatedMin", "2025-03-01T08:30:00Z"),
        ("showDeleted", "true"),
    ]);
    assert_eq!(
        ids(&s.list_events(&env, ALICE, "primary", &recent).unwrap()),
        vec![a.id.clone(), b.id.clone()]
    );
    let recent = params(&[("updatedMin", "2025-03-01T08:30:00Z")]);
    assert_eq!(
        ids(&s.list_events(&env, ALICE, "primary", &recent).unwrap()),
        vec![b.id.clone()]
    );
    let uid = format!("{}@google.com", b.id);
    assert_eq!(
        ids(&s
            .list_events(&env, ALICE, "primary", &params(&[("iCalUID", &uid)]))
            .unwrap()),
        vec![b.id.clone()]
    );
}

#[test]
fn date_times_are_answered_in_the_event_zone() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let ev = insert(
        &mut s,
        &mut env,
        ALICE,
        timed("2025-07-01T08:00:00Z", "2025-07-01T10:30:00"),
    );
    assert_eq!(
        ev.start.as_ref().and_then(|t| t.date_time.as_deref()),
        Some("2025-07-01T10:00:00+02:00")
    );
    assert_eq!(
        ev.end.as_ref().and_then(|t| t.date_time.as_deref()),
        Some("2025-07-01T10:30:00+02:00")
    );
}

/// Conformance: Google documents no horizon for `events.instances` or `singleEvents=true`
/// listings (developers.google.com/calendar/api/v3/reference/events/instances: `timeMax` is
/// optional, results are paged with `nextPageToken`); an endless series keeps paging as far as
/// the client asks. The sandbox used to stop at now + 730 days.
#[test]
fn an_endless_series_pages_past_two_years() {
    let dir = users();
    let mut env = Env::new(t0(), BASE, &dir);
    let mut s = CalendarState::default();
    let mut body = timed("2025-03-03T10:00:00", "2025-03-03T10:30:00");
    body["recurrence"] = json!(["RRULE:FREQ=WEEKLY"]);
    body["attendees"] = json!([{"email": ALICE}, {"email": BOB}]);
    let m = insert(&mut s, &mut env, ALICE, body);

    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    while seen.len() < 300 {
        let mut p = vec![("maxResults", "100".to_string())];
        if let Some(t) = &token {
            p.push(("pageToken", t.clone()));
        }
        let page = s
            .list_instances(
                &env,
                ALICE,
                "primary",
                &m.id,
                &ListParams::from_pairs(p).unwrap(),
            )
            .unwrap();
        let got = ids(&page);
        assert_eq!(got.len(), 100, "every page of an endless series is full");
        seen.extend(got);
        token = page["nextPageToken"].as_str().map(String::from);
        assert!(token.is_some(), "an endless series always has a next page");
    }
    // The 300th weekly instance is 299 weeks after the first: late 2030.
    let last = seen.last().unwrap();
    assert!(last.ends_with("20301125T090000Z"), "{last}");

    // The same for a singleEvents listing without timeMax.
    let page = s
        .list_events(
            &env,
            ALICE,
            "primary",
            &params(&[
                ("singleEvents", "true"),
                ("maxResults", "200"),
                ("orderBy", "startTime"),
            ]),
        )
        .unwrap();
    assert_eq!(ids(&page).len(), 200);
    assert!(page["nextPageToken"].is_string());
}
