//! `[http]`: the listener `oneonone run` serves beside its loop (`/healthz`, `/readyz`,
//! `/metrics`, and `/notify` for push).

use std::net::SocketAddr;

use super::checker::Checker;
use super::schema::RawHttp;
use super::{ConfigError, HttpConfig};

/// Loopback, so nothing is exposed until the operator decides to; 9464 is the port Prometheus
/// exporters of this kind conventionally use (OpenTelemetry's Prometheus exporter), free of
/// clashes with the usual web ports.
pub(super) const DEFAULT_LISTEN: &str = "127.0.0.1:9464";

pub(super) fn http(c: &Checker, h: RawHttp) -> Result<HttpConfig, ConfigError> {
    let text = h.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
    let listen: SocketAddr = text.parse().map_err(|_| {
        c.invalid(
            "http.listen",
            format!(
                "\"{text}\" is not an IP address and port; write e.g. \"{DEFAULT_LISTEN}\" \
                 (loopback, the default), \"[::1]:9464\", or \"0.0.0.0:9464\" to listen on every \
                 interface (then put a reverse proxy with TLS in front, see README \"Running at \
                 scale\"); a host name is not accepted"
            ),
        )
    })?;
    Ok(HttpConfig {
        enabled: h.enabled.unwrap_or(true),
        listen,
    })
}
