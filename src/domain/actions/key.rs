//! An action item's identity: the text a ledger recognises again on the next harvest.
//!
//! The key is `owner|task`, both normalised: lowercase, any run of whitespace (including
//! no-break and ideographic spaces) collapsed to one space, invisible characters and emoji
//! presentation selectors dropped, trailing sentence punctuation dropped. The due phrase and the
//! done markers are not part of it, so ticking an item, fixing its spacing or moving its date
//! keeps its key; changing the task's words or its owner makes a new item. Text is not
//! Unicode-normalised (no NFC): a line retyped with decomposed accents gets a new key.

use super::model::Owner;

/// Lowercases and collapses whitespace; drops zero-width characters and variation selectors.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if matches!(
            c,
            '\u{200B}'
                | '\u{2060}'
                | '\u{FEFF}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{00AD}'
                | '\u{FE0E}'
                | '\u{FE0F}'
        ) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.extend(c.to_lowercase());
    }
    let kept =
        out.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '!' | ';' | ','));
    kept.to_string()
}

/// The owner's part of a key: stable across display names (emails, not names, for attendees).
fn owner_tag(owner: &Owner) -> String {
    match owner {
        Owner::Email(email) => email.trim().to_lowercase(),
        Owner::Both => "both".to_string(),
        Owner::Unassigned => String::new(),
        Owner::AsWritten(name) => format!("~{}", normalise(name)),
    }
}

/// The key of an item with this owner and task.
pub fn item_key(owner: &Owner, task: &str) -> String {
    format!("{}|{}", owner_tag(owner), normalise(task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_case_and_whitespace() {
        assert_eq!(
            normalise("  Send\u{a0}the  Q3\tDRAFT. "),
            "send the q3 draft"
        );
    }

    #[test]
    fn drops_invisible_characters_but_keeps_emoji_and_scripts() {
        assert_eq!(
            normalise("Ship\u{200B} 🚀\u{FE0F} Юлия 美咲"),
            "ship 🚀 юлия 美咲"
        );
    }

    #[test]
    fn owner_is_part_of_the_key() {
        let a = item_key(&Owner::Email("Bob@X.com".into()), "Send it");
        let b = item_key(&Owner::Email("alice@x.com".into()), "Send it");
        assert_eq!(a, "bob@x.com|send it");
        assert_ne!(a, b);
        assert_eq!(item_key(&Owner::Both, "x"), "both|x");
        assert_eq!(item_key(&Owner::Unassigned, "x"), "|x");
        assert_eq!(
            item_key(&Owner::AsWritten("Carol  Diaz".into()), "x"),
            "~carol diaz|x"
        );
    }
}
