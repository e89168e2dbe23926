//! FranceConnect (eidas1): discovery, JWKS, the whole flow checked
//! independently, the login page, userinfo scopes and logout.

mod common;

use common::*;
use franceconnect_mock::{Client, Eidas, MockProvider, Platform, SigningAlg};
use serde_json::Value;

#[tokio::test]
async fn discovery_matches_the_platform() {
    let mock = fc_mock().await;
    let response = discovery(&mock).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=600");
    let doc: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    let issuer = mock.issuer();
    assert!(issuer.starts_with("http://127.0.0.1:") && issuer.ends_with("/api/v2"));
    assert_endpoints_under_issuer(&doc, &issuer, "FranceConnect");
    assert_eq!(doc["response_types_supported"], serde_json::json!(["code"]));
    assert_eq!(doc["grant_types_supported"], serde_json::json!(["authorization_code"]));
    assert_eq!(doc["subject_types_supported"], serde_json::json!(["pairwise"]));
    assert_eq!(doc["acr_values_supported"], serde_json::json!(["eidas1"]));
    assert_eq!(
        doc["id_token_signing_alg_values_supported"],
        serde_json::json!(["ES256", "RS256"])
    );
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        serde_json::json!(["client_secret_post", "private_key_jwt"])
    );
    assert_eq!(doc["claims_parameter_supported"], true);
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert!(doc.get("id_token_encryption_alg_values_supported").is_none());
    let scopes = doc["scopes_supported"].as_array().unwrap();
    for scope in [
        "openid",
        "identite_pivot",
        "profile",
        "birth",
        "idp_birthdate",
        "idp_id",
    ] {
        assert!(scopes.contains(&scope.into()), "{scope}");
    }
    assert!(!scopes.iter().any(|s| s.as_str().unwrap().starts_with("rnipp_")));
    let claims = doc["claims_supported"].as_array().unwrap();
    for claim in [
        "sub",
        "given_name",
        "given_name_array",
        "idp_birthdate",
        "idp_id",
        "amr",
        "acr",
    ] {
        assert!(claims.contains(&claim.into()), "{claim}");
    }
}

/// With a service registered for encryption, FranceConnect's discovery
/// announces its two algorithms (not FranceConnect+'s RSA-OAEP-256).
#[tokio::test]
async fn discovery_announces_encryption_when_a_service_registered_it() {
    let mock = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app").encryption(
            franceconnect_mock::EncryptionAlg::EcdhEs,
            franceconnect_mock::ClientKeys::Inline(serde_json::json!({"keys": []})),
        ))
        .start()
        .await
        .unwrap();
    let doc = discovery_document(&mock.issuer()).await;
    for name in ["id_token", "userinfo"] {
        assert_eq!(
            doc[format!("{name}_encryption_alg_values_supported")],
            serde_json::json!(["ECDH-ES", "RSA-OAEP"])
        );
        assert_eq!(
            doc[format!("{name}_encryption_enc_values_supported")],
            serde_json::json!(["A256GCM"])
        );
    }
}

#[tokio::test]
async fn jwks_is_public_and_cacheable() {
    // Its clients sign with ES256: the RS256 key is not made.
    let es256_only = fc_mock().await;
    let full = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app"))
        .all_signing_keys(true)
        .start()
        .await
        .unwrap();
    for (mock, algs) in [(&es256_only, &["ES256"][..]), (&full, &["ES256", "RS256"])] {
        let response = http().get(format!("{}/jwks", mock.issuer())).send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "public, max-age=600");
        let jwks: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(jwks, mock.jwks());
        let keys = jwks["keys"].as_array().unwrap();
        let published: Vec<&str> = keys.iter().map(|key| key["alg"].as_str().unwrap()).collect();
        assert_eq!(published, algs);
        for key in keys {
            assert!(key.get("d").is_none() && key.get("p").is_none(), "no private part");
            assert_eq!(key["use"], "sig");
            assert!(
                key["kid"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("pkcs11:{}:hsm", key["alg"].as_str().unwrap()))
            );
        }
    }
}

