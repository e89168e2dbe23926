//! [`FranceConnect`]: the engine, shared by every request of a service.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::config::Config;
use crate::error::{Error, JoseError};
use crate::jose;
use crate::provider::cached_document::CachedDocument;
use crate::provider::discovery::{ProviderMetadata, discovery_url};
use crate::provider::http_client::HttpClient;
use crate::provider::jwks::ProviderJwks;

/// The FranceConnect engine: holds the configuration, the provider's cached
/// metadata and keys, and runs the login and logout flows. Cheap to clone;
/// create one per service and share it.
///
/// It keeps no per-user state: a login in progress is a [`PendingLogin`]
/// the caller stores (in a session) between
/// [`FranceConnect::begin_login`] and [`FranceConnect::complete_login`].
///
/// [`PendingLogin`]: crate::PendingLogin
#[derive(Clone)]
pub struct FranceConnect {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: Config,
    pub(crate) http: HttpClient,
    pub(crate) metadata: CachedDocument<ProviderMetadata>,
    /// `{issuer}/.well-known/openid-configuration`, built once: every
    /// request that needs the metadata asks for it.
    discovery_url: url::Url,
    pub(crate) jwks: ProviderJwks,
    /// Seals the refresh tokens kept in sessions (a key of their own,
    /// derived from the login cookie secret).
    pub(crate) refresh_sealer: crate::protocol::sealing::Sealer,
    /// The refreshes under way or done, and the successors of the spent
    /// refresh tokens, by the refresh token's hash: a spent token never
    /// reaches ProConnect again (which would end the grant).
    pub(crate) refreshes: crate::flow::RefreshFlights,
}

impl FranceConnect {
    /// Creates the engine. Nothing is fetched yet: the provider's metadata is
    /// loaded at the first login (or by [`FranceConnect::discover`]), so a
    /// service starts even while the provider is unreachable.
    pub fn new(config: Config) -> Self {
        let http = HttpClient::new(config.http_timeout, config.platform);
        let for_validation = config.clone();
        let metadata = CachedDocument::new(
            "discovery",
            http.clone(),
            Box::new(move |body: &[u8]| ProviderMetadata::validate(&for_validation, body)),
        );
        let jwks = ProviderJwks::new(http.clone(), config.jwks_refetch_cooldown);
        let refresh_sealer =
            crate::protocol::sealing::Sealer::new(config.login_cookie_secrets(), crate::flow::REFRESH_TOKEN_KEY_INFO);
        let refreshes = crate::flow::RefreshFlights::new(config.session_lifetime);
        Self {
            inner: Arc::new(Inner {
                discovery_url: discovery_url(&config.issuer),
                config,
                http,
                metadata,
                jwks,
                refresh_sealer,
                refreshes,
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The provider's validated metadata, from the cache or fetched.
    pub async fn discover(&self) -> Result<Arc<ProviderMetadata>, Error> {
        self.inner.metadata.get(&self.inner.discovery_url).await
    }

    /// The service's public encryption keys as a JWK set, to serve at the
    /// `jwks_uri` registered with FranceConnect+, or with FranceConnect
    /// when it encrypts the service's tokens (an empty set when the
    /// service has no keys).
    pub fn public_jwks(&self) -> Value {
        match &self.inner.config.service_keys {
            Some(keys) => keys.public_jwks(),
            None => serde_json::json!({ "keys": [] }),
        }
    }

    /// Opens a token as the platform sends it: when tokens are encrypted
    /// (FranceConnect+, or FranceConnect so registered) decrypts the JWE
    /// (which must be there), then verifies the signature. Returns
    /// the inner JWS and its payload.
    pub(crate) async fn open_token(
        &self,
        metadata: &ProviderMetadata,
        token: &str,
    ) -> Result<(String, Map<String, Value>), Error> {
        let config = &self.inner.config;
        let token = token.trim();
        let jws = match (
            &config.service_keys,
            config.encrypted_tokens,
            jose::compact::is_jwe(token),
        ) {
            (Some(keys), true, true) => {
                jose::compact::decrypt_nested(token, keys, &config.encryption_algs(), config.max_token_bytes)?
            }
            (_, true, false) => return Err(JoseError::NotEncrypted.into()),
            (_, false, true) => return Err(JoseError::UnexpectedEncryption.into()),
            _ => token.to_owned(),
        };
        let payload = self
            .inner
            .jwks
            .verify(&metadata.jwks_uri, &jws, &config.signing_algs, config.max_token_bytes)
            .await?;
        Ok((jws, payload))
    }
}

impl std::fmt::Debug for FranceConnect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FranceConnect")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
