//! What the provider signs and encrypts: its keys and its clients' keys,
//! the tokens built from them, their delivery to a client, and the
//! alterations of the tamper scenarios.

pub(crate) mod issuance;
pub(crate) mod keys;
pub(crate) mod tamper;
pub(crate) mod tokens;
