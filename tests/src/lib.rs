//! Shared harness for the workspace's end-to-end tests: the mock provider
//! paired with an engine ([`pair`]), a cookie-keeping [`Browser`], and the
//! scenario suite every web adapter must pass ([`scenarios`]).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod attacks;
mod browser;
pub mod chromium;
mod engine;
pub mod hostile;
pub mod journeys;
mod process;
pub mod redis_scenarios;
mod redis_server;
pub mod scenarios;

pub use browser::{Browser, Page};
pub use engine::*;
pub use process::*;
pub use redis_server::RedisServer;
