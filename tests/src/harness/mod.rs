//! The harness the scenarios run on, and nothing they assert: the app under
//! test and its starters ([`app`]), a cookie-keeping HTTP [`Browser`], a
//! headless [`Chromium`], quickstart binaries as processes ([`process`]), a
//! real Redis ([`RedisServer`]) or PostgreSQL ([`PostgresServer`]) and
//! several instances sharing it ([`Cluster`]), and the engine paired with
//! the mock provider ([`engine`]).

pub mod app;
pub mod browser;
pub mod chromium;
pub mod cluster;
pub mod engine;
pub mod postgres_server;
pub mod process;
pub mod redis_server;
pub mod shared_store;

pub use app::{AppUnderTest, Quickstart, Starter};
pub use browser::{Browser, Page};
pub use chromium::Chromium;
pub use cluster::{Cluster, LOGIN_COOKIE_SECRET, SESSION_KEY};
pub use postgres_server::PostgresServer;
pub use process::{Process, start_quickstart};
pub use redis_server::RedisServer;
pub use shared_store::{SharedStoreKind, SharedStoreServer};

/// A loopback port free right now (the listener that found it is closed
/// again, so the caller binds it next).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
