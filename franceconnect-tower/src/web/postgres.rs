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
//! - the table holds a SHA-256 of each session id, not the id: a copy of the
//!   database does not hold the cookies that would open the sessions;
//! - every statement gives up after a time limit (2 s by default), so that
//!   a database that hangs gives a clean error, not a hung request.
//!
//! The table, created by [`PostgresSessions::migrate`] (the SQL is
//! [`PostgresSessions::migration_sql`]):
//!
//! ```sql
//! CREATE TABLE IF NOT EXISTS franceconnect_sessions (
//!     id_hash    bytea PRIMARY KEY,   -- SHA-256 of the session id
//!     data       bytea NOT NULL,      -- the session's data (JSON)
//!     expires_at timestamptz NOT NULL
//! );
//! CREATE INDEX IF NOT EXISTS franceconnect_sessions_expires_at
//!     ON franceconnect_sessions (expires_at);
//! ```

use std::future::Future;
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::PgPool;

/// The default table name.
pub const DEFAULT_SESSION_TABLE: &str = "franceconnect_sessions";

/// How long a statement may take by default before it is abandoned.
pub const DEFAULT_STATEMENT_LIMIT: Duration = Duration::from_secs(2);

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
        "PostgreSQL session store: `{0}` is not a valid table name (letters, digits and `_`, \
         optionally `schema.table`, at most 63 characters each)"
    )]
    InvalidTableName(String),
}

/// A session table in PostgreSQL, over an `sqlx` pool.
///
/// ```no_run
/// use franceconnect_tower::web::PostgresSessions;
/// use std::time::Duration;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = franceconnect_tower::web::sqlx::postgres::PgPoolOptions::new()
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
                "SELECT data, extract(epoch FROM expires_at)::float8 FROM {table} \
                 WHERE id_hash = $1 AND expires_at > now()"
            ),
            delete: format!("DELETE FROM {table} WHERE id_hash = $1"),
            delete_expired: format!("DELETE FROM {table} WHERE expires_at <= now()"),
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
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSession {
    /// The session's data, as the adapter wrote it.
    pub data: Vec<u8>,
    /// When it expires, in seconds since the Unix epoch.
    pub expires_at_unix: f64,
}

fn id_hash(id: &str) -> Vec<u8> {
    Sha256::digest(id.as_bytes()).to_vec()
}

fn seconds(ttl: Duration) -> f64 {
    ttl.as_secs_f64()
}

/// `name` or `schema.name`, each a plain identifier (quoted in the SQL).
fn quoted_table_name(name: &str) -> Result<String, PostgresSessionsError> {
    let plain = |part: &str| {
        !part.is_empty()
            && part.len() <= 63
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
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

    /// Runs `statement` (the insert or the update) for one session; true
    /// when it wrote its row.
    async fn write(
        &self,
        statement: &str,
        id: &str,
        data: &[u8],
        ttl: Duration,
    ) -> Result<bool, PostgresSessionsError> {
        self.limited(async {
            let done = sqlx::query(statement)
                .bind(id_hash(id))
                .bind(data)
                .bind(seconds(ttl))
                .execute(&self.pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    /// Pushes back a live session's expiry to `ttl` from now.
    pub async fn extend(&self, id: &str, ttl: Duration) -> Result<bool, PostgresSessionsError> {
        self.limited(async {
            let done = sqlx::query(&self.statements.extend)
                .bind(id_hash(id))
                .bind(seconds(ttl))
                .execute(&self.pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    /// A live session.
    pub async fn load(&self, id: &str) -> Result<Option<StoredSession>, PostgresSessionsError> {
        self.limited(async {
            let row: Option<(Vec<u8>, f64)> = sqlx::query_as(&self.statements.load)
                .bind(id_hash(id))
                .fetch_optional(&self.pool)
                .await?;
            Ok(row.map(|(data, expires_at_unix)| StoredSession { data, expires_at_unix }))
        })
        .await
    }

    /// Deletes a session.
    pub async fn delete(&self, id: &str) -> Result<(), PostgresSessionsError> {
        self.limited(async {
            sqlx::query(&self.statements.delete)
                .bind(id_hash(id))
                .execute(&self.pool)
                .await?;
            Ok(())
        })
        .await
    }

    /// Removes the expired sessions' rows. Returns how many were removed.
    pub async fn delete_expired(&self) -> Result<u64, PostgresSessionsError> {
        self.limited(async {
            let done = sqlx::query(&self.statements.delete_expired).execute(&self.pool).await?;
            Ok(done.rows_affected())
        })
        .await
    }

    /// Runs [`delete_expired`](Self::delete_expired) every `period` on the
    /// current Tokio runtime, logging failures, until the returned task is
    /// aborted. Every instance may run one: the deletions do not conflict.
    pub fn spawn_cleanup(&self, period: Duration) -> tokio::task::JoinHandle<()> {
        let sessions = self.clone();
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
        for bad in ["", "a.b.c", "x; DROP TABLE y", "\"quoted\"", "2fast", "a-b", "é"] {
            assert!(
                matches!(quoted_table_name(bad), Err(PostgresSessionsError::InvalidTableName(_))),
                "{bad:?} must be refused"
            );
        }
        assert!(quoted_table_name(&"a".repeat(64)).is_err());
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
