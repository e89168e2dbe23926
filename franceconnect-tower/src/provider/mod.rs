//! Talking to the provider: one HTTP client with timeouts and size limits,
//! documents cached as long as the provider allows, the discovery document
//! checked against the configuration, and the provider's signing keys.

pub(crate) mod cached_document;
pub(crate) mod discovery;
pub(crate) mod http_client;
pub(crate) mod jwks;

pub use discovery::ProviderMetadata;
