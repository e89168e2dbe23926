//! [`ResourceConfig`]: how an API checks the tokens it is sent, its
//! builder validated at [`ResourceConfigBuilder::build`], and the
//! environment variables of [`ResourceConfig::from_env`].

use std::time::Duration;

use url::Url;

use crate::config::{Environment, Platform, check_url, flag, platform_and_environment, secs};
use crate::error::ConfigError;
use crate::jose::{ServiceKeys, SigningAlg};
use crate::protocol::values::{ClientId, ClientSecret};

/// A validated resource-server configuration: build it with
/// [`ResourceConfig::builder`] or [`ResourceConfig::from_env`].
///
/// ```
/// use franceconnect_tower::resource::ResourceConfig;
/// use franceconnect_tower::{Environment, Platform};
/// use std::time::Duration;
///
/// let config = ResourceConfig::builder(Platform::ProConnect, Environment::Sandbox)
///     .client_id("my-api")
///     .client_secret("my-api-secret")
///     .allowed_clients(["the-service-calling-me"])
///     .cache_ttl(Duration::from_secs(2))
///     .build()
///     .unwrap();
/// assert_eq!(config.issuer().as_str(), "https://fca.integ01.dev-agentconnect.fr/api/v2");
/// ```
#[derive(Debug, Clone)]
pub struct ResourceConfig {
    pub(crate) platform: Platform,
    pub(crate) issuer: Url,
    pub(crate) client_id: ClientId,
    pub(crate) client_secret: ClientSecret,
    pub(crate) service_keys: Option<ServiceKeys>,
    pub(crate) allowed_clients: Vec<ClientId>,
    pub(crate) signed_introspection: bool,
    pub(crate) cache_ttl: Duration,
    pub(crate) negative_cache_ttl: Duration,
    pub(crate) cache_capacity: u64,
    pub(crate) http_timeout: Duration,
    pub(crate) clock_leeway: Duration,
    pub(crate) realm: String,
    pub(crate) max_token_bytes: usize,
    pub(crate) max_concurrent_checks: usize,
    pub(crate) jwks_refetch_cooldown: Duration,
    pub(crate) signing_algs: Vec<SigningAlg>,
}

/// The largest answer (a JWE, a JWS or JSON) accepted from the provider.
pub(crate) const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The default of
/// [`max_concurrent_checks`](ResourceConfigBuilder::max_concurrent_checks):
/// how many token checks may be waiting for the platform at once.
pub const DEFAULT_MAX_CONCURRENT_CHECKS: usize = 64;

impl ResourceConfig {
    /// Starts a configuration for an API on `platform`: a FranceConnect or
    /// FranceConnect+ data provider, or a ProConnect resource server.
    pub fn builder(platform: Platform, environment: Environment) -> ResourceConfigBuilder {
        ResourceConfigBuilder::new(platform, environment)
    }

    /// The platform whose tokens are checked.
    pub fn platform(&self) -> Platform {
        self.platform
    }
    /// The provider's issuer.
    pub fn issuer(&self) -> &Url {
        &self.issuer
    }
    /// The API's own client id (the data provider's, or the resource
    /// server's).
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }
    /// The API's keys (FranceConnect and FranceConnect+: the checktoken
    /// answers are encrypted to them).
    pub fn service_keys(&self) -> Option<&ServiceKeys> {
        self.service_keys.as_ref()
    }
    /// The services whose tokens are accepted (empty: any service of the
    /// platform).
    pub fn allowed_clients(&self) -> &[ClientId] {
        &self.allowed_clients
    }
    /// ProConnect: whether signed answers (RFC 9701) are asked for and
    /// required.
    pub fn asks_signed_introspection(&self) -> bool {
        self.signed_introspection
    }
    /// How long a live token's answer is reused (never past the token's
    /// `exp`).
    pub fn cache_ttl(&self) -> Duration {
        self.cache_ttl
    }
    /// How long an inactive token's answer is reused.
    pub fn negative_cache_ttl(&self) -> Duration {
        self.negative_cache_ttl
    }
    /// The timeout of each request to the provider.
    pub fn http_timeout(&self) -> Duration {
        self.http_timeout
    }
    /// The clock leeway applied to the answers' times.
    pub fn clock_leeway(&self) -> Duration {
        self.clock_leeway
    }
    /// The `realm` of the `WWW-Authenticate` challenges.
    pub fn realm(&self) -> &str {
        &self.realm
    }
    /// The longest bearer token sent to the provider; a longer one is
    /// refused as invalid without asking it.
    pub fn max_token_bytes(&self) -> usize {
        self.max_token_bytes
    }
    /// The signature algorithms accepted on the answers: ES256, and RS256
    /// on FranceConnect and ProConnect.
    pub fn signing_algorithms(&self) -> &[SigningAlg] {
        &self.signing_algs
    }
}

