use super::*;
use crate::domain::event::{Attendee, Event, ResponseStatus};
use serde_json::json;

const ALICE: &str = "alice@example.com";

fn one_on_one() -> serde_json::Value {
    json!({
        "id": "abc123",
        "status": "confirmed",
        "summary": "Alice / Bob 1:1",
        "organizer": {"email": ALICE, "self": true},
        "attendees": [
            {"email": ALICE, "self": true, "organizer": true, "responseStatus": "accepted"},
            {"email": "bob@example.com", "responseStatus": "needsAction"}
        ],
        "start": {"dateTime": "2026-11-24T10:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-11-24T10:30:00+01:00", "timeZone": "Europe/Berlin"},
        "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU"],
        "eventType": "default"
    })
}

fn event(v: serde_json::Value) -> Event {
    Event::from_json(&v).expect("test event parses")
}

fn failed(d: &Detection) -> Vec<Rule> {
    d.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.rule)
        .collect()
}

#[test]
fn a_plain_weekly_one_on_one_is_detected() {
    let d = detect(&event(one_on_one()), ALICE, &DetectionRules::default());
    assert!(d.is_one_on_one, "{d}");
    assert_eq!(d.checks.len(), 9, "every rule is reported");
    let text = d.to_string();
    assert!(text.starts_with("a 1-1 series\n"), "{text}");
    assert!(
        text.contains("[pass] recurring: RRULE:FREQ=WEEKLY;BYDAY=TU\n"),
        "{text}"
    );
    assert!(
        text.contains("[pass] exactly two people: alice@example.com and bob@example.com\n"),
        "{text}"
    );
    assert!(
        text.contains("bob@example.com has not answered yet"),
        "{text}"
    );
    let other = other_attendee(&event(one_on_one()), "ALICE@example.com").map(|a| a.email.clone());
    assert_eq!(other, Some(Some("bob@example.com".to_string())));
}

#[test]
fn every_rule_is_evaluated_even_after_a_failure() {
    let mut v = one_on_one();
    v["recurrence"] = json!([]);
    v["status"] = json!("cancelled");
    v["eventType"] = json!("focusTime");
    v["start"] = json!({"date": "2026-11-24"});
    let d = detect(&event(v), ALICE, &DetectionRules::default());
    assert!(!d.is_one_on_one);
    assert_eq!(
        failed(&d),
        vec![
            Rule::Recurring,
            Rule::NotCancelled,
            Rule::NotAllDay,
            Rule::DefaultEventType
        ]
    );
}

#[test]
fn rooms_do_not_count_but_third_person_does() {
    let mut v = one_on_one();
    v["attendees"]
        .as_array_mut()
        .unwrap()
        .push(json!({"email": "room-1@resource.calendar.google.com", "resource": true}));
    let d = detect(&event(v.clone()), ALICE, &DetectionRules::default());
    assert!(d.is_one_on_one, "{d}");
    assert!(d.to_string().contains("room"), "{d}");

    v["attendees"]
        .as_array_mut()
        .unwrap()
        .push(json!({"email": "carol@example.com", "optional": true}));
    let d = detect(&event(v), ALICE, &DetectionRules::default());
    assert_eq!(failed(&d), vec![Rule::TwoPeople]);
    assert!(d.to_string().contains("3 people"), "{d}");
}

#[test]
fn attendee_less_and_only_self_fail() {
    let mut v = one_on_one();
    v["attendees"] = json!([]);
    assert_eq!(
        failed(&detect(&event(v.clone()), ALICE, &Default::default())),
        vec![Rule::TwoPeople]
    );
    v["attendees"] = json!([{"email": ALICE, "self": true}]);
    assert_eq!(
        failed(&detect(&event(v), ALICE, &Default::default())),
        vec![Rule::TwoPeople]
    );
}

#[test]
fn two_others_without_the_served_user_fail() {
    let mut v = one_on_one();
    v["attendees"] = json!([{"email": "bob@example.com"}, {"email": "carol@example.com"}]);
    let e = event(v);
    assert_eq!(
        failed(&detect(&e, ALICE, &Default::default())),
        vec![Rule::TwoPeople]
    );
    assert!(other_attendee(&e, ALICE).is_none());
}

