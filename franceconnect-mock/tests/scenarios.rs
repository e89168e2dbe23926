//! Every scenario switch, and its visible effect.

mod common;

use std::time::{Duration, Instant};

use common::*;
use franceconnect_mock::{ClientKeys, Eidas, EncryptionAlg, Endpoint, Failure, MockProvider, Platform, Tamper};

#[tokio::test]
async fn request_counts() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    for endpoint in Endpoint::ALL {
        assert_eq!(mock.request_count(endpoint), 0);
    }
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    fetch_jwks(&mock).await;
    fetch_jwks(&mock).await;
    discovery(&mock).await;
    assert_eq!(mock.request_count(Endpoint::Authorize), 1);
    assert_eq!(mock.request_count(Endpoint::Token), 1);
    assert_eq!(mock.request_count(Endpoint::Userinfo), 1);
    assert_eq!(mock.request_count(Endpoint::Jwks), 2);
    assert_eq!(mock.request_count(Endpoint::Discovery), 1);
    assert_eq!(mock.request_count(Endpoint::SessionEnd), 0);
    mock.reset_counts();
    assert_eq!(mock.request_count(Endpoint::Jwks), 0);
}

#[tokio::test]
async fn failures_on_each_endpoint() {
    let mock = fc_mock().await;
    let issuer = mock.issuer();
    let endpoints = [
        (
            Endpoint::Discovery,
            format!("{issuer}/.well-known/openid-configuration"),
        ),
        (Endpoint::Jwks, format!("{issuer}/jwks")),
        (Endpoint::Userinfo, format!("{issuer}/userinfo")),
        (Endpoint::Token, format!("{issuer}/token")),
    ];
    for (endpoint, url) in &endpoints {
        let call = || async {
            let request = if *endpoint == Endpoint::Token {
                http().post(url).form(&[("a", "b")])
            } else {
                http().get(url)
            };
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.bytes().await.unwrap())
        };
        mock.set_failure(*endpoint, Some(Failure::ServerError));
        assert_eq!(call().await.0, 500, "{endpoint:?}");
        mock.set_failure(*endpoint, Some(Failure::Unavailable));
        assert_eq!(call().await.0, 503, "{endpoint:?}");
        mock.set_failure(*endpoint, Some(Failure::Garbage));
        let (status, body) = call().await;
        assert_eq!(status, 200);
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
        assert!(josekit::jwt::decode_header(&body).is_err());
        mock.set_failure(*endpoint, Some(Failure::Oversized));
        let (status, body) = call().await;
        assert_eq!(status, 200);
        assert!(body.len() > 4 * 1024 * 1024, "{endpoint:?}");
        mock.set_failure(*endpoint, Some(Failure::Slow(Duration::from_millis(400))));
        let started = Instant::now();
        let (status, _) = call().await;
        assert!(started.elapsed() >= Duration::from_millis(400));
        assert_ne!(status, 500);
        mock.set_failure(*endpoint, None);
    }
    // Discovery and JWKS answer normally again.
    let response = http().get(&endpoints[0].1).send().await.unwrap();
    assert_eq!(response.status(), 200);
    fetch_jwks(&mock).await;
}

#[tokio::test]
async fn slow_client_times_out() {
    let mock = fc_mock().await;
    mock.set_failure(Endpoint::Jwks, Some(Failure::Slow(Duration::from_secs(5))));
    let result = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .get(format!("{}/jwks", mock.issuer()))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
}

