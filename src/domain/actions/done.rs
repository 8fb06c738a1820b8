//! Whether an item is done. The Docs API does not expose a ticked checkbox, so "done" comes from
//! what people type or format: a done marker at the front ("[x]", "Done:", "DONE", see
//! [`super::prefix`]), a tick emoji anywhere ("✅", "✔", "☑"), a "(done)" tag anywhere, or the
//! whole line struck through.

use std::ops::Range;

/// Markers that mean "done" wherever they appear in a line.
const ANYWHERE: &[&str] = &[
    "✅",
    "✔\u{FE0F}",
    "✔",
    "☑\u{FE0F}",
    "☑",
    "✓",
    "(done)",
    "[done]",
];

/// Byte ranges of done markers in `text` from `from` on, in order and non-overlapping.
pub(super) fn marks(text: &str, from: usize) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let Some(tail) = text.get(from..) else {
        return found;
    };
    let mut i = 0;
    while i < tail.len() {
        let rest = tail.get(i..).unwrap_or_default();
        let hit = ANYWHERE.iter().find(|m| {
            rest.get(..m.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(m))
        });
        match hit {
            Some(m) => {
                found.push(from + i..from + i + m.len());
                i += m.len();
            }
            None => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// Combines the three signals.
pub(super) fn is_done(prefix_done: bool, marks: &[Range<usize>], struck: bool) -> bool {
    prefix_done || !marks.is_empty() || struck
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_anywhere() {
        for (text, at) in [
            ("send it ✅", 8..11),
            ("send ✔ it", 5..8),
            ("send ✔\u{FE0F}", 5..11),
            ("☑ sent", 0..3),
            ("sent (DONE)", 5..11),
        ] {
            assert_eq!(marks(text, 0), vec![at], "{text}");
        }
    }

    #[test]
    fn no_marks_in_plain_text_or_before_from() {
        assert!(marks("send the done deal", 0).is_empty());
        assert!(marks("✅ send", 4).is_empty());
        assert!(marks("✅ send", 99).is_empty());
    }

    #[test]
    fn any_signal_is_enough() {
        assert!(is_done(true, &[], false));
        let tick = 0..1;
        assert!(is_done(false, std::slice::from_ref(&tick), false));
        assert!(is_done(false, &[], true));
        assert!(!is_done(false, &[], false));
    }
}
