//! ProConnect through each adapter: an agent signs in and sees their
//! establishment, a second factor asked for by a route or by the service,
//! a level ProConnect cannot satisfy, a silent login, and the agents' pages
//! closed to citizens; PKCE (ProConnect's alone), the access token of a
//! sign-in (the hook's, the `AccessToken` extractor's), and ProConnect's
//! refresh tokens: renewed tokens, a renewal whose new ID token fails
//! (the rotated refresh token kept), a renewal refused, the logout.

use std::time::Duration;

use franceconnect_mock::{Endpoint, Tamper};
use reqwest::StatusCode;

use super::{fc, proconnect};
use crate::harness::{Browser, Starter};

/// Quickstart settings for ProConnect keeping its refresh tokens.
fn proconnect_with_refresh_tokens() -> Vec<(&'static str, String)> {
    vec![
        ("FC_PLATFORM", "proconnect".into()),
        ("FC_REFRESH_TOKENS", "true".into()),
    ]
}

/// A lifetime shorter than the engine's margin
/// (`ACCESS_TOKEN_MARGIN`, 10 s): every token counts as expiring at once,
/// and is renewed (or refused) at its first use, with no waiting.
const SHORT_LIFETIME: Duration = Duration::from_secs(5);

/// An agent signs in on the ProConnect page, sees their identity and
/// establishment, and signs out (revocation and `/session/end` included).
pub async fn proconnect_agent_signs_in_and_out(starter: &impl Starter) {
    let app = starter.start(proconnect()).await;
    let agent = app.mock().agents()[0].clone();
    let b = Browser::new(&app.base);
    let home = b.get("/").await;
    assert!(home.body.contains("S'identifier avec ProConnect"), "{}", home.body);
    let page = b.get("/espace-agent").await;
    assert_eq!(page.location_path(), "/auth/login?return_to=%2Fespace-agent");
    let back = b.login_as_agent("/espace-agent", &agent.id, false).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(back.location_path(), "/espace-agent");
    let space = b.get("/espace-agent").await;
    assert_eq!(space.status, StatusCode::OK);
    for shown in [&agent.usual_name, &agent.siret, &agent.email] {
        assert!(space.body.contains(shown.as_str()), "{shown}: {}", space.body);
    }
    let me = b.get_json("/api/me").await.json();
    assert_eq!(me["sub"], agent.sub);
    assert_eq!(me["acr"], agent.idp_acr);
    assert_eq!(me["usual_name"], agent.usual_name);
    assert_eq!(me["siret"], agent.siret);
    assert!(me.get("family_name").is_none(), "ProConnect's claims as sent: {me}");
    assert_eq!(app.mock().live_access_tokens(), 1);
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.location.unwrap().path().ends_with("/session/end"));
    assert_eq!(app.mock().live_access_tokens(), 0, "the access token is revoked");
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
}

/// A page that needs a second factor sends an agent without one through a
/// new ProConnect login asking for it; with the e-mail code, they get in.
pub async fn a_second_factor_is_asked_when_a_page_needs_it(starter: &impl Starter) {
    let app = starter.start(proconnect()).await;
    let b = Browser::new(&app.base);
    b.login_as_agent("/espace-agent", "agent-etat", false).await;
    let page = b.get("/espace-agent/double-authentification").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location_path(),
        "/auth/login?return_to=%2Fespace-agent%2Fdouble-authentification&acr=mfa"
    );
    let api = b.get_json("/espace-agent/double-authentification").await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(api.json()["required_acr"], "mfa");
    // The mock's single sign-on does not satisfy a -mfa request: its page
    // comes, the agent ticks the e-mail code step.
    let back = b.login_as_agent(&page.location_path(), "agent-etat", true).await;
    assert_eq!(
        back.location_path(),
        "/espace-agent/double-authentification",
        "{}",
        back.body
    );
    let secure = b.get("/espace-agent/double-authentification").await;
    assert_eq!(secure.status, StatusCode::OK, "{}", secure.body);
    assert_eq!(b.get_json("/api/me").await.json()["acr"], "eidas1-mfa");
}

