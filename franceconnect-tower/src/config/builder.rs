//! [`ConfigBuilder`]: every setting with its default, and the checks of
//! [`ConfigBuilder::build`].

use std::time::Duration;

use super::url_rules::{check_registered_uri, check_url};
use super::{Config, Environment, Platform, Prompt, Scopes, TokenEndpointAuth};
use crate::error::ConfigError;
use crate::jose::{ServiceKeys, SigningAlg};
use crate::protocol::acr::{Acr, RequestedAcr};
use crate::protocol::eidas::Eidas;
use crate::protocol::values::{ClientId, ClientSecret, LoginCookieSecret};

/// Builds a [`Config`]; [`ConfigBuilder::build`] checks every combination.
#[derive(Debug, Clone)]
#[must_use]
pub struct ConfigBuilder {
    pub(super) platform: Platform,
    environment: Environment,
    client_id: Option<String>,
    client_secret: Option<ClientSecret>,
    redirect_uri: Option<String>,
    post_logout_redirect_uri: Option<String>,
    scopes: Option<Scopes>,
    eidas: Option<Eidas>,
    acr_values: Option<Vec<Acr>>,
    unsigned_userinfo: bool,
    prompt: Option<Prompt>,
    request_amr: bool,
    accept_rs256: bool,
    clock_leeway: Duration,
    http_timeout: Duration,
    service_keys: Option<ServiceKeys>,
    encrypted_tokens: bool,
    token_endpoint_auth: TokenEndpointAuth,
    pending_login_lifetime: Duration,
    jwks_refetch_cooldown: Duration,
    max_token_bytes: usize,
    endpoints_outside_issuer: bool,
    login_cookie_secret: Option<LoginCookieSecret>,
    previous_login_cookie_secret: Option<LoginCookieSecret>,
    session_lifetime: Duration,
    idp_hints: Vec<String>,
    sector_redirect_uris: Vec<String>,
    refresh_tokens: bool,
}

