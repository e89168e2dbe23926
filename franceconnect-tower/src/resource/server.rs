//! [`ResourceServer`]: the API's side, shared by every request: reads the
//! bearer token, asks the platform about it (through the cache), checks
//! the scopes, and answers as RFC 6750 says.

use std::sync::Arc;
use std::time::{Duration, Instant};

use http::HeaderMap;
use serde_json::Value;
use tracing::Instrument as _;
use url::Url;

use super::bearer::{BearerError, BearerToken};
use super::cache::{AnswerCache, Entry};
use super::config::ResourceConfig;
use super::error::ResourceError;
use super::introspection::IntrospectionMetadata;
use super::refusal::{Refusal, RefusalKind};
use super::token_info::{InactiveReason, TokenCheck, TokenInfo};
use super::{checktoken, introspection};
use crate::config::{Platform, Scope};
use crate::error::ConfigError;
use crate::provider::cached_document::CachedDocument;
use crate::provider::discovery::discovery_url;
use crate::provider::http_client::HttpClient;
use crate::provider::jwks::ProviderJwks;

/// The shortest bearer token the platform is asked about (in bytes): the
/// platforms' access tokens — `oidc-provider`'s, FranceConnect's as
/// ProConnect's, and the mock's — are 43 base64url characters (256 bits).
/// A shorter one is refused as invalid
/// ([`InactiveReason::TooShort`]) without a request: the answer cache is
/// keyed by token, so each made-up token would otherwise cost the platform
/// a request.
pub const MIN_TOKEN_LEN: usize = 32;

/// A resource server (ProConnect) or data provider (FranceConnect,
/// FranceConnect+): checks the access tokens services send to an API.
/// Cheap to clone; create one per API and share it.
///
/// ```no_run
/// use franceconnect_tower::resource::ResourceServer;
/// use franceconnect_tower::Scope;
///
/// # async fn handle(authorization: Option<&str>) -> Result<(), Box<dyn std::error::Error>> {
/// let api = ResourceServer::from_env()?;
/// match api.authorize(authorization, &["dgfip_rfr".parse::<Scope>()?]).await {
///     Ok(token) => println!("for {} through {}", token.sub, token.client_id),
///     // 401, 403 or 503, with its `WWW-Authenticate` challenge.
///     Err(refusal) => println!("{}", refusal.response().status()),
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ResourceServer {
    pub(super) inner: Arc<Inner>,
}

/// The URLs the platform is asked at.
pub(crate) struct Endpoints {
    /// FranceConnect: `{issuer}/checktoken`.
    pub(crate) checktoken: Url,
    /// FranceConnect: `{issuer}/jwks`.
    pub(crate) jwks_uri: Url,
    /// ProConnect: `{issuer}/.well-known/openid-configuration`.
    pub(crate) discovery: Url,
}

pub(crate) struct Inner {
    pub(crate) config: ResourceConfig,
    pub(crate) http: HttpClient,
    pub(crate) jwks: ProviderJwks,
    pub(crate) discovery: CachedDocument<IntrospectionMetadata>,
    pub(crate) endpoints: Endpoints,
    cache: AnswerCache,
    /// The places of the checks waiting for the platform
    /// ([`max_concurrent_checks`](super::ResourceConfigBuilder::max_concurrent_checks)).
    pub(crate) checks: tokio::sync::Semaphore,
}

/// How a check ended: the `outcome` of the span and of the metric.
#[derive(Clone, Copy)]
enum Outcome {
    Active,
    Inactive,
    MissingToken,
    InvalidRequest,
    InsufficientScope,
    Unavailable,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Active => "active",
            Outcome::Inactive => "inactive",
            Outcome::MissingToken => "missing_token",
            Outcome::InvalidRequest => "invalid_request",
            Outcome::InsufficientScope => "insufficient_scope",
            Outcome::Unavailable => "unavailable",
        }
    }
}

