//! FranceConnect's `POST /checktoken` and ProConnect's `POST
//! /token/introspection`, checked independently (josekit, the JWKS over
//! HTTP, the data provider's own key) against the platforms' formats
//! (FC quality/fcp/cypress/integration/api/api-checktoken.feature, PCF
//! quality/cypress/integration/api/api-token-introspection.feature).

mod common;

use common::*;
use franceconnect_mock::{ClientKeys, DataProvider, EncryptionAlg, Endpoint, MockProvider, Platform, SigningAlg};
use serde_json::Value;

async fn post(url: &str, form: &[(&str, &str)], accept: Option<&str>) -> (u16, String, String) {
    let mut request = http().post(url).form(form);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

#[tokio::test]
async fn checktoken_answers_as_franceconnect_does() {
    let (private, mut jwks) = client_key(EncryptionAlg::RsaOaep256, "dp-key");
    // The answer names no key: josekit must not look for a `kid` in it.
    let mut unnamed = private.as_ref().clone();
    unnamed.remove("kid");
    let private = josekit::jwk::Jwk::from_map(unnamed).unwrap();
    jwks["keys"][0]["alg"] = "RSA-OAEP-256".into();
    let mock = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app"))
        .data_provider(
            DataProvider::new("dp", "dp-secret")
                .scopes(["email", "dgfip_rfr"])
                .signing_alg(SigningAlg::RS256)
                .encryption(EncryptionAlg::RsaOaep256, ClientKeys::Inline(jwks)),
        )
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    let url = format!("{}/checktoken", mock.issuer());
    let form = [
        ("token", access_token),
        ("client_id", "dp"),
        ("client_secret", "dp-secret"),
    ];
    let (status, content_type, body) = post(&url, &form, None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/token-introspection+jwt")
    );
    assert_eq!(header_names(&body), ["alg", "enc"], "no kid, no cty");
    let (jws, _) = decrypt(EncryptionAlg::RsaOaep256, &private, &body).unwrap();
    assert_eq!(header_names(&jws), ["alg", "kid"]);
    let payload = verify(&fetch_jwks(&mock).await, &jws).unwrap();
    let mut members: Vec<&str> = payload.keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(members, ["aud", "iat", "iss", "token_introspection"]);
    assert_eq!(payload["iss"], mock.issuer().as_str());
    assert_eq!(payload["aud"], "dp");
    let ti = &payload["token_introspection"];
    assert_eq!(ti["active"], true);
    assert_eq!(ti["aud"], "app");
    assert_eq!(ti["acr"], "eidas1");
    assert_eq!(ti["scope"], "email", "only the token's scopes the data provider serves");
    assert_eq!(ti["sub"].as_str().unwrap().len(), 66);
    assert_ne!(
        ti["sub"],
        peek(&id_token(&tokens))["sub"],
        "pairwise for the data provider"
    );
    assert_eq!(ti["family_name"], mock.identities()[0].family_name.as_str());
    assert!(ti["exp"].as_u64().unwrap() > ti["iat"].as_u64().unwrap());
    assert_eq!(mock.request_count(Endpoint::Checktoken), 1);

    // Unknown token: still a signed, encrypted answer, inactive.
    let (status, _, body) = post(
        &url,
        &[("token", "nope"), ("client_id", "dp"), ("client_secret", "dp-secret")],
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (jws, _) = decrypt(EncryptionAlg::RsaOaep256, &private, &body).unwrap();
    let payload = verify(&fetch_jwks(&mock).await, &jws).unwrap();
    assert_eq!(payload["token_introspection"], serde_json::json!({"active": false}));

    // The request's checks: the form first, then the credentials.
    for form in [
        vec![("token", access_token), ("client_id", "dp")],
        vec![
            ("token", access_token),
            ("client_id", "dp"),
            ("client_secret", "dp-secret"),
            ("token_type_hint", "access_token"),
        ],
        vec![("token", ""), ("client_id", "dp"), ("client_secret", "dp-secret")],
        vec![
            ("token", access_token),
            ("token", access_token),
            ("client_id", "dp"),
            ("client_secret", "dp-secret"),
        ],
        vec![
            ("token", access_token),
            ("client_id", "unknown"),
            ("client_secret", "x"),
            ("extra", "1"),
        ],
    ] {
        let (status, content_type, body) = post(&url, &form, None).await;
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(status, 400, "{form:?}");
        assert!(content_type.starts_with("application/json"));
        assert_eq!(body["error"], "invalid_request");
        assert_eq!(body["error_description"], "Required parameter missing or invalid.");
    }
    for (id, secret) in [("dp", "wrong"), ("unknown", "dp-secret"), ("app", "app-secret")] {
        let (status, _, body) = post(
            &url,
            &[("token", access_token), ("client_id", id), ("client_secret", secret)],
            None,
        )
        .await;
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{id}");
        assert_eq!(body["error_description"], "Client authentication failed.");
    }
}

#[tokio::test]
async fn introspection_answers_as_proconnect_does() {
    let mock = MockProvider::new(Platform::ProConnect)
        .client(pc_client("app"))
        .data_provider(DataProvider::new("rs", "rs-secret"))
        .data_provider(DataProvider::new("rs-json", "rs-secret").unsigned_introspection())
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("agent-etat"), None);
    let doc = discovery_document(&mock.issuer()).await;
    let url = format!("{}/token/introspection", mock.issuer());
    assert_eq!(doc["introspection_endpoint"], url.as_str());
    let tokens = pc_login(&mock, "app", &[]).await;
    let access_token = tokens["access_token"].as_str().unwrap();
    let jwt = "application/token-introspection+jwt";

    // Plain JSON (RFC 7662).
    let form = [
        ("client_id", "rs"),
        ("client_secret", "rs-secret"),
        ("token", access_token),
    ];
    let (status, content_type, body) = post(&url, &form, None).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    let ti: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ti["active"], true);
    assert_eq!(ti["client_id"], "app");
    assert_eq!(ti["token_type"], "Bearer");
    assert_eq!(ti["iss"], mock.issuer().as_str());
    assert_eq!(ti["sub"], peek(&id_token(&tokens))["sub"], "the agent's public sub");

    // Signed (RFC 9701) when asked and registered.
    let (status, content_type, body) = post(&url, &form, Some(jwt)).await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "application/token-introspection+jwt; charset=utf-8")
    );
    let header = josekit::jwt::decode_header(&body).unwrap();
    assert_eq!(
        header.claim("typ").and_then(Value::as_str),
        Some("token-introspection+jwt")
    );
    let payload = verify(&fetch_jwks(&mock).await, &body).unwrap();
    let mut members: Vec<&str> = payload.keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(members, ["aud", "iat", "iss", "token_introspection"]);
    assert_eq!(payload["aud"], "rs");
    assert_eq!(payload["token_introspection"]["client_id"], "app");
    // Not registered for it: JSON whatever the request accepts.
    let json_only = [
        ("client_id", "rs-json"),
        ("client_secret", "rs-secret"),
        ("token", access_token),
    ];
    let (_, content_type, _) = post(&url, &json_only, Some(jwt)).await;
    assert!(content_type.starts_with("application/json"));

    // Revoked: `{"active": false}` only.
    let revoked = http()
        .post(format!("{}/token/revocation", mock.issuer()))
        .form(&[
            ("token", access_token),
            ("client_id", "app"),
            ("client_secret", "app-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);
    let (_, _, body) = post(&url, &form, None).await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        serde_json::json!({"active": false})
    );

    // The platform's refusals, in its order.
    for (form, status, error, description) in [
        (
            vec![("client_secret", "rs-secret"), ("token", "t")],
            400,
            "invalid_request",
            "no client authentication mechanism provided",
        ),
        (
            vec![("client_id", "rs"), ("token", "t")],
            401,
            "invalid_client",
            "client authentication failed",
        ),
        (
            vec![("client_id", "rs"), ("client_secret", "rs-secret")],
            400,
            "invalid_request",
            "missing required parameter 'token'",
        ),
        (
            vec![("client_id", "rs"), ("client_secret", "wrong"), ("token", "t")],
            401,
            "invalid_client",
            "client authentication failed",
        ),
        (
            vec![("client_id", "unknown"), ("client_secret", "rs-secret"), ("token", "t")],
            401,
            "invalid_client",
            "client authentication failed",
        ),
    ] {
        let (got, _, body) = post(&url, &form, None).await;
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (got, body["error"].as_str(), body["error_description"].as_str()),
            (status, Some(error), Some(description)),
            "{form:?}"
        );
    }
}

