//! The other side of a login: an API that services call with a user's
//! access token, and which asks the platform about that token — a
//! FranceConnect or FranceConnect+ **data provider** (`POST
//! {issuer}/checktoken`), or a ProConnect **resource server** (token
//! introspection, RFC 7662, signed answers per RFC 9701 when asked).
//!
//! [`ResourceServer`] reads the `Authorization: Bearer …` header (RFC
//! 6750), asks the platform (or reuses an answer a few seconds old), checks
//! the answer — on FranceConnect a JWE decrypted with the API's keys
//! ([`ServiceKeys`](crate::ServiceKeys); the JWE names none: each of its
//! algorithm is tried) around a JWS verified with the provider's keys; on
//! ProConnect JSON, or a JWS — and the scopes the route needs, and gives
//! either the token's facts ([`TokenInfo`]) or the RFC 6750 answer
//! ([`Refusal`]):
//!
//! | case | answer |
//! |---|---|
//! | no bearer token | `401`, `WWW-Authenticate: Bearer realm="…"` |
//! | a malformed `Authorization` header | `400`, `error="invalid_request"` |
//! | an unknown, expired or revoked token, or another service's; one shorter than [`MIN_TOKEN_LEN`] or longer than [`max_token_bytes`](ResourceConfigBuilder::max_token_bytes), without asking the platform | `401`, `error="invalid_token"` |
//! | a live token without a scope the route needs | `403`, `error="insufficient_scope", scope="…"` |
//! | the platform unreachable, slow, or answering wrongly; more than [`max_concurrent_checks`](ResourceConfigBuilder::max_concurrent_checks) checks waiting for it for longer than the timeout | `503` with `Retry-After` (never `500`, never a hang: every request has a timeout) |
//!
//! A live token's answer is reused for at most
//! [`cache_ttl`](ResourceConfigBuilder::cache_ttl) (3 s by default, never
//! past the token's `exp`), so a revoked token stops working within that
//! time; an inactive token's for
//! [`negative_cache_ttl`](ResourceConfigBuilder::negative_cache_ttl) (1 s).
//! The cache is keyed by the token's SHA-256, never the token. Each check
//! runs in the span `franceconnect.resource.check` (fields `platform`,
//! `outcome`, `source`, `reason`, `error`, `duration_ms`) and counts in
//! [`metrics::RESOURCE_CHECKS`](crate::metrics::RESOURCE_CHECKS): no token
//! in either.
//!
//! The adapters wrap it: `franceconnect_axum::resource` and
//! `franceconnect_actix::resource` (a `Bearer` extractor, a
//! `RequireBearer` layer or middleware that checks scopes); the runnable
//! API is `examples/resource-server`.
//!
//! ```no_run
//! use franceconnect_tower::resource::{ResourceConfig, ResourceServer};
//! use franceconnect_tower::{Environment, Platform, Scope, ServiceKeys};
//!
//! # async fn run(authorization: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
//! // A FranceConnect data provider: the answers are encrypted to its keys.
//! let api = ResourceServer::new(
//!     ResourceConfig::builder(Platform::FranceConnect, Environment::Sandbox)
//!         .client_id("my-data-provider")
//!         .client_secret("its-secret")
//!         .service_keys(ServiceKeys::from_file("dp-keys.json")?)
//!         .build()?,
//! );
//! let needs: [Scope; 1] = ["dgfip_rfr".parse()?];
//! match api.authorize(authorization, &needs).await {
//!     Ok(token) => {
//!         println!("token of {} for {}, at {:?}", token.client_id, token.sub, token.acr);
//!         if let Some(person) = &token.identity {
//!             println!("{} {}", person.given_name, person.family_name);
//!         }
//!     }
//!     Err(refusal) => {
//!         let response = refusal.response(); // status, WWW-Authenticate, JSON body
//!         println!("{}", response.status());
//!     }
//! }
//! # Ok(()) }
//! ```

mod answer;
mod bearer;
mod cache;
mod checktoken;
mod config;
mod error;
mod introspection;
mod refusal;
mod server;
mod token_info;

pub use bearer::{BearerError, BearerToken};
pub use config::{DEFAULT_MAX_CONCURRENT_CHECKS, ResourceConfig, ResourceConfigBuilder};
pub use error::ResourceError;
pub use refusal::{Refusal, RefusalKind};
pub use server::{MIN_TOKEN_LEN, ResourceServer};
pub use token_info::{InactiveReason, TokenCheck, TokenInfo};

#[cfg(test)]
mod tests;
