//! [`Refusal`]: the RFC 6750 answer to a request whose token does not
//! open the resource, ready for any framework.

use std::fmt;

use http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{Response, StatusCode};

use crate::config::Scope;

/// Why a request is refused, and so its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusalKind {
    /// No bearer token was sent: `401` with a bare challenge,
    /// `WWW-Authenticate: Bearer realm="…"` (RFC 6750 §3.1: no error
    /// code).
    MissingToken,
    /// The `Authorization` header is malformed: `400`, `error="invalid_request"`.
    InvalidRequest,
    /// The token is unknown, expired, revoked, or for another service:
    /// `401`, `error="invalid_token"`.
    InvalidToken,
    /// The token lacks a scope the resource needs: `403`,
    /// `error="insufficient_scope"`, `scope="…"` naming them.
    InsufficientScope,
    /// The token could not be checked (the provider is unreachable, slow,
    /// refuses the API's credentials, or answered wrongly): `503` with
    /// `Retry-After`; never `500`.
    Unavailable,
}

/// The answer to a request refused by a resource server, as RFC 6750 §3
/// writes it: the status, the `WWW-Authenticate` challenge, and a small
/// JSON body (`{"error", "error_description"}`), `Cache-Control: no-store`.
/// Adapters turn it into their framework's response
/// ([`response`](Self::response)).
///
/// ```
/// use franceconnect_tower::resource::{Refusal, RefusalKind};
/// use franceconnect_tower::Scope;
///
/// let refusal = Refusal::new(RefusalKind::InsufficientScope, "api").with_scopes(&[Scope::Email]);
/// let response = refusal.response();
/// assert_eq!(response.status(), 403);
/// assert_eq!(
///     response.headers()["www-authenticate"],
///     r#"Bearer realm="api", error="insufficient_scope", error_description="the access token does not grant the scope this resource needs", scope="email""#
/// );
/// assert_eq!(Refusal::new(RefusalKind::MissingToken, "api").response().headers()["www-authenticate"], r#"Bearer realm="api""#);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Refusal {
    kind: RefusalKind,
    realm: String,
    scope: Option<String>,
}

