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
//!
//! On ProConnect, the same builder with its own `acr` values:
//!
//! ```
//! use franceconnect_tower::{Acr, Config, Environment, Platform, RequestedAcr};
//!
//! let config = Config::builder(Platform::ProConnect, Environment::Sandbox)
//!     .client_id("my-client-id")
//!     .client_secret("my-client-secret")
//!     .redirect_uri("https://service.example.fr/auth/callback")
//!     .post_logout_redirect_uri("https://service.example.fr/auth/logout/callback")
//!     .acr_values(Acr::MFA) // a second factor for every agent
//!     .build()
//!     .unwrap();
//! assert_eq!(config.issuer().as_str(), "https://fca.integ01.dev-agentconnect.fr/api/v2");
//! assert_eq!(config.requested_acr(), RequestedAcr::OneOf(Acr::MFA.to_vec()));
//! ```

mod builder;
mod client_auth;
mod data_scope;
mod env;
pub(crate) use env::{flag, platform_and_environment, secs};
mod platform;
mod scope;
mod url_rules;

use std::time::Duration;

use url::Url;

pub use builder::ConfigBuilder;
pub use client_auth::TokenEndpointAuth;
pub use data_scope::{DataProvider, DataScope};
pub use platform::{Environment, Platform, Prompt};
pub use scope::{InvalidScope, Scope, Scopes};
pub(crate) use url_rules::{check_url, is_loopback};

use crate::jose::{EncryptionAlg, ServiceKeys, SigningAlg};
use crate::protocol::acr::{Acr, RequestedAcr};
use crate::protocol::eidas::Eidas;
use crate::protocol::values::{ClientId, ClientSecret, LoginCookieSecret};

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
    /// ProConnect: the values asked (empty: none required).
    pub(crate) acr_values: Vec<Acr>,
    pub(crate) unsigned_userinfo: bool,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) request_amr: bool,
    pub(crate) clock_leeway: Duration,
    pub(crate) http_timeout: Duration,
    pub(crate) signing_algs: Vec<SigningAlg>,
    pub(crate) service_keys: Option<ServiceKeys>,
    pub(crate) encrypted_tokens: bool,
    pub(crate) token_endpoint_auth: TokenEndpointAuth,
    pub(crate) pending_login_lifetime: Duration,
    pub(crate) jwks_refetch_cooldown: Duration,
    pub(crate) max_token_bytes: usize,
    pub(crate) endpoints_outside_issuer: bool,
    /// The current secret first, then the previous one (rotation).
    pub(crate) login_cookie_secrets: Vec<LoginCookieSecret>,
    pub(crate) session_lifetime: Duration,
    pub(crate) idp_hints: Vec<String>,
    pub(crate) sector_redirect_uris: Vec<Url>,
    /// ProConnect: keep its refresh tokens, and renew expired access
    /// tokens with them.
    pub(crate) refresh_tokens: bool,
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
    /// The eIDAS level requested by default on FranceConnect and
    /// FranceConnect+ (on ProConnect, see [`Config::requested_acr`]).
    pub fn eidas(&self) -> Eidas {
        self.eidas
    }
    /// What a login asks for by default: the eIDAS level on FranceConnect
    /// and FranceConnect+, the `acr` values on ProConnect.
    pub fn requested_acr(&self) -> RequestedAcr {
        if self.platform.asks_acr_in_claims() {
            RequestedAcr::OneOf(self.acr_values.clone())
        } else {
            RequestedAcr::AtLeast(self.eidas)
        }
    }
    /// True when userinfo may arrive as plain JSON
    /// ([`ConfigBuilder::unsigned_userinfo`]).
    pub fn accepts_unsigned_userinfo(&self) -> bool {
        self.unsigned_userinfo
    }
    /// The service's encryption keys, if any.
    pub fn service_keys(&self) -> Option<&ServiceKeys> {
        self.service_keys.as_ref()
    }
    /// True when the ID token and userinfo arrive encrypted (JWE): always on
    /// FranceConnect+, on FranceConnect when
    /// [`ConfigBuilder::encrypted_tokens`] says so. An unencrypted token is
    /// then refused; otherwise an encrypted one is.
    pub fn encrypts_tokens(&self) -> bool {
        self.encrypted_tokens
    }
    /// How the service authenticates at the token endpoint.
    pub fn token_endpoint_auth(&self) -> TokenEndpointAuth {
        self.token_endpoint_auth
    }
    /// The signature algorithms the platform accepts for client assertions.
    pub(crate) fn assertion_algs(&self) -> &'static [SigningAlg] {
        self.platform.assertion_algs()
    }
    /// How long a login may stay pending.
    pub fn pending_login_lifetime(&self) -> Duration {
        self.pending_login_lifetime
    }
    /// How long a session lasts after its sign-in, however active the user
    /// (the inactivity expiry comes on top).
    pub fn session_lifetime(&self) -> Duration {
        self.session_lifetime
    }
    /// True when the service keeps ProConnect's refresh tokens and renews
    /// expired access tokens with them ([`ConfigBuilder::refresh_tokens`],
    /// `FC_REFRESH_TOKENS`).
    pub fn refresh_tokens(&self) -> bool {
        self.refresh_tokens
    }
    /// The secrets the pending-login cookie keys derive from, current first.
    pub(crate) fn login_cookie_secrets(&self) -> Vec<&[u8]> {
        self.login_cookie_secrets
            .iter()
            .map(|s| s.secret().as_bytes())
            .collect()
    }
    /// The redirect URIs served as the `sector_identifier_uri` document
    /// (`/auth/sector-identifier`); empty when not configured.
    pub fn sector_redirect_uris(&self) -> &[Url] {
        &self.sector_redirect_uris
    }
    /// True when `hint` is on the `idp_hint` allow-list.
    pub fn is_allowed_idp_hint(&self, hint: &str) -> bool {
        self.idp_hints.iter().any(|h| h == hint)
    }
    /// The clock leeway applied to token times.
    pub fn clock_leeway(&self) -> Duration {
        self.clock_leeway
    }
    /// The timeout of each request to the provider
    /// ([`ConfigBuilder::http_timeout`], `FC_HTTP_TIMEOUT_SECS`).
    pub fn http_timeout(&self) -> Duration {
        self.http_timeout
    }
    /// The signature algorithms accepted for the ID token and userinfo:
    /// ES256, and RS256 on ProConnect or with
    /// [`ConfigBuilder::accept_rs256`] (`FC_ACCEPT_RS256`). Never HS256.
    pub fn signing_algorithms(&self) -> &[SigningAlg] {
        &self.signing_algs
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
}

/// A builder for the engine's unit tests: `platform` on the custom
/// `issuer`, client `id` with secret `s`, its URIs under `app`
/// (`{app}/auth/callback`, `{app}/auth/logout/callback`).
#[cfg(test)]
pub(crate) fn test_builder(platform: Platform, issuer: &str, app: &str) -> ConfigBuilder {
    Config::builder(
        platform,
        Environment::Custom(Url::parse(issuer).expect("a test issuer")),
    )
    .client_id("id")
    .client_secret("s")
    .redirect_uri(format!("{app}/auth/callback"))
    .post_logout_redirect_uri(format!("{app}/auth/logout/callback"))
}

#[cfg(test)]
mod tests;
