//! One paragraph of a section to be written: what the template renders
//! ([`template`](super::template)) and the edit planner inserts ([`edit`](super::edit)).
//!
//! It lives apart from both so that each can use it without the two importing each other.

/// One paragraph of the rendered section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// The paragraph's text, without newline and without control characters.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// HEADING_1 … HEADING_6.
    Heading(u8),
    Bullet,
    /// A checklist item (`BULLET_CHECKBOX`).
    Checkbox,
    Paragraph,
}

/// `text` with every control character (newlines, tabs, vertical tabs) made a space.
pub(crate) fn clean_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
