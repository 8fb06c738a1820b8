//! Open push channels, one row each (migration 5): what Google was asked to watch for whom,
//! the secret it echoes back, and until when.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::columns::{ts, Ts};
use super::{Result, Store};

/// One open channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushChannel {
    /// Our id for it (`X-Goog-Channel-ID`), a random UUID.
    pub channel_id: String,
    pub user: String,
    /// `calendar` (an `events.watch` on the user's primary calendar).
    pub resource: String,
    /// Google's id of the watched resource, needed to stop the channel.
    pub resource_id: String,
    /// The per-channel secret (`X-Goog-Channel-Token`).
    pub token: String,
    /// Google stops notifying after this.
    pub expires_at: DateTime<Utc>,
    /// When it was opened: with `expires_at`, its lifetime, which sets when to renew.
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Every open channel, all users.
    pub fn push_channels(&self) -> Result<Vec<PushChannel>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT channel_id, user, resource, resource_id, token, expires_at, created_at
                 FROM push_channels ORDER BY user, resource, expires_at",
            )
            .map_err(self.sql_err("read the push channels"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(PushChannel {
                    channel_id: r.get("channel_id")?,
                    user: r.get("user")?,
                    resource: r.get("resource")?,
                    resource_id: r.get("resource_id")?,
                    token: r.get("token")?,
                    expires_at: ts(r, "expires_at")?,
                    created_at: ts(r, "created_at")?,
                })
            })
            .map_err(self.sql_err("read the push channels"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(self.sql_err("read the push channels"))
    }

    /// Records a channel Google opened.
    pub fn add_push_channel(&mut self, c: &PushChannel) -> Result<()> {
        self.write("record a push channel", |tx| {
            tx.prepare_cached(
                "INSERT INTO push_channels
                     (channel_id, user, resource, resource_id, token, expires_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                c.channel_id,
                c.user,
                c.resource,
                c.resource_id,
                c.token,
                Ts(c.expires_at),
                Ts(c.created_at)
            ])
            .map(drop)
        })
    }

    /// Forgets a channel (stopped, or expired). A no-op when unknown.
    pub fn remove_push_channel(&mut self, channel_id: &str) -> Result<()> {
        self.write("forget a push channel", |tx| {
            tx.prepare_cached("DELETE FROM push_channels WHERE channel_id = ?1")?
                .execute(params![channel_id])
                .map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn channels_are_kept_and_forgotten() {
        let mut s = Store::open_in_memory().expect("store");
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .expect("date");
        let c = PushChannel {
            channel_id: "c1".into(),
            user: "alice@example.com".into(),
            resource: "calendar".into(),
            resource_id: "r1".into(),
            token: "secret".into(),
            expires_at: at + chrono::Duration::days(7),
            created_at: at,
        };
        s.add_push_channel(&c).expect("add");
        assert_eq!(s.push_channels().expect("read"), vec![c.clone()]);
        assert!(s.add_push_channel(&c).is_err(), "ids are unique");
        s.remove_push_channel("c1").expect("remove");
        assert!(s.push_channels().expect("read").is_empty());
        s.remove_push_channel("c1").expect("unknown is a no-op");
    }
}