/// The `kid` of a compact JWS's header.
fn kid(jws: &str) -> String {
    josekit::jwt::decode_header(jws)
        .unwrap()
        .claim("kid")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn key_rotation_changes_kid_and_removes_the_old_key() {
    // Both keys, so that both are rotated.
    let mock = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app"))
        .all_signing_keys(true)
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("default"), None);
    let before = fetch_jwks(&mock).await;
    let old_token = id_token(&login(&mock, "app", "eidas1", &[]).await);
    let old_kid = kid(&old_token);
    verify(&before, &old_token).unwrap();

    mock.rotate_signing_key();
    let after = fetch_jwks(&mock).await;
    assert!(after.get(&old_kid).is_empty(), "old key removed");
    assert_eq!(after.keys().len(), 2);
    for key in before.keys() {
        assert!(after.get(key.key_id().unwrap()).is_empty(), "every kid changes");
        let modulus = key.parameter("n");
        assert!(
            modulus.is_none() || after.keys().iter().all(|new| new.parameter("n") != modulus),
            "a new RSA key"
        );
    }
    let new_token = id_token(&login(&mock, "app", "eidas1", &[]).await);
    let new_kid = kid(&new_token);
    assert_ne!(new_kid, old_kid);
    verify(&after, &new_token).unwrap();
    assert!(
        verify(&before, &new_token).is_err(),
        "a client with the old JWKS must re-fetch"
    );
    assert!(verify(&after, &old_token).is_err());
}

#[tokio::test]
async fn callback_error() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    for error in ["access_denied", "server_error", "temporarily_unavailable"] {
        mock.set_callback_error(Some(error));
        let response = authorize(&mock, "app", "eidas1", &[]).await;
        let params = error_sent_to_callback(&mock, &response, error, error);
        assert!(!params["error_description"].is_empty());
    }
    mock.set_callback_error(None);
    code(&mock, &authorize_url(&mock, "app", "eidas1", &[])).await;
    // Malformed requests still end on the error page.
    mock.set_callback_error(Some("server_error"));
    let response = authorize(&mock, "app", "eidas1", &[("nonce", "short")]).await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn auto_approve_on_and_off() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("mineur"), None);
    let tokens = login(&mock, "app", "eidas1", &[("scope", "openid birthdate")]).await;
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(peek(&body)["birthdate"], "2012-07-14");
    mock.auto_approve(None, None);
    let response = authorize(&mock, "app", "eidas1", &[]).await;
    assert_eq!(response.status(), 200, "the login page again");
}

#[tokio::test]
async fn acr_override() {
    let (private, mock) = fcplus_ec_mock().await;
    mock.auto_approve(Some("default"), None);
    mock.set_acr_override(Some(Eidas::Eidas1));
    let tokens = login(&mock, "app", "eidas3", &[]).await;
    let inner = inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens);
    assert_eq!(peek(&inner)["acr"], "eidas1");
    mock.set_acr_override(None);
    let tokens = login(&mock, "app", "eidas3", &[]).await;
    let inner = inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens);
    assert_eq!(peek(&inner)["acr"], "eidas3");
}

#[tokio::test]
async fn tampered_id_tokens_on_franceconnect() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let jwks = fetch_jwks(&mock).await;

    mock.set_tamper(Some(Tamper::BadSignature));
    let token = id_token(&login(&mock, "app", "eidas1", &[]).await);
    assert!(verify(&jwks, &token).is_err());
    assert_eq!(peek(&token)["nonce"], NONCE, "only the signature is wrong");

    mock.set_tamper(Some(Tamper::AlgNone));
    let token = id_token(&login(&mock, "app", "eidas1", &[]).await);
    assert_eq!(
        josekit::jwt::decode_header(&token).unwrap().claim("alg").unwrap(),
        "none"
    );
    assert!(token.ends_with('.'));
    assert!(verify(&jwks, &token).is_err());

    mock.set_tamper(Some(Tamper::WrongIssuer));
    let claims = verify(&jwks, &id_token(&login(&mock, "app", "eidas1", &[]).await)).unwrap();
    assert_ne!(claims["iss"], mock.issuer());

    mock.set_tamper(Some(Tamper::WrongAudience));
    let claims = verify(&jwks, &id_token(&login(&mock, "app", "eidas1", &[]).await)).unwrap();
    assert_ne!(claims["aud"], "app");

    mock.set_tamper(Some(Tamper::WrongNonce));
    let claims = verify(&jwks, &id_token(&login(&mock, "app", "eidas1", &[]).await)).unwrap();
    assert_ne!(claims["nonce"], NONCE);

    mock.set_tamper(Some(Tamper::Expired));
    let claims = verify(&jwks, &id_token(&login(&mock, "app", "eidas1", &[]).await)).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(claims["exp"].as_u64().unwrap() + 600 < now);
    assert_eq!(claims["exp"].as_u64().unwrap(), claims["iat"].as_u64().unwrap() + 60);

    mock.set_tamper(Some(Tamper::UserinfoSubMismatch));
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let id_claims = verify(&jwks, &id_token(&tokens)).unwrap();
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    let info = verify(&jwks, &body).unwrap();
    assert_ne!(info["sub"], id_claims["sub"]);
    assert_eq!(info["sub"].as_str().unwrap().len(), 66);

    mock.reset();
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let id_claims = verify(&jwks, &id_token(&tokens)).unwrap();
    assert_eq!(id_claims["iss"], mock.issuer());
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(verify(&jwks, &body).unwrap()["sub"], id_claims["sub"]);
}

