//! FranceConnect, FranceConnect+ and ProConnect sign-in for
//! [axum](https://docs.rs/axum).
//!
//! One call mounts the routes (`/auth/login`, `/auth/callback`,
//! `POST /auth/logout`, `/auth/logout/callback`, `/auth/jwks`) and the
//! session; extractors give handlers the signed-in user:
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use franceconnect_axum::{
//!     Citizen, Config, FranceConnect, FranceConnectRouterExt, MemorySessionStore, RequireEidas, User,
//!     level::Substantial,
//! };
//!
//! async fn home(user: Option<User>) -> String {
//!     match user {
//!         Some(User(u)) => format!("connecté ({})", u.acr),
//!         None => "<a href=\"/auth/login\">S'identifier avec FranceConnect</a>".into(),
//!     }
//! }
//! async fn me(Citizen(id): Citizen) -> String {
//!     format!("{} {}", id.given_name, id.family_name)
//! }
//! async fn vault(RequireEidas(user, ..): RequireEidas<Substantial>) -> String {
//!     format!("niveau {}", user.acr)
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let fc = FranceConnect::new(Config::from_env()?);
//! let app = Router::new()
//!     .route("/", get(home))
//!     .route("/me", get(me))
//!     .route("/vault", get(vault))
//!     .franceconnect(fc, MemorySessionStore::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
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
//! A group of routes can be protected in one place instead:
//! `.route_layer(Require::agent())`, `Require::level(Eidas::Eidas2)`… (see
//! [`Require`]).
//!
//! Every decision is the engine's [`Guard`](franceconnect_tower::web::adapter::Guard):
//! the actix-web adapter answers exactly alike. The layer
//! ([`FranceConnectRouterExt::franceconnect`]) must wrap the routes that use
//! the extractors: call it after your `.route()` calls. For several
//! platforms at once (citizens and agents), give it
//! [`AuthRoutes::federation`]
//! through [`FranceConnectRouterExt::franceconnect_layer`]
//! (`examples/axum_citizens_and_agents.rs`).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod extractors;
mod rejection;
mod require;
mod router;
pub mod testing;

pub use extractors::{Agent, AgentWithMfa, Citizen, RequireEidas, RequireRecentEidas, User};
pub use franceconnect_tower;
pub use franceconnect_tower::web::level;
/// The session library the layer is built on (0.14): use this one, not a
/// `tower-sessions` of your own, whose version may differ.
pub use franceconnect_tower::web::tower::tower_sessions;
pub use rejection::AuthRejection;
pub use require::{Require, RequireService};
pub use router::FranceConnectRouterExt;

// What an application names, importable from this crate alone: the
// engine's configuration and types, the routes, their hook and pages.
/// Counters and histograms of the logins (feature `metrics`).
#[cfg(feature = "metrics")]
pub use franceconnect_tower::metrics;
/// The PostgreSQL session table under the PostgreSQL store, and the `sqlx`
/// its pool comes from (feature `postgres`).
#[cfg(feature = "postgres")]
pub use franceconnect_tower::web::adapter::{PostgresSessions, sqlx};
#[cfg(feature = "postgres")]
pub use franceconnect_tower::web::tower::PostgresSessionStore;
/// The tower layer and its session stores.
pub use franceconnect_tower::web::tower::{FranceConnectLayer, MemorySessionStore, session_manager_layer};
pub use franceconnect_tower::web::{
    AuthContext, AuthRoutes, EnglishPages, ErrorPage, FrenchPages, Pages, SignInDecision, buttons,
};
pub use franceconnect_tower::{
    Acr, AgentIdentity, Birthplace, Config, ConfigBuilder, Eidas, EncryptionAlg, Environment, Error, FranceConnect, LoginOptions,
    PivotIdentity, Platform, Prompt, ReturnTo, Scopes, ServiceKeys, SignedInUser, SigningAlg, TokenEndpointAuth,
};
