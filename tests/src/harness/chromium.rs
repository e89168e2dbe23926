//! Debian's Chromium, headless, driven through ChromeDriver (WebDriver) by
//! `fantoccini`. Each [`Chromium`] runs its own ChromeDriver on a free
//! loopback port with a fresh profile, and saves screenshots of each step
//! of a journey so that a failure can be seen.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::process::Process;

/// A headless Chromium session.
pub struct Chromium {
    /// The WebDriver client.
    pub client: Client,
    /// ChromeDriver, killed when the session is dropped (a failed
    /// assertion skips [`close`](Self::close)).
    driver: Process,
    profile: PathBuf,
    screenshots: PathBuf,
    step: usize,
}

/// Where ChromeDriver is: `CHROMEDRIVER`, or Debian's path.
fn chromedriver_path() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into())
}

impl Chromium {
    /// Starts ChromeDriver and a headless Chromium; screenshots go to
    /// `screenshots` (created, emptied).
    pub async fn start(screenshots: &Path) -> Self {
        let port = super::free_port();
        // Ready once a session opens, below.
        let driver = Process::new("ChromeDriver", move || {
            let mut command = Command::new(chromedriver_path());
            command
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            command
        })
        .missing_hint("run ./scripts/test.sh, which installs Chromium and ChromeDriver")
        .start();
        let profile = std::env::temp_dir().join(format!("fc-chromium-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(screenshots);
        std::fs::create_dir_all(screenshots).expect("the screenshot directory");
        // Without the network-related flags, Chromium keeps trying to reach
        // Google's services, which a closed network refuses.
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1200,900".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), json!({ "args": args }));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            // ChromeDriver listens on loopback http: no TLS connector.
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => panic!("Chromium starts through ChromeDriver: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        Self {
            client,
            driver,
            profile,
            screenshots: screenshots.to_owned(),
            step: 0,
        }
    }

    /// Saves a screenshot of the current page as `NN-name.png`.
    pub async fn screenshot(&mut self, name: &str) {
        self.step += 1;
        let png = self.client.screenshot().await.expect("a screenshot");
        let path = self.screenshots.join(format!("{:02}-{name}.png", self.step));
        std::fs::write(&path, png).expect("the screenshot is written");
    }

    /// Opens a URL.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    /// Clicks the element `css` selects (waiting for it to appear).
    pub async fn click(&self, css: &str) {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        let element = match found {
            Ok(element) => element,
            Err(e) => panic!("{css} on {}: {e}", self.url().await),
        };
        element.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Waits until the current URL's path is `path` (or starts with it when
    /// it ends with `*`, ends with it when it starts with `*`), and returns
    /// the page's HTML.
    pub async fn wait_for_path(&self, path: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let url = self.url().await;
            let here = url.path();
            let arrived = match (path.strip_suffix('*'), path.strip_prefix('*')) {
                (Some(prefix), _) => here.starts_with(prefix),
                (None, Some(suffix)) => here.ends_with(suffix),
                (None, None) => here == path,
            };
            if arrived {
                // The navigation may still be committing: wait for the body.
                let _ = self.client.wait().for_element(Locator::Css("body")).await;
                return self.client.source().await.expect("the page source");
            }
            assert!(Instant::now() < deadline, "expected {path}, still on {url}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The current URL.
    pub async fn url(&self) -> url::Url {
        self.client.current_url().await.expect("the current URL")
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        let body = self.client.find(Locator::Css("body")).await.expect("a body");
        body.text().await.expect("the page text")
    }

    /// Ends the browser and the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.driver.stop();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
