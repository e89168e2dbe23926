//! Configuration: platform presets, a builder, and environment variables.
//!
//! ```
//! use franceconnect_tower::{Config, Environment, Platform, Scopes};
//!
//! let config = Config::builder(Platform::FranceConnect, Environment::Sandbox)
//!     .client_id("my-client-id")
//!     .client_secret("my-client-secret")
//!     .redirect_uri("https://service.example.fr/auth/callback")
//!     .post_logout_redirect_uri("https://service.example.fr/auth/logout/callback")
//!     .scopes(Scopes::parse("identite_pivot email").unwrap())
//!     .build()
//!     .unwrap();
//! assert_eq!(config.issuer().as_str(), "https://fcp-low.sbx.dev-franceconnect.fr/api/v2");
//! ```

use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::algorithms::{EncryptionAlg, SigningAlg};
use crate::eidas::Eidas;
use crate::error::ConfigError;
use crate::scope::Scopes;
use crate::service_keys::ServiceKeys;
use crate::values::{ClientId, ClientSecret};

/// Which FranceConnect platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Platform {
    /// FranceConnect: eIDAS low (`eidas1`), signed tokens.
    FranceConnect,
    /// FranceConnect+: eIDAS substantial or high (`eidas2`, `eidas3`),
    /// signed then encrypted tokens.
    FranceConnectPlus,
}

impl Platform {
    /// The eIDAS levels this platform accepts in `acr_values`.
    pub fn accepted_levels(self) -> &'static [Eidas] {
        match self {
            Platform::FranceConnect => &[Eidas::Eidas1],
            Platform::FranceConnectPlus => &[Eidas::Eidas2, Eidas::Eidas3],
        }
    }

    /// The level asked for when the configuration names none.
    pub fn default_level(self) -> Eidas {
        self.accepted_levels()[0]
    }

    /// True when the platform encrypts ID tokens and userinfo.
    pub fn encrypts(self) -> bool {
        self == Platform::FranceConnectPlus
    }

    /// The platform's name as users see it: `FranceConnect` or
    /// `FranceConnect+`.
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::FranceConnect => "FranceConnect",
            Platform::FranceConnectPlus => "FranceConnect+",
        }
    }
}

/// Where the provider runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// FranceConnect's public sandbox ("intégration").
    Sandbox,
    /// Production.
    Production,
    /// Any other issuer: the mock provider, a test server. Discovery is at
    /// `{issuer}/.well-known/openid-configuration`.
    Custom(Url),
}

impl Environment {
    fn issuer(&self, platform: Platform) -> Url {
        let url = match (self, platform) {
            (Environment::Custom(url), _) => return url.clone(),
            (Environment::Sandbox, Platform::FranceConnect) => "https://fcp-low.sbx.dev-franceconnect.fr/api/v2",
            (Environment::Sandbox, Platform::FranceConnectPlus) => "https://auth.integ01.dev-franceconnect.fr/api/v2",
            (Environment::Production, Platform::FranceConnect) => "https://oidc.franceconnect.gouv.fr/api/v2",
            (Environment::Production, Platform::FranceConnectPlus) => "https://auth.franceconnect.gouv.fr/api/v2",
        };
        Url::parse(url).expect("preset issuers are valid URLs")
    }
}

/// The `prompt` parameter: FranceConnect accepts only `login`, `consent`, or
/// both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Prompt {
    /// Force the user to authenticate again.
    Login,
    /// Force the consent screen.
    Consent,
    /// Both.
    LoginConsent,
}

impl Prompt {
    /// The value sent to the provider.
    pub fn as_str(self) -> &'static str {
        match self {
            Prompt::Login => "login",
            Prompt::Consent => "consent",
            Prompt::LoginConsent => "login consent",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        let mut words: Vec<&str> = s.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        words.sort_unstable();
        words.dedup();
        match words.as_slice() {
            ["login"] => Some(Prompt::Login),
            ["consent"] => Some(Prompt::Consent),
            ["consent", "login"] => Some(Prompt::LoginConsent),
            _ => None,
        }
    }
}

