//! Calendar v3: list (full or incremental sync), get, and patch an event's attachments.
//!
//! Events come back as Google's wire JSON (`serde_json::Value`), the shape the domain parsers
//! and the fixtures share. Lists never set `singleEvents`, so a series arrives as its master
//! (with `recurrence`) plus exception instances, and always set `showDeleted`, so cancelled
//! occurrences and deleted events arrive as tombstones.
//!
//! No call sends `quotaUser`. Google's "Standard Query Parameters" page limits it to 40
//! characters (a full e-mail address can exceed that), and Google Cloud's system-parameters
//! page says that without an API key "this parameter is ignored", the quota being charged to
//! "the authenticated principal". The daemon authenticates every call with the served user's
//! own OAuth token (domain-wide delegation or installed-app sign-in) and carries no API key, so
//! per-user quota already follows the user; the parameter bought nothing and put the user's
//! address into every request URL (proxy and access logs). A hash would fix the length but not
//! the uselessness, so it is dropped.

use google_calendar3::api::{Channel, Event, EventAttachment};
use google_calendar3::CalendarHub;
use serde_json::Value;

use super::attempt::attempt;
use super::connector::HttpsConnector;
use super::drive::DOC_MIME;
use super::errors::GoogleError;
use super::paging::next_page;
use super::quota::Gate;
use super::retry::{retry_if, with_retry, RetryPolicy};
use super::scopes;
use super::wire::body_json;

/// Google's maximum page size for `events.list`: fewer pages, fewer quota units.
const PAGE_SIZE: i32 = 2500;

/// Which kind of `events.list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncMode {
    /// Everything (including tombstones); the last page carries a sync token.
    Full,
    /// Only changes since the sync token; a 410 ([`GoogleError::FullSyncRequired`]) means the
    /// token expired.
    Incremental(String),
}

/// One page of `events.list`.
#[derive(Debug, Clone, PartialEq)]
pub struct EventsPage {
    /// The events as wire JSON.
    pub items: Vec<Value>,
    /// Present when more pages follow (ask again with the same [`SyncMode`]).
    pub next_page_token: Option<String>,
    /// Present on the last page only: the token for the next incremental sync.
    pub next_sync_token: Option<String>,
}

impl EventsPage {
    /// Reads a page from the wire JSON of an `events.list` answer.
    pub(crate) fn from_json(mut json: Value) -> EventsPage {
        let items = match json.get_mut("items").map(Value::take) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let string = |key: &str| json.get(key).and_then(Value::as_str).map(str::to_string);
        EventsPage {
            items,
            next_page_token: string("nextPageToken"),
            next_sync_token: string("nextSyncToken"),
        }
    }
}

/// All pages of one sync.
#[derive(Debug, Clone, PartialEq)]
pub struct EventsSync {
    pub items: Vec<Value>,
    /// The token for the next incremental sync (Google sends it on the last page).
    pub next_sync_token: Option<String>,
}

/// Calendar v3 as one served user.
pub struct CalendarApi {
    hub: CalendarHub<HttpsConnector>,
    policy: RetryPolicy,
    gate: Gate,
}

impl CalendarApi {
    pub(crate) fn new(hub: CalendarHub<HttpsConnector>, policy: RetryPolicy, gate: Gate) -> Self {
        CalendarApi { hub, policy, gate }
    }

    /// One page of events of `calendar_id` (`"primary"` or an address).
    pub async fn list_events(
        &self,
        calendar_id: &str,
        sync: &SyncMode,
        page_token: Option<&str>,
    ) -> Result<EventsPage, GoogleError> {
        with_retry(
            &self.policy,
            &self.gate,
            "calendar.events.list",
            || async move {
                let mut call = self
                    .hub
                    .events()
                    .list(calendar_id)
                    .show_deleted(true)
                    .single_events(false)
                    .max_results(PAGE_SIZE)
                    .add_scope(scopes::CALENDAR_EVENTS);
                if let SyncMode::Incremental(token) = sync {
                    call = call.sync_token(token);
                }
                if let Some(page) = page_token {
                    call = call.page_token(page);
                }
                let (response, events) = attempt!(self.policy, call, doit())?;
                Ok(EventsPage::from_json(body_json(response, &events).await))
            },
        )
        .await
    }

    /// Every page of one sync, concatenated.
    pub async fn list_all_events(
        &self,
        calendar_id: &str,
        sync: &SyncMode,
    ) -> Result<EventsSync, GoogleError> {
        let mut items = Vec::new();
        let mut page_token: Option<String> = None;
        loop {
            let page = self
                .list_events(calendar_id, sync, page_token.as_deref())
                .await?;
            items.extend(page.items);
            match next_page(page_token, page.next_page_token, "events.list")? {
                Some(next) => page_token = Some(next),
                None => {
                    return Ok(EventsSync {
                        items,
                        next_sync_token: page.next_sync_token,
                    })
                }
            }
        }
    }