/// A service that asks for a level the agent's account cannot reach gets
/// ProConnect's refusal as a clear page, not "you cancelled".
pub async fn an_unreachable_level_gets_a_clear_page(starter: &impl Starter) {
    let app = starter
        .start(vec![("FC_PLATFORM", "proconnect".into()), ("FC_ACR", "eidas3".into())])
        .await;
    let b = Browser::new(&app.base);
    let page = b.login_as_agent("/auth/login", "agent-etat", false).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert!(
        page.body.contains("niveau de sécurité que demande ce service"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("annulé"), "{}", page.body);
    let api = Browser::new(&app.base);
    app.mock().auto_approve(Some("agent-etat"), None);
    let url = super::callback_url(&api).await;
    let json = api.get_json(url.as_str()).await;
    assert_eq!(json.json()["error"], "acr_not_satisfied");
    // The smart-card agent reaches eidas3.
    app.mock().auto_approve(Some("agent-carte"), None);
    let done = api.follow(api.get("/auth/login").await).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(api.get_json("/api/me").await.json()["acr"], "eidas3");
}

/// `prompt=none` without a ProConnect session comes back signed out, to
/// where it was asked from, with no error page.
pub async fn a_silent_login_comes_back_signed_out(starter: &impl Starter) {
    let app = starter.start(proconnect()).await;
    let b = Browser::new(&app.base);
    let start = b.get("/auth/login?prompt=none&return_to=%2F").await;
    let to_provider = start.location.expect("to ProConnect");
    assert!(to_provider.query().unwrap().contains("prompt=none"));
    let callback = b.get(to_provider.as_str()).await.location.expect("back at once");
    assert!(callback.query().unwrap().contains("error=login_required"));
    let answer = b.get(callback.as_str()).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(answer.location_path(), "/");
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
    // FranceConnect refuses prompt=none: the route does not pass it on.
    let fc_app = starter.start(fc()).await;
    let c = Browser::new(&fc_app.base);
    let start = c.get("/auth/login?prompt=none").await;
    assert!(!start.location.unwrap().query().unwrap().contains("prompt"));
}

/// The agents' pages are closed to citizens, as JSON and as a page.
pub async fn agents_pages_refuse_citizens(starter: &impl Starter) {
    let app = starter.start(fc()).await;
    app.mock().auto_approve(Some("default"), None);
    let b = Browser::new(&app.base);
    let done = b.follow(b.get("/auth/login").await).await;
    assert_eq!(done.status, StatusCode::OK);
    let page = b.get("/espace-agent").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("réservée aux agents"), "{}", page.body);
    // The way on is another account: the page offers to sign out.
    assert!(
        page.body.contains(r#"<form method="post" action="/auth/logout">"#),
        "{}",
        page.body
    );
    let api = b.get_json("/espace-agent/double-authentification").await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(api.json()["error"], "agent_identity_unavailable");
    // The citizen is still signed in: a refusal changes nothing.
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);
}

/// PKCE goes to ProConnect, and the login completes (the mock checks the
/// verifier); never to FranceConnect, which refuses parameters it does not
/// know, and whose login completes too.
pub async fn pkce_goes_to_proconnect_only(starter: &impl Starter) {
    let app = starter.start(proconnect()).await;
    app.mock().auto_approve(Some("agent-etat"), None);
    let b = Browser::new(&app.base);
    let start = b.get("/auth/login").await;
    let to_provider = start.location.clone().expect("to ProConnect");
    let query: Vec<(String, String)> = to_provider.query_pairs().into_owned().collect();
    let challenge = query
        .iter()
        .find(|(k, _)| k == "code_challenge")
        .map(|(_, v)| v.as_str());
    assert!(challenge.is_some_and(|c| c.len() == 43), "{to_provider}");
    assert!(query.iter().any(|(k, v)| k == "code_challenge_method" && v == "S256"));
    assert!(!query.iter().any(|(k, _)| k == "code_verifier"));
    let done = b.follow(start).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK);

    let fc_app = starter.start(fc()).await;
    fc_app.mock().auto_approve(Some("default"), None);
    let c = Browser::new(&fc_app.base);
    let start = c.get("/auth/login").await;
    assert!(!start.location.as_ref().unwrap().as_str().contains("code_challenge"));
    assert_eq!(c.follow(start).await.status, StatusCode::OK);
    assert_eq!(c.get_json("/api/me").await.status, StatusCode::OK);
}

