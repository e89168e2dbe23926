//! A time limit on every session store operation, so that a store that
//! hangs (a paused Redis, a dead network) fails fast instead of holding the
//! request forever.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;

/// Wraps a store (e.g. `actix_session::storage::RedisSessionStore`) and
/// fails any operation that takes longer than the limit.
#[derive(Clone, Debug)]
pub struct StoreTimeout<S> {
    inner: S,
    limit: StdDuration,
}

impl<S> StoreTimeout<S> {
    /// `inner` with a limit on each operation (2 s is a sensible value).
    pub fn new(inner: S, limit: StdDuration) -> Self {
        Self { inner, limit }
    }
}

/// The error of an operation given up at the limit, counted
/// (`franceconnect_session_store_timeouts_total{adapter="actix"}`, with the
/// feature `metrics`).
fn timed_out() -> anyhow::Error {
    franceconnect_tower::web::adapter::session_store_timed_out(
        franceconnect_tower::web::adapter::SessionAdapter::Actix,
    );
    anyhow::anyhow!("the session store did not answer in time")
}

impl<S: SessionStore> SessionStore for StoreTimeout<S> {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        tokio::time::timeout(self.limit, self.inner.load(key))
            .await
            .unwrap_or_else(|_| Err(LoadError::Other(timed_out())))
    }

    async fn save(&self, state: HashMap<String, String>, ttl: &Duration) -> Result<SessionKey, SaveError> {
        tokio::time::timeout(self.limit, self.inner.save(state, ttl))
            .await
            .unwrap_or_else(|_| Err(SaveError::Other(timed_out())))
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        tokio::time::timeout(self.limit, self.inner.update(key, state, ttl))
            .await
            .unwrap_or_else(|_| Err(UpdateError::Other(timed_out())))
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        tokio::time::timeout(self.limit, self.inner.update_ttl(key, ttl))
            .await
            .unwrap_or_else(|_| Err(timed_out()))
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        tokio::time::timeout(self.limit, self.inner.delete(key))
            .await
            .unwrap_or_else(|_| Err(timed_out()))
    }
}
