//! FranceConnect+ (eidas2/eidas3): nested JWTs for the three key management
//! algorithms, client keys inline or from a jwks_uri, levels, logout.

mod common;

use common::*;
use franceconnect_mock::{ClientKeys, Eidas, EncryptionAlg};
use serde_json::Value;

/// How the client publishes its encryption key.
enum Publish {
    Inline,
    JwksUri,
}

/// Logs in on an FC+ mock whose client encrypts with `alg` to a new key `kid`
/// published as `publish` says, and checks both the ID token and userinfo by
/// decrypting with the private key and verifying with the JWKS fetched over
/// HTTP.
async fn nested_flow(alg: EncryptionAlg, kid: &str, publish: Publish) {
    let (private, jwks) = client_key(alg, kid);
    let keys = match publish {
        Publish::Inline => ClientKeys::Inline(jwks),
        Publish::JwksUri => ClientKeys::JwksUri(serve_jwks(jwks).await),
    };
    let mock = fcplus_mock(alg, keys).await;
    mock.auto_approve(Some("reunion"), None);
    let tokens = login(&mock, "app", "eidas2", &[("scope", "openid identite_pivot email")]).await;
    let jwks = fetch_jwks(&mock).await;

    let id_token = tokens["id_token"].as_str().unwrap();
    assert_eq!(id_token.split('.').count(), 5, "a JWE");
    let (inner, header) = decrypt(alg, &private, id_token).unwrap();
    assert_eq!(header.algorithm(), Some(alg.as_str()));
    assert_eq!(header.content_encryption(), Some("A256GCM"));
    assert_eq!(header.content_type(), Some("JWT"));
    assert_eq!(header.key_id(), Some(kid));
    assert_eq!(header.claim("iss"), Some(&Value::from(mock.issuer())));
    assert_eq!(header.claim("aud"), Some(&Value::from("app")));
    let names = header_names(id_token);
    if alg == EncryptionAlg::EcdhEs {
        assert!(header.claim("epk").is_some());
        assert_eq!(names, ["alg", "aud", "cty", "enc", "epk", "iss", "kid"]);
    } else {
        assert_eq!(names, ["alg", "aud", "cty", "enc", "iss", "kid"]);
    }
    let inner_header = josekit::jwt::decode_header(&inner).unwrap();
    assert_eq!(inner_header.claim("alg").unwrap(), "ES256");
    assert_eq!(header_names(&inner), ["alg", "kid"]);
    let claims = verify(&jwks, &inner).unwrap();
    assert_eq!(claims["iss"], mock.issuer());
    assert_eq!(claims["aud"], "app");
    assert_eq!(claims["nonce"], NONCE);
    assert_eq!(claims["acr"], "eidas2");
    assert_eq!(claims["exp"].as_u64().unwrap(), claims["iat"].as_u64().unwrap() + 60);

    let (status, content_type, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!((status, content_type.as_str()), (200, "application/jwt"));
    let (inner, header) = decrypt(alg, &private, &body).unwrap();
    assert_eq!(header.key_id(), Some(kid));
    let info = verify(&jwks, &inner).unwrap();
    assert_eq!(info["sub"], claims["sub"]);
    assert_eq!(info["birthplace"], "97411");
    assert_eq!(info["given_name"], "Kévin Jean");
    assert!(info.get("given_name_array").is_none(), "FranceConnect only");
    assert!(info.get("idp_birthdate").is_none(), "FranceConnect only");
    assert!(info.get("email").is_some());
}

#[tokio::test]
async fn ecdh_es_inline() {
    nested_flow(EncryptionAlg::EcdhEs, "client-ec-1", Publish::Inline).await;
}

#[tokio::test]
async fn ecdh_es_jwks_uri() {
    nested_flow(EncryptionAlg::EcdhEs, "client-ec-2", Publish::JwksUri).await;
}

#[tokio::test]
async fn rsa_oaep_inline() {
    nested_flow(EncryptionAlg::RsaOaep, "client-rsa-1", Publish::Inline).await;
}

#[tokio::test]
async fn rsa_oaep_jwks_uri() {
    nested_flow(EncryptionAlg::RsaOaep, "client-rsa-2", Publish::JwksUri).await;
}

#[tokio::test]
async fn rsa_oaep_256_inline() {
    nested_flow(EncryptionAlg::RsaOaep256, "client-rsa256-1", Publish::Inline).await;
}

#[tokio::test]
async fn rsa_oaep_256_jwks_uri() {
    nested_flow(EncryptionAlg::RsaOaep256, "client-rsa256-2", Publish::JwksUri).await;
}

#[tokio::test]
async fn the_encryption_key_is_picked_by_type_and_use() {
    let (ec_private, ec_jwks) = client_key(EncryptionAlg::EcdhEs, "enc-ec");
    let (_, rsa_jwks) = client_key(EncryptionAlg::RsaOaep, "enc-rsa");
    let mut sig = rsa_jwks["keys"][0].clone();
    sig["use"] = "sig".into();
    sig["kid"] = "sig-rsa".into();
    let jwks = serde_json::json!({ "keys": [sig, rsa_jwks["keys"][0], ec_jwks["keys"][0]] });
    let mock = fcplus_mock(EncryptionAlg::EcdhEs, ClientKeys::Inline(jwks)).await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas3", &[]).await;
    let (inner, header) = decrypt(EncryptionAlg::EcdhEs, &ec_private, &id_token(&tokens)).unwrap();
    assert_eq!(header.key_id(), Some("enc-ec"));
    assert_eq!(peek(&inner)["acr"], "eidas3");
}

#[tokio::test]
async fn discovery_lists_encryption_and_levels() {
    let (_, mock) = fcplus_ec_mock().await;
    let doc = discovery_document(&mock.issuer()).await;
    assert_eq!(doc["acr_values_supported"], serde_json::json!(["eidas2", "eidas3"]));
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["ES256"])
    );
    assert_eq!(
        doc["userinfo_signing_alg_values_supported"],
        serde_json::json!(["ES256"])
    );
    let algs = serde_json::json!(["ECDH-ES", "RSA-OAEP", "RSA-OAEP-256"]);
    assert_eq!(doc["id_token_encryption_alg_values_supported"], algs);
    assert_eq!(doc["userinfo_encryption_alg_values_supported"], algs);
    assert_eq!(
        doc["id_token_encryption_enc_values_supported"],
        serde_json::json!(["A256GCM"])
    );
    assert_eq!(
        doc["userinfo_encryption_enc_values_supported"],
        serde_json::json!(["A256GCM"])
    );
    assert_eq!(mock.jwks()["keys"].as_array().unwrap().len(), 1, "ES256 only");
    let scopes = doc["scopes_supported"].as_array().unwrap();
    assert!(scopes.contains(&"rnipp_identite_pivot".into()) && scopes.contains(&"identite_pivot".into()));
    assert!(!scopes.contains(&"idp_birthdate".into()) && !scopes.contains(&"idp_id".into()));
    let claims = doc["claims_supported"].as_array().unwrap();
    for claim in ["sub", "given_name", "rnipp_given_name_array", "amr", "acr"] {
        assert!(claims.contains(&claim.into()), "{claim}");
    }
    assert!(!claims.contains(&"given_name_array".into()));
}

