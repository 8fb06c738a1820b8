//! Push channels (one per served calendar, one per Drive change list) and what arrives on them.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};
use std::sync::atomic::AtomicU64;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    user: String,
    /// `calendar` or `drive`.
    resource: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NotificationLabels {
    /// `accepted`, `unknown_channel`, `bad_token` or `malformed`.
    outcome: String,
}

/// Open channels, when they expire, and the notifications received.
pub struct PushMetrics {
    expiry: Family<ChannelLabels, Gauge<f64, AtomicU64>>,
    notifications: Family<NotificationLabels, Counter>,
}

impl PushMetrics {
    pub(super) fn register(registry: &mut Registry) -> PushMetrics {
        let m = PushMetrics {
            expiry: Family::default(),
            notifications: Family::default(),
        };
        registry.register_with_unit(
            "push_channel_expiry_timestamp",
            "When each open push channel expires (Unix time); one series per open channel",
            Unit::Seconds,
            m.expiry.clone(),
        );
        registry.register(
            "push_notifications",
            "Notifications received on POST /notify, by outcome",
            m.notifications.clone(),
        );
        m
    }

    /// `user`'s channel on `resource` is open until `expires` (Unix seconds).
    pub fn channel_open(&self, user: &str, resource: &str, expires: f64) {
        self.expiry
            .get_or_create(&labels(user, resource))
            .set(expires);
    }

    /// `user`'s channel on `resource` is closed.
    pub fn channel_closed(&self, user: &str, resource: &str) {
        self.expiry.remove(&labels(user, resource));
    }

    /// A notification arrived and was `outcome`.
    pub fn notification(&self, outcome: &str) {
        self.notifications
            .get_or_create(&NotificationLabels {
                outcome: outcome.to_string(),
            })
            .inc();
    }
}

fn labels(user: &str, resource: &str) -> ChannelLabels {
    ChannelLabels {
        user: user.to_string(),
        resource: resource.to_string(),
    }
}