#[tokio::test]
async fn id_token_passes_an_independent_check() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let object = tokens.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["access_token", "expires_in", "id_token", "scope", "token_type"]);
    assert_eq!(tokens["expires_in"], 60);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "openid profile birth email");

    let id_token = tokens["id_token"].as_str().unwrap();
    let header = josekit::jwt::decode_header(id_token).unwrap();
    assert_eq!(header.claim("alg").unwrap(), "ES256");
    assert!(header.claim("typ").is_none());
    assert_eq!(
        header_names(id_token),
        ["alg", "kid"],
        "the platform's JWS header: alg and kid only"
    );
    let claims = verify(&fetch_jwks(&mock).await, id_token).unwrap();
    assert_eq!(claims["iss"], mock.issuer());
    assert_eq!(claims["aud"], "app");
    assert_eq!(claims["nonce"], NONCE);
    assert_eq!(claims["acr"], "eidas1");
    let iat = claims["iat"].as_u64().unwrap();
    assert_eq!(claims["exp"].as_u64().unwrap(), iat + 60);
    assert!(claims["auth_time"].as_u64().unwrap() <= iat);
    assert!(claims.get("amr").is_none(), "amr only when requested");
    let sub = claims["sub"].as_str().unwrap();
    assert_eq!(sub.len(), 66);
    assert!(sub.ends_with("v1") && sub[..64].chars().all(|c| c.is_ascii_hexdigit()));

    // Same person, another client: another sub. Same client again: same sub.
    let other = login(&mock, "other", "eidas1", &[]).await;
    let other_claims = verify(&fetch_jwks(&mock).await, other["id_token"].as_str().unwrap()).unwrap();
    assert_ne!(other_claims["sub"], claims["sub"]);
    let again = login(&mock, "app", "eidas1", &[]).await;
    assert_eq!(peek(again["id_token"].as_str().unwrap())["sub"], claims["sub"]);
}

#[tokio::test]
async fn sub_is_stable_across_restarts() {
    let first = fc_mock().await;
    first.auto_approve(Some("accents"), None);
    let a = login(&first, "app", "eidas1", &[]).await;
    first.shutdown().await;
    let second = fc_mock().await;
    second.auto_approve(Some("accents"), None);
    let b = login(&second, "app", "eidas1", &[]).await;
    assert_eq!(
        peek(a["id_token"].as_str().unwrap())["sub"],
        peek(b["id_token"].as_str().unwrap())["sub"]
    );
}

#[tokio::test]
async fn amr_only_when_requested_through_claims() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let jwks = fetch_jwks(&mock).await;
    for claims_param in [
        r#"{"id_token":{"amr":{"essential":true}}}"#,
        r#"{"id_token":{"amr":null}}"#,
    ] {
        let tokens = login(&mock, "app", "eidas1", &[("claims", claims_param)]).await;
        let claims = verify(&jwks, tokens["id_token"].as_str().unwrap()).unwrap();
        let amr: Vec<&str> = claims["amr"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert!(amr.contains(&"fc"), "{amr:?}");
    }
    let tokens = login(&mock, "app", "eidas1", &[("claims", r#"{"userinfo":{"email":null}}"#)]).await;
    assert!(peek(tokens["id_token"].as_str().unwrap()).get("amr").is_none());
}

#[tokio::test]
async fn rs256_client_is_signed_with_the_rsa_key() {
    let mock = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app").signing_alg(SigningAlg::RS256))
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    assert_eq!(
        josekit::jwt::decode_header(id_token).unwrap().claim("alg").unwrap(),
        "RS256"
    );
    let jwks = fetch_jwks(&mock).await;
    assert_eq!(
        jwks.keys().len(),
        2,
        "the RS256 key, made for the client that signs with it"
    );
    assert_eq!(verify(&jwks, id_token).unwrap()["aud"], "app");
    // Another mock of the process publishes its own kids: this one's
    // tokens are not its.
    let other = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app").signing_alg(SigningAlg::RS256))
        .start()
        .await
        .unwrap();
    assert_eq!(verify(&fetch_jwks(&other).await, id_token).unwrap_err(), "unknown kid");
    let (status, content_type, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!((status, content_type.as_str()), (200, "application/jwt"));
    assert_eq!(
        josekit::jwt::decode_header(&body).unwrap().claim("alg").unwrap(),
        "RS256"
    );
    verify(&jwks, &body).unwrap();
}

#[tokio::test]
async fn rs256_is_refused_on_fcplus_and_rsa_oaep_256_on_fc() {
    let error = MockProvider::new(Platform::FranceConnectPlus)
        .client(fc_client("app").signing_alg(SigningAlg::RS256))
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("ES256"), "{error}");
    let error = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app").encryption(
            franceconnect_mock::EncryptionAlg::RsaOaep256,
            franceconnect_mock::ClientKeys::Inline(serde_json::json!({"keys": []})),
        ))
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("ECDH-ES or RSA-OAEP only"), "{error}");
}

