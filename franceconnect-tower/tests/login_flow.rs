//! The whole login against a scripted provider: what is sent, what comes
//! back, and how each failure of the callback or of the back channel ends.

mod support;

use std::time::Duration;

use franceconnect_tower::{
    Acr, CallbackParams, DatePrecision, Eidas, EncryptionAlg, Error, LoginOptions, NetworkErrorKind, Platform,
    ProviderErrorCode, RequestedAcr, ReturnTo, StateError, TokenExchangeError,
};
use support::*;

#[tokio::test]
async fn the_authorization_url_carries_exactly_the_accepted_parameters() {
    let tp = TestProvider::start().await;
    let fc =
        franceconnect_tower::FranceConnect::new(tp.config(Platform::FranceConnect).request_amr(true).build().unwrap());
    let (url, pending) = fc
        .begin_login(LoginOptions::default().return_to(ReturnTo::parse("/account").unwrap()))
        .await
        .unwrap();
    assert_eq!(
        url.as_str().split('?').next().unwrap(),
        format!("{}/authorize", tp.issuer)
    );
    let q = query(&url);
    let mut names: Vec<&str> = q.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "acr_values",
            "claims",
            "client_id",
            "nonce",
            "redirect_uri",
            "response_type",
            "scope",
            "state"
        ]
    );
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["scope"], "openid identite_pivot email");
    assert_eq!(q["acr_values"], "eidas1");
    assert_eq!(q["claims"], r#"{"id_token":{"amr":{"essential":true}}}"#);
    assert!(q["state"].as_str().unwrap().len() >= 32 && q["nonce"].as_str().unwrap().len() >= 32);
    assert_eq!(q["state"], pending.state.secret());
    assert_ne!(q["state"], q["nonce"]);
    assert_eq!(pending.return_to.unwrap().as_str(), "/account");

    let (url2, pending2) = fc.begin_login(LoginOptions::default()).await.unwrap();
    assert_ne!(pending2.state.secret(), pending.state.secret());
    assert!(!query(&url2).contains_key("prompt"));
    // The pending login survives a trip through a session store.
    let json = serde_json::to_string(&pending2).unwrap();
    assert_eq!(
        serde_json::to_string(&serde_json::from_str::<franceconnect_tower::PendingLogin>(&json).unwrap()).unwrap(),
        json
    );
}

#[tokio::test]
async fn fc_login_yields_the_typed_user() {
    let tp = TestProvider::start().await;
    let fc = franceconnect_tower::FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let user = signed_login(&fc, &tp, None, "eidas1").await.unwrap();
    assert_eq!(user.sub, SUB);
    assert_eq!(user.acr, Acr::Eidas1);
    let pivot = user.pivot_identity().unwrap();
    assert_eq!(pivot.given_names, ["Élise", "Marie"]);
    assert_eq!(pivot.family_name, "D'ARTOIS");
    assert_eq!(pivot.birthplace.unwrap().commune().unwrap().department(), "2A");
    assert_eq!(pivot.birthdate.precision(), DatePrecision::Day);
    assert_eq!(user.claims.email.as_deref(), Some("elise@example.fr"));
    assert_eq!(user.raw_claims["preferred_username"], "");
    assert!(!user.raw_claims.contains_key("iss"));
    // The back channel: client_secret_post, never HTTP Basic; bearer userinfo.
    let r = tp.recorded.lock().unwrap();
    assert_eq!(r.token_authorization, None);
    let form: std::collections::HashMap<_, _> = r.token_form.iter().cloned().collect();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["client_secret"], CLIENT_SECRET);
    assert_eq!(form["redirect_uri"], "http://127.0.0.1:3000/auth/callback");
    assert_eq!(form["code"], "the-code");
    assert_eq!(r.userinfo_authorization.as_deref(), Some("Bearer opaque-access-token"));
    // The user round-trips through serde and hides the ID token in Debug.
    let json = serde_json::to_string(&user).unwrap();
    let back: franceconnect_tower::SignedInUser = serde_json::from_str(&json).unwrap();
    assert_eq!(back.sub, user.sub);
    assert!(!format!("{user:?}").contains(user.id_token_hint.secret()));
    assert!(!format!("{user:?}").contains("ARTOIS"));
}

#[tokio::test]
async fn fc_plus_login_decrypts_with_each_algorithm() {
    for alg in EncryptionAlg::ALL {
        let tp = TestProvider::start().await;
        let keys = service_keys(alg);
        let fc = franceconnect_tower::FranceConnect::new(
            tp.config(Platform::FranceConnectPlus)
                .service_keys(keys.clone())
                .build()
                .unwrap(),
        );
        let user = signed_login(&fc, &tp, Some(&keys), "eidas3").await.unwrap();
        assert_eq!(user.acr, Acr::Eidas3, "{alg}");
        // The logout hint is the inner JWS, which the provider can read.
        assert_eq!(user.id_token_hint.secret().split('.').count(), 3, "{alg}");
    }
}