#[test]
fn a_one_on_one_the_other_person_organises_counts() {
    let mut v = one_on_one();
    v["organizer"] = json!({"email": "bob@example.com"});
    v["attendees"][0]["organizer"] = json!(false);
    v["attendees"][1]["organizer"] = json!(true);
    let e = event(v);
    let d = detect(&e, ALICE, &DetectionRules::default());
    assert!(d.is_one_on_one, "{d}");
    assert!(
        d.to_string()
            .contains("organizer is bob@example.com; alice@example.com is a guest"),
        "{d}"
    );
    assert_eq!(
        organizer_email(&e, ALICE).as_deref(),
        Some("bob@example.com")
    );
    let mine = event(one_on_one());
    assert_eq!(organizer_email(&mine, ALICE).as_deref(), Some(ALICE));
}

#[test]
fn an_event_without_organizer_email_fails() {
    let mut v = one_on_one();
    v["organizer"] = json!({"displayName": "someone"});
    let d = detect(&event(v), ALICE, &DetectionRules::default());
    assert_eq!(failed(&d), vec![Rule::OrganizerKnown]);
}

#[test]
fn the_served_guest_declining_fails() {
    let mut v = one_on_one();
    v["organizer"] = json!({"email": "bob@example.com"});
    v["attendees"][0]["responseStatus"] = json!("declined");
    let d = detect(&event(v), ALICE, &DetectionRules::default());
    assert_eq!(failed(&d), vec![Rule::NobodyDeclined]);
}

#[test]
fn organizer_and_declines() {
    let mut v = one_on_one();
    v["organizer"] = json!({"email": "bob@example.com"});
    v["attendees"][1]["responseStatus"] = json!("declined");
    let d = detect(&event(v), ALICE, &DetectionRules::default());
    assert_eq!(failed(&d), vec![Rule::NobodyDeclined]);
    let text = d.to_string();
    assert!(
        text.contains("[FAIL] nobody declined: declined: bob@example.com"),
        "{text}"
    );
}

#[test]
fn title_patterns_are_case_insensitive() {
    let rules = DetectionRules::new(&["1:1", "one.on.one"], &["interview"]).unwrap();
    let mut v = one_on_one();
    v["summary"] = json!("Alice / Bob ONE ON ONE");
    assert!(detect(&event(v.clone()), ALICE, &rules).is_one_on_one);
    v["summary"] = json!("Weekly sync");
    assert_eq!(
        failed(&detect(&event(v.clone()), ALICE, &rules)),
        vec![Rule::TitleIncluded]
    );
    v["summary"] = json!("1:1 INTERVIEW debrief");
    assert_eq!(
        failed(&detect(&event(v), ALICE, &rules)),
        vec![Rule::TitleNotExcluded]
    );
    let err = DetectionRules::new(&["("], &[]).unwrap_err();
    assert!(err.to_string().contains("`(`"), "{err}");
}

#[test]
fn an_instance_is_pointed_at_its_series() {
    let mut v = one_on_one();
    v["recurrence"] = json!([]);
    v["recurringEventId"] = json!("abc123");
    let d = detect(&event(v), ALICE, &DetectionRules::default());
    assert!(
        d.checks[0].detail.contains("series abc123"),
        "{}",
        d.checks[0]
    );
}

#[test]
fn other_attendee_ignores_resources() {
    let a = |email: &str, resource: bool, is_self: bool| Attendee {
        email: Some(email.to_string()),
        display_name: None,
        resource,
        response_status: ResponseStatus::Accepted,
        is_self,
        organizer: false,
        optional: false,
    };
    let mut e = event(one_on_one());
    e.attendees = vec![
        a("room@r", true, false),
        a("me-alias@x", false, true),
        a("bob@x", false, false),
    ];
    assert_eq!(
        other_attendee(&e, ALICE).and_then(|a| a.email.as_deref()),
        Some("bob@x")
    );
}

#[test]
fn series_key_strips_split_suffixes() {
    assert_eq!(
        SeriesKey::of("4k3h1bqn0pmn2qmvc7m0b6ip2q").as_str(),
        "4k3h1bqn0pmn2qmvc7m0b6ip2q"
    );
    assert_eq!(
        SeriesKey::of("4k3h1bqn0pmn2qmvc7m0b6ip2q_R20250327T123000").as_str(),
        "4k3h1bqn0pmn2qmvc7m0b6ip2q"
    );
    assert_eq!(
        SeriesKey::of("abc_R20250327_R20250401T090000").as_str(),
        "abc"
    );
    assert_eq!(SeriesKey::of("abc_R20250327").as_str(), "abc");
    // Not a split suffix: kept verbatim.
    assert_eq!(SeriesKey::of("abc_R2025").as_str(), "abc_R2025");
    assert_eq!(
        SeriesKey::of("abc_20250327T123000Z").as_str(),
        "abc_20250327T123000Z"
    );
    assert_eq!(SeriesKey::of("_R20250327").as_str(), "_R20250327");
}

