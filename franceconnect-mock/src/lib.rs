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
//! The APIs a service calls with its users' access tokens are registered
//! too ([`DataProvider`]): FranceConnect's and FranceConnect+'s data
//! providers ask `POST /checktoken` (a signed then encrypted answer, to the
//! data provider's keys or to one the mock generates for it), ProConnect's
//! resource servers `POST /token/introspection` (JSON, or a JWS when
//! registered and asked for, advertised as `introspection_endpoint`).
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
//! # The people
//!
//! FranceConnect and FranceConnect+ log in fictional citizens
//! ([`Identity`], embedded in `src/identities.json`, or your own file with
//! `--identities-file` / [`MockProvider::identities_file`]):
//!
//! - people of the French civil register, with its identity (upper-case
//!   birth name, INSEE codes of the commune and country of birth, presumed
//!   dates written `01`). FranceConnect serves it as is; FranceConnect+
//!   serves the identity provider's spelling in the plain claims
//!   ([`IdpSpelling`]: `camille helene`, `Jean Pierre`, `1955-00-00`) and
//!   the register's in `rnipp_*`. The `idp_id` scope (FranceConnect only)
//!   names the person's identity provider
//!   ([`Identity::identity_provider`], impots.gouv.fr by default);
//! - European citizens coming through FranceConnect's eIDAS bridge
//!   (`"eidas": true`), as their own country sent them: mixed-case names, a
//!   free-text birthplace (`Milano`, `Paris 10`), perhaps no gender, never
//!   a `birthcountry`, an `email`, `given_name_array`, `idp_birthdate` or
//!   any `rnipp_*` claim, whatever the scopes; `amr` is `["eidas"]`, the
//!   `acr` the level reached as for anyone (`eidas1` on FranceConnect,
//!   `eidas2` or `eidas3` on FranceConnect+), and `idp_id` the bridge's.
//!
//! [`Identity`] shows the JSON of both kinds. Files written before
//! European citizens load unchanged.
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
//! # Features
//!
//! `cli` (default) builds the `franceconnect-mock` binary and brings its
//! own dependencies, `clap` and `tracing-subscriber` (with `env-filter`).
//! Tests that use the mock as a library need neither: depend on it with
//! `default-features = false`, so that the application under test keeps
//! the `tracing-subscriber` features it chose.
//!
//! # Layout
//!
//! The folders are layers, listed from the bottom: a module imports from
//! its own layer and the ones before it in this list, never from one
//! after, so that no import goes round in a circle (and `franceconnect`
//! and `proconnect`, side by side, never import each other):
//!
//! - at the root, the descriptions everything reads: `config`,
//!   `identities`, `agents`, `data_provider`, `scopes`, `scenarios`,
//!   `random`, `error`;
//! - `web`: HTTP pieces with no OpenID rule in them (`params`, `html`,
//!   `oauth_error`, `callback_url`);
//! - `jose`: what the provider signs and encrypts (`keys`, `tokens`, and
//!   `tamper` for the scenarios);
//! - `state`: what a login leaves between requests (`pending_login`,
//!   `grants`, ProConnect's `agent_session`), the `store`, the `shared`
//!   state of one platform, and the `lifetimes`;
//! - `common`: what the handlers of every platform share (parts of
//!   `authorize`, `login_page`, `logout` and `discovery`, `client_auth`,
//!   `issuance`);
//! - `franceconnect` and `proconnect`: the handlers each platform has its
//!   own way (`/authorize`, the login page, completing a login,
//!   `/session/end`, the discovery document), and ProConnect's own rules
//!   (acr, single sign-on session, PKCE, refresh tokens);
//! - `endpoints`: the handlers every platform serves alike (token,
//!   userinfo, revocation, JWKS, cancelling a login), and the token checks
//!   of the APIs (`checktoken` on FranceConnect, `introspection` on
//!   ProConnect);
//! - `router`: the routes of one platform under its issuer path, the one
//!   place where each platform's own handlers are picked;
//! - `launch`: what a user starts and drives: `provider` (one platform),
//!   `federation` (several on one listener), the `listener` both bind and
//!   serve with, and what they return (`mock_handle`,
//!   `federation_handle`).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod agents;
mod common;
mod config;
mod data_provider;
mod endpoints;
mod error;
mod franceconnect;
mod identities;
mod jose;
mod launch;
mod proconnect;
mod random;
mod router;
mod scenarios;
mod scopes;
mod state;
mod web;

pub use agents::Agent;
pub use config::{Client, ClientKeys, Eidas, EncryptionAlg, Platform, SigningAlg, TokenAuth};
pub use data_provider::DataProvider;
pub use error::MockError;
pub use franceconnect::identity_providers::IDENTITY_PROVIDERS;
pub use identities::{Identity, IdpSpelling};
pub use launch::federation::MockFederation;
pub use launch::federation_handle::FederationHandle;
pub use launch::mock_handle::MockHandle;
pub use launch::provider::MockProvider;
pub use scenarios::{Endpoint, Failure, Tamper};
