use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn ctx(growth: bool, open_items: &[&str]) -> TemplateContext {
    TemplateContext {
        date_label: "Tue 24 Nov 2026".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        meeting: "1:1".into(),
        organizer_name: "Alice".into(),
        other_name: "Bob".into(),
        organizer_email: "alice@example.com".into(),
        other_email: "bob@example.com".into(),
        growth,
        open_items: open_items.iter().map(|s| s.to_string()).collect(),
    }
}

fn headings(blocks: &[Block]) -> Vec<(u8, &str)> {
    blocks
        .iter()
        .filter_map(|b| match b.kind {
            BlockKind::Heading(l) => Some((l, b.text.as_str())),
            _ => None,
        })
        .collect()
}

#[test]
fn default_template_without_growth_or_open_items() {
    let blocks = Template::default_template()
        .unwrap()
        .render(&ctx(false, &[]))
        .unwrap();
    assert_eq!(
        headings(&blocks),
        vec![
            (2, "Tue 24 Nov 2026 · 1:1"),
            (3, "Topics"),
            (3, "Check-in"),
            (3, "Work"),
            (3, "Feedback"),
            (3, "Company & me"),
            (3, "Action items"),
            (3, "Notes"),
        ]
    );
    let n = blocks.len();
    // Action items are plain bullets: an empty one to type into. Google's API cannot show a
    // ticked checkbox, so the default template offers none.
    assert_eq!(
        blocks[n - 3],
        Block {
            kind: BlockKind::Bullet,
            text: String::new()
        }
    );
    assert!(blocks.iter().all(|b| b.kind != BlockKind::Checkbox));
    // The doc says, in its own words, how to mark an item done.
    assert_eq!(blocks[1].kind, BlockKind::Paragraph);
    assert!(
        blocks[1].text.contains("type ✅ in front of it"),
        "{:?}",
        blocks[1]
    );
    assert_eq!(
        blocks[n - 1],
        Block {
            kind: BlockKind::Paragraph,
            text: String::new()
        }
    );
    assert!(blocks.iter().any(
        |b| b.kind == BlockKind::Bullet && b.text == "Anything I should be doing that I'm not?"
    ));
    // No escaping of apostrophes or ampersands.
    assert!(blocks.iter().any(|b| b.text == "Company & me"));
    // The seed's nudge to talk to people, and an empty topic bullet for both to add to.
    assert!(blocks
        .iter()
        .any(|b| b.kind == BlockKind::Bullet && b.text.starts_with("How are you getting on with")));
    let topics: Vec<&Block> = blocks
        .iter()
        .skip_while(|b| b.text != "Topics")
        .skip(1)
        .take_while(|b| b.kind == BlockKind::Bullet)
        .collect();
    assert_eq!(topics.last().map(|b| b.text.as_str()), Some(""));
}

#[test]
fn compact_template_keeps_the_blocks_in_fewer_lines() {
    for growth in [false, true] {
        let items = ["Bob to send the Q3 draft"];
        let compact = Template::compact_template()
            .unwrap()
            .render(&ctx(growth, &items))
            .unwrap();
        let default = Template::default_template()
            .unwrap()
            .render(&ctx(growth, &items))
            .unwrap();
        let hs = headings(&compact);
        let mut want = vec![(2, "Tue 24 Nov 2026 · 1:1"), (3, "Topics"), (3, "Check-in")];
        if growth {
            want.push((3, "Growth"));
        }
        want.extend([(3, "Open action items"), (3, "Action items"), (3, "Notes")]);
        assert_eq!(hs, want);
        assert!(compact.len() < default.len(), "{compact:?}");
        assert!(compact
            .iter()
            .any(|b| b.text.contains("How are you getting on with")));
    }
}

#[test]
fn default_template_with_growth_and_open_items() {
    let items = [
        "Bob to send the Q3 draft by Fri 20 Nov (from 17 Nov)",
        "Alice: <b>book</b> & \"room\"",
    ];
    let blocks = Template::default_template()
        .unwrap()
        .render(&ctx(true, &items))
        .unwrap();
    let hs = headings(&blocks);
    let growth = hs.iter().position(|h| h.1 == "Growth").unwrap();
    let open = hs.iter().position(|h| h.1 == "Open action items").unwrap();
    let actions = hs.iter().position(|h| h.1 == "Action items").unwrap();
    assert!(hs.iter().position(|h| h.1 == "Company & me").unwrap() < growth);
    assert!(growth < open && open + 1 == actions);
    let open_and_new: Vec<&str> = blocks
        .iter()
        .skip_while(|b| b.text != "Open action items")
        .filter(|b| b.kind == BlockKind::Bullet)
        .map(|b| b.text.as_str())
        .collect();
    assert_eq!(open_and_new, vec![items[0], items[1], ""]);
}

