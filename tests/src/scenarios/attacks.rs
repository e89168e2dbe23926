//! The attack scenarios of the suite every web adapter must pass: hostile
//! tokens from the provider and forged callbacks from the network, each
//! refused with its error code and a clean French page, while the sessions
//! already signed in (the attacked browser's own and a bystander's) stay
//! exactly as they were. They run with the flows of
//! [`flows`](crate::scenarios::flows) in
//! [`scenario_suite!`](crate::scenario_suite).

use std::time::Duration;

use franceconnect_mock::{Endpoint, Failure};
use franceconnect_tower::__private::PROVIDER_FAILURE_BACKOFF;
use reqwest::StatusCode;
use url::Url;

use super::{callback_url, fc, fc_encrypted, fc_plus, hostile, open_callback, proconnect, three_people};
use crate::harness::{Browser, Page, Starter};

/// A browser signed in as `identity` through the auto-approving mock, and
/// what `/api/me` says about it.
async fn signed_in(base: &str, mock: &franceconnect_mock::MockHandle, identity: &str) -> (Browser, String) {
    mock.auto_approve(Some(identity), None);
    let b = Browser::new(base);
    let done = b.follow(b.get("/auth/login").await).await;
    assert_eq!(done.status, StatusCode::OK, "{identity} signs in: {}", done.body);
    let me = b.get_json("/api/me").await;
    assert_eq!(me.status, StatusCode::OK);
    (b, me.body)
}

/// Asserts that each browser's `/api/me` still says what it said.
async fn unchanged(sessions: &[(&Browser, &str)], case: &str) {
    for (b, before) in sessions {
        let me = b.get_json("/api/me").await;
        assert_eq!(me.status, StatusCode::OK, "{case}: still signed in");
        assert_eq!(me.body, *before, "{case}: the session is unchanged");
    }
}

/// Asserts that a page is the clean French error page: no token, no
/// internal detail, a way out.
fn assert_clean_error_page(page: &Page, case: &str) {
    assert!(
        page.content_type.starts_with("text/html"),
        "{case}: {}",
        page.content_type
    );
    let body = &page.body;
    assert!(body.contains("lang=\"fr\""), "{case}: {body}");
    assert!(
        body.contains("Réessayer") || body.contains("Recommencez") || body.contains("Retour"),
        "{case}: the page offers a way out: {body}"
    );
    for leak in ["eyJ", "panicked", "JoseError", "ClaimsError", "josekit", "Bearer"] {
        assert!(!body.contains(leak), "{case}: the page shows {leak:?}: {body}");
    }
    assert!(page.cache_control.contains("no-store"), "{case}");
}

/// Every hostile token of the catalogue, through the whole HTTP flow, on
/// both platforms: refused with its code (JSON) and a clean page (HTML);
/// the attacked browser keeps its earlier sign-in and a bystander's session
/// is untouched.
pub async fn hostile_tokens_change_no_session(starter: &impl Starter) {
    for vars in [fc(), fc_encrypted(), fc_plus(), proconnect()] {
        let encrypted = vars.iter().any(|(k, v)| *k == "FC_ENCRYPTED_TOKENS" || v == "fcplus");
        let app = starter.start(vars).await;
        let mock = app.mock();
        let [default, bystander_id, target_id] = three_people(app.platform);
        let (bystander, bystander_me) = signed_in(&app.base, mock, bystander_id).await;
        let (target, target_me) = signed_in(&app.base, mock, target_id).await;
        let sessions = [(&bystander, bystander_me.as_str()), (&target, target_me.as_str())];
        mock.auto_approve(Some(default), None);
        for tamper in hostile::scenarios(encrypted) {
            let case = format!("{:?} (encrypted: {encrypted}) {tamper:?}", app.platform);
            mock.set_tamper(Some(tamper));
            let code = hostile::expected_code(tamper);
            // A response refused on its media type counts as a provider
            // fault (503), a token refused on its content as a bad one (502).
            let status = match code {
                "provider_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::BAD_GATEWAY,
            };
            let api = open_callback(&target, true).await;
            assert_eq!(api.status, status, "{case}: {}", api.body);
            assert_eq!(api.json()["error"], code, "{case}");
            let page = open_callback(&target, false).await;
            assert_eq!(page.status, status, "{case}");
            assert_clean_error_page(&page, &case);
            unchanged(&sessions, &case).await;
        }
        mock.set_tamper(None);
        let fresh = Browser::new(&app.base);
        let done = fresh.follow(fresh.get("/auth/login").await).await;
        assert_eq!(done.status, StatusCode::OK, "a correct login still works");
    }
}

