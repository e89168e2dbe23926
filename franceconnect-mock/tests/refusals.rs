//! Where the real platform is strict, the mock refuses the same way.

mod common;

use std::time::Duration;

use common::*;
use franceconnect_mock::{Endpoint, MockProvider, Platform};
use serde_json::Value;

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
        (vec![("scope", "")], "invalid_request"),
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
    // An empty prompt.
    assert_error_page(
        format!("{}&prompt=", authorize_url(&mock, "app", "eidas1", &[])),
        "invalid_request",
    )
    .await;
    // Client and redirect_uri are checked before anything answered on the
    // callback: a bad scope with them still ends on the page.
    assert_error_page(
        authorize_url(&mock, "unknown-client", "eidas1", &[("scope", "email")]),
        "invalid_client",
    )
    .await;
    assert_error_page(
        authorize_url(
            &mock,
            "app",
            "eidas1",
            &[
                ("scope", "email"),
                ("redirect_uri", "http://127.0.0.1:1/callback/wrong-url"),
            ],
        ),
        "invalid_redirect_uri",
    )
    .await;
    assert_eq!(mock.request_count(Endpoint::Authorize), 23);
}

#[tokio::test]
async fn errors_after_the_client_checks_go_back_to_the_callback() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let without = |name: &str| authorize_url(&mock, "app", "eidas1", &[(name, "")]);
    let cases: Vec<(String, &str, &str)> = vec![
        (
            authorize_url(&mock, "app", "eidas1", &[("response_type", "inconnu")]),
            "unsupported_response_type",
            "unsupported response_type requested",
        ),
        (
            format!("{}&response_type=", without("response_type")),
            "invalid_request",
            "missing required parameter 'response_type'",
        ),
        (
            authorize_url(&mock, "app", "eidas1", &[("scope", "profile email")]),
            "invalid_request",
            "openid scope must be requested when using the acr_values parameter",
        ),
        (
            format!("{}&scope=", without("scope")),
            "invalid_request",
            "openid scope must be requested when using the acr_values parameter",
        ),
        (
            authorize_url(&mock, "app", "eidas1", &[("claims", "{not json")]),
            "invalid_request",
            "could not parse the claims parameter JSON",
        ),
    ];
    for (url, error, description) in cases {
        let response = http().get(&url).send().await.unwrap();
        let params = error_sent_to_callback(&mock, &response, error, &url);
        assert_eq!(params["error_description"], description, "{url}");
    }
    // Implicit and hybrid response types answer in the fragment.
    for response_type in ["id_token", "code id_token", "code token"] {
        let response = authorize(&mock, "app", "eidas1", &[("response_type", response_type)]).await;
        assert_eq!(response.status(), 303);
        let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(location.query(), None, "{response_type}");
        let params: std::collections::HashMap<String, String> =
            url::form_urlencoded::parse(location.fragment().unwrap().as_bytes())
                .into_owned()
                .collect();
        assert_eq!(params["error"], "unsupported_response_type");
        assert_eq!(params["state"], STATE);
        assert_eq!(params["iss"], mock.issuer());
    }
}

#[tokio::test]
async fn authorize_by_post() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let url = authorize_url(&mock, "app", "eidas1", &[]);
    let response = post_authorize(&url).await;
    let params = redirected_to_callback(&mock, &response, "authorize by POST");
    let (status, _, _) = redeem(&mock, "app", &params["code"], CALLBACK).await;
    assert_eq!(status, 200);
    // The same strictness applies.
    let response = post_authorize(&format!("{url}&code_challenge=abc")).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("location").is_none());
}

