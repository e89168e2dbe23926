//! Several platforms in one application (the quickstart's default: the
//! three on the embedded mocks): citizens and agents side by side, each
//! login bound to the platform that started it, a step-up from
//! FranceConnect through FranceConnect+, and the logout that ends both.

use franceconnect_tower::Platform;
use reqwest::StatusCode;

use crate::harness::{Browser, Starter};

/// No variable: the three platforms, each under its own routes.
fn three_platforms() -> Vec<(&'static str, String)> {
    Vec::new()
}

/// A citizen (FranceConnect) and an agent (ProConnect) in two browsers at
/// once: each sees only themselves, and each platform's pages stay closed
/// to the other kind of user.
pub async fn citizens_and_agents_side_by_side(starter: &impl Starter) {
    let app = starter.start(three_platforms()).await;
    let home = Browser::new(&app.base).get("/").await;
    for button in ["S'identifier avec FranceConnect", "S'identifier avec ProConnect"] {
        assert!(home.body.contains(button), "{button}: {}", home.body);
    }
    assert!(
        home.body.contains("/auth/fc/login?return_to=%2Fprofil"),
        "{}",
        home.body
    );
    assert!(
        home.body.contains("/auth/proconnect/login?return_to=%2Fespace-agent"),
        "{}",
        home.body
    );
    let person = app.mock_of(Platform::FranceConnect).identities()[0].clone();
    let agent = app.mock_of(Platform::ProConnect).agents()[0].clone();
    let citizen = Browser::new(&app.base);
    let back = citizen
        .login_through_page("/auth/fc/login?return_to=%2Fprofil", Some(&person.id), "eidas1")
        .await;
    assert_eq!(back.location_path(), "/profil", "{}", back.body);
    let civil_servant = Browser::new(&app.base);
    let back = civil_servant.login_as_agent("/espace-agent", &agent.id, false).await;
    assert_eq!(back.location_path(), "/espace-agent", "{}", back.body);

    let me = citizen.get_json("/api/me").await.json();
    assert_eq!(me["family_name"], person.family_name);
    assert!(me.get("usual_name").is_none());
    let me = civil_servant.get_json("/api/me").await.json();
    assert_eq!(me["usual_name"], agent.usual_name);
    assert_eq!(me["sub"], agent.sub);
    let profile = citizen.get("/profil").await;
    assert!(profile.body.contains(&person.family_name) && !profile.body.contains(&agent.usual_name));
    let space = civil_servant.get("/espace-agent").await;
    assert!(space.body.contains(&agent.siret) && !space.body.contains(&person.family_name));
    assert_eq!(citizen.get("/espace-agent").await.status, StatusCode::FORBIDDEN);
    // Nobody signed in on a page for anyone: the page offering each platform.
    let anonymous = Browser::new(&app.base);
    let page = anonymous.get("/profil").await;
    assert_eq!(page.location_path(), "/auth/login?return_to=%2Fprofil");
    let choose = anonymous.get("/auth/login?return_to=%2Fprofil").await;
    assert!(
        choose.body.contains("/auth/proconnect/login?return_to=%2Fprofil"),
        "{}",
        choose.body
    );
}

/// A callback on one platform's route can never consume a login another
/// platform started, and changes no session; the right callback still works.
pub async fn a_callback_cannot_cross_platforms(starter: &impl Starter) {
    let app = starter.start(three_platforms()).await;
    let fc = app.mock_of(Platform::FranceConnect);
    fc.auto_approve(Some("default"), None);
    // A signed-in agent, whose session the crossed callbacks must not touch.
    let b = Browser::new(&app.base);
    b.login_as_agent("/auth/proconnect/login", "agent-etat", false).await;
    let agent_me = b.get_json("/api/me").await.body;
    let start = b.get("/auth/fc/login?return_to=%2Fprofil").await;
    let callback = b.get(start.location.unwrap().as_str()).await.location.unwrap();
    assert!(callback.path().ends_with("/auth/fc/callback"), "{callback}");
    for other in ["/auth/proconnect/callback", "/auth/fcplus/callback"] {
        let mut crossed = callback.clone();
        crossed.set_path(other);
        let refused = b.get_json(crossed.as_str()).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{other}: {}", refused.body);
        assert_eq!(refused.json()["error"], "invalid_state", "{other}");
        assert_eq!(
            b.get_json("/api/me").await.body,
            agent_me,
            "{other}: the session is unchanged"
        );
    }
    let pc_tokens = app
        .mock_of(Platform::ProConnect)
        .request_count(franceconnect_mock::Endpoint::Token);
    assert_eq!(
        pc_tokens, 1,
        "only the agent's own login reached ProConnect's token endpoint"
    );
    let done = b.get(callback.as_str()).await;
    assert_eq!(done.location_path(), "/profil", "{}", done.body);
    assert_eq!(
        b.get_json("/api/me").await.json()["family_name"],
        fc.identities()[0].family_name
    );
}

