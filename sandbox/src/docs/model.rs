//! The sandbox's own model of a Google Doc.
//!
//! Indices are never stored: they are recomputed from the content whenever a document is
//! served or an edit needs them (see `index.rs`). That keeps edits simple (no index fix-ups)
//! and makes imported captures trustworthy by construction. Style objects that the sandbox
//! does not interpret (paragraphStyle, textStyle, tableCellStyle, documentStyle, …) are kept
//! as JSON maps, so whatever Google sent survives a round trip unchanged.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A JSON object kept verbatim.
pub type Json = Map<String, Value>;

/// One document with its tabs. Legacy `documents.get` shows the first tab at top level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub title: String,
    /// The opaque revision id served as `revisionId`; it changes on every write.
    pub revision_id: String,
    /// Number of writes since creation or import; makes new revision ids unique.
    pub revision_seq: u64,
    pub suggestions_view_mode: String,
    /// Root tabs in order (never empty: a legacy capture becomes tab `t.0`).
    pub tabs: Vec<Tab>,
}

/// A tab: its properties, its content (absent for a tab that has none) and nested tabs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tab {
    /// `tabProperties` as given (tabId, title, index, nestingLevel, parentTabId, iconEmoji…).
    pub properties: Json,
    pub content: Option<DocumentTab>,
    pub children: Vec<Tab>,
}

impl Tab {
    /// The `tabId` property, or "" when a capture had none.
    pub fn id(&self) -> &str {
        self.properties
            .get("tabId")
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// The content of one tab: the body, its side segments, lists and named ranges.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentTab {
    pub body: Segment,
    pub headers: BTreeMap<String, Segment>,
    pub footers: BTreeMap<String, Segment>,
    pub footnotes: BTreeMap<String, Segment>,
    pub lists: BTreeMap<String, List>,
    pub named_ranges: Vec<NamedRange>,
    /// Everything else in the documentTab (documentStyle, namedStyles, inlineObjects…).
    pub extra: Json,
}

/// Which segment of a tab a location refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    Body,
    Header,
    Footer,
    Footnote,
}

/// A run of structural elements whose indices start at 0: the body (which begins with a
/// section break occupying 0..1), a header, a footer or a footnote.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub content: Vec<Block>,
    /// Keys other than `content` and the id (e.g. a footnote's suggestedInsertionIds).
    pub extra: Json,
}

/// A structural element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
    /// A section break occupies one index; its JSON (sectionStyle…) is kept verbatim.
    SectionBreak(Json),
    TableOfContents(TableOfContents),
}

/// A paragraph: inline elements, the last of which normally ends with "\n".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    pub elements: Vec<Inline>,
    pub style: Json,
    /// `bullet` ({listId, nestingLevel, textStyle}) when the paragraph is in a list.
    pub bullet: Option<Json>,
    /// Other paragraph keys (positionedObjectIds, suggested changes…).
    pub extra: Json,
    /// A checklist item's tick. Google stores it but no API shows it (`documents.get` has
    /// no field for it: googleapis/google-api-nodejs-client#2870), so it is never
    /// serialised into Docs JSON; see `ticks.rs`.
    #[serde(default)]
    pub ticked: bool,
}

/// A paragraph element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Inline {
    /// A text run; occupies its UTF-16 length.
    Text {
        content: String,
        style: Json,
        extra: Json,
    },
    /// Any other element (person, dateElement, richLink, inlineObjectElement,
    /// footnoteReference, pageBreak, horizontalRule, autoText, columnBreak, equation):
    /// the element key and its object; occupies one index.
    Object { kind: String, body: Json },
}

/// A table: rows of cells, each cell a list of structural elements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub rows: Vec<Row>,
    /// Other table keys (rows, columns, tableStyle…).
    pub extra: Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub extra: Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub content: Vec<Block>,
    pub extra: Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableOfContents {
    pub content: Vec<Block>,
    pub extra: Json,
}

/// A list definition (`lists[listId]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List {
    /// The list's JSON (`listProperties` …) as served.
    pub json: Json,
    /// The bullet preset that created it, when the sandbox created it; Google joins new
    /// bullets to a preceding list only when the preset matches.
    pub preset: Option<String>,
}

/// One named range (a name may have several, each with its own id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedRange {
    pub id: String,
    pub name: String,
    pub ranges: Vec<RangeRef>,
}

/// One contiguous part of a named range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RangeRef {
    /// "" for the body, else the header/footer/footnote id.
    pub segment_id: String,
    pub start: usize,
    pub end: usize,
}

impl Document {
    /// Depth-first search for a tab by id.
    pub fn tab_mut(&mut self, id: &str) -> Option<&mut Tab> {
        fn find<'a>(tabs: &'a mut [Tab], id: &str) -> Option<&'a mut Tab> {
            for tab in tabs {
                if tab.id() == id {
                    return Some(tab);
                }
                if let Some(found) = find(&mut tab.children, id) {
                    return Some(found);
                }
            }
            None
        }
        find(&mut self.tabs, id)
    }

    /// Visits every tab depth first (parents before children), stopping at the first error.
    pub fn visit_tabs_mut<E>(
        &mut self,
        f: &mut dyn FnMut(&mut Tab) -> Result<(), E>,
    ) -> Result<(), E> {
        fn walk<E>(
            tabs: &mut [Tab],
            f: &mut dyn FnMut(&mut Tab) -> Result<(), E>,
        ) -> Result<(), E> {
            for tab in tabs {
                f(tab)?;
                walk(&mut tab.children, f)?;
            }
            Ok(())
        }
        walk(&mut self.tabs, f)
    }
}
