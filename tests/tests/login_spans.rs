//! The `tracing` spans of a login's steps, against the mock provider: each
//! step has its span, with the platform, the levels asked and reached, the
//! error label of a failure, the HTTP status and the duration; and neither
//! the spans nor the engine's events carry a state, a nonce, a code, a token
//! (the ID token, the access token) or a claim of the person.
//!
//! A test binary of its own: it installs a subscriber for its thread.

use franceconnect_tests::harness::spans::{Captured, Fields};
use franceconnect_tests::*;
use franceconnect_tower::{LoginOptions, Platform, Revocation};
use tracing_subscriber::prelude::*;

#[tokio::test]
async fn each_login_step_has_a_span_with_its_outcome_and_no_secret() {
    let captured = Captured::default();
    let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry().with(captured.clone()));
    let pair = pair(Platform::FranceConnect, None).await;

    pair.mock.auto_approve(Some("default"), None);
    let (url, pending) = pair.fc.begin_login(LoginOptions::default()).await.unwrap();
    let callback = authorize(&url).await;
    let user = pair.fc.complete_login(&callback, &pending).await.unwrap();
    assert_eq!(pair.fc.revoke_access_token(&user).await.unwrap(), Revocation::Revoked);

    pair.mock.set_callback_error(Some("access_denied"));
    let (url, cancelled_pending) = pair.fc.begin_login(LoginOptions::default()).await.unwrap();
    let cancelled = authorize(&url).await;
    let refused = pair
        .fc
        .complete_login(&cancelled, &cancelled_pending)
        .await
        .unwrap_err();
    assert!(refused.is_user_cancelled(), "{refused:?}");

    let spans = captured.spans.lock().unwrap().clone();
    let named = |name: &str| -> Vec<&Fields> { spans.iter().filter(|(n, _)| n == name).map(|(_, f)| f).collect() };
    let field = |fields: &Fields, name: &str| fields.get(name).cloned().unwrap_or_default();
    let timed = |fields: &Fields| field(fields, "duration_ms").parse::<f64>().is_ok_and(|ms| ms >= 0.0);

    let begins = named("franceconnect.login.begin");
    assert_eq!(begins.len(), 2, "{spans:?}");
    for begin in &begins {
        assert_eq!(field(begin, "platform"), "fc");
        assert_eq!(field(begin, "acr_asked"), "eidas1");
        assert!(timed(begin) && !begin.contains_key("error"), "{begin:?}");
    }
    let callbacks = named("franceconnect.login.callback");
    assert_eq!(callbacks.len(), 2, "{spans:?}");
    let (done, cancel) = (callbacks[0], callbacks[1]);
    assert_eq!(field(done, "acr_asked"), "eidas1");
    assert_eq!(field(done, "acr_reached"), "eidas1");
    assert!(timed(done) && !done.contains_key("error"), "{done:?}");
    assert_eq!(field(cancel, "error"), "access_denied");
    assert!(timed(cancel) && !cancel.contains_key("acr_reached"), "{cancel:?}");
    // The cancelled login exchanged nothing.
    for step in ["franceconnect.token", "franceconnect.userinfo"] {
        let steps = named(step);
        assert_eq!(steps.len(), 1, "{step}: {spans:?}");
        assert_eq!(field(steps[0], "platform"), "fc");
        assert_eq!(field(steps[0], "status"), "200", "{step}");
        assert!(
            timed(steps[0]) && !steps[0].contains_key("error"),
            "{step}: {:?}",
            steps[0]
        );
    }
    let revocations = named("franceconnect.revocation");
    assert_eq!(revocations.len(), 1, "{spans:?}");
    assert_eq!(field(revocations[0], "outcome"), "revoked");
    assert!(timed(revocations[0]));

    // Nothing secret or personal, in any span's or event's field.
    let pivot = user.pivot_identity().expect("identite_pivot");
    // The access token is the engine's own (no accessor): read it from the
    // user as a session stores it.
    let stored = franceconnect_tower::__private::stored_form(&user);
    let access_token = stored["access_token"]["token"]
        .as_str()
        .expect("the session keeps the access token, for the logout to revoke it")
        .to_owned();
    assert!(access_token.len() >= 16, "{access_token:?}");
    let mut secrets = vec![
        access_token,
        pending.state.secret().to_owned(),
        pending.nonce.secret().to_owned(),
        cancelled_pending.state.secret().to_owned(),
        cancelled_pending.nonce.secret().to_owned(),
        callback.code.clone().expect("a code"),
        user.id_token_hint.secret().to_owned(),
        user.sub.clone(),
        pivot.family_name.clone(),
        pivot.birthdate.to_string(),
    ];
    secrets.extend(pivot.given_names.iter().cloned());
    secrets.extend(user.claims.email.clone());
    let events = captured.events.lock().unwrap().clone();
    assert!(!events.is_empty(), "the engine's events are captured");
    for fields in spans.iter().map(|(_, f)| f).chain(&events) {
        for (name, value) in fields {
            for secret in &secrets {
                assert!(
                    !value.contains(secret.as_str()),
                    "`{name}` shows {secret:?}: {fields:?}"
                );
            }
        }
    }
}

