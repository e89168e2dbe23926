//! Switchable behaviours for tests: endpoint failures, tampered tokens,
//! forced callback errors, automatic approval (and its MFA step on
//! ProConnect), forced `acr`, and the per-endpoint request counters.

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
    /// `POST /token/revocation`.
    Revocation,
    /// `POST /checktoken` (FranceConnect and FranceConnect+'s data
    /// providers).
    Checktoken,
    /// `POST /token/introspection` (ProConnect's resource servers).
    Introspection,
}

impl Endpoint {
    /// All endpoints.
    pub const ALL: [Endpoint; 9] = [
        Endpoint::Authorize,
        Endpoint::Token,
        Endpoint::Userinfo,
        Endpoint::Jwks,
        Endpoint::Discovery,
        Endpoint::SessionEnd,
        Endpoint::Revocation,
        Endpoint::Checktoken,
        Endpoint::Introspection,
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
    /// 307 Temporary Redirect to another server, which a client must not
    /// follow (it would replay the request, credentials included).
    RedirectElsewhere,
}

/// A defect introduced into issued tokens, which a correct client must
/// detect. Together they form a catalogue of what a hostile or broken
/// provider (or someone between it and the client) could send; each is
/// named after what the client receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tamper {
    // --- the ID token's signature ---
    /// The ID token's signature does not verify.
    BadSignature,
    /// The ID token is unsigned, header `alg` `none`.
    AlgNone,
    /// The ID token is signed with HS256, using the provider's public key
    /// (its JWK as JSON) as the HMAC secret: algorithm confusion.
    Hs256WithPublicKey,
    /// A valid signature by a key that is not in the JWKS, under the kid of
    /// the provider's real key.
    ForeignKey,
    /// A valid signature by a key that is not in the JWKS, under a kid the
    /// JWKS does not list (the client may refetch the JWKS once).
    UnknownKid,
    /// A valid signature by the attacker's key, which the JWS header carries
    /// itself (`jwk` header parameter) under a new kid.
    EmbeddedJwk,
    // --- the ID token's claims ---
    /// The ID token's `iss` is another (real) issuer.
    WrongIssuer,
    /// The ID token's `aud` is another client.
    WrongAudience,
    /// The ID token's `aud` lists this client and another one, without
    /// `azp`.
    ExtraAudience,
    /// The ID token's `aud` lists this client and another one, with `azp`
    /// naming this client (OpenID Connect Core 3.1.3.7 allows it; a service
    /// of the platform is never one audience among several).
    ExtraAudienceWithAzp,
    /// The ID token's `aud` is an array holding this client and a number.
    NonStringAudience,
    /// The ID token's `nonce` is not the one sent.
    WrongNonce,
    /// The ID token has no `nonce`.
    MissingNonce,
    /// The ID token carries the nonce of the previous login the mock served.
    ReplayedNonce,
    /// The ID token expired an hour ago.
    Expired,
    /// The ID token has no `exp`.
    MissingExpiry,
    /// The ID token is not valid before ten minutes from now (`nbf`).
    NotYetValid,
    /// The ID token was issued an hour in the future (`iat`).
    IssuedInFuture,
    /// The ID token's `acr` is a value no platform defines.
    UnknownAcr,
    /// The ID token has no `sub`.
    MissingSub,
    /// The ID token carries 100 KiB of padding (larger than any real one).
    OversizedIdToken,
    // --- FranceConnect+ encryption (no effect on FranceConnect) ---
    /// The ID token is encrypted to a freshly generated key whose kid the
    /// client does not have.
    UnknownEncryptionKey,
    /// The ID token is a bare JWS, not encrypted.
    Unencrypted,
    /// The ID token is encrypted with a key-management algorithm outside
    /// the allow-list (ECDH-ES+A256KW for EC keys, RSA1_5 for RSA keys).
    DisallowedEncryptionAlg,
    /// The ID token is encrypted with `enc` A128CBC-HS256 instead of
    /// A256GCM.
    DisallowedContentEncryption,
    /// The ID token's plaintext is compressed (`zip: DEF`).
    Compressed,
    /// The ID token's JWE is cut in the middle.
    TruncatedJwe,
    /// The ID token's JWE authentication tag is altered.
    TamperedTag,
    /// The ID token's JWE carries a 64-bit IV instead of A256GCM's 96.
    ShortIv,
    /// The ID token's JWE carries a 96-bit authentication tag instead of
    /// A256GCM's 128 (a truncated tag is easier to forge).
    ShortTag,
    // --- userinfo ---
    /// The userinfo `sub` differs from the ID token's.
    UserinfoSubMismatch,
    /// Userinfo is served as plain JSON (`application/json`), neither signed
    /// nor encrypted.
    UserinfoPlainJson,
    /// Userinfo is an unsigned JWT (`alg: none`).
    UserinfoUnsigned,
    /// Userinfo is signed correctly but for another audience.
    UserinfoWrongAudience,
}

