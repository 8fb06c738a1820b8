//! Cutting a task's text out of its line and tidying it: shared by [`harvest`](super::harvest)
//! (an item as written) and [`carry`](super::carry) (a carried line read back), which must
//! produce the same task for the same words so that the item's key matches.

use std::ops::Range;

/// `text[window]` without the `cuts`.
pub(super) fn cut(text: &str, window: Range<usize>, cuts: &[Range<usize>]) -> String {
    let mut out = String::new();
    if window.start >= window.end {
        return out;
    }
    let mut at = window.start;
    let mut sorted: Vec<&Range<usize>> = cuts.iter().collect();
    sorted.sort_by_key(|r| r.start);
    for c in sorted {
        let lo = c.start.clamp(window.start, window.end);
        let hi = c.end.clamp(window.start, window.end);
        if lo > at {
            out.push_str(text.get(at..lo).unwrap_or_default());
        }
        at = at.max(hi);
    }
    if window.end > at {
        out.push_str(text.get(at..window.end).unwrap_or_default());
    }
    out
}

/// Collapses whitespace and trims the separators a removed owner or due phrase leaves behind.
pub(super) fn tidy_task(task: &str) -> String {
    let collapsed = task.split_whitespace().collect::<Vec<_>>().join(" ");
    let edge = |c: char| c.is_whitespace() || matches!(c, ':' | '：' | '-' | '—' | '–' | ',' | ';');
    // Idempotent on purpose: a carried task is tidied again when read back.
    let trimmed = collapsed
        .trim_start_matches(edge)
        .trim_end_matches(|c| edge(c) || c == '.');
    if trimmed.chars().any(meaningful) {
        trimmed.to_string()
    } else {
        String::new()
    }
}

/// A character that can carry a task on its own: a letter, a digit, or a symbol such as an
/// emoji — not punctuation, quotes or dashes (a line of "..." is empty).
fn meaningful(c: char) -> bool {
    c.is_alphanumeric()
        || (!c.is_ascii()
            && !c.is_whitespace()
            && !matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FE00}'..='\u{FE0F}'))
}