/// A validated configuration. Build it with [`Config::builder`] or
/// [`Config::from_env`].
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) platform: Platform,
    pub(crate) issuer: Url,
    pub(crate) client_id: ClientId,
    pub(crate) client_secret: ClientSecret,
    pub(crate) redirect_uri: Url,
    pub(crate) post_logout_redirect_uri: Url,
    pub(crate) scopes: Scopes,
    pub(crate) eidas: Eidas,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) request_amr: bool,
    pub(crate) clock_leeway: Duration,
    pub(crate) http_timeout: Duration,
    pub(crate) signing_algs: Vec<SigningAlg>,
    pub(crate) service_keys: Option<ServiceKeys>,
    pub(crate) pending_login_lifetime: Duration,
    pub(crate) jwks_refetch_cooldown: Duration,
    pub(crate) max_token_bytes: usize,
}

impl Config {
    /// Starts a configuration for a platform and environment.
    pub fn builder(platform: Platform, environment: Environment) -> ConfigBuilder {
        ConfigBuilder::new(platform, environment)
    }

    /// The platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }
    /// The issuer URL, as configured. The provider's discovery document must
    /// name the same issuer (a trailing `/` aside); from then on the
    /// provider's exact spelling is what tokens must carry.
    pub fn issuer(&self) -> &Url {
        &self.issuer
    }
    /// The client id.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }
    /// The redirect URI registered with FranceConnect.
    pub fn redirect_uri(&self) -> &Url {
        &self.redirect_uri
    }
    /// The post-logout redirect URI registered with FranceConnect.
    pub fn post_logout_redirect_uri(&self) -> &Url {
        &self.post_logout_redirect_uri
    }
    /// The scopes requested.
    pub fn scopes(&self) -> &Scopes {
        &self.scopes
    }
    /// The eIDAS level requested by default.
    pub fn eidas(&self) -> Eidas {
        self.eidas
    }
    /// The service's encryption keys, if any.
    pub fn service_keys(&self) -> Option<&ServiceKeys> {
        self.service_keys.as_ref()
    }
    /// How long a login may stay pending.
    pub fn pending_login_lifetime(&self) -> Duration {
        self.pending_login_lifetime
    }
    /// The clock leeway applied to token times.
    pub fn clock_leeway(&self) -> Duration {
        self.clock_leeway
    }
    /// True when the service runs on a loopback `http://` URL (development):
    /// cookies then cannot be `Secure`.
    pub fn is_loopback_http(&self) -> bool {
        self.redirect_uri.scheme() == "http" && is_loopback(&self.redirect_uri)
    }
    /// The key-management algorithms accepted for encrypted tokens: those of
    /// the service's keys.
    pub(crate) fn encryption_algs(&self) -> Vec<EncryptionAlg> {
        self.service_keys
            .as_ref()
            .map(ServiceKeys::algorithms)
            .unwrap_or_default()
    }

