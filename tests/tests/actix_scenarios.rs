//! The shared scenario suite against the actix-web quickstart.

use franceconnect_tests::scenarios::{AppUnderTest, Starter};
use quickstart_support::Settings;

struct Actix;

impl Starter for Actix {
    async fn start(&self, vars: Vec<(&'static str, String)>) -> AppUnderTest {
        // A free port unless the caller chose one (later pairs win).
        let mut pairs = vec![("BIND".to_owned(), "127.0.0.1:0".to_owned())];
        pairs.extend(vars.into_iter().map(|(k, v)| (k.to_owned(), v)));
        let running = actix_quickstart::start(&Settings::from_pairs(pairs))
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

franceconnect_tests::redis_suite!(Actix);
franceconnect_tests::scenario_suite!(Actix);
