//! ProConnect's `/authorize`: its parameter checks and pages, the acr rules
//! of the `claims` parameter and the e-mail code, `prompt`, the hints, the
//! single sign-on session, PKCE and services open to public agents only.

mod common;

use std::time::Duration;

use common::*;
use franceconnect_mock::{Agent, Eidas, Endpoint};
use serde_json::json;

/// The `acr` of a headless login by `app` with `extra`.
async fn acr_of(mock: &franceconnect_mock::MockHandle, extra: &[(&str, &str)]) -> String {
    let tokens = pc_login(mock, "app", extra).await;
    id_claims(mock, &tokens).await["acr"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn bad_values_of_known_parameters_end_on_page_y000400() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let long_nonce = "n".repeat(513);
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("state", "")],
        vec![("client_id", "")],
        vec![("response_type", "")],
        vec![("scope", "")],
        vec![("redirect_uri", "")],
        vec![("redirect_uri", "pas-une-url")],
        vec![("nonce", long_nonce.as_str())],
        vec![("nonce", "nonce-accentué-0123456789")],
        vec![("login_hint", "pas-une-adresse")],
        vec![("siret_hint", "1234")],
        vec![("siret_hint", "110050085283210")],
    ];
    for extra in cases {
        let url = pc_authorize_url(&mock, "app", &extra);
        let response = http().get(&url).send().await.unwrap();
        assert_pc_error_page(response, "Y000400", &format!("{extra:?}")).await;
    }
    // An empty nonce, and a repeated known parameter.
    for url in [
        format!("{}&nonce=", pc_authorize_url(&mock, "app", &[("nonce", "")])),
        format!("{}&state={STATE}", pc_authorize_url(&mock, "app", &[])),
    ] {
        let response = http().get(&url).send().await.unwrap();
        assert_pc_error_page(response, "Y000400", &url).await;
    }
    // A repeated unknown parameter is ignored like any unknown one.
    let url = format!("{}&foo=1&foo=2", pc_authorize_url(&mock, "app", &[]));
    assert_eq!(http().get(&url).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn unknown_parameters_and_optional_ones_are_accepted() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    for extra in [
        vec![("ui_locales", "fr"), ("max_age", "0"), ("unknown", "x")],
        vec![("response_mode", "fragment")],
        vec![("acr_values", "eidas3 inconnu")],
        vec![("prompt", "login")],
        vec![("prompt", "consent login")],
        vec![("siret_hint", "11005008528321")],
        vec![("nonce", "")],
    ] {
        let response = pc_authorize(&mock, "app", &extra).await;
        let params = redirected_to_callback(&mock, &response, &format!("{extra:?}"));
        assert!(params.contains_key("code"), "{extra:?}");
    }
    // Without a nonce the ID token has none.
    let tokens = pc_login(&mock, "app", &[("nonce", "")]).await;
    assert!(id_claims(&mock, &tokens).await.get("nonce").is_none());
    // acr_values is never enforced.
    assert_eq!(acr_of(&mock, &[("acr_values", "eidas3")]).await, "eidas1");
}

#[tokio::test]
async fn unknown_client_and_unregistered_redirect_uri_pages() {
    let mock = pc_mock().await;
    let response = pc_authorize(&mock, "inconnu", &[]).await;
    let page = assert_pc_error_page(
        response,
        "oidc-provider-rendered-error:invalid_client",
        "unknown client",
    )
    .await;
    assert!(page.contains("client is invalid"));
    for uri in ["http://127.0.0.1:1/other", "http://127.0.0.1:1/callback/"] {
        let response = pc_authorize(&mock, "app", &[("redirect_uri", uri)]).await;
        assert_pc_error_page(response, "Y030031", uri).await;
    }
    // The client checks come before what goes back to the callback.
    let response = pc_authorize(&mock, "inconnu", &[("scope", "email")]).await;
    assert_pc_error_page(response, "oidc-provider-rendered-error:invalid_client", "bad scope too").await;
}

/// Extra authorize parameters, and the error and description the callback
/// must get.
type CallbackCase = (Vec<(&'static str, &'static str)>, &'static str, &'static str);

