//! Planning the one `batchUpdate` that writes a new dated section into a document.
//!
//! The plan is a list of [`DocOp`]s, the domain's own mirror of the Docs requests it needs; the
//! Docs adapter translates them 1:1. Requests in a batch apply in order, each seeing the effects
//! of the previous ones, and every op here is computed against the document *after* the single
//! `insertText` that comes first:
//!
//! 1. `InsertText` of the whole section at [`insertion_index`] — one contiguous run of new
//!    paragraphs, each ending with `\n` (see [`InsertionPoint`] for the end-of-body case).
//! 2. `DeleteBullets` over the new paragraphs, only when the paragraph they were inserted into
//!    (or the one just before it) is a list item: inserted paragraphs inherit its bullet.
//! 3. `UpdateParagraphStyle` for every new paragraph, one op per run of equal style. Non-headings
//!    get NORMAL_TEXT explicitly: inserted paragraphs inherit the style of the paragraph they
//!    were inserted into, which is usually the HEADING_2 of the previous section.
//! 4. `CreateBullets` per run of bullets / checklist items (an empty paragraph can carry a bullet:
//!    the empty checklist item is a bullet on a paragraph holding only its `\n`).
//! 5. `CreateNamedRange` `oneonone:<occurrence key>` over the section's heading paragraph, which is
//!    how [`find_section`](super::sections::find_section) finds the section again.
//!
//! The plan never touches existing text: every range after the insert lies inside the inserted
//! text. Indices are UTF-16 code units, as everywhere in the Docs API.
//!
//! Known limit: character styles (bold, links) of the inserted text follow Google's default (the
//! style of the character before the insertion point); the plan sets paragraph styles only.

use serde_json::json;

use super::block::{clean_text, Block, BlockKind};
use super::doc::Doc;
use super::doc_check::IndexProblem;
use super::sections::{insertion_index, range_name, InsertionPoint, RANGE_PREFIX};

/// A Docs `namedStyleType` the plan sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamedStyle {
    NormalText,
    Heading1,
    Heading2,
    Heading3,
    Heading4,
    Heading5,
    Heading6,
}

impl NamedStyle {
    /// The API's spelling (`"NORMAL_TEXT"`, `"HEADING_2"`, …).
    pub fn api_name(self) -> &'static str {
        match self {
            NamedStyle::NormalText => "NORMAL_TEXT",
            NamedStyle::Heading1 => "HEADING_1",
            NamedStyle::Heading2 => "HEADING_2",
            NamedStyle::Heading3 => "HEADING_3",
            NamedStyle::Heading4 => "HEADING_4",
            NamedStyle::Heading5 => "HEADING_5",
            NamedStyle::Heading6 => "HEADING_6",
        }
    }

    /// The heading style of a level, if it is 1–6.
    pub fn heading(level: u8) -> Option<NamedStyle> {
        Some(match level {
            1 => NamedStyle::Heading1,
            2 => NamedStyle::Heading2,
            3 => NamedStyle::Heading3,
            4 => NamedStyle::Heading4,
            5 => NamedStyle::Heading5,
            6 => NamedStyle::Heading6,
            _ => return None,
        })
    }
}

/// A Docs `bulletPreset` the plan uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BulletPreset {
    Disc,
    Checkbox,
}

impl BulletPreset {
    pub fn api_name(self) -> &'static str {
        match self {
            BulletPreset::Disc => "BULLET_DISC_CIRCLE_SQUARE",
            BulletPreset::Checkbox => "BULLET_CHECKBOX",
        }
    }
}

/// One Docs request. Ranges are `[start, end)` in UTF-16 code units of the body, as seen after
/// the ops before it in the same plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocOp {
    InsertText {
        index: u32,
        text: String,
    },
    UpdateParagraphStyle {
        start: u32,
        end: u32,
        named_style: NamedStyle,
    },
    CreateBullets {
        start: u32,
        end: u32,
        preset: BulletPreset,
    },
    DeleteBullets {
        start: u32,
        end: u32,
    },
    CreateNamedRange {
        name: String,
        start: u32,
        end: u32,
    },
}

