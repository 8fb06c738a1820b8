//! Index arithmetic: how many UTF-16 units each element occupies.
//!
//! Google's layout, as the captures show it: a text run occupies its UTF-16 length and every
//! other paragraph element one index; a section break one; a table one for its start marker,
//! one per row marker, one per cell marker, the cells' content, and one closing index; a table
//! of contents one opening index, its content and one closing index. Segments start at 0 (the
//! body's first element is the section break 0..1).

use super::model::{Block, Inline, Paragraph, Segment, Table, TableOfContents};
use super::utf16;

/// Units occupied by one paragraph element.
pub fn inline_len(inline: &Inline) -> usize {
    match inline {
        Inline::Text { content, .. } => utf16::len(content),
        Inline::Object { .. } => 1,
    }
}

/// Units occupied by a paragraph (normally ending with its "\n").
pub fn paragraph_len(p: &Paragraph) -> usize {
    p.elements.iter().map(inline_len).sum()
}

/// Units occupied by a table: markers for the table, each row and each cell, plus content.
pub fn table_len(t: &Table) -> usize {
    let rows: usize = t
        .rows
        .iter()
        .map(|r| {
            1 + r
                .cells
                .iter()
                .map(|c| 1 + blocks_len(&c.content))
                .sum::<usize>()
        })
        .sum();
    1 + rows + 1
}

/// Units occupied by a table of contents. A capture with empty content (only synthetic
/// documents have one; Google always fills it with paragraphs) has no closing index.
pub fn toc_len(t: &TableOfContents) -> usize {
    let inner = blocks_len(&t.content);
    if inner == 0 {
        1
    } else {
        inner + 2
    }
}

pub fn block_len(b: &Block) -> usize {
    match b {
        Block::Paragraph(p) => paragraph_len(p),
        Block::Table(t) => table_len(t),
        Block::SectionBreak(_) => 1,
        Block::TableOfContents(t) => toc_len(t),
    }
}

pub fn blocks_len(blocks: &[Block]) -> usize {
    blocks.iter().map(block_len).sum()
}

/// The segment's end index (exclusive): one past its final newline.
pub fn segment_end(seg: &Segment) -> usize {
    blocks_len(&seg.content)
}

/// Start index of each block in `blocks` when the first starts at `base`.
pub fn block_starts(blocks: &[Block], base: usize) -> Vec<(usize, usize)> {
    let mut pos = base;
    blocks
        .iter()
        .map(|b| {
            let len = block_len(b);
            let span = (pos, len);
            pos += len;
            span
        })
        .collect()
}

/// Where each cell's content starts, row by row, for a table starting at `start`.
pub fn cell_content_starts(t: &Table, start: usize) -> Vec<Vec<(usize, usize)>> {
    let mut pos = start + 1;
    t.rows
        .iter()
        .map(|r| {
            pos += 1;
            r.cells
                .iter()
                .map(|c| {
                    let content_start = pos + 1;
                    let len = blocks_len(&c.content);
                    pos = content_start + len;
                    (content_start, len)
                })
                .collect()
        })
        .collect()
}
