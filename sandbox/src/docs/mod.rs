//! The sandbox's Google Docs v1: an independent implementation of Google's document model
//! (it shares no code with the daemon's `domain` model, so tests of one check the other).
//!
//! * [`model`] — documents, tabs, segments, paragraphs, tables; indices are never stored.
//! * [`index`] / [`utf16`] — how many UTF-16 units each element occupies.
//! * [`edit`] — insertions, deletions and range visits that keep the structure valid.
//! * `requests` — `documents.batchUpdate`, one file per request family.
//! * [`json`] — the model as `documents.get` JSON (legacy and tabs forms).
//! * [`import`] — parsing captured `documents.get` JSON (indices ignored, recomputed).
//! * [`ticks`] — a person's click on a checklist box: stored, invisible to the API.
//! * [`unknown_names`] — Docs' 400 for names its schema lacks, at any depth.
//! * `http` — the axum routes.

pub mod drive_link;
pub mod edit;
mod http;
pub mod ids;
pub mod import;
pub mod index;
pub mod json;
pub mod model;
mod requests;
pub mod ticks;
pub mod unknown_names;
pub mod utf16;

pub use http::routes;
use ids::IdGen;
use model::{Block, Document, DocumentTab, Inline, Json, Paragraph, Segment, Tab};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Why a Docs operation failed; the HTTP layer maps each to Google's status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocsError {
    /// 404 NOT_FOUND.
    #[error("Requested entity was not found.")]
    NotFound,
    /// 400 INVALID_ARGUMENT with Google's message.
    #[error("{0}")]
    Invalid(String),
    /// 400 FAILED_PRECONDITION: `writeControl.requiredRevisionId` is not the latest revision.
    #[error("{0}")]
    RevisionMismatch(String),
}

/// Every document of the sandbox, keyed by id.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocsState {
    docs: BTreeMap<String, Document>,
    ids: IdGen,
}

impl DocsState {
    /// Creates an empty document titled `title` (one empty paragraph after the section
    /// break, as Google makes them) and returns its id.
    pub fn create(&mut self, title: &str) -> String {
        let id = self.ids.document();
        let revision_id = self.ids.revision();
        let doc = new_document(id.clone(), title, revision_id);
        self.docs.insert(id.clone(), doc);
        id
    }

    /// The document, if it exists.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.docs.get(id)
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// `documents.get` JSON: the tabs form when `include_tabs`, else the legacy form.
    pub fn get_json(&self, id: &str, include_tabs: bool) -> Result<Value, DocsError> {
        let doc = self.docs.get(id).ok_or(DocsError::NotFound)?;
        Ok(json::document_to_json(doc, include_tabs))
    }

    /// Renames a document (Drive's files.update keeps the title in step).
    pub fn set_title(&mut self, id: &str, title: &str) -> Result<(), DocsError> {
        let doc = self.docs.get_mut(id).ok_or(DocsError::NotFound)?;
        doc.title = title.to_string();
        Ok(())
    }

    /// Removes a document (Drive deleted the file).
    pub fn remove(&mut self, id: &str) -> Option<Document> {
        self.docs.remove(id)
    }

    /// Gives the document a new revision id, as a collaborator's edit would.
    pub fn bump_revision(&mut self, id: &str) -> Result<String, DocsError> {
        let doc = self.docs.get_mut(id).ok_or(DocsError::NotFound)?;
        doc.revision_seq += 1;
        doc.revision_id = self.ids.revision();
        Ok(doc.revision_id.clone())
    }

    /// Adds an empty root tab titled `title` at position `index` (0 = before the others), as
    /// a person does in the editor, renumbering the root tabs' `index`; returns the new tab's
    /// id and the document's new revision id. A tab added first becomes what legacy
    /// `documents.get` shows and where requests without `tabId` write
    /// (developers.google.com/docs/api/how-tos/tabs).
    pub fn add_tab(
        &mut self,
        id: &str,
        title: &str,
        index: usize,
    ) -> Result<(String, String), DocsError> {
        let doc = self.docs.get_mut(id).ok_or(DocsError::NotFound)?;
        if index > doc.tabs.len() {
            return Err(DocsError::Invalid(format!(
                "document {id} has {} root tabs, so a new tab's index must be at most {}, got {index}",
                doc.tabs.len(),
                doc.tabs.len()
            )));
        }
        let tab_id = self.ids.tab();
        let properties = object(json!({ "tabId": tab_id, "title": title, "index": index }));
        doc.tabs.insert(
            index,
            Tab {
                properties,
                content: Some(empty_tab_content()),
                children: Vec::new(),
            },
        );
        for (i, tab) in doc.tabs.iter_mut().enumerate() {
            tab.properties.insert("index".into(), json!(i));
        }
        doc.revision_seq += 1;
        doc.revision_id = self.ids.revision();
        Ok((tab_id, doc.revision_id.clone()))
    }

