//! The provider's JWKS and metadata caches, observed by counting the HTTP
//! requests a real local server receives.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use franceconnect_tower::{
    CallbackParams, Error, FranceConnect, JoseError, LoginOptions, NetworkErrorKind, Platform, SignedInUser,
};
use support::*;

fn hits(counter: &AtomicUsize) -> usize {
    counter.load(Ordering::SeqCst)
}

/// Begins a login and scripts its ID token and userinfo with `key`.
async fn scripted(
    fc: &FranceConnect,
    tp: &TestProvider,
    key: &SigningKey,
) -> (CallbackParams, franceconnect_tower::PendingLogin) {
    let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let nonce = query(&url)["nonce"].as_str().unwrap().to_owned();
    tp.with(|b| {
        b.id_token = Some(key.sign(&tp.id_claims(&nonce, "eidas1")));
        b.userinfo = Some(("application/jwt".into(), key.sign(&tp.userinfo_claims())));
    });
    let callback = callback_for("code", &pending, &tp.issuer);
    (callback, pending)
}

async fn login_signed_by(fc: &FranceConnect, tp: &TestProvider, key: &SigningKey) -> Result<SignedInUser, Error> {
    let (callback, pending) = scripted(fc, tp, key).await;
    fc.complete_login(&callback, &pending).await
}

#[tokio::test]
async fn concurrent_misses_share_one_jwks_fetch() {
    let tp = TestProvider::start().await;
    tp.with(|b| b.jwks_delay = Duration::from_millis(300));
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let (callback, pending) = scripted(&fc, &tp, &tp.key.clone()).await;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (fc, callback, pending) = (fc.clone(), callback.clone(), pending.clone());
            tokio::spawn(async move { fc.complete_login(&callback, &pending).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(hits(&tp.token_hits), 20);
    assert_eq!(hits(&tp.jwks_hits), 1, "twenty concurrent misses, one fetch");
    assert_eq!(hits(&tp.discovery_hits), 1);
}

#[tokio::test]
async fn unknown_kids_trigger_at_most_one_refetch_per_cooldown() {
    let tp = TestProvider::start().await;
    let fc = FranceConnect::new(
        tp.config(Platform::FranceConnect)
            .jwks_refetch_cooldown(Duration::from_millis(800))
            .build()
            .unwrap(),
    );
    login_signed_by(&fc, &tp, &tp.key.clone()).await.unwrap();
    assert_eq!(hits(&tp.jwks_hits), 1);
    for (i, expected_hits) in [(1, 2), (2, 2), (3, 2)] {
        let forged = SigningKey::es256(&format!("forged-{i}"));
        let e = login_signed_by(&fc, &tp, &forged).await.unwrap_err();
        assert_eq!(e, Error::Jose(JoseError::UnknownKey));
        assert_eq!(hits(&tp.jwks_hits), expected_hits, "forged kid #{i}");
    }
    tokio::time::sleep(Duration::from_millis(900)).await;
    let forged = SigningKey::es256("forged-after-cooldown");
    login_signed_by(&fc, &tp, &forged).await.unwrap_err();
    assert_eq!(hits(&tp.jwks_hits), 3, "one more refetch once the cooldown is over");
}

#[tokio::test]
async fn a_rotated_provider_key_is_picked_up_by_one_refetch() {
    let tp = TestProvider::start().await;
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    login_signed_by(&fc, &tp, &tp.key.clone()).await.unwrap();
    let rotated = SigningKey::es256("pkcs11:ES256:hsm:2");
    tp.with(|b| b.published = vec![rotated.public()]);
    login_signed_by(&fc, &tp, &rotated).await.unwrap();
    login_signed_by(&fc, &tp, &rotated).await.unwrap();
    assert_eq!(hits(&tp.jwks_hits), 2);
    // The old key is gone from the provider: its tokens no longer verify.
    let e = login_signed_by(&fc, &tp, &tp.key.clone()).await.unwrap_err();
    assert_eq!(e, Error::Jose(JoseError::UnknownKey));
}

#[tokio::test]
async fn a_failed_refetch_keeps_the_last_good_key_set() {
    let tp = TestProvider::start().await;
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    login_signed_by(&fc, &tp, &tp.key.clone()).await.unwrap();
    tp.with(|b| b.jwks_status = 503);
    let e = login_signed_by(&fc, &tp, &SigningKey::es256("unknown"))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        Error::Jose(JoseError::UnknownKey),
        "the stale set answers, not the outage"
    );
    assert_eq!(hits(&tp.jwks_hits), 2);
    login_signed_by(&fc, &tp, &tp.key.clone()).await.unwrap();
    assert_eq!(
        hits(&tp.jwks_hits),
        2,
        "the stale set is kept for a while, not re-fetched at once"
    );
}

#[tokio::test]
async fn the_jwks_lives_as_long_as_max_age_says() {
    let tp = TestProvider::start().await;
    tp.with(|b| b.jwks_max_age = Some(1));
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    login_signed_by(&fc, &tp, &tp.key.clone()).await.unwrap();
    login_signed_by(&fc, &tp, &tp.key.clone()).await.unwrap();
    assert_eq!(hits(&tp.jwks_hits), 1);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    login_signed_by(&fc, &tp, &tp.key.clone()).await.unwrap();
    assert_eq!(hits(&tp.jwks_hits), 2);
}

#[tokio::test]
async fn discovery_recovers_after_a_failure_and_is_cached() {
    let tp = TestProvider::start().await;
    tp.with(|b| b.discovery_failures_left = 1);
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let e = fc.begin_login(LoginOptions::default()).await.unwrap_err();
    assert!(
        matches!(e, Error::Network(ref n) if n.kind == NetworkErrorKind::Status(503)),
        "{e}"
    );
    // The failure is remembered for a moment: a provider that is down is
    // not asked again by every visitor.
    for _ in 0..20 {
        fc.begin_login(LoginOptions::default()).await.unwrap_err();
    }
    assert_eq!(hits(&tp.discovery_hits), 1, "one request while the failure stands");
    // The engine's failure backoff (2 s), and a margin.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    fc.begin_login(LoginOptions::default()).await.unwrap();
    fc.begin_login(LoginOptions::default()).await.unwrap();
    assert_eq!(hits(&tp.discovery_hits), 2);
}

#[tokio::test]
async fn discovery_for_another_issuer_is_refused() {
    let tp = TestProvider::start().await;
    tp.with(|b| b.discovery = Some(TestProvider::discovery_document("https://evil.example/api/v2")));
    let fc = FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let e = fc.begin_login(LoginOptions::default()).await.unwrap_err();
    assert!(matches!(e, Error::Discovery(_)), "{e}");
    assert!(e.is_retryable());
}

#[tokio::test]
async fn an_unreachable_provider_is_a_network_error() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fc = FranceConnect::new(
        franceconnect_tower::Config::builder(
            Platform::FranceConnect,
            franceconnect_tower::Environment::Custom(format!("http://127.0.0.1:{port}/api/v2").parse().unwrap()),
        )
        .client_id("c")
        .client_secret("s")
        .redirect_uri("http://localhost/cb")
        .post_logout_redirect_uri("http://localhost/out")
        .build()
        .unwrap(),
    );
    let e = fc.begin_login(LoginOptions::default()).await.unwrap_err();
    assert!(
        matches!(e, Error::Network(ref n) if n.kind == NetworkErrorKind::Connect),
        "{e}"
    );
}
