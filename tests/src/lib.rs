//! Shared code of the workspace's end-to-end tests, in two parts:
//!
//! - the [`harness`]: the app under test and its starters, a cookie-keeping
//!   [`Browser`], headless Chromium, quickstart processes, Redis, PostgreSQL
//!   and multi-instance clusters, the mock provider paired with an engine
//!   ([`pair`]);
//! - the [`scenarios`] every web adapter and quickstart must pass, which
//!   their test files run through the suite macros ([`scenario_suite!`],
//!   [`shared_store_suite!`], [`journey_suite!`], [`binary_suite!`]), each holding
//!   the one list of its scenarios.

pub mod harness;
pub mod scenarios;

pub use harness::engine::*;
pub use harness::{
    AppUnderTest, Browser, Chromium, Cluster, LOGIN_COOKIE_SECRET, Page, PostgresServer, Process, Quickstart,
    RedisServer, SESSION_KEY, SharedStoreKind, Starter, start_quickstart,
};
pub use scenarios::hostile;

/// Every Rust block of the README, compiled as a doc test of this crate
/// (the applications' blocks are `no_run`: they would serve for ever).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The engine's guide to several instances: its PostgreSQL block names
/// `franceconnect_axum` with its feature `postgres`, which this crate has
/// (`franceconnect_tower::guide::several_instances` shows it, and leaves
/// its blocks to this crate).
#[cfg(doctest)]
#[doc = include_str!("../../franceconnect-tower/docs/several-instances.md")]
pub struct SeveralInstancesGuideDoctests;

/// The engine's guide to spans and metrics: its block names
/// `franceconnect_axum` with its feature `metrics`, and
/// `metrics-exporter-prometheus` (`franceconnect_tower::guide::observing`
/// shows it, and leaves its blocks to this crate).
#[cfg(doctest)]
#[doc = include_str!("../../franceconnect-tower/docs/observing.md")]
pub struct ObservingGuideDoctests;
