//! The plan is checked against a small simulator of Google's behaviour: the body as paragraphs
//! of text with a style and a bullet; `insertText` splits paragraphs at each `\n` and every
//! resulting paragraph inherits the style and bullet of the paragraph it went into; style and
//! bullet ops apply to every paragraph overlapping their range.

use proptest::prelude::*;

use super::*;
use crate::domain::doc::{Bullet, ParagraphKind};
use crate::domain::doc_build::{build, with_range, Para};
use crate::domain::template::Template;

#[derive(Debug, Clone, PartialEq, Eq)]
struct SimPara {
    /// UTF-16 code units, ending with `\n`.
    text: Vec<u16>,
    style: NamedStyle,
    bullet: Option<BulletPreset>,
}

#[derive(Debug, Clone, Default)]
struct Sim {
    paras: Vec<SimPara>,
    named: Vec<(String, u32, u32)>,
    /// The `[start, end)` of the one InsertText, once applied.
    inserted: Option<(u32, u32)>,
}

fn style_of(kind: ParagraphKind) -> NamedStyle {
    match kind {
        ParagraphKind::Heading(l) => NamedStyle::heading(l).unwrap(),
        _ => NamedStyle::NormalText,
    }
}

fn preset_of(bullet: &Option<Bullet>) -> Option<BulletPreset> {
    bullet.as_ref().map(|b| {
        if b.checkbox {
            BulletPreset::Checkbox
        } else {
            BulletPreset::Disc
        }
    })
}

impl Sim {
    fn from_paras(paras: &[Para]) -> Sim {
        let paras = paras
            .iter()
            .map(|p| SimPara {
                text: format!("{}\n", p.text).encode_utf16().collect(),
                style: style_of(p.kind),
                bullet: preset_of(&p.bullet),
            })
            .collect();
        Sim {
            paras,
            ..Sim::default()
        }
    }

    fn units(&self) -> Vec<u16> {
        self.paras
            .iter()
            .flat_map(|p| p.text.iter().copied())
            .collect()
    }

    fn end(&self) -> u32 {
        1 + self.units().len() as u32
    }

    /// `[start, end)` of each paragraph.
    fn ranges(&self) -> Vec<(u32, u32)> {
        let mut at = 1;
        self.paras
            .iter()
            .map(|p| {
                let r = (at, at + p.text.len() as u32);
                at = r.1;
                r
            })
            .collect()
    }

    fn check_range(&self, start: u32, end: u32) -> Result<(), TestCaseError> {
        prop_assert!(start < end, "empty range [{}, {})", start, end);
        prop_assert!(
            end <= self.end(),
            "range end {} past body end {}",
            end,
            self.end()
        );
        let (a, b) = self
            .inserted
            .ok_or_else(|| TestCaseError::fail("op before the insert"))?;
        prop_assert!(
            a <= start && end <= b,
            "[{}, {}) outside inserted [{}, {})",
            start,
            end,
            a,
            b
        );
        Ok(())
    }

    fn overlapping(&mut self, start: u32, end: u32) -> impl Iterator<Item = &mut SimPara> {
        let ranges = self.ranges();
        self.paras
            .iter_mut()
            .zip(ranges)
            .filter(move |(_, (s, e))| *s < end && start < *e)
            .map(|(p, _)| p)
    }

