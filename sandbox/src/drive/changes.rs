//! `changes.getStartPageToken` and `changes.list` over the append-only change log.
//!
//! A page token is the sequence number of the first change not yet seen. A listing reports
//! each file once, at its latest change, so paging over a busy log still yields one entry per
//! file; `newStartPageToken` comes only on the last page, as in Drive.

use super::files::{file_json, parse_page_size, rfc3339};
use super::DriveState;
use crate::caller::Caller;
use crate::error::ApiError;
use serde_json::{json, Value};

/// Query parameters of `changes.list`.
#[derive(Debug, Clone, Default)]
pub struct ChangesParams {
    pub page_token: Option<String>,
    pub page_size: Option<String>,
    /// `includeRemoved`, default true.
    pub include_removed: Option<bool>,
}

impl DriveState {
    /// The token that lists only changes made from now on.
    pub fn start_page_token(&self) -> String {
        (self.changes.len() + 1).to_string()
    }

    /// `changes.getStartPageToken`.
    pub fn start_page_token_json(&self) -> Value {
        json!({"kind": "drive#startPageToken", "startPageToken": self.start_page_token()})
    }

    /// `changes.list`.
    pub fn list_changes(&self, caller: &Caller, params: &ChangesParams) -> Result<Value, ApiError> {
        let token = params
            .page_token
            .as_deref()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::bad_request("required", "Required parameter: pageToken"))?;
        let start = token
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=self.changes.len() + 1).contains(n))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid",
                    format!("Invalid Value: pageToken '{token}' is not a change page token"),
                )
            })?;
        let page_size = parse_page_size(params.page_size.as_deref())?;
        let include_removed = params.include_removed.unwrap_or(true);
        let me = caller.email.to_lowercase();

        let mut out = Vec::new();
        let mut next = None;
        for (i, change) in self.changes.iter().enumerate().skip(start - 1) {
            // Report a file once, at its latest change (sequence number = index + 1).
            let is_latest = self
                .files
                .get(&change.file_id)
                .is_none_or(|f| f.last_change == i + 1 || f.last_change == 0);
            if !is_latest {
                continue;
            }
            let entry = match self.files.get(&change.file_id) {
                Some(file) => match file.caller_role(caller) {
                    Some(role) => Some(json!({
                        "kind": "drive#change",
                        "changeType": "file",
                        "time": rfc3339(change.time),
                        "removed": false,
                        "fileId": file.id,
                        "file": file_json(file, caller, role),
                    })),
                    None if include_removed
                        && change.audience.contains(&me)
                        && file.app_can_see(caller) =>
                    {
                        Some(removed(&change.file_id, change.time))
                    }
                    None => None,
                },
                None if include_removed && change.audience.contains(&me) => {
                    Some(removed(&change.file_id, change.time))
                }
                None => None,
            };
            if let Some(entry) = entry {
                if out.len() == page_size {
                    next = Some(i + 1);
                    break;
                }
                out.push(entry);
            }
        }
        let mut v = json!({"kind": "drive#changeList", "changes": out});
        match next {
            Some(n) => v["nextPageToken"] = json!(n.to_string()),
            None => v["newStartPageToken"] = json!(self.start_page_token()),
        }
        Ok(v)
    }
}

fn removed(file_id: &str, time: chrono::DateTime<chrono::Utc>) -> Value {
    json!({
        "kind": "drive#change",
        "changeType": "file",
        "time": rfc3339(time),
        "removed": true,
        "fileId": file_id,
    })
}