    /// The cheapest read that proves a token can use `calendar.events` on `calendar_id`: one
    /// `events.list` page of at most one event, only its `nextPageToken` asked back (for
    /// `oneonone check`; a sync page holds up to 2,500 events).
    pub async fn probe(&self, calendar_id: &str) -> Result<(), GoogleError> {
        with_retry(
            &self.policy,
            &self.gate,
            "calendar.events.list",
            || async move {
                let call = self
                    .hub
                    .events()
                    .list(calendar_id)
                    .max_results(1)
                    .param("fields", "nextPageToken")
                    .add_scope(scopes::CALENDAR_EVENTS);
                attempt!(self.policy, call, doit()).map(|_| ())
            },
        )
        .await
    }

    /// One event (a master, an exception or an instance id) as wire JSON.
    pub async fn get_event(&self, calendar_id: &str, event_id: &str) -> Result<Value, GoogleError> {
        with_retry(
            &self.policy,
            &self.gate,
            "calendar.events.get",
            || async move {
                let call = self
                    .hub
                    .events()
                    .get(calendar_id, event_id)
                    .add_scope(scopes::CALENDAR_EVENTS);
                let (response, event) = attempt!(self.policy, call, doit())?;
                Ok(body_json(response, &event).await)
            },
        )
        .await
    }

    /// Replaces the event's attachments with `attachments` (send the existing ones plus ours:
    /// the list replaces, it does not append) and returns the patched event. Sets
    /// `supportsAttachments=true`, without which Google silently drops them, and notifies nobody.
    /// Idempotent, hence retried.
    pub async fn patch_attachments(
        &self,
        calendar_id: &str,
        event_id: &str,
        attachments: Vec<EventAttachment>,
    ) -> Result<Value, GoogleError> {
        let attachments = &attachments;
        with_retry(
            &self.policy,
            &self.gate,
            "calendar.events.patch",
            || async move {
                let patch = Event {
                    attachments: Some(attachments.clone()),
                    ..Default::default()
                };
                let call = self
                    .hub
                    .events()
                    .patch(patch, calendar_id, event_id)
                    .supports_attachments(true)
                    .send_updates("none")
                    .add_scope(scopes::CALENDAR_EVENTS);
                let (response, event) = attempt!(self.policy, call, doit())?;
                Ok(body_json(response, &event).await)
            },
        )
        .await
    }

    /// Opens a push channel on the calendar's events (`events.watch`): Google POSTs to
    /// `address` with `X-Goog-Channel-Token: token` whenever an event changes, and once (`sync`)
    /// right away. No `expiration` is asked, so Google applies its own (and maximum) lifetime;
    /// the answer says when it ends. Not idempotent (a channel id is unique), so only a refusal
    /// is retried.
    pub async fn watch_events(
        &self,
        calendar_id: &str,
        channel_id: &str,
        address: &str,
        token: &str,
    ) -> Result<OpenedChannel, GoogleError> {
        let channel = Channel {
            id: Some(channel_id.to_string()),
            type_: Some("web_hook".to_string()),
            address: Some(address.to_string()),
            token: Some(token.to_string()),
            ..Default::default()
        };
        let channel = &channel;
        let opened = retry_if(
            &self.policy,
            &self.gate,
            "calendar.events.watch",
            GoogleError::is_refusal,
            || async move {
                let call = self
                    .hub
                    .events()
                    .watch(channel.clone(), calendar_id)
                    .add_scope(scopes::CALENDAR_EVENTS);
                attempt!(self.policy, call, doit()).map(|(_, c)| c)
            },
        )
        .await?;
        OpenedChannel::from_answer("events.watch", opened.resource_id, opened.expiration)
    }

    /// Stops a push channel (`channels.stop`). Idempotent in effect: a channel already gone is
    /// a 404, which the caller treats as stopped.
    pub async fn stop_channel(
        &self,
        channel_id: &str,
        resource_id: &str,
    ) -> Result<(), GoogleError> {
        let channel = Channel {
            id: Some(channel_id.to_string()),
            resource_id: Some(resource_id.to_string()),
            ..Default::default()
        };
        let channel = &channel;
        with_retry(
            &self.policy,
            &self.gate,
            "calendar.channels.stop",
            || async move {
                let call = self
                    .hub
                    .channels()
                    .stop(channel.clone())
                    .add_scope(scopes::CALENDAR_EVENTS);
                attempt!(self.policy, call, doit()).map(drop)
            },
        )
        .await
    }
}

