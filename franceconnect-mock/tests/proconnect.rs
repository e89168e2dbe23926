//! ProConnect: discovery, the whole flow checked independently (login page,
//! tokens with a refresh token, userinfo signed or plain), the scopes and
//! their claims, refresh, revocation, logout, scenarios and the binary.

mod common;

use common::*;
use franceconnect_mock::{Agent, Client, ClientKeys, EncryptionAlg, MockProvider, Platform, SigningAlg, Tamper};
use serde_json::{Value, json};

/// The default agent of the embedded set.
fn default_agent() -> Agent {
    Agent::defaults().into_iter().next().unwrap()
}

/// An agent of the embedded set by id.
fn agent(id: &str) -> Agent {
    Agent::defaults().into_iter().find(|a| a.id == id).unwrap()
}

#[tokio::test]
async fn platform_names_and_issuer() {
    for name in ["pc", "ProConnect", "agentconnect"] {
        assert_eq!(name.parse::<Platform>(), Ok(Platform::ProConnect), "{name}");
    }
    assert_eq!(Platform::ProConnect.display_name(), "ProConnect");
    assert_eq!(
        Platform::ProConnect.sandbox_issuer(),
        "https://fca.integ01.dev-agentconnect.fr/api/v2"
    );
    assert!("pcplus".parse::<Platform>().unwrap_err().contains("pc"));
}

