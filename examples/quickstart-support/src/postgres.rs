//! Sessions in PostgreSQL (`DATABASE_URL`), the same for both quickstarts:
//! a small pool whose every wait is bounded, the table created at start,
//! and expired rows removed every five minutes.

use std::time::Duration;

use std::str::FromStr;

use franceconnect_tower::web::adapter::PostgresSessions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::redact_url;

/// How long a statement (or the wait for a connection) may take.
const LIMIT: Duration = Duration::from_secs(2);
/// How often expired sessions' rows are removed.
const CLEANUP_EVERY: Duration = Duration::from_secs(300);

/// Connects to `url`, creates the session table when missing and starts
/// removing expired rows (on the current Tokio runtime). Fails clearly when
/// the database cannot be reached at start.
pub async fn postgres_sessions(url: &str) -> Result<PostgresSessions, String> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| format!("DATABASE_URL ({}): {e}", redact_url(url)))?
        // The server gives up too, rather than run on after we did.
        .options([("statement_timeout", LIMIT.as_millis().to_string())]);
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(LIMIT)
        .connect_with(options)
        .await
        .map_err(|e| format!("cannot reach PostgreSQL at {}: {e}", redact_url(url)))?;
    let sessions = PostgresSessions::new(pool).with_statement_limit(LIMIT);
    sessions
        .migrate()
        .await
        .map_err(|e| format!("cannot create the session table at {}: {e}", redact_url(url)))?;
    sessions.spawn_cleanup(CLEANUP_EVERY);
    Ok(sessions)
}
