//! Counters and histograms of the logins and of the provider's requests,
//! through the [`metrics`](https://docs.rs/metrics) facade: with the
//! feature `metrics` (off by default) the engine records them into whatever
//! recorder the application installed (Prometheus, StatsD, OpenTelemetry…);
//! without it, the recording helpers compile to nothing.
//!
//! | name | type | labels | meaning |
//! |---|---|---|---|
//! | `franceconnect_logins_begun_total` | counter | `platform` | logins sent to the provider ([`FranceConnect::begin_login`](crate::FranceConnect::begin_login) succeeded) |
//! | `franceconnect_logins_completed_total` | counter | `platform`, `acr` | logins whose callback passed every check ([`FranceConnect::complete_login`](crate::FranceConnect::complete_login) succeeded), by the `acr` reached |
//! | `franceconnect_logins_failed_total` | counter | `platform`, `step`, `error` | logins that failed: at `step` `begin` (no redirect to the provider) or `callback` (cancelled, refused, hostile or unmatched answer), with the [`error_label`] |
//! | `franceconnect_provider_request_duration_seconds` | histogram | `platform`, `endpoint`, `outcome` | each request to the provider, until its body is read: `endpoint` one of `discovery`, `jwks`, `token`, `userinfo`, `revocation`, and for a [resource server](crate::resource) `checktoken` or `introspection`; `outcome` the HTTP status class (`2xx`…`5xx`) or `timeout`, `connect_error`, `too_large`, `transport_error` |
//! | `franceconnect_jwks_fetches_total` | counter | `platform`, `outcome` | fetches of the provider's JWKS (a cache miss, an expiry or a refetch), `ok` or `error` |
//! | `franceconnect_jwks_unknown_kid_refetches_total` | counter | `platform` | refetches of the JWKS because a token named an unknown `kid` (at most one per cooldown) |
//! | `franceconnect_resource_checks_total` | counter | `platform`, `outcome`, `source` | bearer tokens checked by a [resource server](crate::resource): `outcome` one of `active`, `inactive`, `missing_token`, `invalid_request`, `insufficient_scope`, `unavailable`; `source` `cache`, `provider` or `none` (refused before any check) |
//! | `franceconnect_session_store_failures_total` | counter | `adapter` | session store failures seen by the adapter (`tower`, `actix`): each is answered with a `503` |
//! | `franceconnect_session_store_timeouts_total` | counter | `adapter` | session store operations given up at their time limit (`actix`'s `StoreTimeout`) |
//!
//! `platform` is the `FC_PLATFORM` value (`fc`, `fcplus`, `proconnect`);
//! `acr` one of [`Acr::as_str`]'s values. Every label comes from a closed
//! set: never a token, a code, a state, a nonce, a claim or text from the
//! provider, so that neither personal data nor an attacker's input reaches
//! the metrics, and the number of series stays bounded.
//!
//! The names are described (unit and help text) once, by the
//! application, after it installed its recorder: `describe()` (feature
//! `metrics`).

use crate::config::Platform;
use crate::error::{AccessTokenError, Error, NetworkErrorKind, ProviderErrorCode, StateError};
use crate::protocol::acr::Acr;

/// Logins sent to the provider (counter; `platform`).
pub const LOGINS_BEGUN: &str = "franceconnect_logins_begun_total";
/// Logins whose callback passed every check (counter; `platform`, `acr`).
pub const LOGINS_COMPLETED: &str = "franceconnect_logins_completed_total";
/// Logins that failed (counter; `platform`, `step`, `error`).
pub const LOGINS_FAILED: &str = "franceconnect_logins_failed_total";
/// The provider's response times, in seconds (histogram; `platform`,
/// `endpoint`, `outcome`).
pub const PROVIDER_REQUEST_DURATION: &str = "franceconnect_provider_request_duration_seconds";
/// Fetches of the provider's JWKS (counter; `platform`, `outcome`).
pub const JWKS_FETCHES: &str = "franceconnect_jwks_fetches_total";
/// JWKS refetches for an unknown `kid` (counter; `platform`).
pub const JWKS_UNKNOWN_KID_REFETCHES: &str = "franceconnect_jwks_unknown_kid_refetches_total";
/// Bearer tokens checked by a resource server (counter; `platform`,
/// `outcome`, `source`).
pub const RESOURCE_CHECKS: &str = "franceconnect_resource_checks_total";
/// Session store failures (counter; `adapter`).
pub const SESSION_STORE_FAILURES: &str = "franceconnect_session_store_failures_total";
/// Session store operations that timed out (counter; `adapter`).
pub const SESSION_STORE_TIMEOUTS: &str = "franceconnect_session_store_timeouts_total";

