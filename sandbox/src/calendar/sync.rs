//! Sync and page tokens. A sync token names (epoch, calendar, change number): the events of
//! that calendar changed after that number are the increment. Expiring tokens bumps the epoch,
//! so every token issued before is answered with 410 `fullSyncRequired`. A page token names the
//! offset into the (deterministically ordered) result and the change number at the first page,
//! which becomes the `nextSyncToken` of the last page.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::error::CalError;
use super::CalendarState;

/// A decoded sync token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncPoint {
    /// Epoch the token was issued in.
    pub epoch: u64,
    /// Change number the token covers up to (inclusive).
    pub change: u64,
    /// Calendar the token was issued for.
    pub calendar: String,
}

/// A decoded page token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PagePoint {
    /// Index of the first item of the page.
    pub offset: usize,
    /// Change number when the listing started.
    pub snapshot: u64,
}

/// Encodes a sync token.
pub fn encode_sync(p: &SyncPoint) -> String {
    URL_SAFE_NO_PAD.encode(format!("sync:{}:{}:{}", p.epoch, p.change, p.calendar))
}

/// Decodes a sync token; any malformed token is 410 like Google (a full sync fixes it).
pub fn decode_sync(token: &str) -> Result<SyncPoint, CalError> {
    let raw = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| CalError::full_sync_required())?;
    let raw = String::from_utf8(raw).map_err(|_| CalError::full_sync_required())?;
    let mut parts = raw.splitn(4, ':');
    let (Some("sync"), Some(epoch), Some(change), Some(calendar)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(CalError::full_sync_required());
    };
    Ok(SyncPoint {
        epoch: epoch.parse().map_err(|_| CalError::full_sync_required())?,
        change: change.parse().map_err(|_| CalError::full_sync_required())?,
        calendar: calendar.to_string(),
    })
}

/// Encodes a page token.
pub fn encode_page(p: PagePoint) -> String {
    URL_SAFE_NO_PAD.encode(format!("page:{}:{}", p.offset, p.snapshot))
}

/// Decodes a page token (400 `invalid` when malformed).
pub fn decode_page(token: &str) -> Result<PagePoint, CalError> {
    let bad = || CalError::invalid("Invalid pageToken value.");
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = raw.split(':');
    let (Some("page"), Some(offset), Some(snapshot), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    Ok(PagePoint {
        offset: offset.parse().map_err(|_| bad())?,
        snapshot: snapshot.parse().map_err(|_| bad())?,
    })
}

impl CalendarState {
    /// Invalidates every sync token issued so far (`POST /_sandbox/calendar/expire-sync-tokens`).
    pub fn expire_sync_tokens(&mut self) {
        self.token_epoch += 1;
    }

    /// Checks a sync token against the current epoch and calendar.
    pub fn check_sync_token(&self, token: &str, cal: &str) -> Result<SyncPoint, CalError> {
        let p = decode_sync(token)?;
        if p.epoch != self.token_epoch || p.calendar != cal || p.change > self.change_counter {
            return Err(CalError::full_sync_required());
        }
        Ok(p)
    }

    /// The token covering every change so far on `cal`.
    pub fn sync_token_at(&self, cal: &str, change: u64) -> String {
        encode_sync(&SyncPoint {
            epoch: self.token_epoch,
            change,
            calendar: cal.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let p = SyncPoint {
            epoch: 2,
            change: 41,
            calendar: "a@example.com".into(),
        };
        assert_eq!(decode_sync(&encode_sync(&p)), Ok(p));
        assert_eq!(decode_sync("nonsense!").map_err(|e| e.code), Err(410));
        let page = PagePoint {
            offset: 250,
            snapshot: 9,
        };
        assert_eq!(decode_page(&encode_page(page)), Ok(page));
        assert_eq!(
            decode_page(&encode_sync(&SyncPoint {
                epoch: 0,
                change: 0,
                calendar: "x".into()
            }))
            .map_err(|e| e.code),
            Err(400)
        );
    }

    #[test]
    fn expiry_invalidates_earlier_tokens() {
        let mut s = CalendarState::default();
        let t = s.sync_token_at("a@example.com", 0);
        assert!(s.check_sync_token(&t, "a@example.com").is_ok());
        assert!(s.check_sync_token(&t, "b@example.com").is_err());
        s.expire_sync_tokens();
        assert_eq!(
            s.check_sync_token(&t, "a@example.com")
                .map_err(|e| e.reason),
            Err("fullSyncRequired")
        );
    }
}
