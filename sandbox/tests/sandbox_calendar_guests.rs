//! Conformance: what a guest may change on an event they do not organise, and where it lands
//! (Google's Events reference, `guestsCanModify`: "Whether attendees other than the organizer
//! can modify the event. Optional. The default is False."; the GData specification of the
//! flag: otherwise "any changes made by attendees will be restricted to that attendee's
//! calendar"; a guest's change of shared properties answers 403 `forbiddenForNonOrganizer`,
//! "Shared properties can only be changed by the organizer of the event.", as captured in
//! kewisch/gdata-provider#426). Also the organizer's copy and the guest's copy: one event id on
//! both calendars, and an attachment the organizer adds is seen by the guest.

use chrono::{TimeZone, Utc};
use google_calendar3::api::{Event, EventAttachment, EventExtendedProperties};
use oneonone_sandbox::company::{ALICE, BOB, TIME_ZONE};
use oneonone_sandbox::people::Person;
use oneonone_sandbox::{Sandbox, SandboxClient, TestCompany};
use std::collections::HashMap;

async fn company() -> (Sandbox, Person, Person) {
    let sandbox = Sandbox::start(oneonone_sandbox::company::sandbox_options())
        .await
        .expect("sandbox");
    let control = SandboxClient::new(&sandbox.url);
    let co = TestCompany::stand_up(&control).await.expect("company");
    let bob = co.person(BOB).await.expect("bob");
    let alice = co.person(ALICE).await.expect("alice");
    (sandbox, bob, alice)
}

/// Bob's weekly 1-1 with Alice, organised by Bob.
async fn bobs_series(bob: &Person, guests_can_modify: bool) -> String {
    let created = bob
        .create_recurring(
            "Bob / Alice",
            &[ALICE],
            Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
            30,
            TIME_ZONE,
            &["RRULE:FREQ=WEEKLY;BYDAY=TU"],
        )
        .await
        .expect("series");
    let id = created.id.expect("id");
    if guests_can_modify {
        let patch = Event {
            guests_can_modify: Some(true),
            ..Default::default()
        };
        bob.patch_event(&id, patch)
            .await
            .expect("set guestsCanModify");
    }
    id
}

fn attachment(file: &str) -> EventAttachment {
    EventAttachment {
        file_id: Some(file.into()),
        file_url: Some(format!("https://docs.google.com/document/d/{file}/edit")),
        ..Default::default()
    }
}

async fn attachments(p: &Person, id: &str) -> Vec<String> {
    let (_, ev) = p
        .calendar
        .events()
        .get("primary", id)
        .doit()
        .await
        .expect("events.get");
    ev.attachments
        .unwrap_or_default()
        .into_iter()
        .filter_map(|a| a.file_id)
        .collect()
}

#[tokio::test]
async fn both_calendars_hold_the_event_under_one_id_and_the_guest_sees_the_organizers_attachment() {
    let (_s, bob, alice) = company().await;
    let id = bobs_series(&bob, false).await;
    let (_, mine) = alice
        .calendar
        .events()
        .get("primary", &id)
        .doit()
        .await
        .expect("guest copy");
    assert_eq!(mine.id.as_deref(), Some(id.as_str()));
    let organizer = mine.organizer.expect("organizer");
    assert_eq!(organizer.email.as_deref(), Some(BOB));
    assert_ne!(organizer.self_, Some(true), "not self on the guest's copy");
    bob.attach_file(&id, attachment("doc1"))
        .await
        .expect("organizer attaches");
    assert_eq!(attachments(&alice, &id).await, ["doc1"]);
}

#[tokio::test]
async fn without_guests_can_modify_a_guests_change_stays_on_their_copy() {
    let (_s, bob, alice) = company().await;
    let id = bobs_series(&bob, false).await;
    alice
        .attach_file(&id, attachment("mine"))
        .await
        .expect("Google accepts the guest's write");
    assert_eq!(attachments(&alice, &id).await, ["mine"]);
    assert!(
        attachments(&bob, &id).await.is_empty(),
        "the organizer's copy is untouched"
    );
}

#[tokio::test]
async fn without_guests_can_modify_shared_properties_are_the_organizers_alone() {
    let (_s, bob, alice) = company().await;
    let id = bobs_series(&bob, false).await;
    let patch = Event {
        extended_properties: Some(EventExtendedProperties {
            shared: Some(HashMap::from([("k".to_string(), "v".to_string())])),
            private: None,
        }),
        ..Default::default()
    };
    let err = alice
        .patch_event(&id, patch.clone())
        .await
        .expect_err("refused");
    let text = err.to_string();
    assert!(
        text.contains("Shared properties can only be changed by the organizer"),
        "{text}"
    );
    bob.patch_event(&id, patch)
        .await
        .expect("the organizer may");
}

#[tokio::test]
async fn with_guests_can_modify_a_guests_change_reaches_the_organizer() {
    let (_s, bob, alice) = company().await;
    let id = bobs_series(&bob, true).await;
    alice
        .attach_file(&id, attachment("ours"))
        .await
        .expect("guest attaches");
    assert_eq!(attachments(&bob, &id).await, ["ours"]);
    assert_eq!(attachments(&alice, &id).await, ["ours"]);
    // Per-calendar fields stay on the guest's copy.
    let patch = Event {
        color_id: Some("5".into()),
        ..Default::default()
    };
    alice.patch_event(&id, patch).await.expect("colour");
    let (_, organizers) = bob
        .calendar
        .events()
        .get("primary", &id)
        .doit()
        .await
        .expect("get");
    assert_eq!(organizers.color_id, None);
    let (_, mine) = alice
        .calendar
        .events()
        .get("primary", &id)
        .doit()
        .await
        .expect("get");
    assert_eq!(
        mine.color_id.as_deref(),
        Some("5"),
        "kept on the guest's copy"
    );
}
