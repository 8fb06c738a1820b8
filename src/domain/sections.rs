//! Where the dated 1-1 sections of a document are, and where the next one goes.
//!
//! A section is found again the way DESIGN.md §4 says: by the named range
//! `oneonone:<occurrence key>` the daemon put over its heading (it survives a person renaming the
//! heading), or else by a HEADING_2 whose text names the occurrence's date (a section written by
//! hand, or one whose named range a person deleted).
//!
//! Sections run newest first. A new section goes right before the first dated heading, so that
//! whatever a person keeps above the dated sections (a purpose line, links, standing agenda)
//! stays on top. A document without dated sections gets the first one at the end of the body.
//!
//! Headings inside tables never count: a heading in a table cell is layout, not a section, and
//! text must not be inserted into a cell by accident.

use std::ops::Range;

use chrono::NaiveDate;

use super::date_text::{find_date, DateMatch};
use super::doc::{Doc, Inline, Paragraph, ParagraphKind};

/// Prefix of the named ranges the daemon puts over its section headings.
pub const RANGE_PREFIX: &str = "oneonone:";

/// The name of the named range over the heading of occurrence `occurrence_key`'s section.
pub fn range_name(occurrence_key: &str) -> String {
    format!("{RANGE_PREFIX}{occurrence_key}")
}

/// The date a heading's text names, if it names one unambiguously. See
/// [`date_text`](super::date_text) for the accepted forms; a numeric `03/04/2026` is ambiguous
/// and gives `None`.
pub fn parse_heading_date(text: &str) -> Option<NaiveDate> {
    match find_date(text)? {
        DateMatch::Exact(date) => Some(date),
        DateMatch::Ambiguous => None,
    }
}

/// A paragraph's visible text: its accepted text runs, with chips shown by their display text
/// (a person's name or email, a date's display text, a link's title). Suggested insertions are
/// left out: they are not the document's text until accepted.
pub fn paragraph_text(p: &Paragraph) -> String {
    let mut out = String::new();
    for el in &p.elements {
        match el {
            Inline::Text {
                text,
                suggested: false,
                ..
            } => out.push_str(text),
            Inline::Person { email, name, .. } => out.push_str(name.as_deref().unwrap_or(email)),
            Inline::Date {
                display: Some(d), ..
            } => out.push_str(d),
            Inline::RichLink { title: Some(t), .. } => out.push_str(t),
            _ => {}
        }
    }
    out
}

/// The date a heading shows: a date chip's date first (it is exact), else the date in its text.
pub fn heading_date(p: &Paragraph) -> Option<NaiveDate> {
    p.elements
        .iter()
        .find_map(|el| match el {
            Inline::Date { date, .. } => *date,
            _ => None,
        })
        .or_else(|| parse_heading_date(&paragraph_text(p)))
}

/// A dated section: its heading paragraph and everything up to the next HEADING_1/HEADING_2
/// outside a table, or the end of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionSpan {
    /// Index into [`Doc::paragraphs`] of the section's heading.
    pub heading: usize,
    /// Indices into [`Doc::paragraphs`] of the heading and the section's body.
    pub paragraphs: Range<usize>,
    /// UTF-16 start of the heading.
    pub start: u32,
    /// UTF-16 end: the next section-level heading's start, or the end of the body.
    pub end: u32,
}

/// Finds the section of occurrence `occurrence_key`, dated `date`.
///
/// The named range wins (the daemon wrote that section, whatever its heading says now). Without
/// it, the first HEADING_2 outside tables whose date is `date` and that is not the daemon's
/// section of another occurrence.
pub fn find_section(doc: &Doc, occurrence_key: &str, date: NaiveDate) -> Option<SectionSpan> {
    let by_range = ranged_paragraphs(doc)
        .into_iter()
        .find(|(_, name)| name.strip_prefix(RANGE_PREFIX) == Some(occurrence_key))
        .map(|(i, _)| i);
    let heading = by_range.or_else(|| {
        let ranged = ranged_paragraphs(doc);
        doc.paragraphs.iter().enumerate().position(|(i, p)| {
            is_section_heading(p)
                && heading_date(p) == Some(date)
                && !ranged.iter().any(|(r, _)| *r == i)
        })
    })?;
    Some(span_from(doc, heading))
}

