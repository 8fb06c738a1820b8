//! Reading request fields: locations, ranges, the tab and segment they address, and the
//! bookkeeping every edit shares (named ranges follow the text).

use crate::docs::index::segment_end;
use crate::docs::model::{Document, DocumentTab, Segment};
use serde_json::Value;

/// One segment of one tab that a request addresses.
pub struct Target<'d> {
    pub tab: &'d mut DocumentTab,
    /// "" for the body.
    pub segment_id: String,
}

impl Target<'_> {
    pub fn segment(&mut self) -> &mut Segment {
        segment_of(self.tab, &self.segment_id)
    }

    pub fn end(&mut self) -> usize {
        segment_end(self.segment())
    }

    pub fn is_body(&self) -> bool {
        self.segment_id.is_empty()
    }

    /// Named ranges in this segment move right when text is inserted before them and grow
    /// when it is inserted strictly inside them.
    pub fn shift_insert(&mut self, idx: usize, len: usize) {
        for nr in &mut self.tab.named_ranges {
            for r in nr
                .ranges
                .iter_mut()
                .filter(|r| r.segment_id == self.segment_id)
            {
                if r.start >= idx {
                    r.start += len;
                }
                if r.end > idx {
                    r.end += len;
                }
            }
        }
    }

    /// Named ranges shrink with deleted text; a range whose content is all deleted
    /// disappears, and a named range left without ranges goes with it.
    pub fn shift_delete(&mut self, s: usize, e: usize) {
        let map = |x: usize| {
            if x <= s {
                x
            } else if x >= e {
                x - (e - s)
            } else {
                s
            }
        };
        for nr in &mut self.tab.named_ranges {
            for r in nr
                .ranges
                .iter_mut()
                .filter(|r| r.segment_id == self.segment_id)
            {
                r.start = map(r.start);
                r.end = map(r.end);
            }
            nr.ranges.retain(|r| r.start < r.end);
        }
        self.tab.named_ranges.retain(|nr| !nr.ranges.is_empty());
    }
}

/// The segment `id` of `tab` ("" = body). Callers check existence first with `has_segment`.
fn segment_of<'t>(tab: &'t mut DocumentTab, id: &str) -> &'t mut Segment {
    if id.is_empty() {
        return &mut tab.body;
    }
    if tab.headers.contains_key(id) {
        return tab.headers.entry(id.to_string()).or_default();
    }
    if tab.footers.contains_key(id) {
        return tab.footers.entry(id.to_string()).or_default();
    }
    tab.footnotes.entry(id.to_string()).or_default()
}

fn has_segment(tab: &DocumentTab, id: &str) -> bool {
    id.is_empty()
        || tab.headers.contains_key(id)
        || tab.footers.contains_key(id)
        || tab.footnotes.contains_key(id)
}

/// The tab (`tabId`, default the first) and segment (`segmentId`, default the body) that a
/// location or range object names.
pub fn resolve<'d>(doc: &'d mut Document, spec: &Value) -> Result<Target<'d>, String> {
    let segment_id = spec
        .get("segmentId")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let tab = match spec.get("tabId").and_then(Value::as_str) {
        Some(id) => doc
            .tab_mut(id)
            .ok_or_else(|| format!("The tab with ID {id} was not found."))?,
        None => doc.tabs.first_mut().ok_or("The document has no tabs.")?,
    };
    let tab = tab
        .content
        .as_mut()
        .ok_or("The tab has no document content.")?;
    if !has_segment(tab, &segment_id) {
        return Err(format!("The segment with ID {segment_id} was not found."));
    }
    Ok(Target { tab, segment_id })
}

/// A non-negative integer field (`index`, `startIndex`, `endIndex`).
pub fn index_field(v: &Value, name: &str) -> Result<usize, String> {
    let raw = v.get(name).ok_or_else(|| format!("{name} must be set."))?;
    let n = raw
        .as_i64()
        .ok_or_else(|| format!("{name} must be an integer, got {raw}."))?;
    usize::try_from(n).map_err(|_| format!("Index {n} must not be negative."))
}

/// Where an insertion goes: `location` (checked against the segment) or
/// `endOfSegmentLocation` (just before the segment's final newline).
pub fn insertion_point<'d>(
    doc: &'d mut Document,
    req: &Value,
) -> Result<(Target<'d>, usize), String> {
    match (req.get("location"), req.get("endOfSegmentLocation")) {
        (Some(loc), None) => {
            let idx = index_field(loc, "index")?;
            let mut target = resolve(doc, loc)?;
            let end = target.end();
            if idx >= end {
                return Err(format!(
                    "Index {idx} must be less than the end index of the referenced segment, {end}."
                ));
            }
            Ok((target, idx))
        }
        (None, Some(eos)) => {
            let mut target = resolve(doc, eos)?;
            let idx = target.end().saturating_sub(1);
            Ok((target, idx))
        }
        (Some(_), Some(_)) => {
            Err("Only one of location or endOfSegmentLocation may be set.".into())
        }
        (None, None) => Err("Either location or endOfSegmentLocation must be set.".into()),
    }
}

/// A `range` field: non-empty, inside the segment, and never touching the body's leading
/// section break.
pub fn range<'d>(doc: &'d mut Document, req: &Value) -> Result<(Target<'d>, usize, usize), String> {
    let r = req.get("range").ok_or("range must be set.")?;
    let s = index_field(r, "startIndex")?;
    let e = index_field(r, "endIndex")?;
    let mut target = resolve(doc, r)?;
    let end = target.end();
    if s > e {
        return Err(format!(
            "The start index {s} must not be greater than the end index {e}."
        ));
    }
    if s == e {
        return Err("The range should not be empty.".into());
    }
    if e > end {
        return Err(format!(
            "Index {e} must be less than or equal to the end index of the referenced segment, {end}."
        ));
    }
    if target.is_body() && s < 1 {
        return Err("Index 0 is the body's leading section break and cannot be in a range.".into());
    }
    Ok((target, s, e))
}
