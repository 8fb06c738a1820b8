//! Property tests: harvest is total, keys are stable, relative dues are never in the past.

use super::*;
use proptest::prelude::*;

fn any_inline() -> impl Strategy<Value = Inline> {
    prop_oneof![
        ("\\PC{0,20}", any::<bool>(), any::<bool>()).prop_map(|(t, s, g)| Inline::Text {
            start: 0,
            end: 0,
            text: t,
            strikethrough: s,
            suggested: g,
        }),
        ("[a-zA-Z.@]{0,12}", proptest::option::of("\\PC{0,8}")).prop_map(|(e, n)| {
            Inline::Person {
                start: 0,
                end: 0,
                email: e,
                name: n,
            }
        }),
        (
            proptest::option::of(0i32..40_000),
            proptest::option::of("\\PC{0,8}")
        )
            .prop_map(|(d, display)| Inline::Date {
                start: 0,
                end: 0,
                date: d.and_then(|d| NaiveDate::from_num_days_from_ce_opt(700_000 + d)),
                display,
            }),
        Just(Inline::Other { start: 0, end: 0 }),
        Just(text("\u{b}")),
        prop::sample::select(vec![
            "Bob to ",
            "by Friday",
            "✅",
            "[x] ",
            "Action: ",
            "→",
            "@",
            "(from 3 Nov)",
            " — ",
            "tomorrow",
            "I'll ",
            "Done:",
            ":",
            "(done)",
            " (Bob)",
            "— Bob",
            "Owner:",
            "[x] ",
            "\u{200B}",
            "e\u{301}",
            "美咲",
            "👩‍💻",
        ])
        .prop_map(text),
    ]
}

fn any_paragraph() -> impl Strategy<Value = Paragraph> {
    (
        prop::sample::select(vec![
            ParagraphKind::Normal,
            ParagraphKind::Normal,
            ParagraphKind::Normal,
            ParagraphKind::Heading(2),
            ParagraphKind::Heading(3),
            ParagraphKind::Title,
        ]),
        any::<bool>(),
        prop::collection::vec(any_inline(), 0..6),
        prop::sample::select(vec![
            "",
            "Action items",
            "Open action items",
            "Notes",
            "TODO",
        ]),
    )
        .prop_map(|(kind, check, mut elements, name)| {
            if matches!(kind, ParagraphKind::Heading(_)) {
                elements.insert(0, text(name));
            }
            para(kind, check, elements)
        })
}

fn spacing() -> impl Strategy<Value = String> {
    prop::sample::select(vec![" ", "  ", "\t", "\u{a0}", " \u{3000} "]).prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn harvest_never_panics(section in prop::collection::vec(any_paragraph(), 0..10), days in 0i32..3000) {
        let mut c = ctx();
        c.meeting_date = NaiveDate::from_num_days_from_ce_opt(738_000 + days).unwrap_or_default();
        let h = harvest(&section, &c);
        for item in &h.items {
            prop_assert!(!item.task.trim().is_empty());
            prop_assert!(item.key.contains('|'));
        }
    }

    #[test]
    fn keys_stable_under_whitespace_and_case(
        words in prop::collection::vec("[a-zа-я美咲🚀]{1,6}", 1..6),
        owner in prop::sample::select(vec!["Bob to ", "alice: ", "@bobby ", "We to ", "Carol to "]),
        gaps in prop::collection::vec(spacing(), 6),
        upper in any::<bool>(),
    ) {
        let plain = format!("{owner}{}", words.join(" "));
        let mut spaced = String::from(gaps.first().map_or(" ", String::as_str));
        spaced.push_str(owner);
        for (word, gap) in words.iter().zip(gaps.iter().cycle().skip(1)) {
            spaced.push_str(&if upper { word.to_uppercase() } else { word.clone() });
            spaced.push_str(gap);
        }
        let varied = spaced;
        let a = items_of(&[&plain]);
        let b = items_of(&[&varied]);
        prop_assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b.iter()) {
            prop_assert_eq!(&x.key, &y.key, "{:?} vs {:?}", plain, varied);
        }
    }

    #[test]
    fn relative_dues_never_before_the_meeting(
        days in 0i32..3000,
        phrase in prop::sample::select(vec![
            "by Friday", "by mon", "by next Tue", "by end of week", "by EOW", "by next week",
            "by end of month", "by EOM", "tomorrow", "today", "by Sunday",
        ]),
    ) {
        let mut c = ctx();
        c.meeting_date = NaiveDate::from_num_days_from_ce_opt(738_000 + days).unwrap_or_default();
        let section = [heading(3, "Action items"), normal(&format!("Bob to send it {phrase}"))];
        let items = harvest(&section, &c).items;
        let due = items.first().and_then(|i| i.due);
        prop_assert!(due.is_some());
        prop_assert!(due >= Some(c.meeting_date), "{phrase} on {}: {due:?}", c.meeting_date);
    }
}