/// The logout's span, through the tower layer (in process): a signed-in
/// session is sent to the provider's logout (`outcome = provider`) and holds
/// the revocation's span; a logout with no session says so.
#[tokio::test]
async fn the_logout_has_a_span_with_its_outcome() {
    use axum::Router;
    use axum::body::Body;
    use franceconnect_axum::FranceConnectRouterExt;
    use franceconnect_tower::web::tower::MemorySessionStore;
    use tower::ServiceExt;

    let captured = Captured::default();
    let _subscriber = tracing::subscriber::set_default(tracing_subscriber::registry().with(captured.clone()));
    let pair = pair(Platform::FranceConnect, None).await;
    pair.mock.auto_approve(Some("default"), None);
    let app = Router::new().franceconnect(pair.fc.clone(), MemorySessionStore::default());
    let send = |method: &str, path: &str, cookie: &str| {
        let request = http::Request::builder()
            .method(method)
            .uri(path)
            .header("cookie", cookie)
            .header("sec-fetch-site", "same-origin")
            .body(Body::empty())
            .unwrap();
        app.clone().oneshot(request)
    };
    let first_cookie = |response: &http::Response<axum::body::Body>, prefix: &str| {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next())
            .find(|c| c.starts_with(prefix) && !c.ends_with('='))
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no {prefix} cookie"))
    };

    let begun = send("GET", "/auth/login", "").await.unwrap();
    let login_cookie = first_cookie(&begun, "fc_login_");
    let to_provider = url::Url::parse(begun.headers()["location"].to_str().unwrap()).unwrap();
    let provider_answer = no_redirect_client().get(to_provider).send().await.unwrap();
    let back = url::Url::parse(provider_answer.headers()["location"].to_str().unwrap()).unwrap();
    let callback = format!("{}?{}", back.path(), back.query().unwrap());
    let signed_in = send("GET", &callback, &login_cookie).await.unwrap();
    assert_eq!(signed_in.status(), 303, "signed in");
    let session = first_cookie(&signed_in, "fc_session=");

    let out = send("POST", "/auth/logout", &session).await.unwrap();
    assert_eq!(out.status(), 303);
    let again = send("POST", "/auth/logout", "").await.unwrap();
    assert_eq!(again.status(), 303);

    let spans = captured.spans.lock().unwrap().clone();
    let logouts: Vec<&Fields> = spans
        .iter()
        .filter(|(name, _)| name == "franceconnect.logout")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(logouts.len(), 2, "{spans:?}");
    let field = |fields: &Fields, name: &str| fields.get(name).cloned().unwrap_or_default();
    assert_eq!(field(logouts[0], "outcome"), "provider", "{:?}", logouts[0]);
    assert_eq!(field(logouts[0], "platform"), "fc");
    assert!(
        field(logouts[0], "duration_ms").parse::<f64>().is_ok(),
        "{:?}",
        logouts[0]
    );
    assert_eq!(field(logouts[1], "outcome"), "no_session", "{:?}", logouts[1]);
    let revocations: Vec<&Fields> = spans
        .iter()
        .filter(|(name, _)| name == "franceconnect.revocation")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(
        revocations.len(),
        1,
        "the signed-in logout revoked its token: {spans:?}"
    );
    assert_eq!(field(revocations[0], "outcome"), "revoked");
}
