//! The people's part of a 1-1 doc, meeting by meeting: the pure core of a review packet.
//!
//! Why from the doc and not the ledger: the memory a review needs is the notes, feedback and
//! growth answers people typed, which only the doc holds. The daemon's own words (the
//! template's prompts, the tip line, the carried "Open action items") are left out, so what
//! remains is exactly what the two people wrote, unchanged.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::block::BlockKind;
use crate::domain::doc::{Doc, ParagraphKind};
use crate::domain::sections::{heading_date, paragraph_text};
use crate::domain::template::{Template, TemplateContext};

/// One line a person wrote, with the sub-heading it sits under ("Feedback", "Notes"…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteLine {
    pub heading: Option<String>,
    pub text: String,
}

/// What people wrote in one meeting's section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingNotes {
    pub date: NaiveDate,
    pub lines: Vec<NoteLine>,
}

/// Headings whose lines the daemon carried from earlier meetings, not typed in this one.
const CARRIED_HEADINGS: &[&str] = &[
    "open action items",
    "open actions",
    "open items",
    "carried over",
];

/// The prompt lines of the shipped templates (both variants, with and without the growth
/// block): the text the daemon wrote, which a review must not repeat as if people said it.
pub fn shipped_prompts() -> HashSet<String> {
    let mut out = HashSet::new();
    for template in [Template::default_template(), Template::compact_template()]
        .into_iter()
        .flatten()
    {
        out.extend(prompts_of(&template));
    }
    out
}

/// [`shipped_prompts`] plus those of the operator's own template file, when `doc.template`
/// names one (an unreadable or broken file adds none: the daemon refuses it at start anyway).
pub fn prompts(choice: &crate::config::TemplateChoice) -> HashSet<String> {
    let mut out = shipped_prompts();
    if let crate::config::TemplateChoice::File(path) = choice {
        if let Some(t) = std::fs::read_to_string(path)
            .ok()
            .and_then(|src| Template::new(path.display().to_string(), src).ok())
        {
            out.extend(prompts_of(&t));
        }
    }
    out
}

/// The body lines `template` renders (headings and empty lines excluded), trimmed.
pub(crate) fn prompts_of(template: &Template) -> HashSet<String> {
    let mut out = HashSet::new();
    for growth in [false, true] {
        let ctx = TemplateContext {
            date_label: String::new(),
            date: NaiveDate::default(),
            meeting: "1:1".into(),
            organizer_name: String::new(),
            other_name: String::new(),
            organizer_email: String::new(),
            other_email: String::new(),
            growth,
            open_items: Vec::new(),
        };
        for b in template.render(&ctx).unwrap_or_default() {
            let text = b.text.trim();
            if !matches!(b.kind, BlockKind::Heading(_)) && !text.is_empty() {
                out.insert(text.to_string());
            }
        }
    }
    out
}

/// Per dated section of `doc` whose date is within `since..=until` (either end open), the
/// lines people wrote, in doc order (newest meeting first, as the doc is): every non-empty
/// body paragraph that is not one of `prompts` and not under a carried-items heading.
pub fn people_text(
    doc: &Doc,
    prompts: &HashSet<String>,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Vec<MeetingNotes> {
    let mut out: Vec<MeetingNotes> = Vec::new();
    // The meeting being read (None: outside any dated section, or outside the period).
    let mut current: Option<MeetingNotes> = None;
    let mut heading: Option<String> = None;
    for p in &doc.paragraphs {
        match p.kind {
            ParagraphKind::Title | ParagraphKind::Subtitle | ParagraphKind::Heading(1 | 2)
                if !p.in_table =>
            {
                out.extend(current.take().filter(|m| !m.lines.is_empty()));
                heading = None;
                let date = matches!(p.kind, ParagraphKind::Heading(2))
                    .then(|| heading_date(p))
                    .flatten();
                current = date
                    .filter(|d| since.is_none_or(|s| *d >= s) && until.is_none_or(|u| *d <= u))
                    .map(|date| MeetingNotes {
                        date,
                        lines: Vec::new(),
                    });
            }
            ParagraphKind::Heading(_) => heading = Some(paragraph_text(p).trim().to_string()),
            _ => {
                let Some(meeting) = current.as_mut() else {
                    continue;
                };
                let text = paragraph_text(p).trim().to_string();
                let carried = heading.as_deref().is_some_and(|h| {
                    let h = h.trim_end_matches(':').trim().to_lowercase();
                    CARRIED_HEADINGS.contains(&h.as_str())
                });
                if text.is_empty() || carried || prompts.contains(&text) {
                    continue;
                }
                meeting.lines.push(NoteLine {
                    heading: heading.clone(),
                    text,
                });
            }
        }
    }
    out.extend(current.filter(|m| !m.lines.is_empty()));
    out
}

#[cfg(test)]
mod tests;