#[tokio::test]
async fn a_rotated_service_key_set_decrypts_with_the_key_the_jwe_names() {
    let tp = TestProvider::start().await;
    let old = service_keys(EncryptionAlg::EcdhEs);
    let new = service_keys(EncryptionAlg::EcdhEs);
    let both = old.clone().merge(new.clone()).unwrap();
    let fc = franceconnect_tower::FranceConnect::new(
        tp.config(Platform::FranceConnectPlus)
            .service_keys(both)
            .build()
            .unwrap(),
    );
    assert!(signed_login(&fc, &tp, Some(&old), "eidas2").await.is_ok());
    assert!(signed_login(&fc, &tp, Some(&new), "eidas2").await.is_ok());
}

#[tokio::test]
async fn step_up_asks_for_the_higher_level_and_refuses_a_lower_answer() {
    let tp = TestProvider::start().await;
    let keys = service_keys(EncryptionAlg::EcdhEs);
    let fc = franceconnect_tower::FranceConnect::new(
        tp.config(Platform::FranceConnectPlus)
            .service_keys(keys.clone())
            .build()
            .unwrap(),
    );
    let public = keys.public_jwks()["keys"][0].clone();
    let key = tp.key.clone();
    let info = key.sign(&tp.userinfo_claims());
    let (pending, result) = login_with(&fc, &tp, LoginOptions::default().eidas(Eidas::Eidas3), |nonce| {
        (
            encrypt(&key.sign(&tp.id_claims(nonce, "eidas2")), &public, |_| {}),
            encrypt(&info, &public, |_| {}),
        )
    })
    .await;
    assert_eq!(pending.acr, RequestedAcr::AtLeast(Eidas::Eidas3));
    assert!(matches!(
        result.unwrap_err(),
        Error::EidasTooLow {
            requested: Eidas::Eidas3,
            received: Eidas::Eidas2
        }
    ));
    // A level the platform does not accept is refused before any redirect.
    let err = fc.begin_login(LoginOptions::default().eidas(Eidas::Eidas1)).await;
    assert!(err.is_ok(), "eidas1 is raised to the configured eidas2");
    let fc1 = franceconnect_tower::FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let err = fc1
        .begin_login(LoginOptions::default().eidas(Eidas::Eidas2))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)));
    // An idp_hint outside the allow-list never leaves the service.
    let err = fc1
        .begin_login(LoginOptions::default().idp_hint("not-listed"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("allow-list"), "{err}");
    let listed = franceconnect_tower::FranceConnect::new(
        tp.config(Platform::FranceConnect)
            .allowed_idp_hints(["idp-1"])
            .build()
            .unwrap(),
    );
    let (url, _) = listed
        .begin_login(LoginOptions::default().idp_hint("idp-1"))
        .await
        .unwrap();
    assert_eq!(query(&url)["idp_hint"], "idp-1");
}