impl Tamper {
    /// Every tamper scenario.
    pub const ALL: [Tamper; 34] = [
        Tamper::BadSignature,
        Tamper::AlgNone,
        Tamper::Hs256WithPublicKey,
        Tamper::ForeignKey,
        Tamper::UnknownKid,
        Tamper::EmbeddedJwk,
        Tamper::WrongIssuer,
        Tamper::WrongAudience,
        Tamper::ExtraAudience,
        Tamper::ExtraAudienceWithAzp,
        Tamper::NonStringAudience,
        Tamper::WrongNonce,
        Tamper::MissingNonce,
        Tamper::ReplayedNonce,
        Tamper::Expired,
        Tamper::MissingExpiry,
        Tamper::NotYetValid,
        Tamper::IssuedInFuture,
        Tamper::UnknownAcr,
        Tamper::MissingSub,
        Tamper::OversizedIdToken,
        Tamper::UnknownEncryptionKey,
        Tamper::Unencrypted,
        Tamper::DisallowedEncryptionAlg,
        Tamper::DisallowedContentEncryption,
        Tamper::Compressed,
        Tamper::TruncatedJwe,
        Tamper::TamperedTag,
        Tamper::ShortIv,
        Tamper::ShortTag,
        Tamper::UserinfoSubMismatch,
        Tamper::UserinfoPlainJson,
        Tamper::UserinfoUnsigned,
        Tamper::UserinfoWrongAudience,
    ];

    /// True for the scenarios that act on FranceConnect+'s encryption only.
    pub fn is_encryption(self) -> bool {
        matches!(
            self,
            Tamper::UnknownEncryptionKey
                | Tamper::Unencrypted
                | Tamper::DisallowedEncryptionAlg
                | Tamper::DisallowedContentEncryption
                | Tamper::Compressed
                | Tamper::TruncatedJwe
                | Tamper::TamperedTag
                | Tamper::ShortIv
                | Tamper::ShortTag
        )
    }
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
    pub failures: [Option<Failure>; Endpoint::ALL.len()],
    /// Force the `acr` of tokens.
    pub acr_override: Option<Eidas>,
    /// Force the `acr` of ID tokens to any string (takes precedence over
    /// `acr_override`).
    pub acr_value_override: Option<String>,
    /// Whether automatic ProConnect logins go through the e-mail code
    /// (MFA) step.
    pub agent_mfa: bool,
    /// Tamper with issued tokens.
    pub tamper: Option<Tamper>,
    /// Seconds added to the time written in issued tokens.
    pub clock_offset_secs: i64,
    /// The nonce of the last ID token issued (for [`Tamper::ReplayedNonce`]).
    pub last_nonce: Option<String>,
    /// Where discovery says the back-channel endpoints are, when not under
    /// the issuer (see `MockHandle::set_foreign_endpoints`).
    pub foreign_endpoints: Option<String>,
    /// How long ago the user authenticated at the provider, for logins
    /// that do not force a new authentication.
    pub sso_age_secs: u64,
    /// The lifetime of the access tokens issued from now on, instead of
    /// the platform's (see `MockHandle::set_access_token_lifetime`).
    pub access_token_lifetime: Option<std::time::Duration>,
}

impl Scenarios {
    /// The failure set on `endpoint`.
    pub(crate) fn failure(&self, endpoint: Endpoint) -> Option<Failure> {
        self.failures[endpoint.index()]
    }

    /// Sets the failure of `endpoint`.
    pub(crate) fn set_failure(&mut self, endpoint: Endpoint, failure: Option<Failure>) {
        self.failures[endpoint.index()] = failure;
    }
}

/// Request counters, one per endpoint.
#[derive(Debug, Default)]
pub(crate) struct Counters([AtomicUsize; Endpoint::ALL.len()]);

impl Counters {
    /// Counts one request.
    pub(crate) fn hit(&self, endpoint: Endpoint) {
        self.0[endpoint.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Requests counted so far.
    pub(crate) fn get(&self, endpoint: Endpoint) -> usize {
        self.0[endpoint.index()].load(Ordering::Relaxed)
    }

    /// Back to zero.
    pub(crate) fn reset(&self) {
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
        Failure::RedirectElsewhere => Some(
            (
                StatusCode::TEMPORARY_REDIRECT,
                [(header::LOCATION, "https://fournisseur-pirate.invalid/collecte")],
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