impl fmt::Debug for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Refusal")
            .field("kind", &self.kind)
            .field("status", &self.status().as_u16())
            .field("scope", &self.scope)
            .finish()
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "request refused ({}): {}",
            self.status().as_u16(),
            self.description()
        )
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// A refusal of `kind`, its challenge in `realm` (the caller's
    /// configured realm: it is written as is between quotes).
    pub fn new(kind: RefusalKind, realm: impl Into<String>) -> Self {
        let realm: String = realm.into();
        // A realm never breaks out of its quotes, whoever built it.
        let realm = realm
            .chars()
            .filter(|c| c.is_ascii() && !c.is_ascii_control() && *c != '"' && *c != '\\')
            .take(64)
            .collect();
        Self {
            kind,
            realm,
            scope: None,
        }
    }

    /// The same refusal naming the scopes the resource needs (the
    /// `scope` attribute of an `insufficient_scope` challenge).
    pub fn with_scopes(mut self, scopes: &[Scope]) -> Self {
        let list: Vec<&str> = scopes.iter().map(Scope::as_str).collect();
        self.scope = (!list.is_empty()).then(|| list.join(" "));
        self
    }

    /// Why.
    pub fn kind(&self) -> RefusalKind {
        self.kind
    }

    /// The HTTP status: `400`, `401`, `403` or `503`.
    pub fn status(&self) -> StatusCode {
        match self.kind {
            RefusalKind::MissingToken | RefusalKind::InvalidToken => StatusCode::UNAUTHORIZED,
            RefusalKind::InvalidRequest => StatusCode::BAD_REQUEST,
            RefusalKind::InsufficientScope => StatusCode::FORBIDDEN,
            RefusalKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The RFC 6750 error code (`invalid_request`, `invalid_token`,
    /// `insufficient_scope`); none for a missing token or an unavailable
    /// provider.
    pub fn error_code(&self) -> Option<&'static str> {
        match self.kind {
            RefusalKind::InvalidRequest => Some("invalid_request"),
            RefusalKind::InvalidToken => Some("invalid_token"),
            RefusalKind::InsufficientScope => Some("insufficient_scope"),
            RefusalKind::MissingToken | RefusalKind::Unavailable => None,
        }
    }

    fn description(&self) -> &'static str {
        match self.kind {
            RefusalKind::MissingToken => "this resource needs an access token: Authorization: Bearer <token>",
            RefusalKind::InvalidRequest => "the Authorization header is malformed",
            RefusalKind::InvalidToken => "the access token is invalid, expired or revoked",
            RefusalKind::InsufficientScope => "the access token does not grant the scope this resource needs",
            RefusalKind::Unavailable => "the access token cannot be checked right now: try again shortly",
        }
    }

    /// The `WWW-Authenticate` challenge; none for `503`.
    pub fn www_authenticate(&self) -> Option<String> {
        if self.kind == RefusalKind::Unavailable {
            return None;
        }
        let mut challenge = format!("Bearer realm=\"{}\"", self.realm);
        if let Some(code) = self.error_code() {
            challenge.push_str(&format!(
                ", error=\"{code}\", error_description=\"{}\"",
                self.description()
            ));
        }
        if let (RefusalKind::InsufficientScope, Some(scope)) = (self.kind, &self.scope) {
            challenge.push_str(&format!(", scope=\"{scope}\""));
        }
        Some(challenge)
    }

    /// The whole answer.
    pub fn response(&self) -> Response<String> {
        let error = match self.kind {
            RefusalKind::MissingToken => "unauthorized",
            RefusalKind::Unavailable => "temporarily_unavailable",
            _ => self.error_code().unwrap_or("unauthorized"),
        };
        let mut body = serde_json::json!({ "error": error, "error_description": self.description() });
        if let (RefusalKind::InsufficientScope, Some(scope)) = (self.kind, &self.scope) {
            body["scope"] = scope.as_str().into();
        }
        let mut builder = Response::builder()
            .status(self.status())
            .header(CONTENT_TYPE, "application/json")
            .header(CACHE_CONTROL, "no-store");
        if let Some(challenge) = self.www_authenticate() {
            builder = builder.header(WWW_AUTHENTICATE, challenge);
        }
        if self.kind == RefusalKind::Unavailable {
            builder = builder.header(RETRY_AFTER, "5");
        }
        builder
            .body(body.to_string())
            .expect("a status and ASCII headers make a response")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_has_its_rfc_6750_answer() {
        let r = |kind| Refusal::new(kind, "api").response();
        let invalid = r(RefusalKind::InvalidToken);
        assert_eq!(invalid.status(), 401);
        assert!(
            invalid.headers()[WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with(r#"Bearer realm="api", error="invalid_token""#)
        );
        assert_eq!(invalid.headers()[CACHE_CONTROL], "no-store");
        let bad = r(RefusalKind::InvalidRequest);
        assert_eq!(bad.status(), 400);
        assert!(
            bad.headers()[WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .contains("invalid_request")
        );
        let down = r(RefusalKind::Unavailable);
        assert_eq!(down.status(), 503);
        assert!(down.headers().get(WWW_AUTHENTICATE).is_none());
        assert_eq!(down.headers()[RETRY_AFTER], "5");
        let body: serde_json::Value = serde_json::from_str(down.body()).unwrap();
        assert_eq!(body["error"], "temporarily_unavailable");
        // A realm cannot break out of its quotes.
        let odd = Refusal::new(RefusalKind::MissingToken, "a\"b\\c\r\n").response();
        assert_eq!(odd.headers()[WWW_AUTHENTICATE], r#"Bearer realm="abc""#);
    }
}
