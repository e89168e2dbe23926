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
//! | [`AccessToken`] | the user's live access token ([`IssuedAccessToken`]), renewed on ProConnect with `refresh_tokens` | as `User`; `401` when expired and not renewable; signed out when ProConnect refuses the renewal |
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
//! ([`guide::citizens_and_agents`], `examples/axum_citizens_and_agents.rs`).
//!
//! The other side, an API that services call with a user's access token
//! (a FranceConnect data provider, a ProConnect resource server), checks
//! that token with [`resource::RequireBearer`] and [`resource::Bearer`]
//! (`examples/resource-server`).
//!
//! The guides (the engine's serve both adapters):
//!
//! | guide | what it covers |
//! |---|---|
//! | [`guide::citizens_and_agents`] | several platforms in one application, citizens and agents, with its example |
//! | [`franceconnect_tower::guide::quickstart`] | the quickstart's pages and settings, the mock provider on its own |
//! | [`franceconnect_tower::guide::registering`] | what to declare in FranceConnect's partner space |
//! | [`franceconnect_tower::guide::proconnect`] | agents and professionals: what differs from FranceConnect |
//! | [`franceconnect_tower::guide::several_instances`] | sessions in Redis or PostgreSQL (feature `postgres`) |
//! | [`franceconnect_tower::guide::buttons`], [`pages`](franceconnect_tower::guide::pages) | the login buttons; the pages in English, or your own |
//! | [`franceconnect_tower::guide::sign_in_hook`] | accepting, mapping or refusing each person at sign-in |
//! | [`franceconnect_tower::guide::protecting_routes`] | a group of routes behind one requirement ([`Require`]) |
//! | [`franceconnect_tower::guide::testing`] | testing your application ([`testing`]) |
//! | [`franceconnect_tower::guide::observing`] | spans and metrics (feature `metrics`) |
//! | [`franceconnect_tower::guide::using_the_engine`] | the `FC_*` settings of [`Config::from_env`] |
//! | [`franceconnect_tower::guide::troubleshooting`] | common mistakes, and the platforms' error codes |
//! | [`franceconnect_tower::guide::architecture`], [`security`](franceconnect_tower::guide::security), [`design_notes`](franceconnect_tower::guide::design_notes) | how it is built, and why |
#![cfg_attr(docsrs, feature(doc_cfg))]

mod extractors;
pub mod guide;
mod rejection;
mod require;
pub mod resource;
mod router;
pub mod testing;

pub use extractors::{AccessToken, Agent, AgentWithMfa, Citizen, RequireEidas, RequireRecentEidas, User};
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
/// Your application on the embedded mock providers, with no configuration.
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use franceconnect_tower::mock;
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
    Acr, AgentIdentity, Birthplace, Config, ConfigBuilder, DataScope, Eidas, EncryptionAlg, Environment, Error,
    FranceConnect, IssuedAccessToken, LoginOptions, PivotIdentity, Platform, Prompt, ReturnTo, Scope, Scopes,
    ServiceKeys, SignedInUser, SigningAlg, TokenEndpointAuth,
};