/// Every value [`error_label`] can give: the `error` label of
/// [`LOGINS_FAILED`] and the `error` field of the login spans. A slice, so
/// that a new label does not change a public type.
pub const ERROR_LABELS: &[&str] = &[
    "configuration_error",
    "provider_metadata_error",
    "access_denied",
    "invalid_acr",
    "invalid_request",
    "invalid_idp_hint",
    "acr_not_satisfied",
    "login_required",
    "unsupported_response_type",
    "server_error",
    "temporarily_unavailable",
    "provider_error_other",
    "login_expired",
    "invalid_state",
    "token_exchange_failed",
    "invalid_token",
    "invalid_claims",
    "insufficient_eidas",
    "acr_not_met",
    "provider_unavailable",
    "access_token_missing",
    "access_token_expired",
    "refresh_refused",
];

/// A short label for `error`, from a closed set ([`ERROR_LABELS`]): the
/// reference code of [`web::error_code`](crate::web::error_code) (which is
/// built on it), except that a provider error code outside the protocol's
/// list is `provider_error_other` rather than the text the provider sent.
///
/// ```
/// use franceconnect_tower::metrics::{ERROR_LABELS, error_label};
/// use franceconnect_tower::{Error, JoseError};
///
/// let label = error_label(&Error::Jose(JoseError::BadSignature));
/// assert_eq!(label, "invalid_token");
/// assert!(ERROR_LABELS.contains(&label));
/// ```
pub fn error_label(error: &Error) -> &'static str {
    match error {
        Error::Config(_) => "configuration_error",
        Error::Discovery(_) => "provider_metadata_error",
        Error::Provider(e) => match &e.code {
            ProviderErrorCode::AccessDenied => "access_denied",
            ProviderErrorCode::InvalidAcr => "invalid_acr",
            ProviderErrorCode::InvalidRequest => "invalid_request",
            ProviderErrorCode::InvalidIdpHint => "invalid_idp_hint",
            ProviderErrorCode::AcrNotSatisfied => "acr_not_satisfied",
            ProviderErrorCode::LoginRequired => "login_required",
            ProviderErrorCode::UnsupportedResponseType => "unsupported_response_type",
            ProviderErrorCode::ServerError => "server_error",
            ProviderErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ProviderErrorCode::Other(_) => "provider_error_other",
        },
        Error::State(StateError::Expired) => "login_expired",
        Error::State(_) => "invalid_state",
        Error::TokenExchange(_) => "token_exchange_failed",
        Error::Jose(_) => "invalid_token",
        Error::Claims(_) => "invalid_claims",
        Error::EidasTooLow { .. } => "insufficient_eidas",
        Error::AcrNotMet { .. } => "acr_not_met",
        Error::Network(_) => "provider_unavailable",
        Error::AccessToken(AccessTokenError::Missing) => "access_token_missing",
        Error::AccessToken(AccessTokenError::Expired) => "access_token_expired",
        Error::AccessToken(AccessTokenError::RefreshRefused) => "refresh_refused",
    }
}

/// The step of a login that failed: the `step` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoginStep {
    /// `begin_login`: nothing was sent to the provider.
    Begin,
    /// The callback: the provider's answer was refused.
    Callback,
}

impl LoginStep {
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    fn as_str(self) -> &'static str {
        match self {
            LoginStep::Begin => "begin",
            LoginStep::Callback => "callback",
        }
    }
}

/// How a request to the provider ended: the `outcome` label of
/// [`PROVIDER_REQUEST_DURATION`].
pub(crate) fn request_outcome(result: Result<u16, &NetworkErrorKind>) -> &'static str {
    match result {
        Ok(200..=299) => "2xx",
        Ok(300..=399) => "3xx",
        Ok(400..=499) => "4xx",
        Ok(500..=599) => "5xx",
        Ok(_) => "other_status",
        Err(NetworkErrorKind::Timeout) => "timeout",
        Err(NetworkErrorKind::Connect) => "connect_error",
        Err(NetworkErrorKind::TooLarge(_)) => "too_large",
        Err(NetworkErrorKind::Status(_) | NetworkErrorKind::ContentType | NetworkErrorKind::Other) => "transport_error",
    }
}

