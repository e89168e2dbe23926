//! Where the real platform is strict, the mock refuses the same way.

mod common;

use std::time::Duration;

use common::*;
use franceconnect_mock::{Endpoint, MockProvider, Platform};

/// GET /authorize must end on the HTML error page (400, no redirect) with
/// `error` shown.
async fn assert_error_page(url: String, error: &str) {
    let response = http().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 400, "{url}");
    assert!(response.headers().get("location").is_none(), "never a redirect: {url}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!(r#"<code id="error">{error}</code>"#)),
        "{url}: {page}"
    );
    assert!(page.contains("Une erreur est survenue"));
}

#[tokio::test]
async fn malformed_authorize_requests_end_on_the_error_page() {
    let mock = fc_mock().await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")],
            "invalid_request",
        ),
        (vec![("code_challenge_method", "S256")], "invalid_request"),
        (vec![("response_mode", "query")], "invalid_request"),
        (vec![("login_hint", "someone")], "invalid_request"),
        (vec![("max_age", "0")], "invalid_request"),
        (vec![("nonce", "too-short-nonce")], "invalid_request"),
        (vec![("state", "too-short-state")], "invalid_request"),
        (vec![("nonce", "")], "invalid_request"),
        (vec![("state", "")], "invalid_request"),
        (vec![("acr_values", "")], "invalid_request"),
        (vec![("scope", "profile email")], "invalid_request"),
        (vec![("scope", "")], "invalid_request"),
        (vec![("response_type", "token")], "unsupported_response_type"),
        (vec![("response_type", "")], "invalid_request"),
        (vec![("client_id", "unknown-client")], "invalid_client"),
        (vec![("client_id", "")], "invalid_request"),
        (
            vec![("redirect_uri", "http://127.0.0.1:1/other")],
            "invalid_redirect_uri",
        ),
        (
            vec![("redirect_uri", "http://127.0.0.1:1/callback/")],
            "invalid_redirect_uri",
        ),
        (vec![("redirect_uri", "")], "invalid_request"),
        (vec![("prompt", "none")], "invalid_request"),
        (vec![("prompt", "login select_account")], "invalid_request"),
        (vec![("claims", "{not json")], "invalid_request"),
    ];
    for (extra, error) in cases {
        assert_error_page(authorize_url(&mock, "app", "eidas1", &extra), error).await;
    }
    // A repeated parameter.
    assert_error_page(
        format!("{}&state={STATE}", authorize_url(&mock, "app", "eidas1", &[])),
        "invalid_request",
    )
    .await;
    assert_eq!(mock.request_count(Endpoint::Authorize), 23);
}

#[tokio::test]
async fn accepted_optional_parameters() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    for extra in [
        vec![("prompt", "login")],
        vec![("prompt", "login consent")],
        vec![("prompt", "consent")],
        vec![("idp_hint", "some-idp"), ("ui_locales", "fr")],
    ] {
        let response = http()
            .get(authorize_url(&mock, "app", "eidas1", &extra))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{extra:?}");
    }
}

#[tokio::test]
async fn eidas2_on_franceconnect_is_invalid_acr() {
    let mock = fc_mock().await;
    let response = http()
        .get(authorize_url(&mock, "app", "eidas2", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let (_, params) = location_params(&response);
    assert_eq!(params["error"], "invalid_acr");
    assert_eq!(params["state"], STATE);
    assert_eq!(params["iss"], mock.issuer());
}

#[tokio::test]
async fn http_basic_is_refused_even_with_the_right_secret() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let code = code(&mock, &authorize_url(&mock, "app", "eidas1", &[])).await;
    let response = http()
        .post(format!("{}/token", mock.issuer()))
        .basic_auth("app", Some("app-secret"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert!(body["error_description"].is_string() && body["error_uri"].is_string());
}

#[tokio::test]
async fn token_request_refusals() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let token_url = format!("{}/token", mock.issuer());
    let post = |form: Vec<(&'static str, String)>| {
        let url = token_url.clone();
        async move {
            let response = http().post(url).form(&form).send().await.unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
            (status, body["error"].as_str().unwrap_or_default().to_owned())
        }
    };
    let code = code(&mock, &authorize_url(&mock, "app", "eidas1", &[])).await;
    let base = |code: &str| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", CALLBACK.to_owned()),
            ("client_id", "app".to_owned()),
            ("client_secret", "app-secret".to_owned()),
        ]
    };
    let with = |code: &str, name: &'static str, value: &str| {
        let mut form = base(code);
        form.retain(|(n, _)| *n != name);
        if !value.is_empty() {
            form.push((name, value.to_owned()));
        }
        form
    };
    assert_eq!(
        post(with(&code, "client_secret", "wrong")).await,
        (401, "invalid_client".into())
    );
    assert_eq!(
        post(with(&code, "client_secret", "")).await,
        (401, "invalid_client".into())
    );
    assert_eq!(
        post(with(&code, "client_id", "unknown")).await,
        (401, "invalid_client".into())
    );
    assert_eq!(
        post(with(&code, "grant_type", "refresh_token")).await,
        (400, "unsupported_grant_type".into())
    );
    assert_eq!(
        post(with(&code, "grant_type", "")).await,
        (400, "invalid_request".into())
    );
    assert_eq!(
        post(with(&code, "redirect_uri", "")).await,
        (400, "invalid_request".into())
    );
    assert_eq!(post(with(&code, "code", "")).await, (400, "invalid_request".into()));
    assert_eq!(
        post(with("unknown-code", "code", "unknown-code")).await,
        (400, "invalid_grant".into())
    );
    // None of the refusals above consumed the code.
    assert_eq!(post(base(&code)).await.0, 200);
    // Reuse.
    assert_eq!(post(base(&code)).await, (400, "invalid_grant".into()));

    // Wrong redirect_uri (even a registered one) is invalid_grant.
    let code = common::code(&mock, &authorize_url(&mock, "app", "eidas1", &[])).await;
    assert_eq!(
        post(with(&code, "redirect_uri", LOGOUT)).await,
        (400, "invalid_grant".into())
    );
    // A code issued to another client.
    let code = common::code(&mock, &authorize_url(&mock, "app", "eidas1", &[])).await;
    let mut form = with(&code, "client_id", "other");
    form.retain(|(n, _)| *n != "client_secret");
    form.push(("client_secret", "other-secret".into()));
    assert_eq!(post(form).await, (400, "invalid_grant".into()));
}