async fn callback_error(params: impl FnOnce(&mut CallbackParams, &TestProvider)) -> Error {
    let tp = TestProvider::start().await;
    let fc = franceconnect_tower::FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let (_, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    let mut callback = callback_for("the-code", &pending, &tp.issuer);
    params(&mut callback, &tp);
    let err = fc.complete_login(&callback, &pending).await.unwrap_err();
    assert_eq!(
        tp.token_hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no code exchange after {err}"
    );
    err
}

#[tokio::test]
async fn the_callback_is_checked_before_any_code_exchange() {
    let e = callback_error(|c, _| c.state = Some("forged-state-forged-state-forged-state-xx".into())).await;
    assert!(matches!(e, Error::State(StateError::Mismatch)));
    let e = callback_error(|c, _| c.state = None).await;
    assert!(matches!(e, Error::State(StateError::Missing)));
    let e = callback_error(|c, _| c.iss = Some("http://127.0.0.1:1/api/v2".into())).await;
    assert!(matches!(e, Error::State(StateError::IssuerMismatch)));
    // The provider promises `iss` (RFC 9207): a callback without it is refused.
    let e = callback_error(|c, _| c.iss = None).await;
    assert!(matches!(e, Error::State(StateError::IssuerMismatch)));
    let e = callback_error(|c, _| c.code = None).await;
    assert!(matches!(e, Error::State(StateError::MissingCode)));
    let e = callback_error(|c, _| {
        c.code = None;
        c.error = Some("access_denied".into());
        c.error_description = Some("User canceled\u{7} the authentication".into());
    })
    .await;
    assert!(e.is_user_cancelled());
    match e {
        Error::Provider(p) => assert_eq!(p.description.as_deref(), Some("User canceled the authentication")),
        other => panic!("{other}"),
    }
    for (code, expected) in [
        ("invalid_acr", ProviderErrorCode::InvalidAcr),
        ("server_error", ProviderErrorCode::ServerError),
        ("temporarily_unavailable", ProviderErrorCode::TemporarilyUnavailable),
    ] {
        let e = callback_error(|c, _| {
            c.code = None;
            c.error = Some(code.into());
        })
        .await;
        assert!(matches!(e, Error::Provider(ref p) if p.code == expected), "{code}");
    }
    // An error with a forged state is a CSRF problem first.
    let e = callback_error(|c, _| {
        c.error = Some("access_denied".into());
        c.state = Some("x".repeat(43));
    })
    .await;
    assert!(matches!(e, Error::State(StateError::Mismatch)));
}

#[tokio::test]
async fn pending_logins_expire() {
    let tp = TestProvider::start().await;
    let fc = franceconnect_tower::FranceConnect::new(
        tp.config(Platform::FranceConnect)
            .pending_login_lifetime(Duration::from_secs(60))
            .build()
            .unwrap(),
    );
    let (_, mut pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
    pending.created_at -= 61;
    let callback = callback_for("c", &pending, &tp.issuer);
    assert!(matches!(
        fc.complete_login(&callback, &pending).await.unwrap_err(),
        Error::State(StateError::Expired)
    ));
}

#[tokio::test]
async fn callback_query_parsing_keeps_the_first_of_repeated_parameters() {
    let p = CallbackParams::from_query("code=a&state=s1&state=s2&iss=http%3A%2F%2Fx&extra=1");
    assert_eq!(
        (p.code.as_deref(), p.state.as_deref(), p.iss.as_deref()),
        (Some("a"), Some("s1"), Some("http://x"))
    );
}

async fn exchange_error(setup: impl FnOnce(&TestProvider)) -> Error {
    let tp = TestProvider::start().await;
    setup(&tp);
    let fc = franceconnect_tower::FranceConnect::new(
        tp.config(Platform::FranceConnect)
            .http_timeout(Duration::from_millis(500))
            .build()
            .unwrap(),
    );
    signed_login(&fc, &tp, None, "eidas1").await.unwrap_err()
}

#[tokio::test]
async fn token_endpoint_failures_are_typed() {
    let e = exchange_error(|tp| {
        tp.with(|b| {
            b.token_response = Some((
                400,
                r#"{"error":"invalid_grant","error_description":"grant request is invalid"}"#.into(),
            ))
        })
    })
    .await;
    assert!(
        matches!(&e, Error::TokenExchange(TokenExchangeError::Refused { status: 400, code, platform_code: None, .. }) if code == "invalid_grant"),
        "{e:?}"
    );
    let e = exchange_error(|tp| tp.with(|b| b.token_response = Some((500, "<html>oops</html>".into())))).await;
    assert!(matches!(e, Error::Network(ref n) if n.kind == NetworkErrorKind::Status(500)));
    let e = exchange_error(|tp| tp.with(|b| b.token_response = Some((200, "not json".into())))).await;
    assert!(matches!(e, Error::TokenExchange(TokenExchangeError::Malformed(_))));
    let e = exchange_error(|tp| {
        tp.with(|b| b.token_response = Some((200, r#"{"access_token":"a","id_token":"b","token_type":"mac"}"#.into())))
    })
    .await;
    assert!(matches!(e, Error::TokenExchange(TokenExchangeError::Malformed(_))));
    let e = exchange_error(|tp| tp.with(|b| b.token_delay = Duration::from_secs(3))).await;
    assert!(e.is_timeout(), "{e}");
    let e = exchange_error(|tp| tp.with(|b| b.token_response = Some((200, "x".repeat(2 * 1024 * 1024))))).await;
    assert!(
        matches!(e, Error::Network(ref n) if matches!(n.kind, NetworkErrorKind::TooLarge(_))),
        "{e}"
    );
    // Redirects are never followed.
    let e = exchange_error(|tp| tp.with(|b| b.redirect_token_endpoint = true)).await;
    assert!(
        matches!(e, Error::Network(ref n) if n.kind == NetworkErrorKind::Status(302)),
        "{e}"
    );
}

#[tokio::test]
async fn userinfo_must_be_a_signed_jwt_about_the_same_user() {
    let tp = TestProvider::start().await;
    let fc = franceconnect_tower::FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let key = tp.key.clone();
    let login = |info: String, content_type: &'static str| {
        let fc = fc.clone();
        let tp = &tp;
        let key = key.clone();
        async move {
            let (url, pending) = fc.begin_login(LoginOptions::default()).await.unwrap();
            let nonce = query(&url)["nonce"].as_str().unwrap().to_owned();
            tp.with(|b| {
                b.id_token = Some(key.sign(&tp.id_claims(&nonce, "eidas1")));
                b.userinfo = Some((content_type.into(), info));
            });
            let cb = callback_for("c", &pending, &tp.issuer);
            fc.complete_login(&cb, &pending).await
        }
    };
    // Plain JSON is refused, even with the right claims.
    let e = login(tp.userinfo_claims().to_string(), "application/json")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Network(ref n) if n.kind == NetworkErrorKind::ContentType));
    // `application/jwt; charset=utf-8` is fine.
    assert!(
        login(key.sign(&tp.userinfo_claims()), "application/jwt; charset=utf-8")
            .await
            .is_ok()
    );
    let e = login(unsigned(&tp.userinfo_claims()), "application/jwt")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Jose(_)));
    let mut other = tp.userinfo_claims();
    other["sub"] = "someone-else".into();
    let e = login(key.sign(&other), "application/jwt").await.unwrap_err();
    assert!(matches!(e, Error::Claims(ref c) if c.field == "sub"));
    let mut other = tp.userinfo_claims();
    other["iss"] = "https://evil.example".into();
    let e = login(key.sign(&other), "application/jwt").await.unwrap_err();
    assert!(matches!(e, Error::Claims(ref c) if c.field == "iss"));
    let mut bad = tp.userinfo_claims();
    bad["birthplace"] = "12".into();
    let e = login(key.sign(&bad), "application/jwt").await.unwrap_err();
    assert!(matches!(e, Error::Claims(ref c) if c.field == "birthplace"));
    tp.with(|b| b.userinfo_status = 401);
    let e = login(key.sign(&tp.userinfo_claims()), "application/jwt")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Network(ref n) if n.kind == NetworkErrorKind::Status(401)));
}