impl DocOp {
    /// The Docs v1 `Request` JSON for this op in the body of tab `tab_id` (the doc's
    /// [`Doc::tab_id`] it was planned on), ready for
    /// `serde_json::from_str::<google_docs1::api::Request>` in the adapter (not `from_value`: the
    /// crate's `FieldMask` only deserialises from borrowed strings).
    ///
    /// Why every `Location` and `Range` carries the tab: without `tabId` Google applies a
    /// request to the document's *first* tab ("Work with tabs",
    /// developers.google.com/docs/api/how-tos/tabs), and a person can add a tab before ours at
    /// any time; indices planned on our tab would land in theirs. `None` (a doc read in the
    /// legacy form, which has no tab ids) leaves the field out.
    pub fn to_request(&self, tab_id: Option<&str>) -> serde_json::Value {
        let with_tab = |mut v: serde_json::Value| {
            if let Some(tab) = tab_id {
                v["tabId"] = json!(tab);
            }
            v
        };
        let range = |start: u32, end: u32| with_tab(json!({"startIndex": start, "endIndex": end}));
        match self {
            DocOp::InsertText { index, text } => {
                json!({"insertText": {"location": with_tab(json!({"index": index})), "text": text}})
            }
            DocOp::UpdateParagraphStyle {
                start,
                end,
                named_style,
            } => json!({
                "updateParagraphStyle": {
                    "range": range(*start, *end),
                    "paragraphStyle": {"namedStyleType": named_style.api_name()},
                    "fields": "namedStyleType",
                }
            }),
            DocOp::CreateBullets { start, end, preset } => json!({
                "createParagraphBullets": {
                    "range": range(*start, *end),
                    "bulletPreset": preset.api_name(),
                }
            }),
            DocOp::DeleteBullets { start, end } => {
                json!({"deleteParagraphBullets": {"range": range(*start, *end)}})
            }
            DocOp::CreateNamedRange { name, start, end } => {
                json!({"createNamedRange": {"name": name, "range": range(*start, *end)}})
            }
        }
    }
}

/// Why no section can be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("the occurrence key is empty; sections are named `{RANGE_PREFIX}<occurrence key>`")]
    EmptyKey,
    #[error("the rendered section is empty; the template must produce at least its heading")]
    NoBlocks,
    #[error(
        "the section must start with a level-2 heading (`## …` in the template), found {found:?}; \
         that heading is how sections are found again"
    )]
    FirstBlockNotSectionHeading { found: BlockKind },
    #[error(
        "block {block} is a level-{level} heading; inside a section use levels 3–6 (`###`), \
         since levels 1–2 end a section"
    )]
    SectionHeadingInside { block: usize, level: u8 },
    #[error("block {block} has heading level {level}; Google Docs has levels 1–6")]
    BadHeadingLevel { block: usize, level: u8 },
    #[error(
        "the section `{name}` already exists (paragraph starting at {start}); nothing to write"
    )]
    AlreadyPresent { name: String, start: u32 },
    #[error("document {document_id:?} has no paragraph outside tables to insert next to")]
    NoBody { document_id: String },
    #[error("document {document_id:?} cannot be edited safely, its indices do not add up: {problem}; re-read it")]
    Inconsistent {
        document_id: String,
        problem: IndexProblem,
    },
    #[error("the section is too long for a Google Doc ({len} UTF-16 code units)")]
    TooLong { len: usize },
}