#[tokio::test]
async fn errors_after_the_client_checks_go_back_to_the_callback() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let cases: Vec<CallbackCase> = vec![
        (
            vec![("response_type", "inconnu")],
            "unsupported_response_type",
            "unsupported response_type requested",
        ),
        (
            vec![("scope", "email")],
            "invalid_request",
            "openid scope must be requested",
        ),
        (
            vec![("claims", "{pas du json")],
            "invalid_request",
            "could not parse the claims parameter JSON",
        ),
        (
            vec![("prompt", "select_account")],
            "invalid_request",
            "unsupported prompt value requested",
        ),
        (
            vec![("code_challenge", challenge)],
            "invalid_request",
            "plain code_challenge_method fallback disabled, code_challenge_method must be provided",
        ),
        (
            vec![("code_challenge", challenge), ("code_challenge_method", "plain")],
            "invalid_request",
            "not supported value of code_challenge_method",
        ),
        (
            vec![
                ("code_challenge", "Petit code challenge"),
                ("code_challenge_method", "S256"),
            ],
            "invalid_request",
            "code_challenge must be a string with a minimum length of 43 characters",
        ),
        (
            vec![
                ("code_challenge", "Code challenge accentué d'au moins 43 caractères"),
                ("code_challenge_method", "S256"),
            ],
            "invalid_request",
            "code_challenge contains invalid characters",
        ),
        (
            vec![("code_challenge_method", "S256")],
            "invalid_request",
            "code_challenge must be provided with code_challenge_method",
        ),
    ];
    for (extra, error, description) in cases {
        let response = pc_authorize(&mock, "app", &extra).await;
        let params = error_sent_to_callback(&mock, &response, error, &format!("{extra:?}"));
        assert_eq!(params["error_description"], description, "{extra:?}");
    }
}

#[tokio::test]
async fn pkce_s256_is_checked_at_the_token_endpoint() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let with_pkce = [("code_challenge", challenge), ("code_challenge_method", "S256")];
    let token = |code: String, verifier: Option<&'static str>| {
        let url = format!("{}/token", mock.issuer());
        async move {
            let mut form = vec![
                ("grant_type", "authorization_code".to_owned()),
                ("code", code),
                ("redirect_uri", CALLBACK.to_owned()),
                ("client_id", "app".to_owned()),
                ("client_secret", "app-secret".to_owned()),
            ];
            if let Some(verifier) = verifier {
                form.push(("code_verifier", verifier.to_owned()));
            }
            http().post(url).form(&form).send().await.unwrap().status().as_u16()
        }
    };
    let url = pc_authorize_url(&mock, "app", &with_pkce);
    assert_eq!(token(code(&mock, &url).await, Some(verifier)).await, 200);
    assert_eq!(
        token(
            code(&mock, &url).await,
            Some("mauvais-verifier-0123456789012345678901234")
        )
        .await,
        400
    );
    assert_eq!(
        token(code(&mock, &url).await, None).await,
        400,
        "the verifier is required"
    );
    let plain = pc_authorize_url(&mock, "app", &[]);
    assert_eq!(
        token(code(&mock, &plain).await, Some(verifier)).await,
        400,
        "a verifier without challenge"
    );
}

#[tokio::test]
async fn essential_acr_values_are_satisfied_by_the_identity_provider() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-carte"), None);
    let claims = essential_acr(&["eidas2", "eidas3"]);
    assert_eq!(acr_of(&mock, &[("claims", &claims)]).await, "eidas3");
    mock.auto_approve(Some("dirigeant"), None);
    let claims = essential_acr(&["https://proconnect.gouv.fr/assurance/certification-dirigeant"]);
    assert_eq!(
        acr_of(&mock, &[("claims", &claims)]).await,
        "https://proconnect.gouv.fr/assurance/certification-dirigeant"
    );
    // Without a requirement, the identity provider's level (an unlisted
    // one counts as eidas1).
    mock.auto_approve(Some("agent-autodeclare"), None);
    assert_eq!(acr_of(&mock, &[]).await, "eidas0");
    mock.auto_approve(Some("agent-territorial"), None);
    assert_eq!(acr_of(&mock, &[]).await, "eidas1");
    assert_eq!(
        acr_of(&mock, &[("claims", &essential_acr(&["eidas1"]))]).await,
        "eidas1"
    );
    // A level asked without `essential` requires nothing.
    let voluntary = json!({"id_token": {"acr": {"values": ["eidas3"]}}}).to_string();
    assert_eq!(acr_of(&mock, &[("claims", &voluntary)]).await, "eidas1");
}

