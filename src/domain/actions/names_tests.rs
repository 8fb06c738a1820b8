use super::*;

pub(in crate::domain::actions) fn ctx() -> MeetingContext {
    MeetingContext {
        meeting_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default(),
        organizer: Person {
            email: "alice.lee@example.com".into(),
            name: Some("Alice Lee".into()),
        },
        other: Person {
            email: "Bob@Example.com".into(),
            name: Some("Bob Smith".into()),
        },
        aliases: vec![("Bobby".into(), "bob@example.com".into())],
    }
}

fn email(e: &str) -> Who {
    Who::Email(e.to_string())
}

#[test]
fn names_first_names_local_parts_aliases() {
    let d = Directory::new(&ctx());
    assert_eq!(d.who("Bob"), email("bob@example.com"));
    assert_eq!(d.who("bob smith"), email("bob@example.com"));
    assert_eq!(d.who("@bobby"), email("bob@example.com"));
    assert_eq!(d.who("ALICE"), email("alice.lee@example.com"));
    assert_eq!(d.who("alice.lee"), email("alice.lee@example.com"));
    assert_eq!(d.who("Alice L."), email("alice.lee@example.com"));
    assert_eq!(d.who("Carol"), Who::Unknown);
}

#[test]
fn an_initial_and_the_family_name_mean_the_person() {
    let d = Directory::new(&ctx());
    assert_eq!(d.who("B. Smith"), email("bob@example.com"));
    assert_eq!(d.who("b smith"), email("bob@example.com"));
    assert_eq!(d.who("Smith"), email("bob@example.com"));
    assert_eq!(d.who("A. Lee"), email("alice.lee@example.com"));
    assert_eq!(d.who("C. Smith"), Who::Unknown);
}

#[test]
fn non_latin_names() {
    let mut c = ctx();
    c.organizer.name = Some("Łukasz Nowak".into());
    c.other.name = Some("Юлия".into());
    let d = Directory::new(&c);
    assert_eq!(d.who("łukasz"), email("alice.lee@example.com"));
    assert_eq!(d.who("ЮЛИЯ"), email("bob@example.com"));
    c.other.name = Some("美咲 山田".into());
    assert_eq!(Directory::new(&c).who("美咲"), email("bob@example.com"));
}

#[test]
fn pronouns_and_pairs() {
    let d = Directory::new(&ctx());
    assert_eq!(d.who("I"), Who::Writer);
    assert_eq!(d.who("me"), Who::Writer);
    assert_eq!(d.who("We"), Who::Both);
    assert_eq!(d.who("both"), Who::Both);
    assert_eq!(d.who("Alice & Bob"), Who::Both);
    assert_eq!(d.who("Bob and me"), Who::Both);
    assert_eq!(d.who("Bob and Carol"), Who::Unknown);
}

#[test]
fn a_name_shared_by_both_is_ambiguous() {
    let mut c = ctx();
    c.organizer.name = Some("Alex Kim".into());
    c.other.name = Some("Alex Ng".into());
    let d = Directory::new(&c);
    assert_eq!(d.who("Alex"), Who::Ambiguous);
    assert_eq!(d.who("Alex Ng"), email("bob@example.com"));
}

#[test]
fn mentions_and_counterpart() {
    let d = Directory::new(&ctx());
    assert_eq!(
        d.mentioned("send Alice the deck, cc bobby"),
        vec!["alice.lee@example.com", "bob@example.com"]
    );
    assert!(d.mentioned("send the deck").is_empty());
    assert_eq!(
        d.counterpart("bob@example.com"),
        Some("alice.lee@example.com")
    );
    assert_eq!(d.counterpart("carol@example.com"), None);
}
