//! The `tracing` span of a resource server's token check
//! (`franceconnect.resource.check`), against the mock provider: one per
//! request, with its platform, outcome, source (cache or provider), reason
//! and error label; and neither it nor the engine's events carry the
//! token, whether live, made up or refused.
//!
//! A test binary of its own: it installs a subscriber for its thread.

use franceconnect_mock::{Client, DataProvider, MockProvider};
use franceconnect_tests::harness::spans::{Captured, Fields};
use franceconnect_tests::*;
use franceconnect_tower::resource::{ResourceConfig, ResourceServer};
use franceconnect_tower::{Config, Environment, FranceConnect, LoginOptions, Platform};
use tracing_subscriber::prelude::*;

#[tokio::test]
async fn each_check_has_a_span_with_its_outcome_and_no_token() {
    let captured = Captured::default();
    let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry().with(captured.clone()));
    let mock = MockProvider::new(franceconnect_mock::Platform::ProConnect)
        .client(Client::new(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, POST_LOGOUT_URI))
        .data_provider(DataProvider::new("api", "api-secret"))
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("agent-etat"), None);
    let issuer = url::Url::parse(&mock.issuer()).unwrap();
    let fc = FranceConnect::new(
        Config::builder(Platform::ProConnect, Environment::Custom(issuer.clone()))
            .client_id(CLIENT_ID)
            .client_secret(CLIENT_SECRET)
            .redirect_uri(REDIRECT_URI)
            .post_logout_redirect_uri(POST_LOGOUT_URI)
            .build()
            .unwrap(),
    );
    let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let user = fc.complete_login(&authorize(&url).await, &pending).await.unwrap();
    let token = user.access_token().unwrap().secret().to_owned();
    let api = ResourceServer::new(
        ResourceConfig::builder(Platform::ProConnect, Environment::Custom(issuer))
            .client_id("api")
            .client_secret("api-secret")
            .build()
            .unwrap(),
    );
    let live = format!("Bearer {token}");
    let made_up = "Bearer made-up-token-that-must-not-be-logged";
    api.authorize(Some(&live), &[]).await.unwrap();
    api.authorize(Some(&live), &[]).await.unwrap();
    api.authorize(Some(made_up), &[]).await.unwrap_err();
    api.authorize(None, &[]).await.unwrap_err();
    mock.shutdown().await;
    api.authorize(Some("Bearer while-the-provider-is-down-and-long-enough-to-ask"), &[])
        .await
        .unwrap_err();

    let spans = captured.spans.lock().unwrap().clone();
    let checks: Vec<&Fields> = spans
        .iter()
        .filter(|(n, _)| n == "franceconnect.resource.check")
        .map(|(_, f)| f)
        .collect();
    let field = |fields: &Fields, name: &str| fields.get(name).cloned().unwrap_or_default();
    let seen: Vec<(String, String)> = checks
        .iter()
        .map(|f| (field(f, "outcome"), field(f, "source")))
        .collect();
    let expected = [
        ("active", "provider"),
        ("active", "cache"),
        ("inactive", "provider"),
        ("missing_token", "none"),
        ("unavailable", "provider"),
    ];
    assert_eq!(seen, expected.map(|(o, s)| (o.to_owned(), s.to_owned())), "{checks:?}");
    for check in &checks {
        assert_eq!(field(check, "platform"), "proconnect");
        assert!(field(check, "duration_ms").parse::<f64>().is_ok(), "{check:?}");
    }
    assert_eq!(field(checks[2], "reason"), "not_active");
    assert_eq!(field(checks[4], "error"), "provider_unavailable");

    // No token in any span's or event's field.
    let events = captured.events.lock().unwrap().clone();
    let every_value = spans
        .iter()
        .flat_map(|(_, f)| f.values())
        .chain(events.iter().flat_map(|f| f.values()));
    for value in every_value {
        for secret in [
            token.as_str(),
            "made-up-token-that-must-not-be-logged",
            "while-the-provider-is-down-and-long-enough-to-ask",
        ] {
            assert!(!value.contains(secret), "a token in the traces: {value}");
        }
    }
}