#[tokio::test]
async fn mfa_levels_need_the_email_code() {
    let mock = pc_mock().await;
    let mfa = essential_acr(&["eidas0-mfa", "eidas1-mfa", "eidas2", "eidas3"]);
    let claims = json!({"id_token": {
        "acr": {"essential": true, "values": ["eidas0-mfa", "eidas1-mfa", "eidas2", "eidas3"]},
        "amr": null
    }})
    .to_string();
    mock.auto_approve(Some("agent-etat"), None);
    let response = pc_authorize(&mock, "app", &[("claims", &mfa)]).await;
    let params = error_sent_to_callback(&mock, &response, "access_denied", "no e-mail code");
    assert_eq!(params["error_description"], "requested ACRs could not be satisfied");

    mock.set_agent_mfa(true);
    let tokens = pc_login(&mock, "app", &[("claims", &claims)]).await;
    let id = id_claims(&mock, &tokens).await;
    assert_eq!(id["acr"], "eidas1-mfa");
    assert_eq!(id["amr"], json!(["pwd", "mail"]));
    // The code is not asked when the identity provider's level suffices.
    let tokens = pc_login(&mock, "app", &[("claims", r#"{"id_token":{"amr":null}}"#)]).await;
    let id = id_claims(&mock, &tokens).await;
    assert_eq!((id["acr"].as_str(), &id["amr"]), (Some("eidas1"), &json!(["pwd"])));

    // On the page: the self-asserted agent ticks the box.
    mock.auto_approve(None, None);
    mock.set_agent_mfa(false);
    let page = pc_authorize(&mock, "app", &[("claims", &mfa)])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("eidas0-mfa eidas1-mfa eidas2 eidas3"),
        "the required levels are shown"
    );
    let response = submit_agent(&mock, &attribute(&page, "action"), "agent-autodeclare", true).await;
    let params = redirected_to_callback(&mock, &response, "page with MFA");
    let (_, tokens, _) = redeem(&mock, "app", &params["code"], CALLBACK).await;
    assert_eq!(id_claims(&mock, &tokens).await["acr"], "eidas0-mfa");
    let page = pc_authorize(&mock, "app", &[("claims", &mfa)])
        .await
        .text()
        .await
        .unwrap();
    let response = submit_agent(&mock, &attribute(&page, "action"), "agent-autodeclare", false).await;
    error_sent_to_callback(&mock, &response, "access_denied", "page without MFA");
}

#[tokio::test]
async fn unsatisfiable_levels_are_access_denied() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    for claims in [
        essential_acr(&["eidas2", "eidas3"]),
        json!({"id_token": {"acr": {"essential": true, "value": "eidas2"}}}).to_string(),
        essential_acr(&["eidas0-mfa"]),
    ] {
        let response = pc_authorize(&mock, "app", &[("claims", &claims)]).await;
        let params = error_sent_to_callback(&mock, &response, "access_denied", &claims);
        assert_eq!(params["error_description"], "requested ACRs could not be satisfied");
    }
    // The e-mail code raises eidas1 to eidas1-mfa only, never eidas0-mfa.
    mock.set_agent_mfa(true);
    let response = pc_authorize(&mock, "app", &[("claims", &essential_acr(&["eidas0-mfa"]))]).await;
    error_sent_to_callback(&mock, &response, "access_denied", "eidas0-mfa for an eidas1 agent");
}

#[tokio::test]
async fn unknown_acr_values_are_filtered_and_value_works_too() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let claims = essential_acr(&[
        "inconnu",
        "https://proconnect.gouv.fr/assurance/self-asserted",
        "eidas1",
    ]);
    assert_eq!(acr_of(&mock, &[("claims", &claims)]).await, "eidas1");
    // Only unknown values: nothing is required.
    let claims = essential_acr(&["eidas9"]);
    assert_eq!(acr_of(&mock, &[("claims", &claims)]).await, "eidas1");
    let value = json!({"id_token": {"acr": {"essential": true, "value": "eidas1"}}}).to_string();
    assert_eq!(acr_of(&mock, &[("claims", &value)]).await, "eidas1");
    mock.auto_approve(Some("agent-carte"), None);
    let value = json!({"id_token": {"acr": {"essential": true, "value": "eidas3"}}}).to_string();
    assert_eq!(acr_of(&mock, &[("claims", &value)]).await, "eidas3");
}