#[test]
fn series_key_of_split_fixture_matches_old_master() {
    let Some(events) = crate::domain::event::tests::fixture_events(
        "compass-CONVERTED-edit-this-and-following-4.json",
    ) else {
        return;
    };
    let keys: std::collections::BTreeSet<SeriesKey> =
        events.iter().map(SeriesKey::of_event).collect();
    assert_eq!(
        keys.len(),
        1,
        "old master, exception and new master share a key: {keys:?}"
    );
}

#[test]
fn long_or_odd_keys_are_hashed() {
    let long = "a".repeat(101);
    let k = SeriesKey::of(&long);
    assert!(
        k.as_str().starts_with("sha256-") && k.as_str().len() == 71,
        "{k}"
    );
    assert_eq!(k, SeriesKey::of(&long), "stable");
    assert_ne!(k, SeriesKey::of(&"a".repeat(102)));
    assert_eq!(SeriesKey::of(&"a".repeat(100)).as_str().len(), 100);
    assert!(SeriesKey::of("a:b").as_str().starts_with("sha256-"));
    assert!(SeriesKey::of("").as_str().starts_with("sha256-"));
    assert_eq!(SeriesKey::parse(k.as_str()), Some(k));
    assert_eq!(SeriesKey::parse("abc_R20250327"), None, "not a root key");
    assert_eq!(SeriesKey::parse("a:b"), None);
    assert_eq!(SeriesKey::parse("sha256-xyz"), None);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    fn arb_attendee() -> impl Strategy<Value = serde_json::Value> {
        (
            prop::sample::select(vec![ALICE, "ALICE@Example.com", "bob@example.com", "carol@example.com"]),
            any::<bool>(),
            prop::sample::select(vec!["needsAction", "accepted", "declined", "tentative"]),
        )
            .prop_map(|(email, resource, status)| {
                json!({"email": email, "resource": resource, "responseStatus": status})
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// The verdict is exactly "every check passed", every rule is always reported, and adding
        /// a room never changes the verdict.
        #[test]
        fn verdict_is_all_checks_and_rooms_do_not_matter(
            attendees in prop::collection::vec(arb_attendee(), 0..5),
            recurring in any::<bool>(),
            title in "[a-z1: ]{0,12}",
        ) {
            let mut v = one_on_one();
            v["attendees"] = json!(attendees);
            v["summary"] = json!(title);
            if !recurring { v["recurrence"] = json!([]); }
            let rules = DetectionRules::new(&["1:1"], &["skip"]).unwrap();
            let d = detect(&event(v.clone()), ALICE, &rules);
            prop_assert_eq!(d.checks.len(), 9);
            prop_assert_eq!(d.is_one_on_one, d.checks.iter().all(|c| c.passed));
            let people = event(v.clone()).attendees.iter().filter(|a| !a.resource).count();
            if d.is_one_on_one {
                prop_assert_eq!(people, 2);
                prop_assert!(other_attendee(&event(v.clone()), ALICE).is_some());
            }
            v["attendees"].as_array_mut().unwrap().push(json!({"email": "room@r", "resource": true}));
            prop_assert_eq!(detect(&event(v), ALICE, &rules).is_one_on_one, d.is_one_on_one);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Any id: the key fits the appProperty budget, is ASCII without `:`, and is the same for
        /// every split of the series.
        #[test]
        fn keys_fit_and_splits_map_home(
            root in "[a-v0-9]{5,120}|.{0,40}",
            splits in prop::collection::vec((20000101u32..20991231, prop::option::of(0u32..235959)), 0..3)
        ) {
            let mut id = root.clone();
            for (date, time) in &splits {
                id.push_str(&match time {
                    Some(t) => format!("_R{date:08}T{t:06}"),
                    None => format!("_R{date:08}"),
                });
            }
            let key = SeriesKey::of(&id);
            prop_assert_eq!(SeriesKey::parse(key.as_str()), Some(key.clone()), "round trip");
            prop_assert!(key.as_str().len() <= SeriesKey::MAX_LEN);
            prop_assert!(key.as_str().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'));
            if !root.is_empty() {
                prop_assert_eq!(&key, &SeriesKey::of(&root));
            }
        }
    }
}
