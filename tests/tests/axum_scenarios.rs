//! The shared scenario suite against the axum quickstart.

use franceconnect_tests::scenarios::{AppUnderTest, Starter};
use quickstart_support::Settings;

struct Axum;

impl Starter for Axum {
    async fn start(&self, vars: Vec<(&'static str, String)>) -> AppUnderTest {
        // A free port unless the caller chose one (later pairs win).
        let mut pairs = vec![("BIND".to_owned(), "127.0.0.1:0".to_owned())];
        pairs.extend(vars.into_iter().map(|(k, v)| (k.to_owned(), v)));
        let running = axum_quickstart::start(&Settings::from_pairs(pairs))
            .await
            .expect("the quickstart starts");
        AppUnderTest {
            base: running.app_url.clone(),
            local: format!("http://localhost:{}", running.addr.port()),
            embedded_mock: running.mock.clone(),
            platform: running.platform,
            keep_alive: Box::new(running),
        }
    }
}

franceconnect_tests::redis_suite!(Axum);
franceconnect_tests::scenario_suite!(Axum);