#[tokio::test]
async fn discovery_matches_proconnect() {
    let mock = pc_mock().await;
    let issuer = mock.issuer();
    assert!(issuer.ends_with("/api/v2"));
    let doc = discovery_document(&issuer).await;
    assert_endpoints_under_issuer(&doc, &issuer, "ProConnect");
    assert_eq!(
        doc["acr_values_supported"],
        json!([
            "eidas0",
            "eidas0-mfa",
            "eidas1",
            "eidas1-mfa",
            "eidas2",
            "eidas3",
            "https://proconnect.gouv.fr/assurance/certification-dirigeant"
        ])
    );
    assert_eq!(doc["claims_parameter_supported"], true);
    assert_eq!(doc["subject_types_supported"], json!(["public"]));
    assert_eq!(doc["id_token_signing_alg_values_supported"], json!(["ES256", "RS256"]));
    assert_eq!(doc["userinfo_signing_alg_values_supported"], json!(["ES256", "RS256"]));
    assert_eq!(
        doc["token_endpoint_auth_methods_supported"],
        json!(["client_secret_post", "private_key_jwt"])
    );
    assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
    assert_eq!(
        doc["grant_types_supported"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(doc["response_types_supported"], json!(["code"]));
    assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    let mut scopes: Vec<&str> = doc["scopes_supported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    scopes.sort_unstable();
    assert_eq!(
        scopes,
        [
            "belonging_population",
            "chorusdt",
            "custom",
            "email",
            "given_name",
            "idp_acr",
            "idp_id",
            "openid",
            "organization_label",
            "organizational_unit",
            "phone",
            "roles",
            "siren",
            "siret",
            "uid",
            "usual_name"
        ]
    );
    let claims = doc["claims_supported"].as_array().unwrap();
    for claim in [
        "sub",
        "usual_name",
        "phone_number",
        "chorusdt:matricule",
        "chorusdt:societe",
        "idp_acr",
        "roles",
        "custom",
        "acr",
        "amr",
        "sid",
        "auth_time",
    ] {
        assert!(claims.contains(&claim.into()), "{claim}");
    }
    assert!(!claims.contains(&"family_name".into()));
    for name in ["id_token", "userinfo"] {
        assert!(doc.get(format!("{name}_encryption_alg_values_supported")).is_none());
    }
    // Its client signs with ES256: the RS256 key is not made.
    assert_eq!(fetch_jwks(&mock).await.keys().len(), 1, "the ES256 key");
}

#[tokio::test]
async fn full_login_through_the_page() {
    let mock = pc_mock().await;
    let all_scopes = "openid given_name usual_name email uid siret siren organizational_unit \
                      belonging_population phone chorusdt idp_id idp_acr custom roles organization_label";
    let response = pc_authorize(&mock, "app", &[("scope", all_scopes)]).await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("Claire Dumoulin") && page.contains("Ministère de l&#39;Exemple"));
    assert!(page.contains("Nadia Ferrand"), "every agent is listed");
    assert!(
        page.contains(r#"type="checkbox" name="mfa""#),
        "the MFA step can be chosen"
    );
    assert!(
        page.contains(r#"value="agent-etat" checked"#),
        "the default agent is preselected"
    );
    let action = attribute(&page, "action");
    let response = submit_agent(&mock, &action, "agent-etat", false).await;
    assert!(session_cookie(&response).is_some(), "a single sign-on session opens");
    let params = redirected_to_callback(&mock, &response, "the login form");
    let (status, tokens, headers) = redeem(&mock, "app", &params["code"], CALLBACK).await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(headers["cache-control"], "no-store");
    let mut keys: Vec<&str> = tokens.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "access_token",
            "expires_in",
            "id_token",
            "refresh_token",
            "scope",
            "token_type"
        ]
    );
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(
        tokens["scope"],
        all_scopes.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    assert!(tokens["refresh_token"].as_str().unwrap().len() >= 43);

    let jwks = fetch_jwks(&mock).await;
    let claims = verify(&jwks, &id_token(&tokens)).unwrap();
    let expected = default_agent();
    assert_eq!(claims["sub"], expected.sub.as_str());
    assert_eq!(claims["acr"], "eidas1");
    assert_eq!(claims["nonce"], NONCE);
    assert_eq!(claims["iss"], mock.issuer());
    assert_eq!(claims["aud"], "app");
    assert_eq!(claims["exp"].as_u64().unwrap(), claims["iat"].as_u64().unwrap() + 3600);
    assert!(claims["auth_time"].is_u64());
    assert!(claims["sid"].as_str().is_some_and(|sid| !sid.is_empty()));
    assert!(claims.get("amr").is_none(), "amr only when asked");
    assert_eq!(header_names(&id_token(&tokens)), ["alg", "kid"]);

    let (status, content_type, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!((status, content_type.as_str()), (200, "application/jwt"));
    let info = verify(&jwks, &body).unwrap();
    assert_eq!(info["sub"], claims["sub"]);
    assert_eq!(info["iss"], mock.issuer());
    assert_eq!(info["aud"], "app");
    assert!(info["iat"].is_u64() && info["exp"].is_u64());
    assert_eq!(
        names(&info),
        [
            "belonging_population",
            "chorusdt:matricule",
            "chorusdt:societe",
            "custom",
            "email",
            "given_name",
            "idp_acr",
            "idp_id",
            "organization_label",
            "organizational_unit",
            "phone_number",
            "roles",
            "siren",
            "siret",
            "uid",
            "usual_name"
        ]
    );
    assert_eq!(info["phone_number"], "+33 1 23 45 67 89");
    assert_eq!(info["chorusdt:matricule"], "0012345678");
    assert_eq!(info["chorusdt:societe"], "CEXE");
    assert_eq!(info["usual_name"], "Dumoulin");
    assert_eq!(info["siret"], "11005008528321");
    assert_eq!(info["idp_acr"], "eidas1");
    assert_eq!(info["idp_id"], expected.idp_id.as_str());
    assert_eq!(info["roles"], json!(["agent_public", "agent_public_etat"]));
    assert_eq!(info["custom"], json!({}));
    assert!(!info.contains_key("acr") && !info.contains_key("nonce"));
}

#[tokio::test]
async fn sub_is_the_same_for_every_service() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-territorial"), None);
    let app = id_claims(&mock, &pc_login(&mock, "app", &[]).await).await;
    let other = id_claims(&mock, &pc_login(&mock, "other", &[]).await).await;
    assert_eq!(app["sub"], other["sub"]);
    assert_eq!(app["sub"], agent("agent-territorial").sub.as_str());
}

#[tokio::test]
async fn userinfo_is_plain_json_for_a_client_without_userinfo_signature() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let tokens = pc_login(&mock, "plain", &[("scope", "openid email phone")]).await;
    let (status, content_type, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let info: Value = serde_json::from_str(&body).unwrap();
    let mut keys: Vec<&str> = info.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["email", "phone_number", "sub"]);
    assert_eq!(info["sub"], default_agent().sub.as_str());
    // The ID token is signed all the same.
    verify(&fetch_jwks(&mock).await, &id_token(&tokens)).unwrap();
}

#[tokio::test]
async fn claims_the_agent_lacks_are_absent() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-hospitalier"), None);
    let tokens = pc_login(
        &mock,
        "app",
        &[(
            "scope",
            "openid siren organizational_unit phone chorusdt belonging_population custom unknown_scope",
        )],
    )
    .await;
    assert_eq!(
        tokens["scope"], "openid siren organizational_unit phone chorusdt belonging_population custom",
        "unknown scopes are dropped"
    );
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    let info = verify(&fetch_jwks(&mock).await, &body).unwrap();
    assert_eq!(names(&info), ["belonging_population", "custom"]);
    assert_eq!(info["belonging_population"], "personnel soignant");

    mock.auto_approve(Some("agent-territorial"), None);
    let tokens = pc_login(&mock, "app", &[("scope", "openid custom idp_acr")]).await;
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    let info = peek(&body);
    assert_eq!(info["custom"]["matricule_rh"], "T-4821");
    assert_eq!(
        info["idp_acr"], "https://idp.agglo-exemple.example/acr/mot-de-passe",
        "idp_acr is the raw value"
    );
}

#[tokio::test]
async fn a_malformed_phone_number_is_dropped() {
    let mut agents = Agent::defaults();
    agents[0].phone_number = Some("01.23.45.67.89".into());
    let mock = MockProvider::new(Platform::ProConnect)
        .client(pc_client("app"))
        .agents(agents)
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("agent-etat"), None);
    let tokens = pc_login(&mock, "app", &[("scope", "openid phone email")]).await;
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(names(&peek(&body)), ["email"]);
}