#[tokio::test]
async fn silent_authentication() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let response = pc_authorize(&mock, "app", &[("prompt", "none")]).await;
    let params = error_sent_to_callback(&mock, &response, "login_required", "no session");
    assert_eq!(params["error_description"], "End-User authentication is required");
    for prompt in ["none login", "none consent"] {
        let response = pc_authorize(&mock, "app", &[("prompt", prompt)]).await;
        let params = error_sent_to_callback(&mock, &response, "invalid_request", prompt);
        assert_eq!(params["error_description"], "prompt none must only be used alone");
    }
    // A session opened an hour ago: a code straight away, its auth_time.
    mock.auto_approve(None, None);
    mock.set_sso_age(Duration::from_secs(3600));
    let tokens = pc_login(&mock, "app", &[("prompt", "none")]).await;
    let claims = id_claims(&mock, &tokens).await;
    assert_eq!(claims["sub"], Agent::defaults()[0].sub.as_str());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let auth_time = claims["auth_time"].as_u64().unwrap();
    assert!(auth_time <= now - 3590 && auth_time >= now - 3610, "{auth_time}");
    // prompt=login does not make ProConnect forget its session.
    let tokens = pc_login(&mock, "app", &[("prompt", "login")]).await;
    let again = id_claims(&mock, &tokens).await["auth_time"].as_u64().unwrap();
    assert!(again <= now - 3590, "{again}: still the session's");
}

#[tokio::test]
async fn the_session_cookie_gives_single_sign_on() {
    let mock = pc_mock().await;
    let page = pc_authorize(&mock, "app", &[]).await.text().await.unwrap();
    let response = submit_agent(&mock, &attribute(&page, "action"), "agent-etat", false).await;
    let cookie = session_cookie(&response).unwrap();
    let params = redirected_to_callback(&mock, &response, "first login");
    let (_, tokens, _) = redeem(&mock, "app", &params["code"], CALLBACK).await;
    let first = id_claims(&mock, &tokens).await;

    // Another service, same browser: no page, same session.
    let response = authorize_with_cookie(&pc_authorize_url(&mock, "other", &[("prompt", "none")]), &cookie).await;
    let params = redirected_to_callback(&mock, &response, "silent with the cookie");
    let (_, tokens, _) = redeem(&mock, "other", &params["code"], CALLBACK).await;
    let second = id_claims(&mock, &tokens).await;
    for claim in ["sub", "sid", "auth_time", "acr"] {
        assert_eq!(second[claim], first[claim], "{claim}");
    }
    // Not reused for another agent's e-mail, nor for eidas3.
    let other_agent = Agent::defaults()[1].email.clone();
    let response = authorize_with_cookie(
        &pc_authorize_url(&mock, "app", &[("login_hint", &other_agent)]),
        &cookie,
    )
    .await;
    assert_eq!(response.status(), 200, "the page for another login_hint");
    let response = authorize_with_cookie(
        &pc_authorize_url(&mock, "app", &[("claims", &essential_acr(&["eidas1", "eidas3"]))]),
        &cookie,
    )
    .await;
    assert_eq!(response.status(), 303, "eidas1 is met by the session");
    let response = authorize_with_cookie(
        &pc_authorize_url(&mock, "app", &[("claims", &essential_acr(&["eidas3"]))]),
        &cookie,
    )
    .await;
    assert_eq!(response.status(), 200, "eidas3 needs a new authentication");
    // An unknown cookie is no session.
    let response = authorize_with_cookie(
        &pc_authorize_url(&mock, "app", &[("prompt", "none")]),
        "pc_session_id=inconnu",
    )
    .await;
    error_sent_to_callback(&mock, &response, "login_required", "unknown cookie");
}