/// Plans the ops that insert `blocks` as occurrence `occurrence_key`'s section (see the module
/// docs for their order and why each is there).
pub fn plan_section(
    doc: &Doc,
    blocks: &[Block],
    occurrence_key: &str,
) -> Result<Vec<DocOp>, PlanError> {
    let styles = check_blocks(blocks)?;
    if occurrence_key.is_empty() {
        return Err(PlanError::EmptyKey);
    }
    let name = range_name(occurrence_key);
    if let Some(nr) = doc.named_ranges.iter().find(|nr| nr.name == name) {
        let start = nr.ranges.iter().map(|&(s, _)| s).min().unwrap_or(0);
        return Err(PlanError::AlreadyPresent { name, start });
    }
    doc.check_indices()
        .map_err(|problem| PlanError::Inconsistent {
            document_id: doc.document_id.clone(),
            problem,
        })?;
    let no_body = || PlanError::NoBody {
        document_id: doc.document_id.clone(),
    };
    let point = insertion_index(doc);
    // The paragraph the text goes into; its style and bullet are what the new paragraphs inherit.
    let host = match point {
        InsertionPoint::BeforeHeading { paragraph, .. } => doc.paragraphs.get(paragraph),
        InsertionPoint::EndOfBody { .. } => doc.paragraphs.iter().rev().find(|p| !p.in_table),
    }
    .ok_or_else(no_body)?;

    let mut text = String::new();
    if point.break_first() {
        text.push('\n');
    }
    let first = utf16(&text, 0)?
        .checked_add(point.index())
        .ok_or(PlanError::TooLong { len: 0 })?;
    // [start, end) of each new paragraph, after the insert.
    let mut ranges = Vec::with_capacity(blocks.len());
    let mut at = first;
    for block in blocks {
        let line = clean_text(&block.text);
        let end = at + utf16(&line, at)? + 1;
        ranges.push((at, end));
        text.push_str(&line);
        text.push('\n');
        at = end;
    }
    let last = at;

    let mut ops = vec![DocOp::InsertText {
        index: point.index(),
        text,
    }];
    // Inserted paragraphs take the bullet of the paragraph they go into. The paragraph just
    // before the insertion point is checked too, so that a list ending right above the newest
    // section cannot leak into the new one whichever way Google resolves the inheritance.
    let before = doc
        .paragraphs
        .iter()
        .rev()
        .find(|p| !p.in_table && p.end <= point.index());
    if host.bullet.is_some() || before.is_some_and(|p| p.bullet.is_some()) {
        ops.push(DocOp::DeleteBullets {
            start: first,
            end: last,
        });
    }
    for (style, start, end) in runs(&styles, &ranges) {
        ops.push(DocOp::UpdateParagraphStyle {
            start,
            end,
            named_style: style,
        });
    }
    let bullets: Vec<Option<BulletPreset>> = blocks.iter().map(|b| bullet_of(b.kind)).collect();
    for (preset, start, end) in runs(&bullets, &ranges) {
        if let Some(preset) = preset {
            ops.push(DocOp::CreateBullets { start, end, preset });
        }
    }
    let (start, end) = ranges.first().copied().ok_or(PlanError::NoBlocks)?;
    ops.push(DocOp::CreateNamedRange { name, start, end });
    Ok(ops)
}

/// Checks the section's shape (one HEADING_2 first, no HEADING_1/2 after it, levels 1–6) and
/// returns each block's paragraph style.
pub fn check_blocks(blocks: &[Block]) -> Result<Vec<NamedStyle>, PlanError> {
    let first = blocks.first().ok_or(PlanError::NoBlocks)?;
    if first.kind != BlockKind::Heading(2) {
        return Err(PlanError::FirstBlockNotSectionHeading { found: first.kind });
    }
    blocks
        .iter()
        .enumerate()
        .map(|(i, b)| match b.kind {
            BlockKind::Heading(level @ (1 | 2)) if i > 0 => {
                Err(PlanError::SectionHeadingInside { block: i, level })
            }
            BlockKind::Heading(level) => {
                NamedStyle::heading(level).ok_or(PlanError::BadHeadingLevel { block: i, level })
            }
            BlockKind::Bullet | BlockKind::Checkbox | BlockKind::Paragraph => {
                Ok(NamedStyle::NormalText)
            }
        })
        .collect()
}

fn bullet_of(kind: BlockKind) -> Option<BulletPreset> {
    match kind {
        BlockKind::Bullet => Some(BulletPreset::Disc),
        BlockKind::Checkbox => Some(BulletPreset::Checkbox),
        BlockKind::Heading(_) | BlockKind::Paragraph => None,
    }
}

/// Runs of equal values over consecutive paragraphs, with the run's `[start, end)`.
fn runs<T: Copy + PartialEq>(values: &[T], ranges: &[(u32, u32)]) -> Vec<(T, u32, u32)> {
    let mut out: Vec<(T, u32, u32)> = Vec::new();
    for (&value, &(start, end)) in values.iter().zip(ranges) {
        match out.last_mut() {
            Some((v, _, run_end)) if *v == value && *run_end == start => *run_end = end,
            _ => out.push((value, start, end)),
        }
    }
    out
}

/// UTF-16 length of `s`, checked so that `base + length + 1` stays a valid index.
fn utf16(s: &str, base: u32) -> Result<u32, PlanError> {
    let len = s.encode_utf16().count();
    u32::try_from(len)
        .ok()
        .filter(|&n| base.checked_add(n).and_then(|x| x.checked_add(1)).is_some())
        .ok_or(PlanError::TooLong { len })
}

#[cfg(test)]
mod tests;
