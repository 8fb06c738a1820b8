//! One test per written form, on paragraphs built by hand (no JSON).

use super::*;
use crate::domain::actions::names::tests::ctx;
use crate::domain::doc::{Bullet, Inline, ParagraphKind};
use chrono::NaiveDate;

const BOB: &str = "bob@example.com";
const ALICE: &str = "alice.lee@example.com";

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn text(t: &str) -> Inline {
    Inline::Text {
        start: 0,
        end: 0,
        text: t.into(),
        strikethrough: false,
        suggested: false,
    }
}

fn struck(t: &str) -> Inline {
    Inline::Text {
        start: 0,
        end: 0,
        text: t.into(),
        strikethrough: true,
        suggested: false,
    }
}

fn suggested(t: &str) -> Inline {
    Inline::Text {
        start: 0,
        end: 0,
        text: t.into(),
        strikethrough: false,
        suggested: true,
    }
}

fn person(email: &str, name: Option<&str>) -> Inline {
    Inline::Person {
        start: 0,
        end: 0,
        email: email.into(),
        name: name.map(str::to_string),
    }
}

fn date_chip(date: Option<NaiveDate>, display: &str) -> Inline {
    Inline::Date {
        start: 0,
        end: 0,
        date,
        display: Some(display.into()),
    }
}

fn para(kind: ParagraphKind, checkbox: bool, elements: Vec<Inline>) -> Paragraph {
    Paragraph {
        start: 0,
        end: 0,
        kind,
        heading_id: match kind {
            ParagraphKind::Heading(n) => Some(format!("h.{n}")),
            _ => None,
        },
        bullet: checkbox.then(|| Bullet {
            list_id: "l".into(),
            nesting_level: 0,
            checkbox: true,
        }),
        in_table: false,
        elements,
    }
}

fn heading(level: u8, t: &str) -> Paragraph {
    para(
        ParagraphKind::Heading(level),
        false,
        vec![text(&format!("{t}\n"))],
    )
}

fn normal(t: &str) -> Paragraph {
    para(ParagraphKind::Normal, false, vec![text(&format!("{t}\n"))])
}

fn checkbox(elements: Vec<Inline>) -> Paragraph {
    para(ParagraphKind::Normal, true, elements)
}

/// The items of a section whose "Action items" block holds `lines`.
fn items_of(lines: &[&str]) -> Vec<ActionItem> {
    let mut section = vec![
        heading(2, "Tue 24 Nov 2026 · Alice / Bob"),
        heading(3, "Action items"),
    ];
    section.extend(lines.iter().map(|l| normal(l)));
    harvest(&section, &ctx()).items
}

fn one(line: &str) -> ActionItem {
    let items = items_of(&[line]);
    assert_eq!(items.len(), 1, "{line}: {items:?}");
    items.into_iter().next().unwrap_or_else(|| unreachable!())
}

fn email(e: &str) -> Owner {
    Owner::Email(e.into())
}

#[test]
fn canonical_person_to_do_x_by_date_y() {
    let item = one("Bob to send the Q3 draft by Friday");
    assert_eq!(item.owner, email(BOB));
    assert_eq!(item.task, "send the Q3 draft");
    assert_eq!(item.due, ymd(2026, 11, 27));
    assert!(!item.done);
    assert_eq!(item.key, "bob@example.com|send the q3 draft");
    assert_eq!(item.raw, "Bob to send the Q3 draft by Friday");
    assert_eq!(item.heading_id.as_deref(), Some("h.3"));

    // Literally "Person A to do X by date Y", with attendees named that way.
    let mut c = ctx();
    c.organizer.name = Some("Person A".into());
    let section = [
        heading(3, "Action items"),
        normal("Person A to do X by 2026-12-03"),
    ];
    let items = harvest(&section, &c).items;
    let item = items.first();
    assert_eq!(item.map(|i| &i.owner), Some(&email(ALICE)));
    assert_eq!(item.map(|i| i.task.as_str()), Some("do X"));
    assert_eq!(item.and_then(|i| i.due), ymd(2026, 12, 3));
}

