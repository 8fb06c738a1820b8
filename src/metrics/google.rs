//! Google calls by method and status, errors by kind, and the time spent waiting to retry.

use super::{latency_buckets, seconds};
use crate::google::GoogleError;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::AtomicU64;
use std::time::Duration;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    /// e.g. `calendar.events.list`
    method: String,
    /// `200` for a success, the HTTP status of a failure when known, else what failed
    /// (`transport`, `setup`, `undecodable`).
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ErrorLabels {
    method: String,
    /// The decision the error stands for ([`GoogleError::kind`]): `rate_limited`, `transient`…
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabels {
    method: String,
}

type Histograms = Family<MethodLabels, Histogram, fn() -> Histogram>;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ApiLabels {
    /// One of Google's budgets: `calendar`, `docs_read`, `docs_write`, `drive`.
    api: String,
}

/// Every HTTP attempt at Google (a retried call counts once per attempt, as Google's quota does).
pub struct GoogleMetrics {
    requests: Family<CallLabels, Counter>,
    errors: Family<ErrorLabels, Counter>,
    duration: Histograms,
    retry_wait: Family<MethodLabels, Counter<f64, AtomicU64>>,
    quota_wait: Family<ApiLabels, Counter<f64, AtomicU64>>,
    quota_used: Family<ApiLabels, Gauge>,
    quota_limit: Family<ApiLabels, Gauge>,
}

impl GoogleMetrics {
    pub(super) fn register(registry: &mut Registry) -> GoogleMetrics {
        let m = GoogleMetrics {
            requests: Family::default(),
            errors: Family::default(),
            duration: Family::new_with_constructor(|| Histogram::new(latency_buckets())),
            retry_wait: Family::default(),
            quota_wait: Family::default(),
            quota_used: Family::default(),
            quota_limit: Family::default(),
        };
        registry.register(
            "google_requests",
            "HTTP attempts at Google by method and status (each retry counts, as in Google's quota)",
            m.requests.clone(),
        );
        registry.register(
            "google_errors",
            "Failed Google attempts by method and kind of failure",
            m.errors.clone(),
        );
        registry.register_with_unit(
            "google_request_duration",
            "How long one Google attempt took, by method",
            Unit::Seconds,
            m.duration.clone(),
        );
        registry.register_with_unit(
            "google_retry_wait",
            "Time spent waiting before retrying a Google call (backoff and Retry-After: throttling)",
            Unit::Seconds,
            m.retry_wait.clone(),
        );
        registry.register_with_unit(
            "google_quota_wait",
            "Time calls waited for the project's or a user's per-minute budget (google::quota)",
            Unit::Seconds,
            m.quota_wait.clone(),
        );
        registry.register(
            "google_quota_requests_last_minute",
            "Requests of the whole project in the last 60 s, per budget (as Google's sliding window counts them)",
            m.quota_used.clone(),
        );
        registry.register(
            "google_quota_limit_per_minute",
            "The project's per-minute budget ([google.quota]); headroom is this minus requests_last_minute",
            m.quota_limit.clone(),
        );
        m
    }

    /// The project's budget for `api` is `per_minute`.
    pub fn quota_limit(&self, api: &str, per_minute: u32) {
        self.quota_limit
            .get_or_create(&ApiLabels {
                api: api.to_string(),
            })
            .set(i64::from(per_minute));
    }

    /// A call of `api` passed its budget after waiting `waited`; the project made `last_minute`
    /// requests of that budget in the last 60 s.
    pub fn quota_pass(&self, api: &str, waited: Duration, last_minute: u64) {
        let labels = ApiLabels {
            api: api.to_string(),
        };
        if !waited.is_zero() {
            self.quota_wait
                .get_or_create(&labels)
                .inc_by(seconds(waited));
        }
        self.quota_used
            .get_or_create(&labels)
            .set(i64::try_from(last_minute).unwrap_or(i64::MAX));
    }

    /// One attempt at `method` ended with `outcome` after `took`.
    pub fn attempt<T>(&self, method: &str, outcome: &Result<T, GoogleError>, took: Duration) {
        let status = match outcome {
            Ok(_) => "200".to_string(),
            Err(e) => e.metric_status(),
        };
        self.requests
            .get_or_create(&CallLabels {
                method: method.to_string(),
                status,
            })
            .inc();
        if let Err(e) = outcome {
            self.errors
                .get_or_create(&ErrorLabels {
                    method: method.to_string(),
                    kind: e.kind().to_string(),
                })
                .inc();
        }
        self.duration
            .get_or_create(&MethodLabels {
                method: method.to_string(),
            })
            .observe(seconds(took));
    }

    /// The retry of `method` waits `delay` first.
    pub fn retry_wait(&self, method: &str, delay: Duration) {
        self.retry_wait
            .get_or_create(&MethodLabels {
                method: method.to_string(),
            })
            .inc_by(seconds(delay));
    }
}
