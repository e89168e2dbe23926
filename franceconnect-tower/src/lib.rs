//! FranceConnect and FranceConnect+ sign-in for Rust services.
//!
//! This crate is the framework-agnostic engine: [`Config`] (platform
//! presets, builder, environment variables), provider discovery, the
//! provider's key cache, the service's own encryption keys
//! ([`ServiceKeys`]), JWE decryption and JWS verification with strict
//! allow-lists, and the authorization-code flow ([`FranceConnect`]). Its
//! [`web`] module serves the `/auth` routes for any framework, with a
//! `tower` layer ([`web::FranceConnectLayer`]); the adapters
//! (`franceconnect-axum`, `franceconnect-actix`) build on it.
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
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod algorithms;
mod cached_document;
mod client;
mod config;
mod discovery;
mod eidas;
mod error;
mod exchange;
#[cfg(any(test, feature = "internals"))]
#[doc(hidden)]
pub mod fuzzing;
mod http_client;
mod identity;
mod jose;
mod login;
mod logout;
mod provider_jwks;
mod scope;
mod service_keys;
mod token_claims;
mod user;
mod values;
pub mod web;

pub use algorithms::{AlgorithmNotAllowed, CONTENT_ENCRYPTION, EncryptionAlg, SigningAlg};
pub use client::FranceConnect;
pub use config::{Config, ConfigBuilder, Environment, Platform, Prompt};
pub use discovery::ProviderMetadata;
pub use eidas::{Amr, Eidas, UnknownEidas};
pub use error::{
    ClaimsError, ConfigError, Error, ErrorKind, JoseError, NetworkError, NetworkErrorKind, ProviderError,
    ProviderErrorCode, StateError, TokenExchangeError,
};
pub use identity::{BirthDate, DatePrecision, Gender, InseeCommune, InseeCountry, PivotIdentity};
pub use login::{CallbackParams, LoginOptions, PendingLogin};
pub use logout::PendingLogout;
pub use scope::{InvalidScope, Scope, Scopes};
pub use service_keys::ServiceKeys;
pub use user::{SignedInUser, UserClaims};
pub use values::{AccessToken, ClientId, ClientSecret, IdTokenHint, InvalidReturnTo, Nonce, ReturnTo, State};
