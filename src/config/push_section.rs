//! `[push]`: Calendar push notifications instead of polling (issue 12).
//!
//! Google delivers notifications only to HTTPS addresses with a valid certificate (Calendar's
//! push guide); plain HTTP is accepted only on loopback, which is where the sandbox delivers.

use std::time::Duration;

use url::Url;

use super::checker::{within, Checker};
use super::schema::RawPush;
use super::{ConfigError, PushConfig};

/// A lost notification costs at most this much delay while push is healthy: a day has 48 such
/// polls per user instead of 1,440 at the one-minute poll.
const DEFAULT_FALLBACK_POLL: Duration = Duration::from_secs(30 * 60);

pub(super) fn push(
    c: &Checker,
    p: Option<RawPush>,
    poll_interval: Duration,
) -> Result<Option<PushConfig>, ConfigError> {
    let Some(p) = p else {
        return Ok(None);
    };
    let text = p.address.ok_or_else(|| {
        c.invalid(
            "push.address",
            "missing: give the public HTTPS base URL at which Google reaches this daemon's \
             listener (e.g. \"https://oneonone.example.com\"; POST /notify is appended), or \
             remove [push] to poll",
        )
    })?;
    let address = Url::parse(&text)
        .ok()
        .filter(|u| u.query().is_none() && u.fragment().is_none() && u.has_host())
        .ok_or_else(|| {
            c.invalid(
                "push.address",
                format!(
                    "\"{text}\" is not an absolute URL without query or fragment; write e.g. \
                     \"https://oneonone.example.com\" or \"https://example.com/oneonone\""
                ),
            )
        })?;
    let loopback = match address.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match address.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(c.invalid(
                "push.address",
                format!(
                    "\"{text}\": Google delivers push notifications only to https:// addresses \
                     with a valid certificate; put a TLS reverse proxy in front of the listener \
                     (README, \"Running at scale\"). Plain http:// is accepted only on loopback, \
                     for the sandbox"
                ),
            ))
        }
    }
    let fallback_poll = p.fallback_poll.unwrap_or(DEFAULT_FALLBACK_POLL);
    within(
        c,
        "push.fallback_poll",
        fallback_poll,
        Duration::from_secs(1),
        Duration::from_secs(24 * 3600),
    )?;
    if fallback_poll < poll_interval {
        return Err(c.invalid(
            "push.fallback_poll",
            format!(
                "\"{}\" is shorter than daemon.poll_interval (\"{}\"): the fallback poll is the \
                 slow poll used while push works; raise it (default 30m) or lower poll_interval",
                humantime_serde::re::humantime::format_duration(fallback_poll),
                humantime_serde::re::humantime::format_duration(poll_interval)
            ),
        ));
    }
    let mut notify = address;
    if !notify.path().ends_with('/') {
        let path = format!("{}/", notify.path());
        notify.set_path(&path);
    }
    let notify = notify.join("notify").map_err(|e| {
        c.invalid(
            "push.address",
            format!("\"{text}\": cannot append notify: {e}"),
        )
    })?;
    Ok(Some(PushConfig {
        notify_url: notify,
        fallback_poll,
    }))
}