impl ConfigBuilder {
    pub(super) fn new(platform: Platform, environment: Environment) -> Self {
        Self {
            platform,
            environment,
            client_id: None,
            client_secret: None,
            redirect_uri: None,
            post_logout_redirect_uri: None,
            scopes: None,
            eidas: None,
            acr_values: None,
            unsigned_userinfo: false,
            prompt: None,
            request_amr: false,
            accept_rs256: false,
            clock_leeway: Duration::from_secs(30),
            http_timeout: Duration::from_secs(10),
            service_keys: None,
            encrypted_tokens: false,
            token_endpoint_auth: TokenEndpointAuth::ClientSecretPost,
            pending_login_lifetime: Duration::from_secs(600),
            jwks_refetch_cooldown: Duration::from_secs(30),
            max_token_bytes: 64 * 1024,
            endpoints_outside_issuer: false,
            login_cookie_secret: None,
            previous_login_cookie_secret: None,
            session_lifetime: Duration::from_secs(12 * 3600),
            idp_hints: Vec::new(),
            sector_redirect_uris: Vec::new(),
            refresh_tokens: false,
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
    /// The scopes (`openid` is always added), each defined on the platform.
    /// Default: [`Scopes::default_for`] the platform.
    pub fn scopes(mut self, scopes: Scopes) -> Self {
        self.scopes = Some(scopes);
        self
    }
    /// The eIDAS level to ask for. Default: `eidas1` on FranceConnect,
    /// `eidas2` on FranceConnect+. On ProConnect, the `acr` values that
    /// attest this level or a higher one (see
    /// [`ConfigBuilder::acr_values`]).
    pub fn eidas(mut self, level: Eidas) -> Self {
        self.eidas = Some(level);
        self
    }
    /// ProConnect only: the `acr` values a login asks for, sent as
    /// essential in the `claims` parameter; the ID token must carry one of
    /// them. For a second factor, [`Acr::MFA`]. Default: none required, the
    /// `acr` is read (and must be a known value) for routes to check.
    pub fn acr_values(mut self, values: impl IntoIterator<Item = Acr>) -> Self {
        self.acr_values = Some(values.into_iter().collect());
        self
    }
    /// ProConnect only: the service registered no userinfo signature, so
    /// userinfo arrives as plain JSON (`application/json`) over TLS
    /// (FranceConnect and FranceConnect+ always sign it: refused there at
    /// `build()`). Default `false`: userinfo must be a signed JWT, and plain
    /// JSON is refused. A signed answer is always accepted (and verified).
    pub fn unsigned_userinfo(mut self, yes: bool) -> Self {
        self.unsigned_userinfo = yes;
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
    /// The service's private encryption keys (required on FranceConnect+,
    /// and with [`ConfigBuilder::encrypted_tokens`]).
    pub fn service_keys(mut self, keys: ServiceKeys) -> Self {
        self.service_keys = Some(keys);
        self
    }
    /// Expect FranceConnect to encrypt the ID token and userinfo to the
    /// service's keys (default `false`). Turn it on only when the service
    /// registered encryption with FranceConnect (`ECDH-ES` or `RSA-OAEP`,
    /// `A256GCM`); an unencrypted token is then refused, as on
    /// FranceConnect+, and the service's public keys are served at
    /// `/auth/jwks` for the provider to fetch. Needs
    /// [`ConfigBuilder::service_keys`]. FranceConnect+ always encrypts,
    /// whatever this says.
    pub fn encrypted_tokens(mut self, yes: bool) -> Self {
        self.encrypted_tokens = yes;
        self
    }
    /// How the service authenticates at the token endpoint (default
    /// `client_secret_post`). [`TokenEndpointAuth::PrivateKeyJwt`] needs a
    /// signing key in [`ConfigBuilder::service_keys`] (ES256, or RS256 on
    /// FranceConnect; see [`ServiceKeys::generate_signing`]); use it only
    /// if your registration says so. The client secret stays required: the
    /// platforms' revocation endpoint takes it whatever the method.
    pub fn token_endpoint_auth(mut self, method: TokenEndpointAuth) -> Self {
        self.token_endpoint_auth = method;
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

    /// Accept provider endpoints (token, userinfo, JWKS, logout) outside the
    /// issuer's scheme, host, port and path. Default `false`: a discovery
    /// document naming a foreign endpoint is refused, because it would send
    /// the code and the client secret to a stranger, or make us trust a
    /// stranger's keys. Only for a custom issuer whose endpoints really live
    /// elsewhere; refused with a platform preset.
    pub fn allow_endpoints_outside_issuer(mut self, yes: bool) -> Self {
        self.endpoints_outside_issuer = yes;
        self
    }

    /// The secret from which the key sealing pending-login cookies is
    /// derived (at least 32 characters). Required when several instances
    /// serve the same site, so that a login begun on one completes on
    /// another; without it, a random secret is drawn at start and pending
    /// logins do not survive a restart.
    pub fn login_cookie_secret(mut self, secret: impl Into<String>) -> Self {
        self.login_cookie_secret = Some(LoginCookieSecret::new(secret));
        self
    }
    /// The secret used before the current one, still accepted to open
    /// pending-login cookies: keep it for one pending-login lifetime after a
    /// rotation, then remove it.
    pub fn previous_login_cookie_secret(mut self, secret: impl Into<String>) -> Self {
        self.previous_login_cookie_secret = Some(LoginCookieSecret::new(secret));
        self
    }
    /// How long a session lasts after its sign-in, however active the user
    /// (default 12 hours, at most 7 days); the 30-minute inactivity expiry
    /// comes on top.
    pub fn session_lifetime(mut self, lifetime: Duration) -> Self {
        self.session_lifetime = lifetime;
        self
    }

    /// The identity providers a login may name in `idp_hint` (their ids at
    /// the platform). Default: none, and `/auth/login?idp_hint=…` is
    /// refused, so that a visitor cannot inject arbitrary values.
    pub fn allowed_idp_hints<I: IntoIterator<Item = S>, S: Into<String>>(mut self, hints: I) -> Self {
        self.idp_hints = hints.into_iter().map(Into::into).collect();
        self
    }

    /// Serves `uris` at `/auth/sector-identifier`, the document FranceConnect
    /// fetches at a service's registered `sector_identifier_uri` when its
    /// redirect URIs span several hosts. Each must be an `https://` URI
    /// (loopback `http://` aside) written exactly as registered; the
    /// service's own redirect URI must be among them.
    pub fn sector_redirect_uris<I: IntoIterator<Item = S>, S: Into<String>>(mut self, uris: I) -> Self {
        self.sector_redirect_uris = uris.into_iter().map(Into::into).collect();
        self
    }

    /// ProConnect only: keep the refresh token ProConnect issues with every
    /// login, sealed in the session (under a key derived from the login
    /// cookie secret), and renew the access token with it once expired
    /// ([`FranceConnect::refresh`](crate::FranceConnect::refresh), and the
    /// adapters' `AccessToken` extractors, which do it for you). At logout
    /// the refresh token is revoked, which ends the whole grant at
    /// ProConnect. Default `false`: no refresh token is kept, even when the
    /// platform sends one. FranceConnect and FranceConnect+ issue none:
    /// refused there at `build()`.
    ///
    /// Needs [`login_cookie_secret`](Self::login_cookie_secret) for the
    /// refresh tokens to survive a restart, or to be used by another
    /// instance (with the random secret of a service without one, a
    /// session whose token cannot be opened any more is treated as having
    /// none).
    pub fn refresh_tokens(mut self, yes: bool) -> Self {
        self.refresh_tokens = yes;
        self
    }

    /// Checks the configuration.
    pub fn build(self) -> Result<Config, ConfigError> {
        let platform = self.platform;
        if self.endpoints_outside_issuer && !matches!(self.environment, Environment::Custom(_)) {
            return Err(ConfigError::new(
                "allow_endpoints_outside_issuer is for custom issuers only: the platforms' endpoints all live under their issuer",
            ));
        }
        let issuer = self.environment.issuer(platform).ok_or_else(|| {
            ConfigError::new("the RIE environments are ProConnect's: use them with FC_PLATFORM=proconnect")
        })?;
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
                "{} does not accept {eidas} (FC_ACR): use {}",
                platform.display_name(),
                platform
                    .accepted_levels()
                    .iter()
                    .map(|l| l.as_str())
                    .collect::<Vec<_>>()
                    .join(" or ")
            )));
        }
        let acr_values = match (platform, self.acr_values) {
            (Platform::ProConnect, values) => {
                let values = values.unwrap_or_default();
                match self.eidas {
                    Some(level) => {
                        let both = RequestedAcr::one_of_reaching(&values, level);
                        if both.is_empty() {
                            return Err(ConfigError::new(format!(
                                "none of the acr values asked (FC_ACR) attests {level}"
                            )));
                        }
                        both
                    }
                    None => values,
                }
            }
            (_, Some(_)) => {
                return Err(ConfigError::new(
                    "acr values are ProConnect's: on FranceConnect, ask for an eIDAS level (eidas / FC_ACR)",
                ));
            }
            (_, None) => Vec::new(),
        };
        let scopes = self.scopes.unwrap_or_else(|| Scopes::default_for(platform));
        if let Some(refusal) = scopes.iter().find_map(|s| s.refusal_on(platform)) {
            return Err(ConfigError::new(refusal));
        }
        if self.refresh_tokens && platform != Platform::ProConnect {
            return Err(ConfigError::new(
                "refresh tokens are ProConnect's: FranceConnect and FranceConnect+ issue none (FC_REFRESH_TOKENS); \
                 with several platforms, set FC_PROCONNECT_REFRESH_TOKENS",
            ));
        }
        if platform == Platform::ProConnect && self.encrypted_tokens {
            return Err(ConfigError::new(
                "ProConnect does not encrypt tokens for services: FC_ENCRYPTED_TOKENS is FranceConnect's",
            ));
        }
        if self.unsigned_userinfo && (platform.encrypts() || self.encrypted_tokens) {
            return Err(ConfigError::new(
                "encrypted userinfo is never plain JSON: unsigned_userinfo (FC_UNSIGNED_USERINFO) cannot apply",
            ));
        }
        // FranceConnect signs userinfo for every service: plain JSON there
        // would only ever be a downgrade.
        if self.unsigned_userinfo && platform != Platform::ProConnect {
            return Err(ConfigError::new(
                "FranceConnect always signs userinfo: unsigned_userinfo (FC_UNSIGNED_USERINFO) is ProConnect's; \
                 with several platforms, set FC_PROCONNECT_UNSIGNED_USERINFO",
            ));
        }
        if self.accept_rs256 && platform == Platform::FranceConnectPlus {
            return Err(ConfigError::new(
                "FranceConnect+ signs with ES256 only: RS256 cannot be accepted",
            ));
        }
        let encrypted_tokens = platform.encrypts() || self.encrypted_tokens;
        if encrypted_tokens && self.service_keys.is_none() {
            return Err(ConfigError::new(if platform.encrypts() {
                "FranceConnect+ encrypts tokens: an encryption key set is required (service_keys, or FC_KEYS_FILE: \
                 create it with `franceconnect keys generate --file keys.json`)"
            } else {
                "encrypted tokens (FC_ENCRYPTED_TOKENS) need the service's encryption key set (service_keys, or \
                 FC_KEYS_FILE: create it with `franceconnect keys generate --file keys.json`)"
            }));
        }
        if encrypted_tokens && self.service_keys.as_ref().is_some_and(|k| k.algorithms().is_empty()) {
            return Err(ConfigError::new(
                "the service keys (FC_KEYS_FILE) hold no encryption key (`use: enc`), and tokens are encrypted: add one \
                 with `franceconnect keys add --enc ecdh-es`",
            ));
        }
        if self.token_endpoint_auth == TokenEndpointAuth::PrivateKeyJwt {
            // The key the assertions will be signed with (`client_assertion`).
            let has_key = self
                .service_keys
                .as_ref()
                .is_some_and(|k| k.signing_key(platform.assertion_algs()).is_some());
            if !has_key {
                let allowed: Vec<&str> = platform.assertion_algs().iter().map(|a| a.as_str()).collect();
                let allowed = allowed.join(" or ");
                return Err(ConfigError::new(format!(
                    "private_key_jwt (FC_TOKEN_ENDPOINT_AUTH) needs a signing key (`use: sig`, {allowed}) in the service keys \
                     (FC_KEYS_FILE): add one with `franceconnect keys add --sig es256`"
                )));
            }
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
        for secret in [&self.login_cookie_secret, &self.previous_login_cookie_secret]
            .into_iter()
            .flatten()
        {
            if secret.secret().chars().count() < 32 {
                return Err(ConfigError::new(
                    "the login cookie secret (FC_LOGIN_COOKIE_SECRET) must be at least 32 characters",
                ));
            }
        }
        if self.previous_login_cookie_secret.is_some() && self.login_cookie_secret.is_none() {
            return Err(ConfigError::new(
                "a previous login cookie secret needs a current one (FC_LOGIN_COOKIE_SECRET)",
            ));
        }
        if self.session_lifetime < Duration::from_secs(1) || self.session_lifetime > Duration::from_secs(7 * 86_400) {
            return Err(ConfigError::new("session_lifetime must be between 1 second and 7 days"));
        }
        // Without a configured secret, one drawn once per process: every
        // Config built here (an actix worker each, say) seals alike.
        static RANDOM_SECRET: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let current = self.login_cookie_secret.unwrap_or_else(|| {
            LoginCookieSecret::new(RANDOM_SECRET.get_or_init(crate::protocol::values::random_token).clone())
        });
        let login_cookie_secrets = std::iter::once(current)
            .chain(self.previous_login_cookie_secret)
            .collect();
        if self
            .idp_hints
            .iter()
            .any(|h| h.is_empty() || h.len() > 128 || h.chars().any(|c| c.is_control() || c.is_whitespace()))
        {
            return Err(ConfigError::new(
                "an idp_hint must be 1 to 128 characters, without spaces",
            ));
        }
        let sector_redirect_uris = self
            .sector_redirect_uris
            .iter()
            .map(|u| check_registered_uri("sector redirect URI", u))
            .collect::<Result<Vec<_>, _>>()?;
        if !sector_redirect_uris.is_empty() && !sector_redirect_uris.contains(&redirect_uri) {
            return Err(ConfigError::new(
                "the sector redirect URIs (FC_SECTOR_REDIRECT_URIS) must include redirect_uri",
            ));
        }
        if self.max_token_bytes < 1024 {
            return Err(ConfigError::new("max_token_bytes must be at least 1024"));
        }
        // ProConnect signs with either, as each service registered.
        let mut signing_algs = vec![SigningAlg::Es256];
        if self.accept_rs256 || platform == Platform::ProConnect {
            signing_algs.push(SigningAlg::Rs256);
        }
        Ok(Config {
            platform,
            issuer,
            client_id: ClientId::new(client_id),
            client_secret,
            redirect_uri,
            post_logout_redirect_uri,
            scopes,
            eidas,
            acr_values,
            unsigned_userinfo: self.unsigned_userinfo,
            prompt: self.prompt,
            request_amr: self.request_amr,
            clock_leeway: self.clock_leeway,
            http_timeout: self.http_timeout,
            signing_algs,
            service_keys: self.service_keys,
            encrypted_tokens,
            token_endpoint_auth: self.token_endpoint_auth,
            pending_login_lifetime: self.pending_login_lifetime,
            jwks_refetch_cooldown: self.jwks_refetch_cooldown,
            max_token_bytes: self.max_token_bytes,
            endpoints_outside_issuer: self.endpoints_outside_issuer,
            login_cookie_secrets,
            session_lifetime: self.session_lifetime,
            idp_hints: self.idp_hints,
            sector_redirect_uris,
            refresh_tokens: self.refresh_tokens,
        })
    }
}