#[tokio::test]
async fn lowest_acr_is_taken_and_unknown_values_dropped() {
    let (private, mock) = fcplus_ec_mock().await;
    mock.auto_approve(Some("default"), None);
    for (acr_values, expected) in [
        ("eidas3 eidas2", "eidas2"),
        ("foo eidas3", "eidas3"),
        ("eidas3", "eidas3"),
    ] {
        let tokens = login(&mock, "app", acr_values, &[]).await;
        let inner = inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens);
        assert_eq!(peek(&inner)["acr"], expected, "{acr_values}");
    }
}

#[tokio::test]
async fn unknown_acr_values_give_eidas3() {
    let (private, mock) = fcplus_ec_mock().await;
    mock.auto_approve(Some("default"), None);
    for acr_values in ["foo", "foo bar"] {
        let tokens = login(&mock, "app", acr_values, &[]).await;
        let inner = inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens);
        assert_eq!(
            peek(&inner)["acr"],
            "eidas3",
            "{acr_values}: the platform's default level"
        );
    }
}

#[tokio::test]
async fn rnipp_scopes_add_the_register_claims() {
    let (private, mock) = fcplus_ec_mock().await;
    mock.auto_approve(Some("prenoms-composes"), None);
    let tokens = login(
        &mock,
        "app",
        "eidas2",
        &[("scope", "openid rnipp_given_name rnipp_birth idp_birthdate idp_id")],
    )
    .await;
    assert_eq!(
        tokens["scope"], "openid rnipp_given_name rnipp_birth",
        "idp_birthdate and idp_id are FC only"
    );
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    let (inner, _) = decrypt(EncryptionAlg::EcdhEs, &private, &body).unwrap();
    let info = verify(&fetch_jwks(&mock).await, &inner).unwrap();
    assert_eq!(
        names(&info),
        [
            "birthcountry",
            "birthplace",
            "given_name",
            "rnipp_birthcountry",
            "rnipp_birthplace",
            "rnipp_given_name",
            "rnipp_given_name_array"
        ]
    );
    // The plain claim is the identity provider's spelling, `rnipp_*` the
    // register's.
    assert_eq!(info["given_name"], "Jean Pierre");
    assert_eq!(info["rnipp_given_name"], "Jean-Pierre Marie");
    assert_eq!(
        info["rnipp_given_name_array"],
        serde_json::json!(["Jean-Pierre", "Marie"])
    );
}