/// A page that needs a level none of the service's platforms offers says
/// so, rather than sending the user round a login that cannot succeed.
pub async fn a_level_no_platform_offers_is_said(starter: &impl Starter) {
    for vars in [
        vec![("FC_PLATFORMS", "fc,proconnect".to_owned())],
        vec![("FC_PLATFORM", "fc".to_owned())],
    ] {
        let app = starter.start(vars.clone()).await;
        app.mock_of(Platform::FranceConnect).auto_approve(Some("default"), None);
        let b = Browser::new(&app.base);
        let start = if vars[0].0 == "FC_PLATFORMS" {
            "/auth/fc/login"
        } else {
            "/auth/login"
        };
        assert_eq!(b.follow(b.get(start).await).await.status, StatusCode::OK);
        let page = b.get("/niveau-eleve").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{vars:?}: {}", page.body);
        assert!(page.body.contains("ne propose pas le niveau"), "{}", page.body);
        let api = b.get_json("/niveau-eleve").await;
        assert_eq!(api.json()["error"], "level_unavailable");
        assert_eq!(b.get_json("/api/me").await.status, StatusCode::OK, "still signed in");
    }
}

/// A citizen on FranceConnect (eidas1) opens a page that needs eIDAS high:
/// the step-up goes through FranceConnect+, the session is the same
/// person's, and the logout ends both platforms' sessions.
pub async fn a_citizen_steps_up_through_franceconnect_plus_and_logs_out_of_both(starter: &impl Starter) {
    let app = starter.start(three_platforms()).await;
    let b = Browser::new(&app.base);
    let back = b
        .login_through_page("/auth/fc/login?return_to=%2Fprofil", Some("default"), "eidas1")
        .await;
    assert_eq!(back.location_path(), "/profil");
    let page = b.get("/niveau-eleve").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.location_path(),
        "/auth/fcplus/login?return_to=%2Fniveau-eleve&acr=eidas3"
    );
    let back = b
        .login_through_page(&page.location_path(), Some("default"), "eidas3")
        .await;
    assert_eq!(back.location_path(), "/niveau-eleve", "{}", back.body);
    assert_eq!(b.get("/niveau-eleve").await.status, StatusCode::OK);
    assert_eq!(b.get_json("/api/me").await.json()["acr"], "eidas3");
    let fc = app.mock_of(Platform::FranceConnect);
    let fc_plus = app.mock_of(Platform::FranceConnectPlus);
    assert_eq!((fc.live_access_tokens(), fc_plus.live_access_tokens()), (1, 1));

    // The logout: FranceConnect+'s, then FranceConnect's, then home.
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    let first = out.location.expect("to FranceConnect+'s logout");
    assert!(first.as_str().starts_with(&fc_plus.issuer()), "{first}");
    assert_eq!(
        (fc.live_access_tokens(), fc_plus.live_access_tokens()),
        (0, 0),
        "both revoked"
    );
    let back = b.get(b.get(first.as_str()).await.location.unwrap().as_str()).await;
    let second = back.location.expect("to FranceConnect's logout");
    assert!(second.as_str().starts_with(&fc.issuer()), "{second}");
    let home = b.get(b.get(second.as_str()).await.location.unwrap().as_str()).await;
    assert_eq!(home.location_path(), "/");
    assert_eq!(b.get_json("/api/me").await.status, StatusCode::UNAUTHORIZED);
}

