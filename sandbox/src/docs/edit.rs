//! The edit engine: insertions, deletions and range visits over structural elements.
//!
//! Every function works on one container (a segment's content or a table cell's content)
//! whose first element starts at `base`, descending into table cells when the index or range
//! lies inside one. Errors are Google-style messages without the `Invalid requests[i].x: `
//! prefix, which the batch adds.

use super::index::{block_starts, cell_content_starts, inline_len, paragraph_len};
use super::model::{Block, Inline, Json, Paragraph};
use super::utf16;
use unicode_segmentation::UnicodeSegmentation;

/// Google's message for an insertion outside every paragraph.
pub const NOT_IN_PARAGRAPH: &str = "The insertion index must be inside the bounds of an existing \
paragraph. You can still create new paragraphs by inserting newlines.";
/// Google's generic message for a deletion that would break the document's structure.
pub const BAD_DELETION: &str = "Invalid deletion range. Cannot delete the requested range.";
const SURROGATE: &str = "The index cannot be within a surrogate pair.";
const FINAL_NEWLINE: &str =
    "The range cannot include the newline character at the end of the segment.";

/// What an insertion adds at one index.
#[derive(Debug, Clone)]
pub enum Insertion {
    /// Text (already stripped); newlines split the paragraph.
    Text(String),
    /// One non-text element (`person`, `dateElement`, …) with its object.
    Object { kind: String, body: Json },
}

impl Insertion {
    /// Units the insertion adds.
    pub fn units(&self) -> usize {
        match self {
            Insertion::Text(t) => utf16::len(t),
            Insertion::Object { .. } => 1,
        }
    }
}

/// Source of fresh `h.` heading ids for paragraphs created by a split.
pub type HeadingIds<'a> = &'a mut dyn FnMut() -> String;

/// Inserts at `idx`, which must fall inside a paragraph (possibly in a table cell), and
/// returns the index actually used: like Google, an index inside a grapheme cluster (a
/// surrogate pair, a letter with combining marks, an emoji sequence) moves to just after it.
pub fn insert(
    blocks: &mut Vec<Block>,
    base: usize,
    idx: usize,
    what: &Insertion,
    heading_ids: HeadingIds,
) -> Result<usize, String> {
    for (i, (pos, len)) in block_starts(blocks, base).into_iter().enumerate() {
        if idx < pos || idx >= pos + len {
            continue;
        }
        match &mut blocks[i] {
            Block::Paragraph(p) => {
                let at = grapheme_boundary_at_or_after(p, idx - pos);
                let new = insert_in_paragraph(p, at, what, heading_ids)?;
                blocks.splice(i..=i, new.into_iter().map(Block::Paragraph));
                return Ok(pos + at);
            }
            Block::Table(t) => {
                let starts = cell_content_starts(t, pos);
                for (row, row_starts) in t.rows.iter_mut().zip(starts) {
                    for (cell, (cs, clen)) in row.cells.iter_mut().zip(row_starts) {
                        if idx >= cs && idx < cs + clen {
                            return insert(&mut cell.content, cs, idx, what, heading_ids);
                        }
                    }
                }
                return Err(NOT_IN_PARAGRAPH.into());
            }
            Block::SectionBreak(_) | Block::TableOfContents(_) => {
                return Err(NOT_IN_PARAGRAPH.into())
            }
        }
    }
    Err(NOT_IN_PARAGRAPH.into())
}

/// The text style an insertion at `at` inherits: Google generally matches the text just
/// before the insertion point, or the text after it at the start of a paragraph.
fn inherited_style(elements: &[Inline], split: usize) -> Json {
    let pick = split
        .checked_sub(1)
        .and_then(|i| elements.get(i))
        .or_else(|| elements.get(split));
    match pick {
        Some(Inline::Text { style, .. }) => style.clone(),
        Some(Inline::Object { body, .. }) => body
            .get("textStyle")
            .and_then(|s| s.as_object())
            .cloned()
            .unwrap_or_default(),
        None => Json::new(),
    }
}

