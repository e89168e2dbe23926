//! One error type for the whole engine, with kinds an adapter can map to a
//! response.
//!
//! Every message is safe to show to a user or to write to a log: no token, no
//! secret and no personal data ever goes into an error. Provider-supplied
//! texts (`error_description`) are shortened and kept as data, never parsed.

use std::fmt;

use crate::protocol::acr::{Acr, RequestedAcr};
use crate::protocol::eidas::Eidas;

/// Everything that can go wrong while configuring FranceConnect or signing a
/// user in or out.
///
/// Match on its variants (it is `#[non_exhaustive]`: keep a `_` arm) to
/// choose a response, or use the predicates ([`Error::is_timeout`],
/// [`Error::is_user_cancelled`], [`Error::is_retryable`], …); the web side's
/// [`error_code`](crate::web::error_code) gives each a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is invalid or incomplete.
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    /// The provider's metadata (discovery document or JWKS) is unusable.
    #[error("the provider's metadata is unusable: {0}")]
    Discovery(DiscoveryError),
    /// The provider answered the login with an error (the user cancelled, the
    /// requested level is not available, the service is down, …).
    #[error("the identity platform refused the login: {0}")]
    Provider(#[from] ProviderError),
    /// The callback does not match a login this browser started (CSRF,
    /// expired or replayed login, foreign issuer).
    #[error("the login response does not match a pending login: {0}")]
    State(#[from] StateError),
    /// The authorization code could not be exchanged for tokens.
    #[error("the code exchange failed: {0}")]
    TokenExchange(#[from] TokenExchangeError),
    /// A token failed a cryptographic check (signature, encryption, algorithm).
    #[error("a token failed its cryptographic checks: {0}")]
    Jose(#[from] JoseError),
    /// A claim is missing, has the wrong value or the wrong format.
    #[error("invalid claim: {0}")]
    Claims(#[from] ClaimsError),
    /// The provider authenticated the user at a lower eIDAS level than asked.
    #[error("eIDAS level {received} is below the requested {requested}")]
    EidasTooLow {
        /// The level this login asked for.
        requested: Eidas,
        /// The level the provider reports (`acr`).
        received: Eidas,
    },
    /// ProConnect reported an `acr` that is not one of the values asked.
    #[error("acr {received} is not what the login asked for ({requested})")]
    AcrNotMet {
        /// What this login asked for.
        requested: RequestedAcr,
        /// The value the provider reports (`acr`).
        received: Acr,
    },
    /// The provider could not be reached, timed out or answered with an
    /// unusable HTTP response.
    #[error("could not talk to the provider: {0}")]
    Network(#[from] NetworkError),
    /// The signed-in user's access token cannot be used: there is none,
    /// it has expired with no way to renew it, or the platform refused to
    /// renew it (the session is over).
    #[error("the access token cannot be used: {0}")]
    AccessToken(#[from] AccessTokenError),
}

impl Error {
    /// True when a request to the provider timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Network(e) if e.kind == NetworkErrorKind::Timeout)
    }

    /// True when the user cancelled the login at the provider.
    pub fn is_user_cancelled(&self) -> bool {
        matches!(self, Error::Provider(e) if e.code == ProviderErrorCode::AccessDenied)
    }

    /// True when a silent login (`prompt=none`, ProConnect) found no
    /// session at the provider: not a failure, the person is simply not
    /// signed in there.
    pub fn is_login_required(&self) -> bool {
        matches!(self, Error::Provider(e) if e.code == ProviderErrorCode::LoginRequired)
    }

    /// True when the platform ended the person's session: the refresh
    /// token was refused (`invalid_grant`: used, revoked, expired, or the
    /// person signed out of ProConnect). Sign them out; the routes'
    /// extractors do.
    pub fn ends_session(&self) -> bool {
        matches!(self, Error::AccessToken(AccessTokenError::RefreshRefused))
    }

    /// True when trying again later may succeed (provider outage, timeout,
    /// expired login).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Network(_) | Error::Discovery(_) => true,
            Error::Provider(e) => matches!(
                e.code,
                ProviderErrorCode::ServerError
                    | ProviderErrorCode::TemporarilyUnavailable
                    | ProviderErrorCode::AccessDenied
            ),
            Error::State(_) | Error::TokenExchange(_) => true,
            _ => false,
        }
    }
}

/// A configuration problem, found when the configuration is built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub(crate) String);

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

/// The error codes the provider sends back on the callback.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProviderErrorCode {
    /// The user cancelled.
    AccessDenied,
    /// The requested `acr_values` are not available on this platform.
    InvalidAcr,
    /// The request was malformed.
    InvalidRequest,
    /// The `idp_hint` is not valid (`invalid_idp_hint` on FranceConnect,
    /// `idp_hint_not_found` on ProConnect).
    InvalidIdpHint,
    /// ProConnect could not authenticate the person at any of the `acr`
    /// values asked (`access_denied`, "requested ACRs could not be
    /// satisfied").
    AcrNotSatisfied,
    /// A silent login (`prompt=none`) found no session at the provider.
    LoginRequired,
    /// The response type is not supported.
    UnsupportedResponseType,
    /// The provider failed.
    ServerError,
    /// A dependency of the provider (such as the national register) is down.
    TemporarilyUnavailable,
    /// Another code, kept as sent (truncated to 64 characters).
    Other(String),
}

impl ProviderErrorCode {
    /// Parses an `error` parameter.
    pub fn parse(code: &str) -> Self {
        match code {
            "access_denied" => Self::AccessDenied,
            "invalid_acr" => Self::InvalidAcr,
            "invalid_request" => Self::InvalidRequest,
            "invalid_idp_hint" | "idp_hint_not_found" => Self::InvalidIdpHint,
            "login_required" => Self::LoginRequired,
            "unsupported_response_type" => Self::UnsupportedResponseType,
            "server_error" => Self::ServerError,
            "temporarily_unavailable" => Self::TemporarilyUnavailable,
            other => Self::Other(sanitize(other, 64)),
        }
    }

    /// The code as the protocol spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessDenied => "access_denied",
            Self::InvalidAcr => "invalid_acr",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidIdpHint => "invalid_idp_hint",
            Self::AcrNotSatisfied => "access_denied",
            Self::LoginRequired => "login_required",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::ServerError => "server_error",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::Other(code) => code,
        }
    }
}

