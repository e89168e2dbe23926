//! The flows of the scenario suite every web adapter must pass, over real
//! HTTP with a cookie-keeping client against an app wired to the mock
//! provider: login and logout, FranceConnect+ encryption, step-up, provider
//! failures, callbacks and cookies. Each adapter's test file runs them (with
//! the attacks of [`attacks`](crate::scenarios::attacks)) through
//! [`scenario_suite!`](crate::scenario_suite); a difference in behaviour
//! between adapters is a failing test.

use std::time::Duration;

use franceconnect_mock::{Endpoint, Failure, Tamper};
use franceconnect_tower::{EncryptionAlg, ServiceKeys};
use reqwest::StatusCode;

use super::{callback_url, callback_url_from, fc, fc_encrypted, fc_plus, open_callback};
use crate::harness::{AppUnderTest, Browser, Page, Starter};

/// The value of a cookie in `Set-Cookie` headers.
fn cookie_value(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies.iter().find_map(|c| {
        let first = c.split(';').next()?;
        let (k, v) = first.split_once('=')?;
        (k.trim() == name).then(|| v.to_owned())
    })
}

/// Login, pages, `/api/me`, session cookie and logout on FranceConnect.
pub async fn fc_login_and_logout(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let b = Browser::new(&app.base);
    // Not signed in: the protected page sends the browser to the login.
    let page = b.get("/profil").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location_path(), "/auth/login?return_to=%2Fprofil");
    let me = b.get_json("/api/me").await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me.json()["error"], "not_signed_in");
    let home = b.get("/").await;
    assert!(home.body.contains("S'identifier avec FranceConnect"), "{}", home.body);

    // The login leaves nothing on the server: no session, only a sealed
    // cookie for the callback.
    let first = b.get("/auth/login?return_to=%2Fprofil").await;
    assert!(
        cookie_value(&first.set_cookies, "fc_session").is_none(),
        "no session for a pending login: {:?}",
        first.set_cookies
    );
    let cookie = first
        .set_cookies
        .iter()
        .find(|c| c.starts_with("fc_login_"))
        .expect("a pending-login cookie")
        .to_ascii_lowercase();
    for attribute in ["httponly", "samesite=lax", "path=/;", "max-age=660"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    assert!(
        !cookie.contains("secure"),
        "loopback http cannot use Secure cookies: {cookie}"
    );
    let person = app.mock().identities()[0].clone();
    let back = b
        .login_through_page("/auth/login?return_to=%2Fprofil", Some(&person.id), "eidas1")
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(back.location_path(), "/profil");
    let before = cookie_value(&back.set_cookies, "fc_session").expect("a session at sign-in");
    let session = back
        .set_cookies
        .iter()
        .find(|c| c.starts_with("fc_session="))
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        session.contains("httponly") && session.contains("samesite=lax") && !session.contains("secure"),
        "{session}"
    );
    assert!(
        back.set_cookies
            .iter()
            .any(|c| c.starts_with("fc_login_") && c.to_ascii_lowercase().contains("max-age=0")),
        "the callback clears its pending-login cookie: {:?}",
        back.set_cookies
    );
    // Another person signing in on this browser: a new session id, and
    // nothing of the previous person's session survives.
    let other = app.mock().identities()[1].clone();
    let again = b.login_through_page("/auth/login", Some(&other.id), "eidas1").await;
    let after = cookie_value(&again.set_cookies, "fc_session").expect("a new session id at login");
    assert_ne!(before, after, "the session id changes at login");
    let planted = Browser::with_cookies(&app.base, &[&format!("fc_session={before}")]);
    assert_eq!(
        planted.get_json("/api/me").await.status,
        StatusCode::UNAUTHORIZED,
        "the old session id is dead"
    );
    assert_eq!(b.get_json("/api/me").await.json()["family_name"], other.family_name);
    let back = b.login_through_page("/auth/login", Some(&person.id), "eidas1").await;
    let after = cookie_value(&back.set_cookies, "fc_session").expect("a new session id at login");
    let profile = b.get("/profil").await;
    assert_eq!(profile.status, StatusCode::OK);
    let no_store = |p: &Page| p.cache_control.contains("no-store");
    assert!(
        no_store(&profile),
        "a page with personal data is not cached: {:?}",
        profile.cache_control
    );
    assert!(profile.body.contains(&person.family_name), "{}", profile.body);

    let me = b.get_json("/api/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(no_store(&me));
    let me = me.json();
    assert_eq!(me["sub"].as_str().unwrap().len(), 66);
    assert_eq!(me["acr"], "eidas1");
    assert_eq!(me["given_name"], person.given_name);
    assert_eq!(me["family_name"], person.family_name);
    assert_eq!(me["birthdate"], person.birthdate);
    assert_eq!(me["birthcountry"].as_str(), person.birthcountry.as_deref());
    for key in ["gender", "birthplace", "email", "preferred_username", "amr"] {
        assert!(me.get(key).is_some(), "{key} is part of /api/me");
    }

    // Logout: local session cleared, provider's /session/end, back home.
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let provider = out.location.clone().unwrap();
    assert!(
        provider
            .as_str()
            .starts_with(&format!("{}/session/end", app.mock().issuer())),
        "{provider}"
    );
    assert_eq!(
        b.get_json("/api/me").await.status,
        StatusCode::UNAUTHORIZED,
        "signed out locally at once"
    );
    let end = b.get(provider.as_str()).await;
    assert_eq!(end.status, StatusCode::SEE_OTHER, "{}", end.body);
    assert!(end.location_path().starts_with("/auth/logout/callback?state="));
    let done = b.get(end.location.unwrap().as_str()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location_path(), "/");
    assert_eq!(app.mock().request_count(Endpoint::SessionEnd), 1);
    // The session is gone on the server, not only from this browser.
    let replayed = Browser::with_cookies(&app.base, &[&format!("fc_session={after}")]);
    assert_eq!(
        replayed.get_json("/api/me").await.status,
        StatusCode::UNAUTHORIZED,
        "the old session is dead"
    );
}

