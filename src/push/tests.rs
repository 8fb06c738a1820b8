//! What `/notify` accepts and refuses, without HTTP.

use super::*;
use std::time::Duration;

fn push() -> Push {
    Push::new(PushConfig {
        notify_url: url::Url::parse("http://127.0.0.1:1/notify").expect("url"),
        fallback_poll: Duration::from_secs(1800),
    })
}

fn note(id: &str, token: Option<&str>, state: &str) -> Notification {
    Notification {
        channel_id: Some(id.into()),
        token: token.map(str::to_string),
        resource_state: Some(state.into()),
    }
}

#[test]
fn only_a_known_channel_with_its_token_marks_the_user() {
    let p = push();
    let quiet = QuietUsers::default();
    p.know("c1", "alice@example.com", "s3cret", channels::CALENDAR);
    assert_eq!(
        p.receive(&note("c1", Some("guess"), "exists"), &quiet),
        Err(Refusal::BadToken)
    );
    assert_eq!(
        p.receive(&note("c1", Some("s3cre"), "exists"), &quiet),
        Err(Refusal::BadToken),
        "a prefix is not the token"
    );
    assert_eq!(
        p.receive(&note("c1", None, "exists"), &quiet),
        Err(Refusal::MissingToken)
    );
    assert_eq!(
        p.receive(&note("c2", Some("s3cret"), "exists"), &quiet),
        Err(Refusal::UnknownChannel)
    );
    let mut bare = Notification::default();
    assert_eq!(p.receive(&bare, &quiet), Err(Refusal::Malformed));
    bare.token = Some("s3cret".into());
    assert_eq!(p.receive(&bare, &quiet), Err(Refusal::Malformed));
    assert!(p.take_pending().is_empty(), "refusals change nothing");

    // A burst coalesces into one pending user.
    for state in ["sync", "exists", "exists"] {
        p.receive(&note("c1", Some("s3cret"), state), &quiet)
            .expect("accepted");
    }
    assert_eq!(
        p.take_pending().into_iter().collect::<Vec<_>>(),
        ["alice@example.com"]
    );
    assert!(p.take_pending().is_empty());
    // Another state is acknowledged but asks for nothing.
    p.receive(&note("c1", Some("s3cret"), "not_exists"), &quiet)
        .expect("acknowledged");
    assert!(p.take_pending().is_empty());
    // A stopped channel is unknown again.
    p.forget_channel("c1");
    assert_eq!(
        p.receive(&note("c1", Some("s3cret"), "exists"), &quiet),
        Err(Refusal::UnknownChannel)
    );
}

#[tokio::test]
async fn a_notification_during_a_pass_is_not_lost() {
    let p = push();
    let quiet = QuietUsers::default();
    p.know("c1", "alice@example.com", "t", channels::CALENDAR);
    // No one is waiting yet (the loop is mid-pass): the wake is kept.
    p.receive(&note("c1", Some("t"), "exists"), &quiet)
        .expect("accepted");
    tokio::time::timeout(Duration::from_secs(5), p.notified())
        .await
        .expect("the kept wake resolves at once");
}

#[test]
fn tokens_are_long_random_and_distinct() {
    let a = new_token();
    let b = new_token();
    assert_eq!(a.len(), 64);
    assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(a, b);
}

#[test]
fn a_drive_change_asks_the_change_list_now() {
    let p = push();
    let quiet = QuietUsers::default();
    p.know("d1", "alice@example.com", "t", channels::DRIVE);
    p.receive(&note("d1", Some("t"), "exists"), &quiet)
        .expect("acknowledged");
    assert!(
        p.take_pending().is_empty(),
        "Drive says `change`, not `exists`"
    );
    assert!(!quiet.take_drive_change("alice@example.com"));
    p.receive(&note("d1", Some("t"), "sync"), &quiet)
        .expect("accepted");
    assert!(p.take_pending().is_empty(), "Drive's sync wakes nobody");
    assert!(
        quiet.take_drive_change("alice@example.com"),
        "but marks the list"
    );
    p.receive(&note("d1", Some("t"), "change"), &quiet)
        .expect("accepted");
    assert_eq!(p.take_pending().len(), 1);
    assert!(quiet.take_drive_change("alice@example.com"));
    assert!(!quiet.take_drive_change("alice@example.com"), "taken once");
}