/// The first grapheme-cluster boundary of the paragraph's text at or after `offset`
/// (non-text elements count as one cluster each).
fn grapheme_boundary_at_or_after(p: &Paragraph, offset: usize) -> usize {
    let mut text = String::new();
    for el in &p.elements {
        match el {
            Inline::Text { content, .. } => text.push_str(content),
            Inline::Object { .. } => text.push('\u{FFFC}'),
        }
    }
    let mut pos = 0;
    for g in text.graphemes(true) {
        if pos >= offset {
            return pos;
        }
        pos += utf16::len(g);
    }
    pos.max(offset)
}

fn insert_in_paragraph(
    p: &mut Paragraph,
    at: usize,
    what: &Insertion,
    heading_ids: HeadingIds,
) -> Result<Vec<Paragraph>, String> {
    let split = split_elements(&mut p.elements, at)?;
    let style = inherited_style(&p.elements, split);
    let element = match what {
        Insertion::Text(t) => Inline::Text {
            content: t.clone(),
            style,
            extra: Json::new(),
        },
        Insertion::Object { kind, body } => {
            let mut body = body.clone();
            body.entry("textStyle")
                .or_insert_with(|| serde_json::Value::Object(style));
            Inline::Object {
                kind: kind.clone(),
                body,
            }
        }
    };
    p.elements.insert(split, element);
    Ok(resplit(std::mem::take(p), heading_ids))
}

/// Ensures an element boundary at paragraph offset `at` (splitting a text run) and returns
/// the index of the first element at or after it.
pub fn split_elements(elements: &mut Vec<Inline>, at: usize) -> Result<usize, String> {
    let mut pos = 0;
    for i in 0..elements.len() {
        if pos == at {
            return Ok(i);
        }
        let len = inline_len(&elements[i]);
        if at < pos + len {
            let Inline::Text {
                content,
                style,
                extra,
            } = &elements[i]
            else {
                return Err(SURROGATE.into());
            };
            let (left, right) = utf16::split_at(content, at - pos).ok_or(SURROGATE)?;
            let right = Inline::Text {
                content: right.into(),
                style: style.clone(),
                extra: extra.clone(),
            };
            let left = Inline::Text {
                content: left.into(),
                style: style.clone(),
                extra: extra.clone(),
            };
            elements[i] = left;
            elements.insert(i + 1, right);
            return Ok(i + 1);
        }
        pos += len;
    }
    if pos == at {
        Ok(elements.len())
    } else {
        Err(format!("Index {at} is outside the paragraph."))
    }
}

/// Merges adjacent text runs with equal styles and drops empty runs, as Google's output
/// never shows either.
pub fn normalize(p: &mut Paragraph) {
    let mut out: Vec<Inline> = Vec::with_capacity(p.elements.len());
    for el in p.elements.drain(..) {
        if let Inline::Text { content, .. } = &el {
            if content.is_empty() {
                continue;
            }
        }
        if let (
            Some(Inline::Text {
                content: prev,
                style: ps,
                extra: pe,
            }),
            Inline::Text {
                content,
                style,
                extra,
            },
        ) = (out.last_mut(), &el)
        {
            if ps == style && pe == extra {
                prev.push_str(content);
                continue;
            }
        }
        out.push(el);
    }
    p.elements = out;
}

