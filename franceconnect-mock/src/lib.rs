//! A faithful local FranceConnect / FranceConnect+ / ProConnect OpenID
//! Connect provider, for development and tests: one platform alone
//! ([`MockProvider`], issuer `{origin}/api/v2` as on the real platforms), or
//! several served by one process on one listener ([`MockFederation`]), each
//! under its [short name](Platform::short_name) and so its own issuer
//! (`{origin}/fc/api/v2`, `{origin}/fcplus/api/v2`,
//! `{origin}/proconnect/api/v2`), with its own keys, clients, sessions,
//! scenarios and counters, as if it ran alone.
//!
//! It follows the real platform where it is strict: authorization code flow
//! only, exact redirect URIs, unknown authorize parameters refused on an
//! error page, `client_secret_post` only, single-use 30-second codes,
//! 60-second tokens, pairwise `sub`, signed userinfo (`application/jwt`),
//! revocation with exactly the platform's three fields, and on
//! FranceConnect+ (or for a FranceConnect client registered for it) ID
//! tokens and userinfo encrypted to the client's key. As ProConnect it
//! logs in fictional public agents ([`Agent`]): unknown parameters ignored
//! and bad values on its `Y000400` page, the acr from the agent's identity
//! provider checked against the `claims` parameter's essential values
//! (with ProConnect's e-mail code for the `-mfa` levels), `login_hint`,
//! `idp_hint`, `prompt=none` and a single sign-on session, PKCE S256,
//! public `sub`, refresh tokens, one-hour tokens, userinfo signed or plain
//! JSON as the client registered, and services open to public agents only.
//! Switchable scenarios (failures, tampered tokens, key rotation,
//! forced errors, automatic approval) let tests exercise a client's
//! defences.
//!
//! ```no_run
//! # async fn demo() -> Result<(), franceconnect_mock::MockError> {
//! use franceconnect_mock::{Client, Endpoint, MockProvider, Platform};
//! let mock = MockProvider::new(Platform::FranceConnect)
//!     .client(Client::new("app", "secret", "http://localhost:3000/auth/callback", "http://localhost:3000/auth/logout/callback"))
//!     .start()
//!     .await?;
//! mock.auto_approve(Some("default"), None); // headless logins as the default person
//! assert_eq!(mock.request_count(Endpoint::Token), 0);
//! mock.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! As ProConnect, with a service open to public agents only:
//!
//! ```no_run
//! # async fn demo() -> Result<(), franceconnect_mock::MockError> {
//! use franceconnect_mock::{Client, MockProvider, Platform};
//! let mock = MockProvider::new(Platform::ProConnect)
//!     .client(Client::new("app", "secret", "http://localhost:3000/auth/callback", "http://localhost:3000/auth/logout/callback").public_only())
//!     .start()
//!     .await?;
//! mock.auto_approve(Some("agent-etat"), None); // the default agent, a State ministry's
//! mock.set_agent_mfa(true); // and it enters ProConnect's e-mail code when a `-mfa` level is required
//! mock.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The three platforms at once, for an application that offers them all:
//!
//! ```no_run
//! # async fn demo() -> Result<(), franceconnect_mock::MockError> {
//! use franceconnect_mock::{Client, ClientKeys, EncryptionAlg, MockFederation, MockProvider, Platform};
//! let client = Client::new("app", "secret", "http://localhost:3000/auth/callback", "http://localhost:3000/auth/logout/callback");
//! let client_keys = ClientKeys::JwksUri("http://localhost:3000/.well-known/jwks.json".parse().expect("a URL"));
//! let mock = MockFederation::new()
//!     .platform(MockProvider::new(Platform::FranceConnect).client(client.clone()))
//!     .platform(MockProvider::new(Platform::FranceConnectPlus).client(client.clone().encryption(EncryptionAlg::EcdhEs, client_keys)))
//!     .platform(MockProvider::new(Platform::ProConnect).client(client))
//!     .bind("127.0.0.1:4000")
//!     .start()
//!     .await?;
//! for platform in mock.handles() {
//!     println!("{}: {}", platform.platform().display_name(), platform.issuer()); // http://127.0.0.1:4000/fc/api/v2, …
//! }
//! let proconnect = mock.handle(Platform::ProConnect).expect("served");
//! proconnect.auto_approve(Some("agent-etat"), None); // ProConnect's logins only
//! mock.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Why it repeats the engine's small types
//!
//! [`Platform`], [`Eidas`], [`SigningAlg`] and [`EncryptionAlg`] look like
//! `franceconnect-tower`'s, and the mock escapes its own HTML: it must not
//! depend on the client it tests. A shared type would let a mistake in the
//! engine's parsing or spelling pass unnoticed on both sides; here every
//! value is written down a second time, from the platform's documentation
//! and code.
//!
//! # Layout
//!
//! `provider` configures and starts one platform, `federation` several on
//! one listener (`federation_handle` is what that returns, one `handle`
//! per platform), `listener` binds and serves for both; `server` routes
//! each endpoint, under the platform's issuer path, to its module
//! (`discovery`, `authorize` and the `interaction` page, `token_endpoint`
//! with `client_auth` and `refresh`, `userinfo`, `revocation`, `logout`);
//! `proconnect` holds what
//! ProConnect does its own way (`authorize`, `acr`, the agents' login
//! `page`, completing a `login`, the single sign-on `session`, `logout`);
//! `state` holds what a login leaves between requests; `issuance`, `tokens`
//! and `keys` build what the provider signs and encrypts; `tamper` and
//! `scenarios` switch behaviours for tests; `config`, `identities`,
//! `agents`, `scopes` describe the platform, its people and its claims.

mod agents;
mod authorize;
mod client_auth;
mod config;
mod discovery;
mod federation;
mod federation_handle;
mod handle;
mod html;
mod identities;
mod interaction;
mod issuance;
mod keys;
mod listener;
mod logout;
mod params;
mod proconnect;
mod provider;
mod random;
mod refresh;
mod revocation;
mod scenarios;
mod scopes;
mod server;
mod state;
mod tamper;
mod token_endpoint;
mod tokens;
mod userinfo;

pub use agents::Agent;
pub use authorize::IDENTITY_PROVIDERS;
pub use config::{Client, ClientKeys, Eidas, EncryptionAlg, Platform, SigningAlg, TokenAuth};
pub use federation::MockFederation;
pub use federation_handle::FederationHandle;
pub use handle::MockHandle;
pub use identities::Identity;
pub use provider::MockProvider;
pub use scenarios::{Endpoint, Failure, Tamper};

/// Why the mock could not start.
#[derive(Debug, thiserror::Error)]
pub enum MockError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The client registration is invalid for the platform.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The identities (or agents) could not be loaded.
    #[error("invalid identities: {0}")]
    Identities(String),
    /// The signing keys could not be generated.
    #[error("key generation failed: {0}")]
    Keys(String),
}