impl fmt::Display for ProviderErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error the provider returned on the callback.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct ProviderError {
    /// The `error` parameter.
    pub code: ProviderErrorCode,
    /// The `error_description` parameter, shortened and stripped of control
    /// characters. Provider text: escape it before putting it in HTML.
    pub description: Option<String>,
    /// The platform's own code (`Y030030`…), from `error_uri` or the
    /// description, when it gave one (see [`crate::lookup_platform_code`]).
    pub platform_code: Option<String>,
}

impl ProviderError {
    /// The error of a callback's `error`, `error_description` and
    /// `error_uri` parameters.
    pub(crate) fn from_callback(error: &str, description: Option<&str>, error_uri: Option<&str>) -> Self {
        // ProConnect tells an unreachable level from a cancellation by its
        // description only.
        let code = match (error, description) {
            ("access_denied", Some(d)) if d.contains("requested ACRs could not be satisfied") => {
                ProviderErrorCode::AcrNotSatisfied
            }
            _ => ProviderErrorCode::parse(error),
        };
        Self {
            code,
            description: description.map(|d| sanitize(d, 200)),
            platform_code: crate::protocol::platform_codes::find_code(error_uri.into_iter().chain(description)),
        }
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        if let Some(code) = &self.platform_code {
            write!(f, " [{code}]")?;
        }
        match &self.description {
            Some(d) => write!(f, " ({d})"),
            None => Ok(()),
        }
    }
}

/// Why a callback does not match a pending login.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The callback has no `state` parameter.
    #[error("the callback carries no state")]
    Missing,
    /// No pending login has this `state` (forged, replayed or from another
    /// browser).
    #[error("the state does not match a pending login")]
    Mismatch,
    /// The pending login is older than its lifetime.
    #[error("the pending login has expired")]
    Expired,
    /// The callback's `iss` parameter is missing or names another issuer.
    #[error("the callback comes from another issuer")]
    IssuerMismatch,
    /// The callback has neither `code` nor `error`.
    #[error("the callback carries no authorization code")]
    MissingCode,
}

