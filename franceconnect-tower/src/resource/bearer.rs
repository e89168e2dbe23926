//! [`BearerToken`]: the access token of a request, read from its
//! `Authorization: Bearer …` header (RFC 6750 §2.1).

use std::fmt;

use http::HeaderMap;
use http::header::AUTHORIZATION;

/// An access token as a client sent it. Its `Debug` hides it; read it with
/// [`secret`](Self::secret), and never log it.
///
/// ```
/// use franceconnect_tower::resource::BearerToken;
///
/// let token = BearerToken::from_authorization(Some("bearer mF_9.B5f-4.1JqM"), 4096).unwrap().unwrap();
/// assert_eq!(token.secret(), "mF_9.B5f-4.1JqM");
/// assert_eq!(format!("{token:?}"), "BearerToken([redacted])");
/// // No bearer credentials: no token, and no error (the answer is a bare challenge).
/// assert!(BearerToken::from_authorization(None, 4096).unwrap().is_none());
/// assert!(BearerToken::from_authorization(Some("Basic YTpi"), 4096).unwrap().is_none());
/// // A malformed one is an error (`400 invalid_request`).
/// assert!(BearerToken::from_authorization(Some("Bearer a b"), 4096).is_err());
/// ```
#[derive(Clone)]
pub struct BearerToken(String);

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken([redacted])")
    }
}

/// Why the `Authorization` header holds no usable bearer token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BearerError {
    /// The header is malformed: an empty token, spaces or characters
    /// RFC 6750's `b64token` does not allow, several `Authorization`
    /// headers (`400 invalid_request`).
    #[error("malformed Authorization header")]
    Malformed,
    /// The token is longer than the configured limit: it cannot be one the
    /// platform issued (`401 invalid_token`, without asking the provider).
    #[error("bearer token too long")]
    TooLong,
}

impl BearerToken {
    /// The token of an `Authorization` header value: `Ok(None)` when there
    /// is no header or it carries another scheme (`Basic`…), the token when
    /// it reads `Bearer <b64token>` (the scheme in any case, one or more
    /// spaces), an error otherwise.
    pub fn from_authorization(value: Option<&str>, max_len: usize) -> Result<Option<Self>, BearerError> {
        let Some(value) = value else {
            return Ok(None);
        };
        let value = value.trim_matches([' ', '\t']);
        let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Ok(None);
        }
        let token = rest.trim_start_matches(' ');
        if token.len() > max_len {
            return Err(BearerError::TooLong);
        }
        // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        let body = token.trim_end_matches('=');
        let valid = !body.is_empty()
            && body
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'));
        if !valid {
            return Err(BearerError::Malformed);
        }
        Ok(Some(Self(token.to_owned())))
    }

    /// The token of a request's headers, as
    /// [`from_authorization`](Self::from_authorization) reads it; several
    /// `Authorization` headers, or one that is not visible ASCII, are
    /// malformed.
    pub fn from_headers(headers: &HeaderMap, max_len: usize) -> Result<Option<Self>, BearerError> {
        let mut values = headers.get_all(AUTHORIZATION).iter();
        let Some(first) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(BearerError::Malformed);
        }
        let value = first.to_str().map_err(|_| BearerError::Malformed)?;
        Self::from_authorization(Some(value), max_len)
    }

    /// The token itself. Never log it.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_headers_are_read_strictly() {
        let read = |v: &str| BearerToken::from_authorization(Some(v), 64).map(|t| t.map(|t| t.0));
        assert_eq!(read("Bearer abc"), Ok(Some("abc".into())));
        assert_eq!(read("BEARER  abc=="), Ok(Some("abc==".into())));
        assert_eq!(read("bearer a-b.c_d~e+f/g"), Ok(Some("a-b.c_d~e+f/g".into())));
        assert_eq!(read("Basic YTpi"), Ok(None));
        assert_eq!(read("Bearerabc"), Ok(None));
        for bad in [
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "Bearer ==",
            "Bearer a\"b",
            "Bearer a,b",
            "Bearer é",
        ] {
            assert_eq!(read(bad), Err(BearerError::Malformed), "{bad:?}");
        }
        assert_eq!(read(&format!("Bearer {}", "a".repeat(65))), Err(BearerError::TooLong));
        let mut headers = HeaderMap::new();
        assert!(BearerToken::from_headers(&headers, 64).unwrap().is_none());
        headers.append(AUTHORIZATION, "Bearer a".parse().unwrap());
        assert!(BearerToken::from_headers(&headers, 64).unwrap().is_some());
        headers.append(AUTHORIZATION, "Bearer b".parse().unwrap());
        assert_eq!(
            BearerToken::from_headers(&headers, 64).unwrap_err(),
            BearerError::Malformed
        );
        let mut latin = HeaderMap::new();
        latin.insert(AUTHORIZATION, http::HeaderValue::from_bytes(b"Bearer \xe9").unwrap());
        assert_eq!(
            BearerToken::from_headers(&latin, 64).unwrap_err(),
            BearerError::Malformed
        );
    }
}