/// Builds a [`ResourceConfig`]; [`ResourceConfigBuilder::build`] checks
/// every setting.
#[derive(Debug, Clone)]
#[must_use]
pub struct ResourceConfigBuilder {
    platform: Platform,
    environment: Environment,
    client_id: Option<String>,
    client_secret: Option<ClientSecret>,
    service_keys: Option<ServiceKeys>,
    allowed_clients: Vec<String>,
    signed_introspection: bool,
    cache_ttl: Duration,
    negative_cache_ttl: Duration,
    cache_capacity: u64,
    http_timeout: Duration,
    clock_leeway: Duration,
    realm: String,
    max_token_bytes: usize,
    max_concurrent_checks: usize,
}

impl ResourceConfigBuilder {
    fn new(platform: Platform, environment: Environment) -> Self {
        Self {
            platform,
            environment,
            client_id: None,
            client_secret: None,
            service_keys: None,
            allowed_clients: Vec::new(),
            signed_introspection: false,
            cache_ttl: Duration::from_secs(3),
            negative_cache_ttl: Duration::from_secs(1),
            cache_capacity: 10_000,
            http_timeout: Duration::from_secs(5),
            clock_leeway: Duration::from_secs(30),
            realm: "api".into(),
            max_token_bytes: 4096,
            max_concurrent_checks: DEFAULT_MAX_CONCURRENT_CHECKS,
        }
    }