#[test]
fn markdown_subset() {
    let blocks = parse_markdown(
        "# One\n###### Six\n####### seven\n#tag\n  - bullet  \n* star\n- [ ] todo\n- [ ]\n-\n- [x] done\n\n&nbsp;\nplain\ttext\n##\n",
    );
    let got: Vec<(BlockKind, &str)> = blocks.iter().map(|b| (b.kind, b.text.as_str())).collect();
    use BlockKind::*;
    assert_eq!(
        got,
        vec![
            (Heading(1), "One"),
            (Heading(6), "Six"),
            (Paragraph, "####### seven"),
            (Paragraph, "#tag"),
            (Bullet, "bullet"),
            (Bullet, "star"),
            (Checkbox, "todo"),
            (Checkbox, ""),
            (Bullet, ""),
            (Bullet, "[x] done"),
            (Paragraph, ""),
            (Paragraph, "plain text"),
            (Heading(2), ""),
        ]
    );
}

#[test]
fn placeholders_are_filled() {
    let src = "## {{ date_label }} · {{ organizer_name }} / {{ other_name }}\n{{ date }} {{ other_email }}\n";
    let blocks = render_template("t.md", src, &ctx(false, &[])).unwrap();
    assert_eq!(blocks[0].text, "Tue 24 Nov 2026 · Alice / Bob");
    assert_eq!(blocks[1].text, "2026-11-24 bob@example.com");
}

#[test]
fn an_unknown_variable_is_an_error_naming_path_and_line() {
    let err = Template::new(
        "/etc/oneonone/template.md",
        "## {{ date_label }}\n\n{{ manager }}\n",
    )
    .unwrap_err();
    assert!(
        matches!(&err, TemplateError::Render { path, line: Some(3), .. } if path == "/etc/oneonone/template.md")
    );
    let text = err.to_string();
    assert!(text.contains("/etc/oneonone/template.md line 3"), "{text}");
    assert!(text.contains("open_items"), "{text}");
}

#[test]
fn an_unknown_variable_inside_the_growth_block_is_caught_at_load() {
    let err = Template::new("t.md", "{% if growth %}\n{{ typo }}\n{% endif %}\n").unwrap_err();
    assert!(
        matches!(err, TemplateError::Render { line: Some(2), .. }),
        "{err}"
    );
}

#[test]
fn bad_syntax_is_an_error_naming_path_and_line() {
    let err = Template::new("t.md", "ok\n{% if growth %}\nno end\n").unwrap_err();
    assert!(
        matches!(&err, TemplateError::Syntax { path, line: Some(_), .. } if path == "t.md"),
        "{err}"
    );
    let err = Template::new("t.md", "line\n{{ date_label \n").unwrap_err();
    assert!(
        matches!(err, TemplateError::Syntax { line: Some(2), .. }),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn blocks_never_hold_control_characters_and_items_survive(
        items in prop::collection::vec("\\PC{0,12}|[\t\u{b}\r a-z]{0,6}", 0..4),
    ) {
        let refs: Vec<&str> = items.iter().map(String::as_str).collect();
        let blocks = Template::default_template().unwrap().render(&ctx(true, &refs)).unwrap();
        for b in &blocks {
            prop_assert!(!b.text.chars().any(char::is_control), "{:?}", b);
            if let BlockKind::Heading(l) = b.kind {
                prop_assert!((1..=6).contains(&l));
            }
        }
        // Each carried item that has no line break of its own becomes one checklist item.
        let open = blocks.iter().position(|b| b.text == "Open action items");
        prop_assert_eq!(open.is_some(), !items.is_empty());
    }

    #[test]
    fn markdown_never_panics(text in "\\PC{0,60}") {
        let _ = parse_markdown(&text);
    }
}

#[test]
fn a_template_that_is_not_one_section_is_refused_at_load() {
    let err = Template::new("t.md", "# {{ date_label }}\n").unwrap_err();
    assert!(
        matches!(&err, TemplateError::Shape { path, .. } if path == "t.md"),
        "{err}"
    );
    let err = Template::new(
        "t.md",
        "## {{ date_label }}\n{% if growth %}## Growth{% endif %}\n",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("levels 1–2 end a section"),
        "{err}"
    );
}