/// Why the signed-in user's access token cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AccessTokenError {
    /// The session holds no access token (a user made by
    /// [`SignedInUser::for_testing`](crate::SignedInUser::for_testing), or
    /// a session an older version wrote).
    #[error("the session holds no access token")]
    Missing,
    /// The access token has expired and cannot be renewed: FranceConnect
    /// and FranceConnect+ issue no refresh token (their tokens live 60
    /// seconds: use them in the sign-in hook), ProConnect's are kept only
    /// with [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens),
    /// and one sealed under a login cookie secret the service no longer has
    /// cannot be opened. A new login gives a new token.
    #[error("the access token has expired and cannot be renewed")]
    Expired,
    /// The platform refused the refresh token (`invalid_grant`: used,
    /// revoked or expired, or the person signed out of ProConnect): the
    /// session is over, the person must sign in again.
    #[error("the platform refused to renew the access token: the session is over")]
    RefreshRefused,
}

/// Why the code exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenExchangeError {
    /// The token endpoint answered with an OAuth error (`invalid_grant`,
    /// `invalid_client`, …).
    #[non_exhaustive]
    #[error("the token endpoint answered `{code}` (HTTP {status}){}", platform_code.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default())]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The `error` field, shortened.
        code: String,
        /// The platform's own code, from `error_uri` (`Y0434A7B`…).
        platform_code: Option<String>,
    },
    /// The token response is not the expected JSON document.
    #[error("malformed token response: {0}")]
    Malformed(String),
}

/// Why a token failed its cryptographic checks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JoseError {
    /// The token is not a well-formed compact JWS/JWE.
    #[error("malformed token: {0}")]
    Malformed(String),
    /// The token is larger than the configured limit.
    #[error("token larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The signature algorithm is not on the allow-list.
    #[error("signature algorithm `{0}` is not allowed{hint}", hint = if .0.starts_with("HS") { HS_HINT } else { "" })]
    SignatureAlgorithmNotAllowed(String),
    /// The key-management algorithm is not on the allow-list.
    #[error("encryption algorithm `{0}` is not allowed")]
    EncryptionAlgorithmNotAllowed(String),
    /// The content encryption is not `A256GCM`.
    #[error("content encryption `{0}` is not allowed")]
    ContentEncryptionNotAllowed(String),
    /// The JWE is compressed (`zip`), which is refused.
    #[error("compressed tokens are refused")]
    Compressed,
    /// The token has critical header parameters we do not understand.
    #[error("critical header parameters are not supported")]
    CriticalHeader,
    /// The JWE does not declare a nested JWT (`cty: JWT`).
    #[error("the encrypted token does not contain a JWT")]
    NotNested,
    /// Tokens are encrypted (FranceConnect+, or FranceConnect so
    /// configured), but this one is not.
    #[error("the token should be encrypted (FranceConnect+, or FC_ENCRYPTED_TOKENS)")]
    NotEncrypted,
    /// Tokens are not expected encrypted, but this one is.
    #[error("the token should not be encrypted (set FC_ENCRYPTED_TOKENS if the service registered encryption)")]
    UnexpectedEncryption,
    /// No key matches the token's `kid`.
    #[error("no key matches the token's key id")]
    UnknownKey,
    /// The signature is invalid.
    #[error("invalid signature")]
    BadSignature,
    /// The token could not be decrypted.
    #[error("decryption failed")]
    DecryptionFailed,
}

/// A missing or invalid claim. The message names the claim but never shows
/// its value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{field}`: {reason}")]
#[non_exhaustive]
pub struct ClaimsError {
    /// The claim's name.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl ClaimsError {
    pub(crate) fn new(field: &'static str, reason: &'static str) -> Self {
        Self { field, reason }
    }
}

/// Why the provider's metadata is unusable; a parser's own error, when one
/// failed, is its [`source`](std::error::Error::source).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{reason}")]
#[non_exhaustive]
pub struct DiscoveryError {
    /// What is wrong, in our words (never the document's content).
    pub reason: String,
    #[source]
    cause: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

// The reason is the error; the parser's detail is for the logs.
impl PartialEq for DiscoveryError {
    fn eq(&self, other: &Self) -> bool {
        self.reason == other.reason
    }
}

impl Eq for DiscoveryError {}

impl Error {
    /// The provider's metadata is unusable, for `reason`.
    pub(crate) fn discovery(reason: impl Into<String>) -> Self {
        Error::Discovery(DiscoveryError {
            reason: reason.into(),
            cause: None,
        })
    }

