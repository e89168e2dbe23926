//! The answers about tokens, reused for a few seconds: keyed by the
//! SHA-256 of the token (never the token itself), a live token's answer
//! for at most the configured time and never past its `exp`, an inactive
//! token's briefly. Concurrent checks of one token share one request
//! (moka's `try_get_with`); failures are not kept.

use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::Expiry;
use moka::future::Cache;
use sha2::{Digest, Sha256};

use super::bearer::BearerToken;
use super::error::ResourceError;
use super::token_info::TokenCheck;

/// The cache key: the token's SHA-256.
pub(crate) type Key = [u8; 32];

/// A cached answer and how long it may be reused.
#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) check: Arc<TokenCheck>,
    pub(crate) ttl: Duration,
}

struct TtlFromEntry;

impl Expiry<Key, Entry> for TtlFromEntry {
    fn expire_after_create(&self, _key: &Key, value: &Entry, _now: Instant) -> Option<Duration> {
        Some(value.ttl)
    }
}

pub(crate) struct AnswerCache {
    cache: Cache<Key, Entry>,
}

impl AnswerCache {
    pub(crate) fn new(capacity: u64) -> Self {
        Self {
            cache: Cache::builder()
                .max_capacity(capacity)
                .expire_after(TtlFromEntry)
                .build(),
        }
    }

    /// The key of `token`.
    pub(crate) fn key(token: &BearerToken) -> Key {
        Sha256::digest(token.secret().as_bytes()).into()
    }

    /// The cached answer for `key`, or the one `fetch` gives (shared by
    /// every concurrent caller), kept for its `ttl` unless zero. The
    /// boolean says whether the answer came from the cache.
    pub(crate) async fn get_or_fetch(
        &self,
        key: Key,
        fetch: impl Future<Output = Result<Entry, ResourceError>>,
    ) -> Result<(Arc<TokenCheck>, bool), ResourceError> {
        if let Some(entry) = self.cache.get(&key).await {
            return Ok((entry.check, true));
        }
        let mut fetched_here = false;
        let entry = self
            .cache
            .try_get_with(key, async {
                fetched_here = true;
                fetch.await
            })
            .await
            .map_err(|e| (*e).clone())?;
        if entry.ttl.is_zero() {
            // Not to be reused: the next check asks again.
            self.cache.invalidate(&key).await;
        }
        Ok((entry.check, !fetched_here))
    }
}
