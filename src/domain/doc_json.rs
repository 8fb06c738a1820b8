//! Reading the Docs v1 `documents.get` JSON into the daemon's [`Doc`] model.
//!
//! Why hand-written over `serde_json::Value` instead of deserialising into typed structs: the
//! document JSON is large and mostly irrelevant to us (styles, headers, inline objects), Google
//! adds fields over time, and hand-edited or truncated documents must still be readable. The
//! reader therefore takes what it understands and skips the rest; it fails only when the shape
//! makes the result untrustworthy (no body at all, or an index that is not a number), because
//! every write the daemon plans is index arithmetic on what was read here.
//!
//! Both response forms are handled: the tabs form (`includeTabsContent=true`, content under
//! `tabs[].documentTab`, possibly nested in `childTabs`) and the legacy form (the first tab's
//! content in top-level `body`, `lists`, `namedRanges`).
//!
//! Which tab is read (issue 9 §5): people add and reorder tabs, and "first" moves with them
//! (Google's "Work with tabs" guide: the legacy fields and requests without `tabId` mean the
//! first tab). Named ranges and indices belong to one tab, so the daemon must stay on the tab
//! its sections are in. In order: the tab the store recorded for this doc, if it still exists;
//! else the first tab (depth-first) carrying a `oneonone:` named range — sections the daemon
//! wrote; else the first tab with a body (a new doc, or a doc adopted before any section).

use chrono::{DateTime, NaiveDate};
use serde_json::{Map, Value};

use std::collections::BTreeSet;

use super::doc::{Bullet, Doc, Inline, NamedRange, Paragraph, ParagraphKind};
use super::sections::RANGE_PREFIX;

/// Why a `documents.get` response could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocError {
    #[error(
        "document JSON must be an object, got {found}; pass the `documents.get` response body"
    )]
    NotAnObject { found: &'static str },
    #[error(
        "document {document_id:?} has no body: neither `tabs[].documentTab.body` nor `body` is \
         present; read it with `documents.get` (includeTabsContent=true, no fields mask)"
    )]
    NoBody { document_id: String },
    #[error(
        "document {document_id:?}: `{at}` must be a non-negative integer below 2^32, got {found}"
    )]
    BadIndex {
        document_id: String,
        at: String,
        found: String,
    },
}

impl Doc {
    /// Reads a `documents.get` response (either form, see the module docs), with no tab
    /// recorded for it.
    pub fn from_json(v: &Value) -> Result<Doc, DocError> {
        Doc::from_json_in(v, None)
    }

    /// Reads a `documents.get` response, preferring tab `recorded` (the tab the daemon's
    /// sections were last written to) when the document still has it.
    pub fn from_json_in(v: &Value, recorded: Option<&str>) -> Result<Doc, DocError> {
        let root = v.as_object().ok_or(DocError::NotAnObject {
            found: json_type(v),
        })?;
        let document_id = str_field(root, "documentId").unwrap_or_default();
        let part = select_part(root, recorded).ok_or_else(|| DocError::NoBody {
            document_id: document_id.clone(),
        })?;
        let mut reader = Reader {
            document_id: document_id.clone(),
            lists: part.lists,
            paragraphs: Vec::new(),
        };
        let content = part.body.get("content");
        reader.content(content, &format!("{}.content", part.path), false)?;
        let end_index = reader.body_end(content, &format!("{}.content", part.path))?;
        let named_ranges = reader.named_ranges(part.named_ranges, &part.path)?;
        let mut paragraphs = reader.paragraphs;
        keep_checklists_of_daemon_sections(&mut paragraphs, &named_ranges);
        Ok(Doc {
            document_id,
            title: str_field(root, "title").unwrap_or_default(),
            tab_id: part.tab_id,
            revision_id: str_field(root, "revisionId"),
            paragraphs,
            named_ranges,
            end_index,
        })
    }
}