/// Someone else signing in on the other platform in the same browser is
/// not a step-up: the session starts afresh, and its logout ends that
/// platform's session only.
pub async fn another_person_on_another_platform_starts_afresh(starter: &impl Starter) {
    let app = starter.start(three_platforms()).await;
    let b = Browser::new(&app.base);
    b.login_through_page("/auth/fc/login", Some("default"), "eidas1").await;
    let revocations = || {
        app.mock_of(Platform::FranceConnect)
            .request_count(franceconnect_mock::Endpoint::Revocation)
    };
    assert_eq!(revocations(), 0);
    b.login_as_agent("/auth/proconnect/login", "agent-etat", false).await;
    let me = b.get_json("/api/me").await.json();
    assert_eq!(me["sub"], app.mock_of(Platform::ProConnect).agents()[0].sub);
    assert_eq!(
        revocations(),
        1,
        "the replaced FranceConnect sign-in's access token is revoked"
    );
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    let first = out.location.unwrap();
    assert!(first.as_str().starts_with(&app.mock_of(Platform::ProConnect).issuer()));
    let home = b.get(b.get(first.as_str()).await.location.unwrap().as_str()).await;
    assert_eq!(home.location_path(), "/", "no second logout: {:?}", home.location);
}

/// Issue 27 §4: FranceConnect gives the civil register's identity and
/// FranceConnect+ the identity provider's, spelled otherwise (`Jean-Pierre
/// Marie LEBRETON` and `Jean Pierre Lebreton`; `1955-01-01` and
/// `1955-00-00`): the step-up still keeps the same person's session (the
/// FranceConnect sign-in is remembered, not revoked). Another person on
/// FranceConnect+ starts afresh, their FranceConnect sign-in revoked.
pub async fn the_same_person_steps_up_whatever_the_spelling_and_no_one_else(starter: &impl Starter) {
    let app = starter.start(three_platforms()).await;
    let fc = app.mock_of(Platform::FranceConnect);
    let revocations = || fc.request_count(franceconnect_mock::Endpoint::Revocation);
    for person in ["prenoms-composes", "date-presumee", "accents"] {
        let b = Browser::new(&app.base);
        b.login_through_page("/auth/fc/login", Some(person), "eidas1").await;
        let before = revocations();
        let page = b.get("/niveau-eleve").await;
        let back = b
            .login_through_page(&page.location_path(), Some(person), "eidas3")
            .await;
        assert_eq!(back.location_path(), "/niveau-eleve", "{person}: {}", back.body);
        assert_eq!(b.get_json("/api/me").await.json()["acr"], "eidas3", "{person}");
        assert_eq!(revocations(), before, "{person}: the same person's sign-in is kept");
        // Both platforms are left at the logout: FranceConnect+ first.
        let out = b.post_form("/auth/logout", &[], &b.origin()).await;
        let first = out.location.expect("to FranceConnect+'s logout");
        let back = b.get(b.get(first.as_str()).await.location.unwrap().as_str()).await;
        let second = back.location.expect("then to FranceConnect's logout");
        assert!(second.as_str().starts_with(&fc.issuer()), "{person}: {second}");
    }
    let b = Browser::new(&app.base);
    b.login_through_page("/auth/fc/login", Some("default"), "eidas1").await;
    let before = revocations();
    let page = b.get("/niveau-eleve").await;
    b.login_through_page(&page.location_path(), Some("usage"), "eidas3")
        .await;
    assert_eq!(
        revocations(),
        before + 1,
        "another person: the FranceConnect sign-in is revoked"
    );
    let out = b.post_form("/auth/logout", &[], &b.origin()).await;
    let first = out.location.unwrap();
    let home = b.get(b.get(first.as_str()).await.location.unwrap().as_str()).await;
    assert_eq!(
        home.location_path(),
        "/",
        "only FranceConnect+ is left: {:?}",
        home.location
    );
}