    fn apply(&mut self, op: &DocOp) -> Result<(), TestCaseError> {
        match op {
            DocOp::InsertText { index, text } => {
                prop_assert!(self.inserted.is_none(), "a second InsertText");
                let ranges = self.ranges();
                let i = ranges
                    .iter()
                    .position(|(s, e)| s <= index && index < e)
                    .ok_or_else(|| {
                        TestCaseError::fail(format!("insert at {index} outside the body"))
                    })?;
                let at = (index - ranges[i].0) as usize;
                let host = self.paras[i].clone();
                prop_assert!(
                    at == 0 || !(0xDC00..0xE000).contains(&host.text[at]),
                    "insert splits a surrogate pair"
                );
                // Google strips these from inserted text (Docs API reference,
                // InsertTextRequest.text): U+0000–U+0008, U+000C–U+001F, U+E000–U+F8FF.
                let inserted: Vec<u16> = text
                    .chars()
                    .filter(|c| {
                        !matches!(c, '\u{0}'..='\u{8}' | '\u{C}'..='\u{1F}' | '\u{E000}'..='\u{F8FF}')
                    })
                    .collect::<String>()
                    .encode_utf16()
                    .collect();
                let mut units = host.text[..at].to_vec();
                units.extend(&inserted);
                units.extend(&host.text[at..]);
                let pieces = units
                    .split_inclusive(|&u| u == u16::from(b'\n'))
                    .map(|t| SimPara {
                        text: t.to_vec(),
                        ..host.clone()
                    });
                self.paras.splice(i..=i, pieces);
                self.inserted = Some((*index, index + inserted.len() as u32));
            }
            DocOp::UpdateParagraphStyle {
                start,
                end,
                named_style,
            } => {
                self.check_range(*start, *end)?;
                self.overlapping(*start, *end)
                    .for_each(|p| p.style = *named_style);
            }
            DocOp::CreateBullets { start, end, preset } => {
                self.check_range(*start, *end)?;
                self.overlapping(*start, *end)
                    .for_each(|p| p.bullet = Some(*preset));
            }
            DocOp::DeleteBullets { start, end } => {
                self.check_range(*start, *end)?;
                self.overlapping(*start, *end).for_each(|p| p.bullet = None);
            }
            DocOp::CreateNamedRange { name, start, end } => {
                self.check_range(*start, *end)?;
                self.named.push((name.clone(), *start, *end));
            }
        }
        Ok(())
    }
}

fn expected_para(b: &Block) -> SimPara {
    SimPara {
        text: format!("{}\n", clean_text(&b.text))
            .encode_utf16()
            .collect(),
        style: match b.kind {
            BlockKind::Heading(l) => NamedStyle::heading(l).unwrap(),
            _ => NamedStyle::NormalText,
        },
        bullet: bullet_of(b.kind),
    }
}

/// Plans the section, runs it through the simulator and checks the whole outcome.
fn check_plan(
    paras: &[Para],
    ranged: &[(usize, &str)],
    blocks: &[Block],
) -> Result<Vec<DocOp>, TestCaseError> {
    let mut doc = build(paras);
    for &(i, name) in ranged {
        doc = with_range(doc, name, i);
    }
    let ops = plan_section(&doc, blocks, "series#20261124")
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut sim = Sim::from_paras(paras);
    let before = sim.clone();
    let insert_first = matches!(ops.first(), Some(DocOp::InsertText { .. }));
    prop_assert!(
        insert_first,
        "the plan must start with its insert: {:?}",
        ops
    );
    for op in &ops {
        sim.apply(op)?;
    }
    let (a, b) = sim.inserted.unwrap();
    // Text outside the insertion is unchanged, byte for byte.
    let (old, new) = (before.units(), sim.units());
    let (a0, b0) = ((a - 1) as usize, (b - 1) as usize);
    prop_assert_eq!(&old[..a0], &new[..a0]);
    prop_assert_eq!(&old[a0..], &new[b0..]);
    prop_assert_eq!(
        String::from_utf16(&old).is_ok(),
        String::from_utf16(&new).is_ok()
    );

    // The paragraphs: the old ones, with the section's paragraphs in between.
    let point = insertion_index(&doc);
    let k = match point {
        InsertionPoint::BeforeHeading { paragraph, .. } => paragraph,
        InsertionPoint::EndOfBody { .. } => before.paras.len() - 1,
    };
    let mut expected: Vec<SimPara> = before.paras[..k].to_vec();
    if point.break_first() {
        expected.push(before.paras[k].clone());
        expected.extend(blocks.iter().map(expected_para));
        expected.push(SimPara {
            text: vec![u16::from(b'\n')],
            ..before.paras[k].clone()
        });
    } else {
        expected.extend(blocks.iter().map(expected_para));
        expected.extend(before.paras[k..].iter().cloned());
    }
    prop_assert_eq!(&sim.paras, &expected);

    // The named range covers exactly the section's heading paragraph.
    let heading = k + usize::from(point.break_first());
    let (hs, he) = sim.ranges()[heading];
    prop_assert_eq!(
        &sim.named,
        &vec![("oneonone:series#20261124".to_string(), hs, he)]
    );
    Ok(ops)
}

