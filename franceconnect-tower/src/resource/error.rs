//! [`ResourceError`]: why a token could not be checked (as opposed to a
//! token found inactive, which is an answer).

use std::fmt;

use crate::error::{Error, NetworkError, NetworkErrorKind};

/// Why a token could not be checked: the provider could not be reached or
/// refused the API's request, or its answer failed a check. Opaque: ask it
/// with its predicates. A request meeting one is answered `503` (never
/// `500`): the token may well be valid. Its messages carry no token and no
/// secret.
///
/// ```
/// use franceconnect_tower::resource::ResourceError;
///
/// fn answer(e: &ResourceError) -> u16 {
///     if e.is_invalid_client() {
///         // The API's credentials are wrong: an operator must act.
///         eprintln!("check FC_CLIENT_ID and FC_CLIENT_SECRET: {e}");
///     }
///     503
/// }
/// # let _ = answer;
/// ```
#[derive(Debug, Clone)]
pub struct ResourceError {
    kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    /// The provider could not be reached, timed out, or answered with an
    /// HTTP error.
    Unavailable(NetworkError),
    /// The provider refused the API's credentials (`401 invalid_client`).
    InvalidClient,
    /// The provider refused the request (`400 invalid_request`).
    InvalidRequest,
    /// The answer is not what the platform sends, or fails a check
    /// (signature, encryption, issuer, audience, time, format).
    InvalidAnswer(String),
    /// As many checks as allowed were already waiting for the provider
    /// ([`max_concurrent_checks`](super::ResourceConfigBuilder::max_concurrent_checks)),
    /// and none ended within the timeout.
    Saturated,
}

impl ResourceError {
    pub(crate) fn unavailable(e: NetworkError) -> Self {
        Self {
            kind: Kind::Unavailable(e),
        }
    }
    pub(crate) fn invalid_client() -> Self {
        Self {
            kind: Kind::InvalidClient,
        }
    }
    pub(crate) fn invalid_request() -> Self {
        Self {
            kind: Kind::InvalidRequest,
        }
    }
    pub(crate) fn saturated() -> Self {
        Self { kind: Kind::Saturated }
    }
    pub(crate) fn invalid_answer(reason: impl Into<String>) -> Self {
        Self {
            kind: Kind::InvalidAnswer(reason.into()),
        }
    }

    /// The engine's error met while reading an answer (its JWKS, its
    /// signature, its encryption): a network failure makes the provider
    /// unavailable, anything else the answer invalid.
    pub(crate) fn from_engine(e: Error) -> Self {
        match e {
            Error::Network(n) => Self::unavailable(n),
            other => Self::invalid_answer(other.to_string()),
        }
    }

    /// True when the provider could not be reached, timed out or answered
    /// with an HTTP error (`5xx`…), or too many checks were waiting for it
    /// ([`is_saturated`](Self::is_saturated)): trying again later may
    /// succeed.
    pub fn is_unavailable(&self) -> bool {
        matches!(self.kind, Kind::Unavailable(_) | Kind::Saturated)
    }
    /// True when the check was not made: as many as
    /// [`max_concurrent_checks`](super::ResourceConfigBuilder::max_concurrent_checks)
    /// were already waiting for the provider, and none ended within the
    /// timeout.
    pub fn is_saturated(&self) -> bool {
        matches!(self.kind, Kind::Saturated)
    }
    /// True when the request to the provider timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(&self.kind, Kind::Unavailable(n) if n.kind == NetworkErrorKind::Timeout)
    }
    /// True when the provider refused the API's credentials (`401
    /// invalid_client`): `FC_CLIENT_ID` or `FC_CLIENT_SECRET` is wrong, or
    /// the registration is not a data provider / resource server.
    pub fn is_invalid_client(&self) -> bool {
        matches!(self.kind, Kind::InvalidClient)
    }
    /// True when the provider refused the request as malformed (`400
    /// invalid_request`).
    pub fn is_invalid_request(&self) -> bool {
        matches!(self.kind, Kind::InvalidRequest)
    }
    /// True when the provider's answer failed a check: a signature or a
    /// decryption (keys not registered, rotated away), the issuer, the
    /// audience, the time, or the format.
    pub fn is_invalid_answer(&self) -> bool {
        matches!(self.kind, Kind::InvalidAnswer(_))
    }
    /// A short label from a closed set, for spans and metrics:
    /// `provider_unavailable`, `too_many_checks`, `invalid_client`,
    /// `invalid_request` or `invalid_answer`.
    pub fn label(&self) -> &'static str {
        match self.kind {
            Kind::Unavailable(_) => "provider_unavailable",
            Kind::Saturated => "too_many_checks",
            Kind::InvalidClient => "invalid_client",
            Kind::InvalidRequest => "invalid_request",
            Kind::InvalidAnswer(_) => "invalid_answer",
        }
    }
}

impl fmt::Display for ResourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Unavailable(n) => write!(f, "the provider is unavailable: {n}"),
            Kind::InvalidClient => f.write_str(
                "the provider refused the API's credentials (invalid_client): check the client id and secret",
            ),
            Kind::InvalidRequest => f.write_str("the provider refused the request (invalid_request)"),
            Kind::Saturated => f.write_str(
                "too many token checks were waiting for the provider (max_concurrent_checks), none ended in time",
            ),
            Kind::InvalidAnswer(reason) => write!(f, "the provider's answer is invalid: {reason}"),
        }
    }
}

impl std::error::Error for ResourceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Unavailable(n) => Some(n),
            _ => None,
        }
    }
}