impl ResourceServer {
    /// Creates the resource server. Nothing is fetched yet: a service
    /// starts even while the provider is unreachable.
    pub fn new(config: ResourceConfig) -> Self {
        let http = HttpClient::new(config.http_timeout, config.platform);
        let base = config.issuer.as_str().trim_end_matches('/').to_owned();
        let endpoints = Endpoints {
            checktoken: Url::parse(&format!("{base}/checktoken")).expect("an issuer plus a path is a URL"),
            jwks_uri: Url::parse(&format!("{base}/jwks")).expect("an issuer plus a path is a URL"),
            discovery: discovery_url(&config.issuer),
        };
        let for_validation = config.clone();
        let discovery = CachedDocument::new(
            "discovery",
            http.clone(),
            Box::new(move |body: &[u8]| IntrospectionMetadata::validate(&for_validation, body)),
        );
        let jwks = ProviderJwks::new(http.clone(), config.jwks_refetch_cooldown);
        let cache = AnswerCache::new(config.cache_capacity);
        let checks = tokio::sync::Semaphore::new(config.max_concurrent_checks);
        Self {
            inner: Arc::new(Inner {
                checks,
                config,
                http,
                jwks,
                discovery,
                endpoints,
                cache,
            }),
        }
    }

    /// [`ResourceConfig::from_env`], then [`ResourceServer::new`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self::new(ResourceConfig::from_env()?))
    }

    /// The configuration.
    pub fn config(&self) -> &ResourceConfig {
        &self.inner.config
    }

    /// The API's public encryption keys as a JWK set: on FranceConnect and
    /// FranceConnect+, what the data provider registers (or serves at its
    /// registered `jwks_uri`), so that the platform encrypts its answers
    /// to them. Empty on ProConnect.
    pub fn public_jwks(&self) -> Value {
        match &self.inner.config.service_keys {
            Some(keys) => {
                let mut jwks = keys.public_jwks();
                // Only the encryption keys: the platform has no use for the others.
                if let Some(list) = jwks.get_mut("keys").and_then(Value::as_array_mut) {
                    list.retain(|k| k.get("use").and_then(Value::as_str) == Some("enc"));
                }
                jwks
            }
            None => serde_json::json!({ "keys": [] }),
        }
    }

    /// Asks the platform about `token` (or reuses a recent answer): live,
    /// with its facts, or inactive. Scopes are not checked here (see
    /// [`authorize`](Self::authorize)). Runs in the span
    /// `franceconnect.resource.check`.
    pub async fn check(&self, token: &BearerToken) -> Result<TokenCheck, ResourceError> {
        let span = self.span();
        let started = Instant::now();
        let result = self.check_inner(token).instrument(span.clone()).await;
        let (outcome, source) = match &result {
            Ok((TokenCheck::Active(_), source)) => (Outcome::Active, *source),
            Ok((_, source)) => (Outcome::Inactive, *source),
            Err(_) => (Outcome::Unavailable, "provider"),
        };
        self.finish(&span, started, outcome, source, result.as_ref().err());
        result.map(|(check, _)| check)
    }

    /// The whole decision for a request whose `Authorization` header is
    /// `authorization`: the live token's facts when it carries every scope
    /// of `required`, or the RFC 6750 refusal to answer with (`400`,
    /// `401`, `403`, or `503` when the platform cannot be asked). Runs in
    /// the span `franceconnect.resource.check`.
    pub async fn authorize(&self, authorization: Option<&str>, required: &[Scope]) -> Result<TokenInfo, Refusal> {
        let parsed = BearerToken::from_authorization(authorization, self.inner.config.max_token_bytes);
        self.decide(parsed, required).await
    }

    /// [`authorize`](Self::authorize) for a request's headers: several
    /// `Authorization` headers are a malformed request.
    pub async fn authorize_headers(&self, headers: &HeaderMap, required: &[Scope]) -> Result<TokenInfo, Refusal> {
        let parsed = BearerToken::from_headers(headers, self.inner.config.max_token_bytes);
        self.decide(parsed, required).await
    }

    /// The decision for a token already read (or not) from the request.
    pub(crate) async fn decide(
        &self,
        parsed: Result<Option<BearerToken>, BearerError>,
        required: &[Scope],
    ) -> Result<TokenInfo, Refusal> {
        let span = self.span();
        let started = Instant::now();
        let realm = &self.inner.config.realm;
        let refuse = |kind| Refusal::new(kind, realm.as_str());
        let token = match parsed {
            Ok(Some(token)) => token,
            Ok(None) => {
                self.finish(&span, started, Outcome::MissingToken, "none", None);
                return Err(refuse(RefusalKind::MissingToken));
            }
            Err(BearerError::TooLong) => {
                span.record("reason", InactiveReason::TooLong.label());
                self.finish(&span, started, Outcome::Inactive, "none", None);
                return Err(refuse(RefusalKind::InvalidToken));
            }
            Err(_) => {
                self.finish(&span, started, Outcome::InvalidRequest, "none", None);
                return Err(refuse(RefusalKind::InvalidRequest));
            }
        };
        let result = self.check_inner(&token).instrument(span.clone()).await;
        match result {
            Ok((TokenCheck::Active(info), source)) => {
                if info.missing_scopes(required).is_empty() {
                    self.finish(&span, started, Outcome::Active, source, None);
                    Ok(*info)
                } else {
                    self.finish(&span, started, Outcome::InsufficientScope, source, None);
                    Err(refuse(RefusalKind::InsufficientScope).with_scopes(required))
                }
            }
            Ok((TokenCheck::Inactive(reason), source)) => {
                span.record("reason", reason.label());
                self.finish(&span, started, Outcome::Inactive, source, None);
                Err(refuse(RefusalKind::InvalidToken))
            }
            Err(e) => {
                self.finish(&span, started, Outcome::Unavailable, "provider", Some(&e));
                Err(refuse(RefusalKind::Unavailable))
            }
        }
    }

    /// The answer about `token` and where it came from: `cache`,
    /// `provider`, or `none` (a token refused without asking).
    async fn check_inner(&self, token: &BearerToken) -> Result<(TokenCheck, &'static str), ResourceError> {
        let inner = &self.inner;
        if token.secret().len() > inner.config.max_token_bytes {
            return Ok((TokenCheck::Inactive(InactiveReason::TooLong), "none"));
        }
        if token.secret().len() < MIN_TOKEN_LEN {
            return Ok((TokenCheck::Inactive(InactiveReason::TooShort), "none"));
        }
        let fetch = async {
            // A place among the checks waiting for the platform, within the
            // timeout; concurrent checks of one token share this one.
            let _place = tokio::time::timeout(inner.config.http_timeout, inner.checks.acquire())
                .await
                .ok()
                .and_then(Result::ok)
                .ok_or_else(ResourceError::saturated)?;
            let check = match inner.config.platform {
                Platform::FranceConnect | Platform::FranceConnectPlus => checktoken::ask(inner, token).await?,
                Platform::ProConnect => introspection::ask(inner, token).await?,
            };
            let ttl = match &check {
                TokenCheck::Active(info) => {
                    let left = Duration::from_secs((info.expires_at - crate::clock::now()).max(0) as u64);
                    inner.config.cache_ttl.min(left)
                }
                TokenCheck::Inactive(_) => inner.config.negative_cache_ttl,
            };
            Ok(Entry {
                check: Arc::new(check),
                ttl,
            })
        };
        let (check, cached) = inner.cache.get_or_fetch(AnswerCache::key(token), fetch).await?;
        Ok(((*check).clone(), if cached { "cache" } else { "provider" }))
    }

    fn span(&self) -> tracing::Span {
        tracing::info_span!(
            "franceconnect.resource.check",
            platform = self.inner.config.platform.setting(),
            outcome = tracing::field::Empty,
            source = tracing::field::Empty,
            reason = tracing::field::Empty,
            error = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        )
    }

    /// Records how a check ended on its span, in the metrics and, for a
    /// failure, in the log (never the token: the error carries none).
    fn finish(
        &self,
        span: &tracing::Span,
        started: Instant,
        outcome: Outcome,
        source: &'static str,
        error: Option<&ResourceError>,
    ) {
        span.record("outcome", outcome.as_str());
        span.record("source", source);
        span.record("duration_ms", started.elapsed().as_secs_f64() * 1e3);
        if let Some(e) = error {
            span.record("error", e.label());
            let _entered = span.enter();
            if e.is_invalid_client() || e.is_invalid_request() {
                tracing::error!(error = %e, "the platform refused the API's token check: check its registration");
            } else {
                tracing::warn!(error = %e, "a token could not be checked");
            }
        }
        crate::metrics::resource_check(self.inner.config.platform, outcome.as_str(), source);
    }
}

impl std::fmt::Debug for ResourceServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceServer")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