/// The part of the response that holds the chosen tab's content.
struct Part<'a> {
    body: &'a Map<String, Value>,
    lists: Option<&'a Map<String, Value>>,
    named_ranges: Option<&'a Map<String, Value>>,
    /// `tabProperties.tabId`; `None` in the legacy form.
    tab_id: Option<String>,
    /// JSON path of the container, for error messages.
    path: String,
}

fn select_part<'a>(root: &'a Map<String, Value>, recorded: Option<&str>) -> Option<Part<'a>> {
    if let Some(tabs) = root.get("tabs").and_then(Value::as_array) {
        let mut parts = Vec::new();
        tab_parts(tabs, "tabs", &mut parts);
        let recorded =
            recorded.and_then(|id| parts.iter().position(|p| p.tab_id.as_deref() == Some(id)));
        let with_sections = || parts.iter().position(has_daemon_range);
        if let Some(i) = recorded
            .or_else(with_sections)
            .or((!parts.is_empty()).then_some(0))
        {
            return Some(parts.swap_remove(i));
        }
    }
    let body = root.get("body")?.as_object()?;
    Some(Part {
        body,
        lists: root.get("lists").and_then(Value::as_object),
        named_ranges: root.get("namedRanges").and_then(Value::as_object),
        tab_id: None,
        path: "body".to_string(),
    })
}

/// Whether the tab carries a named range the daemon created (`oneonone:<occurrence key>`).
fn has_daemon_range(part: &Part<'_>) -> bool {
    part.named_ranges
        .is_some_and(|m| m.keys().any(|name| name.starts_with(RANGE_PREFIX)))
}

/// Every tab with a body, depth-first (a parent before its `childTabs`), as Google orders them.
fn tab_parts<'a>(tabs: &'a [Value], path: &str, out: &mut Vec<Part<'a>>) {
    for (i, tab) in tabs.iter().enumerate() {
        let Some(tab) = tab.as_object() else { continue };
        if let Some(dt) = tab.get("documentTab").and_then(Value::as_object) {
            if let Some(body) = dt.get("body").and_then(Value::as_object) {
                out.push(Part {
                    body,
                    lists: dt.get("lists").and_then(Value::as_object),
                    named_ranges: dt.get("namedRanges").and_then(Value::as_object),
                    tab_id: tab
                        .get("tabProperties")
                        .and_then(|p| p.get("tabId"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    path: format!("{path}[{i}].documentTab.body"),
                });
            }
        }
        if let Some(children) = tab.get("childTabs").and_then(Value::as_array) {
            tab_parts(children, &format!("{path}[{i}].childTabs"), out);
        }
    }
}

struct Reader<'a> {
    document_id: String,
    lists: Option<&'a Map<String, Value>>,
    paragraphs: Vec<Paragraph>,
}