/// Replaces (or removes, with `None`) a query parameter of a URL.
fn with_param(url: &Url, name: &str, value: Option<&str>) -> String {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .chain(value.map(|v| (name.to_owned(), v.to_owned())))
        .collect();
    let mut out = url.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out.to_string()
}

/// The value of a query parameter.
fn param(url: &Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("{name} in {url}"))
}

/// Forged, replayed, injected and stale callbacks: each is refused with its
/// code and signs nobody in, and no existing session changes.
pub async fn forged_callbacks_change_no_session(starter: &impl Starter) {
    let mut vars = fc();
    vars.push(("FC_PENDING_LOGIN_SECS", "1".into()));
    let app = starter.start(vars).await;
    let mock = app.mock();
    let (bystander, bystander_me) = signed_in(&app.base, mock, "usage").await;
    let (target, target_me) = signed_in(&app.base, mock, "accents").await;
    let sessions = [(&bystander, bystander_me.as_str()), (&target, target_me.as_str())];
    // The mock still approves as the target's person (the last sign-in), so
    // the one genuine callback below leaves the target's session as it was.
    let attacker = Browser::new(&app.base);

    let refused = |case: &'static str, status: StatusCode, code: &'static str| (case, status, code);
    let mut cases = Vec::new();

    // The callback's own parameters, forged. A callback naming the right
    // state consumes its pending login, so each case starts a new one.
    type Forge = fn(&Url) -> String;
    let forgeries: [(&str, Forge); 5] = [
        ("state missing", |u| with_param(u, "state", None)),
        ("state wrong", |u| with_param(u, "state", Some("forged-state-value"))),
        ("iss wrong", |u| {
            with_param(u, "iss", Some("https://fournisseur-pirate.invalid"))
        }),
        ("iss missing", |u| with_param(u, "iss", None)),
        ("code missing", |u| with_param(u, "code", None)),
    ];
    for (case, forge) in forgeries {
        let genuine = callback_url(&target).await;
        let page = target.get_json(&forge(&genuine)).await;
        cases.push((refused(case, StatusCode::BAD_REQUEST, "invalid_state"), page));
    }
    // A genuine callback signs the target in again (same person); opening
    // it a second time is refused.
    let genuine = callback_url(&target).await;
    let ok = target.get(genuine.as_str()).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "the genuine callback: {}", ok.body);
    let replay = target.get_json(genuine.as_str()).await;
    cases.push((
        refused("callback opened twice", StatusCode::BAD_REQUEST, "invalid_state"),
        replay,
    ));

    // Another browser's callback, opened by the attacker.
    let stolen = callback_url(&target).await;
    let page = attacker.get_json(stolen.as_str()).await;
    cases.push((
        refused("another browser's state", StatusCode::BAD_REQUEST, "invalid_state"),
        page,
    ));

    // Code injection: the attacker's code in the target's own callback.
    let attacker_callback = callback_url(&attacker).await;
    let target_callback = callback_url(&target).await;
    let injected = with_param(&target_callback, "code", Some(&param(&attacker_callback, "code")));
    let page = target.get_json(&injected).await;
    cases.push((
        refused(
            "code injected from another login",
            StatusCode::BAD_GATEWAY,
            "invalid_claims",
        ),
        page,
    ));
    // That code is now spent: the attacker's own callback cannot use it.
    let page = attacker.get_json(attacker_callback.as_str()).await;
    cases.push((
        refused("code reused", StatusCode::BAD_GATEWAY, "token_exchange_failed"),
        page,
    ));

    // A pending login older than its lifetime (one second, counted in
    // whole seconds).
    let late = callback_url(&target).await;
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let page = target.get_json(late.as_str()).await;
    cases.push((
        refused("pending login expired", StatusCode::BAD_REQUEST, "login_expired"),
        page,
    ));

    for ((case, status, code), page) in cases {
        assert_eq!(page.status, status, "{case}: {}", page.body);
        assert_eq!(page.json()["error"], code, "{case}");
    }
    let tokens_before = mock.request_count(Endpoint::Token);
    let page = target
        .get(with_param(&callback_url(&target).await, "state", None).as_str())
        .await;
    assert_clean_error_page(&page, "state missing (page)");
    assert_eq!(
        mock.request_count(Endpoint::Token),
        tokens_before,
        "no code exchange for a forged callback"
    );
    assert_eq!(attacker.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
    unchanged(&sessions, "forged callbacks").await;
}