/// Gives each metric its unit and help text, for the recorder's output
/// (Prometheus' `# HELP` lines). Call it once, after installing the
/// recorder: the engine records without it, the exporter just shows no
/// description.
///
/// ```
/// // Cargo.toml: franceconnect-tower = { version = "0.1", features = ["metrics"] }
/// //             metrics-exporter-prometheus = "0.18"
/// let prometheus = metrics_exporter_prometheus::PrometheusBuilder::new()
///     .install_recorder()
///     .expect("no other recorder is installed");
/// franceconnect_tower::metrics::describe();
/// // …the logins run…
/// let scraped = prometheus.render(); // what `GET /metrics` answers
/// # let _ = scraped;
/// ```
#[cfg(feature = "metrics")]
pub fn describe() {
    use metrics::{Unit, describe_counter, describe_histogram};
    describe_counter!(LOGINS_BEGUN, Unit::Count, "Logins sent to the provider");
    describe_counter!(
        LOGINS_COMPLETED,
        Unit::Count,
        "Logins whose callback passed every check, by the acr reached"
    );
    describe_counter!(
        LOGINS_FAILED,
        Unit::Count,
        "Logins that failed, by step (begin, callback) and error label"
    );
    describe_histogram!(
        PROVIDER_REQUEST_DURATION,
        Unit::Seconds,
        "Requests to the provider, by endpoint (discovery, jwks, token, userinfo, revocation, checktoken, introspection) and outcome"
    );
    describe_counter!(JWKS_FETCHES, Unit::Count, "Fetches of the provider's JWKS");
    describe_counter!(
        JWKS_UNKNOWN_KID_REFETCHES,
        Unit::Count,
        "JWKS refetches because a token named an unknown key id"
    );
    describe_counter!(
        RESOURCE_CHECKS,
        Unit::Count,
        "Bearer tokens checked by a resource server, by outcome and source (cache, provider)"
    );
    describe_counter!(
        SESSION_STORE_FAILURES,
        Unit::Count,
        "Session store failures, each answered with a 503"
    );
    describe_counter!(
        SESSION_STORE_TIMEOUTS,
        Unit::Count,
        "Session store operations given up at their time limit"
    );
}

/// A login was sent to the provider.
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub(crate) fn login_begun(platform: Platform) {
    #[cfg(feature = "metrics")]
    metrics::counter!(LOGINS_BEGUN, "platform" => platform.setting()).increment(1);
}

/// A login's callback passed every check, reaching `acr`.
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub(crate) fn login_completed(platform: Platform, acr: Acr) {
    #[cfg(feature = "metrics")]
    metrics::counter!(LOGINS_COMPLETED, "platform" => platform.setting(), "acr" => acr.as_str()).increment(1);
}

/// A login failed at `step` with `error`.
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub(crate) fn login_failed(platform: Platform, step: LoginStep, error: &Error) {
    #[cfg(feature = "metrics")]
    metrics::counter!(
        LOGINS_FAILED,
        "platform" => platform.setting(),
        "step" => step.as_str(),
        "error" => error_label(error)
    )
    .increment(1);
}

/// A request to the provider's `endpoint` took `elapsed` and ended with
/// `outcome` ([`request_outcome`]).
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub(crate) fn provider_request(
    platform: Platform,
    endpoint: &'static str,
    outcome: &'static str,
    elapsed: std::time::Duration,
) {
    #[cfg(feature = "metrics")]
    metrics::histogram!(
        PROVIDER_REQUEST_DURATION,
        "platform" => platform.setting(),
        "endpoint" => endpoint,
        "outcome" => outcome
    )
    .record(elapsed.as_secs_f64());
}

/// The provider's JWKS was fetched (`ok`: and read).
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub(crate) fn jwks_fetched(platform: Platform, ok: bool) {
    #[cfg(feature = "metrics")]
    metrics::counter!(
        JWKS_FETCHES,
        "platform" => platform.setting(),
        "outcome" => if ok { "ok" } else { "error" }
    )
    .increment(1);
}

/// A resource server checked a bearer token: `outcome` and `source`
/// from the closed sets of [`RESOURCE_CHECKS`].
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub(crate) fn resource_check(platform: Platform, outcome: &'static str, source: &'static str) {
    #[cfg(feature = "metrics")]
    metrics::counter!(
        RESOURCE_CHECKS,
        "platform" => platform.setting(),
        "outcome" => outcome,
        "source" => source
    )
    .increment(1);
}