/// The logout revokes the access token at the provider (the mock accepts
/// exactly the platform's three fields) before sending the browser to
/// `/session/end`; a revocation endpoint that fails or hangs is logged and
/// the logout goes on, within the revocation's 3-second bound.
pub async fn logout_revokes_the_access_token(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let mock = app.mock();
    mock.auto_approve(Some("default"), None);
    for failure in [
        None,
        Some(Failure::Unavailable),
        Some(Failure::Slow(Duration::from_secs(30))),
    ] {
        let b = Browser::new(&app.base);
        let done = b.follow(b.get("/auth/login").await).await;
        assert_eq!(done.status, StatusCode::OK, "{failure:?}: {}", done.body);
        assert_eq!(mock.live_access_tokens(), 1, "{failure:?}: one login, one token");
        mock.set_failure(Endpoint::Revocation, failure);
        let revocations = mock.request_count(Endpoint::Revocation);
        let started = std::time::Instant::now();
        let out = b.post_form("/auth/logout", &[], &b.origin()).await;
        let waited = started.elapsed();
        assert_eq!(out.status, StatusCode::SEE_OTHER, "{failure:?}");
        let provider = out.location.clone().unwrap();
        assert!(provider.path().ends_with("/session/end"), "{failure:?}: {provider}");
        assert_eq!(mock.request_count(Endpoint::Revocation), revocations + 1, "{failure:?}");
        assert_eq!(
            b.get_json("/api/me").await.status,
            StatusCode::UNAUTHORIZED,
            "{failure:?}: signed out locally whatever the revocation did"
        );
        match failure {
            None => assert_eq!(mock.live_access_tokens(), 0, "revoked before /session/end"),
            Some(_) => {
                assert_eq!(mock.live_access_tokens(), 1, "{failure:?}: not revoked");
                assert!(
                    waited < Duration::from_secs(8),
                    "{failure:?}: the logout waited {waited:?}"
                );
            }
        }
        mock.set_failure(Endpoint::Revocation, None);
        // /session/end ends what is left at the provider.
        let end = b.get(provider.as_str()).await;
        assert_eq!(end.status, StatusCode::SEE_OTHER, "{failure:?}: {}", end.body);
        assert_eq!(mock.live_access_tokens(), 0, "{failure:?}");
    }
}