#[tokio::test]
async fn code_reuse_revokes_the_access_token() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let code = code(&mock, &authorize_url(&mock, "app", "eidas1", &[])).await;
    let (status, tokens, _) = redeem(&mock, "app", &code, CALLBACK).await;
    assert_eq!(status, 200);
    let (status, body, _) = redeem(&mock, "app", &code, CALLBACK).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let (status, _, _) = userinfo(&mock, tokens["access_token"].as_str().unwrap()).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn codes_expire() {
    let mock = MockProvider::new(Platform::FranceConnect)
        .client(fc_client("app"))
        .code_lifetime(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    mock.auto_approve(Some("default"), None);
    let code = code(&mock, &authorize_url(&mock, "app", "eidas1", &[])).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, body, _) = redeem(&mock, "app", &code, CALLBACK).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn userinfo_needs_a_valid_bearer_token() {
    let mock = fc_mock().await;
    let url = format!("{}/userinfo", mock.issuer());
    for request in [
        http().get(&url),
        http().get(&url).bearer_auth("not-a-token"),
        http().get(&url).basic_auth("app", Some("app-secret")),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401);
        let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
        assert!(
            challenge.starts_with("Bearer") && challenge.contains(r#"error="invalid_token""#),
            "{challenge}"
        );
    }
}

#[tokio::test]
async fn logout_refusals() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let hint = tokens["id_token"].as_str().unwrap().to_owned();
    let url = format!("{}/session/end", mock.issuer());
    let forged = {
        // Signed by someone else's key.
        let key = josekit::jwk::Jwk::generate_ec_key(josekit::jwk::alg::ec::EcCurve::P256).unwrap();
        let signer = josekit::jws::ES256.signer_from_jwk(&key).unwrap();
        let mut header = josekit::jws::JwsHeader::new();
        header.set_key_id(
            josekit::jwt::decode_header(&hint)
                .unwrap()
                .claim("kid")
                .unwrap()
                .as_str()
                .unwrap(),
        );
        let payload = josekit::jwt::JwtPayload::from_map(peek(&hint)).unwrap();
        josekit::jwt::encode_with_signer(&payload, &header, &signer).unwrap()
    };
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("post_logout_redirect_uri", LOGOUT)],
        vec![
            ("id_token_hint", &hint),
            ("post_logout_redirect_uri", "http://127.0.0.1:1/elsewhere"),
        ],
        vec![("id_token_hint", &hint)],
        vec![("id_token_hint", "not.a.jwt"), ("post_logout_redirect_uri", LOGOUT)],
        vec![("id_token_hint", &forged), ("post_logout_redirect_uri", LOGOUT)],
        vec![
            ("id_token_hint", &hint),
            ("post_logout_redirect_uri", LOGOUT),
            ("client_id", "other"),
        ],
    ];
    for query in cases {
        let response = http().get(&url).query(&query).send().await.unwrap();
        assert_eq!(response.status(), 400, "{query:?}");
        assert!(response.headers().get("location").is_none());
        assert!(response.text().await.unwrap().contains("Une erreur est survenue"));
    }
    assert_eq!(mock.request_count(Endpoint::SessionEnd), 6);
}
