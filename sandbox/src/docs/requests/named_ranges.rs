//! createNamedRange and deleteNamedRange.

use super::target::range;
use super::{empty_reply, Ctx};
use crate::docs::model::{Document, NamedRange, RangeRef};
use crate::docs::utf16;
use serde_json::{json, Value};

/// createNamedRange: names are 1–256 UTF-16 units; several ranges may share a name.
pub fn create(doc: &mut Document, req: &Value, ctx: &mut Ctx) -> Result<Value, String> {
    let name = req.get("name").and_then(Value::as_str).unwrap_or("");
    let len = utf16::len(name);
    if !(1..=256).contains(&len) {
        return Err(format!(
            "The name must be between 1 and 256 characters long, got {len}."
        ));
    }
    let (target, s, e) = range(doc, req)?;
    let id = ctx.ids.kix();
    target.tab.named_ranges.push(NamedRange {
        id: id.clone(),
        name: name.to_string(),
        ranges: vec![RangeRef {
            segment_id: target.segment_id.clone(),
            start: s,
            end: e,
        }],
    });
    Ok(json!({ "createNamedRange": { "namedRangeId": id } }))
}

/// deleteNamedRange: by id (which must exist) or by name (every range with that name), in
/// the tabs of `tabsCriteria` or all tabs.
pub fn delete(doc: &mut Document, req: &Value) -> Result<Value, String> {
    let id = req.get("namedRangeId").and_then(Value::as_str);
    let name = req.get("name").and_then(Value::as_str);
    let tab_ids: Option<Vec<String>> = req
        .pointer("/tabsCriteria/tabIds")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
    let matches = |nr: &NamedRange| match (id, name) {
        (Some(id), _) => nr.id == id,
        (None, Some(name)) => nr.name == name,
        (None, None) => false,
    };
    if id.is_some() == name.is_some() {
        return Err("Exactly one of namedRangeId or name must be set.".into());
    }
    let mut removed = 0;
    doc.visit_tabs_mut::<String>(&mut |tab| {
        let selected = tab_ids
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|t| t == tab.id()));
        if let (true, Some(content)) = (selected, tab.content.as_mut()) {
            let before = content.named_ranges.len();
            content.named_ranges.retain(|nr| !matches(nr));
            removed += before - content.named_ranges.len();
        }
        Ok(())
    })?;
    if let (Some(id), 0) = (id, removed) {
        return Err(format!("The named range with ID {id} does not exist."));
    }
    Ok(empty_reply())
}
