//! Keeping one live channel per served calendar (`events.watch`) and per user's Drive change
//! list (`changes.watch`): opened when missing, renewed
//! before Google's `expiration`, stopped (`channels.stop`) on shutdown and when a user leaves
//! the configuration. Channels are kept in the store (`push_channels`), so a restart reuses
//! the live ones instead of opening a second channel per calendar.
//!
//! Renewal overlaps: the new channel is opened first and the old one stopped after, so no
//! change falls between them. A channel is renewed when less than [`renew_margin`] is left:
//! the upkeep runs once per pass, and passes are at most a fallback poll apart.

use super::{new_token, Push};
use crate::config::GoogleConfig;
use crate::google::{Clients, GoogleError, Transport};
use crate::store::{PushChannel, Store};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

/// A channel on the user's calendar (`events.watch`).
pub(super) const CALENDAR: &str = "calendar";
/// A channel on the user's Drive change list (`changes.watch`).
pub(super) const DRIVE: &str = "drive";
/// The lifetime asked for a Drive channel: a day, so its renewal (start token, watch, stop)
/// costs three calls a day rather than three an hour at the API's default; within what Drive
/// grants change-list channels, and Google's answer says what it actually granted.
const DRIVE_LIFETIME: chrono::Duration = chrono::Duration::days(1);

/// Renew this long before expiry: two fallback polls plus an hour, so at least one upkeep
/// falls inside the margin even when a pass runs long — but at most half the channel's
/// lifetime, so a short-lived channel (Drive's are hours, Calendar's days) is not renewed on
/// every pass.
pub fn renew_margin(fallback_poll: Duration, c: &PushChannel) -> chrono::Duration {
    let margin = fallback_poll.saturating_mul(2) + Duration::from_secs(3600);
    let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::days(1));
    margin.min((c.expires_at - c.created_at) / 2)
}

impl Push {
    /// Loads the stored channels into what `/notify` knows (at start).
    pub fn load(&self, store: &Mutex<Store>) -> anyhow::Result<()> {
        let channels = super::lock(store).push_channels()?;
        for c in &channels {
            self.know(&c.channel_id, &c.user, &c.token, &c.resource);
            crate::metrics::global().push.channel_open(
                &c.user,
                &c.resource,
                c.expires_at.timestamp_millis() as f64 / 1000.0,
            );
        }
        Ok(())
    }

