//! The daemon's own view of a Google Doc: the paragraphs of the body, with their UTF-16 ranges,
//! styles, bullets and inline elements, plus the named ranges.
//!
//! Why a model of our own instead of the generated `google_docs1` types: every decision the
//! daemon makes about a document (where the dated sections start, whether a section exists, what
//! a person wrote) is pure logic and is property-tested; it should not depend on how a code
//! generator spelled Google's schema. The adapter turns the `documents.get` JSON into a [`Doc`]
//! with [`Doc::from_json`].
//!
//! Indices are Google's: UTF-16 code units, the body starts at 1, every paragraph ends with
//! `\n`, and a paragraph's `end` is the next paragraph's `start`.

/// A parsed document: the body of the tab that holds the daemon's sections (or of the legacy
/// single-body form), see `domain::doc_json`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    pub document_id: String,
    pub title: String,
    /// The tab this body is, when the response had tabs (`includeTabsContent=true`); every
    /// write planned on it names it, since a request without `tabId` goes to the first tab.
    /// `None` for the legacy form.
    pub tab_id: Option<String>,
    /// Changes on every write; carried as `writeControl.requiredRevisionId` on our writes.
    pub revision_id: Option<String>,
    /// Body paragraphs in document order. Paragraphs inside table cells are included, flagged
    /// with `in_table`, because people do write action items in tables.
    pub paragraphs: Vec<Paragraph>,
    pub named_ranges: Vec<NamedRange>,
    /// The index just past the body's final newline (the body's last `endIndex`).
    pub end_index: u32,
}

/// One named range (all of its ranges flattened).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedRange {
    pub name: String,
    pub id: String,
    pub ranges: Vec<(u32, u32)>,
}

/// The paragraph styles the daemon distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParagraphKind {
    Normal,
    Title,
    Subtitle,
    /// HEADING_1 … HEADING_6.
    Heading(u8),
}

/// A paragraph's bullet, if it is a list item.
#[derive(Debug, Clone, PartialEq)]
pub struct Bullet {
    pub list_id: String,
    pub nesting_level: u32,
    /// True for a checklist item in a section the daemon wrote: only there is a checklist
    /// provably one, since Google shows checklists and plain outline lists alike
    /// (`domain::doc_json`). The API never says whether an item is ticked.
    pub checkbox: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Paragraph {
    pub start: u32,
    pub end: u32,
    pub kind: ParagraphKind,
    pub heading_id: Option<String>,
    pub bullet: Option<Bullet>,
    pub in_table: bool,
    pub elements: Vec<Inline>,
}

/// An inline element of a paragraph, with its UTF-16 range.
#[derive(Debug, Clone, PartialEq)]
pub enum Inline {
    Text {
        start: u32,
        end: u32,
        text: String,
        strikethrough: bool,
        /// The run is an unaccepted suggestion (insertion): not yet the document's text.
        suggested: bool,
    },
    /// A person chip.
    Person {
        start: u32,
        end: u32,
        email: String,
        name: Option<String>,
    },
    /// A date chip. `date` is the calendar date the chip shows, if it could be read.
    Date {
        start: u32,
        end: u32,
        date: Option<chrono::NaiveDate>,
        display: Option<String>,
    },
    RichLink {
        start: u32,
        end: u32,
        title: Option<String>,
        uri: Option<String>,
    },
    /// Anything else that occupies indices (images, footnote references, breaks, …).
    Other { start: u32, end: u32 },
}