#[tokio::test]
async fn idp_hint() {
    let mock = pc_mock().await;
    let response = pc_authorize(&mock, "app", &[("idp_hint", "00000000-0000-4000-8000-000000000000")]).await;
    let params = error_sent_to_callback(&mock, &response, "idp_hint_not_found", "unknown idp");
    assert_eq!(params["error_description"], "provided idp_hint could not be found");
    // A known one: the page lists its agents only.
    let proconnect_identite = Agent::defaults()
        .into_iter()
        .find(|a| a.id == "salarie-prive")
        .unwrap()
        .idp_id;
    let page = pc_authorize(&mock, "app", &[("idp_hint", &proconnect_identite)])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Lucas Fernandes") && page.contains("Nadia Ferrand") && page.contains("Sylvie Perrin"));
    assert!(!page.contains("Claire Dumoulin"));
    // Automatic logins pick that provider's first agent.
    mock.auto_approve(None, Some(Eidas::Eidas1));
    let tokens = pc_login(&mock, "app", &[("idp_hint", &proconnect_identite)]).await;
    let agent = Agent::defaults()
        .into_iter()
        .find(|a| a.id == "agent-autodeclare")
        .unwrap();
    assert_eq!(id_claims(&mock, &tokens).await["sub"], agent.sub.as_str());
}

#[tokio::test]
async fn login_hint_picks_the_agent() {
    let mock = pc_mock().await;
    let hospital = Agent::defaults()
        .into_iter()
        .find(|a| a.id == "agent-hospitalier")
        .unwrap();
    let page = pc_authorize(&mock, "app", &[("login_hint", &hospital.email)])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"value="agent-hospitalier" checked"#), "preselected");
    assert!(!page.contains(r#"value="agent-etat" checked"#));
    mock.auto_approve(None, Some(Eidas::Eidas1));
    let tokens = pc_login(&mock, "app", &[("login_hint", &hospital.email)]).await;
    assert_eq!(id_claims(&mock, &tokens).await["sub"], hospital.sub.as_str());
    // A named agent wins over the hint.
    mock.auto_approve(Some("agent-etat"), None);
    let tokens = pc_login(&mock, "app", &[("login_hint", &hospital.email)]).await;
    assert_eq!(
        id_claims(&mock, &tokens).await["sub"],
        Agent::defaults()[0].sub.as_str()
    );
}

#[tokio::test]
async fn private_sector_users_are_refused_by_public_only_services() {
    let mock = pc_mock().await;
    for refused in ["salarie-prive", "dirigeant"] {
        mock.auto_approve(Some(refused), None);
        let response = pc_authorize(&mock, "public", &[]).await;
        let params = error_sent_to_callback(&mock, &response, "access_denied", refused);
        assert_eq!(
            params["error_description"],
            "authentication aborted due to invalid identity"
        );
        // Any other service takes them.
        let tokens = pc_login(&mock, "app", &[("scope", "openid roles")]).await;
        let (_, _, body) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
        assert!(
            !peek(&body)["roles"]
                .as_array()
                .unwrap()
                .contains(&"agent_public".into())
        );
    }
    mock.auto_approve(Some("agent-organisme"), None);
    let tokens = pc_login(&mock, "public", &[]).await;
    assert!(tokens["id_token"].is_string(), "a public agent is let in");
    // On the page too.
    mock.auto_approve(None, None);
    let page = pc_authorize(&mock, "public", &[]).await.text().await.unwrap();
    let response = submit_agent(&mock, &attribute(&page, "action"), "salarie-prive", false).await;
    error_sent_to_callback(&mock, &response, "access_denied", "page");
    assert_eq!(mock.request_count(Endpoint::Authorize), 6);
}

#[tokio::test]
async fn authorize_by_post_on_proconnect() {
    let mock = pc_mock().await;
    mock.auto_approve(Some("agent-etat"), None);
    let response = post_authorize(&pc_authorize_url(&mock, "app", &[("unknown", "x")])).await;
    let params = redirected_to_callback(&mock, &response, "POST");
    let (status, _, _) = redeem(&mock, "app", &params["code"], CALLBACK).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn callback_error_scenario_on_proconnect() {
    let mock = pc_mock().await;
    mock.set_callback_error(Some("server_error"));
    let response = pc_authorize(&mock, "app", &[]).await;
    error_sent_to_callback(&mock, &response, "server_error", "scenario");
}