/// The verified userinfo claims of a login as `identity` at `acr_values`
/// with `scope`, and the ID token's claims (`amr` requested).
async fn fc_plus_login_as(
    identity: &str,
    acr_values: &str,
    scope: &str,
) -> (serde_json::Map<String, Value>, serde_json::Map<String, Value>) {
    let (private, mock) = fcplus_ec_mock().await;
    mock.auto_approve(Some(identity), None);
    let tokens = login(
        &mock,
        "app",
        acr_values,
        &[
            ("scope", scope),
            ("claims", r#"{"id_token":{"amr":{"essential":true}}}"#),
        ],
    )
    .await;
    let jwks = fetch_jwks(&mock).await;
    let id_claims = verify(&jwks, &inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens)).unwrap();
    let (status, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let (inner, _) = decrypt(EncryptionAlg::EcdhEs, &private, &body).unwrap();
    (verify(&jwks, &inner).unwrap(), id_claims)
}

/// Every scope a FranceConnect+ service may ask for identity claims.
const EVERY_FC_PLUS_SCOPE: &str =
    "openid identite_pivot email preferred_username rnipp_identite_pivot rnipp_profile rnipp_birth";

#[tokio::test]
async fn plain_claims_are_the_identity_provider_s_and_rnipp_the_register_s() {
    for (identity, plain, register) in [
        (
            "usage",
            ["nathalie anne", "fournier", "1971-11-02"],
            ["Nathalie Anne", "FOURNIER", "1971-11-02"],
        ),
        (
            "accents",
            ["Eleonore Anais", "D ARTOIS", "1990-12-05"],
            ["Éléonore Anaïs", "D'ARTOIS", "1990-12-05"],
        ),
        (
            "date-presumee",
            ["Odette Jeanne", "MOREL", "1955-00-00"],
            ["Odette Jeanne", "MOREL", "1955-01-01"],
        ),
        (
            "default",
            ["Camille Hélène", "MARCHAND", "1984-03-17"],
            ["Camille Hélène", "MARCHAND", "1984-03-17"],
        ),
    ] {
        let (info, id_claims) = fc_plus_login_as(identity, "eidas2", EVERY_FC_PLUS_SCOPE).await;
        for (i, claim) in ["given_name", "family_name", "birthdate"].iter().enumerate() {
            assert_eq!(info[*claim], plain[i], "{identity}: {claim}");
            assert_eq!(
                info[&format!("rnipp_{claim}")],
                register[i],
                "{identity}: rnipp_{claim}"
            );
        }
        // What the provider does not spell otherwise is the same in both.
        for claim in ["gender", "birthplace", "birthcountry"] {
            assert_eq!(info[claim], info[&format!("rnipp_{claim}")], "{identity}: {claim}");
        }
        let given_names: Vec<Value> = register[0].split(' ').map(Value::from).collect();
        assert_eq!(info["rnipp_given_name_array"], Value::from(given_names), "{identity}");
        assert_eq!(id_claims["amr"], serde_json::json!(["fc", "pop", "mfa", "pin"]));
        assert!(
            info.get("idp_id").is_none(),
            "{identity}: FranceConnect+ never releases idp_id"
        );
    }
}

#[tokio::test]
async fn a_european_citizen_gets_what_the_eidas_bridge_sends() {
    let (info, id_claims) = fc_plus_login_as("eidas-portugal", "eidas2", EVERY_FC_PLUS_SCOPE).await;
    assert_eq!(
        names(&info),
        [
            "birthdate",
            "birthplace",
            "family_name",
            "gender",
            "given_name",
            "preferred_username"
        ],
        "no birthcountry, email nor rnipp_* whatever the scopes"
    );
    assert_eq!(info["given_name"], "Inês Maria");
    assert_eq!(info["family_name"], "Gonçalves Simões");
    assert_eq!(info["preferred_username"], "Gonçalves Simões");
    assert_eq!(info["birthdate"], "1992-08-05");
    assert_eq!(info["gender"], "female");
    assert_eq!(info["birthplace"], "Paris 10");
    assert_eq!(id_claims["amr"], serde_json::json!(["eidas"]));
    assert_eq!(id_claims["acr"], "eidas2");

    // No gender sent: the claim is absent, not empty.
    let (info, _) = fc_plus_login_as("eidas-espagne", "eidas2", EVERY_FC_PLUS_SCOPE).await;
    assert_eq!(
        names(&info),
        [
            "birthdate",
            "birthplace",
            "family_name",
            "given_name",
            "preferred_username"
        ]
    );
    assert_eq!(info["given_name"], "javiér josé");
    assert_eq!(info["family_name"], "Garçia");

    // The level is picked as for anyone: eidas3 when only eidas3 is asked
    // (or nothing known, the platform's default), eidas2 otherwise.
    for (acr_values, expected) in [("eidas2 eidas3", "eidas2"), ("eidas3", "eidas3"), ("foo", "eidas3")] {
        let (_, id_claims) = fc_plus_login_as("eidas-italie", acr_values, "openid given_name").await;
        assert_eq!(id_claims["acr"], expected, "{acr_values}");
        assert_eq!(id_claims["amr"], serde_json::json!(["eidas"]), "{acr_values}");
    }
}

#[tokio::test]
async fn eidas1_is_refused_with_invalid_acr() {
    let (_, mock) = fcplus_ec_mock().await;
    for acr_values in ["eidas1", "eidas1 eidas2", "foo eidas1"] {
        let response = authorize(&mock, "app", acr_values, &[]).await;
        let params = error_sent_to_callback(&mock, &response, "invalid_acr", acr_values);
        assert!(params["error_description"].contains("expected eidas2,eidas3, got eidas1"));
    }
}

#[tokio::test]
async fn the_page_offers_both_levels_and_a_lower_level_is_reported() {
    let (private, mock) = fcplus_ec_mock().await;
    let page = login_page(&mock, "eidas3").await;
    assert!(page.contains(r#"<option value="eidas2">"#));
    assert!(page.contains(r#"<option value="eidas3" selected>"#));
    assert!(!page.contains(r#"value="eidas1""#));
    let action = attribute(&page, "action");
    let response = submit(&mock, &action, "default", "eidas2").await;
    let params = redirected_to_callback(&mock, &response, "the login form");
    let (_, tokens, _) = redeem(&mock, "app", &params["code"], CALLBACK).await;
    let inner = inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens);
    assert_eq!(peek(&inner)["acr"], "eidas2", "the level chosen, lower than asked");

    // auto-approve at a chosen level
    mock.auto_approve(None, Some(Eidas::Eidas3));
    let tokens = login(&mock, "app", "eidas2", &[]).await;
    let inner = inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens);
    assert_eq!(peek(&inner)["acr"], "eidas3", "higher than asked");
}

#[tokio::test]
async fn logout_refuses_an_encrypted_hint_and_accepts_the_inner_jws() {
    let (private, mock) = fcplus_ec_mock().await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas2", &[]).await;
    let jwe = id_token(&tokens);
    let response = end_session(&mock, &[("id_token_hint", &jwe), ("post_logout_redirect_uri", LOGOUT)]).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
    let inner = inner_id_token(EncryptionAlg::EcdhEs, &private, &tokens);
    let response = end_session(
        &mock,
        &[("id_token_hint", &inner), ("post_logout_redirect_uri", LOGOUT)],
    )
    .await;
    assert_eq!(response.status(), 303);
    let (base, params) = location_params(&response);
    assert_eq!(base, LOGOUT);
    assert!(!params.contains_key("state"));
}

#[tokio::test]
async fn unreachable_client_jwks_gives_a_server_error() {
    let uri = url::Url::parse("http://127.0.0.1:9/jwks.json").unwrap();
    let mock = fcplus_mock(EncryptionAlg::EcdhEs, ClientKeys::JwksUri(uri)).await;
    mock.auto_approve(Some("default"), None);
    let code = code(&mock, &authorize_url(&mock, "app", "eidas2", &[])).await;
    let (status, body, _) = redeem(&mock, "app", &code, CALLBACK).await;
    assert_eq!(status, 500);
    assert_eq!(body["error"], "server_error");
}

#[tokio::test]
async fn oversized_client_jwks_is_refused() {
    let (_, mut jwks) = client_key(EncryptionAlg::EcdhEs, "k");
    jwks["padding"] = "A".repeat(1024 * 1024).into();
    let uri = serve_jwks(jwks).await;
    let mock = fcplus_mock(EncryptionAlg::EcdhEs, ClientKeys::JwksUri(uri)).await;
    mock.auto_approve(Some("default"), None);
    let code = code(&mock, &authorize_url(&mock, "app", "eidas2", &[])).await;
    let (status, body, _) = redeem(&mock, "app", &code, CALLBACK).await;
    assert_eq!(status, 500);
    assert_eq!(body["error"], "server_error");
    assert!(
        body["error_description"].as_str().unwrap().contains("larger than"),
        "{body}"
    );
}
