//! Push notifications (issue 12): one Calendar `events.watch` channel per served calendar and
//! one Drive `changes.watch` channel per user's change list, notifications on `POST /notify`,
//! and "sync this user now" for the loop (for Drive: and ask the change list now, debounce or
//! not, so an edited doc is re-harvested without waiting).
//!
//! * [`channels`] — opening, renewing and stopping the channels, kept in the store
//!   (`push_channels`) because they outlive the process;
//! * this file — what `/notify` decides ([`Push::receive`]) and how the loop learns of it.
//!
//! Every channel has its own random secret, which Google echoes in `X-Goog-Channel-Token`. A
//! notification for an unknown channel or with the wrong token is refused and changes nothing:
//! anyone can POST to a public address. An accepted `sync` or `exists` message marks the user
//! pending and wakes the loop; notifications that arrive while a pass runs, or in a burst,
//! collect in one set, so a burst costs one sync per user.

pub mod channels;

use crate::config::PushConfig;
use crate::reconcile::QuietUsers;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use subtle::ConstantTimeEq;
use tokio::sync::Notify;

/// What `/notify` knows of one open channel.
#[derive(Debug, Clone)]
struct Known {
    user: String,
    token: String,
    /// `calendar` or `drive`.
    resource: String,
}

/// The headers of one notification (Calendar's push guide: `X-Goog-Channel-ID`,
/// `X-Goog-Channel-Token`, `X-Goog-Resource-State`, …).
#[derive(Debug, Default, Clone)]
pub struct Notification {
    pub channel_id: Option<String>,
    pub token: Option<String>,
    pub resource_state: Option<String>,
}

/// Why a notification was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No `X-Goog-Channel-ID`: not a Google notification.
    #[error("not a push notification: no X-Goog-Channel-ID")]
    Malformed,
    /// No `X-Goog-Channel-Token`: every channel we open has one.
    #[error("no channel token")]
    MissingToken,
    /// A channel this daemon did not open, or one it stopped.
    #[error("unknown channel")]
    UnknownChannel,
    /// The token does not match the channel's.
    #[error("wrong channel token")]
    BadToken,
}

impl Refusal {
    /// The metric label (`push_notifications_total{outcome}`).
    pub fn label(&self) -> &'static str {
        match self {
            Refusal::Malformed => "malformed",
            Refusal::MissingToken | Refusal::BadToken => "bad_token",
            Refusal::UnknownChannel => "unknown_channel",
        }
    }
}

/// The push state shared by the loop, the channel keeper and `/notify`.
pub struct Push {
    pub(crate) config: PushConfig,
    /// Channel id → its user and secret: what `/notify` checks, in step with the store.
    known: Mutex<HashMap<String, Known>>,
    /// Users notified since the loop last took them.
    pending: Mutex<BTreeSet<String>>,
    /// Wakes the loop; a notification while it is busy leaves a permit, so none is lost.
    wake: Notify,
    /// Whether every served user had a live channel after the last upkeep: the loop polls at
    /// `push.fallback_poll` then, at `daemon.poll_interval` otherwise.
    healthy: std::sync::atomic::AtomicBool,
}

impl Push {
    pub fn new(config: PushConfig) -> Push {
        Push {
            config,
            known: Mutex::new(HashMap::new()),
            pending: Mutex::new(BTreeSet::new()),
            wake: Notify::new(),
            healthy: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Judges one notification. An accepted `sync` or `exists` makes the user's next pass
    /// whole ([`QuietUsers::forget`]), marks them pending and wakes the loop; any other state
    /// is acknowledged and ignored. A refusal changes nothing.
    pub fn receive(&self, n: &Notification, quiet: &QuietUsers) -> Result<(), Refusal> {
        let id = n.channel_id.as_deref().ok_or(Refusal::Malformed)?;
        let token = n.token.as_deref().ok_or(Refusal::MissingToken)?;
        let (user, resource) = {
            let known = lock(&self.known);
            let channel = known.get(id).ok_or(Refusal::UnknownChannel)?;
            // Constant time: how much of a guess matched must not show in the answer's timing.
            if !bool::from(channel.token.as_bytes().ct_eq(token.as_bytes())) {
                return Err(Refusal::BadToken);
            }
            (channel.user.clone(), channel.resource.clone())
        };
        // Calendar says `exists` for a change, Drive's change list `change`; both begin with
        // `sync` when the channel opens. A calendar `sync` syncs now: a change between the
        // pass's last list and the channel's start sends no message. Drive's `sync` only marks
        // the change list to be asked on the next pass, whenever that is: the daemon's own
        // position in the list misses nothing, and the doc work it feeds is not urgent.
        match (resource.as_str(), n.resource_state.as_deref()) {
            (channels::CALENDAR, Some("sync" | "exists")) => quiet.forget(&user),
            (channels::DRIVE, Some("change")) => quiet.drive_changed(&user),
            (channels::DRIVE, Some("sync")) => {
                quiet.drive_changed(&user);
                return Ok(());
            }
            _ => return Ok(()),
        }
        lock(&self.pending).insert(user);
        self.wake.notify_one();
        Ok(())
    }

    /// The users notified since the last call, leaving none.
    pub fn take_pending(&self) -> BTreeSet<String> {
        std::mem::take(&mut *lock(&self.pending))
    }

    /// Resolves at the next notification (at once when one came since the last time).
    pub async fn notified(&self) {
        self.wake.notified().await;
    }

    /// Whether the slow fallback poll applies.
    pub fn healthy(&self) -> bool {
        self.healthy.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn set_healthy(&self, healthy: bool) {
        self.healthy
            .store(healthy, std::sync::atomic::Ordering::Relaxed);
    }

    fn know(&self, channel_id: &str, user: &str, token: &str, resource: &str) {
        lock(&self.known).insert(
            channel_id.to_string(),
            Known {
                user: user.to_string(),
                token: token.to_string(),
                resource: resource.to_string(),
            },
        );
    }

    fn forget_channel(&self, channel_id: &str) {
        lock(&self.known).remove(channel_id);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A fresh channel secret: 32 random bytes as hex (Google allows 256 characters).
fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
