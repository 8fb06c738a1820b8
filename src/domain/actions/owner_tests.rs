use super::*;
use crate::domain::actions::line::PersonSpan;
use crate::domain::actions::names::tests::ctx;

fn dir() -> Directory {
    Directory::new(&ctx())
}

fn lead(text: &str) -> Option<(Claim, &str)> {
    let line = Line::plain(text);
    let found = leading(&line, 0, &dir())?;
    Some((found.claim, text.get(found.range.end..)?))
}

fn bob() -> Claim {
    Claim::Owner(Owner::Email("bob@example.com".into()))
}

#[test]
fn name_to_and_name_colon() {
    assert_eq!(lead("Bob to send it"), Some((bob(), "send it")));
    assert_eq!(lead("bob: send it"), Some((bob(), " send it")));
    assert_eq!(lead("BOB TO send it"), Some((bob(), "send it")));
    assert_eq!(lead("Bob Smith to send it"), Some((bob(), "send it")));
    assert_eq!(lead("Bob will send it"), Some((bob(), "send it")));
    assert_eq!(lead("Bob — send it"), Some((bob(), "send it")));
}

#[test]
fn at_handles() {
    assert_eq!(lead("@Bob send it"), Some((bob(), "send it")));
    assert_eq!(lead("@bobby: send it"), Some((bob(), " send it")));
    assert_eq!(lead("Bob to"), Some((bob(), "")));
    assert_eq!(
        lead("@carol to send it"),
        Some((Claim::Owner(Owner::AsWritten("carol".into())), "send it"))
    );
}

#[test]
fn pronouns() {
    assert_eq!(lead("I'll send it"), Some((Claim::Writer, "send it")));
    assert_eq!(lead("I need to send it"), Some((Claim::Writer, "send it")));
    assert_eq!(
        lead("We will send it"),
        Some((Claim::Owner(Owner::Both), "send it"))
    );
    assert_eq!(
        lead("Both: send it"),
        Some((Claim::Owner(Owner::Both), " send it"))
    );
}

#[test]
fn unknown_names_only_in_clear_shapes() {
    let carol = |s: &str| Claim::Owner(Owner::AsWritten(s.into()));
    assert_eq!(lead("Carol to send it"), Some((carol("Carol"), "send it")));
    assert_eq!(
        lead("Carol Diaz: send it"),
        Some((carol("Carol Diaz"), " send it"))
    );
    assert_eq!(lead("Юлия to send it"), Some((carol("Юлия"), "send it")));
    assert_eq!(lead("Carol, send it"), None);
    assert_eq!(lead("Remember to send it"), None);
    assert_eq!(lead("Ask Carol to send it"), None);
    assert_eq!(lead("Note: send it"), None);
    assert_eq!(lead("Send the deck to Carol"), None);
    assert_eq!(lead("send it"), None);
}

#[test]
fn person_chip_first() {
    let line = Line {
        text: "Bob Smith to send it".into(),
        people: vec![PersonSpan {
            range: 0..9,
            email: "bob@example.com".into(),
        }],
        ..Line::default()
    };
    let found = leading(&line, 0, &dir());
    assert_eq!(found.map(|f| (f.claim, f.range)), Some((bob(), 0..13)));
}

fn trail(text: &str) -> Option<(Claim, &str)> {
    let line = Line::plain(text);
    let found = trailing(&line, 0..text.len(), &dir())?;
    Some((found.claim, text.get(..found.range.start)?))
}

#[test]
fn trailing_owners() {
    assert_eq!(trail("send it (Bob)"), Some((bob(), "send it")));
    assert_eq!(trail("send it [owner: bob]"), Some((bob(), "send it")));
    assert_eq!(trail("send it — Bob"), Some((bob(), "send it")));
    assert_eq!(trail("send it - @Bobby."), Some((bob(), "send it")));
    assert_eq!(trail("send it (me)"), Some((Claim::Writer, "send it")));
    assert_eq!(trail("send it to Bob"), None);
    assert_eq!(trail("send it (v2)"), None);
    assert_eq!(trail("send it - Bob will help"), None);
}

#[test]
fn trailing_chip_needs_a_joiner() {
    let chip = |start, end| PersonSpan {
        range: start..end,
        email: "bob@example.com".into(),
    };
    let line = Line {
        text: "send it — Bob".into(),
        people: vec![chip(12, 15)],
        ..Line::default()
    };
    let found = trailing(&line, 0..line.text.len(), &dir());
    assert_eq!(found.map(|f| (f.claim, f.range.start)), Some((bob(), 7)));
    let line = Line {
        text: "send it to Bob".into(),
        people: vec![chip(11, 14)],
        ..Line::default()
    };
    assert_eq!(trailing(&line, 0..line.text.len(), &dir()), None);
}

#[test]
fn writer_resolution() {
    let d = dir();
    assert_eq!(
        writer(&d, &["alice.lee@example.com".into()]),
        Owner::Email("bob@example.com".into())
    );
    assert_eq!(
        writer(&d, &["bob@example.com".into()]),
        Owner::Email("alice.lee@example.com".into())
    );
    assert_eq!(writer(&d, &[]), Owner::Unassigned);
    assert_eq!(
        writer(
            &d,
            &["bob@example.com".into(), "alice.lee@example.com".into()]
        ),
        Owner::Unassigned
    );
}

#[test]
fn a_leading_pronoun_owns_the_item_without_a_separator() {
    let both = Claim::Owner(Owner::Both);
    assert_eq!(
        lead("we agree on the rota"),
        Some((both.clone(), "agree on the rota"))
    );
    assert_eq!(
        lead("Both review the budget"),
        Some((both, "review the budget"))
    );
    assert_eq!(lead("I send it"), Some((Claim::Writer, "send it")));
    assert_eq!(lead("Wednesday review"), None);
}