#[tokio::test]
async fn tampered_id_tokens_on_franceconnect_plus() {
    let (private, jwks) = client_key(EncryptionAlg::RsaOaep256, "client-key");
    let mock = fcplus_mock(EncryptionAlg::RsaOaep256, ClientKeys::Inline(jwks)).await;
    mock.auto_approve(Some("default"), None);
    let provider_jwks = fetch_jwks(&mock).await;

    mock.set_tamper(Some(Tamper::UnknownEncryptionKey));
    let token = id_token(&login(&mock, "app", "eidas2", &[]).await);
    let header = josekit::jwt::decode_header(&token).unwrap();
    assert_ne!(header.claim("kid").unwrap(), "client-key");
    assert_eq!(header.claim("alg").unwrap(), "RSA-OAEP-256");
    assert!(decrypt(EncryptionAlg::RsaOaep256, &private, &token).is_err());

    mock.set_tamper(Some(Tamper::BadSignature));
    let token = id_token(&login(&mock, "app", "eidas2", &[]).await);
    let (inner, _) = decrypt(EncryptionAlg::RsaOaep256, &private, &token).unwrap();
    assert!(verify(&provider_jwks, &inner).is_err());

    mock.set_tamper(Some(Tamper::AlgNone));
    let token = id_token(&login(&mock, "app", "eidas2", &[]).await);
    let (inner, _) = decrypt(EncryptionAlg::RsaOaep256, &private, &token).unwrap();
    assert_eq!(
        josekit::jwt::decode_header(&inner).unwrap().claim("alg").unwrap(),
        "none"
    );

    mock.set_tamper(None);
    let token = id_token(&login(&mock, "app", "eidas2", &[]).await);
    let (inner, _) = decrypt(EncryptionAlg::RsaOaep256, &private, &token).unwrap();
    verify(&provider_jwks, &inner).unwrap();
}

#[tokio::test]
async fn reset_turns_everything_off() {
    let mock = fc_mock().await;
    mock.set_failure(Endpoint::Discovery, Some(Failure::ServerError));
    mock.set_callback_error(Some("access_denied"));
    mock.auto_approve(Some("default"), None);
    mock.set_tamper(Some(Tamper::Expired));
    mock.reset();
    let response = discovery(&mock).await;
    assert_eq!(response.status(), 200);
    let response = authorize(&mock, "app", "eidas1", &[]).await;
    assert_eq!(response.status(), 200, "login page: no auto-approve, no callback error");
}

#[tokio::test]
async fn shutdown_stops_the_server() {
    let mock = fc_mock().await;
    let url = format!("{}/jwks", mock.issuer());
    let clone = mock.clone();
    mock.shutdown().await;
    assert!(http().get(&url).send().await.is_err());
    drop(clone);
}