    /// Reads the configuration from environment variables.
    ///
    /// | variable | meaning | default |
    /// |---|---|---|
    /// | `FC_PLATFORM` | `fc` or `fcplus` | `fc` |
    /// | `FC_ISSUER` | a custom issuer URL (mock, test server) | — |
    /// | `FC_ENV` | `sandbox` or `production`, when `FC_ISSUER` is unset | `sandbox` |
    /// | `FC_CLIENT_ID` | the client id | required |
    /// | `FC_CLIENT_SECRET` | the client secret | required |
    /// | `FC_REDIRECT_URI` | the callback URL | `APP_URL/auth/callback` |
    /// | `FC_POST_LOGOUT_REDIRECT_URI` | the post-logout URL | `APP_URL/auth/logout/callback` |
    /// | `APP_URL` | the service's public base URL | `http://localhost:3000` |
    /// | `FC_SCOPES` | space- or comma-separated scopes | `openid identite_pivot email` |
    /// | `FC_ACR` | `eidas1`, `eidas2` or `eidas3` | the platform's lowest |
    /// | `FC_PROMPT` | `login`, `consent` or `login consent` | — |
    /// | `FC_REQUEST_AMR` | `true` to ask for `amr` | `false` |
    /// | `FC_ACCEPT_RS256` | `true` to accept RS256 signatures (FC only) | `false` |
    /// | `FC_KEYS_FILE` | the service's private JWK set (required on FC+) | — |
    /// | `FC_CLOCK_LEEWAY_SECS` | clock leeway for token times | `30` |
    /// | `FC_HTTP_TIMEOUT_SECS` | timeout of each request to the provider | `10` |
    /// | `FC_PENDING_LOGIN_SECS` | how long a started login may wait for its callback (1 to 3600) | `600` |
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for
    /// tests, or to add a prefix).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        Self::builder_from_lookup(lookup)?.build()
    }

    /// The builder [`Config::from_lookup`] fills from the variables, to adjust
    /// before building (keys held in memory, a custom timeout…).
    pub fn builder_from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ConfigBuilder, ConfigError> {
        let platform = match lookup("FC_PLATFORM").as_deref() {
            None | Some("fc") => Platform::FranceConnect,
            Some("fcplus") => Platform::FranceConnectPlus,
            Some(_) => return Err(ConfigError::new("FC_PLATFORM must be `fc` or `fcplus`")),
        };
        let environment = match (lookup("FC_ISSUER"), lookup("FC_ENV").as_deref()) {
            (Some(issuer), _) => {
                Environment::Custom(Url::parse(&issuer).map_err(|_| ConfigError::new("FC_ISSUER is not a valid URL"))?)
            }
            (None, None | Some("sandbox")) => Environment::Sandbox,
            (None, Some("production")) => Environment::Production,
            (None, Some(_)) => return Err(ConfigError::new("FC_ENV must be `sandbox` or `production`")),
        };
        let app_url = lookup("APP_URL").unwrap_or_else(|| "http://localhost:3000".into());
        let app_url = app_url.trim_end_matches('/');
        let mut b = Config::builder(platform, environment)
            .client_id(lookup("FC_CLIENT_ID").ok_or_else(|| ConfigError::new("FC_CLIENT_ID is required"))?)
            .client_secret(lookup("FC_CLIENT_SECRET").ok_or_else(|| ConfigError::new("FC_CLIENT_SECRET is required"))?)
            .redirect_uri(lookup("FC_REDIRECT_URI").unwrap_or_else(|| format!("{app_url}/auth/callback")))
            .post_logout_redirect_uri(
                lookup("FC_POST_LOGOUT_REDIRECT_URI").unwrap_or_else(|| format!("{app_url}/auth/logout/callback")),
            );
        if let Some(s) = lookup("FC_SCOPES") {
            b = b.scopes(Scopes::parse(&s).map_err(|e| ConfigError::new(format!("FC_SCOPES: {e}")))?);
        }
        if let Some(acr) = lookup("FC_ACR") {
            b = b.eidas(
                acr.parse()
                    .map_err(|_| ConfigError::new("FC_ACR must be eidas1, eidas2 or eidas3"))?,
            );
        }
        if let Some(p) = lookup("FC_PROMPT") {
            b = b
                .prompt(Prompt::parse(&p).ok_or_else(|| ConfigError::new("FC_PROMPT must be login, consent or both"))?);
        }
        b = b.request_amr(flag(&lookup, "FC_REQUEST_AMR")?);
        b = b.accept_rs256(flag(&lookup, "FC_ACCEPT_RS256")?);
        if let Some(path) = lookup("FC_KEYS_FILE") {
            b = b.service_keys(ServiceKeys::from_file(path)?);
        }
        if let Some(s) = lookup("FC_CLOCK_LEEWAY_SECS") {
            b = b.clock_leeway(Duration::from_secs(secs(&s, "FC_CLOCK_LEEWAY_SECS")?));
        }
        if let Some(s) = lookup("FC_HTTP_TIMEOUT_SECS") {
            b = b.http_timeout(Duration::from_secs(secs(&s, "FC_HTTP_TIMEOUT_SECS")?));
        }
        if let Some(s) = lookup("FC_PENDING_LOGIN_SECS") {
            b = b.pending_login_lifetime(Duration::from_secs(secs(&s, "FC_PENDING_LOGIN_SECS")?));
        }
        Ok(b)
    }
}

