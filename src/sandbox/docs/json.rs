//! The model as Google's `documents.get` JSON, and back.
//!
//! Serialising computes every index from the content. Parsing ignores the indices it is
//! given, which is how imported captures get indices the sandbox can vouch for.

use super::index;
use super::model::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Keys of a legacy (tab-less) document that belong to its first tab's content.
const DOC_LEVEL_KEYS: [&str; 5] = [
    "documentId",
    "title",
    "revisionId",
    "suggestionsViewMode",
    "tabs",
];

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

// ---------------------------------------------------------------------------------------
// Parsing (import)

/// Parses a `documents.get` JSON (legacy or tabs form). Indices in the input are ignored.
pub fn document_from_json(v: &Value) -> Result<Document, String> {
    let obj = v.as_object().ok_or("the document must be a JSON object")?;
    let id = obj
        .get("documentId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or("the document has no documentId")?
        .to_string();
    let title = str_field(obj, "title");
    let revision_id = obj
        .get("revisionId")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("imported-{id}"));
    let suggestions_view_mode = obj
        .get("suggestionsViewMode")
        .and_then(Value::as_str)
        .unwrap_or("SUGGESTIONS_INLINE")
        .to_string();
    let tabs = match obj.get("tabs").and_then(Value::as_array) {
        Some(tabs) if !tabs.is_empty() => tabs
            .iter()
            .enumerate()
            .map(|(i, t)| tab_from_json(t).map_err(|e| format!("tabs[{i}]: {e}")))
            .collect::<Result<Vec<_>, _>>()?,
        _ => {
            let rest: Map<String, Value> = obj
                .iter()
                .filter(|(k, _)| !DOC_LEVEL_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            vec![Tab {
                properties: default_tab_properties(),
                content: Some(document_tab_from_json(&rest)?),
                children: Vec::new(),
            }]
        }
    };
    Ok(Document {
        id,
        title,
        revision_id,
        revision_seq: 0,
        suggestions_view_mode,
        tabs,
    })
}

/// The properties Google gives the only tab of a document that never had more.
pub fn default_tab_properties() -> Map<String, Value> {
    match json!({ "tabId": "t.0", "title": "Tab 1", "index": 0 }) {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn str_field(obj: &Map<String, Value>, key: &str) -> String {
    obj.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn as_map(v: Option<&Value>) -> Map<String, Value> {
    v.and_then(Value::as_object).cloned().unwrap_or_default()
}

fn tab_from_json(v: &Value) -> Result<Tab, String> {
    let obj = v.as_object().ok_or("a tab must be an object")?;
    let content = match obj.get("documentTab").and_then(Value::as_object) {
        Some(dt) => Some(document_tab_from_json(dt)?),
        None => None,
    };
    let children = obj
        .get("childTabs")
        .and_then(Value::as_array)
        .map(|c| c.iter().map(tab_from_json).collect::<Result<Vec<_>, _>>())
        .transpose()?
        .unwrap_or_default();
    Ok(Tab {
        properties: as_map(obj.get("tabProperties")),
        content,
        children,
    })
}

fn document_tab_from_json(obj: &Map<String, Value>) -> Result<DocumentTab, String> {
    let mut tab = DocumentTab::default();
    for (k, v) in obj {
        match k.as_str() {
            "body" => {
                tab.body = Segment {
                    content: content_from_json(v.get("content"))
                        .map_err(|e| format!("body.{e}"))?,
                    extra: Map::new(),
                }
            }
            "headers" => tab.headers = segments_from_json(v, "headerId")?,
            "footers" => tab.footers = segments_from_json(v, "footerId")?,
            "footnotes" => tab.footnotes = segments_from_json(v, "footnoteId")?,
            "lists" => {
                for (id, l) in as_map(Some(v)) {
                    let json = l.as_object().cloned().unwrap_or_default();
                    tab.lists.insert(id, List { json, preset: None });
                }
            }
            "namedRanges" => tab.named_ranges = named_ranges_from_json(v),
            _ => {
                tab.extra.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(tab)
}

fn segments_from_json(v: &Value, id_key: &str) -> Result<BTreeMap<String, Segment>, String> {
    let mut out = BTreeMap::new();
    for (id, seg) in as_map(Some(v)) {
        let mut extra = seg.as_object().cloned().unwrap_or_default();
        let content = content_from_json(extra.get("content")).map_err(|e| format!("{id}.{e}"))?;
        extra.remove("content");
        extra.remove(id_key);
        out.insert(id, Segment { content, extra });
    }
    Ok(out)
}

fn named_ranges_from_json(v: &Value) -> Vec<NamedRange> {
    let mut out = Vec::new();
    for (name, group) in as_map(Some(v)) {
        for nr in group
            .get("namedRanges")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ranges = nr
                .get("ranges")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|r| RangeRef {
                    segment_id: r
                        .get("segmentId")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .into(),
                    start: r.get("startIndex").and_then(Value::as_u64).unwrap_or(0) as usize,
                    end: r.get("endIndex").and_then(Value::as_u64).unwrap_or(0) as usize,
                })
                .collect();
            out.push(NamedRange {
                id: nr
                    .get("namedRangeId")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .into(),
                name: nr
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(&name)
                    .into(),
                ranges,
            });
        }
    }
    out
}

fn content_from_json(v: Option<&Value>) -> Result<Vec<Block>, String> {
    let Some(items) = v.and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, el)| block_from_json(el).map_err(|e| format!("content[{i}]: {e}")))
        .collect()
}

fn block_from_json(v: &Value) -> Result<Block, String> {
    if let Some(p) = v.get("paragraph") {
        return paragraph_from_json(p).map(Block::Paragraph);
    }
    if let Some(t) = v.get("table") {
        let mut extra = as_map(Some(t));
        extra.remove("tableRows");
        let rows = t
            .get("tableRows")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|r| {
                let mut rx = as_map(Some(r));
                strip_indices(&mut rx);
                rx.remove("tableCells");
                let cells = r
                    .get("tableCells")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|c| {
                        let mut cx = as_map(Some(c));
                        strip_indices(&mut cx);
                        cx.remove("content");
                        Ok(Cell {
                            content: content_from_json(c.get("content"))?,
                            extra: cx,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(Row { cells, extra: rx })
            })
            .collect::<Result<Vec<_>, String>>()?;
        return Ok(Block::Table(Table { rows, extra }));
    }
    if let Some(s) = v.get("sectionBreak") {
        return Ok(Block::SectionBreak(as_map(Some(s))));
    }
    if let Some(t) = v.get("tableOfContents") {
        let mut extra = as_map(Some(t));
        extra.remove("content");
        let content = content_from_json(t.get("content"))?;
        return Ok(Block::TableOfContents(TableOfContents { content, extra }));
    }
    Err("a structural element must hold a paragraph, table, sectionBreak or tableOfContents".into())
}

fn strip_indices(m: &mut Map<String, Value>) {
    m.remove("startIndex");
    m.remove("endIndex");
}

fn paragraph_from_json(v: &Value) -> Result<Paragraph, String> {
    let mut extra = as_map(Some(v));
    let style = as_map(extra.remove("paragraphStyle").as_ref());
    let bullet = extra.remove("bullet").and_then(|b| b.as_object().cloned());
    let elements = extra
        .remove("elements")
        .and_then(|e| e.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(inline_from_json)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Paragraph {
        elements,
        style,
        bullet,
        extra,
    })
}

fn inline_from_json(v: &Value) -> Result<Inline, String> {
    let mut m = as_map(Some(v));
    strip_indices(&mut m);
    let (kind, body) = m
        .into_iter()
        .next()
        .ok_or("a paragraph element has no content")?;
    let mut body = body.as_object().cloned().unwrap_or_default();
    if kind == "textRun" {
        let content = body
            .remove("content")
            .and_then(|c| c.as_str().map(str::to_string));
        let style = as_map(body.remove("textStyle").as_ref());
        return Ok(Inline::Text {
            content: content.unwrap_or_default(),
            style,
            extra: body,
        });
    }
    Ok(Inline::Object { kind, body })
}