/// Splits a paragraph whose text holds newlines before its end into one paragraph per line.
/// Every part copies the paragraph style and bullet (Google: "the paragraph style of the new
/// paragraph will be copied from the paragraph at the current insertion index, including
/// lists and bullets"); parts other than the last, which keeps the original newline, get a
/// fresh headingId when the paragraph is a heading.
pub fn resplit(mut p: Paragraph, heading_ids: HeadingIds) -> Vec<Paragraph> {
    normalize(&mut p);
    let template = Paragraph {
        elements: Vec::new(),
        ..p.clone()
    };
    let mut parts = Vec::new();
    let mut current: Vec<Inline> = Vec::new();
    for el in p.elements {
        match el {
            Inline::Text {
                content,
                style,
                extra,
            } if content.contains('\n') => {
                let mut rest = content.as_str();
                while let Some(nl) = rest.find('\n') {
                    let (line, tail) = rest.split_at(nl + 1);
                    current.push(Inline::Text {
                        content: line.into(),
                        style: style.clone(),
                        extra: extra.clone(),
                    });
                    parts.push(std::mem::take(&mut current));
                    rest = tail;
                }
                if !rest.is_empty() {
                    current.push(Inline::Text {
                        content: rest.into(),
                        style,
                        extra,
                    });
                }
            }
            other => current.push(other),
        }
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, elements)| {
            let mut para = Paragraph {
                elements,
                ..template.clone()
            };
            // The tick stays with the original paragraph, the part that keeps its newline.
            para.ticked = para.ticked && i + 1 == count;
            if i + 1 < count && para.style.contains_key("headingId") {
                para.style.insert("headingId".into(), heading_ids().into());
            }
            normalize(&mut para);
            para
        })
        .collect()
}

/// Deletes `[s, e)` from a container whose final newline may not be deleted.
pub fn delete(blocks: &mut Vec<Block>, base: usize, s: usize, e: usize) -> Result<(), String> {
    let spans = block_starts(blocks, base);
    let end = spans.last().map_or(base, |(p, l)| p + l);
    if e >= end {
        return Err(FINAL_NEWLINE.into());
    }
    // Entirely inside one table or table of contents: descend into a single cell.
    for (i, &(pos, len)) in spans.iter().enumerate() {
        if !(s > pos && e < pos + len) {
            continue;
        }
        match &mut blocks[i] {
            Block::Table(t) => {
                let starts = cell_content_starts(t, pos);
                for (row, row_starts) in t.rows.iter_mut().zip(starts) {
                    for (cell, (cs, clen)) in row.cells.iter_mut().zip(row_starts) {
                        if s >= cs && e <= cs + clen {
                            return delete(&mut cell.content, cs, s, e);
                        }
                    }
                }
                return Err(BAD_DELETION.into());
            }
            Block::TableOfContents(_) => return Err(BAD_DELETION.into()),
            _ => {}
        }
    }
    let overlapping: Vec<usize> = spans
        .iter()
        .enumerate()
        .filter(|(_, &(pos, len))| (pos < e && s < pos + len) || (len == 0 && s <= pos && pos < e))
        .map(|(i, _)| i)
        .collect();
    let (Some(&first), Some(&last)) = (overlapping.first(), overlapping.last()) else {
        return Err(BAD_DELETION.into());
    };
    for &i in &overlapping {
        let (pos, len) = spans[i];
        let whole = s <= pos && pos + len <= e;
        if !matches!(blocks[i], Block::Paragraph(_)) && !whole {
            return Err(BAD_DELETION.into());
        }
    }
    let (pos0, len0) = spans[first];
    let (pos1, len1) = spans[last];
    // Case A: inside one paragraph, its newline survives.
    if first == last && e < pos0 + len0 {
        if let Block::Paragraph(p) = &mut blocks[first] {
            cut(p, s - pos0, e - pos0)?;
            return Ok(());
        }
    }
    let head = match &mut blocks[first] {
        Block::Paragraph(p) if pos0 < s => {
            let at = split_elements(&mut p.elements, s - pos0)?;
            Some(p.elements[..at].to_vec())
        }
        _ => None,
    };
    let tail = match &mut blocks[last] {
        Block::Paragraph(p) if e < pos1 + len1 => {
            let at = split_elements(&mut p.elements, e - pos1)?;
            let mut t = p.clone();
            t.elements = p.elements[at..].to_vec();
            Some(t)
        }
        _ => None,
    };
    match (head, tail) {
        (Some(h), Some(mut t)) => {
            t.elements.splice(0..0, h);
            normalize(&mut t);
            blocks.splice(first..=last, [Block::Paragraph(t)]);
        }
        (Some(h), None) => {
            // The head's newline went: it joins the paragraph right after the range.
            let Some(Block::Paragraph(next)) = blocks.get(last + 1) else {
                return Err(BAD_DELETION.into());
            };
            let mut merged = next.clone();
            merged.elements.splice(0..0, h);
            normalize(&mut merged);
            blocks.splice(first..=last + 1, [Block::Paragraph(merged)]);
        }
        (None, Some(t)) => {
            blocks.splice(first..=last, [Block::Paragraph(t)]);
        }
        (None, None) => {
            let last_was_paragraph = matches!(blocks[last], Block::Paragraph(_));
            let next_is_paragraph = matches!(blocks.get(last + 1), Some(Block::Paragraph(_)));
            if last_was_paragraph && !next_is_paragraph {
                // Google refuses to delete the newline before a table, TOC or section break.
                return Err(BAD_DELETION.into());
            }
            blocks.drain(first..=last);
        }
    }
    Ok(())
}

