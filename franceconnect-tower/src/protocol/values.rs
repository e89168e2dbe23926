//! Newtypes for the protocol's values.
//!
//! Secrets and single-use values have a redacted `Debug` (and no `Display`)
//! so that they never reach a log by accident; read them with `secret()`.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

/// The client identifier FranceConnect gave the service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClientId(String);

impl ClientId {
    /// Wraps a client id.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }
    /// The client id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! secret_newtype {
    ($(#[$doc:meta])* $vis:vis $name:ident) => {
        $(#[$doc])*
        // No `PartialEq`: comparing a secret must be constant-time
        // (`matches`), never `==`.
        #[derive(Clone, Serialize, Deserialize)]
        #[serde(transparent)]
        $vis struct $name(String);

        impl $name {
            /// Wraps the value.
            $vis fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            /// The value itself. Never log it.
            $vis fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_newtype!(
    /// The client secret, sent only in the token request body
    /// (`client_secret_post`).
    pub ClientSecret
);
secret_newtype!(
    /// The `state` of one login or logout: random, single-use, compared in
    /// constant time.
    pub State
);
secret_newtype!(
    /// The `nonce` of one login: random, single-use, bound into the ID token.
    pub Nonce
);
secret_newtype!(
    /// The signed ID token (the inner JWS on FranceConnect+), kept only to be
    /// sent back as `id_token_hint` at logout.
    pub IdTokenHint
);
secret_newtype!(
    /// PKCE's `code_verifier` (RFC 7636) of one ProConnect login: random,
    /// single-use, kept with the pending login (sealed in its cookie) and
    /// sent at the token request; only its SHA-256 goes to the
    /// authorization endpoint.
    pub CodeVerifier
);

impl CodeVerifier {
    /// A fresh random verifier (256 bits, 43 URL-safe characters, within
    /// RFC 7636's 43 to 128 unreserved characters).
    pub fn random() -> Self {
        Self(random_token())
    }

    /// The `code_challenge` for `code_challenge_method=S256`: the
    /// verifier's SHA-256, in URL-safe base64 without padding.
    pub fn s256_challenge(&self) -> String {
        use sha2::{Digest, Sha256};
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// An access token the platform issued to the service: a bearer token for
/// the State's APIs that accept it (API Particulier's "API
/// FranceConnectées" with FranceConnect's, the resource servers of
/// ProConnect with ProConnect's).
///
/// Its `Debug` is redacted and it has neither `Display` nor `Serialize`:
/// read it with [`AccessToken::secret`], only to put it in an
/// `Authorization` header ([`AccessToken::authorization_header`]).
#[derive(Clone)]
pub struct AccessToken(String);

impl AccessToken {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The token itself. Never log it, never send it to a browser.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// `Bearer {token}` as an `Authorization` header value, marked
    /// sensitive (HTTP/2 never indexes it; `http`'s `Debug` hides it).
    /// `None` for a token that is not a valid header value (the platforms'
    /// never are).
    pub fn authorization_header(&self) -> Option<http::HeaderValue> {
        let mut value = http::HeaderValue::from_str(&format!("Bearer {}", self.0)).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken([redacted])")
    }
}

/// The access token of a sign-in (or of its latest refresh) and when it
/// expires: [`SignedInUser::access_token`](crate::SignedInUser::access_token),
/// and the adapters' `AccessToken` extractors.
///
/// FranceConnect's and FranceConnect+'s live 60 seconds (call the APIs
/// from the sign-in hook, [`AuthRoutes::on_sign_in`](crate::web::AuthRoutes::on_sign_in)),
/// ProConnect's an hour (and, with
/// [`ConfigBuilder::refresh_tokens`](crate::ConfigBuilder::refresh_tokens),
/// are renewed). Kept in the session (never in the user's public
/// `Serialize`); its `Debug` shows the expiry, not the token.
#[derive(Clone)]
pub struct IssuedAccessToken {
    pub(crate) token: AccessToken,
    pub(crate) expires_at: i64,
}

impl IssuedAccessToken {
    /// A token that expires at `expires_at` (Unix seconds): for an
    /// application's tests (see [`SignedInUser::with_access_token`](crate::SignedInUser::with_access_token)).
    pub fn for_testing(token: impl Into<String>, expires_at: i64) -> Self {
        Self {
            token: AccessToken::new(token),
            expires_at,
        }
    }

    /// The token.
    pub fn token(&self) -> &AccessToken {
        &self.token
    }

    /// The token itself, to send as `Authorization: Bearer …`. Never log
    /// it, never send it to a browser.
    pub fn secret(&self) -> &str {
        self.token.secret()
    }

    /// When it expires, in Unix seconds (from the token response's
    /// `expires_in`; an hour when the platform said nothing).
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// True once it has expired (by this server's clock).
    pub fn is_expired(&self) -> bool {
        self.expires_at <= crate::clock::now()
    }

    /// True when it expires within `margin` (or has already): too late to
    /// start a call that takes that long.
    pub fn expires_within(&self, margin: std::time::Duration) -> bool {
        self.expires_at <= crate::clock::now().saturating_add(margin.as_secs().min(i64::MAX as u64) as i64)
    }
}

impl fmt::Debug for IssuedAccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedAccessToken")
            .field("token", &self.token)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// How a session stores an [`IssuedAccessToken`] (the type itself has no
/// `Serialize`, so that an application cannot write it anywhere by
/// mistake).
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredAccessToken {
    token: String,
    expires_at: i64,
}

impl From<&IssuedAccessToken> for StoredAccessToken {
    fn from(issued: &IssuedAccessToken) -> Self {
        Self {
            token: issued.token.0.clone(),
            expires_at: issued.expires_at,
        }
    }
}

impl From<StoredAccessToken> for IssuedAccessToken {
    fn from(stored: StoredAccessToken) -> Self {
        Self {
            token: AccessToken(stored.token),
            expires_at: stored.expires_at,
        }
    }
}

/// Reads the stored access token of a session (`None` when absent).
pub(crate) fn read_access_token<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<IssuedAccessToken>, D::Error> {
    Ok(Option::<StoredAccessToken>::deserialize(deserializer)?.map(IssuedAccessToken::from))
}

/// A ProConnect refresh token, in the clear: only ever between the token
/// response and its sealing ([`SealedRefreshToken`]), or between opening
/// it and the refresh request.
pub(crate) struct RefreshToken(String);

impl RefreshToken {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub(crate) fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshToken([redacted])")
    }
}

/// A refresh token sealed (AES-256-GCM, under a key derived from the login
/// cookie secret) and bound to its issuer, client and subject: what the
/// session keeps. Useless without the secret; its `Debug` is redacted all
/// the same.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct SealedRefreshToken(pub(crate) String);

impl fmt::Debug for SealedRefreshToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealedRefreshToken([redacted])")
    }
}
secret_newtype!(
    /// A secret from which the key sealing pending-login cookies is derived.
    pub(crate) LoginCookieSecret
);

impl IdTokenHint {
    /// No token: what a [`SignedInUser`](crate::SignedInUser) read back
    /// from its public serialisation holds (a logout then sends no hint).
    pub(crate) fn absent() -> Self {
        Self(String::new())
    }
}

impl State {
    /// A fresh random state (256 bits, 43 URL-safe characters).
    pub fn random() -> Self {
        Self(random_token())
    }
    /// Constant-time comparison with a value received from the browser.
    pub fn matches(&self, received: &str) -> bool {
        constant_time_eq(&self.0, received)
    }
}

impl Nonce {
    /// A fresh random nonce (256 bits, 43 URL-safe characters).
    pub fn random() -> Self {
        Self(random_token())
    }
    /// Constant-time comparison with the `nonce` claim of a token.
    pub fn matches(&self, received: &str) -> bool {
        constant_time_eq(&self.0, received)
    }
}

pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// 32 random bytes from the operating system, URL-safe base64: 43 characters.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system's random generator is unavailable");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Where to send the user after login: a path on this site, never an
/// absolute or protocol-relative URL (no open redirect).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReturnTo(String);

/// A `return_to` that is not a relative path on this site, or is longer
/// than [`ReturnTo::MAX_LEN`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("return_to must be a path on this site, such as /account, of at most 512 bytes")]
pub struct InvalidReturnTo;

impl ReturnTo {
    /// The longest `return_to` accepted, in bytes: it travels in the
    /// pending-login cookie.
    pub const MAX_LEN: usize = 512;

    /// Accepts `/path?query#fragment` of at most [`MAX_LEN`](Self::MAX_LEN)
    /// bytes; refuses `https://…`, `//host`, `/\host`, backslashes,
    /// whitespace and control characters.
    pub fn parse(value: &str) -> Result<Self, InvalidReturnTo> {
        let ok = value.len() <= Self::MAX_LEN
            && value.starts_with('/')
            && !value.starts_with("//")
            && !value.contains('\\')
            && !value.chars().any(|c| c.is_control() || c.is_whitespace());
        if ok {
            Ok(Self(value.to_owned()))
        } else {
            Err(InvalidReturnTo)
        }
    }
    /// The path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ReturnTo {
    type Error = InvalidReturnTo;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ReturnTo> for String {
    fn from(r: ReturnTo) -> Self {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        let s = ClientSecret::new("hunter2");
        assert_eq!(format!("{s:?}"), "ClientSecret([redacted])");
        assert_eq!(s.secret(), "hunter2");
        assert_eq!(format!("{:?}", Nonce::random()), "Nonce([redacted])");
        assert_eq!(format!("{:?}", State::random()), "State([redacted])");
    }

    #[test]
    fn random_tokens_are_long_url_safe_and_distinct() {
        let a = State::random();
        let b = State::random();
        assert_eq!(a.secret().len(), 43);
        assert!(
            a.secret()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a.secret(), b.secret());
        assert!(a.matches(a.secret()));
        assert!(!a.matches(b.secret()));
        assert!(!a.matches(""));
    }

    #[test]
    fn return_to_is_relative_only() {
        for ok in ["/", "/account", "/a/b?x=1#top", "/caf%C3%A9"] {
            assert!(ReturnTo::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil",
            "account",
            "javascript:alert(1)",
            "/a b",
            "/a\nb",
            "",
        ] {
            assert!(ReturnTo::parse(bad).is_err(), "{bad}");
        }
    }
}
