//! The HTTP plumbing under the hubs: one TLS connector, two hyper clients, and the base URLs.
//!
//! The hubs want `Client<_, common::Body>` while yup-oauth2 wants `Client<_, String>`, so a
//! [`Transport`] holds one of each over the same connector type; both are cheap to clone and
//! share their connection pools across every served user. TLS trusts the bundled webpki roots
//! (a server without a CA bundle still works); plain `http://` is enabled only when the
//! configured endpoint is on this machine (the sandbox) — `config` has already refused any other.

use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use url::Url;

use super::quota::Quotas;
use super::retry::RetryPolicy;
use crate::config::GoogleConfig;
use std::sync::Arc;

/// The connector every client uses.
pub type HttpsConnector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The hubs' client type.
pub(crate) type HubClient = google_calendar3::common::Client<HttpsConnector>;

/// yup-oauth2's client type.
pub(crate) type AuthClient = Client<HttpsConnector, String>;

/// Where each API lives. The crates concatenate `base + "calendars/…"`, so every URL ends in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiUrls {
    pub(crate) calendar_base: String,
    pub(crate) calendar_root: String,
    pub(crate) docs_base: String,
    pub(crate) docs_root: String,
    pub(crate) drive_base: String,
    /// Drive uploads (`files.create`) go to `drive_root + "upload/drive/v3/files"`.
    pub(crate) drive_root: String,
    /// People API (`v1/people:searchDirectoryPeople`), for directory names.
    pub(crate) people_base: String,
    pub(crate) people_root: String,
    /// Tasks v1: the crate calls `tasks_base + "tasks/v1/…"`.
    pub(crate) tasks_base: String,
    pub(crate) tasks_root: String,
}

impl ApiUrls {
    /// Google's production endpoints (the crates' defaults).
    pub(crate) fn google() -> ApiUrls {
        ApiUrls {
            calendar_base: "https://www.googleapis.com/calendar/v3/".into(),
            calendar_root: "https://www.googleapis.com/".into(),
            docs_base: "https://docs.googleapis.com/".into(),
            docs_root: "https://docs.googleapis.com/".into(),
            drive_base: "https://www.googleapis.com/drive/v3/".into(),
            drive_root: "https://www.googleapis.com/".into(),
            people_base: "https://people.googleapis.com/".into(),
            people_root: "https://people.googleapis.com/".into(),
            tasks_base: "https://tasks.googleapis.com/".into(),
            tasks_root: "https://tasks.googleapis.com/".into(),
        }
    }

    /// All APIs under one base URL (the sandbox): Calendar at `<endpoint>calendar/v3/`,
    /// Docs, People and Tasks at `<endpoint>` (Tasks' paths start `tasks/v1/`), Drive at
    /// `<endpoint>drive/v3/`, roots at `<endpoint>`.
    pub(crate) fn under(endpoint: &Url) -> ApiUrls {
        let root = with_trailing_slash(endpoint.as_str());
        ApiUrls {
            calendar_base: format!("{root}calendar/v3/"),
            calendar_root: root.clone(),
            docs_base: root.clone(),
            docs_root: root.clone(),
            drive_base: format!("{root}drive/v3/"),
            drive_root: root.clone(),
            people_base: root.clone(),
            people_root: root.clone(),
            tasks_base: root.clone(),
            tasks_root: root,
        }
    }

    /// [`ApiUrls::under`] the override, or [`ApiUrls::google`] without one.
    pub(crate) fn for_endpoint(endpoint: Option<&Url>) -> ApiUrls {
        endpoint.map_or_else(ApiUrls::google, ApiUrls::under)
    }
}

/// The sandbox's simulated clock: `<endpoint>_sandbox/clock`.
pub fn sandbox_clock_url(endpoint: &Url) -> String {
    format!("{}_sandbox/clock", with_trailing_slash(endpoint.as_str()))
}

fn with_trailing_slash(s: &str) -> String {
    if s.ends_with('/') {
        s.to_string()
    } else {
        format!("{s}/")
    }
}

/// Shared HTTP clients, URLs and retry policy: build one per process, then
/// [`super::Clients::connect`] once per served user.
#[derive(Clone)]
pub struct Transport {
    pub(crate) hub_client: HubClient,
    pub(crate) auth_client: AuthClient,
    pub(crate) urls: ApiUrls,
    pub(crate) policy: RetryPolicy,
    /// The project's quota lanes, shared by every user's clients.
    pub(crate) quotas: Arc<Quotas>,
}

impl Transport {
    /// Clients for the configured endpoint and retry policy.
    pub fn new(google: &GoogleConfig) -> Transport {
        let allow_http = google
            .endpoint
            .as_ref()
            .is_some_and(|u| u.scheme() == "http");
        let connector = connector(allow_http);
        Transport {
            hub_client: Client::builder(TokioExecutor::new()).build(connector.clone()),
            auth_client: Client::builder(TokioExecutor::new()).build(connector),
            urls: ApiUrls::for_endpoint(google.endpoint.as_ref()),
            policy: RetryPolicy::from_config(google),
            quotas: Quotas::new(&google.quota),
        }
    }
}

/// A rustls connector trusting the webpki roots; `http://` only if `allow_http`.
///
/// `TCP_NODELAY` is set: a request is written as headers then body, and with Nagle's algorithm
/// the body waits for the peer's delayed ACK of the headers (up to 200 ms on Linux) — a fixed
/// stall per call once bodies pass one segment, which is most Docs requests and responses.
fn connector(allow_http: bool) -> HttpsConnector {
    let mut tcp = HttpConnector::new();
    tcp.set_nodelay(true);
    tcp.enforce_http(false);
    let builder = hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots();
    if allow_http {
        builder.https_or_http().enable_http1().wrap_connector(tcp)
    } else {
        builder.https_only().enable_http1().wrap_connector(tcp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_under_an_endpoint_follow_the_sandbox_layout() {
        let u = ApiUrls::under(&Url::parse("http://127.0.0.1:8089/").expect("url"));
        assert_eq!(u.calendar_base, "http://127.0.0.1:8089/calendar/v3/");
        assert_eq!(u.calendar_root, "http://127.0.0.1:8089/");
        assert_eq!(u.docs_base, "http://127.0.0.1:8089/");
        assert_eq!(u.docs_root, "http://127.0.0.1:8089/");
        assert_eq!(u.drive_base, "http://127.0.0.1:8089/drive/v3/");
        assert_eq!(u.drive_root, "http://127.0.0.1:8089/");
    }

    #[test]
    fn urls_keep_a_path_prefix() {
        let u = ApiUrls::under(&Url::parse("https://proxy.example/google/").expect("url"));
        assert_eq!(u.calendar_base, "https://proxy.example/google/calendar/v3/");
        assert_eq!(u.drive_root, "https://proxy.example/google/");
    }

    #[test]
    fn no_endpoint_means_google() {
        let u = ApiUrls::for_endpoint(None);
        assert_eq!(u, ApiUrls::google());
        assert!(u.calendar_base.starts_with("https://www.googleapis.com/"));
        for url in [
            &u.calendar_base,
            &u.calendar_root,
            &u.docs_base,
            &u.docs_root,
            &u.drive_base,
            &u.drive_root,
        ] {
            assert!(url.ends_with('/'), "{url}");
        }
    }

    #[test]
    fn sandbox_clock_url_is_under_the_endpoint() {
        let e = Url::parse("http://127.0.0.1:8089").expect("url");
        assert_eq!(
            sandbox_clock_url(&e),
            "http://127.0.0.1:8089/_sandbox/clock"
        );
    }
}
