//! JOSE: the algorithms we accept (closed enums), the service's own
//! encryption keys, and the decryption and verification of compact tokens.
//!
//! Read it bottom-up: `algorithms` names what may be used, `prepared`
//! turns a JWK into a josekit verifier or decrypter once, [`ServiceKeys`]
//! holds the service's private keys (the providers encrypt to them),
//! `ecdh_es` decrypts ECDH-ES JWEs from audited primitives, and `compact`
//! checks a token's header against the allow-lists before any key touches
//! it.

mod algorithms;
pub(crate) mod compact;
mod ecdh_es;
pub(crate) mod prepared;
mod service_keys;

pub use algorithms::{AlgorithmNotAllowed, EncryptionAlg, SigningAlg};
pub use service_keys::ServiceKeys;
