//! How long the mock takes to start inside a test process, and a sign-in on
//! it (issue 31 §3): what a user's integration test pays for the provider.
//! Meant for a debug build, as `cargo test` builds:
//!
//! ```sh
//! cargo run -p franceconnect-mock --example start_time -- 20
//! ```
//!
//! Each measurement runs in a fresh child process (the example runs itself
//! again), so that "first" is the first mock of a process, as in a test run
//! by nextest (one process per test), and "later" the following ones in the
//! same process, as `cargo test` runs several tests, or a test starts
//! several mocks. The times are wall-clock, on a multi-threaded tokio
//! runtime like `#[tokio::test(flavor = "multi_thread")]`'s. Each start is
//! followed by the mock's shutdown, counted in.
//!
//! `fc`, `fcplus`, `proconnect`: one provider whose client signs with ES256
//! (encrypting to a P-256 key on FranceConnect+); `fc-rs256`: its client
//! signs with RS256; `federation`: the three together; `sign-in`: `fc` and
//! a client's HTTP requests of a sign-in (discovery, authorize with the
//! person approved at once, token, JWKS, userinfo); `parts`: what a start
//! is made of, each timed alone.

use std::process::Command;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use franceconnect_mock::{
    Agent, Client, ClientKeys, EncryptionAlg, Identity, MockFederation, MockHandle, MockProvider, Platform, SigningAlg,
};
use josekit::jwk::Jwk;
use josekit::jwk::alg::ec::EcCurve;

const CALLBACK: &str = "http://127.0.0.1:1/callback";
const LOGOUT: &str = "http://127.0.0.1:1/logged-out";

/// What a child process measures.
const SCENARIOS: [&str; 7] = [
    "fc",
    "fc-rs256",
    "fcplus",
    "proconnect",
    "federation",
    "sign-in",
    "parts",
];

fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("--one") => {
            let scenario = args.next().expect("a scenario");
            let runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(10);
            run_one(&scenario, runs);
        }
        runs => {
            let runs = runs.and_then(|n| n.parse::<usize>().ok()).unwrap_or(10);
            let me = std::env::current_exe().expect("the example's path");
            for scenario in SCENARIOS {
                let status = Command::new(&me)
                    .args(["--one", scenario, &runs.to_string()])
                    .status()
                    .expect("the example runs itself");
                assert!(status.success(), "{scenario} failed");
            }
        }
    }
}

/// Measures `scenario` `runs` times in this process and prints the times.
fn run_one(scenario: &str, runs: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if scenario == "parts" {
        return parts(runs);
    }
    LazyLock::force(&CLIENT_JWKS);
    let times: Vec<Duration> = (0..runs)
        .map(|_| {
            runtime.block_on(async {
                let begin = Instant::now();
                match scenario {
                    "fc" => lone(Platform::FranceConnect).await.shutdown().await,
                    "fc-rs256" => {
                        MockProvider::new(Platform::FranceConnect)
                            .client(client(Platform::FranceConnect).signing_alg(SigningAlg::RS256))
                            .start()
                            .await
                            .unwrap()
                            .shutdown()
                            .await
                    }
                    "fcplus" => lone(Platform::FranceConnectPlus).await.shutdown().await,
                    "proconnect" => lone(Platform::ProConnect).await.shutdown().await,
                    "federation" => federation().await,
                    "sign-in" => {
                        let mock = lone(Platform::FranceConnect).await;
                        sign_in(&mock).await;
                        mock.shutdown().await;
                    }
                    other => panic!("unknown scenario {other}"),
                }
                begin.elapsed()
            })
        })
        .collect();
    report(scenario, &times);
}

/// Prints the first time and the later ones (median, min, max) of a list.
fn report(what: &str, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let first = times[0];
    let mut later: Vec<Duration> = times[1..].to_vec();
    later.sort();
    if later.is_empty() {
        println!("{what:<24} first {:>8.2} ms", ms(first));
        return;
    }
    let median = later[later.len() / 2];
    println!(
        "{what:<24} first {:>8.2} ms   later: median {:>7.2} ms, min {:>7.2}, max {:>7.2} ({} runs)   later/first {:.3}",
        ms(first),
        ms(median),
        ms(later[0]),
        ms(later[later.len() - 1]),
        later.len(),
        ms(median) / ms(first),
    );
}

