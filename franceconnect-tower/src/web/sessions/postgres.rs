//! The PostgreSQL session table both adapters' PostgreSQL stores are built
//! on (feature `postgres`), so that they share one table and one set of
//! rules, the same as the in-memory stores':
//!
//! - an expired session is never served, and [`PostgresSessions::delete_expired`]
//!   (run every few minutes by [`PostgresSessions::spawn_cleanup`]) removes
//!   the rows;
//! - a save for a session that was deleted meanwhile is dropped: a request
//!   that was running while the user logged out can never bring the session
//!   — and the signed-in user — back (an `UPDATE`, never an upsert);
//! - the table holds a SHA-256 of each session id, not the id, and each
//!   session's data sealed (AES-256-GCM) under a key derived from its id: a
//!   copy of the database holds neither the cookies that would open the
//!   sessions nor what they hold (tokens, the person's identity);
//! - every operation gives up after a time limit (2 s by default, waiting
//!   for a connection included), so that a database that hangs gives a
//!   clean error, not a hung request; a connection whose statement was
//!   given up on is closed, not put back in the pool.
//!
//! The table, created by [`PostgresSessions::migrate`] (the SQL is
//! [`PostgresSessions::migration_sql`]):
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS franceconnect_sessions (
//!     id_hash    bytea PRIMARY KEY,   -- SHA-256 of the session id
//!     data       bytea NOT NULL,      -- nonce || AES-256-GCM(the session's JSON)
//!     expires_at timestamptz NOT NULL
//! );
//! CREATE INDEX IF NOT EXISTS franceconnect_sessions_expires_at
//!     ON franceconnect_sessions (expires_at);
//! ```

use std::future::Future;
use std::time::Duration;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use sha2::{Digest, Sha256};
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};
use tokio::time::Instant;

/// The default table name.
pub const DEFAULT_SESSION_TABLE: &str = "franceconnect_sessions";

/// How long a statement may take by default before it is abandoned.
pub const DEFAULT_STATEMENT_LIMIT: Duration = Duration::from_secs(2);

/// How many expired rows one cleanup statement removes at most.
pub const CLEANUP_BATCH: i64 = 1000;

/// HKDF's `info` for the keys that seal sessions' data.
const DATA_KEY_INFO: &[u8] = b"franceconnect-rs postgres session data v1";

/// Why a session could not be read or written in PostgreSQL. Its text never
/// holds a session id or session data.
#[derive(Debug, thiserror::Error)]
pub enum PostgresSessionsError {
    /// The database refused or failed the statement (or the connection).
    #[error("PostgreSQL session store: {0}")]
    Database(#[from] sqlx::Error),
    /// The database did not answer within the time limit.
    #[error("PostgreSQL session store: no answer within {0:?}")]
    TimedOut(Duration),
    /// The table name given is not a plain SQL identifier.
    #[error(
        "PostgreSQL session store: `{0}` is not a valid table name (lowercase letters, digits and `_`, \
         not starting with a digit, optionally `schema.table`, at most 63 characters each)"
    )]
    InvalidTableName(String),
}

/// A session table in PostgreSQL, over an `sqlx` pool.
///
/// ```no_run
/// use franceconnect_tower::web::adapter::PostgresSessions;
/// use std::time::Duration;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = franceconnect_tower::web::adapter::sqlx::postgres::PgPoolOptions::new()
///     .acquire_timeout(Duration::from_secs(2))
///     .connect("postgres://app@127.0.0.1/app")
///     .await?;
/// let sessions = PostgresSessions::new(pool);
/// sessions.migrate().await?;
/// sessions.spawn_cleanup(Duration::from_secs(300));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PostgresSessions {
    pool: PgPool,
    table: String,
    limit: Duration,
    statements: Statements,
}

/// The statements, written once for the table.
#[derive(Clone)]
struct Statements {
    insert: String,
    update: String,
    extend: String,
    load: String,
    delete: String,
    delete_expired: String,
}

impl Statements {
    fn for_table(table: &str) -> Self {
        Self {
            insert: format!(
                "INSERT INTO {table} (id_hash, data, expires_at) \
                 VALUES ($1, $2, now() + make_interval(secs => $3)) ON CONFLICT (id_hash) DO NOTHING"
            ),
            update: format!(
                "UPDATE {table} SET data = $2, expires_at = now() + make_interval(secs => $3) \
                 WHERE id_hash = $1 AND expires_at > now()"
            ),
            extend: format!(
                "UPDATE {table} SET expires_at = now() + make_interval(secs => $2) \
                 WHERE id_hash = $1 AND expires_at > now()"
            ),
            load: format!(
                "SELECT data, extract(epoch FROM expires_at)::bigint FROM {table} \
                 WHERE id_hash = $1 AND expires_at > now()"
            ),
            delete: format!("DELETE FROM {table} WHERE id_hash = $1"),
            delete_expired: format!(
                "DELETE FROM {table} WHERE id_hash IN (SELECT id_hash FROM {table} \
                 WHERE expires_at <= now() LIMIT $1 FOR UPDATE SKIP LOCKED)"
            ),
        }
    }
}