    /// `documents.batchUpdate` with its JSON body. The batch is atomic: it is applied to a
    /// copy that replaces the document only when every request succeeded. `person_name`
    /// gives person chips their display name.
    pub fn batch_update(
        &mut self,
        id: &str,
        body: &Value,
        person_name: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Value, DocsError> {
        let current = self.docs.get(id).ok_or(DocsError::NotFound)?;
        if let Some(required) = body
            .pointer("/writeControl/requiredRevisionId")
            .and_then(Value::as_str)
        {
            if required != current.revision_id {
                return Err(DocsError::RevisionMismatch(format!(
                    "The required revision ID '{required}' does not match the latest revision."
                )));
            }
        }
        let requests = match body.get("requests") {
            Some(Value::Array(r)) => r.as_slice(),
            None | Some(Value::Null) => &[],
            Some(other) => {
                return Err(DocsError::Invalid(format!(
                    "requests must be a list, got {other}."
                )))
            }
        };
        let mut doc = current.clone();
        let mut ctx = requests::Ctx {
            ids: &mut self.ids,
            person_name,
        };
        let replies =
            requests::apply_all(&mut doc, requests, &mut ctx).map_err(DocsError::Invalid)?;
        if !requests.is_empty() {
            doc.revision_seq += 1;
            doc.revision_id = self.ids.revision();
        }
        let response = json!({
            "documentId": doc.id,
            "replies": replies,
            "writeControl": { "requiredRevisionId": doc.revision_id },
        });
        self.docs.insert(id.to_string(), doc);
        Ok(response)
    }

    /// Imports a captured `documents.get` JSON (keeping its ids; replacing a document with
    /// the same id) and returns the document id.
    pub fn import(&mut self, doc: &Value) -> Result<String, DocsError> {
        let doc = import::import_document(doc).map_err(DocsError::Invalid)?;
        let id = doc.id.clone();
        self.docs.insert(id.clone(), doc);
        Ok(id)
    }
}

fn object(v: Value) -> Json {
    match v {
        Value::Object(m) => m,
        _ => Json::new(),
    }
}

/// A new, empty document as Google creates it.
fn new_document(id: String, title: &str, revision_id: String) -> Document {
    Document {
        id,
        title: title.to_string(),
        revision_id,
        revision_seq: 0,
        suggestions_view_mode: "SUGGESTIONS_INLINE".into(),
        tabs: vec![Tab {
            properties: json::default_tab_properties(),
            content: Some(empty_tab_content()),
            children: Vec::new(),
        }],
    }
}

/// The content of a new tab (or of a new document's only tab): the section break, one empty
/// paragraph, and the default page style.
fn empty_tab_content() -> DocumentTab {
    let section_break = object(json!({ "sectionStyle": {
        "columnSeparatorStyle": "NONE", "contentDirection": "LEFT_TO_RIGHT", "sectionType": "CONTINUOUS"
    }}));
    let paragraph = Paragraph {
        elements: vec![Inline::Text {
            content: "\n".into(),
            style: Json::new(),
            extra: Json::new(),
        }],
        style: object(json!({ "namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT" })),
        bullet: None,
        extra: Json::new(),
        ticked: false,
    };
    DocumentTab {
        body: Segment {
            content: vec![
                Block::SectionBreak(section_break),
                Block::Paragraph(paragraph),
            ],
            extra: Json::new(),
        },
        extra: object(json!({ "documentStyle": {
            "background": { "color": {} },
            "pageNumberStart": 1,
            "marginTop": { "magnitude": 72, "unit": "PT" },
            "marginBottom": { "magnitude": 72, "unit": "PT" },
            "marginRight": { "magnitude": 72, "unit": "PT" },
            "marginLeft": { "magnitude": 72, "unit": "PT" },
            "pageSize": { "height": { "magnitude": 792, "unit": "PT" }, "width": { "magnitude": 612, "unit": "PT" } },
        }})),
        ..DocumentTab::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `/_sandbox/state` saves and restores the whole world: documents must survive it, and
    /// ids handed out afterwards must stay unique.
    #[test]
    fn state_survives_a_serde_round_trip() {
        let mut s = DocsState::default();
        let id = s.create("Saved");
        let no_names = |_: &str| None;
        let reqs = json!({ "requests": [
            { "insertText": { "text": "a😀\nb", "location": { "index": 1 } } },
            { "createNamedRange": { "name": "n", "range": { "startIndex": 1, "endIndex": 3 } } },
        ] });
        s.batch_update(&id, &reqs, &no_names).expect("applies");
        let saved = serde_json::to_string(&s).expect("serializes");
        let mut restored: DocsState = serde_json::from_str(&saved).expect("deserializes");
        assert_eq!(restored.get_json(&id, true), s.get_json(&id, true));
        let next = restored.create("next");
        assert_ne!(next, id, "the id counter was restored");
        assert_eq!(restored.len(), 2);
    }
}
