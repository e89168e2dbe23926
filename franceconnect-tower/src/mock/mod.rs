//! Your application on the embedded mock providers, with no configuration
//! (feature `mock`): [`EmbeddedMock`] starts a faithful local FranceConnect,
//! FranceConnect+ and/or ProConnect ([`franceconnect_mock`]), registers your
//! application with each, and gives the routes configured for them.
//!
//! For development and tests only: the mock's people are fictional, and
//! anyone can sign in as any of them.

use std::net::SocketAddr;

use franceconnect_mock::{Client, ClientKeys, FederationHandle, MockFederation, MockHandle, MockProvider};

use crate::FranceConnect;
use crate::config::{Config, Environment, Platform};
use crate::error::ConfigError;
use crate::jose::{EncryptionAlg, ServiceKeys};
use crate::web::AuthRoutes;

/// The client id the mock registers the application under.
pub const MOCK_CLIENT_ID: &str = "embedded-mock-client";
/// Its secret (the mock's only: never a real one).
pub const MOCK_CLIENT_SECRET: &str = "embedded-mock-secret-for-development-only";

/// The mock providers of an application, running on a loopback port, and
/// the application's routes configured for them.
///
/// One platform is served under `/auth`; several under `/auth/{platform}`
/// (`/auth/fc`, `/auth/fcplus`, `/auth/proconnect`), as
/// [`AuthRoutes::federation`] does. The application is registered at
/// `http://localhost:{port}` (browse it there: the login cookie is the
/// host's). Keep the value alive as long as the application runs: dropping
/// it does not stop the providers, [`EmbeddedMock::shutdown`] does.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use franceconnect_tower::Platform;
/// use franceconnect_tower::mock::EmbeddedMock;
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
/// let mock = EmbeddedMock::start(listener.local_addr()?, &[Platform::FranceConnect, Platform::ProConnect]).await?;
/// let routes = mock.routes(); // mount them with your adapter, then serve `listener`
/// # let _ = routes; Ok(()) }
/// ```
pub struct EmbeddedMock {
    federation: FederationHandle,
    routes: AuthRoutes,
    app_url: String,
}

/// How to start an [`EmbeddedMock`]: [`EmbeddedMock::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct EmbeddedMockBuilder {
    app: SocketAddr,
    platforms: Vec<Platform>,
    service_keys: Option<ServiceKeys>,
    encrypted_tokens: bool,
    unsigned_userinfo: bool,
    private_key_jwt: bool,
    per_platform: bool,
    keys_from_app: bool,
    app_url: Option<String>,
}