#[test]
fn owner_forms() {
    assert_eq!(one("Bob: send it").owner, email(BOB));
    assert_eq!(one("@Bob send it").owner, email(BOB));
    assert_eq!(one("@bobby to send it").owner, email(BOB));
    assert_eq!(one("alice to send it").owner, email(ALICE));
    assert_eq!(one("We to send it").owner, Owner::Both);
    assert_eq!(one("Both: send it").owner, Owner::Both);
    assert_eq!(one("Alice & Bob to send it").owner, Owner::Both);
    assert_eq!(
        one("Carol to send it").owner,
        Owner::AsWritten("Carol".into())
    );
    assert_eq!(one("send it").owner, Owner::Unassigned);
    assert_eq!(one("send it (Bob)").owner, email(BOB));
    let item = one("send it (Bob) by Friday");
    assert_eq!((&item.owner, item.task.as_str()), (&email(BOB), "send it"));
    assert_eq!(item.due, ymd(2026, 11, 27));
    let item = one("send it — Bob by 3 Dec ✅");
    assert_eq!(
        (&item.owner, item.task.as_str(), item.done),
        (&email(BOB), "send it", true)
    );
    let item = one("send the Q3 draft — Bob");
    assert_eq!(
        (item.owner, item.task.as_str()),
        (email(BOB), "send the Q3 draft")
    );
}

#[test]
fn non_latin_owners() {
    let mut c = ctx();
    c.organizer.name = Some("Łukasz".into());
    c.other.name = Some("Юлия".into());
    let section = [
        heading(3, "Action items"),
        normal("łukasz to wysłać raport"),
        normal("ЮЛИЯ: отправить отчёт"),
        normal("美咲 to 資料を送る"),
    ];
    let items = harvest(&section, &c).items;
    let owners: Vec<_> = items.iter().map(|i| i.owner.clone()).collect();
    assert_eq!(
        owners,
        vec![email(ALICE), email(BOB), Owner::AsWritten("美咲".into())]
    );
    assert_eq!(
        items.get(1).map(|i| i.task.as_str()),
        Some("отправить отчёт")
    );
}

#[test]
fn person_chip_is_the_owner_even_as_first_element() {
    let section = [
        heading(3, "Notes"),
        checkbox(vec![
            person(BOB, Some("Bob Smith")),
            text(" to send the deck\n"),
        ]),
        checkbox(vec![person("Carol@Example.com", None), text(" review\n")]),
    ];
    let items = harvest(&section, &ctx()).items;
    assert_eq!(items.len(), 2);
    assert_eq!(
        items.first().map(|i| (&i.owner, i.task.as_str())),
        Some((&email(BOB), "send the deck"))
    );
    assert_eq!(
        items.get(1).map(|i| &i.owner),
        Some(&email("carol@example.com"))
    );
    assert_eq!(
        items.first().map(|i| i.raw.as_str()),
        Some("Bob Smith to send the deck")
    );
}

#[test]
fn i_and_me_are_resolved_only_when_unambiguous() {
    // The line names Alice, so the writer is Bob.
    assert_eq!(one("I'll send Alice the deck").owner, email(BOB));
    assert_eq!(one("I will send Bob the deck").owner, email(ALICE));
    assert_eq!(one("I'll send the deck").owner, Owner::Unassigned);
    assert_eq!(one("Me: send the deck").owner, Owner::Unassigned);
    assert_eq!(one("I'll introduce Alice to Bob").owner, Owner::Unassigned);
    assert_eq!(one("I need to send the deck").task, "send the deck");
}

