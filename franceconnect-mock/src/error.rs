//! [`MockError`]: why the mock could not start.

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