/// Userinfo for `scope` as identity `identity`: the verified claims.
async fn userinfo_claims(scope: &str, identity: &str) -> serde_json::Map<String, Value> {
    let mock = fc_mock().await;
    mock.auto_approve(Some(identity), None);
    let tokens = login(&mock, "app", "eidas1", &[("scope", scope)]).await;
    let (status, content_type, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "application/jwt");
    let jwks = fetch_jwks(&mock).await;
    let claims = verify(&jwks, &body).unwrap();
    let id_claims = verify(&jwks, tokens["id_token"].as_str().unwrap()).unwrap();
    assert_eq!(claims["sub"], id_claims["sub"]);
    assert_eq!(claims["iss"], mock.issuer());
    assert_eq!(claims["aud"], "app");
    assert!(claims.contains_key("iat") && claims.contains_key("exp"));
    assert!(!claims.contains_key("nonce") && !claims.contains_key("acr"));
    claims
}

#[tokio::test]
async fn userinfo_profile_scope() {
    let claims = userinfo_claims("openid profile", "usage").await;
    assert_eq!(
        names(&claims),
        [
            "birthdate",
            "family_name",
            "gender",
            "given_name",
            "given_name_array",
            "preferred_username"
        ]
    );
    assert_eq!(claims["preferred_username"], "LEMAIRE");
    assert_eq!(claims["given_name_array"], serde_json::json!(["Nathalie", "Anne"]));
}

#[tokio::test]
async fn userinfo_identite_pivot_scope() {
    let claims = userinfo_claims("openid identite_pivot", "date-presumee").await;
    assert_eq!(
        names(&claims),
        [
            "birthcountry",
            "birthdate",
            "birthplace",
            "family_name",
            "gender",
            "given_name",
            "given_name_array"
        ]
    );
    assert_eq!(claims["birthdate"], "1955-01-01");
}

#[tokio::test]
async fn idp_birthdate_needs_its_own_scope() {
    let claims = userinfo_claims("openid birthdate", "date-presumee").await;
    assert_eq!(names(&claims), ["birthdate"]);
    let claims = userinfo_claims("openid birthdate idp_birthdate", "date-presumee").await;
    assert_eq!(names(&claims), ["birthdate", "idp_birthdate"]);
    assert_eq!(claims["birthdate"], "1955-01-01");
    assert_eq!(claims["idp_birthdate"], "1955-00-00");
    let claims = userinfo_claims("openid given_name", "prenoms-composes").await;
    assert_eq!(names(&claims), ["given_name", "given_name_array"]);
}

/// Every scope a FranceConnect service may ask for identity claims.
const EVERY_FC_SCOPE: &str = "openid identite_pivot email preferred_username idp_birthdate idp_id";

