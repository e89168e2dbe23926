//! What a visitor sends cannot take a login below what the service
//! configured: an `acr` or a `prompt` in the login URL narrows the
//! configuration and never widens it, a provider granting less than the
//! configured floor signs nobody in, and a planted cookie turns no page
//! into a 500. They run with the flows of [`flows`](crate::scenarios::flows)
//! in [`scenario_suite!`](crate::scenario_suite).

use std::time::Duration;

use franceconnect_mock::Eidas;
use reqwest::StatusCode;
use url::Url;

use super::{fc, fc_plus, proconnect};
use crate::harness::{Browser, Starter};

/// A query parameter of the provider's URL.
fn param(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The `acr` values a login asks ProConnect for: the essential values of
/// its `claims` parameter.
fn asked_acr(to_provider: &Url) -> Vec<String> {
    let claims = param(to_provider, "claims").expect("ProConnect's acr travels in claims");
    let claims: serde_json::Value = serde_json::from_str(&claims).unwrap();
    claims["id_token"]["acr"]["values"]
        .as_array()
        .expect("essential values")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// ProConnect configured for `eidas2 eidas3`: a visitor's `acr=mfa` asks
/// for those two only, and a provider granting `eidas1-mfa` or
/// `eidas0-mfa` all the same signs nobody in. Configured for the company
/// head's certification, `acr=mfa` has nothing in common with it: a clear
/// refusal, not a wider request.
pub async fn a_visitor_cannot_lower_proconnect_s_floor(starter: &impl Starter) {
    let mut vars = proconnect();
    vars.push(("FC_ACR", "eidas2 eidas3".into()));
    let app = starter.start(vars).await;
    let mock = app.mock();
    mock.auto_approve(Some("agent-carte"), None);
    for granted in ["eidas1-mfa", "eidas0-mfa"] {
        let b = Browser::new(&app.base);
        let to_provider = b.get("/auth/login?acr=mfa").await.location.expect("to ProConnect");
        assert_eq!(asked_acr(&to_provider), ["eidas2", "eidas3"], "narrowed, never widened");
        mock.set_acr_value_override(Some(granted));
        let callback = b
            .get(to_provider.as_str())
            .await
            .location
            .expect("back from ProConnect");
        let answer = b.get_json(callback.as_str()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{granted}: {}", answer.body);
        assert_eq!(answer.json()["error"], "acr_not_met", "{granted}");
        let me = b.get_json("/api/me").await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{granted}: nobody signed in");
    }
    mock.set_acr_value_override(None);
    let b = Browser::new(&app.base);
    let done = b.follow(b.get("/auth/login?acr=mfa").await).await;
    assert_eq!(
        done.status,
        StatusCode::OK,
        "the floor itself is reached: {}",
        done.body
    );
    assert_eq!(b.get_json("/api/me").await.json()["acr"], "eidas3");

    let mut vars = proconnect();
    vars.push((
        "FC_ACR",
        "https://proconnect.gouv.fr/assurance/certification-dirigeant".into(),
    ));
    let heads = starter.start(vars).await;
    let b = Browser::new(&heads.base);
    let api = b.get_json("/auth/login?acr=mfa").await;
    assert_eq!(api.status, StatusCode::FORBIDDEN, "{}", api.body);
    assert_eq!(api.json()["error"], "acr_unavailable");
    let page = b.get("/auth/login?acr=mfa").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("niveau de sécurité"), "{}", page.body);
    assert_eq!(heads.mock().request_count(franceconnect_mock::Endpoint::Authorize), 0);
}

/// FranceConnect+ configured at eidas3: a visitor's `acr=eidas2` still asks
/// for eidas3, and a provider answering eidas2 signs nobody in.
pub async fn a_visitor_cannot_lower_franceconnect_plus_s_floor(starter: &impl Starter) {
    let mut vars = fc_plus();
    vars.push(("FC_ACR", "eidas3".into()));
    let app = starter.start(vars).await;
    let mock = app.mock();
    mock.auto_approve(Some("default"), None);
    mock.set_acr_override(Some(Eidas::Eidas2));
    let b = Browser::new(&app.base);
    let to_provider = b
        .get("/auth/login?acr=eidas2")
        .await
        .location
        .expect("to FranceConnect+");
    assert_eq!(param(&to_provider, "acr_values").as_deref(), Some("eidas3"));
    let callback = b.get(to_provider.as_str()).await.location.expect("back");
    let answer = b.get_json(callback.as_str()).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.body);
    assert_eq!(answer.json()["error"], "insufficient_eidas");
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
    mock.set_acr_override(None);
}

/// ProConnect configured with `prompt=login` (every sign-in a fresh
/// authentication): the previous person left their ProConnect session
/// alive and the application's cookies gone; a visitor's
/// `prompt=none` still asks for `login`, and the session's old
/// authentication signs nobody in.
pub async fn a_visitor_s_silent_login_cannot_cancel_a_configured_login(starter: &impl Starter) {
    let mut vars = proconnect();
    vars.push(("FC_PROMPT", "login".into()));
    let app = starter.start(vars).await;
    let mock = app.mock();
    mock.set_sso_age(Duration::from_secs(600));
    let b = Browser::new(&app.base);
    let to_provider = b.get("/auth/login?prompt=none").await.location.expect("to ProConnect");
    assert_eq!(param(&to_provider, "prompt").as_deref(), Some("login"));
    // ProConnect reuses its session whatever `prompt` says: a code comes
    // back, authenticated ten minutes ago.
    let callback = b
        .get(to_provider.as_str())
        .await
        .location
        .expect("ProConnect's session answers at once");
    assert!(param(&callback, "code").is_some(), "{callback}");
    let answer = b.get_json(callback.as_str()).await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{}", answer.body);
    assert_eq!(answer.json()["error"], "invalid_claims");
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
    mock.set_sso_age(Duration::ZERO);
}

/// Cookies another site can plant (a sibling subdomain, a plain-HTTP
/// injector): the marker earlier versions set, forged session ids. Every
/// page answers as to an ordinary visitor, never a 500.
pub async fn planted_cookies_make_an_ordinary_visitor(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    let planted = [
        "fc_signed_in=1",
        "fc_session=forged-session-id",
        "__Host-fc_session=forged",
        "fc_login_AAAAAAAAAAAAAAAA=not-sealed",
    ];
    let b = Browser::with_cookies(&app.base, &planted);
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    let api = b.get_json("/api/me").await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED, "{}", api.body);
    let profile = b.get("/profil").await;
    assert_eq!(profile.status, StatusCode::SEE_OTHER, "{}", profile.body);
    assert!(
        profile.location_path().starts_with("/auth/login"),
        "{}",
        profile.location_path()
    );
    app.mock().auto_approve(Some("default"), None);
    let done = b.follow(b.get("/auth/login").await).await;
    assert_eq!(done.status, StatusCode::OK, "a login still works: {}", done.body);
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);
}
