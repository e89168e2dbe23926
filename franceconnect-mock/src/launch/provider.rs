//! [`MockProvider`]: configuring and starting the mock.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use crate::agents::Agent;
use crate::config::BASE_PATH;
use crate::config::{Client, EncryptionAlg, Platform, SigningAlg};
use crate::data_provider::DataProvider;
use crate::error::MockError;
use crate::identities::Identity;
use crate::jose::keys::{self, CLIENT_JWKS_CONNECT_TIMEOUT, CLIENT_JWKS_TIMEOUT, KeyRing, RsaUse, SigningKeys};
use crate::launch::listener;
use crate::launch::mock_handle::MockHandle;
use crate::router;
use crate::scenarios::{Counters, Scenarios};
use crate::state::lifetimes::default_code_lifetime;
use crate::state::shared::Shared;
use crate::state::store::Store;

/// Builder of a mock FranceConnect / FranceConnect+ / ProConnect provider.
///
/// ```no_run
/// # async fn demo() -> Result<(), franceconnect_mock::MockError> {
/// use franceconnect_mock::{Client, MockProvider, Platform};
/// let mock = MockProvider::new(Platform::FranceConnect)
///     .client(Client::new("my-app", "my-secret", "http://localhost:3000/auth/callback", "http://localhost:3000/auth/logout/callback"))
///     .start()
///     .await?;
/// println!("issuer: {}", mock.issuer());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockProvider {
    platform: Platform,
    clients: Vec<Client>,
    data_providers: Vec<DataProvider>,
    identities: Vec<Identity>,
    agents: Vec<Agent>,
    bind: String,
    public_base_url: Option<String>,
    code_lifetime: Duration,
    all_signing_keys: bool,
}

impl MockProvider {
    /// A provider imitating `platform`, with the default identities (and
    /// agents, for ProConnect), no client yet, listening on `127.0.0.1:0`
    /// (a free port).
    pub fn new(platform: Platform) -> Self {
        MockProvider {
            platform,
            clients: Vec::new(),
            data_providers: Vec::new(),
            identities: Identity::defaults(),
            agents: Agent::defaults(),
            bind: "127.0.0.1:0".into(),
            public_base_url: None,
            code_lifetime: default_code_lifetime(platform),
            all_signing_keys: false,
        }
    }

    /// Registers a client (service provider).
    pub fn client(mut self, client: Client) -> Self {
        self.clients.push(client);
        self
    }

    /// Registers a data provider (FranceConnect, FranceConnect+: it calls
    /// `POST /checktoken`) or a resource server (ProConnect: it calls
    /// `POST /token/introspection`).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), franceconnect_mock::MockError> {
    /// use franceconnect_mock::{Client, DataProvider, MockProvider, Platform};
    /// let mock = MockProvider::new(Platform::FranceConnect)
    ///     .client(Client::new("app", "secret", "http://localhost:3000/auth/callback", "http://localhost:3000/auth/logout/callback"))
    ///     .data_provider(DataProvider::new("api", "api-secret").scopes(["dgfip_rfr"]))
    ///     .start()
    ///     .await?;
    /// // The key the mock generated for it, to decrypt its answers with.
    /// let private_jwks = mock.data_provider_private_jwks("api").expect("generated");
    /// # let _ = private_jwks; Ok(()) }
    /// ```
    pub fn data_provider(mut self, data_provider: DataProvider) -> Self {
        self.data_providers.push(data_provider);
        self
    }

    /// Replaces the identities (the first one is the default person).
    pub fn identities(mut self, identities: Vec<Identity>) -> Self {
        self.identities = identities;
        self
    }

    /// Replaces the identities with those of a JSON file.
    pub fn identities_file(self, path: impl AsRef<Path>) -> Result<Self, MockError> {
        Ok(self.identities(Identity::load_file(path)?))
    }

    /// Replaces the ProConnect agents (the first one is the default agent).
    pub fn agents(mut self, agents: Vec<Agent>) -> Self {
        self.agents = agents;
        self
    }

