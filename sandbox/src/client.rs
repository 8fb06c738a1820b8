//! A small client for the sandbox's `/_sandbox/` test controls, used by the demo and the tests
//! to set up a company, move the clock and read the stats. It speaks only the documented JSON
//! of those controls, never the Google APIs (those always go through the generated crates).

use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("sandbox control {method} {url}: {message}")]
    Transport {
        method: &'static str,
        url: String,
        message: String,
    },
    #[error("sandbox control {method} {url} answered {status}: {body}")]
    Status {
        method: &'static str,
        url: String,
        status: u16,
        body: String,
    },
}

/// Talks to one sandbox.
#[derive(Clone)]
pub struct SandboxClient {
    base_url: String,
    http: Client<HttpConnector, Full<bytes::Bytes>>,
}

impl SandboxClient {
    /// `base_url` with or without the trailing slash.
    pub fn new(base_url: &str) -> Self {
        SandboxClient {
            base_url: format!("{}/", base_url.trim_end_matches('/')),
            http: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub async fn get(&self, path: &str) -> Result<Value, ControlError> {
        self.send("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Result<Value, ControlError> {
        self.send("POST", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Result<Value, ControlError> {
        self.send("DELETE", path, None).await
    }

    /// Adds a person to the sandbox's directory.
    pub async fn add_user(
        &self,
        email: &str,
        name: &str,
        time_zone: &str,
    ) -> Result<Value, ControlError> {
        self.post(
            "_sandbox/users",
            json!({"email": email, "name": name, "timeZone": time_zone}),
        )
        .await
    }

    /// A fresh service-account key (JSON) allowed domain-wide delegation.
    pub async fn service_account_key(&self) -> Result<Value, ControlError> {
        self.post("_sandbox/service-accounts", json!({})).await
    }

    /// An access token acting as `email` with `scopes` (short names or full URLs).
    pub async fn token(&self, email: &str, scopes: &[&str]) -> Result<String, ControlError> {
        let full: Vec<String> = scopes
            .iter()
            .map(|s| {
                if s.starts_with("https://") {
                    s.to_string()
                } else {
                    format!("https://www.googleapis.com/auth/{s}")
                }
            })
            .collect();
        let v = self
            .post("_sandbox/tokens", json!({"email": email, "scopes": full}))
            .await?;
        Ok(v.get("access_token")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string())
    }

    pub async fn now(&self) -> Result<chrono::DateTime<chrono::Utc>, ControlError> {
        let v = self.get("_sandbox/clock").await?;
        parse_now(&v).ok_or_else(|| ControlError::Status {
            method: "GET",
            url: format!("{}_sandbox/clock", self.base_url),
            status: 200,
            body: v.to_string(),
        })
    }

    pub async fn set_now(&self, t: chrono::DateTime<chrono::Utc>) -> Result<(), ControlError> {
        self.post("_sandbox/clock", json!({"now": t.to_rfc3339()}))
            .await
            .map(|_| ())
    }

    pub async fn advance(&self, by: chrono::Duration) -> Result<(), ControlError> {
        self.post(
            "_sandbox/clock",
            json!({"advance_seconds": by.num_seconds()}),
        )
        .await
        .map(|_| ())
    }

    /// Drive search lag: new files stay missing from `files.list` queries for `seconds` of
    /// simulated time (0 = off).
    pub async fn set_drive_search_lag(&self, seconds: u64) -> Result<(), ControlError> {
        self.post("_sandbox/drive/search-lag", json!({ "seconds": seconds }))
            .await
            .map(|_| ())
    }

    /// `{"calls": {method: n}, "errors": {method: n}, …}`.
    pub async fn stats(&self) -> Result<Value, ControlError> {
        self.get("_sandbox/stats").await
    }

    pub async fn reset_stats(&self) -> Result<(), ControlError> {
        self.post("_sandbox/stats/reset", json!({}))
            .await
            .map(|_| ())
    }

    async fn send(
        &self,
        method: &'static str,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, ControlError> {
        let url = format!("{}{}", self.base_url, path.trim_start_matches('/'));
        let transport = |message: String| ControlError::Transport {
            method,
            url: url.clone(),
            message,
        };
        let bytes = body.map(|b| b.to_string()).unwrap_or_default();
        let request = hyper::Request::builder()
            .method(method)
            .uri(url.as_str())
            .header("content-type", "application/json")
            .body(Full::new(bytes::Bytes::from(bytes)))
            .map_err(|e| transport(e.to_string()))?;
        let response = self
            .http
            .request(request)
            .await
            .map_err(|e| transport(e.to_string()))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| transport(e.to_string()))?
            .to_bytes();
        if !(200..300).contains(&status) {
            return Err(ControlError::Status {
                method,
                url: url.clone(),
                status,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        if body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&body).map_err(|e| transport(format!("not JSON: {e}")))
    }
}

fn parse_now(v: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let s = v.get("now")?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}
