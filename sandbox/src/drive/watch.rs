//! Drive push channels: `changes.watch` and Drive's own `channels.stop`, and the notifications
//! a change queues.
//!
//! As the Drive push guide describes (developers.google.com/workspace/drive/api/guides/push):
//! a watch is a `POST …/drive/v3/changes/watch` with a channel body (`id`, `type` =
//! `web_hook`, `address`, optional `token` and `expiration` in ms since the epoch); each
//! channel is tied to the user who opened it and to the resource, here that user's change
//! list from `pageToken` on; Google first sends a `sync` message, then a message with
//! `X-Goog-Resource-State: change` whenever a change is added to the watched list; every
//! message carries `X-Goog-Channel-ID`, `X-Goog-Channel-Token` (when one was given),
//! `X-Goog-Channel-Expiration`, `X-Goog-Resource-ID`, `X-Goog-Resource-URI`,
//! `X-Goog-Resource-State` and `X-Goog-Message-Number`. Stopping takes `id` and `resourceId`
//! (`channels.stop`). An `expiration` in the past is refused as Drive refuses it, "Invalid ttl
//! value for channel <ttl>" (googleapis/google-api-nodejs-client#3263 records the live
//! answer). Without `expiration` the sandbox gives the channel an hour — the guide leaves the
//! default to the API; the daemon never relies on it and reads the answer's `expiration`.
//! Only loopback addresses are accepted: the sandbox never sends traffic off the machine.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::DriveState;
use crate::calendar::watch::{http_date, is_loopback};
use crate::caller::Caller;
use crate::error::ApiError;
use crate::state::Notification;

/// The sandbox's lifetime of a channel opened without `expiration`.
pub const DEFAULT_TTL: Duration = Duration::hours(1);