    /// Replaces the ProConnect agents with those of a JSON file.
    pub fn agents_file(self, path: impl AsRef<Path>) -> Result<Self, MockError> {
        Ok(self.agents(Agent::load_file(path)?))
    }

    /// The address to listen on, e.g. `"127.0.0.1:4000"` (default
    /// `"127.0.0.1:0"`).
    pub fn bind(mut self, addr: impl Into<String>) -> Self {
        self.bind = addr.into();
        self
    }

    /// The origin the issuer is built from, e.g. `"http://localhost:4000"`,
    /// when the mock is reached through another name than its bound address
    /// (default: `http://{bound address}`, `127.0.0.1` for an unspecified IP).
    pub fn public_base_url(mut self, url: impl Into<String>) -> Self {
        self.public_base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Lifetime of authorization codes (30 s on FranceConnect(+), 60 s on
    /// ProConnect); shorten it in tests of code expiry.
    pub fn code_lifetime(mut self, lifetime: Duration) -> Self {
        self.code_lifetime = lifetime;
        self
    }

    /// Whether the provider has, and publishes at `/jwks`, a key for each
    /// algorithm its platform signs with (ES256 and RS256 on FranceConnect
    /// and ProConnect, ES256 on FranceConnect+), as the real platform's
    /// JWKS does, even when nothing registered signs with RS256. Off by
    /// default: the RS256 key is then made only when a registered client
    /// or data provider signs with RS256, because a 2048-bit RSA key takes
    /// a tenth of a second or more to generate, which a test starting the
    /// mock would wait for (it is generated once per process, and shared
    /// by the mocks of the process under their own kids). The
    /// `franceconnect-mock` binary turns it on.
    pub fn all_signing_keys(mut self, yes: bool) -> Self {
        self.all_signing_keys = yes;
        self
    }

    /// The platform imitated.
    pub(crate) fn imitated(&self) -> Platform {
        self.platform
    }

    /// Binds, makes the signing keys and serves in a background task.
    pub async fn start(self) -> Result<MockHandle, MockError> {
        let bind = self.bind.clone();
        let public_base_url = self.public_base_url.clone();
        let prepared = self.prepare().await?;
        let (listener, addr) = listener::bind(&bind).await?;
        // Alone, the provider sits at the origin's root, as the real
        // platforms do: issuer `{origin}/api/v2`.
        let shared = prepared.into_shared(&listener::origin(addr, public_base_url), "");
        let server = listener::serve(listener, addr, router::router(shared.clone()));
        tracing::info!(issuer = %shared.issuer, platform = shared.platform.display_name(), "mock provider started");
        Ok(MockHandle::new(shared, Arc::new(server)))
    }

    /// Checks the configuration and generates the signing keys: all of
    /// starting but the listener, which a federation shares.
    pub(crate) async fn prepare(self) -> Result<Prepared, MockError> {
        if self.clients.is_empty() {
            return Err(MockError::Config("no client registered".into()));
        }
        let mut clients = HashMap::new();
        for client in self.clients {
            client.validate(self.platform).map_err(MockError::Config)?;
            if clients.contains_key(&client.client_id) {
                return Err(MockError::Config(format!(
                    "client `{}` registered twice",
                    client.client_id
                )));
            }
            clients.insert(client.client_id.clone(), client);
        }
        let mut data_providers = HashMap::new();
        for dp in self.data_providers {
            dp.validate(self.platform).map_err(MockError::Config)?;
            if clients.contains_key(&dp.client_id) || data_providers.contains_key(&dp.client_id) {
                return Err(MockError::Config(format!(
                    "client id `{}` registered twice",
                    dp.client_id
                )));
            }
            data_providers.insert(dp.client_id.clone(), dp);
        }
        if self.identities.is_empty() {
            return Err(MockError::Identities("the identity list is empty".into()));
        }
        if self.agents.is_empty() {
            return Err(MockError::Identities("the agent list is empty".into()));
        }
        let platform = self.platform;
        // The RS256 key only when something signs with it (or asked for):
        // see `all_signing_keys`.
        let rs256 = self.all_signing_keys
            || clients.values().any(|client| client.signing_alg == SigningAlg::RS256)
            || data_providers.values().any(|dp| dp.signing_alg == SigningAlg::RS256);
        let keys = if rs256 && !keys::rsa_pooled(RsaUse::ProviderSigning) {
            // The first RS256 mock of the process generates the key, off
            // the runtime's threads.
            tokio::task::spawn_blocking(move || SigningKeys::at_start(platform, rs256))
                .await
                .map_err(|e| MockError::Keys(e.to_string()))?
        } else {
            SigningKeys::at_start(platform, rs256)
        }
        .map_err(|e| MockError::Keys(e.to_string()))?;
        // ProConnect's resource servers need no encryption key.
        let to_generate: Vec<(String, EncryptionAlg)> = data_providers
            .values()
            .filter(|dp| dp.keys.is_none() && platform != Platform::ProConnect)
            .map(|dp| (dp.client_id.clone(), dp.encryption_alg))
            .collect();
        // P-256 keys are quick to make; RSA ones are made off the
        // runtime's threads.
        let quick = to_generate.iter().all(|(_, alg)| *alg == EncryptionAlg::EcdhEs);
        let generate = move || {
            to_generate
                .into_iter()
                .map(|(id, alg)| keys::generate_encryption_key(alg).map(|key| (id, key)))
                .collect::<Result<HashMap<_, _>, _>>()
        };
        let data_provider_keys = if quick {
            generate()
        } else {
            tokio::task::spawn_blocking(generate)
                .await
                .map_err(|e| MockError::Keys(e.to_string()))?
        }
        .map_err(|e| MockError::Keys(e.to_string()))?;
        let http = reqwest::Client::builder()
            .timeout(CLIENT_JWKS_TIMEOUT)
            .connect_timeout(CLIENT_JWKS_CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| MockError::Config(format!("HTTP client: {e}")))?;
        Ok(Prepared {
            platform,
            clients,
            data_providers,
            data_provider_keys,
            identities: self.identities,
            agents: self.agents,
            keys,
            code_lifetime: self.code_lifetime,
            http,
        })
    }
}

/// A provider checked and with its keys, waiting for its issuer (known
/// once the listener is bound).
pub(crate) struct Prepared {
    platform: Platform,
    clients: HashMap<String, Client>,
    data_providers: HashMap<String, DataProvider>,
    data_provider_keys: HashMap<String, josekit::jwk::Jwk>,
    identities: Vec<Identity>,
    agents: Vec<Agent>,
    keys: SigningKeys,
    code_lifetime: Duration,
    http: reqwest::Client,
}

impl Prepared {
    /// The platform imitated.
    pub(crate) fn platform(&self) -> Platform {
        self.platform
    }

    /// The handlers' state, for a provider served under `prefix` of
    /// `origin` (`""` alone, `/fc` and the like in a federation): issuer
    /// `{origin}{prefix}/api/v2`.
    pub(crate) fn into_shared(self, origin: &str, prefix: &str) -> Arc<Shared> {
        let base_path = format!("{prefix}{BASE_PATH}");
        Arc::new(Shared {
            platform: self.platform,
            issuer: format!("{origin}{base_path}"),
            base_path,
            cookie_path: if prefix.is_empty() {
                "/".to_owned()
            } else {
                prefix.to_owned()
            },
            clients: self.clients,
            data_providers: self.data_providers,
            data_provider_keys: self.data_provider_keys,
            identities: RwLock::new(self.identities),
            agents: RwLock::new(self.agents),
            keys: RwLock::new(KeyRing {
                current: self.keys,
                retired: Vec::new(),
            }),
            store: Mutex::new(Store::default()),
            scenarios: Mutex::new(Scenarios::default()),
            counters: Counters::default(),
            code_lifetime: self.code_lifetime,
            http: self.http,
        })
    }
}
