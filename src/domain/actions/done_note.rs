//! "✅ done <date>" after a carried line whose item was completed elsewhere (its Google Task):
//! an insert-only edit, so the meeting's own section shows what was done without a word of what
//! people wrote being changed.
//!
//! Only the newest dated section is looked at (the one the next meeting uses), and only lines
//! in the carry-forward form ("<owner> — <task> … (from <D Mon>)") whose task is the item's.
//! A line already marked done gets nothing: the note is written once.

use chrono::NaiveDate;

use super::done;
use crate::domain::doc::{Paragraph, ParagraphKind};
use crate::domain::edit::DocOp;
use crate::domain::sections::{heading_date, paragraph_text};

/// An item closed outside the doc: its task text and the day it was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    pub task: String,
    pub on: NaiveDate,
}

/// The text appended to the carried line.
pub fn note(on: NaiveDate) -> String {
    format!(" ✅ done {}", on.format("%-d %b"))
}

/// The insertions (in descending index order, so each leaves the others' indices valid) that
/// append [`note`] to the carried lines of `closed` items in the newest dated section of
/// `paragraphs`.
pub fn done_notes(paragraphs: &[Paragraph], closed: &[Closed]) -> Vec<DocOp> {
    let Some(first) = paragraphs.iter().position(is_dated_heading) else {
        return Vec::new();
    };
    let end = paragraphs[first + 1..]
        .iter()
        .position(is_dated_heading)
        .map_or(paragraphs.len(), |i| first + 1 + i);
    let mut ops: Vec<DocOp> = Vec::new();
    for p in &paragraphs[first + 1..end] {
        let text = paragraph_text(p);
        if !is_carried_form(&text) || !done::marks(&text, 0).is_empty() {
            continue;
        }
        let Some(c) = closed
            .iter()
            .find(|c| !c.task.trim().is_empty() && text.contains(&format!("— {}", c.task.trim())))
        else {
            continue;
        };
        // Before the paragraph's closing newline.
        ops.push(DocOp::InsertText {
            index: p.end.saturating_sub(1).max(p.start),
            text: note(c.on),
        });
    }
    ops.sort_by_key(|op| match op {
        DocOp::InsertText { index, .. } => std::cmp::Reverse(*index),
        _ => std::cmp::Reverse(0),
    });
    ops
}

/// A section heading (HEADING_2 outside tables) that shows a date.
fn is_dated_heading(p: &Paragraph) -> bool {
    p.kind == ParagraphKind::Heading(2) && !p.in_table && heading_date(p).is_some()
}

/// "<owner> — <task> … (from <D Mon>)", the shape [`super::carry_line`] writes.
fn is_carried_form(text: &str) -> bool {
    let t = text.trim_end();
    t.contains(" — ") && t.ends_with(')') && t.to_ascii_lowercase().contains("(from ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::Inline;

    fn para(start: u32, text: &str, kind: ParagraphKind) -> Paragraph {
        let end = start + text.encode_utf16().count() as u32 + 1;
        Paragraph {
            start,
            end,
            kind,
            heading_id: None,
            bullet: None,
            in_table: false,
            elements: vec![Inline::Text {
                start,
                end,
                text: format!("{text}\n"),
                strikethrough: false,
                suggested: false,
            }],
        }
    }

    fn doc(lines: &[(&str, ParagraphKind)]) -> Vec<Paragraph> {
        let mut at = 1;
        lines
            .iter()
            .map(|(t, k)| {
                let p = para(at, t, *k);
                at = p.end;
                p
            })
            .collect()
    }

    fn closed(task: &str) -> Closed {
        Closed {
            task: task.into(),
            on: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
        }
    }

    #[test]
    fn appends_after_the_carried_line_of_the_newest_section_only() {
        use ParagraphKind::*;
        let ps = doc(&[
            ("Tue 8 Dec 2026 · 1:1", Heading(2)),
            ("Open action items", Heading(3)),
            (
                "Bob — send the Q3 draft — due Fri 4 Dec (from 1 Dec)",
                Normal,
            ),
            ("Both — agree on the rota (from 1 Dec)", Normal),
            ("Tue 1 Dec 2026 · 1:1", Heading(2)),
            ("Bob — send the Q3 draft (from 24 Nov)", Normal),
        ]);
        let ops = done_notes(&ps, &[closed("send the Q3 draft")]);
        assert_eq!(
            ops,
            vec![DocOp::InsertText {
                index: ps[2].end - 1,
                text: " ✅ done 3 Dec".into()
            }]
        );
    }

    #[test]
    fn nothing_for_lines_already_done_other_tasks_or_plain_lines() {
        use ParagraphKind::*;
        let ps = doc(&[
            ("Tue 8 Dec 2026 · 1:1", Heading(2)),
            ("Bob — send the Q3 draft (from 1 Dec) ✅ done 3 Dec", Normal),
            ("Bob to send the Q3 draft", Normal),
            ("Bob — fix the test (from 1 Dec)", Normal),
        ]);
        assert!(done_notes(&ps, &[closed("send the Q3 draft")]).is_empty());
        assert!(
            done_notes(&ps[1..], &[closed("fix the test")]).is_empty(),
            "no dated section"
        );
    }
}
