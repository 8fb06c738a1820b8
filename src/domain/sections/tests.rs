use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::domain::doc::{Bullet, Inline, ParagraphKind};
use crate::domain::doc_build::{build, with_range, Para};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Purpose line, then two dated sections (newest first), then an archive heading.
fn sample() -> Doc {
    build(&[
        Para::new(ParagraphKind::Title, "Alice / Bob · 1:1 notes"),
        Para::normal("Purpose: growth and unblocking 🎯"),
        Para::h(2, "Tue 24 Nov 2026 · 1:1"), // 2
        Para::h(3, "Check-in"),
        Para::bullet("How are you?", false),
        Para::h(2, "Tue 17 Nov 2026 · 1:1"), // 5
        Para::h(3, "Action items"),
        Para::bullet("Bob to send the draft", true),
        Para::h(1, "Archive"), // 8
        Para::normal("old stuff"),
    ])
}

#[test]
fn parse_heading_date_reads_the_daemon_heading_and_rejects_ambiguity() {
    assert_eq!(
        parse_heading_date("Tue 24 Nov 2026 · 1:1"),
        Some(d(2026, 11, 24))
    );
    assert_eq!(parse_heading_date("24/11/2026"), Some(d(2026, 11, 24)));
    assert_eq!(parse_heading_date("03/04/2026"), None);
    assert_eq!(parse_heading_date("Check-in"), None);
}

#[test]
fn finds_a_section_by_its_date_heading() {
    let doc = sample();
    let span = find_section(&doc, "series/20261117", d(2026, 11, 17)).unwrap();
    assert_eq!(span.heading, 5);
    assert_eq!(span.paragraphs, 5..8);
    assert_eq!(span.start, doc.paragraphs[5].start);
    assert_eq!(span.end, doc.paragraphs[8].start);
    let newest = find_section(&doc, "k", d(2026, 11, 24)).unwrap();
    assert_eq!(
        (newest.paragraphs.clone(), newest.end),
        (2..5, doc.paragraphs[5].start)
    );
    assert_eq!(find_section(&doc, "k", d(2026, 11, 10)), None);
}

#[test]
fn the_named_range_survives_a_renamed_heading() {
    let mut doc = sample();
    if let Some(Inline::Text { text, .. }) = doc.paragraphs[5].elements.first_mut() {
        // Same length, so indices stay valid: the heading no longer names its date.
        *text = "Bob's favourite meeting\n"
            .chars()
            .take(text.chars().count())
            .collect();
    }
    assert_eq!(find_section(&doc, "k17", d(2026, 11, 17)), None);
    let doc = with_range(doc, "oneonone:k17", 5);
    let span = find_section(&doc, "k17", d(2026, 11, 17)).unwrap();
    assert_eq!(span.heading, 5);
    // The range names the section even when asked with another date (the event moved).
    assert_eq!(
        find_section(&doc, "k17", d(2026, 11, 18)).map(|s| s.heading),
        Some(5)
    );
}

#[test]
fn a_heading_owned_by_another_occurrence_is_not_taken_by_date() {
    let doc = with_range(sample(), "oneonone:other", 2);
    assert_eq!(find_section(&doc, "mine", d(2026, 11, 24)), None);
    assert_eq!(
        find_section(&doc, "other", d(2026, 11, 24)).map(|s| s.heading),
        Some(2)
    );
}

#[test]
fn last_section_runs_to_the_end_of_the_body() {
    let doc = build(&[
        Para::normal("intro"),
        Para::h(2, "2026-11-24"),
        Para::normal("notes"),
    ]);
    let span = find_section(&doc, "k", d(2026, 11, 24)).unwrap();
    assert_eq!((span.paragraphs, span.end), (1..3, doc.end_index));
}

#[test]
fn headings_in_tables_and_other_levels_are_not_sections() {
    let mut doc = build(&[
        Para::h(3, "24 Nov 2026"),
        Para::h(2, "24 Nov 2026"),
        Para::normal("24 Nov 2026"),
        Para::h(2, "Tue 24 Nov 2026"),
    ]);
    doc.paragraphs[1].in_table = true;
    assert_eq!(
        find_section(&doc, "k", d(2026, 11, 24)).map(|s| s.heading),
        Some(3)
    );
    assert_eq!(
        insertion_index(&doc),
        InsertionPoint::BeforeHeading {
            paragraph: 3,
            index: doc.paragraphs[3].start
        }
    );
}

#[test]
fn a_date_chip_dates_a_heading() {
    let mut doc = build(&[Para::normal("x"), Para::h(2, "· 1:1")]);
    let start = doc.paragraphs[1].start;
    doc.paragraphs[1].elements.insert(
        0,
        Inline::Date {
            start,
            end: start + 1,
            date: Some(d(2026, 11, 24)),
            display: Some("Nov 24".into()),
        },
    );
    assert_eq!(heading_date(&doc.paragraphs[1]), Some(d(2026, 11, 24)));
    assert_eq!(
        find_section(&doc, "k", d(2026, 11, 24)).map(|s| s.heading),
        Some(1)
    );
}