#[test]
fn due_forms_are_cut_from_the_task() {
    let cases = [
        ("Bob to send it by Fri", ymd(2026, 11, 27)),
        ("Bob to send it by 3 Dec", ymd(2026, 12, 3)),
        ("Bob to send it by Dec 3", ymd(2026, 12, 3)),
        ("Bob to send it by 2026-12-03", ymd(2026, 12, 3)),
        ("Bob to send it by end of month", ymd(2026, 11, 30)),
        ("Bob to send it by EOM", ymd(2026, 11, 30)),
        ("Bob to send it by next week", ymd(2026, 12, 4)),
        ("Bob to send it by end of week", ymd(2026, 11, 27)),
        ("Bob to send it tomorrow", ymd(2026, 11, 25)),
        ("Bob to send it today", ymd(2026, 11, 24)),
        ("Bob to send it", None),
    ];
    for (line, due) in cases {
        let item = one(line);
        assert_eq!(item.due, due, "{line}");
        assert_eq!(item.task, "send it", "{line}");
        assert_eq!(item.key, "bob@example.com|send it", "{line}");
    }
}

#[test]
fn year_rolls_over_in_december() {
    let mut c = ctx();
    c.meeting_date = ymd(2026, 12, 15).unwrap_or_default();
    let section = [
        heading(3, "Action items"),
        normal("Bob to send it by 3 Jan"),
    ];
    let due = harvest(&section, &c).items.first().and_then(|i| i.due);
    assert_eq!(due, ymd(2027, 1, 3));
}

#[test]
fn date_chip_is_the_due() {
    let section = [
        heading(3, "Action items"),
        normal_with(vec![
            text("Bob to send it by "),
            date_chip(ymd(2026, 12, 9), "Dec 9, 2026"),
            text("\n"),
        ]),
    ];
    let items = harvest(&section, &ctx()).items;
    assert_eq!(items.first().and_then(|i| i.due), ymd(2026, 12, 9));
    assert_eq!(items.first().map(|i| i.task.as_str()), Some("send it"));
}

fn normal_with(elements: Vec<Inline>) -> Paragraph {
    para(ParagraphKind::Normal, false, elements)
}

#[test]
fn done_forms() {
    for line in [
        "[x] Bob to send it",
        "[X] Bob to send it",
        "Bob to send it ✅",
        "✔ Bob to send it",
        "Bob to send it ☑",
        "Done: Bob to send it",
        "DONE Bob to send it",
    ] {
        let item = one(line);
        assert!(item.done, "{line}");
        assert_eq!(item.key, "bob@example.com|send it", "{line}");
        assert_eq!(item.task, "send it", "{line}");
    }
    assert!(!one("Bob to send it").done);
    let section = [
        heading(3, "Action items"),
        normal_with(vec![struck("Bob to send it\n")]),
    ];
    assert_eq!(
        harvest(&section, &ctx()).items.first().map(|i| i.done),
        Some(true)
    );
    let section = [
        heading(3, "Action items"),
        normal_with(vec![struck("Bob to send"), text(" it\n")]),
    ];
    assert_eq!(
        harvest(&section, &ctx()).items.first().map(|i| i.done),
        Some(false)
    );
}

#[test]
fn where_items_are_found() {
    let section = vec![
        heading(2, "Tue 24 Nov 2026"),
        heading(3, "Check-in"),
        normal("Bob to relax more"),
        normal("Action: Bob to book the offsite"),
        normal("AI: Alice to approve budget"),
        normal("TODO: update wiki"),
        normal("→ ping legal"),
        normal("-> ping finance"),
        checkbox(vec![text("checklist item in notes\n")]),
        heading(3, "Next steps"),
        normal("draft the plan"),
        normal(""),
        normal("   "),
        checkbox(vec![text("\n")]),
        checkbox(vec![text(". . …\n")]),
        heading(3, "Notes"),
        normal("we talked about the roadmap"),
    ];
    let tasks: Vec<String> = harvest(&section, &ctx())
        .items
        .into_iter()
        .map(|i| i.task)
        .collect();
    assert_eq!(
        tasks,
        vec![
            "book the offsite",
            "approve budget",
            "update wiki",
            "ping legal",
            "ping finance",
            "checklist item in notes",
            "draft the plan",
        ]
    );
}