/// Removes paragraph offsets `[s, e)` (not touching the final newline).
fn cut(p: &mut Paragraph, s: usize, e: usize) -> Result<(), String> {
    let mut elements = p.elements.clone();
    let a = split_elements(&mut elements, s)?;
    let b = split_elements(&mut elements, e)?;
    elements.drain(a..b);
    p.elements = elements;
    normalize(p);
    Ok(())
}

/// Calls `f(paragraph, start)` for every paragraph overlapping `[s, e)`, table cells included.
pub fn visit_paragraphs(
    blocks: &mut [Block],
    base: usize,
    s: usize,
    e: usize,
    f: &mut dyn FnMut(&mut Paragraph, usize) -> Result<(), String>,
) -> Result<(), String> {
    for (i, (pos, len)) in block_starts(blocks, base).into_iter().enumerate() {
        if !(pos < e && s < pos + len) {
            continue;
        }
        match &mut blocks[i] {
            Block::Paragraph(p) => f(p, pos)?,
            Block::Table(t) => {
                let starts = cell_content_starts(t, pos);
                for (row, row_starts) in t.rows.iter_mut().zip(starts) {
                    for (cell, (cs, _)) in row.cells.iter_mut().zip(row_starts) {
                        visit_paragraphs(&mut cell.content, cs, s, e, f)?;
                    }
                }
            }
            Block::SectionBreak(_) | Block::TableOfContents(_) => {}
        }
    }
    Ok(())
}

/// Calls `f(text_style)` for every paragraph element inside `[s, e)`, splitting text runs at
/// the range's ends first.
pub fn visit_text_styles(
    blocks: &mut [Block],
    base: usize,
    s: usize,
    e: usize,
    f: &mut dyn FnMut(&mut Json),
) -> Result<(), String> {
    visit_paragraphs(blocks, base, s, e, &mut |p, pos| {
        let plen = paragraph_len(p);
        let from = s.saturating_sub(pos).min(plen);
        let to = e.saturating_sub(pos).min(plen);
        let a = split_elements(&mut p.elements, from)?;
        let b = split_elements(&mut p.elements, to)?;
        // Google: a list paragraph fully inside the range gets the style on its bullet too.
        if from == 0 && to == plen {
            if let Some(bullet) = p.bullet.as_mut() {
                let entry = bullet
                    .entry("textStyle")
                    .or_insert_with(|| serde_json::Value::Object(Json::new()));
                if let serde_json::Value::Object(style) = entry {
                    f(style);
                }
            }
        }
        for el in &mut p.elements[a..b] {
            match el {
                Inline::Text { style, .. } => f(style),
                Inline::Object { body, .. } => {
                    let entry = body
                        .entry("textStyle")
                        .or_insert_with(|| serde_json::Value::Object(Json::new()));
                    if let serde_json::Value::Object(style) = entry {
                        f(style);
                    }
                }
            }
        }
        normalize(p);
        Ok(())
    })
}