#[tokio::test]
async fn registrations_follow_the_platforms() {
    let start = |platform, dp: DataProvider| async move {
        MockProvider::new(platform)
            .client(fc_client("app").encryption(
                EncryptionAlg::EcdhEs,
                ClientKeys::Inline(serde_json::json!({"keys": []})),
            ))
            .data_provider(dp)
            .start()
            .await
    };
    let rs256 = DataProvider::new("dp", "s").signing_alg(SigningAlg::RS256);
    assert!(start(Platform::FranceConnectPlus, rs256).await.is_err());
    let keyed = DataProvider::new("dp", "s").encryption(
        EncryptionAlg::EcdhEs,
        ClientKeys::Inline(serde_json::json!({"keys": []})),
    );
    let pc = MockProvider::new(Platform::ProConnect)
        .client(pc_client("app"))
        .data_provider(keyed)
        .start()
        .await;
    assert!(pc.is_err(), "ProConnect encrypts no introspection answer");
    let twice = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app"))
        .data_provider(DataProvider::new("app", "s"))
        .start()
        .await;
    assert!(twice.is_err(), "one client id, one registration");
    let generated = start(Platform::FranceConnectPlus, DataProvider::new("dp", "s"))
        .await
        .unwrap();
    let jwks = generated.data_provider_private_jwks("dp").unwrap();
    assert_eq!(jwks["keys"][0]["alg"], "ECDH-ES");
    assert!(jwks["keys"][0]["d"].is_string());
    assert!(generated.data_provider_private_jwks("app").is_none());
}
