//! The harness the scenarios run on, and nothing they assert: the app under
//! test and its starters ([`app`]), a cookie-keeping HTTP [`Browser`], a
//! headless [`Chromium`], quickstart binaries as processes ([`process`]), a
//! real Redis ([`RedisServer`]) or PostgreSQL ([`PostgresServer`]) and
//! several instances sharing it ([`Cluster`]), and the engine paired with
//! the mock provider ([`engine`]). Every child process (a server, a
//! quickstart) runs as a [`Process`]: started, waited for, killed at the
//! end.
//!
//! # Tests that need outside services
//!
//! Redis, PostgreSQL and Chromium (with ChromeDriver) are programs of the
//! machine, which a contributor's first `cargo test` may not have. The
//! tests that start one run only with [`SERVICES_VARIABLE`]
//! (`FC_TEST_SERVICES=1`), which `./scripts/test.sh` (and so CI) exports
//! after installing them; without it, each such test begins with
//! [`services_enabled`], which prints one `skipped: needs …` line to stderr,
//! and returns early, passing:
//!
//! ```no_run
//! # use franceconnect_tests::harness::services_enabled;
//! # use franceconnect_tests::RedisServer;
//! if !services_enabled("Redis") {
//!     return;
//! }
//! let redis = RedisServer::start();
//! ```
//!
//! With the variable set, a missing program fails the test, loudly: a run
//! that asked for the services never skips them.

pub mod app;
pub mod browser;
pub mod chromium;
pub mod cluster;
pub mod engine;
pub mod postgres_server;
pub mod process;
pub mod redis_server;
pub mod shared_store;
pub mod spans;

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

/// The environment variable that runs the tests needing Redis, PostgreSQL
/// or Chromium: `FC_TEST_SERVICES=1` runs them, unset (or empty, or `0`)
/// skips them; any other value is refused, so that a typo never skips
/// them.
pub const SERVICES_VARIABLE: &str = "FC_TEST_SERVICES";

/// Whether a test that starts `service` (`"Redis"`, `"PostgreSQL"`,
/// `"Chromium"`) runs: true with `FC_TEST_SERVICES=1`. Otherwise it says
/// so on stderr (`skipped: needs Redis (set FC_TEST_SERVICES=1, …)`), and
/// the test returns early, passing. The one gate of those tests: see the
/// [module's documentation](self).
///
/// # Panics
/// When `FC_TEST_SERVICES` holds another value than `1`, `0` or nothing.
pub fn services_enabled(service: &str) -> bool {
    let value = std::env::var(SERVICES_VARIABLE).unwrap_or_default();
    match value.as_str() {
        "1" => true,
        "" | "0" => {
            eprintln!("skipped: needs {service} (set {SERVICES_VARIABLE}=1, as scripts/test.sh does)");
            false
        }
        other => {
            panic!("{SERVICES_VARIABLE} is {other:?}: set it to 1 to run the tests that need {service}, or unset it")
        }
    }
}
