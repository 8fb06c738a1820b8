//! The daemon's clock: the system clock in production, the sandbox's simulated clock in
//! end-to-end tests and the demo (so weeks of meetings pass in seconds).

use chrono::{DateTime, Utc};
use http_body_util::Empty;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;

/// A plain-HTTP client for the sandbox's clock (the sandbox is always on loopback). Kept with the
/// clock so every read reuses one pooled connection.
pub type ClockClient = Client<HttpConnector, Empty<bytes::Bytes>>;

/// Where "now" comes from.
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    /// `GET <base>_sandbox/clock` → `{"now": RFC3339}`.
    Sandbox {
        base_url: String,
        client: Box<ClockClient>,
    },
    /// A fixed instant (dry runs and unit tests of the shell).
    Fixed(DateTime<Utc>),
}

#[derive(Debug, thiserror::Error)]
pub enum ClockError {
    #[error("clock = \"sandbox\": cannot read {url}: {source}")]
    Unreachable {
        url: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("clock = \"sandbox\": {url} answered {body:?}, expected {{\"now\": RFC3339}}")]
    BadAnswer { url: String, body: String },
}

impl Clock {
    /// The sandbox's simulated clock at `base_url` (with its trailing slash).
    pub fn sandbox(base_url: &str) -> Clock {
        Clock::Sandbox {
            base_url: base_url.to_string(),
            client: Box::new(Client::builder(hyper_util::rt::TokioExecutor::new()).build_http()),
        }
    }

    pub async fn now(&self) -> Result<DateTime<Utc>, ClockError> {
        match self {
            Clock::System => Ok(Utc::now()),
            Clock::Fixed(t) => Ok(*t),
            Clock::Sandbox { base_url, client } => sandbox_now(client, base_url).await,
        }
    }
}

async fn sandbox_now(client: &ClockClient, base_url: &str) -> Result<DateTime<Utc>, ClockError> {
    use http_body_util::BodyExt;
    let url = format!("{}_sandbox/clock", base_url);
    let unreachable = |e: Box<dyn std::error::Error + Send + Sync>| ClockError::Unreachable {
        url: url.clone(),
        source: e,
    };
    let uri: hyper::Uri = url.parse().map_err(|e| unreachable(Box::new(e)))?;
    let response = client
        .get(uri)
        .await
        .map_err(|e| unreachable(Box::new(e)))?;
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| unreachable(Box::new(e)))?
        .to_bytes();
    let parsed: Option<DateTime<Utc>> = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("now")?.as_str().map(str::to_owned))
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc));
    parsed.ok_or_else(|| ClockError::BadAnswer {
        url: url.clone(),
        body: String::from_utf8_lossy(&body).chars().take(200).collect(),
    })
}
