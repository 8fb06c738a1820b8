//! A paragraph as the harvester reads it: its visible text, where the chips sit in that text,
//! and whether all of it is struck through.
//!
//! Everything after this module works on text, never on Google's UTF-16 indices: the ranges here
//! are byte ranges into [`Line::text`], which is built by this module and so always falls on
//! `char` boundaries. Suggested (unaccepted) runs are dropped entirely, because they are not yet
//! what anyone agreed to. One paragraph can hold several lines (Shift+Enter inserts a vertical
//! tab), and each is read as its own line.

use std::ops::Range;

use chrono::NaiveDate;

use crate::domain::doc::{Inline, Paragraph};

/// A person chip inside a line.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PersonSpan {
    pub range: Range<usize>,
    pub email: String,
}

/// A date chip inside a line, when Google told us its date.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DateSpan {
    pub range: Range<usize>,
    pub date: NaiveDate,
}

/// One line of a paragraph, ready for parsing.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Line {
    pub text: String,
    pub people: Vec<PersonSpan>,
    pub dates: Vec<DateSpan>,
    /// Every visible text run with something other than whitespace is struck through (and
    /// there is at least one) — the only "done" signal the Docs API may give for a ticked box.
    pub struck: bool,
}

impl Line {
    /// A line of plain text with no chips (carried lines and tests).
    pub fn plain(text: &str) -> Line {
        Line {
            text: clean(text),
            ..Line::default()
        }
    }

    /// The person chip starting exactly at `at`, if any.
    pub fn person_at(&self, at: usize) -> Option<&PersonSpan> {
        self.people.iter().find(|p| p.range.start == at)
    }
}

/// Characters that carry no meaning for a reader and break prefix matching when pasted in:
/// zero-width space, word joiner, BOM, and the direction marks. (ZWJ and ZWNJ are kept: emoji
/// sequences and several scripts need them.)
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{200E}' | '\u{200F}' | '\u{00AD}'
    )
}

fn clean(s: &str) -> String {
    s.chars().filter(|c| !invisible(*c)).collect()
}

/// Marks a byte in the paragraph text as coming from a struck or a plain text run.
#[derive(Clone, Copy, PartialEq)]
enum Ink {
    Struck,
    Plain,
    /// Chips and other elements: they neither make nor break "all struck through".
    Neutral,
}

/// Splits a paragraph into its lines. Empty lines are kept (callers skip them), so the
/// function is total on any paragraph.
pub(super) fn lines(paragraph: &Paragraph) -> Vec<Line> {
    let mut text = String::new();
    let mut ink: Vec<(Range<usize>, Ink)> = Vec::new();
    let mut people = Vec::new();
    let mut dates = Vec::new();
    for element in &paragraph.elements {
        let start = text.len();
        let kind = match element {
            Inline::Text {
                suggested: true, ..
            } => continue,
            Inline::Text {
                text: t,
                strikethrough,
                ..
            } => {
                text.push_str(&clean(t));
                if *strikethrough {
                    Ink::Struck
                } else {
                    Ink::Plain
                }
            }
            Inline::Person { email, name, .. } => {
                let shown = name
                    .as_deref()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or(email);
                text.push_str(&clean(shown));
                people.push(PersonSpan {
                    range: start..text.len(),
                    email: email.trim().to_lowercase(),
                });
                Ink::Neutral
            }
            Inline::Date { date, display, .. } => {
                let shown = match (display, date) {
                    (Some(d), _) if !d.trim().is_empty() => clean(d),
                    (_, Some(d)) => d.format("%-d %b %Y").to_string(),
                    _ => String::new(),
                };
                text.push_str(&shown);
                if let Some(date) = date {
                    dates.push(DateSpan {
                        range: start..text.len(),
                        date: *date,
                    });
                }
                Ink::Neutral
            }
            Inline::RichLink { title, uri, .. } => {
                let shown = title.as_deref().or(uri.as_deref()).unwrap_or_default();
                text.push_str(&clean(shown));
                Ink::Neutral
            }
            Inline::Other { .. } => Ink::Neutral,
        };
        ink.push((start..text.len(), kind));
    }
    split(&text, &ink, &people, &dates)
}

/// Cuts the paragraph text at `\n`, `\r` and vertical tabs, moving each chip into its line.
fn split(
    text: &str,
    ink: &[(Range<usize>, Ink)],
    people: &[PersonSpan],
    dates: &[DateSpan],
) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    let breaks = text
        .char_indices()
        .filter(|(_, c)| matches!(c, '\n' | '\r' | '\u{000B}' | '\u{2028}' | '\u{2029}'))
        .map(|(i, c)| (i, i + c.len_utf8()))
        .chain(std::iter::once((text.len(), text.len())));
    for (end, next) in breaks {
        let within = |r: &Range<usize>| r.start >= start && r.end <= end;
        let shift = |r: &Range<usize>| (r.start - start)..(r.end - start);
        let line_text = text.get(start..end).unwrap_or_default().to_string();
        let struck = struck_between(text, ink, start..end);
        out.push(Line {
            text: line_text,
            people: people
                .iter()
                .filter(|p| within(&p.range))
                .map(|p| PersonSpan {
                    range: shift(&p.range),
                    email: p.email.clone(),
                })
                .collect(),
            dates: dates
                .iter()
                .filter(|d| within(&d.range))
                .map(|d| DateSpan {
                    range: shift(&d.range),
                    date: d.date,
                })
                .collect(),
            struck,
        });
        start = next;
    }
    // The paragraph's own final newline leaves one empty trailing line; drop it.
    if out.len() > 1 && out.last().is_some_and(|l| l.text.trim().is_empty()) {
        out.pop();
    }
    out
}

/// True when the visible text runs overlapping `window` that hold more than whitespace are all
/// struck through, and there is at least one.
fn struck_between(text: &str, ink: &[(Range<usize>, Ink)], window: Range<usize>) -> bool {
    let mut any = false;
    for (range, kind) in ink {
        let lo = range.start.max(window.start);
        let hi = range.end.min(window.end);
        if lo >= hi {
            continue;
        }
        let visible = text
            .get(lo..hi)
            .is_some_and(|s| s.chars().any(|c| !c.is_whitespace()));
        match kind {
            Ink::Plain if visible => return false,
            Ink::Struck if visible => any = true,
            _ => {}
        }
    }
    any
}
