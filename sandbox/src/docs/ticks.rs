//! A person ticking a checklist box: the state Google keeps but no API shows.
//!
//! Google's Docs API has no field for it: a checklist item reads back as a bullet whose glyph
//! is `GLYPH_TYPE_UNSPECIFIED`, "no differentiator between the list items that are checked vs
//! the ones not checked" (googleapis/google-api-nodejs-client#2870, still so in 2026:
//! taylorwilsdon/google_workspace_mcp#528, where a user reports clicks are not read back).
//! Only the editor shows it (its clipboard HTML carries `aria-checked`,
//! Mr0grog/google-docs-to-markdown#57) — the sandbox's stand-in for the editor is the
//! `/_sandbox/documents/{id}/ticks` control. For Drive's `files.export` there is no evidence
//! either way, and the sandbox does not implement it.
//!
//! A click is an edit: it gives the document a new `revisionId`. Only a checklist item has a
//! box; the tick follows the paragraph's newline through edits and goes when the paragraph
//! leaves its list (`deleteParagraphBullets`).

use super::model::{Block, DocumentTab, Paragraph, Tab};
use super::{DocsError, DocsState};
use serde_json::Value;

/// Which paragraph of a tab's body a person clicks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The first paragraph whose text (text runs, chips left out, leading whitespace ignored)
    /// starts with this (leading whitespace ignored too).
    Text(String),
    /// The paragraph's position among the body's paragraphs (0-based, document order,
    /// paragraphs inside tables included).
    Index(usize),
}

/// One ticked checklist item as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TickedItem {
    #[serde(rename = "tabId")]
    pub tab_id: String,
    pub paragraph: usize,
    pub text: String,
}

/// The text a person reads in a paragraph (text runs only).
fn text_of(p: &Paragraph) -> String {
    p.elements
        .iter()
        .filter_map(|e| match e {
            super::model::Inline::Text { content, .. } => Some(content.as_str()),
            super::model::Inline::Object { .. } => None,
        })
        .collect()
}

fn collect<'a>(blocks: &'a mut [Block], out: &mut Vec<&'a mut Paragraph>) {
    for b in blocks {
        match b {
            Block::Paragraph(p) => out.push(p),
            Block::Table(t) => {
                for row in &mut t.rows {
                    for cell in &mut row.cells {
                        collect(&mut cell.content, out);
                    }
                }
            }
            Block::SectionBreak(_) | Block::TableOfContents(_) => {}
        }
    }
}

/// Whether `p` is a checklist item of `tab`: in a list whose level has no glyph symbol and
/// `glyphType` `GLYPH_TYPE_UNSPECIFIED` (how checklists read back), or made with
/// `BULLET_CHECKBOX`.
fn is_checklist_item(tab: &DocumentTab, p: &Paragraph) -> bool {
    let Some(bullet) = &p.bullet else {
        return false;
    };
    let Some(list) = bullet
        .get("listId")
        .and_then(Value::as_str)
        .and_then(|id| tab.lists.get(id))
    else {
        return false;
    };
    if list.preset.as_deref() == Some("BULLET_CHECKBOX") {
        return true;
    }
    let level = bullet
        .get("nestingLevel")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let level = list
        .json
        .get("listProperties")
        .and_then(|p| p.get("nestingLevels"))
        .and_then(Value::as_array)
        .and_then(|levels| usize::try_from(level).ok().and_then(|l| levels.get(l)));
    level.is_some_and(|l| {
        l.get("glyphSymbol").is_none()
            && l.get("glyphType").and_then(Value::as_str) == Some("GLYPH_TYPE_UNSPECIFIED")
    })
}

fn find_tab<'t>(tabs: &'t mut [Tab], tab_id: Option<&str>) -> Option<&'t mut Tab> {
    match tab_id {
        None => tabs.first_mut(),
        Some(id) => {
            for tab in tabs {
                if tab.id() == id {
                    return Some(tab);
                }
                if let Some(found) = find_tab(&mut tab.children, Some(id)) {
                    return Some(found);
                }
            }
            None
        }
    }
}