    /// The provider's metadata is unusable, for `reason`, found by a parser
    /// whose own error is `cause`.
    pub(crate) fn discovery_caused_by(
        reason: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Discovery(DiscoveryError {
            reason: reason.into(),
            cause: Some(std::sync::Arc::new(cause)),
        })
    }
}

/// What went wrong talking to the provider. A transport failure keeps the
/// HTTP client's error as its [`source`](std::error::Error::source).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{endpoint}: {kind}")]
#[non_exhaustive]
pub struct NetworkError {
    /// Which endpoint (`token`, `userinfo`, `jwks`, `discovery`).
    pub endpoint: &'static str,
    /// What happened.
    pub kind: NetworkErrorKind,
    /// The HTTP client's own error, when the transport failed.
    #[source]
    cause: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

impl NetworkError {
    pub(crate) fn new(endpoint: &'static str, kind: NetworkErrorKind) -> Self {
        Self {
            endpoint,
            kind,
            cause: None,
        }
    }

    /// This error, caused by the transport's `cause`.
    pub(crate) fn caused_by(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.cause = Some(std::sync::Arc::new(cause));
        self
    }
}

// What an error means is its endpoint and kind; the transport's own error
// is detail for the logs.
impl PartialEq for NetworkError {
    fn eq(&self, other: &Self) -> bool {
        self.endpoint == other.endpoint && self.kind == other.kind
    }
}

impl Eq for NetworkError {}

/// The kinds of [`NetworkError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetworkErrorKind {
    /// The request took longer than the configured timeout.
    #[error("timed out")]
    Timeout,
    /// The connection could not be established.
    #[error("connection failed")]
    Connect,
    /// The provider answered with an unexpected HTTP status.
    #[error("unexpected HTTP status {0}")]
    Status(u16),
    /// The response body exceeds the size limit.
    #[error("response larger than {0} bytes")]
    TooLarge(usize),
    /// The response has the wrong content type.
    #[error("unexpected content type")]
    ContentType,
    /// Another transport failure.
    #[error("transport error")]
    Other,
}

/// What to change when the provider signs with a shared secret.
const HS_HINT: &str = " (FranceConnect's default registration is HS256: register ES256 or RS256 for the ID token and \
     userinfo in the partner space)";

/// Keeps at most `max` characters of provider text and drops control
/// characters, so that it can be logged and displayed safely.
pub(crate) fn sanitize(text: &str, max: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_codes_round_trip_and_unknown_codes_are_sanitized() {
        for code in [
            "access_denied",
            "invalid_acr",
            "server_error",
            "temporarily_unavailable",
        ] {
            assert_eq!(ProviderErrorCode::parse(code).as_str(), code);
        }
        let odd = ProviderErrorCode::parse(&format!("x\u{7}{}", "y".repeat(100)));
        assert_eq!(odd.as_str().len(), 64);
        assert!(!odd.as_str().contains('\u{7}'));
    }

    #[test]
    fn causes_are_kept_as_sources() {
        let parse = serde_json::from_str::<serde_json::Value>("{not json").unwrap_err();
        let parse_message = parse.to_string();
        let e = Error::discovery_caused_by("the discovery document is not valid JSON metadata", parse);
        let Error::Discovery(d) = &e else { panic!("{e}") };
        let source = std::error::Error::source(d).expect("the parser's error");
        assert_eq!(source.to_string(), parse_message);
        assert_eq!(
            e,
            Error::discovery("the discovery document is not valid JSON metadata"),
            "equal on the reason"
        );
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let n = NetworkError::new("token", NetworkErrorKind::Connect).caused_by(io);
        assert_eq!(std::error::Error::source(&n).unwrap().to_string(), "refused");
        assert_eq!(n, NetworkError::new("token", NetworkErrorKind::Connect));
    }

    #[test]
    fn predicates_follow_the_kind() {
        let cancelled = Error::Provider(ProviderError::from_callback("access_denied", None, None));
        assert!(cancelled.is_user_cancelled());
        assert!(matches!(cancelled, Error::Provider(_)));
        let timeout = Error::Network(NetworkError::new("token", NetworkErrorKind::Timeout));
        assert!(timeout.is_timeout() && timeout.is_retryable());
        assert!(!cancelled.is_timeout());
    }
}
