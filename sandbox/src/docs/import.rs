//! Importing a captured `documents.get` JSON into the sandbox.
//!
//! The capture keeps its ids, content, lists and named ranges; every index is recomputed
//! from the content (the capture's own indices are ignored), so a capture whose indices do
//! not add up cannot smuggle inconsistent state into tests.

use super::json::default_tab_properties;
use super::model::*;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Keys of a legacy (tab-less) document that are not its first tab's content.
const DOC_LEVEL_KEYS: [&str; 5] = [
    "documentId",
    "title",
    "revisionId",
    "suggestionsViewMode",
    "tabs",
];

/// Parses `doc` (legacy or tabs form) into the sandbox's model.
pub fn import_document(doc: &Value) -> Result<Document, String> {
    let parsed = document_from_json(doc)?;
    if parsed.tabs.iter().all(|t| t.content.is_none()) {
        return Err("the document has no tab with content to import".into());
    }
    Ok(parsed)
}

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
        ticked: false,
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
