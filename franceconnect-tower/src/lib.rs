//! FranceConnect, FranceConnect+ and ProConnect sign-in for Rust services.
//!
//! This crate is the framework-agnostic engine: [`Config`] (platform
//! presets for FranceConnect, FranceConnect+ and ProConnect, builder,
//! environment variables), provider discovery, the
//! provider's key cache, the service's own encryption keys
//! ([`ServiceKeys`]), JWE decryption and JWS verification with strict
//! allow-lists, and the authorization-code flow ([`FranceConnect`]). Its
//! [`web`] module serves the `/auth` routes for any framework — of one
//! platform, or of several side by side ([`web::AuthRoutes::federation`]) —
//! and decides who may see a page; with the default `tower` feature, [`web::tower`]
//! adds a `tower` layer and a `tower-sessions` session. The adapters
//! (`franceconnect-axum`, `franceconnect-actix`) build on it.
//!
//! The guides, one module each in [`guide`]:
//!
//! | guide | what it covers |
//! |---|---|
//! | [`guide::quickstart`] | the quickstart's pages, its settings (`FC_PLATFORMS`, `REDIS_URL`, `DATABASE_URL`, `METRICS_BIND`…), the mock provider on its own |
//! | [`guide::registering`] | what to declare in FranceConnect's partner space, and what the platforms do that a registration must account for |
//! | [`guide::proconnect`] | agents and professionals: what differs from FranceConnect |
//! | [`guide::several_instances`] | sessions in Redis or PostgreSQL, shared by every instance |
//! | [`guide::buttons`] | the platforms' login buttons, and the logout button |
//! | [`guide::pages`] | the routes' pages in English, or your own |
//! | [`guide::sign_in_hook`] | accepting, mapping or refusing each person at sign-in |
//! | [`guide::protecting_routes`] | a group of routes behind one requirement |
//! | [`guide::testing`] | testing your application, without a provider or against the mock |
//! | [`guide::observing`] | the login's `tracing` spans, and its metrics |
//! | [`guide::using_the_engine`] | the flow without the routes, and the `FC_*` settings of [`Config::from_env`] |
//! | [`guide::troubleshooting`] | common mistakes, and the platforms' error codes ([`PLATFORM_CODES`]) |
//! | [`guide::architecture`] | the workspace, the engine's folders, the path of a login, what the tests cover |
//! | [`guide::security`] | the security notes |
//! | [`guide::design_notes`] | the dependencies, and why |
//! | [`franceconnect_axum::guide::citizens_and_agents`](https://docs.rs/franceconnect-axum/latest/franceconnect_axum/guide/citizens_and_agents/) | several platforms in one application, citizens and agents: the axum adapter's guide, with its example |
//! | [operating](https://github.com/franceconnect-rs/franceconnect-rs/blob/main/franceconnect-cli/docs/operating.md) (`franceconnect-cli`) | the service's keys, and `franceconnect doctor` before qualification |
//!
//! The modules, in the order a login goes through them:
//!
//! | module | what it holds |
//! |---|---|
//! | `config` | [`Config`]: platform presets, the builder, environment variables, URL rules, scopes |
//! | `provider` | the HTTP client, cached documents, discovery ([`ProviderMetadata`]), the provider's JWKS |
//! | `jose` | algorithm allow-lists, the service's keys ([`ServiceKeys`]), JWE decryption and JWS verification |
//! | `flow` | [`FranceConnect::begin_login`], the code exchange, the claims checks, the logout |
//! | `identity` | [`PivotIdentity`], [`AgentIdentity`], [`SignedInUser`]; beside it, `eidas` ([`Eidas`], [`Amr`]), `acr` ([`Acr`], [`RequestedAcr`]) and `values` (the protocol's newtypes) |
//! | [`web`] | the routes, the shared guard, responses and pages, the session contract; [`web::tower`] |
//! | [`resource`] | the API side: a data provider (FranceConnect's `checktoken`) or a resource server (ProConnect's introspection) checking the bearer tokens services send it |
//!
//! Features: `tower` (default) for [`web::tower`]; `mock` for
//! `mock::EmbeddedMock`, your application on the embedded mock providers
//! with no configuration; `metrics` records
//! counters and histograms through the `metrics` facade (the table is in
//! [`metrics`]); `__private` exposes internals to the fuzz targets and
//! benchmarks and is not a public API.
//!
//! Each step of a login runs in a `tracing` span (`franceconnect.login.begin`,
//! `franceconnect.login.callback`, `franceconnect.token`,
//! `franceconnect.userinfo`, `franceconnect.revocation`,
//! `franceconnect.logout`) that records its outcome: the platform, the level
//! asked and reached, the [`metrics::error_label`] of a failure and the
//! duration, never a token, a code, a state, a nonce or a claim.
//!
//! Using the flow directly, without the routes:
//!
//! ```no_run
//! use franceconnect_tower::{CallbackParams, Config, FranceConnect, LoginOptions};
//!
//! # async fn run() -> Result<(), franceconnect_tower::Error> {
//! let fc = FranceConnect::new(Config::from_env()?);
//! // GET /auth/login
//! let (url, pending) = fc.begin_login(LoginOptions::default()).await?;
//! // …store `pending` in the session, redirect the browser to `url` (303)…
//! // GET /auth/callback?code=…&state=…&iss=…
//! let user = fc.complete_login(&CallbackParams::from_query("code=…&state=…"), &pending).await?;
//! println!("signed in at {}", user.acr);
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod clock;
mod config;
mod error;
mod flow;
pub mod guide;
mod identity;
mod jose;
pub mod metrics;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod protocol;
mod provider;
pub mod resource;
pub mod web;

#[cfg(any(test, feature = "__private"))]
#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use client::FranceConnect;
pub use config::{
    Config, ConfigBuilder, DataProvider, DataScope, Environment, InvalidScope, Platform, Prompt, Scope, Scopes,
    TokenEndpointAuth,
};
pub use error::{
    AccessTokenError, ClaimsError, ConfigError, DiscoveryError, Error, JoseError, NetworkError, NetworkErrorKind,
    ProviderError, ProviderErrorCode, StateError, TokenExchangeError,
};
pub use flow::{CallbackParams, LoginOptions, PendingLogin, PendingLogout, Registration, Revocation};
pub use identity::{
    AgentIdentity, AgentMatch, AgentRole, BirthDate, Birthplace, CitizenMatchKey, DatePrecision, Gender,
    IdentityProvider, InseeCommune, InseeCountry, KnownIdentityProvider, PivotIdentity, SignedInUser, Siren, Siret,
    UserClaims,
};
pub use jose::{AlgorithmNotAllowed, EncryptionAlg, ServiceKeys, SigningAlg};
pub use protocol::acr::{Acr, RequestedAcr, UnknownAcr};
pub use protocol::eidas::{Amr, Eidas, UnknownEidas};
pub use protocol::platform_codes::{PLATFORM_CODES, PlatformCode, UserAction, lookup as lookup_platform_code};
pub use protocol::values::{
    AccessToken, ClientId, ClientSecret, CodeVerifier, IdTokenHint, InvalidReturnTo, IssuedAccessToken, Nonce,
    ReturnTo, State,
};
pub use provider::ProviderMetadata;
