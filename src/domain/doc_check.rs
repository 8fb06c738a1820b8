//! Checking that a [`Doc`]'s indices add up before any write is planned on them.
//!
//! Google's own responses always satisfy these rules; hand-edited or truncated JSON may not
//! (several public fixtures don't). Since every planned write is index arithmetic on the read
//! document, the planner refuses a document that fails this check instead of writing to a
//! position it computed from nonsense.

use super::doc::{Doc, Inline};

/// The first rule a document's indices break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexProblem {
    #[error("paragraph {paragraph} has an empty or inverted range [{start}, {end})")]
    EmptyParagraph {
        paragraph: usize,
        start: u32,
        end: u32,
    },
    #[error(
        "paragraph {paragraph} [{start}, {end}): its elements do not tile the range \
         (expected an element at {expected}, found {found:?})"
    )]
    ElementGap {
        paragraph: usize,
        start: u32,
        end: u32,
        expected: u32,
        found: Option<u32>,
    },
    #[error(
        "paragraph {paragraph}: text run [{start}, {end}) holds {utf16_len} UTF-16 code units, \
         not {}", end.saturating_sub(*start)
    )]
    TextLength {
        paragraph: usize,
        start: u32,
        end: u32,
        utf16_len: usize,
    },
    #[error("paragraph {paragraph} [{start}, {end}) does not end with a newline")]
    NoFinalNewline {
        paragraph: usize,
        start: u32,
        end: u32,
    },
    #[error(
        "paragraph {paragraph} starts at {start}, before the previous one ends ({previous_end})"
    )]
    Overlap {
        paragraph: usize,
        start: u32,
        previous_end: u32,
    },
    #[error("paragraph {paragraph} ends at {end}, past the end of the body ({end_index})")]
    PastEnd {
        paragraph: usize,
        end: u32,
        end_index: u32,
    },
}

impl Doc {
    /// Checks the rules every document Google returns satisfies: each paragraph is a non-empty
    /// range tiled exactly by its elements, each text run's UTF-16 length equals its range, the
    /// paragraph ends with `\n`, paragraphs are ordered and disjoint, and all lie in the body.
    pub fn check_indices(&self) -> Result<(), IndexProblem> {
        let mut previous_end = 0;
        for (i, p) in self.paragraphs.iter().enumerate() {
            let (start, end) = (p.start, p.end);
            if start >= end {
                return Err(IndexProblem::EmptyParagraph {
                    paragraph: i,
                    start,
                    end,
                });
            }
            if start < previous_end {
                return Err(IndexProblem::Overlap {
                    paragraph: i,
                    start,
                    previous_end,
                });
            }
            if end > self.end_index {
                return Err(IndexProblem::PastEnd {
                    paragraph: i,
                    end,
                    end_index: self.end_index,
                });
            }
            let mut expected = start;
            for el in &p.elements {
                let (s, e) = element_range(el);
                if s != expected || e <= s {
                    let found = Some(s);
                    return Err(IndexProblem::ElementGap {
                        paragraph: i,
                        start,
                        end,
                        expected,
                        found,
                    });
                }
                if let Inline::Text { text, .. } = el {
                    let utf16_len = text.encode_utf16().count();
                    if u32::try_from(utf16_len).ok() != Some(e - s) {
                        return Err(IndexProblem::TextLength {
                            paragraph: i,
                            start: s,
                            end: e,
                            utf16_len,
                        });
                    }
                }
                expected = e;
            }
            if expected != end {
                return Err(IndexProblem::ElementGap {
                    paragraph: i,
                    start,
                    end,
                    expected,
                    found: None,
                });
            }
            let ends_with_newline = matches!(
                p.elements.last(),
                Some(Inline::Text { text, .. }) if text.ends_with('\n')
            );
            if !ends_with_newline {
                return Err(IndexProblem::NoFinalNewline {
                    paragraph: i,
                    start,
                    end,
                });
            }
            previous_end = end;
        }
        Ok(())
    }
}

/// An element's UTF-16 range `[start, end)`.
pub(crate) fn element_range(el: &Inline) -> (u32, u32) {
    match el {
        Inline::Text { start, end, .. }
        | Inline::Person { start, end, .. }
        | Inline::Date { start, end, .. }
        | Inline::RichLink { start, end, .. }
        | Inline::Other { start, end } => (*start, *end),
    }
}