impl std::fmt::Debug for PostgresSessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresSessions")
            .field("table", &self.table)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

/// A live session as stored: its data and when it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSession {
    /// The session's data, as the adapter wrote it.
    pub data: Vec<u8>,
    /// When it expires, in whole seconds since the Unix epoch.
    pub expires_at_unix: i64,
}

impl std::fmt::Debug for StoredSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The data hold the signed-in user: their size only.
        f.debug_struct("StoredSession")
            .field("data", &format_args!("{} bytes", self.data.len()))
            .field("expires_at_unix", &self.expires_at_unix)
            .finish()
    }
}

fn id_hash(id: &str) -> Vec<u8> {
    Sha256::digest(id.as_bytes()).to_vec()
}

/// The key that seals a session's data: derived from its id, which only
/// the session's cookie holds (the table has its hash), so that a copy of
/// the table opens no one's data.
fn data_key(id: &str) -> Aes256Gcm {
    let mut key = [0u8; 32];
    hkdf::Hkdf::<Sha256>::new(None, id.as_bytes())
        .expand(DATA_KEY_INFO, &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    Aes256Gcm::new(&key.into())
}

/// `nonce || AES-256-GCM(data)`, under the id's key.
fn seal(id: &str, data: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; 12];
    getrandom::fill(&mut nonce).expect("the operating system's random generator is unavailable");
    let sealed = data_key(id)
        .encrypt(Nonce::from_slice(&nonce), data)
        .expect("AES-GCM encrypts any message of this size");
    let mut stored = nonce.to_vec();
    stored.extend_from_slice(&sealed);
    stored
}

/// The data [`seal`] sealed under `id`, if they open.
fn open(id: &str, stored: &[u8]) -> Option<Vec<u8>> {
    if stored.len() < 12 + 16 {
        return None;
    }
    let (nonce, sealed) = stored.split_at(12);
    data_key(id).decrypt(Nonce::from_slice(nonce), sealed).ok()
}

fn seconds(ttl: Duration) -> f64 {
    ttl.as_secs_f64()
}

/// `name` or `schema.name`, each a plain identifier (quoted in the SQL).
fn quoted_table_name(name: &str) -> Result<String, PostgresSessionsError> {
    let plain = |part: &str| {
        !part.is_empty()
            && part.len() <= 63
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !part.starts_with(|c: char| c.is_ascii_digit())
    };
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() > 2 || !parts.iter().all(|part| plain(part)) {
        return Err(PostgresSessionsError::InvalidTableName(name.to_owned()));
    }
    Ok(parts
        .iter()
        .map(|part| format!("\"{part}\""))
        .collect::<Vec<_>>()
        .join("."))
}

/// The table and its index on `expires_at` (which the cleanup scans),
/// both created only when missing.
fn migration_sql(table: &str) -> String {
    // The index is named after the table, in the table's schema.
    let bare = table.rsplit('.').next().unwrap_or(table).trim_matches('"');
    format!(
        "CREATE TABLE IF NOT EXISTS {table} (\n    \
             id_hash bytea PRIMARY KEY,\n    \
             data bytea NOT NULL,\n    \
             expires_at timestamptz NOT NULL\n\
         );\n\
         CREATE INDEX IF NOT EXISTS \"{bare}_expires_at\" ON {table} (expires_at);\n"
    )
}

impl PostgresSessions {
    /// Sessions in the table `franceconnect_sessions` of `pool`'s database.
    pub fn new(pool: PgPool) -> Self {
        let table = quoted_table_name(DEFAULT_SESSION_TABLE).expect("the default name is valid");
        Self {
            pool,
            statements: Statements::for_table(&table),
            table,
            limit: DEFAULT_STATEMENT_LIMIT,
        }
    }

    /// Another table (`name` or `schema.name`).
    pub fn with_table(mut self, name: &str) -> Result<Self, PostgresSessionsError> {
        self.table = quoted_table_name(name)?;
        self.statements = Statements::for_table(&self.table);
        Ok(self)
    }

    /// How long each statement may take (acquiring a connection included).
    pub fn with_statement_limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// The pool the sessions are kept through.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The SQL that creates the table and its index (idempotent), for a
    /// migration tool of your own.
    pub fn migration_sql(&self) -> String {
        migration_sql(&self.table)
    }