/// A live Drive channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriveChannel {
    pub id: String,
    pub resource_id: String,
    pub resource_uri: String,
    /// The user who opened it (whose change list it watches), lower case.
    pub user: String,
    pub address: String,
    pub token: Option<String>,
    pub expiration_ms: i64,
    pub message_number: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WatchBody {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    address: Option<String>,
    token: Option<String>,
    expiration: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StopBody {
    id: Option<String>,
    resource_id: Option<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid", message)
}

impl DriveState {
    /// `changes.watch`: opens a channel on the caller's change list from `page_token` on and
    /// queues its `sync` message.
    pub fn watch_changes(
        &mut self,
        caller: &Caller,
        page_token: Option<&str>,
        body: Value,
        now: DateTime<Utc>,
        base_url: &str,
    ) -> Result<Value, ApiError> {
        let token = page_token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::bad_request("required", "Required parameter: pageToken"))?;
        if !token
            .parse::<usize>()
            .is_ok_and(|n| (1..=self.changes.len() + 1).contains(&n))
        {
            return Err(invalid(format!(
                "Invalid Value: pageToken '{token}' is not a change page token"
            )));
        }
        let b: WatchBody = serde_json::from_value(body)
            .map_err(|e| ApiError::bad_request("parseError", format!("Parse Error: {e}")))?;
        let id =
            b.id.filter(|i| !i.is_empty())
                .ok_or_else(|| ApiError::bad_request("required", "Required: channel id."))?;
        if self.channels.contains_key(&id) {
            return Err(invalid(format!("Channel id {id} not unique")));
        }
        if !matches!(b.kind.as_deref(), Some("web_hook") | Some("webhook")) {
            return Err(invalid("Channel type must be web_hook."));
        }
        let address = b
            .address
            .ok_or_else(|| ApiError::bad_request("required", "Required: address."))?;
        if !is_loopback(&address) {
            return Err(invalid(format!(
                "WebHook callback address {address} is not a loopback URL: the sandbox never sends \
                 traffic off this machine; use http://127.0.0.1:PORT/…"
            )));
        }
        let now_ms = now.timestamp_millis();
        let expiration_ms = match b.expiration {
            None | Some(Value::Null) => (now + DEFAULT_TTL).timestamp_millis(),
            Some(Value::Number(n)) => n.as_i64().ok_or_else(|| invalid("Invalid expiration."))?,
            Some(Value::String(s)) => s
                .parse()
                .map_err(|_| invalid(format!("Invalid expiration '{s}'.")))?,
            Some(_) => return Err(invalid("Invalid expiration.")),
        };
        if expiration_ms <= now_ms {
            let ttl_s = (expiration_ms - now_ms) / 1000;
            return Err(invalid(format!("Invalid ttl value for channel {ttl_s}")));
        }
        self.channel_counter += 1;
        let channel = DriveChannel {
            resource_id: format!("sandbox-drive-resource-{}", self.channel_counter),
            resource_uri: format!("{base_url}drive/v3/changes?alt=json&pageToken={token}"),
            id: id.clone(),
            user: caller.email.to_lowercase(),
            address,
            token: b.token,
            expiration_ms,
            message_number: 0,
        };
        let mut answer = json!({
            "kind": "api#channel",
            "id": channel.id,
            "resourceId": channel.resource_id,
            "resourceUri": channel.resource_uri,
            "expiration": channel.expiration_ms.to_string(),
        });
        if let Some(t) = &channel.token {
            answer["token"] = json!(t);
        }
        self.channels.insert(id.clone(), channel);
        self.queue(&id, "sync");
        Ok(answer)
    }

    /// Drive's `channels.stop`: removes the channel; 404 when unknown or when `resourceId`
    /// does not match.
    pub fn stop_channel(&mut self, body: Value) -> Result<(), ApiError> {
        let b: StopBody = serde_json::from_value(body)
            .map_err(|e| ApiError::bad_request("parseError", format!("Parse Error: {e}")))?;
        let id = b.id.unwrap_or_default();
        match self.channels.get(&id) {
            Some(c) if b.resource_id.as_deref() == Some(c.resource_id.as_str()) => {
                self.channels.remove(&id);
                Ok(())
            }
            _ => Err(ApiError::not_found(format!(
                "Channel '{id}' not found for project"
            ))),
        }
    }

    /// Live Drive channels (for tests).
    pub fn watch_channels(&self) -> impl Iterator<Item = &DriveChannel> {
        self.channels.values()
    }

    /// A change was added to the lists of `audience`: a `change` message on each of their
    /// live channels; expired channels are dropped.
    pub(super) fn notify_change(&mut self, audience: &BTreeSet<String>, now: DateTime<Utc>) {
        let now_ms = now.timestamp_millis();
        self.channels.retain(|_, c| c.expiration_ms > now_ms);
        let ids: Vec<String> = self
            .channels
            .values()
            .filter(|c| audience.contains(&c.user))
            .map(|c| c.id.clone())
            .collect();
        for id in ids {
            self.queue(&id, "change");
        }
    }

    fn queue(&mut self, channel_id: &str, state: &str) {
        let Some(c) = self.channels.get_mut(channel_id) else {
            return;
        };
        c.message_number += 1;
        let mut headers = vec![
            ("X-Goog-Channel-ID".to_string(), c.id.clone()),
            (
                "X-Goog-Channel-Expiration".to_string(),
                http_date(c.expiration_ms),
            ),
            ("X-Goog-Resource-ID".to_string(), c.resource_id.clone()),
            ("X-Goog-Resource-URI".to_string(), c.resource_uri.clone()),
            ("X-Goog-Resource-State".to_string(), state.to_string()),
            (
                "X-Goog-Message-Number".to_string(),
                c.message_number.to_string(),
            ),
        ];
        if let Some(t) = &c.token {
            headers.insert(1, ("X-Goog-Channel-Token".to_string(), t.clone()));
        }
        let note = Notification {
            address: c.address.clone(),
            headers,
        };
        self.outbox.push(note);
    }
}
