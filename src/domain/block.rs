//! One paragraph of a section to be written: what the template renders
//! ([`template`](super::template)) and the edit planner inserts ([`edit`](super::edit)).
//!
//! It lives apart from both so that each can use it without the two importing each other.

/// One paragraph of the rendered section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// The paragraph's text, without newline, control characters or private-use characters
    /// (see [`clean_text`]).
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

/// `text` as Google will store it, with every control character (newlines, tabs, vertical
/// tabs) made a space and every Basic Multilingual Plane private-use character removed.
///
/// Why removed: Docs strips them itself. The Docs API reference, `InsertTextRequest.text`:
/// "Control characters (U+0000-U+0008, U+000C-U+001F) and characters from the Unicode Basic
/// Multilingual Plane Private Use Area (U+E000-U+F8FF) will be stripped out of the inserted
/// text." Every index the edit planner computes (styles, bullets, the named range) counts the
/// text it sends, so it must send exactly what Google keeps: a carried item holding U+E907
/// (the character `documents.get` shows for a chip it cannot render as text) would otherwise
/// shift every later range by one. Control characters become spaces instead, which Google
/// keeps, so a paragraph stays one paragraph and words stay apart.
pub(crate) fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|c| !is_private_use(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// U+E000–U+F8FF, the range Docs strips from inserted text. The supplementary private-use
/// planes (15 and 16) are not in Google's list and are kept.
fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Docs API reference, `InsertTextRequest.text` (quoted on [`clean_text`]): Google strips
    /// U+E000–U+F8FF, so the text we plan indices over must not hold them either.
    #[test]
    fn private_use_characters_are_removed_as_google_removes_them() {
        assert_eq!(
            clean_text("Bob \u{E907}to send\u{F8FF} it"),
            "Bob to send it"
        );
        assert_eq!(clean_text("\u{E000}"), "");
        // Its UTF-16 length is what the edit planner advances indices by.
        let cleaned = clean_text("a\u{E907}b");
        assert_eq!(cleaned.encode_utf16().count(), 2);
        // Outside the BMP private-use area: kept (not in Google's list).
        assert_eq!(clean_text("\u{F0000}x"), "\u{F0000}x");
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(clean_text("a\nb\tc\u{000B}d\u{0001}e"), "a b c d e");
        assert_eq!(clean_text("plain — text ✅"), "plain — text ✅");
    }
}
