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
//! | [`AccessToken`] | the user's live access token ([`IssuedAccessToken`]), renewed on ProConnect with `refresh_tokens` | as `User`; `401` when expired and not renewable; signed out when ProConnect refuses the renewal |
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
//! The other side, an API that services call with a user's access token
//! (a FranceConnect data provider, a ProConnect resource server), checks
//! that token with [`resource::RequireBearer`] and [`resource::Bearer`].
//!
//! Several platforms at once (citizens and agents): build the routes with
//! [`AuthRoutes::federation`]
//! instead of `AuthRoutes::new`; everything else is the same (the axum
//! adapter's [guide](https://docs.rs/franceconnect-axum/latest/franceconnect_axum/guide/citizens_and_agents/)
//! shows a whole application).
//!
//! Sessions go through `actix-session`, so an application's existing session
//! setup keeps working; the cookie carries only a session key, the data stay
//! in the store ([`MemorySessionStore`] here, `PostgresSessionStore` with the
//! feature `postgres`, or actix-session's Redis store wrapped in
//! [`NoResurrection`] and [`StoreTimeout`]). [`SessionStoreGuard`], outermost,
//! turns a failing store into a clear `503` page or JSON.
//!
//! The guides are the engine's, for both adapters:
//!
//! | guide | what it covers |
//! |---|---|
//! | [`franceconnect_tower::guide::quickstart`] | the quickstart's pages and settings (`SESSION_KEY`…), the mock provider on its own |
//! | [`franceconnect_tower::guide::registering`] | what to declare in FranceConnect's partner space |
//! | [`franceconnect_tower::guide::proconnect`] | agents and professionals: what differs from FranceConnect |
//! | [`franceconnect_tower::guide::several_instances`] | sessions in Redis ([`NoResurrection`], [`StoreTimeout`]) or PostgreSQL (feature `postgres`) |
//! | [`franceconnect_tower::guide::buttons`], [`pages`](franceconnect_tower::guide::pages) | the login buttons; the pages in English, or your own |
//! | [`franceconnect_tower::guide::sign_in_hook`] | accepting, mapping or refusing each person at sign-in |
//! | [`franceconnect_tower::guide::protecting_routes`] | a group of routes behind one requirement ([`Require`]) |
//! | [`franceconnect_tower::guide::testing`] | testing your application ([`testing`]) |
//! | [`franceconnect_tower::guide::observing`] | spans and metrics (feature `metrics`) |
//! | [`franceconnect_tower::guide::using_the_engine`] | the `FC_*` settings of [`Config::from_env`] |
//! | [`franceconnect_tower::guide::troubleshooting`] | common mistakes, and the platforms' error codes |
//! | [`franceconnect_tower::guide::architecture`], [`security`](franceconnect_tower::guide::security), [`design_notes`](franceconnect_tower::guide::design_notes) | how it is built, and why |
#![cfg_attr(docsrs, feature(doc_cfg))]

mod convert;
mod extractors;
mod middleware;
mod rejection;
mod require;
pub mod resource;
mod routes;
mod session;
mod stores;
pub mod testing;

pub use extractors::{AccessToken, Agent, AgentWithMfa, Citizen, RequireEidas, RequireRecentEidas, User};
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
/// Your application on the embedded mock providers, with no configuration.
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub use franceconnect_tower::mock;
/// The PostgreSQL session table under the PostgreSQL store, and the `sqlx`
/// its pool comes from (feature `postgres`).
#[cfg(feature = "postgres")]
pub use franceconnect_tower::web::adapter::{PostgresSessions, sqlx};
pub use franceconnect_tower::web::{
    AuthContext, AuthRoutes, EnglishPages, ErrorPage, FrenchPages, Pages, SignInDecision, buttons,
};
pub use franceconnect_tower::{
    Acr, AgentIdentity, Birthplace, Config, ConfigBuilder, DataScope, Eidas, EncryptionAlg, Environment, Error,
    FranceConnect, IssuedAccessToken, LoginOptions, PivotIdentity, Platform, Prompt, ReturnTo, Scope, Scopes,
    ServiceKeys, SignedInUser, SigningAlg, TokenEndpointAuth,
};