impl Reader<'_> {
    /// Walks a list of structural elements (a body, a table cell, a table of contents).
    fn content(
        &mut self,
        content: Option<&Value>,
        at: &str,
        in_table: bool,
    ) -> Result<(), DocError> {
        let Some(items) = content.and_then(Value::as_array) else {
            return Ok(());
        };
        for (i, item) in items.iter().enumerate() {
            let Some(item) = item.as_object() else {
                continue;
            };
            let at = format!("{at}[{i}]");
            if let Some(p) = item.get("paragraph").and_then(Value::as_object) {
                let para = self.paragraph(item, p, &at, in_table)?;
                self.paragraphs.push(para);
            } else if let Some(table) = item.get("table").and_then(Value::as_object) {
                self.table(table, &format!("{at}.table"))?;
            } else if let Some(toc) = item.get("tableOfContents").and_then(Value::as_object) {
                let toc_at = format!("{at}.tableOfContents.content");
                self.content(toc.get("content"), &toc_at, in_table)?;
            }
            // sectionBreak and anything newer occupy indices but hold no paragraphs.
        }
        Ok(())
    }

    fn table(&mut self, table: &Map<String, Value>, at: &str) -> Result<(), DocError> {
        let rows = table.get("tableRows").and_then(Value::as_array);
        for (r, row) in rows.into_iter().flatten().enumerate() {
            let cells = row.get("tableCells").and_then(Value::as_array);
            for (c, cell) in cells.into_iter().flatten().enumerate() {
                let cell_at = format!("{at}.tableRows[{r}].tableCells[{c}].content");
                self.content(cell.get("content"), &cell_at, true)?;
            }
        }
        Ok(())
    }

    fn paragraph(
        &self,
        item: &Map<String, Value>,
        p: &Map<String, Value>,
        at: &str,
        in_table: bool,
    ) -> Result<Paragraph, DocError> {
        let style = p.get("paragraphStyle").and_then(Value::as_object);
        let kind = style
            .and_then(|s| s.get("namedStyleType"))
            .and_then(Value::as_str)
            .map_or(ParagraphKind::Normal, paragraph_kind);
        let heading_id = style.and_then(|s| str_field(s, "headingId"));
        let bullet = p
            .get("bullet")
            .and_then(Value::as_object)
            .map(|b| self.bullet(b, &format!("{at}.paragraph.bullet")))
            .transpose()?;
        let mut elements = Vec::new();
        let els = p.get("elements").and_then(Value::as_array);
        for (i, el) in els.into_iter().flatten().enumerate() {
            if let Some(el) = el.as_object() {
                elements.push(self.inline(el, &format!("{at}.paragraph.elements[{i}]"))?);
            }
        }
        Ok(Paragraph {
            start: self.index(item, "startIndex", at)?,
            end: self.index(item, "endIndex", at)?,
            kind,
            heading_id,
            bullet,
            in_table,
            elements,
        })
    }

    fn bullet(&self, b: &Map<String, Value>, at: &str) -> Result<Bullet, DocError> {
        let list_id = str_field(b, "listId").unwrap_or_default();
        let nesting_level = self.index(b, "nestingLevel", at)?;
        let checkbox = self.is_checklist_level(&list_id, nesting_level);
        Ok(Bullet {
            list_id,
            nesting_level,
            checkbox,
        })
    }

    /// Whether the nesting level has the shape a checklist (`BULLET_CHECKBOX`) reads back with:
    /// glyph type unspecified and no glyph symbol (googleapis/google-api-nodejs-client#2870;
    /// google-api-notes.md, "Checklists"). An absent `glyphType` counts as unspecified: it is the
    /// proto3 default that JSON may omit.
    ///
    /// The shape alone does not prove a checklist (see [`keep_checklists_of_daemon_sections`]).
    fn is_checklist_level(&self, list_id: &str, level: u32) -> bool {
        let Some(nesting) = self
            .lists
            .and_then(|l| l.get(list_id))
            .and_then(|l| l.get("listProperties"))
            .and_then(|p| p.get("nestingLevels"))
            .and_then(Value::as_array)
            .and_then(|levels| levels.get(usize::try_from(level).ok()?))
            .and_then(Value::as_object)
        else {
            return false;
        };
        let glyph_type = nesting.get("glyphType").and_then(Value::as_str);
        let unspecified = matches!(glyph_type, None | Some("GLYPH_TYPE_UNSPECIFIED"));
        let symbol = nesting
            .get("glyphSymbol")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        unspecified && !symbol
    }

    fn inline(&self, el: &Map<String, Value>, at: &str) -> Result<Inline, DocError> {
        let start = self.index(el, "startIndex", at)?;
        let end = self.index(el, "endIndex", at)?;
        if let Some(run) = el.get("textRun").and_then(Value::as_object) {
            let strikethrough = run
                .get("textStyle")
                .and_then(|s| s.get("strikethrough"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let suggested = run
                .get("suggestedInsertionIds")
                .and_then(Value::as_array)
                .is_some_and(|ids| !ids.is_empty());
            return Ok(Inline::Text {
                start,
                end,
                text: str_field(run, "content").unwrap_or_default(),
                strikethrough,
                suggested,
            });
        }
        if let Some(props) = el.get("person").and_then(|p| p.get("personProperties")) {
            if let Some(email) = props.get("email").and_then(Value::as_str) {
                return Ok(Inline::Person {
                    start,
                    end,
                    email: email.to_string(),
                    name: props
                        .get("name")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                });
            }
        }
        if let Some(date) = el.get("dateElement").and_then(Value::as_object) {
            let props = date.get("dateElementProperties").and_then(Value::as_object);
            return Ok(Inline::Date {
                start,
                end,
                date: props.and_then(chip_date),
                display: props.and_then(|p| str_field(p, "displayText")),
            });
        }
        if let Some(link) = el.get("richLink").and_then(Value::as_object) {
            let props = link.get("richLinkProperties").and_then(Value::as_object);
            return Ok(Inline::RichLink {
                start,
                end,
                title: props.and_then(|p| str_field(p, "title")),
                uri: props.and_then(|p| str_field(p, "uri")),
            });
        }
        Ok(Inline::Other { start, end })
    }

    /// The index just past the body: the largest `endIndex` of its top-level elements.
    fn body_end(&self, content: Option<&Value>, at: &str) -> Result<u32, DocError> {
        let mut end = 0;
        let items = content.and_then(Value::as_array);
        for (i, item) in items.into_iter().flatten().enumerate() {
            if let Some(item) = item.as_object() {
                end = end.max(self.index(item, "endIndex", &format!("{at}[{i}]"))?);
            }
        }
        Ok(end)
    }

    /// Flattens the `namedRanges` map (name → {namedRanges: [{namedRangeId, ranges}]}): one
    /// [`NamedRange`] per id. Ranges in headers, footers or footnotes (a `segmentId`) are not
    /// body ranges and are dropped.
    fn named_ranges(
        &self,
        map: Option<&Map<String, Value>>,
        at: &str,
    ) -> Result<Vec<NamedRange>, DocError> {
        let mut out = Vec::new();
        for (key, group) in map.into_iter().flatten() {
            let list = group.get("namedRanges").and_then(Value::as_array);
            for (i, nr) in list.into_iter().flatten().enumerate() {
                let Some(nr) = nr.as_object() else { continue };
                let mut ranges = Vec::new();
                let rs = nr.get("ranges").and_then(Value::as_array);
                for (j, r) in rs.into_iter().flatten().enumerate() {
                    let Some(r) = r.as_object() else { continue };
                    if str_field(r, "segmentId").is_some_and(|s| !s.is_empty()) {
                        continue;
                    }
                    let r_at = format!("{at}.namedRanges[{key:?}].namedRanges[{i}].ranges[{j}]");
                    ranges.push((
                        self.index(r, "startIndex", &r_at)?,
                        self.index(r, "endIndex", &r_at)?,
                    ));
                }
                out.push(NamedRange {
                    name: str_field(nr, "name").unwrap_or_else(|| key.clone()),
                    id: str_field(nr, "namedRangeId").unwrap_or_default(),
                    ranges,
                });
            }
        }
        Ok(out)
    }

    /// Reads an index field. Absent means 0: the API omits proto3 defaults (the body's first
    /// element has no `startIndex`).
    fn index(&self, obj: &Map<String, Value>, key: &str, at: &str) -> Result<u32, DocError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(0),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| DocError::BadIndex {
                    document_id: self.document_id.clone(),
                    at: format!("{at}.{key}"),
                    found: truncate(&v.to_string(), 40),
                }),
        }
    }
}