/// `private_key_jwt` (`FC_TOKEN_ENDPOINT_AUTH`), on FranceConnect and on
/// FranceConnect+: the service's signing key is published with `use: sig`
/// beside its encryption keys, the mock verifies each assertion against it
/// (fetched from the app's `/auth/jwks`) and refuses a secret, and the
/// person signs in.
pub async fn private_key_jwt_authenticates_the_token_request(starter: &impl Starter) {
    for (mut vars, level) in [(fc(), "eidas1"), (fc_plus(), "eidas2")] {
        vars.push(("FC_TOKEN_ENDPOINT_AUTH", "private_key_jwt".into()));
        let app = starter.start(vars).await;
        let b = Browser::new(&app.base);
        let published = b.get_json("/auth/jwks").await.json();
        let signing: Vec<&serde_json::Value> = published["keys"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["use"] == "sig")
            .collect();
        assert_eq!(signing.len(), 1, "{published}");
        assert_eq!(signing[0]["alg"], "ES256");
        assert!(signing[0].get("d").is_none(), "no private part");
        let encryption = published["keys"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["use"] == "enc")
            .count();
        assert_eq!(encryption, usize::from(app.platform.encrypts()), "{published}");
        let back = b.login_through_page("/auth/login", Some("default"), level).await;
        assert_eq!(back.status, StatusCode::SEE_OTHER, "{level}: {}", back.body);
        let me = b.get_json("/api/me").await;
        assert_eq!(me.status, StatusCode::OK, "{level}: {}", me.body);
        assert_eq!(me.json()["acr"], level);
    }
}

/// FranceConnect+ with each encryption algorithm (the key in a file, as a
/// real service keeps it).
pub async fn fc_plus_login_with_each_algorithm(starter: &impl Starter) {
    for alg in EncryptionAlg::ALL {
        login_with_encryption(fc_plus(), alg, "eidas3", starter).await;
    }
}

/// FranceConnect with encrypted tokens (`FC_ENCRYPTED_TOKENS`, a service
/// registered for it): a login with each of FranceConnect's two algorithms,
/// the keys published, the logout accepted.
pub async fn fc_login_with_encrypted_tokens(starter: &impl Starter) {
    for alg in [EncryptionAlg::EcdhEs, EncryptionAlg::RsaOaep] {
        login_with_encryption(fc_encrypted(), alg, "eidas1", starter).await;
    }
}

