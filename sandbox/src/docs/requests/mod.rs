//! `documents.batchUpdate`: one file per request family, dispatched here.
//!
//! Requests apply in order, each seeing the previous ones' effects. The caller applies the
//! batch to a copy and keeps it only when every request succeeded, so a batch is atomic.

mod bullets;
mod chips;
mod named_ranges;
mod replace;
mod style;
mod target;
mod text;

use super::ids::IdGen;
use super::model::Document;
use serde_json::{json, Value};

/// What request handlers may need beyond the document.
pub struct Ctx<'a> {
    pub ids: &'a mut IdGen,
    /// The display name of a person chip's email (the sandbox's user directory).
    pub person_name: &'a dyn Fn(&str) -> Option<String>,
}

/// Requests Google has that the sandbox does not implement (named, not "unknown").
const UNIMPLEMENTED: [&str; 27] = [
    "addDocumentTab",
    "createFooter",
    "createFootnote",
    "createHeader",
    "deleteFooter",
    "deleteHeader",
    "deletePositionedObject",
    "deleteTab",
    "deleteTableColumn",
    "deleteTableRow",
    "insertInlineImage",
    "insertPageBreak",
    "insertSectionBreak",
    "insertTable",
    "insertTableColumn",
    "insertTableRow",
    "mergeTableCells",
    "pinTableHeaderRows",
    "replaceImage",
    "replaceNamedRangeContent",
    "unmergeTableCells",
    "updateDocumentStyle",
    "updateDocumentTabProperties",
    "updateSectionStyle",
    "updateTableCellStyle",
    "updateTableColumnProperties",
    "updateTableRowStyle",
];

/// Applies `requests` to `doc` in order and returns one reply per request, or Google's
/// message for the first invalid request (the document is then in an unspecified state and
/// must be discarded by the caller).
pub fn apply_all(
    doc: &mut Document,
    requests: &[Value],
    ctx: &mut Ctx,
) -> Result<Vec<Value>, String> {
    requests
        .iter()
        .enumerate()
        .map(|(i, req)| apply_one(doc, i, req, ctx))
        .collect()
}

fn apply_one(doc: &mut Document, i: usize, req: &Value, ctx: &mut Ctx) -> Result<Value, String> {
    let obj = req
        .as_object()
        .ok_or_else(|| format!("Invalid requests[{i}]: a request must be an object."))?;
    let mut kinds = obj.iter();
    let (kind, body) = match (kinds.next(), kinds.next()) {
        (Some(one), None) => one,
        (None, _) => return Err(format!("Invalid requests[{i}]: No request set.")),
        (Some(_), Some(_)) => {
            return Err(format!(
                "Invalid requests[{i}]: a request must set exactly one kind."
            ))
        }
    };
    let result = match kind.as_str() {
        "insertText" => text::insert_text(doc, body, ctx),
        "deleteContentRange" => text::delete_content_range(doc, body),
        "insertPerson" => chips::insert_person(doc, body, ctx),
        "insertDate" => chips::insert_date(doc, body, ctx),
        "updateParagraphStyle" => style::update_paragraph_style(doc, body, ctx),
        "updateTextStyle" => style::update_text_style(doc, body),
        "createParagraphBullets" => bullets::create(doc, body, ctx),
        "deleteParagraphBullets" => bullets::delete(doc, body),
        "createNamedRange" => named_ranges::create(doc, body, ctx),
        "deleteNamedRange" => named_ranges::delete(doc, body),
        "replaceAllText" => replace::replace_all_text(doc, body, ctx),
        k if UNIMPLEMENTED.contains(&k) => Err(format!("The sandbox does not implement {k}.")),
        k => {
            return Err(format!(
                "Invalid JSON payload received. Unknown name \"{k}\" at 'requests[{i}]': Cannot find field."
            ))
        }
    };
    result.map_err(|msg| format!("Invalid requests[{i}].{kind}: {msg}"))
}

/// The reply for requests that return nothing.
fn empty_reply() -> Value {
    json!({})
}
