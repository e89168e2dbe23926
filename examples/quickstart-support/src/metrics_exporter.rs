//! `METRICS_BIND`: the engine's metrics (`franceconnect_tower::metrics`) in
//! Prometheus' text format, on an address of their own (`GET /metrics`),
//! apart from the app's: for the scraper on the internal network, never
//! for visitors. Without the variable, no recorder is installed and the
//! engine's recording costs next to nothing.

use std::net::SocketAddr;

use franceconnect_tower::metrics::PROVIDER_REQUEST_DURATION;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

use crate::Settings;

/// The buckets of the provider's response times, in seconds: from a
/// loopback mock (a millisecond) to the engine's HTTP timeout (10 s by
/// default), as a Prometheus histogram rather than the exporter's default
/// summary, so that several instances' can be added up.
const PROVIDER_LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// With `METRICS_BIND`, installs the Prometheus recorder and serves it
/// there, and returns the address; without it, does nothing. Call it once
/// per process, inside the Tokio runtime (the listener runs on it).
pub fn serve_metrics(settings: &Settings) -> Result<Option<SocketAddr>, String> {
    let Some(addr) = settings.metrics_bind()? else {
        return Ok(None);
    };
    PrometheusBuilder::new()
        .with_http_listener(addr)
        .set_buckets_for_metric(
            Matcher::Full(PROVIDER_REQUEST_DURATION.to_owned()),
            &PROVIDER_LATENCY_BUCKETS,
        )
        .map_err(|e| format!("METRICS_BIND: {e}"))?
        .install()
        .map_err(|e| format!("METRICS_BIND: cannot serve the metrics on {addr}: {e}"))?;
    franceconnect_tower::metrics::describe();
    Ok(Some(addr))
}