fn flag(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Result<bool, ConfigError> {
    match lookup(name).as_deref() {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(ConfigError::new(format!("{name} must be true or false"))),
    }
}

fn secs(value: &str, name: &str) -> Result<u64, ConfigError> {
    value
        .parse()
        .map_err(|_| ConfigError::new(format!("{name} must be a number of seconds")))
}

/// Builds a [`Config`]; [`ConfigBuilder::build`] checks every combination.
#[derive(Debug, Clone)]
#[must_use]
pub struct ConfigBuilder {
    platform: Platform,
    environment: Environment,
    client_id: Option<String>,
    client_secret: Option<ClientSecret>,
    redirect_uri: Option<String>,
    post_logout_redirect_uri: Option<String>,
    scopes: Scopes,
    eidas: Option<Eidas>,
    prompt: Option<Prompt>,
    request_amr: bool,
    accept_rs256: bool,
    clock_leeway: Duration,
    http_timeout: Duration,
    service_keys: Option<ServiceKeys>,
    pending_login_lifetime: Duration,
    jwks_refetch_cooldown: Duration,
    max_token_bytes: usize,
}

impl ConfigBuilder {
    fn new(platform: Platform, environment: Environment) -> Self {
        Self {
            platform,
            environment,
            client_id: None,
            client_secret: None,
            redirect_uri: None,
            post_logout_redirect_uri: None,
            scopes: Scopes::default(),
            eidas: None,
            prompt: None,
            request_amr: false,
            accept_rs256: false,
            clock_leeway: Duration::from_secs(30),
            http_timeout: Duration::from_secs(10),
            service_keys: None,
            pending_login_lifetime: Duration::from_secs(600),
            jwks_refetch_cooldown: Duration::from_secs(30),
            max_token_bytes: 64 * 1024,
        }
    }

    /// The client id (required).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }
    /// The client secret (required).
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(ClientSecret::new(secret));
        self
    }
    /// The callback URL registered with FranceConnect (required).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }
    /// The post-logout URL registered with FranceConnect (required).
    pub fn post_logout_redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.post_logout_redirect_uri = Some(uri.into());
        self
    }
    /// The scopes (`openid` is always added). Default:
    /// `openid identite_pivot email`.
    pub fn scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = scopes;
        self
    }
    /// The eIDAS level to ask for. Default: `eidas1` on FranceConnect,
    /// `eidas2` on FranceConnect+.
    pub fn eidas(mut self, level: Eidas) -> Self {
        self.eidas = Some(level);
        self
    }
    /// The `prompt` parameter.
    pub fn prompt(mut self, prompt: Prompt) -> Self {
        self.prompt = Some(prompt);
        self
    }
    /// Ask for `amr` in the ID token (through the `claims` parameter).
    pub fn request_amr(mut self, yes: bool) -> Self {
        self.request_amr = yes;
        self
    }
    /// Accept RS256 signatures besides ES256. FranceConnect only, for clients
    /// registered with RS256.
    pub fn accept_rs256(mut self, yes: bool) -> Self {
        self.accept_rs256 = yes;
        self
    }
    /// Clock leeway for `exp`/`iat` (default 30 s, at most 5 minutes).
    pub fn clock_leeway(mut self, leeway: Duration) -> Self {
        self.clock_leeway = leeway;
        self
    }
    /// Timeout of every request to the provider (default 10 s).
    pub fn http_timeout(mut self, timeout: Duration) -> Self {
        self.http_timeout = timeout;
        self
    }
    /// The service's private encryption keys (required on FranceConnect+).
    pub fn service_keys(mut self, keys: ServiceKeys) -> Self {
        self.service_keys = Some(keys);
        self
    }
    /// How long a login may stay pending (default 10 minutes).
    pub fn pending_login_lifetime(mut self, lifetime: Duration) -> Self {
        self.pending_login_lifetime = lifetime;
        self
    }
    /// The shortest time between two JWKS re-fetches caused by an unknown
    /// `kid` (default 30 s).
    pub fn jwks_refetch_cooldown(mut self, cooldown: Duration) -> Self {
        self.jwks_refetch_cooldown = cooldown;
        self
    }
    /// The largest token accepted, in bytes (default 64 KiB).
    pub fn max_token_bytes(mut self, bytes: usize) -> Self {
        self.max_token_bytes = bytes;
        self
    }

    /// Checks the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        let platform = self.platform;
        let issuer = self.environment.issuer(platform);
        let issuer = check_url("issuer", issuer.as_str())?;
        let client_id = self
            .client_id
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| ConfigError::new("client_id is required"))?;
        let client_secret = self
            .client_secret
            .filter(|s| !s.secret().is_empty())
            .ok_or_else(|| ConfigError::new("client_secret is required"))?;
        let redirect_uri = check_registered_uri(
            "redirect_uri",
            &self
                .redirect_uri
                .ok_or_else(|| ConfigError::new("redirect_uri is required"))?,
        )?;
        let post_logout_redirect_uri = check_registered_uri(
            "post_logout_redirect_uri",
            &self
                .post_logout_redirect_uri
                .ok_or_else(|| ConfigError::new("post_logout_redirect_uri is required"))?,
        )?;
        let eidas = self.eidas.unwrap_or(platform.default_level());
        if !platform.accepted_levels().contains(&eidas) {
            return Err(ConfigError::new(format!(
                "{} does not accept {eidas}: use {}",
                platform.display_name(),
                platform
                    .accepted_levels()
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )));
        }
        if self.accept_rs256 && platform == Platform::FranceConnectPlus {
            return Err(ConfigError::new(
                "FranceConnect+ signs with ES256 only: RS256 cannot be accepted",
            ));
        }
        if platform.encrypts() && self.service_keys.is_none() {
            return Err(ConfigError::new(
                "FranceConnect+ encrypts tokens: an encryption key set is required (service_keys / FC_KEYS_FILE)",
            ));
        }
        if self.clock_leeway > Duration::from_secs(300) {
            return Err(ConfigError::new("clock_leeway must not exceed 5 minutes"));
        }
        if self.http_timeout.is_zero() || self.http_timeout > Duration::from_secs(120) {
            return Err(ConfigError::new("http_timeout must be between 1 ms and 2 minutes"));
        }
        if self.pending_login_lifetime.is_zero() || self.pending_login_lifetime > Duration::from_secs(3600) {
            return Err(ConfigError::new(
                "pending_login_lifetime must be between 1 ms and 1 hour",
            ));
        }
        if self.max_token_bytes < 1024 {
            return Err(ConfigError::new("max_token_bytes must be at least 1024"));
        }
        let mut signing_algs = vec![SigningAlg::Es256];
        if self.accept_rs256 {
            signing_algs.push(SigningAlg::Rs256);
        }
        Ok(Config {
            platform,
            issuer,
            client_id: ClientId::new(client_id),
            client_secret,
            redirect_uri,
            post_logout_redirect_uri,
            scopes: self.scopes,
            eidas,
            prompt: self.prompt,
            request_amr: self.request_amr,
            clock_leeway: self.clock_leeway,
            http_timeout: self.http_timeout,
            signing_algs,
            service_keys: self.service_keys,
            pending_login_lifetime: self.pending_login_lifetime,
            jwks_refetch_cooldown: self.jwks_refetch_cooldown,
            max_token_bytes: self.max_token_bytes,
        })
    }
}

