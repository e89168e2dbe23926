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
//!
//! Features: `tower` (default) for [`web::tower`]; `metrics` records
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
mod identity;
mod jose;
pub mod metrics;
mod protocol;
mod provider;
pub mod web;

#[cfg(any(test, feature = "__private"))]
#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use client::FranceConnect;
pub use config::{
    Config, ConfigBuilder, Environment, InvalidScope, Platform, Prompt, Scope, Scopes, TokenEndpointAuth,
};
pub use error::{
    ClaimsError, ConfigError, DiscoveryError, Error, JoseError, NetworkError, NetworkErrorKind, ProviderError,
    ProviderErrorCode, StateError, TokenExchangeError,
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
pub use protocol::values::{ClientId, ClientSecret, IdTokenHint, InvalidReturnTo, Nonce, ReturnTo, State};
pub use provider::ProviderMetadata;