/// The parts of a start, each timed alone `runs` times: key generation
/// (what the mock's keys cost to make with OpenSSL through josekit) and the
/// default people.
fn parts(runs: usize) {
    let time = |f: &dyn Fn()| -> Vec<Duration> {
        (0..runs)
            .map(|_| {
                let begin = Instant::now();
                f();
                begin.elapsed()
            })
            .collect()
    };
    report(
        "RSA-2048 key generation",
        &time(&|| drop(Jwk::generate_rsa_key(2048).unwrap())),
    );
    report(
        "P-256 key generation",
        &time(&|| drop(Jwk::generate_ec_key(EcCurve::P256).unwrap())),
    );
    report("default identities", &time(&|| drop(Identity::defaults())));
    report("default agents", &time(&|| drop(Agent::defaults())));
    report(
        "MockProvider::new (FC)",
        &time(&|| drop(MockProvider::new(Platform::FranceConnect))),
    );
}

/// The client's public encryption key (FranceConnect+), made once, before
/// any time is taken: the application's keys are not the mock's cost.
static CLIENT_JWKS: LazyLock<serde_json::Value> = LazyLock::new(|| {
    let key = Jwk::generate_ec_key(EcCurve::P256).unwrap().to_public_key().unwrap();
    serde_json::json!({ "keys": [serde_json::Value::Object(key.as_ref().clone())] })
});

/// The application registered with `platform`'s provider.
fn client(platform: Platform) -> Client {
    let client = Client::new("app", "app-secret", CALLBACK, LOGOUT);
    match platform {
        Platform::FranceConnectPlus => {
            client.encryption(EncryptionAlg::EcdhEs, ClientKeys::Inline(CLIENT_JWKS.clone()))
        }
        _ => client,
    }
}

async fn lone(platform: Platform) -> MockHandle {
    MockProvider::new(platform)
        .client(client(platform))
        .start()
        .await
        .unwrap()
}

async fn federation() {
    let mut federation = MockFederation::new();
    for platform in [
        Platform::FranceConnect,
        Platform::FranceConnectPlus,
        Platform::ProConnect,
    ] {
        federation = federation.platform(MockProvider::new(platform).client(client(platform)));
    }
    federation.start().await.unwrap().shutdown().await;
}

/// A headless sign-in on a FranceConnect mock, as a client does it over
/// HTTP: discovery, authorize (the person approved at once), the code
/// redeemed, the provider's keys fetched, userinfo.
async fn sign_in(mock: &MockHandle) {
    mock.auto_approve(Some("default"), None);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let issuer = mock.issuer();
    let get = |url: String| http.get(url).send();
    let discovery = get(format!("{issuer}/.well-known/openid-configuration")).await.unwrap();
    assert_eq!(discovery.status(), 200);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("response_type", "code"),
            ("client_id", "app"),
            ("redirect_uri", CALLBACK),
            ("scope", "openid given_name family_name birthdate"),
            ("acr_values", "eidas1"),
            ("nonce", "nonce-0123456789abcdefghijklmnop"),
            ("state", "state-0123456789abcdefghijklmnop"),
        ])
        .finish();
    let authorize = get(format!("{issuer}/authorize?{query}")).await.unwrap();
    assert_eq!(authorize.status(), 303);
    let location = url::Url::parse(authorize.headers()["location"].to_str().unwrap()).unwrap();
    let code = location
        .query_pairs()
        .find_map(|(name, value)| (name == "code").then(|| value.into_owned()))
        .expect("a code");
    let tokens = http
        .post(format!("{issuer}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", "app"),
            ("client_secret", "app-secret"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let tokens: serde_json::Value = serde_json::from_str(&tokens).unwrap();
    assert!(tokens["id_token"].is_string(), "{tokens}");
    let jwks = get(format!("{issuer}/jwks")).await.unwrap();
    assert_eq!(jwks.status(), 200);
    let userinfo = http
        .get(format!("{issuer}/userinfo"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(userinfo.status(), 200);
}
