//! A session store wrapper whose updates never bring a deleted session back.
//!
//! actix-session's Redis store updates with `SET … XX`; when the key is
//! gone (a logout deleted it while this request ran, or it expired), it
//! falls back to saving the whole state under a *new* key, and the cookie
//! follows. A request that finishes just after `POST /auth/logout` would
//! then sign the user back in. [`NoResurrection`] keeps the engine's rule
//! instead (the same as the in-memory stores'): a save for a deleted
//! session is dropped, and the cookie keeps naming the dead session.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;

/// Wraps a store (e.g. `actix_session::storage::RedisSessionStore`) so that
/// `update` on a deleted session stores nothing.
#[derive(Clone, Debug)]
pub struct NoResurrection<S> {
    inner: S,
}

impl<S> NoResurrection<S> {
    /// `inner`, with updates that never re-create a deleted session.
    pub fn new(inner: S) -> Self {
        Self { inner }
    }
}

impl<S: SessionStore> SessionStore for NoResurrection<S> {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        self.inner.load(key).await
    }

    async fn save(&self, state: HashMap<String, String>, ttl: &Duration) -> Result<SessionKey, SaveError> {
        self.inner.save(state, ttl).await
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let original = key.as_ref().to_owned();
        let stored = self.inner.update(key, state, ttl).await?;
        if stored.as_ref() == original {
            return Ok(stored);
        }
        // The inner store re-created the session under a new key: undo it.
        tracing::info!("a save for a session deleted meanwhile was dropped");
        self.inner.delete(&stored).await.map_err(UpdateError::Other)?;
        SessionKey::try_from(original).map_err(|e| UpdateError::Other(anyhow::anyhow!("{e}")))
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        self.inner.update_ttl(key, ttl).await
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        self.inner.delete(key).await
    }
}
