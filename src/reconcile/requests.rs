//! The domain's planned document edits ([`DocOp`]) as Docs API requests.
//!
//! The domain plans in its own small vocabulary so the planning is pure and testable; this is the
//! only place that knows how the generated `google_docs1` types spell each request.

use crate::domain::edit::DocOp;
use google_docs1::api::{
    CreateNamedRangeRequest, CreateParagraphBulletsRequest, DeleteParagraphBulletsRequest,
    InsertTextRequest, Location, ParagraphStyle, Range, Request, UpdateParagraphStyleRequest,
};

/// One request per op, in the same order (Docs applies them in order).
pub fn to_requests(ops: &[DocOp]) -> Vec<Request> {
    ops.iter().map(to_request).collect()
}

fn range(start: u32, end: u32) -> Option<Range> {
    Some(Range {
        start_index: Some(start as i32),
        end_index: Some(end as i32),
        ..Default::default()
    })
}

fn to_request(op: &DocOp) -> Request {
    match op {
        DocOp::InsertText { index, text } => Request {
            insert_text: Some(InsertTextRequest {
                location: Some(Location {
                    index: Some(*index as i32),
                    ..Default::default()
                }),
                text: Some(text.clone()),
                ..Default::default()
            }),
            ..Default::default()
        },
        DocOp::UpdateParagraphStyle {
            start,
            end,
            named_style,
        } => Request {
            update_paragraph_style: Some(UpdateParagraphStyleRequest {
                range: range(*start, *end),
                paragraph_style: Some(ParagraphStyle {
                    named_style_type: Some(named_style.api_name().to_string()),
                    ..Default::default()
                }),
                fields: Some(google_docs1::FieldMask::new(&["namedStyleType"])),
            }),
            ..Default::default()
        },
        DocOp::CreateBullets { start, end, preset } => Request {
            create_paragraph_bullets: Some(CreateParagraphBulletsRequest {
                range: range(*start, *end),
                bullet_preset: Some(preset.api_name().to_string()),
            }),
            ..Default::default()
        },
        DocOp::DeleteBullets { start, end } => Request {
            delete_paragraph_bullets: Some(DeleteParagraphBulletsRequest {
                range: range(*start, *end),
            }),
            ..Default::default()
        },
        DocOp::CreateNamedRange { name, start, end } => Request {
            create_named_range: Some(CreateNamedRangeRequest {
                name: Some(name.clone()),
                range: range(*start, *end),
            }),
            ..Default::default()
        },
    }
}