/// Starts an app (through `starter`, last so that this helper is not taken
/// for a scenario) with `vars` and a fresh key for `alg` in `FC_KEYS_FILE`,
/// signs in at `level` through the provider's page, checks that the key is
/// published and that the logout's `id_token_hint` (the inner JWS) is
/// accepted.
async fn login_with_encryption(
    mut vars: Vec<(&'static str, String)>,
    alg: EncryptionAlg,
    level: &str,
    starter: &impl Starter,
) {
    let dir = std::env::temp_dir().join(format!("fc-e2e-{}-{}-{level}", std::process::id(), alg));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("keys.json");
    let keys = ServiceKeys::generate(alg).unwrap();
    std::fs::write(&file, keys.to_private_jwks_json()).unwrap();
    vars.push(("FC_KEYS_FILE", file.display().to_string()));
    let app = starter.start(vars).await;
    let b = Browser::new(&app.base);
    let published = b.get_json("/auth/jwks").await.json();
    assert_eq!(published, keys.public_jwks(), "{alg}: the key the provider encrypts to");
    let back = b.login_through_page("/auth/login", Some("default"), level).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{alg}: {}", back.body);
    let me = b.get_json("/api/me").await.json();
    assert_eq!(me["acr"], level, "{alg}");
    // Tokens were encrypted (a bare JWS is refused with these settings),
    // to the key the provider fetched from the app's jwks_uri.
    assert!(me["given_name"].is_string(), "{alg}");
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    let end = b.get(out.location.unwrap().as_str()).await;
    assert_eq!(
        end.status,
        StatusCode::SEE_OTHER,
        "{alg}: the inner JWS is a valid hint: {}",
        end.body
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two tabs of one browser log in at the same time; each lands on its own
/// `return_to`.
pub async fn two_tabs_log_in_at_once(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    app.mock().auto_approve(Some("default"), None);
    let b = Browser::new(&app.base);
    let tab_a = b.get("/auth/login?return_to=%2Fa").await;
    let tab_b = b.get("/auth/login?return_to=%2Fprofil").await;
    let callback_a = b.get(tab_a.location.unwrap().as_str()).await.location.unwrap();
    let callback_b = b.get(tab_b.location.unwrap().as_str()).await.location.unwrap();
    let done_b = b.get(callback_b.as_str()).await;
    assert_eq!(done_b.location_path(), "/profil", "{}", done_b.body);
    let done_a = b.get(callback_a.as_str()).await;
    assert_eq!(done_a.location_path(), "/a", "{}", done_a.body);
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);
}

/// Absolute and protocol-relative `return_to` are refused before any
/// redirect.
pub async fn return_to_must_be_relative(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let b = Browser::new(&app.base);
    for bad in [
        "https%3A%2F%2Fevil.example%2F",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "javascript%3Aalert(1)",
        "%2Fauth%2Flogin%3Freturn_to%3D%2F",
    ] {
        let page = b.get(&format!("/auth/login?return_to={bad}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(page.location.is_none());
        assert!(page.body.contains("lang=\"fr\""));
    }
    assert_eq!(app.mock().request_count(Endpoint::Authorize), 0);
}

/// A page requiring eIDAS high sends an eidas2 user through a new login at
/// eidas3.
pub async fn step_up_to_a_higher_level(starter: &impl Starter) {
    let app = starter.start(fc_plus()).await;
    let b = Browser::new(&app.base);
    let back = b.login_through_page("/auth/login", Some("default"), "eidas2").await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(
        b.get("/auth/login?acr=eidas1").await.status,
        StatusCode::BAD_REQUEST,
        "eidas1 is not a FC+ level"
    );
    let api = b.get_json("/niveau-eleve").await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(api.json()["required_acr"], "eidas3");
    let page = b.get("/niveau-eleve").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location_path(), "/auth/login?return_to=%2Fniveau-eleve&acr=eidas3");
    let to_provider = b.get(page.location.unwrap().as_str()).await;
    assert!(
        to_provider
            .location
            .as_ref()
            .unwrap()
            .as_str()
            .contains("acr_values=eidas3")
    );
    let back = b
        .login_through_page(
            "/auth/login?return_to=%2Fniveau-eleve&acr=eidas3",
            Some("default"),
            "eidas3",
        )
        .await;
    assert_eq!(back.location_path(), "/niveau-eleve");
    let page = b.get("/niveau-eleve").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("eidas3"));
    // A provider answering below the request is refused.
    let b2 = Browser::new(&app.base);
    let low = b2
        .login_through_page("/auth/login?acr=eidas3", Some("default"), "eidas2")
        .await;
    assert_eq!(low.status, StatusCode::FORBIDDEN, "{}", low.body);
    assert!(low.body.contains("niveau de sécurité"));
    assert_eq!(b2.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
}

/// Cancelling at the provider ends on a French page offering to retry.
pub async fn cancelling_shows_a_french_page(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let b = Browser::new(&app.base);
    let page = b
        .login_through_page("/auth/login?return_to=%2Fprofil", None, "eidas1")
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.content_type.starts_with("text/html"));
    assert!(
        page.body.contains("Connexion annulée") && page.body.contains("annulé la connexion"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("/auth/login?return_to=%2Fprofil"),
        "a retry link keeps return_to"
    );
    assert_eq!(app.mock().request_count(Endpoint::Token), 0);
}

async fn outcome(app: &AppUnderTest, json: bool) -> (StatusCode, String) {
    let b = Browser::new(&app.base);
    let page = open_callback(&b, json).await;
    let me = b.get_json("/api/me").await.status;
    assert_eq!(me, StatusCode::UNAUTHORIZED, "a failed login signs nobody in");
    (page.status, page.body)
}

/// Each mock scenario gives the user-visible outcome it should.
pub async fn provider_failures_have_clear_outcomes(starter: &impl Starter) {
    let mut vars = fc();
    vars.push(("FC_HTTP_TIMEOUT_SECS", "1".into()));
    let app = starter.start(vars).await;
    app.mock().auto_approve(Some("default"), None);
    let m = app.mock();

    m.set_callback_error(Some("temporarily_unavailable"));
    let (status, body) = outcome(&app, false).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("momentanément indisponible"), "{body}");
    let (_, json) = outcome(&app, true).await;
    assert!(json.contains("\"error\":\"temporarily_unavailable\""), "{json}");
    m.set_callback_error(None);

    for (endpoint, failure, expected) in [
        (Endpoint::Token, Failure::ServerError, StatusCode::SERVICE_UNAVAILABLE),
        (
            Endpoint::Token,
            Failure::Slow(Duration::from_secs(3)),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        (Endpoint::Token, Failure::Garbage, StatusCode::BAD_GATEWAY),
        (
            Endpoint::Userinfo,
            Failure::Unavailable,
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        (Endpoint::Userinfo, Failure::Garbage, StatusCode::BAD_GATEWAY),
        (Endpoint::Userinfo, Failure::Oversized, StatusCode::SERVICE_UNAVAILABLE),
    ] {
        m.set_failure(endpoint, Some(failure));
        let (status, body) = outcome(&app, false).await;
        assert_eq!(status, expected, "{endpoint:?} {failure:?}: {body}");
        assert!(body.contains("Réessayer"), "{endpoint:?} {failure:?}: a retry link");
        m.set_failure(endpoint, None);
    }
    for tamper in [
        Tamper::BadSignature,
        Tamper::AlgNone,
        Tamper::WrongIssuer,
        Tamper::WrongAudience,
        Tamper::WrongNonce,
        Tamper::Expired,
        Tamper::UserinfoSubMismatch,
    ] {
        m.set_tamper(Some(tamper));
        let (status, body) = outcome(&app, true).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{tamper:?}: {body}");
        m.set_tamper(None);
    }
    m.rotate_signing_key();
    let b = Browser::new(&app.base);
    let done = b.follow(b.get("/auth/login").await).await;
    assert_eq!(
        done.status,
        StatusCode::OK,
        "a rotated provider key is followed: {}",
        done.body
    );
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);
}

/// A callback with a forged state, or replayed, signs nobody in.
pub async fn forged_and_replayed_callbacks_are_refused(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    app.mock().auto_approve(Some("default"), None);
    let b = Browser::new(&app.base);
    let callback = callback_url(&b).await;
    let tokens = || app.mock().request_count(franceconnect_mock::Endpoint::Token);
    let forged = callback.as_str().replace("state=", "state=x");
    let page = b.get(&forged).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Recommencez la connexion"), "{}", page.body);
    assert_eq!(
        tokens(),
        0,
        "a callback matching no pending login costs no token request"
    );
    assert_eq!(
        b.get(callback.as_str()).await.status,
        StatusCode::SEE_OTHER,
        "the genuine callback still works"
    );
    let replay = b.get(callback.as_str()).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST, "a callback is single-use");
    // Another browser cannot use this browser's callback, and its code is
    // never sent to the provider: the login is refused before any request.
    let stolen = callback_url(&b).await;
    let other = Browser::new(&app.base);
    let before = tokens();
    assert_eq!(other.get(stolen.as_str()).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(tokens(), before, "no token request for a callback without its cookie");
    assert_eq!(other.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
}

/// A logout posted from another site is refused and signs nobody out; a
/// `GET` shows the logout button instead of logging out.
pub async fn cross_site_logout_is_refused(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    app.mock().auto_approve(Some("default"), None);
    let b = Browser::new(&app.base);
    b.follow(b.get("/auth/login").await).await;
    let page = b.post_form("/auth/logout", &[], "https://evil.example").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK, "still signed in");
    // A logout with nobody signed in (only a login pending) leaves no
    // session behind.
    let anonymous = Browser::new(&app.base);
    anonymous.get("/auth/login").await;
    let out = anonymous.post_form("/auth/logout", &[], &anonymous.origin()).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location_path(), "/");
    let kept = out.set_cookies.iter().any(|c| {
        let c = c.to_ascii_lowercase();
        c.starts_with("fc_session=") && !c.starts_with("fc_session=;") && !c.contains("max-age=0")
    });
    assert!(!kept, "no session cookie: {:?}", out.set_cookies);
    // A `GET` never logs out: a browser gets a page with the button, an
    // API client a 405.
    let get = b.get("/auth/logout").await;
    assert_eq!(get.status, StatusCode::OK, "the logout page");
    assert!(
        get.body.contains(
            r#"<form method="post" action="/auth/logout"><button type="submit">Se déconnecter</button></form>"#
        ),
        "{}",
        get.body
    );
    assert!(get.body.contains(r#"lang="fr""#));
    assert_eq!(b.get_json("/auth/logout").await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK, "still signed in");
    // Its button posts from the site itself: the logout goes through.
    let pressed = b.post_form("/auth/logout", &[], &b.origin()).await;
    assert_eq!(pressed.status, StatusCode::SEE_OTHER);
    assert!(pressed.location.unwrap().path().ends_with("/session/end"));
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(b.get("/auth/nothing-here").await.status, StatusCode::NOT_FOUND);
}

/// A browser on `127.0.0.1` while `APP_URL` says `localhost` is told, at
/// `/auth/login`, which address to open (its login cookie would not reach
/// the callback); on the right host the login starts.
pub async fn a_browser_on_another_loopback_host_is_told(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let port = url::Url::parse(&app.base).unwrap().port().unwrap();
    let elsewhere = Browser::new(&format!("http://127.0.0.1:{port}"));
    let page = elsewhere.get("/auth/login?return_to=%2Fprofil").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.location.is_none(), "no login started");
    assert!(
        page.body.contains("s&#39;ouvre à l&#39;adresse localhost")
            && !page.body.contains("APP_URL")
            && page.body.contains(&format!(
                r#"href="http://localhost:{port}/auth/login?return_to=%2Fprofil""#
            )),
        "{}",
        page.body
    );
    let api = elsewhere.get_json("/auth/login").await;
    assert_eq!(api.json()["error"], "wrong_host");
    let right = Browser::new(&app.base).get("/auth/login").await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
}

/// API clients get JSON where browsers get redirects and pages.
pub async fn api_clients_get_json(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let b = Browser::new(&app.base);
    let api = b.get_json("/profil").await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.json()["login_url"], "/auth/login?return_to=%2Fprofil");
    app.mock().set_callback_error(Some("access_denied"));
    let callback = callback_url(&b).await;
    let json = b.get_json(callback.as_str()).await;
    assert_eq!(json.status, StatusCode::FORBIDDEN);
    assert!(json.content_type.starts_with("application/json"));
    assert_eq!(json.json()["error"], "access_denied");
}

/// The service's public keys are published with a cache lifetime and no
/// private part.
pub async fn service_keys_are_published(starter: &impl Starter) {
    let app = starter.start(fc_plus()).await;
    let b = Browser::new(&app.base);
    let page = b.get_json("/auth/jwks").await;
    assert_eq!(page.status, StatusCode::OK);
    let keys = page.json();
    let key = &keys["keys"][0];
    assert_eq!(key["use"], "enc");
    assert!(key.get("d").is_none());
    assert!(key["kid"].is_string() && key["alg"].is_string());
}

/// Outside loopback `http://`, the pending-login cookie and the session
/// cookie are `Secure` and host-only (`__Host-`: no sibling subdomain can
/// plant one).
pub async fn secure_cookie_outside_loopback(starter: &impl Starter) {
    let mut vars = fc();
    vars.push(("APP_URL", "https://service.example.fr".into()));
    let app = starter.start(vars).await;
    app.mock().auto_approve(Some("default"), None);
    let b = Browser::new(&app.local);
    let login = b.get("/auth/login").await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let pending = login
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-fc_login_"))
        .unwrap_or_else(|| panic!("{:?}", login.set_cookies))
        .clone();
    for attribute in ["secure", "httponly", "samesite=lax", "path=/;"] {
        assert!(
            pending.to_ascii_lowercase().contains(attribute),
            "{attribute}: {pending}"
        );
    }
    assert!(
        !pending.to_ascii_lowercase().contains("domain="),
        "host-only: {pending}"
    );
    let provider = login.location.unwrap();
    assert!(
        provider
            .as_str()
            .contains("redirect_uri=https%3A%2F%2Fservice.example.fr%2Fauth%2Fcallback")
    );
    // The provider sends the browser to the public https URL; the test
    // plays that browser on the app's own address, carrying the cookie a
    // browser would send there.
    let callback = b.get(provider.as_str()).await.location.expect("the callback");
    let local = callback.as_str().replacen("https://service.example.fr", &app.local, 1);
    let browser = Browser::with_cookies(&app.local, &[pending.split(';').next().unwrap()]);
    let done = browser.get(&local).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let cookie = done
        .set_cookies
        .iter()
        .find(|c| c.starts_with("__Host-fc_session="))
        .unwrap_or_else(|| panic!("{:?}", done.set_cookies))
        .to_ascii_lowercase();
    for attribute in ["secure", "httponly", "samesite=lax", "path=/"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    assert!(!cookie.contains("domain="), "host-only: {cookie}");
}

/// An anonymous `GET /auth/login` leaves nothing on the server: no
/// session cookie, however many; a `return_to` over 512 bytes is refused
/// with a clear error; two logins of one browser each complete on their
/// own cookie.
pub async fn anonymous_logins_store_nothing(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let b = Browser::new(&app.base);
    let long = format!("/{}", "a".repeat(500));
    for _ in 0..50 {
        let login = b.get(&format!("/auth/login?return_to={long}")).await;
        assert_eq!(login.status, StatusCode::SEE_OTHER);
        assert!(
            login.set_cookies.iter().all(|c| !c.starts_with("fc_session=")),
            "no session for an anonymous visit: {:?}",
            login.set_cookies
        );
    }
    let too_long = format!("/{}", "a".repeat(600));
    let refused = b.get_json(&format!("/auth/login?return_to={too_long}")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "invalid_return_to");
    let page = b.get(&format!("/auth/login?return_to={too_long}")).await;
    assert!(page.body.contains("trop longue"), "{}", page.body);
    // Each pending cookie stands alone: the last one still completes.
    app.mock().auto_approve(Some("default"), None);
    let done = b.follow(b.get("/auth/login?return_to=%2Fprofil").await).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);
}

/// Sessions end: at their absolute lifetime however active the user, and a
/// sensitive page asks for an authentication of the last few minutes,
/// sending an older one through a new login with `prompt=login`.
pub async fn sessions_end(starter: &impl Starter) {
    let mut vars = fc();
    vars.push(("FC_SESSION_LIFETIME_SECS", "2".into()));
    let app = starter.start(vars).await;
    app.mock().auto_approve(Some("default"), None);
    let b = Browser::new(&app.base);
    b.follow(b.get("/auth/login").await).await;
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        b.get_json("/api/me").await.status,
        StatusCode::OK,
        "active, within the lifetime"
    );
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        b.get_json("/api/me").await.status,
        StatusCode::UNAUTHORIZED,
        "past the absolute lifetime, however active"
    );

    for platform in [fc(), fc_plus()] {
        let app = starter.start(platform).await;
        let mock = app.mock();
        mock.auto_approve(Some("default"), None);
        // Signed in through the provider's single sign-on, authenticated an
        // hour ago.
        mock.set_sso_age(Duration::from_secs(3600));
        let b = Browser::new(&app.base);
        b.follow(b.get("/auth/login").await).await;
        assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);
        let sensitive = b.get("/action-sensible").await;
        assert_eq!(sensitive.status, StatusCode::SEE_OTHER);
        let login = sensitive.location_path();
        assert!(
            login.starts_with("/auth/login?return_to=%2Faction-sensible") && login.ends_with("&prompt=login"),
            "{login}"
        );
        let provider = b.get(&login).await.location.expect("to the provider");
        assert!(
            provider.query_pairs().any(|(k, v)| k == "prompt" && v == "login"),
            "{provider}"
        );
        let done = b.follow(b.get(provider.as_str()).await).await;
        assert_eq!(done.status, StatusCode::OK, "authenticated again: {}", done.body);
        assert!(done.body.contains("Action sensible"), "{}", done.body);
        let api = b.get_json("/action-sensible").await;
        assert_eq!(api.status, StatusCode::OK, "fresh now");
    }
}

