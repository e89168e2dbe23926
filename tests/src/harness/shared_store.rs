//! The session stores several instances share, as the multi-instance
//! scenarios see them: which one ([`SharedStoreKind`]) and its running
//! server ([`SharedStoreServer`]), a real Redis or a real PostgreSQL.

use super::postgres_server::PostgresServer;
use super::process::Process;
use super::redis_server::RedisServer;

/// Which store the instances share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SharedStoreKind {
    /// Redis (`REDIS_URL`).
    Redis,
    /// PostgreSQL (`DATABASE_URL`).
    Postgres,
}

impl SharedStoreKind {
    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::Redis => "Redis",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// A running store server owned by a test.
pub enum SharedStoreServer {
    /// A `redis-server`.
    Redis(RedisServer),
    /// A `postgres` cluster.
    Postgres(PostgresServer),
}

impl SharedStoreServer {
    /// Starts a server of that kind on a free port.
    pub fn start(kind: SharedStoreKind) -> Self {
        match kind {
            SharedStoreKind::Redis => Self::Redis(RedisServer::start()),
            SharedStoreKind::Postgres => Self::Postgres(PostgresServer::start()),
        }
    }

    /// The setting that points an app at it (`REDIS_URL` or `DATABASE_URL`).
    pub fn setting(&self) -> (&'static str, String) {
        match self {
            Self::Redis(redis) => ("REDIS_URL", redis.url()),
            Self::Postgres(postgres) => ("DATABASE_URL", postgres.url()),
        }
    }

    /// How many sessions it holds (Redis keys, or rows of the session table).
    pub fn session_count(&self) -> usize {
        match self {
            Self::Redis(redis) => redis.key_count(),
            Self::Postgres(postgres) => postgres.session_count(),
        }
    }

    /// Forgets every session while running, as an eviction, a `FLUSHALL`
    /// or an operator's `DELETE` would: the browsers keep their cookies.
    pub fn forget_sessions(&self) {
        match self {
            Self::Redis(redis) => redis.flush_all(),
            Self::Postgres(postgres) => {
                postgres.query("DELETE FROM franceconnect_sessions");
            }
        }
    }

    /// Stops it: connections are cut.
    pub fn stop(&mut self) {
        self.process_mut().stop();
    }

    /// Starts it again on the same port (Redis comes back empty,
    /// PostgreSQL with its data).
    pub fn restart(&mut self) {
        self.process_mut().restart();
    }

    /// Freezes it: connections stay open, nothing answers.
    pub fn pause(&self) {
        self.process().pause();
    }

    /// Unfreezes it.
    pub fn resume(&self) {
        self.process().resume();
    }

    fn process(&self) -> &Process {
        match self {
            Self::Redis(redis) => &redis.process,
            Self::Postgres(postgres) => &postgres.process,
        }
    }

    fn process_mut(&mut self) -> &mut Process {
        match self {
            Self::Redis(redis) => &mut redis.process,
            Self::Postgres(postgres) => &mut postgres.process,
        }
    }
}
