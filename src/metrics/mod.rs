//! What an operator watches: counters and gauges served as Prometheus text on `GET /metrics`.
//!
//! One process-wide [`Metrics`] ([`global`]) because the one place every Google call goes
//! through (`google::retry`) sits under every adapter of every user; threading a handle through
//! all of them would buy nothing, since a process has one set of metrics anyway. Recording is a
//! few atomic adds, so `once` and the tests record too and simply never serve it. The families
//! are built with `prometheus-client` (the Prometheus project's Rust client), which encodes the
//! OpenMetrics text format that Prometheus scrapes.
//!
//! * [`google`] — calls, errors and retry waits by Google method and status;
//! * [`pass`] — passes, their duration, per-user sync age, the work done (from `PassReport`);
//! * [`push`] — push channels and their expiry, notifications received.

mod google;
mod pass;
mod push;

use prometheus_client::registry::Registry;
use std::sync::LazyLock;

pub use google::GoogleMetrics;
pub use pass::PassMetrics;
pub use push::PushMetrics;

/// Every metric of the process and the registry that encodes them.
pub struct Metrics {
    registry: Registry,
    pub google: GoogleMetrics,
    pub pass: PassMetrics,
    pub push: PushMetrics,
}

/// The process's metrics.
pub fn global() -> &'static Metrics {
    static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);
    &METRICS
}

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

impl Metrics {
    /// A fresh set, every counter at zero (the process has one, [`global`]; tests make their own).
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("oneonone");
        let google = GoogleMetrics::register(&mut registry);
        let pass = PassMetrics::register(&mut registry);
        let push = PushMetrics::register(&mut registry);
        Metrics {
            registry,
            google,
            pass,
            push,
        }
    }

    /// The OpenMetrics text of every metric, ages computed as of now.
    pub fn render(&self) -> String {
        self.pass.refresh_ages();
        let mut text = String::new();
        // Writing into a String cannot fail; an encoder error would be a bug in a label value,
        // and a partial answer is still better than none for an operator.
        if let Err(e) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::warn!(error = %e, "cannot encode the metrics");
        }
        text
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Seconds of a duration as a float, for histograms.
fn seconds(d: std::time::Duration) -> f64 {
    d.as_secs_f64()
}

/// Seconds since the Unix epoch of `t` (0 for a time before it, which no clock gives).
fn unix_seconds(t: std::time::SystemTime) -> f64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Latency buckets from 5 ms to ~80 s: a sandbox call is sub-millisecond, a Google call 100–300
/// ms, a retried one seconds, a whole pass at scale tens of seconds.
fn latency_buckets() -> impl Iterator<Item = f64> {
    prometheus_client::metrics::histogram::exponential_buckets(0.005, 2.0, 15)
}

#[cfg(test)]
mod tests;