/// Every person the platforms may send, on FranceConnect and
/// FranceConnect+, European citizens through the eIDAS bridge included,
/// signs in and sees their claims come back as the platform sent them in
/// `/api/me` and on the profile (a gender `unspecified` reads "Non
/// précisé"); what is truly malformed is refused with a clean page and a
/// JSON error, and signs nobody in.
pub async fn every_person_signs_in(starter: &impl Starter) {
    use super::people::{Outcome, cases, expected_claims};
    for vars in [fc(), fc_plus()] {
        let app = starter.start(vars).await;
        let platform = app.platform;
        let mock = app.mock();
        let table = cases();
        mock.set_identities(table.iter().map(|c| c.identity.clone()).collect());
        for case in &table {
            mock.auto_approve(Some(&case.identity.id), None);
            let b = Browser::new(&app.base);
            let callback = callback_url(&b).await;
            match case.outcome {
                Outcome::SignsIn => {
                    let done = b.follow(b.get(callback.as_str()).await).await;
                    assert_eq!(done.status, StatusCode::OK, "{platform:?} {}: {}", case.what, done.body);
                    let me = b.get_json("/api/me").await.json();
                    for (claim, value) in expected_claims(&case.identity, platform) {
                        assert_eq!(
                            me[claim].as_str().map(str::to_owned),
                            value,
                            "{platform:?} {}: {claim} comes back as sent",
                            case.what
                        );
                    }
                    let profile = b.get("/profil").await;
                    assert_eq!(profile.status, StatusCode::OK, "{platform:?} {}", case.what);
                    if case.identity.gender.as_deref() == Some("unspecified") {
                        assert!(profile.body.contains("Non précisé"), "{}", profile.body);
                    }
                }
                Outcome::RefusedOn(_) => {
                    let json = b.get_json(callback.as_str()).await;
                    assert_eq!(
                        json.status,
                        StatusCode::BAD_GATEWAY,
                        "{platform:?} {}: {}",
                        case.what,
                        json.body
                    );
                    assert_eq!(json.json()["error"], "invalid_claims", "{platform:?} {}", case.what);
                    assert_eq!(
                        b.get_json("/api/me").await.status,
                        StatusCode::UNAUTHORIZED,
                        "{platform:?} {}",
                        case.what
                    );
                }
            }
        }
    }
}