/// Why the mock providers could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbeddedMockError {
    /// No platform was named, or one twice.
    #[error("the embedded mock needs each platform once, at least one")]
    Platforms,
    /// The mock could not start (its port, its keys).
    #[error("the embedded mock providers could not start: {0}")]
    Mock(#[from] franceconnect_mock::MockError),
    /// The application's configuration for them was refused.
    #[error("the configuration for the embedded mock was refused: {0}")]
    Config(#[from] ConfigError),
    /// The service's keys could not be generated.
    #[error("the service's keys could not be generated: {0}")]
    Keys(String),
}

impl EmbeddedMock {
    /// Starts the providers of `platforms` for an application listening on
    /// `app`, with the defaults: keys generated for this run where tokens
    /// are encrypted (FranceConnect+), signed userinfo, ProConnect's and
    /// FranceConnect's default scopes.
    pub async fn start(app: SocketAddr, platforms: &[Platform]) -> Result<Self, EmbeddedMockError> {
        Self::builder(app).platforms(platforms).start().await
    }

    /// A builder, to adjust the defaults.
    pub fn builder(app: SocketAddr) -> EmbeddedMockBuilder {
        EmbeddedMockBuilder {
            app,
            platforms: vec![Platform::FranceConnect],
            service_keys: None,
            encrypted_tokens: false,
            unsigned_userinfo: false,
            private_key_jwt: false,
            per_platform: false,
            keys_from_app: false,
            app_url: None,
        }
    }

    /// The application's routes, configured for the providers.
    pub fn routes(&self) -> AuthRoutes {
        self.routes.clone()
    }

    /// The provider of `platform`, to drive in tests (choose the person,
    /// make it fail, count requests…).
    pub fn provider(&self, platform: Platform) -> Option<&MockHandle> {
        self.federation.handle(mock_platform(platform))
    }

    /// The issuer of `platform`'s provider.
    pub fn issuer(&self, platform: Platform) -> Option<String> {
        self.provider(platform).map(MockHandle::issuer)
    }

    /// The application's URL the providers know (`http://localhost:{port}`).
    pub fn app_url(&self) -> &str {
        &self.app_url
    }

    /// Stops the providers.
    pub async fn shutdown(self) {
        self.federation.shutdown().await;
    }
}

impl EmbeddedMockBuilder {
    /// The platforms, in the order of the routes (FranceConnect alone by
    /// default).
    pub fn platforms(mut self, platforms: &[Platform]) -> Self {
        self.platforms = platforms.to_vec();
        self
    }

    /// The service's keys (generated for this run when tokens are
    /// encrypted and none are given).
    pub fn service_keys(mut self, keys: ServiceKeys) -> Self {
        self.service_keys = Some(keys);
        self
    }

    /// FranceConnect encrypts its tokens too, as a registration may ask
    /// (FranceConnect+ always does).
    pub fn encrypted_tokens(mut self, yes: bool) -> Self {
        self.encrypted_tokens = yes;
        self
    }

    /// ProConnect answers userinfo as plain JSON, as a registration may
    /// (`FC_UNSIGNED_USERINFO`).
    pub fn unsigned_userinfo(mut self, yes: bool) -> Self {
        self.unsigned_userinfo = yes;
        self
    }

    /// The application authenticates at the token endpoint with a signed
    /// assertion (`private_key_jwt`) made with the service keys' signing key,
    /// which [`service_keys`](Self::service_keys) must then hold.
    pub fn private_key_jwt(mut self, yes: bool) -> Self {
        self.private_key_jwt = yes;
        self
    }

    /// The application's public URL, when it is not `http://localhost:{port}`
    /// (behind a proxy, a test host name); no trailing slash needed.
    pub fn app_url(mut self, url: impl Into<String>) -> Self {
        self.app_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Each platform under `/auth/{platform}` even when there is one, as
    /// `FC_PLATFORMS` listing one platform serves it.
    pub fn routes_per_platform(mut self, yes: bool) -> Self {
        self.per_platform = yes;
        self
    }

    /// The providers fetch the service's public keys from the application
    /// (`/auth/jwks` on the loopback port it listens on), as the platforms
    /// do, instead of being given them at start: key rotation then works as
    /// in production. The application must serve its routes by then.
    pub fn keys_fetched_from_the_app(mut self, yes: bool) -> Self {
        self.keys_from_app = yes;
        self
    }

    /// Starts the providers on a loopback port and configures the routes.
    pub async fn start(self) -> Result<EmbeddedMock, EmbeddedMockError> {
        let platforms = self.platforms;
        let distinct = platforms.iter().enumerate().all(|(i, p)| !platforms[..i].contains(p));
        if platforms.is_empty() || !distinct {
            return Err(EmbeddedMockError::Platforms);
        }
        let encrypts = |p: Platform| p.encrypts() || (p == Platform::FranceConnect && self.encrypted_tokens);
        let keys = match self.service_keys {
            Some(keys) => Some(keys),
            None if self.private_key_jwt => {
                return Err(EmbeddedMockError::Keys(
                    "private_key_jwt needs the service keys (with a signing key)".into(),
                ));
            }
            None if platforms.iter().any(|p| encrypts(*p)) => {
                Some(ServiceKeys::generate(EncryptionAlg::EcdhEs).map_err(|e| EmbeddedMockError::Keys(e.to_string()))?)
            }
            None => None,
        };
        let app_url = self
            .app_url
            .clone()
            .unwrap_or_else(|| format!("http://localhost:{}", self.app.port()));
        let several = platforms.len() > 1 || self.per_platform;
        let at = |p: Platform| {
            if several {
                format!("{app_url}/auth/{}", p.setting())
            } else {
                format!("{app_url}/auth")
            }
        };
        let mut mocks = MockFederation::new().bind("127.0.0.1:0");
        for &platform in &platforms {
            let mut client = Client::new(
                MOCK_CLIENT_ID,
                MOCK_CLIENT_SECRET,
                format!("{}/callback", at(platform)),
                format!("{}/logout/callback", at(platform)),
            );
            let public_keys = |keys: &ServiceKeys| -> Result<ClientKeys, EmbeddedMockError> {
                if !self.keys_from_app {
                    return Ok(ClientKeys::Inline(keys.public_jwks()));
                }
                let jwks = format!("http://127.0.0.1:{}/auth/jwks", self.app.port());
                url::Url::parse(&jwks)
                    .map(ClientKeys::JwksUri)
                    .map_err(|e| EmbeddedMockError::Keys(e.to_string()))
            };
            if let Some(keys) = keys.as_ref().filter(|_| encrypts(platform)) {
                client = client.encryption(mock_encryption_alg(keys), public_keys(keys)?);
            }
            if self.private_key_jwt {
                let keys = keys.as_ref().ok_or_else(|| {
                    EmbeddedMockError::Keys("private_key_jwt needs the service keys' signing key".into())
                })?;
                client = client.private_key_jwt(public_keys(keys)?);
            }
            if self.unsigned_userinfo && platform == Platform::ProConnect {
                client = client.userinfo_unsigned();
            }
            mocks = mocks.platform(MockProvider::new(mock_platform(platform)).client(client));
        }
        let federation = mocks.start().await?;
        let mut engines = Vec::with_capacity(platforms.len());
        for &platform in &platforms {
            let issuer = federation
                .handle(mock_platform(platform))
                .map(MockHandle::issuer)
                .ok_or(EmbeddedMockError::Platforms)?;
            let issuer = url::Url::parse(&issuer).map_err(|e| ConfigError::new(format!("the mock's issuer: {e}")))?;
            let mut builder = Config::builder(platform, Environment::Custom(issuer))
                .client_id(MOCK_CLIENT_ID)
                .client_secret(MOCK_CLIENT_SECRET)
                .redirect_uri(format!("{}/callback", at(platform)))
                .post_logout_redirect_uri(format!("{}/logout/callback", at(platform)))
                .encrypted_tokens(encrypts(platform))
                .unsigned_userinfo(self.unsigned_userinfo && platform == Platform::ProConnect);
            if self.private_key_jwt {
                builder = builder.token_endpoint_auth(crate::TokenEndpointAuth::PrivateKeyJwt);
            }
            if let Some(keys) = &keys {
                builder = builder.service_keys(keys.clone());
            }
            engines.push(FranceConnect::new(builder.build()?));
        }
        let routes = if several {
            AuthRoutes::federation(engines)?
        } else {
            AuthRoutes::new(engines.remove(0))
        };
        Ok(EmbeddedMock {
            federation,
            routes,
            app_url,
        })
    }
}

/// The mock's name for a platform.
pub(crate) fn mock_platform(platform: Platform) -> franceconnect_mock::Platform {
    match platform {
        Platform::FranceConnect => franceconnect_mock::Platform::FranceConnect,
        Platform::FranceConnectPlus => franceconnect_mock::Platform::FranceConnectPlus,
        Platform::ProConnect => franceconnect_mock::Platform::ProConnect,
    }
}

/// The mock's name for the algorithm of the service's first encryption key.
fn mock_encryption_alg(keys: &ServiceKeys) -> franceconnect_mock::EncryptionAlg {
    match keys.algorithms().first() {
        Some(EncryptionAlg::RsaOaep) => franceconnect_mock::EncryptionAlg::RsaOaep,
        Some(EncryptionAlg::RsaOaep256) => franceconnect_mock::EncryptionAlg::RsaOaep256,
        _ => franceconnect_mock::EncryptionAlg::EcdhEs,
    }
}

#[cfg(test)]
mod tests;
