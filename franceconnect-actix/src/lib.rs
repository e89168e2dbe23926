//! FranceConnect, FranceConnect+ and ProConnect sign-in for
//! [actix-web](https://docs.rs/actix-web), with the same behaviour as the
//! tower/axum side: both run the engine's routes
//! ([`AuthRoutes`]) and its guard
//! (`franceconnect_tower::web::adapter::Guard`). This crate uses the engine without
//! its `tower` feature: neither `tower` nor `tower-sessions` is compiled in.
//!
//! ```no_run
//! use actix_web::{App, HttpServer, web};
//! use franceconnect_actix::{
//!     AuthRoutes, Config, FranceConnect, FranceConnectMiddleware, MemorySessionStore, SessionStoreGuard, User,
//!     configure, session_middleware,
//! };
//!
//! async fn me(User(user): User) -> String {
//!     format!("connecté au niveau {}", user.acr)
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let routes = AuthRoutes::new(FranceConnect::new(Config::from_env()?));
//! let store = MemorySessionStore::default();
//! let key = actix_web::cookie::Key::generate();
//! HttpServer::new(move || {
//!     App::new()
//!         .route("/me", web::get().to(me))
//!         .configure(configure(routes.clone()))
//!         // Order matters: the last `wrap` runs first; the session must.
//!         .wrap(FranceConnectMiddleware::new(routes.clone()))
//!         .wrap(session_middleware(store.clone(), routes.first_engine().config(), key.clone()))
//!         .wrap(SessionStoreGuard::default())
//! })
//! .bind("127.0.0.1:3000")?
//! .run()
//! .await?;
//! # Ok(()) }
//! ```
//!
//! | extractor | gives | without it |
//! |---|---|---|
//! | [`User`] | the [`SignedInUser`] | browsers go to the login, API clients get `401` |
//! | `Option<User>` | the user, if any | — |
//! | [`Citizen`] | the [`PivotIdentity`] | as `User` (FranceConnect's login when there are several platforms); `403` for an agent, or when the scopes did not give it |
//! | [`Agent`] | the [`AgentIdentity`] (ProConnect) | ProConnect's login; `403` for a citizen |
//! | [`AgentWithMfa`] | an agent who used a second factor | a new ProConnect login asking for one |
//! | [`RequireEidas<L>`] | a user at level `L` or above | a new login at that level (step-up), `403` JSON for API clients |
//! | [`RequireRecentEidas<L, N>`] | a user at level `L` or above who authenticated within `N` minutes | a new login at that level with `prompt=login` |
//!
//! `Option<User>` and `Option<Citizen>` are actix-web's own: any refusal
//! becomes `None`, a missing middleware or missing pivot claims included
//! (axum's answer a `500` or a `403` there). Use them on pages that work
//! either way, and the plain extractors where a user is required.
//!
//! A group of routes can be protected in one place instead:
//! `web::scope("/agents").wrap(Require::agent())`,
//! `Require::level(Eidas::Eidas2)`… (see [`Require`]).
//!
//! Several platforms at once (citizens and agents): build the routes with
//! [`AuthRoutes::federation`]
//! instead of `AuthRoutes::new`; everything else is the same.
//!
//! Sessions go through `actix-session`, so an application's existing session
//! setup keeps working; the cookie carries only a session key, the data stay
//! in the store ([`MemorySessionStore`] here, `PostgresSessionStore` with the
//! feature `postgres`, or actix-session's Redis store wrapped in
//! [`NoResurrection`] and [`StoreTimeout`]). [`SessionStoreGuard`], outermost,
//! turns a failing store into a clear `503` page or JSON.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod convert;
mod extractors;
mod middleware;
mod rejection;
mod require;
mod routes;
mod session;
mod stores;
pub mod testing;

pub use extractors::{Agent, AgentWithMfa, Citizen, RequireEidas, RequireRecentEidas, User};
pub use franceconnect_tower;
pub use franceconnect_tower::web::level;
pub use middleware::{FranceConnectMiddleware, FranceConnectMiddlewareService};
pub use rejection::AuthRejection;
pub use require::{Require, RequireService};
pub use routes::configure;
pub use session::session_middleware;
#[cfg(feature = "postgres")]
pub use stores::PostgresSessionStore;
pub use stores::{MemorySessionStore, NoResurrection, SessionStoreGuard, SessionStoreGuardService, StoreTimeout};

// What an application names, importable from this crate alone: the
// engine's configuration and types, the routes, their hook and pages.
/// Counters and histograms of the logins (feature `metrics`).
#[cfg(feature = "metrics")]
pub use franceconnect_tower::metrics;
/// The PostgreSQL session table under the PostgreSQL store, and the `sqlx`
/// its pool comes from (feature `postgres`).
#[cfg(feature = "postgres")]
pub use franceconnect_tower::web::adapter::{PostgresSessions, sqlx};
pub use franceconnect_tower::web::{
    AuthContext, AuthRoutes, EnglishPages, ErrorPage, FrenchPages, Pages, SignInDecision, buttons,
};
pub use franceconnect_tower::{
    Acr, AgentIdentity, Birthplace, Config, ConfigBuilder, Eidas, EncryptionAlg, Environment, Error, FranceConnect, LoginOptions,
    PivotIdentity, Platform, Prompt, ReturnTo, Scopes, ServiceKeys, SignedInUser, SigningAlg, TokenEndpointAuth,
};