/// The JWKS is refetched because a token named an unknown `kid`.
#[cfg_attr(not(feature = "metrics"), allow(unused_variables))]
#[inline]
pub(crate) fn jwks_unknown_kid_refetch(platform: Platform) {
    #[cfg(feature = "metrics")]
    metrics::counter!(JWKS_UNKNOWN_KID_REFETCHES, "platform" => platform.setting()).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ClaimsError, JoseError, NetworkError, ProviderError, TokenExchangeError};
    use crate::protocol::eidas::Eidas;
    use crate::web::error_code;

    /// One error of every kind, and provider errors of every code, some of
    /// them with text an attacker chose.
    fn every_error() -> Vec<Error> {
        let mut errors = vec![
            Error::Config(crate::error::ConfigError::new("x")),
            Error::discovery("x"),
            Error::State(StateError::Missing),
            Error::State(StateError::Mismatch),
            Error::State(StateError::Expired),
            Error::State(StateError::IssuerMismatch),
            Error::State(StateError::MissingCode),
            Error::TokenExchange(TokenExchangeError::Malformed("x".into())),
            Error::TokenExchange(TokenExchangeError::Refused {
                status: 400,
                code: "invalid_grant".into(),
                platform_code: None,
            }),
            Error::Jose(JoseError::BadSignature),
            Error::Jose(JoseError::UnknownKey),
            Error::Claims(ClaimsError::new("nonce", "does not match")),
            Error::EidasTooLow {
                requested: Eidas::Eidas2,
                received: Eidas::Eidas1,
            },
            Error::AcrNotMet {
                requested: crate::protocol::acr::RequestedAcr::OneOf(vec![Acr::Eidas1Mfa]),
                received: Acr::Eidas1,
            },
            Error::Network(NetworkError::new("token", NetworkErrorKind::Timeout)),
            Error::AccessToken(AccessTokenError::Missing),
            Error::AccessToken(AccessTokenError::Expired),
            Error::AccessToken(AccessTokenError::RefreshRefused),
        ];
        for code in [
            "access_denied",
            "invalid_acr",
            "invalid_request",
            "invalid_idp_hint",
            "idp_hint_not_found",
            "login_required",
            "unsupported_response_type",
            "server_error",
            "temporarily_unavailable",
            "jean.dupont@example.fr",
            "<script>alert(1)</script>",
            "",
        ] {
            errors.push(Error::Provider(ProviderError::from_callback(code, None, None)));
        }
        errors.push(Error::Provider(ProviderError::from_callback(
            "access_denied",
            Some("requested ACRs could not be satisfied"),
            None,
        )));
        errors
    }

    #[test]
    fn error_labels_come_from_a_closed_set_and_match_the_reference_codes() {
        let mut seen = std::collections::BTreeSet::new();
        for error in every_error() {
            let label = error_label(&error);
            assert!(ERROR_LABELS.contains(&label), "{label} is not listed");
            match &error {
                Error::Provider(p) if matches!(p.code, ProviderErrorCode::Other(_)) => {
                    assert_eq!(label, "provider_error_other", "{error:?}");
                }
                _ => assert_eq!(label, error_code(&error), "{error:?}"),
            }
            seen.insert(label);
        }
        // Whatever the provider sends, the labels stay these few, and
        // each listed one is reachable.
        assert_eq!(seen, ERROR_LABELS.iter().copied().collect());
        assert!(
            ERROR_LABELS
                .iter()
                .all(|l| l.len() <= 32 && l.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
    }

    #[test]
    fn request_outcomes_are_status_classes_or_network_failures() {
        assert_eq!(request_outcome(Ok(200)), "2xx");
        assert_eq!(request_outcome(Ok(302)), "3xx");
        assert_eq!(request_outcome(Ok(401)), "4xx");
        assert_eq!(request_outcome(Ok(503)), "5xx");
        assert_eq!(request_outcome(Ok(999)), "other_status");
        assert_eq!(request_outcome(Err(&NetworkErrorKind::Timeout)), "timeout");
        assert_eq!(request_outcome(Err(&NetworkErrorKind::Connect)), "connect_error");
        assert_eq!(request_outcome(Err(&NetworkErrorKind::TooLarge(1))), "too_large");
        assert_eq!(request_outcome(Err(&NetworkErrorKind::Other)), "transport_error");
    }
}
