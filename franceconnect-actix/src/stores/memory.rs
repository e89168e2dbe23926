//! An in-memory `actix_session` store, for development and single-instance
//! services (actix-session ships none), on the engine's
//! [`MemorySessions`] (the same rules as the tower side): expired sessions
//! are never served and are swept, and a save for a session deleted
//! meanwhile is dropped, so that a request racing with a logout cannot
//! sign the user back in. Data stay on the server; the cookie holds only a
//! random key.

use std::collections::HashMap;
use std::time::Instant;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use franceconnect_tower::web::adapter::MemorySessions;

type State = HashMap<String, String>;

/// Sessions in memory, each with its own expiry.
#[derive(Clone, Default)]
pub struct MemorySessionStore {
    sessions: MemorySessions<String, State>,
}

impl std::fmt::Debug for MemorySessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemorySessionStore")
            .field("sessions", &self.len())
            .finish()
    }
}

impl MemorySessionStore {
    /// The number of sessions held (expired ones included until swept).
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    /// True when no session is stored.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
}

fn expires_at(ttl: &Duration) -> Instant {
    Instant::now() + std::time::Duration::from_secs(ttl.whole_seconds().max(0) as u64)
}

/// A random session key: 256 bits, URL-safe base64.
pub(crate) fn new_key() -> Result<String, anyhow::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

pub(crate) fn session_key(key: String) -> Result<SessionKey, anyhow::Error> {
    SessionKey::try_from(key).map_err(|e| anyhow::anyhow!("{e}"))
}

impl SessionStore for MemorySessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        Ok(self.sessions.load(key.as_ref()))
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        // Draw the key before taking the lock: randomness can fail.
        let mut first = Some(new_key().map_err(SaveError::Other)?);
        let key = self.sessions.create(
            expires_at(ttl),
            || first.take().unwrap_or_else(|| new_key().unwrap_or_default()),
            |_| state,
        );
        session_key(key).map_err(SaveError::Other)
    }

    async fn update(&self, key: SessionKey, state: State, ttl: &Duration) -> Result<SessionKey, UpdateError> {
        // Dropped when the session was deleted meanwhile (see MemorySessions):
        // the cookie then names no session and the next request starts afresh.
        self.sessions.update(key.as_ref(), state, expires_at(ttl));
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        self.sessions.extend(key.as_ref(), expires_at(ttl));
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        self.sessions.delete(key.as_ref());
        Ok(())
    }
}