    /// The API's client id at the platform (required): the data provider's
    /// on FranceConnect, the resource server's on ProConnect.
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }
    /// Its client secret (required).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(ClientSecret::new(secret));
        self
    }
    /// The API's private encryption keys (required on FranceConnect and
    /// FranceConnect+, which encrypt every checktoken answer to the public
    /// half the data provider registered; refused on ProConnect). Several
    /// keys may be loaded during a rotation: the answer names no key, each
    /// of its algorithm is tried.
    pub fn service_keys(mut self, keys: ServiceKeys) -> Self {
        self.service_keys = Some(keys);
        self
    }
    /// Accept only the tokens issued to these services (their client ids).
    /// Default: the tokens of any service of the platform.
    pub fn allowed_clients<I: IntoIterator<Item = S>, S: Into<String>>(mut self, clients: I) -> Self {
        self.allowed_clients = clients.into_iter().map(Into::into).collect();
        self
    }
    /// ProConnect: ask for signed answers (RFC 9701, `Accept:
    /// application/token-introspection+jwt`) and refuse any other; for a
    /// resource server registered with `introspection_signed_response_alg`.
    /// Default `false`: plain JSON (RFC 7662) over TLS. Refused elsewhere
    /// (FranceConnect's answers are always signed and encrypted).
    pub fn signed_introspection(mut self, yes: bool) -> Self {
        self.signed_introspection = yes;
        self
    }
    /// How long the answer for a live token is reused (default 3 s, at
    /// most 5 minutes; zero: never): a revoked token stops working within
    /// this time. Never past the token's `exp`.
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }
    /// How long the answer for an inactive token is reused (default 1 s,
    /// at most a minute; zero: never), so that a client retrying a dead
    /// token does not make a request to the provider each time.
    pub fn negative_cache_ttl(mut self, ttl: Duration) -> Self {
        self.negative_cache_ttl = ttl;
        self
    }
    /// How many answers the cache holds at most (default 10 000).
    pub fn cache_capacity(mut self, entries: u64) -> Self {
        self.cache_capacity = entries;
        self
    }
    /// Timeout of each request to the provider (default 5 s, at most a
    /// minute): past it the request is answered `503`.
    pub fn http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }
    /// Clock leeway for the answers' `iat` and the tokens' `exp` (default
    /// 30 s, at most 5 minutes).
    pub fn clock_leeway(mut self, leeway: Duration) -> Self {
        self.clock_leeway = leeway;
        self
    }
    /// The `realm` of the `WWW-Authenticate` challenges (default `api`):
    /// 1 to 64 printable ASCII characters, without `"` or `\`.
    pub fn realm(mut self, realm: impl Into<String>) -> Self {
        self.realm = realm.into();
        self
    }
    /// The longest bearer token accepted (default 4096 bytes, 64 to 65 536):
    /// a longer one is refused as invalid without asking the provider.
    pub fn max_token_bytes(mut self, bytes: usize) -> Self {
        self.max_token_bytes = bytes;
        self
    }
    /// How many token checks may be waiting for the platform at once
    /// (default [`DEFAULT_MAX_CONCURRENT_CHECKS`], 1 to 10 000): a check
    /// the cache cannot answer waits for a place, at most
    /// [`http_timeout`](Self::http_timeout), then is answered `503`
    /// ([`ResourceError::is_saturated`](super::ResourceError::is_saturated)).
    /// A flood of made-up or expired tokens then costs the platform no more
    /// than this many requests at a time, and the API no more than this
    /// many connections.
    pub fn max_concurrent_checks(mut self, checks: usize) -> Self {
        self.max_concurrent_checks = checks;
        self
    }

    /// Checks the configuration.
    pub fn build(self) -> Result<ResourceConfig, ConfigError> {
        let platform = self.platform;
        let issuer = self.environment.issuer(platform).ok_or_else(|| {
            ConfigError::new("the RIE environments are ProConnect's: use them with FC_PLATFORM=proconnect")
        })?;
        // The login's rules: https (http on loopback only), no credentials
        // nor fragment.
        let issuer = check_url("issuer", issuer.as_str())?;
        let client_id = self
            .client_id
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| ConfigError::new("client_id is required (FC_CLIENT_ID)"))?;
        let client_secret = self
            .client_secret
            .filter(|s| !s.secret().is_empty())
            .ok_or_else(|| ConfigError::new("client_secret is required (FC_CLIENT_SECRET)"))?;
        match platform {
            Platform::FranceConnect | Platform::FranceConnectPlus => {
                if self.service_keys.as_ref().is_none_or(|k| k.algorithms().is_empty()) {
                    return Err(ConfigError::new(format!(
                        "{} encrypts every checktoken answer to the data provider's keys: an encryption key set is \
                         required (service_keys, or FC_KEYS_FILE: create it with `franceconnect keys generate --file \
                         keys.json`, and register its public half)",
                        platform.display_name()
                    )));
                }
                if self.signed_introspection {
                    return Err(ConfigError::new(
                        "signed_introspection is ProConnect's: FranceConnect's checktoken answers are always signed \
                         and encrypted",
                    ));
                }
            }
            Platform::ProConnect => {
                if self.service_keys.is_some() {
                    return Err(ConfigError::new(
                        "ProConnect's introspection answers are not encrypted: a resource server needs no key set \
                         (unset FC_KEYS_FILE)",
                    ));
                }
            }
        }
        if self
            .allowed_clients
            .iter()
            .any(|c| c.trim().is_empty() || c.len() > 256)
        {
            return Err(ConfigError::new("an allowed client id must be 1 to 256 characters"));
        }
        if self.cache_ttl > Duration::from_secs(300) {
            return Err(ConfigError::new("cache_ttl must not exceed 5 minutes"));
        }
        if self.negative_cache_ttl > Duration::from_secs(60) {
            return Err(ConfigError::new("negative_cache_ttl must not exceed a minute"));
        }
        if self.http_timeout.is_zero() || self.http_timeout > Duration::from_secs(60) {
            return Err(ConfigError::new("http_timeout must be between 1 ms and 1 minute"));
        }
        if self.clock_leeway > Duration::from_secs(300) {
            return Err(ConfigError::new("clock_leeway must not exceed 5 minutes"));
        }
        if self.realm.is_empty()
            || self.realm.len() > 64
            || !self
                .realm
                .bytes()
                .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
        {
            return Err(ConfigError::new(
                "the realm must be 1 to 64 printable ASCII characters, without `\"` or `\\`",
            ));
        }
        if !(64..=65_536).contains(&self.max_token_bytes) {
            return Err(ConfigError::new("max_token_bytes must be between 64 and 65536"));
        }
        if !(1..=10_000).contains(&self.max_concurrent_checks) {
            return Err(ConfigError::new("max_concurrent_checks must be between 1 and 10000"));
        }
        // FranceConnect+ signs with ES256 only; the others with either, as
        // each data provider or resource server registered.
        let signing_algs = match platform {
            Platform::FranceConnectPlus => vec![SigningAlg::Es256],
            Platform::FranceConnect | Platform::ProConnect => vec![SigningAlg::Es256, SigningAlg::Rs256],
        };
        Ok(ResourceConfig {
            platform,
            issuer,
            client_id: ClientId::new(client_id),
            client_secret,
            service_keys: self.service_keys,
            allowed_clients: self.allowed_clients.into_iter().map(ClientId::new).collect(),
            signed_introspection: self.signed_introspection,
            cache_ttl: self.cache_ttl,
            negative_cache_ttl: self.negative_cache_ttl,
            cache_capacity: self.cache_capacity.max(1),
            http_timeout: self.http_timeout,
            clock_leeway: self.clock_leeway,
            realm: self.realm,
            max_token_bytes: self.max_token_bytes,
            max_concurrent_checks: self.max_concurrent_checks,
            jwks_refetch_cooldown: Duration::from_secs(30),
            signing_algs,
        })
    }
}

