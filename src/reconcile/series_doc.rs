//! Which doc belongs to a series: exactly one shared Google Doc per 1-1 series.
//!
//! Order of preference: the doc the store remembers; a Google Doc already attached to the
//! series (adopted — people keep the history they have); a doc carrying our Drive marker
//! `oneononeSeries=<series key>` (we created it and crashed before attaching or recording it);
//! only then one new doc, created in a single `files.create` that carries the marker, so a crash
//! between any two steps is recovered by the marker lookup, never by a second create.

use crate::domain::event::{Attachment, Event};
use crate::google::drive::DOC_MIME;

/// The Drive appProperty that marks a doc as the one of a series.
pub(crate) const SERIES_MARKER: &str = "oneononeSeries";

/// The Drive appProperty that marks a doc as the one of a pair of people
/// ([`crate::domain::pair`]): a new series of the same two people (recreated, split without its
/// attachments, sent by the other person) finds the doc by it and continues it.
pub(crate) const PAIR_MARKER: &str = "oneononePair";

/// The Drive markers a series' doc carries: its series and its pair.
pub(crate) fn markers(
    view: &super::series::SeriesView,
) -> std::collections::BTreeMap<String, String> {
    std::collections::BTreeMap::from([
        (SERIES_MARKER.to_string(), view.key.as_str().to_string()),
        (
            PAIR_MARKER.to_string(),
            crate::domain::pair::pair_key(&view.user, &view.other_email),
        ),
    ])
}

/// The doc of one series.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SeriesDoc {
    pub id: String,
    pub url: String,
}

/// The id in a Google Docs URL (`https://docs.google.com/document/d/<id>/edit`).
pub(crate) fn id_from_url(url: &str) -> Option<String> {
    let rest = url.split("/document/d/").nth(1)?;
    let id: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!id.is_empty()).then_some(id)
}

pub(super) fn doc_id_of(a: &Attachment) -> Option<String> {
    let is_doc = a.mime_type.as_deref() == Some(DOC_MIME) || a.file_url.contains("/document/d/");
    if !is_doc {
        return None;
    }
    a.file_id.clone().or_else(|| id_from_url(&a.file_url))
}

/// The Google Doc people already attached to the series itself that is its running notes
/// (newest master first; per-meeting notes docs are passed over: [`super::adoption`]).
pub(super) fn attached_doc(masters: &[Event]) -> Option<SeriesDoc> {
    super::adoption::chosen(masters).map(|c| SeriesDoc {
        id: c.doc_id,
        url: c.url,
    })
}

/// The masters that do not carry `doc_id` as an attachment yet.
pub(super) fn lacking(masters: &[Event], doc_id: Option<&str>) -> Vec<String> {
    masters
        .iter()
        .filter(|m| {
            doc_id.is_none_or(|id| {
                !m.attachments
                    .iter()
                    .any(|a| doc_id_of(a).as_deref() == Some(id))
            })
        })
        .map(|m| m.id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_ids_come_from_urls() {
        assert_eq!(
            id_from_url("https://docs.google.com/document/d/1AbC-d_9/edit?usp=x").as_deref(),
            Some("1AbC-d_9")
        );
        assert_eq!(id_from_url("https://example.com/x"), None);
    }
}