#[tokio::test]
async fn a_european_citizen_gets_what_the_eidas_bridge_sends() {
    let mock = fc_mock().await;
    let jwks = fetch_jwks(&mock).await;
    for (identity, expected) in [
        (
            "eidas-italie",
            serde_json::json!({
                "given_name": "Niccolò Andrea", "family_name": "Dell'Acqua",
                "preferred_username": "Dell'Acqua", "birthdate": "1986-04-23",
                "gender": "male", "birthplace": "Milano",
                "idp_id": "1f4d6633-d853-43c6-b461-ce54fdc19bff",
            }),
        ),
        (
            // No gender sent: the claim is absent, not empty.
            "eidas-espagne",
            serde_json::json!({
                "given_name": "javiér josé", "family_name": "Garçia",
                "preferred_username": "Garçia", "birthdate": "1979-11-30",
                "birthplace": "Place of Birth",
                "idp_id": "1f4d6633-d853-43c6-b461-ce54fdc19bff",
            }),
        ),
    ] {
        mock.auto_approve(Some(identity), None);
        let tokens = login(
            &mock,
            "app",
            "eidas1",
            &[
                ("scope", EVERY_FC_SCOPE),
                ("claims", r#"{"id_token":{"amr":{"essential":true}}}"#),
            ],
        )
        .await;
        let id_claims = verify(&jwks, &id_token(&tokens)).unwrap();
        assert_eq!(id_claims["acr"], "eidas1", "{identity}");
        assert_eq!(id_claims["amr"], serde_json::json!(["eidas"]), "{identity}");
        let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
        let mut info = verify(&jwks, &body).unwrap();
        for claim in ["iss", "aud", "sub", "iat", "exp"] {
            info.remove(claim);
        }
        // Neither birthcountry, email, given_name_array nor idp_birthdate,
        // although the scopes ask for them.
        assert_eq!(Value::Object(info), expected, "{identity}");
    }
}

#[tokio::test]
async fn idp_id_names_the_identity_provider_on_its_own_scope() {
    for (identity, idp_id) in [
        ("default", "8dfc4080-c90d-4234-969b-f6c961de3e90"),
        ("usage", "07e573f2-3312-4bb9-bc48-6fcec737e497"),
        ("sans-email", "3189d655-0c78-4ff7-9758-f3a3ac36dd7e"),
        ("eidas-portugal", "1f4d6633-d853-43c6-b461-ce54fdc19bff"),
    ] {
        let claims = userinfo_claims("openid idp_id", identity).await;
        assert_eq!(names(&claims), ["idp_id"], "{identity}");
        assert_eq!(claims["idp_id"], idp_id, "{identity}");
        // A later login may name it in `idp_hint`.
        assert!(
            franceconnect_mock::IDENTITY_PROVIDERS
                .iter()
                .any(|(id, _)| *id == idp_id),
            "{identity}"
        );
        let claims = userinfo_claims("openid identite_pivot email", identity).await;
        assert!(claims.get("idp_id").is_none(), "{identity}: only on its scope");
    }
    // The register's identity on FranceConnect, whatever the provider's
    // spelling (FranceConnect+ only).
    let claims = userinfo_claims("openid identite_pivot", "prenoms-composes").await;
    assert_eq!(claims["given_name"], "Jean-Pierre Marie");
    assert_eq!(claims["family_name"], "LEBRETON");
}

#[tokio::test]
async fn unknown_acr_values_give_the_default_level() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    for acr_values in ["foo", "foo eidas1"] {
        let tokens = login(&mock, "app", acr_values, &[]).await;
        assert_eq!(
            peek(tokens["id_token"].as_str().unwrap())["acr"],
            "eidas1",
            "{acr_values}"
        );
    }
    for acr_values in ["eidas2", "eidas3 foo"] {
        let response = authorize(&mock, "app", acr_values, &[]).await;
        let params = error_sent_to_callback(&mock, &response, "invalid_acr", acr_values);
        assert!(params["error_description"].contains("expected eidas1"));
    }
}

