//! The mock provider is being written.
#![forbid(unsafe_code)]