/// The provider down when the app starts: public pages are served, logins
/// fail cleanly, and work again once the provider is back; with the keys
/// cached, a JWKS outage does not stop logins.
pub async fn provider_outages_are_survived(starter: &impl Starter) {
    for (endpoint, failure, status) in [
        (
            Endpoint::Discovery,
            Failure::Unavailable,
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        (Endpoint::Discovery, Failure::Garbage, StatusCode::BAD_GATEWAY),
        (
            Endpoint::Discovery,
            Failure::Slow(Duration::from_secs(3)),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        (Endpoint::Jwks, Failure::ServerError, StatusCode::SERVICE_UNAVAILABLE),
        (Endpoint::Jwks, Failure::Oversized, StatusCode::SERVICE_UNAVAILABLE),
        (
            Endpoint::Token,
            Failure::RedirectElsewhere,
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    ] {
        let case = format!("{endpoint:?} {failure:?}");
        let mut vars = fc();
        vars.push(("FC_HTTP_TIMEOUT_SECS", "1".into()));
        let app = starter.start(vars).await;
        let mock = app.mock();
        mock.set_failure(endpoint, Some(failure));
        mock.auto_approve(Some("default"), None);
        let b = Browser::new(&app.base);
        assert_eq!(b.get("/").await.status, StatusCode::OK, "{case}: the home page");
        let failed = b.follow(b.get("/auth/login").await).await;
        assert_eq!(failed.status, status, "{case}: {}", failed.body);
        assert_clean_error_page(&failed, &case);
        assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED, "{case}");
        mock.set_failure(endpoint, None);
        // The engine remembers a failure for a moment before asking again.
        tokio::time::sleep(PROVIDER_FAILURE_BACKOFF + Duration::from_millis(100)).await;
        let done = b.follow(b.get("/auth/login").await).await;
        assert_eq!(done.status, StatusCode::OK, "{case}: recovered: {}", done.body);
        assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK, "{case}");
        // Keys and metadata cached: the JWKS and discovery may go down.
        mock.set_failure(Endpoint::Jwks, Some(Failure::ServerError));
        mock.set_failure(Endpoint::Discovery, Some(Failure::ServerError));
        let again = Browser::new(&app.base);
        let done = again.follow(again.get("/auth/login").await).await;
        assert_eq!(done.status, StatusCode::OK, "{case}: cached keys: {}", done.body);
    }
}

/// A tampered discovery document that names the token, userinfo, JWKS and
/// logout endpoints on another host: the login is refused with a clear
/// error naming the endpoint, nothing ever reaches the stranger, and the
/// login works again with the real document.
pub async fn foreign_endpoints_are_refused(starter: &impl Starter) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let stranger = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", stranger.local_addr().unwrap());
    let contacts = Arc::new(AtomicUsize::new(0));
    let counted = contacts.clone();
    let listening = tokio::spawn(async move {
        while stranger.accept().await.is_ok() {
            counted.fetch_add(1, Ordering::SeqCst);
        }
    });
    for platform in [fc(), fc_plus()] {
        // A fresh app: it fetches discovery at its first login.
        let app = starter.start(platform).await;
        let mock = app.mock();
        mock.set_foreign_endpoints(Some(&origin));
        mock.auto_approve(Some("default"), None);
        let b = Browser::new(&app.base);
        let refused = b.follow(b.get("/auth/login").await).await;
        assert_eq!(refused.status, StatusCode::BAD_GATEWAY, "{}", refused.body);
        assert_clean_error_page(&refused, "foreign endpoints");
        let api = b.get_json("/auth/login").await;
        assert!(api.body.contains("provider_metadata_error"), "{}", api.body);
        assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(mock.request_count(Endpoint::Token), 0, "no code exchange at all");
        mock.set_foreign_endpoints(None);
        tokio::time::sleep(PROVIDER_FAILURE_BACKOFF + Duration::from_millis(100)).await;
        let done = b.follow(b.get("/auth/login").await).await;
        assert_eq!(done.status, StatusCode::OK, "the real document: {}", done.body);
    }
    assert_eq!(contacts.load(Ordering::SeqCst), 0, "nothing was sent to the stranger");
    listening.abort();
}
