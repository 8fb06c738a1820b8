//! insertText and deleteContentRange.

use super::target::{insertion_point, range};
use super::{empty_reply, Ctx};
use crate::docs::edit::{self, Insertion};
use crate::docs::model::Document;
use crate::docs::utf16;
use serde_json::Value;

/// insertText: Google strips control and private-use characters, then inserts; newlines
/// split the paragraph.
pub fn insert_text(doc: &mut Document, req: &Value, ctx: &mut Ctx) -> Result<Value, String> {
    let raw = req.get("text").and_then(Value::as_str).unwrap_or("");
    let text = utf16::strip_forbidden(raw);
    if text.is_empty() {
        return Err("The text to insert must not be empty.".into());
    }
    let (mut target, idx) = insertion_point(doc, req)?;
    let what = Insertion::Text(text);
    let ids = &mut *ctx.ids;
    let idx = edit::insert(&mut target.segment().content, 0, idx, &what, &mut || {
        ids.heading()
    })?;
    target.shift_insert(idx, what.units());
    Ok(empty_reply())
}

/// deleteContentRange: may merge paragraphs; refuses ranges that break the structure.
pub fn delete_content_range(doc: &mut Document, req: &Value) -> Result<Value, String> {
    let (mut target, s, e) = range(doc, req)?;
    edit::delete(&mut target.segment().content, 0, s, e)?;
    target.shift_delete(s, e);
    Ok(empty_reply())
}
