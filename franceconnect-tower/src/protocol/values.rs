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
    /// An access token: used once to call userinfo, then kept only so that
    /// the logout can revoke it.
    pub(crate) AccessToken
);

/// The access token of a login and when it expires (Unix seconds), kept in
/// the session for the logout to revoke it while it is still valid.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct IssuedAccessToken {
    pub(crate) token: AccessToken,
    pub(crate) expires_at: i64,
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