#[tokio::test]
async fn refresh_tokens_rotate() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let tokens = pc_login(&mock, "app", &[]).await;
    let first = id_claims(&mock, &tokens).await;
    let refresh = |token: String, client: &'static str| {
        let url = format!("{}/token", mock.issuer());
        async move {
            let response = http()
                .post(url)
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &token),
                    ("client_id", client),
                    ("client_secret", &format!("{client}-secret")),
                ])
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (
                status,
                serde_json::from_str::<Value>(&response.text().await.unwrap()).unwrap(),
            )
        }
    };
    let old = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, body) = refresh(old.clone(), "other").await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "another client's"
    );
    let (status, renewed) = refresh(old.clone(), "app").await;
    assert_eq!(status, 200, "{renewed}");
    assert_eq!(renewed["expires_in"], 3600);
    assert_ne!(renewed["refresh_token"], tokens["refresh_token"]);
    assert_ne!(renewed["access_token"], tokens["access_token"]);
    let again = id_claims(&mock, &renewed).await;
    for claim in ["sub", "auth_time", "nonce", "acr", "sid"] {
        assert_eq!(again[claim], first[claim], "{claim}");
    }
    let (status, _, _) = userinfo(&mock, renewed["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    // The old one is retired.
    let (status, body) = refresh(old, "app").await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "grant request is invalid");

    // FranceConnect has no refresh tokens.
    let fc = fc_mock().await;
    let response = http()
        .post(format!("{}/token", fc.issuer()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", "x"),
            ("client_id", "app"),
            ("client_secret", "app-secret"),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn revocation_on_proconnect() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let tokens = pc_login(&mock, "app", &[]).await;
    let revoke = |token: &str, hint: Option<&str>| {
        let mut form = vec![
            ("token", token.to_owned()),
            ("client_id", "app".to_owned()),
            ("client_secret", "app-secret".to_owned()),
        ];
        if let Some(hint) = hint {
            form.push(("token_type_hint", hint.to_owned()));
        }
        let url = format!("{}/token/revocation", mock.issuer());
        async move { http().post(url).form(&form).send().await.unwrap().status().as_u16() }
    };
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        revoke(access, Some("access_token")).await,
        200,
        "token_type_hint is accepted"
    );
    let (status, _, _) = userinfo(&mock, access).await;
    assert_eq!(status, 401, "the access token is revoked");
    let refresh = tokens["refresh_token"].as_str().unwrap();
    assert_eq!(revoke(refresh, None).await, 200);
    let response = http()
        .post(format!("{}/token", mock.issuer()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", "app"),
            ("client_secret", "app-secret"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400, "the refresh token is revoked");
    assert_eq!(mock.live_access_tokens(), 0);
}

#[tokio::test]
async fn logout_on_proconnect() {
    let mock = pc_mock().await;
    let page = pc_authorize(&mock, "app", &[]).await.text().await.unwrap();
    let response = submit_agent(&mock, &attribute(&page, "action"), "agent-etat", false).await;
    let cookie = session_cookie(&response).unwrap();
    let params = redirected_to_callback(&mock, &response, "login");
    let (_, tokens, _) = redeem(&mock, "app", &params["code"], CALLBACK).await;

    // Unregistered post-logout URI: ProConnect's page Y030111.
    let response = http()
        .get(format!("{}/session/end", mock.issuer()))
        .query(&[
            ("id_token_hint", id_token(&tokens).as_str()),
            ("post_logout_redirect_uri", "http://127.0.0.1:1/ailleurs"),
        ])
        .send()
        .await
        .unwrap();
    assert_pc_error_page(response, "Y030111", "unregistered post_logout_redirect_uri").await;

    let response = http()
        .get(format!("{}/session/end", mock.issuer()))
        .header("cookie", &cookie)
        .query(&[
            ("id_token_hint", id_token(&tokens).as_str()),
            ("state", "logout-state-0123456789abcdef"),
            ("post_logout_redirect_uri", LOGOUT),
            ("ui_locales", "fr"),
            ("unknown", "ignored"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let cleared = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cleared.starts_with("pc_session_id=;") && cleared.contains("Max-Age=0"));
    let (base, params) = location_params(&response);
    assert_eq!(base, LOGOUT);
    assert_eq!(params["state"], "logout-state-0123456789abcdef");
    let (status, _, _) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401, "the tokens of the session are over");
    // The session is over: the browser's cookie no longer logs in.
    let response = authorize_with_cookie(&pc_authorize_url(&mock, "app", &[]), &cookie).await;
    assert_eq!(response.status(), 200, "the login page again");

    // client_id may stand for the hint; with neither, no return address.
    let response = end_session(&mock, &[("client_id", "app"), ("post_logout_redirect_uri", LOGOUT)]).await;
    assert_eq!(response.status(), 303);
    let response = end_session(&mock, &[("post_logout_redirect_uri", LOGOUT)]).await;
    assert_eq!(response.status(), 400);
    let response = end_session(&mock, &[]).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Vous êtes déconnecté"));
}

#[tokio::test]
async fn tamper_scenarios_work_on_proconnect() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let jwks = fetch_jwks(&mock).await;

    mock.set_tamper(Some(Tamper::BadSignature));
    let token = id_token(&pc_login(&mock, "app", &[]).await);
    assert!(verify(&jwks, &token).is_err());

    mock.set_tamper(Some(Tamper::WrongIssuer));
    let claims = verify(&jwks, &id_token(&pc_login(&mock, "app", &[]).await)).unwrap();
    assert_eq!(claims["iss"], "https://fca.integ01.dev-agentconnect.fr/api/v2");

    mock.set_tamper(Some(Tamper::UserinfoSubMismatch));
    let tokens = pc_login(&mock, "app", &[]).await;
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    let info = verify(&jwks, &body).unwrap();
    let sub = info["sub"].as_str().unwrap();
    assert_ne!(sub, default_agent().sub);
    assert_eq!((sub.len(), &sub[14..15]), (36, "4"), "still a UUID v4: {sub}");

    mock.set_tamper(Some(Tamper::UserinfoWrongAudience));
    let tokens = pc_login(&mock, "app", &[]).await;
    let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_ne!(verify(&jwks, &body).unwrap()["aud"], "app");

    mock.set_tamper(Some(Tamper::UserinfoUnsigned));
    let tokens = pc_login(&mock, "app", &[]).await;
    let (_, content_type, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(content_type, "application/jwt");
    assert!(body.ends_with('.') && verify(&jwks, &body).is_err());

    mock.set_tamper(Some(Tamper::UserinfoPlainJson));
    let tokens = pc_login(&mock, "app", &[]).await;
    let (_, content_type, _) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert!(content_type.starts_with("application/json"));

    mock.set_tamper(Some(Tamper::MissingNonce));
    let claims = verify(&jwks, &id_token(&pc_login(&mock, "app", &[]).await)).unwrap();
    assert!(claims.get("nonce").is_none());
}

#[tokio::test]
async fn acr_value_override_on_every_platform() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    mock.set_acr_value_override(Some("urn:valeur:inconnue"));
    let claims = id_claims(&mock, &pc_login(&mock, "app", &[]).await).await;
    assert_eq!(claims["acr"], "urn:valeur:inconnue");
    mock.set_acr_value_override(None);
    let claims = id_claims(&mock, &pc_login(&mock, "app", &[]).await).await;
    assert_eq!(claims["acr"], "eidas1");

    let fc = fc_mock().await;
    fc.auto_approve(Some("default"), None);
    fc.set_acr_override(Some(franceconnect_mock::Eidas::Eidas2));
    fc.set_acr_value_override(Some("eidas9"));
    let tokens = login(&fc, "app", "eidas1", &[]).await;
    assert_eq!(peek(&id_token(&tokens))["acr"], "eidas9", "the string wins");
    fc.reset();
    fc.auto_approve(Some("default"), None);
    let tokens = login(&fc, "app", "eidas1", &[]).await;
    assert_eq!(peek(&id_token(&tokens))["acr"], "eidas1", "reset turns it off");
}

#[tokio::test]
async fn rs256_client_on_proconnect() {
    let mock = MockProvider::new(Platform::ProConnect)
        .client(pc_client("app").signing_alg(SigningAlg::RS256))
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("agent-etat"), None);
    let tokens = pc_login(&mock, "app", &[]).await;
    let token = id_token(&tokens);
    assert_eq!(
        josekit::jwt::decode_header(&token).unwrap().claim("alg").unwrap(),
        "RS256"
    );
    verify(&fetch_jwks(&mock).await, &token).unwrap();
}

#[tokio::test]
async fn registrations_proconnect_does_not_have_are_refused() {
    let encrypted = MockProvider::new(Platform::ProConnect)
        .client(pc_client("app").encryption(EncryptionAlg::EcdhEs, ClientKeys::Inline(json!({"keys": []}))))
        .start()
        .await
        .unwrap_err();
    assert!(encrypted.to_string().contains("does not encrypt"), "{encrypted}");
    let unsigned = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app").userinfo_unsigned())
        .start()
        .await
        .unwrap_err();
    assert!(unsigned.to_string().contains("always signs userinfo"), "{unsigned}");
    let public = MockProvider::new(Platform::FranceConnectPlus)
        .client(fc_client("app").public_only())
        .start()
        .await
        .unwrap_err();
    assert!(public.to_string().contains("ProConnect"), "{public}");
    let client = Client::new("a", "s", CALLBACK, LOGOUT);
    assert!(client.userinfo_signed && !client.public_only, "the defaults");
}

#[tokio::test]
async fn agents_can_be_replaced() {
    let mut agents = Agent::defaults();
    agents.reverse();
    let path = std::env::temp_dir().join(format!("pc-mock-agents-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_string(&agents).unwrap()).unwrap();
    assert_eq!(Agent::load_file(&path).unwrap(), agents);
    let mock = MockProvider::new(Platform::ProConnect)
        .client(pc_client("app"))
        .agents_file(&path)
        .unwrap()
        .start()
        .await
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(mock.agents()[0].id, "dirigeant");
    mock.auto_approve(None, Some(franceconnect_mock::Eidas::Eidas1));
    let claims = id_claims(&mock, &pc_login(&mock, "app", &[]).await).await;
    assert_eq!(
        claims["sub"],
        agent("dirigeant").sub.as_str(),
        "the first agent is the default"
    );

    mock.set_agents(vec![agent("agent-carte")]);
    let claims = id_claims(&mock, &pc_login(&mock, "app", &[]).await).await;
    assert_eq!(claims["sub"], agent("agent-carte").sub.as_str());
    assert_eq!(
        claims["acr"], "eidas1",
        "the level auto_approve gives is the identity provider's"
    );

    mock.auto_approve(Some("inconnu"), None);
    let response = pc_authorize(&mock, "app", &[]).await;
    assert_eq!(response.status(), 500);

    let mut invalid = Agent::defaults();
    invalid[0].siret = "12345678901234".into();
    let path = std::env::temp_dir().join(format!("pc-mock-bad-agents-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_string(&invalid).unwrap()).unwrap();
    let error = Agent::load_file(&path).unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert!(error.to_string().contains("SIRET"), "{error}");
}

#[tokio::test]
async fn the_page_cancel_gives_access_denied() {
    let mock = pc_mock().await;
    let page = pc_authorize(&mock, "app", &[]).await.text().await.unwrap();
    let response = submit_agent(&mock, &attribute(&page, "formaction"), "agent-etat", false).await;
    error_sent_to_callback(&mock, &response, "access_denied", "cancel");
    // An unknown agent is refused on the page.
    let page = pc_authorize(&mock, "app", &[]).await.text().await.unwrap();
    let response = submit_agent(&mock, &attribute(&page, "action"), "personne", false).await;
    assert_eq!(response.status(), 400);
}

#[cfg(feature = "cli")] // the binary exists with its feature only
#[tokio::test]
async fn the_binary_runs_proconnect() {
    let exe = env!("CARGO_BIN_EXE_franceconnect-mock");
    let help = std::process::Command::new(exe).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for text in [
        "proconnect",
        "--agent-mfa",
        "--userinfo-unsigned",
        "--public-only",
        "--identities",
    ] {
        assert!(help.contains(text), "--help mentions {text}");
    }
    let running = start_binary(
        &["--platform", "proconnect", "--auto-approve", "agent-carte"],
        "agents:",
    );
    let issuers = running.issuers();
    assert_eq!(issuers.len(), 1, "{:?}", running.printed);
    let doc = discovery_document(&issuers[0]).await;
    assert_eq!(doc["subject_types_supported"], json!(["public"]));
    assert_eq!(doc["acr_values_supported"].as_array().unwrap().len(), 7);
    let unknown = std::process::Command::new(exe)
        .args(["--platform", "pc", "--bind", "127.0.0.1:0", "--auto-approve", "default"])
        .output()
        .unwrap();
    assert!(!unknown.status.success(), "FranceConnect's identity is no agent");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown agent"));
}