#[test]
fn new_sections_go_above_the_newest_dated_heading() {
    let doc = sample();
    assert_eq!(
        insertion_index(&doc),
        InsertionPoint::BeforeHeading {
            paragraph: 2,
            index: doc.paragraphs[2].start
        }
    );
    // An ambiguous numeric date still marks the heading as dated.
    let doc = build(&[
        Para::normal("top"),
        Para::h(2, "03/04/2026"),
        Para::normal("n"),
    ]);
    assert_eq!(insertion_index(&doc).index(), doc.paragraphs[1].start);
    // A renamed heading still carries its named range.
    let doc = with_range(
        build(&[Para::normal("top"), Para::h(2, "Kickoff")]),
        "oneonone:k",
        1,
    );
    assert_eq!(insertion_index(&doc).index(), doc.paragraphs[1].start);
}

#[test]
fn without_dated_headings_the_section_goes_to_the_end() {
    let empty_last = build(&[Para::h(1, "Alice / Bob"), Para::normal("")]);
    assert_eq!(
        insertion_index(&empty_last),
        InsertionPoint::EndOfBody {
            index: empty_last.end_index - 1,
            break_first: false
        }
    );
    let text_last = build(&[Para::normal("We meet weekly 🙂")]);
    let ip = insertion_index(&text_last);
    assert_eq!(
        ip,
        InsertionPoint::EndOfBody {
            index: text_last.end_index - 1,
            break_first: true
        }
    );
    assert!(ip.break_first());
    // Undated H2s are not sections.
    let undated = build(&[Para::h(2, "Agenda"), Para::normal("")]);
    assert!(matches!(
        insertion_index(&undated),
        InsertionPoint::EndOfBody { .. }
    ));
}

#[test]
fn a_body_with_a_trailing_table_paragraph_uses_the_last_top_level_paragraph() {
    let mut doc = build(&[Para::normal("a"), Para::normal("cell"), Para::normal("")]);
    doc.paragraphs[1].in_table = true;
    assert_eq!(insertion_index(&doc).index(), doc.paragraphs[2].start);
}

fn arb_para() -> impl Strategy<Value = Para> {
    let text = prop_oneof![
        Just("Tue 24 Nov 2026 · 1:1".to_string()),
        Just("2026-11-17".to_string()),
        Just("03/04/2026".to_string()),
        Just(String::new()),
        "[a-z 🎉é\u{301}漢]{0,8}",
    ];
    let kind = prop_oneof![
        Just(ParagraphKind::Normal),
        Just(ParagraphKind::Title),
        (1u8..=6).prop_map(ParagraphKind::Heading),
    ];
    (kind, text, any::<bool>(), any::<bool>()).prop_map(|(kind, text, bulleted, checkbox)| Para {
        kind,
        bullet: bulleted.then(|| Bullet {
            list_id: "l".into(),
            nesting_level: 0,
            checkbox,
        }),
        text,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn spans_and_insertion_points_are_well_formed(
        paras in prop::collection::vec(arb_para(), 1..12),
        ranged in prop::option::of(0usize..12),
    ) {
        let mut doc = build(&paras);
        if let Some(i) = ranged {
            doc = with_range(doc, "oneonone:k", i);
        }
        let ip = insertion_index(&doc);
        // The index is always a paragraph start or the final newline's position.
        prop_assert!(doc.paragraphs.iter().any(|p| p.start == ip.index()) || ip.index() == doc.end_index - 1);
        if let InsertionPoint::BeforeHeading { paragraph, index } = ip {
            prop_assert_eq!(doc.paragraphs[paragraph].start, index);
            // Nothing above it is a dated section heading.
            for p in &doc.paragraphs[..paragraph] {
                prop_assert!(!(p.kind == ParagraphKind::Heading(2) && heading_date(p).is_some()));
            }
        }
        for date in [d(2026, 11, 24), d(2026, 11, 17)] {
            if let Some(span) = find_section(&doc, "k", date) {
                prop_assert!(span.paragraphs.contains(&span.heading));
                prop_assert_eq!(span.paragraphs.start, span.heading);
                prop_assert!(span.start < span.end && span.end <= doc.end_index);
                for p in &doc.paragraphs[span.paragraphs.start + 1..span.paragraphs.end] {
                    prop_assert!(!matches!(p.kind, ParagraphKind::Heading(1) | ParagraphKind::Heading(2)));
                    prop_assert!(p.end <= span.end);
                }
            }
        }
    }
}
