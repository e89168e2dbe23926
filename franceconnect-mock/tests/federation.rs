//! A federation: FranceConnect, FranceConnect+ and ProConnect served by one
//! process on one listener, each under its own issuer, keeping its own
//! keys, stores, scenarios and counters.

mod common;

use common::*;
use franceconnect_mock::{
    ClientKeys, EncryptionAlg, Endpoint, FederationHandle, MockError, MockFederation, MockHandle, MockProvider,
    Platform,
};
use josekit::jwk::Jwk;
use serde_json::Value;

/// The three platforms with client `app` (encrypting with ECDH-ES on
/// FranceConnect+); returns FranceConnect+'s client private key too.
async fn federation() -> (Jwk, FederationHandle) {
    let (private, jwks) = client_key(EncryptionAlg::EcdhEs, "k");
    let federation = MockFederation::new()
        .platform(MockProvider::new(Platform::FranceConnect).client(fc_client("app")))
        .platform(
            MockProvider::new(Platform::FranceConnectPlus)
                .client(fc_client("app").encryption(EncryptionAlg::EcdhEs, ClientKeys::Inline(jwks))),
        )
        .platform(MockProvider::new(Platform::ProConnect).client(pc_client("app")))
        .start()
        .await
        .unwrap();
    (private, federation)
}

/// The handle of `platform`, which the federation serves.
fn handle(federation: &FederationHandle, platform: Platform) -> &MockHandle {
    federation.handle(platform).expect("the platform is served")
}

/// The kids of `mock`'s JWKS.
async fn kids(mock: &MockHandle) -> Vec<String> {
    fetch_jwks(mock)
        .await
        .keys()
        .iter()
        .map(|key| key.key_id().unwrap().to_owned())
        .collect()
}

const PLATFORMS: [Platform; 3] = [
    Platform::FranceConnect,
    Platform::FranceConnectPlus,
    Platform::ProConnect,
];

