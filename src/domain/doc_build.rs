//! Test support: building a [`Doc`] from paragraph texts, with indices computed the way Google
//! computes them (UTF-16, body from 1, one text run per paragraph ending in `\n`).

use super::doc::{Bullet, Doc, Inline, NamedRange, Paragraph, ParagraphKind};

/// One paragraph to build: its style, bullet and text (without the final newline).
#[derive(Debug, Clone)]
pub struct Para {
    pub kind: ParagraphKind,
    pub bullet: Option<Bullet>,
    pub text: String,
}

impl Para {
    pub fn new(kind: ParagraphKind, text: &str) -> Para {
        Para {
            kind,
            bullet: None,
            text: text.to_string(),
        }
    }
    pub fn normal(text: &str) -> Para {
        Para::new(ParagraphKind::Normal, text)
    }
    pub fn h(level: u8, text: &str) -> Para {
        Para::new(ParagraphKind::Heading(level), text)
    }
    pub fn bullet(text: &str, checkbox: bool) -> Para {
        let bullet = Bullet {
            list_id: "kix.list".into(),
            nesting_level: 0,
            checkbox,
        };
        Para {
            bullet: Some(bullet),
            ..Para::normal(text)
        }
    }
}

fn utf16_len(s: &str) -> u32 {
    u32::try_from(s.encode_utf16().count()).unwrap_or(u32::MAX)
}

/// A document whose body holds `paras` in order (each gets its `\n`).
pub fn build(paras: &[Para]) -> Doc {
    let mut at = 1;
    let mut paragraphs = Vec::new();
    for p in paras {
        let text = format!("{}\n", p.text);
        let end = at + utf16_len(&text);
        paragraphs.push(Paragraph {
            start: at,
            end,
            kind: p.kind,
            heading_id: None,
            bullet: p.bullet.clone(),
            in_table: false,
            elements: vec![Inline::Text {
                start: at,
                end,
                text,
                strikethrough: false,
                suggested: false,
            }],
        });
        at = end;
    }
    Doc {
        document_id: "doc".into(),
        title: "Test".into(),
        tab_id: None,
        revision_id: Some("rev".into()),
        paragraphs,
        named_ranges: Vec::new(),
        end_index: at,
    }
}

/// Adds a named range `name` over paragraph `i` of `doc`.
pub fn with_range(mut doc: Doc, name: &str, i: usize) -> Doc {
    if let Some(p) = doc.paragraphs.get(i) {
        let range = (p.start, p.end);
        doc.named_ranges.push(NamedRange {
            name: name.into(),
            id: format!("kix.{i}"),
            ranges: vec![range],
        });
    }
    doc
}