/// The sign-in hook is given the access token (where an application calls
/// the State's APIs), and a handler's `AccessToken` extractor gives the
/// same one while it lives; FranceConnect's, expired, is refused clearly
/// (no way to renew it), the person staying signed in.
pub async fn the_hook_and_the_handlers_get_the_access_token(starter: &impl Starter) {
    let app = starter.start(proconnect()).await;
    app.mock().auto_approve(Some("agent-etat"), None);
    let b = Browser::new(&app.base);
    assert_eq!(b.follow(b.get("/auth/login").await).await.status, StatusCode::OK);
    let token = b.get_json("/api/access-token").await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let token = token.json();
    assert!(token["fingerprint"].as_str().is_some_and(|f| f.len() == 16), "{token}");
    assert_eq!(
        token["fingerprint"], token["fingerprint_at_sign_in"],
        "the hook's token: {token}"
    );
    assert_eq!(app.mock().request_count(Endpoint::Token), 1, "nothing renewed");
    // Nobody signed in: as for any signed-in page.
    let anonymous = Browser::new(&app.base);
    assert_eq!(
        anonymous.get_json("/api/access-token").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        anonymous.get("/api/access-token").await.location_path(),
        "/auth/login?return_to=%2Fapi%2Faccess-token"
    );

    // FranceConnect's tokens live 60 seconds (shortened here): used up,
    // they cannot be renewed.
    let fc_app = starter.start(fc()).await;
    fc_app.mock().auto_approve(Some("default"), None);
    fc_app.mock().set_access_token_lifetime(Some(SHORT_LIFETIME));
    let c = Browser::new(&fc_app.base);
    assert_eq!(c.follow(c.get("/auth/login").await).await.status, StatusCode::OK);
    let refused = c.get_json("/api/access-token").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    let refused = refused.json();
    assert_eq!(refused["error"], "access_token_expired");
    assert_eq!(refused["login_url"], "/auth/login?return_to=%2Fapi%2Faccess-token");
    let page = c.get("/api/access-token").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.body.contains("a expiré"), "{}", page.body);
    assert_eq!(c.get_json("/api/me").await.status, StatusCode::OK, "still signed in");
    assert_eq!(
        fc_app.mock().request_count(Endpoint::Token),
        1,
        "FranceConnect has no refresh"
    );
}

/// With `FC_REFRESH_TOKENS=true`, an access token at its end is renewed
/// with ProConnect's refresh token, the session keeping the person (and
/// the new tokens: the next renewal uses the rotated refresh token).
pub async fn expired_access_tokens_are_renewed_and_the_agent_stays(starter: &impl Starter) {
    let app = starter.start(proconnect_with_refresh_tokens()).await;
    let agent = app.mock().agents()[0].clone();
    app.mock().auto_approve(Some(&agent.id), None);
    app.mock().set_access_token_lifetime(Some(SHORT_LIFETIME));
    let b = Browser::new(&app.base);
    assert_eq!(b.follow(b.get("/auth/login").await).await.status, StatusCode::OK);
    assert_eq!(app.mock().live_refresh_tokens(), 1);
    let first = b.get_json("/api/access-token").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let first = first.json();
    assert_ne!(
        first["fingerprint"], first["fingerprint_at_sign_in"],
        "renewed: {first}"
    );
    assert_eq!(app.mock().request_count(Endpoint::Token), 2);
    // The session holds the renewed tokens: the next renewal spends the
    // rotated refresh token, which ProConnect accepts.
    let second = b.get_json("/api/access-token").await.json();
    assert_ne!(second["fingerprint"], first["fingerprint"], "{second}");
    assert_eq!(second["fingerprint_at_sign_in"], first["fingerprint_at_sign_in"]);
    assert_eq!(app.mock().request_count(Endpoint::Token), 3);
    assert_eq!(app.mock().live_refresh_tokens(), 1, "each spent one retired");
    let me = b.get_json("/api/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["sub"], agent.sub);
    let space = b.get("/espace-agent").await;
    assert_eq!(space.status, StatusCode::OK);
}

/// ProConnect rotated the refresh token, then the new ID token failed its
/// checks (its signature here; in real life its keys unreachable, or a new
/// key): that renewal is refused with an error page, the agent stays signed
/// in, and the next renewal goes on from the new refresh token. The spent
/// one, presented again, would have ended the grant (`oidc-provider`, and
/// the mock, revoke it on the reuse of a used refresh token).
pub async fn a_renewal_whose_id_token_fails_keeps_the_new_refresh_token(starter: &impl Starter) {
    let app = starter.start(proconnect_with_refresh_tokens()).await;
    app.mock().auto_approve(Some("agent-etat"), None);
    app.mock().set_access_token_lifetime(Some(SHORT_LIFETIME));
    let b = Browser::new(&app.base);
    assert_eq!(b.follow(b.get("/auth/login").await).await.status, StatusCode::OK);
    app.mock().set_tamper(Some(Tamper::BadSignature));
    let failed = b.get_json("/api/access-token").await;
    assert!(failed.status.is_server_error(), "{}: {}", failed.status, failed.body);
    assert_eq!(app.mock().request_count(Endpoint::Token), 2);
    assert_eq!(app.mock().live_refresh_tokens(), 1, "the first spent, the new one live");
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK, "still signed in");

    app.mock().set_tamper(None);
    let renewed = b.get_json("/api/access-token").await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    assert_eq!(app.mock().request_count(Endpoint::Token), 3);
    assert_eq!(app.mock().live_refresh_tokens(), 1, "the grant lives on");
    let again = b.get_json("/api/access-token").await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_ne!(again.json()["fingerprint"], renewed.json()["fingerprint"]);
    assert_eq!(app.mock().live_refresh_tokens(), 1);
}

