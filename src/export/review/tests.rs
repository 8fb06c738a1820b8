use super::*;
use crate::domain::block::Block;
use crate::domain::doc_build::{build, Para};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

/// A section as the default template renders it, with `typed` lines added under their
/// headings (heading → lines) and `open` carried items.
fn section(date: NaiveDate, growth: bool, open: &[&str], typed: &[(&str, &str)]) -> Vec<Para> {
    let ctx = TemplateContext {
        date_label: date.format("%a %-d %b %Y").to_string(),
        date,
        meeting: "1:1".into(),
        organizer_name: "Alice".into(),
        other_name: "Bob".into(),
        organizer_email: "alice@example.com".into(),
        other_email: "bob@example.com".into(),
        growth,
        open_items: open.iter().map(|s| s.to_string()).collect(),
    };
    let blocks: Vec<Block> = Template::default_template().unwrap().render(&ctx).unwrap();
    let mut out = Vec::new();
    let mut under = String::new();
    let flush = |under: &str, out: &mut Vec<Para>| {
        for (h, line) in typed {
            if *h == under {
                out.push(Para::bullet(line, false));
            }
        }
    };
    for b in blocks {
        if let BlockKind::Heading(level) = b.kind {
            flush(&under, &mut out);
            under = b.text.clone();
            out.push(Para::h(level, &b.text));
        } else if b.kind == BlockKind::Bullet {
            out.push(Para::bullet(&b.text, false));
        } else {
            out.push(Para::normal(&b.text));
        }
    }
    flush(&under, &mut out);
    out
}

fn sample() -> Doc {
    let mut paras = vec![
        Para::new(ParagraphKind::Title, "Alice Moreau / Bob Baker · 1:1 notes"),
        Para::normal("Purpose: growth and unblocking"),
    ];
    paras.extend(section(
        d(12, 1),
        true,
        &["Bob to send the Q3 draft"],
        &[
            ("Topics", "Conference budget"),
            ("Growth", "Wants to lead the migration"),
            ("Action items", "Alice to book the room by Fri"),
        ],
    ));
    paras.extend(section(
        d(11, 24),
        false,
        &[],
        &[
            ("Feedback", "Great demo on Tuesday 🎉"),
            ("Notes", "Discussed on-call load"),
        ],
    ));
    // Before the period.
    paras.extend(section(d(9, 1), false, &[], &[("Notes", "Old note")]));
    paras.push(Para::h(1, "Archive"));
    paras.push(Para::normal("archived text"));
    build(&paras)
}

#[test]
fn keeps_every_typed_line_and_no_prompt() {
    let doc = sample();
    let got = people_text(&doc, &shipped_prompts(), Some(d(10, 1)), Some(d(12, 31)));
    let lines: Vec<(NaiveDate, Option<&str>, &str)> = got
        .iter()
        .flat_map(|m| {
            m.lines
                .iter()
                .map(move |l| (m.date, l.heading.as_deref(), l.text.as_str()))
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (d(12, 1), Some("Topics"), "Conference budget"),
            (d(12, 1), Some("Growth"), "Wants to lead the migration"),
            (
                d(12, 1),
                Some("Action items"),
                "Alice to book the room by Fri"
            ),
            (d(11, 24), Some("Feedback"), "Great demo on Tuesday 🎉"),
            (d(11, 24), Some("Notes"), "Discussed on-call load"),
        ]
    );
}

#[test]
fn open_ends_take_everything_dated_and_nothing_outside_sections() {
    let got = people_text(&sample(), &shipped_prompts(), None, None);
    let dates: Vec<NaiveDate> = got.iter().map(|m| m.date).collect();
    assert_eq!(dates, vec![d(12, 1), d(11, 24), d(9, 1)]);
    assert!(got
        .iter()
        .flat_map(|m| &m.lines)
        .all(|l| l.text != "archived text" && !l.text.starts_with("Purpose")));
}

#[test]
fn without_prompts_the_template_text_would_show() {
    // The test can fail: with no prompt list, the template's questions come through.
    let got = people_text(&sample(), &HashSet::new(), Some(d(11, 24)), Some(d(11, 24)));
    assert!(got[0]
        .lines
        .iter()
        .any(|l| l.text.starts_with("How are you getting on with")));
}

#[test]
fn every_shipped_question_is_a_prompt() {
    let prompts = shipped_prompts();
    assert!(prompts
        .iter()
        .any(|p| p.starts_with("Tip: write action items")));
    assert!(prompts.contains("Which skills do you want to build?"));
    assert!(prompts.contains("Anything I should be doing that I'm not?"));
}