/// An `https://` URL, or `http://` on a loopback host (development only).
fn check_url(name: &str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|_| ConfigError::new(format!("{name} is not a valid URL")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(ConfigError::new(format!(
                "{name} uses plain http:// on a non-loopback host; use https://"
            )));
        }
        _ => return Err(ConfigError::new(format!("{name} must be an https:// URL"))),
    }
    if url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::new(format!(
            "{name} must not carry a fragment or credentials"
        )));
    }
    Ok(url)
}

/// A URI the provider compares character for character with the registered
/// one: refuse a spelling that URL normalisation would change (upper-case
/// host, default port, missing path) rather than send something else.
fn check_registered_uri(name: &str, value: &str) -> Result<Url, ConfigError> {
    let url = check_url(name, value)?;
    if url.as_str() != value {
        return Err(ConfigError::new(format!(
            "{name} must be written exactly as {url} (the provider compares it verbatim)"
        )));
    }
    Ok(url)
}

/// `localhost`, 127.0.0.0/8 or `::1`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn base(platform: Platform) -> ConfigBuilder {
        Config::builder(
            platform,
            Environment::Custom(Url::parse("http://127.0.0.1:4000/api/v2").unwrap()),
        )
        .client_id("id")
        .client_secret("secret")
        .redirect_uri("http://localhost:3000/auth/callback")
        .post_logout_redirect_uri("http://localhost:3000/auth/logout/callback")
    }

    fn err(b: ConfigBuilder) -> String {
        b.build().unwrap_err().to_string()
    }

    #[test]
    fn presets_name_the_right_issuers() {
        let c = Config::builder(Platform::FranceConnectPlus, Environment::Production)
            .client_id("id")
            .client_secret("s")
            .redirect_uri("https://a.fr/cb")
            .post_logout_redirect_uri("https://a.fr/out")
            .service_keys(ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap())
            .build()
            .unwrap();
        assert_eq!(c.issuer().as_str(), "https://auth.franceconnect.gouv.fr/api/v2");
        assert_eq!(c.eidas(), Eidas::Eidas2);
        assert!(!c.is_loopback_http());
    }

    #[test]
    fn invalid_combinations_fail_with_clear_messages() {
        assert!(err(base(Platform::FranceConnectPlus).eidas(Eidas::Eidas1)).contains("does not accept eidas1"));
        assert!(err(base(Platform::FranceConnect).eidas(Eidas::Eidas2)).contains("does not accept eidas2"));
        assert!(err(base(Platform::FranceConnectPlus)).contains("encryption key"));
        assert!(
            err(base(Platform::FranceConnect).redirect_uri("http://service.example.fr/cb")).contains("plain http://")
        );
        assert!(
            err(base(Platform::FranceConnect).post_logout_redirect_uri("http://10.0.0.1/out"))
                .contains("plain http://")
        );
        let remote = Config::builder(
            Platform::FranceConnect,
            Environment::Custom(Url::parse("http://fc.example/api").unwrap()),
        )
        .client_id("id")
        .client_secret("s")
        .redirect_uri("https://a.fr/cb")
        .post_logout_redirect_uri("https://a.fr/out");
        assert!(err(remote).contains("issuer uses plain http://"));
        let keys = ServiceKeys::generate(EncryptionAlg::EcdhEs).unwrap();
        assert!(err(base(Platform::FranceConnectPlus).service_keys(keys).accept_rs256(true)).contains("RS256"));
        assert!(err(base(Platform::FranceConnect).client_secret("")).contains("client_secret"));
        assert!(err(base(Platform::FranceConnect).redirect_uri("HTTPS://A.fr:443/cb")).contains("https://a.fr/cb"));
        assert!(err(base(Platform::FranceConnect).clock_leeway(Duration::from_secs(3600))).contains("leeway"));
        assert!(base(Platform::FranceConnect).build().unwrap().is_loopback_http());
    }

    #[test]
    fn secrets_do_not_show_in_debug() {
        let c = base(Platform::FranceConnect)
            .client_secret("s3cr3t-value")
            .build()
            .unwrap();
        assert!(!format!("{c:?}").contains("s3cr3t-value"));
    }

    #[test]
    fn environment_variables() {
        let vars: HashMap<&str, &str> = HashMap::from([
            ("FC_PLATFORM", "fc"),
            ("FC_ISSUER", "http://127.0.0.1:4000/api/v2"),
            ("FC_CLIENT_ID", "cid"),
            ("FC_CLIENT_SECRET", "cs"),
            ("APP_URL", "http://127.0.0.1:3000/"),
            ("FC_SCOPES", "given_name,email"),
            ("FC_PROMPT", "consent login"),
            ("FC_REQUEST_AMR", "true"),
            ("FC_HTTP_TIMEOUT_SECS", "3"),
        ]);
        let c = Config::from_lookup(|k| vars.get(k).map(|v| v.to_string())).unwrap();
        assert_eq!(c.redirect_uri().as_str(), "http://127.0.0.1:3000/auth/callback");
        assert_eq!(
            c.post_logout_redirect_uri().as_str(),
            "http://127.0.0.1:3000/auth/logout/callback"
        );
        assert_eq!(c.scopes().to_string(), "openid given_name email");
        assert_eq!(c.prompt, Some(Prompt::LoginConsent));
        assert!(c.request_amr);
        assert_eq!(c.http_timeout, Duration::from_secs(3));
        let missing = Config::from_lookup(|_| None).unwrap_err();
        assert!(missing.to_string().contains("FC_CLIENT_ID"));
        let bad = Config::from_lookup(|k| (k == "FC_PLATFORM").then(|| "plus".to_string())).unwrap_err();
        assert!(bad.to_string().contains("FC_PLATFORM"));
    }
}
