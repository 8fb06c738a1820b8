//! Which paragraphs of a section are action items.
//!
//! A section is the paragraphs under one dated HEADING_2. Inside it, headings of level 3 and
//! below open sub-blocks; what a line means depends on the block it sits in:
//!
//! * every line under an "Action items" heading (also "Action item(s)", "Actions", "Action
//!   points", "Next steps", "TODO", "To do", "To-dos", "Follow-ups"; case-insensitive, a
//!   trailing colon or emoji is fine) is an item;
//! * lines under "Open action items" ("Open actions", "Open items", "Carried over") are carried
//!   lines (see [`super::carry`]);
//! * anywhere in the section, a checklist item or a line starting with an action marker
//!   ("Action:", "AI:", "TODO:", "→", "->") is an item.
//!
//! A HEADING_1/HEADING_2 (or title) inside the slice closes the current block, so passing a
//! slice that includes the section's own heading is fine.

use crate::domain::doc::{Paragraph, ParagraphKind};

use super::line;

/// The kind of sub-block a paragraph sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Block {
    /// Before any sub-heading, or under one we do not read ("Notes", "Check-in").
    Other,
    /// "Action items" and its synonyms.
    Actions,
    /// "Open action items": lines carried from earlier meetings.
    Open,
}

/// A body paragraph with what the headings above it said.
#[derive(Debug, Clone, Copy)]
pub(super) struct Located<'a> {
    pub paragraph: &'a Paragraph,
    pub block: Block,
    /// The nearest preceding heading that has an id.
    pub heading_id: Option<&'a str>,
}

const ACTION_HEADINGS: &[&str] = &[
    "action items",
    "action item",
    "actions",
    "action points",
    "next steps",
    "todo",
    "todos",
    "to do",
    "to-do",
    "to-dos",
    "to dos",
    "follow-ups",
    "follow ups",
    "followups",
];

const OPEN_HEADINGS: &[&str] = &[
    "open action items",
    "open actions",
    "open items",
    "carried over",
    "carried action items",
];

/// Every non-heading paragraph of the section, in order, with its block.
pub(super) fn walk(section: &[Paragraph]) -> Vec<Located<'_>> {
    let mut out = Vec::new();
    let mut block = Block::Other;
    let mut heading_id: Option<&str> = None;
    for paragraph in section {
        match paragraph.kind {
            ParagraphKind::Heading(level) => {
                if let Some(id) = paragraph.heading_id.as_deref() {
                    heading_id = Some(id);
                }
                block = if level >= 3 {
                    block_named(&heading_text(paragraph))
                } else {
                    Block::Other
                };
            }
            ParagraphKind::Title | ParagraphKind::Subtitle => block = Block::Other,
            ParagraphKind::Normal => out.push(Located {
                paragraph,
                block,
                heading_id,
            }),
        }
    }
    out
}

fn heading_text(paragraph: &Paragraph) -> String {
    line::lines(paragraph)
        .into_iter()
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The block a sub-heading opens.
pub(super) fn block_named(heading: &str) -> Block {
    let name: String = heading
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if ACTION_HEADINGS.contains(&name.as_str()) {
        Block::Actions
    } else if OPEN_HEADINGS.contains(&name.as_str()) {
        Block::Open
    } else {
        Block::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names() {
        for h in [
            "Action items",
            "ACTION ITEMS:",
            "Actions",
            "Next steps",
            "TODO",
            "✅ To-dos",
        ] {
            assert_eq!(block_named(h), Block::Actions, "{h}");
        }
        for h in ["Open action items", "open actions"] {
            assert_eq!(block_named(h), Block::Open, "{h}");
        }
        for h in ["Notes", "Check-in", "Action items for later review", ""] {
            assert_eq!(block_named(h), Block::Other, "{h}");
        }
    }
}