/// Clears `checkbox` on every list that has no paragraph in a section the daemon wrote.
///
/// Why: the checklist shape is not unique to checklists. The captured live document
/// `extrasuite-support-agent-unspecified-glyph-lists.json` (fixtures SOURCES.md) has 33 ordinary
/// outline lists — headings with sub-points, nothing to tick — whose nine nesting levels are
/// all `GLYPH_TYPE_UNSPECIFIED` with no `glyphSymbol` and no `glyphFormat`, and
/// `encoda-test-fixture-1-nested-lists.json` has one more. Every other list in the captured
/// documents (about 90, bulleted and numbered) has a `glyphSymbol` or a `glyphType` plus a
/// `glyphFormat`, so the remaining shape cannot be told apart from a real checklist, and the
/// API exposes nothing else about checkboxes (not even the tick). Read as checklists, every
/// bullet of such a list in an adopted doc would become an action item.
///
/// What is provable from the document is where a list lives. The daemon creates its
/// checklists (`createParagraphBullets` `BULLET_CHECKBOX`, planned in `domain::edit`) only
/// inside the sections it writes, and each of those starts at a heading carrying a named range
/// `oneonone:<occurrence key>`, running to the next HEADING_1/HEADING_2 outside tables (the
/// span `domain::sections` uses). So a list keeps `checkbox` only when one of its paragraphs is
/// in such a section: the daemon's own checklists, and one a person typed into the daemon's
/// section (which people continue there when they add an item). Everywhere else bullets are
/// plain bullets, and become items only if they read as items (under an action-items heading,
/// or with an action prefix such as "AI:"/"TODO").
fn keep_checklists_of_daemon_sections(paragraphs: &mut [Paragraph], named_ranges: &[NamedRange]) {
    let daemon_lists = lists_in_daemon_sections(paragraphs, named_ranges);
    for bullet in paragraphs.iter_mut().filter_map(|p| p.bullet.as_mut()) {
        if bullet.checkbox && !daemon_lists.contains(&bullet.list_id) {
            bullet.checkbox = false;
        }
    }
}

