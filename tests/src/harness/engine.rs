//! The engine paired with the mock provider, driven headlessly.

use franceconnect_mock::{Client, ClientKeys, MockHandle, MockProvider};
use franceconnect_tower::{
    CallbackParams, Config, EncryptionAlg, Environment, Error, FranceConnect, LoginOptions, Platform, ServiceKeys,
    SignedInUser,
};
use url::Url;

/// The client id registered with the mock.
pub const CLIENT_ID: &str = "e2e-client";
/// The client secret registered with the mock.
pub const CLIENT_SECRET: &str = "e2e-client-secret";
/// The callback URL registered with the mock.
pub const REDIRECT_URI: &str = "http://127.0.0.1:3000/auth/callback";
/// The post-logout URL registered with the mock.
pub const POST_LOGOUT_URI: &str = "http://127.0.0.1:3000/auth/logout/callback";

/// A mock provider and an engine configured for it.
pub struct Pair {
    /// The mock provider.
    pub mock: MockHandle,
    /// The engine.
    pub fc: FranceConnect,
    /// The service keys (when tokens are encrypted).
    pub keys: Option<ServiceKeys>,
}

/// Starts the mock for `platform` (encrypting with `alg` when given — on
/// FranceConnect too, as for a service registered with encryption — to an
/// inline copy of the service's public keys) and an engine for it.
pub async fn pair(platform: Platform, alg: Option<EncryptionAlg>) -> Pair {
    pair_with(platform, alg, |b| b).await
}

/// Like [`pair`], letting the caller adjust the engine's configuration.
pub async fn pair_with(
    platform: Platform,
    alg: Option<EncryptionAlg>,
    adjust: impl FnOnce(franceconnect_tower::ConfigBuilder) -> franceconnect_tower::ConfigBuilder,
) -> Pair {
    pair_with_client(platform, alg, |c| c, adjust).await
}

/// Like [`pair_with`], letting the caller adjust the mock's registration
/// of the client too.
pub async fn pair_with_client(
    platform: Platform,
    alg: Option<EncryptionAlg>,
    register: impl FnOnce(Client) -> Client,
    adjust: impl FnOnce(franceconnect_tower::ConfigBuilder) -> franceconnect_tower::ConfigBuilder,
) -> Pair {
    let keys = alg.map(|a| ServiceKeys::generate(a).expect("key generation"));
    let mut client = Client::new(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_URI);
    if let (Some(keys), Some(alg)) = (&keys, alg) {
        client = client.encryption(mock_alg(alg), ClientKeys::Inline(keys.public_jwks()));
    }
    let mock = MockProvider::new(mock_platform(platform))
        .client(register(client))
        .start()
        .await
        .expect("the mock starts");
    let mut builder = Config::builder(platform, Environment::Custom(Url::parse(&mock.issuer()).unwrap()))
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .redirect_uri(REDIRECT_URI)
        .post_logout_redirect_uri(POST_LOGOUT_URI);
    if let Some(k) = &keys {
        builder = builder.service_keys(k.clone()).encrypted_tokens(true);
    }
    let fc = FranceConnect::new(adjust(builder).build().expect("a valid configuration"));
    Pair { mock, fc, keys }
}

/// The mock's name for a platform.
pub fn mock_platform(platform: Platform) -> franceconnect_mock::Platform {
    match platform {
        Platform::FranceConnect => franceconnect_mock::Platform::FranceConnect,
        Platform::FranceConnectPlus => franceconnect_mock::Platform::FranceConnectPlus,
        Platform::ProConnect => franceconnect_mock::Platform::ProConnect,
    }
}

/// The mock's name for an encryption algorithm.
pub fn mock_alg(alg: EncryptionAlg) -> franceconnect_mock::EncryptionAlg {
    match alg {
        EncryptionAlg::EcdhEs => franceconnect_mock::EncryptionAlg::EcdhEs,
        EncryptionAlg::RsaOaep => franceconnect_mock::EncryptionAlg::RsaOaep,
        EncryptionAlg::RsaOaep256 => franceconnect_mock::EncryptionAlg::RsaOaep256,
    }
}

/// A client that keeps nothing and follows no redirect, like a browser's
/// first hop.
pub fn no_redirect_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap()
}

/// Follows the authorization URL to the mock (which must be set to
/// auto-approve or to answer with an error) and returns the callback's
/// query.
pub async fn authorize(url: &Url) -> CallbackParams {
    let resp = no_redirect_client()
        .get(url.clone())
        .send()
        .await
        .expect("the mock answers");
    assert!(
        resp.status().is_redirection(),
        "the mock should redirect, got {}",
        resp.status()
    );
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT_URI), "redirected to {location}");
    CallbackParams::from_query(Url::parse(&location).unwrap().query().unwrap_or_default())
}

/// A whole headless login: begin, authorize at the mock, complete.
pub async fn login(pair: &Pair, options: LoginOptions) -> Result<SignedInUser, Error> {
    let (url, pending) = pair.fc.begin_login(options).await?;
    let callback = authorize(&url).await;
    pair.fc.complete_login(&callback, &pending).await
}