#[tokio::test]
async fn each_platform_has_its_issuer_and_endpoints_under_its_prefix() {
    let (_, federation) = federation().await;
    let origin = format!("http://{}", federation.addr());
    assert_eq!(federation.handles().len(), 3);
    for platform in PLATFORMS {
        let mock = handle(&federation, platform);
        assert_eq!(mock.platform(), platform);
        assert_eq!(mock.addr(), federation.addr(), "one listener");
        let issuer = mock.issuer();
        assert_eq!(issuer, format!("{origin}/{}/api/v2", platform.short_name()));
        let doc = discovery_document(&issuer).await;
        assert_endpoints_under_issuer(&doc, &issuer, &format!("{platform:?}"));
    }
    let short: Vec<&str> = PLATFORMS.iter().map(|p| p.short_name()).collect();
    assert_eq!(short, ["fc", "fcplus", "proconnect"]);
    // Each document is its platform's, not a copy.
    let fc = discovery_document(&handle(&federation, Platform::FranceConnect).issuer()).await;
    let pc = discovery_document(&handle(&federation, Platform::ProConnect).issuer()).await;
    assert_eq!(fc["subject_types_supported"], serde_json::json!(["pairwise"]));
    assert_eq!(pc["subject_types_supported"], serde_json::json!(["public"]));
    // Nothing answers at the root issuer of a lone provider.
    let response = http()
        .get(format!("{origin}/api/v2/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_full_login_on_each_platform() {
    let (private, federation) = federation().await;

    let fc = handle(&federation, Platform::FranceConnect);
    fc.auto_approve(Some("default"), None);
    let tokens = login(fc, "app", "eidas1", &[]).await;
    let jwks = fetch_jwks(fc).await;
    let claims = verify(&jwks, &id_token(&tokens)).unwrap();
    assert_eq!(claims["iss"], fc.issuer());
    assert_eq!(claims["acr"], "eidas1");
    let (status, content_type, body) = userinfo(fc, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!((status, content_type.as_str()), (200, "application/jwt"));
    let info = verify(&jwks, &body).unwrap();
    assert_eq!(info["iss"], fc.issuer());
    assert_eq!(info["sub"], claims["sub"]);

    let fcplus = handle(&federation, Platform::FranceConnectPlus);
    fcplus.auto_approve(Some("default"), None);
    let tokens = login(fcplus, "app", "eidas2", &[("scope", "openid identite_pivot email")]).await;
    let jwks = fetch_jwks(fcplus).await;
    let inner = inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens);
    let claims = verify(&jwks, &inner).unwrap();
    assert_eq!(claims["iss"], fcplus.issuer());
    assert_eq!(claims["acr"], "eidas2");
    let (status, _, body) = userinfo(fcplus, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let (inner, header) = decrypt(EncryptionAlg::EcdhEs, &private, &body).unwrap();
    assert_eq!(header.claim("iss"), Some(&Value::from(fcplus.issuer())));
    let info = verify(&jwks, &inner).unwrap();
    assert_eq!(info["sub"], claims["sub"]);

    let pc = handle(&federation, Platform::ProConnect);
    pc.auto_approve(Some("agent-etat"), None);
    let tokens = pc_login(pc, "app", &[]).await;
    let claims = id_claims(pc, &tokens).await;
    assert_eq!(claims["iss"], pc.issuer());
    assert!(tokens["refresh_token"].is_string(), "ProConnect's refresh token");
    let (status, _, body) = userinfo(pc, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let info = verify(&fetch_jwks(pc).await, &body).unwrap();
    assert_eq!(info["iss"], pc.issuer());
    assert_eq!(info["sub"], claims["sub"]);
}

#[tokio::test]
async fn each_platform_signs_with_its_own_keys() {
    let (_, federation) = federation().await;
    let mut seen: Vec<String> = Vec::new();
    for platform in PLATFORMS {
        for kid in kids(handle(&federation, platform)).await {
            assert!(!seen.contains(&kid), "{platform:?} shares kid {kid}");
            seen.push(kid);
        }
    }
    // A token of one platform does not verify with another's keys.
    let fc = handle(&federation, Platform::FranceConnect);
    fc.auto_approve(Some("default"), None);
    let tokens = login(fc, "app", "eidas1", &[]).await;
    let proconnect_keys = fetch_jwks(handle(&federation, Platform::ProConnect)).await;
    assert!(verify(&proconnect_keys, &id_token(&tokens)).is_err());
}

#[tokio::test]
async fn a_code_or_token_of_one_platform_is_refused_by_another() {
    let (_, federation) = federation().await;
    let fc = handle(&federation, Platform::FranceConnect);
    let pc = handle(&federation, Platform::ProConnect);
    let fcplus = handle(&federation, Platform::FranceConnectPlus);
    fc.auto_approve(Some("default"), None);
    let code = code(fc, &authorize_url(fc, "app", "eidas1", &[])).await;
    for other in [pc, fcplus] {
        let (status, body, _) = redeem(other, "app", &code, CALLBACK).await;
        assert_eq!(status, 400, "{:?}: {body}", other.platform());
        assert_eq!(body["error"], "invalid_grant", "{:?}", other.platform());
    }
    // Still unredeemed, the code works where it was issued.
    let (status, tokens, _) = redeem(fc, "app", &code, CALLBACK).await;
    assert_eq!(status, 200, "{tokens}");
    let (status, _, _) = userinfo(pc, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401, "FranceConnect's access token at ProConnect");
    // Nor does another platform accept its ID token as a logout hint.
    let response = end_session(pc, &[("id_token_hint", id_token(&tokens).as_str())]).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn the_login_pages_post_under_their_prefix() {
    let (_, federation) = federation().await;

    let pc = handle(&federation, Platform::ProConnect);
    let response = pc_authorize(pc, "app", &[]).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    let action = attribute(&page, "action");
    assert!(action.starts_with("/proconnect/api/v2/interaction/"), "{action}");
    let response = submit_agent(pc, &action, "agent-etat", false).await;
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set_cookie.starts_with("pc_session_id=") && set_cookie.contains("; Path=/proconnect;"),
        "the session cookie stays on ProConnect's paths: {set_cookie}"
    );
    let cookie = session_cookie(&response).unwrap();
    let params = redirected_to_callback(pc, &response, "ProConnect's form");
    let (status, tokens, _) = redeem(pc, "app", &params["code"], CALLBACK).await;
    assert_eq!(status, 200, "{tokens}");
    // The single sign-on session works under the prefix.
    let response = authorize_with_cookie(&pc_authorize_url(pc, "app", &[]), &cookie).await;
    redirected_to_callback(pc, &response, "the session logs in again");
    // Logging out removes the cookie of that same path.
    let response = http()
        .get(format!("{}/session/end", pc.issuer()))
        .header("cookie", &cookie)
        .query(&[("id_token_hint", id_token(&tokens).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "ProConnect's own logged-out page");
    let cleared = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cleared.starts_with("pc_session_id=;") && cleared.contains("; Path=/proconnect;"),
        "{cleared}"
    );

    for (platform, acr) in [
        (Platform::FranceConnect, "eidas1"),
        (Platform::FranceConnectPlus, "eidas2"),
    ] {
        let mock = handle(&federation, platform);
        let page = login_page(mock, acr).await;
        let action = attribute(&page, "action");
        let prefix = format!("/{}/api/v2/interaction/", platform.short_name());
        assert!(action.starts_with(&prefix), "{platform:?}: {action}");
        assert!(
            page.contains(&format!(r#"formaction="{}"#, action.trim_end_matches("/login"))),
            "{platform:?}: the cancel button too"
        );
        let response = submit(mock, &action, "default", acr).await;
        let params = redirected_to_callback(mock, &response, "the login form");
        assert!(params.contains_key("code"), "{platform:?}");
    }
}

#[tokio::test]
async fn counters_and_scenarios_are_per_platform() {
    let (_, federation) = federation().await;
    let fc = handle(&federation, Platform::FranceConnect);
    let pc = handle(&federation, Platform::ProConnect);
    let fcplus = handle(&federation, Platform::FranceConnectPlus);
    discovery(fc).await;
    discovery(fc).await;
    fetch_jwks(pc).await;
    assert_eq!(fc.request_count(Endpoint::Discovery), 2);
    assert_eq!(pc.request_count(Endpoint::Discovery), 0);
    assert_eq!(fcplus.request_count(Endpoint::Discovery), 0);
    assert_eq!(pc.request_count(Endpoint::Jwks), 1);
    assert_eq!(fc.request_count(Endpoint::Jwks), 0);
    fc.reset_counts();
    assert_eq!(fc.request_count(Endpoint::Discovery), 0);
    assert_eq!(pc.request_count(Endpoint::Jwks), 1, "another platform's reset");

    fc.set_failure(Endpoint::Discovery, Some(franceconnect_mock::Failure::ServerError));
    assert_eq!(discovery(fc).await.status(), 500);
    assert_eq!(discovery(pc).await.status(), 200, "FranceConnect's failure only");
    // Automatic approval is one platform's too: ProConnect still shows its page.
    fc.auto_approve(Some("default"), None);
    assert_eq!(pc_authorize(pc, "app", &[]).await.status(), 200);
    let (fc_before, pc_before) = (kids(fc).await, kids(pc).await);
    fc.rotate_signing_key();
    assert_ne!(kids(fc).await, fc_before);
    assert_eq!(kids(pc).await, pc_before, "FranceConnect's rotation only");
}

#[tokio::test]
async fn a_federation_of_one_still_uses_the_prefix() {
    let federation = MockFederation::new()
        .platform(MockProvider::new(Platform::ProConnect).client(pc_client("app")))
        .public_base_url("http://mock.example:4000/")
        .start()
        .await
        .unwrap();
    assert!(federation.handle(Platform::FranceConnect).is_none());
    let pc = handle(&federation, Platform::ProConnect);
    assert_eq!(pc.issuer(), "http://mock.example:4000/proconnect/api/v2");
}

#[tokio::test]
async fn a_lone_provider_keeps_the_root_issuer_and_cookie_path() {
    let mock = pc_mock().await;
    assert_eq!(mock.issuer(), format!("http://{}/api/v2", mock.addr()));
    let page = pc_authorize(&mock, "app", &[]).await.text().await.unwrap();
    let action = attribute(&page, "action");
    assert!(action.starts_with("/api/v2/interaction/"), "{action}");
    let response = submit_agent(&mock, &action, "agent-etat", false).await;
    let set_cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("; Path=/;"), "{set_cookie}");
}

#[tokio::test]
async fn refused_configurations() {
    let error = MockFederation::new().start().await.unwrap_err();
    assert!(matches!(error, MockError::Config(_)), "{error}");

    let error = MockFederation::new()
        .platform(MockProvider::new(Platform::FranceConnect).client(fc_client("app")))
        .platform(MockProvider::new(Platform::FranceConnect).client(fc_client("other")))
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("FranceConnect configured twice"), "{error}");

    // A platform's own refusal names it.
    let error = MockFederation::new()
        .platform(MockProvider::new(Platform::FranceConnect).client(fc_client("app")))
        .platform(MockProvider::new(Platform::FranceConnectPlus).client(fc_client("app")))
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("FranceConnect+: client `app`"), "{error}");
}

#[tokio::test]
async fn shutdown_stops_every_platform() {
    let (_, federation) = federation().await;
    let pc = handle(&federation, Platform::ProConnect).clone();
    assert_eq!(discovery(&pc).await.status(), 200);
    federation.shutdown().await;
    let refused = http()
        .get(format!("{}/.well-known/openid-configuration", pc.issuer()))
        .send()
        .await;
    assert!(refused.is_err(), "the listener is closed");
}
