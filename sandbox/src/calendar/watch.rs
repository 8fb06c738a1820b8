//! Push channels (`events.watch`, `channels.stop`) and the notifications they queue.
//!
//! Creating a channel queues a `sync` message (number 1); every later change to the watched
//! calendar queues an `exists` message with the next number. Messages are queued on the
//! [`Env`] outbox and POSTed by the sandbox core after the world is unlocked. The sandbox never
//! sends traffic off the machine, so only loopback addresses are accepted.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::CalError;
use super::{CalendarState, Env};

/// Google's default channel lifetime.
pub const DEFAULT_TTL_DAYS: i64 = 7;

/// One queued push notification: an empty-body POST with these headers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Push {
    /// Where to POST.
    pub address: String,
    /// `X-Goog-*` headers.
    pub headers: Vec<(String, String)>,
}

/// A live channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// Client-chosen channel id.
    pub id: String,
    /// Server-chosen id of the watched resource.
    pub resource_id: String,
    /// The watched calendar.
    pub calendar: String,
    /// Loopback URL notified.
    pub address: String,
    /// Echoed as `X-Goog-Channel-Token`.
    pub token: Option<String>,
    /// Expiry, ms since the epoch.
    pub expiration_ms: i64,
    /// Number of the last message queued.
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

pub(crate) fn is_loopback(address: &str) -> bool {
    let Ok(url) = url::Url::parse(address) else {
        return false;
    };
    if !matches!(url.scheme(), "http" | "https") {
        return false;
    }
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

pub(crate) fn http_date(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .map(|t: DateTime<Utc>| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_default()
}

impl CalendarState {
    /// `events.watch` on a calendar: creates the channel and queues its `sync` message.
    pub fn watch(
        &mut self,
        env: &mut Env<'_>,
        caller: &str,
        calendar_id: &str,
        body: Value,
    ) -> Result<Value, CalError> {
        let cal = self.resolve_calendar(calendar_id, caller)?;
        let b: WatchBody = serde_json::from_value(body)
            .map_err(|e| CalError::bad_request("parseError", format!("Parse Error: {e}")))?;
        let id =
            b.id.filter(|i| !i.is_empty())
                .ok_or_else(|| CalError::bad_request("required", "Required: channel id."))?;
        if id.len() > 64 {
            return Err(CalError::invalid(
                "Channel id must be at most 64 characters.",
            ));
        }
        if self.channels.contains_key(&id) {
            return Err(CalError::invalid(format!("Channel id {id} not unique.")));
        }
        if !matches!(b.kind.as_deref(), Some("web_hook") | Some("webhook")) {
            return Err(CalError::invalid("Channel type must be web_hook."));
        }
        let address = b
            .address
            .ok_or_else(|| CalError::bad_request("required", "Required: address."))?;
        if !is_loopback(&address) {
            return Err(CalError::invalid(format!(
                "WebHook callback address {address} is not a loopback URL: the sandbox never sends \
                 traffic off this machine; use http://127.0.0.1:PORT/… or http://localhost:PORT/…."
            )));
        }
        if b.token.as_ref().is_some_and(|t| t.len() > 256) {
            return Err(CalError::invalid(
                "Channel token must be at most 256 characters.",
            ));
        }
        let default_exp = (env.now + Duration::days(DEFAULT_TTL_DAYS)).timestamp_millis();
        let expiration_ms = match b.expiration {
            None | Some(Value::Null) => default_exp,
            Some(Value::Number(n)) => n.as_i64().unwrap_or(default_exp),
            Some(Value::String(s)) => s.parse().map_err(|_| {
                CalError::invalid(format!(
                    "Invalid expiration '{s}': expected ms since the epoch."
                ))
            })?,
            Some(_) => {
                return Err(CalError::invalid(
                    "Invalid expiration: expected ms since the epoch.",
                ))
            }
        };
        self.id_counter += 1;
        let channel = Channel {
            id: id.clone(),
            resource_id: format!("sandbox-resource-{}", self.id_counter),
            calendar: cal.clone(),
            address,
            token: b.token,
            expiration_ms,
            message_number: 0,
        };
        let answer = self.channel_json(env, &channel);
        self.channels.insert(id.clone(), channel);
        self.queue(env, &id, "sync");
        Ok(answer)
    }

    /// `channels.stop`: removes the channel (404 when unknown).
    pub fn stop_channel(&mut self, body: Value) -> Result<(), CalError> {
        let b: StopBody = serde_json::from_value(body)
            .map_err(|e| CalError::bad_request("parseError", format!("Parse Error: {e}")))?;
        let id = b.id.unwrap_or_default();
        match self.channels.get(&id) {
            Some(c) if b.resource_id.as_deref().is_none_or(|r| r == c.resource_id) => {
                self.channels.remove(&id);
                Ok(())
            }
            _ => Err(CalError {
                code: 404,
                reason: "notFound",
                message: format!("Channel '{id}' not found for project"),
            }),
        }
    }

    /// Live channels (for tests and the admin view).
    pub fn channels(&self) -> impl Iterator<Item = &Channel> {
        self.channels.values()
    }

    fn channel_json(&self, env: &Env<'_>, c: &Channel) -> Value {
        let mut v = json!({
            "kind": "api#channel",
            "id": c.id,
            "resourceId": c.resource_id,
            "resourceUri": self.resource_uri(env, &c.calendar),
            "expiration": c.expiration_ms.to_string(),
        });
        if let Some(t) = &c.token {
            v["token"] = json!(t);
        }
        v
    }

    fn resource_uri(&self, env: &Env<'_>, cal: &str) -> String {
        format!(
            "{}calendar/v3/calendars/{cal}/events?alt=json",
            env.base_url
        )
    }

    /// Queues an `exists` message on every live channel of each touched calendar; expired
    /// channels are dropped.
    pub(crate) fn notify(&mut self, env: &mut Env<'_>, touched: &BTreeSet<String>) {
        let now_ms = env.now.timestamp_millis();
        self.channels.retain(|_, c| c.expiration_ms > now_ms);
        let ids: Vec<String> = self
            .channels
            .values()
            .filter(|c| touched.contains(&c.calendar))
            .map(|c| c.id.clone())
            .collect();
        for id in ids {
            self.queue(env, &id, "exists");
        }
    }

    fn queue(&mut self, env: &mut Env<'_>, channel_id: &str, state: &str) {
        let uri_base = env.base_url.to_string();
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
            (
                "X-Goog-Resource-URI".to_string(),
                format!(
                    "{uri_base}calendar/v3/calendars/{}/events?alt=json",
                    c.calendar
                ),
            ),
            ("X-Goog-Resource-State".to_string(), state.to_string()),
            (
                "X-Goog-Message-Number".to_string(),
                c.message_number.to_string(),
            ),
        ];
        if let Some(t) = &c.token {
            headers.insert(1, ("X-Goog-Channel-Token".to_string(), t.clone()));
        }
        env.outbox.push(Push {
            address: c.address.clone(),
            headers,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_addresses_are_accepted() {
        assert!(is_loopback("http://127.0.0.1:8080/hook"));
        assert!(is_loopback("https://localhost/hook"));
        assert!(is_loopback("http://[::1]:9/x"));
        assert!(!is_loopback("https://example.com/hook"));
        assert!(!is_loopback("http://10.0.0.1/hook"));
        assert!(!is_loopback("ftp://127.0.0.1/hook"));
    }

    #[test]
    fn http_date_is_rfc1123() {
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
