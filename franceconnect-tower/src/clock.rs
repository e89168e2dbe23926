//! The wall clock, in the Unix seconds that tokens and pending logins use.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Now, in Unix seconds.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// How long ago a Unix time was (zero if in the future).
pub(crate) fn age(created_at: i64) -> Duration {
    Duration::from_secs(now().saturating_sub(created_at).max(0) as u64)
}
