//! [`FranceConnect::check`]: what an application verifies when it starts,
//! and what it must have registered with the platform.

use url::Url;

use crate::client::FranceConnect;
use crate::error::Error;

/// The URIs the service must have registered with the platform, as this
/// configuration expects them: what [`FranceConnect::check`] returns and
/// logs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Registration {
    /// The redirect URI (`/auth/callback`).
    pub redirect_uri: Url,
    /// The post-logout redirect URI (`/auth/logout/callback`).
    pub post_logout_redirect_uri: Url,
    /// The JWKS URI (`/auth/jwks`, beside the callback), when the platform
    /// needs the service's keys: encrypted tokens or `private_key_jwt`.
    pub jwks_uri: Option<Url>,
    /// The sector identifier URI (`/auth/sector-identifier`), when sector
    /// redirect URIs are configured.
    pub sector_identifier_uri: Option<Url>,
}

impl FranceConnect {
    /// Checks the deployment against the provider, for an application to
    /// call at start-up: the discovery document is fetched and checked
    /// against the configuration (issuer, endpoints, algorithms, levels,
    /// client authentication, encryption), and the provider's JWKS must hold
    /// a key for an accepted signature algorithm. Logs, and returns, the URIs
    /// to register.
    ///
    /// A failure here is what every login would meet: log it loudly. The
    /// engine works without this call (it fetches what it needs at the first
    /// login), so a service can still start while the provider is down.
    pub async fn check(&self) -> Result<Registration, Error> {
        let config = self.config();
        let metadata = self.discover().await?;
        let mut keys_found = false;
        for alg in &config.signing_algs {
            if self.inner.jwks.keys_for(&metadata.jwks_uri, None, *alg).await.is_ok() {
                keys_found = true;
            }
        }
        if !keys_found {
            return Err(Error::discovery(
                "the provider's JWKS holds no key for an accepted signature algorithm (ES256, or RS256 with FC_ACCEPT_RS256)",
            ));
        }
        let sibling = |name: &str| {
            let path = config.redirect_uri.path();
            let parent = path.strip_suffix("/callback")?;
            let mut url = config.redirect_uri.clone();
            url.set_path(&format!("{parent}/{name}"));
            url.set_query(None);
            Some(url)
        };
        let needs_keys =
            config.encrypted_tokens || config.token_endpoint_auth == crate::TokenEndpointAuth::PrivateKeyJwt;
        let registration = Registration {
            redirect_uri: config.redirect_uri.clone(),
            post_logout_redirect_uri: config.post_logout_redirect_uri.clone(),
            jwks_uri: needs_keys.then(|| sibling("jwks")).flatten(),
            sector_identifier_uri: (!config.sector_redirect_uris.is_empty())
                .then(|| sibling("sector-identifier"))
                .flatten(),
        };
        tracing::info!(
            platform = config.platform.display_name(),
            issuer = %metadata.issuer,
            redirect_uri = %registration.redirect_uri,
            post_logout_redirect_uri = %registration.post_logout_redirect_uri,
            jwks_uri = registration.jwks_uri.as_ref().map(Url::as_str),
            sector_identifier_uri = registration.sector_identifier_uri.as_ref().map(Url::as_str),
            "provider checked; register these URIs with the platform"
        );
        Ok(registration)
    }
}
