//! Importing a captured `documents.get` JSON into the sandbox.
//!
//! The capture keeps its ids, content, lists and named ranges; every index is recomputed
//! from the content (the capture's own indices are ignored), so a capture whose indices do
//! not add up cannot smuggle inconsistent state into tests.

use super::json::document_from_json;
use super::model::Document;
use serde_json::Value;

/// Parses `doc` (legacy or tabs form) into the sandbox's model.
pub fn import_document(doc: &Value) -> Result<Document, String> {
    let parsed = document_from_json(doc)?;
    if parsed.tabs.iter().all(|t| t.content.is_none()) {
        return Err("the document has no tab with content to import".into());
    }
    Ok(parsed)
}
