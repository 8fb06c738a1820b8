//! updateParagraphStyle and updateTextStyle: field masks over JSON style objects.

use super::target::range;
use super::{empty_reply, Ctx};
use crate::docs::edit;
use crate::docs::model::{Document, Json};
use serde_json::Value;

const PARAGRAPH_FIELDS: [&str; 21] = [
    "namedStyleType",
    "alignment",
    "lineSpacing",
    "direction",
    "spacingMode",
    "spaceAbove",
    "spaceBelow",
    "borderBetween",
    "borderTop",
    "borderBottom",
    "borderLeft",
    "borderRight",
    "indentFirstLine",
    "indentStart",
    "indentEnd",
    "keepLinesTogether",
    "keepWithNext",
    "avoidWidowAndOrphan",
    "shading",
    "pageBreakBefore",
    "tabStops",
];
const TEXT_FIELDS: [&str; 11] = [
    "bold",
    "italic",
    "underline",
    "strikethrough",
    "smallCaps",
    "backgroundColor",
    "foregroundColor",
    "fontSize",
    "weightedFontFamily",
    "baselineOffset",
    "link",
];
const HEADINGS: [&str; 8] = [
    "TITLE",
    "SUBTITLE",
    "HEADING_1",
    "HEADING_2",
    "HEADING_3",
    "HEADING_4",
    "HEADING_5",
    "HEADING_6",
];

/// A parsed `fields` mask: `*` or a list of (possibly dotted) field paths.
enum Mask {
    All,
    Paths(Vec<Vec<String>>),
}

fn parse_mask(req: &Value, allowed: &[&str]) -> Result<Mask, String> {
    let fields = req
        .get("fields")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    if fields.is_empty() {
        return Err("At least one field must be specified in fields.".into());
    }
    if fields == "*" {
        return Ok(Mask::All);
    }
    let mut paths = Vec::new();
    for f in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        let path: Vec<String> = f.split('.').map(str::to_string).collect();
        if !allowed.contains(&path[0].as_str()) {
            return Err(format!("Invalid field: {f}"));
        }
        paths.push(path);
    }
    Ok(Mask::Paths(paths))
}

/// Applies `src` to `target` under `mask`: masked fields take `src`'s value, or are cleared
/// when `src` lacks them (that is how Google resets a field).
fn apply_mask(target: &mut Json, src: &Json, mask: &Mask) {
    match mask {
        Mask::All => *target = src.clone(),
        Mask::Paths(paths) => {
            for path in paths {
                set_path(target, src, path);
            }
        }
    }
}

fn set_path(target: &mut Json, src: &Json, path: &[String]) {
    let Some((key, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        match src.get(key) {
            Some(v) => {
                target.insert(key.clone(), v.clone());
            }
            None => {
                target.remove(key);
            }
        }
        return;
    }
    let sub_src = src
        .get(key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let entry = target
        .entry(key.clone())
        .or_insert_with(|| Value::Object(Json::new()));
    if !entry.is_object() {
        *entry = Value::Object(Json::new());
    }
    if let Value::Object(sub) = entry {
        set_path(sub, &sub_src, rest);
    }
}

/// updateParagraphStyle: every paragraph overlapping the range. A paragraph that becomes a
/// heading (or changes heading type) gets a new headingId; one that stops being a heading
/// loses it.
pub fn update_paragraph_style(
    doc: &mut Document,
    req: &Value,
    ctx: &mut Ctx,
) -> Result<Value, String> {
    let mask = parse_mask(req, &PARAGRAPH_FIELDS)?;
    let src = req
        .get("paragraphStyle")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let (mut target, s, e) = range(doc, req)?;
    let ids = &mut *ctx.ids;
    edit::visit_paragraphs(&mut target.segment().content, 0, s, e, &mut |p, _| {
        let before = p.style.get("namedStyleType").cloned();
        let heading_id = p.style.get("headingId").cloned();
        apply_mask(&mut p.style, &src, &mask);
        let after = p
            .style
            .get("namedStyleType")
            .and_then(Value::as_str)
            .map(str::to_string);
        match after {
            Some(t) if HEADINGS.contains(&t.as_str()) => {
                let unchanged = before.as_ref().and_then(Value::as_str) == Some(t.as_str());
                match heading_id {
                    Some(id) if unchanged => p.style.insert("headingId".into(), id),
                    _ => p
                        .style
                        .insert("headingId".into(), Value::String(ids.heading())),
                };
            }
            _ => {
                p.style.remove("headingId");
            }
        }
        Ok(())
    })?;
    Ok(empty_reply())
}

/// updateTextStyle: every element in the range (text runs split at the range's ends).
pub fn update_text_style(doc: &mut Document, req: &Value) -> Result<Value, String> {
    let mask = parse_mask(req, &TEXT_FIELDS)?;
    let src = req
        .get("textStyle")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let (mut target, s, e) = range(doc, req)?;
    edit::visit_text_styles(&mut target.segment().content, 0, s, e, &mut |style| {
        apply_mask(style, &src, &mask)
    })?;
    Ok(empty_reply())
}