    /// One upkeep: stops channels of users no longer served, forgets expired ones, opens a
    /// channel for every served user without one that lives past the renew margin and stops
    /// the channel it replaces. A failing user is logged and polled normally meanwhile.
    pub async fn upkeep(
        &self,
        google: &GoogleConfig,
        clients: &[Clients],
        store: &Mutex<Store>,
        now: DateTime<Utc>,
        concurrency: usize,
    ) {
        let stored = match super::lock(store).push_channels() {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the push channels; polling meanwhile");
                self.set_healthy(false);
                return;
            }
        };
        let served: BTreeSet<&str> = clients.iter().map(|c| c.user.as_str()).collect();
        for c in stored.iter().filter(|c| !served.contains(c.user.as_str())) {
            tracing::info!(user = %c.user, "user left the configuration: stopping their push channel");
            self.stop_departed(google, c, store).await;
        }
        // Users concurrently, as in a pass: the first start of a large deployment opens a
        // channel per user, and one at a time that would take users × Google's latency.
        use futures_util::stream::{self, StreamExt};
        let stored = &stored;
        let healthy = stream::iter(clients)
            .map(|clients| self.keep_user(clients, stored, store, now))
            .buffer_unordered(concurrency.max(1))
            .fold(true, |all, ok| async move { all && ok })
            .await;
        self.set_healthy(healthy);
    }

    /// One user's upkeep; says whether they have a live calendar channel afterwards (the
    /// Drive channel only speeds re-harvests up: the change list is asked on every pass that
    /// needs it anyway, so its absence does not make the loop poll faster).
    async fn keep_user(
        &self,
        clients: &Clients,
        stored: &[PushChannel],
        store: &Mutex<Store>,
        now: DateTime<Utc>,
    ) -> bool {
        let calendar = self
            .keep_resource(clients, CALENDAR, stored, store, now)
            .await;
        self.keep_resource(clients, DRIVE, stored, store, now).await;
        calendar
    }

    /// One channel's upkeep; says whether it is live afterwards.
    async fn keep_resource(
        &self,
        clients: &Clients,
        resource: &str,
        stored: &[PushChannel],
        store: &Mutex<Store>,
        now: DateTime<Utc>,
    ) -> bool {
        let fallback = self.config.fallback_poll;
        let user = clients.user.as_str();
        let mine: Vec<&PushChannel> = stored
            .iter()
            .filter(|c| c.user == user && c.resource == resource)
            .collect();
        for expired in mine.iter().filter(|c| c.expires_at <= now) {
            self.drop_channel(expired, store);
        }
        if mine
            .iter()
            .any(|c| c.expires_at - now > renew_margin(fallback, c))
        {
            return true;
        }
        match self.open(clients, resource, store, now).await {
            Ok(()) => {
                for old in mine.iter().filter(|c| c.expires_at > now) {
                    self.stop(clients, old, store).await;
                }
                true
            }
            Err(e) => {
                // A channel not yet expired still notifies: only a user with none makes the
                // loop fall back to the normal poll.
                let live = mine.iter().any(|c| c.expires_at > now);
                tracing::warn!(user, resource, error = %e, live, "cannot open a push channel; retried next pass (the normal poll applies while no calendar channel is live)");
                live
            }
        }
    }

    /// Opens a channel on `clients`' calendar or Drive change list and records it.
    async fn open(
        &self,
        clients: &Clients,
        resource: &str,
        store: &Mutex<Store>,
        now: DateTime<Utc>,
    ) -> Result<(), anyhow::Error> {
        let user = clients.user.as_str();
        let channel_id = uuid::Uuid::new_v4().to_string();
        let token = new_token();
        // Known before Google is asked: its first message (`sync`) may arrive before the
        // answer does.
        self.know(&channel_id, user, &token, resource);
        let address = self.config.notify_url.as_str();
        let opened = if resource == DRIVE {
            clients
                .drive
                .watch_changes(&channel_id, address, &token, now + DRIVE_LIFETIME)
                .await
        } else {
            clients
                .calendar
                .watch_events(user, &channel_id, address, &token)
                .await
        };
        let opened = match opened {
            Ok(o) => o,
            Err(e) => {
                self.forget_channel(&channel_id);
                return Err(e.into());
            }
        };
        let channel = PushChannel {
            channel_id,
            user: user.to_string(),
            resource: resource.to_string(),
            resource_id: opened.resource_id,
            token,
            expires_at: opened.expires_at,
            created_at: now,
        };
        super::lock(store).add_push_channel(&channel)?;
        crate::metrics::global().push.channel_open(
            user,
            resource,
            opened.expires_at.timestamp_millis() as f64 / 1000.0,
        );
        tracing::info!(user, resource, expires = %opened.expires_at, "push channel open");
        Ok(())
    }

    /// Stops one channel at Google and forgets it; a channel Google no longer knows is
    /// forgotten too.
    async fn stop(&self, clients: &Clients, c: &PushChannel, store: &Mutex<Store>) {
        let stopped = if c.resource == DRIVE {
            clients
                .drive
                .stop_channel(&c.channel_id, &c.resource_id)
                .await
        } else {
            clients
                .calendar
                .stop_channel(&c.channel_id, &c.resource_id)
                .await
        };
        match stopped {
            Ok(()) | Err(GoogleError::NotFound { .. }) => self.drop_channel(c, store),
            Err(e) => {
                tracing::warn!(user = %c.user, error = %e, "cannot stop a push channel; it ends at its expiration");
                self.drop_channel(c, store);
            }
        }
    }

    /// Stops the channel of a user the configuration no longer serves, signed in as them
    /// (`channels.stop` is the opener's to call). A service account can still act for them;
    /// an installed-app sign-in cannot, and then the channel is only forgotten (Google ends
    /// it at its expiration, and its notifications are refused as unknown meanwhile).
    async fn stop_departed(&self, google: &GoogleConfig, c: &PushChannel, store: &Mutex<Store>) {
        let transport = Transport::new(google);
        match Clients::connect(&transport, google, &c.user).await {
            Ok(clients) => self.stop(&clients, c, store).await,
            Err(e) => {
                tracing::warn!(user = %c.user, error = %e, "cannot act for a departed user to stop their push channel; it ends at its expiration");
                self.drop_channel(c, store);
            }
        }
    }

    /// Forgets a channel here and in the store.
    fn drop_channel(&self, c: &PushChannel, store: &Mutex<Store>) {
        self.forget_channel(&c.channel_id);
        crate::metrics::global()
            .push
            .channel_closed(&c.user, &c.resource);
        if let Err(e) = super::lock(store).remove_push_channel(&c.channel_id) {
            tracing::warn!(user = %c.user, error = %e, "cannot forget a push channel");
        }
    }

    /// Stops every channel of the served users (on shutdown), `concurrency` at a time so a
    /// large deployment still exits promptly (a second signal aborts it anyway).
    pub async fn stop_all(&self, clients: &[Clients], store: &Mutex<Store>, concurrency: usize) {
        use futures_util::stream::{self, StreamExt};
        let stored = match super::lock(store).push_channels() {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the push channels to stop them");
                return;
            }
        };
        let stops = stored.iter().filter_map(|c| {
            let clients = clients.iter().find(|cl| cl.user == c.user)?;
            Some(self.stop(clients, c, store))
        });
        stream::iter(stops)
            .buffer_unordered(concurrency.max(1))
            .collect::<Vec<()>>()
            .await;
        self.set_healthy(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn channel(lifetime: chrono::Duration) -> PushChannel {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .expect("date");
        PushChannel {
            channel_id: "c".into(),
            user: "u".into(),
            resource: CALENDAR.into(),
            resource_id: "r".into(),
            token: "t".into(),
            expires_at: at + lifetime,
            created_at: at,
        }
    }

    #[test]
    fn the_renew_margin_spans_two_fallback_polls_but_never_half_a_lifetime() {
        let half_hour = Duration::from_secs(1800);
        let week = channel(chrono::Duration::days(7));
        assert_eq!(renew_margin(half_hour, &week), chrono::Duration::hours(2));
        let hour = channel(chrono::Duration::hours(1));
        assert_eq!(
            renew_margin(half_hour, &hour),
            chrono::Duration::minutes(30)
        );
    }
}
