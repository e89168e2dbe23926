//! What the provider signs and encrypts: its keys and its clients' keys,
//! the tokens built from them, and the alterations of the tamper
//! scenarios. None of it knows the provider's state: delivering a token to
//! a client is `common::issuance`.

pub(crate) mod keys;
pub(crate) mod tamper;
pub(crate) mod tokens;
