//! The markers a line may start with: "Action:", "TODO:", "→", "[x]", "☐", "Done:", a typed
//! bullet. They say *that* a line is an action item (or that it is done); they are never part of
//! the task. Any number of them, in any order, are stripped from the front.

/// What the front of a line said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Prefix {
    /// Byte offset where the line's content starts, after the markers and whitespace.
    pub rest: usize,
    /// An explicit action marker ("Action:", "AI:", "TODO:", "→", "->") was present.
    pub action: bool,
    /// A done marker ("[x]", "☑", "☒", "✅", "✔", "Done:", "DONE") was present.
    pub done: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Mark {
    Action,
    Done,
    /// A typed bullet or an empty box: no meaning beyond "list item".
    Noise,
}

/// Case-insensitive (ASCII) markers, longest first where one is a prefix of another.
const WORD_MARKS: &[(&str, Mark)] = &[
    ("action items:", Mark::Action),
    ("action item:", Mark::Action),
    ("actions:", Mark::Action),
    ("action:", Mark::Action),
    ("ai:", Mark::Action),
    ("todo:", Mark::Action),
    ("to do:", Mark::Action),
    ("to-do:", Mark::Action),
    ("done:", Mark::Done),
    ("[x]", Mark::Done),
    ("[ ]", Mark::Noise),
    ("[]", Mark::Noise),
];

/// Symbol markers, matched exactly.
const SYMBOL_MARKS: &[(&str, Mark)] = &[
    ("->", Mark::Action),
    ("→", Mark::Action),
    ("[✓]", Mark::Done),
    ("[✔]", Mark::Done),
    ("✅", Mark::Done),
    ("✔\u{FE0F}", Mark::Done),
    ("✔", Mark::Done),
    ("✓", Mark::Done),
    ("☑\u{FE0F}", Mark::Done),
    ("☑", Mark::Done),
    ("☒", Mark::Done),
    ("☐", Mark::Noise),
    ("•", Mark::Noise),
    ("◦", Mark::Noise),
    ("▪", Mark::Noise),
];

/// Upper-case words that mark a line when followed by a non-letter: "TODO send it", "DONE x".
/// Lower or mixed case "done" / "todo" starts ordinary sentences too often to count.
const SHOUTED: &[(&str, Mark)] = &[("TODO", Mark::Action), ("DONE", Mark::Done)];

/// Strips every leading marker from `text`.
pub(super) fn strip(text: &str) -> Prefix {
    let mut prefix = Prefix::default();
    loop {
        let before = prefix.rest;
        let rest = text.get(prefix.rest..).unwrap_or_default();
        let trimmed = rest.trim_start();
        prefix.rest += rest.len() - trimmed.len();
        if let Some((len, mark)) = leading_mark(trimmed) {
            prefix.rest += len;
            match mark {
                Mark::Action => prefix.action = true,
                Mark::Done => prefix.done = true,
                Mark::Noise => {}
            }
        }
        if prefix.rest == before {
            return prefix;
        }
    }
}

fn leading_mark(s: &str) -> Option<(usize, Mark)> {
    for (word, mark) in WORD_MARKS {
        if s.get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
        {
            return Some((word.len(), *mark));
        }
    }
    for (symbol, mark) in SYMBOL_MARKS {
        if s.starts_with(symbol) {
            return Some((symbol.len(), *mark));
        }
    }
    for (word, mark) in SHOUTED {
        if let Some(after) = s.strip_prefix(word) {
            if !after.starts_with(|c: char| c.is_alphanumeric()) {
                return Some((word.len(), *mark));
            }
        }
    }
    // A typed bullet: "-", "*" or "–" followed by a space (but "->" is an action marker above).
    for bullet in ["- ", "* ", "– "] {
        if s.starts_with(bullet) {
            return Some((bullet.len() - 1, Mark::Noise));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rest(text: &str) -> &str {
        text.get(strip(text).rest..).unwrap_or_default()
    }

    #[test]
    fn action_markers() {
        for line in [
            "Action: send",
            "AI: send",
            "TODO: send",
            "→ send",
            "-> send",
            "todo: send",
        ] {
            let p = strip(line);
            assert!(p.action, "{line}");
            assert!(!p.done, "{line}");
            assert_eq!(rest(line), "send", "{line}");
        }
    }

    #[test]
    fn done_markers() {
        for line in [
            "[x] send",
            "[X] send",
            "Done: send",
            "DONE send",
            "✅ send",
            "☑ send",
            "☒send",
        ] {
            let p = strip(line);
            assert!(p.done, "{line}");
            assert_eq!(rest(line), "send", "{line}");
        }
    }

    #[test]
    fn markers_stack_in_any_order() {
        let p = strip("  ☐ [x] → TODO: - Bob to send");
        assert!(p.action && p.done);
        assert_eq!(rest("  ☐ [x] → TODO: - Bob to send"), "Bob to send");
    }

    #[test]
    fn ordinary_words_are_not_markers() {
        for line in [
            "Done with the review",
            "Todos are fun",
            "Actionable",
            "-5 degrees",
            "Dones",
        ] {
            let p = strip(line);
            assert!(!p.action && !p.done, "{line}");
            assert_eq!(p.rest, 0, "{line}");
        }
    }

    #[test]
    fn invisible_and_empty_lines() {
        assert_eq!(strip(""), Prefix::default());
        assert_eq!(strip("   ").rest, 3);
    }
}
