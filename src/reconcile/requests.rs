//! The domain's planned document edits ([`DocOp`]) as the generated crate's request type.
//!
//! The domain writes each op as Docs v1 wire JSON ([`DocOp::to_request`]) so the planning stays
//! pure and is tested against Google's shapes; this turns that JSON into `google_docs1` values.
//! (`from_str`, not `from_value`: the crate's `FieldMask` only deserialises from borrowed
//! strings.)

use crate::domain::edit::DocOp;
use google_docs1::api::Request;

/// One request per op, in the same order (Docs applies them in order), each aimed at tab
/// `tab_id` (the tab of the read they were planned on).
pub fn to_requests(ops: &[DocOp], tab_id: Option<&str>) -> Result<Vec<Request>, serde_json::Error> {
    ops.iter()
        .map(|op| serde_json::from_str(&op.to_request(tab_id).to_string()))
        .collect()
}
