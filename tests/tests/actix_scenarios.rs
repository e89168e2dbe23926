//! The shared scenario suite against the actix-web quickstart.

use franceconnect_tests::scenarios::{AppUnderTest, Starter};
use quickstart_support::Settings;

struct Actix;

impl Starter for Actix {
    async fn start(&self, vars: Vec<(&'static str, String)>) -> AppUnderTest {
        let mut pairs: Vec<(String, String)> = vars.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        pairs.push(("BIND".into(), "127.0.0.1:0".into()));
        let running = actix_quickstart::start(&Settings::from_pairs(pairs))
            .await
            .expect("the quickstart starts");
        AppUnderTest {
            base: running.app_url.clone(),
            mock: running.mock.clone().expect("the embedded mock"),
            platform: running.platform,
            keep_alive: Box::new(running),
        }
    }
}

franceconnect_tests::scenario_suite!(Actix);
