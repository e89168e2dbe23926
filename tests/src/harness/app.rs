//! The app a scenario runs against: an [`AppUnderTest`] started by a
//! [`Starter`], such as a quickstart started in-process ([`Quickstart`]).

use std::future::Future;

use franceconnect_mock::MockHandle;
use franceconnect_tower::Platform;

/// An app started for a scenario.
pub struct AppUnderTest {
    /// Its base URL.
    pub base: String,
    /// Where the app itself listens (`http://localhost:port`), which differs
    /// from `base` when several instances share one public URL.
    pub local: String,
    /// The embedded mock provider, when the app started one.
    pub embedded_mock: Option<MockHandle>,
    /// Its platform (the first, when it serves several).
    pub platform: Platform,
    /// Every platform it serves, with its embedded mock.
    pub mocks: Vec<(Platform, MockHandle)>,
    /// Whatever must live as long as the app (server handles).
    pub keep_alive: Box<dyn std::any::Any + Send>,
}

impl AppUnderTest {
    /// The embedded mock provider.
    pub fn mock(&self) -> &MockHandle {
        self.embedded_mock.as_ref().expect("this app runs the embedded mock")
    }

    /// The embedded mock of `platform`, when the app serves several.
    pub fn mock_of(&self, platform: Platform) -> &MockHandle {
        self.mocks
            .iter()
            .find(|(p, _)| *p == platform)
            .map(|(_, m)| m)
            .expect("this app serves the platform on the embedded mock")
    }
}

/// Starts an app (a quickstart) on a free loopback port with its embedded
/// mock, given quickstart environment variables.
pub trait Starter {
    /// Starts the app.
    fn start(&self, vars: Vec<(&'static str, String)>) -> impl Future<Output = AppUnderTest>;
}

/// A quickstart started in-process through its `start` function, on a free
/// loopback port unless the scenario chooses `BIND`.
pub struct Quickstart<F>(pub F);

impl<F, Fut> Starter for Quickstart<F>
where
    F: Fn(quickstart_support::Settings) -> Fut,
    Fut: Future<Output = Result<quickstart_support::Running, String>>,
{
    async fn start(&self, vars: Vec<(&'static str, String)>) -> AppUnderTest {
        // Later pairs win: the scenario's own BIND, if any, overrides this one.
        let mut pairs = vec![("BIND".to_owned(), "127.0.0.1:0".to_owned())];
        pairs.extend(vars.into_iter().map(|(k, v)| (k.to_owned(), v)));
        let running = (self.0)(quickstart_support::Settings::from_pairs(pairs))
            .await
            .expect("the quickstart starts");
        AppUnderTest {
            base: running.app_url.clone(),
            local: format!("http://localhost:{}", running.addr.port()),
            embedded_mock: running.mock.clone(),
            platform: running.platform,
            mocks: running
                .platforms
                .iter()
                .copied()
                .zip(running.mocks.iter().cloned())
                .collect(),
            keep_alive: Box::new(running),
        }
    }
}