/// `idp_hint`: only the configured identity providers may be named; the
/// hint reaches the provider; one the platform does not offer comes back as
/// `invalid_idp_hint`, a typed error with a clear page whose retry drops the
/// hint.
pub async fn idp_hints_are_checked(starter: &impl Starter) {
    let (offered, _) = franceconnect_mock::IDENTITY_PROVIDERS[0];
    let mut vars = fc();
    vars.push(("FC_IDP_HINTS", format!("{offered},not-offered-by-the-platform")));
    let app = starter.start(vars).await;
    app.mock().auto_approve(Some("default"), None);
    let b = Browser::new(&app.base);

    let refused = b.get_json("/auth/login?idp_hint=anything-a-visitor-types").await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(refused.json()["error"], "invalid_idp_hint");

    let start = b.get(&format!("/auth/login?idp_hint={offered}")).await;
    let provider = start.location.expect("to the provider");
    assert!(
        provider.query_pairs().any(|(k, v)| k == "idp_hint" && v == offered),
        "{provider}"
    );
    let done = b.follow(b.get(provider.as_str()).await).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);

    let other = Browser::new(&app.base);
    let unknown = "/auth/login?idp_hint=not-offered-by-the-platform";
    let json = other.get_json(callback_url_from(&other, unknown).await.as_str()).await;
    assert_eq!(json.status, StatusCode::FORBIDDEN, "{}", json.body);
    assert_eq!(json.json()["error"], "invalid_idp_hint");
    let page = other.get(callback_url_from(&other, unknown).await.as_str()).await;
    assert!(page.body.contains("fournisseur d&#39;identité"), "{}", page.body);
    assert!(
        page.body.contains("Réessayer") && !page.body.contains("idp_hint="),
        "the retry drops the hint: {}",
        page.body
    );
}

/// A service whose redirect URIs span several hosts serves the
/// `sector_identifier_uri` document FranceConnect fetches: the JSON array of
/// those URIs, exactly as configured; without the setting, nothing.
pub async fn the_sector_identifier_is_served(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let b = Browser::new(&app.base);
    assert_eq!(
        b.get_json("/auth/sector-identifier").await.status,
        StatusCode::NOT_FOUND
    );

    let uris = [
        "https://service.example.fr/auth/callback",
        "https://demarches.example.fr/connexion/callback",
    ];
    let mut vars = fc();
    vars.push(("APP_URL", "https://service.example.fr".into()));
    vars.push(("FC_SECTOR_REDIRECT_URIS", uris.join(" ")));
    let app = starter.start(vars).await;
    let b = Browser::new(&app.local);
    let page = b.get("/auth/sector-identifier").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.content_type.starts_with("application/json"));
    assert_eq!(page.json(), serde_json::json!(uris));
}
