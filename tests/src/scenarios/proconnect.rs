//! ProConnect through each adapter: an agent signs in and sees their
//! establishment, a second factor asked for by a route or by the service,
//! a level ProConnect cannot satisfy, a silent login, and the agents' pages
//! closed to citizens.

use reqwest::StatusCode;

use super::{fc, proconnect};
use crate::harness::{Browser, Starter};

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
