//! An `actix_session` store in PostgreSQL (feature `postgres`), on the
//! engine's [`PostgresSessions`] table (the same table and rules as the
//! tower side): expired sessions are never served and their rows are
//! removed by [`PostgresSessions::spawn_cleanup`], an update for a session
//! deleted meanwhile writes nothing (no [`NoResurrection`](crate::NoResurrection)
//! needed), every statement has a time limit (no [`StoreTimeout`](crate::StoreTimeout)
//! needed), and the table holds hashed keys and sealed data. The cookie
//! holds only a random 256-bit key.

use std::collections::HashMap;
use std::time::Duration as StdDuration;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use franceconnect_tower::web::adapter::{PostgresSessions, PostgresSessionsError};

use super::memory::{new_key, session_key};

type State = HashMap<String, String>;

/// Sessions in PostgreSQL, shared by every instance of the service.
///
/// ```no_run
/// use actix_session::SessionMiddleware;
/// use actix_web::cookie::Key;
/// use franceconnect_actix::PostgresSessionStore;
/// use franceconnect_tower::web::adapter::PostgresSessions;
/// use std::time::Duration;
///
/// # async fn run(key: Key) -> Result<(), Box<dyn std::error::Error>> {
/// let pool = franceconnect_tower::web::adapter::sqlx::postgres::PgPoolOptions::new()
///     .acquire_timeout(Duration::from_secs(2))
///     .connect("postgres://app@127.0.0.1/app")
///     .await?;
/// let sessions = PostgresSessions::new(pool);
/// sessions.migrate().await?;
/// sessions.spawn_cleanup(Duration::from_secs(300));
/// let store = PostgresSessionStore::new(sessions);
/// // In `HttpServer::new`: `.wrap(SessionMiddleware::new(store.clone(), key.clone()))`.
/// # let _ = SessionMiddleware::new(store, key);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct PostgresSessionStore {
    sessions: PostgresSessions,
}

impl PostgresSessionStore {
    /// A store over `sessions` (whose table exists: see
    /// [`PostgresSessions::migrate`]).
    pub fn new(sessions: PostgresSessions) -> Self {
        Self { sessions }
    }

    /// The table the sessions are kept in.
    pub fn sessions(&self) -> &PostgresSessions {
        &self.sessions
    }
}

fn other(error: PostgresSessionsError) -> anyhow::Error {
    anyhow::Error::new(error)
}

fn ttl_of(ttl: &Duration) -> StdDuration {
    StdDuration::from_secs(ttl.whole_seconds().max(0) as u64)
}

fn encode(state: &State) -> Result<Vec<u8>, anyhow::Error> {
    Ok(serde_json::to_vec(state)?)
}

impl SessionStore for PostgresSessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<State>, LoadError> {
        let Some(stored) = self
            .sessions
            .load(key.as_ref())
            .await
            .map_err(|e| LoadError::Other(other(e)))?
        else {
            return Ok(None);
        };
        serde_json::from_slice(&stored.data)
            .map(Some)
            .map_err(|e| LoadError::Deserialization(e.into()))
    }

    async fn save(&self, state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        let data = encode(&state).map_err(SaveError::Serialization)?;
        // 256 random bits: a second draw never collides in practice.
        for _ in 0..4 {
            let key = new_key().map_err(SaveError::Other)?;
            if self
                .sessions
                .insert(&key, &data, ttl_of(ttl))
                .await
                .map_err(|e| SaveError::Other(other(e)))?
            {
                return session_key(key).map_err(SaveError::Other);
            }
        }
        Err(SaveError::Other(anyhow::anyhow!(
            "no free session key after several draws"
        )))
    }

    async fn update(&self, key: SessionKey, state: State, ttl: &Duration) -> Result<SessionKey, UpdateError> {
        let data = encode(&state).map_err(UpdateError::Serialization)?;
        // Nothing is written when the session was deleted meanwhile: the
        // cookie then names no session and the next request starts afresh.
        self.sessions
            .update(key.as_ref(), &data, ttl_of(ttl))
            .await
            .map_err(|e| UpdateError::Other(other(e)))?;
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        self.sessions.extend(key.as_ref(), ttl_of(ttl)).await.map_err(other)?;
        Ok(())
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        self.sessions.delete(key.as_ref()).await.map_err(other)
    }
}
