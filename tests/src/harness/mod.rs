//! The harness the scenarios run on, and nothing they assert: the app under
//! test and its starters ([`app`]), a cookie-keeping HTTP [`Browser`], a
//! headless [`Chromium`], quickstart binaries as processes ([`process`]), a
//! real Redis ([`RedisServer`]) and several instances sharing it
//! ([`Cluster`]), and the engine paired with the mock provider ([`engine`]).

pub mod app;
pub mod browser;
pub mod chromium;
pub mod cluster;
pub mod engine;
pub mod process;
pub mod redis_server;

pub use app::{AppUnderTest, Quickstart, Starter};
pub use browser::{Browser, Page};
pub use chromium::Chromium;
pub use cluster::{Cluster, LOGIN_COOKIE_SECRET, SESSION_KEY};
pub use process::{Process, start_quickstart};
pub use redis_server::RedisServer;
