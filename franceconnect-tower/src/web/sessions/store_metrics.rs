//! What an adapter counts of its session store's failures (the metrics
//! [`SESSION_STORE_FAILURES`](crate::metrics::SESSION_STORE_FAILURES) and
//! [`SESSION_STORE_TIMEOUTS`](crate::metrics::SESSION_STORE_TIMEOUTS)): the
//! adapters call these, applications never do.

/// Which adapter saw a session store failure: the `adapter` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionAdapter {
    /// The tower layer, over `tower-sessions` (`franceconnect-axum`).
    Tower,
    /// `franceconnect-actix`, over `actix-session`.
    Actix,
}

impl SessionAdapter {
    /// The label's value: `tower` or `actix`.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionAdapter::Tower => "tower",
            SessionAdapter::Actix => "actix",
        }
    }
}

/// Counts a session store failure seen by `adapter` (the adapters call it;
/// a no-op without the feature `metrics`).
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub fn session_store_failed(adapter: SessionAdapter) {
    #[cfg(feature = "metrics")]
    metrics::counter!(crate::metrics::SESSION_STORE_FAILURES, "adapter" => adapter.as_str()).increment(1);
}

/// Counts a session store operation given up at its time limit (the
/// adapters call it; a no-op without the feature `metrics`).
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub fn session_store_timed_out(adapter: SessionAdapter) {
    #[cfg(feature = "metrics")]
    metrics::counter!(crate::metrics::SESSION_STORE_TIMEOUTS, "adapter" => adapter.as_str()).increment(1);
}