/// What `events.watch` opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedChannel {
    /// Google's id of the watched resource, needed by `channels.stop`.
    pub resource_id: String,
    /// When Google stops notifying.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl OpenedChannel {
    /// The opened channel from a `watch` answer (Calendar's and Drive's `Channel` carry the same
    /// two fields); an answer without either cannot be renewed or stopped, so it is an error
    /// naming `method`.
    pub(crate) fn from_answer(
        method: &str,
        resource_id: Option<String>,
        expiration: Option<i64>,
    ) -> Result<OpenedChannel, GoogleError> {
        let missing = |what: &str| GoogleError::Permanent {
            code: None,
            reason: Some("incompleteResponse".into()),
            message: format!("{method} answered without {what}"),
        };
        Ok(OpenedChannel {
            resource_id: resource_id.ok_or_else(|| missing("a resourceId"))?,
            expires_at: expiration
                .and_then(chrono::DateTime::from_timestamp_millis)
                .ok_or_else(|| missing("an expiration"))?,
        })
    }
}

/// The attachment that links a Google Doc to an event. `url` is Drive's `webViewLink` of the
/// file (the Calendar reference: `fileUrl` is the "URL link to the attachment", in the form
/// of the Drive API's `alternateLink`, i.e. v3's `webViewLink`).
pub(crate) fn doc_attachment(file_id: &str, url: &str, title: &str) -> EventAttachment {
    EventAttachment {
        file_id: Some(file_id.to_string()),
        file_url: Some(url.to_string()),
        mime_type: Some(DOC_MIME.to_string()),
        title: Some(title.to_string()),
        icon_link: None,
    }
}

/// The plain editor URL of a Google Doc: only a fallback for a doc whose `webViewLink` Drive
/// did not give (a doc found by id alone).
pub(crate) fn doc_url(file_id: &str) -> String {
    format!("https://docs.google.com/document/d/{file_id}/edit")
}

/// Reads an event's `attachments` back into the crate type, so a caller can append to them and
/// send them back whole (`iconLink` included). Entries without `fileUrl` (which Google
/// requires) are skipped.
pub fn attachments_of(event: &Value) -> Vec<EventAttachment> {
    event
        .get("attachments")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|a| serde_json::from_value::<EventAttachment>(a.clone()).ok())
                .filter(|a| a.file_url.is_some())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn page_from_json_reads_items_and_tokens() {
        let page = EventsPage::from_json(json!({
            "kind": "calendar#events",
            "items": [{"id": "a"}, {"id": "b", "status": "cancelled"}],
            "nextPageToken": "p2"
        }));
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[1]["status"], "cancelled");
        assert_eq!(page.next_page_token.as_deref(), Some("p2"));
        assert_eq!(page.next_sync_token, None);

        let last = EventsPage::from_json(json!({"nextSyncToken": "s1"}));
        assert!(last.items.is_empty());
        assert_eq!(last.next_sync_token.as_deref(), Some("s1"));
    }

    #[test]
    fn page_from_real_fixture_when_available() {
        let dir = std::env::var("ONEONONE_GOOGLE_FIXTURES").map_or_else(
            |_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/google"),
            std::path::PathBuf::from,
        );
        let file = dir.join("calendar/northworld-events-list-daily-count-nextsynctoken.json");
        let Ok(text) = std::fs::read_to_string(&file) else {
            eprintln!("skipped: fixture {} not found", file.display());
            return;
        };
        let json: Value = serde_json::from_str(&text).expect("fixture is JSON");
        let expected_items = json["items"].as_array().map_or(0, Vec::len);
        let page = EventsPage::from_json(json);
        assert_eq!(page.items.len(), expected_items);
        assert!(page.next_sync_token.is_some());
    }

    #[test]
    fn doc_attachment_points_at_the_doc() {
        let link = "https://docs.google.com/document/d/abc123/edit?usp=drivesdk";
        let a = doc_attachment("abc123", link, "Alice / Bob · 1:1 notes");
        assert_eq!(a.file_url.as_deref(), Some(link));
        assert_eq!(a.mime_type.as_deref(), Some(DOC_MIME));
        assert_eq!(a.file_id.as_deref(), Some("abc123"));
    }

    #[test]
    fn attachments_round_trip_from_wire_json() {
        let event = json!({"id": "e", "attachments": [
            {"fileUrl": "https://docs.google.com/document/d/x/edit", "title": "x", "fileId": "x",
             "iconLink": "https://drive-thirdparty.googleusercontent.com/16/type/application/pdf"},
            {"title": "no url"}
        ]});
        let list = attachments_of(&event);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].file_id.as_deref(), Some("x"));
        assert!(
            list[0].icon_link.is_some(),
            "iconLink is kept for the re-send"
        );
        assert!(attachments_of(&json!({"id": "e"})).is_empty());
    }
}