/// Where a new section is inserted (see [`insertion_index`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertionPoint {
    /// Right before the newest dated section: `index` is the start of its heading paragraph
    /// (`paragraph`). Text inserted there ending with `\n` forms whole new paragraphs before it.
    BeforeHeading { paragraph: usize, index: u32 },
    /// No dated section yet: at the last paragraph's final newline (`index` = its end − 1; the
    /// body's final newline cannot be deleted or moved, and text can only go before it).
    ///
    /// If that paragraph is empty, `index` is also its start, so the section is inserted as whole
    /// paragraphs before it, exactly like `BeforeHeading`. If it holds text (`break_first`),
    /// inserting there would append to that text; the section then starts with a `\n` that ends
    /// the person's paragraph (keeping its style), and the original final newline is left as an
    /// empty paragraph after the section. Either way the inserted text ends with `\n` and the
    /// document still ends with its original newline, in an empty paragraph that keeps the last
    /// paragraph's style.
    EndOfBody { index: u32, break_first: bool },
}

impl InsertionPoint {
    /// The UTF-16 index the `insertText` goes to.
    pub fn index(&self) -> u32 {
        match *self {
            InsertionPoint::BeforeHeading { index, .. }
            | InsertionPoint::EndOfBody { index, .. } => index,
        }
    }

    /// Whether the inserted text must start with a paragraph break.
    pub fn break_first(&self) -> bool {
        matches!(
            self,
            InsertionPoint::EndOfBody {
                break_first: true,
                ..
            }
        )
    }
}

/// Where the next (newest) section goes: before the first dated heading, else at the end of the
/// body (see [`InsertionPoint`]). A document without paragraphs outside tables gets
/// `EndOfBody` at `end_index − 1` (at least 1); the edit planner refuses such a document.
pub fn insertion_index(doc: &Doc) -> InsertionPoint {
    let ranged = ranged_paragraphs(doc);
    let first_dated = doc.paragraphs.iter().enumerate().find(|(i, p)| {
        is_section_heading(p)
            && (ranged.iter().any(|(r, _)| r == i)
                || find_date(&paragraph_text(p)).is_some()
                || heading_date(p).is_some())
    });
    if let Some((paragraph, p)) = first_dated {
        return InsertionPoint::BeforeHeading {
            paragraph,
            index: p.start,
        };
    }
    match doc.paragraphs.iter().rev().find(|p| !p.in_table) {
        Some(last) => InsertionPoint::EndOfBody {
            index: last.end.saturating_sub(1).max(last.start),
            break_first: last.end.saturating_sub(last.start) > 1,
        },
        None => InsertionPoint::EndOfBody {
            index: doc.end_index.saturating_sub(1).max(1),
            break_first: false,
        },
    }
}

/// A HEADING_2 outside tables: the only paragraphs that can head a dated section.
fn is_section_heading(p: &Paragraph) -> bool {
    p.kind == ParagraphKind::Heading(2) && !p.in_table
}

/// Paragraphs that carry one of the daemon's named ranges (where the range starts), in document
/// order, with the range's name.
fn ranged_paragraphs(doc: &Doc) -> Vec<(usize, &str)> {
    let mut out: Vec<(usize, &str)> = doc
        .named_ranges
        .iter()
        .filter(|nr| nr.name.starts_with(RANGE_PREFIX))
        .filter_map(|nr| {
            let start = nr.ranges.iter().map(|&(s, _)| s).min()?;
            let i = doc
                .paragraphs
                .iter()
                .position(|p| p.start <= start && start < p.end)?;
            Some((i, nr.name.as_str()))
        })
        .collect();
    out.sort_by_key(|&(i, _)| i);
    out
}

fn span_from(doc: &Doc, heading: usize) -> SectionSpan {
    let next = doc
        .paragraphs
        .iter()
        .enumerate()
        .skip(heading + 1)
        .find(|(_, p)| {
            !p.in_table
                && matches!(
                    p.kind,
                    ParagraphKind::Heading(1) | ParagraphKind::Heading(2)
                )
        })
        .map(|(i, _)| i);
    let start = doc.paragraphs.get(heading).map_or(0, |p| p.start);
    let end = match next {
        Some(i) => doc.paragraphs.get(i).map_or(doc.end_index, |p| p.start),
        None => doc.end_index.max(start),
    };
    SectionSpan {
        heading,
        paragraphs: heading..next.unwrap_or(doc.paragraphs.len()),
        start,
        end,
    }
}

#[cfg(test)]
mod tests;