    /// Creates the table and its index when they do not exist. Instances
    /// starting together may run it at once: it is made safe by an
    /// advisory lock.
    pub async fn migrate(&self) -> Result<(), PostgresSessionsError> {
        // One simple query, hence one transaction: two `CREATE … IF NOT
        // EXISTS` at once can still collide in the catalogue, so the
        // statements wait for a lock of their own (released at the end).
        // The table name is a checked identifier: it can be spelt out.
        let script = format!(
            "SELECT pg_advisory_xact_lock(hashtext('franceconnect-sessions:{}'));\n{}",
            self.table.replace('"', ""),
            self.migration_sql()
        );
        self.limited(async {
            sqlx::raw_sql(&script).execute(&self.pool).await?;
            Ok(())
        })
        .await
    }

    async fn limited<T>(
        &self,
        work: impl Future<Output = Result<T, PostgresSessionsError>>,
    ) -> Result<T, PostgresSessionsError> {
        tokio::time::timeout(self.limit, work)
            .await
            .unwrap_or(Err(PostgresSessionsError::TimedOut(self.limit)))
    }

    /// A connection of the pool, waited for until `deadline` at most.
    async fn connection(&self, deadline: Instant) -> Result<PoolConnection<Postgres>, PostgresSessionsError> {
        match tokio::time::timeout_at(deadline, self.pool.acquire()).await {
            Ok(connection) => Ok(connection?),
            Err(_) => Err(PostgresSessionsError::TimedOut(self.limit)),
        }
    }

    /// The outcome of a statement run on `connection` until the deadline.
    /// A statement given up on closes its connection rather than return it
    /// to the pool: the pool would first check it with a ping that waits,
    /// with no limit, on a database that does not answer, and a few hung
    /// pings would hold every connection.
    fn settle<T>(
        &self,
        connection: &mut PoolConnection<Postgres>,
        outcome: Result<Result<T, sqlx::Error>, tokio::time::error::Elapsed>,
    ) -> Result<T, PostgresSessionsError> {
        match outcome {
            Ok(done) => Ok(done?),
            Err(_) => {
                connection.close_on_drop();
                Err(PostgresSessionsError::TimedOut(self.limit))
            }
        }
    }

    /// Stores a new session under `id`, expiring `ttl` from now. Returns
    /// false, storing nothing, when the id is taken.
    pub async fn insert(&self, id: &str, data: &[u8], ttl: Duration) -> Result<bool, PostgresSessionsError> {
        self.write(&self.statements.insert, id, data, ttl).await
    }

    /// Replaces a live session's data and expiry. Returns false, storing
    /// nothing, when the session was deleted (or has expired) meanwhile.
    pub async fn update(&self, id: &str, data: &[u8], ttl: Duration) -> Result<bool, PostgresSessionsError> {
        self.write(&self.statements.update, id, data, ttl).await
    }

    /// Runs `statement` (the insert or the update) for one session, its
    /// data sealed under its id; true when it wrote its row.
    async fn write(
        &self,
        statement: &str,
        id: &str,
        data: &[u8],
        ttl: Duration,
    ) -> Result<bool, PostgresSessionsError> {
        let sealed = seal(id, data);
        let deadline = Instant::now() + self.limit;
        let mut connection = self.connection(deadline).await?;
        let outcome = tokio::time::timeout_at(
            deadline,
            sqlx::query(statement)
                .bind(id_hash(id))
                .bind(sealed)
                .bind(seconds(ttl))
                .execute(&mut *connection),
        )
        .await;
        Ok(self.settle(&mut connection, outcome)?.rows_affected() == 1)
    }

    /// Pushes back a live session's expiry to `ttl` from now.
    pub async fn extend(&self, id: &str, ttl: Duration) -> Result<bool, PostgresSessionsError> {
        let deadline = Instant::now() + self.limit;
        let mut connection = self.connection(deadline).await?;
        let outcome = tokio::time::timeout_at(
            deadline,
            sqlx::query(&self.statements.extend)
                .bind(id_hash(id))
                .bind(seconds(ttl))
                .execute(&mut *connection),
        )
        .await;
        Ok(self.settle(&mut connection, outcome)?.rows_affected() == 1)
    }

