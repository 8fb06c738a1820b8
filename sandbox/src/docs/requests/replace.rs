//! replaceAllText: every match in every selected tab's body, headers, footers and
//! footnotes, within a paragraph (matches never span paragraphs).

use super::target::Target;
use super::Ctx;
use crate::docs::edit::{self, Insertion};
use crate::docs::index::paragraph_len;
use crate::docs::model::{Block, Document, DocumentTab, Inline, Json, Paragraph};
use crate::docs::utf16;
use regex::{Regex, RegexBuilder};
use serde_json::{json, Value};

/// Stands for a non-text element in the searched text: one UTF-16 unit, never typed.
const OBJECT_PLACEHOLDER: char = '\u{FFFC}';

pub fn replace_all_text(doc: &mut Document, req: &Value, ctx: &mut Ctx) -> Result<Value, String> {
    let criteria = req.get("containsText").ok_or("containsText must be set.")?;
    let text = criteria.get("text").and_then(Value::as_str).unwrap_or("");
    if text.is_empty() {
        return Err("containsText.text must not be empty.".into());
    }
    let match_case = criteria
        .get("matchCase")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let by_regex = criteria
        .get("searchByRegex")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let pattern = if by_regex {
        text.to_string()
    } else {
        regex::escape(text)
    };
    let re = RegexBuilder::new(&pattern)
        .case_insensitive(!match_case)
        .build()
        .map_err(|e| format!("containsText.text is not a valid regular expression: {e}"))?;
    let replacement =
        utf16::strip_forbidden(req.get("replaceText").and_then(Value::as_str).unwrap_or(""));
    let tab_ids: Option<Vec<String>> = req
        .pointer("/tabsCriteria/tabIds")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
    let mut count = 0usize;
    doc.visit_tabs_mut::<String>(&mut |tab| {
        let selected = tab_ids
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|t| t == tab.id()));
        if let (true, Some(content)) = (selected, tab.content.as_mut()) {
            count += replace_in_tab(content, &re, &replacement, ctx)?;
        }
        Ok(())
    })?;
    if count == 0 {
        return Ok(json!({ "replaceAllText": {} }));
    }
    Ok(json!({ "replaceAllText": { "occurrencesChanged": count } }))
}

fn replace_in_tab(
    tab: &mut DocumentTab,
    re: &Regex,
    rep: &str,
    ctx: &mut Ctx,
) -> Result<usize, String> {
    let mut segment_ids = vec![String::new()];
    segment_ids.extend(tab.headers.keys().cloned());
    segment_ids.extend(tab.footers.keys().cloned());
    segment_ids.extend(tab.footnotes.keys().cloned());
    let mut count = 0;
    for segment_id in segment_ids {
        let mut target = Target {
            tab: &mut *tab,
            segment_id,
        };
        let mut matches = Vec::new();
        collect_matches(&target.segment().content, 0, re, &mut matches);
        count += matches.len();
        for (a, b, style) in matches.into_iter().rev() {
            replace_one(&mut target, a, b, &style, rep, ctx)?;
        }
    }
    Ok(count)
}

/// Deletes `[a, b)` and puts `rep` there in the style the matched text had.
fn replace_one(
    target: &mut Target,
    a: usize,
    b: usize,
    style: &Json,
    rep: &str,
    ctx: &mut Ctx,
) -> Result<(), String> {
    edit::delete(&mut target.segment().content, 0, a, b)?;
    target.shift_delete(a, b);
    if rep.is_empty() {
        return Ok(());
    }
    let what = Insertion::Text(rep.to_string());
    let ids = &mut *ctx.ids;
    let a = edit::insert(&mut target.segment().content, 0, a, &what, &mut || {
        ids.heading()
    })?;
    target.shift_insert(a, what.units());
    let end = a + what.units();
    edit::visit_text_styles(&mut target.segment().content, 0, a, end, &mut |s| {
        *s = style.clone()
    })
}

/// Absolute `[start, end)` of every match, in document order, with the first matched
/// element's text style.
fn collect_matches(blocks: &[Block], base: usize, re: &Regex, out: &mut Vec<(usize, usize, Json)>) {
    let mut pos = base;
    for b in blocks {
        match b {
            Block::Paragraph(p) => paragraph_matches(p, pos, re, out),
            Block::Table(t) => {
                for (row, starts) in t
                    .rows
                    .iter()
                    .zip(crate::docs::index::cell_content_starts(t, pos))
                {
                    for (cell, (cs, _)) in row.cells.iter().zip(starts) {
                        collect_matches(&cell.content, cs, re, out);
                    }
                }
            }
            Block::SectionBreak(_) | Block::TableOfContents(_) => {}
        }
        pos += crate::docs::index::block_len(b);
    }
}

fn paragraph_matches(p: &Paragraph, start: usize, re: &Regex, out: &mut Vec<(usize, usize, Json)>) {
    let mut text = String::new();
    for el in &p.elements {
        match el {
            Inline::Text { content, .. } => text.push_str(content),
            Inline::Object { .. } => text.push(OBJECT_PLACEHOLDER),
        }
    }
    // The final newline belongs to the paragraph's structure, not its searchable text.
    let searchable = text.strip_suffix('\n').unwrap_or(&text);
    debug_assert!(utf16::len(&text) == paragraph_len(p));
    for m in re.find_iter(searchable).filter(|m| !m.as_str().is_empty()) {
        let a = start + utf16::len(&searchable[..m.start()]);
        let b = start + utf16::len(&searchable[..m.end()]);
        out.push((a, b, style_at(p, a - start)));
    }
}

fn style_at(p: &Paragraph, offset: usize) -> Json {
    let mut pos = 0;
    for el in &p.elements {
        let len = crate::docs::index::inline_len(el);
        if offset < pos + len {
            return match el {
                Inline::Text { style, .. } => style.clone(),
                Inline::Object { body, .. } => body
                    .get("textStyle")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
            };
        }
        pos += len;
    }
    Json::new()
}
