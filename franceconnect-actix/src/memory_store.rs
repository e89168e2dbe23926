//! An in-memory `actix_session` store, for development and single-instance
//! services (actix-session ships none). Data stay on the server; the cookie
//! holds only a random key.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use franceconnect_tower::web::USER_KEY;

type State = HashMap<String, String>;

/// Sessions in memory, each with its own expiry; expired sessions are never
/// served and are swept from time to time as new ones are written.
#[derive(Clone, Default)]
pub struct MemorySessionStore {
    sessions: Arc<Mutex<HashMap<String, (State, Instant)>>>,
}

impl std::fmt::Debug for MemorySessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemorySessionStore")
            .field("sessions", &self.len())
            .finish()
    }
}

impl MemorySessionStore {
    /// The number of live sessions.
    pub fn len(&self) -> usize {
        self.sessions.lock().expect("not poisoned").len()
    }

    /// True when no session is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn expiry(ttl: &Duration) -> Instant {
        Instant::now() + std::time::Duration::from_secs(ttl.whole_seconds().max(0) as u64)
    }

    /// Stores `state` under a new random key, dropping expired sessions.
    fn insert_new(
        sessions: &mut HashMap<String, (State, Instant)>,
        state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, anyhow::Error> {
        let key = Self::new_key()?;
        // Sweep expired sessions now and then, not on every write.
        if sessions.len() % 256 == 255 {
            let now = Instant::now();
            sessions.retain(|_, (_, exp)| *exp > now);
        }
        sessions.insert(key.as_ref().to_owned(), (state, Self::expiry(ttl)));
        Ok(key)
    }

    fn new_key() -> Result<SessionKey, anyhow::Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        SessionKey::try_from(URL_SAFE_NO_PAD.encode(bytes)).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

impl SessionStore for MemorySessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        let sessions = self.sessions.lock().expect("not poisoned");
        Ok(sessions
            .get(key.as_ref())
            .filter(|(_, exp)| *exp > Instant::now())
            .map(|(s, _)| s.clone()))
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let mut sessions = self.sessions.lock().expect("not poisoned");
        Self::insert_new(&mut sessions, state, ttl).map_err(SaveError::Other)
    }

    async fn update(&self, key: SessionKey, state: State, ttl: &Duration) -> Result<SessionKey, UpdateError> {
        let mut sessions = self.sessions.lock().expect("not poisoned");
        match sessions.get_mut(key.as_ref()) {
            Some(entry) => {
                *entry = (state, Self::expiry(ttl));
                Ok(key)
            }
            // Deleted meanwhile (a logout, or expiry) while this request ran:
            // keep its data under a new key, but never the signed-in user, so
            // that a request racing with a logout cannot sign the user back in.
            None => {
                let mut state = state;
                state.remove(USER_KEY);
                Self::insert_new(&mut sessions, state, ttl).map_err(UpdateError::Other)
            }
        }
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        if let Some(entry) = self.sessions.lock().expect("not poisoned").get_mut(key.as_ref()) {
            entry.1 = Self::expiry(ttl);
        }
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        self.sessions.lock().expect("not poisoned").remove(key.as_ref());
        Ok(())
    }
}