fn blk(kind: BlockKind, text: &str) -> Block {
    Block {
        kind,
        text: text.to_string(),
    }
}

fn default_blocks() -> Vec<Block> {
    let ctx = crate::domain::template::TemplateContext {
        date_label: "Tue 24 Nov 2026".into(),
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
        meeting: "1:1".into(),
        organizer_name: "Alice".into(),
        other_name: "Bob".into(),
        organizer_email: "a@x".into(),
        other_email: "b@x".into(),
        growth: true,
        open_items: vec!["Bob to send the Q3 draft 📄".into()],
    };
    Template::default_template().unwrap().render(&ctx).unwrap()
}

#[test]
fn newest_section_goes_above_the_previous_one_with_explicit_styles() {
    let paras = [
        Para::normal("Purpose 🎯"),
        Para::h(2, "Tue 17 Nov 2026 · 1:1"),
        Para::bullet("old item", true),
    ];
    let blocks = vec![
        blk(BlockKind::Heading(2), "Tue 24 Nov 2026 · 1:1"),
        blk(BlockKind::Heading(3), "Check-in"),
        blk(BlockKind::Bullet, "How are you?"),
        blk(BlockKind::Bullet, "é"),
        blk(BlockKind::Checkbox, ""),
        blk(BlockKind::Paragraph, ""),
    ];
    let ops = check_plan(&paras, &[], &blocks).unwrap();
    // "Purpose 🎯\n" is 1..12 (the emoji counts 2).
    let text = "Tue 24 Nov 2026 · 1:1\nCheck-in\nHow are you?\né\n\n\n".to_string();
    let h = 12 + 22;
    assert_eq!(
        ops,
        vec![
            DocOp::InsertText { index: 12, text },
            DocOp::UpdateParagraphStyle {
                start: 12,
                end: h,
                named_style: NamedStyle::Heading2
            },
            DocOp::UpdateParagraphStyle {
                start: h,
                end: h + 9,
                named_style: NamedStyle::Heading3
            },
            DocOp::UpdateParagraphStyle {
                start: h + 9,
                end: h + 26,
                named_style: NamedStyle::NormalText
            },
            DocOp::CreateBullets {
                start: h + 9,
                end: h + 24,
                preset: BulletPreset::Disc
            },
            DocOp::CreateBullets {
                start: h + 24,
                end: h + 25,
                preset: BulletPreset::Checkbox
            },
            DocOp::CreateNamedRange {
                name: "oneonone:series#20261124".into(),
                start: 12,
                end: h
            },
        ]
    );
}

#[test]
fn first_section_in_a_doc_ending_with_text_starts_with_a_break() {
    let paras = [
        Para::h(1, "Alice / Bob"),
        Para::bullet("we meet weekly", false),
    ];
    let ops = check_plan(&paras, &[], &default_blocks()).unwrap();
    // The host paragraph is a list item: its bullet would be inherited.
    assert!(matches!(ops[1], DocOp::DeleteBullets { .. }));
    let DocOp::InsertText { index, text } = &ops[0] else {
        panic!()
    };
    assert_eq!(*index, 13 + 14);
    assert!(text.starts_with("\nTue 24 Nov 2026 · 1:1\n"));
}

#[test]
fn first_section_in_a_doc_ending_with_an_empty_paragraph_needs_no_break() {
    let paras = [Para::normal("hello"), Para::normal("")];
    let ops = check_plan(&paras, &[], &default_blocks()).unwrap();
    let DocOp::InsertText { index, text } = &ops[0] else {
        panic!()
    };
    assert_eq!((*index, text.starts_with("Tue")), (7, true));
}

#[test]
fn an_empty_new_document() {
    check_plan(&[Para::normal("")], &[], &default_blocks()).unwrap();
}

#[test]
fn control_characters_in_block_text_cannot_split_paragraphs() {
    let blocks = vec![
        blk(BlockKind::Heading(2), "24 Nov 2026"),
        blk(BlockKind::Checkbox, "a\nb\tc\u{b}d"),
    ];
    let ops = check_plan(&[Para::normal("")], &[], &blocks).unwrap();
    assert!(matches!(&ops[0], DocOp::InsertText { text, .. } if text == "24 Nov 2026\na b c d\n"));
}