#[tokio::test]
async fn logout_url_and_callback() {
    let tp = TestProvider::start().await;
    let keys = service_keys(EncryptionAlg::RsaOaep256);
    let fc = franceconnect_tower::FranceConnect::new(
        tp.config(Platform::FranceConnectPlus)
            .service_keys(keys.clone())
            .build()
            .unwrap(),
    );
    let user = signed_login(&fc, &tp, Some(&keys), "eidas2").await.unwrap();
    let (url, pending) = fc.logout_url(&user).await.unwrap();
    assert!(url.as_str().starts_with(&format!("{}/session/end?", tp.issuer)));
    let q = query(&url);
    assert_eq!(
        q["id_token_hint"].as_str().unwrap().split('.').count(),
        3,
        "the inner JWS, not the JWE"
    );
    assert_eq!(
        q["post_logout_redirect_uri"],
        "http://127.0.0.1:3000/auth/logout/callback"
    );
    assert_eq!(q["state"], pending.state.secret());
    assert!(
        fc.check_logout_callback(Some(pending.state.secret()), Some(&pending))
            .is_ok()
    );
    assert!(
        fc.check_logout_callback(None, Some(&pending)).is_ok(),
        "tolerant when the state is omitted"
    );
    assert!(fc.check_logout_callback(Some("forged"), Some(&pending)).is_err());
    assert!(fc.check_logout_callback(Some("forged"), None).is_err());
}

#[tokio::test]
async fn a_forced_reauthentication_must_be_a_new_one() {
    let tp = TestProvider::start().await;
    let fc = franceconnect_tower::FranceConnect::new(tp.config(Platform::FranceConnect).build().unwrap());
    let key = tp.key.clone();
    let info = key.sign(&tp.userinfo_claims());
    let with_auth_time = |age: i64| {
        let (key, info, tp) = (key.clone(), info.clone(), &tp);
        move |nonce: &str| {
            let mut claims = tp.id_claims(nonce, "eidas1");
            claims["auth_time"] = (now() - age).into();
            (key.sign(&claims), info)
        }
    };
    // prompt=login answered with the provider's old session: refused, so
    // that a guard asking for a recent authentication cannot loop.
    let (pending, result) = login_with(
        &fc,
        &tp,
        LoginOptions::default().prompt(franceconnect_tower::Prompt::Login),
        with_auth_time(3600),
    )
    .await;
    assert!(pending.reauthenticate);
    assert!(
        matches!(result, Err(Error::Claims(ref c)) if c.field == "auth_time"),
        "{result:?}"
    );
    let (_, result) = login_with(
        &fc,
        &tp,
        LoginOptions::default().prompt(franceconnect_tower::Prompt::Login),
        with_auth_time(1),
    )
    .await;
    assert!(result.is_ok(), "a fresh authentication: {result:?}");
    // Without prompt=login, an old single sign-on is fine.
    let (_, result) = login_with(&fc, &tp, LoginOptions::default(), with_auth_time(3600)).await;
    assert!(result.is_ok(), "{result:?}");
}
