//! UTF-16 arithmetic on Rust strings.
//!
//! Google Docs counts every index in UTF-16 code units while Rust strings are UTF-8, so every
//! edit converts between the two. These helpers refuse offsets that would split a surrogate
//! pair instead of silently rounding, because Google rejects such requests too.

/// Number of UTF-16 code units in `s` (an emoji outside the BMP counts 2).
pub fn len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Byte offset in `s` of the UTF-16 offset `units`, or `None` when `units` lies inside a
/// surrogate pair or beyond the end of the string.
pub fn byte_offset(s: &str, units: usize) -> Option<usize> {
    let mut seen = 0;
    for (byte, c) in s.char_indices() {
        if seen == units {
            return Some(byte);
        }
        seen += c.len_utf16();
        if seen > units {
            return None;
        }
    }
    (seen == units).then_some(s.len())
}

/// Splits `s` at the UTF-16 offset `units`; `None` inside a surrogate pair or past the end.
pub fn split_at(s: &str, units: usize) -> Option<(&str, &str)> {
    byte_offset(s, units).map(|b| s.split_at(b))
}

/// Google strips these from inserted text: C0 controls other than tab, newline and the
/// vertical tab (a soft line break), and the private-use area U+E000–U+F8FF.
pub fn strip_forbidden(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            let cp = c as u32;
            let control = cp < 0x20 && !matches!(c, '\t' | '\n' | '\u{000B}');
            let private = (0xE000..=0xF8FF).contains(&cp);
            !control && !private
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_counts_two_units_and_cannot_be_split() {
        let s = "a😀b";
        assert_eq!(len(s), 4);
        assert_eq!(byte_offset(s, 1), Some(1));
        assert_eq!(byte_offset(s, 2), None);
        assert_eq!(byte_offset(s, 3), Some(5));
        assert_eq!(byte_offset(s, 4), Some(6));
        assert_eq!(byte_offset(s, 5), None);
        assert_eq!(split_at(s, 3), Some(("a😀", "b")));
    }

    #[test]
    fn cjk_and_combining_marks_count_one_unit_each() {
        assert_eq!(len("日本"), 2);
        assert_eq!(len("e\u{0301}"), 2);
    }

    #[test]
    fn strips_controls_and_private_use_but_keeps_breaks() {
        assert_eq!(
            strip_forbidden("a\u{0001}b\tc\n\u{000B}\u{E000}d"),
            "ab\tc\n\u{000B}d"
        );
    }
}
