use super::*;
use crate::domain::actions::harvest;
use crate::domain::actions::names::tests::ctx;
use crate::domain::doc::{Bullet, Inline, Paragraph, ParagraphKind};
use proptest::prelude::*;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn item(owner: Owner, task: &str, due: Option<NaiveDate>) -> ActionItem {
    ActionItem {
        key: item_key(&owner, task),
        owner,
        task: task.into(),
        due,
        done: false,
        raw: String::new(),
        heading_id: None,
    }
}

/// Renders owners the way the section writer would: attendees by first name.
fn first_names(owner: &Owner) -> String {
    match owner {
        Owner::Email(e) if e == "bob@example.com" => "Bob".into(),
        Owner::Email(e) if e == "alice.lee@example.com" => "Alice".into(),
        Owner::Email(e) => e.clone(),
        Owner::Both => "Alice & Bob".into(),
        Owner::Unassigned => String::new(),
        Owner::AsWritten(n) => n.clone(),
    }
}

#[test]
fn writes_the_documented_format() {
    let i = item(
        Owner::Email("bob@example.com".into()),
        "send the Q3 draft",
        Some(ymd(2026, 11, 27)),
    );
    assert_eq!(
        carry_line(&i, &first_names, ymd(2026, 11, 24)),
        "Bob — send the Q3 draft — due Fri 27 Nov (from 24 Nov)"
    );
    let i = item(Owner::Unassigned, "book a room", None);
    assert_eq!(
        carry_line(&i, &first_names, ymd(2026, 11, 24)),
        "Unassigned — book a room (from 24 Nov)"
    );
    let i = item(Owner::Both, "plan", Some(ymd(2027, 1, 8)));
    assert_eq!(
        carry_line(&i, &first_names, ymd(2026, 12, 15)),
        "Alice & Bob — plan — due Fri 8 Jan 2027 (from 15 Dec)"
    );
}

#[test]
fn reads_carried_lines_with_boxes_and_done_markers() {
    let c = ctx();
    let open = parse_carried(
        "☐ Bob — send the Q3 draft — due Fri 27 Nov (from 24 Nov)",
        &c,
    );
    assert_eq!(
        open,
        Some(CarriedUpdate {
            key: "bob@example.com|send the q3 draft".into(),
            done: false,
            from: Some(ymd(2026, 11, 24)),
        })
    );
    for done in [
        "☑ Bob — send the Q3 draft (from 24 Nov)",
        "☒ Bob — send the Q3 draft (from 24 Nov)",
        "[x] Bob — send the Q3 draft (from 24 Nov)",
        "Bob — send the Q3 draft ✅ (from 24 Nov)",
        "Bob — send the Q3 draft (from 24 Nov) ✔",
        "Bob — send the Q3 draft (from 24 Nov) — done",
        "Done: Bob — send the Q3 draft (from 24 Nov)",
    ] {
        let update = parse_carried(done, &c);
        assert_eq!(update.as_ref().map(|u| u.done), Some(true), "{done}");
        assert_eq!(
            update.map(|u| u.key),
            Some("bob@example.com|send the q3 draft".into()),
            "{done}"
        );
    }
}

#[test]
fn origin_year_is_the_latest_not_after_the_meeting() {
    let mut c = ctx();
    c.meeting_date = ymd(2027, 1, 5);
    let update = parse_carried("Bob — x (from 15 Dec)", &c);
    assert_eq!(update.and_then(|u| u.from), Some(ymd(2026, 12, 15)));
}

#[test]
fn not_a_carried_line() {
    assert_eq!(parse_carried("Bob — send it", &ctx()), None);
    assert_eq!(parse_carried("Bob — (from 3 Nov)", &ctx()), None);
    assert_eq!(parse_carried("", &ctx()), None);
}

#[test]
fn owner_slot_spellings() {
    let c = ctx();
    let key = |line: &str| parse_carried(line, &c).map(|u| u.key);
    assert_eq!(key("Unassigned — x (from 3 Nov)"), Some("|x".into()));
    assert_eq!(key("Both — x (from 3 Nov)"), Some("both|x".into()));
    assert_eq!(
        key("bob@example.com — x (from 3 Nov)"),
        Some("bob@example.com|x".into())
    );
    assert_eq!(
        key("Carol Diaz — x (from 3 Nov)"),
        Some("~carol diaz|x".into())
    );
    assert_eq!(key("x — y (from 3 Nov)"), Some("~x|y".into()));
}

fn checkbox(text: &str) -> Paragraph {
    Paragraph {
        start: 0,
        end: 0,
        kind: ParagraphKind::Normal,
        heading_id: None,
        bullet: Some(Bullet {
            list_id: "l".into(),
            nesting_level: 0,
            checkbox: true,
        }),
        in_table: false,
        elements: vec![Inline::Text {
            start: 0,
            end: 0,
            text: format!("{text}\n"),
            strikethrough: false,
            suggested: false,
        }],
    }
}

fn heading(text: &str) -> Paragraph {
    Paragraph {
        kind: ParagraphKind::Heading(3),
        bullet: None,
        ..checkbox(text)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// harvest → carry_line → harvest of the "Open action items" block recovers the key.
    #[test]
    fn carry_round_trip(
        owner in prop::sample::select(vec![
            "Bob to ", "Alice: ", "@bobby ", "We to ", "Carol to ", "", "I'll ", "Alice & Bob to ",
        ]),
        words in prop::collection::vec("[a-zA-Zа-яЯ美咲🚀é0-9'.,]{1,8}", 1..6),
        due in prop::sample::select(vec!["", " by Friday", " by 3 Jan", " tomorrow"]),
        days in 0i32..2000,
        blank_names in any::<bool>(),
    ) {
        let mut c = ctx();
        c.meeting_date = NaiveDate::from_num_days_from_ce_opt(738_000 + days).unwrap_or_default();
        let line = format!("{owner}{}{due}", words.join(" "));
        let items = harvest(&[heading("Action items"), checkbox(&line)], &c).items;
        for item in items {
            let names = |o: &Owner| if blank_names { String::new() } else { first_names(o) };
            let carried = carry_line(&item, &names, c.meeting_date);
            let mut next = c.clone();
            next.meeting_date = c.meeting_date + chrono::Days::new(7);
            let h = harvest(&[heading("Open action items"), checkbox(&carried)], &next);
            prop_assert!(h.items.is_empty(), "{carried:?} read as a new item");
            prop_assert_eq!(h.carried.len(), 1, "{:?}", carried);
            prop_assert_eq!(&h.carried[0].key, &item.key, "{:?} from {:?}", carried, line);
            prop_assert_eq!(h.carried[0].from, Some(c.meeting_date));
            prop_assert!(!h.carried[0].done);
        }
    }
}