#[tokio::test]
async fn userinfo_email_scope_and_unknown_scopes() {
    let claims = userinfo_claims("openid email unknown_scope", "default").await;
    assert_eq!(names(&claims), ["email"]);
    let claims = userinfo_claims("openid email", "sans-email").await;
    assert!(names(&claims).is_empty(), "no email claim for someone without one");
    let claims = userinfo_claims("openid birth", "espagne").await;
    assert_eq!(claims["birthplace"], "");
    assert_eq!(claims["birthcountry"], "99134");
}

#[tokio::test]
async fn unknown_scopes_are_left_out_of_the_token_response() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[("scope", "openid foo given_name")]).await;
    assert_eq!(tokens["scope"], "openid given_name");
}

#[tokio::test]
async fn login_page_then_login() {
    let mock = fc_mock().await;
    let page = login_page(&mock, "eidas1").await;
    assert!(page.contains("Se connecter") && page.contains("Annuler"));
    assert!(page.contains("D&#39;ARTOIS"), "names are escaped");
    assert!(page.contains(r#"<option value="eidas1" selected>"#));
    assert!(!page.contains("eidas2"), "FranceConnect offers eidas1 only");
    let action = attribute(&page, "action");
    assert!(action.ends_with("/login"));
    let response = submit(&mock, &action, "corse-du-sud", "eidas1").await;
    let params = redirected_to_callback(&mock, &response, "the login form");
    let (status, tokens, headers) = redeem(&mock, "app", &params["code"], CALLBACK).await;
    assert_eq!(status, 200);
    assert_eq!(headers["cache-control"], "no-store");
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(peek(&body)["birthplace"], "2A004");

    // The interaction is single-use.
    let response = submit(&mock, &action, "default", "eidas1").await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn login_page_cancel_gives_access_denied() {
    let mock = fc_mock().await;
    let page = login_page(&mock, "eidas1").await;
    let abort = attribute(&page, "formaction");
    assert!(abort.ends_with("/abort"));
    let response = submit(&mock, &abort, "default", "eidas1").await;
    let params = error_sent_to_callback(&mock, &response, "access_denied", "cancel");
    assert!(!params["error_description"].is_empty());
}

#[tokio::test]
async fn logout_redirects_to_the_registered_uri_with_state() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let response = end_session(
        &mock,
        &[
            ("id_token_hint", &id_token(&tokens)),
            ("state", "logout-state-0123456789abcdef"),
            ("post_logout_redirect_uri", LOGOUT),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let (base, params) = location_params(&response);
    assert_eq!(base, LOGOUT);
    assert_eq!(params["state"], "logout-state-0123456789abcdef");
    // The provider session is over: the access token no longer works.
    let (status, _, _) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn logout_without_post_logout_uri_ends_on_the_confirmation_page() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let response = end_session(&mock, &[("id_token_hint", &id_token(&tokens))]).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("location").is_none());
    let page = response.text().await.unwrap();
    assert!(page.contains(r#"<html lang="fr">"#) && page.contains("Vous êtes déconnecté"));
    let (status, _, _) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401, "the provider session is over");
}

#[tokio::test]
async fn identities_can_be_replaced() {
    let mut people = franceconnect_mock::Identity::defaults();
    people.truncate(2);
    people.reverse();
    let path = std::env::temp_dir().join(format!("fc-mock-identities-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_string(&people).unwrap()).unwrap();
    let loaded = franceconnect_mock::Identity::load_file(&path).unwrap();
    assert_eq!(loaded, people);
    let mock = MockProvider::new(Platform::FranceConnect)
        .client(Client::new("app", "app-secret", CALLBACK, LOGOUT))
        .identities_file(&path)
        .unwrap()
        .start()
        .await
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(mock.identities()[0].id, "usage");
    mock.auto_approve(None, Some(Eidas::Eidas1));
    let tokens = login(&mock, "app", "eidas1", &[("scope", "openid family_name")]).await;
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(
        peek(&body)["family_name"],
        "FOURNIER",
        "the first identity is the default"
    );
}