/// Docs API reference, InsertTextRequest.text: private-use characters (U+E000–U+F8FF) "will
/// be stripped out of the inserted text". A carried item holding one (U+E907 is what
/// `documents.get` shows for a chip it cannot render) used to be sent as is, so every style,
/// bullet and named-range index after it was one too far.
#[test]
fn private_use_characters_in_block_text_do_not_shift_indices() {
    let blocks = vec![
        blk(BlockKind::Heading(2), "24 Nov 2026"),
        blk(BlockKind::Checkbox, "Bob \u{E907}to send it"),
        blk(BlockKind::Heading(3), "Notes\u{F8FF}"),
        blk(BlockKind::Bullet, "x"),
    ];
    let ops = check_plan(&[Para::normal("")], &[], &blocks).unwrap();
    assert!(
        matches!(&ops[0], DocOp::InsertText { text, .. } if text == "24 Nov 2026\nBob to send it\nNotes\nx\n"),
        "{ops:?}"
    );
}

#[test]
fn refuses_what_it_cannot_write_safely() {
    let doc = build(&[Para::normal("")]);
    let h2 = blk(BlockKind::Heading(2), "24 Nov 2026");
    assert_eq!(plan_section(&doc, &[], "k"), Err(PlanError::NoBlocks));
    assert_eq!(
        plan_section(&doc, std::slice::from_ref(&h2), ""),
        Err(PlanError::EmptyKey)
    );
    assert_eq!(
        plan_section(&doc, &[blk(BlockKind::Paragraph, "x")], "k"),
        Err(PlanError::FirstBlockNotSectionHeading {
            found: BlockKind::Paragraph
        })
    );
    assert_eq!(
        plan_section(&doc, &[h2.clone(), blk(BlockKind::Heading(1), "x")], "k"),
        Err(PlanError::SectionHeadingInside { block: 1, level: 1 })
    );
    assert_eq!(
        plan_section(&doc, &[h2.clone(), blk(BlockKind::Heading(9), "x")], "k"),
        Err(PlanError::BadHeadingLevel { block: 1, level: 9 })
    );
    let existing = with_range(doc.clone(), "oneonone:k", 0);
    assert!(matches!(
        plan_section(&existing, std::slice::from_ref(&h2), "k"),
        Err(PlanError::AlreadyPresent { .. })
    ));
    let mut broken = doc.clone();
    broken.paragraphs[0].end += 1;
    assert!(matches!(
        plan_section(&broken, std::slice::from_ref(&h2), "k"),
        Err(PlanError::Inconsistent { .. })
    ));
    let mut tables_only = doc;
    tables_only.paragraphs[0].in_table = true;
    assert!(matches!(
        plan_section(&tables_only, &[h2], "k"),
        Err(PlanError::NoBody { .. })
    ));
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("👩‍👩‍👧 family 🎉".to_string()),
        Just("e\u{301}te\u{301} cafe\u{301}".to_string()),
        Just("会议记录 漢字".to_string()),
        "[a-zé🙂漢\u{301} ]{0,10}",
    ]
}

fn arb_para() -> impl Strategy<Value = Para> {
    let kind = prop_oneof![
        3 => Just(ParagraphKind::Normal),
        1 => Just(ParagraphKind::Title),
        2 => (1u8..=6).prop_map(ParagraphKind::Heading),
    ];
    let text = prop_oneof![3 => arb_text(), 1 => Just("Tue 17 Nov 2026 · 1:1".to_string())];
    (kind, text, prop::option::of(any::<bool>())).prop_map(|(kind, text, bullet)| Para {
        kind,
        bullet: bullet.map(|checkbox| Bullet {
            list_id: "l".into(),
            nesting_level: 0,
            checkbox,
        }),
        text,
    })
}