#[tokio::test]
async fn hostile_input_never_panics() {
    let mock = fc_mock().await;
    let issuer = mock.issuer();
    let long = "A".repeat(20_000);
    let usual = authorize_url(&mock, "app", "eidas1", &[]);
    let urls = [
        authorize_url(&mock, "app", "eidas1", &[("state", &long)]),
        authorize_url(&mock, "app", "eidas1", &[("redirect_uri", &long)]),
        authorize_url(&mock, "app", "eidas1", &[("claims", &"[".repeat(5_000))]),
        authorize_url(&mock, "app", "eidas1", &[("acr_values", &"eidas1 ".repeat(2_000))]),
        format!("{usual}&%FF%FE=%C3%28"),
        format!("{issuer}/authorize?state=%FF%FE%FD&nonce=%E2%82&client_id=%00"),
        format!("{issuer}/authorize?{}", "a=1&".repeat(2_000)),
        format!("{issuer}/session/end?id_token_hint=%FF.%FE.%FD&post_logout_redirect_uri=%00"),
        format!("{issuer}/session/end?id_token_hint=a&id_token_hint=b"),
        format!("{issuer}/session/end?id_token_hint={long}.{long}.{long}"),
        format!("{issuer}/interaction/%FF%FE"),
    ];
    for url in urls {
        let response = http().get(&url).send().await.unwrap();
        let status = response.status().as_u16();
        assert!((300..500).contains(&status) || status == 200, "{status} for {url:.200}");
        if status != 303 {
            assert!(response.headers().get("location").is_none());
        }
    }
    // The long state is echoed nowhere unescaped, and the page is French.
    let page = authorize(&mock, "app", "eidas1", &[("client_id", "<script>alert(1)</script>")])
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"<html lang="fr">"#));
    assert!(!page.contains("<script>") && page.contains("&lt;script&gt;"));
    for body in [
        "grant_type=authorization_code&grant_type=authorization_code".to_owned(),
        "%FF%FE=%C3%28&code=%FF".to_owned(),
        format!("grant_type=authorization_code&code={long}&client_id=app&client_secret=app-secret&redirect_uri={long}"),
    ] {
        let response = http()
            .post(format!("{issuer}/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error());
        let json: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert!(json["error"].is_string() && json["error_uri"].is_string());
    }
    let response = http()
        .post(format!("{issuer}/interaction/unknown/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("identity=%FF%FE&acr=%00")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // Still serving.
    let response = http()
        .get(format!("{issuer}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
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
        let response = authorize(&mock, "app", "eidas1", &extra).await;
        assert_eq!(response.status(), 303, "{extra:?}");
    }
}

#[tokio::test]
async fn eidas2_on_franceconnect_is_invalid_acr() {
    let mock = fc_mock().await;
    let response = authorize(&mock, "app", "eidas2", &[]).await;
    error_sent_to_callback(&mock, &response, "invalid_acr", "eidas2");
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
    // (code, parameter replaced, its value or "" to leave it out, status, error)
    let refusals = [
        (code.as_str(), "client_secret", "wrong", 401, "invalid_client"),
        (&code, "client_secret", "", 401, "invalid_client"),
        (&code, "client_id", "unknown", 401, "invalid_client"),
        (&code, "grant_type", "refresh_token", 400, "unsupported_grant_type"),
        (&code, "grant_type", "", 400, "invalid_request"),
        (&code, "redirect_uri", "", 400, "invalid_request"),
        (&code, "code", "", 400, "invalid_request"),
        ("unknown-code", "code", "unknown-code", 400, "invalid_grant"),
    ];
    for (code, name, value, status, error) in refusals {
        assert_eq!(
            post(with(code, name, value)).await,
            (status, error.to_owned()),
            "{name}={value:?}"
        );
    }
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
        let body: serde_json::Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(body["error"], "invalid_token");
        assert!(body["error_description"].is_string() && body["error_uri"].is_string());
    }
}

#[tokio::test]
async fn logout_refusals() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let hint = tokens["id_token"].as_str().unwrap().to_owned();
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
        vec![("id_token_hint", "not.a.jwt"), ("post_logout_redirect_uri", LOGOUT)],
        vec![("id_token_hint", &forged), ("post_logout_redirect_uri", LOGOUT)],
        vec![
            ("id_token_hint", &hint),
            ("post_logout_redirect_uri", LOGOUT),
            ("client_id", "other"),
        ],
    ];
    for query in cases {
        let response = end_session(&mock, &query).await;
        assert_eq!(response.status(), 400, "{query:?}");
        assert!(response.headers().get("location").is_none());
        assert!(response.text().await.unwrap().contains("Une erreur est survenue"));
    }
    assert_eq!(mock.request_count(Endpoint::SessionEnd), 5);
}

/// `POST /token/revocation` takes exactly `token`, `client_id` and
/// `client_secret`: any other field, a missing one, HTTP Basic, a wrong
/// secret or another client's token is refused and revokes nothing; the
/// exact form revokes the token, which then fails at userinfo, and a second
/// revocation of it still answers 200 (RFC 7009).
#[tokio::test]
async fn revocation_takes_exactly_three_fields() {
    let mock = fc_mock().await;
    mock.auto_approve(Some("default"), None);
    let tokens = login(&mock, "app", "eidas1", &[]).await;
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let url = format!("{}/token/revocation", mock.issuer());
    let discovered: Value = serde_json::from_str(&discovery(&mock).await.text().await.unwrap()).unwrap();
    assert_eq!(discovered["revocation_endpoint"], url.as_str());
    let revoke = |form: Vec<(&'static str, String)>, basic: bool| {
        let mut request = http().post(&url).form(&form);
        if basic {
            request = request.basic_auth("app", Some("app-secret"));
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null);
            (status, body["error"].as_str().unwrap_or_default().to_owned())
        }
    };
    let exact = || {
        vec![
            ("token", token.clone()),
            ("client_id", "app".to_owned()),
            ("client_secret", "app-secret".to_owned()),
        ]
    };
    let with_hint = {
        let mut form = exact();
        form.push(("token_type_hint", "access_token".into()));
        form
    };
    let refused = [
        (with_hint, false, 400, "invalid_request"),
        (exact()[..2].to_vec(), false, 400, "invalid_request"),
        (exact()[..1].to_vec(), true, 401, "invalid_client"),
        (
            vec![
                exact()[0].clone(),
                exact()[1].clone(),
                ("client_secret", "wrong".into()),
            ],
            false,
            401,
            "invalid_client",
        ),
        (
            vec![
                exact()[0].clone(),
                ("client_id", "other".into()),
                ("client_secret", "other-secret".into()),
            ],
            false,
            400,
            "invalid_request",
        ),
        (
            vec![("token", "short".into()), exact()[1].clone(), exact()[2].clone()],
            false,
            400,
            "invalid_request",
        ),
    ];
    for (form, basic, status, error) in refused {
        let names: Vec<&str> = form.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            revoke(form, basic).await,
            (status, error.to_owned()),
            "{names:?} basic={basic}"
        );
        assert_eq!(mock.live_access_tokens(), 1, "{names:?}: nothing revoked");
    }
    assert_eq!(revoke(exact(), false).await, (200, String::new()));
    assert_eq!(mock.live_access_tokens(), 0);
    let (status, _, _) = userinfo(&mock, &token).await;
    assert_eq!(status, 401, "a revoked token no longer opens userinfo");
    assert_eq!(revoke(exact(), false).await, (200, String::new()), "already revoked");
    assert_eq!(mock.request_count(Endpoint::Revocation), 8);
}
