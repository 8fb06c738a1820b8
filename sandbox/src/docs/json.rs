//! The model as Google's `documents.get` JSON (legacy and tabs forms).
//!
//! Serialising computes every index from the content; parsing lives in `import.rs`.

use super::index;
use super::model::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// `documents.get` for `doc`: tabs form when `include_tabs`, else the legacy top-level form
/// showing the first tab.
pub fn document_to_json(doc: &Document, include_tabs: bool) -> Value {
    let mut out = Map::new();
    out.insert("documentId".into(), json!(doc.id));
    out.insert("title".into(), json!(doc.title));
    out.insert("revisionId".into(), json!(doc.revision_id));
    out.insert(
        "suggestionsViewMode".into(),
        json!(doc.suggestions_view_mode),
    );
    if include_tabs {
        out.insert(
            "tabs".into(),
            Value::Array(doc.tabs.iter().map(tab_to_json).collect()),
        );
    } else if let Some(content) = doc.tabs.first().and_then(|t| t.content.as_ref()) {
        out.extend(document_tab_to_json(content));
    }
    Value::Object(out)
}

fn tab_to_json(tab: &Tab) -> Value {
    let mut out = Map::new();
    out.insert(
        "tabProperties".into(),
        Value::Object(tab.properties.clone()),
    );
    if let Some(content) = &tab.content {
        out.insert(
            "documentTab".into(),
            Value::Object(document_tab_to_json(content)),
        );
    }
    if !tab.children.is_empty() {
        out.insert(
            "childTabs".into(),
            Value::Array(tab.children.iter().map(tab_to_json).collect()),
        );
    }
    Value::Object(out)
}

fn document_tab_to_json(t: &DocumentTab) -> Map<String, Value> {
    let mut out = t.extra.clone();
    out.insert(
        "body".into(),
        json!({ "content": blocks_to_json(&t.body.content, 0) }),
    );
    for (key, id_key, map) in [
        ("headers", "headerId", &t.headers),
        ("footers", "footerId", &t.footers),
        ("footnotes", "footnoteId", &t.footnotes),
    ] {
        if map.is_empty() {
            continue;
        }
        let segs: Map<String, Value> = map
            .iter()
            .map(|(id, seg)| {
                let mut s = seg.extra.clone();
                s.insert(id_key.into(), json!(id));
                s.insert(
                    "content".into(),
                    Value::Array(blocks_to_json(&seg.content, 0)),
                );
                (id.clone(), Value::Object(s))
            })
            .collect();
        out.insert(key.into(), Value::Object(segs));
    }
    if !t.lists.is_empty() {
        let lists: Map<String, Value> = t
            .lists
            .iter()
            .map(|(id, l)| (id.clone(), Value::Object(l.json.clone())))
            .collect();
        out.insert("lists".into(), Value::Object(lists));
    }
    if !t.named_ranges.is_empty() {
        out.insert("namedRanges".into(), named_ranges_to_json(&t.named_ranges));
    }
    out
}

fn named_ranges_to_json(ranges: &[NamedRange]) -> Value {
    let mut by_name: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for nr in ranges {
        let parts: Vec<Value> = nr
            .ranges
            .iter()
            .map(|r| {
                let mut m = Map::new();
                if !r.segment_id.is_empty() {
                    m.insert("segmentId".into(), json!(r.segment_id));
                }
                if r.start != 0 {
                    m.insert("startIndex".into(), json!(r.start));
                }
                m.insert("endIndex".into(), json!(r.end));
                Value::Object(m)
            })
            .collect();
        by_name.entry(&nr.name).or_default().push(json!({
            "namedRangeId": nr.id, "name": nr.name, "ranges": parts
        }));
    }
    Value::Object(
        by_name
            .into_iter()
            .map(|(name, list)| {
                (
                    name.to_string(),
                    json!({ "name": name, "namedRanges": list }),
                )
            })
            .collect(),
    )
}

/// Google omits zero-valued fields, so an element starting at 0 has no `startIndex`.
fn with_indices(mut m: Map<String, Value>, start: usize, end: usize) -> Value {
    if start != 0 {
        m.insert("startIndex".into(), json!(start));
    }
    m.insert("endIndex".into(), json!(end));
    Value::Object(m)
}

fn blocks_to_json(blocks: &[Block], base: usize) -> Vec<Value> {
    let mut pos = base;
    blocks
        .iter()
        .map(|b| {
            let start = pos;
            let v = block_to_json(b, start);
            pos += index::block_len(b);
            v
        })
        .collect()
}

fn block_to_json(b: &Block, start: usize) -> Value {
    let end = start + index::block_len(b);
    let mut m = Map::new();
    match b {
        Block::Paragraph(p) => {
            m.insert("paragraph".into(), paragraph_to_json(p, start));
        }
        Block::SectionBreak(s) => {
            m.insert("sectionBreak".into(), Value::Object(s.clone()));
        }
        Block::TableOfContents(t) => {
            let mut inner = t.extra.clone();
            inner.insert(
                "content".into(),
                Value::Array(blocks_to_json(&t.content, start + 1)),
            );
            m.insert("tableOfContents".into(), Value::Object(inner));
        }
        Block::Table(t) => {
            m.insert("table".into(), table_to_json(t, start));
        }
    }
    with_indices(m, start, end)
}

fn table_to_json(t: &Table, start: usize) -> Value {
    let starts = index::cell_content_starts(t, start);
    let mut pos = start + 1;
    let rows: Vec<Value> = t
        .rows
        .iter()
        .zip(starts)
        .map(|(row, cell_starts)| {
            let row_start = pos;
            let cells: Vec<Value> = row
                .cells
                .iter()
                .zip(cell_starts)
                .map(|(cell, (content_start, len))| {
                    let mut c = cell.extra.clone();
                    c.insert(
                        "content".into(),
                        Value::Array(blocks_to_json(&cell.content, content_start)),
                    );
                    pos = content_start + len;
                    with_indices(c, content_start - 1, content_start + len)
                })
                .collect();
            if row.cells.is_empty() {
                pos = row_start + 1;
            }
            let mut r = row.extra.clone();
            r.insert("tableCells".into(), Value::Array(cells));
            with_indices(r, row_start, pos)
        })
        .collect();
    let mut out = t.extra.clone();
    out.insert("tableRows".into(), Value::Array(rows));
    Value::Object(out)
}

fn paragraph_to_json(p: &Paragraph, start: usize) -> Value {
    let mut out = p.extra.clone();
    let mut pos = start;
    let elements: Vec<Value> = p
        .elements
        .iter()
        .map(|el| {
            let len = index::inline_len(el);
            let mut m = Map::new();
            match el {
                Inline::Text {
                    content,
                    style,
                    extra,
                } => {
                    let mut run = extra.clone();
                    run.insert("content".into(), json!(content));
                    run.insert("textStyle".into(), Value::Object(style.clone()));
                    m.insert("textRun".into(), Value::Object(run));
                }
                Inline::Object { kind, body } => {
                    m.insert(kind.clone(), Value::Object(body.clone()));
                }
            }
            let v = with_indices(m, pos, pos + len);
            pos += len;
            v
        })
        .collect();
    out.insert("elements".into(), Value::Array(elements));
    out.insert("paragraphStyle".into(), Value::Object(p.style.clone()));
    if let Some(b) = &p.bullet {
        out.insert("bullet".into(), Value::Object(b.clone()));
    }
    Value::Object(out)
}

/// The properties Google gives the only tab of a document that never had more.
pub fn default_tab_properties() -> Map<String, Value> {
    match json!({ "tabId": "t.0", "title": "Tab 1", "index": 0 }) {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