#[test]
fn headings_ids_and_section_boundaries() {
    let section = vec![
        heading(3, "TODO"),
        normal("first"),
        heading(1, "Other part"),
        normal("not an item"),
    ];
    let items = harvest(&section, &ctx()).items;
    assert_eq!(items.len(), 1);
    assert_eq!(
        items.first().and_then(|i| i.heading_id.clone()),
        Some("h.3".into())
    );
}

#[test]
fn suggestions_are_ignored_and_soft_breaks_split_lines() {
    let section = [
        heading(3, "Action items"),
        normal_with(vec![
            text("Bob to send "),
            suggested("the big "),
            text("deck\u{b}Alice to review"),
            suggested(" and approve"),
            text("\n"),
        ]),
        normal_with(vec![suggested("Bob to add this\n")]),
    ];
    let items = harvest(&section, &ctx()).items;
    let got: Vec<_> = items
        .iter()
        .map(|i| (i.owner.clone(), i.task.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![(email(BOB), "send deck"), (email(ALICE), "review")]
    );
}

#[test]
fn emoji_zero_width_and_combining_marks() {
    let item = one("\u{200B}Bob to ship 🚀 the cafe\u{301} menu 👩‍💻 by Fri");
    assert_eq!(item.owner, email(BOB));
    assert_eq!(item.task, "ship 🚀 the cafe\u{301} menu 👩‍💻");
    assert_eq!(item.due, ymd(2026, 11, 27));
}

#[test]
fn empty_items_are_skipped() {
    let items = items_of(&[
        "",
        "Bob:",
        "Bob to",
        "✅",
        "[x]",
        "by Friday",
        "TODO:",
        "@Bob",
        "[x] (done)",
        "(done) ✅",
    ]);
    assert!(items.is_empty(), "{items:?}");
}

#[test]
fn open_block_lines_are_carried_updates() {
    let section = vec![
        heading(3, "Open action items"),
        checkbox(vec![text(
            "Bob — send the Q3 draft — due Fri 20 Nov (from 17 Nov)\n",
        )]),
        checkbox(vec![text("Alice — book room (from 17 Nov) ✅\n")]),
        checkbox(vec![struck("Both — plan offsite (from 10 Nov)\n")]),
        checkbox(vec![text("Bob to write a brand new item\n")]),
        heading(3, "Action items"),
        checkbox(vec![text("Bob to send it\n")]),
    ];
    let h = harvest(&section, &ctx());
    let carried: Vec<_> = h
        .carried
        .iter()
        .map(|c| (c.key.as_str(), c.done, c.from))
        .collect();
    assert_eq!(
        carried,
        vec![
            (
                "bob@example.com|send the q3 draft",
                false,
                ymd(2026, 11, 17)
            ),
            ("alice.lee@example.com|book room", true, ymd(2026, 11, 17)),
            ("both|plan offsite", true, ymd(2026, 11, 10)),
        ]
    );
    let tasks: Vec<_> = h.items.iter().map(|i| i.task.as_str()).collect();
    assert_eq!(tasks, vec!["write a brand new item", "send it"]);
}

#[test]
fn keys_ignore_spacing_case_markers_and_due() {
    let a = one("Bob to send the   Q3 draft by Friday");
    let b = one("  [x] BOB TO Send The Q3 Draft ✅");
    let c = one("TODO: bob to send the Q3 draft by 3 Dec.");
    assert_eq!(a.key, b.key);
    assert_eq!(a.key, c.key);
    assert_ne!(a.key, one("Alice to send the Q3 draft").key);
}

#[path = "harvest_props.rs"]
mod props;