fn arb_blocks() -> impl Strategy<Value = Vec<Block>> {
    let kind = prop_oneof![
        (3u8..=6).prop_map(BlockKind::Heading),
        Just(BlockKind::Bullet),
        Just(BlockKind::Checkbox),
        Just(BlockKind::Paragraph),
    ];
    (arb_text(), prop::collection::vec((kind, arb_text()), 0..8)).prop_map(|(title, rest)| {
        let mut blocks = vec![Block {
            kind: BlockKind::Heading(2),
            text: format!("24 Nov 2026 {title}"),
        }];
        blocks.extend(rest.into_iter().map(|(kind, text)| Block { kind, text }));
        blocks
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn plans_only_insert_and_style_what_they_inserted(
        paras in prop::collection::vec(arb_para(), 1..10),
        blocks in arb_blocks(),
        ranged in prop::option::of(0usize..10),
    ) {
        let ranged: Vec<(usize, &str)> = ranged.into_iter().map(|i| (i, "oneonone:older")).collect();
        check_plan(&paras, &ranged, &blocks)?;
    }
}

#[test]
fn ops_translate_to_docs_requests() {
    let ops = [
        DocOp::InsertText {
            index: 5,
            text: "a\n".into(),
        },
        DocOp::UpdateParagraphStyle {
            start: 5,
            end: 7,
            named_style: NamedStyle::Heading2,
        },
        DocOp::CreateBullets {
            start: 5,
            end: 7,
            preset: BulletPreset::Checkbox,
        },
        DocOp::DeleteBullets { start: 5, end: 7 },
        DocOp::CreateNamedRange {
            name: "oneonone:k".into(),
            start: 5,
            end: 7,
        },
    ];
    let json: Vec<serde_json::Value> = ops.iter().map(|op| op.to_request(None)).collect();
    let range = serde_json::json!({"startIndex": 5, "endIndex": 7});
    assert_eq!(
        json[0],
        serde_json::json!({"insertText": {"location": {"index": 5}, "text": "a\n"}})
    );
    assert_eq!(
        json[1]["updateParagraphStyle"]["paragraphStyle"]["namedStyleType"],
        "HEADING_2"
    );
    assert_eq!(json[1]["updateParagraphStyle"]["fields"], "namedStyleType");
    assert_eq!(
        json[2]["createParagraphBullets"]["bulletPreset"],
        "BULLET_CHECKBOX"
    );
    assert_eq!(json[3]["deleteParagraphBullets"]["range"], range);
    assert_eq!(json[4]["createNamedRange"]["name"], "oneonone:k");
    // The generated crate's types accept every request as written. (From a string: its FieldMask
    // deserialiser wants a borrowed &str, which `from_value` cannot give.)
    for j in json {
        let parsed: google_docs1::api::Request = serde_json::from_str(&j.to_string()).unwrap();
        assert_eq!(without_nulls(serde_json::to_value(parsed).unwrap()), j);
    }
}

/// Every location and range names the tab the op was planned on, so a tab a person adds
/// before ours does not receive our text (issue 9 §5; "Work with tabs").
#[test]
fn ops_planned_on_a_tab_name_it_in_every_location_and_range() {
    let ops = [
        DocOp::InsertText {
            index: 5,
            text: "a\n".into(),
        },
        DocOp::UpdateParagraphStyle {
            start: 5,
            end: 7,
            named_style: NamedStyle::Heading2,
        },
        DocOp::CreateBullets {
            start: 5,
            end: 7,
            preset: BulletPreset::Checkbox,
        },
        DocOp::DeleteBullets { start: 5, end: 7 },
        DocOp::CreateNamedRange {
            name: "oneonone:k".into(),
            start: 5,
            end: 7,
        },
    ];
    let json: Vec<serde_json::Value> = ops
        .iter()
        .map(|op| op.to_request(Some("t.notes")))
        .collect();
    assert_eq!(json[0]["insertText"]["location"]["tabId"], "t.notes");
    assert_eq!(json[0]["insertText"]["location"]["index"], 5);
    for (j, key) in json[1..].iter().zip([
        "updateParagraphStyle",
        "createParagraphBullets",
        "deleteParagraphBullets",
        "createNamedRange",
    ]) {
        assert_eq!(j[key]["range"]["tabId"], "t.notes", "{j}");
        assert_eq!(j[key]["range"]["startIndex"], 5, "{j}");
    }
    for j in json {
        let parsed: google_docs1::api::Request = serde_json::from_str(&j.to_string()).unwrap();
        assert_eq!(without_nulls(serde_json::to_value(parsed).unwrap()), j);
    }
}

/// The generated types serialise unset fields as `null`; drop them to compare.
fn without_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => map
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, without_nulls(v)))
            .collect(),
        other => other,
    }
}
