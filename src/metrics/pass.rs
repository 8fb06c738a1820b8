//! Passes: how many, how long, each user's last sync, and the work they did.

use super::{latency_buckets, seconds, unix_seconds};
use crate::reconcile::PassReport;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UserLabels {
    user: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    /// `ok`, `failed` or `backing_off`.
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StepLabels {
    /// `calendar_sync`, `series` (observe, plan and apply one series) or `user` (a whole pass).
    step: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// The counters fed by a finished `PassReport`, by metric name and help.
const WORK: [(&str, &str); 9] = [
    (
        "events_synced",
        "Calendar events received by incremental or full syncs",
    ),
    ("docs_created", "Shared 1-1 documents created"),
    ("docs_attached", "Documents attached to a series"),
    ("docs_shared", "Documents shared with the other attendee"),
    (
        "sections_written",
        "Agenda sections written into a document",
    ),
    (
        "revision_conflicts",
        "Document writes refused because the document changed",
    ),
    ("harvests", "Documents harvested for action items"),
    ("items_harvested", "Action items read from documents"),
    ("items_closed", "Action items found done"),
];

/// What the daemon loop records.
pub struct PassMetrics {
    passes: Counter,
    pass_duration: Histogram,
    user_passes: Family<OutcomeLabels, Counter>,
    steps: Family<StepLabels, Histogram, fn() -> Histogram>,
    last_sync: Family<UserLabels, FloatGauge>,
    sync_age: Family<UserLabels, FloatGauge>,
    users_backing_off: Gauge,
    users_quiet: Gauge,
    users_served: Gauge,
    work: [Counter; WORK.len()],
    /// When each user last synced, for the ages at scrape time and for readiness. An `Instant`
    /// besides the wall time so a clock step never makes a sync look fresh or ancient.
    synced: Mutex<HashMap<String, Instant>>,
}

impl PassMetrics {
    pub(super) fn register(registry: &mut Registry) -> PassMetrics {
        let m = PassMetrics {
            passes: Counter::default(),
            pass_duration: Histogram::new(latency_buckets()),
            user_passes: Family::default(),
            steps: Family::new_with_constructor(|| Histogram::new(latency_buckets())),
            last_sync: Family::default(),
            sync_age: Family::default(),
            users_backing_off: Gauge::default(),
            users_quiet: Gauge::default(),
            users_served: Gauge::default(),
            work: Default::default(),
            synced: Mutex::new(HashMap::new()),
        };
        registry.register("passes", "Passes over all served users", m.passes.clone());
        registry.register_with_unit(
            "pass_duration",
            "Wall time of one pass over all served users",
            Unit::Seconds,
            m.pass_duration.clone(),
        );
        registry.register(
            "user_passes",
            "One user's part of a pass, by outcome (ok, failed, backing_off)",
            m.user_passes.clone(),
        );
        registry.register_with_unit(
            "step_duration",
            "Latency of the steps of a user's pass (calendar_sync, series, user)",
            Unit::Seconds,
            m.steps.clone(),
        );
        registry.register_with_unit(
            "user_last_sync_timestamp",
            "When the user's calendar last synced successfully (Unix time)",
            Unit::Seconds,
            m.last_sync.clone(),
        );
        registry.register_with_unit(
            "user_last_sync_age",
            "How long ago the user's calendar last synced successfully",
            Unit::Seconds,
            m.sync_age.clone(),
        );
        registry.register(
            "users_backing_off",
            "Users left alone after failed passes, as of the last pass",
            m.users_backing_off.clone(),
        );
        registry.register(
            "users_quiet",
            "Users with nothing to do whose last pass was one Calendar call",
            m.users_quiet.clone(),
        );
        registry.register(
            "users_served",
            "Users in the configuration",
            m.users_served.clone(),
        );
        for ((name, help), counter) in WORK.iter().zip(&m.work) {
            registry.register(*name, *help, counter.clone());
        }
        m
    }

    /// A pass over every user took `took`; `served` users are configured, `backing_off` of them
    /// were left alone and the report says what the others did.
    pub fn pass_done(&self, took: Duration, served: usize, backing_off: usize, r: &PassReport) {
        self.passes.inc();
        self.pass_duration.observe(seconds(took));
        self.users_served.set(gauge_value(served));
        self.users_backing_off.set(gauge_value(backing_off));
        self.users_quiet.set(gauge_value(r.users_quiet));
        let done = [
            r.events_synced,
            r.docs_created,
            r.docs_attached,
            r.docs_shared,
            r.sections_written,
            r.revision_conflicts,
            r.harvests,
            r.items_harvested,
            r.items_closed,
        ];
        for (counter, n) in self.work.iter().zip(done) {
            counter.inc_by(u64::try_from(n).unwrap_or(u64::MAX));
        }
    }

    /// One user's part of a pass ended: `ok`, `failed` or `backing_off`.
    pub fn user_pass(&self, outcome: &str) {
        self.user_passes
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_string(),
            })
            .inc();
    }

    /// A step of a user's pass took `took`.
    pub fn step(&self, step: &str, took: Duration) {
        self.steps
            .get_or_create(&StepLabels {
                step: step.to_string(),
            })
            .observe(seconds(took));
    }

    /// `user`'s calendar synced just now.
    pub fn synced(&self, user: &str) {
        let labels = UserLabels {
            user: user.to_string(),
        };
        self.last_sync
            .get_or_create(&labels)
            .set(unix_seconds(SystemTime::now()));
        self.synced_map().insert(labels.user, Instant::now());
    }

    /// A user left the configuration: their series end.
    pub fn forget_user(&self, user: &str) {
        let labels = UserLabels {
            user: user.to_string(),
        };
        self.last_sync.remove(&labels);
        self.sync_age.remove(&labels);
        self.synced_map().remove(user);
    }

    /// How long ago the most recent sync of any user was; `None` before the first.
    pub fn newest_sync_age(&self) -> Option<Duration> {
        self.synced_map().values().map(Instant::elapsed).min()
    }

    /// Sets the age gauges from the sync times, just before they are encoded.
    pub(super) fn refresh_ages(&self) {
        for (user, at) in self.synced_map().iter() {
            self.sync_age
                .get_or_create(&UserLabels { user: user.clone() })
                .set(at.elapsed().as_secs_f64());
        }
    }

    fn synced_map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.synced.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn gauge_value(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
