//! Switchable behaviours for tests: endpoint failures, tampered tokens,
//! forced callback errors, automatic approval, forced `acr`, and the
//! per-endpoint request counters.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::config::Eidas;

/// An endpoint of the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /authorize`.
    Authorize,
    /// `POST /token`.
    Token,
    /// `GET /userinfo`.
    Userinfo,
    /// `GET /jwks`.
    Jwks,
    /// `GET /.well-known/openid-configuration`.
    Discovery,
    /// `GET /session/end`.
    SessionEnd,
}

impl Endpoint {
    /// All endpoints.
    pub const ALL: [Endpoint; 6] = [
        Endpoint::Authorize,
        Endpoint::Token,
        Endpoint::Userinfo,
        Endpoint::Jwks,
        Endpoint::Discovery,
        Endpoint::SessionEnd,
    ];

    /// Index in counter and failure tables.
    fn index(self) -> usize {
        self as usize
    }
}

/// A failure injected on an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// 500 Internal Server Error.
    ServerError,
    /// 503 Service Unavailable.
    Unavailable,
    /// Answers normally after this delay (to exercise client timeouts).
    Slow(Duration),
    /// 200 with a body that is neither JSON nor a JWT.
    Garbage,
    /// 200 with a body of several megabytes.
    Oversized,
}

/// A defect introduced into issued tokens, which a correct client must
/// detect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// The ID token's signature does not verify.
    BadSignature,
    /// The ID token's `iss` is another (real) issuer.
    WrongIssuer,
    /// The ID token's `aud` is another client.
    WrongAudience,
    /// The ID token's `nonce` is not the one sent.
    WrongNonce,
    /// The ID token expired an hour ago.
    Expired,
    /// The ID token is unsigned, header `alg` `none`.
    AlgNone,
    /// FranceConnect+: the ID token is encrypted to a freshly generated key
    /// whose kid the client does not have (no effect on FranceConnect).
    UnknownEncryptionKey,
    /// The userinfo `sub` differs from the ID token's.
    UserinfoSubMismatch,
}

/// Size of the [`Failure::Oversized`] body.
const OVERSIZED_BYTES: usize = 5 * 1024 * 1024;

/// The switchable state (behind the handle's mutex).
#[derive(Debug, Default)]
pub(crate) struct Scenarios {
    /// Login as this identity at this level without showing the page.
    pub auto_approve: Option<(Option<String>, Option<Eidas>)>,
    /// Answer logins with this error on the callback.
    pub callback_error: Option<String>,
    /// Failures per endpoint, indexed by [`Endpoint::index`].
    pub failures: [Option<Failure>; 6],
    /// Force the `acr` of tokens.
    pub acr_override: Option<Eidas>,
    /// Tamper with issued tokens.
    pub tamper: Option<Tamper>,
}

impl Scenarios {
    /// The failure set on `endpoint`.
    pub fn failure(&self, endpoint: Endpoint) -> Option<Failure> {
        self.failures[endpoint.index()]
    }

    /// Sets the failure of `endpoint`.
    pub fn set_failure(&mut self, endpoint: Endpoint, failure: Option<Failure>) {
        self.failures[endpoint.index()] = failure;
    }
}

/// Request counters, one per endpoint.
#[derive(Debug, Default)]
pub(crate) struct Counters([AtomicUsize; 6]);

impl Counters {
    /// Counts one request.
    pub fn hit(&self, endpoint: Endpoint) {
        self.0[endpoint.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Requests counted so far.
    pub fn get(&self, endpoint: Endpoint) -> usize {
        self.0[endpoint.index()].load(Ordering::Relaxed)
    }

    /// Back to zero.
    pub fn reset(&self) {
        for counter in &self.0 {
            counter.store(0, Ordering::Relaxed);
        }
    }
}

/// Applies a failure: `Some(response)` to send instead of the normal one,
/// or `None` to answer normally (possibly after a delay).
/// `content_type` is the endpoint's normal content type, used for the
/// garbage and oversized bodies to make them look plausible.
pub(crate) async fn apply_failure(
    failure: Option<Failure>,
    endpoint: Endpoint,
    content_type: &'static str,
) -> Option<Response> {
    let failure = failure?;
    tracing::info!(?endpoint, ?failure, "scenario: injected failure");
    match failure {
        Failure::ServerError => Some(
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                "<html><body><h1>500 Internal Server Error</h1></body></html>",
            )
                .into_response(),
        ),
        Failure::Unavailable => Some(
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::RETRY_AFTER, "30"),
                ],
                "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
            )
                .into_response(),
        ),
        Failure::Slow(delay) => {
            tokio::time::sleep(delay).await;
            None
        }
        Failure::Garbage => Some(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, content_type)],
                "<html>\u{0}\u{1}ceci n'est ni du JSON ni un JWT}{ ..\n",
            )
                .into_response(),
        ),
        Failure::Oversized => {
            let body = if content_type.starts_with("application/json") {
                let mut body = String::with_capacity(OVERSIZED_BYTES + 16);
                body.push_str("{\"padding\":\"");
                body.extend(std::iter::repeat_n('A', OVERSIZED_BYTES));
                body.push_str("\"}");
                body
            } else {
                "A".repeat(OVERSIZED_BYTES)
            };
            Some((StatusCode::OK, [(header::CONTENT_TYPE, content_type)], body).into_response())
        }
    }
}
