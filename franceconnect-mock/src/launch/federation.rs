//! [`MockFederation`]: several platforms served by one process, on one
//! listener, each under its own prefix and so with its own issuer.

use std::sync::Arc;

use axum::Router;

use crate::config::Platform;
use crate::error::MockError;
use crate::launch::federation_handle::FederationHandle;
use crate::launch::listener;
use crate::launch::mock_handle::MockHandle;
use crate::launch::provider::MockProvider;
use crate::router;

/// Builder of a mock serving FranceConnect, FranceConnect+ and ProConnect
/// (any of them, each at most once) together on one address. Each platform
/// is mounted under its [short name](Platform::short_name), so its issuer is
/// `{origin}/fc/api/v2`, `{origin}/fcplus/api/v2` or
/// `{origin}/proconnect/api/v2`, and keeps everything a lone
/// [`MockProvider`] has: its clients, people, keys, stores, scenarios and
/// counters, reached through its own [`MockHandle`].
///
/// ```no_run
/// # async fn demo() -> Result<(), franceconnect_mock::MockError> {
/// use franceconnect_mock::{Client, MockFederation, MockProvider, Platform};
/// let client = Client::new("app", "secret", "http://localhost:3000/auth/callback", "http://localhost:3000/auth/logout/callback");
/// let mock = MockFederation::new()
///     .platform(MockProvider::new(Platform::FranceConnect).client(client.clone()))
///     .platform(MockProvider::new(Platform::ProConnect).client(client))
///     .start()
///     .await?;
/// let proconnect = mock.handle(Platform::ProConnect).expect("served");
/// println!("ProConnect issuer: {}", proconnect.issuer()); // http://127.0.0.1:…/proconnect/api/v2
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockFederation {
    providers: Vec<MockProvider>,
    bind: String,
    public_base_url: Option<String>,
}

impl Default for MockFederation {
    fn default() -> Self {
        Self::new()
    }
}

impl MockFederation {
    /// A federation with no platform yet, listening on `127.0.0.1:0` (a
    /// free port).
    pub fn new() -> Self {
        MockFederation {
            providers: Vec::new(),
            bind: "127.0.0.1:0".into(),
            public_base_url: None,
        }
    }

    /// Serves `provider`'s platform, configured as for a lone provider
    /// (clients, identities, agents, code lifetime). Its own
    /// [`bind`](MockProvider::bind) and
    /// [`public_base_url`](MockProvider::public_base_url) are not used:
    /// the federation's are.
    pub fn platform(mut self, provider: MockProvider) -> Self {
        self.providers.push(provider);
        self
    }

    /// The address to listen on, e.g. `"127.0.0.1:4000"` (default
    /// `"127.0.0.1:0"`).
    pub fn bind(mut self, addr: impl Into<String>) -> Self {
        self.bind = addr.into();
        self
    }

    /// The origin the issuers are built from, e.g. `"http://localhost:4000"`,
    /// when the mock is reached through another name than its bound address
    /// (default: `http://{bound address}`, `127.0.0.1` for an unspecified IP).
    pub fn public_base_url(mut self, url: impl Into<String>) -> Self {
        self.public_base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }

    /// Checks every platform, generates their keys, binds and serves them
    /// in a background task. Refused without a platform, or with one
    /// platform twice (their issuers would be the same).
    pub async fn start(self) -> Result<FederationHandle, MockError> {
        if self.providers.is_empty() {
            return Err(MockError::Config("no platform configured".into()));
        }
        let platforms: Vec<Platform> = self.providers.iter().map(MockProvider::imitated).collect();
        if let Some(twice) = platforms
            .iter()
            .enumerate()
            .find_map(|(i, platform)| platforms[..i].contains(platform).then_some(*platform))
        {
            return Err(MockError::Config(format!(
                "platform {} configured twice",
                twice.display_name()
            )));
        }
        // Each platform's keys are generated on its own blocking thread,
        // at the same time: RSA generation is the slow part of starting.
        let preparing: Vec<_> = self
            .providers
            .into_iter()
            .map(|provider| tokio::spawn(provider.prepare()))
            .collect();
        let mut prepared = Vec::with_capacity(preparing.len());
        for (task, platform) in preparing.into_iter().zip(&platforms) {
            let ready = task
                .await
                .map_err(|e| MockError::Keys(e.to_string()))?
                .map_err(|error| for_platform(*platform, error))?;
            prepared.push(ready);
        }
        let (listener, addr) = listener::bind(&self.bind).await?;
        let origin = listener::origin(addr, self.public_base_url);
        let mut app = Router::new();
        let mut shared = Vec::with_capacity(prepared.len());
        for ready in prepared {
            let prefix = format!("/{}", ready.platform().short_name());
            let state = ready.into_shared(&origin, &prefix);
            // Each router holds its routes under its own prefix, so they
            // never overlap.
            app = app.merge(router::router(state.clone()));
            shared.push(state);
        }
        let server = Arc::new(listener::serve(listener, addr, app));
        let handles: Vec<MockHandle> = shared
            .into_iter()
            .map(|state| {
                tracing::info!(issuer = %state.issuer, platform = state.platform.display_name(), "mock provider started");
                MockHandle::new(state, server.clone())
            })
            .collect();
        Ok(FederationHandle::new(handles, server))
    }
}

/// `error` with the name of the platform it concerns, which a lone
/// provider's message need not say.
fn for_platform(platform: Platform, error: MockError) -> MockError {
    let name = platform.display_name();
    match error {
        MockError::Config(message) => MockError::Config(format!("{name}: {message}")),
        MockError::Identities(message) => MockError::Identities(format!("{name}: {message}")),
        MockError::Keys(message) => MockError::Keys(format!("{name}: {message}")),
        bind @ MockError::Bind { .. } => bind,
    }
}