    /// A live session. A row that does not open under `id` (written by
    /// something else, or altered) counts as no session.
    pub async fn load(&self, id: &str) -> Result<Option<StoredSession>, PostgresSessionsError> {
        let deadline = Instant::now() + self.limit;
        let mut connection = self.connection(deadline).await?;
        let outcome = tokio::time::timeout_at(
            deadline,
            sqlx::query_as::<_, (Vec<u8>, i64)>(&self.statements.load)
                .bind(id_hash(id))
                .fetch_optional(&mut *connection),
        )
        .await;
        let Some((sealed, expires_at_unix)) = self.settle(&mut connection, outcome)? else {
            return Ok(None);
        };
        let Some(data) = open(id, &sealed) else {
            tracing::warn!("a session row does not open under its id: treated as no session");
            return Ok(None);
        };
        Ok(Some(StoredSession { data, expires_at_unix }))
    }

    /// Deletes a session.
    pub async fn delete(&self, id: &str) -> Result<(), PostgresSessionsError> {
        let deadline = Instant::now() + self.limit;
        let mut connection = self.connection(deadline).await?;
        let outcome = tokio::time::timeout_at(
            deadline,
            sqlx::query(&self.statements.delete)
                .bind(id_hash(id))
                .execute(&mut *connection),
        )
        .await;
        self.settle(&mut connection, outcome)?;
        Ok(())
    }

    /// Removes the expired sessions' rows, [`CLEANUP_BATCH`] at a time
    /// (each batch within the time limit, rows another instance is
    /// deleting skipped), until none is left. Returns how many were removed.
    pub async fn delete_expired(&self) -> Result<u64, PostgresSessionsError> {
        let mut removed = 0;
        loop {
            let deadline = Instant::now() + self.limit;
            let mut connection = self.connection(deadline).await?;
            let outcome = tokio::time::timeout_at(
                deadline,
                sqlx::query(&self.statements.delete_expired)
                    .bind(CLEANUP_BATCH)
                    .execute(&mut *connection),
            )
            .await;
            let batch = self.settle(&mut connection, outcome)?.rows_affected();
            removed += batch;
            if batch < CLEANUP_BATCH as u64 {
                return Ok(removed);
            }
        }
    }

    /// Runs [`delete_expired`](Self::delete_expired) every `period` (at
    /// least a second) on the current Tokio runtime, logging failures,
    /// until the returned task is aborted. Every instance may run one: each
    /// skips the rows another is deleting.
    pub fn spawn_cleanup(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        let sessions = self.clone();
        let period = period.max(Duration::from_secs(1));
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                match sessions.delete_expired().await {
                    Ok(0) => {}
                    Ok(removed) => tracing::debug!(removed, "expired sessions removed"),
                    Err(error) => tracing::warn!(%error, "expired sessions not removed; will try again"),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_plain_identifiers() {
        assert_eq!(quoted_table_name("sessions").unwrap(), "\"sessions\"");
        assert_eq!(
            quoted_table_name("auth.sessions_v2").unwrap(),
            "\"auth\".\"sessions_v2\""
        );
        for bad in [
            "",
            "a.b.c",
            "x; DROP TABLE y",
            "\"quoted\"",
            "2fast",
            "a-b",
            "é",
            "MySessions",
        ] {
            assert!(
                matches!(quoted_table_name(bad), Err(PostgresSessionsError::InvalidTableName(_))),
                "{bad:?} must be refused"
            );
        }
        assert!(quoted_table_name(&"a".repeat(64)).is_err());
    }

    #[test]
    fn data_open_under_their_own_id_only() {
        let sealed = seal("the-id", b"{\"user\":1}");
        assert!(!sealed.windows(4).any(|w| w == b"user"), "sealed, not in clear");
        assert_eq!(open("the-id", &sealed).as_deref(), Some(&b"{\"user\":1}"[..]));
        assert_eq!(open("another-id", &sealed), None);
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert_eq!(open("the-id", &altered), None);
        assert_eq!(open("the-id", b"short"), None);
        assert_ne!(seal("the-id", b"x"), seal("the-id", b"x"), "a fresh nonce each time");
    }

    #[test]
    fn ids_are_stored_hashed() {
        let hash = id_hash("a-session-id");
        assert_eq!(hash.len(), 32);
        assert_ne!(hash, b"a-session-id".to_vec());
        assert_eq!(hash, id_hash("a-session-id"));
    }

    #[test]
    fn the_migration_names_the_table_and_its_index() {
        let table = quoted_table_name("auth.sessions").unwrap();
        let migration = migration_sql(&table);
        assert!(migration.contains("CREATE TABLE IF NOT EXISTS \"auth\".\"sessions\" ("));
        assert!(migration.contains("CREATE INDEX IF NOT EXISTS \"sessions_expires_at\" ON \"auth\".\"sessions\""));
        let sql = Statements::for_table(&table);
        assert!(sql.update.starts_with("UPDATE \"auth\".\"sessions\""));
        assert!(!sql.update.contains("ON CONFLICT"), "a save never re-creates a row");
    }
}