impl ResourceConfig {
    /// Reads the configuration from environment variables.
    ///
    /// | variable | meaning | default |
    /// |---|---|---|
    /// | `FC_PLATFORM` | `fc`, `fcplus` or `proconnect` | `fc` |
    /// | `FC_ISSUER` | a custom issuer URL (the mock, a test server) | — |
    /// | `FC_ENV` | `sandbox` or `production` when `FC_ISSUER` is unset; on ProConnect also `rie-sandbox`, `rie-production` | `sandbox` |
    /// | `FC_CLIENT_ID` | the API's client id (data provider, resource server) | required |
    /// | `FC_CLIENT_SECRET` | its client secret | required |
    /// | `FC_KEYS_FILE` | its private JWK set (FranceConnect and FranceConnect+) | required there |
    /// | `FC_RESOURCE_ALLOWED_CLIENTS` | the services whose tokens are accepted, space- or comma-separated | any |
    /// | `FC_RESOURCE_SIGNED_INTROSPECTION` | `true`: ask ProConnect for signed answers | `false` |
    /// | `FC_RESOURCE_CACHE_SECS` | how long a live token's answer is reused | `3` |
    /// | `FC_RESOURCE_REALM` | the challenges' `realm` | `api` |
    /// | `FC_HTTP_TIMEOUT_SECS` | timeout of each request to the provider | `5` |
    /// | `FC_CLOCK_LEEWAY_SECS` | clock leeway | `30` |
    ///
    /// ```
    /// use franceconnect_tower::resource::ResourceConfig;
    /// use franceconnect_tower::Platform;
    ///
    /// let vars = [
    ///     ("FC_PLATFORM", "proconnect"),
    ///     ("FC_ISSUER", "http://127.0.0.1:4000/api/v2"),
    ///     ("FC_CLIENT_ID", "my-api"),
    ///     ("FC_CLIENT_SECRET", "my-api-secret"),
    ///     ("FC_RESOURCE_ALLOWED_CLIENTS", "service-a, service-b"),
    /// ];
    /// let config = ResourceConfig::from_lookup(|n| vars.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()))
    ///     .unwrap();
    /// assert_eq!(config.platform(), Platform::ProConnect);
    /// assert_eq!(config.allowed_clients().len(), 2);
    /// ```
    pub fn from_env() -> Result<ResourceConfig, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Like [`ResourceConfig::from_env`], reading variables through
    /// `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ResourceConfig, ConfigError> {
        Self::builder_from_lookup(lookup)?.build()
    }

    /// The builder [`ResourceConfig::from_lookup`] fills, to adjust before
    /// building (keys held in memory…).
    pub fn builder_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ResourceConfigBuilder, ConfigError> {
        let (platform, environment) = platform_and_environment(&lookup)?;
        let mut b = ResourceConfig::builder(platform, environment)
            .client_id(lookup("FC_CLIENT_ID").ok_or_else(|| ConfigError::new("FC_CLIENT_ID is required"))?)
            .client_secret(lookup("FC_CLIENT_SECRET").ok_or_else(|| ConfigError::new("FC_CLIENT_SECRET is required"))?);
        if let Some(path) = lookup("FC_KEYS_FILE") {
            b = b.service_keys(ServiceKeys::from_file(path)?);
        }
        if let Some(list) = lookup("FC_RESOURCE_ALLOWED_CLIENTS") {
            b = b.allowed_clients(list.split([' ', ',']).filter(|c| !c.is_empty()));
        }
        b = b.signed_introspection(flag(&lookup, "FC_RESOURCE_SIGNED_INTROSPECTION")?);
        if let Some(realm) = lookup("FC_RESOURCE_REALM") {
            b = b.realm(realm);
        }
        let seconds = |name: &str| -> Result<Option<Duration>, ConfigError> {
            lookup(name)
                .map(|v| secs(&v, name).map(Duration::from_secs))
                .transpose()
        };
        if let Some(ttl) = seconds("FC_RESOURCE_CACHE_SECS")? {
            b = b.cache_ttl(ttl);
        }
        if let Some(timeout) = seconds("FC_HTTP_TIMEOUT_SECS")? {
            b = b.http_timeout(timeout);
        }
        if let Some(leeway) = seconds("FC_CLOCK_LEEWAY_SECS")? {
            b = b.clock_leeway(leeway);
        }
        Ok(b)
    }
}