/// The ids of the lists with at least one paragraph in a section the daemon wrote.
fn lists_in_daemon_sections(
    paragraphs: &[Paragraph],
    named_ranges: &[NamedRange],
) -> BTreeSet<String> {
    let mut lists = BTreeSet::new();
    for nr in named_ranges
        .iter()
        .filter(|n| n.name.starts_with(RANGE_PREFIX))
    {
        let Some(start) = nr.ranges.iter().map(|&(s, _)| s).min() else {
            continue;
        };
        let Some(heading) = paragraphs
            .iter()
            .position(|p| p.start <= start && start < p.end)
        else {
            continue;
        };
        let section = paragraphs[heading..]
            .iter()
            .enumerate()
            .take_while(|(i, p)| {
                *i == 0
                    || p.in_table
                    || !matches!(
                        p.kind,
                        ParagraphKind::Heading(1) | ParagraphKind::Heading(2)
                    )
            });
        for (_, p) in section {
            if let Some(b) = &p.bullet {
                lists.insert(b.list_id.clone());
            }
        }
    }
    lists
}

/// The calendar date a date chip shows. `timestamp` (RFC 3339) is read in the chip's
/// `timeZoneId` when that is a known IANA zone, else in UTC (the zone Google renders
/// `displayText` in when none is set).
fn chip_date(props: &Map<String, Value>) -> Option<NaiveDate> {
    let ts = props.get("timestamp").and_then(Value::as_str)?;
    let instant = DateTime::parse_from_rfc3339(ts).ok()?;
    let zone = props
        .get("timeZoneId")
        .and_then(Value::as_str)
        .and_then(|z| z.parse::<chrono_tz::Tz>().ok());
    Some(match zone {
        Some(tz) => instant.with_timezone(&tz).date_naive(),
        None => instant.naive_utc().date(),
    })
}

fn paragraph_kind(named_style: &str) -> ParagraphKind {
    match named_style {
        "TITLE" => ParagraphKind::Title,
        "SUBTITLE" => ParagraphKind::Subtitle,
        "HEADING_1" => ParagraphKind::Heading(1),
        "HEADING_2" => ParagraphKind::Heading(2),
        "HEADING_3" => ParagraphKind::Heading(3),
        "HEADING_4" => ParagraphKind::Heading(4),
        "HEADING_5" => ParagraphKind::Heading(5),
        "HEADING_6" => ParagraphKind::Heading(6),
        _ => ParagraphKind::Normal,
    }
}

fn str_field(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_string)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests;
