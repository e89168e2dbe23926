//! A `tower-sessions` store in PostgreSQL (features `tower` and `postgres`),
//! on the engine's [`PostgresSessions`] table (the same table and rules as
//! the actix-web side).
//!
//! Why not `tower-sessions-sqlx-store`'s `PostgresStore`: its `save` is an
//! upsert, so a request that finishes just after a logout writes the deleted
//! session back and signs the user in again (`tests/tests/postgres_store.rs`
//! shows it). Here a save is an `UPDATE` of a live row, like the Redis
//! store's `SET … XX`, and the table holds hashed ids and sealed data.

use std::collections::HashMap;

use async_trait::async_trait;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::web::sessions::postgres::{PostgresSessions, PostgresSessionsError};

/// Sessions in PostgreSQL, shared by every instance of the service.
///
/// ```no_run
/// use franceconnect_tower::web::adapter::PostgresSessions;
/// use franceconnect_tower::web::tower::PostgresSessionStore;
/// use std::time::Duration;
///
/// # async fn run(config: &franceconnect_tower::Config) -> Result<(), Box<dyn std::error::Error>> {
/// let pool = franceconnect_tower::web::adapter::sqlx::postgres::PgPoolOptions::new()
///     .acquire_timeout(Duration::from_secs(2))
///     .connect("postgres://app@127.0.0.1/app")
///     .await?;
/// let sessions = PostgresSessions::new(pool);
/// sessions.migrate().await?;
/// sessions.spawn_cleanup(Duration::from_secs(300));
/// let layer = franceconnect_tower::web::tower::session_manager_layer(PostgresSessionStore::new(sessions), config);
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

/// How many ids a new session may draw before giving up.
const ID_DRAWS: usize = 4;

fn backend(error: PostgresSessionsError) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

/// The time left before the record expires (none, if already past).
fn time_left(record: &Record) -> std::time::Duration {
    std::time::Duration::try_from(record.expiry_date - OffsetDateTime::now_utc()).unwrap_or_default()
}

fn encode(record: &Record) -> session_store::Result<Vec<u8>> {
    serde_json::to_vec(&record.data).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for PostgresSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = encode(record)?;
        // The record's own id first, a fresh one while it is taken (128
        // random bits: a second draw never collides in practice).
        for _ in 0..ID_DRAWS {
            if self
                .sessions
                .insert(&record.id.to_string(), &data, time_left(record))
                .await
                .map_err(backend)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(session_store::Error::Backend(
            "no free session id after several draws".into(),
        ))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        // Nothing is written when the session was deleted meanwhile.
        self.sessions
            .update(&record.id.to_string(), &encode(record)?, time_left(record))
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(stored) = self.sessions.load(&id.to_string()).await.map_err(backend)? else {
            return Ok(None);
        };
        let data: HashMap<String, serde_json::Value> =
            serde_json::from_slice(&stored.data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(stored.expires_at_unix)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.sessions.delete(&id.to_string()).await.map_err(backend)
    }
}