impl DocsState {
    /// Sets the tick of a checklist item in tab `tab_id` (default the first) to `ticked`, as
    /// a person's click does, and returns the item and the document's new revision id.
    pub fn tick(
        &mut self,
        id: &str,
        tab_id: Option<&str>,
        which: &Which,
        ticked: bool,
    ) -> Result<(TickedItem, String), DocsError> {
        let doc = self.docs.get_mut(id).ok_or(DocsError::NotFound)?;
        let tab = find_tab(&mut doc.tabs, tab_id).ok_or_else(|| {
            DocsError::Invalid(format!(
                "document {id} has no tab {}",
                tab_id.unwrap_or("(first)")
            ))
        })?;
        let found_tab_id = tab.id().to_string();
        let content = tab.content.as_mut().ok_or_else(|| {
            DocsError::Invalid(format!("tab {found_tab_id} of {id} has no content"))
        })?;
        let lists_view = DocumentTab {
            lists: content.lists.clone(),
            ..DocumentTab::default()
        };
        let mut paragraphs = Vec::new();
        collect(&mut content.body.content, &mut paragraphs);
        let index = match which {
            Which::Index(i) => (*i < paragraphs.len()).then_some(*i),
            Which::Text(prefix) => paragraphs
                .iter()
                .position(|p| text_of(p).trim_start().starts_with(prefix.trim_start())),
        }
        .ok_or_else(|| {
            DocsError::Invalid(match which {
                Which::Index(i) => format!(
                    "tab {found_tab_id} of {id} has {} paragraphs, no paragraph {i}",
                    paragraphs.len()
                ),
                Which::Text(t) => {
                    format!("no paragraph of tab {found_tab_id} of {id} starts with {t:?}")
                }
            })
        })?;
        let p = &mut paragraphs[index];
        let text = text_of(p).trim_end_matches('\n').to_string();
        if !is_checklist_item(&lists_view, p) {
            return Err(DocsError::Invalid(format!(
                "paragraph {index} ({text:?}) of {id} is not a checklist item, so it has no box \
                 to tick (make it one with createParagraphBullets BULLET_CHECKBOX)"
            )));
        }
        p.ticked = ticked;
        doc.revision_seq += 1;
        doc.revision_id = self.ids.revision();
        let item = TickedItem {
            tab_id: found_tab_id,
            paragraph: index,
            text,
        };
        Ok((item, doc.revision_id.clone()))
    }

    /// The ticked checklist items of every tab, as the editor shows them.
    pub fn ticked(&self, id: &str) -> Result<Vec<TickedItem>, DocsError> {
        let mut doc = self.docs.get(id).ok_or(DocsError::NotFound)?.clone();
        let mut out = Vec::new();
        doc.visit_tabs_mut::<DocsError>(&mut |tab| {
            let tab_id = tab.id().to_string();
            if let Some(content) = tab.content.as_mut() {
                let mut paragraphs = Vec::new();
                collect(&mut content.body.content, &mut paragraphs);
                for (i, p) in paragraphs.iter().enumerate() {
                    if p.ticked {
                        out.push(TickedItem {
                            tab_id: tab_id.clone(),
                            paragraph: i,
                            text: text_of(p).trim_end_matches('\n').to_string(),
                        });
                    }
                }
            }
            Ok(())
        })?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn checklist_doc() -> (DocsState, String) {
        let mut s = DocsState::default();
        let id = s.create("t");
        let reqs = json!({ "requests": [
            { "insertText": { "text": "a\nb", "location": { "index": 1 } } },
            { "createParagraphBullets": { "range": { "startIndex": 1, "endIndex": 2 }, "bulletPreset": "BULLET_CHECKBOX" } },
        ] });
        s.batch_update(&id, &reqs, &|_| None).expect("applies");
        (s, id)
    }

    /// An imported capture's checklist has no preset: it is recognised by its glyph, as
    /// Google serves checklists (`GLYPH_TYPE_UNSPECIFIED`, no `glyphSymbol`).
    #[test]
    fn a_captured_checklist_is_recognised_by_its_glyph() {
        let (mut s, id) = checklist_doc();
        let doc = s.docs.get_mut(&id).expect("doc");
        let content = doc.tabs[0].content.as_mut().expect("content");
        for list in content.lists.values_mut() {
            list.preset = None;
        }
        let (item, _) = s
            .tick(&id, None, &Which::Text("a".into()), true)
            .expect("a checklist item");
        assert_eq!(item.paragraph, 0);
        let err = s
            .tick(&id, None, &Which::Index(1), true)
            .expect_err("b is not in a list");
        assert!(matches!(err, DocsError::Invalid(m) if m.contains("not a checklist item")));
    }

    #[test]
    fn the_tick_survives_a_saved_state_and_never_reaches_the_json() {
        let (mut s, id) = checklist_doc();
        let before = s.get_json(&id, true).expect("json");
        s.tick(&id, Some("t.0"), &Which::Index(0), true)
            .expect("ticks");
        let mut after = s.get_json(&id, true).expect("json");
        after["revisionId"] = before["revisionId"].clone();
        assert_eq!(after, before);
        let restored: DocsState =
            serde_json::from_str(&serde_json::to_string(&s).expect("saves")).expect("loads");
        assert_eq!(restored.ticked(&id).expect("ticks").len(), 1);
        assert!(matches!(
            s.tick(&id, Some("t.x"), &Which::Index(0), true),
            Err(DocsError::Invalid(_))
        ));
    }
}