/// A renewal ProConnect refuses (`invalid_grant`: the agent signed out of
/// ProConnect in another browser, which ended this grant too) signs the
/// agent out cleanly: the ordinary 401 or way to the login, nothing left.
pub async fn a_refused_renewal_signs_the_agent_out(starter: &impl Starter) {
    let app = starter.start(proconnect_with_refresh_tokens()).await;
    app.mock().auto_approve(Some("agent-etat"), None);
    app.mock().set_access_token_lifetime(Some(SHORT_LIFETIME));
    let here = Browser::new(&app.base);
    assert_eq!(here.follow(here.get("/auth/login").await).await.status, StatusCode::OK);
    // The same agent elsewhere, who signs out of ProConnect there.
    let elsewhere = Browser::new(&app.base);
    assert_eq!(
        elsewhere.follow(elsewhere.get("/auth/login").await).await.status,
        StatusCode::OK
    );
    let out = elsewhere.post_form("/auth/logout", &[], &elsewhere.origin()).await;
    let session_end = out.location.expect("to ProConnect's logout");
    assert!(session_end.path().ends_with("/session/end"));
    elsewhere.get(session_end.as_str()).await;
    assert_eq!(
        app.mock().live_refresh_tokens(),
        0,
        "ProConnect ended the agent's grants"
    );

    let refused = here.get_json("/api/access-token").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    assert_eq!(refused.json()["error"], "not_signed_in");
    assert_eq!(
        here.get_json("/api/me").await.status,
        StatusCode::UNAUTHORIZED,
        "signed out"
    );
    assert_eq!(
        here.get("/espace-agent").await.location_path(),
        "/auth/login?return_to=%2Fespace-agent"
    );
    // As a page: the way to the login, at once.
    let again = Browser::new(&app.base);
    assert_eq!(
        again.follow(again.get("/auth/login").await).await.status,
        StatusCode::OK
    );
    let other_out = Browser::new(&app.base);
    assert_eq!(
        other_out.follow(other_out.get("/auth/login").await).await.status,
        StatusCode::OK
    );
    let out = other_out.post_form("/auth/logout", &[], &other_out.origin()).await;
    other_out.get(out.location.unwrap().as_str()).await;
    let page = again.get("/api/access-token").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location_path(), "/auth/login?return_to=%2Fapi%2Faccess-token");
    assert_eq!(again.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
}

/// The logout revokes the refresh token (`token_type_hint=refresh_token`,
/// which ends the grant at ProConnect), then the access token.
pub async fn logout_revokes_the_refresh_token(starter: &impl Starter) {
    let app = starter.start(proconnect_with_refresh_tokens()).await;
    app.mock().auto_approve(Some("agent-etat"), None);
    let b = Browser::new(&app.base);
    assert_eq!(b.follow(b.get("/auth/login").await).await.status, StatusCode::OK);
    assert_eq!(
        (app.mock().live_refresh_tokens(), app.mock().live_access_tokens()),
        (1, 1)
    );
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(out.location.unwrap().path().ends_with("/session/end"));
    assert_eq!(app.mock().live_refresh_tokens(), 0, "the refresh token is revoked");
    assert_eq!(app.mock().live_access_tokens(), 0, "the access token too");
    assert_eq!(app.mock().request_count(Endpoint::Revocation), 2);
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
}
