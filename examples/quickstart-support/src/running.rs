//! A running quickstart, whatever its framework: where it listens, its
//! provider, and a way to wait for it or stop it. Dropping it stops the
//! server (tests use that to take an instance down).

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use franceconnect_mock::MockHandle;
use franceconnect_tower::Platform;
use franceconnect_tower::mock::EmbeddedMock;

/// What a framework's server must offer.
pub trait Server: Send {
    /// Stops serving (without waiting).
    fn stop(&mut self);
    /// Waits until the server stops.
    fn wait(self: Box<Self>) -> Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;
}

/// A running quickstart.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its public URL.
    pub app_url: String,
    /// The platform it signs in with (the first, when it serves several).
    pub platform: Platform,
    /// Every platform it serves.
    pub platforms: Vec<Platform>,
    /// The embedded mock provider of [`Self::platform`], when it runs one.
    pub mock: Option<MockHandle>,
    /// The embedded mock of each platform, in [`Self::platforms`]' order.
    pub mocks: Vec<MockHandle>,
    // Declared before `server`: the mocks outlive nothing they serve.
    _embedded: Option<EmbeddedMock>,
    server: Option<Box<dyn Server>>,
}

impl Running {
    /// A quickstart prepared as `prepared` says (its routes already given to
    /// the framework), served by `server`.
    pub fn new(addr: SocketAddr, platforms: Vec<Platform>, prepared: crate::Prepared, server: Box<dyn Server>) -> Self {
        Self {
            addr,
            app_url: prepared.app_url,
            platform: platforms[0],
            platforms,
            mock: prepared.mocks.first().cloned(),
            mocks: prepared.mocks,
            _embedded: prepared.embedded,
            server: Some(server),
        }
    }

    /// The embedded mock of `platform`.
    pub fn mock_of(&self, platform: Platform) -> Option<&MockHandle> {
        let i = self.platforms.iter().position(|p| *p == platform)?;
        self.mocks.get(i)
    }

    /// Waits until the server stops (it does not, unless it fails).
    pub async fn wait(mut self) -> std::io::Result<()> {
        match self.server.take() {
            Some(server) => server.wait().await,
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(server) = self.server.as_mut() {
            server.stop();
        }
    }
}

/// The quickstart binaries' `main`: start from the environment (serving
/// the metrics on `METRICS_BIND` when it is set), say where to go, serve
/// until the end.
pub async fn run_main<F, Fut>(framework: &str, start: F)
where
    F: FnOnce(crate::Settings) -> Fut,
    Fut: Future<Output = Result<Running, String>>,
{
    crate::init_tracing();
    let settings = crate::Settings::from_env();
    // Before the app starts: its first requests to the provider are counted.
    let metrics = match crate::serve_metrics(&settings) {
        Ok(metrics) => metrics,
        Err(e) => {
            eprintln!("{framework}-quickstart: {e}");
            std::process::exit(1);
        }
    };
    let running = match start(settings).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("{framework}-quickstart: {e}");
            std::process::exit(1);
        }
    };
    if let Some(addr) = metrics {
        println!("Metrics (Prometheus): http://{addr}/metrics");
    }
    match &running.mock {
        Some(mock) => println!(
            "Embedded mock provider: {} (test identities, no real data)",
            mock.issuer()
        ),
        None => println!("Provider: configured by FC_ISSUER / FC_ENV"),
    }
    println!("FranceConnect quickstart ({framework}) ready: open {}", running.app_url);
    if let Err(e) = running.wait().await {
        eprintln!("{framework}-quickstart: {e}");
        std::process::exit(1);
    }
}
